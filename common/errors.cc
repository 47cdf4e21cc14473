#include "common/errors.h"

#include "absl/strings/cord.h"

namespace tidings {
namespace {

constexpr absl::string_view kKindPayload = "tidings/error-kind";

absl::StatusCode CodeFor(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kValidation:
    case ErrorKind::kUnknownOperation:
    case ErrorKind::kSerialization:
      return absl::StatusCode::kInvalidArgument;
    case ErrorKind::kConditionalCheckFailed:
      return absl::StatusCode::kFailedPrecondition;
    case ErrorKind::kResourceNotFound:
      return absl::StatusCode::kNotFound;
    case ErrorKind::kResourceInUse:
      return absl::StatusCode::kAlreadyExists;
    case ErrorKind::kExpiredIterator:
    case ErrorKind::kTrimmedDataAccess:
      return absl::StatusCode::kOutOfRange;
    case ErrorKind::kLimitExceeded:
      return absl::StatusCode::kResourceExhausted;
    case ErrorKind::kInternal:
      return absl::StatusCode::kInternal;
  }
  return absl::StatusCode::kInternal;
}

}  // namespace

absl::Status MakeError(ErrorKind kind, std::string_view message) {
  absl::Status status(CodeFor(kind), absl::string_view(message.data(), message.size()));
  status.SetPayload(kKindPayload, absl::Cord(std::to_string(static_cast<int>(kind))));
  return status;
}

ErrorKind KindOf(const absl::Status& status) {
  if (auto payload = status.GetPayload(kKindPayload)) {
    return static_cast<ErrorKind>(std::stoi(std::string(*payload)));
  }
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument: return ErrorKind::kValidation;
    case absl::StatusCode::kNotFound: return ErrorKind::kResourceNotFound;
    case absl::StatusCode::kAlreadyExists: return ErrorKind::kResourceInUse;
    case absl::StatusCode::kFailedPrecondition: return ErrorKind::kConditionalCheckFailed;
    default: return ErrorKind::kInternal;
  }
}

}  // namespace tidings
