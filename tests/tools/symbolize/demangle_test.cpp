// demangle(): LLVM's demangler, libstdc++'s where LLVM 14 gives up.
#include "symbolize/demangle.h"

#include <gtest/gtest.h>

namespace fnprof {
namespace {

// GCC 12's mangling of googletest's AssertionResult(const T&, enable_if...*)
// constructor: LLVM 14 rejects its `srSt14is_convertible...E5value`.
constexpr const char* kGccAssertionResult =
    "_ZN7testing15AssertionResultC2IbEERKT_PNSt9enable_ifIXntsrSt14is_convertibleIS2_S0_E5valueEvE4typeE";
constexpr const char* kAssertionResultName =
    "testing::AssertionResult::AssertionResult<bool>(bool const&, std::enable_if<!std::is_convertible<bool, "
    "testing::AssertionResult>::value, void>::type*)";

TEST(Demangle, NameLlvmRejectsComesFromCxaDemangle) {
  EXPECT_EQ(demangle(kGccAssertionResult), kAssertionResultName);
}

TEST(Demangle, CloneSuffixesReadAsLlvmWritesThem) {
  EXPECT_EQ(demangle(std::string(kGccAssertionResult) + ".constprop.0"),
            std::string(kAssertionResultName) + " (.constprop.0)");
  EXPECT_EQ(demangle(std::string(kGccAssertionResult) + ".isra.0"),
            std::string(kAssertionResultName) + " (.isra.0)");
  EXPECT_EQ(demangle("_ZN2ns1fEi.constprop.0.isra.0"), "ns::f(int) (.constprop.0.isra.0)");
}

TEST(Demangle, ClangsManglingOfTheSameConstructor) {
  EXPECT_EQ(demangle("_ZN7testing15AssertionResultC2IbEERKT_PNSt9enable_ifIXntsr3std14is_convertibleIS2_S0_"
                     "EE5valueEvE4typeE"),
            "testing::AssertionResult::AssertionResult<bool>(bool const&, std::enable_if<!(std::is_"
            "convertible<bool, testing::AssertionResult>::value), void>::type*)");
}

TEST(Demangle, NamesThatAreNotMangledStayAsTheyAre) {
  EXPECT_EQ(demangle("main"), "main");
  EXPECT_EQ(demangle("value"), "value");
  EXPECT_EQ(demangle("_Znot_a_mangling"), "_Znot_a_mangling");
}

}  // namespace
}  // namespace fnprof
