/* SIGALRM every millisecond into an instrumented handler, 100 times, while
 * the main thread runs hot instrumented code (so signals land inside the
 * hooks). on_alarm -> handler_work -> handler_leaf.
 *
 * Expected calls: main 1, on_alarm 100, handler_work 100, handler_leaf 100;
 * spin and leaf (spin -> leaf, once each) run until the 100th signal, so
 * their count is printed on stderr ("stress: calls spin N").
 * Output: "alarm_handlers 100", exit status 0.
 */
#include <signal.h>
#include <stdio.h>
#include <sys/time.h>

#include "test_program.h"

DEFINE_SINK;

enum { kAlarms = 100 };

static volatile sig_atomic_t alarms;

NOINLINE void handler_leaf(void) { sink = sink + 1; }
NOINLINE void handler_work(void) { handler_leaf(); }
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
  handler_work();
  if ((alarms = alarms + 1) == kAlarms) stop_alarms();
}

NOINLINE void leaf(void) { sink = sink + 1; }
NOINLINE void spin(void) { leaf(); }

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
  fprintf(stderr, "stress: calls spin %ld\nstress: calls leaf %ld\n", spins, spins);
  printf("alarm_handlers %d\n", (int)alarms);
  return 0;
}
