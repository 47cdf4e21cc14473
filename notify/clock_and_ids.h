// notify: the clock and id generator behind every stored time and id, kept
// behind std::function so tests inject fixed values.
#pragma once

#include <functional>
#include <string>

#include "absl/time/time.h"

namespace tidings::notify {

// Returns the current time. Must be safe to call from several threads.
using Clock = std::function<absl::Time()>;

// Returns a new id. Ids must not repeat, because a stored record is keyed by
// its id. Must be safe to call from several threads.
using IdGenerator = std::function<std::string()>;

// The system's wall clock.
absl::Time SystemNow();

// Returns a random (version 4) UUID in lower-case canonical form, such as
// "1b4e28ba-2fa1-4d3b-883f-0016d3cca427". Thread-safe.
std::string NewUuidV4();

}  // namespace tidings::notify
