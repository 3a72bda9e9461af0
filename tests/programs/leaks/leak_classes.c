// Every leak class, known by construction. Each allocation has its own
// function, so its site has one name. At exit, with the thread below still
// blocked:
//
//   overwritten       101 B, 1 block   definitely lost (its only pointer, a
//                                      global, was overwritten by held's)
//   held              202 B, 1 block   still reachable (the global)
//   list_head          48 B, 1 block   definitely lost (the list's head, dropped)
//   list_node         192 B, 4 blocks  indirectly lost (only the lost head
//                                      reaches them, node to node)
//   cycle_node        128 B, 2 blocks  one definitely, one indirectly lost
//                                      (two blocks pointing at each other,
//                                      nothing else at them)
//   in_tls            444 B, 1 block   still reachable (main's __thread variable)
//   on_thread_stack   333 B, 1 block   still reachable (a local of a thread
//                                      blocked when main exits)
//   interior          256 B, 1 block   possibly lost (a global points 16 bytes in)
//   open_file         glibc's FILE for a file opened and never closed
//                                      (472 B) and its buffer (the file's
//                                      block size, 4096 B): still reachable,
//                                      through libc's list of open files
//
//   keep_on_a_thread_stack  pthread_create's dynamic thread vector (DTV) for
//                     the thread, 16 B per module with thread-local
//                     storage: possibly lost (the thread's control block
//                     points 16 bytes into it, as memcheck finds too)
//
// Totals: definitely lost 101 + 48 + 64 = 213 B in 3 blocks; indirectly
// lost 192 + 64 = 256 B in 5 blocks; possibly lost 256 B + the DTV in 2
// blocks; still reachable 202 + 444 + 333 + 472 + 4096 = 5,547 B in 5
// blocks.
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "alloc_program.h"

struct node {
  struct node* next;
  char payload[40];
};

void* g_slot;
char* g_interior;
__thread void* tls_keep;  // not static: the store must stay
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready = PTHREAD_COND_INITIALIZER;
static int started;

NOINLINE void* overwritten(void) { return malloc(101); }
NOINLINE void* held(void) { return malloc(202); }
NOINLINE struct node* list_head(void) { return malloc(sizeof(struct node)); }
NOINLINE struct node* list_node(void) { return malloc(sizeof(struct node)); }
NOINLINE void* cycle_node(void) { return malloc(64); }
NOINLINE void* in_tls(void) { return malloc(444); }
NOINLINE void* on_thread_stack(void) { return malloc(333); }
NOINLINE char* interior(void) { return malloc(256); }
NOINLINE FILE* open_file(void) { return fopen("/etc/passwd", "r"); }

NOINLINE void lose_by_overwriting(void) {
  g_slot = overwritten();
  ESCAPE(g_slot);
  g_slot = held();
  ESCAPE(g_slot);
}

NOINLINE void lose_a_list(void) {
  struct node* head = list_head();
  struct node* at = head;
  for (int i = 0; i < 4; ++i) at = at->next = list_node();
  at->next = NULL;
  ESCAPE(head);
}

NOINLINE void lose_a_cycle(void) {
  void** a = cycle_node();
  void** b = cycle_node();
  a[0] = b, b[0] = a;
  for (int i = 1; i < 8; ++i) a[i] = b[i] = NULL;
  ESCAPE(a);
}

NOINLINE void keep_in_tls(void) {
  tls_keep = in_tls();
  ESCAPE(&tls_keep);
}

static void* thread_main(void* arg) {
  (void)arg;
  void* volatile kept = on_thread_stack();
  pthread_mutex_lock(&lock);
  started = 1;
  pthread_cond_signal(&ready);
  for (;;) pthread_cond_wait(&ready, &lock);  // until the process exits
  return kept;
}

NOINLINE void keep_on_a_thread_stack(void) {
  pthread_t t;
  pthread_create(&t, NULL, thread_main, NULL);
  pthread_mutex_lock(&lock);
  while (!started) pthread_cond_wait(&ready, &lock);
  pthread_mutex_unlock(&lock);
}

NOINLINE void keep_an_interior_pointer(void) {
  g_interior = interior() + 16;
  ESCAPE(g_interior);
}

NOINLINE void leave_a_file_open(void) {
  FILE* f = open_file();
  if (f) fgetc(f);  // reads: the buffer is allocated
}

// Wipes the stack below this frame, where the functions above left
// pointers to the blocks they lost.
NOINLINE void clear_stack(void) {
  volatile char wipe[16384];
  for (size_t i = 0; i < sizeof wipe; ++i) wipe[i] = 0;
}

int main(void) {
  lose_by_overwriting();
  lose_a_list();
  lose_a_cycle();
  keep_in_tls();
  keep_on_a_thread_stack();
  keep_an_interior_pointer();
  leave_a_file_open();
  clear_stack();
  say("leak classes");
  exit(0);
}
