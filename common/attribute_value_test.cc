#include "common/attribute_value.h"

#include <gtest/gtest.h>

#include <string>

namespace tidings {
namespace {

TEST(Numbers, CompareByValue) {
  EXPECT_EQ(CompareNumbers("1", "1.0"), 0);
  EXPECT_EQ(CompareNumbers("10", "1E1"), 0);
  EXPECT_LT(CompareNumbers("-5", "3"), 0);
  EXPECT_LT(CompareNumbers("-5", "-3"), 0);
  EXPECT_GT(CompareNumbers("0.5", "0.05"), 0);
  EXPECT_EQ(CompareNumbers("0", "-0.000"), 0);
}

TEST(Numbers, ValidityRules) {
  EXPECT_TRUE(IsValidNumber("123.45"));
  EXPECT_TRUE(IsValidNumber("-1e10"));
  EXPECT_FALSE(IsValidNumber("abc"));
  EXPECT_FALSE(IsValidNumber("1e"));
  EXPECT_FALSE(IsValidNumber(""));
  EXPECT_FALSE(IsValidNumber("123456789012345678901234567890123456789"));
}

TEST(Numbers, RangeLimits) {
  EXPECT_TRUE(IsValidNumber("9.9999999999999999999999999999999999999E+125"));
  EXPECT_TRUE(IsValidNumber("1E-130"));
  EXPECT_TRUE(IsValidNumber("-1E-130"));
  EXPECT_TRUE(IsValidNumber("0E-500"));
  EXPECT_FALSE(IsValidNumber("1E+126"));
  EXPECT_FALSE(IsValidNumber("-1e200"));
  EXPECT_FALSE(IsValidNumber("1E-131"));
  EXPECT_NE(ValidateNumber("1E+126").message().find("Number overflow"), absl::string_view::npos);
  EXPECT_NE(ValidateNumber("1E-131").message().find("Number underflow"), absl::string_view::npos);
}

TEST(Numbers, NormalizedForm) {
  EXPECT_EQ(NormalizeNumber("0012.500"), "12.5");
  EXPECT_EQ(NormalizeNumber("-0.0100"), "-0.01");
  EXPECT_EQ(NormalizeNumber("+7"), "7");
  EXPECT_EQ(NormalizeNumber("-0.0"), "0");
  EXPECT_EQ(NormalizeNumber("0E-500"), "0");
  EXPECT_EQ(NormalizeNumber("1.5E+2"), "150");
  EXPECT_EQ(NormalizeNumber("1.5e-2"), "0.015");
  EXPECT_EQ(NormalizeNumber("120"), "120");
  EXPECT_EQ(NormalizeNumber(".5"), "0.5");
  EXPECT_EQ(NormalizeNumber("5."), "5");
  EXPECT_EQ(NormalizeNumber("1E+3"), "1000");
  EXPECT_EQ(NormalizeNumber("123.456E1"), "1234.56");
  EXPECT_EQ(NormalizeNumber("1E-130"), "0." + std::string(129, '0') + "1");
}

TEST(Numbers, SizeCountsSignificantDigits) {
  // An attribute named "n" costs 1 byte, plus 1 byte per two significant
  // digits (rounded up) and 1 more.
  const std::pair<const char*, size_t> cases[] = {
      {"0", 2}, {"7", 3}, {"101", 4}, {"1000", 3}, {"0012.500", 4},
      {"-0.0100", 3}, {"1.5E+2", 3}, {"12345678901234567890123456789012345678", 21},
  };
  for (const auto& [number, expected] : cases) {
    Item item = {{"n", AttributeValue::Number(number)}};
    EXPECT_EQ(ItemSize(item), expected) << number;
  }
}

TEST(Numbers, OrderedEncodingSortsByValue) {
  const char* ascending[] = {"-1000", "-12", "-1.5", "-1", "-0.001", "0", "0.001", "1", "1.5",
                             "12", "1000"};
  for (size_t i = 0; i + 1 < std::size(ascending); ++i) {
    EXPECT_LT(EncodeNumberOrdered(ascending[i]), EncodeNumberOrdered(ascending[i + 1]))
        << ascending[i] << " vs " << ascending[i + 1];
  }
  EXPECT_EQ(EncodeNumberOrdered("1"), EncodeNumberOrdered("1.00"));
  EXPECT_EQ(EncodeNumberOrdered("0"), EncodeNumberOrdered("-0.0"));
}

TEST(ItemCodec, RoundTripsEveryType) {
  Item item;
  item["s"] = AttributeValue::String("hello");
  item["n"] = AttributeValue::Number("00012.500");
  item["b"] = AttributeValue::Binary(std::string("\0\1\2", 3));
  item["bool"] = AttributeValue::Bool(true);
  item["null"] = AttributeValue::Null();
  item["m"] = AttributeValue::Map({{"inner", AttributeValue::String("x")}});
  item["l"] = AttributeValue::List({AttributeValue::Number("1"), AttributeValue::String("y")});
  item["ss"] = AttributeValue::StringSet({"a", "b"});
  item["ns"] = AttributeValue::NumberSet({"1", "2.5"});
  item["bs"] = AttributeValue::BinarySet({"x", "y"});

  std::string encoded;
  EncodeItem(item, &encoded);
  auto decoded = DecodeItem(encoded);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(*decoded, item);
  EXPECT_EQ(decoded->at("n").scalar(), "00012.500");
}

TEST(ItemCodec, RejectsTruncatedInput) {
  Item item;
  item["s"] = AttributeValue::String("hello");
  std::string encoded;
  EncodeItem(item, &encoded);
  encoded.pop_back();
  EXPECT_FALSE(DecodeItem(encoded).ok());
}

}  // namespace
}  // namespace tidings
