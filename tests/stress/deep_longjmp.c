/* longjmp out of deep recursion: trampoline() sets a jump point and calls
 * descend(10000), which recurses to depth 0 and longjmps back, skipping
 * 10,001 frames that never see their exit hook. 100 times; then ordinary
 * calls on the repaired stack.
 *
 * Expected calls: main 1, trampoline 100, descend 1,000,100, landed 100,
 * normal 5, leaf 10.
 * Output: "deep_longjmp 100", exit status 0.
 */
#include <setjmp.h>
#include <stdio.h>

#include "test_program.h"

DEFINE_SINK;

enum { kDepth = 10000, kJumps = 100 };

static jmp_buf jump;

NOINLINE void descend(int n) {
  if (n == 0) longjmp(jump, 1);
  descend(n - 1);
  sink = sink + 1;
}

NOINLINE void landed(void) { sink = sink + 1; }

NOINLINE int trampoline(void) {
  if (setjmp(jump) == 0) {
    descend(kDepth);
    return 0;
  }
  landed();
  return 1;
}

NOINLINE void leaf(void) { sink = sink + 1; }
NOINLINE void normal(void) {
  leaf();
  leaf();
}

int main(void) {
  int jumps = 0;
  for (int i = 0; i < kJumps; ++i) jumps += trampoline();
  for (int i = 0; i < 5; ++i) normal();
  printf("deep_longjmp %d\n", jumps);
  return jumps == kJumps ? 0 : 1;
}
