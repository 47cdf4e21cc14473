// streams: the read side of the DynamoDB Streams API.
//
// Each stream has one shard in this version; its records are read in
// sequence-number order from the "streams" column family. Shard iterators are
// opaque strings that carry the stream, shard, position and issue time
// (docs/formats/shard-iterator.md); they expire after 15 minutes as on AWS.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/engine.h"
#include "storage/table_store.h"
#include "streams/sequence_tracker.h"

namespace tidings {

enum class ShardIteratorType { kTrimHorizon, kLatest, kAtSequenceNumber, kAfterSequenceNumber };

std::optional<ShardIteratorType> ParseShardIteratorType(std::string_view name);

struct ShardInfo {
  std::string shard_id;
  std::string starting_sequence_number;
  std::string ending_sequence_number;  // Empty while the shard is open.
};

struct RecordBatch {
  std::vector<std::string> records;  // Each a stream record as JSON text.
  uint64_t last_sequence_number = 0;   // Of the last record returned, or the start position.
  bool at_end = false;  // True when no stored record follows the last one returned.
  std::optional<std::string> next_shard_iterator;  // Absent once a closed shard is exhausted.
};

class StreamReader {
 public:
  // `tracker` limits reads to committed records; see sequence_tracker.h.
  StreamReader(StorageEngine* engine, const TableStore* tables, const SequenceTracker* tracker,
               std::function<int64_t()> now_ms = nullptr);

  // The shards of the stream (one per stream in this version).
  absl::StatusOr<std::vector<ShardInfo>> DescribeShards(const StreamDescription& stream) const;

  absl::StatusOr<std::string> GetShardIterator(const std::string& stream_arn,
                                               const std::string& shard_id,
                                               ShardIteratorType type,
                                               const std::string& sequence_number) const;

  // Reads up to `limit` records (1..1000) after the iterator's position.
  absl::StatusOr<RecordBatch> GetRecords(const std::string& shard_iterator, int limit) const;

  // Reads up to `limit` records of `stream_id` with sequence numbers above
  // `after`, for in-process consumers such as trigger runners.
  absl::StatusOr<RecordBatch> ReadAfter(uint64_t stream_id, uint64_t after, int limit) const;

  // The last sequence number written to the stream, or 0 if it has none.
  uint64_t LastSequenceNumber(uint64_t stream_id) const;

 private:
  std::string EncodeIterator(uint64_t stream_id, const std::string& shard_id,
                             uint64_t after) const;

  StorageEngine* engine_;
  const TableStore* tables_;
  const SequenceTracker* tracker_;
  std::function<int64_t()> now_ms_;
};

}  // namespace tidings
