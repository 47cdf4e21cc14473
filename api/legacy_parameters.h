// api: DynamoDB's legacy (non-expression) request parameters.
//
// Older SDKs and tools send Expected, ConditionalOperator, AttributeUpdates,
// AttributesToGet, KeyConditions, QueryFilter and ScanFilter instead of
// expressions. They are checked with DynamoDB's rules and messages, then
// turned into the expressions they stand for, so that one evaluator serves
// both forms. A request may not mix the two forms, except that Query accepts
// KeyConditions beside FilterExpression and ProjectionExpression, as DynamoDB
// does.
#pragma once

#include <optional>
#include <string_view>

#include "absl/status/statusor.h"
#include "api/legacy_updates.h"
#include "api/request.h"
#include "expr/expression.h"
#include "expr/key_condition.h"
#include "storage/table_description.h"

namespace tidings {

// The operations that take legacy parameters. Each accepts its own set.
enum class LegacyOperation {
  kPutOrDelete,  // Expected, ConditionalOperator.
  kUpdate,       // AttributeUpdates, Expected, ConditionalOperator.
  kGet,          // AttributesToGet (GetItem and each table of BatchGetItem).
  kQuery,        // AttributesToGet, KeyConditions, QueryFilter, ConditionalOperator.
  kScan,         // AttributesToGet, ScanFilter, ConditionalOperator.
};

// The expressions equivalent to a request's legacy parameters.
struct LegacyExpressions {
  std::optional<expr::KeyCondition> key_condition;       // KeyConditions.
  std::optional<expr::ConditionExpression> condition;    // Expected or the filter.
  std::optional<LegacyUpdate> update;                    // AttributeUpdates.
  std::optional<expr::ProjectionExpression> projection;  // AttributesToGet.
};

// Checks the legacy parameters that `operation` accepts and translates them.
// First rejects a request that mixes them with expression parameters, with
// DynamoDB's message, for example
//   Can not use both expression and non-expression parameters in the same
//   request: Non-expression parameters: {AttributesToGet} Expression
//   parameters: {ProjectionExpression}
// For Query and Scan it also checks Select against AttributesToGet and
// ProjectionExpression. `key_table` is the table whose key schema
// KeyConditions must match; it is required for kQuery and unused otherwise.
[[nodiscard]] absl::StatusOr<LegacyExpressions> TranslateLegacyParameters(
    const Request& request, LegacyOperation operation, const TableDescription* key_table);

// Rejects any legacy parameter in `request`, for an `operation` such as
// "TransactWriteItems" whose requests have none.
[[nodiscard]] absl::Status RejectLegacyParameters(const Request& request,
                                                  std::string_view operation);

}  // namespace tidings
