// Legacy conditions: parsing with DynamoDB's checks, and translation into
// ConditionExpression text.
#include "api/legacy_conditions.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include "common/attribute_json.h"
#include "common/errors.h"
#include "fmt/format.h"

namespace tidings {
namespace {

struct OperatorInfo {
  ComparisonOperator op;
  std::string_view name;
  std::string_view expression_comparator;  // For the six comparisons, else empty.
};

constexpr OperatorInfo kOperators[] = {
    {ComparisonOperator::kEq, "EQ", "="},
    {ComparisonOperator::kNe, "NE", "<>"},
    {ComparisonOperator::kLe, "LE", "<="},
    {ComparisonOperator::kLt, "LT", "<"},
    {ComparisonOperator::kGe, "GE", ">="},
    {ComparisonOperator::kGt, "GT", ">"},
    {ComparisonOperator::kNotNull, "NOT_NULL", ""},
    {ComparisonOperator::kNull, "NULL", ""},
    {ComparisonOperator::kContains, "CONTAINS", ""},
    {ComparisonOperator::kNotContains, "NOT_CONTAINS", ""},
    {ComparisonOperator::kBeginsWith, "BEGINS_WITH", ""},
    {ComparisonOperator::kIn, "IN", ""},
    {ComparisonOperator::kBetween, "BETWEEN", ""},
};

// DynamoDB lists the enum in this order in its validation messages.
constexpr std::string_view kOperatorEnum =
    "[IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]";

// The expression IN operator takes at most 100 candidates, so longer legacy
// IN lists become an OR of several IN terms.
constexpr size_t kInCandidatesPerTerm = 100;

const OperatorInfo& InfoOf(ComparisonOperator op) {
  for (const OperatorInfo& info : kOperators) {
    if (info.op == op) return info;
  }
  return kOperators[0];
}

std::string MemberPath(std::string_view field, const std::string& attribute,
                       std::string_view member) {
  std::string path(field);
  if (!path.empty()) path[0] = static_cast<char>(std::tolower(path[0]));
  return fmt::format("{}.{}.member.{}", path, attribute, member);
}

absl::Status WrongType(std::string_view field, std::string_view expected) {
  return MakeError(ErrorKind::kSerialization,
                   fmt::format("Invalid type for field {}: expected {}", field, expected));
}

absl::Status InvalidParameter(std::string_view message) {
  return ValidationError(fmt::format("One or more parameter values were invalid: {}", message));
}

absl::StatusOr<ComparisonOperator> ParseOperator(std::string_view field,
                                                 const std::string& attribute,
                                                 const rapidjson::Value& json) {
  if (!json.IsString()) return WrongType("ComparisonOperator", "a string");
  std::string_view text(json.GetString(), json.GetStringLength());
  for (const OperatorInfo& info : kOperators) {
    if (info.name == text) return info.op;
  }
  return ValidationError(fmt::format(
      "1 validation error detected: Value '{}' at '{}' failed to satisfy constraint: Member must "
      "satisfy enum value set: {}",
      text, MemberPath(field, attribute, "comparisonOperator"), kOperatorEnum));
}

// Returns the member `name` of `object`, or null when it is missing or null.
const rapidjson::Value* Member(const rapidjson::Value& object, const char* name) {
  auto it = object.FindMember(name);
  if (it == object.MemberEnd() || it->value.IsNull()) return nullptr;
  return &it->value;
}

absl::StatusOr<std::vector<AttributeValue>> ParseValueList(const rapidjson::Value& json) {
  if (!json.IsArray()) return WrongType("AttributeValueList", "a list of attribute values");
  std::vector<AttributeValue> values;
  for (const auto& element : json.GetArray()) {
    auto value = AttributeValueFromJson(element);
    if (!value.ok()) return value.status();
    values.push_back(*std::move(value));
  }
  return values;
}

bool CountFits(ComparisonOperator op, size_t count) {
  switch (op) {
    case ComparisonOperator::kNotNull:
    case ComparisonOperator::kNull:
      return count == 0;
    case ComparisonOperator::kIn:
      return count >= 1;
    case ComparisonOperator::kBetween:
      return count == 2;
    default:
      return count == 1;
  }
}

// The AttributeValueList types each operator accepts, as DynamoDB documents
// them. NOTE: EQ and NE accept every type here, following the documentation's
// "EQ is supported for all data types, including lists and maps".
bool TypeFits(ComparisonOperator op, AttributeType type) {
  bool scalar = type == AttributeType::kS || type == AttributeType::kN || type == AttributeType::kB;
  switch (op) {
    case ComparisonOperator::kEq:
    case ComparisonOperator::kNe:
      return true;
    case ComparisonOperator::kBeginsWith:
      return type == AttributeType::kS || type == AttributeType::kB;
    default:
      return scalar;
  }
}

int CompareScalars(const AttributeValue& a, const AttributeValue& b) {
  if (a.type() == AttributeType::kN) return CompareNumbers(a.scalar(), b.scalar());
  return a.scalar().compare(b.scalar());  // Bytes compare as unsigned.
}

// Checks the AttributeValueList of `op` in DynamoDB's order: count, types,
// same type, then the BETWEEN bounds.
absl::Status CheckValues(ComparisonOperator op, const std::vector<AttributeValue>& values) {
  std::string_view name = ComparisonOperatorName(op);
  if (!CountFits(op, values.size())) {
    return InvalidParameter(
        fmt::format("Invalid number of argument(s) for the {} ComparisonOperator", name));
  }
  for (const AttributeValue& value : values) {
    if (!TypeFits(op, value.type())) {
      return InvalidParameter(
          fmt::format("ComparisonOperator {} is not valid for {} AttributeValue type", name,
                      AttributeTypeName(value.type())));
    }
  }
  for (const AttributeValue& value : values) {
    if (value.type() != values[0].type()) {
      return InvalidParameter("AttributeValues inside AttributeValueList must be of same type");
    }
  }
  if (op == ComparisonOperator::kBetween && CompareScalars(values[0], values[1]) > 0) {
    return ValidationError(
        "The BETWEEN condition was provided a range where the lower bound is greater than the "
        "upper bound");
  }
  return absl::OkStatus();
}

absl::StatusOr<LegacyCondition> ParseCondition(std::string_view field, const std::string& attribute,
                                               const rapidjson::Value& json) {
  if (!json.IsObject()) return WrongType(field, "a map of conditions");
  const rapidjson::Value* op_json = Member(json, "ComparisonOperator");
  if (op_json == nullptr) {
    return ValidationError(fmt::format(
        "1 validation error detected: Value null at '{}' failed to satisfy constraint: Member "
        "must not be null",
        MemberPath(field, attribute, "comparisonOperator")));
  }
  auto op = ParseOperator(field, attribute, *op_json);
  if (!op.ok()) return op.status();

  LegacyCondition condition{attribute, *op, {}};
  if (const rapidjson::Value* list = Member(json, "AttributeValueList")) {
    auto values = ParseValueList(*list);
    if (!values.ok()) return values.status();
    condition.values = *std::move(values);
  }
  if (auto status = CheckValues(condition.op, condition.values); !status.ok()) return status;
  return condition;
}

// Parses {ComparisonOperator, AttributeValueList or Value}, one form of an
// Expected entry.
absl::StatusOr<LegacyCondition> ParseExpectedComparison(const std::string& attribute,
                                                        const rapidjson::Value& json,
                                                        ComparisonOperator op) {
  const rapidjson::Value* list = Member(json, "AttributeValueList");
  const rapidjson::Value* value = Member(json, "Value");
  if (Member(json, "Exists") != nullptr) {
    return InvalidParameter(fmt::format(
        "Exists and ComparisonOperator cannot be used together for Attribute: {}", attribute));
  }
  bool takes_values = op != ComparisonOperator::kNull && op != ComparisonOperator::kNotNull;
  if (takes_values && list == nullptr && value == nullptr) {
    return InvalidParameter(fmt::format(
        "Value or AttributeValueList must be used with ComparisonOperator: {} for Attribute: {}",
        ComparisonOperatorName(op), attribute));
  }

  LegacyCondition condition{attribute, op, {}};
  if (list != nullptr) {
    auto values = ParseValueList(*list);
    if (!values.ok()) return values.status();
    condition.values = *std::move(values);
  } else if (value != nullptr) {
    auto parsed = AttributeValueFromJson(*value);
    if (!parsed.ok()) return parsed.status();
    condition.values.push_back(*std::move(parsed));
  }
  if (auto status = CheckValues(op, condition.values); !status.ok()) return status;
  return condition;
}

// Parses {Value, Exists}, the older form of an Expected entry: Value alone
// (or with Exists true) means equality, Exists false alone means absence.
absl::StatusOr<LegacyCondition> ParseExpectedValue(const std::string& attribute,
                                                   const rapidjson::Value& json) {
  if (Member(json, "AttributeValueList") != nullptr) {
    return InvalidParameter(fmt::format(
        "AttributeValueList can only be used with a ComparisonOperator for Attribute: {}",
        attribute));
  }
  const rapidjson::Value* exists_json = Member(json, "Exists");
  if (exists_json != nullptr && !exists_json->IsBool()) return WrongType("Exists", "a boolean");
  const rapidjson::Value* value = Member(json, "Value");

  bool exists = exists_json == nullptr || exists_json->GetBool();
  if (exists && value == nullptr) {
    return InvalidParameter(
        fmt::format("Value must be provided when Exists is {} for Attribute: {}",
                    exists_json == nullptr ? "null" : "true", attribute));
  }
  if (!exists && value != nullptr) {
    return InvalidParameter(
        fmt::format("Value cannot be used when Exists is false for Attribute: {}", attribute));
  }
  if (!exists) return LegacyCondition{attribute, ComparisonOperator::kNull, {}};

  auto parsed = AttributeValueFromJson(*value);
  if (!parsed.ok()) return parsed.status();
  return LegacyCondition{attribute, ComparisonOperator::kEq, {*std::move(parsed)}};
}

absl::StatusOr<LegacyCondition> ParseExpected(const std::string& attribute,
                                              const rapidjson::Value& json) {
  if (!json.IsObject()) return WrongType("Expected", "a map of expected attribute values");
  const rapidjson::Value* op_json = Member(json, "ComparisonOperator");
  std::optional<ComparisonOperator> op;
  if (op_json != nullptr) {
    auto parsed = ParseOperator("Expected", attribute, *op_json);
    if (!parsed.ok()) return parsed.status();
    op = *parsed;
  }
  if (Member(json, "AttributeValueList") != nullptr && Member(json, "Value") != nullptr) {
    return InvalidParameter(fmt::format(
        "Value and AttributeValueList cannot be used together for Attribute: {}", attribute));
  }
  if (op) return ParseExpectedComparison(attribute, json, *op);
  return ParseExpectedValue(attribute, json);
}

// Writes one condition as an expression term, without enclosing parentheses.
std::string ConditionTerm(const LegacyCondition& condition, PlaceholderMaps* maps) {
  std::string name = maps->Name(condition.attribute);
  const std::vector<AttributeValue>& values = condition.values;
  switch (condition.op) {
    case ComparisonOperator::kNotNull:
      return fmt::format("attribute_exists({})", name);
    case ComparisonOperator::kNull:
      return fmt::format("attribute_not_exists({})", name);
    case ComparisonOperator::kContains:
      return fmt::format("contains({}, {})", name, maps->Value(values[0]));
    case ComparisonOperator::kNotContains:
      // Unlike NOT contains(), legacy NOT_CONTAINS is false on a missing attribute.
      return fmt::format("attribute_exists({0}) AND NOT contains({0}, {1})", name,
                         maps->Value(values[0]));
    case ComparisonOperator::kBeginsWith:
      return fmt::format("begins_with({}, {})", name, maps->Value(values[0]));
    case ComparisonOperator::kBetween:
      return fmt::format("{} BETWEEN {} AND {}", name, maps->Value(values[0]),
                         maps->Value(values[1]));
    case ComparisonOperator::kIn: {
      std::vector<std::string> terms;
      for (size_t start = 0; start < values.size(); start += kInCandidatesPerTerm) {
        std::vector<std::string> candidates;
        size_t end = std::min(values.size(), start + kInCandidatesPerTerm);
        for (size_t i = start; i < end; ++i) candidates.push_back(maps->Value(values[i]));
        terms.push_back(fmt::format("{} IN ({})", name, fmt::join(candidates, ", ")));
      }
      return fmt::format("{}", fmt::join(terms, " OR "));
    }
    default:
      return fmt::format("{} {} {}", name, InfoOf(condition.op).expression_comparator,
                         maps->Value(values[0]));
  }
}

}  // namespace

std::string_view ComparisonOperatorName(ComparisonOperator op) { return InfoOf(op).name; }

std::string PlaceholderMaps::Name(const std::string& attribute) {
  auto found = name_of_attribute_.find(attribute);
  if (found != name_of_attribute_.end()) return found->second;
  std::string placeholder = fmt::format("#n{}", names_.size());
  names_.emplace(placeholder, attribute);
  name_of_attribute_.emplace(attribute, placeholder);
  return placeholder;
}

std::string PlaceholderMaps::Value(AttributeValue value) {
  std::string placeholder = fmt::format(":v{}", values_.size());
  values_.emplace(placeholder, std::move(value));
  return placeholder;
}

absl::StatusOr<std::vector<LegacyCondition>> ParseConditionMap(std::string_view parameter,
                                                               const rapidjson::Value& json) {
  if (!json.IsObject()) return WrongType(parameter, "a map of conditions");
  std::vector<LegacyCondition> conditions;
  for (const auto& member : json.GetObject()) {
    std::string attribute(member.name.GetString(), member.name.GetStringLength());
    auto condition = ParseCondition(parameter, attribute, member.value);
    if (!condition.ok()) return condition.status();
    conditions.push_back(*std::move(condition));
  }
  return conditions;
}

absl::StatusOr<std::vector<LegacyCondition>> ParseExpectedMap(const rapidjson::Value& json) {
  if (!json.IsObject()) return WrongType("Expected", "a map of expected attribute values");
  std::vector<LegacyCondition> conditions;
  for (const auto& member : json.GetObject()) {
    std::string attribute(member.name.GetString(), member.name.GetStringLength());
    auto condition = ParseExpected(attribute, member.value);
    if (!condition.ok()) return condition.status();
    conditions.push_back(*std::move(condition));
  }
  return conditions;
}

std::string ConditionText(const std::vector<LegacyCondition>& conditions, bool join_with_or,
                          PlaceholderMaps* maps) {
  std::vector<std::string> terms;
  for (const LegacyCondition& condition : conditions) {
    terms.push_back(fmt::format("({})", ConditionTerm(condition, maps)));
  }
  return fmt::format("{}", fmt::join(terms, join_with_or ? " OR " : " AND "));
}

}  // namespace tidings
