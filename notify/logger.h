// notify: the part's spdlog logger, named "notify".
#pragma once

#include <memory>

#include "spdlog/logger.h"

namespace tidings::notify {

// Returns the logger registered as "notify", registering a copy of spdlog's
// default logger under that name on first use. Thread-safe.
std::shared_ptr<spdlog::logger> Logger();

}  // namespace tidings::notify
