#include "api/tags.h"

#include <cctype>
#include <string_view>

#include "common/duration.h"
#include "common/errors.h"
#include "fmt/format.h"
#include "storage/table_description.h"

namespace tidings {
namespace {

constexpr size_t kMaxKeyCharacters = 128;
constexpr size_t kMaxValueCharacters = 256;

// Counts UTF-8 characters: every byte that does not continue a sequence.
size_t CharacterCount(std::string_view text) {
  size_t count = 0;
  for (char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}

// Checks the tag character set: Unicode letters, digits and spaces plus
// _ . : / = + - @. NOTE: every non-ASCII character is accepted as a letter.
bool HasValidCharacters(std::string_view text) {
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x80 || std::isalnum(byte) || byte == ' ') continue;
    if (std::string_view("_.:/=+-@").find(c) == std::string_view::npos) return false;
  }
  return true;
}

absl::Status InvalidTag(std::string_view detail) {
  return ValidationError(fmt::format("One or more parameter values were invalid: {}", detail));
}

// Stream retention set with the kStreamRetentionTag tag: from a second (for
// tests) to five weeks.
constexpr int64_t kMaxStreamRetentionMs = 5 * 7 * 24 * 3600 * 1000LL;

absl::Status CheckStreamRetention(const std::string& value) {
  auto retention = ParseDurationMs(value);
  if (!retention.ok() || *retention < 1000 || *retention > kMaxStreamRetentionMs) {
    return ValidationError(fmt::format(
        "Invalid value \"{}\" for tag {}: expected a duration from 1s to 5w, such as 48h or 7d",
        value, kStreamRetentionTag));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::map<std::string, std::string>> ParseTags(const rapidjson::Value& tags) {
  if (!tags.IsArray()) {
    return MakeError(ErrorKind::kSerialization, "Tags must be a list of {Key, Value} objects");
  }
  if (tags.Empty()) {
    return ValidationError(
        "1 validation error detected: Value '[]' at 'tags' failed to satisfy constraint: Member "
        "must have length greater than or equal to 1");
  }
  std::map<std::string, std::string> parsed;
  for (const auto& tag : tags.GetArray()) {
    if (!tag.IsObject() || !tag.HasMember("Key") || !tag["Key"].IsString() ||
        !tag.HasMember("Value") || !tag["Value"].IsString()) {
      return ValidationError(
          "1 validation error detected: Value null at 'tags.member.key' failed to satisfy "
          "constraint: Member must not be null");
    }
    std::string key(tag["Key"].GetString(), tag["Key"].GetStringLength());
    std::string value(tag["Value"].GetString(), tag["Value"].GetStringLength());
    size_t key_length = CharacterCount(key);
    if (key_length == 0 || key_length > kMaxKeyCharacters) {
      return InvalidTag(fmt::format("Tag key \"{}\" must have 1 to 128 characters", key));
    }
    if (CharacterCount(value) > kMaxValueCharacters) {
      return InvalidTag(fmt::format("Value of tag \"{}\" must have at most 256 characters", key));
    }
    if (key.starts_with("aws:")) {
      return InvalidTag(fmt::format("Tag key \"{}\" uses the reserved prefix \"aws:\"", key));
    }
    if (!HasValidCharacters(key) || !HasValidCharacters(value)) {
      return InvalidTag(fmt::format(
          "Tag \"{}\" contains a character other than letters, digits, spaces and _ . : / = + - @",
          key));
    }
    parsed[std::move(key)] = std::move(value);
  }
  if (parsed.size() > kMaxTableTags) {
    return InvalidTag("A table can have at most 50 tags");
  }
  if (auto retention = parsed.find(kStreamRetentionTag); retention != parsed.end()) {
    if (auto s = CheckStreamRetention(retention->second); !s.ok()) return s;
  }
  return parsed;
}

}  // namespace tidings
