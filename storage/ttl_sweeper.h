// storage: the time-to-live sweeper.
//
// A background thread that, every interval, scans the tables with time to
// live enabled. It deletes the items whose TTL attribute is a number of epoch
// seconds not later than now. Like DynamoDB, it ignores values more than five
// years in the past. Each deletion is an ordinary atomic item write made with
// ChangeOrigin::kTimeToLive, so its stream record carries DynamoDB's service
// identity. An item is deleted at most one interval (plus the scan time)
// after it expires.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "common/clock.h"
#include "storage/table_store.h"

namespace tidings {

class TtlSweeper {
 public:
  TtlSweeper(TableStore* tables, int64_t interval_ms, WallClock now_ms = SystemNowMs);
  ~TtlSweeper();

  void Start();
  void Stop();

  // Deletes every expired item once; returns how many were deleted.
  absl::StatusOr<int64_t> SweepOnce();

  // Reports whether `item` has expired under `attribute` at `now_seconds`.
  static bool IsExpired(const Item& item, const std::string& attribute, double now_seconds);

 private:
  void Loop();

  TableStore* tables_;
  int64_t interval_ms_;
  WallClock now_ms_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // Guarded by mutex_.
  std::thread thread_;
};

}  // namespace tidings
