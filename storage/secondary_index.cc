#include "storage/secondary_index.h"

#include <algorithm>

#include "common/errors.h"
#include "common/varint.h"
#include "fmt/format.h"
#include "storage/key_codec.h"
#include "storage/statistics.h"

namespace tidings {
namespace {

// The value bytes of a key attribute: raw for S and B, ordered for N.
std::string KeyValueBytes(const AttributeValue& value) {
  return value.type() == AttributeType::kN ? EncodeNumberOrdered(value.scalar()) : value.scalar();
}

// Appends `bytes` so that the result is self-delimiting and sorts as `bytes`
// does: 0x00 becomes 0x00 0xff, and 0x00 0x01 ends the value.
void AppendEscaped(std::string_view bytes, std::string* out) {
  for (char c : bytes) {
    out->push_back(c);
    if (c == '\0') out->push_back('\xff');
  }
  out->push_back('\0');
  out->push_back('\x01');
}

absl::Status CheckIndexKeyValue(const SecondaryIndex& index, const KeyElement& key,
                                const AttributeValue& value, IndexKeySource source) {
  if (value.type() != key.type) {
    return ValidationError(fmt::format(
        "One or more parameter values were invalid: Type mismatch for Index Key {} Expected: {} "
        "Actual: {} IndexName: {}",
        key.name, AttributeTypeName(key.type), AttributeTypeName(value.type()), index.name));
  }
  if (value.type() != AttributeType::kN && value.scalar().empty()) {
    std::string_view opening =
        source == IndexKeySource::kItem
            ? "One or more parameter values are not valid. A value specified for a secondary "
              "index key is not supported."
            : "One or more parameter values are not valid. The update expression attempted to "
              "update a secondary index key to a value that is not supported.";
    return ValidationError(fmt::format(
        "{} The AttributeValue for a key attribute cannot contain an empty {} value. IndexName: "
        "{}, IndexKey: {}",
        opening, value.type() == AttributeType::kS ? "string" : "binary", index.name, key.name));
  }
  return absl::OkStatus();
}

std::vector<const KeyElement*> IndexKeys(const SecondaryIndex& index) {
  std::vector<const KeyElement*> keys = {&index.hash_key};
  if (index.range_key) keys.push_back(&*index.range_key);
  return keys;
}

// Reports whether the old entry at `key` exists. Only an index that is still
// being back-filled can lack the entry of an item that belongs to it.
absl::StatusOr<bool> HasEntry(const StorageEngine& engine, const SecondaryIndex& index,
                              const std::string& key) {
  if (index.status != IndexStatus::kCreating) return true;
  std::string value;
  rocksdb::Status status = engine.db()->Get(rocksdb::ReadOptions(), engine.items(), key, &value);
  if (status.IsNotFound()) return false;
  if (!status.ok()) return FromRocksDb(status);
  return true;
}

bool SameIndexKey(const SecondaryIndex& index, const Item& a, const Item& b) {
  for (const KeyElement* key : IndexKeys(index)) {
    if (!(a.at(key->name) == b.at(key->name))) return false;
  }
  return true;
}

}  // namespace

bool IsMaintained(const SecondaryIndex& index) { return index.status != IndexStatus::kDeleting; }

bool BelongsToIndex(const SecondaryIndex& index, const Item& item) {
  for (const KeyElement* key : IndexKeys(index)) {
    auto it = item.find(key->name);
    if (it == item.end() || it->second.type() != key->type) return false;
    if (key->type != AttributeType::kN && it->second.scalar().empty()) return false;
  }
  return true;
}

Item ProjectItem(const TableDescription& table, const SecondaryIndex& index, const Item& item) {
  if (index.projection == ProjectionType::kAll) return item;
  Item projected = table.KeyOf(item);
  auto copy = [&](const std::string& name) {
    if (auto it = item.find(name); it != item.end()) projected.insert(*it);
  };
  for (const KeyElement* key : IndexKeys(index)) copy(key->name);
  for (const std::string& name : index.non_key_attributes) copy(name);
  return projected;
}

absl::Status CheckIndexKeys(const TableDescription& table, const Item& item,
                            const Item* old_item, IndexKeySource source) {
  std::vector<const SecondaryIndex*> indexes;
  for (const SecondaryIndex& index : table.indexes) {
    if (IsMaintained(index)) indexes.push_back(&index);
  }
  std::sort(indexes.begin(), indexes.end(),
            [](const auto* a, const auto* b) { return a->name < b->name; });
  for (const SecondaryIndex* index : indexes) {
    for (const KeyElement* key : IndexKeys(*index)) {
      auto it = item.find(key->name);
      if (it == item.end()) continue;
      if (old_item != nullptr) {
        auto old_value = old_item->find(key->name);
        if (old_value != old_item->end() && old_value->second == it->second) continue;
      }
      if (auto s = CheckIndexKeyValue(*index, *key, it->second, source); !s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> EncodeIndexHashPrefix(const SecondaryIndex& index,
                                                  const AttributeValue& hash_value) {
  if (hash_value.type() != index.hash_key.type) {
    return ValidationError(
        "One or more parameter values were invalid: Condition parameter type does not match "
        "schema type");
  }
  if (hash_value.type() != AttributeType::kN && hash_value.scalar().empty()) {
    return ValidationError(fmt::format(
        "One or more parameter values are not valid. The AttributeValue for a key attribute "
        "cannot contain an empty string value. Key: {}",
        index.hash_key.name));
  }
  std::string out = TableKeyPrefix(index.id);
  out.push_back(static_cast<char>(hash_value.type()));
  PutLengthPrefixed(KeyValueBytes(hash_value), &out);
  return out;
}

absl::StatusOr<std::string> EncodeIndexEntryKey(const TableDescription& table,
                                                const SecondaryIndex& index, const Item& item) {
  for (const KeyElement* key : IndexKeys(index)) {
    auto it = item.find(key->name);
    if (it == item.end() || it->second.type() != key->type) {
      return ValidationError("The provided starting key is invalid: The provided key element "
                             "does not match the schema");
    }
  }
  auto table_key = EncodeKeyOfItem(table, item);
  if (!table_key.ok()) return table_key.status();

  auto out = EncodeIndexHashPrefix(index, item.at(index.hash_key.name));
  if (!out.ok()) return out.status();
  if (index.range_key) {
    const AttributeValue& range = item.at(index.range_key->name);
    out->push_back(static_cast<char>(range.type()));
    AppendEscaped(KeyValueBytes(range), &*out);
  }
  // The table key without its table id makes entries of equal index keys unique.
  out->append(*table_key, 8);
  return out;
}

std::vector<IndexEntryChange> IndexEntryChanges(const TableDescription& table, const Item* old_item,
                                                const Item* new_item) {
  std::vector<IndexEntryChange> changes;
  for (const SecondaryIndex& index : table.indexes) {
    if (!IsMaintained(index)) continue;
    IndexEntryChange change;
    change.index = &index;
    if (old_item != nullptr && BelongsToIndex(index, *old_item)) {
      change.old_entry = ProjectItem(table, index, *old_item);
    }
    if (new_item != nullptr && BelongsToIndex(index, *new_item)) {
      change.new_entry = ProjectItem(table, index, *new_item);
    }
    if (!change.old_entry && !change.new_entry) continue;
    if (change.old_entry && change.new_entry) {
      change.key_changed = !SameIndexKey(index, *change.old_entry, *change.new_entry);
      if (!change.key_changed && *change.old_entry == *change.new_entry) continue;
    }
    changes.push_back(std::move(change));
  }
  return changes;
}

absl::Status AddIndexAndStatisticsChanges(const StorageEngine& engine,
                                          const TableDescription& table, const Item* old_item,
                                          const Item* new_item, rocksdb::WriteBatch* batch) {
  if (new_item != nullptr) {
    if (auto s = CheckIndexKeys(table, *new_item, old_item); !s.ok()) return s;
  }

  int64_t old_size = old_item != nullptr ? static_cast<int64_t>(ItemSize(*old_item)) : 0;
  int64_t new_size = new_item != nullptr ? static_cast<int64_t>(ItemSize(*new_item)) : 0;
  int64_t count_delta = (new_item != nullptr ? 1 : 0) - (old_item != nullptr ? 1 : 0);
  AddStatisticsDelta(engine, table.id, count_delta, new_size - old_size, batch);

  for (const IndexEntryChange& change : IndexEntryChanges(table, old_item, new_item)) {
    int64_t entries = 0;
    int64_t bytes = 0;
    std::optional<std::string> old_key;
    if (change.old_entry) {
      auto key = EncodeIndexEntryKey(table, *change.index, *change.old_entry);
      if (!key.ok()) return key.status();
      auto present = HasEntry(engine, *change.index, *key);
      if (!present.ok()) return present.status();
      if (*present) {
        old_key = *key;
        --entries;
        bytes -= static_cast<int64_t>(ItemSize(*change.old_entry));
      }
    }
    if (change.new_entry) {
      auto key = EncodeIndexEntryKey(table, *change.index, *change.new_entry);
      if (!key.ok()) return key.status();
      std::string value;
      EncodeItem(*change.new_entry, &value);
      batch->Put(engine.items(), *key, value);
      if (old_key == *key) old_key.reset();  // Overwritten in place.
      ++entries;
      bytes += static_cast<int64_t>(ItemSize(*change.new_entry));
    }
    if (old_key) batch->Delete(engine.items(), *old_key);
    AddStatisticsDelta(engine, change.index->id, entries, bytes, batch);
  }
  return absl::OkStatus();
}

}  // namespace tidings
