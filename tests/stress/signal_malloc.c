/* malloc in signal handlers: SIGALRM every millisecond, 100 times; the
 * handler allocates 100 + i bytes (i = 0..99), touches and frees them. The
 * main thread only spins in instrumented code meanwhile (glibc's malloc is
 * not reentrant, so the program never allocates where a signal could
 * interrupt it).
 *
 * Program sites: 100 allocations, 100 frees, 14,950 bytes.
 * Expected calls: main 1, on_alarm 100, handler_alloc 100; spin runs until
 * the 100th signal (its count is printed on stderr).
 * Output: "signal_malloc allocations 100 frees 100 bytes 14950", status 0.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>

#include "test_program.h"

DEFINE_SINK;

enum { kAlarms = 100 };

static volatile sig_atomic_t alarms;
static volatile long allocations, frees, bytes;

NOINLINE void handler_alloc(size_t size) {
  volatile char* p = malloc(size);
  if (!p) return;
  ++allocations;
  bytes += (long)size;
  p[size - 1] = 1;
  free((void*)p);
  ++frees;
}

/* From the last handler: ignoring the signal also discards one already
 * pending, so no handler runs after the last counted one. */
static void stop_alarms(void) {
  struct itimerval off = {{0, 0}, {0, 0}};
  setitimer(ITIMER_REAL, &off, NULL);
  struct sigaction ignore = {0};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGALRM, &ignore, NULL);
}

NOINLINE void on_alarm(int sig) {
  (void)sig;
  handler_alloc(100 + (size_t)alarms);
  if ((alarms = alarms + 1) == kAlarms) stop_alarms();
}

NOINLINE void spin(void) { sink = sink + 1; }

int main(void) {
  struct sigaction sa = {0};
  sa.sa_handler = on_alarm;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGALRM, &sa, NULL);
  struct itimerval every_ms = {{0, 1000}, {0, 1000}};
  setitimer(ITIMER_REAL, &every_ms, NULL);
  long spins = 0;
  while (alarms < kAlarms) {
    spin();
    ++spins;
  }
  fprintf(stderr, "stress: calls spin %ld\n", spins);
  printf("signal_malloc allocations %ld frees %ld bytes %ld\n", allocations, frees, bytes);
  return 0;
}
