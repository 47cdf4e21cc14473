// Tests of the legacy parameters through ParseExpressions: each case is a
// request body and what its translation must do on an item, or the error
// DynamoDB returns for it.
#include "api/legacy_parameters.h"

#include <string>
#include <vector>

#include "api/expression_parameters.h"
#include "common/attribute_json.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tidings {
namespace {

using ::testing::HasSubstr;

Item ParseItem(const std::string& json) {
  rapidjson::Document document;
  document.Parse(json.c_str());
  auto item = ItemFromJson(document);
  EXPECT_TRUE(item.ok()) << item.status() << " in " << json;
  return item.ok() ? *item : Item();
}

TableDescription EventsTable() {
  TableDescription table;
  table.name = "Events";
  table.hash_key = {"user", AttributeType::kS};
  table.range_key = KeyElement{"at", AttributeType::kN};
  return table;
}

// Parses `body` as a request of `operation`, with the arguments that
// operation's handler passes to ParseExpressions.
absl::StatusOr<Expressions> ParseFor(LegacyOperation operation, const std::string& body) {
  auto request = Request::Parse(body);
  if (!request.ok()) return request.status();
  static const TableDescription kEvents = EventsTable();
  switch (operation) {
    case LegacyOperation::kPutOrDelete:
      return ParseExpressions(*request, "ConditionExpression", false, false);
    case LegacyOperation::kUpdate:
      return ParseExpressions(*request, "ConditionExpression", true, false);
    case LegacyOperation::kGet:
      return ParseExpressions(*request, "", false, true);
    case LegacyOperation::kQuery:
      return ParseExpressions(*request, "FilterExpression", false, true, &kEvents);
    case LegacyOperation::kScan:
      return ParseExpressions(*request, "FilterExpression", false, true);
  }
  return absl::InternalError("unknown operation");
}

// An item with one attribute of most types; "hi there" is aGkgdGhlcmU=.
const char* const kItem =
    R"({"s": {"S": "hello"}, "n": {"N": "5"}, "b": {"B": "aGkgdGhlcmU="},
        "ss": {"SS": ["a", "b"]}, "ns": {"NS": ["2", "4"]},
        "l": {"L": [{"N": "4"}, {"S": "x"}]}, "t": {"BOOL": true}, "z": {"NULL": true}})";

struct FilterCase {
  const char* filter;  // ScanFilter's value.
  bool matches;        // On kItem.
};

const FilterCase kFilterCases[] = {
    {R"({"s": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "hello"}]}})", true},
    {R"({"s": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "help"}]}})", false},
    {R"({"n": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "5"}]}})", false},
    {R"({"ns": {"ComparisonOperator": "EQ", "AttributeValueList": [{"NS": ["4", "2"]}]}})", true},
    {R"({"t": {"ComparisonOperator": "EQ", "AttributeValueList": [{"BOOL": true}]}})", true},
    {R"({"q": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "hello"}]}})", false},
    {R"({"n": {"ComparisonOperator": "NE", "AttributeValueList": [{"N": "6"}]}})", true},
    {R"({"n": {"ComparisonOperator": "NE", "AttributeValueList": [{"N": "5.0"}]}})", false},
    {R"({"n": {"ComparisonOperator": "NE", "AttributeValueList": [{"S": "5"}]}})", true},
    {R"({"q": {"ComparisonOperator": "NE", "AttributeValueList": [{"N": "5"}]}})", true},
    {R"({"n": {"ComparisonOperator": "LE", "AttributeValueList": [{"N": "5"}]}})", true},
    {R"({"n": {"ComparisonOperator": "LT", "AttributeValueList": [{"N": "5"}]}})", false},
    {R"({"n": {"ComparisonOperator": "GE", "AttributeValueList": [{"N": "5"}]}})", true},
    {R"({"n": {"ComparisonOperator": "GT", "AttributeValueList": [{"N": "4"}]}})", true},
    {R"({"s": {"ComparisonOperator": "GT", "AttributeValueList": [{"S": "a"}]}})", true},
    {R"({"n": {"ComparisonOperator": "LT", "AttributeValueList": [{"S": "9"}]}})", false},
    {R"({"q": {"ComparisonOperator": "LT", "AttributeValueList": [{"N": "9"}]}})", false},
    {R"({"s": {"ComparisonOperator": "NOT_NULL"}})", true},
    {R"({"q": {"ComparisonOperator": "NOT_NULL", "AttributeValueList": []}})", false},
    {R"({"q": {"ComparisonOperator": "NULL"}})", true},
    {R"({"z": {"ComparisonOperator": "NULL"}})", false},
    {R"({"s": {"ComparisonOperator": "CONTAINS", "AttributeValueList": [{"S": "ell"}]}})", true},
    {R"({"ns": {"ComparisonOperator": "CONTAINS", "AttributeValueList": [{"N": "4"}]}})", true},
    {R"({"l": {"ComparisonOperator": "CONTAINS", "AttributeValueList": [{"N": "4"}]}})", true},
    {R"({"b": {"ComparisonOperator": "CONTAINS", "AttributeValueList": [{"B": "aGVyZQ=="}]}})",
     true},
    {R"({"s": {"ComparisonOperator": "CONTAINS", "AttributeValueList": [{"N": "1"}]}})", false},
    {R"({"q": {"ComparisonOperator": "CONTAINS", "AttributeValueList": [{"S": "a"}]}})", false},
    {R"({"s": {"ComparisonOperator": "NOT_CONTAINS", "AttributeValueList": [{"S": "dog"}]}})",
     true},
    {R"({"s": {"ComparisonOperator": "NOT_CONTAINS", "AttributeValueList": [{"S": "ell"}]}})",
     false},
    {R"({"ss": {"ComparisonOperator": "NOT_CONTAINS", "AttributeValueList": [{"S": "c"}]}})", true},
    {R"({"q": {"ComparisonOperator": "NOT_CONTAINS", "AttributeValueList": [{"S": "a"}]}})", false},
    {R"({"s": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [{"S": "he"}]}})", true},
    {R"({"s": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [{"S": "lo"}]}})", false},
    {R"({"n": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [{"S": "5"}]}})", false},
    {R"({"n": {"ComparisonOperator": "IN",
               "AttributeValueList": [{"N": "1"}, {"N": "5"}, {"N": "9"}]}})",
     true},
    {R"({"n": {"ComparisonOperator": "IN", "AttributeValueList": [{"N": "1"}, {"N": "2"}]}})",
     false},
    {R"({"q": {"ComparisonOperator": "IN", "AttributeValueList": [{"N": "5"}]}})", false},
    {R"({"n": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "1"}, {"N": "5"}]}})",
     true},
    {R"({"n": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "6"}, {"N": "9"}]}})",
     false},
    {R"({"s": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"S": "a"}, {"S": "z"}]}})",
     true},
    {R"({"q": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "0"}, {"N": "9"}]}})",
     false},
    // Two conditions are joined by AND.
    {R"({"s": {"ComparisonOperator": "NOT_NULL"},
         "n": {"ComparisonOperator": "EQ", "AttributeValueList": [{"N": "6"}]}})",
     false},
    // Attribute names are taken literally, dots and reserved words included.
    {R"({"a.b": {"ComparisonOperator": "NULL"}, "size": {"ComparisonOperator": "NULL"}})", true},
};

TEST(LegacyFilter, OperatorsMatchAsDynamoDb) {
  Item item = ParseItem(kItem);
  for (const FilterCase& test : kFilterCases) {
    SCOPED_TRACE(test.filter);
    auto expressions =
        ParseFor(LegacyOperation::kScan,
                 std::string(R"({"TableName": "Events", "ScanFilter": )") + test.filter + "}");
    ASSERT_TRUE(expressions.ok()) << expressions.status();
    ASSERT_TRUE(expressions->condition.has_value());
    EXPECT_EQ(expressions->condition->Evaluate(item), test.matches);
  }
}

TEST(LegacyFilter, ConditionalOperatorOr) {
  Item item = ParseItem(kItem);
  const char* body = R"({"TableName": "Events", "ConditionalOperator": "OR", "ScanFilter": {
      "s": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "nope"}]},
      "n": {"ComparisonOperator": "EQ", "AttributeValueList": [{"N": "5"}]}}})";
  auto expressions = ParseFor(LegacyOperation::kScan, body);

  ASSERT_TRUE(expressions.ok()) << expressions.status();
  EXPECT_TRUE(expressions->condition->Evaluate(item));
  EXPECT_FALSE(expressions->condition->Evaluate(ParseItem(R"({"n": {"N": "4"}})")));
}

TEST(LegacyFilter, LongInListSplitsIntoTerms) {
  std::string values;
  for (int i = 0; i < 150; ++i) values += R"({"N": ")" + std::to_string(i + 100) + R"("},)";
  values += R"({"N": "5"})";
  std::string body = R"({"TableName": "Events", "ScanFilter": {"n": {"ComparisonOperator": "IN",
      "AttributeValueList": [)" +
                     values + "]}}}";
  auto expressions = ParseFor(LegacyOperation::kScan, body);

  ASSERT_TRUE(expressions.ok()) << expressions.status();
  EXPECT_TRUE(expressions->condition->Evaluate(ParseItem(kItem)));
  EXPECT_FALSE(expressions->condition->Evaluate(ParseItem(R"({"n": {"N": "7"}})")));
}

struct ExpectedCase {
  const char* expected;  // Expected's value.
  const char* item;
  bool is_true;
};

const ExpectedCase kExpectedCases[] = {
    {R"({"s": {"Value": {"S": "hello"}}})", kItem, true},
    {R"({"s": {"Value": {"S": "hello"}, "Exists": true}})", kItem, true},
    {R"({"s": {"Value": {"S": "other"}}})", kItem, false},
    {R"({"q": {"Value": {"S": "hello"}}})", kItem, false},
    {R"({"q": {"Exists": false}})", kItem, true},
    {R"({"s": {"Exists": false}})", kItem, false},
    {R"({"q": {"Exists": false}})", "{}", true},
    {R"({"n": {"ComparisonOperator": "GT", "Value": {"N": "1"}}})", kItem, true},
    {R"({"n": {"ComparisonOperator": "GT", "AttributeValueList": [{"N": "7"}]}})", kItem, false},
    {R"({"n": {"ComparisonOperator": "NULL"}})", kItem, false},
    {R"({"s": {"Value": {"S": "hello"}}, "q": {"Exists": false}})", kItem, true},
};

TEST(LegacyExpected, ConditionsMatchAsDynamoDb) {
  for (const ExpectedCase& test : kExpectedCases) {
    SCOPED_TRACE(std::string(test.expected) + " on " + test.item);
    auto expressions =
        ParseFor(LegacyOperation::kPutOrDelete,
                 std::string(R"({"TableName": "Events", "Expected": )") + test.expected + "}");
    ASSERT_TRUE(expressions.ok()) << expressions.status();
    ASSERT_TRUE(expressions->condition.has_value());
    EXPECT_EQ(expressions->condition->Evaluate(ParseItem(test.item)), test.is_true);
  }
}

TEST(LegacyExpected, EmptyMapIsNoCondition) {
  auto expressions =
      ParseFor(LegacyOperation::kUpdate, R"({"TableName": "Events", "Expected": {}})");

  ASSERT_TRUE(expressions.ok()) << expressions.status();
  EXPECT_FALSE(expressions->condition.has_value());
}

struct UpdateCase {
  const char* updates;  // AttributeUpdates' value.
  const char* before;
  const char* after;
};

const UpdateCase kUpdateCases[] = {
    {R"({"a": {"Value": {"S": "x"}}})", "{}", R"({"a": {"S": "x"}})"},
    {R"({"a": {"Action": "PUT", "Value": {"N": "2"}}})", R"({"a": {"S": "x"}})",
     R"({"a": {"N": "2"}})"},
    {R"({"a": {"Action": "DELETE"}})", R"({"a": {"S": "x"}, "b": {"S": "y"}})",
     R"({"b": {"S": "y"}})"},
    {R"({"a": {"Action": "DELETE"}})", "{}", "{}"},
    {R"({"a": {"Action": "DELETE", "Value": {"SS": ["x"]}}})", R"({"a": {"SS": ["x", "y"]}})",
     R"({"a": {"SS": ["y"]}})"},
    {R"({"a": {"Action": "DELETE", "Value": {"SS": ["x", "y"]}}})", R"({"a": {"SS": ["x", "y"]}})",
     "{}"},
    {R"({"a": {"Action": "DELETE", "Value": {"NS": ["1"]}}})", "{}", "{}"},
    {R"({"a": {"Action": "ADD", "Value": {"N": "3"}}})", R"({"a": {"N": "5"}})",
     R"({"a": {"N": "8"}})"},
    {R"({"a": {"Action": "ADD", "Value": {"N": "3"}}})", "{}", R"({"a": {"N": "3"}})"},
    {R"({"a": {"Action": "ADD", "Value": {"SS": ["y"]}}})", R"({"a": {"SS": ["x"]}})",
     R"({"a": {"SS": ["x", "y"]}})"},
    {R"({"a": {"Action": "ADD", "Value": {"L": [{"N": "2"}]}}})", R"({"a": {"L": [{"N": "1"}]}})",
     R"({"a": {"L": [{"N": "1"}, {"N": "2"}]}})"},
    {R"({"a": {"Action": "ADD", "Value": {"L": [{"S": "x"}]}}})", "{}",
     R"({"a": {"L": [{"S": "x"}]}})"},
    {R"({"a": {"Value": {"S": "x"}}, "b": {"Action": "DELETE"}, "c": {"Action": "ADD",
         "Value": {"N": "1"}}, "d": {"Action": "ADD", "Value": {"L": []}}})",
     R"({"b": {"N": "1"}})", R"({"a": {"S": "x"}, "c": {"N": "1"}, "d": {"L": []}})"},
};

TEST(LegacyAttributeUpdates, ActionsApplyAsDynamoDb) {
  for (const UpdateCase& test : kUpdateCases) {
    SCOPED_TRACE(std::string(test.updates) + " on " + test.before);
    auto expressions = ParseFor(
        LegacyOperation::kUpdate,
        std::string(R"({"TableName": "Events", "AttributeUpdates": )") + test.updates + "}");
    ASSERT_TRUE(expressions.ok()) << expressions.status();
    Item item = ParseItem(test.before);
    ASSERT_TRUE(ApplyUpdate(*expressions, &item).ok());
    EXPECT_EQ(ItemToJsonString(item), ItemToJsonString(ParseItem(test.after)));
  }
}

TEST(LegacyAttributeUpdates, TypeMismatchIsRejected) {
  const char* cases[][2] = {
      {R"({"a": {"Action": "ADD", "Value": {"N": "1"}}})", R"({"a": {"S": "x"}})"},
      {R"({"a": {"Action": "ADD", "Value": {"L": [{"N": "1"}]}}})", R"({"a": {"N": "1"}})"},
      {R"({"a": {"Action": "ADD", "Value": {"SS": ["x"]}}})", R"({"a": {"NS": ["1"]}})"},
      {R"({"a": {"Action": "DELETE", "Value": {"SS": ["x"]}}})", R"({"a": {"L": []}})"},
  };
  for (const auto& test : cases) {
    SCOPED_TRACE(std::string(test[0]) + " on " + test[1]);
    auto expressions =
        ParseFor(LegacyOperation::kUpdate,
                 std::string(R"({"TableName": "Events", "AttributeUpdates": )") + test[0] + "}");
    ASSERT_TRUE(expressions.ok()) << expressions.status();
    Item item = ParseItem(test[1]);
    absl::Status status = ApplyUpdate(*expressions, &item);
    EXPECT_EQ(status.message(), "Type mismatch for attribute to update");
    EXPECT_EQ(ItemToJsonString(item), ItemToJsonString(ParseItem(test[1])));
  }
}

TEST(LegacyAttributeUpdates, TargetsTopLevelNames) {
  auto expressions = ParseFor(LegacyOperation::kUpdate, R"({"TableName": "Events",
      "AttributeUpdates": {"a.b": {"Value": {"S": "x"}}, "c": {"Action": "DELETE"}}})");

  ASSERT_TRUE(expressions.ok()) << expressions.status();
  EXPECT_THAT(expressions->update->TargetAttributes(), ::testing::ElementsAre("a.b", "c"));
}

TEST(LegacyAttributesToGet, ProjectsTopLevelNames) {
  auto expressions = ParseFor(LegacyOperation::kGet,
                              R"({"TableName": "Events", "AttributesToGet": ["s", "a.b", "q"]})");

  ASSERT_TRUE(expressions.ok()) << expressions.status();
  Item item = ParseItem(R"({"s": {"S": "x"}, "a.b": {"N": "1"}, "a": {"M": {"b": {"N": "2"}}},
                            "t": {"S": "y"}})");
  EXPECT_EQ(ItemToJsonString(expressions->projection->Project(item)),
            ItemToJsonString(ParseItem(R"({"s": {"S": "x"}, "a.b": {"N": "1"}})")));
}

TEST(LegacyKeyConditions, TranslateToKeyCondition) {
  auto expressions = ParseFor(LegacyOperation::kQuery, R"({"TableName": "Events",
      "KeyConditions": {
        "at": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "1"}, {"N": "9"}]},
        "user": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "u1"}]}}})");

  ASSERT_TRUE(expressions.ok()) << expressions.status();
  const expr::KeyCondition& key = *expressions->key_condition;
  EXPECT_EQ(key.partition_key_name, "user");
  EXPECT_EQ(key.partition_value, AttributeValue::String("u1"));
  ASSERT_TRUE(key.sort.has_value());
  EXPECT_EQ(key.sort->name, "at");
  EXPECT_EQ(key.sort->op, expr::SortKeyOperator::kBetween);
  EXPECT_EQ(key.sort->value, AttributeValue::Number("1"));
  EXPECT_EQ(key.sort->upper_bound, AttributeValue::Number("9"));
}

TEST(LegacyKeyConditions, AcceptFilterExpressionBeside) {
  auto expressions = ParseFor(LegacyOperation::kQuery, R"({"TableName": "Events",
      "KeyConditions": {"user": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "u1"}]}},
      "FilterExpression": "#k = :v0", "ExpressionAttributeNames": {"#k": "kind"},
      "ExpressionAttributeValues": {":v0": {"S": "odd"}}, "ProjectionExpression": "kind"})");

  ASSERT_TRUE(expressions.ok()) << expressions.status();
  EXPECT_TRUE(expressions->key_condition.has_value());
  EXPECT_TRUE(expressions->condition->Evaluate(ParseItem(R"({"kind": {"S": "odd"}})")));
  EXPECT_TRUE(expressions->projection.has_value());
}

struct ErrorCase {
  LegacyOperation operation;
  const char* body;  // Members after "TableName".
  const char* message;
};

const ErrorCase kErrorCases[] = {
    // Mixing legacy and expression parameters.
    {LegacyOperation::kGet, R"("AttributesToGet": ["a"], "ProjectionExpression": "a")",
     "Can not use both expression and non-expression parameters in the same request: "
     "Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}"},
    {LegacyOperation::kUpdate,
     R"json("AttributeUpdates": {}, "Expected": {}, "ConditionalOperator": "AND",
        "UpdateExpression": "SET a = :v", "ConditionExpression": "attribute_exists(a)",
        "ExpressionAttributeValues": {":v": {"S": "x"}})json",
     "Can not use both expression and non-expression parameters in the same request: "
     "Non-expression parameters: {AttributeUpdates, Expected, ConditionalOperator} Expression "
     "parameters: {UpdateExpression, ConditionExpression}"},
    {LegacyOperation::kQuery,
     R"("KeyConditions": {}, "QueryFilter": {}, "KeyConditionExpression": "#u = :u",
        "ExpressionAttributeNames": {"#u": "user"}, "ExpressionAttributeValues": {":u": {"S": "x"}})",
     "Can not use both expression and non-expression parameters in the same request: "
     "Non-expression parameters: {QueryFilter, KeyConditions} Expression parameters: "
     "{KeyConditionExpression}"},
    {LegacyOperation::kScan,
     R"json("ScanFilter": {}, "FilterExpression": "attribute_exists(a)")json",
     "Can not use both expression and non-expression parameters in the same request: "
     "Non-expression parameters: {ScanFilter} Expression parameters: {FilterExpression}"},
    {LegacyOperation::kPutOrDelete,
     R"("Expected": {"a": {"Exists": false}}, "ExpressionAttributeValues": {":v": {"S": "x"}})",
     "ExpressionAttributeValues can only be specified when using expressions"},
    // ConditionalOperator.
    {LegacyOperation::kPutOrDelete, R"("ConditionalOperator": "AND")",
     "ConditionalOperator cannot be used without Filter or Expected"},
    {LegacyOperation::kUpdate, R"("Expected": {}, "ConditionalOperator": "OR")",
     "ConditionalOperator cannot be used without Filter or Expected"},
    {LegacyOperation::kScan,
     R"("ConditionalOperator": "OR", "ScanFilter": {"a": {"ComparisonOperator": "NULL"}})",
     "ConditionalOperator can only be used when Filter or Expected has two or more elements"},
    {LegacyOperation::kScan, R"("ConditionalOperator": "XOR")",
     "1 validation error detected: Value 'XOR' at 'conditionalOperator' failed to satisfy "
     "constraint: Member must satisfy enum value set: [OR, AND]"},
    // Expected.
    {LegacyOperation::kPutOrDelete,
     R"("Expected": {"a": {"Value": {"S": "x"}, "AttributeValueList": [{"S": "x"}]}})",
     "One or more parameter values were invalid: Value and AttributeValueList cannot be used "
     "together for Attribute: a"},
    {LegacyOperation::kPutOrDelete,
     R"("Expected": {"a": {"ComparisonOperator": "EQ", "Exists": true, "Value": {"S": "x"}}})",
     "One or more parameter values were invalid: Exists and ComparisonOperator cannot be used "
     "together for Attribute: a"},
    {LegacyOperation::kPutOrDelete, R"("Expected": {"a": {"ComparisonOperator": "EQ"}})",
     "One or more parameter values were invalid: Value or AttributeValueList must be used with "
     "ComparisonOperator: EQ for Attribute: a"},
    {LegacyOperation::kPutOrDelete, R"("Expected": {"a": {"AttributeValueList": [{"S": "x"}]}})",
     "One or more parameter values were invalid: AttributeValueList can only be used with a "
     "ComparisonOperator for Attribute: a"},
    {LegacyOperation::kPutOrDelete, R"("Expected": {"a": {}})",
     "One or more parameter values were invalid: Value must be provided when Exists is null for "
     "Attribute: a"},
    {LegacyOperation::kPutOrDelete, R"("Expected": {"a": {"Exists": true}})",
     "One or more parameter values were invalid: Value must be provided when Exists is true for "
     "Attribute: a"},
    {LegacyOperation::kPutOrDelete, R"("Expected": {"a": {"Exists": false, "Value": {"S": "x"}}})",
     "One or more parameter values were invalid: Value cannot be used when Exists is false for "
     "Attribute: a"},
    {LegacyOperation::kPutOrDelete,
     R"("Expected": {"a": {"ComparisonOperator": "LIKE", "Value": {"S": "x"}}})",
     "1 validation error detected: Value 'LIKE' at 'expected.a.member.comparisonOperator' failed "
     "to satisfy constraint: Member must satisfy enum value set: [IN, NULL, BETWEEN, LT, "
     "NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]"},
    {LegacyOperation::kPutOrDelete,
     R"("Expected": {"a": {"ComparisonOperator": "BEGINS_WITH", "Value": {"N": "3"}}})",
     "One or more parameter values were invalid: ComparisonOperator BEGINS_WITH is not valid for "
     "N AttributeValue type"},
    // Conditions of QueryFilter and ScanFilter.
    {LegacyOperation::kScan, R"("ScanFilter": {"a": {}})",
     "1 validation error detected: Value null at 'scanFilter.a.member.comparisonOperator' failed "
     "to satisfy constraint: Member must not be null"},
    {LegacyOperation::kScan,
     R"("ScanFilter": {"a": {"ComparisonOperator": "EQ",
                             "AttributeValueList": [{"S": "x"}, {"S": "y"}]}})",
     "One or more parameter values were invalid: Invalid number of argument(s) for the EQ "
     "ComparisonOperator"},
    {LegacyOperation::kScan,
     R"("ScanFilter": {"a": {"ComparisonOperator": "NULL", "AttributeValueList": [{"S": "x"}]}})",
     "One or more parameter values were invalid: Invalid number of argument(s) for the NULL "
     "ComparisonOperator"},
    {LegacyOperation::kScan, R"("ScanFilter": {"a": {"ComparisonOperator": "IN"}})",
     "One or more parameter values were invalid: Invalid number of argument(s) for the IN "
     "ComparisonOperator"},
    {LegacyOperation::kScan,
     R"("ScanFilter": {"a": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "1"}]}})",
     "One or more parameter values were invalid: Invalid number of argument(s) for the BETWEEN "
     "ComparisonOperator"},
    {LegacyOperation::kScan,
     R"("ScanFilter": {"a": {"ComparisonOperator": "LT", "AttributeValueList": [{"SS": ["x"]}]}})",
     "One or more parameter values were invalid: ComparisonOperator LT is not valid for SS "
     "AttributeValue type"},
    {LegacyOperation::kScan,
     R"("ScanFilter": {"a": {"ComparisonOperator": "CONTAINS",
                             "AttributeValueList": [{"L": [{"N": "1"}]}]}})",
     "One or more parameter values were invalid: ComparisonOperator CONTAINS is not valid for L "
     "AttributeValue type"},
    {LegacyOperation::kScan,
     R"("ScanFilter": {"a": {"ComparisonOperator": "IN", "AttributeValueList": [{"BOOL": true}]}})",
     "One or more parameter values were invalid: ComparisonOperator IN is not valid for BOOL "
     "AttributeValue type"},
    {LegacyOperation::kScan,
     R"("ScanFilter": {"a": {"ComparisonOperator": "IN",
                             "AttributeValueList": [{"N": "1"}, {"S": "x"}]}})",
     "One or more parameter values were invalid: AttributeValues inside AttributeValueList must "
     "be of same type"},
    {LegacyOperation::kScan,
     R"("ScanFilter": {"a": {"ComparisonOperator": "BETWEEN",
                             "AttributeValueList": [{"N": "9"}, {"N": "1"}]}})",
     "The BETWEEN condition was provided a range where the lower bound is greater than the upper "
     "bound"},
    {LegacyOperation::kQuery,
     R"("KeyConditions": {"user": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "u"}]}},
        "QueryFilter": {"at": {"ComparisonOperator": "NOT_NULL"}})",
     "QueryFilter can only contain non-primary key attributes: Primary key attribute: at"},
    // AttributeUpdates.
    {LegacyOperation::kUpdate, R"("AttributeUpdates": {"a": {"Action": "PUT"}})",
     "One or more parameter values were invalid: Only DELETE action is allowed when no attribute "
     "value is specified"},
    {LegacyOperation::kUpdate, R"("AttributeUpdates": {"a": {}})",
     "One or more parameter values were invalid: Only DELETE action is allowed when no attribute "
     "value is specified"},
    {LegacyOperation::kUpdate,
     R"("AttributeUpdates": {"a": {"Action": "DELETE", "Value": {"S": "x"}}})",
     "One or more parameter values were invalid: DELETE action with value is not supported for "
     "the type S"},
    {LegacyOperation::kUpdate,
     R"("AttributeUpdates": {"a": {"Action": "ADD", "Value": {"M": {}}}})",
     "One or more parameter values were invalid: ADD action is not supported for the type M"},
    {LegacyOperation::kUpdate,
     R"("AttributeUpdates": {"a": {"Action": "APPEND", "Value": {"S": "x"}}})",
     "1 validation error detected: Value 'APPEND' at 'attributeUpdates.a.member.action' failed to "
     "satisfy constraint: Member must satisfy enum value set: [ADD, PUT, DELETE]"},
    // AttributesToGet and Select.
    {LegacyOperation::kGet, R"("AttributesToGet": [])",
     "1 validation error detected: Value '[]' at 'attributesToGet' failed to satisfy constraint: "
     "Member must have length greater than or equal to 1"},
    {LegacyOperation::kScan, R"("AttributesToGet": ["a", "b", "a"])",
     "One or more parameter values were invalid: Duplicate value in attribute name: a"},
    {LegacyOperation::kScan, R"("Select": "ALL_ATTRIBUTES", "AttributesToGet": ["a"])",
     "Cannot specify the AttributesToGet when choosing to get ALL_ATTRIBUTES"},
    {LegacyOperation::kScan, R"("Select": "COUNT", "AttributesToGet": ["a"])",
     "Cannot specify the AttributesToGet when choosing to get only the Count"},
    {LegacyOperation::kScan, R"("Select": "SPECIFIC_ATTRIBUTES")",
     "Must specify the AttributesToGet or ProjectionExpression when choosing to get "
     "SPECIFIC_ATTRIBUTES"},
    {LegacyOperation::kScan, R"("Select": "COUNT", "ProjectionExpression": "a")",
     "Cannot specify the ProjectionExpression when choosing to get only the Count"},
    // KeyConditions.
    {LegacyOperation::kQuery, R"("ScanIndexForward": true)",
     "Either the KeyConditions or KeyConditionExpression parameter must be specified in the "
     "request."},
    {LegacyOperation::kQuery, R"("KeyConditions": {})", "Conditions can be of length 1 or 2 only"},
    {LegacyOperation::kQuery,
     R"("KeyConditions": {"at": {"ComparisonOperator": "EQ", "AttributeValueList": [{"N": "1"}]}})",
     "Query condition missed key schema element: user"},
    {LegacyOperation::kQuery,
     R"("KeyConditions": {"user": {"ComparisonOperator": "NE", "AttributeValueList": [{"S": "u"}]}})",
     "Attempted conditional constraint is not an indexable operation"},
    {LegacyOperation::kQuery,
     R"("KeyConditions": {"user": {"ComparisonOperator": "EQ", "AttributeValueList": [{"N": "1"}]}})",
     "One or more parameter values were invalid: Condition parameter type does not match schema "
     "type"},
    {LegacyOperation::kQuery,
     R"("KeyConditions": {"user": {"ComparisonOperator": "BEGINS_WITH",
                                   "AttributeValueList": [{"S": "u"}]}})",
     "Query key condition not supported"},
    {LegacyOperation::kQuery,
     R"("KeyConditions": {
          "user": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "u"}]},
          "kind": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "odd"}]}})",
     "Query condition missed key schema element: at"},
    {LegacyOperation::kQuery,
     R"("KeyConditions": {
          "user": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "u"}]},
          "at": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [{"N": "1"}]}})",
     "One or more parameter values were invalid: ComparisonOperator BEGINS_WITH is not valid for "
     "N AttributeValue type"},
};

TEST(LegacyParameters, ErrorsUseDynamoDbMessages) {
  for (const ErrorCase& test : kErrorCases) {
    SCOPED_TRACE(test.body);
    auto expressions =
        ParseFor(test.operation, std::string(R"({"TableName": "Events", )") + test.body + "}");
    ASSERT_FALSE(expressions.ok());
    EXPECT_EQ(expressions.status().message(), test.message);
  }
}

TEST(LegacyParameters, HashOnlyTableTakesOneKeyCondition) {
  TableDescription table = EventsTable();
  table.range_key.reset();
  auto request = Request::Parse(R"({"TableName": "Events", "KeyConditions": {
      "user": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "u"}]},
      "at": {"ComparisonOperator": "EQ", "AttributeValueList": [{"N": "1"}]}}})");
  ASSERT_TRUE(request.ok());

  auto expressions = ParseExpressions(*request, "FilterExpression", false, true, &table);
  ASSERT_FALSE(expressions.ok());
  EXPECT_EQ(expressions.status().message(), "Query key condition not supported");
}

TEST(LegacyParameters, TransactionsRejectThem) {
  auto request = Request::Parse(R"({"TableName": "Events", "Expected": {}})");
  ASSERT_TRUE(request.ok());

  absl::Status status = RejectLegacyParameters(*request, "TransactWriteItems");
  EXPECT_THAT(status.message(), HasSubstr("TransactWriteItems does not accept the legacy "
                                          "parameter Expected; use ConditionExpression"));
  auto plain = Request::Parse(R"({"TableName": "Events"})");
  EXPECT_TRUE(RejectLegacyParameters(*plain, "TransactGetItems").ok());
}

}  // namespace
}  // namespace tidings
