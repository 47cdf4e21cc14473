#include "storage/table_store.h"

#include <chrono>
#include <random>

#include "absl/status/status.h"
#include "common/clock.h"
#include "common/errors.h"
#include "fmt/chrono.h"
#include "fmt/format.h"
#include "rocksdb/iterator.h"
#include "common/logging.h"
#include "storage/key_codec.h"
#include "storage/secondary_index.h"

namespace tidings {
namespace {

constexpr char kTablePrefix[] = "table/";
constexpr char kStreamPrefix[] = "stream/";

// Scan and Query stop a page after about this many bytes, as DynamoDB does.
constexpr size_t kMaxPageBytes = 1 << 20;

std::string StreamCatalogKey(uint64_t id) { return fmt::format("{}{:020}", kStreamPrefix, id); }

}  // namespace

absl::Status TableNotFoundError(const std::string& name) {
  return ResourceNotFoundError(
      fmt::format("Requested resource not found: Table: {} not found", name));
}

TableStore::TableStore(StorageEngine* engine, Options options)
    : engine_(engine), options_(std::move(options)) {
  if (!options_.now_ms) options_.now_ms = SystemNowMs;
}

absl::Status TableStore::Load() {
  std::unique_lock lock(catalog_mutex_);
  std::unique_ptr<rocksdb::Iterator> it(
      engine_->db()->NewIterator(rocksdb::ReadOptions(), engine_->catalog()));
  for (it->Seek(kTablePrefix); it->Valid() && it->key().starts_with(kTablePrefix); it->Next()) {
    auto table = ParseTable(it->value().ToStringView());
    if (!table.ok()) return table.status();
    auto state = std::make_shared<TableState>();
    state->description = *std::move(table);
    tables_[state->description.name] = std::move(state);
  }
  for (it->Seek(kStreamPrefix); it->Valid() && it->key().starts_with(kStreamPrefix); it->Next()) {
    auto stream = ParseStream(it->value().ToStringView());
    if (!stream.ok()) return stream.status();
    streams_[stream->id] = *std::move(stream);
  }
  if (!it->status().ok()) return FromRocksDb(it->status());
  if (auto s = InitializeMissingStatistics(); !s.ok()) return s;

  // Backfills interrupted by a shutdown start again from the first item; the
  // entries they already wrote are skipped.
  for (const auto& [name, state] : tables_) {
    for (const SecondaryIndex& index : state->description.indexes) {
      if (index.status == IndexStatus::kCreating) StartBackfill(name, index.id);
    }
  }
  return absl::OkStatus();
}

std::shared_ptr<TableStore::TableState> TableStore::FindTable(const std::string& name) const {
  std::shared_lock lock(catalog_mutex_);
  auto it = tables_.find(name);
  return it == tables_.end() ? nullptr : it->second;
}

std::string TableStore::FormatLabel(int64_t time_ms) const {
  auto time = std::chrono::system_clock::time_point(std::chrono::milliseconds(time_ms));
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}",
                     std::chrono::floor<std::chrono::seconds>(time), time_ms % 1000);
}

StreamDescription TableStore::NewStream(const TableDescription& table, StreamViewType view_type,
                                        rocksdb::WriteBatch* batch) {
  StreamDescription stream;
  stream.id = engine_->AllocateId(batch);
  stream.table_name = table.name;
  stream.table_id = table.id;
  stream.creation_time_ms = options_.now_ms();
  stream.label = FormatLabel(stream.creation_time_ms);
  stream.arn = fmt::format("arn:aws:dynamodb:{}:{}:table/{}/stream/{}", options_.region,
                           options_.account_id, table.name, stream.label);
  stream.view_type = view_type;
  stream.hash_key = table.hash_key;
  stream.range_key = table.range_key;
  stream.status = StreamStatus::kEnabled;
  batch->Put(engine_->catalog(), StreamCatalogKey(stream.id), SerializeStream(stream));
  if (observer_ != nullptr) observer_->OnStreamCreated(stream, batch);
  return stream;
}

void TableStore::CloseStream(const TableDescription& table, rocksdb::WriteBatch* batch) {
  // The caller holds catalog_mutex_ exclusively.
  auto it = streams_.find(table.stream_id);
  if (it == streams_.end() || it->second.status == StreamStatus::kDisabled) return;
  it->second.status = StreamStatus::kDisabled;
  it->second.ending_sequence_number = engine_->LastSequenceNumber();
  it->second.closed_time_ms = options_.now_ms();
  auto tag = table.tags.find(kStreamRetentionTag);
  if (tag != table.tags.end()) it->second.retention_tag = tag->second;
  batch->Put(engine_->catalog(), StreamCatalogKey(table.stream_id), SerializeStream(it->second));
}

absl::Status TableStore::DropStream(uint64_t stream_id, rocksdb::WriteBatch* batch) {
  std::unique_lock lock(catalog_mutex_);
  auto it = streams_.find(stream_id);
  if (it == streams_.end()) return absl::OkStatus();
  if (it->second.status != StreamStatus::kDisabled) {
    return absl::FailedPreconditionError("an enabled stream cannot be dropped");
  }
  batch->Delete(engine_->catalog(), StreamCatalogKey(stream_id));
  if (auto s = engine_->Write(batch); !s.ok()) return s;
  Logger("storage")->info("[table={}][stream={}] stream removed after its retention period",
                          it->second.table_name, it->second.label);
  streams_.erase(it);
  return absl::OkStatus();
}

absl::StatusOr<TableDescription> TableStore::CreateTable(TableDescription table,
                                                         std::optional<StreamViewType> stream) {
  std::unique_lock lock(catalog_mutex_);
  if (tables_.count(table.name) > 0) {
    return ResourceInUseError(fmt::format("Table already exists: {}", table.name));
  }
  rocksdb::WriteBatch batch;
  table.id = engine_->AllocateId(&batch);
  PutStatistics(*engine_, table.id, Statistics(), &batch);
  for (SecondaryIndex& index : table.indexes) {
    index.id = engine_->AllocateId(&batch);
    PutStatistics(*engine_, index.id, Statistics(), &batch);
  }
  table.creation_time_ms = options_.now_ms();
  std::optional<StreamDescription> new_stream;
  if (stream) {
    new_stream = NewStream(table, *stream, &batch);
    table.stream_enabled = true;
    table.stream_view_type = *stream;
    table.stream_id = new_stream->id;
    table.stream_label = new_stream->label;
  }
  batch.Put(engine_->catalog(), kTablePrefix + table.name, SerializeTable(table));
  if (auto s = engine_->Write(&batch); !s.ok()) return s;

  auto state = std::make_shared<TableState>();
  state->description = table;
  tables_[table.name] = std::move(state);
  if (new_stream) streams_[new_stream->id] = *new_stream;
  Logger("storage")->info("[table={}] created", table.name);
  return table;
}

absl::StatusOr<TableDescription> TableStore::DeleteTable(const std::string& name) {
  std::unique_lock lock(catalog_mutex_);
  auto it = tables_.find(name);
  if (it == tables_.end()) {
    return TableNotFoundError(name);
  }
  std::shared_ptr<TableState> state = it->second;
  std::unique_lock schema_lock(state->schema_mutex);
  TableDescription table = state->description;

  rocksdb::WriteBatch batch;
  if (table.stream_enabled) CloseStream(table, &batch);
  batch.Delete(engine_->catalog(), kTablePrefix + name);
  std::string begin = TableKeyPrefix(table.id);
  std::string end = TableKeyPrefix(table.id + 1);
  batch.DeleteRange(engine_->items(), begin, end);
  batch.Delete(engine_->catalog(), StatisticsKey(table.id));
  for (const SecondaryIndex& index : table.indexes) {
    batch.DeleteRange(engine_->items(), TableKeyPrefix(index.id), TableKeyPrefix(index.id + 1));
    batch.Delete(engine_->catalog(), StatisticsKey(index.id));
  }
  if (auto s = engine_->Write(&batch); !s.ok()) return s;

  state->deleted = true;
  tables_.erase(it);
  Logger("storage")->info("[table={}] deleted", name);
  return table;
}

absl::StatusOr<TableDescription> TableStore::GetTable(const std::string& name) const {
  auto state = FindTable(name);
  if (state == nullptr) {
    return TableNotFoundError(name);
  }
  std::shared_lock schema_lock(state->schema_mutex);
  return state->description;
}

std::vector<std::string> TableStore::ListTables() const {
  std::shared_lock lock(catalog_mutex_);
  std::vector<std::string> names;
  for (const auto& [name, state] : tables_) names.push_back(name);
  return names;
}

absl::StatusOr<TableDescription> TableStore::UpdateStream(const std::string& name, bool enabled,
                                                          std::optional<StreamViewType> view_type) {
  std::unique_lock lock(catalog_mutex_);
  auto it = tables_.find(name);
  if (it == tables_.end()) {
    return TableNotFoundError(name);
  }
  std::shared_ptr<TableState> state = it->second;
  std::unique_lock schema_lock(state->schema_mutex);
  TableDescription table = state->description;

  rocksdb::WriteBatch batch;
  std::optional<StreamDescription> new_stream;
  if (enabled) {
    if (table.stream_enabled) {
      return ValidationError(fmt::format("Table already has an enabled stream: {}", name));
    }
    if (!view_type) {
      return ValidationError("StreamViewType is required when StreamEnabled is true");
    }
    new_stream = NewStream(table, *view_type, &batch);
    table.stream_enabled = true;
    table.stream_view_type = *view_type;
    table.stream_id = new_stream->id;
    table.stream_label = new_stream->label;
  } else {
    if (!table.stream_enabled) {
      return ValidationError(fmt::format("Table already has its stream disabled: {}", name));
    }
    CloseStream(table, &batch);
    table.stream_enabled = false;
  }
  batch.Put(engine_->catalog(), kTablePrefix + name, SerializeTable(table));
  if (auto s = engine_->Write(&batch); !s.ok()) return s;

  state->description = table;
  if (new_stream) streams_[new_stream->id] = *new_stream;
  Logger("storage")->info("[table={}] stream {}", name, enabled ? "enabled" : "disabled");
  return table;
}

absl::StatusOr<TableDescription> TableStore::UpdateTableSettings(
    const std::string& name, const std::function<absl::Status(TableDescription*)>& change) {
  auto state = FindTable(name);
  if (state == nullptr) {
    return TableNotFoundError(name);
  }
  std::unique_lock schema_lock(state->schema_mutex);
  if (state->deleted) return ResourceNotFoundError("Requested resource not found");
  TableDescription table = state->description;
  if (auto s = change(&table); !s.ok()) return s;

  rocksdb::WriteBatch batch;
  batch.Put(engine_->catalog(), kTablePrefix + name, SerializeTable(table));
  if (auto s = engine_->Write(&batch); !s.ok()) return s;
  state->description = table;
  return table;
}

absl::StatusOr<StreamDescription> TableStore::GetStream(uint64_t stream_id) const {
  std::shared_lock lock(catalog_mutex_);
  auto it = streams_.find(stream_id);
  if (it == streams_.end()) return ResourceNotFoundError("Requested resource not found: Stream not found");
  return it->second;
}

absl::StatusOr<StreamDescription> TableStore::FindStreamByArn(const std::string& arn) const {
  std::shared_lock lock(catalog_mutex_);
  for (const auto& [id, stream] : streams_) {
    if (stream.arn == arn) return stream;
  }
  return ResourceNotFoundError(fmt::format("Requested resource not found: Stream: {} not found", arn));
}

std::vector<StreamDescription> TableStore::ListStreams() const {
  std::shared_lock lock(catalog_mutex_);
  std::vector<StreamDescription> streams;
  for (const auto& [id, stream] : streams_) streams.push_back(stream);
  return streams;
}

absl::StatusOr<std::optional<Item>> TableStore::GetItem(const std::string& table_name,
                                                        const Item& key) const {
  auto table = GetTable(table_name);
  if (!table.ok()) return table.status();
  auto encoded_key = EncodeItemKey(*table, key);
  if (!encoded_key.ok()) return encoded_key.status();

  std::string value;
  rocksdb::Status status =
      engine_->db()->Get(rocksdb::ReadOptions(), engine_->items(), *encoded_key, &value);
  if (status.IsNotFound()) return std::optional<Item>();
  if (!status.ok()) return FromRocksDb(status);
  auto item = DecodeItem(value);
  if (!item.ok()) return item.status();
  return std::optional<Item>(*std::move(item));
}

absl::StatusOr<TableStore::ScanPage> TableStore::ScanItems(
    const std::string& table_name, const std::optional<Item>& exclusive_start_key,
    int64_t limit, const std::function<bool(const Item&)>& include) const {
  auto table = GetTable(table_name);
  if (!table.ok()) return table.status();
  std::string prefix = TableKeyPrefix(table->id);
  std::string start = prefix;
  if (exclusive_start_key) {
    auto encoded = EncodeItemKey(*table, *exclusive_start_key);
    if (!encoded.ok()) return ValidationError("The provided starting key is invalid: " + std::string(encoded.status().message()));
    start = *encoded;
  }

  ScanPage page;
  size_t bytes = 0;
  std::unique_ptr<rocksdb::Iterator> it(
      engine_->db()->NewIterator(rocksdb::ReadOptions(), engine_->items()));
  it->Seek(start);
  if (exclusive_start_key && it->Valid() && it->key() == start) it->Next();
  for (; it->Valid() && it->key().starts_with(prefix); it->Next()) {
    auto item = DecodeItem(it->value().ToStringView());
    if (!item.ok()) return item.status();
    if (include && !include(*item)) continue;
    bytes += it->value().size();
    page.items.push_back(*std::move(item));
    if (static_cast<int64_t>(page.items.size()) >= limit || bytes >= kMaxPageBytes) {
      page.last_evaluated_key = table->KeyOf(page.items.back());
      break;
    }
  }
  if (!it->status().ok()) return FromRocksDb(it->status());
  return page;
}

absl::StatusOr<TableStore::ScanPage> TableStore::QueryItems(
    const std::string& table_name, const AttributeValue& hash_value,
    const std::function<bool(const Item&)>& range_matches, bool forward,
    const std::optional<Item>& exclusive_start_key, int64_t limit) const {
  auto table = GetTable(table_name);
  if (!table.ok()) return table.status();
  auto prefix = EncodeHashPrefix(*table, hash_value);
  if (!prefix.ok()) return prefix.status();
  std::optional<std::string> start;
  if (exclusive_start_key) {
    auto encoded = EncodeItemKey(*table, *exclusive_start_key);
    if (!encoded.ok() || !encoded->starts_with(*prefix)) {
      return ValidationError("The provided starting key is invalid: it does not match the query");
    }
    start = *encoded;
  }

  // TODO: seek to the sort-key bound instead of filtering the whole partition.
  ScanPage page;
  size_t bytes = 0;
  std::unique_ptr<rocksdb::Iterator> it(
      engine_->db()->NewIterator(rocksdb::ReadOptions(), engine_->items()));
  SeekWithinPrefix(it.get(), *prefix, start, forward);
  for (; it->Valid() && it->key().starts_with(*prefix); forward ? it->Next() : it->Prev()) {
    auto item = DecodeItem(it->value().ToStringView());
    if (!item.ok()) return item.status();
    if (!range_matches(*item)) continue;
    bytes += it->value().size();
    page.items.push_back(*std::move(item));
    // Like DynamoDB, a page that stops at the limit reports where it stopped
    // even when no item follows.
    if (static_cast<int64_t>(page.items.size()) >= limit || bytes >= kMaxPageBytes) {
      page.last_evaluated_key = table->KeyOf(page.items.back());
      break;
    }
  }
  if (!it->status().ok()) return FromRocksDb(it->status());
  return page;
}

absl::StatusOr<TableStore::MutationResult> TableStore::MutateItem(const std::string& table_name,
                                                                  const Item& key,
                                                                  const Mutation& mutation,
                                                                  ChangeOrigin origin) {
  auto state = FindTable(table_name);
  if (state == nullptr) {
    return ResourceNotFoundError("Requested resource not found");
  }
  std::shared_lock schema_lock(state->schema_mutex);
  if (state->deleted) return ResourceNotFoundError("Requested resource not found");
  const TableDescription& table = state->description;

  auto encoded_key = EncodeItemKey(table, key);
  if (!encoded_key.ok()) return encoded_key.status();
  size_t stripe = std::hash<std::string>{}(*encoded_key) % kKeyLockStripes;
  std::lock_guard key_lock(state->key_locks[stripe]);

  MutationResult result;
  std::string value;
  rocksdb::Status status =
      engine_->db()->Get(rocksdb::ReadOptions(), engine_->items(), *encoded_key, &value);
  if (status.ok()) {
    auto old_item = DecodeItem(value);
    if (!old_item.ok()) return old_item.status();
    result.old_item = *std::move(old_item);
  } else if (!status.IsNotFound()) {
    return FromRocksDb(status);
  }

  auto new_item = mutation(result.old_item);
  if (!new_item.ok()) return new_item.status();
  result.new_item = *std::move(new_item);
  if (result.old_item == result.new_item) return result;  // Nothing changes, so nothing is written.

  rocksdb::WriteBatch batch;
  if (result.new_item) {
    std::string encoded;
    EncodeItem(*result.new_item, &encoded);
    batch.Put(engine_->items(), *encoded_key, encoded);
  } else {
    batch.Delete(engine_->items(), *encoded_key);
  }
  const Item* old_ptr = result.old_item ? &*result.old_item : nullptr;
  const Item* new_ptr = result.new_item ? &*result.new_item : nullptr;
  // Index entries and statistics never produce stream records.
  if (auto s = AddIndexAndStatisticsChanges(*engine_, table, old_ptr, new_ptr, &batch); !s.ok()) {
    return s;
  }
  if (observer_ == nullptr) {
    if (auto s = engine_->Write(&batch); !s.ok()) return s;
    return result;
  }

  ChangeTicket ticket;
  if (auto s = observer_->OnItemChange(table, old_ptr, new_ptr, origin, &batch, &ticket); !s.ok()) {
    return s;
  }
  absl::Status written = engine_->Write(&batch);
  observer_->OnWriteFinished(ticket, written.ok());
  if (!written.ok()) return written;
  return result;
}

}  // namespace tidings
