// triggers: Lambda event filtering patterns applied to DynamoDB stream records.
//
// A pattern is a JSON object shaped like the records it selects. Objects walk
// into the record, and each leaf is an array of accepted values and matchers:
//
//   {"eventName": ["MODIFY"],
//    "dynamodb": {"NewImage": {"status": {"S": ["shipped"]}}}}
//
// All fields of an object must match, and one entry of a leaf array is
// enough. {"$or": [pattern, ...]} inside an object matches when any of the
// listed sub-patterns does. The matchers are listed in filter_matcher.h and
// docs/filters-and-templates.md.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "rapidjson/document.h"

namespace tidings {

namespace filter_internal {
struct PatternNode;
}  // namespace filter_internal

// An immutable, parsed pattern. Copies share the parsed form, and Matches may
// be called from any number of threads at once.
class FilterPattern {
 public:
  // Parses `json`, which must be a JSON object. Returns ValidationError for an
  // empty object, a leaf that is not a non-empty array, a duplicate field, or
  // a malformed or unknown matcher. The message names the problem and its path.
  static absl::StatusOr<FilterPattern> Parse(std::string_view json);

  // Reports whether `record`, a stream record as JSON, satisfies the pattern.
  // A field missing from the record fails every matcher except
  // {"exists": false}. When the record value is an array, one matching member
  // is enough.
  bool Matches(const rapidjson::Value& record) const;

  // The pattern text as given to Parse.
  const std::string& source() const { return source_; }

 private:
  FilterPattern(std::string source, std::shared_ptr<const filter_internal::PatternNode> root);

  std::string source_;
  std::shared_ptr<const filter_internal::PatternNode> root_;
};

}  // namespace tidings
