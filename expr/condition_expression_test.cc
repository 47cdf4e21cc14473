#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "common/errors.h"
#include "expr/condition_node.h"
#include "expr/expression.h"

namespace tidings::expr {
namespace {

using ::testing::HasSubstr;

ValueMap NumberValues(int count) {
  ValueMap values;
  for (int i = 0; i < count; ++i) values[fmt::format(":v{}", i)] = AttributeValue::Number("1");
  return values;
}

TEST(ConditionExpression, ReportsUsedPlaceholders) {
  NameMap names = {{"#a", "a"}, {"#b", "b"}};
  ValueMap values = {{":x", AttributeValue::Number("1")}, {":y", AttributeValue::Number("2")}};
  auto condition = ConditionExpression::Parse("#a = :x AND #a.c < :x", names, values);
  ASSERT_TRUE(condition.ok()) << condition.status();
  EXPECT_EQ(condition->used_names(), (std::set<std::string>{"#a"}));
  EXPECT_EQ(condition->used_values(), (std::set<std::string>{":x"}));
}

TEST(ConditionExpression, NamesParameterInMessages) {
  auto filter = ConditionExpression::Parse("a = :v", {}, {}, "FilterExpression");
  ASSERT_FALSE(filter.ok());
  EXPECT_EQ(filter.status().message(),
            "Invalid FilterExpression: An expression attribute value used in expression is not "
            "defined; attribute value: :v");
  EXPECT_EQ(KindOf(filter.status()), ErrorKind::kValidation);
}

TEST(ConditionExpression, AcceptsHundredInCandidates) {
  ValueMap values = NumberValues(100);
  std::string list;
  for (const auto& [placeholder, value] : values) list += (list.empty() ? "" : ", ") + placeholder;
  auto condition = ConditionExpression::Parse("a IN (" + list + ")", {}, values);
  EXPECT_TRUE(condition.ok()) << condition.status();
}

TEST(ConditionExpression, RejectsHundredAndOneInCandidates) {
  ValueMap values = NumberValues(101);
  std::string list;
  for (const auto& [placeholder, value] : values) list += (list.empty() ? "" : ", ") + placeholder;
  auto condition = ConditionExpression::Parse("a IN (" + list + ")", {}, values);
  ASSERT_FALSE(condition.ok());
  EXPECT_EQ(condition.status().message(),
            "Invalid ConditionExpression: The IN operator is provided with too many operands; "
            "number of operands: 101");
}

TEST(ConditionExpression, RejectsTextOverFourKilobytes) {
  ValueMap values = {{":v", AttributeValue::Number("1")}};
  std::string text = "a = :v" + std::string(4096, ' ');
  auto condition = ConditionExpression::Parse(text, {}, values);
  ASSERT_FALSE(condition.ok());
  EXPECT_EQ(condition.status().message(),
            fmt::format("Invalid ConditionExpression: Expression size has exceeded the maximum "
                        "allowed size; expression size: {}",
                        text.size()));

  std::string at_limit = "a = :v" + std::string(4090, ' ');
  EXPECT_TRUE(ConditionExpression::Parse(at_limit, {}, values).ok());
}

TEST(ConditionExpression, ExposesSyntaxTree) {
  ValueMap values = {{":v", AttributeValue::Number("1")}};
  auto condition = ConditionExpression::Parse("a = :v OR NOT b.c[1] < :v", {}, values);
  ASSERT_TRUE(condition.ok()) << condition.status();

  const ConditionNode& root = condition->root();
  ASSERT_EQ(root.kind, ConditionKind::kOr);
  ASSERT_EQ(root.children.size(), 2u);
  EXPECT_EQ(root.children[0].kind, ConditionKind::kComparison);
  const ConditionNode& negation = root.children[1];
  ASSERT_EQ(negation.kind, ConditionKind::kNot);
  const ConditionNode& less = negation.children[0];
  EXPECT_EQ(less.comparator, Comparator::kLess);
  EXPECT_EQ(FormatPath(less.operands[0].path), "[b, c, [1]]");
  EXPECT_EQ(less.operands[1].placeholder, ":v");
}

TEST(ConditionExpression, CopiesEvaluateAlike) {
  ValueMap values = {{":v", AttributeValue::String("x")}};
  auto condition = ConditionExpression::Parse("begins_with(a, :v)", {}, values);
  ASSERT_TRUE(condition.ok()) << condition.status();
  ConditionExpression copy = *condition;
  Item item = {{"a", AttributeValue::String("xyz")}};
  EXPECT_TRUE(condition->Evaluate(item));
  EXPECT_TRUE(copy.Evaluate(item));
}

TEST(ConditionExpression, ValuesAreCopiedAtParse) {
  ValueMap values = {{":v", AttributeValue::Number("1")}};
  auto condition = ConditionExpression::Parse("a = :v", {}, values);
  ASSERT_TRUE(condition.ok()) << condition.status();
  values[":v"] = AttributeValue::Number("2");
  EXPECT_TRUE(condition->Evaluate({{"a", AttributeValue::Number("1")}}));
}

TEST(CheckAllUsed, AcceptsExactlyUsedKeys) {
  NameMap names = {{"#a", "a"}};
  ValueMap values = {{":v", AttributeValue::Null()}};
  EXPECT_TRUE(CheckAllUsed(names, values, {"#a"}, {":v"}).ok());
  EXPECT_TRUE(CheckAllUsed({}, {}, {}, {}).ok());
}

TEST(CheckAllUsed, ListsUnusedNamesFirst) {
  NameMap names = {{"#a", "a"}, {"#b", "b"}, {"#c", "c"}};
  ValueMap values = {{":x", AttributeValue::Null()}};
  absl::Status status = CheckAllUsed(names, values, {"#b"}, {});
  EXPECT_EQ(status.message(),
            "Value provided in ExpressionAttributeNames unused in expressions: keys: {#a, #c}");
  EXPECT_EQ(KindOf(status), ErrorKind::kValidation);
}

TEST(CheckAllUsed, ListsUnusedValues) {
  ValueMap values = {{":x", AttributeValue::Null()}, {":y", AttributeValue::Null()}};
  absl::Status status = CheckAllUsed({}, values, {}, {":y"});
  EXPECT_EQ(status.message(),
            "Value provided in ExpressionAttributeValues unused in expressions: keys: {:x}");
}

TEST(CheckAllUsed, UnionOfSeveralExpressions) {
  NameMap names = {{"#a", "a"}, {"#b", "b"}};
  ValueMap values = {{":x", AttributeValue::Number("1")}};
  auto update = UpdateExpression::Parse("SET #a = :x", names, values);
  auto condition = ConditionExpression::Parse("attribute_exists(#b)", names, values);
  ASSERT_TRUE(update.ok()) << update.status();
  ASSERT_TRUE(condition.ok()) << condition.status();

  std::set<std::string> used_names = update->used_names();
  used_names.insert(condition->used_names().begin(), condition->used_names().end());
  EXPECT_TRUE(CheckAllUsed(names, values, used_names, update->used_values()).ok());
  EXPECT_THAT(
      std::string(
          CheckAllUsed(names, values, update->used_names(), update->used_values()).message()),
      HasSubstr("keys: {#b}"));
}

}  // namespace
}  // namespace tidings::expr
