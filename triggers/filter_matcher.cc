#include "triggers/filter_matcher.h"

#include "absl/strings/ascii.h"
#include "common/attribute_value.h"
#include "common/errors.h"
#include "fmt/format.h"

namespace tidings {
namespace {

constexpr std::string_view kSupportedMatchers =
    "prefix, suffix, equals-ignore-case, anything-but, exists or numeric";

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (absl::ascii_tolower(static_cast<unsigned char>(a[i])) !=
        absl::ascii_tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

bool HasPrefix(std::string_view text, std::string_view prefix, bool ignore_case) {
  if (text.size() < prefix.size()) return false;
  std::string_view head = text.substr(0, prefix.size());
  return ignore_case ? EqualsIgnoreCase(head, prefix) : head == prefix;
}

bool HasSuffix(std::string_view text, std::string_view suffix, bool ignore_case) {
  if (text.size() < suffix.size()) return false;
  std::string_view tail = text.substr(text.size() - suffix.size());
  return ignore_case ? EqualsIgnoreCase(tail, suffix) : tail == suffix;
}

std::string_view StringOf(const rapidjson::Value& value) {
  return std::string_view(value.GetString(), value.GetStringLength());
}

// Returns the decimal text of `value` if it counts as a number, else "".
std::string NumberTextOf(const rapidjson::Value& value, bool numeric_strings) {
  if (value.IsNumber()) return JsonNumberText(value);
  if (numeric_strings && value.IsString() && IsValidNumber(StringOf(value))) {
    return std::string(StringOf(value));
  }
  return "";
}

FilterLiteral LiteralFrom(const rapidjson::Value& json) {
  FilterLiteral literal;
  if (json.IsString()) {
    literal.type = FilterLiteral::Type::kString;
    literal.text = std::string(StringOf(json));
  } else if (json.IsNumber()) {
    literal.type = FilterLiteral::Type::kNumber;
    literal.text = JsonNumberText(json);
  } else if (json.IsBool()) {
    literal.type = FilterLiteral::Type::kBool;
    literal.boolean = json.GetBool();
  }
  return literal;
}

}  // namespace

absl::Status FilterPatternError(std::string_view path, std::string_view detail) {
  if (path.empty()) return ValidationError(fmt::format("invalid filter pattern: {}", detail));
  return ValidationError(fmt::format("invalid filter pattern at {}: {}", path, detail));
}

std::string_view JsonTypeName(const rapidjson::Value& value) {
  if (value.IsString()) return "a string";
  if (value.IsNumber()) return "a number";
  if (value.IsBool()) return "a boolean";
  if (value.IsNull()) return "null";
  if (value.IsArray()) return "an array";
  return "an object";
}

std::string JsonNumberText(const rapidjson::Value& number) {
  if (number.IsInt64()) return std::to_string(number.GetInt64());
  if (number.IsUint64()) return std::to_string(number.GetUint64());
  return fmt::format("{}", number.GetDouble());
}

absl::StatusOr<FilterMatcher> FilterMatcher::Parse(const rapidjson::Value& json,
                                                   std::string_view path) {
  if (json.IsObject()) return ParseObject(json, path);
  if (json.IsArray()) {
    return FilterPatternError(path, "nested arrays are not allowed; list the values directly");
  }

  FilterMatcher matcher;
  matcher.kind_ = Kind::kLiteral;
  matcher.literals_.push_back(LiteralFrom(json));
  return matcher;
}

absl::StatusOr<FilterMatcher> FilterMatcher::ParseObject(const rapidjson::Value& json,
                                                         std::string_view path) {
  if (json.MemberCount() != 1) {
    return FilterPatternError(
        path, fmt::format("a matcher object must have exactly one key, such as "
                          "{{\"prefix\": \"ORD-\"}}, but this one has {}",
                          json.MemberCount()));
  }

  const auto& member = *json.MemberBegin();
  std::string_view name = StringOf(member.name);
  const rapidjson::Value& operand = member.value;
  if (name == "prefix") return ParseStringOperator(Kind::kPrefix, name, operand, path);
  if (name == "suffix") return ParseStringOperator(Kind::kSuffix, name, operand, path);
  if (name == "equals-ignore-case") {
    return ParseStringOperator(Kind::kEqualsIgnoreCase, name, operand, path);
  }
  if (name == "anything-but") return ParseAnythingBut(operand, path);
  if (name == "numeric") return ParseNumeric(operand, path);
  if (name == "exists") {
    if (!operand.IsBool()) {
      return FilterPatternError(
          path, fmt::format("\"exists\" takes true or false, not {}", JsonTypeName(operand)));
    }
    FilterMatcher matcher;
    matcher.kind_ = Kind::kExists;
    matcher.exists_ = operand.GetBool();
    return matcher;
  }
  return FilterPatternError(
      path, fmt::format("unknown matcher \"{}\"; use {}", name, kSupportedMatchers));
}

// Parses the operand of prefix, suffix or equals-ignore-case outside
// anything-but. Prefix and suffix also accept {"equals-ignore-case": "text"}.
absl::StatusOr<FilterMatcher> FilterMatcher::ParseStringOperator(Kind kind, std::string_view name,
                                                                 const rapidjson::Value& operand,
                                                                 std::string_view path) {
  FilterMatcher matcher;
  matcher.kind_ = kind;
  if (operand.IsString()) {
    matcher.texts_.emplace_back(StringOf(operand));
    return matcher;
  }

  bool case_insensitive_form = kind != Kind::kEqualsIgnoreCase && operand.IsObject() &&
                               operand.MemberCount() == 1 &&
                               StringOf(operand.MemberBegin()->name) == "equals-ignore-case" &&
                               operand.MemberBegin()->value.IsString();
  if (case_insensitive_form) {
    matcher.ignore_case_ = true;
    matcher.texts_.emplace_back(StringOf(operand.MemberBegin()->value));
    return matcher;
  }

  if (kind == Kind::kEqualsIgnoreCase) {
    return FilterPatternError(
        path, fmt::format("\"{}\" takes a string, not {}", name, JsonTypeName(operand)));
  }
  return FilterPatternError(
      path, fmt::format("\"{}\" takes a string or {{\"equals-ignore-case\": \"text\"}}, not {}",
                        name, JsonTypeName(operand)));
}

// Parses {"anything-but": operand}. The operand is a string, a number, a
// non-empty array of those, or one of {"prefix": "text"}, {"suffix": "text"}
// and {"equals-ignore-case": "text" or ["text", ...]}.
absl::StatusOr<FilterMatcher> FilterMatcher::ParseAnythingBut(const rapidjson::Value& operand,
                                                              std::string_view path) {
  FilterMatcher matcher;
  matcher.negated_ = true;

  if (operand.IsString() || operand.IsNumber()) {
    matcher.kind_ = Kind::kLiteral;
    matcher.literals_.push_back(LiteralFrom(operand));
    return matcher;
  }

  if (operand.IsArray()) {
    if (operand.Empty()) {
      return FilterPatternError(path, "\"anything-but\" needs at least one value in its array");
    }
    for (const auto& element : operand.GetArray()) {
      if (!element.IsString() && !element.IsNumber()) {
        return FilterPatternError(
            path, fmt::format("\"anything-but\" lists only strings and numbers, not {}",
                              JsonTypeName(element)));
      }
      matcher.literals_.push_back(LiteralFrom(element));
    }
    matcher.kind_ = Kind::kLiteral;
    return matcher;
  }

  if (operand.IsObject() && operand.MemberCount() == 1) {
    std::string_view name = StringOf(operand.MemberBegin()->name);
    const rapidjson::Value& inner = operand.MemberBegin()->value;
    if (name == "prefix" || name == "suffix" || name == "equals-ignore-case") {
      matcher.kind_ = name == "prefix"   ? Kind::kPrefix
                      : name == "suffix" ? Kind::kSuffix
                                         : Kind::kEqualsIgnoreCase;
      if (inner.IsString()) {
        matcher.texts_.emplace_back(StringOf(inner));
        return matcher;
      }
      bool string_list = name == "equals-ignore-case" && inner.IsArray() && !inner.Empty();
      if (string_list) {
        for (const auto& element : inner.GetArray()) string_list = string_list && element.IsString();
      }
      if (string_list) {
        for (const auto& element : inner.GetArray()) matcher.texts_.emplace_back(StringOf(element));
        return matcher;
      }
      return FilterPatternError(
          path, fmt::format("\"{}\" inside \"anything-but\" takes a string, not {}", name,
                            JsonTypeName(inner)));
    }
  }

  return FilterPatternError(
      path, fmt::format("\"anything-but\" takes a string, a number, an array of them, or one of "
                        "{{\"prefix\": ...}}, {{\"suffix\": ...}}, {{\"equals-ignore-case\": "
                        "...}}; got {}",
                        JsonTypeName(operand)));
}

// Parses {"numeric": [op, number, ...]}: "=" with one number, or at most one
// lower bound (">" or ">=") and one upper bound ("<" or "<=").
absl::StatusOr<FilterMatcher> FilterMatcher::ParseNumeric(const rapidjson::Value& operand,
                                                          std::string_view path) {
  constexpr std::string_view kExample = "such as [\">\", 0, \"<=\", 5] or [\"=\", 3]";
  if (!operand.IsArray() || operand.Empty() || operand.Size() % 2 != 0) {
    return FilterPatternError(
        path, fmt::format("\"numeric\" takes operator and number pairs {}", kExample));
  }

  FilterMatcher matcher;
  matcher.kind_ = Kind::kNumeric;
  bool has_lower = false;
  bool has_upper = false;
  for (rapidjson::SizeType i = 0; i < operand.Size(); i += 2) {
    const rapidjson::Value& op_json = operand[i];
    const rapidjson::Value& number = operand[i + 1];
    if (!op_json.IsString()) {
      return FilterPatternError(
          path, fmt::format("\"numeric\" expects an operator at position {}, not {}; write pairs {}",
                            i, JsonTypeName(op_json), kExample));
    }
    std::string_view op = StringOf(op_json);
    if (!number.IsNumber()) {
      return FilterPatternError(
          path, fmt::format("\"numeric\" operator \"{}\" needs a number, not {}", op,
                            JsonTypeName(number)));
    }

    Comparison comparison{Comparison::Op::kEqual, JsonNumberText(number)};
    bool lower = false;
    bool upper = false;
    if (op == "=") {
      if (operand.Size() != 2) {
        return FilterPatternError(path, "\"numeric\" with \"=\" takes exactly one number");
      }
    } else if (op == ">" || op == ">=") {
      comparison.op = op == ">" ? Comparison::Op::kGreater : Comparison::Op::kGreaterOrEqual;
      lower = true;
    } else if (op == "<" || op == "<=") {
      comparison.op = op == "<" ? Comparison::Op::kLess : Comparison::Op::kLessOrEqual;
      upper = true;
    } else {
      return FilterPatternError(
          path, fmt::format("\"numeric\" operator \"{}\" is not supported; use =, <, <=, > or >=",
                            op));
    }
    if ((lower && has_lower) || (upper && has_upper)) {
      return FilterPatternError(
          path, "\"numeric\" takes at most one lower bound (> or >=) and one upper bound (< or <=)");
    }
    has_lower = has_lower || lower;
    has_upper = has_upper || upper;
    matcher.comparisons_.push_back(std::move(comparison));
  }
  return matcher;
}

bool FilterMatcher::Matches(const rapidjson::Value* value, bool numeric_strings) const {
  if (kind_ == Kind::kExists) return exists_ == (value != nullptr);
  if (value == nullptr) return false;
  return MatchesPresent(*value, numeric_strings);
}

bool FilterMatcher::MatchesPresent(const rapidjson::Value& value, bool numeric_strings) const {
  if (value.IsObject() || value.IsArray()) return false;

  switch (kind_) {
    case Kind::kLiteral:
      return MatchesLiteral(value, numeric_strings) != negated_;
    case Kind::kPrefix:
    case Kind::kSuffix:
    case Kind::kEqualsIgnoreCase:
      if (!value.IsString()) return false;
      return MatchesText(StringOf(value)) != negated_;
    case Kind::kNumeric:
      return MatchesNumeric(value, numeric_strings);
    case Kind::kExists:
      return exists_;
  }
  return false;
}

bool FilterMatcher::MatchesLiteral(const rapidjson::Value& value, bool numeric_strings) const {
  std::string number;  // Computed once, on the first number literal.
  bool number_known = false;
  for (const FilterLiteral& literal : literals_) {
    switch (literal.type) {
      case FilterLiteral::Type::kString:
        if (value.IsString() && StringOf(value) == literal.text) return true;
        break;
      case FilterLiteral::Type::kNumber:
        if (!number_known) {
          number = NumberTextOf(value, numeric_strings);
          number_known = true;
        }
        if (!number.empty() && CompareNumbers(number, literal.text) == 0) return true;
        break;
      case FilterLiteral::Type::kBool:
        if (value.IsBool() && value.GetBool() == literal.boolean) return true;
        break;
      case FilterLiteral::Type::kNull:
        if (value.IsNull()) return true;
        break;
    }
  }
  return false;
}

bool FilterMatcher::MatchesText(std::string_view text) const {
  for (const std::string& operand : texts_) {
    bool hit = false;
    switch (kind_) {
      case Kind::kPrefix:
        hit = HasPrefix(text, operand, ignore_case_);
        break;
      case Kind::kSuffix:
        hit = HasSuffix(text, operand, ignore_case_);
        break;
      default:
        hit = EqualsIgnoreCase(text, operand);
        break;
    }
    if (hit) return true;
  }
  return false;
}

bool FilterMatcher::MatchesNumeric(const rapidjson::Value& value, bool numeric_strings) const {
  std::string number = NumberTextOf(value, numeric_strings);
  if (number.empty()) return false;

  for (const Comparison& comparison : comparisons_) {
    int order = CompareNumbers(number, comparison.number);
    bool satisfied = false;
    switch (comparison.op) {
      case Comparison::Op::kEqual:
        satisfied = order == 0;
        break;
      case Comparison::Op::kLess:
        satisfied = order < 0;
        break;
      case Comparison::Op::kLessOrEqual:
        satisfied = order <= 0;
        break;
      case Comparison::Op::kGreater:
        satisfied = order > 0;
        break;
      case Comparison::Op::kGreaterOrEqual:
        satisfied = order >= 0;
        break;
    }
    if (!satisfied) return false;
  }
  return true;
}

}  // namespace tidings
