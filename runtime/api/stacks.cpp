// Captured stacks (fnprof_capture_stack and fatal signals). A stack comes
// from the shadow stack when the thread has open instrumented frames: the
// entry addresses of the open functions, nothing to unwind, safe anywhere.
// Otherwise libunwind unwinds it (from the signal's context for a fatal
// signal). Frames are symbolized offline by perf-report.
//
// A fatal signal (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT) captures the
// crashing thread's stack, writes the dump and hands the signal on as if
// fnprof were not there: to the handler installed before ours, else to the
// default action. A fault recurs when the faulting instruction runs again; a
// signal sent with kill/raise/abort is raised again.
#define UNW_LOCAL_ONLY
#include <libunwind.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../clock.h"
#include "../descriptors.h"
#include "../dump_buffer.h"
#include "../lifecycle.h"
#include "../memory.h"
#include "../process.h"
#include "../thread_registry.h"
#include "api_state.h"

namespace fnprof::rt::api {

namespace {

constexpr uint32_t kMaxFrames = 64;
constexpr uint32_t kDefaultMaxStacks = 100;

struct CapturedStack {
  uint64_t ticks;
  uint64_t tid;
  char label[64];
  uint32_t kind;  // format::StackKind
  int signal;
  uint32_t frame_count;
  uint64_t frames[kMaxFrames];
  std::atomic<bool> ready;
};

CapturedStack* g_stacks;
uint32_t g_capacity;  // FNPROF_MAX_STACKS, plus one kept for a fatal signal
std::atomic<uint32_t> g_claimed{0};
pthread_once_t g_once = PTHREAD_ONCE_INIT;

void init_stacks() {
  g_capacity = kDefaultMaxStacks;
  if (const char* v = getenv("FNPROF_MAX_STACKS"); v && *v) {
    char* end;
    unsigned long n = strtoul(v, &end, 10);
    if (*end || n > 100000) warn_once("ignoring an invalid value of ", "FNPROF_MAX_STACKS");
    else g_capacity = static_cast<uint32_t>(n);
  }
  g_stacks = static_cast<CapturedStack*>(map_memory((g_capacity + 1) * sizeof(CapturedStack)));
}

uint32_t unwind(CapturedStack& s, void* ucontext) {
  unw_cursor_t cursor;
  unw_context_t context;
  if (!unwinder_ready()) return 0;
  if (ucontext) {
    // x86-64: unw_context_t is a ucontext_t; the signal frame's pc is exact.
    if (unw_init_local2(&cursor, static_cast<unw_context_t*>(ucontext), UNW_INIT_SIGNAL_FRAME) < 0) return 0;
  } else {
    if (unw_getcontext(&context) < 0 || unw_init_local(&cursor, &context) < 0) return 0;
    if (unw_step(&cursor) <= 0) return 0;  // skip capture_stack itself
  }
  uint32_t n = 0;
  do {
    unw_word_t pc;
    if (unw_get_reg(&cursor, UNW_REG_IP, &pc) < 0 || pc == 0) break;
    s.frames[n++] = pc;
  } while (n < kMaxFrames && unw_step(&cursor) > 0);
  return n;
}

}  // namespace

void capture_stack(const char* label, int signal, void* ucontext) {
  uint64_t now = read_ticks();
  pthread_once(&g_once, init_stacks);
  if (!g_stacks) return;
  uint32_t i = g_claimed.fetch_add(1, std::memory_order_relaxed);
  if (i >= g_capacity) {
    if (!signal) return;  // over FNPROF_MAX_STACKS
    static std::atomic<bool> fatal_taken{false};
    if (fatal_taken.exchange(true)) return;
    i = g_capacity;  // the slot kept for the crash
  }
  CapturedStack& s = g_stacks[i];
  s.ticks = now;
  s.tid = static_cast<uint64_t>(gettid());
  size_t n = label ? strnlen(label, sizeof s.label - 1) : 0;
  memcpy(s.label, label ? label : "", n);
  s.label[n] = '\0';
  s.signal = signal;
  ThreadState* t = tls_thread;
  if (t && t->depth > 0 && t->depth < t->frame_capacity) {
    s.kind = static_cast<uint32_t>(StackKind::FunctionEntries);
    uint32_t k = 0;
    for (uint32_t d = t->depth; d > 0 && k < kMaxFrames; --d) s.frames[k++] = t->frames[d].func;
    s.frame_count = k;
  } else {
    s.kind = static_cast<uint32_t>(StackKind::ReturnAddresses);
    s.frame_count = unwind(s, ucontext);
  }
  s.ready.store(true, std::memory_order_release);
}

void write_captured_stacks(DumpBuffer& b) {
  uint32_t n = g_claimed.load(std::memory_order_acquire);
  if (!g_stacks || n == 0) return;
  size_t at = b.begin_section();
  size_t count_at = b.reserve_count();
  uint64_t written = 0;
  for (uint32_t i = 0; i <= g_capacity; ++i) {
    const CapturedStack& s = g_stacks[i];
    if (!s.ready.load(std::memory_order_acquire)) continue;
    b.put(CapturedStackRecord{s.ticks, s.tid, s.label, s.kind, static_cast<uint64_t>(s.signal), s.frame_count});
    b.put_frames(s.frames, s.frame_count);
    ++written;
  }
  b.set_count(count_at, written);
  b.end_section(at, SectionType::CapturedStacks);
}

void stacks_after_fork() {
  if (!g_stacks) return;
  for (uint32_t i = 0; i <= g_capacity; ++i) g_stacks[i].ready.store(false);
  g_claimed.store(0);
}

// ---- Fatal signals ---------------------------------------------------------

namespace {

constexpr int kFatalSignals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
struct sigaction g_previous[NSIG];

void on_fatal_signal(int sig, siginfo_t* info, void* ucontext) {
  int saved_errno = errno;
  char label[32] = "fatal signal ";
  const char* name = sigabbrev_np(sig);
  strncat(label, name ? name : "?", sizeof label - strlen(label) - 1);
  capture_stack(label, sig, ucontext);
  final_dump(DumpReason::Signal, sig, true);
  // Hand the signal on. A handler that ignored a fault would loop on it.
  struct sigaction previous = g_previous[sig];
  if (previous.sa_handler == SIG_IGN && info->si_code > 0) previous.sa_handler = SIG_DFL;
  sigaction(sig, &previous, nullptr);
  // Sent (kill, raise, abort): blocked while this runs, delivered again on
  // return. A fault (si_code > 0) recurs when the instruction runs again.
  if (info->si_code <= 0) raise(sig);
  errno = saved_errno;
}

}  // namespace

void fatal_signals_install() {
  for (int sig : kFatalSignals) {
    struct sigaction sa{};
    sa.sa_sigaction = on_fatal_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigaction(sig, &sa, &g_previous[sig]);
  }
}

}  // namespace fnprof::rt::api
