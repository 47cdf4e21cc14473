// The table control plane: CreateTable, DeleteTable, DescribeTable,
// ListTables, UpdateTable and DescribeEndpoints.
#include <set>

#include "api/dynamodb_api.h"
#include "api/index_schema.h"
#include "api/json_writing.h"
#include "api/tags.h"
#include "common/attribute_json.h"
#include "common/errors.h"
#include "fmt/format.h"

namespace tidings {
namespace {

// Statistics of the table and of each of its indexes, by id. Unreadable
// statistics are reported as zero.
std::map<uint64_t, Statistics> ReadAllStatistics(const TableStore& tables,
                                                 const TableDescription& table) {
  std::map<uint64_t, Statistics> statistics;
  std::vector<uint64_t> ids = {table.id};
  for (const SecondaryIndex& index : table.indexes) ids.push_back(index.id);
  for (uint64_t id : ids) {
    auto read = tables.GetStatistics(id);
    if (read.ok()) statistics[id] = *read;
  }
  return statistics;
}

void WriteTableDescription(const TableDescription& table, std::string_view status,
                           std::string_view region,
                           const std::map<uint64_t, Statistics>& statistics, JsonWriter* w) {
  std::string arn = fmt::format("arn:aws:dynamodb:{}:000000000000:table/{}", region, table.name);
  auto found = statistics.find(table.id);
  Statistics table_statistics = found == statistics.end() ? Statistics() : found->second;
  // DeleteTable's description leaves out the schema, the creation time and
  // the indexes, as DynamoDB's does.
  bool deleting = status == "DELETING";
  w->StartObject();
  if (!deleting) {
    w->Key("AttributeDefinitions");
    WriteAttributeDefinitions(table, w);
  }
  w->Key("TableName");
  WriteString(table.name, w);
  if (!deleting) {
    w->Key("KeySchema");
    WriteKeySchema(table.hash_key, table.range_key, w);
  }
  w->Key("TableStatus");
  WriteString(status, w);
  if (!deleting) {
    w->Key("CreationDateTime");
    w->Double(static_cast<double>(table.creation_time_ms) / 1000.0);
  }
  w->Key("ProvisionedThroughput");
  w->StartObject();
  w->Key("NumberOfDecreasesToday");
  w->Int(0);
  w->Key("ReadCapacityUnits");
  w->Int64(table.read_capacity_units);
  w->Key("WriteCapacityUnits");
  w->Int64(table.write_capacity_units);
  w->EndObject();
  w->Key("TableSizeBytes");
  w->Int64(table_statistics.size_bytes);
  w->Key("ItemCount");
  w->Int64(table_statistics.item_count);
  w->Key("TableArn");
  WriteString(arn, w);
  w->Key("TableId");
  WriteString(fmt::format("00000000-0000-4000-8000-{:012x}", table.id), w);
  if (table.billing_mode == "PAY_PER_REQUEST") {
    w->Key("BillingModeSummary");
    w->StartObject();
    w->Key("BillingMode");
    w->String("PAY_PER_REQUEST");
    w->Key("LastUpdateToPayPerRequestDateTime");
    w->Double(static_cast<double>(table.creation_time_ms) / 1000.0);
    w->EndObject();
  }
  if (!deleting) WriteIndexDescriptions(table, arn, statistics, w);
  if (table.stream_enabled) {
    w->Key("StreamSpecification");
    w->StartObject();
    w->Key("StreamEnabled");
    w->Bool(true);
    w->Key("StreamViewType");
    WriteString(StreamViewTypeName(table.stream_view_type), w);
    w->EndObject();
  }
  if (table.stream_id != 0) {
    w->Key("LatestStreamLabel");
    WriteString(table.stream_label, w);
    w->Key("LatestStreamArn");
    WriteString(fmt::format("{}/stream/{}", arn, table.stream_label), w);
  }
  w->EndObject();
}

std::string TableResponse(const char* field, const TableDescription& table,
                          std::string_view status, std::string_view region,
                          const std::map<uint64_t, Statistics>& statistics = {}) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key(field);
  WriteTableDescription(table, status, region, statistics, &w);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

// Reads KeySchema and AttributeDefinitions into the table's key elements.
// The definitions are returned for the secondary indexes.
absl::StatusOr<AttributeDefinitions> ParseKeySchema(const Request& request,
                                                    TableDescription* table) {
  if (!request.Has("KeySchema")) {
    return ValidationError(
        "1 validation error detected: Value null at 'keySchema' failed to satisfy constraint: "
        "Member must not be null");
  }
  if (!request.Has("AttributeDefinitions")) {
    return ValidationError(
        "1 validation error detected: Value null at 'attributeDefinitions' failed to satisfy "
        "constraint: Member must not be null");
  }
  const auto& schema = request.root()["KeySchema"];
  const auto& definitions = request.root()["AttributeDefinitions"];
  if (!definitions.IsArray()) return ValidationError("AttributeDefinitions must be a list");
  auto parsed_types = ParseAttributeDefinitions(request);
  if (!parsed_types.ok()) return parsed_types.status();
  AttributeDefinitions& types = *parsed_types;

  auto parsed_elements = ParseKeySchemaElements(schema, "keySchema");
  if (!parsed_elements.ok()) return parsed_elements.status();
  const KeySchemaElements& elements = *parsed_elements;
  if (elements[0].second != "HASH") {
    return ValidationError(
        "Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
  }
  if (elements.size() == 2) {
    if (elements[1].second != "RANGE") {
      return ValidationError("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type");
    }
    if (elements[0].first == elements[1].first) {
      return ValidationError(
          "Both the Hash Key and the Range Key element in the KeySchema have the same name");
    }
  }
  // With indexes, ParseSecondaryIndexes checks that every definition is used.
  bool has_indexes = request.Has("GlobalSecondaryIndexes") || request.Has("LocalSecondaryIndexes");
  if (!has_indexes && types.size() != elements.size()) {
    return ValidationError(
        "One or more parameter values were invalid: Number of attributes in KeySchema does not "
        "exactly match number of attributes defined in AttributeDefinitions");
  }
  for (const auto& [name, key_type] : elements) {
    if (types.count(name) == 0) {
      return ValidationError(fmt::format(
          "One or more parameter values were invalid: Some index key attributes are not defined "
          "in AttributeDefinitions. Keys: [{}], AttributeDefinitions: [{}]",
          name, types.begin()->first));
    }
  }
  table->hash_key = {elements[0].first, types[elements[0].first]};
  if (elements.size() == 2) table->range_key = KeyElement{elements[1].first, types[elements[1].first]};
  return types;
}

absl::Status ParseBilling(const Request& request, TableDescription* table) {
  auto mode = request.OptionalString("BillingMode");
  if (!mode.ok()) return mode.status();
  table->billing_mode = mode->value_or("PROVISIONED");
  if (table->billing_mode != "PROVISIONED" && table->billing_mode != "PAY_PER_REQUEST") {
    return ValidationError(fmt::format(
        "1 validation error detected: Value '{}' at 'billingMode' failed to satisfy constraint: "
        "Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]",
        table->billing_mode));
  }

  bool has_throughput = request.Has("ProvisionedThroughput");
  if (table->billing_mode == "PAY_PER_REQUEST") {
    if (has_throughput) {
      return ValidationError(
          "One or more parameter values were invalid: Neither ReadCapacityUnits nor "
          "WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
    }
    return absl::OkStatus();
  }

  if (!has_throughput) {
    return ValidationError(
        "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must "
        "both be specified when BillingMode is PROVISIONED");
  }

  const auto& throughput = request.root()["ProvisionedThroughput"];
  for (const char* field : {"ReadCapacityUnits", "WriteCapacityUnits"}) {
    if (!throughput.IsObject() || !throughput.HasMember(field) || !throughput[field].IsInt64() ||
        throughput[field].GetInt64() < 1) {
      return ValidationError(fmt::format(
          "One or more parameter values were invalid: {} must be a whole number of at least 1",
          field));
    }
  }
  table->read_capacity_units = throughput["ReadCapacityUnits"].GetInt64();
  table->write_capacity_units = throughput["WriteCapacityUnits"].GetInt64();
  return absl::OkStatus();
}

// Reads StreamSpecification: nullopt for "leave as is", or enabled and view.
absl::StatusOr<std::optional<std::pair<bool, std::optional<StreamViewType>>>> ParseStreamSpec(
    const Request& request) {
  using Spec = std::optional<std::pair<bool, std::optional<StreamViewType>>>;
  if (!request.Has("StreamSpecification")) return Spec();
  const auto& spec = request.root()["StreamSpecification"];
  if (!spec.IsObject() || !spec.HasMember("StreamEnabled") || !spec["StreamEnabled"].IsBool()) {
    return ValidationError(
        "1 validation error detected: Value null at 'streamSpecification.streamEnabled' failed to "
        "satisfy constraint: Member must not be null");
  }
  bool enabled = spec["StreamEnabled"].GetBool();
  std::optional<StreamViewType> view;
  if (spec.HasMember("StreamViewType")) {
    std::string_view name = spec["StreamViewType"].IsString() ? spec["StreamViewType"].GetString() : "";
    view = ParseStreamViewType(name);
    if (!view) {
      return ValidationError(fmt::format(
          "1 validation error detected: Value '{}' at 'streamSpecification.streamViewType' failed "
          "to satisfy constraint: Member must satisfy enum value set: [NEW_IMAGE, OLD_IMAGE, "
          "NEW_AND_OLD_IMAGES, KEYS_ONLY]",
          name));
    }
  }
  if (enabled && !view) {
    return ValidationError(
        "One or more parameter values were invalid: StreamViewType is required when "
        "StreamEnabled is true");
  }
  if (!enabled && view) {
    return ValidationError(
        "One or more parameter values were invalid: Disabled stream cannot have a view type");
  }
  return Spec(std::make_pair(enabled, view));
}

// Applies UpdateTable's BillingMode and ProvisionedThroughput to `table`,
// which contains the current settings, with CreateTable's rules.
absl::Status ParseBillingUpdate(const Request& request, TableDescription* table) {
  auto mode = request.OptionalString("BillingMode");
  if (!mode.ok()) return mode.status();
  std::string billing_mode = mode->value_or(table->billing_mode);
  if (billing_mode != "PROVISIONED" && billing_mode != "PAY_PER_REQUEST") {
    return ValidationError(fmt::format(
        "1 validation error detected: Value '{}' at 'billingMode' failed to satisfy constraint: "
        "Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]",
        billing_mode));
  }
  bool has_throughput = request.Has("ProvisionedThroughput");
  if (billing_mode == "PAY_PER_REQUEST") {
    if (has_throughput) {
      return ValidationError(
          "One or more parameter values were invalid: Neither ReadCapacityUnits nor "
          "WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
    }
    table->billing_mode = billing_mode;
    table->read_capacity_units = 0;
    table->write_capacity_units = 0;
    return absl::OkStatus();
  }
  if (!has_throughput && table->billing_mode == "PROVISIONED") return absl::OkStatus();
  // Switching to PROVISIONED, or changing its throughput, takes both units.
  return ParseBilling(request, table);
}

// DynamoDB rejects an UpdateTable that names nothing to change.
absl::Status CheckSomethingToUpdate(const Request& request) {
  for (const char* field : {"BillingMode", "ProvisionedThroughput", "StreamSpecification",
                            "GlobalSecondaryIndexUpdates", "SSESpecification", "ReplicaUpdates",
                            "TableClass", "DeletionProtectionEnabled", "OnDemandThroughput",
                            "WarmThroughput", "AttributeDefinitions"}) {
    if (request.Has(field)) return absl::OkStatus();
  }
  return ValidationError(
      "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
      "GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required");
}

}  // namespace

absl::StatusOr<std::string> DynamoDbApi::CreateTable(const Request& request) {
  TableDescription table;
  auto name = request.TableName();
  if (!name.ok()) return name.status();
  table.name = *name;
  auto definitions = ParseKeySchema(request, &table);
  if (!definitions.ok()) return definitions.status();
  if (auto s = ParseBilling(request, &table); !s.ok()) return s;
  if (request.Has("Tags")) {
    auto tags = ParseTags(request.root()["Tags"]);
    if (!tags.ok()) return tags.status();
    table.tags = *std::move(tags);
  }
  if (auto s = ParseSecondaryIndexes(request, *definitions, &table); !s.ok()) return s;
  auto spec = ParseStreamSpec(request);
  if (!spec.ok()) return spec.status();
  std::optional<StreamViewType> stream;
  if (*spec && (*spec)->first) stream = (*spec)->second;

  auto created = tables_->CreateTable(table, stream);
  if (!created.ok()) return created.status();
  return TableResponse("TableDescription", *created, "ACTIVE", region_);
}

absl::StatusOr<std::string> DynamoDbApi::DeleteTable(const Request& request) {
  auto name = request.TableName();
  if (!name.ok()) return name.status();
  // The response reports the statistics as they were before the delete.
  std::map<uint64_t, Statistics> statistics;
  if (auto table = tables_->GetTable(*name); table.ok()) {
    statistics = ReadAllStatistics(*tables_, *table);
  }
  auto deleted = tables_->DeleteTable(*name);
  if (!deleted.ok()) return deleted.status();
  for (SecondaryIndex& index : deleted->indexes) {
    if (index.global) index.status = IndexStatus::kDeleting;
  }
  return TableResponse("TableDescription", *deleted, "DELETING", region_, statistics);
}

absl::StatusOr<std::string> DynamoDbApi::DescribeTable(const Request& request) {
  auto name = request.TableName();
  if (!name.ok()) return name.status();
  auto table = tables_->GetTable(*name);
  if (!table.ok()) return table.status();
  return TableResponse("Table", *table, "ACTIVE", region_, ReadAllStatistics(*tables_, *table));
}

absl::StatusOr<std::string> DynamoDbApi::ListTables(const Request& request) {
  auto start = request.OptionalString("ExclusiveStartTableName");
  if (!start.ok()) return start.status();
  auto limit = request.OptionalInt("Limit");
  if (!limit.ok()) return limit.status();
  int64_t max_names = limit->value_or(100);
  if (max_names < 1 || max_names > 100) {
    return ValidationError(fmt::format(
        "1 validation error detected: Value '{}' at 'limit' failed to satisfy constraint: Member "
        "must have value less than or equal to 100 and greater than or equal to 1",
        max_names));
  }

  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("TableNames");
  w.StartArray();
  int64_t count = 0;
  std::string last;
  bool more = false;
  for (const std::string& name : tables_->ListTables()) {
    if (*start && name <= **start) continue;
    if (count == max_names) {
      more = true;
      break;
    }
    WriteString(name, &w);
    last = name;
    ++count;
  }
  w.EndArray();
  if (more) {
    w.Key("LastEvaluatedTableName");
    WriteString(last, &w);
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

absl::StatusOr<std::string> DynamoDbApi::UpdateTable(const Request& request) {
  auto name = request.TableName();
  if (!name.ok()) return name.status();
  if (auto s = CheckSomethingToUpdate(request); !s.ok()) return s;
  auto table = tables_->GetTable(*name);
  if (!table.ok()) return table.status();
  auto spec = ParseStreamSpec(request);
  if (!spec.ok()) return spec.status();
  auto index_updates = ParseGlobalIndexUpdates(request, *table);
  if (!index_updates.ok()) return index_updates.status();
  std::optional<TableDescription> billing;
  if (request.Has("BillingMode") || request.Has("ProvisionedThroughput")) {
    billing = *table;
    if (auto s = ParseBillingUpdate(request, &*billing); !s.ok()) return s;
  }
  if (billing) {
    auto updated = tables_->UpdateTableSettings(*name, [&](TableDescription* stored) {
      stored->billing_mode = billing->billing_mode;
      stored->read_capacity_units = billing->read_capacity_units;
      stored->write_capacity_units = billing->write_capacity_units;
      return absl::OkStatus();
    });
    if (!updated.ok()) return updated.status();
    table = *updated;
  }
  if (*spec) {
    auto updated = tables_->UpdateStream(*name, (*spec)->first, (*spec)->second);
    if (!updated.ok()) return updated.status();
    table = *updated;
  }
  if (!index_updates->throughput_updates.empty()) {
    auto updated = tables_->UpdateTableSettings(*name, [&](TableDescription* stored) {
      for (const SecondaryIndex& update : index_updates->throughput_updates) {
        for (SecondaryIndex& index : stored->indexes) {
          if (index.name != update.name) continue;
          index.read_capacity_units = update.read_capacity_units;
          index.write_capacity_units = update.write_capacity_units;
        }
      }
      return absl::OkStatus();
    });
    if (!updated.ok()) return updated.status();
    table = *updated;
  }
  std::string_view status = "ACTIVE";
  if (!index_updates->creates.empty() || !index_updates->deletes.empty()) {
    auto updated = tables_->UpdateGlobalIndexes(*name, index_updates->creates,
                                                index_updates->deletes);
    if (!updated.ok()) return updated.status();
    table = *updated;
    status = "UPDATING";
  }
  return TableResponse("TableDescription", *table, status, region_,
                       ReadAllStatistics(*tables_, *table));
}

absl::StatusOr<std::string> DynamoDbApi::DescribeEndpoints(const Request& request) {
  return std::string(R"({"Endpoints":[{"Address":"localhost","CachePeriodInMinutes":1440}]})");
}

}  // namespace tidings
