// A document path such as `a.b[2].c`: the attribute name followed by map keys
// and list indexes, with every #name already replaced by its value.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

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

// Reports whether one path is a prefix of the other, so an update may not
// touch both.
bool PathsOverlap(const DocumentPath& a, const DocumentPath& b);

}  // namespace tidings::expr
