#include "expr/tokenizer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tidings::expr {
namespace {

std::vector<std::string> Texts(const std::vector<Token>& tokens) {
  std::vector<std::string> texts;
  for (const Token& token : tokens) texts.emplace_back(token.text);
  return texts;
}

TEST(Tokenizer, SplitsSymbolsAndNames) {
  std::vector<Token> tokens = Tokenize("a.b[2] <= :v1 AND #n<>x");
  std::vector<std::string> expected = {
      "a", ".", "b", "[", "2", "]", "<=", ":v1", "AND", "#n", "<>", "x", ""};
  EXPECT_EQ(Texts(tokens), expected);
  EXPECT_EQ(tokens[4].kind, TokenKind::kNumber);
  EXPECT_EQ(tokens[7].kind, TokenKind::kValueRef);
  EXPECT_EQ(tokens[9].kind, TokenKind::kNameRef);
  EXPECT_EQ(tokens.back().kind, TokenKind::kEnd);
}

TEST(Tokenizer, RecordsOffsets) {
  std::vector<Token> tokens = Tokenize("  SET  a");
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(tokens[0].offset, 2u);
  EXPECT_EQ(tokens[1].offset, 7u);
  EXPECT_EQ(tokens[2].offset, 8u);
}

TEST(Tokenizer, PlaceholdersMayStartWithDigits) {
  std::vector<Token> tokens = Tokenize("#123a :_");
  EXPECT_EQ(tokens[0].kind, TokenKind::kNameRef);
  EXPECT_EQ(tokens[0].text, "#123a");
  EXPECT_EQ(tokens[1].kind, TokenKind::kValueRef);
  EXPECT_EQ(tokens[1].text, ":_");
}

TEST(Tokenizer, RejectsLoneMarkersAndUnderscore) {
  for (std::string_view text : {"#", ":", "_", "!", "$", "\""}) {
    std::vector<Token> tokens = Tokenize(text);
    ASSERT_EQ(tokens.size(), 2u) << text;
    EXPECT_EQ(tokens[0].kind, TokenKind::kInvalid) << text;
    EXPECT_EQ(tokens[0].text, text);
  }
}

TEST(Tokenizer, KeepsMultibyteCharacterWhole) {
  std::vector<Token> tokens = Tokenize("a = \xC3\xA9");
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_EQ(tokens[2].kind, TokenKind::kInvalid);
  EXPECT_EQ(tokens[2].text, "\xC3\xA9");
}

TEST(Tokenizer, DigitsThenLettersAreTwoTokens) {
  std::vector<Token> tokens = Tokenize("123abc");
  EXPECT_EQ(Texts(tokens), (std::vector<std::string>{"123", "abc", ""}));
}

TEST(Tokenizer, KeywordsIgnoreCase) {
  std::vector<Token> tokens = Tokenize("between BeTwEeN betweenx");
  EXPECT_TRUE(IsKeyword(tokens[0], "BETWEEN"));
  EXPECT_TRUE(IsKeyword(tokens[1], "BETWEEN"));
  EXPECT_FALSE(IsKeyword(tokens[2], "BETWEEN"));
}

}  // namespace
}  // namespace tidings::expr
