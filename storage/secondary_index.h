// storage: secondary index entries and the statistics deltas of item writes.
//
// An index entry is the projection of an item that has every key attribute
// of the index (indexes are sparse). Entries live in the "items" column
// family under the index's own id, keyed by the index key and then by the
// table's primary key (docs/formats/item-key.md). Every item write calls
// AddIndexAndStatisticsChanges, so the item, its index entries and the
// statistics commit in one WriteBatch.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/attribute_value.h"
#include "rocksdb/write_batch.h"
#include "storage/engine.h"
#include "storage/table_description.h"

namespace tidings {

// Reports whether `index` is maintained by writes (it is not being deleted).
bool IsMaintained(const SecondaryIndex& index);

// Reports whether `item` has every key attribute of `index` with its type.
bool BelongsToIndex(const SecondaryIndex& index, const Item& item);

// Returns the attributes of `item` that `index` projects: the table's and the
// index's keys, plus the NonKeyAttributes (INCLUDE) or everything (ALL).
Item ProjectItem(const TableDescription& table, const SecondaryIndex& index, const Item& item);

// The origin of a checked item, which selects DynamoDB's message for an
// empty index key value.
enum class IndexKeySource { kItem, kUpdateExpression };

// Checks the index key attributes present in `item` against every maintained
// index, in index name order, and returns DynamoDB's ValidationException for
// a value of the wrong type or an empty string or binary. When `old_item` is
// set, only values that differ from it are checked, so an unrelated update
// of an item that was written before its index existed still succeeds.
absl::Status CheckIndexKeys(const TableDescription& table, const Item& item,
                            const Item* old_item = nullptr,
                            IndexKeySource source = IndexKeySource::kItem);

// Returns the entry key of `item` (which must have the table's and the
// index's keys) in `index`. Errors are ValidationExceptions.
absl::StatusOr<std::string> EncodeIndexEntryKey(const TableDescription& table,
                                                const SecondaryIndex& index, const Item& item);

// The prefix shared by every entry of `index` whose hash key is `hash_value`.
absl::StatusOr<std::string> EncodeIndexHashPrefix(const SecondaryIndex& index,
                                                  const AttributeValue& hash_value);

// The change that one item write makes to one index's entry.
struct IndexEntryChange {
  const SecondaryIndex* index = nullptr;
  std::optional<Item> old_entry;  // Set when the old item was in the index.
  std::optional<Item> new_entry;  // Set when the new item is in the index.
  bool key_changed = false;       // Both set and the index key differs.
};

// Returns the entries that a change from `old_item` to `new_item` (either may
// be null) puts, replaces or removes, for every maintained index. Entries
// that stay the same are left out.
std::vector<IndexEntryChange> IndexEntryChanges(const TableDescription& table, const Item* old_item,
                                                const Item* new_item);

// Adds to `batch` the index entries and the table and index statistics
// deltas of a change from `old_item` to `new_item`. For an index still being
// back-filled, the old entry counts as removed only if it exists. Fails with
// the error of CheckIndexKeys, adding nothing, when `new_item` has an invalid
// index key. The caller holds the item's key lock.
absl::Status AddIndexAndStatisticsChanges(const StorageEngine& engine,
                                          const TableDescription& table, const Item* old_item,
                                          const Item* new_item, rocksdb::WriteBatch* batch);

}  // namespace tidings
