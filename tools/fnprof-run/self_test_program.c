/* fnprof-run --self-test's built-in program: work whose truth is known by
 * construction, run under fnprof like any profiled program (instrumented,
 * linked with libfnprof.so, the tracker preloaded), which writes that truth
 * to the file named by its one argument for fnprof-run to compare with the
 * dump (self_test_checks.h says what is compared, and how closely).
 *
 *   main -> heap_work -> heap_block x 8, leaked_block, zeroed_block
 *        -> spin_20ms                       (a clock_gettime loop)
 *        -> work x 20000 -> tiny x 128 each (twins without hooks timed here)
 *        -> fib(20)                         (21,891 calls)
 *        -> counted x 1000
 *        -> sleep_50ms -> nanosleep
 *        -> join_spinner -> pthread_join    (spinner spins 30 ms on a thread)
 *
 * Truths come from the program's own clock_gettime reads and counters, in
 * functions without hooks (NO_HOOKS), never from fnprof. The file holds one
 * "key value" line each; times in nanoseconds.
 *
 * C, not C++: whichever compiler built fnprof, a C program's calls are the
 * same few functions, with no library code instrumented beside them. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#if defined(__x86_64__)
#include <x86intrin.h>
#endif

#define NO_HOOKS __attribute__((no_instrument_function))
/* A real, separately instrumented call under its own name with GCC and
 * Clang at -O2 (noipa: no .constprop clone under another address). */
#if defined(__clang__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE __attribute__((noinline, noipa))
#endif

#define SPIN_NS 20000000u     /* spin_20ms */
#define SLEEP_NS 50000000u    /* sleep_50ms */
#define THREAD_NS 30000000u   /* the spinner thread */
#define WORK_ROUNDS 20000
#define WORK_BATCHES 20
#define FIB_N 20
#define LOOP_CALLS 1000
#define LEAK_BYTES 777u
#define CALLOC_COUNT 4u
#define CALLOC_SIZE 250u

volatile int sink;
void* volatile g_slot; /* the leaked block's only pointer, then overwritten */
static uint64_t fib_calls, loop_calls;

NO_HOOKS static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The TSC and CLOCK_MONOTONIC read together: the monotonic read between two
 * TSC reads, the tightest bracket of a few tries (a preemption between the
 * reads widens one); 0 ticks where there is no TSC. */
struct clock_pair {
  uint64_t ticks, ns;
};

NO_HOOKS static struct clock_pair read_clocks(void) {
  struct clock_pair best = {0, now_ns()};
#if defined(__x86_64__)
  uint64_t narrowest = UINT64_MAX;
  for (int i = 0; i < 5; ++i) {
    uint64_t t0 = __rdtsc(), ns = now_ns(), t1 = __rdtsc();
    if (t1 - t0 < narrowest) narrowest = t1 - t0, best.ticks = t0 + (t1 - t0) / 2, best.ns = ns;
  }
#endif
  return best;
}

/* TSC ticks per second between two pairs (0 without a TSC). */
NO_HOOKS static double tick_rate(struct clock_pair a, struct clock_pair b) {
  return b.ns > a.ns ? (double)(b.ticks - a.ticks) * 1e9 / (double)(b.ns - a.ns) : 0;
}

/* ---- Allocations: 8 blocks from one site, all live at once (the site's
 * peak), freed; one calloc, freed; one block leaked (its only pointer
 * overwritten: definitely lost). Done first, before the other work
 * overwrites the stack where a copy of the leaked pointer could linger. */
static const size_t kBlockSizes[] = {16, 24, 100, 256, 1000, 4096, 10000, 65536};
#define BLOCKS (sizeof kBlockSizes / sizeof kBlockSizes[0])

NOINLINE void* heap_block(size_t n) { return malloc(n); }
NOINLINE void* leaked_block(void) { return malloc(LEAK_BYTES); }
/* A function of its own, like the others: a calloc freed in the same
 * function is one the compiler may take out altogether. */
NOINLINE void* zeroed_block(void) { return calloc(CALLOC_COUNT, CALLOC_SIZE); }

NOINLINE void heap_work(void) {
  g_slot = leaked_block();
  g_slot = 0;
  void* blocks[BLOCKS];
  for (size_t i = 0; i < BLOCKS; ++i) blocks[i] = heap_block(kBlockSizes[i]);
  for (size_t i = 0; i < BLOCKS; ++i) free(blocks[i]);
  free(zeroed_block());
}

/* ---- Timing: spin_20ms spins on the clock; its truth is the time between
 * its first and last read. */
NOINLINE uint64_t spin_20ms(void) {
  uint64_t start = now_ns(), now;
  do now = now_ns();
  while (now - start < SPIN_NS);
  return now - start;
}

#include "tiny_calls_workload.h"

/* ---- Counts: fib counts its own calls without hooks. */
NO_HOOKS static void count_fib(void) { ++fib_calls; }
NOINLINE unsigned fib(unsigned n) {
  count_fib();
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

NO_HOOKS static void count_loop(void) { ++loop_calls; }
NOINLINE void counted(void) {
  count_loop();
  sink = sink + 1;
}

/* ---- Waiting: a sleep, and a join of a thread that spins. */
NOINLINE uint64_t sleep_50ms(void) {
  struct timespec ts = {0, SLEEP_NS};
  uint64_t start = now_ns();
  nanosleep(&ts, 0);
  return now_ns() - start;
}

NOINLINE void* spinner(void* arg) {
  (void)arg;
  uint64_t start = now_ns();
  while (now_ns() - start < THREAD_NS) {
  }
  return 0;
}

NOINLINE uint64_t join_spinner(void) {
  pthread_t thread;
  if (pthread_create(&thread, 0, spinner, 0) != 0) return 0;
  uint64_t start = now_ns();
  pthread_join(thread, 0);
  return now_ns() - start;
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s TRUTH_FILE\n", argv[0]);
    return 2;
  }
  heap_work();

  struct clock_pair c0 = read_clocks();
  uint64_t spin_ns = spin_20ms();
  struct clock_pair c1 = read_clocks();

  double min_work = 1e18, min_tiny = 1e18;
  for (int b = 0; b < WORK_BATCHES; ++b) {
    FASTEST(WORK_ROUNDS / WORK_BATCHES, work_plain(), min_work);
    FASTEST(WORK_ROUNDS / WORK_BATCHES / 10, for (unsigned i = 0; i < TINY_CALLS; ++i) tiny_plain(i), min_tiny);
    for (int r = 0; r < WORK_ROUNDS / WORK_BATCHES; ++r) work();
  }

  sink = sink + (int)fib(FIB_N);
  for (int i = 0; i < LOOP_CALLS; ++i) counted();

  struct clock_pair c2 = read_clocks();
  uint64_t sleep_ns = sleep_50ms();
  struct clock_pair c3 = read_clocks();
  uint64_t join_ns = join_spinner();

  size_t block_bytes = 0;
  for (size_t i = 0; i < BLOCKS; ++i) block_bytes += kBlockSizes[i];
  FILE* out = fopen(argv[1], "w");
  if (!out) {
    perror(argv[1]);
    return 2;
  }
  fprintf(out, "tick_rate_spin %.1f\ntick_rate_sleep %.1f\n", tick_rate(c0, c1), tick_rate(c2, c3));
  fprintf(out, "spin_ns %llu\n", (unsigned long long)spin_ns);
  fprintf(out, "work_calls %d\ntiny_calls %d\n", WORK_ROUNDS, WORK_ROUNDS * TINY_CALLS);
  fprintf(out, "work_min_ns %.1f\ntiny_min_ns %.3f\n", min_work, min_tiny / TINY_CALLS);
  fprintf(out, "fib_calls %llu\ncounted_calls %llu\n", (unsigned long long)fib_calls, (unsigned long long)loop_calls);
  fprintf(out, "heap_allocations %zu\nheap_frees %zu\n", BLOCKS + 2, BLOCKS + 1);
  fprintf(out, "heap_bytes_allocated %zu\nheap_bytes_freed %zu\n",
          block_bytes + LEAK_BYTES + CALLOC_COUNT * CALLOC_SIZE, block_bytes + CALLOC_COUNT * CALLOC_SIZE);
  fprintf(out, "heap_block_peak %zu\nheap_leaked_bytes %u\n", block_bytes, LEAK_BYTES);
  fprintf(out, "sleep_ns %llu\njoin_ns %llu\n", (unsigned long long)sleep_ns, (unsigned long long)join_ns);
  return fclose(out) == 0 ? 0 : 2;
}
