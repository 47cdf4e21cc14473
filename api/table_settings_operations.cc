// Table settings: time to live, tags and account limits.
#include "api/dynamodb_api.h"
#include "api/json_writing.h"
#include "api/tags.h"
#include "common/errors.h"
#include "fmt/format.h"

namespace tidings {
namespace {

// Returns the table name of a table ARN "arn:aws:dynamodb:REGION:ACCOUNT:table/NAME".
absl::StatusOr<std::string> TableNameFromArn(const Request& request) {
  auto arn = request.RequiredString("ResourceArn");
  if (!arn.ok()) return arn.status();
  constexpr std::string_view kTableMarker = ":table/";
  size_t at = arn->find(kTableMarker);
  if (!arn->starts_with("arn:") || at == std::string::npos ||
      arn->find('/', at + kTableMarker.size()) != std::string::npos) {
    return ValidationError(fmt::format("Invalid TableArn: Invalid ResourceArn provided as input {}",
                                       *arn));
  }
  return arn->substr(at + kTableMarker.size());
}

std::string EmptyObject() { return "{}"; }

}  // namespace

absl::StatusOr<std::string> DynamoDbApi::UpdateTimeToLive(const Request& request) {
  auto name = request.TableName();
  if (!name.ok()) return name.status();
  const rapidjson::Value& root = request.root();
  if (!request.Has("TimeToLiveSpecification") || !root["TimeToLiveSpecification"].IsObject()) {
    return ValidationError(
        "1 validation error detected: Value null at 'timeToLiveSpecification' failed to satisfy "
        "constraint: Member must not be null");
  }
  const rapidjson::Value& spec = root["TimeToLiveSpecification"];
  if (!spec.HasMember("Enabled") || !spec["Enabled"].IsBool() || !spec.HasMember("AttributeName") ||
      !spec["AttributeName"].IsString() || spec["AttributeName"].GetStringLength() == 0) {
    return ValidationError(
        "TimeToLiveSpecification needs Enabled (true or false) and a non-empty AttributeName");
  }
  bool enabled = spec["Enabled"].GetBool();
  std::string attribute = spec["AttributeName"].GetString();
  if (attribute.size() > 255) {
    return ValidationError(fmt::format(
        "1 validation error detected: Value '{}' at 'timeToLiveSpecification.attributeName' "
        "failed to satisfy constraint: Member must have length less than or equal to 255",
        attribute));
  }

  auto updated = tables_->UpdateTableSettings(*name, [&](TableDescription* table) {
    if (enabled && table->ttl_enabled) {
      return ValidationError("TimeToLive is already enabled");
    }
    if (!enabled && !table->ttl_enabled) {
      return ValidationError("TimeToLive is already disabled");
    }
    if (!enabled && attribute != table->ttl_attribute) {
      return ValidationError(fmt::format(
          "TimeToLive is enabled on attribute {}; pass that AttributeName to disable it",
          table->ttl_attribute));
    }
    table->ttl_enabled = enabled;
    table->ttl_attribute = enabled ? attribute : "";
    return absl::OkStatus();
  });
  if (!updated.ok()) return updated.status();

  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("TimeToLiveSpecification");
  w.StartObject();
  w.Key("Enabled");
  w.Bool(enabled);
  w.Key("AttributeName");
  WriteString(attribute, &w);
  w.EndObject();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

absl::StatusOr<std::string> DynamoDbApi::DescribeTimeToLive(const Request& request) {
  auto name = request.TableName();
  if (!name.ok()) return name.status();
  auto table = tables_->GetTable(*name);
  if (!table.ok()) return table.status();

  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("TimeToLiveDescription");
  w.StartObject();
  w.Key("TimeToLiveStatus");
  w.String(table->ttl_enabled ? "ENABLED" : "DISABLED");
  if (table->ttl_enabled) {
    w.Key("AttributeName");
    WriteString(table->ttl_attribute, &w);
  }
  w.EndObject();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

absl::StatusOr<std::string> DynamoDbApi::TagResource(const Request& request) {
  auto name = TableNameFromArn(request);
  if (!name.ok()) return name.status();
  if (!request.Has("Tags")) {
    return ValidationError(
        "1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member "
        "must not be null");
  }
  auto parsed = ParseTags(request.root()["Tags"]);
  if (!parsed.ok()) return parsed.status();
  const std::map<std::string, std::string>& tags = *parsed;
  auto updated = tables_->UpdateTableSettings(*name, [&](TableDescription* table) {
    std::map<std::string, std::string> merged = table->tags;
    for (const auto& [key, value] : tags) merged[key] = value;
    if (merged.size() > kMaxTableTags) {
      return ValidationError(
          "One or more parameter values were invalid: The number of tags on the table would "
          "exceed the limit of 50");
    }
    table->tags = std::move(merged);
    return absl::OkStatus();
  });
  if (!updated.ok()) return updated.status();
  return EmptyObject();
}

absl::StatusOr<std::string> DynamoDbApi::UntagResource(const Request& request) {
  auto name = TableNameFromArn(request);
  if (!name.ok()) return name.status();
  if (!request.Has("TagKeys") || !request.root()["TagKeys"].IsArray()) {
    return ValidationError(
        "1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: "
        "Member must not be null");
  }
  std::vector<std::string> keys;
  for (const auto& key : request.root()["TagKeys"].GetArray()) {
    if (!key.IsString()) return ValidationError("TagKeys must be a list of strings");
    keys.emplace_back(key.GetString());
  }
  auto updated = tables_->UpdateTableSettings(*name, [&](TableDescription* table) {
    for (const std::string& key : keys) table->tags.erase(key);
    return absl::OkStatus();
  });
  if (!updated.ok()) return updated.status();
  return EmptyObject();
}

absl::StatusOr<std::string> DynamoDbApi::ListTagsOfResource(const Request& request) {
  auto name = TableNameFromArn(request);
  if (!name.ok()) return name.status();
  auto table = tables_->GetTable(*name);
  if (!table.ok()) return table.status();

  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("Tags");
  w.StartArray();
  for (const auto& [key, value] : table->tags) {
    w.StartObject();
    w.Key("Key");
    WriteString(key, &w);
    w.Key("Value");
    WriteString(value, &w);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

absl::StatusOr<std::string> DynamoDbApi::DescribeLimits(const Request& request) {
  // tidings does not throttle; these are DynamoDB's default quotas, which
  // tools read to size their requests.
  return std::string(
      R"({"AccountMaxReadCapacityUnits":80000,"AccountMaxWriteCapacityUnits":80000,)"
      R"("TableMaxReadCapacityUnits":40000,"TableMaxWriteCapacityUnits":40000})");
}

}  // namespace tidings
