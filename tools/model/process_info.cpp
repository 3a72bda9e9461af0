// How a dump's process record reads: how the process ended, its clock, and
// its ticks as seconds.
#include "model/process_info.h"

#include <fmt/format.h>

#include "fnprof/format.h"

namespace fnprof {

std::string end_reason(const ProcessInfo& p) {
  switch (static_cast<format::DumpReason>(p.reason)) {
    case format::DumpReason::Exit: return "exit";
    case format::DumpReason::Exec: return "exec";
    case format::DumpReason::Signal: return fmt::format("signal {}", p.signal);
    case format::DumpReason::Flush: return "flush";
  }
  return fmt::format("reason {}", p.reason);
}

double ticks_to_seconds(uint64_t from, uint64_t to, uint64_t ticks_per_second) {
  return to > from && ticks_per_second ? static_cast<double>(to - from) / static_cast<double>(ticks_per_second)
                                       : 0;
}

std::string clock_source_name(uint64_t clock_source) {
  switch (static_cast<format::ClockSource>(clock_source)) {
    case format::ClockSource::Tsc: return "tsc";
    case format::ClockSource::Monotonic: return "monotonic";
  }
  return fmt::format("clock {}", clock_source);
}

}  // namespace fnprof
