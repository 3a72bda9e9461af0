// One call's bookkeeping, shared by the hooks and the replay of calls that a
// signal handler made while a rare path was changing the tree
// (signal_calls.h).
//
// A signal handler compiled with instrumentation may interrupt a hook at any
// instruction, and its own hooks run to completion, balanced, before the
// interrupted one resumes. The common path is written so that this is
// harmless and the handler's calls are recorded where they happen:
//   - counters change by single read-modify-write instructions, which a
//     signal cannot split (arch::signal_safe_add);
//   - a push fills the frame's node, publishes the new depth, then stores the
//     node again (a handler that ran before the depth store used the same
//     slot) and the rest; a handler arriving later pushes above it;
//   - the interrupted hook's other values (depth, parent, child) stay true,
//     as the handler leaves the depth as it found it and nodes never move;
//     a handler's lookups may reorder the parent's cached children between
//     the hook's read of their tags and of the child, and then the child's
//     function, checked, is another: the lookup goes the rare path.
// The rare paths (a new child, a mismatched exit, a paused enter) change
// shared structures (the child table, the node count): inside them, a
// ColdSection makes a handler's hooks log their calls instead, and the calls
// are replayed into the tree when the section ends.
#pragma once

#include <atomic>
#include <cstdint>

#include "api/api.h"
#include "arch_x86_64.h"
#include "call_tree.h"
#include "compiler.h"
#include "signal_calls.h"
#include "stack_repair.h"

namespace fnprof::rt {

class ColdSection {
 public:
  // Nested sections (a replay's own rare paths) are part of the outermost.
  explicit ColdSection(ThreadState* t) : t_(t), outer_(!t->in_cold) {
    if (!outer_) return;
    t_->in_cold = true;
    std::atomic_signal_fence(std::memory_order_seq_cst);
  }
  ~ColdSection() {
    if (!outer_) return;
    std::atomic_signal_fence(std::memory_order_seq_cst);
    t_->in_cold = false;
    std::atomic_signal_fence(std::memory_order_seq_cst);
    if (FNPROF_UNLIKELY(t_->signal_log_count)) replay_signal_calls(t_);
  }
  ColdSection(const ColdSection&) = delete;
  ColdSection& operator=(const ColdSection&) = delete;

 private:
  ThreadState* t_;
  bool outer_;
};

// The exit hook's slow cases: the last free slot (then the durations are
// counted), no slot left (a signal handler's calls while that happens) or a
// call too long for a slot (over 2^32 ticks).
FNPROF_COLD inline void defer_duration_slow(ThreadState* t, uint32_t slot, uint32_t node, uint64_t ticks) {
  ColdSection cold(t);
  if (slot < kDeferredDurations && !(ticks >> 32))
    t->deferred[slot] = uint64_t{node} << 32 | ticks;
  else
    count_duration(t, t->nodes[node], ticks);
  if (slot == kDeferredDurations - 1) count_deferred_durations(t);
}

// Counting a call's duration in its node's histogram would make the exit
// hook wait for the clock read (the bucket depends on it) and, in a large
// tree, for the node's durations to come from memory. So the hook only takes
// a slot for it, and the durations are counted 64 at a time, their cache
// misses overlapped (count_deferred_durations).
//
// The slot is taken by one instruction, so a signal handler's calls take the
// slots after it, and filled by one store: a handler that counts the slots
// finds it empty or whole. In the one case that loses a duration, a handler
// that counts the slots between the two, the call's node still has its call
// and time; no duration is ever counted twice.
FNPROF_ALWAYS_INLINE void defer_duration(ThreadState* t, uint32_t node, uint64_t ticks) {
  uint32_t slot = arch::signal_safe_fetch_add32(&t->deferred_count, 1);
  if (FNPROF_UNLIKELY(slot >= kDeferredDurations - 1 || ticks >> 32))
    return defer_duration_slow(t, slot, node, ticks);
  t->deferred[slot] = uint64_t{node} << 32 | ticks;
}

// Counts the calling thread's deferred durations, as a dump of it must.
inline void count_own_durations(ThreadState* t) {
  if (t->in_cold) return;  // a signal handler's dump in a rare path, maybe counting them
  ColdSection cold(t);
  count_deferred_durations(t);
}

// `now` is called once the work is done, so the hook's own work is not the
// callee's time (the replay passes the logged time).
template <class Now>
FNPROF_ALWAYS_INLINE void record_enter(ThreadState* t, uint64_t func, uintptr_t sp, Now now) {
  // fnprof_pause(): one load of a flag that rarely changes, so the branch
  // predicts; exits need no check (api/api.h).
  if (FNPROF_UNLIKELY(api::g_paused.load(std::memory_order_relaxed))) {
    ColdSection cold(t);
    return api::enter_paused(t, func, sp);
  }
  uint32_t depth = t->depth;
  uint32_t parent = t->frames[depth].node;
  const Node& p = t->nodes[parent];
  // No tag matching reads children[0], whose tag and so function differ;
  // an empty entry is the root, which has no function.
  uint32_t child = p.children[arch::find_tag4(p.child_tags, static_cast<uint32_t>(func)) & (kCachedChildren - 1)];
  if (FNPROF_UNLIKELY(t->nodes[child].func != func)) {
    ColdSection cold(t);
    child = find_child(t, parent, func);
  }
  arch::signal_safe_add(&t->nodes[child].calls, 1);

  if (FNPROF_UNLIKELY(depth + 1 == t->frame_capacity)) {
    ++t->lost_depth;
    t->truncated = true;
    return;
  }
  Frame& f = t->frames[depth + 1];
  f.node = child;
  std::atomic_signal_fence(std::memory_order_seq_cst);
  t->depth = depth + 1;
  std::atomic_signal_fence(std::memory_order_seq_cst);
  f.node = child;
  f.func = func;
  f.sp = sp;
  f.start_ticks = now();
}

FNPROF_ALWAYS_INLINE void record_exit(ThreadState* t, uint64_t func, uint64_t now) {
  uint32_t depth = t->depth;
  const Frame& f = t->frames[depth];
  if (FNPROF_UNLIKELY(f.func != func || t->lost_depth)) {
    ColdSection cold(t);
    return exit_mismatch(t, func, now);
  }
  const uint64_t ticks = now - f.start_ticks;
  arch::signal_safe_add(&t->nodes[f.node].incl_ticks, ticks);
  defer_duration(t, f.node, ticks);
  t->depth = depth - 1;
}

}  // namespace fnprof::rt
