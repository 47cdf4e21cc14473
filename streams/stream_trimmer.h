// streams: the background work that keeps streams within their limits.
//
// Every interval, for each stream, the trimmer
// - rolls the open shards over once they are older than the shard period;
// - deletes records older than the stream's retention period (RocksDB
//   DeleteRange over the front of each shard's key range) and records the
//   trim point that turns later reads of them into TrimmedDataAccessException;
// - removes closed shards, and closed streams, once their retention period
//   has passed since they closed.
// A stream's retention is its table's kStreamRetentionTag tag (kept in the
// stream's catalog entry when the stream closes), else the server's default.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

#include "absl/status/status.h"
#include "storage/engine.h"
#include "storage/table_store.h"
#include "streams/sequence_tracker.h"
#include "streams/shard_map.h"

namespace tidings {

class StreamTrimmer {
 public:
  struct Options {
    int64_t shard_period_ms = 4 * 3600 * 1000;
    int64_t default_retention_ms = 24 * 3600 * 1000;
    std::function<int64_t()> now_ms;  // Wall clock in epoch milliseconds.
  };
  StreamTrimmer(StorageEngine* engine, TableStore* tables, ShardMap* shards,
                const SequenceTracker* tracker, Options options);
  ~StreamTrimmer();

  void Start();
  void Stop();

  // Does one pass over every stream; tests may call it directly.
  [[nodiscard]] absl::Status RunOnce();

  // The retention period of `stream` in milliseconds.
  int64_t RetentionMs(const StreamDescription& stream) const;

 private:
  void Loop();
  absl::Status MaintainStream(const StreamDescription& stream, int64_t now);
  absl::Status TrimShard(const Shard& shard, int64_t cutoff_ms, uint64_t visible_limit);
  absl::Status DropStream(const StreamDescription& stream);

  StorageEngine* engine_;
  TableStore* tables_;
  ShardMap* shards_;
  const SequenceTracker* tracker_;
  Options options_;
  int64_t interval_ms_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // Guarded by mutex_.
  std::thread thread_;
};

// Returns the ApproximateCreationDateTime (epoch seconds) of a stored stream
// record, or -1 when it has none.
int64_t RecordCreationSeconds(std::string_view record_json);

}  // namespace tidings
