// fnprof-self-test: fnprof-run --self-test's checks, a program of its own so
// that fnprof-run does not load LLVM (self_test.h). Not a user command:
// installed in libexec/fnprof and run by fnprof-run.
//
//   fnprof-self-test ALLOC_LIBRARY
#include <cstdio>

#include "fnprof-run/self_test.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fputs("usage: fnprof-self-test ALLOC_LIBRARY (run by fnprof-run --self-test)\n", stderr);
    return 2;
  }
  return fnprof::run::run_self_test(argv[1]);
}
