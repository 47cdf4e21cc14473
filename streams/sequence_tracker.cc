#include "streams/sequence_tracker.h"

namespace tidings {

uint64_t SequenceTracker::Begin(uint64_t stream_id, rocksdb::WriteBatch* batch) {
  // Allocation and registration happen under one lock, so no reader can see
  // the new number's successor committed before this number is registered.
  std::lock_guard lock(mutex_);
  uint64_t sequence = engine_->AllocateSequenceNumber(batch);
  in_flight_[stream_id].insert(sequence);
  return sequence;
}

void SequenceTracker::Finish(uint64_t stream_id, uint64_t sequence_number) {
  std::lock_guard lock(mutex_);
  auto it = in_flight_.find(stream_id);
  if (it == in_flight_.end()) return;
  it->second.erase(sequence_number);
  if (it->second.empty()) in_flight_.erase(it);
}

uint64_t SequenceTracker::VisibleLimit(uint64_t stream_id) const {
  std::lock_guard lock(mutex_);
  // With nothing in flight, the limit is the last number handed out: a write
  // that starts after this call gets a higher number, so a reader that opens
  // its iterator later still cannot see it before the writes below it.
  auto it = in_flight_.find(stream_id);
  if (it == in_flight_.end()) return engine_->LastSequenceNumber();
  return *it->second.begin() - 1;
}

}  // namespace tidings
