#include "api/capacity.h"

#include <algorithm>
#include <cmath>

#include "fmt/format.h"
#include "storage/secondary_index.h"

namespace tidings {
namespace {

thread_local CapacityMeter* current_meter = nullptr;

constexpr double kReadUnitBytes = 4096;
constexpr double kWriteUnitBytes = 1024;

double ReadUnits(size_t bytes, bool consistent) {
  double units = std::max(1.0, std::ceil(static_cast<double>(bytes) / kReadUnitBytes));
  return consistent ? units : units / 2;
}

double WriteUnits(size_t bytes) {
  return std::max(1.0, std::ceil(static_cast<double>(bytes) / kWriteUnitBytes));
}

// Writes `"<field>":{"<index>":{"CapacityUnits":n},...}` after a comma.
std::string IndexUnitsMember(const char* field, const std::map<std::string, double>& units,
                             double factor) {
  if (units.empty()) return "";
  std::string entries;
  for (const auto& [index, value] : units) {
    if (!entries.empty()) entries += ",";
    entries += fmt::format(R"("{}":{{"CapacityUnits":{}}})", index, value * factor);
  }
  return fmt::format(R"(,"{}":{{{}}})", field, entries);
}

}  // namespace

void CapacityMeter::AddRead(const std::string& table, size_t bytes, bool consistent) {
  units_[table].table += ReadUnits(bytes, consistent);
}

void CapacityMeter::AddIndexRead(const std::string& table, const SecondaryIndex& index,
                                 size_t bytes, bool consistent) {
  TableUnits& units = units_[table];
  auto& indexes = index.global ? units.global_indexes : units.local_indexes;
  indexes[index.name] += ReadUnits(bytes, consistent);
}

void CapacityMeter::AddWrite(const std::string& table, size_t bytes) {
  units_[table].table += WriteUnits(bytes);
}

void CapacityMeter::AddItemWrite(const TableDescription& table,
                                 const std::optional<Item>& old_item,
                                 const std::optional<Item>& new_item) {
  size_t old_size = old_item ? ItemSize(*old_item) : 0;
  size_t new_size = new_item ? ItemSize(*new_item) : 0;
  AddWrite(table.name, std::max(old_size, new_size));

  const Item* old_ptr = old_item ? &*old_item : nullptr;
  const Item* new_ptr = new_item ? &*new_item : nullptr;
  TableUnits& units = units_[table.name];
  for (const IndexEntryChange& change : IndexEntryChanges(table, old_ptr, new_ptr)) {
    auto& indexes = change.index->global ? units.global_indexes : units.local_indexes;
    double& index_units = indexes[change.index->name];
    if (change.old_entry && change.new_entry && !change.key_changed) {
      index_units += WriteUnits(std::max(ItemSize(*change.old_entry), ItemSize(*change.new_entry)));
      continue;
    }
    if (change.old_entry) index_units += WriteUnits(ItemSize(*change.old_entry));
    if (change.new_entry) index_units += WriteUnits(ItemSize(*change.new_entry));
  }
}

std::string CapacityMeter::ResponseMembers(bool as_list, bool with_detail) const {
  if (units_.empty()) return "";
  std::string entries;
  for (const auto& [table, units] : units_) {
    if (!entries.empty()) entries += ",";
    double total = units.table;
    for (const auto& [index, value] : units.global_indexes) total += value;
    for (const auto& [index, value] : units.local_indexes) total += value;
    entries += fmt::format(R"({{"TableName":"{}","CapacityUnits":{})", table, total * factor_);
    if (with_detail) {
      entries += fmt::format(R"(,"Table":{{"CapacityUnits":{}}})", units.table * factor_);
      entries += IndexUnitsMember("GlobalSecondaryIndexes", units.global_indexes, factor_);
      entries += IndexUnitsMember("LocalSecondaryIndexes", units.local_indexes, factor_);
    }
    entries += "}";
    if (!as_list) break;
  }
  return as_list ? fmt::format(R"("ConsumedCapacity":[{}])", entries)
                 : fmt::format(R"("ConsumedCapacity":{})", entries);
}

CapacityMeter* CurrentCapacityMeter() { return current_meter; }
void SetCurrentCapacityMeter(CapacityMeter* meter) { current_meter = meter; }

}  // namespace tidings
