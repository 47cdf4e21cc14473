// streams: DynamoDB Streams records, written in the same batch as the change.
//
// StreamWriter is storage's ChangeObserver. For a table whose stream is
// enabled, it turns each item change into a stream record in DynamoDB's shape
// (docs/formats/stream-record.md) and adds it to the item's write batch.
// A crash therefore never keeps a change without its record, or a record
// without its change. After commit it wakes readers waiting in StreamNotifier.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "storage/engine.h"
#include "storage/table_store.h"
#include "streams/sequence_tracker.h"
#include "streams/shard_map.h"

namespace tidings {

// Wakes threads that wait for new stream records (trigger runners).
class StreamNotifier {
 public:
  // Returns a counter that increases with every committed record batch.
  uint64_t Version() const;
  // Blocks until Version() exceeds `seen` or `timeout_ms` passes; returns the
  // new version.
  uint64_t WaitForChange(uint64_t seen, int64_t timeout_ms);
  void Notify();

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  uint64_t version_ = 0;  // Guarded by mutex_.
};

// DynamoDB's text form of a sequence number: 21 decimal digits.
std::string FormatSequenceNumber(uint64_t sequence_number);

class StreamWriter : public ChangeObserver {
 public:
  struct Options {
    std::string region = "us-east-1";
    std::function<int64_t()> now_ms;
  };
  StreamWriter(StorageEngine* engine, SequenceTracker* tracker, ShardMap* shards,
               StreamNotifier* notifier, Options options);

  absl::Status OnItemChange(const TableDescription& table, const Item* old_item,
                            const Item* new_item, ChangeOrigin origin,
                            rocksdb::WriteBatch* batch, ChangeTicket* ticket) override;
  void OnWriteFinished(const ChangeTicket& ticket, bool committed) override;
  void OnStreamCreated(const StreamDescription& stream, rocksdb::WriteBatch* batch) override;

  // Raises the engine's sequence counter past every stored record. Call once
  // at start, after TableStore::Load and MigrateStreamRecords.
  [[nodiscard]] absl::Status Recover(const TableStore& tables);

 private:
  StorageEngine* engine_;
  SequenceTracker* tracker_;
  ShardMap* shards_;
  StreamNotifier* notifier_;
  Options options_;
};

}  // namespace tidings
