// C++ exceptions thrown through three instrumented frames and caught.
// catcher(i) calls level1 -> level2 -> level3 -> thrower, which throws; the
// exception unwinds thrower, level3, level2 and level1 and is caught in
// catcher, which then calls handled() (inside the catch block) and
// after_catch() (after it): both must be attributed to catcher, not to the
// unwound frames. GCC calls the exit hooks while unwinding; Clang does not, so
// the runtime has to repair its stack. level2 holds a Guard whose destructor
// runs in level2's cleanup while the exception passes, before any catch: with
// Clang, thrower and level3 are already gone by then, and ~Guard must be
// level2's callee. Then main makes ordinary calls.
//
//   main -> catcher x100;  catcher -> level1 -> level2 -> level3 -> thrower
//   level2 -> ~Guard -> guard_released (during unwinding)
//   catcher -> handled x1, after_catch x1 each;  main -> normal x5 -> leaf x2
//
// Expected calls:  main 1, catcher 100, level1 100, level2 100, level3 100,
//                  thrower 100, ~Guard 100, guard_released 100, handled 100,
//                  after_catch 100, normal 5, leaf 10
// Expected edges:  <root>->main 1, main->catcher 100, catcher->level1 100,
//                  level1->level2 100, level2->level3 100, level3->thrower 100,
//                  level2->~Guard 100, ~Guard->guard_released 100,
//                  catcher->handled 100, catcher->after_catch 100,
//                  main->normal 5, normal->leaf 10
// Names are C++ (demangled "catcher(int)", "level1(int)", ...).
// Output: "exceptions caught 100 sum 4950 released 100", exit status 0.
#include <cstdio>

#include "test_program.h"

DEFINE_SINK;

struct Error {  // trivial: no instrumented constructor
  int code;
};

static int g_caught;
static int g_sum;
static int g_released;

NOINLINE void guard_released() { ++g_released; }
struct Guard {
  NOINLINE ~Guard() { guard_released(); }
};

NOINLINE void thrower(int i) {
  if (sink >= 0) throw Error{i};
}
NOINLINE int level3(int i) {
  thrower(i);
  return sink + 3;
}
NOINLINE int level2(int i) {
  Guard guard;
  return level3(i) + 2;
}
NOINLINE int level1(int i) { return level2(i) + 1; }
NOINLINE void handled(int code) {
  ++g_caught;
  g_sum += code;
}
NOINLINE void after_catch(int i) { sink = i; }

NOINLINE void catcher(int i) {
  try {
    sink = level1(i);
  } catch (const Error& e) {
    handled(e.code);
  }
  after_catch(0);
}

NOINLINE int leaf() { return sink + 1; }
NOINLINE int normal() { return leaf() + leaf(); }

int main() {
  for (int i = 0; i < 100; ++i) catcher(i);
  int n = 0;
  for (int i = 0; i < 5; ++i) n += normal();
  std::printf("exceptions caught %d sum %d released %d\n", g_caught, g_sum, g_released);
  return n == 10 ? 0 : 1;
}
