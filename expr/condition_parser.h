// Grammar and checks of ConditionExpression, FilterExpression and
// KeyConditionExpression:
//
//   condition := disjunct ("OR" disjunct)*
//   disjunct  := negation ("AND" negation)*
//   negation  := "NOT" negation | primary
//   primary   := "(" condition ")"
//              | operand comparator operand
//              | operand "BETWEEN" operand "AND" operand
//              | operand "IN" "(" operand ("," operand)* ")"
//              | function "(" operand ("," operand)* ")"
//
// Keywords are case-insensitive; function names are not.
#pragma once

#include "absl/status/statusor.h"
#include "expr/condition_node.h"
#include "expr/parse_context.h"

namespace tidings::expr {

// The identifiers that structure a condition and so cannot name attributes.
inline constexpr std::string_view kConditionKeywords[] = {"AND", "OR", "NOT", "BETWEEN", "IN"};

// Parses the whole text of `context` and checks it. Returns the syntax error,
// or else the highest-ranked semantic error as DynamoDB orders them.
[[nodiscard]] absl::StatusOr<ConditionNode> ParseCondition(ParseContext& context);

// Records in `context` every semantic error of a parsed condition: unknown or
// misused functions, wrong operand counts and types, invalid BETWEEN bounds.
void CheckCondition(const ConditionNode& node, ParseContext& context);

}  // namespace tidings::expr
