// common: durations written by people, such as "4h", "90s" or "2w".
#pragma once

#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"

namespace tidings {

// Parses a whole number followed by a unit: ms, s, m, h, d or w (a bare
// number means seconds), and returns it in milliseconds. Rejects empty,
// negative, fractional and overflowing values with a message that names the
// text.
absl::StatusOr<int64_t> ParseDurationMs(std::string_view text);

}  // namespace tidings
