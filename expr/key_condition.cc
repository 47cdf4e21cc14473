#include "expr/key_condition.h"

#include <fmt/format.h>

#include "common/errors.h"
#include "expr/condition_parser.h"

namespace tidings::expr {
namespace {

// One "key <op> value" term of the AND chain, before it is matched against
// the key schema.
struct KeyTerm {
  std::string name;
  SortKeyOperator op = SortKeyOperator::kEq;
  AttributeValue value;
  AttributeValue upper_bound;
};

SortKeyOperator FromComparator(Comparator comparator) {
  switch (comparator) {
    case Comparator::kLess:
      return SortKeyOperator::kLt;
    case Comparator::kLessOrEqual:
      return SortKeyOperator::kLe;
    case Comparator::kGreater:
      return SortKeyOperator::kGt;
    case Comparator::kGreaterOrEqual:
      return SortKeyOperator::kGe;
    default:
      return SortKeyOperator::kEq;
  }
}

// Mirrors an ordering so that "value < key" reads as "key > value".
SortKeyOperator Mirror(SortKeyOperator op) {
  switch (op) {
    case SortKeyOperator::kLt:
      return SortKeyOperator::kGt;
    case SortKeyOperator::kLe:
      return SortKeyOperator::kGe;
    case SortKeyOperator::kGt:
      return SortKeyOperator::kLt;
    case SortKeyOperator::kGe:
      return SortKeyOperator::kLe;
    default:
      return op;
  }
}

class KeyTermCollector {
 public:
  // Flattens the AND chain of `node` into terms, rejecting every other shape.
  absl::Status Collect(const ConditionNode& node) {
    switch (node.kind) {
      case ConditionKind::kAnd:
        for (const ConditionNode& child : node.children) {
          if (auto status = Collect(child); !status.ok()) return status;
        }
        return absl::OkStatus();
      case ConditionKind::kOr:
        return InvalidOperator("OR");
      case ConditionKind::kNot:
        return InvalidOperator("NOT");
      case ConditionKind::kIn:
        return InvalidOperator("IN");
      case ConditionKind::kComparison:
        if (node.comparator == Comparator::kNotEqual) return InvalidOperator("<>");
        return AddTerm(node.operands, FromComparator(node.comparator));
      case ConditionKind::kBetween:
        return AddTerm(node.operands, SortKeyOperator::kBetween);
      case ConditionKind::kFunction: {
        const Operand& call = node.operands[0];
        if (call.function != "begins_with") return InvalidOperator(call.function);
        return AddTerm(call.arguments, SortKeyOperator::kBeginsWith);
      }
    }
    return absl::OkStatus();
  }

  std::vector<KeyTerm>& terms() { return terms_; }

 private:
  static absl::Status InvalidOperator(std::string_view name) {
    return ValidationError(
        fmt::format("Invalid operator used in KeyConditionExpression: {}", name));
  }

  absl::Status AddTerm(const std::vector<Operand>& operands, SortKeyOperator op) {
    int key_index = -1;
    for (size_t i = 0; i < operands.size(); ++i) {
      const Operand& operand = operands[i];
      if (operand.kind == Operand::Kind::kFunction) {
        return ValidationError("KeyConditionExpressions cannot contain nested operations");
      }
      if (operand.kind != Operand::Kind::kPath) continue;
      if (key_index >= 0) {
        return ValidationError(
            "Invalid condition in KeyConditionExpression: Multiple attribute names used in one "
            "condition");
      }
      if (operand.path.size() > 1) {
        return ValidationError(
            "KeyConditionExpressions cannot have conditions on nested attributes");
      }
      key_index = static_cast<int>(i);
    }
    if (key_index < 0) {
      return ValidationError(
          "Invalid condition in KeyConditionExpression: No key attribute specified");
    }
    bool ordered_operator = op == SortKeyOperator::kBetween || op == SortKeyOperator::kBeginsWith;
    if (ordered_operator && key_index != 0) {
      return ValidationError(fmt::format(
          "Invalid condition in KeyConditionExpression: {} operator must have the key attribute "
          "as its first operand",
          op == SortKeyOperator::kBetween ? "BETWEEN" : "begins_with"));
    }

    KeyTerm term;
    term.name = operands[key_index].path[0].name;
    for (const KeyTerm& existing : terms_) {
      if (existing.name == term.name) {
        return ValidationError("KeyConditionExpressions must only contain one condition per key");
      }
    }
    term.op = key_index == 1 ? Mirror(op) : op;
    term.value = operands[key_index == 0 ? 1 : 0].value;
    if (op == SortKeyOperator::kBetween) term.upper_bound = operands[2].value;
    terms_.push_back(std::move(term));
    return absl::OkStatus();
  }

  std::vector<KeyTerm> terms_;
};

}  // namespace

absl::StatusOr<KeyCondition> ParseKeyCondition(std::string_view text, const NameMap& names,
                                               const ValueMap& values,
                                               std::string_view partition_key_name,
                                               std::string_view sort_key_name) {
  ParseContext context("KeyConditionExpression", text, names, values,
                       {std::begin(kConditionKeywords), std::end(kConditionKeywords)});
  absl::StatusOr<ConditionNode> root = ParseCondition(context);
  if (!root.ok()) return root.status();

  KeyTermCollector collector;
  if (auto status = collector.Collect(*root); !status.ok()) return status;

  KeyCondition condition;
  condition.used_names = context.used_names();
  condition.used_values = context.used_values();
  bool found_partition = false;
  for (KeyTerm& term : collector.terms()) {
    if (term.name == partition_key_name) {
      if (term.op != SortKeyOperator::kEq) {
        return ValidationError("Query key condition not supported");
      }
      condition.partition_key_name = term.name;
      condition.partition_value = std::move(term.value);
      found_partition = true;
    } else if (sort_key_name.empty()) {
      return ValidationError("Query key condition not supported");
    } else if (term.name != sort_key_name) {
      return ValidationError(
          fmt::format("Query condition missed key schema element: {}", sort_key_name));
    } else {
      condition.sort =
          SortKeyCondition{term.name, term.op, std::move(term.value), std::move(term.upper_bound)};
    }
  }
  if (!found_partition) {
    return ValidationError(
        fmt::format("Query condition missed key schema element: {}", partition_key_name));
  }
  return condition;
}

}  // namespace tidings::expr
