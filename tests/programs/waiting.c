/* Waiting versus running, with known waits (tests/runtime/waiting_test.cpp).
 *
 * Thread "sleeper": sleeper() calls sleep_in_f() (f: nanosleep 100 ms) then
 *   spin_in_g() (g: spins 100 ms on CLOCK_MONOTONIC, no blocking call).
 *   Each measures its own interval (a loaded machine oversleeps and
 *   deschedules a spin): the truth the profile is checked against.
 * Thread "holder": hold() takes the mutex, posts `held`, spins 60 ms on
 *   CLOCK_MONOTONIC and unlocks.
 * Thread "waiter": wait_held() waits for `held` (sem_wait), then
 *   take_lock() locks the mutex, which the holder keeps about 60 ms more:
 *   take_lock -> pthread_mutex_lock, one wait, whose length take_lock
 *   measures around the call and main prints.
 * main starts the three, then join_all() joins them: join_all ->
 *   pthread_join, 3 calls, blocked until the sleeper ends (join_all
 *   measures it).
 * Then main calls more_waits(), whose blocking calls each wait little or
 * not at all but are recorded once each, under more_waits:
 *   pthread_timedjoin_np (of a thread running quick()), flock, pthread_rwlock_
 *   timedwrlock, pthread_rwlock_timedrdlock, write, read, readv, writev,
 *   pread, pwrite, preadv, pwritev, fsync, fdatasync, poll, send, recv,
 *   recvfrom, sigwait, sigtimedwait, sigwaitinfo (each for a SIGUSR1 the
 *   thread raised with it blocked): 1 call each; send: 2 calls.
 *   Built with _FORTIFY_SOURCE=2 and lengths the compiler cannot see, so
 *   GCC calls the checking variants of read, pread, poll, recv and
 *   recvfrom (__read_chk...; Clang 14 the plain ones): either way recorded
 *   as the function the source calls.
 * Output: "slept <us> spun <us> lock waited <us> joined <us>", "waiting
 * ok"; exit status 0.
 */
#define _GNU_SOURCE
#define _FORTIFY_SOURCE 2
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "test_program.h"

DEFINE_SINK;
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static sem_t g_held;
static double g_lock_wait_ms, g_slept_ms, g_spun_ms, g_joined_ms;

/* Not instrumented: the spinning is the caller's own time. */
__attribute__((no_instrument_function)) static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

__attribute__((no_instrument_function)) static void spin_ms(double ms) {
  double end = now_ms() + ms;
  while (now_ms() < end) sink = 1;
}

NOINLINE void sleep_in_f(void) {
  struct timespec t = {0, 100 * 1000 * 1000};
  double start = now_ms();
  nanosleep(&t, NULL);
  g_slept_ms = now_ms() - start;
}

NOINLINE void spin_in_g(void) {
  double start = now_ms();
  spin_ms(100);
  g_spun_ms = now_ms() - start;
}

NOINLINE void* sleeper(void* arg) {
  sleep_in_f();
  spin_in_g();
  return arg;
}

NOINLINE void hold(void) {
  pthread_mutex_lock(&g_lock);
  sem_post(&g_held);
  spin_ms(60);
  pthread_mutex_unlock(&g_lock);
}

NOINLINE void* holder(void* arg) {
  hold();
  return arg;
}

NOINLINE void wait_held(void) { sem_wait(&g_held); }

NOINLINE void take_lock(void) {
  double start = now_ms();
  pthread_mutex_lock(&g_lock);
  g_lock_wait_ms = now_ms() - start;
  pthread_mutex_unlock(&g_lock);
}

NOINLINE void* waiter(void* arg) {
  wait_held();
  take_lock();
  return arg;
}

NOINLINE void join_all(pthread_t* threads, int n) {
  double start = now_ms();
  for (int i = 0; i < n; ++i) pthread_join(threads[i], NULL);
  g_joined_ms = now_ms() - start;
}

NOINLINE void* quick(void* arg) { return arg; }

/* Any failure ends the program: the counts would not hold. */
__attribute__((no_instrument_function)) static void check(int ok, const char* what) {
  if (ok) return;
  perror(what);
  exit(1);
}

NOINLINE void more_waits(void) {
  struct timespec later;
  clock_gettime(CLOCK_REALTIME, &later);
  later.tv_sec += 10;
  pthread_t t;
  check(pthread_create(&t, NULL, quick, NULL) == 0, "pthread_create");
  check(pthread_timedjoin_np(t, NULL, &later) == 0, "pthread_timedjoin_np");

  int file = memfd_create("fnprof-waiting", 0);
  check(file >= 0, "memfd_create");
  check(flock(file, LOCK_EX) == 0, "flock");
  pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
  check(pthread_rwlock_timedwrlock(&rw, &later) == 0, "pthread_rwlock_timedwrlock");
  pthread_rwlock_unlock(&rw);
  check(pthread_rwlock_timedrdlock(&rw, &later) == 0, "pthread_rwlock_timedrdlock");
  pthread_rwlock_unlock(&rw);

  volatile size_t four = 4;  /* not a constant: the fortified read checks it */
  volatile nfds_t one = 1;
  char buf[8] = "abcd";
  struct iovec v = {buf, 4};
  int p[2], s[2];
  check(pipe(p) == 0, "pipe");
  check(write(p[1], buf, 4) == 4, "write");
  check(read(p[0], buf, four) == 4, "read");
  check(writev(p[1], &v, 1) == 4, "writev");
  check(readv(p[0], &v, 1) == 4, "readv");
  check(pwrite(file, buf, 4, 0) == 4, "pwrite");
  check(pread(file, buf, four, 0) == 4, "pread");
  check(pwritev(file, &v, 1, 4) == 4, "pwritev");
  check(preadv(file, &v, 1, 4) == 4, "preadv");
  check(fsync(file) == 0, "fsync");
  check(fdatasync(file) == 0, "fdatasync");
  struct pollfd ready[1] = {{p[1], POLLOUT, 0}};
  check(poll(ready, one, 0) == 1, "poll");
  check(socketpair(AF_UNIX, SOCK_STREAM, 0, s) == 0, "socketpair");
  check(send(s[0], buf, 4, 0) == 4, "send");
  check(recv(s[1], buf, four, 0) == 4, "recv");
  check(send(s[0], buf, 4, 0) == 4, "send");
  check(recvfrom(s[1], buf, four, 0, NULL, NULL) == 4, "recvfrom");
  close(s[0]), close(s[1]), close(p[0]), close(p[1]), close(file);

  sigset_t usr1;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &usr1, NULL);
  struct timespec now = {0, 0};
  int sig = 0;
  raise(SIGUSR1);
  check(sigwait(&usr1, &sig) == 0 && sig == SIGUSR1, "sigwait");
  raise(SIGUSR1);
  check(sigtimedwait(&usr1, NULL, &now) == SIGUSR1, "sigtimedwait");
  raise(SIGUSR1);
  check(sigwaitinfo(&usr1, NULL) == SIGUSR1, "sigwaitinfo");
}

int main(void) {
  sem_init(&g_held, 0, 0);
  pthread_t threads[3];
  pthread_create(&threads[0], NULL, sleeper, NULL);
  pthread_create(&threads[1], NULL, holder, NULL);
  pthread_create(&threads[2], NULL, waiter, NULL);
  join_all(threads, 3);
  more_waits();
  printf("slept %.0f spun %.0f lock waited %.0f joined %.0f\n", g_slept_ms * 1e3, g_spun_ms * 1e3,
         g_lock_wait_ms * 1e3, g_joined_ms * 1e3);
  puts("waiting ok");
  return 0;
}
