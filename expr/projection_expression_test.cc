#include <gtest/gtest.h>

#include "common/attribute_json.h"
#include "expr/expression.h"

namespace tidings::expr {
namespace {

Item SampleItem() {
  return {
      {"pk", AttributeValue::String("p")},
      {"n", AttributeValue::Number("1")},
      {"l", AttributeValue::List({AttributeValue::String("x"), AttributeValue::String("y"),
                                  AttributeValue::String("z")})},
      {"m",
       AttributeValue::Map({{"a", AttributeValue::Number("1")},
                            {"b", AttributeValue::Map({{"c", AttributeValue::Number("2")},
                                                       {"d", AttributeValue::Number("3")}})}})},
  };
}

std::string Project(std::string_view text, const NameMap& names = {}) {
  auto projection = ProjectionExpression::Parse(text, names);
  if (!projection.ok()) return std::string(projection.status().message());
  return ItemToJsonString(projection->Project(SampleItem()));
}

TEST(ProjectionExpression, SelectsTopLevelAttributes) {
  EXPECT_EQ(Project("pk, n"), R"({"n":{"N":"1"},"pk":{"S":"p"}})");
  EXPECT_EQ(Project("absent"), "{}");
}

TEST(ProjectionExpression, SelectsNestedMembers) {
  EXPECT_EQ(Project("m.b.c"), R"({"m":{"M":{"b":{"M":{"c":{"N":"2"}}}}}})");
  EXPECT_EQ(Project("m.a, m.b.d"), R"({"m":{"M":{"a":{"N":"1"},"b":{"M":{"d":{"N":"3"}}}}}})");
  EXPECT_EQ(Project("m.zz"), "{}");
}

TEST(ProjectionExpression, CompactsListElements) {
  EXPECT_EQ(Project("l[2], l[0]"), R"({"l":{"L":[{"S":"x"},{"S":"z"}]}})");
  EXPECT_EQ(Project("l[7]"), "{}");
  EXPECT_EQ(Project("n[0], m[0]"), "{}");
}

TEST(ProjectionExpression, SubstitutesNames) {
  auto projection =
      ProjectionExpression::Parse("#k, #m.#a", {{"#k", "pk"}, {"#m", "m"}, {"#a", "a"}});
  ASSERT_TRUE(projection.ok()) << projection.status();
  EXPECT_EQ(projection->used_names(), (std::set<std::string>{"#a", "#k", "#m"}));
  EXPECT_EQ(ItemToJsonString(projection->Project(SampleItem())),
            R"({"m":{"M":{"a":{"N":"1"}}},"pk":{"S":"p"}})");
}

TEST(ProjectionExpression, RejectsInvalidText) {
  EXPECT_EQ(Project(""), "Invalid ProjectionExpression: The expression can not be empty;");
  EXPECT_EQ(Project("a,"),
            "Invalid ProjectionExpression: Syntax error; token: \"<EOF>\", near: \",\"");
  EXPECT_EQ(Project("a b"),
            "Invalid ProjectionExpression: Syntax error; token: \"b\", near: \"a b\"");
  EXPECT_EQ(Project(":v"),
            "Invalid ProjectionExpression: Syntax error; token: \":v\", near: \":v\"");
  EXPECT_EQ(Project("size(a)"),
            "Invalid ProjectionExpression: Syntax error; token: \"(\", near: \"size(a\"");
}

TEST(ProjectionExpression, RejectsReservedAndUndefinedNames) {
  EXPECT_EQ(Project("pk, comment"),
            "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: "
            "comment");
  EXPECT_EQ(Project("#x"),
            "Invalid ProjectionExpression: An expression attribute name used in the document path "
            "is not defined; attribute name: #x");
}

TEST(ProjectionExpression, RejectsOverlappingPaths) {
  EXPECT_EQ(Project("m, m.a"),
            "Invalid ProjectionExpression: Two document paths overlap with each other; must "
            "remove or rewrite one of these paths; path one: [m], path two: [m, a]");
  EXPECT_EQ(Project("l[0].a, l.a"),
            "Invalid ProjectionExpression: Two document paths conflict with each other; must "
            "remove or rewrite one of these paths; path one: [l, [0], a], path two: [l, a]");
}

}  // namespace
}  // namespace tidings::expr
