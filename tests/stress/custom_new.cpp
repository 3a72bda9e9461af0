// A custom global operator new/delete (the program's own, counting and
// forwarding to malloc/free), used by the program's containers and by
// libstdc++ alike. 10,000 nodes of a std::list, a std::vector grown one
// element at a time to 10,000, and 1,000 copies of a
// std::vector<int> of 25 elements (Clang with libstdc++ 12 cannot link
// std::allocator<char> in C++20 when instrumenting).
//
// Program sites (the mallocs inside this operator new): as many allocations,
// frees and bytes as the operator counted, which it prints:
// Output: "custom_new allocations N frees N bytes B" (the same numbers with
// and without fnprof), exit status 0.
#include <cstdio>
#include <cstdlib>
#include <list>
#include <new>
#include <vector>

#include "test_program.h"

namespace {
long allocations, frees, bytes;
}

void* operator new(std::size_t size) {
  void* p = std::malloc(size ? size : 1);
  if (!p) throw std::bad_alloc();
  ++allocations;
  bytes += static_cast<long>(size ? size : 1);
  return p;
}

void operator delete(void* p) noexcept {
  if (!p) return;
  ++frees;
  std::free(p);
}

void operator delete(void* p, std::size_t) noexcept { operator delete(p); }

NOINLINE long fill() {
  std::list<int> nodes;
  for (int i = 0; i < 10000; ++i) nodes.push_back(i);
  std::vector<long> grown;
  for (int i = 0; i < 10000; ++i) grown.push_back(i);
  std::vector<std::vector<int>> copies;
  copies.reserve(1000);
  std::vector<int> text(25, 7);
  for (int i = 0; i < 1000; ++i) copies.push_back(text);
  return static_cast<long>(nodes.size() + grown.size() + copies.size());
}

int main() {
  long n = fill();
  std::printf("custom_new allocations %ld frees %ld bytes %ld\n", allocations, frees, bytes);
  return n == 21000 ? 0 : 1;
}
