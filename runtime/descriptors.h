// The runtime's own file descriptors. A program may close every descriptor
// and expect its next open() to return 0, or dup2() onto any number: the
// runtime's descriptors therefore sit high (from descriptor_base(), close-on-
// exec), are opened before main where they can be, and are never closed or
// used once the program has put something else at their number.
//
// A file opened and closed within one runtime call on the program's own
// thread (a dump, a thread's name, /proc/self/statm for fnprof_status) keeps
// the lowest free number for that moment, as libc's own do (getpwnam,
// syslog): that thread is in the call, not in its open(). A periodic flush is
// the exception: written on the sampler thread, its temporary file and the
// thread names it reads pass through low numbers while the program runs.
#pragma once

#include <sys/types.h>

namespace fnprof::rt {

// The lowest number the runtime uses: 900, below select()'s 1024 so that the
// kernel's table stays small, or less under a low RLIMIT_NOFILE.
int descriptor_base();

// Moves `fd` to the lowest free number from descriptor_base() (close-on-exec)
// and returns it; returns `fd` itself when no such number is free.
int move_high(int fd);

// Whether `fd` is still the file that was opened there (its device and
// inode): the program may have closed the number and reused it.
bool same_file(int fd, dev_t dev, ino_t ino);

// Called before every use of libunwind: makes sure its memory-validation pipe
// sits at the runtime's numbers and is still its own; false when libunwind
// must not run (the program took a number it uses).
bool unwinder_ready();

}  // namespace fnprof::rt
