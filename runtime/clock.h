// The runtime's time source. The hooks read a raw tick counter: the invariant
// TSC when the CPU has one (constant and nonstop, so ticks convert to time
// with one frequency on every core), else CLOCK_MONOTONIC in nanoseconds. The
// frequency is measured over the whole run, against CLOCK_MONOTONIC, when a
// dump is written: a calibration at start-up would cost every program a
// pause, and a long baseline is more exact than a short one.
#pragma once

#include <time.h>

#include <cstdint>

#include "arch_x86_64.h"
#include "compiler.h"
#include "fnprof/format.h"

namespace fnprof::rt {

extern bool g_clock_is_tsc;

FNPROF_ALWAYS_INLINE uint64_t monotonic_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + ts.tv_nsec;
}

// The allocation tracker reads the same clock with its own copy of the
// choice: g_clock_is_tsc is hidden in libfnprof.so, and reading it through an
// exported symbol would put a GOT load in the hooks.
FNPROF_ALWAYS_INLINE uint64_t read_ticks(bool is_tsc) {
  if (FNPROF_LIKELY(is_tsc)) return arch::read_tsc();
  return monotonic_ns();
}

FNPROF_ALWAYS_INLINE uint64_t read_ticks() { return read_ticks(g_clock_is_tsc); }

// A tick reading paired with the monotonic clock, taken back to back.
struct ClockPoint {
  uint64_t ticks;
  uint64_t ns;
};

void clock_init();         // picks the source; call once, before any hook
ClockPoint clock_now();
format::ClockSource clock_source();
// Ticks per second between two points; waits until they are at least 20 ms
// apart so a short run still gets a usable frequency.
uint64_t ticks_per_second(const ClockPoint& start, ClockPoint* end);

}  // namespace fnprof::rt
