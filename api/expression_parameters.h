// api: the expression parameters of one request, parsed and checked together,
// with the legacy parameters translated into the same expressions.
#pragma once

#include <optional>

#include "absl/status/statusor.h"
#include "api/legacy_updates.h"
#include "api/request.h"
#include "expr/expression.h"
#include "expr/key_condition.h"
#include "storage/table_description.h"

namespace tidings {

struct Expressions {
  std::optional<expr::KeyCondition> key_condition;
  std::optional<expr::ConditionExpression> condition;  // Condition or filter.
  std::optional<expr::UpdateExpression> update;
  // Type rules of AttributeUpdates that `update` does not enforce itself.
  std::optional<AttributeUpdateTypes> update_types;
  std::optional<expr::ProjectionExpression> projection;
};

// Parses KeyConditionExpression (required when `key_table` is set, against
// its key schema, unless KeyConditions replaces it), the condition named
// by `condition_field` (if present), UpdateExpression and ProjectionExpression
// (when allowed). Then checks that every ExpressionAttributeNames and
// ExpressionAttributeValues entry is used. The legacy parameters of the
// operation these arguments describe (see legacy_parameters.h) fill the
// expressions the request does not give.
absl::StatusOr<Expressions> ParseExpressions(const Request& request, const char* condition_field,
                                             bool allow_update, bool allow_projection,
                                             const TableDescription* key_table = nullptr);

// Applies the update of `expressions`, if there is one, to `*item`, after
// checking the type rules of AttributeUpdates against it. On error `*item` is
// unchanged.
[[nodiscard]] absl::Status ApplyUpdate(const Expressions& expressions, Item* item);

}  // namespace tidings
