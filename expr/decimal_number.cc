#include "expr/decimal_number.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/errors.h"

namespace tidings::expr {
namespace {

constexpr size_t kMaxSignificantDigits = 38;
// Exponent of the leading digit: 9.99...E+125 is the largest magnitude and
// 1E-130 the smallest.
constexpr int64_t kMaxLeadingExponent = 125;
constexpr int64_t kMinLeadingExponent = -130;
// Operands whose scales differ by more than this cannot sum to 38 digits.
constexpr int64_t kMaxScaleGap = 400;

constexpr std::string_view kOverflow =
    "Number overflow. Attempting to store a number with magnitude larger than supported range";
constexpr std::string_view kUnderflow =
    "Number underflow. Attempting to store a number with magnitude smaller than supported range";

absl::Status NotANumber(std::string_view text) {
  return ValidationError(
      fmt::format("The parameter cannot be converted to a numeric value: {}", text));
}

// Compares two unsigned digit strings of equal length.
int CompareAligned(const std::string& a, const std::string& b) {
  int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

// Returns a + b for unsigned digit strings of equal length.
std::string AddAligned(const std::string& a, const std::string& b) {
  std::string out(a.size() + 1, '0');
  int carry = 0;
  for (size_t i = a.size(); i-- > 0;) {
    int sum = (a[i] - '0') + (b[i] - '0') + carry;
    out[i + 1] = static_cast<char>('0' + sum % 10);
    carry = sum / 10;
  }
  out[0] = static_cast<char>('0' + carry);
  return out;
}

// Returns a - b for unsigned digit strings of equal length with a >= b.
std::string SubtractAligned(const std::string& a, const std::string& b) {
  std::string out(a.size(), '0');
  int borrow = 0;
  for (size_t i = a.size(); i-- > 0;) {
    int diff = (a[i] - '0') - (b[i] - '0') - borrow;
    borrow = diff < 0 ? 1 : 0;
    out[i] = static_cast<char>('0' + diff + borrow * 10);
  }
  return out;
}

}  // namespace

absl::StatusOr<DecimalNumber> DecimalNumber::Parse(std::string_view text) {
  DecimalNumber number;
  size_t i = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
    number.negative_ = text[i] == '-';
    ++i;
  }

  int64_t fraction_digits = 0;
  bool seen_point = false;
  bool any_digit = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c >= '0' && c <= '9') {
      number.digits_.push_back(c);
      any_digit = true;
      if (seen_point) ++fraction_digits;
    } else if (c == '.' && !seen_point) {
      seen_point = true;
    } else {
      break;
    }
  }
  if (!any_digit) {
    return NotANumber(text);
  }

  int64_t exponent = 0;
  if (i < text.size()) {
    if (text[i] != 'e' && text[i] != 'E') {
      return NotANumber(text);
    }
    ++i;
    bool exponent_negative = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
      exponent_negative = text[i] == '-';
      ++i;
    }
    if (i == text.size()) {
      return NotANumber(text);
    }
    for (; i < text.size(); ++i) {
      if (text[i] < '0' || text[i] > '9') {
        return NotANumber(text);
      }
      if (exponent < 1000000) exponent = exponent * 10 + (text[i] - '0');
    }
    if (exponent_negative) exponent = -exponent;
  }

  number.scale_ = exponent - fraction_digits;
  number.Normalize();
  return number;
}

void DecimalNumber::Normalize() {
  size_t first = digits_.find_first_not_of('0');
  if (first == std::string::npos) {
    digits_.clear();
    negative_ = false;
    scale_ = 0;
    return;
  }
  size_t last = digits_.find_last_not_of('0');
  scale_ += static_cast<int64_t>(digits_.size() - 1 - last);
  digits_ = digits_.substr(first, last - first + 1);
}

absl::Status DecimalNumber::CheckRange() const {
  if (IsZero()) return absl::OkStatus();
  // DynamoDB reports a result that needs more than 38 digits as an overflow
  // too, not as a precision error.
  if (digits_.size() > kMaxSignificantDigits) return ValidationError(kOverflow);
  int64_t leading_exponent = scale_ + static_cast<int64_t>(digits_.size()) - 1;
  if (leading_exponent > kMaxLeadingExponent) return ValidationError(kOverflow);
  if (leading_exponent < kMinLeadingExponent) return ValidationError(kUnderflow);
  return absl::OkStatus();
}

absl::StatusOr<DecimalNumber> DecimalNumber::Add(const DecimalNumber& a, const DecimalNumber& b) {
  if (a.IsZero()) {
    if (auto status = b.CheckRange(); !status.ok()) return status;
    return b;
  }
  if (b.IsZero()) {
    if (auto status = a.CheckRange(); !status.ok()) return status;
    return a;
  }
  if (std::max(a.scale_, b.scale_) - std::min(a.scale_, b.scale_) > kMaxScaleGap) {
    return ValidationError(kOverflow);
  }

  // Align both operands on the smaller scale and to the same length.
  int64_t scale = std::min(a.scale_, b.scale_);
  std::string x = a.digits_ + std::string(a.scale_ - scale, '0');
  std::string y = b.digits_ + std::string(b.scale_ - scale, '0');
  size_t width = std::max(x.size(), y.size());
  x.insert(0, width - x.size(), '0');
  y.insert(0, width - y.size(), '0');

  DecimalNumber sum;
  sum.scale_ = scale;
  if (a.negative_ == b.negative_) {
    sum.digits_ = AddAligned(x, y);
    sum.negative_ = a.negative_;
  } else if (CompareAligned(x, y) >= 0) {
    sum.digits_ = SubtractAligned(x, y);
    sum.negative_ = a.negative_;
  } else {
    sum.digits_ = SubtractAligned(y, x);
    sum.negative_ = b.negative_;
  }
  sum.Normalize();

  if (auto status = sum.CheckRange(); !status.ok()) return status;
  return sum;
}

absl::StatusOr<DecimalNumber> DecimalNumber::Subtract(const DecimalNumber& a,
                                                      const DecimalNumber& b) {
  DecimalNumber negated = b;
  if (!negated.IsZero()) negated.negative_ = !negated.negative_;
  return Add(a, negated);
}

std::string DecimalNumber::ToString() const {
  if (IsZero()) return "0";

  std::string out = negative_ ? "-" : "";
  int64_t length = static_cast<int64_t>(digits_.size());
  if (scale_ >= 0) {
    out += digits_;
    out.append(scale_, '0');
  } else if (-scale_ < length) {
    out += digits_.substr(0, length + scale_);
    out += '.';
    out += digits_.substr(length + scale_);
  } else {
    out += "0.";
    out.append(-scale_ - length, '0');
    out += digits_;
  }
  return out;
}

}  // namespace tidings::expr
