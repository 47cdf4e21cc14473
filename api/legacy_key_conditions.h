// api: KeyConditions, the legacy form of Query's KeyConditionExpression.
#pragma once

#include "absl/status/statusor.h"
#include "expr/key_condition.h"
#include "rapidjson/document.h"
#include "storage/table_description.h"

namespace tidings {

// Checks a KeyConditions map against the key schema of `table` with
// DynamoDB's rules and messages, and returns the equivalent key condition.
// The rules: an EQ condition on the partition key, at most one indexable
// condition on the sort key, and values of the key attributes' types.
[[nodiscard]] absl::StatusOr<expr::KeyCondition> TranslateKeyConditions(
    const rapidjson::Value& json, const TableDescription& table);

}  // namespace tidings
