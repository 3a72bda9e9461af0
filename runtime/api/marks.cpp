// Checkpoints: one process-wide log. A slot is claimed with one atomic add
// and marked ready once filled, so the dump writer skips a slot still being
// written on another thread.
#include <pthread.h>

#include "../clock.h"
#include "../dump_buffer.h"
#include "../memory.h"
#include "api_state.h"

namespace fnprof::rt::api {

namespace {

constexpr uint32_t kMaxCheckpoints = 1u << 20;

struct Checkpoint {
  uint64_t ticks;
  uint64_t tid;
  uint32_t name;
  MetaRef meta;
  std::atomic<bool> ready;
};

Checkpoint* g_log;
std::atomic<uint32_t> g_claimed{0};
pthread_once_t g_once = PTHREAD_ONCE_INIT;

void init_log() { g_log = static_cast<Checkpoint*>(map_memory(kMaxCheckpoints * sizeof(Checkpoint))); }

}  // namespace

void checkpoint(ApiThread* t, const char* name, const fnprof_meta* meta, size_t count) {
  uint64_t now = read_ticks();
  pthread_once(&g_once, init_log);
  uint32_t i = g_claimed.fetch_add(1, std::memory_order_relaxed);
  if (!g_log || i >= kMaxCheckpoints) return;
  Checkpoint& c = g_log[i];
  c.ticks = now;
  c.tid = t->tid;
  c.name = cached_name(t->names, name)->id;
  c.meta = store_meta(meta, count);
  c.ready.store(true, std::memory_order_release);
}

void write_checkpoints(DumpBuffer& b) {
  uint32_t n = g_claimed.load(std::memory_order_acquire);
  if (!g_log || n == 0) return;
  if (n > kMaxCheckpoints) n = kMaxCheckpoints;
  size_t at = b.begin_section();
  size_t count_at = b.reserve_count();
  uint64_t written = 0;
  int64_t prev = 0;
  for (uint32_t i = 0; i < n; ++i) {
    const Checkpoint& c = g_log[i];
    if (!c.ready.load(std::memory_order_acquire) || c.name == kNoId) continue;
    b.put(CheckpointRecord{static_cast<int64_t>(c.ticks) - prev, c.tid, c.name, c.meta.count});
    b.append(meta_bytes(c.meta), c.meta.size);
    prev = static_cast<int64_t>(c.ticks);
    ++written;
  }
  b.set_count(count_at, written);
  b.end_section(at, SectionType::Checkpoints);
}

void marks_after_fork() {
  if (!g_log) return;
  uint32_t n = g_claimed.load();
  for (uint32_t i = 0; i < n && i < kMaxCheckpoints; ++i) g_log[i].ready.store(false);
  g_claimed.store(0);
}

}  // namespace fnprof::rt::api
