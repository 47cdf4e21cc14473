// Expression parameters shared by the item, query and scan operations.
#include "api/expression_parameters.h"

#include "common/errors.h"
#include "fmt/format.h"

namespace tidings {
namespace {

absl::Status RejectLegacyParameters(const Request& request) {
  for (const char* legacy : {"Expected", "AttributeUpdates", "ConditionalOperator",
                             "AttributesToGet", "ScanFilter", "QueryFilter", "KeyConditions"}) {
    if (request.Has(legacy)) {
      return ValidationError(fmt::format(
          "The legacy parameter {} is not supported by this version of tidings; use the "
          "expression parameters instead",
          legacy));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Expressions> ParseExpressions(const Request& request, const char* condition_field,
                                             bool allow_update, bool allow_projection,
                                             const TableDescription* key_table) {
  if (auto s = RejectLegacyParameters(request); !s.ok()) return s;
  auto names = request.ExpressionNames();
  if (!names.ok()) return names.status();
  auto values = request.ExpressionValues();
  if (!values.ok()) return values.status();

  Expressions out;
  std::set<std::string> used_names, used_values;
  if (key_table != nullptr) {
    auto key_text = request.OptionalString("KeyConditionExpression");
    if (!key_text.ok()) return key_text.status();
    if (!*key_text) {
      return ValidationError(
          "Either the KeyConditions or KeyConditionExpression parameter must be specified in the "
          "request.");
    }
    auto key_condition = expr::ParseKeyCondition(
        **key_text, *names, *values, key_table->hash_key.name,
        key_table->range_key ? std::string_view(key_table->range_key->name) : std::string_view());
    if (!key_condition.ok()) return key_condition.status();
    used_names.insert(key_condition->used_names.begin(), key_condition->used_names.end());
    used_values.insert(key_condition->used_values.begin(), key_condition->used_values.end());
    out.key_condition = *std::move(key_condition);
  }
  auto condition_text = request.OptionalString(condition_field);
  if (!condition_text.ok()) return condition_text.status();
  if (*condition_text) {
    auto condition = expr::ConditionExpression::Parse(**condition_text, *names, *values, condition_field);
    if (!condition.ok()) return condition.status();
    used_names.insert(condition->used_names().begin(), condition->used_names().end());
    used_values.insert(condition->used_values().begin(), condition->used_values().end());
    out.condition = *std::move(condition);
  }
  if (allow_update) {
    auto update_text = request.OptionalString("UpdateExpression");
    if (!update_text.ok()) return update_text.status();
    if (*update_text) {
      auto update = expr::UpdateExpression::Parse(**update_text, *names, *values);
      if (!update.ok()) return update.status();
      used_names.insert(update->used_names().begin(), update->used_names().end());
      used_values.insert(update->used_values().begin(), update->used_values().end());
      out.update = *std::move(update);
    }
  }
  if (allow_projection) {
    auto projection_text = request.OptionalString("ProjectionExpression");
    if (!projection_text.ok()) return projection_text.status();
    if (*projection_text) {
      auto projection = expr::ProjectionExpression::Parse(**projection_text, *names);
      if (!projection.ok()) return projection.status();
      used_names.insert(projection->used_names().begin(), projection->used_names().end());
      out.projection = *std::move(projection);
    }
  }

  bool any_expression = out.condition || out.update || out.projection || out.key_condition;
  if (!any_expression && !names->empty()) {
    return ValidationError("ExpressionAttributeNames can only be specified when using expressions");
  }
  if (!any_expression && !values->empty()) {
    return ValidationError("ExpressionAttributeValues can only be specified when using expressions");
  }
  if (auto s = expr::CheckAllUsed(*names, *values, used_names, used_values); !s.ok()) return s;
  return out;
}

}  // namespace tidings
