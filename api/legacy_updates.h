// api: AttributeUpdates, the legacy form of UpdateExpression.
//
// Each entry names a top-level attribute and an Action. PUT (the default)
// sets Value. DELETE without a Value removes the attribute, and DELETE with a
// set removes those members. ADD adds a number, adds set members or appends
// to a list. The entries become one UpdateExpression. What expressions do not
// share, ADD on a list and the legacy "Type mismatch for attribute to update"
// error, is handled here.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "api/legacy_conditions.h"
#include "common/attribute_value.h"
#include "expr/expression.h"
#include "rapidjson/document.h"

namespace tidings {

// The types that ADD and DELETE entries require of the attributes they change.
// Checked against the stored item before the update applies, so that a
// mismatch gets the legacy message rather than the UpdateExpression one.
class AttributeUpdateTypes {
 public:
  // Requires `attribute`, when present, to have one of `types`.
  void Require(std::string attribute, std::vector<AttributeType> types);

  // Returns "Type mismatch for attribute to update" when an attribute of
  // `item` has a type its entry cannot change.
  [[nodiscard]] absl::Status Check(const Item& item) const;

 private:
  struct Rule {
    std::string attribute;
    std::vector<AttributeType> types;
  };
  std::vector<Rule> rules_;
};

struct LegacyUpdate {
  expr::UpdateExpression update;
  AttributeUpdateTypes types;
};

// Checks an AttributeUpdates map with DynamoDB's rules and messages and
// returns the equivalent update, or nullopt for an empty map.
[[nodiscard]] absl::StatusOr<std::optional<LegacyUpdate>> TranslateAttributeUpdates(
    const rapidjson::Value& json);

}  // namespace tidings
