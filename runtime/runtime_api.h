// The few entry points libfnprof.so exports for the allocation tracker
// (libfnprof_alloc.so, which links against it): the rest of the runtime is
// hidden (-fvisibility=hidden), and the tracker must share this one runtime,
// not carry a copy of it, so that a process writes one dump.
#pragma once

#include <cstdint>

#include "call_tree.h"
#include "dump_buffer.h"
#include "export.h"

extern "C" {

// Adds a writer of extra sections to every dump (dump_writer.h).
FNPROF_EXPORT void fnprof_rt_add_section_writer(fnprof::rt::SectionWriter writer);

// The address of the calling thread's `tls_thread` (thread_registry.h): the
// tracker reads the shadow stack through it without a call per allocation.
FNPROF_EXPORT fnprof::rt::ThreadState** fnprof_rt_thread_slot();

// The dump's clock (clock.h): the tracker reads ticks inline with it.
FNPROF_EXPORT fnprof::format::ClockSource fnprof_rt_clock_source();

// Writes "fnprof: <message><detail>" once per process (process.h).
FNPROF_EXPORT void fnprof_rt_warn_once(const char* message, const char* detail);

}  // extern "C"
