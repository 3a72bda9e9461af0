// What the hooks cost a call on this machine, measured once at start-up and
// stored in every dump (format.h, "Probe cost"), so that perf-report can take
// it out of the times it reports.
#pragma once

#include "fnprof/format.h"

namespace fnprof::rt {

// Times a hooked leaf function against its plain twin on a private thread
// state, keeping the fastest rounds of this and any earlier measurement.
void probe_cost_measure();

// What the fastest rounds so far make of a call's hooks (all 0: not measured).

format::ProbeCostRecord probe_cost();

}  // namespace fnprof::rt
