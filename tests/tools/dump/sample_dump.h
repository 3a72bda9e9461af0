// A Dump with something in every section the dump writer writes (process,
// modules, two threads, the allocation tracker's stacks, summary and sites,
// phases, counters and their strings), laid out at `bias`, as a run loads
// the program wherever it likes.
#pragma once

#include <cstdint>

#include "dump/dump_reader.h"
#include "fnprof/format.h"

namespace fnprof::testing {

inline Dump sample_dump(uint64_t pid = 4242, uint64_t bias = 0x5500'0000'0000) {
  Dump d;
  d.path = "sample.fnp";
  ProcessInfo& p = d.process;
  p.pid = pid, p.ppid = 1, p.program = "app", p.exe = "/opt/app/bin/app", p.args = {"./app", "-n", "3"};
  p.start_unix_ns = 1'700'000'000'000'000'000 + pid;
  p.clock_source = static_cast<uint64_t>(format::ClockSource::Monotonic);
  p.ticks_per_second = 1000, p.start_ticks = 5000, p.end_ticks = 7000;
  d.modules = {{"/opt/app/bin/app", "\x01\x02", bias, bias + 0x1000, bias + 0x9000},
               {"/lib/libc.so.6", "", bias + 0x1'0000'0000, bias + 0x1'0000'0000, bias + 0x1'0020'0000}};
  Thread& main_thread = d.threads.emplace_back();
  main_thread.tid = pid, main_thread.name = "app", main_thread.start_ticks = 5000, main_thread.end_ticks = 7000;
  main_thread.nodes = {{0, 0, 0, 0},
                       {0, bias + 0x2000, 1, 1900},
                       {1, bias + 0x3000, 10, 1200},
                       {2, bias + 0x2800, 5, 300},
                       {1, bias + 0x2800, 2, 100}};
  Thread& worker = d.threads.emplace_back();
  worker.tid = pid + 1, worker.name = "app", worker.start_ticks = 5500, worker.end_ticks = 6500;
  worker.nodes = {{0, 0, 0, 0}, {0, bias + 0x4000, 3, 900}};
  // The main thread's calls by duration (the worker's dump had none).
  auto calls = [](std::vector<uint64_t> ticks) {
    CallDurations d{ticks.front(), ticks.back(), {}};
    for (uint64_t t : ticks) {
      uint32_t b = format::duration_bucket(t);
      if (d.buckets.size() <= b) d.buckets.resize(b + 1, 0);
      ++d.buckets[b];
    }
    return d;
  };
  d.threads[0].durations = {{}, calls({1900}), calls({60, 70, 100, 100, 110, 120, 130, 150, 160, 200}),
                           calls({50, 50, 60, 60, 80}), calls({40, 60})};
  d.probe_cost = ProbeCost{25.5, 7.25, 2048};

  AllocProfile& a = d.alloc;
  a.present = true;
  a.summary = {.allocations = 7, .frees = 5, .bytes_allocated = 700, .bytes_freed = 500, .live_blocks = 2,
               .live_bytes = 200, .peak_live_bytes = 400, .peak_ticks = 5600, .temporary = 3, .mismatched = 1,
               .untracked_frees = 1, .stack_mode = 2, .stack_depth = 32, .sample_interval_ns = 1000,
               .snapshot_stride = 1, .flags = 0};
  a.stacks = {{3, 1, {bias + 0x3000, bias + 0x2000}}, {9, 0, {bias + 0x1'0000'0100, bias + 0x4010}}};
  AllocSite& s1 = a.sites.emplace_back();
  s1.stack_id = 3, s1.tid = pid, s1.allocations = 5, s1.frees = 4, s1.bytes_allocated = 500, s1.bytes_freed = 400;
  s1.peak_live_bytes = 300, s1.bytes_at_peak = 200, s1.temporary = 3, s1.mismatched = 1;
  s1.size_histogram = {{7, 5}};
  AllocSite& s2 = a.sites.emplace_back();
  s2.stack_id = 9, s2.tid = pid + 1, s2.allocations = 2, s2.frees = 1, s2.bytes_allocated = 200, s2.bytes_freed = 100;
  s2.peak_live_bytes = 200, s2.bytes_at_peak = 100;
  s2.size_histogram = {{7, 1}, {8, 1}};

  ApiData& api = d.api;
  api.strings = {"load", "parse", "items", "queue"};
  PhaseLog& log = api.phases.emplace_back();
  log.tid = pid;
  log.phases = {{0, -1, 5100, 400, false, {}, {}}, {1, 0, 5200, 100, false, {}, {}}, {1, 0, 5400, 50, false, {}, {}}};
  api.counters = {{2, static_cast<uint64_t>(format::CounterKind::Counter),
                   static_cast<uint64_t>(format::CounterDirection::HigherIsBetter), 40, 0, 0, 4},
                  {3, static_cast<uint64_t>(format::CounterKind::Gauge), 0, 3, 1, 9, 6}};
  return d;
}

}  // namespace fnprof::testing
