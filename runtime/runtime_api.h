// The few entry points libfnprof.so exports for the allocation tracker
// (libfnprof_alloc.so, which links against it): the rest of the runtime is
// hidden (-fvisibility=hidden), and the tracker must share this one runtime,
// not carry a copy of it, so that a process writes one dump.
#pragma once

#include <cstddef>
#include <cstdint>

#include "call_tree.h"
#include "dump_buffer.h"
#include "compiler.h"

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

// For the tracker's interposers of _exit and exec (alloc/exit_interposer.cpp),
// which precede libc when libfnprof.so's own do not (lifecycle.h): the last
// dump; the dump before exec, and its removal when exec failed.
FNPROF_EXPORT void fnprof_rt_exit_dump();
FNPROF_EXPORT bool fnprof_rt_exec_dump(char* path, size_t size);
FNPROF_EXPORT void fnprof_rt_exec_failed(const char* path);

// True while the calling thread writes a dump from a signal handler
// (dump_writer.h): the tracker's leak scan, which needs the loader's module
// list, does not run there.
FNPROF_EXPORT bool fnprof_rt_dump_in_signal_handler();

// Before each use of libunwind: false when it must not run (descriptors.h).
FNPROF_EXPORT bool fnprof_rt_unwinder_ready();

// How fnprof_status() reads the live heap (the tracker's total).
FNPROF_EXPORT void fnprof_rt_set_heap_probe(uint64_t (*probe)());

// Defined by the tracker, and null here when it is not loaded (weak): turns
// tracking off (true) or back on for the calling thread, returning the
// previous state. The runtime's own threads are not the program's: it turns
// tracking off in them, and around the pthread_create that starts them (whose
// thread-local storage would otherwise show up as a leak).
FNPROF_EXPORT __attribute__((weak)) bool fnprof_alloc_set_untracked(bool untracked);

}  // extern "C"
