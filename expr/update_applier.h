// Applies a checked UpdatePlan to an item.
#pragma once

#include <set>
#include <string>

#include "absl/status/status.h"
#include "common/attribute_value.h"
#include "expr/update_plan.h"

namespace tidings::expr {

// Applies `plan` to `*item`. Every operand is read from the item as it was
// before the update, as DynamoDB does. SET, ADD and DELETE run first and
// REMOVE last, so list indexes in REMOVE refer to the original positions. On
// error `*item` is unchanged; on success the top-level name of every action's
// path is inserted into `*updated_attributes` when it is not null.
[[nodiscard]] absl::Status ApplyUpdate(const UpdatePlan& plan, Item* item,
                                       std::set<std::string>* updated_attributes);

}  // namespace tidings::expr
