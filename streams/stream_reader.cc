#include "streams/stream_reader.h"

#include <chrono>
#include <memory>

#include "absl/strings/escaping.h"
#include "common/clock.h"
#include "common/errors.h"
#include "common/varint.h"
#include "fmt/format.h"
#include "rocksdb/iterator.h"
#include "streams/stream_writer.h"

namespace tidings {
namespace {

constexpr int64_t kIteratorLifetimeMs = 15 * 60 * 1000;
constexpr size_t kMaxResponseBytes = 1 << 20;
constexpr char kIteratorVersion[] = "1";

bool ParseSequenceNumber(const std::string& text, uint64_t* out) {
  if (text.empty() || text.size() > 40) return false;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    if (value > (UINT64_MAX - 9) / 10) return false;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  *out = value;
  return true;
}

absl::Status InvalidIterator() {
  return ValidationError("Invalid ShardIterator: the iterator is malformed; get a new one with GetShardIterator");
}

}  // namespace

std::optional<ShardIteratorType> ParseShardIteratorType(std::string_view name) {
  if (name == "TRIM_HORIZON") return ShardIteratorType::kTrimHorizon;
  if (name == "LATEST") return ShardIteratorType::kLatest;
  if (name == "AT_SEQUENCE_NUMBER") return ShardIteratorType::kAtSequenceNumber;
  if (name == "AFTER_SEQUENCE_NUMBER") return ShardIteratorType::kAfterSequenceNumber;
  return std::nullopt;
}

StreamReader::StreamReader(StorageEngine* engine, const TableStore* tables,
                           const SequenceTracker* tracker, std::function<int64_t()> now_ms)
    : engine_(engine),
      tables_(tables),
      tracker_(tracker),
      now_ms_(now_ms ? std::move(now_ms) : SystemNowMs) {}

uint64_t StreamReader::LastSequenceNumber(uint64_t stream_id) const {
  uint64_t limit = tracker_->VisibleLimit(stream_id);  // Before the iterator; see the tracker.
  std::unique_ptr<rocksdb::Iterator> it(
      engine_->db()->NewIterator(rocksdb::ReadOptions(), engine_->streams()));
  it->SeekForPrev(StreamRecordKey(stream_id, limit));
  if (!it->Valid() || DecodeFixed64BigEndian(it->key().ToStringView()) != stream_id) return 0;
  return DecodeFixed64BigEndian(it->key().ToStringView().substr(8));
}

absl::StatusOr<std::vector<ShardInfo>> StreamReader::DescribeShards(
    const StreamDescription& stream) const {
  std::unique_ptr<rocksdb::Iterator> it(
      engine_->db()->NewIterator(rocksdb::ReadOptions(), engine_->streams()));
  it->Seek(StreamRecordKey(stream.id, 0));
  uint64_t first = 0;
  if (it->Valid() && DecodeFixed64BigEndian(it->key().ToStringView()) == stream.id) {
    first = DecodeFixed64BigEndian(it->key().ToStringView().substr(8));
  } else {
    // An empty shard starts at the next number the stream can be given.
    first = stream.status == StreamStatus::kEnabled ? engine_->LastSequenceNumber() + 1
                                                    : stream.ending_sequence_number;
  }
  ShardInfo shard;
  shard.shard_id = stream.shard_id;
  shard.starting_sequence_number = FormatSequenceNumber(first);
  if (stream.status == StreamStatus::kDisabled) {
    shard.ending_sequence_number = FormatSequenceNumber(stream.ending_sequence_number);
  }
  return std::vector<ShardInfo>{shard};
}

std::string StreamReader::EncodeIterator(uint64_t stream_id, const std::string& shard_id,
                                         uint64_t after) const {
  std::string payload =
      fmt::format("{}|{}|{}|{}|{}", kIteratorVersion, stream_id, shard_id, after, now_ms_());
  return absl::WebSafeBase64Escape(payload);
}

absl::StatusOr<std::string> StreamReader::GetShardIterator(const std::string& stream_arn,
                                                           const std::string& shard_id,
                                                           ShardIteratorType type,
                                                           const std::string& sequence_number) const {
  auto stream = tables_->FindStreamByArn(stream_arn);
  if (!stream.ok()) return stream.status();
  if (shard_id != stream->shard_id) {
    return ResourceNotFoundError(
        fmt::format("Requested resource not found: Shard: {} in Stream: {} not found", shard_id,
                    stream_arn));
  }

  uint64_t after = 0;
  switch (type) {
    case ShardIteratorType::kTrimHorizon:
      after = 0;
      break;
    case ShardIteratorType::kLatest:
      after = LastSequenceNumber(stream->id);
      break;
    case ShardIteratorType::kAtSequenceNumber:
    case ShardIteratorType::kAfterSequenceNumber: {
      uint64_t position = 0;
      if (sequence_number.empty()) {
        return ValidationError(
            "SequenceNumber is required for AT_SEQUENCE_NUMBER and AFTER_SEQUENCE_NUMBER iterators");
      }
      if (!ParseSequenceNumber(sequence_number, &position)) {
        return ValidationError(fmt::format("Invalid SequenceNumber: {}", sequence_number));
      }
      if (stream->status == StreamStatus::kDisabled && position > stream->ending_sequence_number) {
        return ValidationError(fmt::format(
            "Invalid SequenceNumber: {} is beyond the end of shard {}", sequence_number, shard_id));
      }
      after = type == ShardIteratorType::kAtSequenceNumber ? (position == 0 ? 0 : position - 1)
                                                           : position;
      break;
    }
  }
  return EncodeIterator(stream->id, shard_id, after);
}

absl::StatusOr<RecordBatch> StreamReader::ReadAfter(uint64_t stream_id, uint64_t after,
                                                    int limit) const {
  RecordBatch batch;
  batch.last_sequence_number = after;
  size_t bytes = 0;
  uint64_t limit_sequence = tracker_->VisibleLimit(stream_id);
  std::unique_ptr<rocksdb::Iterator> it(
      engine_->db()->NewIterator(rocksdb::ReadOptions(), engine_->streams()));
  it->Seek(StreamRecordKey(stream_id, after + 1));
  for (; it->Valid() && static_cast<int>(batch.records.size()) < limit; it->Next()) {
    std::string_view key = it->key().ToStringView();
    if (key.size() != 16 || DecodeFixed64BigEndian(key) != stream_id ||
        DecodeFixed64BigEndian(key.substr(8)) > limit_sequence) {
      batch.at_end = true;
      break;
    }
    if (bytes + it->value().size() > kMaxResponseBytes && !batch.records.empty()) break;
    bytes += it->value().size();
    batch.records.emplace_back(it->value().ToStringView());
    batch.last_sequence_number = DecodeFixed64BigEndian(key.substr(8));
  }
  if (!it->status().ok()) return FromRocksDb(it->status());
  if (!it->Valid()) batch.at_end = true;
  return batch;
}

absl::StatusOr<RecordBatch> StreamReader::GetRecords(const std::string& shard_iterator,
                                                     int limit) const {
  std::string payload;
  if (!absl::WebSafeBase64Unescape(shard_iterator, &payload)) return InvalidIterator();
  uint64_t stream_id = 0, after = 0;
  int64_t issued_ms = 0;
  char shard_id[128] = {0};
  if (std::sscanf(payload.c_str(), "1|%lu|%127[^|]|%lu|%ld", &stream_id, shard_id, &after,
                  &issued_ms) != 4) {
    return InvalidIterator();
  }
  if (now_ms_() - issued_ms > kIteratorLifetimeMs) {
    return MakeError(ErrorKind::kExpiredIterator,
                     "Iterator expired. The iterator was created more than 15 minutes ago; get a "
                     "new one with GetShardIterator");
  }
  auto stream = tables_->GetStream(stream_id);
  if (!stream.ok()) return stream.status();
  if (limit < 1 || limit > 1000) {
    return ValidationError(fmt::format(
        "1 validation error detected: Value '{}' at 'limit' failed to satisfy constraint: Member "
        "must have value between 1 and 1000",
        limit));
  }

  auto batch = ReadAfter(stream_id, after, limit);
  if (!batch.ok()) return batch.status();
  bool exhausted = stream->status == StreamStatus::kDisabled && batch->at_end;
  if (!exhausted) {
    batch->next_shard_iterator = EncodeIterator(stream_id, shard_id, batch->last_sequence_number);
  }
  return batch;
}

}  // namespace tidings
