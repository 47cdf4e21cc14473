// api: the conditions of DynamoDB's legacy parameters Expected, KeyConditions,
// QueryFilter and ScanFilter.
//
// Each condition is one attribute, a ComparisonOperator and its
// AttributeValueList. Parsing checks them as DynamoDB does, with its messages,
// for example "One or more parameter values were invalid: Invalid number of
// argument(s) for the EQ ComparisonOperator". ConditionText() then writes the
// equivalent ConditionExpression, so that the expression evaluator decides.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "common/attribute_value.h"
#include "expr/expression.h"
#include "rapidjson/document.h"

namespace tidings {

enum class ComparisonOperator {
  kEq,
  kNe,
  kLe,
  kLt,
  kGe,
  kGt,
  kNotNull,
  kNull,
  kContains,
  kNotContains,
  kBeginsWith,
  kIn,
  kBetween,
};

// Returns DynamoDB's name of `op`: "EQ", "NOT_NULL", "BEGINS_WITH"...
std::string_view ComparisonOperatorName(ComparisonOperator op);

// One attribute's condition. `values` has passed DynamoDB's checks of count
// and types for `op`.
struct LegacyCondition {
  std::string attribute;
  ComparisonOperator op = ComparisonOperator::kEq;
  std::vector<AttributeValue> values;
};

// ExpressionAttributeNames and ExpressionAttributeValues generated for
// translated legacy parameters: "#n0", ":v0"... DynamoDB rejects requests that
// mix legacy and expression parameters, so a translated expression is always
// parsed with these maps alone and never meets the client's placeholders.
class PlaceholderMaps {
 public:
  // Returns the placeholder of `attribute`, the same one on every call.
  std::string Name(const std::string& attribute);
  // Returns a new placeholder for `value`.
  std::string Value(AttributeValue value);

  const expr::NameMap& names() const { return names_; }
  const expr::ValueMap& values() const { return values_; }

 private:
  expr::NameMap names_;
  std::map<std::string, std::string> name_of_attribute_;
  expr::ValueMap values_;
};

// Parses a QueryFilter, ScanFilter or KeyConditions map: attribute name to
// {ComparisonOperator, AttributeValueList}. `parameter` is the request member,
// "QueryFilter", "ScanFilter" or "KeyConditions"; DynamoDB's messages name it
// with a lower-case first letter.
[[nodiscard]] absl::StatusOr<std::vector<LegacyCondition>> ParseConditionMap(
    std::string_view parameter, const rapidjson::Value& json);

// Parses an Expected map: attribute name to {Value, Exists} or to
// {ComparisonOperator, AttributeValueList or Value}.
[[nodiscard]] absl::StatusOr<std::vector<LegacyCondition>> ParseExpectedMap(
    const rapidjson::Value& json);

// Returns ConditionExpression text that is true exactly when all `conditions`
// are true (or any of them, with `join_with_or`), adding its placeholders to
// `*maps`. `conditions` must not be empty.
std::string ConditionText(const std::vector<LegacyCondition>& conditions, bool join_with_or,
                          PlaceholderMaps* maps);

}  // namespace tidings
