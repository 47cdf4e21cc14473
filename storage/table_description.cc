#include "storage/table_description.h"

#include "absl/status/status.h"
#include "rapidjson/document.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace tidings {
namespace {

constexpr int kCatalogFormatVersion = 1;

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void WriteKeyElement(const char* field, const KeyElement& key, Writer* w) {
  w->Key(field);
  w->StartObject();
  w->Key("name");
  w->String(key.name.c_str(), key.name.size());
  w->Key("type");
  std::string_view type = AttributeTypeName(key.type);
  w->String(type.data(), type.size());
  w->EndObject();
}

bool ReadKeyElement(const rapidjson::Value& json, KeyElement* key) {
  if (!json.IsObject() || !json.HasMember("name") || !json.HasMember("type")) return false;
  key->name = json["name"].GetString();
  std::string_view type = json["type"].GetString();
  if (type == "S") {
    key->type = AttributeType::kS;
  } else if (type == "N") {
    key->type = AttributeType::kN;
  } else if (type == "B") {
    key->type = AttributeType::kB;
  } else {
    return false;
  }
  return true;
}

void WriteString(const char* field, std::string_view value, Writer* w) {
  w->Key(field);
  w->String(value.data(), value.size());
}

absl::StatusOr<rapidjson::Document> ParseVersioned(std::string_view data, const char* what) {
  rapidjson::Document doc;
  doc.Parse(data.data(), data.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("version") ||
      !doc["version"].IsInt()) {
    return absl::DataLossError(std::string(what) + " catalog entry is not valid JSON");
  }
  if (doc["version"].GetInt() != kCatalogFormatVersion) {
    return absl::DataLossError(std::string(what) + " catalog entry has an unknown format version");
  }
  return doc;
}

}  // namespace

std::string_view StreamViewTypeName(StreamViewType type) {
  switch (type) {
    case StreamViewType::kKeysOnly: return "KEYS_ONLY";
    case StreamViewType::kNewImage: return "NEW_IMAGE";
    case StreamViewType::kOldImage: return "OLD_IMAGE";
    case StreamViewType::kNewAndOldImages: return "NEW_AND_OLD_IMAGES";
  }
  return "?";
}

std::optional<StreamViewType> ParseStreamViewType(std::string_view name) {
  if (name == "KEYS_ONLY") return StreamViewType::kKeysOnly;
  if (name == "NEW_IMAGE") return StreamViewType::kNewImage;
  if (name == "OLD_IMAGE") return StreamViewType::kOldImage;
  if (name == "NEW_AND_OLD_IMAGES") return StreamViewType::kNewAndOldImages;
  return std::nullopt;
}

Item TableDescription::KeyOf(const Item& item) const {
  Item key;
  if (auto it = item.find(hash_key.name); it != item.end()) key.emplace(*it);
  if (range_key) {
    if (auto it = item.find(range_key->name); it != item.end()) key.emplace(*it);
  }
  return key;
}

std::string SerializeTable(const TableDescription& table) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("version");
  w.Int(kCatalogFormatVersion);
  WriteString("name", table.name, &w);
  w.Key("id");
  w.Uint64(table.id);
  WriteKeyElement("hash_key", table.hash_key, &w);
  if (table.range_key) WriteKeyElement("range_key", *table.range_key, &w);
  w.Key("creation_time_ms");
  w.Int64(table.creation_time_ms);
  WriteString("billing_mode", table.billing_mode, &w);
  w.Key("read_capacity_units");
  w.Int64(table.read_capacity_units);
  w.Key("write_capacity_units");
  w.Int64(table.write_capacity_units);
  w.Key("stream_enabled");
  w.Bool(table.stream_enabled);
  WriteString("stream_view_type", StreamViewTypeName(table.stream_view_type), &w);
  w.Key("stream_id");
  w.Uint64(table.stream_id);
  WriteString("stream_label", table.stream_label, &w);
  w.Key("ttl_enabled");
  w.Bool(table.ttl_enabled);
  WriteString("ttl_attribute", table.ttl_attribute, &w);
  w.Key("tags");
  w.StartObject();
  for (const auto& [key, value] : table.tags) {
    w.Key(key.c_str(), key.size());
    w.String(value.c_str(), value.size());
  }
  w.EndObject();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

absl::StatusOr<TableDescription> ParseTable(std::string_view data) {
  auto doc = ParseVersioned(data, "table");
  if (!doc.ok()) return doc.status();
  TableDescription table;
  const rapidjson::Document& d = *doc;
  table.name = d["name"].GetString();
  table.id = d["id"].GetUint64();
  if (!ReadKeyElement(d["hash_key"], &table.hash_key)) {
    return absl::DataLossError("table catalog entry has an invalid hash key");
  }
  if (d.HasMember("range_key")) {
    KeyElement range;
    if (!ReadKeyElement(d["range_key"], &range)) {
      return absl::DataLossError("table catalog entry has an invalid range key");
    }
    table.range_key = range;
  }
  table.creation_time_ms = d["creation_time_ms"].GetInt64();
  table.billing_mode = d["billing_mode"].GetString();
  table.read_capacity_units = d["read_capacity_units"].GetInt64();
  table.write_capacity_units = d["write_capacity_units"].GetInt64();
  table.stream_enabled = d["stream_enabled"].GetBool();
  table.stream_view_type =
      ParseStreamViewType(d["stream_view_type"].GetString()).value_or(StreamViewType::kNewAndOldImages);
  table.stream_id = d["stream_id"].GetUint64();
  table.stream_label = d["stream_label"].GetString();
  // Fields added after the first release of format version 1 are optional.
  if (d.HasMember("ttl_enabled")) table.ttl_enabled = d["ttl_enabled"].GetBool();
  if (d.HasMember("ttl_attribute")) table.ttl_attribute = d["ttl_attribute"].GetString();
  if (d.HasMember("tags") && d["tags"].IsObject()) {
    for (const auto& tag : d["tags"].GetObject()) {
      table.tags[tag.name.GetString()] = tag.value.GetString();
    }
  }
  return table;
}

std::string SerializeStream(const StreamDescription& stream) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("version");
  w.Int(kCatalogFormatVersion);
  w.Key("id");
  w.Uint64(stream.id);
  WriteString("table_name", stream.table_name, &w);
  w.Key("table_id");
  w.Uint64(stream.table_id);
  WriteString("label", stream.label, &w);
  WriteString("arn", stream.arn, &w);
  WriteString("view_type", StreamViewTypeName(stream.view_type), &w);
  WriteKeyElement("hash_key", stream.hash_key, &w);
  if (stream.range_key) WriteKeyElement("range_key", *stream.range_key, &w);
  WriteString("status", stream.status == StreamStatus::kEnabled ? "ENABLED" : "DISABLED", &w);
  w.Key("creation_time_ms");
  w.Int64(stream.creation_time_ms);
  WriteString("shard_id", stream.shard_id, &w);
  w.Key("ending_sequence_number");
  w.Uint64(stream.ending_sequence_number);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

absl::StatusOr<StreamDescription> ParseStream(std::string_view data) {
  auto doc = ParseVersioned(data, "stream");
  if (!doc.ok()) return doc.status();
  const rapidjson::Document& d = *doc;
  StreamDescription stream;
  stream.id = d["id"].GetUint64();
  stream.table_name = d["table_name"].GetString();
  stream.table_id = d["table_id"].GetUint64();
  stream.label = d["label"].GetString();
  stream.arn = d["arn"].GetString();
  stream.view_type =
      ParseStreamViewType(d["view_type"].GetString()).value_or(StreamViewType::kNewAndOldImages);
  if (!ReadKeyElement(d["hash_key"], &stream.hash_key)) {
    return absl::DataLossError("stream catalog entry has an invalid hash key");
  }
  if (d.HasMember("range_key")) {
    KeyElement range;
    if (!ReadKeyElement(d["range_key"], &range)) {
      return absl::DataLossError("stream catalog entry has an invalid range key");
    }
    stream.range_key = range;
  }
  stream.status = std::string_view(d["status"].GetString()) == "ENABLED" ? StreamStatus::kEnabled
                                                                          : StreamStatus::kDisabled;
  stream.creation_time_ms = d["creation_time_ms"].GetInt64();
  stream.shard_id = d["shard_id"].GetString();
  stream.ending_sequence_number = d["ending_sequence_number"].GetUint64();
  return stream;
}

}  // namespace tidings
