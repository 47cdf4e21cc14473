#include "storage/table_description.h"

#include "absl/status/status.h"
#include "rapidjson/document.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace tidings {
namespace {

constexpr int kCatalogFormatVersion = 1;
// Tables with secondary indexes are written as version 2, so that a binary
// that does not maintain indexes refuses to load them. Version 1 entries
// still load.
constexpr int kIndexedTableFormatVersion = 2;

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
  int version = doc["version"].GetInt();
  if (version != kCatalogFormatVersion && version != kIndexedTableFormatVersion) {
    return absl::DataLossError(std::string(what) + " catalog entry has an unknown format version");
  }
  return doc;
}

void WriteIndex(const SecondaryIndex& index, Writer* w) {
  w->StartObject();
  WriteString("name", index.name, w);
  w->Key("id");
  w->Uint64(index.id);
  w->Key("global");
  w->Bool(index.global);
  WriteKeyElement("hash_key", index.hash_key, w);
  if (index.range_key) WriteKeyElement("range_key", *index.range_key, w);
  WriteString("projection", ProjectionTypeName(index.projection), w);
  w->Key("non_key_attributes");
  w->StartArray();
  for (const std::string& name : index.non_key_attributes) w->String(name.c_str(), name.size());
  w->EndArray();
  WriteString("status", IndexStatusName(index.status), w);
  w->Key("read_capacity_units");
  w->Int64(index.read_capacity_units);
  w->Key("write_capacity_units");
  w->Int64(index.write_capacity_units);
  w->EndObject();
}

absl::StatusOr<SecondaryIndex> ReadIndex(const rapidjson::Value& json) {
  auto invalid = absl::DataLossError("table catalog entry has an invalid secondary index");
  if (!json.IsObject() || !json.HasMember("name") || !json.HasMember("id") ||
      !json.HasMember("hash_key") || !json.HasMember("projection")) {
    return invalid;
  }

  SecondaryIndex index;
  index.name = json["name"].GetString();
  index.id = json["id"].GetUint64();
  index.global = json["global"].GetBool();
  if (!ReadKeyElement(json["hash_key"], &index.hash_key)) return invalid;
  if (json.HasMember("range_key")) {
    KeyElement range;
    if (!ReadKeyElement(json["range_key"], &range)) return invalid;
    index.range_key = range;
  }

  std::string_view projection = json["projection"].GetString();
  if (projection == "KEYS_ONLY") {
    index.projection = ProjectionType::kKeysOnly;
  } else if (projection == "INCLUDE") {
    index.projection = ProjectionType::kInclude;
  } else if (projection == "ALL") {
    index.projection = ProjectionType::kAll;
  } else {
    return invalid;
  }

  for (const auto& name : json["non_key_attributes"].GetArray()) {
    index.non_key_attributes.emplace_back(name.GetString());
  }
  std::string_view status = json["status"].GetString();
  index.status = status == "CREATING"   ? IndexStatus::kCreating
                 : status == "DELETING" ? IndexStatus::kDeleting
                                        : IndexStatus::kActive;
  index.read_capacity_units = json["read_capacity_units"].GetInt64();
  index.write_capacity_units = json["write_capacity_units"].GetInt64();
  return index;
}

}  // namespace

std::string_view ProjectionTypeName(ProjectionType type) {
  switch (type) {
    case ProjectionType::kKeysOnly: return "KEYS_ONLY";
    case ProjectionType::kInclude: return "INCLUDE";
    case ProjectionType::kAll: return "ALL";
  }
  return "?";
}

std::string_view IndexStatusName(IndexStatus status) {
  switch (status) {
    case IndexStatus::kCreating: return "CREATING";
    case IndexStatus::kActive: return "ACTIVE";
    case IndexStatus::kDeleting: return "DELETING";
  }
  return "?";
}

const SecondaryIndex* TableDescription::FindIndex(std::string_view index_name) const {
  for (const SecondaryIndex& index : indexes) {
    if (index.name == index_name) return &index;
  }
  return nullptr;
}

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
  w.Int(table.indexes.empty() ? kCatalogFormatVersion : kIndexedTableFormatVersion);
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
  if (!table.indexes.empty()) {
    w.Key("indexes");
    w.StartArray();
    for (const SecondaryIndex& index : table.indexes) WriteIndex(index, &w);
    w.EndArray();
  }
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
  if (d.HasMember("indexes") && d["indexes"].IsArray()) {
    for (const auto& json : d["indexes"].GetArray()) {
      auto index = ReadIndex(json);
      if (!index.ok()) return index.status();
      table.indexes.push_back(*std::move(index));
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
  w.Key("closed_time_ms");
  w.Int64(stream.closed_time_ms);
  WriteString("retention_tag", stream.retention_tag, &w);
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
  // Added after the first release of format version 1, so optional.
  if (d.HasMember("closed_time_ms")) stream.closed_time_ms = d["closed_time_ms"].GetInt64();
  if (d.HasMember("retention_tag")) stream.retention_tag = d["retention_tag"].GetString();
  return stream;
}

}  // namespace tidings
