/* fnprof instrumentation API: phases, checkpoints, counters, status, stack
 * capture and profiling control, for programs profiled with libfnprof.so.
 * fnprof.hpp adds C++ RAII on top.
 *
 *   #include <fnprof/fnprof.h>
 *
 *   fnprof_counter_t tx = fnprof_counter("transactions", FNPROF_HIGHER_IS_BETTER);
 *   for (int batch = 0; batch < n; ++batch) {
 *     fnprof_meta meta[] = {FNPROF_INT("batch", batch), FNPROF_STR("input", path)};
 *     fnprof_phase_begin("Mask Batch", meta, 2);
 *     for (...) { work(); fnprof_counter_inc(tx, 1); }
 *     fnprof_phase_end(NULL, 0);
 *   }
 *   fnprof_checkpoint("model loaded", NULL, 0);
 *   fnprof_gauge_set("queue depth", queue_size);
 *   fnprof_status_t s = fnprof_status();   // elapsed, RSS, peak RSS, calls
 *   fnprof_capture_stack("unexpected state");
 *
 * Everything is per process and safe from any thread. Phases are per thread:
 * they nest (a phase begun inside another is its child) and repeat (the
 * report aggregates by name). Names are interned once: pass any string, the
 * runtime copies it the first time it sees it. Metadata values (string,
 * integer, float) are copied at the call.
 *
 * Without libfnprof.so: the runtime's entry points are declared weak, and the
 * inline wrappers below call them only when they are there, so a program using
 * the API builds, links and runs unchanged without fnprof (every call is then
 * a no-op returning zeros). Define FNPROF_DISABLE to compile the calls out.
 *
 * Every wrapper is no_instrument_function: code built with
 * -finstrument-functions that includes this header does not profile it.
 */
#ifndef FNPROF_FNPROF_H
#define FNPROF_FNPROF_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Metadata: a few key/value pairs attached to a phase or checkpoint ---- */

typedef enum fnprof_meta_type {
  FNPROF_META_INT = 1,
  FNPROF_META_FLOAT = 2,
  FNPROF_META_STRING = 3
} fnprof_meta_type;

typedef struct fnprof_meta {
  const char* key;
  fnprof_meta_type type;
  union {
    int64_t i;
    double f;
    const char* s;
  } value;
} fnprof_meta;

#ifndef __cplusplus
#define FNPROF_INT(k, v) ((fnprof_meta){(k), FNPROF_META_INT, {.i = (v)}})
#define FNPROF_FLOAT(k, v) ((fnprof_meta){(k), FNPROF_META_FLOAT, {.f = (v)}})
#define FNPROF_STR(k, v) ((fnprof_meta){(k), FNPROF_META_STRING, {.s = (v)}})
#endif

/* At most this many pairs are kept per call. */
#define FNPROF_MAX_META 16

/* ---- Counters and gauges --------------------------------------------------
 * A counter sums deltas (exact under any number of threads: each thread adds
 * to its own slot, summed when the dump is written); a gauge keeps the last
 * value set, and its minimum and maximum. A handle is the interned name: get
 * it once, use it on the hot path (no lock, no lookup). The by-name calls
 * cache the lookup per thread. 0 is "no counter" (no runtime, table full). */

typedef uint32_t fnprof_counter_t;

typedef enum fnprof_direction {
  FNPROF_NEUTRAL = 0,
  FNPROF_HIGHER_IS_BETTER = 1,
  FNPROF_LOWER_IS_BETTER = 2
} fnprof_direction;

/* What fnprof_status() reports. */
typedef struct fnprof_status_t {
  uint64_t elapsed_ns;     /* since the runtime started */
  uint64_t rss_bytes;      /* resident set now */
  uint64_t peak_rss_bytes; /* highest resident set so far */
  uint64_t heap_live_bytes;/* live heap: only when the allocation tracker runs */
  int heap_known;          /* 1 when heap_live_bytes is meaningful */
  uint64_t calls;          /* instrumented calls so far, all threads */
} fnprof_status_t;

/* ---- The runtime's entry points (libfnprof.so), weak ---------------------- */

#ifdef FNPROF_BUILDING_RUNTIME
#define FNPROF_WEAK_ __attribute__((visibility("default")))
#else
#define FNPROF_WEAK_ __attribute__((weak, visibility("default")))
#endif

FNPROF_WEAK_ void fnprof_rt_phase_begin(const char* name, const fnprof_meta* meta, size_t count);
FNPROF_WEAK_ void fnprof_rt_phase_end(const fnprof_meta* meta, size_t count);
FNPROF_WEAK_ void fnprof_rt_phase_result(const fnprof_meta* meta, size_t count);
FNPROF_WEAK_ void fnprof_rt_checkpoint(const char* name, const fnprof_meta* meta, size_t count);
FNPROF_WEAK_ fnprof_counter_t fnprof_rt_counter(const char* name, int kind, int direction);
FNPROF_WEAK_ void fnprof_rt_counter_add(fnprof_counter_t counter, int64_t delta);
FNPROF_WEAK_ void fnprof_rt_gauge_set(fnprof_counter_t gauge, int64_t value);
FNPROF_WEAK_ void fnprof_rt_counter_add_named(const char* name, int64_t delta);
FNPROF_WEAK_ void fnprof_rt_gauge_set_named(const char* name, int64_t value);
FNPROF_WEAK_ void fnprof_rt_status(fnprof_status_t* out, size_t size);
FNPROF_WEAK_ void fnprof_rt_capture_stack(const char* label);
FNPROF_WEAK_ void fnprof_rt_pause(void);
FNPROF_WEAK_ void fnprof_rt_resume(void);
FNPROF_WEAK_ int fnprof_rt_flush(void);

#if defined(FNPROF_DISABLE)
/* Never taken, but the arguments count as used. */
#define FNPROF_CALL_(fn, args) (0 ? fn args : (void)0)
#define FNPROF_CALL_RET_(fn, args, none) (0 ? fn args : (none))
#else
#define FNPROF_CALL_(fn, args) (fn ? fn args : (void)0)
#define FNPROF_CALL_RET_(fn, args, none) (fn ? fn args : (none))
#endif

#define FNPROF_API_ static inline __attribute__((no_instrument_function, always_inline, unused))

/* ---- The API ------------------------------------------------------------- */

/* Begins a phase on this thread; metadata may be NULL with count 0. */
FNPROF_API_ void fnprof_phase_begin(const char* name, const fnprof_meta* metadata, size_t count) {
  FNPROF_CALL_(fnprof_rt_phase_begin, (name, metadata, count));
}
/* Ends the thread's innermost open phase, attaching result metadata. */
FNPROF_API_ void fnprof_phase_end(const fnprof_meta* result, size_t count) {
  FNPROF_CALL_(fnprof_rt_phase_end, (result, count));
}
/* Adds result metadata to the thread's innermost open phase. */
FNPROF_API_ void fnprof_phase_result(const fnprof_meta* result, size_t count) {
  FNPROF_CALL_(fnprof_rt_phase_result, (result, count));
}
/* A timestamped mark. */
FNPROF_API_ void fnprof_checkpoint(const char* name, const fnprof_meta* metadata, size_t count) {
  FNPROF_CALL_(fnprof_rt_checkpoint, (name, metadata, count));
}
/* The counter or gauge named `name` (created on first use). */
FNPROF_API_ fnprof_counter_t fnprof_counter(const char* name, fnprof_direction direction) {
  return FNPROF_CALL_RET_(fnprof_rt_counter, (name, 0, (int)direction), 0);
}
FNPROF_API_ fnprof_counter_t fnprof_gauge(const char* name, fnprof_direction direction) {
  return FNPROF_CALL_RET_(fnprof_rt_counter, (name, 1, (int)direction), 0);
}
FNPROF_API_ void fnprof_counter_inc(fnprof_counter_t counter, int64_t delta) {
  FNPROF_CALL_(fnprof_rt_counter_add, (counter, delta));
}
FNPROF_API_ void fnprof_gauge_put(fnprof_counter_t gauge, int64_t value) {
  FNPROF_CALL_(fnprof_rt_gauge_set, (gauge, value));
}
/* By name: one cached lookup per call. */
FNPROF_API_ void fnprof_counter_add(const char* name, int64_t delta) {
  FNPROF_CALL_(fnprof_rt_counter_add_named, (name, delta));
}
FNPROF_API_ void fnprof_gauge_set(const char* name, int64_t value) {
  FNPROF_CALL_(fnprof_rt_gauge_set_named, (name, value));
}
/* Elapsed time, RSS, peak RSS, live heap (with the allocation tracker), calls. */
FNPROF_API_ fnprof_status_t fnprof_status(void) {
  fnprof_status_t s = {0, 0, 0, 0, 0, 0};
  FNPROF_CALL_(fnprof_rt_status, (&s, sizeof s));
  return s;
}
/* Stores the calling thread's stack with `label`, symbolized by perf-report
 * (at most FNPROF_MAX_STACKS per process, default 100). */
FNPROF_API_ void fnprof_capture_stack(const char* label) { FNPROF_CALL_(fnprof_rt_capture_stack, (label)); }
/* Stop and restart counting calls, in every thread (time still passes: an
 * open function's inclusive time includes a paused region). */
FNPROF_API_ void fnprof_pause(void) { FNPROF_CALL_(fnprof_rt_pause, ()); }
FNPROF_API_ void fnprof_resume(void) { FNPROF_CALL_(fnprof_rt_resume, ()); }
/* Writes a complete dump now (cumulative: everything since the start);
 * returns 1 when written. */
FNPROF_API_ int fnprof_flush(void) { return FNPROF_CALL_RET_(fnprof_rt_flush, (), 0); }

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif /* FNPROF_FNPROF_H */
