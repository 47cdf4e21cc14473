#include "storage/statistics.h"

#include <cstring>

#include "fmt/format.h"

namespace tidings {
namespace {

constexpr char kStatisticsPrefix[] = "stats/";
constexpr size_t kValueBytes = 16;

std::string EncodeStatistics(Statistics statistics) {
  std::string out(kValueBytes, '\0');
  std::memcpy(out.data(), &statistics.item_count, 8);
  std::memcpy(out.data() + 8, &statistics.size_bytes, 8);
  return out;
}

// Returns false when `value` is not 16 bytes.
bool DecodeStatistics(const rocksdb::Slice& value, Statistics* statistics) {
  if (value.size() != kValueBytes) return false;
  std::memcpy(&statistics->item_count, value.data(), 8);
  std::memcpy(&statistics->size_bytes, value.data() + 8, 8);
  return true;
}

class StatisticsMergeOperator : public rocksdb::AssociativeMergeOperator {
 public:
  bool Merge(const rocksdb::Slice& key, const rocksdb::Slice* existing_value,
             const rocksdb::Slice& value, std::string* new_value,
             rocksdb::Logger* logger) const override {
    Statistics total;
    if (existing_value != nullptr && !DecodeStatistics(*existing_value, &total)) return false;
    Statistics delta;
    if (!DecodeStatistics(value, &delta)) return false;
    total.item_count += delta.item_count;
    total.size_bytes += delta.size_bytes;
    *new_value = EncodeStatistics(total);
    return true;
  }

  // The name is stored in the database's options file, so it never changes.
  const char* Name() const override { return "tidings.StatisticsAdd"; }
};

}  // namespace

std::string StatisticsKey(uint64_t id) { return fmt::format("{}{:020}", kStatisticsPrefix, id); }

void AddStatisticsDelta(const StorageEngine& engine, uint64_t id, int64_t count_delta,
                        int64_t bytes_delta, rocksdb::WriteBatch* batch) {
  if (count_delta == 0 && bytes_delta == 0) return;
  batch->Merge(engine.catalog(), StatisticsKey(id), EncodeStatistics({count_delta, bytes_delta}));
}

void PutStatistics(const StorageEngine& engine, uint64_t id, Statistics statistics,
                   rocksdb::WriteBatch* batch) {
  batch->Put(engine.catalog(), StatisticsKey(id), EncodeStatistics(statistics));
}

absl::StatusOr<bool> HasStatistics(const StorageEngine& engine, uint64_t id) {
  std::string value;
  rocksdb::Status status =
      engine.db()->Get(rocksdb::ReadOptions(), engine.catalog(), StatisticsKey(id), &value);
  if (status.IsNotFound()) return false;
  if (!status.ok()) return FromRocksDb(status);
  return true;
}

absl::StatusOr<Statistics> ReadStatistics(const StorageEngine& engine, uint64_t id) {
  std::string value;
  rocksdb::Status status =
      engine.db()->Get(rocksdb::ReadOptions(), engine.catalog(), StatisticsKey(id), &value);
  Statistics statistics;
  if (status.IsNotFound()) return statistics;
  if (!status.ok()) return FromRocksDb(status);
  if (!DecodeStatistics(value, &statistics)) {
    return absl::DataLossError(fmt::format("statistics of table or index {} are corrupt", id));
  }
  return statistics;
}

std::shared_ptr<rocksdb::MergeOperator> NewStatisticsMergeOperator() {
  return std::make_shared<StatisticsMergeOperator>();
}

}  // namespace tidings
