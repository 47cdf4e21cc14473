// common: value types shared by every part of tidings.
//
// AttributeValue is DynamoDB's typed value (S, N, B, BOOL, NULL, M, L, SS, NS,
// BS). Numbers are digit strings; values parsed from requests are in
// DynamoDB's normalised form (see NormalizeNumber). Binary values contain raw
// bytes, because base64 is only the wire form (see attribute_json.h).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace tidings {

enum class AttributeType : uint8_t {
  kS = 1,
  kN = 2,
  kB = 3,
  kBool = 4,
  kNull = 5,
  kM = 6,
  kL = 7,
  kSS = 8,
  kNS = 9,
  kBS = 10,
};

// Returns DynamoDB's descriptor for `type`: "S", "N", "BOOL", "NULL", "SS"...
std::string_view AttributeTypeName(AttributeType type);

class AttributeValue;
using AttributeMap = std::map<std::string, AttributeValue>;
using Item = AttributeMap;

class AttributeValue {
 public:
  AttributeValue() = default;  // NULL

  static AttributeValue String(std::string s);
  static AttributeValue Number(std::string digits);
  static AttributeValue Binary(std::string bytes);
  static AttributeValue Bool(bool b);
  static AttributeValue Null();
  static AttributeValue Map(AttributeMap m);
  static AttributeValue List(std::vector<AttributeValue> l);
  static AttributeValue StringSet(std::vector<std::string> members);
  static AttributeValue NumberSet(std::vector<std::string> members);
  static AttributeValue BinarySet(std::vector<std::string> members);

  AttributeType type() const { return type_; }
  bool IsScalar() const;
  bool IsSet() const;

  // S and N text, or B bytes.
  const std::string& scalar() const { return scalar_; }
  bool boolean() const { return bool_; }
  // SS, NS or BS members in the order they were written.
  const std::vector<std::string>& set() const { return set_; }
  const std::vector<AttributeValue>& list() const { return list_; }
  std::vector<AttributeValue>& mutable_list() { return list_; }
  const AttributeMap& map() const { return map_; }
  AttributeMap& mutable_map() { return map_; }

  // Structural equality; numbers compare by value (see CompareNumbers).
  bool operator==(const AttributeValue& other) const;

 private:
  AttributeType type_ = AttributeType::kNull;
  bool bool_ = false;
  std::string scalar_;
  std::vector<std::string> set_;
  std::vector<AttributeValue> list_;
  AttributeMap map_;
};

// Compares two DynamoDB number strings by value: <0, 0 or >0. Both must be
// valid numbers (see IsValidNumber).
int CompareNumbers(std::string_view a, std::string_view b);

// Checks that `text` is a number DynamoDB accepts: optional sign, digits with
// an optional fraction, optional exponent, at most 38 significant digits, and
// a magnitude of zero or from 1E-130 up to (but excluding) 1E+126. Returns a
// ValidationError with DynamoDB's message otherwise.
absl::Status ValidateNumber(std::string_view text);
inline bool IsValidNumber(std::string_view text) { return ValidateNumber(text).ok(); }

// Returns the valid number `text` as DynamoDB stores and returns it: plain
// notation without an exponent, without leading zeros or trailing fraction
// zeros, and "0" for every zero ("0012.500" is "12.5", "1.5E+2" is "150",
// "-0.0" is "0").
std::string NormalizeNumber(std::string_view text);

// Encodes a number so that bytewise order of encodings is numeric order and
// equal numbers ("1", "1.0") encode the same. Used in item keys.
std::string EncodeNumberOrdered(std::string_view number);

// Binary encoding used on disk and in stream records. The layout is in
// docs/formats/item.md: a tag byte per value, varint lengths and counts.
void EncodeItem(const Item& item, std::string* out);
absl::StatusOr<Item> DecodeItem(std::string_view data);

// Size of an item by the rules of DynamoDB's Developer Guide page "DynamoDB
// item sizes and formats", used for the 400 KB limit, capacity units and a
// stream record's SizeBytes. An attribute is its name's UTF-8 bytes plus its
// value. Strings and binaries count their bytes, and a number counts 1 byte
// per two significant digits, rounded up, plus 1. Booleans and nulls count 1,
// lists and maps 3 plus 1 per element, and sets the sum of their members.
size_t ItemSize(const Item& item);

inline constexpr size_t kMaxItemBytes = 400 * 1024;

// Returns DynamoDB's ValidationException when `item` is over kMaxItemBytes.
absl::Status CheckItemSize(const Item& item);

}  // namespace tidings
