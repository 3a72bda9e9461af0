// When the profile is written: at exit (every path: return from main, exit,
// _exit, quick_exit), before exec, on SIGINT/SIGTERM, and not twice: a fork
// child starts a fresh profile of its own.
#pragma once

#include <cstddef>

#include "fnprof/format.h"

namespace fnprof::rt {

void lifecycle_init();

// Writes the process's last dump, once (later calls do nothing); also used
// by the fatal-signal handlers (api/stacks.cpp).
void final_dump(format::DumpReason reason, int signal, bool in_handler);

// Before exec replaces the image: the data so far, written to `path`; false
// when nothing was written (not ready, a vfork child, or an interposer
// earlier in the chain wrote it already). If exec fails the program goes on
// and writes everything at exit: exec_failed then removes this dump, or its
// calls would be counted twice.
bool write_exec_dump(char* path, size_t size);
void exec_failed(const char* path);

}  // namespace fnprof::rt
