#include "streams/stream_reader.h"

#include <algorithm>
#include <chrono>
#include <memory>

#include "absl/strings/escaping.h"
#include "common/clock.h"
#include "common/errors.h"
#include "fmt/chrono.h"
#include "fmt/format.h"
#include "rocksdb/iterator.h"
#include "streams/stream_writer.h"

namespace tidings {
namespace {

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

std::string FormatTime(int64_t epoch_ms) {
  auto time = std::chrono::system_clock::time_point(std::chrono::milliseconds(epoch_ms));
  return fmt::format("{:%a %b %d %H:%M:%S} UTC {:%Y}",
                     std::chrono::floor<std::chrono::seconds>(time),
                     std::chrono::floor<std::chrono::seconds>(time));
}

absl::Status ShardNotFound(const std::string& shard_id, const std::string& stream_arn) {
  return ResourceNotFoundError(fmt::format(
      "Requested resource not found: Shard: {} in Stream: {} not found", shard_id, stream_arn));
}

struct DecodedIterator {
  uint64_t stream_id = 0;
  std::string shard_id;
  uint64_t after = 0;
  int64_t issued_ms = 0;
};

std::optional<DecodedIterator> DecodeIterator(const std::string& shard_iterator) {
  std::string payload;
  if (!absl::WebSafeBase64Unescape(shard_iterator, &payload)) return std::nullopt;
  DecodedIterator decoded;
  char shard_id[128] = {0};
  if (std::sscanf(payload.c_str(), "1|%lu|%127[^|]|%lu|%ld", &decoded.stream_id, shard_id,
                  &decoded.after, &decoded.issued_ms) != 4) {
    return std::nullopt;
  }
  decoded.shard_id = shard_id;
  return decoded;
}

}  // namespace

absl::Status TrimmedDataError() {
  return MakeError(ErrorKind::kTrimmedDataAccess,
                   "The data you are trying to access has been trimmed.");
}

std::optional<ShardIteratorType> ParseShardIteratorType(std::string_view name) {
  if (name == "TRIM_HORIZON") return ShardIteratorType::kTrimHorizon;
  if (name == "LATEST") return ShardIteratorType::kLatest;
  if (name == "AT_SEQUENCE_NUMBER") return ShardIteratorType::kAtSequenceNumber;
  if (name == "AFTER_SEQUENCE_NUMBER") return ShardIteratorType::kAfterSequenceNumber;
  return std::nullopt;
}

StreamReader::StreamReader(StorageEngine* engine, const TableStore* tables, const ShardMap* shards,
                           const SequenceTracker* tracker, Options options)
    : engine_(engine),
      tables_(tables),
      shards_(shards),
      tracker_(tracker),
      options_(std::move(options)) {
  if (!options_.now_ms) options_.now_ms = SystemNowMs;
}

uint64_t StreamReader::LastInShard(uint64_t stream_id, uint64_t shard_index,
                                   uint64_t visible_limit) const {
  std::unique_ptr<rocksdb::Iterator> it(
      engine_->db()->NewIterator(rocksdb::ReadOptions(), engine_->streams()));
  it->SeekForPrev(StreamRecordKey(stream_id, shard_index, visible_limit));
  if (!it->Valid() || !it->key().starts_with(ShardRecordPrefix(stream_id, shard_index))) return 0;
  return SequenceNumberOfKey(it->key().ToStringView());
}

uint64_t StreamReader::LastSequenceNumber(uint64_t stream_id) const {
  auto stream = tables_->GetStream(stream_id);
  if (!stream.ok()) return 0;
  uint64_t limit = tracker_->VisibleLimit(stream_id);  // Before the iterator; see the tracker.
  uint64_t last = 0;
  for (const Shard& shard : shards_->Shards(*stream)) {
    last = std::max(last, LastInShard(stream_id, shard.index, limit));
  }
  return last;
}

std::vector<ShardInfo> StreamReader::DescribeShards(const StreamDescription& stream) const {
  std::vector<ShardInfo> infos;
  for (const Shard& shard : shards_->Shards(stream)) {
    ShardInfo info;
    info.shard_id = shard.shard_id;
    info.parent_shard_id = shard.parent_shard_id;
    info.starting_sequence_number = FormatSequenceNumber(shard.starting_sequence_number);
    if (!shard.open()) info.ending_sequence_number = FormatSequenceNumber(shard.ending_sequence_number);
    infos.push_back(std::move(info));
  }
  return infos;
}

std::string StreamReader::EncodeIterator(uint64_t stream_id, const std::string& shard_id,
                                         uint64_t after) const {
  std::string payload = fmt::format("{}|{}|{}|{}|{}", kIteratorVersion, stream_id, shard_id, after,
                                    options_.now_ms());
  return absl::WebSafeBase64Escape(payload);
}

absl::StatusOr<uint64_t> StreamReader::IteratorPosition(const StreamDescription& stream,
                                                        const Shard& shard,
                                                        ShardIteratorType type,
                                                        const std::string& sequence_number) const {
  uint64_t horizon = std::max(shard.starting_sequence_number - 1, shard.trimmed_through);
  switch (type) {
    case ShardIteratorType::kTrimHorizon:
      return horizon;
    case ShardIteratorType::kLatest: {
      if (!shard.open()) return shard.ending_sequence_number;
      uint64_t limit = tracker_->VisibleLimit(stream.id);
      return std::max(horizon, LastInShard(stream.id, shard.index, limit));
    }
    case ShardIteratorType::kAtSequenceNumber:
    case ShardIteratorType::kAfterSequenceNumber:
      break;
  }

  uint64_t number = 0;
  if (sequence_number.empty()) {
    return ValidationError(
        "SequenceNumber is required for AT_SEQUENCE_NUMBER and AFTER_SEQUENCE_NUMBER iterators");
  }
  if (!ParseSequenceNumber(sequence_number, &number)) {
    return ValidationError(fmt::format("Invalid SequenceNumber: {}", sequence_number));
  }
  if (!shard.open() && number > shard.ending_sequence_number) {
    return ValidationError(fmt::format("Invalid SequenceNumber: {} is beyond the end of shard {}",
                                       sequence_number, shard.shard_id));
  }
  uint64_t position = type == ShardIteratorType::kAtSequenceNumber
                          ? (number == 0 ? 0 : number - 1)
                          : number;
  if (position < shard.trimmed_through) return TrimmedDataError();
  return position;
}

absl::StatusOr<std::string> StreamReader::GetShardIterator(const std::string& stream_arn,
                                                           const std::string& shard_id,
                                                           ShardIteratorType type,
                                                           const std::string& sequence_number) const {
  auto stream = tables_->FindStreamByArn(stream_arn);
  if (!stream.ok()) return stream.status();
  std::optional<Shard> shard = shards_->FindShard(*stream, shard_id);
  if (!shard) return ShardNotFound(shard_id, stream_arn);
  auto position = IteratorPosition(*stream, *shard, type, sequence_number);
  if (!position.ok()) return position.status();
  return EncodeIterator(stream->id, shard_id, *position);
}

absl::StatusOr<RecordBatch> StreamReader::ReadShard(uint64_t stream_id, uint64_t shard_index,
                                                    uint64_t after, int limit,
                                                    uint64_t visible_limit) const {
  RecordBatch batch;
  batch.last_sequence_number = after;
  size_t bytes = 0;
  std::string prefix = ShardRecordPrefix(stream_id, shard_index);
  std::unique_ptr<rocksdb::Iterator> it(
      engine_->db()->NewIterator(rocksdb::ReadOptions(), engine_->streams()));
  it->Seek(StreamRecordKey(stream_id, shard_index, after + 1));
  for (; it->Valid() && static_cast<int>(batch.records.size()) < limit; it->Next()) {
    uint64_t sequence = SequenceNumberOfKey(it->key().ToStringView());
    if (!it->key().starts_with(prefix) || sequence > visible_limit) {
      batch.at_end = true;
      break;
    }
    if (bytes + it->value().size() > kMaxResponseBytes && !batch.records.empty()) break;
    bytes += it->value().size();
    batch.records.emplace_back(it->value().ToStringView());
    batch.sequence_numbers.push_back(sequence);
    batch.last_sequence_number = sequence;
  }
  if (!it->status().ok()) return FromRocksDb(it->status());
  if (!it->Valid()) batch.at_end = true;
  return batch;
}

absl::StatusOr<RecordBatch> StreamReader::ReadAfter(uint64_t stream_id, uint64_t after,
                                                    int limit) const {
  RecordBatch merged;
  merged.last_sequence_number = after;
  merged.at_end = true;
  auto stream = tables_->GetStream(stream_id);
  if (!stream.ok()) return merged;  // Removed after its retention period: nothing to read.

  // Every record at or below the limit has committed, so each shard's read
  // is complete up to where it stopped, and the merge has no gaps below the
  // lowest place where a shard's read stopped early.
  uint64_t visible_limit = tracker_->VisibleLimit(stream_id);
  std::vector<std::pair<uint64_t, std::string>> records;
  uint64_t complete_through = UINT64_MAX;
  for (const Shard& shard : shards_->Shards(*stream)) {
    if (!shard.open() && shard.ending_sequence_number <= after) continue;
    auto batch = ReadShard(stream_id, shard.index, after, limit, visible_limit);
    if (!batch.ok()) return batch.status();
    if (!batch->at_end) complete_through = std::min(complete_through, batch->last_sequence_number);
    for (size_t i = 0; i < batch->records.size(); ++i) {
      records.emplace_back(batch->sequence_numbers[i], std::move(batch->records[i]));
    }
  }
  std::sort(records.begin(), records.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });

  size_t bytes = 0;
  for (auto& [sequence, record] : records) {
    if (sequence > complete_through || static_cast<int>(merged.records.size()) == limit) {
      merged.at_end = false;
      break;
    }
    if (bytes + record.size() > kMaxResponseBytes && !merged.records.empty()) {
      merged.at_end = false;
      break;
    }
    bytes += record.size();
    merged.records.push_back(std::move(record));
    merged.sequence_numbers.push_back(sequence);
    merged.last_sequence_number = sequence;
  }
  if (complete_through != UINT64_MAX) merged.at_end = false;
  return merged;
}

absl::StatusOr<RecordBatch> StreamReader::GetRecords(const std::string& shard_iterator,
                                                     int limit) const {
  std::optional<DecodedIterator> decoded = DecodeIterator(shard_iterator);
  if (!decoded) return InvalidIterator();
  int64_t now = options_.now_ms();
  if (now - decoded->issued_ms > options_.iterator_lifetime_ms) {
    return MakeError(
        ErrorKind::kExpiredIterator,
        fmt::format("Iterator expired. The iterator was created at time {} while right now it is "
                    "{} which is further in the future than the tolerated delay of {} "
                    "milliseconds.",
                    FormatTime(decoded->issued_ms), FormatTime(now),
                    options_.iterator_lifetime_ms));
  }
  if (limit < 1 || limit > 1000) {
    return ValidationError(fmt::format(
        "1 validation error detected: Value '{}' at 'limit' failed to satisfy constraint: Member "
        "must have value less than or equal to 1000 and greater than or equal to 1",
        limit));
  }
  auto stream = tables_->GetStream(decoded->stream_id);
  if (!stream.ok()) return stream.status();
  std::optional<Shard> shard = shards_->FindShard(*stream, decoded->shard_id);
  if (!shard) return ShardNotFound(decoded->shard_id, stream->arn);
  if (decoded->after < shard->trimmed_through) return TrimmedDataError();

  uint64_t visible_limit = tracker_->VisibleLimit(stream->id);
  auto batch = ReadShard(stream->id, shard->index, decoded->after, limit, visible_limit);
  if (!batch.ok()) return batch.status();
  // The trimmer may have deleted records while they were read.
  std::optional<Shard> after_read = shards_->FindShard(*stream, shard->index);
  if (!after_read || decoded->after < after_read->trimmed_through) return TrimmedDataError();

  bool exhausted = !shard->open() && batch->at_end &&
                   visible_limit >= shard->ending_sequence_number;
  if (!exhausted) {
    batch->next_shard_iterator =
        EncodeIterator(stream->id, shard->shard_id, batch->last_sequence_number);
  }
  return batch;
}

}  // namespace tidings
