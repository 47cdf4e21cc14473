// common: error kinds that every part returns as absl::Status.
//
// Parts report DynamoDB's error kinds through these constructors; api/
// translates them to the wire (__type, HTTP status) in one table. The kind
// travels as a status payload so that two kinds with the same absl code stay
// distinct.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "fmt/format.h"

namespace tidings {

enum class ErrorKind {
  kValidation,
  kConditionalCheckFailed,
  kResourceNotFound,
  kResourceInUse,
  kUnknownOperation,
  kSerialization,
  kExpiredIterator,
  kTrimmedDataAccess,
  kLimitExceeded,
  kTransactionCanceled,
  kIdempotentParameterMismatch,
  kInternal,
};

absl::Status MakeError(ErrorKind kind, std::string_view message);

inline absl::Status ValidationError(std::string_view message) {
  return MakeError(ErrorKind::kValidation, message);
}
inline absl::Status ResourceNotFoundError(std::string_view message) {
  return MakeError(ErrorKind::kResourceNotFound, message);
}
inline absl::Status ResourceInUseError(std::string_view message) {
  return MakeError(ErrorKind::kResourceInUse, message);
}
inline absl::Status ConditionalCheckFailedError(std::string_view message) {
  return MakeError(ErrorKind::kConditionalCheckFailed, message);
}

// Attaches extra members of the JSON error body, as text such as
// `"CancellationReasons":[...]`, which the API writes after `message`.
absl::Status WithErrorDetails(absl::Status status, std::string_view json_members);
// Returns the members attached by WithErrorDetails, or "".
std::string ErrorDetails(const absl::Status& status);

// Returns the kind carried by `status`, deriving one from its code when the
// status was not built with MakeError.
ErrorKind KindOf(const absl::Status& status);

}  // namespace tidings

// Lets fmt format absl::string_view (for example Status::message()), which
// Debian's Abseil build defines as its own type rather than std::string_view.
template <>
struct fmt::formatter<absl::string_view> : fmt::formatter<std::string_view> {
  template <typename FormatContext>
  auto format(absl::string_view text, FormatContext& ctx) const {
    return fmt::formatter<std::string_view>::format(std::string_view(text.data(), text.size()), ctx);
  }
};
