#include "expr/expression.h"

#include <fmt/format.h>

#include "common/errors.h"
#include "expr/condition_evaluator.h"
#include "expr/condition_parser.h"
#include "expr/projection.h"
#include "expr/update_applier.h"
#include "expr/update_parser.h"

namespace tidings::expr {
namespace {

constexpr std::string_view kUpdateKeywords[] = {"SET", "REMOVE", "ADD", "DELETE"};

template <typename Map, typename Used>
std::string UnusedKeys(const Map& provided, const Used& used) {
  std::string keys;
  for (const auto& entry : provided) {
    if (used.count(entry.first) != 0) continue;
    if (!keys.empty()) keys += ", ";
    keys += entry.first;
  }
  return keys;
}

}  // namespace

absl::StatusOr<ConditionExpression> ConditionExpression::Parse(std::string_view text,
                                                               const NameMap& names,
                                                               const ValueMap& values,
                                                               std::string_view expression_name) {
  ParseContext context(expression_name, text, names, values,
                       {std::begin(kConditionKeywords), std::end(kConditionKeywords)});
  absl::StatusOr<ConditionNode> root = ParseCondition(context);
  if (!root.ok()) return root.status();

  ConditionExpression expression;
  expression.root_ = std::make_shared<const ConditionNode>(*std::move(root));
  expression.used_names_ = context.used_names();
  expression.used_values_ = context.used_values();
  return expression;
}

bool ConditionExpression::Evaluate(const Item& item) const {
  return EvaluateCondition(*root_, item);
}

absl::StatusOr<UpdateExpression> UpdateExpression::Parse(std::string_view text,
                                                         const NameMap& names,
                                                         const ValueMap& values) {
  ParseContext context("UpdateExpression", text, names, values,
                       {std::begin(kUpdateKeywords), std::end(kUpdateKeywords)});
  absl::StatusOr<UpdatePlan> plan = ParseUpdate(context);
  if (!plan.ok()) return plan.status();

  UpdateExpression expression;
  expression.plan_ = std::make_shared<const UpdatePlan>(*std::move(plan));
  expression.used_names_ = context.used_names();
  expression.used_values_ = context.used_values();
  return expression;
}

absl::Status UpdateExpression::Apply(Item* item, std::set<std::string>* updated_attributes) const {
  return ApplyUpdate(*plan_, item, updated_attributes);
}

std::set<std::string> UpdateExpression::TargetAttributes() const {
  std::set<std::string> names;
  for (const UpdateAction& action : plan_->actions) names.insert(action.path[0].name);
  return names;
}

std::vector<DocumentPath> UpdateExpression::TargetPaths() const {
  std::vector<DocumentPath> paths;
  for (const UpdateAction& action : plan_->actions) paths.push_back(action.path);
  return paths;
}

absl::StatusOr<ProjectionExpression> ProjectionExpression::Parse(std::string_view text,
                                                                 const NameMap& names) {
  static const ValueMap kNoValues;
  ParseContext context("ProjectionExpression", text, names, kNoValues, {});
  absl::StatusOr<std::vector<DocumentPath>> paths = ParseProjection(context);
  if (!paths.ok()) return paths.status();

  ProjectionExpression expression;
  expression.paths_ = *std::move(paths);
  expression.used_names_ = context.used_names();
  return expression;
}

Item ProjectionExpression::Project(const Item& item) const { return ProjectPaths(item, paths_); }

absl::Status CheckAllUsed(const NameMap& names, const ValueMap& values,
                          const std::set<std::string>& used_names,
                          const std::set<std::string>& used_values) {
  std::string unused_names = UnusedKeys(names, used_names);
  if (!unused_names.empty()) {
    return ValidationError(fmt::format(
        "Value provided in ExpressionAttributeNames unused in expressions: keys: {{{}}}",
        unused_names));
  }
  std::string unused_values = UnusedKeys(values, used_values);
  if (!unused_values.empty()) {
    return ValidationError(fmt::format(
        "Value provided in ExpressionAttributeValues unused in expressions: keys: {{{}}}",
        unused_values));
  }
  return absl::OkStatus();
}

}  // namespace tidings::expr
