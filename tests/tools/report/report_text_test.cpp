// The text report's formatting helpers: durations and long-name elision.
#include "report/report.h"

#include <gtest/gtest.h>

namespace fnprof {
namespace {

TEST(FormatDuration, PicksAUnitAndThreeSignificantDigits) {
  EXPECT_EQ(format_duration(0), "0");
  EXPECT_EQ(format_duration(12e-9), "12.0ns");
  EXPECT_EQ(format_duration(2.5e-9), "2.50ns");
  EXPECT_EQ(format_duration(999e-9), "999ns");
  EXPECT_EQ(format_duration(999.7e-9), "1.00µs");  // not "1000ns"
  EXPECT_EQ(format_duration(3.4e-6), "3.40µs");
  EXPECT_EQ(format_duration(12.34e-3), "12.3ms");
  EXPECT_EQ(format_duration(0.5), "500ms");
  EXPECT_EQ(format_duration(1.234), "1.23s");
  EXPECT_EQ(format_duration(59.5), "59.5s");
  EXPECT_EQ(format_duration(245.67), "4m 5.67s");
  EXPECT_EQ(format_duration(60), "1m 0.00s");
  EXPECT_EQ(format_duration(7384), "2h 3m 4s");
}

TEST(ElideName, ShortNamesStayWhole) {
  EXPECT_EQ(elide_name("main", 10), "main");
  EXPECT_EQ(elide_name("ns::f(int)", 10), "ns::f(int)");
}

TEST(ElideName, CollapsesParametersThenTemplateArguments) {
  const std::string name =
      "std::vector<std::pair<int, std::string>, std::allocator<std::pair<int, std::string> > >::push_back("
      "std::pair<int, std::string> const&)";
  EXPECT_EQ(elide_name(name, 101),
            "std::vector<std::pair<int, std::string>, std::allocator<std::pair<int, std::string> > >::push_back(…)");
  EXPECT_EQ(elide_name(name, 100), "std::vector<…>::push_back(…)");
}

TEST(ElideName, OperatorsAndAnonymousNamespacesAreNotBrackets) {
  EXPECT_EQ(elide_name("(anonymous namespace)::Printer::operator<<(std::ostream&, Value<int> const&)", 45),
            "(anonymous namespace)::Printer::operator<<(…)");
  EXPECT_EQ(elide_name("Compare<long long>::operator()(long long const&, long long const&) const", 31),
            "Compare<…>::operator()(…) const");
}

TEST(ElideName, KeepsTheEndWhenStillTooLong) {
  std::string name = "a_very_long_namespace_name::another_long_namespace::function_name";
  std::string elided = elide_name(name, 20);
  EXPECT_EQ(elided, "…pace::function_name");  // 20 code points
  EXPECT_EQ(elide_name("Compare<long long>::operator()(long long const&) const", 12), "…()(…) const");
}

}  // namespace
}  // namespace fnprof
