// Selection of parts of an item by document paths, for ProjectionExpression
// and for the UPDATED_OLD and UPDATED_NEW return values.
#pragma once

#include <vector>

#include "common/attribute_value.h"
#include "expr/document_path.h"
#include "expr/parse_context.h"

namespace tidings::expr {

// Parses "path (, path)*" from the whole text of `context` and checks that no
// two paths overlap or conflict.
[[nodiscard]] absl::StatusOr<std::vector<DocumentPath>> ParseProjection(ParseContext& context);

}  // namespace tidings::expr
