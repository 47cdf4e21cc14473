#include "api/capacity.h"

#include <algorithm>
#include <cmath>

#include "fmt/format.h"

namespace tidings {
namespace {

thread_local CapacityMeter* current_meter = nullptr;

constexpr double kReadUnitBytes = 4096;
constexpr double kWriteUnitBytes = 1024;

}  // namespace

void CapacityMeter::AddRead(const std::string& table, size_t bytes, bool consistent) {
  double units = std::max(1.0, std::ceil(static_cast<double>(bytes) / kReadUnitBytes));
  units_[table] += consistent ? units : units / 2;
}

void CapacityMeter::AddWrite(const std::string& table, size_t bytes) {
  units_[table] += std::max(1.0, std::ceil(static_cast<double>(bytes) / kWriteUnitBytes));
}

void CapacityMeter::AddItemWrite(const std::string& table, const std::optional<Item>& old_item,
                                 const std::optional<Item>& new_item) {
  size_t old_size = old_item ? ItemSize(*old_item) : 0;
  size_t new_size = new_item ? ItemSize(*new_item) : 0;
  AddWrite(table, std::max(old_size, new_size));
}

std::string CapacityMeter::ResponseMembers(bool as_list, bool with_table_detail) const {
  if (units_.empty()) return "";
  std::string entries;
  for (const auto& [table, units] : units_) {
    if (!entries.empty()) entries += ",";
    double total = units * factor_;
    entries += fmt::format(R"({{"TableName":"{}","CapacityUnits":{})", table, total);
    if (with_table_detail) entries += fmt::format(R"(,"Table":{{"CapacityUnits":{}}})", total);
    entries += "}";
    if (!as_list) break;
  }
  return as_list ? fmt::format(R"("ConsumedCapacity":[{}])", entries)
                 : fmt::format(R"("ConsumedCapacity":{})", entries);
}

CapacityMeter* CurrentCapacityMeter() { return current_meter; }
void SetCurrentCapacityMeter(CapacityMeter* meter) { current_meter = meter; }

}  // namespace tidings
