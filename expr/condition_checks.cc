// Semantic checks of a parsed condition, run after the syntax is known good.

#include <fmt/format.h>

#include <algorithm>
#include <string>

#include "absl/strings/escaping.h"
#include "common/attribute_value.h"
#include "expr/condition_parser.h"

namespace tidings::expr {
namespace {

constexpr size_t kMaxInCandidates = 100;
constexpr std::string_view kValidTypeNames = "{B,NULL,SS,BOOL,L,BS,N,NS,S,M}";

struct FunctionSignature {
  std::string_view name;
  size_t operand_count;
  bool is_condition;  // A condition by itself, rather than a value.
};

constexpr FunctionSignature kConditionFunctions[] = {
    {"attribute_exists", 1, true}, {"attribute_not_exists", 1, true},
    {"attribute_type", 2, true},   {"begins_with", 2, true},
    {"contains", 2, true},         {"size", 1, false},
};

const FunctionSignature* FindFunction(std::string_view name) {
  for (const FunctionSignature& signature : kConditionFunctions) {
    if (signature.name == name) return &signature;
  }
  return nullptr;
}

bool IsUpdateFunction(std::string_view name) {
  return name == "if_not_exists" || name == "list_append";
}

// The type an operand is known to have before any item is read: a value's
// own type, or N for size(). Empty for paths and other calls.
std::string_view StaticType(const Operand& operand) {
  if (operand.kind == Operand::Kind::kValue) return AttributeTypeName(operand.value.type());
  if (operand.kind == Operand::Kind::kFunction && operand.function == "size") return "N";
  return {};
}

bool IsOrderable(AttributeType type) {
  return type == AttributeType::kN || type == AttributeType::kS || type == AttributeType::kB;
}

// Formats a value as DynamoDB quotes it in BETWEEN messages: {N:5}, {S:abc}.
std::string FormatValue(const AttributeValue& value) {
  std::string_view type = AttributeTypeName(value.type());
  switch (value.type()) {
    case AttributeType::kS:
    case AttributeType::kN:
      return fmt::format("{{{}:{}}}", type, value.scalar());
    case AttributeType::kB:
      return fmt::format("{{{}:{}}}", type, absl::Base64Escape(value.scalar()));
    case AttributeType::kBool:
      return fmt::format("{{{}:{}}}", type, value.boolean() ? "true" : "false");
    case AttributeType::kNull:
      return fmt::format("{{{}:true}}", type);
    default:
      return fmt::format("{{{}}}", type);
  }
}

int CompareOrderable(const AttributeValue& a, const AttributeValue& b) {
  if (a.type() == AttributeType::kN) return CompareNumbers(a.scalar(), b.scalar());
  int c = a.scalar().compare(b.scalar());
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

class ConditionChecker {
 public:
  explicit ConditionChecker(ParseContext& context) : context_(context) {}

  void Check(const ConditionNode& node) {
    switch (node.kind) {
      case ConditionKind::kOr:
      case ConditionKind::kAnd:
      case ConditionKind::kNot:
        for (const ConditionNode& child : node.children) Check(child);
        return;
      case ConditionKind::kComparison:
        CheckComparison(node);
        return;
      case ConditionKind::kBetween:
        CheckBetween(node);
        return;
      case ConditionKind::kIn:
        CheckIn(node);
        return;
      case ConditionKind::kFunction:
        CheckConditionCall(node.operands[0]);
        return;
    }
  }

 private:
  // Checks an operand that must produce a value: size() is the only function
  // allowed there.
  void CheckValueOperand(const Operand& operand) {
    if (operand.kind != Operand::Kind::kFunction) return;
    const FunctionSignature* signature = FindFunction(operand.function);
    if (signature == nullptr) {
      RecordUnknownFunction(operand.function);
      return;
    }
    if (signature->is_condition) {
      context_.Record(SemanticError::kMisusedFunction,
                      fmt::format("The function is not allowed to be used this way in an "
                                  "expression; function: {}",
                                  operand.function));
      return;
    }
    CheckArguments(operand, *signature);
  }

  void CheckConditionCall(const Operand& call) {
    const FunctionSignature* signature = FindFunction(call.function);
    if (signature == nullptr) {
      RecordUnknownFunction(call.function);
      return;
    }
    if (!signature->is_condition) {
      context_.Record(SemanticError::kMisusedFunction,
                      fmt::format("The function is not allowed to be used this way in an "
                                  "expression; function: {}",
                                  call.function));
      return;
    }
    CheckArguments(call, *signature);
  }

  void RecordUnknownFunction(const std::string& name) {
    if (IsUpdateFunction(name)) {
      context_.Record(
          SemanticError::kUnknownFunction,
          fmt::format("The function is not allowed in a condition expression; function: {}", name));
      return;
    }
    context_.Record(SemanticError::kUnknownFunction,
                    fmt::format("Invalid function name; function: {}", name));
  }

  void CheckArguments(const Operand& call, const FunctionSignature& signature) {
    for (const Operand& argument : call.arguments) CheckValueOperand(argument);

    if (call.arguments.size() != signature.operand_count) {
      context_.Record(SemanticError::kOperandCount,
                      fmt::format("Incorrect number of operands for operator or function; "
                                  "operator or function: {}, number of operands: {}",
                                  call.function, call.arguments.size()));
      return;
    }
    if (call.arguments.size() == 2)
      CheckDistinct(call.function, call.arguments[0], call.arguments[1]);

    if (call.function == "attribute_exists" || call.function == "attribute_not_exists") {
      if (call.arguments[0].kind != Operand::Kind::kPath) {
        context_.Record(SemanticError::kOperandType,
                        fmt::format("Operator or function requires a document path; operator or "
                                    "function: {}",
                                    call.function));
      }
    } else if (call.function == "attribute_type") {
      CheckTypeNameOperand(call.arguments[1]);
    } else if (call.function == "begins_with") {
      for (const Operand& argument : call.arguments) {
        std::string_view type = StaticType(argument);
        if (!type.empty() && type != "S" && type != "B") RecordOperandType(call.function, type);
      }
    } else if (call.function == "size") {
      std::string_view type = StaticType(call.arguments[0]);
      if (type == "N" || type == "BOOL" || type == "NULL") RecordOperandType(call.function, type);
    }
  }

  // attribute_type's second operand must be a string value naming a type.
  void CheckTypeNameOperand(const Operand& operand) {
    std::string_view type = StaticType(operand);
    if (type != "S") {
      RecordOperandType("attribute_type", type.empty() ? "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}" : type);
      return;
    }
    const std::string& name = operand.value.scalar();
    constexpr std::string_view kTypes[] = {"S", "N", "B",  "BOOL", "NULL",
                                           "M", "L", "SS", "NS",   "BS"};
    if (std::find(std::begin(kTypes), std::end(kTypes), name) == std::end(kTypes)) {
      context_.Record(SemanticError::kOperandType,
                      fmt::format("Invalid attribute type name found; type: {}, valid types: {}",
                                  name, kValidTypeNames));
    }
  }

  void CheckComparison(const ConditionNode& node) {
    const Operand& left = node.operands[0];
    const Operand& right = node.operands[1];
    CheckValueOperand(left);
    CheckValueOperand(right);
    CheckDistinct(ComparatorText(node.comparator), left, right);

    if (node.comparator == Comparator::kEqual || node.comparator == Comparator::kNotEqual) return;
    // NOTE: DynamoDB's spelling of the type in this message is assumed to be
    // the short descriptor ("L"), as in its other operand type messages.
    for (const Operand& operand : node.operands) {
      if (operand.kind == Operand::Kind::kValue && !IsOrderable(operand.value.type())) {
        RecordOperandType(ComparatorText(node.comparator), AttributeTypeName(operand.value.type()));
      }
    }
  }

  void CheckBetween(const ConditionNode& node) {
    for (const Operand& operand : node.operands) CheckValueOperand(operand);
    for (const Operand& operand : node.operands) {
      if (operand.kind == Operand::Kind::kValue && !IsOrderable(operand.value.type())) {
        RecordOperandType("BETWEEN", AttributeTypeName(operand.value.type()));
      }
    }

    const Operand& lower = node.operands[1];
    const Operand& upper = node.operands[2];
    if (lower.kind != Operand::Kind::kValue || upper.kind != Operand::Kind::kValue) return;
    if (lower.value.type() != upper.value.type()) {
      context_.Record(SemanticError::kOperandType,
                      fmt::format("The BETWEEN operator requires same data type for lower and "
                                  "upper bounds; lower bound operand: AttributeValue: {}, upper "
                                  "bound operand: AttributeValue: {}",
                                  FormatValue(lower.value), FormatValue(upper.value)));
      return;
    }
    if (IsOrderable(lower.value.type()) && CompareOrderable(lower.value, upper.value) > 0) {
      context_.Record(SemanticError::kOperandType,
                      fmt::format("The BETWEEN operator requires upper bound to be greater than or "
                                  "equal to lower bound; lower bound operand: AttributeValue: {}, "
                                  "upper bound operand: AttributeValue: {}",
                                  FormatValue(lower.value), FormatValue(upper.value)));
    }
  }

  void CheckIn(const ConditionNode& node) {
    for (const Operand& operand : node.operands) CheckValueOperand(operand);
    size_t candidates = node.operands.size() - 1;
    if (candidates > kMaxInCandidates) {
      context_.Record(SemanticError::kOperandCount,
                      fmt::format("The IN operator is provided with too many operands; number of "
                                  "operands: {}",
                                  candidates));
    }
  }

  // DynamoDB rejects comparing a path with itself, as in "a = a".
  void CheckDistinct(std::string_view operator_name, const Operand& first, const Operand& second) {
    if (first.kind != Operand::Kind::kPath || second.kind != Operand::Kind::kPath) return;
    if (first.path != second.path) return;
    context_.Record(SemanticError::kDistinctOperands,
                    fmt::format("The first operand must be distinct from the remaining operands "
                                "for this operator or function; operator: {}, first operand: {}",
                                operator_name, FormatPath(first.path)));
  }

  void RecordOperandType(std::string_view function, std::string_view type) {
    context_.Record(SemanticError::kOperandType,
                    fmt::format("Incorrect operand type for operator or function; operator or "
                                "function: {}, operand type: {}",
                                function, type));
  }

  ParseContext& context_;
};

}  // namespace

std::string_view ComparatorText(Comparator comparator) {
  switch (comparator) {
    case Comparator::kEqual:
      return "=";
    case Comparator::kNotEqual:
      return "<>";
    case Comparator::kLess:
      return "<";
    case Comparator::kLessOrEqual:
      return "<=";
    case Comparator::kGreater:
      return ">";
    case Comparator::kGreaterOrEqual:
      return ">=";
  }
  return "?";
}

void CheckCondition(const ConditionNode& node, ParseContext& context) {
  ConditionChecker(context).Check(node);
}

}  // namespace tidings::expr
