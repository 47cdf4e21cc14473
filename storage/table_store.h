// storage: tables, their items, and the catalog of streams.
//
// TableStore keeps the catalog in memory (loaded at start) and on disk, and
// performs every item write as one atomic RocksDB batch that also carries the
// change's stream record (added by the ChangeObserver). Writes to one item
// are serialised by a striped per-key lock, so a read-modify-write
// (conditions, update expressions) is atomic. Writes to different items run
// concurrently, so RocksDB can share one fsync among them (group commit).
// Control-plane changes of a table wait for its writes in flight. All methods
// are thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "common/attribute_value.h"
#include "storage/engine.h"
#include "storage/statistics.h"
#include "storage/table_description.h"

namespace tidings {

// The origin of a change: a client request, or the time-to-live sweeper,
// whose stream records name DynamoDB's service principal.
enum class ChangeOrigin { kUser, kTimeToLive };

// Identifies the stream record an item write carries, if any.
struct ChangeTicket {
  uint64_t stream_id = 0;        // 0 when the write has no stream record.
  uint64_t sequence_number = 0;
};

// Receives each item change inside the write that makes it (streams/ adds the
// stream record to the batch).
class ChangeObserver {
 public:
  virtual ~ChangeObserver() = default;
  // Called with the item's lock held, before `batch` commits. An error aborts
  // the write. Every call that returns OK is followed by OnWriteFinished.
  virtual absl::Status OnItemChange(const TableDescription& table, const Item* old_item,
                                    const Item* new_item, ChangeOrigin origin,
                                    rocksdb::WriteBatch* batch, ChangeTicket* ticket) = 0;
  // Called once the batch has committed (`committed`) or failed.
  virtual void OnWriteFinished(const ChangeTicket& ticket, bool committed) = 0;
  // Called when `stream` is created, before `batch` (which adds it to the
  // catalog) commits, so the stream's first shards commit with it.
  virtual void OnStreamCreated(const StreamDescription& stream, rocksdb::WriteBatch* batch) {}
};

// DynamoDB's ResourceNotFoundException for a table named `name`.
absl::Status TableNotFoundError(const std::string& name);

class TableStore {
 public:
  struct Options {
    std::string region = "us-east-1";
    std::string account_id = "000000000000";
    std::function<int64_t()> now_ms;  // Wall clock in epoch milliseconds.
  };

  TableStore(StorageEngine* engine, Options options);
  // Stops index backfills at their next chunk; they resume at the next Load.
  ~TableStore();

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
  // Removes a closed stream from the catalog, committing `batch` (the
  // caller's deletions of its shards and records) in the same write.
  [[nodiscard]] absl::Status DropStream(uint64_t stream_id, rocksdb::WriteBatch* batch);

  // Returns the item with primary key `key`, or nullopt.
  absl::StatusOr<std::optional<Item>> GetItem(const std::string& table, const Item& key) const;

  struct ScanPage {
    std::vector<Item> items;
    std::optional<Item> last_evaluated_key;  // Set when more items may follow.
  };
  // Returns up to `limit` items in key order after `exclusive_start_key`,
  // stopping after about 1 MB as DynamoDB does. When `include` is set, items
  // it rejects are skipped without counting (parallel scan segments).
  absl::StatusOr<ScanPage> ScanItems(const std::string& table,
                                     const std::optional<Item>& exclusive_start_key,
                                     int64_t limit,
                                     const std::function<bool(const Item&)>& include = nullptr) const;

  // Returns up to `limit` items whose hash key is `hash_value` and for which
  // `range_matches` holds, in range-key order (reversed unless `forward`),
  // after `exclusive_start_key`, stopping after about 1 MB.
  absl::StatusOr<ScanPage> QueryItems(const std::string& table, const AttributeValue& hash_value,
                                      const std::function<bool(const Item&)>& range_matches,
                                      bool forward, const std::optional<Item>& exclusive_start_key,
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
                                            const Mutation& mutation,
                                            ChangeOrigin origin = ChangeOrigin::kUser);

  // Changes settings stored in the table's description (time to live, tags)
  // under the table's exclusive lock, and persists them. `change` may reject
  // the request with an error, in which case nothing changes.
  absl::StatusOr<TableDescription> UpdateTableSettings(
      const std::string& name, const std::function<absl::Status(TableDescription*)>& change);

  // Transactions (transactions.cc).
  struct ItemMutation {
    std::string table;
    Item key;
    Mutation mutation;
  };
  struct TransactionToken {
    std::string token;         // ClientRequestToken.
    std::string request_hash;  // Identifies the request the token was first used with.
  };
  struct TransactionResult {
    std::vector<MutationResult> results;  // One per mutation, in order.
    bool replayed = false;  // The token's transaction had already committed; nothing was done.
  };
  // Applies every mutation atomically and in isolation: each reads its item as
  // of one instant, and either all changes (with their stream records) commit
  // in one batch or none do. When a mutation fails, nothing is written,
  // `item_statuses` (one per mutation) marks which failed, and the error is a
  // TransactionCanceled one. A `token` used in the last 10 minutes with the
  // same request hash replays the earlier success; with another hash it is an
  // IdempotentParameterMismatch error.
  absl::StatusOr<TransactionResult> MutateItems(const std::vector<ItemMutation>& mutations,
                                                const std::optional<TransactionToken>& token,
                                                std::vector<absl::Status>* item_statuses);
  // Reads several items as of one instant.
  absl::StatusOr<std::vector<std::optional<Item>>> ReadItems(
      const std::vector<std::pair<std::string, Item>>& keys) const;

  // Secondary indexes and statistics (secondary_index_store.cc).
  //
  // Adds the global indexes `creates` (ids are assigned here) and removes the
  // global indexes named in `deletes`, under the table's exclusive lock. A
  // new index is CREATING while a background thread back-fills it from the
  // table's items (index_backfill.cc), and writes go on meanwhile. It becomes
  // ACTIVE when the backfill ends. Returns the description as UpdateTable
  // reports it, with removed indexes DELETING. The stored description omits them.
  absl::StatusOr<TableDescription> UpdateGlobalIndexes(const std::string& name,
                                                       std::vector<SecondaryIndex> creates,
                                                       const std::vector<std::string>& deletes);
  // Like QueryItems and ScanItems, over the entries of index `index_name`.
  // The items are the projected entries. The keys `exclusive_start_key` and
  // `last_evaluated_key` contain the index's key attributes and the table's.
  absl::StatusOr<ScanPage> QueryIndex(const std::string& table, const std::string& index_name,
                                      const AttributeValue& hash_value,
                                      const std::function<bool(const Item&)>& range_matches,
                                      bool forward, const std::optional<Item>& exclusive_start_key,
                                      int64_t limit) const;
  absl::StatusOr<ScanPage> ScanIndex(const std::string& table, const std::string& index_name,
                                     const std::optional<Item>& exclusive_start_key, int64_t limit,
                                     const std::function<bool(const Item&)>& include = nullptr) const;
  // Waits until every index backfill started so far has ended. For tests.
  void WaitForBackfills();
  // Item count and bytes of a table or index id, exact as of the last write.
  absl::StatusOr<Statistics> GetStatistics(uint64_t id) const;
  // Bytes of the item collection of `hash_value`: the table's items with that
  // hash key plus their local secondary index entries. NOTE: this reads the
  // whole collection, so its cost grows with the collection's size.
  absl::StatusOr<int64_t> ItemCollectionBytes(const std::string& table,
                                              const AttributeValue& hash_value) const;

 private:
  static constexpr size_t kKeyLockStripes = 256;

  struct TableState {
    // Item writes hold it shared; control-plane changes hold it exclusively,
    // so a stream switch or a delete never overlaps a write.
    std::shared_mutex schema_mutex;
    TableDescription description;  // Guarded by schema_mutex.
    bool deleted = false;          // Guarded by schema_mutex.
    // Serialise writes to one item; chosen by a hash of the encoded key.
    std::array<std::mutex, kKeyLockStripes> key_locks;
  };

  std::shared_ptr<TableState> FindTable(const std::string& name) const;
  // Counts the items of every table that has no statistics key, because it
  // was written by a version without statistics, and stores the totals.
  absl::Status InitializeMissingStatistics();
  // Backfill of the CREATING index `index_id` of table `table_name` on its
  // own thread (index_backfill.cc).
  void StartBackfill(const std::string& table_name, uint64_t index_id);
  void RunBackfill(const std::string& table_name, uint64_t index_id);
  // Indexes the items after `resume_after` (a table item key, empty at the
  // start) up to a chunk, and advances it. Returns true when the backfill has
  // nothing left to do: the table ended, or the table or index is gone.
  absl::StatusOr<bool> BackfillChunk(const std::string& table_name, uint64_t index_id,
                                     std::string* resume_after);
  void FinishBackfill(const std::string& table_name, uint64_t index_id);
  class MultiItemLock;
  StreamDescription NewStream(const TableDescription& table, StreamViewType view_type,
                              rocksdb::WriteBatch* batch);
  void CloseStream(const TableDescription& table, rocksdb::WriteBatch* batch);
  std::string FormatLabel(int64_t time_ms) const;

  StorageEngine* engine_;
  Options options_;
  ChangeObserver* observer_ = nullptr;

  std::atomic<bool> stopping_{false};  // Set by the destructor to end backfills.
  std::mutex backfills_mutex_;
  std::vector<std::thread> backfills_;  // Guarded by backfills_mutex_.

  mutable std::shared_mutex catalog_mutex_;
  std::map<std::string, std::shared_ptr<TableState>> tables_;  // Guarded by catalog_mutex_.
  std::map<uint64_t, StreamDescription> streams_;              // Guarded by catalog_mutex_.
};

}  // namespace tidings
