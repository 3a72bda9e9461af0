/* Deep recursion: depth 100000 on a thread named "deep" with a 256 MiB
 * stack. deep_thread -> descend(100000) -> descend(99999) -> ... ->
 * descend(0) -> bottom(): the deepest frame is 100002 functions below the
 * thread's root.
 *
 * Expected calls:  main 1, deep_thread 1, descend 100001, bottom 1
 * Expected edges:  <root>->main 1, <root>->deep_thread 1 (thread start
 *                  routine), deep_thread->descend 1, descend->descend 100000,
 *                  descend->bottom 1
 * Output: "deep 100000", exit status 0.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>

#include "test_program.h"

enum { kDepth = 100000 };

DEFINE_SINK;

NOINLINE long bottom(void) { return sink; }

NOINLINE long descend(int n) {
  if (n == 0) return bottom();
  return descend(n - 1) + 1;
}

NOINLINE void* deep_thread(void* result) {
  pthread_setname_np(pthread_self(), "deep");
  *(long*)result = descend(kDepth + sink);
  return NULL;
}

int main(void) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, (size_t)256 << 20);
  pthread_t thread;
  long result = -1;
  if (pthread_create(&thread, &attr, deep_thread, &result) != 0) return perror("pthread_create"), 2;
  pthread_join(thread, NULL);
  printf("deep %ld\n", result);
  return result == kDepth ? 0 : 1;
}
