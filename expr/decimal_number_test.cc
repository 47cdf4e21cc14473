#include "expr/decimal_number.h"

#include <gtest/gtest.h>

#include <string>

namespace tidings::expr {
namespace {

std::string Sum(std::string_view a, std::string_view b) {
  auto result = DecimalNumber::Add(*DecimalNumber::Parse(a), *DecimalNumber::Parse(b));
  return result.ok() ? result->ToString() : std::string(result.status().message());
}

std::string Difference(std::string_view a, std::string_view b) {
  auto result = DecimalNumber::Subtract(*DecimalNumber::Parse(a), *DecimalNumber::Parse(b));
  return result.ok() ? result->ToString() : std::string(result.status().message());
}

TEST(DecimalNumber, NormalisesText) {
  struct Case {
    std::string_view input;
    std::string_view expected;
  };
  const Case cases[] = {
      {"0", "0"},          {"-0.000", "0"}, {"+3", "3"},        {"0001.2300", "1.23"},
      {".5", "0.5"},       {"1e2", "100"},  {"1.5E+3", "1500"}, {"25e-3", "0.025"},
      {"-17.4E1", "-174"}, {"0e1000", "0"}, {"100", "100"},     {"-0.001", "-0.001"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<DecimalNumber> number = DecimalNumber::Parse(c.input);
    ASSERT_TRUE(number.ok()) << c.input << ": " << number.status();
    EXPECT_EQ(number->ToString(), c.expected) << c.input;
  }
}

TEST(DecimalNumber, RejectsNonNumbers) {
  for (std::string_view text : {"", "abc", "1e", "1.2.3", "--1", "1 ", "NaN"}) {
    EXPECT_FALSE(DecimalNumber::Parse(text).ok()) << text;
  }
}

TEST(DecimalNumber, AddsExactly) {
  EXPECT_EQ(Sum("0.1", "0.2"), "0.3");
  EXPECT_EQ(Sum("5", "5"), "10");
  EXPECT_EQ(Sum("-1", "1"), "0");
  EXPECT_EQ(Sum("-2.5", "1"), "-1.5");
  EXPECT_EQ(Sum("0", "-7"), "-7");
  EXPECT_EQ(Sum("99.99", "0.01"), "100");
  EXPECT_EQ(Sum("1E-5", "1"), "1.00001");
  EXPECT_EQ(Sum("12345678901234567890123456789012345678", "0"),
            "12345678901234567890123456789012345678");
}

TEST(DecimalNumber, SubtractsExactly) {
  EXPECT_EQ(Difference("1", "2.5"), "-1.5");
  EXPECT_EQ(Difference("-1", "-1"), "0");
  EXPECT_EQ(Difference("0.3", "0.1"), "0.2");
  EXPECT_EQ(Difference("10000000000000000000000", "1"), "9999999999999999999999");
  EXPECT_EQ(Difference("0", "3"), "-3");
}

TEST(DecimalNumber, RejectsResultsOutOfRange) {
  constexpr std::string_view kOverflow =
      "Number overflow. Attempting to store a number with magnitude larger than supported range";
  constexpr std::string_view kUnderflow =
      "Number underflow. Attempting to store a number with magnitude smaller than supported range";
  EXPECT_EQ(Sum("1e50", "1"), kOverflow);        // Needs 51 significant digits.
  EXPECT_EQ(Sum("9e125", "9e125"), kOverflow);   // 1.8E+126.
  EXPECT_EQ(Sum("1e-200", "1e200"), kOverflow);  // Scales too far apart.
  EXPECT_EQ(Difference("1.1e-130", "1e-130"), kUnderflow);
  EXPECT_EQ(Sum("9.9e125", "0"), "99" + std::string(124, '0'));
}

}  // namespace
}  // namespace tidings::expr
