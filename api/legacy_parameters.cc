// Legacy parameters of one request: the mixing rule, ConditionalOperator,
// Select, and the translation of each parameter.
#include "api/legacy_parameters.h"

#include <set>
#include <string>
#include <vector>

#include "api/legacy_conditions.h"
#include "api/legacy_key_conditions.h"
#include "common/errors.h"
#include "fmt/format.h"

namespace tidings {
namespace {

// One legacy parameter and the expression parameter that replaces it.
struct LegacyParameter {
  const char* name;
  const char* replacement;
};

constexpr LegacyParameter kLegacyParameters[] = {
    {"AttributesToGet", "ProjectionExpression"}, {"AttributeUpdates", "UpdateExpression"},
    {"Expected", "ConditionExpression"},         {"QueryFilter", "FilterExpression"},
    {"ScanFilter", "FilterExpression"},          {"ConditionalOperator", "ConditionExpression"},
    {"KeyConditions", "KeyConditionExpression"},
};

// The parameters of each form that an operation accepts, in the order
// DynamoDB lists them in its mixing message.
struct OperationParameters {
  std::vector<const char*> legacy;
  std::vector<const char*> expressions;
};

OperationParameters ParametersOf(LegacyOperation operation) {
  switch (operation) {
    case LegacyOperation::kPutOrDelete:
      return {{"Expected", "ConditionalOperator"}, {"ConditionExpression"}};
    case LegacyOperation::kUpdate:
      return {{"AttributeUpdates", "Expected", "ConditionalOperator"},
              {"UpdateExpression", "ConditionExpression"}};
    case LegacyOperation::kGet:
      return {{"AttributesToGet"}, {"ProjectionExpression"}};
    case LegacyOperation::kQuery:
      return {{"AttributesToGet", "QueryFilter", "ConditionalOperator", "KeyConditions"},
              {"ProjectionExpression", "FilterExpression", "KeyConditionExpression"}};
    case LegacyOperation::kScan:
      return {{"AttributesToGet", "ScanFilter", "ConditionalOperator"},
              {"ProjectionExpression", "FilterExpression"}};
  }
  return {};
}

// The legacy condition parameter of `operation`, or null for GetItem.
const char* FilterParameter(LegacyOperation operation) {
  switch (operation) {
    case LegacyOperation::kPutOrDelete:
    case LegacyOperation::kUpdate:
      return "Expected";
    case LegacyOperation::kQuery:
      return "QueryFilter";
    case LegacyOperation::kScan:
      return "ScanFilter";
    case LegacyOperation::kGet:
      return nullptr;
  }
  return nullptr;
}

absl::Status CheckParameterMix(const Request& request, LegacyOperation operation) {
  OperationParameters parameters = ParametersOf(operation);
  std::vector<std::string> expressions;
  for (const char* name : parameters.expressions) {
    if (request.Has(name)) expressions.push_back(name);
  }
  if (expressions.empty()) return absl::OkStatus();

  // KeyConditions may accompany FilterExpression and ProjectionExpression.
  // Only KeyConditionExpression excludes it.
  std::vector<std::string> legacy;
  for (const char* name : parameters.legacy) {
    if (std::string_view(name) == "KeyConditions" && !request.Has("KeyConditionExpression")) {
      continue;
    }
    if (request.Has(name)) legacy.push_back(name);
  }
  if (legacy.empty()) return absl::OkStatus();
  return ValidationError(
      fmt::format("Can not use both expression and non-expression parameters in the same request: "
                  "Non-expression parameters: {{{}}} Expression parameters: {{{}}}",
                  fmt::join(legacy, ", "), fmt::join(expressions, ", ")));
}

// Returns whether ConditionalOperator joins the conditions with OR. It must
// come with two or more conditions in the operation's Expected or filter.
absl::StatusOr<bool> ParseConditionalOperator(const Request& request, LegacyOperation operation) {
  auto text = request.OptionalString("ConditionalOperator");
  if (!text.ok()) return text.status();
  const char* filter = FilterParameter(operation);
  if (!*text || filter == nullptr) return false;
  if (**text != "AND" && **text != "OR") {
    return ValidationError(fmt::format(
        "1 validation error detected: Value '{}' at 'conditionalOperator' failed to satisfy "
        "constraint: Member must satisfy enum value set: [OR, AND]",
        **text));
  }

  const rapidjson::Value& root = request.root();
  size_t conditions =
      request.Has(filter) && root[filter].IsObject() ? root[filter].MemberCount() : 0;
  if (conditions == 0) {
    return ValidationError("ConditionalOperator cannot be used without Filter or Expected");
  }
  if (conditions == 1) {
    return ValidationError(
        "ConditionalOperator can only be used when Filter or Expected has two or more elements");
  }
  return **text == "OR";
}

// Checks Select against AttributesToGet and ProjectionExpression, which the
// mixing rule keeps from appearing together.
absl::Status CheckSelect(const Request& request) {
  auto select = request.OptionalString("Select");
  if (!select.ok() || !*select) return select.status();
  bool attributes = request.Has("AttributesToGet");
  if (!attributes && !request.Has("ProjectionExpression")) {
    if (**select != "SPECIFIC_ATTRIBUTES") return absl::OkStatus();
    return ValidationError(
        "Must specify the AttributesToGet or ProjectionExpression when choosing to get "
        "SPECIFIC_ATTRIBUTES");
  }
  const char* projection = attributes ? "AttributesToGet" : "ProjectionExpression";
  if (**select == "ALL_ATTRIBUTES" || **select == "ALL_PROJECTED_ATTRIBUTES") {
    return ValidationError(
        fmt::format("Cannot specify the {} when choosing to get {}", projection, **select));
  }
  if (**select == "COUNT") {
    return ValidationError(
        fmt::format("Cannot specify the {} when choosing to get only the Count", projection));
  }
  return absl::OkStatus();
}

// Translates AttributesToGet: top-level attribute names, taken literally.
absl::StatusOr<expr::ProjectionExpression> TranslateAttributesToGet(const rapidjson::Value& json) {
  if (!json.IsArray()) {
    return MakeError(ErrorKind::kSerialization,
                     "Invalid type for field AttributesToGet: expected a list of strings");
  }
  std::vector<std::string> names;
  for (const auto& element : json.GetArray()) {
    if (!element.IsString()) {
      return MakeError(ErrorKind::kSerialization,
                       "Invalid type for field AttributesToGet: expected a list of strings");
    }
    names.emplace_back(element.GetString(), element.GetStringLength());
  }
  if (names.empty() || names.size() > 255) {
    return ValidationError(fmt::format(
        "1 validation error detected: Value '[{}]' at 'attributesToGet' failed to satisfy "
        "constraint: Member must have length {}",
        fmt::join(names, ", "),
        names.empty() ? "greater than or equal to 1" : "less than or equal to 255"));
  }

  PlaceholderMaps maps;
  std::set<std::string> seen;
  std::vector<std::string> paths;
  for (const std::string& name : names) {
    if (!seen.insert(name).second) {
      return ValidationError(fmt::format(
          "One or more parameter values were invalid: Duplicate value in attribute name: {}",
          name));
    }
    paths.push_back(maps.Name(name));
  }
  return expr::ProjectionExpression::Parse(fmt::format("{}", fmt::join(paths, ", ")), maps.names());
}

// Translates Expected, QueryFilter or ScanFilter (`parameter`), or returns
// nullopt for an empty map. QueryFilter may not name a key attribute of
// `key_table`.
absl::StatusOr<std::optional<expr::ConditionExpression>> TranslateCondition(
    const rapidjson::Value& json, std::string_view parameter, bool join_with_or,
    const TableDescription* key_table) {
  auto conditions =
      parameter == "Expected" ? ParseExpectedMap(json) : ParseConditionMap(parameter, json);
  if (!conditions.ok()) return conditions.status();
  if (conditions->empty()) return std::optional<expr::ConditionExpression>();

  for (const LegacyCondition& condition : *conditions) {
    if (key_table == nullptr) break;
    bool is_key = condition.attribute == key_table->hash_key.name ||
                  (key_table->range_key && condition.attribute == key_table->range_key->name);
    if (is_key) {
      return ValidationError(fmt::format(
          "QueryFilter can only contain non-primary key attributes: Primary key attribute: {}",
          condition.attribute));
    }
  }

  PlaceholderMaps maps;
  std::string text = ConditionText(*conditions, join_with_or, &maps);
  // NOTE: the generated text is held to the expression limit of 4 KB, which a
  // few hundred conditions or IN values reach. DynamoDB states no such limit
  // for the legacy parameters.
  auto condition = expr::ConditionExpression::Parse(
      text, maps.names(), maps.values(),
      parameter == "Expected" ? "ConditionExpression" : "FilterExpression");
  if (!condition.ok()) return condition.status();
  return std::optional<expr::ConditionExpression>(*std::move(condition));
}

}  // namespace

absl::StatusOr<LegacyExpressions> TranslateLegacyParameters(const Request& request,
                                                            LegacyOperation operation,
                                                            const TableDescription* key_table) {
  if (auto s = CheckParameterMix(request, operation); !s.ok()) return s;
  auto join_with_or = ParseConditionalOperator(request, operation);
  if (!join_with_or.ok()) return join_with_or.status();
  bool reads_many = operation == LegacyOperation::kQuery || operation == LegacyOperation::kScan;
  if (reads_many) {
    if (auto s = CheckSelect(request); !s.ok()) return s;
  }

  LegacyExpressions out;
  const rapidjson::Value& root = request.root();
  if (operation == LegacyOperation::kUpdate && request.Has("AttributeUpdates")) {
    auto update = TranslateAttributeUpdates(root["AttributeUpdates"]);
    if (!update.ok()) return update.status();
    out.update = *std::move(update);
  }
  if (const char* filter = FilterParameter(operation); filter && request.Has(filter)) {
    const TableDescription* filter_keys =
        operation == LegacyOperation::kQuery ? key_table : nullptr;
    auto condition = TranslateCondition(root[filter], filter, *join_with_or, filter_keys);
    if (!condition.ok()) return condition.status();
    out.condition = *std::move(condition);
  }
  if ((reads_many || operation == LegacyOperation::kGet) && request.Has("AttributesToGet")) {
    auto projection = TranslateAttributesToGet(root["AttributesToGet"]);
    if (!projection.ok()) return projection.status();
    out.projection = *std::move(projection);
  }
  if (operation == LegacyOperation::kQuery && key_table != nullptr &&
      request.Has("KeyConditions")) {
    auto key_condition = TranslateKeyConditions(root["KeyConditions"], *key_table);
    if (!key_condition.ok()) return key_condition.status();
    out.key_condition = *std::move(key_condition);
  }
  return out;
}

absl::Status RejectLegacyParameters(const Request& request, std::string_view operation) {
  for (const LegacyParameter& parameter : kLegacyParameters) {
    if (!request.Has(parameter.name)) continue;
    return ValidationError(fmt::format("{} does not accept the legacy parameter {}; use {} instead",
                                       operation, parameter.name, parameter.replacement));
  }
  return absl::OkStatus();
}

}  // namespace tidings
