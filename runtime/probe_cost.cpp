// What the hooks add to a call, timed the way a program meets them: a leaf
// function with the hooks the compiler inserts and a small body (the shape of
// the tiny functions whose times the hooks distort most), called in a loop,
// against its twin without hooks called the same way. Their difference over
// the calls is what a call costs more with the hooks (pair); of that, the part
// between the hooks' two clock reads (inside) is what the leaf's node recorded
// per call less the plain call. So a leaf like it, compensated, takes what its
// plain twin takes, and its caller what it takes without the calls' hooks.
//
// Why not the hooks back to back, as before: the clock read is slow (about
// 11 ns here) and does not wait for the instructions around it, so a real
// call's own instructions (call, frame, body, return) run in its shadow; a
// loop of bare hook pairs read about 1 ns a pair more than the hooks cost
// real calls, and 2 ns more inside (docs/PERFORMANCE.md, "Compensation
// accuracy").
//
// The hooked calls run on a thread state of their own that the program
// never sees (tls_thread points at it meanwhile), so the measurement changes
// no profile, and they take the path of a real call whose parent's child
// cache hits. 256 rounds of each loop after a warm-up round; of each loop
// the fastest round ever seen is kept (a round that met an interrupt, a
// migration or a busy neighbour is slower, never faster): measured at
// start-up, when the core is often cold (a slower clock, cold caches and
// predictors), and again before each dump written outside a signal handler.
// 8,224 hooked and 65,792 plain calls, about 0.25 ms each time.
#include "probe_cost.h"

#include "api/api.h"
#include "call_record.h"
#include "clock.h"
#include "compiler.h"
#include "memory.h"
#include "signal_calls.h"
#include "thread_registry.h"

extern "C" void __cyg_profile_func_enter(void* fn, void* call_site);
extern "C" void __cyg_profile_func_exit(void* fn, void* call_site);

namespace fnprof::rt {

namespace {

// Short rounds: on a loaded machine the quiet moments are short, and a
// short round finds one more often. A round of hooked calls is timed by its
// hooks' own clock reads, from the first call's enter to the last call's
// (kHookedCalls - 1 whole calls): a clock read of its own at each end would
// queue behind the hooks' (clock reads run one after the other), one more
// than the calls make, about 0.35 ns a call in rounds of 32. A round of
// plain calls is 8 times longer, so its clock reads (and the clock's
// resolution, 10 ns on this machine) weigh 8 times less.
//
// A program's exits count their deferred durations once every
// kDeferredDurations calls (call_record.h). A hooked round starts with none
// deferred, so it holds no count, and a count is timed in rounds of its own
// and its share added to the pair: rounds that held one would be twice as
// long, and on a loaded machine too few of them run undisturbed (a pair
// measured 28.6 ns where it cost 22).
constexpr uint32_t kRounds = 256;
constexpr uint32_t kHookedCalls = 32;
constexpr uint32_t kPlainCalls = 256;
static_assert(kHookedCalls < kDeferredDurations);

// The fastest round of each loop so far, in ticks.
struct FastestRounds {
  uint64_t hooked = UINT64_MAX;    // kHookedCalls - 1 calls of the leaf with hooks
  uint64_t plain = UINT64_MAX;     // kPlainCalls calls of its twin without
  uint64_t recorded = UINT64_MAX;  // what the leaf's node recorded in a round of kHookedCalls
  uint64_t count = UINT64_MAX;     // counting kDeferredDurations deferred durations
  uint64_t calls = 0;              // hooked calls timed
};
FastestRounds g_fastest;

// A state just big enough for one function called from the root.
struct ProbeState {
  Frame frames[4];
  Node nodes[4];
  NodeDurations durations[4];
  ChildSlot slots[16];
  SignalCall signal_log[kSignalLogCapacity];  // a signal handler's calls meanwhile
};

unsigned g_sink;

// The twins: what the compiler makes of `void f(unsigned i) { sink += i; }`
// with -finstrument-functions and without. noinline and an opaque body keep
// both real calls whichever compiler builds the runtime.
__attribute__((noinline)) void leaf_plain(unsigned i) {
  g_sink += i;
  __asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) void leaf_hooked(unsigned i) {
  __cyg_profile_func_enter(reinterpret_cast<void*>(&leaf_hooked), __builtin_return_address(0));
  g_sink += i;
  __asm__ volatile("" ::: "memory");
  __cyg_profile_func_exit(reinterpret_cast<void*>(&leaf_hooked), __builtin_return_address(0));
}

uint64_t time_plain_round() {
  uint64_t begin = read_ticks();
  for (uint32_t i = 0; i < kPlainCalls; ++i) leaf_plain(i);
  return read_ticks() - begin;
}

void keep_faster(uint64_t& fastest, uint64_t ticks) {
  if (ticks < fastest) fastest = ticks;
}

}  // namespace

void probe_cost_measure() {
  // Paused hooks (fnprof_pause) take another path and record no node.
  if (api::g_paused.load(std::memory_order_relaxed)) return;
  auto* probe = static_cast<ProbeState*>(map_memory(sizeof(ProbeState)));
  if (!probe) return;  // no measurement: perf-report reports raw times
  ThreadState t{};
  t.frames = probe->frames;
  t.frames[0].sp = UINTPTR_MAX;
  t.nodes = probe->nodes;
  t.durations = probe->durations;
  t.node_count.store(1, std::memory_order_relaxed);
  t.frame_capacity = 4;
  t.node_capacity = 4;
  t.slots = probe->slots;
  t.slot_mask = 15;
  t.signal_log = probe->signal_log;

  ThreadState* saved = tls_thread;
  tls_thread = &t;
  FastestRounds& f = g_fastest;
  const Frame& leaf = t.frames[1];  // the leaf's frame keeps its last enter's clock read
  for (uint32_t round = 0; round <= kRounds; ++round) {  // round 0 warms up
    uint64_t plain = time_plain_round();
    uint64_t recorded_before = t.nodes[1].incl_ticks;
    count_own_durations(&t);
    leaf_hooked(0);
    uint64_t first_enter = leaf.start_ticks;
    for (uint32_t i = 1; i < kHookedCalls; ++i) leaf_hooked(i);
    uint64_t hooked = leaf.start_ticks - first_enter;
    uint64_t recorded = t.nodes[1].incl_ticks - recorded_before;
    // The slots full of the leaf's durations, as after 64 of its calls.
    for (uint32_t k = 0; k < kDeferredDurations; ++k) t.deferred[k] = uint64_t{1} << 32 | (recorded / kHookedCalls);
    uint64_t count_begin = read_ticks();
    count_own_durations(&t);
    uint64_t count = read_ticks() - count_begin;
    if (round == 0) continue;
    keep_faster(f.plain, plain);
    keep_faster(f.hooked, hooked);
    keep_faster(f.recorded, recorded);
    keep_faster(f.count, count);
  }
  f.calls += uint64_t{kRounds} * kHookedCalls;
  tls_thread = saved;
  unmap_memory(probe, sizeof(ProbeState));
}

format::ProbeCostRecord probe_cost() {
  const FastestRounds& f = g_fastest;
  if (!f.calls) return {};
  const uint64_t plain = f.plain * 1000 / kPlainCalls;
  const uint64_t hooked = f.hooked * 1000 / (kHookedCalls - 1), recorded = f.recorded * 1000 / kHookedCalls;
  const uint64_t count = f.count * 1000 / kDeferredDurations;
  // Never 0 once measured (0 is "not measured"); inside never above pair.
  const uint64_t pair = (hooked > plain ? hooked - plain : 1) + count;
  const uint64_t inside = recorded > plain ? recorded - plain : 0;
  return {pair, inside < pair ? inside : pair, f.calls};
}

}  // namespace fnprof::rt
