// storage: the embedded RocksDB store behind every table, stream, checkpoint
// and notification.
//
// One RocksDB database in the data directory, with a column family per kind
// of data (layouts in docs/formats/). Writes from all parts go through
// Write(), so one setting decides whether an acknowledged write has reached
// the disk (sync) or only the operating system (async).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"

namespace tidings {

enum class Durability {
  kSync,   // Acknowledge after the write-ahead log is fsynced.
  kAsync,  // Acknowledge once the operating system has the write.
};

struct StorageOptions {
  std::string data_dir = "./data";
  Durability durability = Durability::kSync;
};

class StorageEngine {
 public:
  // Opens (creating if needed) the database in options.data_dir. Fails with a
  // message naming the directory when it cannot be created, is not writable,
  // or is locked by another process.
  static absl::StatusOr<std::unique_ptr<StorageEngine>> Open(const StorageOptions& options);
  ~StorageEngine();

  rocksdb::DB* db() const { return db_.get(); }
  rocksdb::ColumnFamilyHandle* catalog() const { return catalog_; }
  rocksdb::ColumnFamilyHandle* items() const { return items_; }
  rocksdb::ColumnFamilyHandle* streams() const { return streams_; }
  rocksdb::ColumnFamilyHandle* checkpoints() const { return checkpoints_; }
  rocksdb::ColumnFamilyHandle* notify() const { return notify_; }
  const rocksdb::WriteOptions& write_options() const { return write_options_; }

  // Commits `batch` atomically with the configured durability. When OK is
  // returned every write in the batch survives a process crash (and, with
  // Durability::kSync, a power loss).
  [[nodiscard]] absl::Status Write(rocksdb::WriteBatch* batch);

  // Returns the next stream sequence number and records it in `batch`, so the
  // counter is durable exactly when the record that uses it is. Thread-safe.
  uint64_t AllocateSequenceNumber(rocksdb::WriteBatch* batch);
  uint64_t LastSequenceNumber() const { return last_sequence_number_.load(); }
  // Raises the counter to at least `sequence`. Recovery calls it with the last
  // record of each stream, because batches of different tables may commit
  // their counter updates out of order.
  void ObserveSequenceNumber(uint64_t sequence);

  // Returns a fresh id for a table or stream, recorded in `batch`.
  uint64_t AllocateId(rocksdb::WriteBatch* batch);

 private:
  StorageEngine() = default;
  absl::Status LoadCounters();

  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::ColumnFamilyHandle* catalog_ = nullptr;
  rocksdb::ColumnFamilyHandle* items_ = nullptr;
  rocksdb::ColumnFamilyHandle* streams_ = nullptr;
  rocksdb::ColumnFamilyHandle* checkpoints_ = nullptr;
  rocksdb::ColumnFamilyHandle* notify_ = nullptr;
  rocksdb::WriteOptions write_options_;
  std::atomic<uint64_t> last_sequence_number_{0};
  std::atomic<uint64_t> last_id_{0};
};

// Converts a RocksDB status to an absl::Status with the same message.
absl::Status FromRocksDb(const rocksdb::Status& status);

}  // namespace tidings
