#include "expr/key_condition.h"

#include <gtest/gtest.h>

namespace tidings::expr {
namespace {

const ValueMap kValues = {
    {":p", AttributeValue::String("p1")},
    {":a", AttributeValue::Number("1")},
    {":b", AttributeValue::Number("5")},
    {":s", AttributeValue::String("pre")},
};

absl::StatusOr<KeyCondition> Parse(std::string_view text, const NameMap& names = {}) {
  return ParseKeyCondition(text, names, kValues, "pk", "sk");
}

std::string Error(std::string_view text) {
  absl::StatusOr<KeyCondition> condition = Parse(text);
  return condition.ok() ? "OK" : std::string(condition.status().message());
}

TEST(KeyCondition, PartitionKeyOnly) {
  auto condition = Parse("pk = :p");
  ASSERT_TRUE(condition.ok()) << condition.status();
  EXPECT_EQ(condition->partition_key_name, "pk");
  EXPECT_EQ(condition->partition_value.scalar(), "p1");
  EXPECT_FALSE(condition->sort.has_value());
  EXPECT_EQ(condition->used_values, (std::set<std::string>{":p"}));
}

TEST(KeyCondition, SortKeyOperators) {
  struct Case {
    std::string_view text;
    SortKeyOperator op;
  };
  const Case cases[] = {
      {"pk = :p AND sk = :a", SortKeyOperator::kEq},
      {"pk = :p AND sk < :a", SortKeyOperator::kLt},
      {"pk = :p AND sk <= :a", SortKeyOperator::kLe},
      {"pk = :p AND sk > :a", SortKeyOperator::kGt},
      {"pk = :p AND sk >= :a", SortKeyOperator::kGe},
      {"sk >= :a AND pk = :p", SortKeyOperator::kGe},
      {":a < sk AND pk = :p", SortKeyOperator::kGt},
      {":a >= sk AND :p = pk", SortKeyOperator::kLe},
      {"pk = :p AND begins_with(sk, :s)", SortKeyOperator::kBeginsWith},
      {"(pk = :p) and (sk BETWEEN :a AND :b)", SortKeyOperator::kBetween},
  };
  for (const Case& c : cases) {
    auto condition = Parse(c.text);
    ASSERT_TRUE(condition.ok()) << c.text << ": " << condition.status();
    ASSERT_TRUE(condition->sort.has_value()) << c.text;
    EXPECT_EQ(condition->sort->name, "sk");
    EXPECT_EQ(condition->sort->op, c.op) << c.text;
  }
}

TEST(KeyCondition, BetweenCarriesBothBounds) {
  auto condition = Parse("pk = :p AND sk BETWEEN :a AND :b");
  ASSERT_TRUE(condition.ok()) << condition.status();
  EXPECT_EQ(condition->sort->value.scalar(), "1");
  EXPECT_EQ(condition->sort->upper_bound.scalar(), "5");
}

TEST(KeyCondition, SubstitutesNames) {
  auto condition = Parse("#p = :p AND #s = :a", {{"#p", "pk"}, {"#s", "sk"}});
  ASSERT_TRUE(condition.ok()) << condition.status();
  EXPECT_EQ(condition->used_names, (std::set<std::string>{"#p", "#s"}));
}

TEST(KeyCondition, RejectsUnsupportedShapes) {
  EXPECT_EQ(Error("pk = :p OR sk = :a"), "Invalid operator used in KeyConditionExpression: OR");
  EXPECT_EQ(Error("NOT pk = :p"), "Invalid operator used in KeyConditionExpression: NOT");
  EXPECT_EQ(Error("pk IN (:p)"), "Invalid operator used in KeyConditionExpression: IN");
  EXPECT_EQ(Error("pk <> :p"), "Invalid operator used in KeyConditionExpression: <>");
  EXPECT_EQ(Error("pk = :p AND attribute_exists(sk)"),
            "Invalid operator used in KeyConditionExpression: attribute_exists");
  EXPECT_EQ(Error("pk = :p AND contains(sk, :s)"),
            "Invalid operator used in KeyConditionExpression: contains");
  EXPECT_EQ(Error("pk = :p AND size(sk) = :a"),
            "KeyConditionExpressions cannot contain nested operations");
  EXPECT_EQ(Error("pk = :p AND sk.x = :a"),
            "KeyConditionExpressions cannot have conditions on nested attributes");
  EXPECT_EQ(Error("pk = :p AND sk = pk"),
            "Invalid condition in KeyConditionExpression: Multiple attribute names used in one "
            "condition");
  EXPECT_EQ(Error("pk = :p AND :a = :b"),
            "Invalid condition in KeyConditionExpression: No key attribute specified");
  EXPECT_EQ(Error("pk = :p AND :a BETWEEN sk AND :b"),
            "Invalid condition in KeyConditionExpression: BETWEEN operator must have the key "
            "attribute as its first operand");
  EXPECT_EQ(Error("pk = :p AND begins_with(:s, sk)"),
            "Invalid condition in KeyConditionExpression: begins_with operator must have the key "
            "attribute as its first operand");
  EXPECT_EQ(Error("pk = :p AND pk = :p"),
            "KeyConditionExpressions must only contain one condition per key");
}

TEST(KeyCondition, ChecksKeySchema) {
  EXPECT_EQ(Error("sk = :a"), "Query condition missed key schema element: pk");
  EXPECT_EQ(Error("pk < :p"), "Query key condition not supported");
  EXPECT_EQ(Error("pk = :p AND color = :a"), "Query condition missed key schema element: sk");

  auto no_sort_key = ParseKeyCondition("pk = :p AND sk = :a", {}, kValues, "pk", "");
  ASSERT_FALSE(no_sort_key.ok());
  EXPECT_EQ(no_sort_key.status().message(), "Query key condition not supported");
}

TEST(KeyCondition, ReportsConditionErrorsFirst) {
  EXPECT_EQ(Error("pk = :undefined"),
            "Invalid KeyConditionExpression: An expression attribute value used in expression is "
            "not defined; attribute value: :undefined");
  EXPECT_EQ(Error("pk = "),
            "Invalid KeyConditionExpression: Syntax error; token: \"<EOF>\", near: \"=\"");
  EXPECT_EQ(Error(""), "Invalid KeyConditionExpression: The expression can not be empty;");
}

}  // namespace
}  // namespace tidings::expr
