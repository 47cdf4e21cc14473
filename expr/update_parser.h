// Grammar and checks of UpdateExpression:
//
//   update     := clause+              (each clause keyword at most once)
//   clause     := "SET" set_action ("," set_action)*
//               | "REMOVE" path ("," path)*
//               | "ADD" path :value ("," path :value)*
//               | "DELETE" path :value ("," path :value)*
//   set_action := path "=" set_value
//   set_value  := "(" sum ")" | sum
//   sum        := operand (("+" | "-") operand)?
//
// Clause keywords are case-insensitive; function names are not.
#pragma once

#include "absl/status/statusor.h"
#include "expr/parse_context.h"
#include "expr/update_plan.h"

namespace tidings::expr {

// Parses the whole text of `context` and checks it. Returns the syntax error,
// or else the highest-ranked semantic error as DynamoDB orders them.
[[nodiscard]] absl::StatusOr<UpdatePlan> ParseUpdate(ParseContext& context);

}  // namespace tidings::expr
