#include "runtime_api.h"

#include "clock.h"
#include "descriptors.h"
#include "dump_writer.h"
#include "lifecycle.h"
#include "process.h"
#include "thread_registry.h"

using namespace fnprof::rt;

extern "C" {

FNPROF_EXPORT void fnprof_rt_add_section_writer(SectionWriter writer) { add_section_writer(writer); }

FNPROF_EXPORT ThreadState** fnprof_rt_thread_slot() { return &tls_thread; }

FNPROF_EXPORT fnprof::format::ClockSource fnprof_rt_clock_source() {
  // The tracker's first allocation may come before libfnprof.so's
  // constructor; clock_init() is idempotent (a CPUID check).
  clock_init();
  return clock_source();
}

FNPROF_EXPORT void fnprof_rt_warn_once(const char* message, const char* detail) {
  warn_once(message, detail);
}

FNPROF_EXPORT bool fnprof_rt_unwinder_ready() { return unwinder_ready(); }

FNPROF_EXPORT bool fnprof_rt_dump_in_signal_handler() { return writing_dump_in_signal_handler(); }

FNPROF_EXPORT void fnprof_rt_exit_dump() { final_dump(fnprof::format::DumpReason::Exit, 0, false); }

FNPROF_EXPORT bool fnprof_rt_exec_dump(char* path, size_t size) { return write_exec_dump(path, size); }

FNPROF_EXPORT void fnprof_rt_exec_failed(const char* path) { exec_failed(path); }

}  // extern "C"
