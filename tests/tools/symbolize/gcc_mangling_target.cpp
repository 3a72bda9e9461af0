// googletest's AssertionResult constructor, whose GCC mangling LLVM 14's
// demangler rejects (`srSt14is_convertible...`): built with GCC, its name
// must still come out demangled.
#include <cstdio>
#include <type_traits>

namespace testing {
class AssertionResult {
 public:
  template <typename T>
  __attribute__((noinline)) explicit AssertionResult(
      const T& success, typename std::enable_if<!std::is_convertible<T, AssertionResult>::value>::type* = nullptr)
      : success_(success) {}
  bool success_;
};
}  // namespace testing

int main(int argc, char**) { std::printf("%d\n", testing::AssertionResult(argc > 1).success_); }
