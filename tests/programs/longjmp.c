/* setjmp/longjmp skipping instrumented frames. trampoline(i) sets a jump
 * point and calls deep1 -> deep2 -> deep3 -> jumper, which longjmps back:
 * none of the four skipped frames gets its exit hook (with either compiler).
 * trampoline then calls landed() (in the setjmp != 0 branch) and
 * after_jump(): both belong to trampoline. Then main makes ordinary calls.
 *
 *   main -> trampoline x100;  trampoline -> deep1 -> deep2 -> deep3 -> jumper
 *   trampoline -> landed x1, after_jump x1 each;  main -> normal x5 -> leaf x2
 *
 * Expected calls:  main 1, trampoline 100, deep1 100, deep2 100, deep3 100,
 *                  jumper 100, landed 100, after_jump 100, normal 5, leaf 10
 * Expected edges:  <root>->main 1, main->trampoline 100, trampoline->deep1 100,
 *                  deep1->deep2 100, deep2->deep3 100, deep3->jumper 100,
 *                  trampoline->landed 100, trampoline->after_jump 100,
 *                  main->normal 5, normal->leaf 10
 * Output: "longjmp landed 100", exit status 0.
 */
#include <setjmp.h>
#include <stdio.h>

#include "test_program.h"

DEFINE_SINK;
static jmp_buf g_env;
static int g_landed;

NOINLINE void jumper(int i) { longjmp(g_env, i + 1); }
NOINLINE void deep3(int i) {
  jumper(i);
  sink = 3;
}
NOINLINE void deep2(int i) {
  deep3(i);
  sink = 2;
}
NOINLINE void deep1(int i) {
  deep2(i);
  sink = 1;
}
NOINLINE void landed(int value) {
  ++g_landed;
  sink = value;
}
NOINLINE void after_jump(int i) { sink = i; }

NOINLINE void trampoline(int i) {
  int value = setjmp(g_env);
  if (value == 0)
    deep1(i);
  else
    landed(value);
  after_jump(i);
}

NOINLINE int leaf(void) { return sink + 1; }
NOINLINE int normal(void) { return leaf() + leaf(); }

int main(void) {
  for (int i = 0; i < 100; ++i) trampoline(i);
  for (int i = 0; i < 5; ++i) normal();
  printf("longjmp landed %d\n", g_landed);
  return 0;
}
