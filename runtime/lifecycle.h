// When the profile is written: at exit (every path: return from main, exit,
// _exit, quick_exit), before exec, on SIGINT/SIGTERM, and not twice: a fork
// child starts a fresh profile of its own.
#pragma once

#include "fnprof/format.h"

namespace fnprof::rt {

void lifecycle_init();

// Writes the process's last dump, once (later calls do nothing); also used
// by the fatal-signal handlers (api/stacks.cpp).
void final_dump(format::DumpReason reason, int signal, bool in_handler);

}  // namespace fnprof::rt
