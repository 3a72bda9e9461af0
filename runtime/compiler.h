// Compiler attributes for every file of the runtime (libfnprof.so and
// libfnprof_alloc.so), so that each idea has one spelling.
#pragma once

// Branch hints for the hot paths: the rare case (first call on a thread, a
// new child, a mismatched exit, a full table) is laid out out of line.
#define FNPROF_LIKELY(x) __builtin_expect(!!(x), 1)
#define FNPROF_UNLIKELY(x) __builtin_expect(!!(x), 0)

// A rare path: kept out of line (noinline, since GCC may still inline a cold
// static function called once) and in .text.unlikely, so the hot function
// stays short and its callers' registers are not spilled for it.
#define FNPROF_COLD __attribute__((cold, noinline))

// For the small reads the hooks are built from (the clock): a call would
// cost as much as the read.
#define FNPROF_ALWAYS_INLINE __attribute__((always_inline)) inline

// runtime/ is built without -finstrument-functions; this keeps the flag off
// where it would be fatal whatever the build flags: an instrumented hook
// would call itself.
#define FNPROF_NO_INSTRUMENT __attribute__((no_instrument_function))

// For a variable a hot path in another file reads: -fvisibility=hidden
// covers definitions only, and an extern declaration without it is reached
// through the GOT.
#define FNPROF_HIDDEN __attribute__((visibility("hidden")))

// The runtime is built with hidden visibility, so its internal calls and data
// need no PLT or GOT; only the hooks, the interposed libc functions and the
// entry points of runtime_api.h are exported.
#define FNPROF_EXPORT __attribute__((visibility("default")))

// For a dl_iterate_phdr callback, which runs under the loader's lock: no
// sanitizer instrumentation (it may wait on the sanitizer's own lock, which a
// thread reporting an error holds while it waits for the loader's lock to
// symbolize: a deadlock seen under TSan), and no calls to libc's string
// functions, which sanitizers intercept. Neither attribute exists in GCC,
// whose sanitizer builds fnprof does not run.
#if defined(__has_attribute) && __has_attribute(disable_sanitizer_instrumentation)
#define FNPROF_UNDER_LOADER_LOCK __attribute__((disable_sanitizer_instrumentation, no_builtin))
#else
#define FNPROF_UNDER_LOADER_LOCK
#endif
