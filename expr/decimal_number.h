// Exact decimal arithmetic for the `+` and `-` of SET and for ADD.
//
// DynamoDB numbers carry up to 38 significant digits and a magnitude between
// 1E-130 and 9.99...E+125. Binary floating point would turn 0.1 + 0.2 into
// 0.30000000000000004, so values are kept as a digit string and a power of ten.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace tidings::expr {

class DecimalNumber {
 public:
  // Parses a number that passed IsValidNumber. Returns ValidationError when
  // `text` is not a number.
  [[nodiscard]] static absl::StatusOr<DecimalNumber> Parse(std::string_view text);

  // Returns `a + b` or `a - b`. Fails with DynamoDB's ValidationException when
  // the exact result needs more than 38 significant digits or leaves the
  // supported magnitude range.
  [[nodiscard]] static absl::StatusOr<DecimalNumber> Add(const DecimalNumber& a,
                                                         const DecimalNumber& b);
  [[nodiscard]] static absl::StatusOr<DecimalNumber> Subtract(const DecimalNumber& a,
                                                              const DecimalNumber& b);

  // DynamoDB's normalised text: no exponent, no leading or trailing zeros,
  // "-" only for negative values ("0.3", "10", "-1.5", "0").
  std::string ToString() const;

  bool IsZero() const { return digits_.empty(); }

 private:
  // The value is (negative_ ? -1 : 1) * digits_ * 10^scale_. `digits_` has no
  // leading or trailing zeros and is empty for zero.
  bool negative_ = false;
  std::string digits_;
  int64_t scale_ = 0;

  void Normalize();
  [[nodiscard]] absl::Status CheckRange() const;
};

}  // namespace tidings::expr
