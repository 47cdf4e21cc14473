#include "common/errors.h"

#include "absl/strings/cord.h"

namespace tidings {
namespace {

constexpr absl::string_view kKindPayload = "tidings/error-kind";
constexpr absl::string_view kDetailsPayload = "tidings/error-details";

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
    case ErrorKind::kTransactionCanceled:
      return absl::StatusCode::kAborted;
    case ErrorKind::kIdempotentParameterMismatch:
      return absl::StatusCode::kInvalidArgument;
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

absl::Status WithErrorDetails(absl::Status status, std::string_view json_members) {
  status.SetPayload(kDetailsPayload, absl::Cord(std::string(json_members)));
  return status;
}

std::string ErrorDetails(const absl::Status& status) {
  auto payload = status.GetPayload(kDetailsPayload);
  return payload ? std::string(*payload) : std::string();
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
