// common: DynamoDB's JSON wire form of attribute values and items.
//
// NOTE: never compare a rapidjson::Value with == or != against a non-Value
// (e.g. `v == 1`): under C++20's rewritten comparisons RapidJSON 1.1 recurses
// forever. Compare the extracted value instead (`v.GetInt() == 1`).
//
// Parsing validates as DynamoDB does (exactly one type descriptor per value,
// valid numbers, base64 binary, no empty or duplicate set members) and returns
// a ValidationError naming the problem.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "common/attribute_value.h"
#include "rapidjson/document.h"
#include "rapidjson/writer.h"
#include "rapidjson/stringbuffer.h"

namespace tidings {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

absl::StatusOr<AttributeValue> AttributeValueFromJson(const rapidjson::Value& json);
// Parses an attribute map such as a PutItem "Item" or a GetItem "Key".
absl::StatusOr<Item> ItemFromJson(const rapidjson::Value& json);

// Maximum length in bytes of an attribute name, at any nesting depth.
inline constexpr size_t kMaxAttributeNameBytes = 65535;
// Rejects an attribute name longer than kMaxAttributeNameBytes with
// DynamoDB's ValidationException.
absl::Status CheckAttributeName(size_t length);

void WriteAttributeValue(const AttributeValue& value, JsonWriter* writer);
void WriteItem(const Item& item, JsonWriter* writer);

// Convenience for tests and logs: the item as a DynamoDB JSON string.
std::string ItemToJsonString(const Item& item);

}  // namespace tidings
