// Periodic dumps (FNPROF_FLUSH_INTERVAL) are cumulative: each holds all that
// the earlier dumps of the same process held, and its last dump (at exit)
// holds the whole run. Adding them up would count the run once per dump, so
// whoever reads several dumps keeps only the last of each process.
//
// A process is its pid and its start time: a fork child or the image after an
// exec starts a profile of its own, and a reused pid starts later. A merged
// dump (perf-report merge) is no process's: it is always kept.
#pragma once

#include <string>
#include <vector>

#include "dump/dump_reader.h"

namespace fnprof {

struct SupersededDumps {
  std::string kept;                 // the last dump of the process
  std::vector<std::string> paths;   // its earlier dumps, left out
};

// Keeps, of each process's dumps, the one taken last (the latest end tick),
// where the first of them stood; returns what it left out, per process.
std::vector<SupersededDumps> drop_superseded(std::vector<Dump>& dumps);

}  // namespace fnprof
