// storage: the persistent description of a table and of its streams.
//
// Both are catalog entries, stored as versioned JSON in the engine's default
// column family (layout in docs/formats/catalog.md).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/attribute_value.h"

namespace tidings {

enum class StreamViewType { kKeysOnly, kNewImage, kOldImage, kNewAndOldImages };

std::string_view StreamViewTypeName(StreamViewType type);
std::optional<StreamViewType> ParseStreamViewType(std::string_view name);

struct KeyElement {
  std::string name;
  AttributeType type = AttributeType::kS;  // S, N or B.
};

enum class ProjectionType { kKeysOnly, kInclude, kAll };
std::string_view ProjectionTypeName(ProjectionType type);

// IndexStatus of a global secondary index. Local ones are always active.
enum class IndexStatus { kCreating, kActive, kDeleting };
std::string_view IndexStatusName(IndexStatus status);

// A global or local secondary index (layout of its entries in
// docs/formats/item-key.md).
struct SecondaryIndex {
  std::string name;
  uint64_t id = 0;  // Prefix of the index's entry keys and statistics; never reused.
  bool global = true;
  KeyElement hash_key;
  std::optional<KeyElement> range_key;
  ProjectionType projection = ProjectionType::kAll;
  std::vector<std::string> non_key_attributes;  // INCLUDE only.
  IndexStatus status = IndexStatus::kActive;
  int64_t read_capacity_units = 0;  // Global indexes of PROVISIONED tables only.
  int64_t write_capacity_units = 0;
};

struct TableDescription {
  std::string name;
  uint64_t id = 0;  // Prefix of the table's item keys; never reused.
  KeyElement hash_key;
  std::optional<KeyElement> range_key;
  int64_t creation_time_ms = 0;
  std::string billing_mode = "PROVISIONED";
  int64_t read_capacity_units = 0;
  int64_t write_capacity_units = 0;

  // The table's current stream, if one is enabled.
  bool stream_enabled = false;
  StreamViewType stream_view_type = StreamViewType::kNewAndOldImages;
  uint64_t stream_id = 0;      // 0 when no stream was ever enabled.
  std::string stream_label;    // Of the latest stream, kept after disabling.

  // Time to live: items whose `ttl_attribute` is a number of epoch seconds in
  // the past are deleted by the sweeper.
  bool ttl_enabled = false;
  std::string ttl_attribute;

  std::map<std::string, std::string> tags;

  // Global and local secondary indexes, in the order they were created.
  std::vector<SecondaryIndex> indexes;

  // Builds the primary key of `item` (hash and range attributes only).
  Item KeyOf(const Item& item) const;
  // Returns the index named `index_name`, or null.
  const SecondaryIndex* FindIndex(std::string_view index_name) const;
};

enum class StreamStatus { kEnabled, kDisabled };

struct StreamDescription {
  uint64_t id = 0;
  std::string table_name;
  uint64_t table_id = 0;
  std::string label;  // Creation time, e.g. "2026-01-01T00:00:00.000".
  std::string arn;
  StreamViewType view_type = StreamViewType::kNewAndOldImages;
  KeyElement hash_key;
  std::optional<KeyElement> range_key;
  StreamStatus status = StreamStatus::kEnabled;
  int64_t creation_time_ms = 0;
  // The only shard of a stream written before streams had several shards;
  // empty for newer streams, whose shards streams/shard_map.h keeps.
  std::string shard_id;
  // The last sequence number given out when the stream closed; 0 while it is
  // open.
  uint64_t ending_sequence_number = 0;
  int64_t closed_time_ms = 0;  // When it was disabled or its table deleted; 0 while open.
  // The table's kStreamRetentionTag value when the stream closed, so the
  // stream of a deleted table keeps its retention.
  std::string retention_tag;
};

// The table tag that sets how long its stream keeps records, such as "48h"
// or "2w" (see common/duration.h); without it the server's default applies.
inline constexpr char kStreamRetentionTag[] = "tidings:stream-retention";

std::string SerializeTable(const TableDescription& table);
absl::StatusOr<TableDescription> ParseTable(std::string_view data);
std::string SerializeStream(const StreamDescription& stream);
absl::StatusOr<StreamDescription> ParseStream(std::string_view data);

}  // namespace tidings
