#include "streams/shard_map.h"

#include <memory>

#include "common/clock.h"
#include "common/errors.h"
#include "common/logging.h"
#include "common/varint.h"
#include "observe/metrics.h"
#include "fmt/format.h"
#include "rapidjson/document.h"
#include "rocksdb/iterator.h"

namespace tidings {
namespace {

constexpr char kShardPrefix[] = "shard/";
constexpr int kShardFormatVersion = 1;

std::string ShardCatalogKey(uint64_t stream_id, uint64_t index) {
  return fmt::format("{}{:020}/{:020}", kShardPrefix, stream_id, index);
}

// FNV-1a: a fixed hash, so routing does not change between releases or
// restarts.
uint64_t Fnv1a64(std::string_view bytes) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

// Shard ids sort in the order the shards were created: by creation time,
// then by index. Kinesis-based consumers require DescribeStream to list
// shards in that lexical order.
std::string FormatShardId(int64_t created_ms, uint64_t index) {
  return fmt::format("shardId-{:020}-{:08x}", created_ms, static_cast<uint32_t>(index));
}

std::string SerializeShard(const Shard& shard) {
  return fmt::format(
      R"({{"version":{},"stream_id":{},"index":{},"shard_id":"{}","parent_index":{},)"
      R"("parent_shard_id":"{}",)"
      R"("generation":{},"slot":{},"slots":{},"created_ms":{},"starting_sequence_number":{},)"
      R"("ending_sequence_number":{},"closed_ms":{},"trimmed_through":{}}})",
      kShardFormatVersion, shard.stream_id, shard.index, shard.shard_id,
      shard.parent_index ? fmt::format("{}", *shard.parent_index) : "null",
      shard.parent_shard_id, shard.generation,
      shard.slot, shard.slots, shard.created_ms, shard.starting_sequence_number,
      shard.ending_sequence_number, shard.closed_ms, shard.trimmed_through);
}

absl::StatusOr<Shard> ParseShard(std::string_view text) {
  rapidjson::Document d;
  d.Parse(text.data(), text.size());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("version") || !d["version"].IsInt() ||
      d["version"].GetInt() != kShardFormatVersion) {
    return absl::DataLossError("shard catalog entry is not in a known format");
  }
  for (const char* field : {"stream_id", "index", "generation", "slot", "slots", "created_ms",
                            "starting_sequence_number", "ending_sequence_number", "closed_ms",
                            "trimmed_through"}) {
    if (!d.HasMember(field) || !d[field].IsNumber()) {
      return absl::DataLossError(fmt::format("shard catalog entry lacks {}", field));
    }
  }

  Shard shard;
  shard.stream_id = d["stream_id"].GetUint64();
  shard.index = d["index"].GetUint64();
  if (!d.HasMember("shard_id") || !d["shard_id"].IsString()) {
    return absl::DataLossError("shard catalog entry lacks shard_id");
  }
  shard.shard_id = d["shard_id"].GetString();
  if (d.HasMember("parent_index") && d["parent_index"].IsUint64()) {
    shard.parent_index = d["parent_index"].GetUint64();
  }
  if (d.HasMember("parent_shard_id") && d["parent_shard_id"].IsString()) {
    shard.parent_shard_id = d["parent_shard_id"].GetString();
  }

  shard.generation = d["generation"].GetUint64();
  shard.slot = d["slot"].GetUint();
  shard.slots = d["slots"].GetUint();
  shard.created_ms = d["created_ms"].GetInt64();
  shard.starting_sequence_number = d["starting_sequence_number"].GetUint64();
  shard.ending_sequence_number = d["ending_sequence_number"].GetUint64();
  shard.closed_ms = d["closed_ms"].GetInt64();
  shard.trimmed_through = d["trimmed_through"].GetUint64();
  return shard;
}

}  // namespace

std::string ShardRecordPrefix(uint64_t stream_id, uint64_t shard_index) {
  std::string key;
  PutFixed64BigEndian(stream_id, &key);
  PutFixed64BigEndian(shard_index, &key);
  return key;
}

std::string StreamRecordKey(uint64_t stream_id, uint64_t shard_index, uint64_t sequence_number) {
  std::string key = ShardRecordPrefix(stream_id, shard_index);
  PutFixed64BigEndian(sequence_number, &key);
  return key;
}

uint64_t SequenceNumberOfKey(std::string_view key) {
  if (key.size() != 24) return 0;
  return DecodeFixed64BigEndian(key.substr(16));
}

ShardMap::ShardMap(StorageEngine* engine, Options options)
    : engine_(engine), options_(std::move(options)) {
  if (!options_.now_ms) options_.now_ms = SystemNowMs;
  if (options_.shards_per_generation < 1) options_.shards_per_generation = 1;
}

absl::Status ShardMap::Load() {
  std::lock_guard lock(mutex_);
  std::unique_ptr<rocksdb::Iterator> it(
      engine_->db()->NewIterator(rocksdb::ReadOptions(), engine_->catalog()));
  for (it->Seek(kShardPrefix); it->Valid() && it->key().starts_with(kShardPrefix); it->Next()) {
    auto shard = ParseShard(it->value().ToStringView());
    if (!shard.ok()) return shard.status();
    shards_[shard->stream_id].push_back(*std::move(shard));  // Keys sort by index.
  }
  return FromRocksDb(it->status());
}

std::vector<Shard> ShardMap::NewGeneration(uint64_t stream_id, int64_t created_ms,
                                           const std::vector<Shard>& parents,
                                           uint64_t starting) const {
  // The caller holds mutex_.
  const std::vector<Shard>* existing = nullptr;
  if (auto it = shards_.find(stream_id); it != shards_.end()) existing = &it->second;
  uint64_t next_index = existing && !existing->empty() ? existing->back().index + 1 : 0;
  uint64_t generation = parents.empty() ? 0 : parents.front().generation + 1;

  std::vector<Shard> generation_shards;
  auto slots = static_cast<uint32_t>(options_.shards_per_generation);
  for (uint32_t slot = 0; slot < slots; ++slot) {
    Shard shard;
    shard.stream_id = stream_id;
    shard.index = next_index + slot;
    shard.shard_id = FormatShardId(created_ms, shard.index);
    shard.generation = generation;
    shard.slot = slot;
    shard.slots = slots;
    shard.created_ms = created_ms;
    shard.starting_sequence_number = starting;
    // NOTE: when the shard count changed between generations, keys of old
    // slots at or above the new count move to a shard that does not descend
    // from theirs, so lineage order holds for them only from that rollover on.
    if (!parents.empty()) {
      const Shard& parent = parents[slot % parents.size()];
      shard.parent_index = parent.index;
      shard.parent_shard_id = parent.shard_id;
    }
    generation_shards.push_back(std::move(shard));
  }
  return generation_shards;
}

void ShardMap::PutShard(const Shard& shard, rocksdb::WriteBatch* batch) const {
  batch->Put(engine_->catalog(), ShardCatalogKey(shard.stream_id, shard.index),
             SerializeShard(shard));
}

void ShardMap::AddFirstGeneration(const StreamDescription& stream, rocksdb::WriteBatch* batch) {
  std::lock_guard lock(mutex_);
  std::vector<Shard> first = NewGeneration(stream.id, stream.creation_time_ms, {},
                                           engine_->LastSequenceNumber() + 1);
  for (const Shard& shard : first) PutShard(shard, batch);
  shards_[stream.id] = std::move(first);
}

absl::Status ShardMap::AdoptLegacyShard(const StreamDescription& stream,
                                        uint64_t first_sequence_number) {
  std::lock_guard lock(mutex_);
  if (shards_.count(stream.id) > 0) return absl::OkStatus();
  Shard shard;
  shard.stream_id = stream.id;
  shard.shard_id = stream.shard_id.empty() ? FormatShardId(stream.creation_time_ms, 0)
                                           : stream.shard_id;
  shard.created_ms = stream.creation_time_ms;
  shard.starting_sequence_number = first_sequence_number;
  rocksdb::WriteBatch batch;
  PutShard(shard, &batch);
  if (auto s = engine_->Write(&batch); !s.ok()) return s;
  shards_[stream.id] = {shard};
  return absl::OkStatus();
}

absl::StatusOr<ShardAssignment> ShardMap::Assign(uint64_t stream_id,
                                                 std::string_view partition_key,
                                                 SequenceTracker* tracker,
                                                 rocksdb::WriteBatch* batch) {
  std::lock_guard lock(mutex_);
  auto it = shards_.find(stream_id);
  if (it == shards_.end() || it->second.empty() || !it->second.back().open()) {
    return absl::FailedPreconditionError(
        fmt::format("stream {} has no open shard to write to", stream_id));
  }
  const std::vector<Shard>& shards = it->second;
  uint32_t slots = shards.back().slots;
  uint32_t slot = static_cast<uint32_t>(Fnv1a64(partition_key) % slots);
  const Shard& shard = shards[shards.size() - slots + slot];

  // Allocating under mutex_ orders this number against RollOver's ending
  // sequence number: it is either below it (old shard) or above it (new one).
  ShardAssignment assignment;
  assignment.shard_index = shard.index;
  assignment.sequence_number = tracker->Begin(stream_id, batch);
  return assignment;
}

absl::Status ShardMap::RollOver(uint64_t stream_id) {
  std::lock_guard lock(mutex_);
  auto it = shards_.find(stream_id);
  if (it == shards_.end() || it->second.empty() || !it->second.back().open()) {
    return absl::OkStatus();
  }
  std::vector<Shard>& shards = it->second;
  uint32_t slots = shards.back().slots;
  std::vector<Shard> closed(shards.end() - slots, shards.end());
  uint64_t ending = engine_->LastSequenceNumber();
  int64_t now = options_.now_ms();
  for (Shard& shard : closed) {
    // An empty range still ends at or after its start, as DynamoDB's does.
    shard.ending_sequence_number = std::max(ending, shard.starting_sequence_number);
    shard.closed_ms = now;
  }
  std::vector<Shard> opened = NewGeneration(stream_id, now, closed, ending + 1);
  // A closed range that was clamped above `ending` must stay below its children.
  for (Shard& shard : opened) {
    shard.starting_sequence_number =
        std::max(shard.starting_sequence_number, closed.front().ending_sequence_number + 1);
  }

  rocksdb::WriteBatch batch;
  // A shard that received no record was clamped to end at its start, above
  // the last number given out. Give out the numbers up to that end, so the
  // next record is numbered at or after its new shard's start.
  while (engine_->LastSequenceNumber() < closed.front().ending_sequence_number) {
    engine_->AllocateSequenceNumber(&batch);
  }
  for (const Shard& shard : closed) PutShard(shard, &batch);
  for (const Shard& shard : opened) PutShard(shard, &batch);
  if (auto s = engine_->Write(&batch); !s.ok()) return s;
  std::copy(closed.begin(), closed.end(), shards.end() - slots);
  shards.insert(shards.end(), opened.begin(), opened.end());
  static Counter* rollovers = DefaultMetrics().GetCounter(
      "tidings_stream_shard_rollovers_total", "Generations of stream shards closed by rollover.");
  rollovers->Increment();
  Logger("streams")->info("[stream={}] shards rolled over to generation {} ({} shards)", stream_id,
                          opened.front().generation, opened.size());
  return absl::OkStatus();
}

Shard ShardMap::Effective(const StreamDescription& stream, Shard shard) const {
  if (shard.open() && stream.status == StreamStatus::kDisabled) {
    shard.ending_sequence_number =
        std::max(stream.ending_sequence_number, shard.starting_sequence_number);
    shard.closed_ms = stream.closed_time_ms;
  }
  return shard;
}

std::vector<Shard> ShardMap::Shards(const StreamDescription& stream) const {
  std::lock_guard lock(mutex_);
  std::vector<Shard> result;
  auto it = shards_.find(stream.id);
  if (it == shards_.end()) return result;
  for (const Shard& shard : it->second) result.push_back(Effective(stream, shard));
  return result;
}

std::optional<Shard> ShardMap::FindShard(const StreamDescription& stream,
                                         std::string_view shard_id) const {
  std::lock_guard lock(mutex_);
  auto it = shards_.find(stream.id);
  if (it == shards_.end()) return std::nullopt;
  for (const Shard& shard : it->second) {
    if (shard.shard_id == shard_id) return Effective(stream, shard);
  }
  return std::nullopt;
}

std::optional<Shard> ShardMap::FindShard(const StreamDescription& stream, uint64_t index) const {
  std::lock_guard lock(mutex_);
  auto it = shards_.find(stream.id);
  if (it == shards_.end()) return std::nullopt;
  for (const Shard& shard : it->second) {
    if (shard.index == index) return Effective(stream, shard);
  }
  return std::nullopt;
}

std::optional<int64_t> ShardMap::OpenGenerationCreatedMs(uint64_t stream_id) const {
  std::lock_guard lock(mutex_);
  auto it = shards_.find(stream_id);
  if (it == shards_.end() || it->second.empty() || !it->second.back().open()) return std::nullopt;
  return it->second.back().created_ms;
}

absl::Status ShardMap::SetTrimmed(const Shard& shard, uint64_t through,
                                  rocksdb::WriteBatch* batch) {
  std::lock_guard lock(mutex_);
  auto it = shards_.find(shard.stream_id);
  if (it == shards_.end()) return absl::OkStatus();
  for (Shard& stored : it->second) {
    if (stored.index != shard.index) continue;
    Shard updated = stored;
    updated.trimmed_through = std::max(stored.trimmed_through, through);
    PutShard(updated, batch);
    if (auto s = engine_->Write(batch); !s.ok()) return s;
    stored = updated;
    return absl::OkStatus();
  }
  return absl::OkStatus();
}

void ShardMap::AddShardRemoval(const Shard& shard, rocksdb::WriteBatch* batch) const {
  batch->Delete(engine_->catalog(), ShardCatalogKey(shard.stream_id, shard.index));
  batch->DeleteRange(engine_->streams(), ShardRecordPrefix(shard.stream_id, shard.index),
                     ShardRecordPrefix(shard.stream_id, shard.index + 1));
}

void ShardMap::Forget(uint64_t stream_id, std::optional<uint64_t> index) {
  std::lock_guard lock(mutex_);
  auto it = shards_.find(stream_id);
  if (it == shards_.end()) return;
  if (!index) {
    shards_.erase(it);
    return;
  }
  std::erase_if(it->second, [&](const Shard& shard) { return shard.index == *index; });
}

}  // namespace tidings
