// TableStore's secondary index operations: adding and removing global
// indexes, reading index entries, and table and index statistics. The
// backfill of a new global index is in index_backfill.cc.
#include <memory>

#include "common/errors.h"
#include "common/logging.h"
#include "fmt/format.h"
#include "rocksdb/iterator.h"
#include "storage/key_codec.h"
#include "storage/secondary_index.h"
#include "storage/table_store.h"

namespace tidings {
namespace {

constexpr char kTablePrefix[] = "table/";
constexpr size_t kMaxPageBytes = 1 << 20;   // As ScanItems and QueryItems.
constexpr size_t kMaxGlobalIndexes = 20;

// The key LastEvaluatedKey reports for an index entry: the table's key and the index's.
Item IndexPageKey(const TableDescription& table, const SecondaryIndex& index, const Item& entry) {
  Item key = table.KeyOf(entry);
  key.insert(*entry.find(index.hash_key.name));
  if (index.range_key) key.insert(*entry.find(index.range_key->name));
  return key;
}

// Reads entries from `it`, positioned at the first candidate, while they
// start with `prefix`. The limits of ScanItems and QueryItems apply.
absl::StatusOr<TableStore::ScanPage> ReadIndexPage(
    rocksdb::Iterator* it, const std::string& prefix, bool forward,
    const std::function<bool(const Item&)>& include, int64_t limit,
    const TableDescription& table, const SecondaryIndex& index) {
  TableStore::ScanPage page;
  size_t bytes = 0;
  for (; it->Valid() && it->key().starts_with(prefix); forward ? it->Next() : it->Prev()) {
    auto entry = DecodeItem(it->value().ToStringView());
    if (!entry.ok()) return entry.status();
    if (include && !include(*entry)) continue;
    bytes += it->value().size();
    page.items.push_back(*std::move(entry));
    if (static_cast<int64_t>(page.items.size()) >= limit || bytes >= kMaxPageBytes) {
      page.last_evaluated_key = IndexPageKey(table, index, page.items.back());
      break;
    }
  }
  if (!it->status().ok()) return FromRocksDb(it->status());
  return page;
}

absl::Status IndexNotFoundError(const std::string& index_name) {
  return ValidationError(
      fmt::format("The table does not have the specified index: {}", index_name));
}

}  // namespace

absl::Status TableStore::InitializeMissingStatistics() {
  // Called by Load before any request, so no write races the count.
  for (const auto& [name, state] : tables_) {
    const TableDescription& table = state->description;
    auto present = HasStatistics(*engine_, table.id);
    if (!present.ok()) return present.status();
    if (*present) continue;

    std::string prefix = TableKeyPrefix(table.id);
    std::unique_ptr<rocksdb::Iterator> it(
        engine_->db()->NewIterator(rocksdb::ReadOptions(), engine_->items()));
    Statistics statistics;
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      auto item = DecodeItem(it->value().ToStringView());
      if (!item.ok()) return item.status();
      ++statistics.item_count;
      statistics.size_bytes += static_cast<int64_t>(ItemSize(*item));
    }
    if (!it->status().ok()) return FromRocksDb(it->status());
    rocksdb::WriteBatch batch;
    PutStatistics(*engine_, table.id, statistics, &batch);
    if (auto s = engine_->Write(&batch); !s.ok()) return s;
    Logger("storage")->info("[table={}] counted {} items for the table statistics", name,
                            statistics.item_count);
  }
  return absl::OkStatus();
}

absl::StatusOr<TableDescription> TableStore::UpdateGlobalIndexes(
    const std::string& name, std::vector<SecondaryIndex> creates,
    const std::vector<std::string>& deletes) {
  auto state = FindTable(name);
  if (state == nullptr) return TableNotFoundError(name);
  std::unique_lock schema_lock(state->schema_mutex);
  if (state->deleted) return TableNotFoundError(name);
  TableDescription table = state->description;
  TableDescription reported = table;

  rocksdb::WriteBatch batch;
  for (const std::string& index_name : deletes) {
    const SecondaryIndex* index = table.FindIndex(index_name);
    if (index == nullptr || !index->global) {
      return ResourceNotFoundError(
          fmt::format("Requested resource not found: Index: {} not found", index_name));
    }
    batch.DeleteRange(engine_->items(), TableKeyPrefix(index->id), TableKeyPrefix(index->id + 1));
    batch.Delete(engine_->catalog(), StatisticsKey(index->id));
    for (SecondaryIndex& reported_index : reported.indexes) {
      if (reported_index.name == index_name) reported_index.status = IndexStatus::kDeleting;
    }
    std::erase_if(table.indexes, [&](const SecondaryIndex& i) { return i.name == index_name; });
  }

  for (const SecondaryIndex& index : table.indexes) {
    if (index.status == IndexStatus::kCreating && !creates.empty()) {
      return MakeError(ErrorKind::kLimitExceeded,
                       "Subscriber limit exceeded: Only 1 online index can be created or deleted "
                       "simultaneously per table");
    }
  }
  size_t global_count = 0;
  for (const SecondaryIndex& index : table.indexes) global_count += index.global ? 1 : 0;
  if (global_count + creates.size() > kMaxGlobalIndexes) {
    return ValidationError(
        "One or more parameter values were invalid: GlobalSecondaryIndex count exceeds the "
        "per-table limit of 20");
  }
  for (SecondaryIndex& index : creates) {
    if (reported.FindIndex(index.name) != nullptr) {
      return ValidationError(fmt::format(
          "One or more parameter values were invalid: Index already exists: {}", index.name));
    }
    index.id = engine_->AllocateId(&batch);
    index.global = true;
    index.status = IndexStatus::kCreating;
    PutStatistics(*engine_, index.id, Statistics(), &batch);
    table.indexes.push_back(index);
    reported.indexes.push_back(index);
  }

  batch.Put(engine_->catalog(), kTablePrefix + name, SerializeTable(table));
  if (auto s = engine_->Write(&batch); !s.ok()) return s;
  state->description = table;
  Logger("storage")->info("[table={}] global secondary indexes: {} created, {} deleted", name,
                          creates.size(), deletes.size());
  schema_lock.unlock();
  for (const SecondaryIndex& index : creates) StartBackfill(name, index.id);
  return reported;
}

absl::StatusOr<TableStore::ScanPage> TableStore::QueryIndex(
    const std::string& table_name, const std::string& index_name,
    const AttributeValue& hash_value, const std::function<bool(const Item&)>& range_matches,
    bool forward, const std::optional<Item>& exclusive_start_key, int64_t limit) const {
  auto table = GetTable(table_name);
  if (!table.ok()) return table.status();
  const SecondaryIndex* index = table->FindIndex(index_name);
  if (index == nullptr) return IndexNotFoundError(index_name);
  auto prefix = EncodeIndexHashPrefix(*index, hash_value);
  if (!prefix.ok()) return prefix.status();
  std::optional<std::string> start;
  if (exclusive_start_key) {
    auto encoded = EncodeIndexEntryKey(*table, *index, *exclusive_start_key);
    if (!encoded.ok() || !encoded->starts_with(*prefix)) {
      return ValidationError("The provided starting key is invalid: it does not match the query");
    }
    start = *encoded;
  }

  std::unique_ptr<rocksdb::Iterator> it(
      engine_->db()->NewIterator(rocksdb::ReadOptions(), engine_->items()));
  SeekWithinPrefix(it.get(), *prefix, start, forward);
  return ReadIndexPage(it.get(), *prefix, forward, range_matches, limit, *table, *index);
}

absl::StatusOr<TableStore::ScanPage> TableStore::ScanIndex(
    const std::string& table_name, const std::string& index_name,
    const std::optional<Item>& exclusive_start_key, int64_t limit,
    const std::function<bool(const Item&)>& include) const {
  auto table = GetTable(table_name);
  if (!table.ok()) return table.status();
  const SecondaryIndex* index = table->FindIndex(index_name);
  if (index == nullptr) return IndexNotFoundError(index_name);
  std::string prefix = TableKeyPrefix(index->id);
  std::optional<std::string> start;
  if (exclusive_start_key) {
    auto encoded = EncodeIndexEntryKey(*table, *index, *exclusive_start_key);
    if (!encoded.ok()) return encoded.status();
    start = *encoded;
  }

  std::unique_ptr<rocksdb::Iterator> it(
      engine_->db()->NewIterator(rocksdb::ReadOptions(), engine_->items()));
  it->Seek(start.value_or(prefix));
  if (start && it->Valid() && it->key() == *start) it->Next();
  return ReadIndexPage(it.get(), prefix, true, include, limit, *table, *index);
}

absl::StatusOr<Statistics> TableStore::GetStatistics(uint64_t id) const {
  return ReadStatistics(*engine_, id);
}

absl::StatusOr<int64_t> TableStore::ItemCollectionBytes(const std::string& table_name,
                                                        const AttributeValue& hash_value) const {
  auto table = GetTable(table_name);
  if (!table.ok()) return table.status();
  std::vector<std::string> prefixes;
  auto table_prefix = EncodeHashPrefix(*table, hash_value);
  if (!table_prefix.ok()) return table_prefix.status();
  prefixes.push_back(*table_prefix);
  for (const SecondaryIndex& index : table->indexes) {
    if (index.global) continue;
    auto index_prefix = EncodeIndexHashPrefix(index, hash_value);
    if (!index_prefix.ok()) return index_prefix.status();
    prefixes.push_back(*index_prefix);
  }

  int64_t bytes = 0;
  std::unique_ptr<rocksdb::Iterator> it(
      engine_->db()->NewIterator(rocksdb::ReadOptions(), engine_->items()));
  for (const std::string& prefix : prefixes) {
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      auto item = DecodeItem(it->value().ToStringView());
      if (!item.ok()) return item.status();
      bytes += static_cast<int64_t>(ItemSize(*item));
    }
  }
  if (!it->status().ok()) return FromRocksDb(it->status());
  return bytes;
}

}  // namespace tidings
