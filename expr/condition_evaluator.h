// Evaluates a checked condition tree against an item.
#pragma once

#include "common/attribute_value.h"
#include "expr/condition_node.h"

namespace tidings::expr {

// Returns the truth of `node` on `item`. A comparison with a missing
// attribute or with operands of different types is false, except "<>", which
// is then true.
bool EvaluateCondition(const ConditionNode& node, const Item& item);

}  // namespace tidings::expr
