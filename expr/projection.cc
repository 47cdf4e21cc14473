#include "expr/projection.h"

#include <fmt/format.h>

#include <map>
#include <memory>
#include <optional>

#include "expr/expression.h"

namespace tidings::expr {
namespace {

constexpr SemanticError kProjectionErrorOrder[] = {
    SemanticError::kReservedWord,
    SemanticError::kUndefinedName,
    SemanticError::kPathOverlap,
    SemanticError::kPathConflict,
};

// The paths to select, merged into a tree: a node either takes its whole
// value or selects some of its map members or list elements.
struct Selection {
  bool whole = false;
  std::map<std::string, std::unique_ptr<Selection>> members;
  std::map<int64_t, std::unique_ptr<Selection>> elements;
};

void AddPath(Selection& root, const DocumentPath& path) {
  Selection* node = &root;
  for (const PathElement& step : path) {
    auto& child = step.IsIndex() ? node->elements[step.index] : node->members[step.name];
    if (!child) child = std::make_unique<Selection>();
    node = child.get();
  }
  node->whole = true;
}

std::optional<AttributeValue> Extract(const AttributeValue& value, const Selection& selection) {
  if (selection.whole) return value;

  if (value.type() == AttributeType::kM && !selection.members.empty()) {
    AttributeMap picked;
    for (const auto& [name, child] : selection.members) {
      auto member = value.map().find(name);
      if (member == value.map().end()) continue;
      if (auto part = Extract(member->second, *child)) picked.emplace(name, *std::move(part));
    }
    if (picked.empty()) return std::nullopt;
    return AttributeValue::Map(std::move(picked));
  }

  if (value.type() == AttributeType::kL && !selection.elements.empty()) {
    std::vector<AttributeValue> picked;
    for (const auto& [index, child] : selection.elements) {
      if (static_cast<size_t>(index) >= value.list().size()) continue;
      if (auto part = Extract(value.list()[index], *child)) picked.push_back(*std::move(part));
    }
    if (picked.empty()) return std::nullopt;
    return AttributeValue::List(std::move(picked));
  }
  return std::nullopt;
}

}  // namespace

absl::StatusOr<std::vector<DocumentPath>> ParseProjection(ParseContext& context) {
  if (auto status = context.CheckText(); !status.ok()) return status;

  std::vector<DocumentPath> paths;
  do {
    absl::StatusOr<DocumentPath> path = context.ParsePath();
    if (!path.ok()) return path.status();
    paths.push_back(*std::move(path));
  } while (context.ConsumeSymbol(","));
  if (!context.AtEnd()) return context.SyntaxError();

  for (size_t i = 0; i < paths.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      PathRelation relation = ComparePaths(paths[j], paths[i]);
      if (relation == PathRelation::kDisjoint) continue;
      bool overlap = relation == PathRelation::kOverlap;
      context.Record(overlap ? SemanticError::kPathOverlap : SemanticError::kPathConflict,
                     fmt::format("Two document paths {} with each other; must remove or rewrite "
                                 "one of these paths; path one: {}, path two: {}",
                                 overlap ? "overlap" : "conflict", FormatPath(paths[j]),
                                 FormatPath(paths[i])));
    }
  }
  if (auto status = context.FirstError(kProjectionErrorOrder); !status.ok()) return status;
  return paths;
}

Item ProjectPaths(const Item& item, const std::vector<DocumentPath>& paths) {
  Selection root;
  for (const DocumentPath& path : paths) {
    if (!path.empty() && !path[0].IsIndex()) AddPath(root, path);
  }

  Item projected;
  for (const auto& [name, child] : root.members) {
    auto found = item.find(name);
    if (found == item.end()) continue;
    if (auto part = Extract(found->second, *child)) projected.emplace(name, *std::move(part));
  }
  return projected;
}

}  // namespace tidings::expr
