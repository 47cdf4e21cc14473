// A document path such as `a.b[2].c`: the attribute name followed by map keys
// and list indexes, with every #name already replaced by its value.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/attribute_value.h"

namespace tidings::expr {

// One step of a document path: a map key (or the top-level attribute name) or
// a list index.
struct PathElement {
  std::string name;
  int64_t index = -1;  // Set for a list index; `name` is then empty.

  bool IsIndex() const { return index >= 0; }
  bool operator==(const PathElement& other) const = default;
};

using DocumentPath = std::vector<PathElement>;

// Formats `path` as DynamoDB does in messages: `[a, b, [2]]`.
std::string FormatPath(const DocumentPath& path);

// The relation between two paths written by one update. DynamoDB rejects an update whose
// paths overlap (one is a prefix of the other) or conflict (they diverge where
// one names a map key and the other a list index, as in `a.b` and `a[1]`).
enum class PathRelation { kDisjoint, kOverlap, kConflict };
PathRelation ComparePaths(const DocumentPath& a, const DocumentPath& b);

// Returns the value at `path`, or null when a step is missing or has the wrong
// type (a key step on a non-map, an index step on a non-list).
const AttributeValue* FindPath(const Item& item, const DocumentPath& path);

}  // namespace tidings::expr
