// common: LEB128 varints and length-prefixed strings for on-disk formats.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tidings {

inline void PutVarint(uint64_t value, std::string* out) {
  while (value >= 0x80) {
    out->push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out->push_back(static_cast<char>(value));
}

// Reads a varint from the front of `in` and advances it; false if truncated.
inline bool GetVarint(std::string_view* in, uint64_t* value) {
  uint64_t result = 0;
  for (int shift = 0; shift <= 63 && !in->empty(); shift += 7) {
    auto byte = static_cast<uint8_t>((*in)[0]);
    in->remove_prefix(1);
    result |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *value = result;
      return true;
    }
  }
  return false;
}

inline void PutLengthPrefixed(std::string_view text, std::string* out) {
  PutVarint(text.size(), out);
  out->append(text);
}

inline bool GetLengthPrefixed(std::string_view* in, std::string_view* text) {
  uint64_t size = 0;
  if (!GetVarint(in, &size) || size > in->size()) return false;
  *text = in->substr(0, size);
  in->remove_prefix(size);
  return true;
}

// Appends `value` as 8 big-endian bytes, so byte order matches numeric order.
inline void PutFixed64BigEndian(uint64_t value, std::string* out) {
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>(value >> shift));
}

inline uint64_t DecodeFixed64BigEndian(std::string_view in) {
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = (value << 8) | static_cast<uint8_t>(in[i]);
  return value;
}

}  // namespace tidings
