#include "call_tree.h"

#include <cstring>

#include "memory.h"
#include "module_map.h"

namespace fnprof::rt {

// From this many nodes on, the tree's nodes and durations (and its grown
// child tables) prefer huge pages: 4,096 nodes touch 256 KiB of nodes and
// up to 1.1 MiB of durations at random, far past what the TLB maps in 4 KiB
// pages. Smaller trees keep small pages: a huge page is 2 MiB of memory for
// each of them, in every thread. On the generated 29,108-context program
// (benchmarks/compare_large_tree.sh) 15-20% fewer ns a call.
constexpr uint32_t kLargeTreeNodes = 4096;

static uint32_t slot_index(uint32_t parent, uint64_t func, uint32_t mask) {
  uint64_t h = (func ^ (static_cast<uint64_t>(parent) << 40)) * 0x9E3779B97F4A7C15ull;
  return static_cast<uint32_t>(h >> 32) & mask;
}

static void insert_slot(ChildSlot* slots, uint32_t mask, const ChildSlot& s) {
  uint32_t i = slot_index(s.parent, s.func, mask);
  while (slots[i].func != 0) i = (i + 1) & mask;
  slots[i] = s;
}

// Doubles the table; keeps it at most 3/4 full so probes stay short.
static bool grow_slots(ThreadState* t) {
  uint32_t old_size = t->slot_mask + 1;
  uint32_t size = old_size * 2;
  auto* slots = static_cast<ChildSlot*>(map_memory(size * sizeof(ChildSlot)));
  if (!slots) return false;
  prefer_huge_pages(slots, size * sizeof(ChildSlot));
  for (uint32_t i = 0; i < old_size; ++i)
    if (t->slots[i].func) insert_slot(slots, size - 1, t->slots[i]);
  if (t->slots_mapped) unmap_memory(t->slots, old_size * sizeof(ChildSlot));
  t->slots = slots;
  t->slots_mapped = true;
  t->slot_mask = size - 1;
  return true;
}

static void cache_child(Node& parent, uint64_t func, uint32_t child) {
  for (uint32_t i = kCachedChildren - 1; i > 0; --i) {
    parent.child_tags[i] = parent.child_tags[i - 1];
    parent.children[i] = parent.children[i - 1];
  }
  parent.child_tags[0] = static_cast<uint32_t>(func);
  parent.children[0] = child;
}

uint32_t find_child(ThreadState* t, uint32_t parent, uint64_t func) {
  uint32_t mask = t->slot_mask;
  for (uint32_t i = slot_index(parent, func, mask);; i = (i + 1) & mask) {
    const ChildSlot& s = t->slots[i];
    if (s.func == func && s.parent == parent) {
      cache_child(t->nodes[parent], func, s.child);
      return s.child;
    }
    if (s.func == 0) break;
  }

  uint32_t child = t->node_count.load(std::memory_order_relaxed);
  if (child == t->node_capacity ||
      ((t->slot_used + 1) * 4 > (t->slot_mask + 1) * 3 && !grow_slots(t))) {
    // Out of room: the call is charged to the root, which is never written.
    t->truncated = true;
    return 0;
  }
  t->nodes[child] = Node{};
  t->nodes[child].func = func;
  t->nodes[child].parent = parent;
  insert_slot(t->slots, t->slot_mask, ChildSlot{func, parent, child});
  ++t->slot_used;
  cache_child(t->nodes[parent], func, child);
  // Publishes the node to a dump written by another thread.
  t->node_count.store(child + 1, std::memory_order_release);
  note_code_address(func);
  if (FNPROF_UNLIKELY(child == kLargeTreeNodes)) {
    prefer_huge_pages(t->nodes, size_t{t->node_capacity} * sizeof(Node));
    prefer_huge_pages(t->durations, size_t{t->node_capacity} * sizeof(NodeDurations));
  }
  return child;
}

void count_second_duration(ThreadState* t, Node& n, uint64_t ticks) {
  uint32_t index = ++t->durations_used;  // at most one a node, and node 0 has none
  NodeDurations& d = t->durations[index];
  d = NodeDurations{};  // a reset tree reuses the index
  if (n.durations & kOneDuration) add_duration(d, n.durations & ~kOneDuration);
  add_duration(d, ticks);
  // Published after the durations it names, to a dump on another thread.
  __atomic_store_n(&n.durations, index, __ATOMIC_RELEASE);
}

void count_deferred_durations(ThreadState* t) {
  // In a large tree most of these durations are not in the cache: ask for
  // them all first, so the misses overlap instead of following each other.
  // Their nodes are in the cache already: their exits have just added
  // their time.
  for (uint64_t e : t->deferred) {
    uint32_t d = t->nodes[e >> 32].durations;
    if (!d || (d & kOneDuration)) continue;
    __builtin_prefetch(&t->durations[d], 1);
    __builtin_prefetch(&t->durations[d].buckets[format::duration_bucket(static_cast<uint32_t>(e))], 1);
  }
  for (uint64_t& e : t->deferred) {
    if (e) count_duration(t, t->nodes[e >> 32], static_cast<uint32_t>(e));
    e = 0;
  }
  t->deferred_count = 0;
}

void reset_tree(ThreadState* t, uint64_t now) {
  // Deferred durations are of the dropped nodes.
  std::memset(t->deferred, 0, sizeof t->deferred);
  t->deferred_count = 0;
  std::memset(t->slots, 0, (t->slot_mask + 1) * sizeof(ChildSlot));
  t->slot_used = 0;
  t->nodes[0] = Node{};
  t->durations_used = 0;
  t->node_count.store(1, std::memory_order_relaxed);
  t->truncated = false;
  for (uint32_t d = 1; d <= t->depth; ++d) {
    Frame& f = t->frames[d];
    f.node = find_child(t, t->frames[d - 1].node, f.func);
    f.start_ticks = now;
  }
}

void close_frames_above(ThreadState* t, uint32_t depth, uint64_t now) {
  for (; t->depth > depth; --t->depth) {
    const Frame& f = t->frames[t->depth];
    t->nodes[f.node].incl_ticks += now - f.start_ticks;
    count_duration(t, t->nodes[f.node], now - f.start_ticks);
  }
}

}  // namespace fnprof::rt
