// Batch operations: BatchGetItem and BatchWriteItem.
//
// Both validate the whole request before reading or writing anything. Each
// item of a BatchWriteItem is written atomically on its own, as in DynamoDB;
// the batch as a whole is not a transaction. Every request is processed in
// full, so UnprocessedKeys and UnprocessedItems are always empty.
#include <set>

#include "api/capacity.h"
#include "api/dynamodb_api.h"
#include "api/expression_parameters.h"
#include "api/index_access.h"
#include "api/json_writing.h"
#include "common/attribute_json.h"
#include "common/errors.h"
#include "fmt/format.h"
#include "storage/key_codec.h"
#include "storage/secondary_index.h"

namespace tidings {
namespace {

constexpr size_t kMaxBatchGetKeys = 100;
constexpr size_t kMaxBatchWrites = 25;

absl::StatusOr<const rapidjson::Value*> RequestItems(const Request& request) {
  if (!request.Has("RequestItems")) {
    return ValidationError(
        "1 validation error detected: Value null at 'requestItems' failed to satisfy constraint: "
        "Member must not be null");
  }
  const rapidjson::Value& items = request.root()["RequestItems"];
  if (!items.IsObject() || items.MemberCount() == 0) {
    return ValidationError(
        "1 validation error detected: Value at 'requestItems' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1");
  }
  return &items;
}

absl::Status DuplicateKeys() {
  return ValidationError("Provided list of item keys contains duplicates");
}

// One table's part of a BatchGetItem.
struct TableRead {
  TableDescription table;
  std::vector<Item> keys;
  Expressions expressions;
};

// One write of a BatchWriteItem: an item to put, or the key of one to delete.
struct Write {
  std::string table;
  Item key;
  std::optional<Item> put;
  const TableDescription* description = nullptr;  // Points into the request's tables.
};

}  // namespace

absl::StatusOr<std::string> DynamoDbApi::BatchGetItem(const Request& request) {
  auto items = RequestItems(request);
  if (!items.ok()) return items.status();

  std::vector<TableRead> reads;
  size_t total_keys = 0;
  for (const auto& entry : (*items)->GetObject()) {
    std::string name = entry.name.GetString();
    auto table = tables_->GetTable(name);
    if (!table.ok()) return ResourceNotFoundError("Requested resource not found");
    if (!entry.value.IsObject() || !entry.value.HasMember("Keys") ||
        !entry.value["Keys"].IsArray() || entry.value["Keys"].Empty()) {
      return ValidationError(fmt::format(
          "1 validation error detected: Value at 'requestItems.{}.member.keys' failed to satisfy "
          "constraint: Member must have length greater than or equal to 1",
          name));
    }
    Request table_request = Request::FromObject(entry.value);
    auto expressions = ParseExpressions(table_request, "", false, true);
    if (!expressions.ok()) return expressions.status();

    TableRead read{*table, {}, *std::move(expressions)};
    std::set<std::string> encoded_keys;
    for (const auto& key_json : entry.value["Keys"].GetArray()) {
      auto key = ItemFromJson(key_json);
      if (!key.ok()) return key.status();
      auto encoded = EncodeItemKey(*table, *key);
      if (!encoded.ok()) return encoded.status();
      if (!encoded_keys.insert(*encoded).second) return DuplicateKeys();
      read.keys.push_back(*std::move(key));
    }
    total_keys += read.keys.size();
    reads.push_back(std::move(read));
  }
  if (total_keys > kMaxBatchGetKeys) {
    return ValidationError(
        "Too many items requested for the BatchGetItem call: at most 100 keys are allowed");
  }

  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("Responses");
  w.StartObject();
  for (const TableRead& read : reads) {
    WriteString(read.table.name, &w);
    w.StartArray();
    for (const Item& key : read.keys) {
      auto item = tables_->GetItem(read.table.name, key);
      if (!item.ok()) return item.status();
      if (CapacityMeter* meter = CurrentCapacityMeter()) {
        meter->AddRead(read.table.name, item->has_value() ? ItemSize(**item) : 0, false);
      }
      if (!item->has_value()) continue;
      const auto& projection = read.expressions.projection;
      WriteItem(projection ? projection->Project(**item) : **item, &w);
    }
    w.EndArray();
  }
  w.EndObject();
  w.Key("UnprocessedKeys");
  w.StartObject();
  w.EndObject();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

absl::StatusOr<std::string> DynamoDbApi::BatchWriteItem(const Request& request) {
  auto items = RequestItems(request);
  if (!items.ok()) return items.status();

  auto collection_metrics = ParseReturnItemCollectionMetrics(request);
  if (!collection_metrics.ok()) return collection_metrics.status();
  std::vector<Write> writes;
  std::map<std::string, TableDescription> tables;
  for (const auto& entry : (*items)->GetObject()) {
    std::string name = entry.name.GetString();
    if (!entry.value.IsArray() || entry.value.Empty()) {
      return ValidationError(fmt::format(
          "1 validation error detected: Value at 'requestItems.{}' failed to satisfy constraint: "
          "Member must have length greater than or equal to 1",
          name));
    }
    auto found = tables_->GetTable(name);
    if (!found.ok()) return ResourceNotFoundError("Requested resource not found");
    const TableDescription* table = &(tables[name] = *std::move(found));

    std::set<std::string> encoded_keys;
    for (const auto& request_json : entry.value.GetArray()) {
      bool is_put = request_json.IsObject() && request_json.HasMember("PutRequest");
      bool is_delete = request_json.IsObject() && request_json.HasMember("DeleteRequest");
      if (is_put == is_delete) {
        return ValidationError(
            "Supplied AttributeValue has more than one datatypes set, must contain exactly one "
            "of PutRequest or DeleteRequest");
      }
      const rapidjson::Value& body = request_json[is_put ? "PutRequest" : "DeleteRequest"];
      const char* field = is_put ? "Item" : "Key";
      if (!body.IsObject() || !body.HasMember(field)) {
        return ValidationError(fmt::format("Each {} needs {}", is_put ? "PutRequest" : "DeleteRequest",
                                           field));
      }
      auto parsed = ItemFromJson(body[field]);
      if (!parsed.ok()) return parsed.status();
      auto encoded = is_put ? EncodeKeyOfItem(*table, *parsed) : EncodeItemKey(*table, *parsed);
      if (!encoded.ok()) return encoded.status();
      if (!encoded_keys.insert(*encoded).second) return DuplicateKeys();
      if (is_put) {
        if (auto s = CheckItemSize(*parsed); !s.ok()) return s;
        if (auto s = CheckIndexKeys(*table, *parsed); !s.ok()) return s;
      }
      Write write{name, table->KeyOf(*parsed), std::nullopt, table};
      if (is_put) write.put = *std::move(parsed);
      writes.push_back(std::move(write));
    }
  }
  if (writes.size() > kMaxBatchWrites) {
    return ValidationError(fmt::format(
        "1 validation error detected: Value at 'requestItems' failed to satisfy constraint: Map "
        "value must satisfy constraint: [Member must have length less than or equal to 25, "
        "Member must have length greater than or equal to 1]; this request has {} writes",
        writes.size()));
  }

  std::map<std::string, std::vector<std::string>> metrics;  // By table name.
  for (const Write& write : writes) {
    auto result = tables_->MutateItem(write.table, write.key, [&](const std::optional<Item>&) {
      return absl::StatusOr<std::optional<Item>>(write.put);
    });
    if (!result.ok()) return result.status();
    if (CapacityMeter* meter = CurrentCapacityMeter()) {
      meter->AddItemWrite(*write.description, result->old_item, result->new_item);
    }
    auto member = ItemCollectionMetricsMember(*tables_, *write.description, write.key,
                                              *collection_metrics);
    if (!member.ok()) return member.status();
    if (!member->empty()) metrics[write.table].push_back(*std::move(member));
  }
  return AppendMembers(R"({"UnprocessedItems":{}})", ItemCollectionMetricsByTable(metrics));
}

}  // namespace tidings
