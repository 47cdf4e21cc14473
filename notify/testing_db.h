// notify: a RocksDB database with a "notify" column family in a fresh
// temporary directory, plus a fake clock and id generator, for tests.
#pragma once

#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "fmt/format.h"
#include "notify/notification_store.h"
#include "rocksdb/db.h"

namespace tidings::notify {

// A clock that moves only when the test advances it.
class FakeClock {
 public:
  absl::Time Now() {
    absl::MutexLock lock(&mutex_);
    return now_;
  }
  void Advance(absl::Duration duration) {
    absl::MutexLock lock(&mutex_);
    now_ += duration;
  }

 private:
  absl::Mutex mutex_;
  absl::Time now_ = absl::FromUnixSeconds(1700000000);
};

class TestingDb {
 public:
  TestingDb() {
    std::string pattern = (std::filesystem::path(::testing::TempDir()) / "notify-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed for " << pattern;
    dir_ = pattern;
    Open();
  }

  ~TestingDb() {
    Close();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  // Closes and reopens the database, as a restarted server would. Stores made
  // before must not be used afterwards.
  void Reopen() {
    Close();
    Open();
  }

  rocksdb::DB* db() const { return db_; }
  rocksdb::ColumnFamilyHandle* notify() const { return handles_[1]; }
  rocksdb::ColumnFamilyHandle* checkpoints() const { return handles_[2]; }

  // A store over this database with the fake clock and sequential ids, which
  // keep counting across Reopen so ids never repeat.
  std::unique_ptr<NotificationStore> NewStore() {
    NotificationStoreOptions options;
    options.clock = [this] { return clock_.Now(); };
    options.id_generator = [this] { return fmt::format("id-{:04}", ++next_id_); };
    return std::make_unique<NotificationStore>(db_, notify(), std::move(options));
  }

  FakeClock& clock() { return clock_; }

 private:
  void Open() {
    rocksdb::Options options;
    options.create_if_missing = true;
    options.create_missing_column_families = true;
    std::vector<rocksdb::ColumnFamilyDescriptor> families = {
        {rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions()},
        {"notify", rocksdb::ColumnFamilyOptions()},
        {"checkpoints", rocksdb::ColumnFamilyOptions()},
    };
    rocksdb::Status status = rocksdb::DB::Open(options, dir_, families, &handles_, &db_);
    ASSERT_TRUE(status.ok()) << status.ToString();
  }

  void Close() {
    if (db_ == nullptr) return;
    for (rocksdb::ColumnFamilyHandle* handle : handles_) {
      EXPECT_TRUE(db_->DestroyColumnFamilyHandle(handle).ok());
    }
    handles_.clear();
    delete db_;
    db_ = nullptr;
  }

  std::string dir_;
  rocksdb::DB* db_ = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  FakeClock clock_;
  std::atomic<int> next_id_{0};
};

}  // namespace tidings::notify
