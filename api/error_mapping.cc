#include "api/error_mapping.h"

#include <string_view>

#include "common/attribute_json.h"
#include "common/errors.h"
#include "common/logging.h"

namespace tidings {
namespace {

struct WireError {
  ErrorKind kind;
  int http_status;
  std::string_view type;
};

// How each error kind appears on the wire. DynamoDB returns client errors
// with HTTP 400 and server errors with 500.
constexpr WireError kWireErrors[] = {
    {ErrorKind::kValidation, 400, "com.amazonaws.dynamodb.v20120810#ValidationException"},
    {ErrorKind::kConditionalCheckFailed, 400,
     "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException"},
    {ErrorKind::kResourceNotFound, 400,
     "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"},
    {ErrorKind::kResourceInUse, 400, "com.amazonaws.dynamodb.v20120810#ResourceInUseException"},
    {ErrorKind::kUnknownOperation, 400,
     "com.amazonaws.dynamodb.v20120810#UnknownOperationException"},
    {ErrorKind::kSerialization, 400, "com.amazonaws.dynamodb.v20120810#SerializationException"},
    {ErrorKind::kExpiredIterator, 400,
     "com.amazonaws.dynamodb.v20120810#ExpiredIteratorException"},
    {ErrorKind::kTrimmedDataAccess, 400,
     "com.amazonaws.dynamodb.v20120810#TrimmedDataAccessException"},
    {ErrorKind::kLimitExceeded, 400, "com.amazonaws.dynamodb.v20120810#LimitExceededException"},
    {ErrorKind::kTransactionCanceled, 400,
     "com.amazonaws.dynamodb.v20120810#TransactionCanceledException"},
    {ErrorKind::kIdempotentParameterMismatch, 400,
     "com.amazonaws.dynamodb.v20120810#IdempotentParameterMismatchException"},
    {ErrorKind::kInternal, 500, "com.amazonaws.dynamodb.v20120810#InternalServerError"},
};

}  // namespace

HttpResponse DynamoDbErrorResponse(const absl::Status& status) {
  ErrorKind kind = KindOf(status);
  const WireError* wire = &kWireErrors[std::size(kWireErrors) - 1];
  for (const WireError& candidate : kWireErrors) {
    if (candidate.kind == kind) wire = &candidate;
  }
  if (kind == ErrorKind::kInternal) {
    Logger("api")->error("request failed with an internal error: {}", status.ToString());
  }

  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("__type");
  writer.String(wire->type.data(), wire->type.size());
  writer.Key("message");
  std::string message(kind == ErrorKind::kInternal ? "Internal server error" : status.message());
  writer.String(message.c_str(), message.size());
  writer.EndObject();
  std::string body(buffer.GetString(), buffer.GetSize());
  std::string details = ErrorDetails(status);
  if (!details.empty()) body.insert(body.size() - 1, "," + details);  // Before the closing brace.

  HttpResponse response;
  response.status = wire->http_status;
  response.content_type = "application/x-amz-json-1.0";
  response.body = std::move(body);
  return response;
}

}  // namespace tidings
