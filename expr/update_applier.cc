#include "expr/update_applier.h"

#include <algorithm>
#include <vector>

#include "common/errors.h"
#include "expr/decimal_number.h"

namespace tidings::expr {
namespace {

constexpr std::string_view kMissingAttribute =
    "The provided expression refers to an attribute that does not exist in the item";
constexpr std::string_view kWrongType =
    "An operand in the update expression has an incorrect data type";
constexpr std::string_view kInvalidPath =
    "The document path provided in the update expression is invalid for update";

// Orders paths element by element, list indexes by number, so that appends
// past the end of a list happen in index order.
bool PathLess(const DocumentPath& a, const DocumentPath& b) {
  size_t common = std::min(a.size(), b.size());
  for (size_t i = 0; i < common; ++i) {
    if (a[i].IsIndex() != b[i].IsIndex()) return a[i].IsIndex();
    if (a[i].IsIndex() && a[i].index != b[i].index) return a[i].index < b[i].index;
    if (!a[i].IsIndex() && a[i].name != b[i].name) return a[i].name < b[i].name;
  }
  return a.size() < b.size();
}

absl::StatusOr<AttributeValue> EvaluateOperand(const Operand& operand, const Item& item);

absl::StatusOr<AttributeValue> EvaluateFunction(const Operand& call, const Item& item) {
  if (call.function == "if_not_exists") {
    if (const AttributeValue* existing = FindPath(item, call.arguments[0].path)) return *existing;
    return EvaluateOperand(call.arguments[1], item);
  }

  // list_append, the only other function the checks admit.
  absl::StatusOr<AttributeValue> head = EvaluateOperand(call.arguments[0], item);
  if (!head.ok()) return head;
  absl::StatusOr<AttributeValue> tail = EvaluateOperand(call.arguments[1], item);
  if (!tail.ok()) return tail;
  if (head->type() != AttributeType::kL || tail->type() != AttributeType::kL) {
    return ValidationError(kWrongType);
  }
  std::vector<AttributeValue> joined = head->list();
  joined.insert(joined.end(), tail->list().begin(), tail->list().end());
  return AttributeValue::List(std::move(joined));
}

absl::StatusOr<AttributeValue> EvaluateOperand(const Operand& operand, const Item& item) {
  switch (operand.kind) {
    case Operand::Kind::kPath: {
      const AttributeValue* value = FindPath(item, operand.path);
      if (value == nullptr) return ValidationError(kMissingAttribute);
      return *value;
    }
    case Operand::Kind::kValue:
      return operand.value;
    case Operand::Kind::kFunction:
      return EvaluateFunction(operand, item);
  }
  return ValidationError(kWrongType);
}

absl::StatusOr<AttributeValue> AddNumbers(const AttributeValue& a, const AttributeValue& b,
                                          Arithmetic arithmetic) {
  if (a.type() != AttributeType::kN || b.type() != AttributeType::kN) {
    return ValidationError(kWrongType);
  }
  absl::StatusOr<DecimalNumber> x = DecimalNumber::Parse(a.scalar());
  if (!x.ok()) return x.status();
  absl::StatusOr<DecimalNumber> y = DecimalNumber::Parse(b.scalar());
  if (!y.ok()) return y.status();
  absl::StatusOr<DecimalNumber> result = arithmetic == Arithmetic::kMinus
                                             ? DecimalNumber::Subtract(*x, *y)
                                             : DecimalNumber::Add(*x, *y);
  if (!result.ok()) return result.status();
  return AttributeValue::Number(result->ToString());
}

absl::StatusOr<AttributeValue> EvaluateSetValue(const UpdateAction& action, const Item& item) {
  absl::StatusOr<AttributeValue> left = EvaluateOperand(action.value, item);
  if (!left.ok() || action.arithmetic == Arithmetic::kNone) return left;
  absl::StatusOr<AttributeValue> right = EvaluateOperand(action.right, item);
  if (!right.ok()) return right;
  return AddNumbers(*left, *right, action.arithmetic);
}

// Returns the value at the first `length` elements of `path`, or null.
AttributeValue* FindMutable(Item& item, const DocumentPath& path, size_t length) {
  auto top = item.find(path[0].name);
  if (top == item.end()) return nullptr;
  AttributeValue* current = &top->second;
  for (size_t i = 1; i < length; ++i) {
    const PathElement& step = path[i];
    if (step.IsIndex()) {
      if (current->type() != AttributeType::kL) return nullptr;
      auto& list = current->mutable_list();
      if (static_cast<size_t>(step.index) >= list.size()) return nullptr;
      current = &list[step.index];
    } else {
      if (current->type() != AttributeType::kM) return nullptr;
      auto& map = current->mutable_map();
      auto member = map.find(step.name);
      if (member == map.end()) return nullptr;
      current = &member->second;
    }
  }
  return current;
}

// Writes `value` at `path`. The parent must exist with the right type; an
// index past the end of a list appends.
absl::Status WriteAt(Item& item, const DocumentPath& path, AttributeValue value) {
  if (path.size() == 1) {
    item[path[0].name] = std::move(value);
    return absl::OkStatus();
  }
  AttributeValue* parent = FindMutable(item, path, path.size() - 1);
  const PathElement& last = path.back();
  if (parent == nullptr) return ValidationError(kInvalidPath);

  if (last.IsIndex()) {
    if (parent->type() != AttributeType::kL) return ValidationError(kInvalidPath);
    auto& list = parent->mutable_list();
    if (static_cast<size_t>(last.index) < list.size()) {
      list[last.index] = std::move(value);
    } else {
      list.push_back(std::move(value));
    }
    return absl::OkStatus();
  }
  if (parent->type() != AttributeType::kM) return ValidationError(kInvalidPath);
  parent->mutable_map()[last.name] = std::move(value);
  return absl::OkStatus();
}

// Removes the value at `path`. A missing last step is not an error, but a
// missing or mistyped parent is, unless the item is empty (does not exist).
absl::Status RemoveAt(Item& item, const DocumentPath& path, bool item_exists) {
  if (path.size() == 1) {
    item.erase(path[0].name);
    return absl::OkStatus();
  }
  AttributeValue* parent = FindMutable(item, path, path.size() - 1);
  const PathElement& last = path.back();
  bool parent_fits = parent != nullptr && (last.IsIndex() ? parent->type() == AttributeType::kL
                                                          : parent->type() == AttributeType::kM);
  if (!parent_fits) return item_exists ? ValidationError(kInvalidPath) : absl::OkStatus();

  if (last.IsIndex()) {
    auto& list = parent->mutable_list();
    if (static_cast<size_t>(last.index) < list.size()) list.erase(list.begin() + last.index);
  } else {
    parent->mutable_map().erase(last.name);
  }
  return absl::OkStatus();
}

AttributeType MemberType(AttributeType set_type) {
  if (set_type == AttributeType::kNS) return AttributeType::kN;
  if (set_type == AttributeType::kBS) return AttributeType::kB;
  return AttributeType::kS;
}

bool SetHas(const std::vector<std::string>& members, const std::string& member,
            AttributeType set_type) {
  return std::any_of(members.begin(), members.end(), [&](const std::string& existing) {
    return MemberType(set_type) == AttributeType::kN ? CompareNumbers(existing, member) == 0
                                                     : existing == member;
  });
}

AttributeValue MakeSet(AttributeType type, std::vector<std::string> members) {
  if (type == AttributeType::kNS) return AttributeValue::NumberSet(std::move(members));
  if (type == AttributeType::kBS) return AttributeValue::BinarySet(std::move(members));
  return AttributeValue::StringSet(std::move(members));
}

absl::Status ApplyAdd(Item& item, const UpdateAction& action) {
  const AttributeValue& operand = action.value.value;
  const AttributeValue* current = FindPath(item, action.path);

  if (operand.type() == AttributeType::kN) {
    AttributeValue zero = AttributeValue::Number("0");
    absl::StatusOr<AttributeValue> sum =
        AddNumbers(current != nullptr ? *current : zero, operand, Arithmetic::kPlus);
    if (!sum.ok()) return sum.status();
    return WriteAt(item, action.path, *std::move(sum));
  }

  if (current == nullptr) return WriteAt(item, action.path, operand);
  if (current->type() != operand.type()) return ValidationError(kWrongType);
  std::vector<std::string> members = current->set();
  for (const std::string& member : operand.set()) {
    if (!SetHas(members, member, operand.type())) members.push_back(member);
  }
  return WriteAt(item, action.path, MakeSet(operand.type(), std::move(members)));
}

absl::Status ApplyDelete(Item& item, const UpdateAction& action, bool item_exists) {
  const AttributeValue& operand = action.value.value;
  const AttributeValue* current = FindPath(item, action.path);
  if (current == nullptr) {
    // Nothing to delete from, but the path itself must still make sense.
    return RemoveAt(item, action.path, item_exists);
  }
  if (current->type() != operand.type()) return ValidationError(kWrongType);

  std::vector<std::string> remaining;
  for (const std::string& member : current->set()) {
    if (!SetHas(operand.set(), member, operand.type())) remaining.push_back(member);
  }
  // DynamoDB has no empty sets: deleting the last member removes the attribute.
  if (remaining.empty()) return RemoveAt(item, action.path, item_exists);
  return WriteAt(item, action.path, MakeSet(operand.type(), std::move(remaining)));
}

}  // namespace

absl::Status ApplyUpdate(const UpdatePlan& plan, Item* item,
                         std::set<std::string>* updated_attributes) {
  const Item& original = *item;
  bool item_exists = !original.empty();

  // Read every SET value from the original item before writing anything.
  std::vector<AttributeValue> set_values(plan.actions.size());
  for (size_t i = 0; i < plan.actions.size(); ++i) {
    if (plan.actions[i].kind != UpdateActionKind::kSet) continue;
    absl::StatusOr<AttributeValue> value = EvaluateSetValue(plan.actions[i], original);
    if (!value.ok()) return value.status();
    set_values[i] = *std::move(value);
  }

  // Writes in path order, then removals in reverse path order so that
  // removing a[1] does not shift a[3].
  std::vector<size_t> writes;
  std::vector<size_t> removals;
  for (size_t i = 0; i < plan.actions.size(); ++i) {
    (plan.actions[i].kind == UpdateActionKind::kRemove ? removals : writes).push_back(i);
  }
  auto by_path = [&](size_t a, size_t b) {
    return PathLess(plan.actions[a].path, plan.actions[b].path);
  };
  std::stable_sort(writes.begin(), writes.end(), by_path);
  std::stable_sort(removals.begin(), removals.end(),
                   [&](size_t a, size_t b) { return by_path(b, a); });

  Item result = original;
  for (size_t i : writes) {
    const UpdateAction& action = plan.actions[i];
    absl::Status status;
    if (action.kind == UpdateActionKind::kSet) {
      status = WriteAt(result, action.path, std::move(set_values[i]));
    } else if (action.kind == UpdateActionKind::kAdd) {
      status = ApplyAdd(result, action);
    } else {
      status = ApplyDelete(result, action, item_exists);
    }
    if (!status.ok()) return status;
  }
  for (size_t i : removals) {
    if (auto status = RemoveAt(result, plan.actions[i].path, item_exists); !status.ok()) {
      return status;
    }
  }

  if (updated_attributes != nullptr) {
    for (const UpdateAction& action : plan.actions) updated_attributes->insert(action.path[0].name);
  }
  *item = std::move(result);
  return absl::OkStatus();
}

}  // namespace tidings::expr
