// KeyConditionExpression for Query: an equality on the partition key and at
// most one condition on the sort key, joined by AND.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "common/attribute_value.h"
#include "expr/expression.h"

namespace tidings::expr {

enum class SortKeyOperator { kEq, kLt, kLe, kGt, kGe, kBetween, kBeginsWith };

struct SortKeyCondition {
  std::string name;
  SortKeyOperator op = SortKeyOperator::kEq;
  AttributeValue value;        // The operand, or the lower bound of BETWEEN.
  AttributeValue upper_bound;  // BETWEEN only.
};

struct KeyCondition {
  std::string partition_key_name;
  AttributeValue partition_value;
  std::optional<SortKeyCondition> sort;
  std::set<std::string> used_names;
  std::set<std::string> used_values;
};

// Parses a KeyConditionExpression for a table or index whose key is
// `partition_key_name` and `sort_key_name` (empty when it has no sort key).
// Returns DynamoDB's ValidationException for anything else, for example
// "Query condition missed key schema element: pk". Checking that the values
// have the key attributes' types is left to the caller, which has the schema.
[[nodiscard]] absl::StatusOr<KeyCondition> ParseKeyCondition(std::string_view text,
                                                             const NameMap& names,
                                                             const ValueMap& values,
                                                             std::string_view partition_key_name,
                                                             std::string_view sort_key_name);

}  // namespace tidings::expr
