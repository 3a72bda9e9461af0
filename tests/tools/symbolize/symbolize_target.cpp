// A program with debug info and known functions: the symbolizer and
// perf-report tests take their addresses from nm and their lines from the
// definitions below, found by searching this file.
#include <cstdio>

namespace target {

__attribute__((noinline)) int leaf(int x) { return x * 3 + 1; }

__attribute__((noinline)) int work(int n) {
  int sum = 0;
  for (int i = 0; i < n; ++i) sum += leaf(i);
  return sum;
}

}  // namespace target

// A symbol that is not UTF-8 (byte 0xff): nothing makes a binary's names text.
__attribute__((noinline)) int not_utf8(int x) __asm__("not\xffutf8");
int not_utf8(int x) { return x - 1; }

int main(int argc, char**) { std::printf("%d\n", target::work(not_utf8(argc))); }
