#include "api/request.h"

#include <cctype>

#include "common/attribute_json.h"
#include "common/errors.h"
#include "fmt/format.h"

namespace tidings {
namespace {

// DynamoDB's member names in messages start with a lower-case letter.
std::string MemberName(const char* field) {
  std::string name(field);
  if (!name.empty()) name[0] = static_cast<char>(std::tolower(name[0]));
  return name;
}

absl::Status NullMember(const char* field) {
  return ValidationError(fmt::format(
      "1 validation error detected: Value null at '{}' failed to satisfy constraint: Member must "
      "not be null",
      MemberName(field)));
}

// Checks the form of an ExpressionAttributeNames or ExpressionAttributeValues
// key: `prefix` followed by one or more letters, digits or underscores.
bool IsPlaceholder(std::string_view key, char prefix) {
  if (key.size() < 2 || key[0] != prefix) return false;
  for (char c : key.substr(1)) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

absl::Status WrongType(const char* field, const char* expected) {
  return MakeError(ErrorKind::kSerialization,
                   fmt::format("Invalid type for field {}: expected {}", field, expected));
}

}  // namespace

absl::StatusOr<Request> Request::Parse(const std::string& body) {
  Request request;
  request.doc_.Parse(body.c_str(), body.size());
  if (request.doc_.HasParseError() || !request.doc_.IsObject()) {
    return MakeError(ErrorKind::kSerialization,
                     "Start of structure or map found where not expected: the request body must "
                     "be a JSON object");
  }
  return request;
}

Request Request::FromObject(const rapidjson::Value& object) {
  Request request;
  request.doc_.CopyFrom(object, request.doc_.GetAllocator());
  return request;
}

bool Request::Has(const char* field) const {
  return doc_.HasMember(field) && !doc_[field].IsNull();
}

absl::StatusOr<std::string> Request::RequiredString(const char* field) const {
  if (!Has(field)) return NullMember(field);
  if (!doc_[field].IsString()) return WrongType(field, "a string");
  return std::string(doc_[field].GetString(), doc_[field].GetStringLength());
}

absl::StatusOr<std::optional<std::string>> Request::OptionalString(const char* field) const {
  if (!Has(field)) return std::optional<std::string>();
  if (!doc_[field].IsString()) return WrongType(field, "a string");
  return std::optional<std::string>(
      std::string(doc_[field].GetString(), doc_[field].GetStringLength()));
}

absl::StatusOr<std::optional<int64_t>> Request::OptionalInt(const char* field) const {
  if (!Has(field)) return std::optional<int64_t>();
  if (!doc_[field].IsInt64()) return WrongType(field, "an integer");
  return std::optional<int64_t>(doc_[field].GetInt64());
}

absl::StatusOr<std::optional<bool>> Request::OptionalBool(const char* field) const {
  if (!Has(field)) return std::optional<bool>();
  if (!doc_[field].IsBool()) return WrongType(field, "a boolean");
  return std::optional<bool>(doc_[field].GetBool());
}

absl::StatusOr<Item> Request::RequiredItem(const char* field) const {
  if (!Has(field)) return NullMember(field);
  if (!doc_[field].IsObject()) return WrongType(field, "a map of attribute values");
  return ItemFromJson(doc_[field]);
}

absl::StatusOr<expr::NameMap> Request::ExpressionNames() const {
  expr::NameMap names;
  if (!Has("ExpressionAttributeNames")) return names;
  const auto& json = doc_["ExpressionAttributeNames"];
  if (!json.IsObject()) return WrongType("ExpressionAttributeNames", "a map of strings");
  if (json.MemberCount() == 0) {
    return ValidationError("ExpressionAttributeNames must not be empty");
  }
  for (const auto& member : json.GetObject()) {
    std::string_view key(member.name.GetString(), member.name.GetStringLength());
    if (!IsPlaceholder(key, '#')) {
      return ValidationError(fmt::format(
          "ExpressionAttributeNames contains invalid key: Syntax error; key: \"{}\"", key));
    }
    if (!member.value.IsString()) return WrongType("ExpressionAttributeNames", "a map of strings");
    if (member.value.GetStringLength() == 0) {
      return ValidationError(fmt::format(
          "ExpressionAttributeNames contains invalid value: Empty attribute name; key: \"{}\"",
          key));
    }
    if (auto s = CheckAttributeName(member.value.GetStringLength()); !s.ok()) return s;
    names.emplace(std::string(key), member.value.GetString());
  }
  return names;
}

absl::StatusOr<expr::ValueMap> Request::ExpressionValues() const {
  expr::ValueMap values;
  if (!Has("ExpressionAttributeValues")) return values;
  const auto& json = doc_["ExpressionAttributeValues"];
  if (!json.IsObject()) return WrongType("ExpressionAttributeValues", "a map of attribute values");
  if (json.MemberCount() == 0) {
    return ValidationError("ExpressionAttributeValues must not be empty");
  }
  for (const auto& member : json.GetObject()) {
    std::string_view key(member.name.GetString(), member.name.GetStringLength());
    if (!IsPlaceholder(key, ':')) {
      return ValidationError(fmt::format(
          "ExpressionAttributeValues contains invalid key: Syntax error; key: \"{}\"", key));
    }
    auto value = AttributeValueFromJson(member.value);
    if (!value.ok() && KindOf(value.status()) == ErrorKind::kSerialization) {
      return value.status();
    }
    if (!value.ok()) {
      return ValidationError(fmt::format(
          "ExpressionAttributeValues contains invalid value: {} for key {}",
          value.status().message(), member.name.GetString()));
    }
    values.emplace(member.name.GetString(), *std::move(value));
  }
  return values;
}

absl::StatusOr<std::string> Request::TableName() const {
  auto name = RequiredString("TableName");
  if (!name.ok()) return name.status();
  bool valid_chars = true;
  for (char c : *name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') {
      valid_chars = false;
    }
  }
  if (name->size() < 3 || name->size() > 255) {
    return ValidationError(fmt::format(
        "1 validation error detected: Value '{}' at 'tableName' failed to satisfy constraint: "
        "Member must have length greater than or equal to 3 and less than or equal to 255",
        *name));
  }
  if (!valid_chars) {
    return ValidationError(fmt::format(
        "1 validation error detected: Value '{}' at 'tableName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
        *name));
  }
  return name;
}

}  // namespace tidings
