#include "streams/stream_trimmer.h"

#include <algorithm>
#include <chrono>
#include <memory>

#include "common/clock.h"
#include "common/duration.h"
#include "common/errors.h"
#include "common/logging.h"
#include "common/varint.h"
#include "observe/metrics.h"
#include "rocksdb/iterator.h"

namespace tidings {
namespace {

constexpr int64_t kMinIntervalMs = 50;
// A pass costs a seek per shard, and a table's retention tag may be short.
constexpr int64_t kMaxIntervalMs = 1000;
// Bounds one pass's work on one shard; the next pass continues.
constexpr int kMaxRecordsPerPass = 100000;

std::string StreamPrefix(uint64_t stream_id) {
  std::string key;
  PutFixed64BigEndian(stream_id, &key);
  return key;
}

}  // namespace

int64_t RecordCreationSeconds(std::string_view record_json) {
  constexpr std::string_view kField = "\"ApproximateCreationDateTime\":";
  size_t at = record_json.find(kField);
  if (at == std::string_view::npos) return -1;
  int64_t seconds = 0;
  size_t i = at + kField.size();
  if (i >= record_json.size() || record_json[i] < '0' || record_json[i] > '9') return -1;
  for (; i < record_json.size() && record_json[i] >= '0' && record_json[i] <= '9'; ++i) {
    seconds = seconds * 10 + (record_json[i] - '0');
  }
  return seconds;
}

StreamTrimmer::StreamTrimmer(StorageEngine* engine, TableStore* tables, ShardMap* shards,
                             const SequenceTracker* tracker, Options options)
    : engine_(engine),
      tables_(tables),
      shards_(shards),
      tracker_(tracker),
      options_(std::move(options)) {
  if (!options_.now_ms) options_.now_ms = SystemNowMs;
  // Wake often enough that a roll or a trim is at most an eighth of its
  // period late.
  int64_t shortest = std::min(options_.shard_period_ms, options_.default_retention_ms);
  interval_ms_ = std::clamp(shortest / 8, kMinIntervalMs, kMaxIntervalMs);
}

StreamTrimmer::~StreamTrimmer() { Stop(); }

void StreamTrimmer::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void StreamTrimmer::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void StreamTrimmer::Loop() {
  static Counter* failures = DefaultMetrics().GetCounter(
      "tidings_stream_trim_failures_total",
      "Passes of the stream trimmer that failed and were retried.");
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    if (auto s = RunOnce(); !s.ok()) {
      failures->Increment();
      Logger("streams")->warn("stream trimming failed, retrying in {} ms: {}", interval_ms_,
                              s.message());
    }
    lock.lock();
    wake_.wait_for(lock, std::chrono::milliseconds(interval_ms_), [this] { return stopping_; });
  }
}

int64_t StreamTrimmer::RetentionMs(const StreamDescription& stream) const {
  std::string tag = stream.retention_tag;
  if (stream.status == StreamStatus::kEnabled) {
    auto table = tables_->GetTable(stream.table_name);
    if (table.ok() && table->id == stream.table_id) {
      auto it = table->tags.find(kStreamRetentionTag);
      tag = it == table->tags.end() ? "" : it->second;
    }
  }
  if (tag.empty()) return options_.default_retention_ms;
  auto parsed = ParseDurationMs(tag);
  // TagResource rejects invalid values, so only a tag stored another way can
  // be invalid. It gets the default.
  if (!parsed.ok() || *parsed <= 0) return options_.default_retention_ms;
  return *parsed;
}

absl::Status StreamTrimmer::RunOnce() {
  int64_t now = options_.now_ms();
  for (const StreamDescription& stream : tables_->ListStreams()) {
    if (auto s = MaintainStream(stream, now); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status StreamTrimmer::MaintainStream(const StreamDescription& stream, int64_t now) {
  if (stream.status == StreamStatus::kEnabled) {
    std::optional<int64_t> opened = shards_->OpenGenerationCreatedMs(stream.id);
    if (opened && now - *opened >= options_.shard_period_ms) {
      if (auto s = shards_->RollOver(stream.id); !s.ok()) return s;
    }
  }

  int64_t retention = RetentionMs(stream);
  if (stream.status == StreamStatus::kDisabled) {
    // Catalog entries written before closing times were kept have none.
    int64_t closed = stream.closed_time_ms > 0 ? stream.closed_time_ms : stream.creation_time_ms;
    if (now - closed >= retention) return DropStream(stream);
  }

  uint64_t visible_limit = tracker_->VisibleLimit(stream.id);
  for (const Shard& shard : shards_->Shards(stream)) {
    if (!shard.open() && stream.status == StreamStatus::kEnabled &&
        now - shard.closed_ms >= retention) {
      rocksdb::WriteBatch batch;
      shards_->AddShardRemoval(shard, &batch);
      if (auto s = engine_->Write(&batch); !s.ok()) return s;
      shards_->Forget(stream.id, shard.index);
      Logger("streams")->info("[table={}][shard={}] shard removed after its retention period",
                              stream.table_name, shard.shard_id);
      continue;
    }
    if (auto s = TrimShard(shard, now - retention, visible_limit); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status StreamTrimmer::TrimShard(const Shard& shard, int64_t cutoff_ms,
                                      uint64_t visible_limit) {
  std::string prefix = ShardRecordPrefix(shard.stream_id, shard.index);
  std::unique_ptr<rocksdb::Iterator> it(
      engine_->db()->NewIterator(rocksdb::ReadOptions(), engine_->streams()));
  uint64_t last_expired = 0;
  int scanned = 0;
  int scanned_expired = 0;
  it->Seek(StreamRecordKey(shard.stream_id, shard.index, shard.trimmed_through + 1));
  for (; it->Valid() && it->key().starts_with(prefix) && scanned < kMaxRecordsPerPass;
       it->Next(), ++scanned) {
    uint64_t sequence = SequenceNumberOfKey(it->key().ToStringView());
    if (sequence > visible_limit) break;
    // ApproximateCreationDateTime is rounded down to the second, so a record
    // is kept until the whole second after it has passed the retention.
    int64_t created_s = RecordCreationSeconds(it->value().ToStringView());
    if (created_s >= 0 && (created_s + 1) * 1000 > cutoff_ms) break;
    last_expired = sequence;
    ++scanned_expired;
  }
  if (!it->status().ok()) return FromRocksDb(it->status());
  if (last_expired == 0) return absl::OkStatus();

  static Counter* trimmed = DefaultMetrics().GetCounter(
      "tidings_stream_records_trimmed_total",
      "Stream records deleted because they outlived their retention period.");
  trimmed->Increment(scanned_expired);
  rocksdb::WriteBatch batch;
  batch.DeleteRange(engine_->streams(), prefix,
                    StreamRecordKey(shard.stream_id, shard.index, last_expired + 1));
  Logger("streams")->debug("[shard={}] trimmed records through {}", shard.shard_id, last_expired);
  return shards_->SetTrimmed(shard, last_expired, &batch);
}

absl::Status StreamTrimmer::DropStream(const StreamDescription& stream) {
  rocksdb::WriteBatch batch;
  for (const Shard& shard : shards_->Shards(stream)) shards_->AddShardRemoval(shard, &batch);
  batch.DeleteRange(engine_->streams(), StreamPrefix(stream.id), StreamPrefix(stream.id + 1));
  if (auto s = tables_->DropStream(stream.id, &batch); !s.ok()) return s;
  shards_->Forget(stream.id);
  return absl::OkStatus();
}

}  // namespace tidings
