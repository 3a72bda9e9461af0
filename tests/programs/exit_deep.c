/* exit() called from deep inside the call stack: main -> level(10) -> ...
 * -> level(0), which calls before_exit() and then exit(3). The frames of
 * main and the 11 level() calls never return. An atexit handler registered
 * by main runs inside exit(), i.e. still nested in level(0) on the real
 * stack.
 *
 *   main -> warmup x4;  main -> level x1 -> level ... (11 calls)
 *   level(0) -> before_exit x1, then exit(3) -> at_exit_handler -> leaf x2
 *
 * Expected calls:  main 1, warmup 4, level 11, before_exit 1,
 *                  at_exit_handler 1, leaf 2
 * Expected edges:  <root>->main 1, main->warmup 4, main->level 1,
 *                  level->level 10, level->before_exit 1,
 *                  level->at_exit_handler 1 (the counting hooks' view: the
 *                  handler runs on top of level(0)'s frame),
 *                  at_exit_handler->leaf 2
 * Output: "exit_deep exiting", exit status 3.
 */
#include <stdio.h>
#include <stdlib.h>

#include "test_program.h"

DEFINE_SINK;

NOINLINE void leaf(void) { sink = sink + 1; }
NOINLINE void warmup(void) { sink = sink + 1; }
NOINLINE void before_exit(void) {
  printf("exit_deep exiting\n");
  fflush(stdout);
}
NOINLINE void at_exit_handler(void) {
  leaf();
  leaf();
}

NOINLINE void level(int n) {
  if (sink < 0) return; /* never: tells the compiler level() can return */
  if (n == 0) {
    before_exit();
    exit(3);
  }
  level(n - 1);
  sink = n;
}

int main(void) {
  atexit(at_exit_handler);
  for (int i = 0; i < 4; ++i) warmup();
  level(10 + sink * 0);
  return 0;
}
