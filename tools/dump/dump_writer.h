// Writes a Dump back as a dump file (format.h), with the same records the
// runtime writes, so that every reader of dumps reads it. perf-report merge
// writes its sum of runs this way.
//
// It writes the sections a merged dump holds: process, modules, threads (and
// their blocking functions and on-CPU times), the
// allocation stacks, summary and sites, the API's strings, phases and
// counters, and the merged runs. Time series and single events (heap and
// resource timelines, live blocks, checkpoints, captured stacks) have no
// meaning in a sum of runs and are not written.
//
//   write_dump("merged.fnp", dump);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dump/dump_reader.h"

namespace fnprof {

std::vector<uint8_t> encode_dump(const Dump& dump);

// Throws std::runtime_error naming the file when it cannot be written.
void write_dump(const std::string& path, const Dump& dump);

}  // namespace fnprof
