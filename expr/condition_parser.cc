#include "expr/condition_parser.h"

#include <optional>
#include <utility>

namespace tidings::expr {
namespace {

// The order in which DynamoDB reports the problems of one condition.
constexpr SemanticError kConditionErrorOrder[] = {
    SemanticError::kRedundantParentheses, SemanticError::kUnknownFunction,
    SemanticError::kMisusedFunction,      SemanticError::kReservedWord,
    SemanticError::kUndefinedName,        SemanticError::kUndefinedValue,
    SemanticError::kOperandCount,         SemanticError::kDistinctOperands,
    SemanticError::kOperandType,
};

std::optional<Comparator> ComparatorAt(const ParseContext& context) {
  const Token& token = context.Peek();
  if (token.kind != TokenKind::kSymbol) return std::nullopt;
  if (token.text == "=") return Comparator::kEqual;
  if (token.text == "<>") return Comparator::kNotEqual;
  if (token.text == "<") return Comparator::kLess;
  if (token.text == "<=") return Comparator::kLessOrEqual;
  if (token.text == ">") return Comparator::kGreater;
  if (token.text == ">=") return Comparator::kGreaterOrEqual;
  return std::nullopt;
}

// Reports whether the current token continues a comparison, which means a
// parenthesised prefix was an operand rather than a whole condition.
bool AtComparisonContinuation(const ParseContext& context) {
  return ComparatorAt(context).has_value() || context.AtKeyword("BETWEEN") ||
         context.AtKeyword("IN");
}

ConditionNode Combine(ConditionKind kind, ConditionNode left, ConditionNode right) {
  ConditionNode node;
  node.kind = kind;
  node.children.push_back(std::move(left));
  node.children.push_back(std::move(right));
  return node;
}

class ConditionGrammar {
 public:
  explicit ConditionGrammar(ParseContext& context) : context_(context) {}

  absl::StatusOr<ConditionNode> ParseDisjunction() {
    absl::StatusOr<ConditionNode> left = ParseConjunction();
    if (!left.ok()) return left;
    while (context_.ConsumeKeyword("OR")) {
      absl::StatusOr<ConditionNode> right = ParseConjunction();
      if (!right.ok()) return right;
      left = Combine(ConditionKind::kOr, *std::move(left), *std::move(right));
    }
    return left;
  }

 private:
  absl::StatusOr<ConditionNode> ParseConjunction() {
    absl::StatusOr<ConditionNode> left = ParseNegation();
    if (!left.ok()) return left;
    while (context_.ConsumeKeyword("AND")) {
      absl::StatusOr<ConditionNode> right = ParseNegation();
      if (!right.ok()) return right;
      left = Combine(ConditionKind::kAnd, *std::move(left), *std::move(right));
    }
    return left;
  }

  absl::StatusOr<ConditionNode> ParseNegation() {
    if (!context_.ConsumeKeyword("NOT")) return ParsePrimary();
    absl::StatusOr<ConditionNode> child = ParseNegation();
    if (!child.ok()) return child;
    ConditionNode node;
    node.kind = ConditionKind::kNot;
    node.children.push_back(*std::move(child));
    return node;
  }

  // A "(" opens either a nested condition, as in "(a = :x OR b = :y)", or an
  // operand, as in "(a) = :x". The nested condition is tried first. When it
  // fails, the operand reading is tried and the error that got further wins.
  absl::StatusOr<ConditionNode> ParsePrimary() {
    if (!context_.AtSymbol("(")) return ParseComparison();

    ParseContext::State before = context_.Save();
    absl::StatusOr<ConditionNode> nested = ParseNested();
    if (nested.ok()) return nested;
    size_t nested_failure = context_.position();

    context_.Restore(std::move(before));
    absl::StatusOr<ConditionNode> comparison = ParseComparison();
    if (!comparison.ok() && nested_failure > context_.position()) return nested.status();
    return comparison;
  }

  absl::StatusOr<ConditionNode> ParseNested() {
    context_.Advance();  // "(".
    absl::StatusOr<ConditionNode> inner = ParseDisjunction();
    if (!inner.ok()) return inner;
    if (auto status = context_.ExpectSymbol(")"); !status.ok()) return status;
    if (AtComparisonContinuation(context_)) return context_.SyntaxError();

    if (inner->parenthesized) {
      context_.Record(SemanticError::kRedundantParentheses,
                      "The expression has redundant parentheses;");
    }
    inner->parenthesized = true;
    return inner;
  }

  absl::StatusOr<ConditionNode> ParseComparison() {
    absl::StatusOr<Operand> left = context_.ParseOperand();
    if (!left.ok()) return left.status();
    ConditionNode node;

    if (std::optional<Comparator> comparator = ComparatorAt(context_)) {
      context_.Advance();
      absl::StatusOr<Operand> right = context_.ParseOperand();
      if (!right.ok()) return right.status();
      node.kind = ConditionKind::kComparison;
      node.comparator = *comparator;
      node.operands.push_back(*std::move(left));
      node.operands.push_back(*std::move(right));
      return node;
    }

    if (context_.ConsumeKeyword("BETWEEN")) {
      absl::StatusOr<Operand> lower = context_.ParseOperand();
      if (!lower.ok()) return lower.status();
      if (!context_.ConsumeKeyword("AND")) return context_.SyntaxError();
      absl::StatusOr<Operand> upper = context_.ParseOperand();
      if (!upper.ok()) return upper.status();
      node.kind = ConditionKind::kBetween;
      node.operands.push_back(*std::move(left));
      node.operands.push_back(*std::move(lower));
      node.operands.push_back(*std::move(upper));
      return node;
    }

    if (context_.ConsumeKeyword("IN")) {
      if (auto status = context_.ExpectSymbol("("); !status.ok()) return status;
      node.kind = ConditionKind::kIn;
      node.operands.push_back(*std::move(left));
      do {
        absl::StatusOr<Operand> candidate = context_.ParseOperand();
        if (!candidate.ok()) return candidate.status();
        node.operands.push_back(*std::move(candidate));
      } while (context_.ConsumeSymbol(","));
      if (auto status = context_.ExpectSymbol(")"); !status.ok()) return status;
      return node;
    }

    // A lone function call such as attribute_exists(a) is a condition; a lone
    // path or value is not.
    if (left->kind != Operand::Kind::kFunction || left->parenthesized) {
      return context_.SyntaxError();
    }
    node.kind = ConditionKind::kFunction;
    node.operands.push_back(*std::move(left));
    return node;
  }

  ParseContext& context_;
};

}  // namespace

absl::StatusOr<ConditionNode> ParseCondition(ParseContext& context) {
  if (auto status = context.CheckText(); !status.ok()) return status;

  ConditionGrammar grammar(context);
  absl::StatusOr<ConditionNode> root = grammar.ParseDisjunction();
  if (!root.ok()) return root;
  if (!context.AtEnd()) return context.SyntaxError();

  CheckCondition(*root, context);
  if (auto status = context.FirstError(kConditionErrorOrder); !status.ok()) return status;
  return root;
}

}  // namespace tidings::expr
