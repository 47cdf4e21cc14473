// common: one spdlog logger per part ("api", "storage", "streams", ...).
#pragma once

#include <memory>
#include <string>

#include "spdlog/sinks/stdout_color_sinks.h"
#include "spdlog/spdlog.h"

namespace tidings {

// Returns the logger named `part`, creating it on first use. Thread-safe.
inline std::shared_ptr<spdlog::logger> Logger(const std::string& part) {
  if (auto logger = spdlog::get(part)) return logger;
  try {
    return spdlog::stderr_color_mt(part);
  } catch (const spdlog::spdlog_ex&) {
    return spdlog::get(part);  // Another thread created it first.
  }
}

}  // namespace tidings
