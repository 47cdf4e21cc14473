// Syntax tree of a parsed ConditionExpression, with every #name and :value
// already substituted.
#pragma once

#include <string>
#include <vector>

#include "common/attribute_value.h"
#include "expr/document_path.h"

namespace tidings::expr {

// A value-producing term: a document path, an ExpressionAttributeValues
// placeholder, or a function call such as size(a) or if_not_exists(a, :v).
struct Operand {
  enum class Kind { kPath, kValue, kFunction };

  Kind kind = Kind::kPath;
  DocumentPath path;               // kPath.
  std::string placeholder;         // kValue: the ":name" as written.
  AttributeValue value;            // kValue: the substituted value.
  std::string function;            // kFunction: the name, case-sensitive.
  std::vector<Operand> arguments;  // kFunction.
  bool parenthesized = false;      // Written inside "(" and ")".
};

enum class Comparator { kEqual, kNotEqual, kLess, kLessOrEqual, kGreater, kGreaterOrEqual };

enum class ConditionKind { kOr, kAnd, kNot, kComparison, kBetween, kIn, kFunction };

struct ConditionNode {
  ConditionKind kind = ConditionKind::kFunction;
  Comparator comparator = Comparator::kEqual;  // kComparison.
  std::vector<ConditionNode> children;         // kOr and kAnd: two; kNot: one.
  // kComparison: left and right. kBetween: tested value, lower and upper
  // bound. kIn: tested value, then the candidates. kFunction: one kFunction
  // operand holding the call.
  std::vector<Operand> operands;
  bool parenthesized = false;
};

// The operator's spelling in messages: "=", "<>", "<"...
std::string_view ComparatorText(Comparator comparator);

}  // namespace tidings::expr
