// The runtime is built with hidden visibility, so its internal calls and data
// need no PLT or GOT; only the hooks and the interposed libc functions are
// exported.
#pragma once

#define FNPROF_EXPORT __attribute__((visibility("default")))
