// Children without the tracker. Without --follow-children, fnprof-run sets
// FNPROF_FOLLOW_CHILDREN=0: the programs this one executes run without the
// tracker. The loader has read LD_PRELOAD already, so dropping our entry at
// start only affects children, whichever way they are started (exec*,
// posix_spawn, system, popen).
#pragma once

namespace fnprof::alloc {

// Takes libfnprof_alloc.so out of LD_PRELOAD when FNPROF_FOLLOW_CHILDREN=0.
// It edits `environ` in place, not through setenv, for the reason settings.h
// gives (a program may define its own); the new value is a static buffer.
void drop_from_preload();

}  // namespace fnprof::alloc
