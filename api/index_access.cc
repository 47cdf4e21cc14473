#include "api/index_access.h"

#include <cmath>

#include "common/errors.h"
#include "fmt/format.h"

namespace tidings {
namespace {

constexpr double kBytesPerGb = 1024.0 * 1024.0 * 1024.0;

}  // namespace

absl::StatusOr<IndexRead> ResolveIndexRead(const Request& request, const TableDescription& table) {
  auto index_name = request.OptionalString("IndexName");
  if (!index_name.ok()) return index_name.status();
  auto select = request.OptionalString("Select");
  if (!select.ok()) return select.status();
  IndexRead read;
  if (!*index_name) {
    if (select->value_or("") == "ALL_PROJECTED_ATTRIBUTES") {
      return ValidationError(
          "One or more parameter values were invalid: Select type ALL_PROJECTED_ATTRIBUTES is "
          "supported only for index queries");
    }
    return read;
  }

  read.index = table.FindIndex(**index_name);
  if (read.index == nullptr) {
    return ValidationError(
        fmt::format("The table does not have the specified index: {}", **index_name));
  }
  if (read.index->status == IndexStatus::kCreating) {
    return ValidationError("Cannot read from backfilling global secondary index");
  }
  auto consistent = request.OptionalBool("ConsistentRead");
  if (!consistent.ok()) return consistent.status();
  if (read.index->global && consistent->value_or(false)) {
    return ValidationError("Consistent reads are not supported on global secondary indexes");
  }
  if (read.index->projection == ProjectionType::kAll) return read;

  if (select->value_or("") == "ALL_ATTRIBUTES") {
    if (read.index->global) {
      return ValidationError(fmt::format(
          "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not "
          "supported for global secondary index {} because its projection type is not ALL",
          read.index->name));
    }
    read.fetch_from_table = true;
  }
  // A global index returns only what it projects; a local one reads the
  // table for attributes that expressions may name outside the projection.
  if (!read.index->global &&
      (request.Has("ProjectionExpression") || request.Has("FilterExpression"))) {
    read.fetch_from_table = true;
  }
  return read;
}

absl::StatusOr<size_t> FetchTableItems(const TableStore& tables, const TableDescription& table,
                                       const IndexRead& read, TableStore::ScanPage* page) {
  if (!read.fetch_from_table) return 0;
  size_t bytes = 0;
  for (Item& entry : page->items) {
    auto item = tables.GetItem(table.name, table.KeyOf(entry));
    if (!item.ok()) return item.status();
    // An item deleted since the entry was read keeps its projected attributes.
    if (!item->has_value()) continue;
    bytes += ItemSize(**item);
    entry = **std::move(item);
  }
  return bytes;
}

absl::StatusOr<bool> ParseReturnItemCollectionMetrics(const Request& request) {
  auto value = request.OptionalString("ReturnItemCollectionMetrics");
  if (!value.ok()) return value.status();
  std::string mode = value->value_or("NONE");
  if (mode != "NONE" && mode != "SIZE") {
    return ValidationError(fmt::format(
        "1 validation error detected: Value '{}' at 'returnItemCollectionMetrics' failed to "
        "satisfy constraint: Member must satisfy enum value set: [SIZE, NONE]",
        mode));
  }
  return mode == "SIZE";
}

absl::StatusOr<bool> WriteItemCollectionMetrics(const TableStore& tables,
                                                const TableDescription& table, const Item& key,
                                                JsonWriter* w) {
  bool has_local_index = false;
  for (const SecondaryIndex& index : table.indexes) has_local_index |= !index.global;
  auto hash = key.find(table.hash_key.name);
  if (!has_local_index || hash == key.end()) return false;
  auto bytes = tables.ItemCollectionBytes(table.name, hash->second);
  if (!bytes.ok()) return bytes.status();

  // DynamoDB reports a range of whole gigabytes around the collection's size.
  double lower = std::floor(static_cast<double>(*bytes) / kBytesPerGb);
  w->StartObject();
  w->Key("ItemCollectionKey");
  WriteItem(Item{*hash}, w);
  w->Key("SizeEstimateRangeGB");
  w->StartArray();
  w->Double(lower);
  w->Double(lower + 1);
  w->EndArray();
  w->EndObject();
  return true;
}

absl::StatusOr<std::string> ItemCollectionMetricsMember(const TableStore& tables,
                                                        const TableDescription& table,
                                                        const Item& key, bool requested) {
  if (!requested) return std::string();
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  auto written = WriteItemCollectionMetrics(tables, table, key, &w);
  if (!written.ok()) return written.status();
  if (!*written) return std::string();
  return fmt::format(R"("ItemCollectionMetrics":{})",
                     std::string_view(buffer.GetString(), buffer.GetSize()));
}

std::string ItemCollectionMetricsByTable(
    const std::map<std::string, std::vector<std::string>>& members) {
  if (members.empty()) return "";
  constexpr std::string_view kPrefix = R"("ItemCollectionMetrics":)";
  std::vector<std::string> tables;
  for (const auto& [table, table_members] : members) {
    std::vector<std::string> objects;
    for (const std::string& member : table_members) objects.push_back(member.substr(kPrefix.size()));
    tables.push_back(fmt::format(R"("{}":[{}])", table, fmt::join(objects, ",")));
  }
  return fmt::format("{}{{{}}}", kPrefix, fmt::join(tables, ","));
}

std::string AppendMembers(std::string body, const std::string& members) {
  if (members.empty() || body.size() < 2 || body.back() != '}') return body;
  bool empty_object = body == "{}";
  body.insert(body.size() - 1, (empty_object ? "" : ",") + members);
  return body;
}

}  // namespace tidings
