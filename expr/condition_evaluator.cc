#include "expr/condition_evaluator.h"

#include <algorithm>
#include <string>

#include "expr/operand_value.h"

namespace tidings::expr {
namespace {

bool IsOrderable(AttributeType type) {
  return type == AttributeType::kN || type == AttributeType::kS || type == AttributeType::kB;
}

// Returns the size DynamoDB's size() reports, or -1 for types without one.
// NOTE: a string's size is counted in UTF-8 bytes; DynamoDB documents it only
// as "the length of the string".
int64_t SizeOf(const AttributeValue& value) {
  switch (value.type()) {
    case AttributeType::kS:
    case AttributeType::kB:
      return static_cast<int64_t>(value.scalar().size());
    case AttributeType::kSS:
    case AttributeType::kNS:
    case AttributeType::kBS:
      return static_cast<int64_t>(value.set().size());
    case AttributeType::kL:
      return static_cast<int64_t>(value.list().size());
    case AttributeType::kM:
      return static_cast<int64_t>(value.map().size());
    default:
      return -1;
  }
}

OperandValue Evaluate(const Operand& operand, const Item& item) {
  switch (operand.kind) {
    case Operand::Kind::kPath:
      return OperandValue::Borrowed(FindPath(item, operand.path));
    case Operand::Kind::kValue:
      return OperandValue::Borrowed(&operand.value);
    case Operand::Kind::kFunction:
      break;
  }

  // The checks admit size() as the only value-producing function here.
  OperandValue argument = Evaluate(operand.arguments[0], item);
  if (argument.get() == nullptr) return OperandValue();
  int64_t size = SizeOf(*argument.get());
  if (size < 0) return OperandValue();
  return OperandValue::Owned(AttributeValue::Number(std::to_string(size)));
}

// Returns <0, 0 or >0, or nullopt when the two values cannot be ordered.
std::optional<int> Order(const AttributeValue* a, const AttributeValue* b) {
  if (a == nullptr || b == nullptr) return std::nullopt;
  if (a->type() != b->type() || !IsOrderable(a->type())) return std::nullopt;
  if (a->type() == AttributeType::kN) return CompareNumbers(a->scalar(), b->scalar());
  int c = a->scalar().compare(b->scalar());  // Bytes compare as unsigned.
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

bool Equal(const AttributeValue* a, const AttributeValue* b) {
  return a != nullptr && b != nullptr && *a == *b;
}

bool Compare(Comparator comparator, const AttributeValue* a, const AttributeValue* b) {
  if (comparator == Comparator::kEqual) return Equal(a, b);
  if (comparator == Comparator::kNotEqual) return !Equal(a, b);

  std::optional<int> order = Order(a, b);
  if (!order) return false;
  switch (comparator) {
    case Comparator::kLess:
      return *order < 0;
    case Comparator::kLessOrEqual:
      return *order <= 0;
    case Comparator::kGreater:
      return *order > 0;
    case Comparator::kGreaterOrEqual:
      return *order >= 0;
    default:
      return false;
  }
}

bool Contains(const AttributeValue& haystack, const AttributeValue& needle) {
  switch (haystack.type()) {
    case AttributeType::kS:
    case AttributeType::kB:
      return needle.type() == haystack.type() &&
             haystack.scalar().find(needle.scalar()) != std::string::npos;
    case AttributeType::kSS:
    case AttributeType::kBS: {
      AttributeType member =
          haystack.type() == AttributeType::kSS ? AttributeType::kS : AttributeType::kB;
      const auto& set = haystack.set();
      return needle.type() == member &&
             std::find(set.begin(), set.end(), needle.scalar()) != set.end();
    }
    case AttributeType::kNS: {
      if (needle.type() != AttributeType::kN) return false;
      const auto& set = haystack.set();
      return std::any_of(set.begin(), set.end(), [&](const std::string& member) {
        return CompareNumbers(member, needle.scalar()) == 0;
      });
    }
    case AttributeType::kL: {
      const auto& list = haystack.list();
      return std::find(list.begin(), list.end(), needle) != list.end();
    }
    default:
      return false;
  }
}

bool BeginsWith(const AttributeValue* value, const AttributeValue* prefix) {
  if (value == nullptr || prefix == nullptr || value->type() != prefix->type()) return false;
  if (value->type() != AttributeType::kS && value->type() != AttributeType::kB) return false;
  return value->scalar().compare(0, prefix->scalar().size(), prefix->scalar()) == 0;
}

bool EvaluateCall(const Operand& call, const Item& item) {
  const std::string& name = call.function;
  OperandValue first = Evaluate(call.arguments[0], item);

  if (name == "attribute_exists") return first.get() != nullptr;
  if (name == "attribute_not_exists") return first.get() == nullptr;

  OperandValue second = Evaluate(call.arguments[1], item);
  if (name == "attribute_type") {
    return first.get() != nullptr && second.get() != nullptr &&
           AttributeTypeName(first.get()->type()) == second.get()->scalar();
  }
  if (name == "begins_with") return BeginsWith(first.get(), second.get());
  if (name == "contains") {
    return first.get() != nullptr && second.get() != nullptr &&
           Contains(*first.get(), *second.get());
  }
  return false;
}

}  // namespace

bool EvaluateCondition(const ConditionNode& node, const Item& item) {
  switch (node.kind) {
    case ConditionKind::kOr:
      return EvaluateCondition(node.children[0], item) || EvaluateCondition(node.children[1], item);
    case ConditionKind::kAnd:
      return EvaluateCondition(node.children[0], item) && EvaluateCondition(node.children[1], item);
    case ConditionKind::kNot:
      return !EvaluateCondition(node.children[0], item);
    case ConditionKind::kComparison: {
      OperandValue left = Evaluate(node.operands[0], item);
      OperandValue right = Evaluate(node.operands[1], item);
      return Compare(node.comparator, left.get(), right.get());
    }
    case ConditionKind::kBetween: {
      OperandValue value = Evaluate(node.operands[0], item);
      OperandValue lower = Evaluate(node.operands[1], item);
      OperandValue upper = Evaluate(node.operands[2], item);
      std::optional<int> above_lower = Order(value.get(), lower.get());
      std::optional<int> below_upper = Order(value.get(), upper.get());
      return above_lower && below_upper && *above_lower >= 0 && *below_upper <= 0;
    }
    case ConditionKind::kIn: {
      OperandValue value = Evaluate(node.operands[0], item);
      for (size_t i = 1; i < node.operands.size(); ++i) {
        OperandValue candidate = Evaluate(node.operands[i], item);
        if (Equal(value.get(), candidate.get())) return true;
      }
      return false;
    }
    case ConditionKind::kFunction:
      return EvaluateCall(node.operands[0], item);
  }
  return false;
}

}  // namespace tidings::expr
