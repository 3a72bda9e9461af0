// Writes the process's profile as one dump file (include/fnprof/format.h):
// <FNPROF_OUTPUT>/fnprof.<program>.<pid>.fnp (.2.fnp, ... when taken, e.g. by
// the image before an exec), created under a temporary name with O_EXCL and
// no symlink following, then renamed into place without replacing anything,
// so a reader never sees half a dump. Uses only async-signal-safe calls and
// its own mappings: it runs at exit, before exec and in signal handlers.
#pragma once

#include <cstddef>

#include "dump_buffer.h"

namespace fnprof::rt {

// Adds a writer of extra sections to every dump (at most 8).
void add_section_writer(SectionWriter writer);

// Returns false (after one warning on stderr) when the file cannot be written;
// else the file's path is copied to `written_path` when given.
bool write_dump(format::DumpReason reason, int signal, bool in_signal_handler,
                char* written_path = nullptr, size_t size = 0);

// In a fork child: no flush of the parent's is under way here.
void dump_writer_after_fork();

// True while the calling thread writes a dump from a signal handler, where
// the section writers must not take the loader's lock (dl_iterate_phdr).
bool writing_dump_in_signal_handler();

}  // namespace fnprof::rt
