// TableStore's backfill of a new global secondary index.
//
// The backfill runs on its own thread while clients keep writing. It reads
// the table's items in key order, a chunk at a time, and for each chunk
// takes the table's schema lock (shared) and the items' key locks, the same
// locks an item write takes. Under them it re-reads each item and writes the
// item's index entry unless the entry already exists, because a write since
// the index was created may have written it. Writes to an index that is still
// CREATING check whether the old entry exists before removing it
// (secondary_index.cc), so the index's statistics stay exact. The index
// becomes ACTIVE when the last chunk is written. A backfill interrupted by a
// shutdown starts again at the next Load and skips the entries already there.
#include <memory>
#include <set>

#include "common/errors.h"
#include "common/logging.h"
#include "rocksdb/iterator.h"
#include "storage/key_codec.h"
#include "storage/secondary_index.h"
#include "storage/table_store.h"

namespace tidings {
namespace {

constexpr char kTablePrefix[] = "table/";
constexpr size_t kBackfillChunkItems = 256;

const SecondaryIndex* FindIndexById(const TableDescription& table, uint64_t index_id) {
  for (const SecondaryIndex& index : table.indexes) {
    if (index.id == index_id) return &index;
  }
  return nullptr;
}

}  // namespace

TableStore::~TableStore() {
  stopping_ = true;
  WaitForBackfills();
}

void TableStore::WaitForBackfills() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(backfills_mutex_);
    threads.swap(backfills_);
  }
  for (std::thread& thread : threads) thread.join();
}

void TableStore::StartBackfill(const std::string& table_name, uint64_t index_id) {
  std::lock_guard lock(backfills_mutex_);
  backfills_.emplace_back([this, table_name, index_id] { RunBackfill(table_name, index_id); });
}

void TableStore::RunBackfill(const std::string& table_name, uint64_t index_id) {
  std::string resume_after;
  while (!stopping_) {
    auto done = BackfillChunk(table_name, index_id, &resume_after);
    if (!done.ok()) {
      Logger("storage")->error(
          "[table={}][index={}] backfill failed, the index stays CREATING until the next "
          "start: {}",
          table_name, index_id, done.status().message());
      return;
    }
    if (*done) {
      FinishBackfill(table_name, index_id);
      return;
    }
  }
}

absl::StatusOr<bool> TableStore::BackfillChunk(const std::string& table_name, uint64_t index_id,
                                               std::string* resume_after) {
  auto state = FindTable(table_name);
  if (state == nullptr) return true;
  std::shared_lock schema_lock(state->schema_mutex);
  if (state->deleted) return true;
  const TableDescription& table = state->description;
  const SecondaryIndex* index = FindIndexById(table, index_id);
  if (index == nullptr || index->status != IndexStatus::kCreating) return true;

  // The next chunk of item keys.
  std::string prefix = TableKeyPrefix(table.id);
  std::vector<std::string> keys;
  std::unique_ptr<rocksdb::Iterator> it(
      engine_->db()->NewIterator(rocksdb::ReadOptions(), engine_->items()));
  it->Seek(resume_after->empty() ? prefix : *resume_after);
  if (!resume_after->empty() && it->Valid() && it->key() == *resume_after) it->Next();
  for (; it->Valid() && it->key().starts_with(prefix) && keys.size() < kBackfillChunkItems;
       it->Next()) {
    keys.push_back(it->key().ToString());
  }
  if (!it->status().ok()) return FromRocksDb(it->status());
  if (keys.empty()) return true;

  // The items' key locks, in stripe order as MultiItemLock takes them.
  std::set<size_t> stripes;
  for (const std::string& key : keys) stripes.insert(std::hash<std::string>{}(key) % kKeyLockStripes);
  std::vector<std::unique_lock<std::mutex>> key_locks;
  for (size_t stripe : stripes) key_locks.emplace_back(state->key_locks[stripe]);

  rocksdb::WriteBatch batch;
  Statistics added;
  for (const std::string& key : keys) {
    std::string value;
    rocksdb::Status status = engine_->db()->Get(rocksdb::ReadOptions(), engine_->items(), key, &value);
    if (status.IsNotFound()) continue;  // Deleted since the chunk was listed.
    if (!status.ok()) return FromRocksDb(status);
    auto item = DecodeItem(value);
    if (!item.ok()) return item.status();
    // Items whose index key has the wrong type are left out of the index.
    if (!BelongsToIndex(*index, *item)) continue;

    Item entry = ProjectItem(table, *index, *item);
    auto entry_key = EncodeIndexEntryKey(table, *index, entry);
    if (!entry_key.ok()) return entry_key.status();
    std::string existing;
    status = engine_->db()->Get(rocksdb::ReadOptions(), engine_->items(), *entry_key, &existing);
    if (status.ok()) continue;  // A write since the index was created added it.
    if (!status.IsNotFound()) return FromRocksDb(status);
    std::string encoded;
    EncodeItem(entry, &encoded);
    batch.Put(engine_->items(), *entry_key, encoded);
    ++added.item_count;
    added.size_bytes += static_cast<int64_t>(ItemSize(entry));
  }
  AddStatisticsDelta(*engine_, index_id, added.item_count, added.size_bytes, &batch);
  if (batch.Count() > 0) {
    if (auto s = engine_->Write(&batch); !s.ok()) return s;
  }
  *resume_after = keys.back();
  return keys.size() < kBackfillChunkItems;
}

void TableStore::FinishBackfill(const std::string& table_name, uint64_t index_id) {
  auto state = FindTable(table_name);
  if (state == nullptr) return;
  std::unique_lock schema_lock(state->schema_mutex);
  if (state->deleted) return;
  TableDescription table = state->description;
  bool found = false;
  for (SecondaryIndex& index : table.indexes) {
    if (index.id != index_id || index.status != IndexStatus::kCreating) continue;
    index.status = IndexStatus::kActive;
    found = true;
  }
  if (!found) return;  // Deleted while it was being created.

  rocksdb::WriteBatch batch;
  batch.Put(engine_->catalog(), kTablePrefix + table_name, SerializeTable(table));
  if (auto s = engine_->Write(&batch); !s.ok()) {
    Logger("storage")->error("[table={}][index={}] cannot mark the index ACTIVE: {}", table_name,
                             index_id, s.message());
    return;
  }
  state->description = table;
  Logger("storage")->info("[table={}][index={}] backfill finished, index ACTIVE", table_name,
                          index_id);
}

}  // namespace tidings
