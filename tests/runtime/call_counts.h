// Call counts by function name, from the two sources the end-to-end tests
// compare: fnprof's dumps (through perf-report's analysis library) and the
// counting-only reference hooks (tests/support/counting_hooks.c), plus the
// expectations written next to each test program (<name>.expected).
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "profile.h"

namespace fnprof::test {

struct CallCounts {
  std::map<std::string, uint64_t> calls;                         // by function
  std::map<std::pair<std::string, std::string>, uint64_t> edges;  // caller, callee
  std::map<std::string, std::string> modules;                    // function -> module basename
};

// The merged tree of a profile, by demangled name; "<root>" is a thread's
// bottom.
CallCounts counts_of(const Profile& profile);

// A counting_hooks output file.
CallCounts read_reference_counts(const std::string& path);

struct Expected {
  std::string status;
  std::vector<std::string> stdout_lines;
  CallCounts main;   // `calls`, `edge`, `module` lines
  CallCounts child;  // `fresh-child ...` lines: the forked child, counted since the fork
};

Expected read_expected(const std::string& path, const std::string& compiler);

}  // namespace fnprof::test
