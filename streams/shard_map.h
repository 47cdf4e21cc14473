// streams: the shards of every stream, and which shard a change goes to.
//
// A stream's shards come in generations. Each generation has `slots` open
// shards; a change goes to slot hash(partition key) % slots, so one item's
// changes stay in one shard, in order. Rolling over closes every shard of the
// open generation and opens the next, whose shard in slot s names the old
// shard in slot s % old_slots as its parent. Sequence numbers are handed out
// under the same lock as the shard choice, so every record of a closed shard
// has a lower number than every record of its children. A consumer that
// reads parents before children therefore reads each item's changes in order.
//
// Shards are catalog entries `shard/<stream id>/<index>` (layout in
// docs/formats/catalog.md); a record's key carries its shard's index
// (docs/formats/stream-record.md). A shard of a disabled stream that was open
// when the stream closed counts as closed at the stream's ending sequence
// number. All methods are thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "rocksdb/write_batch.h"
#include "storage/engine.h"
#include "storage/table_description.h"
#include "streams/sequence_tracker.h"

namespace tidings {

struct Shard {
  uint64_t stream_id = 0;
  uint64_t index = 0;  // Position in the stream's shard list; part of its record keys.
  std::string shard_id;  // DynamoDB's form: shardId-<20 digits>-<8 hex digits>.
  std::optional<uint64_t> parent_index;
  std::string parent_shard_id;  // Kept after the parent is removed, as AWS keeps naming it.
  uint64_t generation = 0;
  uint32_t slot = 0;
  uint32_t slots = 1;  // Open shards in its generation.
  int64_t created_ms = 0;
  uint64_t starting_sequence_number = 1;  // No record of the shard has a lower number.
  uint64_t ending_sequence_number = 0;    // 0 while open; no record has a higher number.
  int64_t closed_ms = 0;
  uint64_t trimmed_through = 0;  // Records at or below this number were trimmed.

  bool open() const { return ending_sequence_number == 0; }
};

// The shard and sequence number of a change's record.
struct ShardAssignment {
  uint64_t shard_index = 0;
  uint64_t sequence_number = 0;
};

class ShardMap {
 public:
  struct Options {
    int shards_per_generation = 4;
    std::function<int64_t()> now_ms;
  };
  ShardMap(StorageEngine* engine, Options options);

  // Reads every shard from the catalog. Call once at start, before use.
  [[nodiscard]] absl::Status Load();

  // Adds the first generation of a new stream to `batch`, which creates the
  // stream. The shards are visible at once; they are durable with the batch.
  void AddFirstGeneration(const StreamDescription& stream, rocksdb::WriteBatch* batch);
  // Gives a stream that has no shards (one written before streams had
  // several) a first generation of one shard, with `shard_id`, starting at
  // `first_sequence_number`. Writes it durably.
  [[nodiscard]] absl::Status AdoptLegacyShard(const StreamDescription& stream,
                                              uint64_t first_sequence_number);

  // Chooses the open shard for a change whose partition key encodes to
  // `partition_key`, and allocates its sequence number through `tracker`
  // (recorded in `batch`). FailedPrecondition when the stream has no open shard.
  absl::StatusOr<ShardAssignment> Assign(uint64_t stream_id, std::string_view partition_key,
                                         SequenceTracker* tracker, rocksdb::WriteBatch* batch);

  // Closes the open generation of `stream_id` at the last sequence number
  // given out and opens the next one, durably. Does nothing if the stream has
  // no open shard.
  [[nodiscard]] absl::Status RollOver(uint64_t stream_id);

  // Returns the stream's shards in index order (parents before children),
  // with shards of a disabled stream closed at its ending sequence number.
  std::vector<Shard> Shards(const StreamDescription& stream) const;
  // Returns one shard, closed as Shards() closes it; nullopt if unknown.
  std::optional<Shard> FindShard(const StreamDescription& stream, std::string_view shard_id) const;
  std::optional<Shard> FindShard(const StreamDescription& stream, uint64_t index) const;
  // Returns when the open generation of `stream_id` was created, if it has one.
  std::optional<int64_t> OpenGenerationCreatedMs(uint64_t stream_id) const;

  // Records durably that `shard`'s records up to `through` were deleted,
  // committing `batch` (the deletion) in the same write.
  [[nodiscard]] absl::Status SetTrimmed(const Shard& shard, uint64_t through,
                                        rocksdb::WriteBatch* batch);
  // Adds the removal of `shard` and of its records to `batch`; Forget()
  // drops it from memory once the batch has committed.
  void AddShardRemoval(const Shard& shard, rocksdb::WriteBatch* batch) const;
  void Forget(uint64_t stream_id, std::optional<uint64_t> index = std::nullopt);

 private:
  std::vector<Shard> NewGeneration(uint64_t stream_id, int64_t created_ms,
                                   const std::vector<Shard>& parents, uint64_t starting) const;
  void PutShard(const Shard& shard, rocksdb::WriteBatch* batch) const;
  Shard Effective(const StreamDescription& stream, Shard shard) const;

  StorageEngine* engine_;
  Options options_;
  mutable std::mutex mutex_;
  std::map<uint64_t, std::vector<Shard>> shards_;  // By stream id; guarded by mutex_.
};

// Key prefix of a shard's records in the "streams" column family, and the
// key of one record (layout in docs/formats/stream-record.md).
std::string ShardRecordPrefix(uint64_t stream_id, uint64_t shard_index);
std::string StreamRecordKey(uint64_t stream_id, uint64_t shard_index, uint64_t sequence_number);
// Returns the sequence number of a record key, or 0 when it is not one.
uint64_t SequenceNumberOfKey(std::string_view key);

}  // namespace tidings
