// Runs a test program in a fresh output directory, the way a user would:
// FNPROF_OUTPUT (and COUNT_OUTPUT for the counting reference builds) point
// into the directory, stdout is captured, and the exit status is kept.
#pragma once

#include <string>
#include <vector>

namespace fnprof::test {

struct ProgramRun {
  std::string dir;          // where the dumps were written
  std::string stdout_text;  // everything the program printed
  std::string stderr_text;
  int exit_code = -1;  // when it exited
  int signal = 0;      // when a signal killed it
  int pid = 0;
  std::vector<std::string> dumps;  // fnprof.*.fnp files in dir, sorted

  std::string status() const;  // "0", "3", "signal 15"
};

// `env` entries are NAME=value, added to this process's environment and
// taking precedence over it and over the FNPROF_OUTPUT set here.
ProgramRun run_program(const std::string& program, const std::vector<std::string>& args = {},
                       const std::vector<std::string>& env = {});

}  // namespace fnprof::test
