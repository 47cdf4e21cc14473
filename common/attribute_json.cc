#include "common/attribute_json.h"

#include <set>

#include "absl/strings/escaping.h"
#include "fmt/format.h"
#include "fmt/ranges.h"
#include "common/errors.h"

namespace tidings {
namespace {

constexpr int kMaxNestingDepth = 32;

// A JSON value of the wrong type inside an attribute value is a
// SerializationException on DynamoDB, as for any member of the wrong type.
absl::Status WrongJsonType(const rapidjson::Value& json, std::string_view expected) {
  std::string_view actual = json.IsString()   ? "STRING_VALUE"
                            : json.IsNumber() ? "NUMBER_VALUE"
                            : json.IsBool()   ? "BOOLEAN_VALUE"
                            : json.IsArray()  ? "START_ARRAY"
                            : json.IsObject() ? "START_OBJECT"
                                              : "VALUE_NULL";
  return MakeError(ErrorKind::kSerialization,
                   fmt::format("{} cannot be converted to {}", actual, expected));
}

absl::Status Invalid(std::string_view detail) {
  return ValidationError(fmt::format("One or more parameter values were invalid: {}", detail));
}

absl::StatusOr<std::vector<std::string>> ParseSetMembers(const rapidjson::Value& json,
                                                         AttributeType type) {
  std::string_view set_name = type == AttributeType::kSS   ? "string set"
                              : type == AttributeType::kNS ? "number set"
                                                           : "binary set";
  if (!json.IsArray()) {
    return WrongJsonType(json, "List");
  }
  if (json.Empty()) {
    return Invalid(fmt::format("An {}  may not be empty", set_name));
  }
  std::vector<std::string> members;
  for (const auto& member : json.GetArray()) {
    if (!member.IsString()) {
      return WrongJsonType(member, "String");
    }
    std::string text(member.GetString(), member.GetStringLength());
    if (type == AttributeType::kNS) {
      if (auto status = ValidateNumber(text); !status.ok()) return status;
      text = NormalizeNumber(text);
    }
    if (type == AttributeType::kBS) {
      std::string bytes;
      if (!absl::Base64Unescape(text, &bytes)) return ValidationError("Invalid Base64 value in binary set");
      text = std::move(bytes);
    }
    members.push_back(std::move(text));
  }
  bool duplicate = false;
  if (type == AttributeType::kNS) {
    for (size_t i = 0; i < members.size() && !duplicate; ++i) {
      for (size_t j = i + 1; j < members.size(); ++j) {
        if (CompareNumbers(members[i], members[j]) == 0) duplicate = true;
      }
    }
  } else {
    duplicate = std::set<std::string>(members.begin(), members.end()).size() != members.size();
  }
  if (duplicate) {
    std::vector<std::string> shown;
    for (const auto& member : json.GetArray()) shown.emplace_back(member.GetString());
    return Invalid(fmt::format("Input collection [{}] contains duplicates.", fmt::join(shown, ", ")));
  }
  return members;
}

absl::StatusOr<AttributeValue> ParseValue(const rapidjson::Value& json, int depth);

}  // namespace

absl::Status CheckAttributeName(size_t length) {
  if (length > kMaxAttributeNameBytes) {
    return ValidationError(
        "1 validation error detected: Attribute name is too large, must be less than 65536 bytes");
  }
  return absl::OkStatus();
}

namespace {

absl::StatusOr<AttributeMap> ParseMap(const rapidjson::Value& json, int depth) {
  if (!json.IsObject()) return WrongJsonType(json, "Map");
  AttributeMap map;
  for (const auto& member : json.GetObject()) {
    if (auto s = CheckAttributeName(member.name.GetStringLength()); !s.ok()) return s;
    // NOTE: DynamoDB rejects an empty attribute name in an item; the wording of
    // its message here is ours. Nested map keys may be empty.
    if (depth == 0 && member.name.GetStringLength() == 0) {
      return Invalid("Empty attribute name");
    }
    auto value = ParseValue(member.value, depth + 1);
    if (!value.ok()) return value.status();
    map.insert_or_assign(std::string(member.name.GetString(), member.name.GetStringLength()),
                         *std::move(value));
  }
  return map;
}

absl::StatusOr<AttributeValue> ParseValue(const rapidjson::Value& json, int depth) {
  if (depth > kMaxNestingDepth) {
    return ValidationError("Nesting Levels have exceeded supported limits: maximum allowed depth is 32");
  }
  if (!json.IsObject() || json.MemberCount() == 0) {
    return ValidationError(
        "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
  }
  if (json.MemberCount() > 1) {
    return ValidationError(
        "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the "
        "supported datatypes");
  }
  const auto& member = *json.MemberBegin();
  std::string_view type(member.name.GetString(), member.name.GetStringLength());
  const rapidjson::Value& body = member.value;

  auto text = [&]() { return std::string(body.GetString(), body.GetStringLength()); };
  if (type == "S") {
    if (!body.IsString()) return WrongJsonType(body, "String");
    return AttributeValue::String(text());
  }
  if (type == "N") {
    if (!body.IsString()) return WrongJsonType(body, "String");
    if (auto status = ValidateNumber(text()); !status.ok()) return status;
    return AttributeValue::Number(NormalizeNumber(text()));
  }
  if (type == "B") {
    if (!body.IsString()) return WrongJsonType(body, "Blob");
    std::string bytes;
    if (!absl::Base64Unescape(text(), &bytes)) return ValidationError("Invalid Base64 value for B");
    return AttributeValue::Binary(std::move(bytes));
  }
  if (type == "BOOL") {
    if (!body.IsBool()) return WrongJsonType(body, "Boolean");
    return AttributeValue::Bool(body.GetBool());
  }
  if (type == "NULL") {
    if (!body.IsBool() || !body.GetBool()) {
      return Invalid("Null attribute value types must have the value of true");
    }
    return AttributeValue::Null();
  }
  if (type == "M") {
    auto map = ParseMap(body, depth);
    if (!map.ok()) return map.status();
    return AttributeValue::Map(*std::move(map));
  }
  if (type == "L") {
    if (!body.IsArray()) return WrongJsonType(body, "List");
    std::vector<AttributeValue> list;
    for (const auto& element : body.GetArray()) {
      auto value = ParseValue(element, depth + 1);
      if (!value.ok()) return value.status();
      list.push_back(*std::move(value));
    }
    return AttributeValue::List(std::move(list));
  }
  AttributeType set_type;
  if (type == "SS") {
    set_type = AttributeType::kSS;
  } else if (type == "NS") {
    set_type = AttributeType::kNS;
  } else if (type == "BS") {
    set_type = AttributeType::kBS;
  } else {
    return ValidationError(fmt::format(
        "Unknown attribute value type \"{}\"; expected one of S, N, B, BOOL, NULL, M, L, SS, NS, BS",
        type));
  }
  auto members = ParseSetMembers(body, set_type);
  if (!members.ok()) return members.status();
  if (set_type == AttributeType::kSS) return AttributeValue::StringSet(*std::move(members));
  if (set_type == AttributeType::kNS) return AttributeValue::NumberSet(*std::move(members));
  return AttributeValue::BinarySet(*std::move(members));
}

void WriteString(std::string_view text, JsonWriter* writer) {
  writer->String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

}  // namespace

absl::StatusOr<AttributeValue> AttributeValueFromJson(const rapidjson::Value& json) {
  return ParseValue(json, 0);
}

absl::StatusOr<Item> ItemFromJson(const rapidjson::Value& json) { return ParseMap(json, 0); }

void WriteAttributeValue(const AttributeValue& value, JsonWriter* writer) {
  writer->StartObject();
  WriteString(AttributeTypeName(value.type()), writer);
  switch (value.type()) {
    case AttributeType::kS:
    case AttributeType::kN:
      WriteString(value.scalar(), writer);
      break;
    case AttributeType::kB:
      WriteString(absl::Base64Escape(value.scalar()), writer);
      break;
    case AttributeType::kBool:
      writer->Bool(value.boolean());
      break;
    case AttributeType::kNull:
      writer->Bool(true);
      break;
    case AttributeType::kM:
      WriteItem(value.map(), writer);
      break;
    case AttributeType::kL:
      writer->StartArray();
      for (const auto& element : value.list()) WriteAttributeValue(element, writer);
      writer->EndArray();
      break;
    case AttributeType::kSS:
    case AttributeType::kNS:
    case AttributeType::kBS:
      writer->StartArray();
      for (const auto& member : value.set()) {
        WriteString(value.type() == AttributeType::kBS ? absl::Base64Escape(member) : member, writer);
      }
      writer->EndArray();
      break;
  }
  writer->EndObject();
}

void WriteItem(const Item& item, JsonWriter* writer) {
  writer->StartObject();
  for (const auto& [name, value] : item) {
    WriteString(name, writer);
    WriteAttributeValue(value, writer);
  }
  writer->EndObject();
}

std::string ItemToJsonString(const Item& item) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  WriteItem(item, &writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace tidings
