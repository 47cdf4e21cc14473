// Shared state of one expression parse: the token cursor, #name and :value
// substitution, the placeholders used, and the errors found so far.
//
// A syntax error ends the parse at once. Other errors (an undefined
// placeholder, a reserved word, a misused function) are recorded and the parse
// goes on. DynamoDB reports the highest-ranked problem of the whole
// expression, whatever its position, and each expression type ranks the kinds.
#pragma once

#include <map>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "expr/condition_node.h"
#include "expr/expression.h"
#include "expr/tokenizer.h"

namespace tidings::expr {

enum class SemanticError {
  kRedundantParentheses,
  kUnknownFunction,
  kMisusedFunction,
  kReservedWord,
  kDuplicateSection,
  kUndefinedName,
  kUndefinedValue,
  kPathOverlap,
  kPathConflict,
  kActionOperandType,  // ADD or DELETE given a value of the wrong type.
  kOperandCount,
  kDistinctOperands,
  kOperandType,
};

class ParseContext {
 public:
  // `expression_name` prefixes messages ("UpdateExpression"). Identifiers in
  // `structural_keywords` ("AND", "SET"...) end a path instead of naming an
  // attribute. `names` and `values` must outlive the context.
  ParseContext(std::string_view expression_name, std::string_view text, const NameMap& names,
               const ValueMap& values, std::vector<std::string_view> structural_keywords);

  // Rejects empty text and text over DynamoDB's 4 KB expression limit.
  [[nodiscard]] absl::Status CheckText() const;

  // Returns ValidationError("Invalid <expression>: <message>").
  absl::Status Invalid(std::string_view message) const;
  // Returns the syntax error for the current token, quoting the text from the
  // token before it to the token after it as DynamoDB does.
  absl::Status SyntaxError() const;

  const Token& Peek(size_t ahead = 0) const;
  void Advance();
  bool AtEnd() const { return Peek().kind == TokenKind::kEnd; }
  bool AtSymbol(std::string_view symbol) const;
  bool AtKeyword(std::string_view keyword) const;
  bool ConsumeSymbol(std::string_view symbol);
  bool ConsumeKeyword(std::string_view keyword);
  [[nodiscard]] absl::Status ExpectSymbol(std::string_view symbol);

  // Keeps the first message of each kind.
  void Record(SemanticError kind, std::string message);
  // Returns the recorded error that comes first in `order`, or OK.
  absl::Status FirstError(std::span<const SemanticError> order) const;

  // Everything a speculative parse may change, so that it can be undone.
  struct State {
    size_t position = 0;
    std::map<SemanticError, std::string> errors;
    std::set<std::string> used_names;
    std::set<std::string> used_values;
  };
  State Save() const;
  void Restore(State state);
  size_t position() const { return position_; }

  // document_path := element ("." element | "[" number "]")*
  // element := identifier | #name
  [[nodiscard]] absl::StatusOr<DocumentPath> ParsePath();
  // operand := "(" operand ")" | function "(" operand ("," operand)* ")"
  //          | :value | document_path
  [[nodiscard]] absl::StatusOr<Operand> ParseOperand();

  const std::set<std::string>& used_names() const { return used_names_; }
  const std::set<std::string>& used_values() const { return used_values_; }

 private:
  bool IsStructuralKeyword(const Token& token) const;
  [[nodiscard]] absl::StatusOr<PathElement> ParsePathName();
  [[nodiscard]] absl::StatusOr<Operand> ParseFunctionCall();

  std::string expression_name_;
  std::string_view text_;
  const NameMap& names_;
  const ValueMap& values_;
  std::vector<std::string_view> structural_keywords_;
  std::vector<Token> tokens_;
  size_t position_ = 0;
  std::map<SemanticError, std::string> errors_;
  std::set<std::string> used_names_;
  std::set<std::string> used_values_;
};

}  // namespace tidings::expr
