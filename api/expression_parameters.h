// api: the expression parameters of one request, parsed and checked together.
#pragma once

#include <optional>

#include "absl/status/statusor.h"
#include "api/request.h"
#include "expr/expression.h"
#include "expr/key_condition.h"
#include "storage/table_description.h"

namespace tidings {

struct Expressions {
  std::optional<expr::KeyCondition> key_condition;
  std::optional<expr::ConditionExpression> condition;  // Condition or filter.
  std::optional<expr::UpdateExpression> update;
  std::optional<expr::ProjectionExpression> projection;
};

// Parses KeyConditionExpression (required when `key_table` is set, against
// its key schema), the condition named by `condition_field` (if present),
// UpdateExpression and ProjectionExpression (when allowed). Then checks that
// every ExpressionAttributeNames and ExpressionAttributeValues entry is used,
// and rejects the legacy parameters this version does not support.
absl::StatusOr<Expressions> ParseExpressions(const Request& request, const char* condition_field,
                                             bool allow_update, bool allow_projection,
                                             const TableDescription* key_table = nullptr);

}  // namespace tidings
