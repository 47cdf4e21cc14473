#include "expr/tokenizer.h"

#include <algorithm>
#include <array>

namespace tidings::expr {
namespace {

bool IsLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsNameChar(char c) { return IsLetter(c) || IsDigit(c) || c == '_'; }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Two-character symbols come first so that "<=" is not read as "<" and "=".
constexpr std::array<std::string_view, 14> kSymbols = {"<>", "<=", ">=", "(", ")", "[", "]",
                                                       ",",  ".",  "=",  "<", ">", "+", "-"};

size_t SymbolLength(std::string_view rest) {
  for (std::string_view symbol : kSymbols) {
    if (rest.substr(0, symbol.size()) == symbol) return symbol.size();
  }
  return 0;
}

// Length of the UTF-8 character that starts `rest`, so that a message quotes
// a whole character rather than one byte of it.
size_t CharacterLength(std::string_view rest) {
  auto lead = static_cast<unsigned char>(rest[0]);
  size_t length = 1;
  if (lead >= 0xF0) {
    length = 4;
  } else if (lead >= 0xE0) {
    length = 3;
  } else if (lead >= 0xC0) {
    length = 2;
  }
  return std::min(length, rest.size());
}

}  // namespace

std::vector<Token> Tokenize(std::string_view text) {
  std::vector<Token> tokens;
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (IsSpace(c)) {
      ++i;
      continue;
    }

    size_t start = i;
    TokenKind kind = TokenKind::kInvalid;
    if (IsLetter(c)) {
      kind = TokenKind::kIdentifier;
      while (i < text.size() && IsNameChar(text[i])) ++i;
    } else if (IsDigit(c)) {
      kind = TokenKind::kNumber;
      while (i < text.size() && IsDigit(text[i])) ++i;
    } else if ((c == '#' || c == ':') && i + 1 < text.size() && IsNameChar(text[i + 1])) {
      kind = c == '#' ? TokenKind::kNameRef : TokenKind::kValueRef;
      ++i;
      while (i < text.size() && IsNameChar(text[i])) ++i;
    } else if (size_t length = SymbolLength(text.substr(i)); length > 0) {
      kind = TokenKind::kSymbol;
      i += length;
    } else {
      i += CharacterLength(text.substr(i));
    }
    tokens.push_back(Token{kind, text.substr(start, i - start), start});
  }
  tokens.push_back(Token{TokenKind::kEnd, std::string_view(), text.size()});
  return tokens;
}

bool IsKeyword(const Token& token, std::string_view keyword) {
  if (token.kind != TokenKind::kIdentifier || token.text.size() != keyword.size()) return false;
  for (size_t i = 0; i < keyword.size(); ++i) {
    char a = token.text[i];
    char b = keyword[i];
    if (a >= 'a' && a <= 'z') a = static_cast<char>(a - 'a' + 'A');
    if (b >= 'a' && b <= 'z') b = static_cast<char>(b - 'a' + 'A');
    if (a != b) return false;
  }
  return true;
}

}  // namespace tidings::expr
