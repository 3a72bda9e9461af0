// Call counts by function name, from the two sources the end-to-end tests
// compare: fnprof's dumps (through perf-report's analysis library) and the
// counting-only reference hooks (tests/support/counting_hooks.c), plus the
// expectations written next to each test program (<name>.expected).
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "model/profile.h"

namespace fnprof::test {

struct CallCounts {
  std::map<std::string, uint64_t> calls;                          // by function
  std::map<std::pair<std::string, std::string>, uint64_t> edges;  // caller, callee
  std::map<std::string, std::string> modules;                     // function -> module basename
};

// The merged tree of a profile, by demangled name; "<root>" is a thread's
// bottom.
CallCounts counts_of(const Profile& profile);

// Function names as the ELF symbol tables have them (mangled), one name per
// address: aliases (a constructor's C1/C2 symbols) collapse to the smallest
// name. Keys the comparisons with the counting hooks and uftrace, whose own
// demanglers name some functions differently from LLVM's.
class SymbolNames {
 public:
  // "?<module>+0x<address>" when the module has no symbol there.
  std::string at(const std::string& module, uint64_t address);
  // `name` (a symbol of one of the modules seen so far) as at() names its address.
  std::string canonical(const std::string& name) const;

 private:
  struct Module {
    std::map<uint64_t, std::string> by_address;
  };
  Module& load(const std::string& module);
  std::map<std::string, Module> modules_;
  std::map<std::string, std::string> canonical_;  // any alias -> its canonical name
};

// The merged tree of a profile with functions named by `names`.
CallCounts counts_by_symbol(const Profile& profile, SymbolNames& names);

// A counting_hooks output file, functions named by `names`.
CallCounts read_reference_counts(const std::string& path, SymbolNames& names);

struct Expected {
  std::string status;
  std::vector<std::string> stdout_lines;
  CallCounts main;   // `calls`, `edge`, `module` lines
  CallCounts child;  // `fresh-child ...` lines: the forked child, counted since the fork
};

Expected read_expected(const std::string& path, const std::string& compiler);

// What `command` printed on stdout.
std::string run_command(const std::string& command);

// Calls per function of `binary` as `uftrace record --no-libcall` counts them
// (kernel events left out), by mangled name.
// When the program does not survive uftrace (uftrace's own shadow stack can
// overflow on Clang-built code that throws), `failure` gets uftrace's warning
// and the counts are not to be trusted.
std::map<std::string, uint64_t> uftrace_calls(const std::string& binary, std::string* failure = nullptr);

}  // namespace fnprof::test
