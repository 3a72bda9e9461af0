/* Thread memory: 2000 short threads, one after another, each making a tiny
 * tree of calls. What the runtime keeps of an exited thread must be about the
 * size of its tree: the program measures its own VmRSS and VmSize
 * (/proc/self/status) around the threads, after 50 threads to warm up (the
 * C library's caches of stacks and arenas), and prints "thread_memory ok"
 * when they grew by less than 4 KiB of RSS and 64 KiB of address space per
 * thread, else the growth.
 *
 *   thread i: worker 1 -> leaf 2;  main 1 -> spawn 2050
 *
 * Expected calls: main 1, spawn 2050, worker 2050, leaf 4100.
 * Output: "thread_memory ok" under fnprof (the counting hooks keep more),
 * exit status 0.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_program.h"

DEFINE_SINK;

enum { kWarmUp = 50, kThreads = 2000 };

NOINLINE void leaf(void) { sink = sink + 1; }

NOINLINE void* worker(void* arg) {
  (void)arg;
  leaf();
  leaf();
  return NULL;
}

NOINLINE void spawn(void) {
  pthread_t t;
  pthread_create(&t, NULL, worker, NULL);
  pthread_join(t, NULL);
}

/* A field of /proc/self/status, in kB. */
static long status_kb(const char* field) {
  FILE* f = fopen("/proc/self/status", "r");
  char line[256];
  long kb = -1;
  size_t n = strlen(field);
  while (f && fgets(line, sizeof line, f))
    if (strncmp(line, field, n) == 0 && line[n] == ':') kb = atol(line + n + 1);
  if (f) fclose(f);
  return kb;
}

int main(void) {
  for (int i = 0; i < kWarmUp; ++i) spawn();
  long rss = status_kb("VmRSS"), size = status_kb("VmSize");
  for (int i = 0; i < kThreads; ++i) spawn();
  long rss_growth = status_kb("VmRSS") - rss, size_growth = status_kb("VmSize") - size;
  if (rss >= 0 && size >= 0 && rss_growth < 4L * kThreads && size_growth < 64L * kThreads)
    printf("thread_memory ok\n");
  else
    printf("thread_memory: VmRSS +%ld kB, VmSize +%ld kB over %d threads\n", rss_growth, size_growth, kThreads);
  return 0;
}
