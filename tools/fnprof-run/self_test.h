// fnprof-run --self-test: runs the built-in program (self_test_program.c)
// under fnprof into a private temporary directory, reads its dump with the
// model, checks it against the program's truth, prints the report and
// removes the directory.
//
// It runs as a program of its own, fnprof-self-test (self_test_main.cpp),
// which fnprof-run executes: the model brings LLVM's shared library, whose
// loading would cost every fnprof-run start about 65 ms here.
#pragma once

#include <string>

namespace fnprof::run {

// Returns fnprof-run's exit status: 0 when every check passed, 1 when one
// failed or the program could not be run or profiled (said on stderr).
// `alloc_library`: the tracker to preload, as for any profiled run. The
// built-in program is looked for beside the running executable.
int run_self_test(const std::string& alloc_library);

}  // namespace fnprof::run
