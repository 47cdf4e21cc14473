#include "storage/engine.h"

#include <unistd.h>

#include <filesystem>
#include <vector>

#include "absl/status/status.h"
#include "common/varint.h"
#include "fmt/format.h"
#include "rocksdb/options.h"
#include "rocksdb/table.h"
#include "storage/statistics.h"
#include "common/logging.h"

namespace tidings {
namespace {

constexpr char kSequenceKey[] = "meta/last_sequence_number";
constexpr char kIdKey[] = "meta/last_id";

absl::Status CheckDataDir(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    fs::create_directories(dir, ec);
    if (ec) {
      return absl::FailedPreconditionError(fmt::format(
          "data directory \"{}\" does not exist and cannot be created ({}); create it or pass "
          "--data-dir",
          dir, ec.message()));
    }
  }
  if (!fs::is_directory(dir, ec)) {
    return absl::FailedPreconditionError(
        fmt::format("data directory \"{}\" is not a directory; pass --data-dir with a directory", dir));
  }
  if (access(dir.c_str(), R_OK | W_OK | X_OK) != 0) {
    return absl::FailedPreconditionError(fmt::format(
        "data directory \"{}\" is not writable; fix its permissions or pass --data-dir", dir));
  }
  return absl::OkStatus();
}

uint64_t ReadCounter(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, const char* key) {
  std::string value;
  if (!db->Get(rocksdb::ReadOptions(), cf, key, &value).ok() || value.size() != 8) return 0;
  return DecodeFixed64BigEndian(value);
}

}  // namespace

absl::Status FromRocksDb(const rocksdb::Status& status) {
  if (status.ok()) return absl::OkStatus();
  if (status.IsNotFound()) return absl::NotFoundError(status.ToString());
  if (status.IsCorruption()) return absl::DataLossError(status.ToString());
  return absl::InternalError(status.ToString());
}

absl::StatusOr<std::unique_ptr<StorageEngine>> StorageEngine::Open(const StorageOptions& options) {
  if (auto status = CheckDataDir(options.data_dir); !status.ok()) return status;

  rocksdb::Options db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.IncreaseParallelism(2);
  db_options.enable_pipelined_write = true;

  rocksdb::ColumnFamilyOptions cf_options;
  // The catalog also contains table and index statistics, updated by merges.
  rocksdb::ColumnFamilyOptions catalog_options;
  catalog_options.merge_operator = NewStatisticsMergeOperator();
  // Every item write merges into its table's statistics key. Folding the
  // operands once 64 pile up keeps a statistics read (DescribeTable) from
  // merging every write since the last memtable flush.
  catalog_options.max_successive_merges = 64;
  // The catalog is small, but those merges fill a memtable with one entry
  // per write; a small memtable bounds the memory they take.
  catalog_options.write_buffer_size = 4 << 20;
  std::vector<rocksdb::ColumnFamilyDescriptor> families = {
      {rocksdb::kDefaultColumnFamilyName, catalog_options},
      {"items", cf_options},
      {"streams", cf_options},
      {"checkpoints", cf_options},
      {"notify", cf_options},
  };
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status status = rocksdb::DB::Open(db_options, options.data_dir, families, &handles, &raw);
  if (!status.ok()) {
    if (status.IsIOError() && status.ToString().find("lock") != std::string::npos) {
      return absl::FailedPreconditionError(fmt::format(
          "data directory \"{}\" is in use by another tidings process; stop it or pass another "
          "--data-dir",
          options.data_dir));
    }
    return absl::FailedPreconditionError(fmt::format(
        "cannot open the database in data directory \"{}\": {}", options.data_dir, status.ToString()));
  }

  std::unique_ptr<StorageEngine> engine(new StorageEngine());
  engine->db_.reset(raw);
  engine->catalog_ = handles[0];
  engine->items_ = handles[1];
  engine->streams_ = handles[2];
  engine->checkpoints_ = handles[3];
  engine->notify_ = handles[4];
  engine->write_options_.sync = options.durability == Durability::kSync;
  if (auto s = engine->LoadCounters(); !s.ok()) return s;
  Logger("storage")->info("[dir={}] opened database, last sequence number {}",
                               options.data_dir, engine->last_sequence_number_.load());
  return engine;
}

StorageEngine::~StorageEngine() {
  if (!db_) return;
  for (auto* handle : {catalog_, items_, streams_, checkpoints_, notify_}) {
    if (handle != nullptr && handle != db_->DefaultColumnFamily()) {
      db_->DestroyColumnFamilyHandle(handle);
    }
  }
  db_->Close();
}

absl::Status StorageEngine::LoadCounters() {
  last_sequence_number_ = ReadCounter(db_.get(), catalog_, kSequenceKey);
  last_id_ = ReadCounter(db_.get(), catalog_, kIdKey);
  return absl::OkStatus();
}

absl::Status StorageEngine::Write(rocksdb::WriteBatch* batch) {
  return FromRocksDb(db_->Write(write_options_, batch));
}

uint64_t StorageEngine::AllocateSequenceNumber(rocksdb::WriteBatch* batch) {
  uint64_t sequence = ++last_sequence_number_;
  std::string value;
  PutFixed64BigEndian(sequence, &value);
  batch->Put(catalog_, kSequenceKey, value);
  return sequence;
}

void StorageEngine::ObserveSequenceNumber(uint64_t sequence) {
  uint64_t current = last_sequence_number_.load();
  while (current < sequence && !last_sequence_number_.compare_exchange_weak(current, sequence)) {
  }
}

uint64_t StorageEngine::AllocateId(rocksdb::WriteBatch* batch) {
  uint64_t id = ++last_id_;
  std::string value;
  PutFixed64BigEndian(id, &value);
  batch->Put(catalog_, kIdKey, value);
  return id;
}

}  // namespace tidings
