// api: the Tags parameter of CreateTable and TagResource, checked against
// DynamoDB's tagging rules.
#pragma once

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "rapidjson/document.h"

namespace tidings {

// Maximum number of tags on one table.
inline constexpr size_t kMaxTableTags = 50;

// Parses a Tags list ([{"Key": ..., "Value": ...}]) into a map. Each of these
// gets DynamoDB's ValidationException: an empty list, more than kMaxTableTags
// tags, a key of 0 or more than 128 characters, and a value of more than 256.
// So do a key with the reserved prefix "aws:" and any character other than
// letters, digits, spaces and _ . : / = + - @. The tidings:stream-retention
// tag must be a duration from 1s to 5w.
absl::StatusOr<std::map<std::string, std::string>> ParseTags(const rapidjson::Value& tags);

}  // namespace tidings
