#include "storage/ttl_sweeper.h"

#include <cstdlib>

#include "common/errors.h"
#include "common/logging.h"

namespace tidings {
namespace {

constexpr double kMaxExpiredAgeSeconds = 5.0 * 365 * 24 * 3600;
constexpr int64_t kPageItems = 1000;

}  // namespace

TtlSweeper::TtlSweeper(TableStore* tables, int64_t interval_ms, WallClock now_ms)
    : tables_(tables), interval_ms_(interval_ms), now_ms_(std::move(now_ms)) {}

TtlSweeper::~TtlSweeper() { Stop(); }

void TtlSweeper::Start() { thread_ = std::thread([this] { Loop(); }); }

void TtlSweeper::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void TtlSweeper::Loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    auto deleted = SweepOnce();
    if (!deleted.ok()) {
      Logger("storage")->warn("time-to-live sweep failed, retrying next interval: {}",
                              deleted.status().message());
    }
    lock.lock();
    wake_.wait_for(lock, std::chrono::milliseconds(interval_ms_), [this] { return stopping_; });
  }
}

bool TtlSweeper::IsExpired(const Item& item, const std::string& attribute, double now_seconds) {
  auto it = item.find(attribute);
  if (it == item.end() || it->second.type() != AttributeType::kN) return false;
  double expires = std::strtod(it->second.scalar().c_str(), nullptr);
  return expires <= now_seconds && now_seconds - expires <= kMaxExpiredAgeSeconds;
}

absl::StatusOr<int64_t> TtlSweeper::SweepOnce() {
  int64_t deleted = 0;
  for (const std::string& name : tables_->ListTables()) {
    auto table = tables_->GetTable(name);
    if (!table.ok() || !table->ttl_enabled) continue;
    const std::string attribute = table->ttl_attribute;

    // TODO: keep an index by expiry time so a sweep does not read every item.
    std::optional<Item> start;
    do {
      auto page = tables_->ScanItems(name, start, kPageItems);
      if (!page.ok()) break;  // The table was deleted meanwhile.
      for (const Item& item : page->items) {
        double now_seconds = static_cast<double>(now_ms_()) / 1000.0;
        if (!IsExpired(item, attribute, now_seconds)) continue;
        // Check again under the item's lock: a client may have changed it.
        auto result = tables_->MutateItem(
            name, table->KeyOf(item),
            [&](const std::optional<Item>& current) -> absl::StatusOr<std::optional<Item>> {
              if (current && IsExpired(*current, attribute, now_seconds)) return std::nullopt;
              return current;
            },
            ChangeOrigin::kTimeToLive);
        if (!result.ok()) return result.status();
        if (result->old_item && !result->new_item) ++deleted;
      }
      start = page->last_evaluated_key;
    } while (start);
  }
  if (deleted > 0) Logger("storage")->debug("time to live deleted {} items", deleted);
  return deleted;
}

}  // namespace tidings
