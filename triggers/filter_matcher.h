// triggers: one entry of a filter pattern's value array, such as "shipped",
// {"prefix": "ORD-"} or {"numeric": [">", 0, "<=", 5]}.
//
// FilterPattern builds these from the arrays at the leaves of a pattern and
// applies them to the record value found at the same path. Numbers compare by
// decimal value (common/attribute_value.h CompareNumbers), so 5, 5.0 and the
// DynamoDB number string "5.00" are equal.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "rapidjson/document.h"

namespace tidings {

// Builds the ValidationError for a bad pattern. `path` names the bad part, for
// example "dynamodb.NewImage.status.S[0]", and is empty for the whole pattern.
absl::Status FilterPatternError(std::string_view path, std::string_view detail);

// Describes the JSON type of `value` for error messages: "a string", "an array"...
std::string_view JsonTypeName(const rapidjson::Value& value);

// Returns the decimal text of a JSON number: integers exactly, other numbers
// in the shortest form that reads back as the same double.
std::string JsonNumberText(const rapidjson::Value& number);

// A JSON scalar written in a pattern. Numbers keep their decimal text.
struct FilterLiteral {
  enum class Type { kString, kNumber, kBool, kNull };

  Type type = Type::kNull;
  std::string text;  // kString value or kNumber digits.
  bool boolean = false;
};

class FilterMatcher {
 public:
  // Parses one element of a leaf array. `path` names the element in error
  // messages, for example "dynamodb.NewImage.status.S[0]".
  static absl::StatusOr<FilterMatcher> Parse(const rapidjson::Value& json, std::string_view path);

  // Reports whether the matcher accepts `value`, a single record value that is
  // not an array, or nullptr when the field is absent from the record.
  // `numeric_strings` makes strings count as numbers. FilterPattern sets it
  // under a DynamoDB "N" or "NS" field, whose numbers are JSON strings.
  bool Matches(const rapidjson::Value* value, bool numeric_strings) const;

  // Reports whether this is {"exists": ...}, which tests the field as a whole
  // and is not applied to each member of an array value.
  bool IsExists() const { return kind_ == Kind::kExists; }
  bool exists() const { return exists_; }

 private:
  enum class Kind { kLiteral, kPrefix, kSuffix, kEqualsIgnoreCase, kExists, kNumeric };

  // One side of a numeric range: value and the operator that applies it.
  struct Comparison {
    enum class Op { kEqual, kLess, kLessOrEqual, kGreater, kGreaterOrEqual };
    Op op;
    std::string number;
  };

  static absl::StatusOr<FilterMatcher> ParseObject(const rapidjson::Value& json,
                                                   std::string_view path);
  static absl::StatusOr<FilterMatcher> ParseAnythingBut(const rapidjson::Value& operand,
                                                        std::string_view path);
  static absl::StatusOr<FilterMatcher> ParseStringOperator(Kind kind, std::string_view name,
                                                           const rapidjson::Value& operand,
                                                           std::string_view path);
  static absl::StatusOr<FilterMatcher> ParseNumeric(const rapidjson::Value& operand,
                                                    std::string_view path);

  bool MatchesPresent(const rapidjson::Value& value, bool numeric_strings) const;
  bool MatchesLiteral(const rapidjson::Value& value, bool numeric_strings) const;
  bool MatchesText(std::string_view text) const;
  bool MatchesNumeric(const rapidjson::Value& value, bool numeric_strings) const;

  Kind kind_ = Kind::kLiteral;
  // Set by anything-but: the matcher accepts a present, non-object value that
  // the inner kind rejects.
  bool negated_ = false;
  // kLiteral: the accepted values (one, or an anything-but list).
  std::vector<FilterLiteral> literals_;
  // kPrefix, kSuffix, kEqualsIgnoreCase: the operands, any of which may match.
  std::vector<std::string> texts_;
  // kPrefix and kSuffix written with {"equals-ignore-case": ...}.
  bool ignore_case_ = false;
  bool exists_ = true;
  std::vector<Comparison> comparisons_;
};

}  // namespace tidings
