// Exceptions through 20 instrumented frames, 1,000 times. catcher() calls
// frame(19) -> frame(18) -> ... -> frame(0) -> thrower(), which throws; every
// frame holds a Guard whose destructor runs as the exception passes it.
// catcher then calls handled() in the catch block.
//
// Expected calls: main 1, catcher 1000, frame 20000, thrower 1000,
// Guard::~Guard 20000, handled 1000.
// Output: "deep_exceptions 1000", exit status 0.
#include <cstdio>
#include <stdexcept>

#include "test_program.h"

DEFINE_SINK;

namespace {

struct Guard {
  NOINLINE ~Guard() { sink = sink + 1; }
};

}  // namespace

NOINLINE void thrower() { throw std::runtime_error("deep"); }

NOINLINE void frame(int n) {
  Guard g;
  if (n == 0)
    thrower();
  else
    frame(n - 1);
}

NOINLINE void handled() { sink = sink + 1; }

NOINLINE int catcher() {
  try {
    frame(19);
  } catch (const std::runtime_error&) {
    handled();
    return 1;
  }
  return 0;
}

int main() {
  int caught = 0;
  for (int i = 0; i < 1000; ++i) caught += catcher();
  std::printf("deep_exceptions %d\n", caught);
  return caught == 1000 ? 0 : 1;
}
