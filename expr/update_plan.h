// The parsed form of an UpdateExpression: its actions in the order written.
#pragma once

#include <vector>

#include "expr/condition_node.h"
#include "expr/document_path.h"

namespace tidings::expr {

enum class UpdateActionKind { kSet, kRemove, kAdd, kDelete };

enum class Arithmetic { kNone, kPlus, kMinus };

struct UpdateAction {
  UpdateActionKind kind = UpdateActionKind::kSet;
  DocumentPath path;
  // SET: the value, or the left operand of + and -. ADD and DELETE: the
  // :value operand. Unused by REMOVE.
  Operand value;
  Arithmetic arithmetic = Arithmetic::kNone;
  Operand right;  // SET with + or -.
};

struct UpdatePlan {
  std::vector<UpdateAction> actions;
};

}  // namespace tidings::expr
