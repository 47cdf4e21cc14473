// streams: which stream records readers may see.
//
// Writes to different items commit concurrently, so a record with a higher
// sequence number can commit before one with a lower number. A reader that
// returned the higher one first would skip the lower one for good. The
// tracker hands out sequence numbers and remembers the writes still in
// flight. Readers stop below the lowest of them, so every reader gets each
// stream's records in sequence-number order without gaps.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <set>

#include "rocksdb/write_batch.h"
#include "storage/engine.h"

namespace tidings {

class SequenceTracker {
 public:
  explicit SequenceTracker(StorageEngine* engine) : engine_(engine) {}

  // Allocates the next sequence number for a record of `stream_id` (recorded
  // in `batch`, see StorageEngine::AllocateSequenceNumber) and marks it in
  // flight. Thread-safe.
  uint64_t Begin(uint64_t stream_id, rocksdb::WriteBatch* batch);
  // Marks the write of `sequence_number` as committed or abandoned.
  void Finish(uint64_t stream_id, uint64_t sequence_number);

  // Returns the highest sequence number of `stream_id` that readers may read:
  // every record at or below it has committed or will never exist. Readers
  // must call it before opening their RocksDB iterator.
  uint64_t VisibleLimit(uint64_t stream_id) const;

 private:
  StorageEngine* engine_;
  mutable std::mutex mutex_;
  std::map<uint64_t, std::set<uint64_t>> in_flight_;  // Guarded by mutex_.
};

}  // namespace tidings
