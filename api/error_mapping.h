// api: the one place where an absl::Status becomes a DynamoDB error response.
#pragma once

#include "absl/status/status.h"
#include "common/http.h"

namespace tidings {

// Builds DynamoDB's error response for `status`: the HTTP status code and a
// JSON body with `__type` (e.g.
// "com.amazonaws.dynamodb.v20120810#ValidationException") and `message`.
HttpResponse DynamoDbErrorResponse(const absl::Status& status);

}  // namespace tidings
