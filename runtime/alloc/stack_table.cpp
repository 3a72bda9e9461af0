#include "stack_table.h"

#include <cstring>

#include "arena.h"

namespace fnprof::alloc {

namespace {

constexpr uint32_t kBucketBits = 20;
constexpr uint32_t kMaxStacks = 1u << 24;
constexpr size_t kArenaBytes = size_t{2} << 30;

std::atomic<StackNode*>* g_buckets;
std::atomic<const StackNode*>* g_by_id;
constinit std::atomic<uint32_t> g_next_id{0};
constinit BumpArena g_arena;

uint64_t hash_frames(const uint64_t* frames, uint32_t count, uint64_t kind) {
  uint64_t h = 0x9E3779B97F4A7C15ull ^ (count * 0x100000001B3ull) ^ kind;
  for (uint32_t i = 0; i < count; ++i) {
    h ^= frames[i];
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 32;
  }
  return h;
}

bool same(const StackNode* n, uint64_t hash, const uint64_t* frames, uint32_t count, uint8_t kind) {
  return n->hash == hash && n->frame_count == count && n->kind == kind &&
         std::memcmp(n->frames, frames, count * sizeof(uint64_t)) == 0;
}

const StackNode* find(const StackNode* from, const StackNode* until, uint64_t hash,
                      const uint64_t* frames, uint32_t count, uint8_t kind) {
  for (const StackNode* n = from; n != until; n = n->next)
    if (same(n, hash, frames, count, kind)) return n;
  return nullptr;
}

}  // namespace

bool stack_table_init() {
  g_buckets = static_cast<std::atomic<StackNode*>*>(reserve(sizeof(StackNode*) << kBucketBits));
  g_by_id = static_cast<std::atomic<const StackNode*>*>(reserve(sizeof(StackNode*) * size_t{kMaxStacks}));
  return g_buckets && g_by_id && g_arena.init(kArenaBytes);
}

uint32_t intern_stack(const uint64_t* frames, uint32_t count, format::StackKind stack_kind) {
  if (count > kMaxStackDepth) count = kMaxStackDepth;
  auto kind = static_cast<uint8_t>(stack_kind);
  uint64_t hash = hash_frames(frames, count, kind);
  std::atomic<StackNode*>& bucket = g_buckets[hash >> (64 - kBucketBits)];
  StackNode* head = bucket.load(std::memory_order_acquire);
  if (const StackNode* n = find(head, nullptr, hash, frames, count, kind)) return n->id;

  uint32_t id = g_next_id.fetch_add(1, std::memory_order_relaxed);
  auto* node = id < kMaxStacks ? static_cast<StackNode*>(
                                     g_arena.allocate(sizeof(StackNode) + count * sizeof(uint64_t)))
                               : nullptr;
  if (!node) return kNoStack;
  node->hash = hash;
  node->id = id;
  node->frame_count = static_cast<uint16_t>(count);
  node->kind = kind;
  std::memcpy(node->frames, frames, count * sizeof(uint64_t));
  for (;;) {
    node->next = head;
    StackNode* seen = head;
    if (bucket.compare_exchange_weak(head, node, std::memory_order_release, std::memory_order_acquire))
      break;
    // Someone pushed first: maybe the same stack.
    if (const StackNode* n = find(head, seen, hash, frames, count, kind)) return n->id;
  }
  g_by_id[id].store(node, std::memory_order_release);
  return id;
}

uint32_t stack_id_limit() {
  uint32_t n = g_next_id.load(std::memory_order_acquire);
  return n < kMaxStacks ? n : kMaxStacks;
}

const StackNode* stack_at(uint32_t id) { return g_by_id[id].load(std::memory_order_acquire); }

}  // namespace fnprof::alloc
