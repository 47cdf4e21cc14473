// triggers: the FilterCriteria of an event source mapping, a list of filter
// patterns of which a record must satisfy at least one.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "rapidjson/document.h"
#include "triggers/filter_pattern.h"

namespace tidings {

// Immutable once built, so Matches may be called from any number of threads.
class FilterCriteria {
 public:
  // No patterns: every record passes.
  FilterCriteria() = default;
  explicit FilterCriteria(std::vector<FilterPattern> patterns) : patterns_(std::move(patterns)) {}

  // Parses each pattern text. The error of a bad pattern starts with its
  // index, for example "Filters[1]: invalid filter pattern at ...".
  static absl::StatusOr<FilterCriteria> Parse(const std::vector<std::string>& patterns);

  // Parses Lambda's wire form {"Filters": [{"Pattern": "<json text>"}, ...]}.
  // A missing or empty "Filters" array gives criteria that pass everything.
  // NOTE: Lambda allows 5 filters per mapping by default. This class does not
  // check that limit, so the caller that creates mappings must.
  static absl::StatusOr<FilterCriteria> FromJson(const rapidjson::Value& json);

  // Reports whether `record` satisfies any pattern, or true when there are none.
  bool Matches(const rapidjson::Value& record) const;

  const std::vector<FilterPattern>& patterns() const { return patterns_; }
  bool empty() const { return patterns_.empty(); }

 private:
  std::vector<FilterPattern> patterns_;
};

}  // namespace tidings
