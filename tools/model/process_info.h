// How a dump's process record reads: how the process ended, its clock, and
// its ticks as seconds. Shared by every part of the model.
#pragma once

#include <cstdint>
#include <string>

#include "dump/dump_reader.h"

namespace fnprof {

// How the dump's process ended: "exit", "exec", "signal 11", "flush".
std::string end_reason(const ProcessInfo& process);

// Seconds from tick `from` to tick `to`; 0 when `to` is not later.
double ticks_to_seconds(uint64_t from, uint64_t to, uint64_t ticks_per_second);

// "Tsc" -> "tsc"; unknown values as "clock 7".
std::string clock_source_name(uint64_t clock_source);

}  // namespace fnprof
