/* Signal handler calls: SIGALRM every millisecond (setitimer) runs an
 * instrumented handler while main calls instrumented functions, so the
 * handler interrupts the hooks themselves, in their common path and in their
 * rare ones (work's two callees alternate, so each of their calls looks up
 * the child table). Every call must be recorded. The handler also calls a
 * function main calls (leaf).
 *
 *   main 1 -> work L -> leaf L, other L
 *   on_alarm A -> in_handler 2A, leaf A
 *
 * A (alarms handled, at least 300) and L (loops) vary from run to run; the
 * program prints them: "signal_calls alarms A loops L", exit status 0.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

#include "test_program.h"

DEFINE_SINK;

enum { kAlarms = 300 };

static volatile sig_atomic_t alarms;

NOINLINE void leaf(void) { sink = sink + 1; }
NOINLINE void other(void) { sink = sink + 2; }
NOINLINE void in_handler(void) { sink = sink + 3; }

NOINLINE void on_alarm(int sig) {
  (void)sig;
  in_handler();
  leaf();
  in_handler();
  alarms = alarms + 1;
}

NOINLINE void work(void) {
  leaf();
  other();
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm;
  sigaction(SIGALRM, &sa, NULL);
  struct itimerval every_ms = {{0, 1000}, {0, 1000}};
  setitimer(ITIMER_REAL, &every_ms, NULL);
  long loops = 0;
  while (alarms < kAlarms) {
    work();
    ++loops;
  }
  struct itimerval off = {{0, 0}, {0, 0}};
  setitimer(ITIMER_REAL, &off, NULL);
  printf("signal_calls alarms %d loops %ld\n", (int)alarms, loops);
  return 0;
}
