// Two functions with one body, which identical-code folding keeps once
// under both names: GCC's -fipa-icf makes sync an alias of flush, and lld's
// --icf=all folds Clang's two copies into one. Arguments known only at run
// time keep either compiler from specializing one of them (.constprop).
#include <cstdio>

int table[8] = {1, 2, 3, 4, 5, 6, 7, 8};

namespace store {
namespace {
__attribute__((noinline)) int flush(const int* data, int n) {
  int sum = 0;
  for (int i = 0; i < n; ++i) sum = sum * 31 + data[i];
  return sum;
}
__attribute__((noinline)) int sync(const int* data, int n) {
  int sum = 0;
  for (int i = 0; i < n; ++i) sum = sum * 31 + data[i];
  return sum;
}
}  // namespace
}  // namespace store

int main(int argc, char**) {
  const int* data = table + argc % 2;
  std::printf("%d %d\n", store::flush(data, argc + 3), store::sync(data + 1, argc + 2));
}
