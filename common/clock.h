// common: the wall clock, behind a function type so tests can inject time.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

namespace tidings {

// Returns the current time in milliseconds since the Unix epoch.
using WallClock = std::function<int64_t()>;

inline int64_t SystemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace tidings
