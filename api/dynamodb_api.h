// api: the DynamoDB and DynamoDB Streams JSON APIs.
//
// Requests carry `X-Amz-Target: DynamoDB_20120810.<Operation>` or
// `DynamoDBStreams_20120810.<Operation>` and a JSON body; responses are
// `application/x-amz-json-1.0`. Each operation validates its input, calls
// storage/ or streams/, and writes DynamoDB's response shape. Errors go
// through error_mapping.h. Thread-safe: handlers keep no state of their own.
#pragma once

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "api/request.h"
#include "common/http.h"
#include "observe/metrics.h"
#include "storage/table_store.h"
#include "streams/stream_reader.h"

namespace tidings {

class DynamoDbApi {
 public:
  DynamoDbApi(TableStore* tables, StreamReader* streams, std::string region);

  // Reports whether `request` is a DynamoDB or Streams call (has X-Amz-Target).
  static bool Handles(const HttpRequest& request);
  HttpResponse Handle(const HttpRequest& request);

 private:
  using Operation = absl::StatusOr<std::string> (DynamoDbApi::*)(const Request&);
  // Requests of one operation by outcome: tidings_requests_total{operation,outcome}.
  struct OperationCounters {
    Counter* ok = nullptr;
    Counter* client_error = nullptr;
    Counter* server_error = nullptr;
  };
  void CountRequest(std::string_view operation, const absl::Status& status);

  // Tables (table_operations.cc).
  absl::StatusOr<std::string> CreateTable(const Request& request);
  absl::StatusOr<std::string> DeleteTable(const Request& request);
  absl::StatusOr<std::string> DescribeTable(const Request& request);
  absl::StatusOr<std::string> ListTables(const Request& request);
  absl::StatusOr<std::string> UpdateTable(const Request& request);
  absl::StatusOr<std::string> DescribeEndpoints(const Request& request);

  // Table settings (table_settings_operations.cc).
  absl::StatusOr<std::string> UpdateTimeToLive(const Request& request);
  absl::StatusOr<std::string> DescribeTimeToLive(const Request& request);
  absl::StatusOr<std::string> TagResource(const Request& request);
  absl::StatusOr<std::string> UntagResource(const Request& request);
  absl::StatusOr<std::string> ListTagsOfResource(const Request& request);
  absl::StatusOr<std::string> DescribeLimits(const Request& request);

  // Single items (item_operations.cc).
  absl::StatusOr<std::string> PutItem(const Request& request);
  absl::StatusOr<std::string> GetItem(const Request& request);
  absl::StatusOr<std::string> UpdateItem(const Request& request);
  absl::StatusOr<std::string> DeleteItem(const Request& request);

  // Reads over many items (query_operations.cc).
  absl::StatusOr<std::string> Query(const Request& request);
  absl::StatusOr<std::string> Scan(const Request& request);

  // Batches (batch_operations.cc).
  absl::StatusOr<std::string> BatchGetItem(const Request& request);
  absl::StatusOr<std::string> BatchWriteItem(const Request& request);

  // Transactions (transaction_operations.cc).
  absl::StatusOr<std::string> TransactWriteItems(const Request& request);
  absl::StatusOr<std::string> TransactGetItems(const Request& request);

  // Streams (stream_operations.cc).
  absl::StatusOr<std::string> ListStreams(const Request& request);
  absl::StatusOr<std::string> DescribeStream(const Request& request);
  absl::StatusOr<std::string> GetShardIterator(const Request& request);
  absl::StatusOr<std::string> GetRecords(const Request& request);

  TableStore* tables_;
  StreamReader* streams_;
  std::string region_;
  std::map<std::string, Operation, std::less<>> dynamodb_operations_;
  std::map<std::string, Operation, std::less<>> stream_operations_;
  std::map<std::string, OperationCounters, std::less<>> counters_;  // Filled at construction.
};

}  // namespace tidings
