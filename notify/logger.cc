#include "notify/logger.h"

#include "spdlog/spdlog.h"

namespace tidings::notify {

std::shared_ptr<spdlog::logger> Logger() {
  static const std::shared_ptr<spdlog::logger> logger = [] {
    if (auto existing = spdlog::get("notify")) return existing;
    auto created = spdlog::default_logger()->clone("notify");
    // Another thread may have registered the name in between; use its logger then.
    try {
      spdlog::register_logger(created);
    } catch (const spdlog::spdlog_ex&) {
      return spdlog::get("notify");
    }
    return created;
  }();
  return logger;
}

}  // namespace tidings::notify
