#include "common/attribute_json.h"

#include <gtest/gtest.h>

namespace tidings {
namespace {

absl::StatusOr<Item> Parse(const char* text) {
  rapidjson::Document doc;
  doc.Parse(text);
  return ItemFromJson(doc);
}

TEST(AttributeJson, RoundTripsExactly) {
  const char* text =
      R"({"b":{"B":"AAEC"},"l":{"L":[{"N":"1.5"},{"NULL":true}]},"m":{"M":{"x":{"BOOL":false}}},)"
      R"("n":{"N":"12.5"},"ns":{"NS":["1","2"]},"s":{"S":"hi"},"ss":{"SS":["a","b"]}})";
  auto item = Parse(text);
  ASSERT_TRUE(item.ok()) << item.status();
  EXPECT_EQ(ItemToJsonString(*item), text);
}

TEST(AttributeJson, NormalizesNumbers) {
  auto item = Parse(R"({"l":{"L":[{"N":"1.50"}]},"n":{"N":"0012.500"},"ns":{"NS":["1E2","-0.0"]}})");
  ASSERT_TRUE(item.ok()) << item.status();
  EXPECT_EQ(ItemToJsonString(*item), R"({"l":{"L":[{"N":"1.5"}]},"n":{"N":"12.5"},"ns":{"NS":["100","0"]}})");
}

TEST(AttributeJson, RejectsEmptyValue) {
  auto item = Parse(R"({"a":{}})");
  ASSERT_FALSE(item.ok());
  EXPECT_NE(item.status().message().find("Supplied AttributeValue is empty"), std::string::npos);
}

TEST(AttributeJson, RejectsTwoTypes) {
  EXPECT_FALSE(Parse(R"({"a":{"S":"x","N":"1"}})").ok());
}

TEST(AttributeJson, RejectsBadNumber) {
  EXPECT_FALSE(Parse(R"({"a":{"N":"12abc"}})").ok());
}

TEST(AttributeJson, RejectsEmptyAndDuplicateSets) {
  EXPECT_FALSE(Parse(R"({"a":{"SS":[]}})").ok());
  EXPECT_FALSE(Parse(R"({"a":{"SS":["x","x"]}})").ok());
  EXPECT_FALSE(Parse(R"({"a":{"NS":["1","1.0"]}})").ok());
}

}  // namespace
}  // namespace tidings
