// api: small helpers for writing DynamoDB response JSON.
#pragma once

#include <optional>
#include <string_view>

#include "common/attribute_json.h"
#include "storage/table_description.h"

namespace tidings {

inline void WriteString(std::string_view text, JsonWriter* w) {
  w->String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

// Writes DynamoDB's KeySchema list: the HASH element, then the RANGE one.
inline void WriteKeySchema(const KeyElement& hash, const std::optional<KeyElement>& range,
                           JsonWriter* w) {
  w->StartArray();
  for (const KeyElement* element : {&hash, range ? &*range : nullptr}) {
    if (element == nullptr) continue;
    w->StartObject();
    w->Key("AttributeName");
    WriteString(element->name, w);
    w->Key("KeyType");
    w->String(element == &hash ? "HASH" : "RANGE");
    w->EndObject();
  }
  w->EndArray();
}

}  // namespace tidings
