// AttributeUpdates: DynamoDB's checks, and translation into an
// UpdateExpression with generated placeholders.
#include "api/legacy_updates.h"

#include <algorithm>

#include "common/attribute_json.h"
#include "common/errors.h"
#include "fmt/format.h"

namespace tidings {
namespace {

enum class Action { kPut, kAdd, kDelete };

absl::Status WrongType(std::string_view field, std::string_view expected) {
  return MakeError(ErrorKind::kSerialization,
                   fmt::format("Invalid type for field {}: expected {}", field, expected));
}

absl::Status InvalidParameter(std::string_view message) {
  return ValidationError(fmt::format("One or more parameter values were invalid: {}", message));
}

bool IsSet(AttributeType type) {
  return type == AttributeType::kSS || type == AttributeType::kNS || type == AttributeType::kBS;
}

absl::StatusOr<Action> ParseAction(const std::string& attribute, const rapidjson::Value& entry) {
  auto it = entry.FindMember("Action");
  if (it == entry.MemberEnd() || it->value.IsNull()) return Action::kPut;
  if (!it->value.IsString()) return WrongType("Action", "a string");
  std::string_view text(it->value.GetString(), it->value.GetStringLength());
  if (text == "PUT") return Action::kPut;
  if (text == "ADD") return Action::kAdd;
  if (text == "DELETE") return Action::kDelete;
  return ValidationError(fmt::format(
      "1 validation error detected: Value '{}' at 'attributeUpdates.{}.member.action' failed to "
      "satisfy constraint: Member must satisfy enum value set: [ADD, PUT, DELETE]",
      text, attribute));
}

// The clauses of the UpdateExpression being built, each a list of actions.
struct Clauses {
  std::vector<std::string> set;
  std::vector<std::string> remove;
  std::vector<std::string> add;
  std::vector<std::string> del;

  bool empty() const { return set.empty() && remove.empty() && add.empty() && del.empty(); }

  std::string Text() const {
    std::vector<std::string> parts;
    if (!set.empty()) parts.push_back(fmt::format("SET {}", fmt::join(set, ", ")));
    if (!remove.empty()) parts.push_back(fmt::format("REMOVE {}", fmt::join(remove, ", ")));
    if (!add.empty()) parts.push_back(fmt::format("ADD {}", fmt::join(add, ", ")));
    if (!del.empty()) parts.push_back(fmt::format("DELETE {}", fmt::join(del, ", ")));
    return fmt::format("{}", fmt::join(parts, " "));
  }
};

// Checks one entry and adds its action to `clauses`.
absl::Status AddEntry(const std::string& attribute, const rapidjson::Value& entry,
                      PlaceholderMaps* maps, Clauses* clauses, AttributeUpdateTypes* types) {
  if (!entry.IsObject()) return WrongType("AttributeUpdates", "a map of attribute updates");
  auto action = ParseAction(attribute, entry);
  if (!action.ok()) return action.status();
  std::optional<AttributeValue> value;
  if (auto it = entry.FindMember("Value"); it != entry.MemberEnd() && !it->value.IsNull()) {
    auto parsed = AttributeValueFromJson(it->value);
    if (!parsed.ok()) return parsed.status();
    value = *std::move(parsed);
  }

  if (!value && *action != Action::kDelete) {
    return InvalidParameter("Only DELETE action is allowed when no attribute value is specified");
  }
  std::string name = maps->Name(attribute);
  if (!value) {
    clauses->remove.push_back(name);
    return absl::OkStatus();
  }

  AttributeType type = value->type();
  std::string_view type_name = AttributeTypeName(type);
  if (*action == Action::kDelete) {
    if (!IsSet(type)) {
      return InvalidParameter(
          fmt::format("DELETE action with value is not supported for the type {}", type_name));
    }
    types->Require(attribute, {type});
    clauses->del.push_back(fmt::format("{} {}", name, maps->Value(*std::move(value))));
    return absl::OkStatus();
  }
  if (*action == Action::kPut) {
    clauses->set.push_back(fmt::format("{} = {}", name, maps->Value(*std::move(value))));
    return absl::OkStatus();
  }

  if (type == AttributeType::kL) {
    // UpdateExpression's ADD has no list form, so appending uses list_append.
    types->Require(attribute, {AttributeType::kL});
    std::string empty = maps->Value(AttributeValue::List({}));
    clauses->set.push_back(fmt::format("{0} = list_append(if_not_exists({0}, {1}), {2})", name,
                                       empty, maps->Value(*std::move(value))));
    return absl::OkStatus();
  }
  if (type != AttributeType::kN && !IsSet(type)) {
    return InvalidParameter(fmt::format("ADD action is not supported for the type {}", type_name));
  }
  types->Require(attribute, {type});
  clauses->add.push_back(fmt::format("{} {}", name, maps->Value(*std::move(value))));
  return absl::OkStatus();
}

}  // namespace

void AttributeUpdateTypes::Require(std::string attribute, std::vector<AttributeType> types) {
  rules_.push_back({std::move(attribute), std::move(types)});
}

absl::Status AttributeUpdateTypes::Check(const Item& item) const {
  for (const Rule& rule : rules_) {
    auto found = item.find(rule.attribute);
    if (found == item.end()) continue;
    if (std::find(rule.types.begin(), rule.types.end(), found->second.type()) == rule.types.end()) {
      return ValidationError("Type mismatch for attribute to update");
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<LegacyUpdate>> TranslateAttributeUpdates(
    const rapidjson::Value& json) {
  if (!json.IsObject()) return WrongType("AttributeUpdates", "a map of attribute updates");
  PlaceholderMaps maps;
  Clauses clauses;
  AttributeUpdateTypes types;
  for (const auto& member : json.GetObject()) {
    std::string attribute(member.name.GetString(), member.name.GetStringLength());
    if (auto s = AddEntry(attribute, member.value, &maps, &clauses, &types); !s.ok()) return s;
  }
  if (clauses.empty()) return std::optional<LegacyUpdate>();

  // NOTE: the generated text is held to UpdateExpression's 4 KB limit, which
  // a few hundred entries reach. DynamoDB states no such limit for
  // AttributeUpdates.
  auto update = expr::UpdateExpression::Parse(clauses.Text(), maps.names(), maps.values());
  if (!update.ok()) return update.status();
  return std::optional<LegacyUpdate>(LegacyUpdate{*std::move(update), std::move(types)});
}

}  // namespace tidings
