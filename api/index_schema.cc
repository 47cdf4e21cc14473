// Secondary index definitions: validation with DynamoDB's messages, and the
// index descriptions of DescribeTable and the other table responses.
#include "api/index_schema.h"

#include <set>

#include "api/json_writing.h"
#include "common/errors.h"
#include "fmt/format.h"

namespace tidings {
namespace {

constexpr size_t kMaxLocalIndexes = 5;
constexpr size_t kMaxGlobalIndexes = 20;
constexpr size_t kMaxNonKeyAttributes = 100;

absl::Status NullMember(const std::string& path) {
  return ValidationError(fmt::format(
      "1 validation error detected: Value null at '{}' failed to satisfy constraint: Member must "
      "not be null",
      path));
}

std::string InvalidPrefix() { return "One or more parameter values were invalid: "; }

absl::Status CheckIndexName(const rapidjson::Value& json, const std::string& path) {
  if (!json.HasMember("IndexName") || !json["IndexName"].IsString()) {
    return NullMember(path + ".indexName");
  }
  std::string_view name = json["IndexName"].GetString();
  if (name.size() < 3 || name.size() > 255) {
    return ValidationError(fmt::format(
        "1 validation error detected: Value '{}' at '{}.indexName' failed to satisfy constraint: "
        "Member must have length greater than or equal to 3 and less than or equal to 255",
        name, path));
  }
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') {
      return ValidationError(fmt::format(
          "1 validation error detected: Value '{}' at '{}.indexName' failed to satisfy "
          "constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
          name, path));
    }
  }
  return absl::OkStatus();
}

// Reads an index's KeySchema against `definitions`.
absl::Status ParseIndexKeySchema(const rapidjson::Value& json, const std::string& path,
                                 const AttributeDefinitions& definitions, SecondaryIndex* index) {
  if (!json.HasMember("KeySchema")) return NullMember(path + ".keySchema");
  const rapidjson::Value& schema = json["KeySchema"];
  auto parsed = ParseKeySchemaElements(schema, path + ".keySchema");
  if (!parsed.ok()) return parsed.status();
  const KeySchemaElements& elements = *parsed;
  for (const auto& [name, key_type] : elements) {
    if (definitions.count(name) == 0) {
      std::vector<std::string> keys, defined;
      for (const auto& element : elements) keys.push_back(element.first);
      for (const auto& [defined_name, type] : definitions) defined.push_back(defined_name);
      return ValidationError(fmt::format(
          "{}Some index key attributes are not defined in AttributeDefinitions. Keys: [{}], "
          "AttributeDefinitions: [{}]",
          InvalidPrefix(), fmt::join(keys, ", "), fmt::join(defined, ", ")));
    }
  }
  if (elements.size() == 2 && elements[0].first == elements[1].first) {
    return ValidationError(
        "Both the Hash Key and the Range Key element in the KeySchema have the same name");
  }
  if (elements[0].second != "HASH") {
    return ValidationError("Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
  }
  if (elements.size() == 2 && elements[1].second != "RANGE") {
    return ValidationError(
        "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type");
  }
  index->hash_key = {elements[0].first, definitions.at(elements[0].first)};
  if (elements.size() == 2) {
    index->range_key = KeyElement{elements[1].first, definitions.at(elements[1].first)};
  }
  return absl::OkStatus();
}

absl::Status ParseProjection(const rapidjson::Value& json, const std::string& path,
                             SecondaryIndex* index) {
  if (!json.HasMember("Projection") || !json["Projection"].IsObject()) {
    return NullMember(path + ".projection");
  }
  const rapidjson::Value& projection = json["Projection"];
  if (!projection.HasMember("ProjectionType") || !projection["ProjectionType"].IsString()) {
    return ValidationError(InvalidPrefix() + "Unknown ProjectionType: null");
  }
  std::string_view type = projection["ProjectionType"].GetString();
  if (type == "ALL") {
    index->projection = ProjectionType::kAll;
  } else if (type == "KEYS_ONLY") {
    index->projection = ProjectionType::kKeysOnly;
  } else if (type == "INCLUDE") {
    index->projection = ProjectionType::kInclude;
  } else {
    return ValidationError(fmt::format(
        "1 validation error detected: Value '{}' at '{}.projection.projectionType' failed to "
        "satisfy constraint: Member must satisfy enum value set: [ALL, INCLUDE, KEYS_ONLY]",
        type, path));
  }

  bool has_non_key = projection.HasMember("NonKeyAttributes");
  if (has_non_key && index->projection != ProjectionType::kInclude) {
    return ValidationError(fmt::format("{}ProjectionType is {}, but NonKeyAttributes is specified",
                                       InvalidPrefix(), type));
  }
  if (index->projection == ProjectionType::kInclude) {
    if (!has_non_key || !projection["NonKeyAttributes"].IsArray() ||
        projection["NonKeyAttributes"].Empty()) {
      return ValidationError(InvalidPrefix() +
                             "NonKeyAttributes must not be empty when ProjectionType is INCLUDE");
    }
    std::set<std::string> seen;
    for (const auto& name : projection["NonKeyAttributes"].GetArray()) {
      if (!name.IsString()) return ValidationError("NonKeyAttributes must be a list of strings");
      if (!seen.insert(name.GetString()).second) {
        return ValidationError(fmt::format("{}Duplicate attribute in NonKeyAttributes: {}",
                                           InvalidPrefix(), name.GetString()));
      }
      index->non_key_attributes.emplace_back(name.GetString());
    }
  }
  return absl::OkStatus();
}

// Reads a global index's ProvisionedThroughput as the billing mode requires.
absl::Status ParseIndexThroughput(const rapidjson::Value& json, const std::string& billing_mode,
                                  SecondaryIndex* index) {
  bool has_throughput = json.HasMember("ProvisionedThroughput");
  if (billing_mode == "PAY_PER_REQUEST") {
    if (!has_throughput) return absl::OkStatus();
    return ValidationError(fmt::format(
        "{}ProvisionedThroughput should not be specified for index: {} when BillingMode is "
        "PAY_PER_REQUEST",
        InvalidPrefix(), index->name));
  }
  if (!has_throughput) {
    return ValidationError(fmt::format("{}ProvisionedThroughput must be specified for index: {}",
                                       InvalidPrefix(), index->name));
  }
  const rapidjson::Value& throughput = json["ProvisionedThroughput"];
  for (const char* field : {"ReadCapacityUnits", "WriteCapacityUnits"}) {
    if (!throughput.IsObject() || !throughput.HasMember(field) || !throughput[field].IsInt64() ||
        throughput[field].GetInt64() < 1) {
      return ValidationError(fmt::format(
          "{}{} must be a whole number of at least 1 for index: {}", InvalidPrefix(), field,
          index->name));
    }
  }
  index->read_capacity_units = throughput["ReadCapacityUnits"].GetInt64();
  index->write_capacity_units = throughput["WriteCapacityUnits"].GetInt64();
  return absl::OkStatus();
}

// Reads one entry of GlobalSecondaryIndexes or LocalSecondaryIndexes.
absl::StatusOr<SecondaryIndex> ParseIndex(const rapidjson::Value& json, const std::string& path,
                                          bool global, const AttributeDefinitions& definitions,
                                          const TableDescription& table) {
  if (!json.IsObject()) return NullMember(path);
  if (auto s = CheckIndexName(json, path); !s.ok()) return s;
  SecondaryIndex index;
  index.name = json["IndexName"].GetString();
  index.global = global;
  if (auto s = ParseIndexKeySchema(json, path, definitions, &index); !s.ok()) return s;
  if (!global) {
    if (!index.range_key) {
      return ValidationError(fmt::format(
          "{}Index KeySchema does not have a range key for index: {}", InvalidPrefix(), index.name));
    }
    if (index.hash_key.name != table.hash_key.name) {
      return ValidationError(fmt::format(
          "{}Index KeySchema does not have the same leading hash key as table KeySchema for "
          "index: {}. index hash key: {}, table hash key: {}",
          InvalidPrefix(), index.name, index.hash_key.name, table.hash_key.name));
    }
  }
  if (auto s = ParseProjection(json, path, &index); !s.ok()) return s;
  if (global) {
    if (auto s = ParseIndexThroughput(json, table.billing_mode, &index); !s.ok()) return s;
  }
  return index;
}

absl::Status CheckNonKeyAttributeTotal(const TableDescription& table) {
  std::set<std::string> names;
  for (const SecondaryIndex& index : table.indexes) {
    names.insert(index.non_key_attributes.begin(), index.non_key_attributes.end());
  }
  if (names.size() > kMaxNonKeyAttributes) {
    return ValidationError(fmt::format(
        "{}The number of projected attributes in all indexes of the table exceeds the limit of "
        "{}; project fewer NonKeyAttributes",
        InvalidPrefix(), kMaxNonKeyAttributes));
  }
  return absl::OkStatus();
}

// Reads one of the two index lists of CreateTable into `table`.
absl::Status ParseIndexList(const Request& request, bool global,
                            const AttributeDefinitions& definitions, TableDescription* table) {
  const char* field = global ? "GlobalSecondaryIndexes" : "LocalSecondaryIndexes";
  if (!request.Has(field)) return absl::OkStatus();
  const rapidjson::Value& list = request.root()[field];
  if (!list.IsArray() || list.Empty()) {
    return ValidationError(fmt::format("{}List of {} is empty", InvalidPrefix(), field));
  }
  if (!global && !table->range_key) {
    return ValidationError(InvalidPrefix() +
                           "Table KeySchema does not have a range key, which is required when "
                           "specifying a LocalSecondaryIndex");
  }
  std::string path_field = global ? "globalSecondaryIndexes" : "localSecondaryIndexes";
  for (rapidjson::SizeType i = 0; i < list.Size(); ++i) {
    std::string path = fmt::format("{}.{}.member", path_field, i + 1);
    auto index = ParseIndex(list[i], path, global, definitions, *table);
    if (!index.ok()) return index.status();
    if (table->FindIndex(index->name) != nullptr) {
      return ValidationError(
          fmt::format("{}Duplicate index name: {}", InvalidPrefix(), index->name));
    }
    table->indexes.push_back(*std::move(index));
  }
  if (!global && list.Size() > kMaxLocalIndexes) {
    return ValidationError(InvalidPrefix() +
                           "Number of LocalSecondaryIndexes exceeds per-table limit of 5");
  }
  if (global && list.Size() > kMaxGlobalIndexes) {
    return ValidationError(InvalidPrefix() +
                           "GlobalSecondaryIndex count exceeds the per-table limit of 20");
  }
  return absl::OkStatus();
}

// Every key attribute of the table and its indexes, with its type, in
// first-use order.
std::vector<KeyElement> KeyAttributes(const TableDescription& table) {
  std::vector<KeyElement> keys;
  std::set<std::string> seen;
  auto add = [&](const KeyElement& key) {
    if (seen.insert(key.name).second) keys.push_back(key);
  };
  add(table.hash_key);
  if (table.range_key) add(*table.range_key);
  for (const SecondaryIndex& index : table.indexes) {
    add(index.hash_key);
    if (index.range_key) add(*index.range_key);
  }
  return keys;
}

}  // namespace

absl::StatusOr<KeySchemaElements> ParseKeySchemaElements(const rapidjson::Value& schema,
                                                         const std::string& path) {
  if (!schema.IsArray() || schema.Empty() || schema.Size() > 2) {
    return ValidationError(fmt::format(
        "1 validation error detected: Value at '{}' failed to satisfy constraint: Member must "
        "have length less than or equal to 2 and greater than or equal to 1",
        path));
  }
  KeySchemaElements elements;
  for (rapidjson::SizeType i = 0; i < schema.Size(); ++i) {
    const rapidjson::Value& element = schema[i];
    if (!element.IsObject() || !element.HasMember("AttributeName") ||
        !element["AttributeName"].IsString() || !element.HasMember("KeyType") ||
        !element["KeyType"].IsString()) {
      return ValidationError("Each KeySchema element needs AttributeName and KeyType");
    }
    std::string name = element["AttributeName"].GetString();
    std::string element_path = fmt::format("{}.{}.member", path, i + 1);
    if (auto s = CheckKeyAttributeName(name, element_path); !s.ok()) return s;
    elements.emplace_back(std::move(name), element["KeyType"].GetString());
  }
  return elements;
}

absl::Status CheckKeyAttributeName(std::string_view name, const std::string& path) {
  constexpr size_t kMaxKeyNameBytes = 255;
  if (name.size() <= kMaxKeyNameBytes) return absl::OkStatus();
  return ValidationError(fmt::format(
      "1 validation error detected: Value '{}' at '{}.attributeName' failed to satisfy "
      "constraint: Member must have length less than or equal to {}",
      name, path, kMaxKeyNameBytes));
}

absl::StatusOr<AttributeDefinitions> ParseAttributeDefinitions(const Request& request) {
  if (!request.Has("AttributeDefinitions")) return NullMember("attributeDefinitions");
  const auto& list = request.root()["AttributeDefinitions"];
  if (!list.IsArray()) return ValidationError("AttributeDefinitions must be a list");
  AttributeDefinitions definitions;
  for (rapidjson::SizeType i = 0; i < list.Size(); ++i) {
    const rapidjson::Value& definition = list[i];
    std::string path = fmt::format("attributeDefinitions.{}.member", i + 1);
    if (!definition.IsObject() || !definition.HasMember("AttributeName") ||
        !definition["AttributeName"].IsString()) {
      return NullMember(path + ".attributeName");
    }
    if (!definition.HasMember("AttributeType")) return NullMember(path + ".attributeType");
    std::string name = definition["AttributeName"].GetString();
    if (auto s = CheckKeyAttributeName(name, path); !s.ok()) return s;
    if (definitions.count(name) > 0) {
      return ValidationError(fmt::format(
          "{}Duplicate AttributeName {} in AttributeDefinitions", InvalidPrefix(), name));
    }
    const auto& type = definition["AttributeType"];
    std::string_view type_name = type.IsString() ? type.GetString() : "";
    if (type_name == "S") {
      definitions[name] = AttributeType::kS;
    } else if (type_name == "N") {
      definitions[name] = AttributeType::kN;
    } else if (type_name == "B") {
      definitions[name] = AttributeType::kB;
    } else {
      return ValidationError(fmt::format(
          "1 validation error detected: Value '{}' at 'attributeDefinitions.{}.member."
          "attributeType' failed to satisfy constraint: Member must satisfy enum value set: [B, "
          "N, S]",
          type_name, name));
    }
  }
  return definitions;
}

absl::Status ParseSecondaryIndexes(const Request& request, const AttributeDefinitions& definitions,
                                   TableDescription* table) {
  if (auto s = ParseIndexList(request, false, definitions, table); !s.ok()) return s;
  if (auto s = ParseIndexList(request, true, definitions, table); !s.ok()) return s;
  if (auto s = CheckNonKeyAttributeTotal(*table); !s.ok()) return s;

  std::vector<KeyElement> used = KeyAttributes(*table);
  if (used.size() == definitions.size()) return absl::OkStatus();
  if (table->indexes.empty()) {
    return ValidationError(InvalidPrefix() +
                           "Number of attributes in KeySchema does not exactly match number of "
                           "attributes defined in AttributeDefinitions");
  }
  std::vector<std::string> defined, used_names;
  for (const auto& [name, type] : definitions) defined.push_back(name);
  for (const KeyElement& key : used) used_names.push_back(key.name);
  std::sort(used_names.begin(), used_names.end());
  return ValidationError(fmt::format(
      "{}Some AttributeDefinitions are not used. AttributeDefinitions: [{}], keys used: [{}]",
      InvalidPrefix(), fmt::join(defined, ", "), fmt::join(used_names, ", ")));
}

absl::StatusOr<GlobalIndexUpdates> ParseGlobalIndexUpdates(const Request& request,
                                                           const TableDescription& table) {
  GlobalIndexUpdates updates;
  if (!request.Has("GlobalSecondaryIndexUpdates")) return updates;
  const rapidjson::Value& list = request.root()["GlobalSecondaryIndexUpdates"];
  if (!list.IsArray()) return ValidationError("GlobalSecondaryIndexUpdates must be a list");

  // Definitions of the request, then those of the table's existing keys.
  AttributeDefinitions definitions;
  if (request.Has("AttributeDefinitions")) {
    auto parsed = ParseAttributeDefinitions(request);
    if (!parsed.ok()) return parsed.status();
    definitions = *std::move(parsed);
  }
  for (const KeyElement& key : KeyAttributes(table)) {
    auto [it, inserted] = definitions.emplace(key.name, key.type);
    // NOTE: DynamoDB's wording for this conflict was not available, so this
    // message is tidings' own.
    if (!inserted && it->second != key.type) {
      return ValidationError(fmt::format(
          "{}Attribute {} is already defined with type {} by the table or one of its indexes",
          InvalidPrefix(), key.name, AttributeTypeName(key.type)));
    }
  }

  std::set<std::string> named;
  for (rapidjson::SizeType i = 0; i < list.Size(); ++i) {
    const rapidjson::Value& update = list[i];
    std::string path = fmt::format("globalSecondaryIndexUpdates.{}.member", i + 1);
    int actions = 0;
    for (const char* kind : {"Create", "Delete", "Update"}) {
      actions += update.IsObject() && update.HasMember(kind) ? 1 : 0;
    }
    if (actions != 1) {
      return ValidationError(
          "One or more parameter values were invalid: One of GlobalSecondaryIndexUpdate.Update, "
          "GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Delete must not be null");
    }
    if (update.HasMember("Create")) {
      auto index = ParseIndex(update["Create"], path + ".create", true, definitions, table);
      if (!index.ok()) return index.status();
      updates.creates.push_back(*std::move(index));
    }
    const char* named_action = update.HasMember("Delete") ? "Delete" : "Update";
    if (!update.HasMember("Create")) {
      const rapidjson::Value& body = update[named_action];
      std::string lower = update.HasMember("Delete") ? ".delete" : ".update";
      if (!body.IsObject()) return NullMember(path + lower);
      if (auto s = CheckIndexName(body, path + lower); !s.ok()) return s;
      SecondaryIndex index;
      index.name = body["IndexName"].GetString();
      const SecondaryIndex* existing = table.FindIndex(index.name);
      if (existing == nullptr || !existing->global) {
        return ResourceNotFoundError(
            fmt::format("Requested resource not found: Index: {} not found", index.name));
      }
      if (update.HasMember("Delete")) {
        updates.deletes.push_back(index.name);
      } else {
        if (auto s = ParseIndexThroughput(body, table.billing_mode, &index); !s.ok()) return s;
        updates.throughput_updates.push_back(index);
      }
    }
    const rapidjson::Value& body = update.HasMember("Create") ? update["Create"] : update[named_action];
    std::string name = body["IndexName"].GetString();
    if (!named.insert(name).second) {
      return ValidationError(fmt::format(
          "One or more parameter values were invalid: Only one global secondary index update "
          "per index is allowed simultaneously. Index: {}",
          name));
    }
  }
  if (updates.creates.size() + updates.deletes.size() > 1) {
    return MakeError(ErrorKind::kLimitExceeded,
                     "Subscriber limit exceeded: Only 1 online index can be created or deleted "
                     "simultaneously per table");
  }
  return updates;
}

void WriteAttributeDefinitions(const TableDescription& table, JsonWriter* w) {
  w->StartArray();
  for (const KeyElement& key : KeyAttributes(table)) {
    w->StartObject();
    w->Key("AttributeName");
    WriteString(key.name, w);
    w->Key("AttributeType");
    WriteString(AttributeTypeName(key.type), w);
    w->EndObject();
  }
  w->EndArray();
}

void WriteIndexDescriptions(const TableDescription& table, const std::string& table_arn,
                            const std::map<uint64_t, Statistics>& statistics, JsonWriter* w) {
  for (bool global : {true, false}) {
    bool any = false;
    for (const SecondaryIndex& index : table.indexes) any = any || index.global == global;
    if (!any) continue;
    w->Key(global ? "GlobalSecondaryIndexes" : "LocalSecondaryIndexes");
    w->StartArray();
    for (const SecondaryIndex& index : table.indexes) {
      if (index.global != global) continue;
      w->StartObject();
      w->Key("IndexName");
      WriteString(index.name, w);
      w->Key("KeySchema");
      WriteKeySchema(index.hash_key, index.range_key, w);
      w->Key("Projection");
      w->StartObject();
      w->Key("ProjectionType");
      WriteString(ProjectionTypeName(index.projection), w);
      if (index.projection == ProjectionType::kInclude) {
        w->Key("NonKeyAttributes");
        w->StartArray();
        for (const std::string& name : index.non_key_attributes) WriteString(name, w);
        w->EndArray();
      }
      w->EndObject();
      if (global) {
        w->Key("IndexStatus");
        WriteString(IndexStatusName(index.status), w);
        if (index.status == IndexStatus::kCreating) {
          w->Key("Backfilling");
          w->Bool(true);
        }
        w->Key("ProvisionedThroughput");
        w->StartObject();
        w->Key("NumberOfDecreasesToday");
        w->Int(0);
        w->Key("ReadCapacityUnits");
        w->Int64(index.read_capacity_units);
        w->Key("WriteCapacityUnits");
        w->Int64(index.write_capacity_units);
        w->EndObject();
      }
      auto found = statistics.find(index.id);
      Statistics index_statistics = found == statistics.end() ? Statistics() : found->second;
      w->Key("IndexSizeBytes");
      w->Int64(index_statistics.size_bytes);
      w->Key("ItemCount");
      w->Int64(index_statistics.item_count);
      w->Key("IndexArn");
      WriteString(fmt::format("{}/index/{}", table_arn, index.name), w);
      w->EndObject();
    }
    w->EndArray();
  }
}

}  // namespace tidings
