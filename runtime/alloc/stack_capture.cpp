#include "stack_capture.h"

#define UNW_LOCAL_ONLY
#include <libunwind.h>
#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstring>

#include "../arch_x86_64.h"
#include "../call_tree.h"
#include "../compiler.h"
#include "../runtime_api.h"
#include "arena.h"
#include "settings.h"
#include "stack_table.h"

extern "C" void* __libc_stack_end;

namespace fnprof::alloc {

// Stacks deeper than this are unwound every time.
constexpr uint32_t kCachedDepth = 64;

struct UnwindEntry {
  uintptr_t ret, cfa;         // the key; ret 0: empty
  const uint64_t* frames;     // the interned stack: frames[i] is expected at
  uint32_t slot[kCachedDepth - 1];  // cfa + slot[i - 1], for i >= 1
  uint32_t count;
  uint32_t site;
};

// Set-associative: one caller at one depth is often reached through a few
// call paths (a tail call replaces its caller's frame), and each keeps its
// own entry.
struct UnwindCache {
  static constexpr uint32_t kWays = 4;
  static constexpr uint32_t kSets = 64;
  UnwindEntry entries[kSets][kWays];
  uint8_t victim[kSets];  // round-robin replacement
};

struct NodeCache {
  static constexpr uint32_t kEntries = 4096;
  struct Entry {
    uint32_t node;  // 0: empty (node 0 is the root, never cached)
    uint32_t site;
  } entries[kEntries];
};

namespace {

uint32_t site_for_stack(AllocThread* t, uint32_t stack_id) {
  if (stack_id == kNoStack) return kNoSite;
  uint32_t site = t->sites.find(stack_id);
  if (site != kNoSite) return site;
  site = new_site(stack_id, t, t->tid, g_heap.peak_epoch.load(std::memory_order_relaxed),
                  g_heap.sample_state.load(std::memory_order_relaxed));
  if (site != kNoSite && !t->sites.insert(stack_id, site)) return kNoSite;
  return site;
}

// ---- Shadow stack ----------------------------------------------------------

FNPROF_COLD uint32_t shadow_site_slow(AllocThread* t, const rt::ThreadState* rt) {
  ErrnoKeeper keep_errno;
  uint64_t frames[kMaxStackDepth];
  uint32_t depth = rt ? rt->depth : 0;
  uint32_t n = depth < g_settings.stack_depth ? depth : g_settings.stack_depth;
  for (uint32_t i = 0; i < n; ++i) frames[i] = rt->frames[depth - i].func;
  uint32_t site = site_for_stack(t, intern_stack(frames, n, format::StackKind::FunctionEntries));
  uint32_t node = depth ? rt->frames[depth].node : 0;
  if (node && site != kNoSite) t->node_cache->entries[node % NodeCache::kEntries] = {node, site};
  return site;
}

inline uint32_t shadow_site(AllocThread* t, const rt::ThreadState* rt) {
  // The top frame's node is the whole call path (call_tree.h).
  uint32_t node = rt->frames[rt->depth].node;
  const NodeCache::Entry& e = t->node_cache->entries[node % NodeCache::kEntries];
  if (e.node == node && node != 0) return e.site;
  return shadow_site_slow(t, rt);
}

// ---- Unwinding -------------------------------------------------------------

inline size_t unwind_set(uintptr_t ret, uintptr_t cfa) {
  return ((ret ^ (cfa >> 4)) * 0x9E3779B97F4A7C15ull) >> (64 - 6);
}

// Unwinds from here to the caller of the interposed function, then records
// its stack; fills `slot` with the offset from cfa of each return address's
// stack word and returns false when they cannot be trusted for caching.
uint32_t unwind(Caller caller, uint64_t* frames, uint32_t max, uint32_t* slot, bool* cacheable) {
  *cacheable = false;
  unw_context_t context;
  unw_cursor_t cursor;
  unw_word_t ip = 0, sp = 0;
  if (!fnprof_rt_unwinder_ready()) return 0;
  if (unw_getcontext(&context) != 0 || unw_init_local(&cursor, &context) != 0) return 0;
  // Skip the tracker's frames (this, capture_site, the hook, the interposer).
  bool found = false;
  for (int skipped = 0; skipped < 16; ++skipped) {
    unw_get_reg(&cursor, UNW_REG_IP, &ip);
    unw_get_reg(&cursor, UNW_REG_SP, &sp);
    if (ip == caller.ret && sp == caller.cfa) {
      found = true;
      break;
    }
    if (unw_step(&cursor) <= 0) break;
  }
  if (!found) {
    // The unwinder disagrees with the frame address we computed: trust it
    // and keep what follows the caller's return address, uncached.
    void* raw[kMaxStackDepth + 8];
    int n = unw_backtrace(raw, static_cast<int>(max + 8));
    int from = 0;
    while (from < n && reinterpret_cast<uintptr_t>(raw[from]) != caller.ret) ++from;
    if (from == n) from = 0;
    uint32_t count = 0;
    for (int i = from; i < n && count < max; ++i) frames[count++] = reinterpret_cast<uintptr_t>(raw[i]);
    return count;
  }
  bool ok = true;
  uint32_t n = 0;
  for (;;) {
    frames[n] = ip;
    if (n > 0) {
      // A call stored `ip` just below the stack pointer of the frame it
      // returns to; a signal frame does not, and is not cached.
      uintptr_t word = sp - arch::kReturnAddressBytes;
      if (word < caller.cfa || word - caller.cfa > UINT32_MAX || n >= kCachedDepth ||
          *reinterpret_cast<const uint64_t*>(word) != ip)
        ok = false;
      else
        slot[n - 1] = static_cast<uint32_t>(word - caller.cfa);
    }
    if (++n == max || unw_step(&cursor) <= 0) break;
    unw_get_reg(&cursor, UNW_REG_IP, &ip);
    unw_get_reg(&cursor, UNW_REG_SP, &sp);
    if (ip == 0) break;
  }
  *cacheable = ok;
  return n;
}

FNPROF_COLD uint32_t unwind_site_slow(AllocThread* t, Caller caller, size_t set, bool cache) {
  ErrnoKeeper keep_errno;
  uint64_t frames[kMaxStackDepth];
  uint32_t slot[kCachedDepth];
  bool cacheable;
  uint32_t n = unwind(caller, frames, g_settings.stack_depth, slot, &cacheable);
  uint32_t stack_id = intern_stack(frames, n, format::StackKind::ReturnAddresses);
  uint32_t site = site_for_stack(t, stack_id);
  if (cache && cacheable && site != kNoSite && n <= kCachedDepth) {
    uint32_t top = n > 1 ? slot[n - 2] : 0;
    if (caller.cfa + top + 8 <= t->stack_hi) {
      uint8_t& victim = t->unwind_cache->victim[set];
      UnwindEntry* e = &t->unwind_cache->entries[set][victim];
      victim = (victim + 1) % UnwindCache::kWays;
      e->ret = 0;  // invalid while being filled (a signal handler may look)
      e->cfa = caller.cfa;
      e->frames = stack_at(stack_id)->frames;
      std::memcpy(e->slot, slot, (n ? n - 1 : 0) * sizeof(uint32_t));
      e->count = n;
      e->site = site;
      std::atomic_signal_fence(std::memory_order_release);
      e->ret = caller.ret;
    }
  }
  return site;
}

inline uint32_t unwind_site(AllocThread* t, Caller caller) {
  size_t set = unwind_set(caller.ret, caller.cfa);
  // Only frames on the thread's own stack are cached (not a coroutine's or
  // a signal stack's), so every word a hit checks is mapped.
  bool on_stack = caller.cfa - t->stack_lo < t->stack_hi - t->stack_lo;
  if (on_stack) {
    for (const UnwindEntry& e : t->unwind_cache->entries[set]) {
      if (e.ret != caller.ret || e.cfa != caller.cfa) continue;
      const uint64_t* frames = e.frames;
      uint32_t i = 1;
      while (i < e.count && *reinterpret_cast<const uint64_t*>(caller.cfa + e.slot[i - 1]) == frames[i]) ++i;
      if (i == e.count) return e.site;
    }
  }
  return unwind_site_slow(t, caller, set, on_stack);
}

void find_stack_bounds(AllocThread* t) {
  if (static_cast<pid_t>(t->tid) == getpid()) {
    // pthread_getattr_np reads /proc for the main thread; its top is known.
    size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    t->stack_hi = (reinterpret_cast<uintptr_t>(__libc_stack_end) + page - 1) & ~(page - 1);
    rlimit limit;
    size_t size = getrlimit(RLIMIT_STACK, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY
                      ? limit.rlim_cur
                      : size_t{1} << 30;
    t->stack_lo = t->stack_hi - size;
    return;
  }
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) != 0) return;
  void* addr;
  size_t size;
  if (pthread_attr_getstack(&attr, &addr, &size) == 0) {
    t->stack_lo = reinterpret_cast<uintptr_t>(addr);
    t->stack_hi = t->stack_lo + size;
  }
  pthread_attr_destroy(&attr);
}

}  // namespace

uint32_t capture_site(AllocThread* t, Caller caller) {
  if (g_settings.stack_mode != format::AllocStackMode::Unwind) {
    const rt::ThreadState* rt = *t->shadow;
    if (rt && rt->depth > 0) return shadow_site(t, rt);
    if (g_settings.stack_mode == format::AllocStackMode::Shadow) return shadow_site_slow(t, rt);
  }
  return unwind_site(t, caller);
}

size_t stack_capture_bytes() { return sizeof(UnwindCache) + sizeof(NodeCache); }

void stack_capture_thread_init(AllocThread* t, void* memory) {
  t->unwind_cache = static_cast<UnwindCache*>(memory);
  t->node_cache = reinterpret_cast<NodeCache*>(static_cast<char*>(memory) + sizeof(UnwindCache));
  find_stack_bounds(t);
}

void stack_capture_thread_reset(AllocThread* t) {
  std::memset(t->unwind_cache, 0, sizeof(UnwindCache));
  std::memset(t->node_cache, 0, sizeof(NodeCache));
}

}  // namespace fnprof::alloc
