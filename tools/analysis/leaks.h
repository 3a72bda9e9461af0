// The leak report: which allocation sites leak, how bad each is, and which
// memory the program still holds at the end without having lost it.
//
// With a leak scan in the dumps (format.h, leak-scan; the runtime's
// reachability.h states the method, memcheck's), a site's live blocks are
// sorted into memcheck's classes and:
//   lost          its definitely and indirectly lost blocks: the leaks.
//   possibly-lost its blocks reached only through interior pointers; listed
//                 with the leaks at low severity, not counted in them.
//   reachable     its still reachable blocks: held, not leaked (a global, a
//                 cache, a singleton, libc's own buffers); listed apart,
//                 never as a leak.
// Without one (dumps of an older fnprof) every never-freed block is a leak,
// except a site that a library initializer allocated before main (_dl_init
// on its stack), which is listed apart as start-up memory.
//
// Start-up memory is a live block allocated before the program's main was
// entered (by structure: the tracker notes main's entry), whatever the run's
// length. A site whose lost blocks are all start-up memory is at most low.
//
// The other findings:
//   growing       a site whose live bytes rise through the run's snapshots
//                 (at least three rises, never a fall, ending at 2x or more),
//                 and that holds memory at the end or held some at the peak.
//   unbalanced    a site that frees but allocates more than 1.5x as often.
//   spike         a peak live heap more than 2x the run's typical (median
//                 sampled) live heap: a burst, with the sites that held most
//                 of it at the peak.
//
// Severity, for lost (never-freed) blocks (and unbalanced/growing by the same
// measures): critical when the site holds >= 25% of the peak heap and >= 1
// MiB; high at >= 5% of the peak or >= 1 MiB; medium for >= 100 leaked
// blocks (a leak in a loop); low otherwise. Reachable and start-up memory is
// info. A dump not taken at exit (flush, fatal signal) shows the program in
// the middle of its work: its severities are at most low.
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
  // "lost", "possibly-lost", "reachable", and without a leak scan
  // "never-freed", "startup"; "growing", "unbalanced", "spike"
  std::string kind;
  std::optional<size_t> site;  // index in HeapProfile::sites (none for a spike)
  uint64_t bytes = 0, blocks = 0;  // what it holds of its kind, or at the peak for a spike
  std::string title, evidence, recommendation;
};

struct LeakReport {
  bool at_exit = true;         // every dump was written at exit
  bool scanned = false;        // every dump had a leak scan: classes holds it
  std::vector<Leak> leaks;     // most severe first, then by bytes
  std::vector<Leak> reachable; // held at the end, not leaked, by bytes ("reachable", or "startup" without a scan)
  LeakClasses classes;         // all live blocks by class, when scanned
  uint64_t leaked_bytes = 0, leaked_blocks = 0;        // lost (or never-freed but start-up, without a scan)
  uint64_t reachable_bytes = 0, reachable_blocks = 0;  // what `reachable` lists
  uint64_t startup_bytes = 0, startup_blocks = 0;      // live at the end and allocated before main
  std::string summary;  // the totals in a sentence, for people
  std::string method;   // how leaks were told apart, for the reader
};

LeakReport find_leaks(const HeapProfile& heap);

// How many of `reachable` the human formats (text, md) list; they say how
// many more there are, json and csv carry them all.
inline constexpr size_t kReachableShown = 10;

}  // namespace fnprof
