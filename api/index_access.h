// api: reading through secondary indexes (Query and Scan with IndexName) and
// ReturnItemCollectionMetrics on writes.
#pragma once

#include <map>
#include <optional>
#include <vector>
#include <string>

#include "absl/status/statusor.h"
#include "api/request.h"
#include "common/attribute_json.h"
#include "storage/table_store.h"

namespace tidings {

// The index a Query or Scan reads, resolved from IndexName, Select and ConsistentRead.
struct IndexRead {
  const SecondaryIndex* index = nullptr;  // Null when the request reads the table.
  // A local index with a partial projection fetches each item from the table
  // when Select is ALL_ATTRIBUTES or an expression may name other attributes.
  bool fetch_from_table = false;
};

// Resolves the request's IndexName against `table` and checks Select and
// ConsistentRead as DynamoDB does: ALL_PROJECTED_ATTRIBUTES needs an index,
// ALL_ATTRIBUTES needs a global index to project ALL, and a global index
// cannot be read consistently.
absl::StatusOr<IndexRead> ResolveIndexRead(const Request& request, const TableDescription& table);

// Replaces each index entry of `page` by its item in the table, when
// `read.fetch_from_table`, and returns the bytes of the items fetched.
absl::StatusOr<size_t> FetchTableItems(const TableStore& tables, const TableDescription& table,
                                       const IndexRead& read, TableStore::ScanPage* page);

// Reads ReturnItemCollectionMetrics: true for SIZE, false for NONE or absent.
absl::StatusOr<bool> ParseReturnItemCollectionMetrics(const Request& request);

// Writes DynamoDB's ItemCollectionMetrics object for the item collection of
// `key`'s hash key. Returns false and writes nothing for a table without
// local secondary indexes, which has no item collection metrics.
absl::StatusOr<bool> WriteItemCollectionMetrics(const TableStore& tables,
                                                const TableDescription& table, const Item& key,
                                                JsonWriter* w);

// Returns `"ItemCollectionMetrics":{...}` for a write to `key` when
// `requested` and the table has local secondary indexes, else "".
absl::StatusOr<std::string> ItemCollectionMetricsMember(const TableStore& tables,
                                                        const TableDescription& table,
                                                        const Item& key, bool requested);

// Returns `"ItemCollectionMetrics":{"<table>":[...],...}`, as BatchWriteItem
// and TransactWriteItems report them, from members returned by
// ItemCollectionMetricsMember. Returns "" when there are none.
std::string ItemCollectionMetricsByTable(
    const std::map<std::string, std::vector<std::string>>& members);

// Inserts `members` (`"Name":value,...`) into the JSON object `body`.
std::string AppendMembers(std::string body, const std::string& members);

}  // namespace tidings
