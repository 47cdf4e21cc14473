#include "common/duration.h"

#include "common/errors.h"
#include "fmt/format.h"

namespace tidings {

absl::StatusOr<int64_t> ParseDurationMs(std::string_view text) {
  auto invalid = [&] {
    return absl::InvalidArgumentError(fmt::format(
        "invalid duration \"{}\"; write a whole number with a unit, such as 90s, 30m, 4h, 7d or 2w",
        text));
  };
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0 || digits > 12) return invalid();
  int64_t value = 0;
  for (size_t i = 0; i < digits; ++i) value = value * 10 + (text[i] - '0');

  std::string_view unit = text.substr(digits);
  int64_t unit_ms = 0;
  if (unit == "ms") {
    unit_ms = 1;
  } else if (unit.empty() || unit == "s") {
    unit_ms = 1000;
  } else if (unit == "m") {
    unit_ms = 60 * 1000;
  } else if (unit == "h") {
    unit_ms = 3600 * 1000;
  } else if (unit == "d") {
    unit_ms = 24 * 3600 * 1000;
  } else if (unit == "w") {
    unit_ms = 7 * 24 * 3600 * 1000;
  } else {
    return invalid();
  }
  return value * unit_ms;
}

}  // namespace tidings
