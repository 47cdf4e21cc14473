#include "common/attribute_value.h"

#include <algorithm>

#include "absl/status/status.h"
#include "common/errors.h"
#include "common/varint.h"

namespace tidings {

std::string_view AttributeTypeName(AttributeType type) {
  switch (type) {
    case AttributeType::kS: return "S";
    case AttributeType::kN: return "N";
    case AttributeType::kB: return "B";
    case AttributeType::kBool: return "BOOL";
    case AttributeType::kNull: return "NULL";
    case AttributeType::kM: return "M";
    case AttributeType::kL: return "L";
    case AttributeType::kSS: return "SS";
    case AttributeType::kNS: return "NS";
    case AttributeType::kBS: return "BS";
  }
  return "?";
}

AttributeValue AttributeValue::String(std::string s) {
  AttributeValue v;
  v.type_ = AttributeType::kS;
  v.scalar_ = std::move(s);
  return v;
}

AttributeValue AttributeValue::Number(std::string digits) {
  AttributeValue v;
  v.type_ = AttributeType::kN;
  v.scalar_ = std::move(digits);
  return v;
}

AttributeValue AttributeValue::Binary(std::string bytes) {
  AttributeValue v;
  v.type_ = AttributeType::kB;
  v.scalar_ = std::move(bytes);
  return v;
}

AttributeValue AttributeValue::Bool(bool b) {
  AttributeValue v;
  v.type_ = AttributeType::kBool;
  v.bool_ = b;
  return v;
}

AttributeValue AttributeValue::Null() { return AttributeValue(); }

AttributeValue AttributeValue::Map(AttributeMap m) {
  AttributeValue v;
  v.type_ = AttributeType::kM;
  v.map_ = std::move(m);
  return v;
}

AttributeValue AttributeValue::List(std::vector<AttributeValue> l) {
  AttributeValue v;
  v.type_ = AttributeType::kL;
  v.list_ = std::move(l);
  return v;
}

AttributeValue AttributeValue::StringSet(std::vector<std::string> members) {
  AttributeValue v;
  v.type_ = AttributeType::kSS;
  v.set_ = std::move(members);
  return v;
}

AttributeValue AttributeValue::NumberSet(std::vector<std::string> members) {
  AttributeValue v;
  v.type_ = AttributeType::kNS;
  v.set_ = std::move(members);
  return v;
}

AttributeValue AttributeValue::BinarySet(std::vector<std::string> members) {
  AttributeValue v;
  v.type_ = AttributeType::kBS;
  v.set_ = std::move(members);
  return v;
}

bool AttributeValue::IsScalar() const {
  return type_ == AttributeType::kS || type_ == AttributeType::kN || type_ == AttributeType::kB;
}

bool AttributeValue::IsSet() const {
  return type_ == AttributeType::kSS || type_ == AttributeType::kNS || type_ == AttributeType::kBS;
}

namespace {

// A number split into sign, significant digits without leading or trailing
// zeros, and the decimal exponent of the first digit.
struct Decimal {
  bool negative = false;
  std::string digits;  // Empty for zero.
  int64_t exponent = 0;
};

bool ParseDecimal(std::string_view text, Decimal* out) {
  size_t i = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
    out->negative = text[i] == '-';
    ++i;
  }
  std::string mantissa;
  int64_t point = -1;
  bool any_digit = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c >= '0' && c <= '9') {
      mantissa.push_back(c);
      any_digit = true;
    } else if (c == '.' && point < 0) {
      point = static_cast<int64_t>(mantissa.size());
    } else {
      break;
    }
  }
  if (!any_digit) return false;
  if (point < 0) point = static_cast<int64_t>(mantissa.size());

  int64_t exp = 0;
  if (i < text.size()) {
    if (text[i] != 'e' && text[i] != 'E') return false;
    ++i;
    bool exp_negative = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
      exp_negative = text[i] == '-';
      ++i;
    }
    if (i == text.size()) return false;
    for (; i < text.size(); ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      if (exp < 100000) exp = exp * 10 + (text[i] - '0');
    }
    if (exp_negative) exp = -exp;
  }

  size_t first = mantissa.find_first_not_of('0');
  if (first == std::string::npos) {
    out->negative = false;
    out->digits.clear();
    out->exponent = 0;
    return true;
  }
  size_t last = mantissa.find_last_not_of('0');
  out->digits = mantissa.substr(first, last - first + 1);
  out->exponent = point - static_cast<int64_t>(first) + exp;
  return true;
}

int CompareMagnitude(const Decimal& a, const Decimal& b) {
  if (a.digits.empty() || b.digits.empty()) {
    return static_cast<int>(!a.digits.empty()) - static_cast<int>(!b.digits.empty());
  }
  if (a.exponent != b.exponent) return a.exponent < b.exponent ? -1 : 1;
  int c = a.digits.compare(b.digits);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

}  // namespace

absl::Status ValidateNumber(std::string_view text) {
  // The exponent places the decimal point before the first significant digit,
  // so 1E+126 has exponent 127 and 1E-130 has exponent -129.
  constexpr int64_t kMaxExponent = 126;
  constexpr int64_t kMinExponent = -129;
  Decimal d;
  if (!ParseDecimal(text, &d)) {
    return ValidationError("The parameter cannot be converted to a numeric value");
  }
  if (d.digits.size() > 38) {
    return ValidationError("Attempting to store more than 38 significant digits in a Number");
  }
  if (!d.digits.empty() && d.exponent > kMaxExponent) {
    return ValidationError(
        "Number overflow. Attempting to store a number with magnitude larger than supported "
        "range");
  }
  if (!d.digits.empty() && d.exponent < kMinExponent) {
    return ValidationError(
        "Number underflow. Attempting to store a number with magnitude smaller than supported "
        "range");
  }
  return absl::OkStatus();
}

std::string NormalizeNumber(std::string_view text) {
  Decimal d;
  ParseDecimal(text, &d);
  if (d.digits.empty()) return "0";

  // The value is 0.<digits> * 10^exponent.
  std::string out = d.negative ? "-" : "";
  auto length = static_cast<int64_t>(d.digits.size());
  if (d.exponent >= length) {
    out += d.digits;
    out.append(d.exponent - length, '0');
  } else if (d.exponent > 0) {
    out.append(d.digits, 0, d.exponent);
    out += '.';
    out.append(d.digits, d.exponent);
  } else {
    out += "0.";
    out.append(-d.exponent, '0');
    out += d.digits;
  }
  return out;
}

int CompareNumbers(std::string_view a, std::string_view b) {
  Decimal x, y;
  ParseDecimal(a, &x);
  ParseDecimal(b, &y);
  bool x_neg = x.negative && !x.digits.empty();
  bool y_neg = y.negative && !y.digits.empty();
  if (x_neg != y_neg) return x_neg ? -1 : 1;
  int magnitude = CompareMagnitude(x, y);
  return x_neg ? -magnitude : magnitude;
}

std::string EncodeNumberOrdered(std::string_view number) {
  Decimal d;
  ParseDecimal(number, &d);
  std::string out;
  if (d.digits.empty()) {
    out.push_back(static_cast<char>(0x80));
    return out;
  }
  // Sign byte, then a biased 16-bit exponent and the digits, both inverted for
  // negative numbers so that larger magnitudes sort first.
  uint8_t flip = d.negative ? 0xff : 0x00;
  out.push_back(static_cast<char>(d.negative ? 0x7f : 0x81));
  auto biased = static_cast<uint16_t>(d.exponent + 0x8000);
  out.push_back(static_cast<char>((biased >> 8) ^ flip));
  out.push_back(static_cast<char>((biased & 0xff) ^ flip));
  for (char c : d.digits) out.push_back(static_cast<char>(static_cast<uint8_t>(c) ^ flip));
  out.push_back(static_cast<char>(0x00 ^ flip));
  return out;
}

bool AttributeValue::operator==(const AttributeValue& other) const {
  if (type_ != other.type_) return false;
  switch (type_) {
    case AttributeType::kS:
    case AttributeType::kB:
      return scalar_ == other.scalar_;
    case AttributeType::kN:
      return CompareNumbers(scalar_, other.scalar_) == 0;
    case AttributeType::kBool:
      return bool_ == other.bool_;
    case AttributeType::kNull:
      return true;
    case AttributeType::kM:
      return map_ == other.map_;
    case AttributeType::kL:
      return list_ == other.list_;
    case AttributeType::kSS:
    case AttributeType::kBS: {
      if (set_.size() != other.set_.size()) return false;
      return std::is_permutation(set_.begin(), set_.end(), other.set_.begin());
    }
    case AttributeType::kNS: {
      if (set_.size() != other.set_.size()) return false;
      for (const auto& member : set_) {
        bool found = std::any_of(other.set_.begin(), other.set_.end(), [&](const std::string& m) {
          return CompareNumbers(member, m) == 0;
        });
        if (!found) return false;
      }
      return true;
    }
  }
  return false;
}

namespace {

constexpr uint8_t kItemFormatVersion = 1;

void EncodeValue(const AttributeValue& value, std::string* out) {
  out->push_back(static_cast<char>(value.type()));
  switch (value.type()) {
    case AttributeType::kS:
    case AttributeType::kN:
    case AttributeType::kB:
      PutLengthPrefixed(value.scalar(), out);
      break;
    case AttributeType::kBool:
      out->push_back(value.boolean() ? 1 : 0);
      break;
    case AttributeType::kNull:
      break;
    case AttributeType::kM:
      PutVarint(value.map().size(), out);
      for (const auto& [name, member] : value.map()) {
        PutLengthPrefixed(name, out);
        EncodeValue(member, out);
      }
      break;
    case AttributeType::kL:
      PutVarint(value.list().size(), out);
      for (const auto& member : value.list()) EncodeValue(member, out);
      break;
    case AttributeType::kSS:
    case AttributeType::kNS:
    case AttributeType::kBS:
      PutVarint(value.set().size(), out);
      for (const auto& member : value.set()) PutLengthPrefixed(member, out);
      break;
  }
}

absl::Status Corrupt() { return absl::DataLossError("item encoding is corrupt"); }

absl::Status DecodeValue(std::string_view* in, int depth, AttributeValue* out) {
  if (in->empty() || depth > 64) return Corrupt();
  auto type = static_cast<AttributeType>((*in)[0]);
  in->remove_prefix(1);
  std::string_view text;
  uint64_t count = 0;
  switch (type) {
    case AttributeType::kS:
    case AttributeType::kN:
    case AttributeType::kB:
      if (!GetLengthPrefixed(in, &text)) return Corrupt();
      if (type == AttributeType::kS) *out = AttributeValue::String(std::string(text));
      if (type == AttributeType::kN) *out = AttributeValue::Number(std::string(text));
      if (type == AttributeType::kB) *out = AttributeValue::Binary(std::string(text));
      return absl::OkStatus();
    case AttributeType::kBool:
      if (in->empty()) return Corrupt();
      *out = AttributeValue::Bool((*in)[0] != 0);
      in->remove_prefix(1);
      return absl::OkStatus();
    case AttributeType::kNull:
      *out = AttributeValue::Null();
      return absl::OkStatus();
    case AttributeType::kM: {
      if (!GetVarint(in, &count)) return Corrupt();
      AttributeMap map;
      for (uint64_t i = 0; i < count; ++i) {
        std::string_view name;
        if (!GetLengthPrefixed(in, &name)) return Corrupt();
        AttributeValue member;
        if (auto s = DecodeValue(in, depth + 1, &member); !s.ok()) return s;
        map.emplace(std::string(name), std::move(member));
      }
      *out = AttributeValue::Map(std::move(map));
      return absl::OkStatus();
    }
    case AttributeType::kL: {
      if (!GetVarint(in, &count)) return Corrupt();
      std::vector<AttributeValue> list;
      for (uint64_t i = 0; i < count; ++i) {
        AttributeValue member;
        if (auto s = DecodeValue(in, depth + 1, &member); !s.ok()) return s;
        list.push_back(std::move(member));
      }
      *out = AttributeValue::List(std::move(list));
      return absl::OkStatus();
    }
    case AttributeType::kSS:
    case AttributeType::kNS:
    case AttributeType::kBS: {
      if (!GetVarint(in, &count)) return Corrupt();
      std::vector<std::string> members;
      for (uint64_t i = 0; i < count; ++i) {
        if (!GetLengthPrefixed(in, &text)) return Corrupt();
        members.emplace_back(text);
      }
      if (type == AttributeType::kSS) *out = AttributeValue::StringSet(std::move(members));
      if (type == AttributeType::kNS) *out = AttributeValue::NumberSet(std::move(members));
      if (type == AttributeType::kBS) *out = AttributeValue::BinarySet(std::move(members));
      return absl::OkStatus();
    }
  }
  return Corrupt();
}

// A number counts 1 byte per two significant digits, rounded up, plus 1.
// Counts the significant digits without building a Decimal, because every
// write measures its items: the digits before any exponent, from the first
// non-zero digit to the last.
size_t NumberSize(std::string_view number) {
  size_t digits = 0;
  size_t significant = 0;  // Digits up to and including the last non-zero one.
  for (char c : number) {
    if (c == 'e' || c == 'E') break;
    if (c < '0' || c > '9') continue;
    if (c != '0') {
      digits += 1;
      significant = digits;
    } else if (digits > 0) {
      digits += 1;
    }
  }
  return (significant + 1) / 2 + 1;
}

size_t ValueSize(const AttributeValue& value) {
  switch (value.type()) {
    case AttributeType::kS:
    case AttributeType::kB:
      return value.scalar().size();
    case AttributeType::kN:
      return NumberSize(value.scalar());
    case AttributeType::kBool:
    case AttributeType::kNull:
      return 1;
    case AttributeType::kM: {
      size_t size = 3;
      for (const auto& [name, member] : value.map()) size += name.size() + ValueSize(member) + 1;
      return size;
    }
    case AttributeType::kL: {
      size_t size = 3;
      for (const auto& member : value.list()) size += ValueSize(member) + 1;
      return size;
    }
    case AttributeType::kSS:
    case AttributeType::kBS:
    case AttributeType::kNS: {
      size_t size = 0;
      for (const auto& member : value.set()) {
        size += value.type() == AttributeType::kNS ? NumberSize(member) : member.size();
      }
      return size;
    }
  }
  return 0;
}

}  // namespace

void EncodeItem(const Item& item, std::string* out) {
  out->push_back(static_cast<char>(kItemFormatVersion));
  PutVarint(item.size(), out);
  for (const auto& [name, value] : item) {
    PutLengthPrefixed(name, out);
    EncodeValue(value, out);
  }
}

absl::StatusOr<Item> DecodeItem(std::string_view data) {
  if (data.empty() || static_cast<uint8_t>(data[0]) != kItemFormatVersion) {
    return absl::DataLossError("unknown item format version");
  }
  data.remove_prefix(1);
  uint64_t count = 0;
  if (!GetVarint(&data, &count)) return Corrupt();
  Item item;
  for (uint64_t i = 0; i < count; ++i) {
    std::string_view name;
    if (!GetLengthPrefixed(&data, &name)) return Corrupt();
    AttributeValue value;
    if (auto s = DecodeValue(&data, 0, &value); !s.ok()) return s;
    item.emplace(std::string(name), std::move(value));
  }
  if (!data.empty()) return Corrupt();
  return item;
}

absl::Status CheckItemSize(const Item& item) {
  if (ItemSize(item) > kMaxItemBytes) {
    return ValidationError("Item size has exceeded the maximum allowed size");
  }
  return absl::OkStatus();
}

size_t ItemSize(const Item& item) {
  size_t size = 0;
  for (const auto& [name, value] : item) size += name.size() + ValueSize(value);
  return size;
}

}  // namespace tidings
