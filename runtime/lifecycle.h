// When the profile is written: at exit (every path: return from main, exit,
// _exit, quick_exit), before exec, on SIGINT/SIGTERM, and not twice: a fork
// child starts a fresh profile of its own.
#pragma once

namespace fnprof::rt {

void lifecycle_init();

}  // namespace fnprof::rt
