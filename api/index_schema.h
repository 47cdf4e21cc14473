// api: secondary index definitions in CreateTable and UpdateTable requests,
// and their descriptions in table responses.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "api/request.h"
#include "common/attribute_json.h"
#include "storage/statistics.h"
#include "storage/table_description.h"

namespace tidings {

// A request's AttributeDefinitions, by attribute name.
using AttributeDefinitions = std::map<std::string, AttributeType>;

// Rejects a key attribute name (of the table or of an index) longer than 255
// bytes, with DynamoDB's message naming `path` (e.g. "keySchema.1.member").
absl::Status CheckKeyAttributeName(std::string_view name, const std::string& path);

// The elements of a KeySchema list: attribute name and key type.
using KeySchemaElements = std::vector<std::pair<std::string, std::string>>;

// Reads the KeySchema list `schema` (1 or 2 elements) found at `path` in the
// request ("keySchema", or "globalSecondaryIndexes.1.member.keySchema").
absl::StatusOr<KeySchemaElements> ParseKeySchemaElements(const rapidjson::Value& schema,
                                                         const std::string& path);

// Reads AttributeDefinitions, with DynamoDB's messages for invalid types.
absl::StatusOr<AttributeDefinitions> ParseAttributeDefinitions(const Request& request);

// Reads CreateTable's GlobalSecondaryIndexes and LocalSecondaryIndexes into
// `table`, whose key schema and billing mode are already set, and checks that
// `definitions` names exactly the attributes that the table's and the
// indexes' key schemas use. Errors are DynamoDB's ValidationExceptions.
absl::Status ParseSecondaryIndexes(const Request& request, const AttributeDefinitions& definitions,
                                   TableDescription* table);

// UpdateTable's GlobalSecondaryIndexUpdates, checked against `table`.
struct GlobalIndexUpdates {
  std::vector<SecondaryIndex> creates;
  std::vector<std::string> deletes;
  // Update actions: name and new ProvisionedThroughput only.
  std::vector<SecondaryIndex> throughput_updates;
};
absl::StatusOr<GlobalIndexUpdates> ParseGlobalIndexUpdates(const Request& request,
                                                           const TableDescription& table);

// Writes AttributeDefinitions for every key attribute of the table and its indexes.
void WriteAttributeDefinitions(const TableDescription& table, JsonWriter* w);

// Writes the GlobalSecondaryIndexes and LocalSecondaryIndexes members, if
// the table has any, with each index's statistics from `statistics` (by id).
void WriteIndexDescriptions(const TableDescription& table, const std::string& table_arn,
                            const std::map<uint64_t, Statistics>& statistics, JsonWriter* w);

}  // namespace tidings
