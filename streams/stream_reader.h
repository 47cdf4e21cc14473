// streams: the read side of the DynamoDB Streams API.
//
// A stream has several shards (streams/shard_map.h); each shard's records
// are one key range of the "streams" column family, in sequence-number
// order. Shard iterators are opaque strings that carry the stream, shard,
// position and issue time (docs/formats/shard-iterator.md); they expire after
// 15 minutes as on AWS. Any number of readers may read a shard at once.
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
#include "streams/shard_map.h"

namespace tidings {

enum class ShardIteratorType { kTrimHorizon, kLatest, kAtSequenceNumber, kAfterSequenceNumber };

std::optional<ShardIteratorType> ParseShardIteratorType(std::string_view name);

struct ShardInfo {
  std::string shard_id;
  std::string parent_shard_id;  // Empty for a shard of the first generation.
  std::string starting_sequence_number;
  std::string ending_sequence_number;  // Empty while the shard is open.
};

struct RecordBatch {
  std::vector<std::string> records;  // Each a stream record as JSON text.
  std::vector<uint64_t> sequence_numbers;  // Of `records`, in the same order.
  uint64_t last_sequence_number = 0;   // Of the last record returned, or the start position.
  bool at_end = false;  // True when no visible record follows the last one returned.
  std::optional<std::string> next_shard_iterator;  // Absent once a closed shard is exhausted.
};

class StreamReader {
 public:
  struct Options {
    int64_t iterator_lifetime_ms = 15 * 60 * 1000;
    std::function<int64_t()> now_ms;  // Wall clock in epoch milliseconds.
  };
  // `tracker` limits reads to committed records; see sequence_tracker.h.
  StreamReader(StorageEngine* engine, const TableStore* tables, const ShardMap* shards,
               const SequenceTracker* tracker, Options options);

  // The stream's shards, parents before children.
  std::vector<ShardInfo> DescribeShards(const StreamDescription& stream) const;

  // Errors: ResourceNotFound for an unknown stream or shard, Validation for a
  // bad sequence number, TrimmedDataAccess for a position already trimmed.
  absl::StatusOr<std::string> GetShardIterator(const std::string& stream_arn,
                                               const std::string& shard_id,
                                               ShardIteratorType type,
                                               const std::string& sequence_number) const;

  // Reads up to `limit` records (1..1000, at most 1 MB) after the iterator's
  // position. Errors: Validation (malformed), ExpiredIterator, TrimmedDataAccess
  // (records after the position were trimmed), ResourceNotFound.
  absl::StatusOr<RecordBatch> GetRecords(const std::string& shard_iterator, int limit) const;

  // Reads up to `limit` records of every shard of `stream_id` with sequence
  // numbers above `after`, merged in sequence-number order without gaps, for
  // in-process consumers such as trigger runners.
  absl::StatusOr<RecordBatch> ReadAfter(uint64_t stream_id, uint64_t after, int limit) const;

  // Reads up to `limit` records of one shard above `after` and at or below
  // `visible_limit` (see SequenceTracker::VisibleLimit), stopping after 1 MB.
  absl::StatusOr<RecordBatch> ReadShard(uint64_t stream_id, uint64_t shard_index, uint64_t after,
                                        int limit, uint64_t visible_limit) const;

  // The last visible sequence number written to the stream, or 0 if it has none.
  uint64_t LastSequenceNumber(uint64_t stream_id) const;

 private:
  std::string EncodeIterator(uint64_t stream_id, const std::string& shard_id,
                             uint64_t after) const;
  // The last visible record of a shard, or 0.
  uint64_t LastInShard(uint64_t stream_id, uint64_t shard_index, uint64_t visible_limit) const;
  absl::StatusOr<uint64_t> IteratorPosition(const StreamDescription& stream, const Shard& shard,
                                            ShardIteratorType type,
                                            const std::string& sequence_number) const;

  StorageEngine* engine_;
  const TableStore* tables_;
  const ShardMap* shards_;
  const SequenceTracker* tracker_;
  Options options_;
};

// DynamoDB's TrimmedDataAccessException.
absl::Status TrimmedDataError();

}  // namespace tidings
