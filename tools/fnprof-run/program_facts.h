// What fnprof-run reads from a program's file before running it: the cases
// in which preloading the tracker cannot work, each of which it names.
#pragma once

#include <string>

namespace fnprof::run {

struct ProgramFacts {
  // An ELF executable without PT_INTERP: no dynamic loader runs, so nothing
  // can be preloaded.
  bool is_static = false;
  // Built with AddressSanitizer (its dynamic symbols name __asan_init: GCC
  // links libasan.so, which must come first in the library list and aborts
  // behind a preloaded library; Clang links the runtime into the executable,
  // whose malloc then takes the tracker's place).
  bool uses_asan = false;
  // Set-user-ID or set-group-ID to someone this user is not: the kernel sets
  // AT_SECURE, the loader ignores LD_PRELOAD, and the runtime writes no dump.
  bool runs_privileged = false;
  // Compiled with -finstrument-functions, but libfnprof.so is not among its
  // own libraries (the linker dropped it under --as-needed, or it was never
  // linked): its hooks bind to glibc's empty __cyg_profile_func_enter, which
  // comes first in the lookup order, so it gets no call profile. A
  // preloaded runtime would come after glibc too.
  bool hooks_miss_runtime = false;
};

// Scripts, non-ELF and unreadable files give all false (left to exec).
ProgramFacts read_program_facts(const std::string& path);

}  // namespace fnprof::run
