// expr: DynamoDB's expression language on in-memory items.
//
// Parses ConditionExpression (also FilterExpression), UpdateExpression and
// ProjectionExpression text, with ExpressionAttributeNames (#n) and
// ExpressionAttributeValues (:v) substituted at parse time, then evaluates or
// applies the result to a tidings::Item. It does not depend on storage.
//
// Every error is a tidings::ValidationError whose message is DynamoDB's
// wording, for example
//   Invalid UpdateExpression: Syntax error; token: "=", near: "SET ="
// Parsed expressions are immutable, cheap to copy and safe to share between
// threads.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/attribute_value.h"
#include "expr/document_path.h"

namespace tidings::expr {

// ExpressionAttributeNames: "#n" -> attribute name.
using NameMap = std::map<std::string, std::string>;
// ExpressionAttributeValues: ":v" -> value.
using ValueMap = std::map<std::string, AttributeValue>;

struct ConditionNode;
struct UpdatePlan;

// A parsed ConditionExpression or FilterExpression.
class ConditionExpression {
 public:
  // Parses `text`. `expression_name` is the request parameter named in error
  // messages: "ConditionExpression", "FilterExpression" or
  // "KeyConditionExpression".
  [[nodiscard]] static absl::StatusOr<ConditionExpression> Parse(
      std::string_view text, const NameMap& names, const ValueMap& values,
      std::string_view expression_name = "ConditionExpression");

  // Evaluates the condition against `item` (empty when the item does not
  // exist). As in DynamoDB, a comparison with a missing attribute or between
  // different types is false (but "<>" is true), so evaluation cannot fail.
  bool Evaluate(const Item& item) const;

  // The #names and :values the text referred to.
  const std::set<std::string>& used_names() const { return used_names_; }
  const std::set<std::string>& used_values() const { return used_values_; }

  // The syntax tree, for callers that analyse the condition (see
  // condition_node.h).
  const ConditionNode& root() const { return *root_; }

 private:
  ConditionExpression() = default;  // Built only by Parse.

  std::shared_ptr<const ConditionNode> root_;
  std::set<std::string> used_names_;
  std::set<std::string> used_values_;
};

// A parsed UpdateExpression.
class UpdateExpression {
 public:
  [[nodiscard]] static absl::StatusOr<UpdateExpression> Parse(std::string_view text,
                                                              const NameMap& names,
                                                              const ValueMap& values);

  // Applies every action to `*item` in place. On error `*item` is left
  // unchanged. When `updated_attributes` is not null, the top-level names that
  // an action set, removed, added to or deleted from are inserted into it.
  // An empty `*item` counts as a missing item, on which DynamoDB ignores a
  // REMOVE of a nested path instead of rejecting it.
  [[nodiscard]] absl::Status Apply(Item* item,
                                   std::set<std::string>* updated_attributes = nullptr) const;

  // The top-level attribute names that the actions write, known before the
  // item is read; callers use it to reject updates of key attributes.
  std::set<std::string> TargetAttributes() const;

  // The document paths that the actions write, in the order written.
  // UPDATED_OLD and UPDATED_NEW return only these parts of the old or new
  // item, nested as in the item: ProjectPaths(item, TargetPaths()).
  std::vector<DocumentPath> TargetPaths() const;

  const std::set<std::string>& used_names() const { return used_names_; }
  const std::set<std::string>& used_values() const { return used_values_; }

 private:
  UpdateExpression() = default;  // Built only by Parse.

  std::shared_ptr<const UpdatePlan> plan_;
  std::set<std::string> used_names_;
  std::set<std::string> used_values_;
};

// A parsed ProjectionExpression: a comma-separated list of document paths.
class ProjectionExpression {
 public:
  [[nodiscard]] static absl::StatusOr<ProjectionExpression> Parse(std::string_view text,
                                                                  const NameMap& names);

  // Returns the parts of `item` that the paths select. List elements keep
  // their order, and missing paths are left out.
  Item Project(const Item& item) const;

  const std::vector<DocumentPath>& paths() const { return paths_; }
  const std::set<std::string>& used_names() const { return used_names_; }

 private:
  ProjectionExpression() = default;  // Built only by Parse.

  std::vector<DocumentPath> paths_;
  std::set<std::string> used_names_;
};

// Returns the parts of `item` at `paths`, nested as in `item`. Selected list
// elements keep their order in a shorter list; missing paths are left out.
Item ProjectPaths(const Item& item, const std::vector<DocumentPath>& paths);

// Checks that every key of `names` and `values` is in `used_names` or
// `used_values`, the union over all expressions of one request. Returns
// DynamoDB's ValidationException otherwise, for example
//   Value provided in ExpressionAttributeValues unused in expressions: keys: {:x}
[[nodiscard]] absl::Status CheckAllUsed(const NameMap& names, const ValueMap& values,
                                        const std::set<std::string>& used_names,
                                        const std::set<std::string>& used_values);

}  // namespace tidings::expr
