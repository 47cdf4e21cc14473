#include "expr/document_path.h"

#include <fmt/format.h>

#include <algorithm>

namespace tidings::expr {

std::string FormatPath(const DocumentPath& path) {
  std::string out = "[";
  for (size_t i = 0; i < path.size(); ++i) {
    if (i > 0) out += ", ";
    if (path[i].IsIndex()) {
      out += fmt::format("[{}]", path[i].index);
    } else {
      out += path[i].name;
    }
  }
  out += "]";
  return out;
}

PathRelation ComparePaths(const DocumentPath& a, const DocumentPath& b) {
  size_t common = std::min(a.size(), b.size());
  for (size_t i = 0; i < common; ++i) {
    if (a[i].IsIndex() != b[i].IsIndex()) return PathRelation::kConflict;
    if (!(a[i] == b[i])) return PathRelation::kDisjoint;
  }
  return PathRelation::kOverlap;
}

const AttributeValue* FindPath(const Item& item, const DocumentPath& path) {
  if (path.empty() || path[0].IsIndex()) return nullptr;
  auto top = item.find(path[0].name);
  if (top == item.end()) return nullptr;

  const AttributeValue* current = &top->second;
  for (size_t i = 1; i < path.size(); ++i) {
    const PathElement& step = path[i];
    if (step.IsIndex()) {
      if (current->type() != AttributeType::kL) return nullptr;
      const auto& list = current->list();
      if (static_cast<size_t>(step.index) >= list.size()) return nullptr;
      current = &list[step.index];
    } else {
      if (current->type() != AttributeType::kM) return nullptr;
      auto member = current->map().find(step.name);
      if (member == current->map().end()) return nullptr;
      current = &member->second;
    }
  }
  return current;
}

}  // namespace tidings::expr
