// storage: the encoding of item keys in the "items" column family.
//
// key = table id (8 bytes, big-endian)
//     + hash key: type byte, then the value length-prefixed
//     + range key (if any): type byte, then the value in an order-preserving
//       form, so that a table's items for one hash key sort by range key.
// S and B values are their raw bytes; N values use EncodeNumberOrdered, so
// "1" and "1.0" are the same key. docs/formats/item-key.md has the details.
#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "common/attribute_value.h"
#include "rocksdb/iterator.h"
#include "storage/table_description.h"

namespace tidings {

// Validates that `key` contains exactly the table's key attributes with the
// declared types and returns its encoding. Errors are DynamoDB's
// ValidationException messages.
absl::StatusOr<std::string> EncodeItemKey(const TableDescription& table, const Item& key);

// Same, for a full item: the key attributes must be present, others ignored.
absl::StatusOr<std::string> EncodeKeyOfItem(const TableDescription& table, const Item& item);

// The prefix shared by every item of the table whose hash key is `hash_value`.
absl::StatusOr<std::string> EncodeHashPrefix(const TableDescription& table,
                                             const AttributeValue& hash_value);

// The prefix shared by every item key of the table.
std::string TableKeyPrefix(uint64_t table_id);

// Positions `it` on the first key under `prefix` (the last one when not
// `forward`), or on the key that follows `exclusive_start` in that direction.
// Range values start with a type byte below 0xff, so prefix + 0xff sorts
// after every key under the prefix.
void SeekWithinPrefix(rocksdb::Iterator* it, const std::string& prefix,
                      const std::optional<std::string>& exclusive_start, bool forward);

}  // namespace tidings
