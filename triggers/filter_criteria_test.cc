#include "triggers/filter_criteria.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/errors.h"

namespace tidings {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

rapidjson::Document ParseJson(const char* text) {
  rapidjson::Document document;
  document.Parse(text);
  EXPECT_FALSE(document.HasParseError()) << text;
  return document;
}

TEST(FilterCriteria, EmptyPassesEverything) {
  FilterCriteria criteria;
  EXPECT_TRUE(criteria.empty());
  EXPECT_TRUE(criteria.Matches(ParseJson(R"({"eventName":"REMOVE"})")));
  EXPECT_TRUE(criteria.Matches(ParseJson("{}")));
}

TEST(FilterCriteria, AnyPatternMatches) {
  auto criteria = FilterCriteria::Parse({R"({"eventName":["INSERT"]})", R"({"eventName":["MODIFY"]})"});
  ASSERT_TRUE(criteria.ok()) << criteria.status();
  EXPECT_EQ(criteria->patterns().size(), 2u);
  EXPECT_TRUE(criteria->Matches(ParseJson(R"({"eventName":"INSERT"})")));
  EXPECT_TRUE(criteria->Matches(ParseJson(R"({"eventName":"MODIFY"})")));
}

TEST(FilterCriteria, NoPatternMatches) {
  auto criteria = FilterCriteria::Parse({R"({"eventName":["INSERT"]})", R"({"eventName":["MODIFY"]})"});
  ASSERT_TRUE(criteria.ok()) << criteria.status();
  EXPECT_FALSE(criteria->Matches(ParseJson(R"({"eventName":"REMOVE"})")));
}

TEST(FilterCriteria, ParseErrorNamesFilterIndex) {
  auto criteria = FilterCriteria::Parse({R"({"eventName":["INSERT"]})", R"({"eventName":"MODIFY"})"});
  ASSERT_FALSE(criteria.ok());
  EXPECT_EQ(KindOf(criteria.status()), ErrorKind::kValidation);
  EXPECT_THAT(std::string(criteria.status().message()),
              StartsWith("Filters[1]: invalid filter pattern at eventName: must be an array"));
}

TEST(FilterCriteria, FromJsonReadsLambdaShape) {
  auto json = ParseJson(
      R"({"Filters":[{"Pattern":"{\"dynamodb\":{\"Keys\":{\"orderId\":{\"S\":[{\"prefix\":\"ORD-\"}]}}}}"}]})");
  auto criteria = FilterCriteria::FromJson(json);
  ASSERT_TRUE(criteria.ok()) << criteria.status();
  ASSERT_EQ(criteria->patterns().size(), 1u);
  EXPECT_TRUE(criteria->Matches(ParseJson(R"({"dynamodb":{"Keys":{"orderId":{"S":"ORD-7"}}}})")));
  EXPECT_FALSE(criteria->Matches(ParseJson(R"({"dynamodb":{"Keys":{"orderId":{"S":"INV-7"}}}})")));
}

TEST(FilterCriteria, FromJsonWithoutFiltersPassesAll) {
  auto criteria = FilterCriteria::FromJson(ParseJson("{}"));
  ASSERT_TRUE(criteria.ok()) << criteria.status();
  EXPECT_TRUE(criteria->empty());

  criteria = FilterCriteria::FromJson(ParseJson(R"({"Filters":[]})"));
  ASSERT_TRUE(criteria.ok()) << criteria.status();
  EXPECT_TRUE(criteria->empty());
}

TEST(FilterCriteria, FromJsonRejectsBadShapes) {
  auto criteria = FilterCriteria::FromJson(ParseJson(R"({"Filters":[{"Pattern":{"eventName":["INSERT"]}}]})"));
  ASSERT_FALSE(criteria.ok());
  EXPECT_THAT(std::string(criteria.status().message()),
              HasSubstr("Filters[0].Pattern is missing or not a string"));

  criteria = FilterCriteria::FromJson(ParseJson(R"({"Filters":{"Pattern":"{}"}})"));
  ASSERT_FALSE(criteria.ok());
  EXPECT_THAT(std::string(criteria.status().message()), HasSubstr("must be an array"));

  criteria = FilterCriteria::FromJson(ParseJson(R"({"Filters":["{}"]})"));
  ASSERT_FALSE(criteria.ok());
  EXPECT_THAT(std::string(criteria.status().message()), HasSubstr("Filters[0] must be an object"));

  criteria = FilterCriteria::FromJson(ParseJson("[]"));
  ASSERT_FALSE(criteria.ok());
  EXPECT_THAT(std::string(criteria.status().message()), HasSubstr("FilterCriteria must be an object"));
}

TEST(FilterCriteria, FromJsonReportsBadPattern) {
  auto criteria = FilterCriteria::FromJson(
      ParseJson(R"({"Filters":[{"Pattern":"{\"eventName\":[\"INSERT\"]}"},{"Pattern":"not json"}]})"));
  ASSERT_FALSE(criteria.ok());
  EXPECT_THAT(std::string(criteria.status().message()),
              StartsWith("Filters[1]: invalid filter pattern: not valid JSON"));
}

}  // namespace
}  // namespace tidings
