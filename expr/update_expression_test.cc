#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/attribute_json.h"
#include "expr/expression.h"

namespace tidings::expr {
namespace {

Item SampleItem() {
  return {
      {"pk", AttributeValue::String("p")},
      {"n", AttributeValue::Number("1")},
      {"a", AttributeValue::Map({{"b", AttributeValue::String("dog")},
                                 {"c", AttributeValue::List({AttributeValue::Number("1"),
                                                             AttributeValue::Number("2"),
                                                             AttributeValue::Number("3")})}})},
  };
}

TEST(UpdateExpression, ReportsTargets) {
  ValueMap values = {{":v", AttributeValue::Number("1")}};
  NameMap names = {{"#k", "pk"}};
  auto update =
      UpdateExpression::Parse("SET a.b = :v, #k = :v REMOVE c[2] ADD n :v", names, values);
  ASSERT_TRUE(update.ok()) << update.status();
  EXPECT_EQ(update->TargetAttributes(), (std::set<std::string>{"a", "c", "n", "pk"}));

  std::vector<DocumentPath> paths = update->TargetPaths();
  ASSERT_EQ(paths.size(), 4u);
  EXPECT_EQ(FormatPath(paths[0]), "[a, b]");
  EXPECT_EQ(FormatPath(paths[1]), "[pk]");
  EXPECT_EQ(FormatPath(paths[2]), "[c, [2]]");
  EXPECT_EQ(FormatPath(paths[3]), "[n]");
}

TEST(UpdateExpression, ReportsUsedPlaceholders) {
  NameMap names = {{"#one", "c"}, {"#two", "a"}, {"#three", "z"}};
  ValueMap values = {{":v", AttributeValue::Number("1")}, {":w", AttributeValue::Number("2")}};
  auto update = UpdateExpression::Parse("SET #one = #two, x = if_not_exists(x, :v)", names, values);
  ASSERT_TRUE(update.ok()) << update.status();
  EXPECT_EQ(update->used_names(), (std::set<std::string>{"#one", "#two"}));
  EXPECT_EQ(update->used_values(), (std::set<std::string>{":v"}));
}

TEST(UpdateExpression, UpdatedOldReturnsOnlyNestedPart) {
  ValueMap values = {{":v", AttributeValue::String("hi")}};
  auto update = UpdateExpression::Parse("SET a.b = :v", {}, values);
  ASSERT_TRUE(update.ok()) << update.status();

  Item item = SampleItem();
  Item old_item = item;
  ASSERT_TRUE(update->Apply(&item).ok());
  EXPECT_EQ(ItemToJsonString(ProjectPaths(old_item, update->TargetPaths())),
            R"({"a":{"M":{"b":{"S":"dog"}}}})");
  EXPECT_EQ(ItemToJsonString(ProjectPaths(item, update->TargetPaths())),
            R"({"a":{"M":{"b":{"S":"hi"}}}})");
}

TEST(UpdateExpression, UpdatedOldOfListElement) {
  ValueMap values = {{":v", AttributeValue::Number("7")}};
  auto update = UpdateExpression::Parse("SET a.c[1] = :v", {}, values);
  ASSERT_TRUE(update.ok()) << update.status();
  EXPECT_EQ(ItemToJsonString(ProjectPaths(SampleItem(), update->TargetPaths())),
            R"({"a":{"M":{"c":{"L":[{"N":"2"}]}}}})");
}

TEST(UpdateExpression, FailedApplyLeavesItem) {
  ValueMap values = {{":v", AttributeValue::Number("1")}};
  auto update = UpdateExpression::Parse("SET n = :v, a.b.x = :v", {}, values);
  ASSERT_TRUE(update.ok()) << update.status();

  Item item = SampleItem();
  std::set<std::string> updated;
  absl::Status status = update->Apply(&item, &updated);
  EXPECT_EQ(status.message(),
            "The document path provided in the update expression is invalid for update");
  EXPECT_EQ(ItemToJsonString(item), ItemToJsonString(SampleItem()));
  EXPECT_TRUE(updated.empty());
}

TEST(UpdateExpression, AppliesTwiceFromOneParse) {
  ValueMap values = {{":one", AttributeValue::Number("1")}};
  auto update = UpdateExpression::Parse("ADD n :one", {}, values);
  ASSERT_TRUE(update.ok()) << update.status();
  Item item = SampleItem();
  ASSERT_TRUE(update->Apply(&item).ok());
  ASSERT_TRUE(update->Apply(&item).ok());
  EXPECT_EQ(item.at("n").scalar(), "3");
}

TEST(UpdateExpression, ReportsEvenWhenValueUnchanged) {
  ValueMap values = {{":zero", AttributeValue::Number("0")}};
  auto update = UpdateExpression::Parse("SET n = if_not_exists(n, :zero) REMOVE gone", {}, values);
  ASSERT_TRUE(update.ok()) << update.status();
  Item item = SampleItem();
  std::set<std::string> updated;
  ASSERT_TRUE(update->Apply(&item, &updated).ok());
  EXPECT_EQ(updated, (std::set<std::string>{"gone", "n"}));
}

}  // namespace
}  // namespace tidings::expr
