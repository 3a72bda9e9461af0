// Writes the process's profile as one dump file (include/fnprof/format.h):
// <FNPROF_OUTPUT>/fnprof.<program>.<pid>.fnp, created under a temporary name
// with O_EXCL and no symlink following, then renamed into place, so a reader
// never sees half a dump. Uses only async-signal-safe calls and its own
// mappings: it runs at exit, before exec and in signal handlers.
#pragma once

#include "dump_buffer.h"

namespace fnprof::rt {

// Returns false (after one warning on stderr) when the file cannot be written.
// Adds a writer of extra sections to every dump (at most 8).
void add_section_writer(SectionWriter writer);

bool write_dump(format::DumpReason reason, int signal, bool in_signal_handler);

}  // namespace fnprof::rt
