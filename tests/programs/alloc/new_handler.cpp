// operator new's failure semantics through the tracker, which has no C++
// runtime of its own: the program's new_handler is called until it gives up,
// std::bad_alloc then reaches the program, nothrow new returns null, an
// exception thrown by the handler reaches the program, and after each the
// tracker counts as before. The sizes asked for (2^62 bytes) always fail.
//
//   site (function)    allocs frees bytes  live
//   handler_block         3      0    48     48  (one per handler call)
//   after_bad_alloc       1      0     8      8  (operator new)
//   after_nothrow         1      0    16     16
//   after_custom          1      0    24     24
//
// The exception objects libstdc++ allocates (bad_alloc, Custom) are the
// program's allocations too; the test compares every total with a count
// made without the tracker.
// Output: the four lines below, exit status 0.
#include <cstdint>
#include <cstdlib>
#include <new>

extern "C" {
#include "alloc_program.h"
}

static int handler_calls;
static void* kept[6];
struct Custom {};

NOINLINE static void* handler_block() {
  void* p = std::malloc(16);
  ESCAPE(p);
  return p;
}

static void handler() {
  kept[handler_calls] = handler_block();
  if (++handler_calls == 3) std::set_new_handler(nullptr);
}

static void throwing_handler() { throw Custom{}; }

constexpr std::size_t kHuge = std::size_t{1} << 62;

NOINLINE static void* huge_new() { return ::operator new(kHuge); }
NOINLINE static void* huge_nothrow() { return ::operator new(kHuge, std::nothrow); }
NOINLINE static void* after_bad_alloc() { return ::operator new(8); }
NOINLINE static void* after_nothrow() { return ::operator new(16); }
NOINLINE static void* after_custom() { return ::operator new(24); }

int main() {
  std::set_new_handler(handler);
  bool caught = false;
  try {
    ESCAPE(huge_new());
  } catch (const std::bad_alloc&) {
    caught = true;
  }
  check(caught && handler_calls == 3, "bad_alloc after 3 calls of the handler");
  kept[3] = after_bad_alloc();
  check(huge_nothrow() == nullptr, "nothrow new returns null");
  kept[4] = after_nothrow();
  std::set_new_handler(throwing_handler);
  caught = false;
  try {
    ESCAPE(huge_new());
  } catch (const Custom&) {
    caught = true;
  }
  check(caught, "the handler's exception");
  std::set_new_handler(nullptr);
  kept[5] = after_custom();
  ESCAPE(kept);
  say("done");
  return 0;
}
