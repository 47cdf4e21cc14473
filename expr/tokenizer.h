// Splits expression text into DynamoDB's tokens.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace tidings::expr {

enum class TokenKind {
  kIdentifier,  // A letter, then letters, digits or '_': a name, keyword or function.
  kNumber,      // Decimal digits, used as a list index.
  kNameRef,     // "#" and one or more letters, digits or '_'.
  kValueRef,    // ":" and one or more letters, digits or '_'.
  kSymbol,      // ( ) [ ] , . = <> < <= > >= + -
  kInvalid,     // Any other character, which is always a syntax error.
  kEnd,         // End of the text; spelled "<EOF>" in messages.
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string_view text;  // Points into the expression text.
  size_t offset = 0;
};

// Tokenizes `text`. The result always ends with one kEnd token.
std::vector<Token> Tokenize(std::string_view text);

// Reports whether `token` is the identifier `keyword`, ignoring case.
bool IsKeyword(const Token& token, std::string_view keyword);

}  // namespace tidings::expr
