// storage: tables, their items, and the catalog of streams.
//
// TableStore keeps the catalog in memory (loaded at start) and on disk, and
// performs every item write as one atomic RocksDB batch that also carries the
// change's stream record (added by the ChangeObserver). Writes to one table
// are serialised by a per-table mutex, so a read-modify-write (conditions,
// update expressions) is atomic and stream records of a table are written in
// sequence-number order. All methods are thread-safe.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/attribute_value.h"
#include "storage/engine.h"
#include "storage/table_description.h"

namespace tidings {

// Receives each item change inside the write that makes it (streams/ adds the
// stream record to the batch), and stream lifecycle events.
class ChangeObserver {
 public:
  virtual ~ChangeObserver() = default;
  // Called with the table's write lock held, before `batch` commits. An error
  // aborts the write.
  virtual absl::Status OnItemChange(const TableDescription& table, const Item* old_item,
                                    const Item* new_item, rocksdb::WriteBatch* batch) = 0;
  // Called after a batch with changes to `table` has committed.
  virtual void OnCommitted(const TableDescription& table) = 0;
};

class TableStore {
 public:
  struct Options {
    std::string region = "us-east-1";
    std::string account_id = "000000000000";
    std::function<int64_t()> now_ms;  // Wall clock in epoch milliseconds.
  };

  TableStore(StorageEngine* engine, Options options);

  // Reads the catalog from disk. Call once before use.
  [[nodiscard]] absl::Status Load();
  void SetChangeObserver(ChangeObserver* observer) { observer_ = observer; }

  // Control plane. Errors use DynamoDB's kinds: ResourceInUse when the table
  // exists, ResourceNotFound when it does not, Validation for bad settings.
  absl::StatusOr<TableDescription> CreateTable(TableDescription table,
                                               std::optional<StreamViewType> stream);
  absl::StatusOr<TableDescription> DeleteTable(const std::string& name);
  absl::StatusOr<TableDescription> GetTable(const std::string& name) const;
  std::vector<std::string> ListTables() const;
  // Enables (with `view_type`) or disables the table's stream. Enabling
  // creates a new stream with a new label; disabling closes the current one,
  // which stays readable.
  absl::StatusOr<TableDescription> UpdateStream(const std::string& name, bool enabled,
                                                std::optional<StreamViewType> view_type);

  absl::StatusOr<StreamDescription> GetStream(uint64_t stream_id) const;
  absl::StatusOr<StreamDescription> FindStreamByArn(const std::string& arn) const;
  // All streams, oldest first, including closed ones and those of deleted tables.
  std::vector<StreamDescription> ListStreams() const;

  // Returns the item with primary key `key`, or nullopt.
  absl::StatusOr<std::optional<Item>> GetItem(const std::string& table, const Item& key) const;

  struct ScanPage {
    std::vector<Item> items;
    std::optional<Item> last_evaluated_key;  // Set when more items may follow.
  };
  // Returns up to `limit` items in key order after `exclusive_start_key`,
  // stopping after about 1 MB as DynamoDB does.
  absl::StatusOr<ScanPage> ScanItems(const std::string& table,
                                     const std::optional<Item>& exclusive_start_key,
                                     int64_t limit) const;

  // Computes the item's new state from its current one (nullopt: absent) and
  // returns the new state, nullopt to delete it, or an error to write nothing.
  using Mutation =
      std::function<absl::StatusOr<std::optional<Item>>(const std::optional<Item>& old_item)>;
  struct MutationResult {
    std::optional<Item> old_item;
    std::optional<Item> new_item;
  };
  // Applies `mutation` atomically to the item with primary key `key`. When OK
  // returns, the change and its stream record are as durable as the engine's
  // Durability setting makes them.
  absl::StatusOr<MutationResult> MutateItem(const std::string& table, const Item& key,
                                            const Mutation& mutation);

 private:
  struct TableState {
    std::mutex write_mutex;
    TableDescription description;  // Guarded by write_mutex after creation.
    bool deleted = false;          // Guarded by write_mutex.
  };

  std::shared_ptr<TableState> FindTable(const std::string& name) const;
  StreamDescription NewStream(const TableDescription& table, StreamViewType view_type,
                              rocksdb::WriteBatch* batch);
  void CloseStream(uint64_t stream_id, rocksdb::WriteBatch* batch);
  std::string FormatLabel(int64_t time_ms) const;

  StorageEngine* engine_;
  Options options_;
  ChangeObserver* observer_ = nullptr;

  mutable std::shared_mutex catalog_mutex_;
  std::map<std::string, std::shared_ptr<TableState>> tables_;  // Guarded by catalog_mutex_.
  std::map<uint64_t, StreamDescription> streams_;              // Guarded by catalog_mutex_.
};

}  // namespace tidings
