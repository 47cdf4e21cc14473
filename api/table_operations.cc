// The table control plane: CreateTable, DeleteTable, DescribeTable,
// ListTables, UpdateTable and DescribeEndpoints.
#include <set>

#include "api/dynamodb_api.h"
#include "api/json_writing.h"
#include "common/attribute_json.h"
#include "common/errors.h"
#include "fmt/format.h"

namespace tidings {
namespace {

void WriteAttributeDefinition(const KeyElement& key, JsonWriter* w) {
  w->StartObject();
  w->Key("AttributeName");
  WriteString(key.name, w);
  w->Key("AttributeType");
  WriteString(AttributeTypeName(key.type), w);
  w->EndObject();
}

void WriteTableDescription(const TableDescription& table, std::string_view status,
                           std::string_view region, JsonWriter* w) {
  std::string arn = fmt::format("arn:aws:dynamodb:{}:000000000000:table/{}", region, table.name);
  w->StartObject();
  w->Key("AttributeDefinitions");
  w->StartArray();
  WriteAttributeDefinition(table.hash_key, w);
  if (table.range_key) WriteAttributeDefinition(*table.range_key, w);
  w->EndArray();
  w->Key("TableName");
  WriteString(table.name, w);
  w->Key("KeySchema");
  WriteKeySchema(table.hash_key, table.range_key, w);
  w->Key("TableStatus");
  WriteString(status, w);
  w->Key("CreationDateTime");
  w->Double(static_cast<double>(table.creation_time_ms) / 1000.0);
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
  w->Int(0);
  w->Key("ItemCount");
  w->Int(0);
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
                          std::string_view status, std::string_view region) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key(field);
  WriteTableDescription(table, status, region, &w);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

absl::StatusOr<AttributeType> ParseKeyType(const rapidjson::Value& json, const std::string& name) {
  std::string_view type = json.IsString() ? json.GetString() : "";
  if (type == "S") return AttributeType::kS;
  if (type == "N") return AttributeType::kN;
  if (type == "B") return AttributeType::kB;
  return ValidationError(fmt::format(
      "1 validation error detected: Value '{}' at 'attributeDefinitions.{}.member.attributeType' "
      "failed to satisfy constraint: Member must satisfy enum value set: [B, N, S]",
      type, name));
}

// Reads KeySchema and AttributeDefinitions into the table's key elements.
absl::Status ParseKeySchema(const Request& request, TableDescription* table) {
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
  if (!schema.IsArray() || schema.Empty() || schema.Size() > 2) {
    return ValidationError(
        "1 validation error detected: Value at 'keySchema' failed to satisfy constraint: Member "
        "must have length less than or equal to 2 and greater than or equal to 1");
  }
  if (!definitions.IsArray()) return ValidationError("AttributeDefinitions must be a list");

  std::map<std::string, AttributeType> types;
  for (const auto& definition : definitions.GetArray()) {
    if (!definition.IsObject() || !definition.HasMember("AttributeName") ||
        !definition["AttributeName"].IsString() || !definition.HasMember("AttributeType")) {
      return ValidationError("Each AttributeDefinitions entry needs AttributeName and AttributeType");
    }
    std::string name = definition["AttributeName"].GetString();
    auto type = ParseKeyType(definition["AttributeType"], name);
    if (!type.ok()) return type.status();
    types[name] = *type;
  }

  std::vector<std::pair<std::string, std::string>> elements;  // Name and key type.
  for (const auto& element : schema.GetArray()) {
    if (!element.IsObject() || !element.HasMember("AttributeName") ||
        !element["AttributeName"].IsString() || !element.HasMember("KeyType") ||
        !element["KeyType"].IsString()) {
      return ValidationError("Each KeySchema element needs AttributeName and KeyType");
    }
    elements.emplace_back(element["AttributeName"].GetString(), element["KeyType"].GetString());
  }
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
  if (types.size() != elements.size()) {
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
  return absl::OkStatus();
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

}  // namespace

absl::StatusOr<std::string> DynamoDbApi::CreateTable(const Request& request) {
  TableDescription table;
  auto name = request.TableName();
  if (!name.ok()) return name.status();
  table.name = *name;
  for (const char* unsupported : {"GlobalSecondaryIndexes", "LocalSecondaryIndexes"}) {
    if (request.Has(unsupported)) {
      return ValidationError(fmt::format(
          "{} are not supported by this version of tidings; create the table without them",
          unsupported));
    }
  }
  if (auto s = ParseKeySchema(request, &table); !s.ok()) return s;
  if (auto s = ParseBilling(request, &table); !s.ok()) return s;
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
  auto deleted = tables_->DeleteTable(*name);
  if (!deleted.ok()) return deleted.status();
  return TableResponse("TableDescription", *deleted, "DELETING", region_);
}

absl::StatusOr<std::string> DynamoDbApi::DescribeTable(const Request& request) {
  auto name = request.TableName();
  if (!name.ok()) return name.status();
  auto table = tables_->GetTable(*name);
  if (!table.ok()) return table.status();
  return TableResponse("Table", *table, "ACTIVE", region_);
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
  auto table = tables_->GetTable(*name);
  if (!table.ok()) return table.status();
  auto spec = ParseStreamSpec(request);
  if (!spec.ok()) return spec.status();
  if (*spec) {
    auto updated = tables_->UpdateStream(*name, (*spec)->first, (*spec)->second);
    if (!updated.ok()) return updated.status();
    table = *updated;
  }
  return TableResponse("TableDescription", *table, "ACTIVE", region_);
}

absl::StatusOr<std::string> DynamoDbApi::DescribeEndpoints(const Request& request) {
  return std::string(R"({"Endpoints":[{"Address":"localhost","CachePeriodInMinutes":1440}]})");
}

}  // namespace tidings
