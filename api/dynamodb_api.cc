#include "api/dynamodb_api.h"

#include <map>
#include <string_view>

#include "api/capacity.h"
#include "api/error_mapping.h"
#include "common/errors.h"
#include "common/logging.h"
#include "fmt/format.h"

namespace tidings {
namespace {

constexpr std::string_view kDynamoDbPrefix = "DynamoDB_20120810.";
constexpr std::string_view kStreamsPrefix = "DynamoDBStreams_20120810.";

// DynamoDB operations that tidings does not implement, by feature. A request
// for one gets an error that names the feature instead of "unknown".
const std::map<std::string_view, std::string_view>& UnsupportedOperations() {
  static const auto* operations = new std::map<std::string_view, std::string_view>{
      {"ExecuteStatement", "PartiQL"},
      {"BatchExecuteStatement", "PartiQL"},
      {"ExecuteTransaction", "PartiQL"},
      {"CreateBackup", "on-demand backups"},
      {"DeleteBackup", "on-demand backups"},
      {"DescribeBackup", "on-demand backups"},
      {"ListBackups", "on-demand backups"},
      {"RestoreTableFromBackup", "on-demand backups"},
      {"DescribeContinuousBackups", "point-in-time recovery"},
      {"UpdateContinuousBackups", "point-in-time recovery"},
      {"RestoreTableToPointInTime", "point-in-time recovery"},
      {"CreateGlobalTable", "global tables"},
      {"DescribeGlobalTable", "global tables"},
      {"DescribeGlobalTableSettings", "global tables"},
      {"ListGlobalTables", "global tables"},
      {"UpdateGlobalTable", "global tables"},
      {"UpdateGlobalTableSettings", "global tables"},
      {"DescribeTableReplicaAutoScaling", "global tables"},
      {"UpdateTableReplicaAutoScaling", "global tables"},
      {"ExportTableToPointInTime", "exports to S3"},
      {"DescribeExport", "exports to S3"},
      {"ListExports", "exports to S3"},
      {"ImportTable", "imports from S3"},
      {"DescribeImport", "imports from S3"},
      {"ListImports", "imports from S3"},
      {"EnableKinesisStreamingDestination", "Kinesis Data Streams destinations"},
      {"DisableKinesisStreamingDestination", "Kinesis Data Streams destinations"},
      {"DescribeKinesisStreamingDestination", "Kinesis Data Streams destinations"},
      {"UpdateKinesisStreamingDestination", "Kinesis Data Streams destinations"},
      {"DescribeContributorInsights", "CloudWatch Contributor Insights"},
      {"ListContributorInsights", "CloudWatch Contributor Insights"},
      {"UpdateContributorInsights", "CloudWatch Contributor Insights"},
      {"GetResourcePolicy", "resource-based policies"},
      {"PutResourcePolicy", "resource-based policies"},
      {"DeleteResourcePolicy", "resource-based policies"},
  };
  return *operations;
}

}  // namespace

DynamoDbApi::DynamoDbApi(TableStore* tables, StreamReader* streams, std::string region)
    : tables_(tables), streams_(streams), region_(std::move(region)) {
  dynamodb_operations_ = {
      {"CreateTable", &DynamoDbApi::CreateTable},
      {"DeleteTable", &DynamoDbApi::DeleteTable},
      {"DescribeTable", &DynamoDbApi::DescribeTable},
      {"ListTables", &DynamoDbApi::ListTables},
      {"UpdateTable", &DynamoDbApi::UpdateTable},
      {"DescribeEndpoints", &DynamoDbApi::DescribeEndpoints},
      {"UpdateTimeToLive", &DynamoDbApi::UpdateTimeToLive},
      {"DescribeTimeToLive", &DynamoDbApi::DescribeTimeToLive},
      {"TagResource", &DynamoDbApi::TagResource},
      {"UntagResource", &DynamoDbApi::UntagResource},
      {"ListTagsOfResource", &DynamoDbApi::ListTagsOfResource},
      {"DescribeLimits", &DynamoDbApi::DescribeLimits},
      {"PutItem", &DynamoDbApi::PutItem},
      {"GetItem", &DynamoDbApi::GetItem},
      {"UpdateItem", &DynamoDbApi::UpdateItem},
      {"DeleteItem", &DynamoDbApi::DeleteItem},
      {"Query", &DynamoDbApi::Query},
      {"Scan", &DynamoDbApi::Scan},
      {"BatchGetItem", &DynamoDbApi::BatchGetItem},
      {"BatchWriteItem", &DynamoDbApi::BatchWriteItem},
      {"TransactWriteItems", &DynamoDbApi::TransactWriteItems},
      {"TransactGetItems", &DynamoDbApi::TransactGetItems},
  };
  stream_operations_ = {
      {"ListStreams", &DynamoDbApi::ListStreams},
      {"DescribeStream", &DynamoDbApi::DescribeStream},
      {"GetShardIterator", &DynamoDbApi::GetShardIterator},
      {"GetRecords", &DynamoDbApi::GetRecords},
  };
  for (const auto* operations : {&dynamodb_operations_, &stream_operations_}) {
    for (const auto& [name, operation] : *operations) {
      auto counter = [&](const char* outcome) {
        return DefaultMetrics().GetCounter("tidings_requests_total",
                                           "DynamoDB and Streams API requests by outcome.",
                                           {{"operation", name}, {"outcome", outcome}});
      };
      counters_[name] = {counter("ok"), counter("client_error"), counter("server_error")};
    }
  }
}

void DynamoDbApi::CountRequest(std::string_view operation, const absl::Status& status) {
  auto it = counters_.find(operation);
  if (it == counters_.end()) return;
  if (status.ok()) {
    it->second.ok->Increment();
  } else if (KindOf(status) == ErrorKind::kInternal) {
    it->second.server_error->Increment();
  } else {
    it->second.client_error->Increment();
  }
}

bool DynamoDbApi::Handles(const HttpRequest& request) {
  return !request.Header("x-amz-target").empty();
}

HttpResponse DynamoDbApi::Handle(const HttpRequest& request) {
  const std::string& target = request.Header("x-amz-target");
  std::string_view name;
  const std::map<std::string, Operation, std::less<>>* operations = nullptr;
  if (target.starts_with(kDynamoDbPrefix)) {
    name = std::string_view(target).substr(kDynamoDbPrefix.size());
    operations = &dynamodb_operations_;
  } else if (target.starts_with(kStreamsPrefix)) {
    name = std::string_view(target).substr(kStreamsPrefix.size());
    operations = &stream_operations_;
  }
  if (operations == &dynamodb_operations_) {
    if (auto unsupported = UnsupportedOperations().find(name);
        unsupported != UnsupportedOperations().end()) {
      return DynamoDbErrorResponse(MakeError(
          ErrorKind::kUnknownOperation,
          fmt::format("{} is part of DynamoDB's {}, which tidings does not support", name,
                      unsupported->second)));
    }
  }
  if (operations == nullptr || operations->find(name) == operations->end()) {
    return DynamoDbErrorResponse(MakeError(
        ErrorKind::kUnknownOperation,
        fmt::format("Unknown operation: {}; this server supports the DynamoDB_20120810 and "
                    "DynamoDBStreams_20120810 operations listed in its README",
                    target)));
  }
  if (request.method != "POST") {
    return DynamoDbErrorResponse(
        ValidationError(fmt::format("{} requests must use POST, not {}", name, request.method)));
  }

  auto parsed = Request::Parse(request.body);
  if (!parsed.ok()) return DynamoDbErrorResponse(parsed.status());
  auto capacity_mode = parsed->OptionalString("ReturnConsumedCapacity");
  if (!capacity_mode.ok()) return DynamoDbErrorResponse(capacity_mode.status());
  std::string capacity = capacity_mode->value_or("NONE");
  if (capacity != "NONE" && capacity != "TOTAL" && capacity != "INDEXES") {
    return DynamoDbErrorResponse(ValidationError(fmt::format(
        "1 validation error detected: Value '{}' at 'returnConsumedCapacity' failed to satisfy "
        "constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]",
        capacity)));
  }

  Operation operation = operations->find(name)->second;
  CapacityMeter meter;
  SetCurrentCapacityMeter(&meter);
  absl::StatusOr<std::string> body = (this->*operation)(*parsed);
  SetCurrentCapacityMeter(nullptr);
  CountRequest(name, body.status());
  if (!body.ok()) {
    Logger("api")->debug("[op={}] rejected: {}", name, body.status().message());
    return DynamoDbErrorResponse(body.status());
  }
  HttpResponse response;
  response.content_type = "application/x-amz-json-1.0";
  response.body = *std::move(body);
  if (capacity != "NONE") {
    bool as_list = name.starts_with("Batch") || name.starts_with("Transact");
    std::string members = meter.ResponseMembers(as_list, capacity == "INDEXES");
    if (!members.empty() && response.body.size() >= 2 && response.body.back() == '}') {
      bool empty_object = response.body == "{}";
      response.body.insert(response.body.size() - 1, (empty_object ? "" : ",") + members);
    }
  }
  return response;
}

}  // namespace tidings
