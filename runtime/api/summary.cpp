// FNPROF_SUMMARY=1: after the final dump, a few lines on stderr with what the
// runtime can tell without symbols: run time, calls, peak RSS, phase totals
// and counters. perf-report --summary shows the same with the top functions.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "../clock.h"
#include "../process.h"
#include "../thread_registry.h"
#include "api_state.h"

namespace fnprof::rt::api {

namespace {

constexpr uint32_t kMaxShown = 16;

struct PhaseTotal {
  uint32_t name;
  uint64_t first;  // ticks of the first begin
  uint64_t count;
  uint64_t ticks;
};

// "1.23s", "45.6ms", "789µs", "4m 5.67s".
void duration(char* out, size_t size, double s) {
  if (s >= 60) snprintf(out, size, "%dm %.2fs", static_cast<int>(s / 60), s - 60 * static_cast<int>(s / 60));
  else if (s >= 1) snprintf(out, size, "%.2fs", s);
  else if (s >= 1e-3) snprintf(out, size, "%.1fms", s * 1e3);
  else snprintf(out, size, "%.0fµs", s * 1e6);
}

void line(const char* text) {
  size_t n = strlen(text);
  while (n) {
    ssize_t w = write(STDERR_FILENO, text, n);
    if (w <= 0) return;
    text += w, n -= static_cast<size_t>(w);
  }
}

}  // namespace

void print_exit_summary(const char* dump_path) {
  const char* v = getenv("FNPROF_SUMMARY");
  if (!v || strcmp(v, "1") != 0) return;
  ClockPoint end = clock_now();
  double elapsed = static_cast<double>(end.ns - g_process.start.ns) / 1e9;
  ClockPoint baseline_end = end;  // may wait until 20 ms from the start
  double tps = static_cast<double>(ticks_per_second(g_process.start, &baseline_end));
  uint64_t calls = 0;
  {
    ThreadReader reader;
    for (const ThreadState* t = reader.first(); t; t = t->next) {
      uint32_t n = t->node_count.load(std::memory_order_acquire);
      const Node* nodes = reader.nodes(t);
      for (uint32_t i = 1; i < n; ++i) calls += nodes[i].calls;
    }
  }
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);

  char text[512], d[32];
  duration(d, sizeof d, elapsed);
  snprintf(text, sizeof text, "fnprof: %s ran %s, %llu calls, peak RSS %.1f MiB\n", g_process.program, d,
           static_cast<unsigned long long>(calls), static_cast<double>(ru.ru_maxrss) / 1024);
  line(text);

  // Phases by name, in first-seen order (per thread, then across threads).
  PhaseTotal totals[kMaxShown];
  uint32_t shown = 0, more = 0;
  for (const ApiThread* t = api_thread_list(); t; t = t->next) {
    uint32_t n = t->phase_count.load(std::memory_order_acquire);
    for (uint32_t i = 0; i < n; ++i) {
      const PhaseEntry& e = t->phases[i];
      uint64_t stop = e.end_ticks.load(std::memory_order_acquire);
      if (!stop) stop = end.ticks;
      uint32_t k = 0;
      while (k < shown && totals[k].name != e.name) ++k;
      if (k == shown) {
        if (shown == kMaxShown) {
          ++more;
          continue;
        }
        totals[shown++] = {e.name, e.begin_ticks, 0, 0};
      }
      if (e.begin_ticks < totals[k].first) totals[k].first = e.begin_ticks;
      totals[k].count += 1;
      totals[k].ticks += stop > e.begin_ticks ? stop - e.begin_ticks : 0;
    }
  }
  // First seen first, across threads.
  for (uint32_t k = 1; k < shown; ++k)
    for (uint32_t j = k; j > 0 && totals[j].first < totals[j - 1].first; --j) {
      PhaseTotal swap = totals[j];
      totals[j] = totals[j - 1], totals[j - 1] = swap;
    }
  for (uint32_t k = 0; k < shown; ++k) {
    uint32_t size;
    const char* name = string_at(totals[k].name, &size);
    char avg[32];
    duration(d, sizeof d, static_cast<double>(totals[k].ticks) / tps);
    duration(avg, sizeof avg, static_cast<double>(totals[k].ticks) / tps / static_cast<double>(totals[k].count));
    snprintf(text, sizeof text, "fnprof:   phase %.*s: %llu x, total %s, avg %s\n", static_cast<int>(size), name,
             static_cast<unsigned long long>(totals[k].count), d, avg);
    line(text);
  }
  if (more) line("fnprof:   (more phases in the dump)\n");

  uint32_t n = counter_count();
  for (uint32_t id = 1; id < n && id <= kMaxShown; ++id) {
    const CounterInfo& c = counter_info(id);
    uint32_t size;
    const char* name = string_at(c.name, &size);
    long long value = counter_value(id);
    if (c.kind == static_cast<uint8_t>(format::CounterKind::Gauge))
      snprintf(text, sizeof text, "fnprof:   gauge %.*s: %lld (min %lld, max %lld)\n", static_cast<int>(size), name,
               value, static_cast<long long>(c.min.load()), static_cast<long long>(c.max.load()));
    else
      snprintf(text, sizeof text, "fnprof:   counter %.*s: %lld (%.1f/s)\n", static_cast<int>(size), name, value,
               elapsed > 0 ? static_cast<double>(value) / elapsed : 0.0);
    line(text);
  }
  snprintf(text, sizeof text, "fnprof: run perf-report %s for details\n", dump_path);
  line(text);
}

}  // namespace fnprof::rt::api
