// Tiny functions called a million times each, for the "instrumentation
// overhead" finding: one in an anonymous namespace (which GCC spells
// {anonymous}), one function template, one member of a class template
// (which GCC's exclude list cannot name reliably). Their callers are
// ns::run(int) and main.
#include <cstdio>

namespace ns {
namespace {
__attribute__((noinline)) int tiny(int x) { return x * 3 + 1; }
}  // namespace

template <class T>
__attribute__((noinline)) T twice(T x) {
  return x + x;
}

template <class T>
struct Box {
  T v;
  __attribute__((noinline)) T get() const { return v; }
};

__attribute__((noinline)) int run(int n) {
  int sum = 0;
  for (int i = 0; i < n; ++i) sum += tiny(i) + twice<int>(i) + Box<int>{i}.get();
  return sum;
}

}  // namespace ns

int main() { std::printf("%d\n", ns::run(1000000)); }
