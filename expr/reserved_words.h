// DynamoDB's reserved words, which may not appear as bare attribute names in
// an expression; clients write an ExpressionAttributeNames placeholder instead.
#pragma once

#include <string_view>

namespace tidings::expr {

// Reports whether `name` is a reserved word, ignoring case ("status",
// "Status" and "STATUS" all are).
bool IsReservedWord(std::string_view name);

}  // namespace tidings::expr
