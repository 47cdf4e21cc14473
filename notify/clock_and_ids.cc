#include "notify/clock_and_ids.h"

#include <cstdint>
#include <random>

#include "absl/time/clock.h"

namespace tidings::notify {

absl::Time SystemNow() { return absl::Now(); }

std::string NewUuidV4() {
  // One generator per thread, seeded from the operating system, so no lock is
  // needed and two threads never share a sequence.
  thread_local std::mt19937_64 generator([] {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device(), device(), device(), device(),
                       device()};
    return std::mt19937_64(seed);
  }());

  uint8_t bytes[16];
  for (int i = 0; i < 16; i += 8) {
    uint64_t word = generator();
    for (int j = 0; j < 8; ++j) bytes[i + j] = static_cast<uint8_t>(word >> (8 * j));
  }
  bytes[6] = static_cast<uint8_t>((bytes[6] & 0x0F) | 0x40);  // Version 4.
  bytes[8] = static_cast<uint8_t>((bytes[8] & 0x3F) | 0x80);  // RFC 4122 variant.

  static constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  text.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) text.push_back('-');
    text.push_back(kHex[bytes[i] >> 4]);
    text.push_back(kHex[bytes[i] & 0x0F]);
  }
  return text;
}

}  // namespace tidings::notify
