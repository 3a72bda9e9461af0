// Static constructors and destructors calling instrumented functions: before
// main (a C++ global's constructor and a constructor function) and after main
// returns (the global's destructor, run from an atexit-style handler, and a
// destructor function, run when the executable is finalized). A runtime that
// writes its profile too early loses the calls after main.
//
//   before main:  Registrar::Registrar(int) x2 (globals g_first(3),
//                 g_second(2)) -> register_item x3 and x2;
//                 init_function -> setup x2
//   main:         main -> work x1
//   after main:   Registrar::~Registrar() x2 -> unregister_item x3 and x2;
//                 fini_function -> teardown x2
//
// Expected calls:  Registrar::Registrar(int) 2, register_item 5,
//                  init_function 1, setup 2, main 1, work 1,
//                  Registrar::~Registrar() 2, unregister_item 5,
//                  fini_function 1, teardown 2
// Expected edges:  Registrar::Registrar(int)->register_item 5,
//                  init_function->setup 2, <root>->main 1, main->work 1,
//                  Registrar::~Registrar()->unregister_item 5,
//                  fini_function->teardown 2
// The callers of the constructors/destructors are compiler-generated
// (GCC/Clang instrument the _GLOBAL__sub_I_* initializer; the destructors are
// reached through __cxa_atexit) or <root>; init_function and fini_function
// are called by the loader: <root>.
// Names are C++ ("register_item(int)", "Registrar::Registrar(int)", ...).
// Output: "static_ctors registered 5", exit status 0.
#include <cstdio>

#include "test_program.h"

DEFINE_SINK;
static int g_registered;

NOINLINE void register_item(int i) {
  ++g_registered;
  sink = i;
}
NOINLINE void unregister_item(int i) {
  --g_registered;
  sink = i;
}
NOINLINE void setup(int i) { sink = i; }
NOINLINE void teardown(int i) { sink = i; }

struct Registrar {
  NOINLINE explicit Registrar(int n) : items(n) {
    for (int i = 0; i < items; ++i) register_item(i);
  }
  NOINLINE ~Registrar() {
    for (int i = 0; i < items; ++i) unregister_item(i);
  }
  int items;
};

Registrar g_first(3);
Registrar g_second(2);

extern "C" NOINLINE __attribute__((constructor)) void init_function() {
  setup(1);
  setup(2);
}

extern "C" NOINLINE __attribute__((destructor)) void fini_function() {
  teardown(1);
  teardown(2);
}

NOINLINE int work() { return g_registered; }

int main() {
  std::printf("static_ctors registered %d\n", work());
  return 0;
}
