#include "expr/parse_context.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "common/errors.h"
#include "expr/reserved_words.h"

namespace tidings::expr {
namespace {

constexpr size_t kMaxExpressionBytes = 4096;

bool IsBlank(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

int64_t ParseIndex(std::string_view digits) {
  int64_t index = 0;
  for (char c : digits) {
    if (index > (std::numeric_limits<int64_t>::max() - 9) / 10) {
      return std::numeric_limits<int64_t>::max();
    }
    index = index * 10 + (c - '0');
  }
  return index;
}

}  // namespace

ParseContext::ParseContext(std::string_view expression_name, std::string_view text,
                           const NameMap& names, const ValueMap& values,
                           std::vector<std::string_view> structural_keywords)
    : expression_name_(expression_name),
      text_(text),
      names_(names),
      values_(values),
      structural_keywords_(std::move(structural_keywords)),
      tokens_(Tokenize(text)) {}

absl::Status ParseContext::CheckText() const {
  if (IsBlank(text_)) return Invalid("The expression can not be empty;");
  if (text_.size() > kMaxExpressionBytes) {
    return Invalid(
        fmt::format("Expression size has exceeded the maximum allowed size; expression size: {}",
                    text_.size()));
  }
  return absl::OkStatus();
}

absl::Status ParseContext::Invalid(std::string_view message) const {
  return ValidationError(fmt::format("Invalid {}: {}", expression_name_, message));
}

absl::Status ParseContext::SyntaxError() const {
  const Token& token = tokens_[position_];
  size_t begin = token.offset;
  size_t end = token.offset + token.text.size();
  if (position_ > 0) begin = tokens_[position_ - 1].offset;
  if (token.kind == TokenKind::kEnd) {
    end = position_ > 0 ? tokens_[position_ - 1].offset + tokens_[position_ - 1].text.size() : 0;
  } else if (tokens_[position_ + 1].kind != TokenKind::kEnd) {
    const Token& next = tokens_[position_ + 1];
    end = next.offset + next.text.size();
  }

  std::string_view spelling = token.kind == TokenKind::kEnd ? "<EOF>" : token.text;
  return Invalid(fmt::format("Syntax error; token: \"{}\", near: \"{}\"", spelling,
                             text_.substr(begin, end - begin)));
}

const Token& ParseContext::Peek(size_t ahead) const {
  return tokens_[std::min(position_ + ahead, tokens_.size() - 1)];
}

void ParseContext::Advance() {
  if (position_ + 1 < tokens_.size()) ++position_;
}

bool ParseContext::AtSymbol(std::string_view symbol) const {
  return Peek().kind == TokenKind::kSymbol && Peek().text == symbol;
}

bool ParseContext::AtKeyword(std::string_view keyword) const { return IsKeyword(Peek(), keyword); }

bool ParseContext::ConsumeSymbol(std::string_view symbol) {
  if (!AtSymbol(symbol)) return false;
  Advance();
  return true;
}

bool ParseContext::ConsumeKeyword(std::string_view keyword) {
  if (!AtKeyword(keyword)) return false;
  Advance();
  return true;
}

absl::Status ParseContext::ExpectSymbol(std::string_view symbol) {
  if (!ConsumeSymbol(symbol)) return SyntaxError();
  return absl::OkStatus();
}

void ParseContext::Record(SemanticError kind, std::string message) {
  errors_.emplace(kind, std::move(message));
}

absl::Status ParseContext::FirstError(std::span<const SemanticError> order) const {
  for (SemanticError kind : order) {
    auto found = errors_.find(kind);
    if (found != errors_.end()) return Invalid(found->second);
  }
  return absl::OkStatus();
}

ParseContext::State ParseContext::Save() const {
  return State{position_, errors_, used_names_, used_values_};
}

void ParseContext::Restore(State state) {
  position_ = state.position;
  errors_ = std::move(state.errors);
  used_names_ = std::move(state.used_names);
  used_values_ = std::move(state.used_values);
}

bool ParseContext::IsStructuralKeyword(const Token& token) const {
  return std::any_of(structural_keywords_.begin(), structural_keywords_.end(),
                     [&](std::string_view keyword) { return IsKeyword(token, keyword); });
}

absl::StatusOr<PathElement> ParseContext::ParsePathName() {
  const Token& token = Peek();
  if (token.kind == TokenKind::kIdentifier) {
    if (IsStructuralKeyword(token)) return SyntaxError();
    if (IsReservedWord(token.text)) {
      Record(SemanticError::kReservedWord,
             fmt::format("Attribute name is a reserved keyword; reserved keyword: {}", token.text));
    }
    Advance();
    return PathElement{std::string(token.text)};
  }

  if (token.kind == TokenKind::kNameRef) {
    std::string placeholder(token.text);
    Advance();
    auto found = names_.find(placeholder);
    if (found == names_.end()) {
      Record(SemanticError::kUndefinedName,
             fmt::format("An expression attribute name used in the document path is not defined; "
                         "attribute name: {}",
                         placeholder));
      return PathElement{placeholder};
    }
    used_names_.insert(placeholder);
    return PathElement{found->second};
  }

  return SyntaxError();
}

absl::StatusOr<DocumentPath> ParseContext::ParsePath() {
  DocumentPath path;
  absl::StatusOr<PathElement> head = ParsePathName();
  if (!head.ok()) return head.status();
  path.push_back(*std::move(head));

  while (true) {
    if (ConsumeSymbol(".")) {
      absl::StatusOr<PathElement> member = ParsePathName();
      if (!member.ok()) return member.status();
      path.push_back(*std::move(member));
    } else if (ConsumeSymbol("[")) {
      if (Peek().kind != TokenKind::kNumber) return SyntaxError();
      PathElement element;
      element.index = ParseIndex(Peek().text);
      Advance();
      if (auto status = ExpectSymbol("]"); !status.ok()) return status;
      path.push_back(std::move(element));
    } else {
      return path;
    }
  }
}

absl::StatusOr<Operand> ParseContext::ParseFunctionCall() {
  Operand call;
  call.kind = Operand::Kind::kFunction;
  call.function = std::string(Peek().text);
  Advance();  // The name.
  Advance();  // "(".

  while (true) {
    absl::StatusOr<Operand> argument = ParseOperand();
    if (!argument.ok()) return argument.status();
    call.arguments.push_back(*std::move(argument));
    if (!ConsumeSymbol(",")) break;
  }
  if (auto status = ExpectSymbol(")"); !status.ok()) return status;
  return call;
}

absl::StatusOr<Operand> ParseContext::ParseOperand() {
  if (ConsumeSymbol("(")) {
    absl::StatusOr<Operand> inner = ParseOperand();
    if (!inner.ok()) return inner.status();
    if (auto status = ExpectSymbol(")"); !status.ok()) return status;
    if (inner->parenthesized) {
      Record(SemanticError::kRedundantParentheses, "The expression has redundant parentheses;");
    }
    inner->parenthesized = true;
    return inner;
  }

  const Token& token = Peek();
  if (token.kind == TokenKind::kValueRef) {
    Operand operand;
    operand.kind = Operand::Kind::kValue;
    operand.placeholder = std::string(token.text);
    Advance();
    auto found = values_.find(operand.placeholder);
    if (found == values_.end()) {
      Record(SemanticError::kUndefinedValue,
             fmt::format("An expression attribute value used in expression is not defined; "
                         "attribute value: {}",
                         operand.placeholder));
    } else {
      used_values_.insert(operand.placeholder);
      operand.value = found->second;
    }
    return operand;
  }

  if (token.kind == TokenKind::kIdentifier && Peek(1).kind == TokenKind::kSymbol &&
      Peek(1).text == "(" && !IsStructuralKeyword(token)) {
    return ParseFunctionCall();
  }

  Operand operand;
  absl::StatusOr<DocumentPath> path = ParsePath();
  if (!path.ok()) return path.status();
  operand.path = *std::move(path);
  return operand;
}

}  // namespace tidings::expr
