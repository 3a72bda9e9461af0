// Per-thread profile state: a shadow stack of open calls and a calling-context
// tree (CCT) with a node per distinct call path.
//
// For a program where main calls f twice and g once, and f calls g:
//
//   node 0  root
//   node 1  main        calls 1
//   node 2  main>f      calls 2
//   node 3  main>f>g    calls 2
//   node 4  main>g      calls 1
//
// Each node holds its function, its parent, the calls along that path and
// their inclusive time; self time and flat per-function figures are derived
// offline (perf-report). A recursive function gets a node per depth, so its
// inclusive time is never added to itself.
//
// Nodes are created in call order, so a parent's index is always smaller than
// its children's and the frames on the shadow stack have increasing node
// indices: the dump writer relies on both.
//
// Each node's call durations (shortest, longest, a log-bucketed histogram:
// format.h, "Call durations") live apart, so the node the enter hook reads is
// one cache line, and only from its second finished call on: a node that has
// ended one call keeps that call's duration in its own line. Most nodes of a
// large tree end one call (2.0 of the 2.4 million nodes of Lua's test suite),
// and 272 bytes of histogram each would be most of the tree's memory. The
// exit hook only notes a call's duration; they are counted 64 at a time
// (count_deferred_durations).
//
// Child lookup is O(1): each node keeps the four children it looked up last,
// in its own cache line (a loop calling up to four functions in turn finds
// them there); other lookups go to a per-thread open-addressing table keyed
// by (parent, function). All memory is the
// thread's own mmap'd reservations, so the hooks never call malloc or lock.
// When the thread exits, its nodes move to a copy sized to fit and the
// reservations go back (thread_registry.cpp).
#pragma once

#include <atomic>
#include <cstdint>

#include "arch_x86_64.h"
#include "compiler.h"
#include "fnprof/format.h"

namespace fnprof::rt {

struct SignalCall;

inline constexpr uint32_t kCachedChildren = 4;

struct Node {
  uint64_t func;
  uint64_t calls;
  uint64_t incl_ticks;
  uint32_t parent;
  // The children looked up last, most recent first; 0 (the root) when none.
  // A tag is the low 32 bits of the child's function: the enter hook
  // compares the four at once and reads the one child a tag names, whose
  // function it checks anyway (two functions may share a tag).
  uint32_t child_tags[kCachedChildren];
  uint32_t children[kCachedChildren];
  // Its finished calls' durations: 0 before the first, kOneDuration | ticks
  // after only one (of fewer than 2^31 ticks), else the index of its
  // NodeDurations in the thread's `durations` (count_duration).
  uint32_t durations;
};
static_assert(sizeof(Node) == 64);

struct NodeDurations {
  uint64_t max_ticks;
  uint64_t min_complement;  // ~min: zeroed memory then starts as "no call yet"
  uint32_t buckets[format::kDurationBuckets];
};
static_assert(sizeof(NodeDurations) == 272);

// One finished call of `ticks`. Only in a rare-path section (call_record.h)
// or where no hook runs, as its compare-and-stores are not signal safe.
FNPROF_ALWAYS_INLINE void add_duration(NodeDurations& d, uint64_t ticks) {
  ++d.buckets[format::duration_bucket(ticks)];
  if (ticks > d.max_ticks) d.max_ticks = ticks;
  if (~ticks > d.min_complement) d.min_complement = ~ticks;
}

inline constexpr uint32_t kOneDuration = 1u << 31;

// Finished calls whose durations are not counted yet: node << 32 | ticks,
// 0 for an empty slot (no call of node 0, the root, takes a slot).
inline constexpr uint32_t kDeferredDurations = 64;

struct Frame {
  uint64_t func;
  uintptr_t sp;  // frame address of the hook, to find frames skipped by
                 // longjmp or an exception (see stack_repair.cpp)
  uint64_t start_ticks;
  uint32_t node;
};

struct ChildSlot {
  uint64_t func;  // 0: empty
  uint32_t parent;
  uint32_t child;
};

struct ThreadState {
  // Hot: read and written by every hook.
  uint32_t depth;       // open frames; frames[0] is the root's sentinel
  uint32_t lost_depth;  // enters not pushed because the stack was full
  bool in_cold;         // in a rare path: a signal handler's hooks log their calls
  Frame* frames;
  Node* nodes;
  NodeDurations* durations;  // [Node::durations]; [0] unused
  std::atomic<uint32_t> node_count;  // read by the dump writer on other threads
  uint32_t deferred_count;  // slots of `deferred` taken; may pass its size

  // Cold.
  uint32_t frame_capacity;
  uint32_t node_capacity;
  uint32_t durations_used;  // the last index given out; durations has node_capacity
  ChildSlot* slots;
  char* reservation;  // frames, nodes, durations and the first child table, one mapping
  size_t reservation_bytes;
  uint32_t exit_rounds;  // pthread key destructor calls so far
  SignalCall* signal_log;  // kSignalLogCapacity entries (signal_calls.h)
  uint32_t signal_log_count;      // may exceed the capacity: calls were lost
  bool slots_mapped;  // a mapping of its own (grown), not the thread's first table
  uint32_t slot_mask;
  uint32_t slot_used;
  bool truncated;  // a capacity ran out: some calls were not recorded
  std::atomic<bool> finished;
  uint64_t tid;
  uint64_t start_ticks;
  uint64_t end_ticks;
  uint64_t end_cpu_ns;  // its CPU clock at its end (thread_cpu_ns)
  char name[16];
  ThreadState* next;  // registry list
  uint64_t deferred[kDeferredDurations];
};

// Returns the child of `parent` for `func`, creating it when new, and puts
// it first among the parent's cached children. Called when none of them is
// `func`: out of line, but not cold, as that is common in code whose
// functions call many others in turn (an interpreter's dispatch loop).
uint32_t find_child(ThreadState* t, uint32_t parent, uint64_t func);

// Drops every node and recreates the path of the open frames with zero
// calls, as a freshly started profile would have it (fork child).
void reset_tree(ThreadState* t, uint64_t now);

// A node's second finished call (or a first too long to keep in the node):
// its NodeDurations, with the first call's duration in it.
FNPROF_COLD void count_second_duration(ThreadState* t, Node& n, uint64_t ticks);

// One finished call of `ticks` at `n`. Only where add_duration may run.
FNPROF_ALWAYS_INLINE void count_duration(ThreadState* t, Node& n, uint64_t ticks) {
  uint32_t d = n.durations;
  if (FNPROF_LIKELY(d && !(d & kOneDuration))) return add_duration(t->durations[d], ticks);
  if (!d && ticks < kOneDuration) {
    n.durations = kOneDuration | static_cast<uint32_t>(ticks);
    return;
  }
  count_second_duration(t, n, ticks);
}

// Closes the frames above `depth` at `now`, adding their time.
void close_frames_above(ThreadState* t, uint32_t depth, uint64_t now);

// Counts the durations the exit hooks deferred into their nodes' durations
// and empties the slots. Run in a rare-path section (call_record.h).
void count_deferred_durations(ThreadState* t);

}  // namespace fnprof::rt
