#include "triggers/filter_pattern.h"

#include <set>
#include <utility>
#include <vector>

#include "fmt/format.h"
#include "rapidjson/error/en.h"
#include "triggers/filter_matcher.h"

namespace tidings {
namespace filter_internal {

// One object of a pattern. Every field must match, and when `any_of` is not
// empty ("$or"), at least one of its alternatives must match as well.
struct PatternNode {
  struct Field {
    std::string name;
    // Set when the pattern value is an object. Otherwise the field is a leaf.
    std::unique_ptr<PatternNode> object;
    std::vector<FilterMatcher> matchers;
    // True under DynamoDB "N" and "NS", whose numbers are JSON strings.
    bool numeric_strings = false;
  };

  std::vector<Field> fields;
  std::vector<PatternNode> any_of;
};

}  // namespace filter_internal

namespace {

using filter_internal::PatternNode;

std::string ChildPath(std::string_view parent, std::string_view name) {
  if (parent.empty()) return std::string(name);
  return fmt::format("{}.{}", parent, name);
}

absl::StatusOr<PatternNode> ParseNode(const rapidjson::Value& object, std::string_view path);

absl::StatusOr<std::vector<PatternNode>> ParseAnyOf(const rapidjson::Value& alternatives,
                                                    std::string_view path) {
  if (!alternatives.IsArray() || alternatives.Empty()) {
    return FilterPatternError(path, "\"$or\" takes a non-empty array of pattern objects");
  }

  std::vector<PatternNode> nodes;
  for (rapidjson::SizeType i = 0; i < alternatives.Size(); ++i) {
    std::string element_path = fmt::format("{}[{}]", path, i);
    if (!alternatives[i].IsObject()) {
      return FilterPatternError(
          element_path, fmt::format("\"$or\" alternatives must be objects, not {}",
                                    JsonTypeName(alternatives[i])));
    }
    auto node = ParseNode(alternatives[i], element_path);
    if (!node.ok()) return node.status();
    nodes.push_back(std::move(*node));
  }
  return nodes;
}

absl::StatusOr<std::vector<FilterMatcher>> ParseLeaf(const rapidjson::Value& values,
                                                     std::string_view path) {
  if (!values.IsArray()) {
    return FilterPatternError(
        path, fmt::format("must be an array of values or matchers, such as [\"INSERT\"], not {}",
                          JsonTypeName(values)));
  }
  if (values.Empty()) {
    return FilterPatternError(path, "the array is empty; list at least one value or matcher");
  }

  std::vector<FilterMatcher> matchers;
  for (rapidjson::SizeType i = 0; i < values.Size(); ++i) {
    auto matcher = FilterMatcher::Parse(values[i], fmt::format("{}[{}]", path, i));
    if (!matcher.ok()) return matcher.status();
    matchers.push_back(std::move(*matcher));
  }
  return matchers;
}

absl::StatusOr<PatternNode> ParseNode(const rapidjson::Value& object, std::string_view path) {
  if (object.ObjectEmpty()) {
    return FilterPatternError(path, "the object is empty; give at least one field to match");
  }

  PatternNode node;
  std::set<std::string_view> seen;
  for (const auto& member : object.GetObject()) {
    std::string_view name(member.name.GetString(), member.name.GetStringLength());
    std::string path_here = ChildPath(path, name);
    if (!seen.insert(name).second) {
      return FilterPatternError(path_here, "the field appears twice; merge its values into one");
    }

    if (name == "$or") {
      auto any_of = ParseAnyOf(member.value, path_here);
      if (!any_of.ok()) return any_of.status();
      node.any_of = std::move(*any_of);
      continue;
    }

    PatternNode::Field field;
    field.name = std::string(name);
    if (member.value.IsObject()) {
      auto child = ParseNode(member.value, path_here);
      if (!child.ok()) return child.status();
      field.object = std::make_unique<PatternNode>(std::move(*child));
    } else {
      auto matchers = ParseLeaf(member.value, path_here);
      if (!matchers.ok()) return matchers.status();
      field.matchers = std::move(*matchers);
      field.numeric_strings = name == "N" || name == "NS";
    }
    node.fields.push_back(std::move(field));
  }
  return node;
}

bool MatchesNode(const PatternNode& node, const rapidjson::Value* record);

// Applies the matchers of a leaf to `value` (nullptr when absent). Matchers
// other than "exists" see each member of an array value, nested arrays
// included, and one matching member is enough.
bool MatchesScalarOrMembers(const PatternNode::Field& field, const FilterMatcher& matcher,
                            const rapidjson::Value& value) {
  if (!value.IsArray()) return matcher.Matches(&value, field.numeric_strings);
  for (const auto& member : value.GetArray()) {
    if (MatchesScalarOrMembers(field, matcher, member)) return true;
  }
  return false;
}

bool MatchesLeaf(const PatternNode::Field& field, const rapidjson::Value* value) {
  for (const FilterMatcher& matcher : field.matchers) {
    bool hit = value == nullptr || matcher.IsExists()
                   ? matcher.Matches(value, field.numeric_strings)
                   : MatchesScalarOrMembers(field, matcher, *value);
    if (hit) return true;
  }
  return false;
}

// Matches a nested pattern object against `value`. An array value matches
// when any member does, and an empty array counts as absent.
bool MatchesObjectField(const PatternNode& node, const rapidjson::Value* value) {
  if (value == nullptr || !value->IsArray()) return MatchesNode(node, value);
  if (value->Empty()) return MatchesNode(node, nullptr);
  for (const auto& member : value->GetArray()) {
    if (MatchesObjectField(node, &member)) return true;
  }
  return false;
}

// Matches `node` against `record`. A null or non-object record has no fields,
// so only {"exists": false} leaves can match beneath it.
bool MatchesNode(const PatternNode& node, const rapidjson::Value* record) {
  bool is_object = record != nullptr && record->IsObject();
  for (const PatternNode::Field& field : node.fields) {
    const rapidjson::Value* value = nullptr;
    if (is_object) {
      auto it = record->FindMember(
          rapidjson::Value(rapidjson::StringRef(field.name.data(), field.name.size())));
      if (it != record->MemberEnd()) value = &it->value;
    }

    bool hit = field.object != nullptr ? MatchesObjectField(*field.object, value)
                                       : MatchesLeaf(field, value);
    if (!hit) return false;
  }

  if (node.any_of.empty()) return true;
  for (const PatternNode& alternative : node.any_of) {
    if (MatchesNode(alternative, record)) return true;
  }
  return false;
}

}  // namespace

FilterPattern::FilterPattern(std::string source, std::shared_ptr<const PatternNode> root)
    : source_(std::move(source)), root_(std::move(root)) {}

absl::StatusOr<FilterPattern> FilterPattern::Parse(std::string_view json) {
  rapidjson::Document document;
  document.Parse(json.data(), json.size());
  if (document.HasParseError()) {
    return FilterPatternError(
        "", fmt::format("not valid JSON: {} (at offset {})",
                        rapidjson::GetParseError_En(document.GetParseError()),
                        document.GetErrorOffset()));
  }
  if (!document.IsObject()) {
    return FilterPatternError(
        "", fmt::format("must be a JSON object such as {{\"eventName\": [\"INSERT\"]}}, not {}",
                        JsonTypeName(document)));
  }

  auto root = ParseNode(document, "");
  if (!root.ok()) return root.status();
  return FilterPattern(std::string(json), std::make_shared<const PatternNode>(std::move(*root)));
}

bool FilterPattern::Matches(const rapidjson::Value& record) const {
  return MatchesNode(*root_, &record);
}

}  // namespace tidings
