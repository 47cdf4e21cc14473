// storage: exact item counts and sizes of tables and secondary indexes.
//
// Each table and index has one statistics key in the catalog column family.
// Every item write adds its count and byte deltas to that key with a RocksDB
// merge in the same WriteBatch as the item, so the totals are exact and
// survive a crash exactly when the write does. The value is two
// little-endian int64 values: item count, then bytes (layout in
// docs/formats/catalog.md).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "rocksdb/merge_operator.h"
#include "storage/engine.h"

namespace tidings {

struct Statistics {
  int64_t item_count = 0;
  int64_t size_bytes = 0;
};

// The catalog key of the statistics of table or index `id`.
std::string StatisticsKey(uint64_t id);

// Adds a merge of (`count_delta`, `bytes_delta`) to `batch`. A zero delta adds nothing.
void AddStatisticsDelta(const StorageEngine& engine, uint64_t id, int64_t count_delta,
                        int64_t bytes_delta, rocksdb::WriteBatch* batch);

// Adds a put of the totals `statistics` to `batch`, replacing earlier ones.
// CreateTable writes zeros, so a table without the key predates statistics.
void PutStatistics(const StorageEngine& engine, uint64_t id, Statistics statistics,
                   rocksdb::WriteBatch* batch);

// Reports whether table or index `id` has a statistics key.
absl::StatusOr<bool> HasStatistics(const StorageEngine& engine, uint64_t id);

// Returns the totals of table or index `id`; zero when nothing was written.
absl::StatusOr<Statistics> ReadStatistics(const StorageEngine& engine, uint64_t id);

// The merge operator of the catalog column family: adds values pairwise.
std::shared_ptr<rocksdb::MergeOperator> NewStatisticsMergeOperator();

}  // namespace tidings
