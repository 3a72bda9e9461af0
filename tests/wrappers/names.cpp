// Built by fnprof-c++ -std=c++20 in the wrapper tests: std::string, which Clang 14
// cannot link with -finstrument-functions (LLVM issue 50742); greeting() is
// called twice and kept out of line.
#include <iostream>
#include <string>

__attribute__((noinline)) std::string greeting(const char* name) { return name; }

int main() {
  std::cout << greeting("ada") << ' ' << greeting("grace") << '\n';
  return 0;
}
