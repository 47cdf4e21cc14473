// TableStore's multi-item operations: TransactWriteItems and
// TransactGetItems underneath.
#include <algorithm>
#include <set>

#include "common/clock.h"
#include "common/errors.h"
#include "common/varint.h"
#include "fmt/format.h"
#include "storage/key_codec.h"
#include "storage/secondary_index.h"
#include "storage/table_store.h"

namespace tidings {
namespace {

constexpr int64_t kTokenLifetimeMs = 10 * 60 * 1000;
constexpr char kTokenPrefix[] = "transaction-token/";

}  // namespace

// Holds the schema locks (shared) of several tables and the key locks of
// several items. Acquire takes them in one global order (tables by name, then
// stripes by table and index), so two transactions cannot deadlock.
class TableStore::MultiItemLock {
 public:
  struct Target {
    std::shared_ptr<TableState> state;
    std::string encoded_key;
  };

  // Fails when a table does not exist or two targets name the same item.
  static absl::StatusOr<std::unique_ptr<MultiItemLock>> Acquire(
      const TableStore& store, const std::vector<std::pair<std::string, Item>>& keys,
      std::vector<Target>* targets) {
    auto lock = std::unique_ptr<MultiItemLock>(new MultiItemLock());
    std::map<std::string, std::shared_ptr<TableState>> tables;  // Ordered by name.
    for (const auto& [name, key] : keys) {
      auto state = store.FindTable(name);
      if (state == nullptr) {
        return TableNotFoundError(name);
      }
      tables.emplace(name, state);
    }
    for (auto& [name, state] : tables) lock->schema_locks_.emplace_back(state->schema_mutex);
    for (auto& [name, state] : tables) {
      if (state->deleted) return ResourceNotFoundError("Requested resource not found");
    }

    std::set<std::string> seen_keys;
    std::set<std::pair<std::string, size_t>> stripes;
    for (const auto& [name, key] : keys) {
      const auto& state = tables[name];
      auto encoded = EncodeItemKey(state->description, key);
      if (!encoded.ok()) return encoded.status();
      if (!seen_keys.insert(*encoded).second) {
        return ValidationError(
            "Transaction request cannot include multiple operations on one item");
      }
      stripes.emplace(name, std::hash<std::string>{}(*encoded) % kKeyLockStripes);
      targets->push_back({state, *encoded});
    }
    for (const auto& [name, stripe] : stripes) {
      lock->key_locks_.emplace_back(tables[name]->key_locks[stripe]);
    }
    return lock;
  }

 private:
  MultiItemLock() = default;
  std::vector<std::shared_lock<std::shared_mutex>> schema_locks_;
  std::vector<std::unique_lock<std::mutex>> key_locks_;
};

absl::StatusOr<TableStore::TransactionResult> TableStore::MutateItems(
    const std::vector<ItemMutation>& mutations, const std::optional<TransactionToken>& token,
    std::vector<absl::Status>* item_statuses) {
  std::vector<std::pair<std::string, Item>> keys;
  for (const ItemMutation& mutation : mutations) keys.emplace_back(mutation.table, mutation.key);
  std::vector<MultiItemLock::Target> targets;
  auto lock = MultiItemLock::Acquire(*this, keys, &targets);
  if (!lock.ok()) return lock.status();

  // Tokens are checked under the item locks, so a retry that races the first
  // attempt waits for it and then reads its token.
  std::string token_key = token ? kTokenPrefix + token->token : "";
  if (token) {
    std::string value;
    rocksdb::Status status =
        engine_->db()->Get(rocksdb::ReadOptions(), engine_->catalog(), token_key, &value);
    if (status.ok() && value.size() > 8) {
      int64_t used_ms = static_cast<int64_t>(DecodeFixed64BigEndian(value));
      if (options_.now_ms() - used_ms < kTokenLifetimeMs) {
        if (value.substr(8) != token->request_hash) {
          return MakeError(ErrorKind::kIdempotentParameterMismatch,
                           "The request uses the same client token as a previous, but non-"
                           "identical request. Use a new ClientRequestToken for a new request");
        }
        TransactionResult replay;
        replay.replayed = true;
        return replay;
      }
    } else if (!status.ok() && !status.IsNotFound()) {
      return FromRocksDb(status);
    }
  }

  TransactionResult result;
  item_statuses->assign(mutations.size(), absl::OkStatus());
  bool failed = false;
  for (size_t i = 0; i < mutations.size(); ++i) {
    MutationResult item_result;
    std::string value;
    rocksdb::Status status = engine_->db()->Get(rocksdb::ReadOptions(), engine_->items(),
                                                targets[i].encoded_key, &value);
    if (status.ok()) {
      auto old_item = DecodeItem(value);
      if (!old_item.ok()) return old_item.status();
      item_result.old_item = *std::move(old_item);
    } else if (!status.IsNotFound()) {
      return FromRocksDb(status);
    }
    auto new_item = mutations[i].mutation(item_result.old_item);
    if (new_item.ok() && new_item->has_value()) {
      // An invalid index key cancels the transaction like a failed condition.
      const Item* old_ptr = item_result.old_item ? &*item_result.old_item : nullptr;
      absl::Status index_keys =
          CheckIndexKeys(targets[i].state->description, **new_item, old_ptr);
      if (!index_keys.ok()) new_item = index_keys;
    }
    if (!new_item.ok()) {
      (*item_statuses)[i] = new_item.status();
      failed = true;
    } else {
      item_result.new_item = *std::move(new_item);
    }
    result.results.push_back(std::move(item_result));
  }
  if (failed) {
    return MakeError(ErrorKind::kTransactionCanceled, "Transaction cancelled");
  }

  rocksdb::WriteBatch batch;
  std::vector<ChangeTicket> tickets;
  for (size_t i = 0; i < mutations.size(); ++i) {
    const MutationResult& item_result = result.results[i];
    if (item_result.old_item == item_result.new_item) continue;
    if (item_result.new_item) {
      std::string encoded;
      EncodeItem(*item_result.new_item, &encoded);
      batch.Put(engine_->items(), targets[i].encoded_key, encoded);
    } else {
      batch.Delete(engine_->items(), targets[i].encoded_key);
    }
    const Item* old_ptr = item_result.old_item ? &*item_result.old_item : nullptr;
    const Item* new_ptr = item_result.new_item ? &*item_result.new_item : nullptr;
    absl::Status indexed = AddIndexAndStatisticsChanges(*engine_, targets[i].state->description,
                                                        old_ptr, new_ptr, &batch);
    if (!indexed.ok()) {
      for (const ChangeTicket& t : tickets) observer_->OnWriteFinished(t, false);
      return indexed;
    }
    if (observer_ == nullptr) continue;
    ChangeTicket ticket;
    absl::Status observed =
        observer_->OnItemChange(targets[i].state->description, old_ptr, new_ptr,
                                ChangeOrigin::kUser, &batch, &ticket);
    tickets.push_back(ticket);
    if (!observed.ok()) {
      for (const ChangeTicket& t : tickets) observer_->OnWriteFinished(t, false);
      return observed;
    }
  }
  if (token) {
    std::string value;
    PutFixed64BigEndian(static_cast<uint64_t>(options_.now_ms()), &value);
    value += token->request_hash;
    batch.Put(engine_->catalog(), token_key, value);
  }

  absl::Status written = batch.Count() == 0 ? absl::OkStatus() : engine_->Write(&batch);
  for (const ChangeTicket& ticket : tickets) observer_->OnWriteFinished(ticket, written.ok());
  if (!written.ok()) return written;
  return result;
}

absl::StatusOr<std::vector<std::optional<Item>>> TableStore::ReadItems(
    const std::vector<std::pair<std::string, Item>>& keys) const {
  std::vector<MultiItemLock::Target> targets;
  auto lock = MultiItemLock::Acquire(*this, keys, &targets);
  if (!lock.ok()) return lock.status();

  std::vector<std::optional<Item>> items;
  for (const auto& target : targets) {
    std::string value;
    rocksdb::Status status =
        engine_->db()->Get(rocksdb::ReadOptions(), engine_->items(), target.encoded_key, &value);
    if (status.IsNotFound()) {
      items.emplace_back();
      continue;
    }
    if (!status.ok()) return FromRocksDb(status);
    auto item = DecodeItem(value);
    if (!item.ok()) return item.status();
    items.emplace_back(*std::move(item));
  }
  return items;
}

}  // namespace tidings
