// The leak report: which allocation sites look like leaks, how bad each is,
// and which memory was only kept from start-up on purpose.
//
//   never-freed   blocks still allocated at exit, by site. A site that never
//                 freed is set apart as kept from start-up (globals, caches,
//                 singletons: usually deliberate) when a library initializer
//                 allocated it before main (_dl_init on its stack), or when
//                 all its blocks were allocated before the run's first heap
//                 snapshot (the first 1/16 of the samples) and it never grew
//                 afterwards. Runs too short for a heap sample class only
//                 the former as start-up.
//   growing       a site whose live bytes rise through the run's snapshots
//                 (at least three rises, never a fall, ending at 2x or more).
//   unbalanced    a site that frees but allocates more than 1.5x as often.
//   spike         a peak live heap more than 2x the run's typical (median
//                 sampled) live heap: a burst, with the sites that held most
//                 of it at the peak.
//
// Severity, for never-freed (and unbalanced/growing by the same measures):
// critical when the site holds >= 25% of the peak heap and >= 1 MiB; high at
// >= 5% of the peak or >= 1 MiB; medium for >= 100 leaked blocks (a leak in a
// loop); low otherwise. Start-up memory is info. A dump not taken at exit
// (flush, fatal signal) shows live blocks, which need not be leaks: their
// severity is at most low.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/findings.h"
#include "model/heap_profile.h"

namespace fnprof {

struct Leak {
  Severity severity = Severity::Low;
  std::string kind;           // "never-freed", "startup", "growing", "unbalanced", "spike"
  std::optional<size_t> site;  // index in HeapProfile::sites (none for a spike)
  uint64_t bytes = 0, blocks = 0;  // what it holds: leaked, or at the peak for a spike
  std::string title, evidence, recommendation;
};

struct LeakReport {
  bool at_exit = true;        // every dump was written at exit
  std::vector<Leak> leaks;    // most severe first, then by bytes
  std::vector<Leak> startup;  // kept from start-up, by bytes
  uint64_t leaked_bytes = 0, leaked_blocks = 0;    // never-freed, start-up excluded
  uint64_t startup_bytes = 0, startup_blocks = 0;
  std::string method;  // how start-up memory was told apart, for the reader
};

LeakReport find_leaks(const HeapProfile& heap);

}  // namespace fnprof
