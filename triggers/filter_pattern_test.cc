#include "triggers/filter_pattern.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "common/errors.h"
#include "rapidjson/error/en.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace tidings {
namespace {

using ::testing::HasSubstr;

std::string ToJsonText(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

rapidjson::Document ParseJson(const std::string& text) {
  rapidjson::Document document;
  document.Parse(text.data(), text.size());
  EXPECT_FALSE(document.HasParseError()) << rapidjson::GetParseError_En(document.GetParseError());
  return document;
}

std::string ReadTestData(const std::string& name) {
  std::ifstream file(std::string(TIDINGS_TRIGGERS_TESTDATA_DIR) + "/" + name);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

constexpr const char* kOrdersPattern =
    R"({"eventName":["MODIFY"],"dynamodb":{"OldImage":{"status":{"S":[{"anything-but":["shipped"]}]}},)"
    R"("NewImage":{"status":{"S":["shipped"]}}}})";

std::string OrderRecord(const char* event_name, const char* old_status, const char* new_status) {
  return std::string(R"({"eventName":")") + event_name +
         R"(","dynamodb":{"Keys":{"orderId":{"S":"ORD-001"}},"OldImage":{"status":{"S":")" +
         old_status + R"("}},"NewImage":{"status":{"S":")" + new_status + R"("}}}})";
}

// Runs every case in testdata/filter_cases.json; the file's "comment" field
// describes the case format.
TEST(FilterPattern, CaseFile) {
  std::string text = ReadTestData("filter_cases.json");
  ASSERT_FALSE(text.empty()) << "cannot read " << TIDINGS_TRIGGERS_TESTDATA_DIR "/filter_cases.json";
  rapidjson::Document data = ParseJson(text);
  ASSERT_TRUE(data.IsObject());
  const rapidjson::Value& records = data["records"];
  const rapidjson::Value& cases = data["cases"];
  ASSERT_TRUE(cases.IsArray());
  EXPECT_GT(cases.Size(), 100u);

  for (const auto& test_case : cases.GetArray()) {
    ASSERT_TRUE(test_case.HasMember("name"));
    std::string name = test_case["name"].GetString();
    SCOPED_TRACE(name);

    std::string pattern_text = test_case.HasMember("pattern_text")
                                   ? std::string(test_case["pattern_text"].GetString())
                                   : ToJsonText(test_case["pattern"]);
    const rapidjson::Value& record_spec = test_case["record"];
    const rapidjson::Value& record =
        record_spec.IsString() ? records[record_spec.GetString()] : record_spec;
    ASSERT_TRUE(record.IsObject()) << "unknown record " << ToJsonText(record_spec);

    auto pattern = FilterPattern::Parse(pattern_text);
    if (test_case.HasMember("error")) {
      ASSERT_FALSE(pattern.ok()) << "pattern " << pattern_text << " parsed";
      EXPECT_EQ(KindOf(pattern.status()), ErrorKind::kValidation);
      EXPECT_THAT(std::string(pattern.status().message()),
                  HasSubstr(test_case["error"].GetString()));
      continue;
    }
    ASSERT_TRUE(test_case.HasMember("match")) << "case needs match or error";
    ASSERT_TRUE(pattern.ok()) << pattern.status();
    EXPECT_EQ(pattern->Matches(record), test_case["match"].GetBool()) << pattern_text;
  }
}

TEST(FilterPattern, OrdersExample) {
  auto pattern = FilterPattern::Parse(kOrdersPattern);
  ASSERT_TRUE(pattern.ok()) << pattern.status();

  EXPECT_TRUE(pattern->Matches(ParseJson(OrderRecord("MODIFY", "processing", "shipped"))));
  EXPECT_FALSE(pattern->Matches(ParseJson(OrderRecord("MODIFY", "shipped", "shipped"))));
  EXPECT_FALSE(pattern->Matches(ParseJson(OrderRecord("INSERT", "processing", "shipped"))));
  EXPECT_FALSE(pattern->Matches(ParseJson(OrderRecord("MODIFY", "processing", "processing"))));
}

TEST(FilterPattern, KeepsSourceText) {
  auto pattern = FilterPattern::Parse(kOrdersPattern);
  ASSERT_TRUE(pattern.ok()) << pattern.status();
  EXPECT_EQ(pattern->source(), kOrdersPattern);
}

TEST(FilterPattern, CopySharesParsedPattern) {
  auto pattern = FilterPattern::Parse(kOrdersPattern);
  ASSERT_TRUE(pattern.ok()) << pattern.status();
  FilterPattern copy = *pattern;
  pattern = FilterPattern::Parse(R"({"eventName":["REMOVE"]})");
  ASSERT_TRUE(pattern.ok()) << pattern.status();

  EXPECT_TRUE(copy.Matches(ParseJson(OrderRecord("MODIFY", "processing", "shipped"))));
  EXPECT_EQ(copy.source(), kOrdersPattern);
}

TEST(FilterPattern, ErrorNamesJsonOffset) {
  auto pattern = FilterPattern::Parse(R"({"eventName": ["INSERT"],})");
  ASSERT_FALSE(pattern.ok());
  EXPECT_EQ(KindOf(pattern.status()), ErrorKind::kValidation);
  EXPECT_THAT(std::string(pattern.status().message()), HasSubstr("(at offset 25)"));
}

TEST(FilterPattern, RejectsTrailingText) {
  EXPECT_FALSE(FilterPattern::Parse(R"({"eventName": ["INSERT"]} x)").ok());
}

TEST(FilterPattern, MatchesRecordWithoutDynamodb) {
  auto pattern = FilterPattern::Parse(R"({"dynamodb":{"NewImage":{"a":{"S":[{"exists":false}]}}}})");
  ASSERT_TRUE(pattern.ok()) << pattern.status();
  EXPECT_TRUE(pattern->Matches(ParseJson(R"({"eventName":"REMOVE"})")));
}

TEST(FilterPattern, NonObjectRecordHasNoFields) {
  auto pattern = FilterPattern::Parse(R"({"eventName":["INSERT"]})");
  ASSERT_TRUE(pattern.ok()) << pattern.status();
  EXPECT_FALSE(pattern->Matches(ParseJson(R"(["INSERT"])")));
  EXPECT_FALSE(pattern->Matches(ParseJson("null")));
}

}  // namespace
}  // namespace tidings
