// The counter table. A counter's value lives in per-thread slots
// (ApiThread::slots): each thread adds to its own with a plain load and store,
// and the dump sums the slots of every thread, so an increment is exact under
// any number of threads and costs no atomic read-modify-write or shared cache
// line. A gauge is one process-wide value: the last one set wins, and its
// minimum and maximum are kept with compare-and-swap.
#include <pthread.h>

#include "api_state.h"

namespace fnprof::rt::api {

namespace {

// constinit: counters may be created from other libraries' constructors,
// before this file's dynamic initializers would run.
constinit CounterInfo g_counters[kMaxCounters];
std::atomic<uint32_t> g_counter_count{1};  // id 0 is "no counter"
pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;

}  // namespace

uint32_t counter_id(uint32_t name, format::CounterKind kind, format::CounterDirection direction) {
  if (name == kNoId) return 0;
  pthread_mutex_lock(&g_lock);
  uint32_t n = g_counter_count.load(std::memory_order_relaxed), id = 0;
  for (uint32_t i = 1; i < n; ++i)
    if (g_counters[i].name == name && g_counters[i].kind == static_cast<uint8_t>(kind)) id = i;
  if (!id && n < kMaxCounters) {
    CounterInfo& c = g_counters[n];
    c.name = name;
    c.kind = static_cast<uint8_t>(kind);
    c.direction = static_cast<uint8_t>(direction);
    c.min.store(INT64_MAX, std::memory_order_relaxed);
    c.max.store(INT64_MIN, std::memory_order_relaxed);
    g_counter_count.store(n + 1, std::memory_order_release);
    id = n;
  } else if (id && direction != format::CounterDirection::Neutral) {
    g_counters[id].direction = static_cast<uint8_t>(direction);  // declared after first use
  }
  pthread_mutex_unlock(&g_lock);
  return id;
}

uint32_t counter_count() { return g_counter_count.load(std::memory_order_acquire); }

CounterInfo& counter_info(uint32_t id) { return g_counters[id]; }

int64_t counter_value(uint32_t id) {
  if (g_counters[id].kind == static_cast<uint8_t>(format::CounterKind::Gauge))
    return g_counters[id].last.load(std::memory_order_relaxed);
  int64_t sum = 0;
  for (ApiThread* t = api_thread_list(); t; t = t->next) sum += t->slots[id].value.load(std::memory_order_relaxed);
  return sum;
}

void gauge_set(uint32_t id, int64_t value) {
  CounterInfo& c = g_counters[id];
  c.last.store(value, std::memory_order_relaxed);
  c.updates.fetch_add(1, std::memory_order_relaxed);
  int64_t m = c.min.load(std::memory_order_relaxed);
  while (value < m && !c.min.compare_exchange_weak(m, value, std::memory_order_relaxed)) {
  }
  m = c.max.load(std::memory_order_relaxed);
  while (value > m && !c.max.compare_exchange_weak(m, value, std::memory_order_relaxed)) {
  }
}

void counters_after_fork() {
  pthread_mutex_init(&g_lock, nullptr);  // another thread may have held it at the fork
  for (uint32_t i = 1; i < kMaxCounters; ++i) {
    CounterInfo& c = g_counters[i];
    c.last.store(0), c.updates.store(0), c.min.store(INT64_MAX), c.max.store(INT64_MIN);
  }
}

}  // namespace fnprof::rt::api
