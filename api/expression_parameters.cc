// Expression parameters shared by the item, query and scan operations.
#include "api/expression_parameters.h"

#include <set>
#include <string>

#include "api/legacy_parameters.h"
#include "common/errors.h"
#include "fmt/format.h"

namespace tidings {
namespace {

// The operation whose parameters ParseExpressions' arguments describe.
LegacyOperation OperationOf(std::string_view condition_field, bool allow_update,
                            const TableDescription* key_table) {
  if (key_table != nullptr) return LegacyOperation::kQuery;
  if (allow_update) return LegacyOperation::kUpdate;
  if (condition_field == "FilterExpression") return LegacyOperation::kScan;
  if (condition_field == "ConditionExpression") return LegacyOperation::kPutOrDelete;
  return LegacyOperation::kGet;
}

// Collects the #names and :values that the request's expressions use.
struct UsedPlaceholders {
  std::set<std::string> names;
  std::set<std::string> values;

  template <typename Parsed>
  void Add(const Parsed& parsed) {
    names.insert(parsed.used_names().begin(), parsed.used_names().end());
    values.insert(parsed.used_values().begin(), parsed.used_values().end());
  }
};

// Parses KeyConditionExpression into `out`. Without one, Query needs
// KeyConditions (`has_key_conditions`).
absl::Status ParseKeyConditionExpression(const Request& request, const expr::NameMap& names,
                                         const expr::ValueMap& values,
                                         const TableDescription& table, bool has_key_conditions,
                                         Expressions* out, UsedPlaceholders* used) {
  auto key_text = request.OptionalString("KeyConditionExpression");
  if (!key_text.ok()) return key_text.status();
  if (!*key_text) {
    if (has_key_conditions) return absl::OkStatus();
    return ValidationError(
        "Either the KeyConditions or KeyConditionExpression parameter must be specified in the "
        "request.");
  }
  auto key_condition = expr::ParseKeyCondition(
      **key_text, names, values, table.hash_key.name,
      table.range_key ? std::string_view(table.range_key->name) : std::string_view());
  if (!key_condition.ok()) return key_condition.status();
  used->names.insert(key_condition->used_names.begin(), key_condition->used_names.end());
  used->values.insert(key_condition->used_values.begin(), key_condition->used_values.end());
  out->key_condition = *std::move(key_condition);
  return absl::OkStatus();
}

// Parses the condition, update and projection expressions into `out`.
absl::Status ParseOtherExpressions(const Request& request, const expr::NameMap& names,
                                   const expr::ValueMap& values, const char* condition_field,
                                   bool allow_update, bool allow_projection, Expressions* out,
                                   UsedPlaceholders* used) {
  auto condition_text = request.OptionalString(condition_field);
  if (!condition_text.ok()) return condition_text.status();
  if (*condition_text) {
    auto condition =
        expr::ConditionExpression::Parse(**condition_text, names, values, condition_field);
    if (!condition.ok()) return condition.status();
    used->Add(*condition);
    out->condition = *std::move(condition);
  }
  if (allow_update) {
    auto update_text = request.OptionalString("UpdateExpression");
    if (!update_text.ok()) return update_text.status();
    if (*update_text) {
      auto update = expr::UpdateExpression::Parse(**update_text, names, values);
      if (!update.ok()) return update.status();
      used->Add(*update);
      out->update = *std::move(update);
    }
  }
  if (allow_projection) {
    auto projection_text = request.OptionalString("ProjectionExpression");
    if (!projection_text.ok()) return projection_text.status();
    if (*projection_text) {
      auto projection = expr::ProjectionExpression::Parse(**projection_text, names);
      if (!projection.ok()) return projection.status();
      used->names.insert(projection->used_names().begin(), projection->used_names().end());
      out->projection = *std::move(projection);
    }
  }
  return absl::OkStatus();
}

// Fills the expressions the request did not give from its legacy parameters.
// The mixing rule guarantees that no expression is given twice.
void AddLegacyExpressions(LegacyExpressions legacy, Expressions* out) {
  if (legacy.key_condition) out->key_condition = std::move(legacy.key_condition);
  if (legacy.condition) out->condition = std::move(legacy.condition);
  if (legacy.update) {
    out->update = std::move(legacy.update->update);
    out->update_types = std::move(legacy.update->types);
  }
  if (legacy.projection) out->projection = std::move(legacy.projection);
}

}  // namespace

absl::StatusOr<Expressions> ParseExpressions(const Request& request, const char* condition_field,
                                             bool allow_update, bool allow_projection,
                                             const TableDescription* key_table) {
  auto legacy = TranslateLegacyParameters(
      request, OperationOf(condition_field, allow_update, key_table), key_table);
  if (!legacy.ok()) return legacy.status();
  auto names = request.ExpressionNames();
  if (!names.ok()) return names.status();
  auto values = request.ExpressionValues();
  if (!values.ok()) return values.status();

  Expressions out;
  UsedPlaceholders used;
  if (key_table != nullptr) {
    auto s = ParseKeyConditionExpression(request, *names, *values, *key_table,
                                         legacy->key_condition.has_value(), &out, &used);
    if (!s.ok()) return s;
  }
  if (auto s = ParseOtherExpressions(request, *names, *values, condition_field, allow_update,
                                     allow_projection, &out, &used);
      !s.ok()) {
    return s;
  }

  bool any_expression = out.condition || out.update || out.projection || out.key_condition;
  if (!any_expression && !names->empty()) {
    return ValidationError("ExpressionAttributeNames can only be specified when using expressions");
  }
  if (!any_expression && !values->empty()) {
    return ValidationError(
        "ExpressionAttributeValues can only be specified when using expressions");
  }
  if (auto s = expr::CheckAllUsed(*names, *values, used.names, used.values); !s.ok()) return s;
  AddLegacyExpressions(*std::move(legacy), &out);
  return out;
}

absl::Status ApplyUpdate(const Expressions& expressions, Item* item) {
  if (!expressions.update) return absl::OkStatus();
  if (expressions.update_types) {
    if (auto s = expressions.update_types->Check(*item); !s.ok()) return s;
  }
  return expressions.update->Apply(item);
}

}  // namespace tidings
