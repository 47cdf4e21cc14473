#include "streams/stream_writer.h"

#include <chrono>
#include <memory>
#include <random>

#include "common/attribute_json.h"
#include "common/clock.h"
#include "common/errors.h"
#include "common/varint.h"
#include "fmt/format.h"
#include "observe/metrics.h"
#include "rocksdb/iterator.h"
#include "storage/key_codec.h"

namespace tidings {
namespace {

std::string NewEventId() {
  static thread_local std::mt19937_64 random(std::random_device{}());
  return fmt::format("{:016x}{:016x}", random(), random());
}

void WriteImage(const char* field, const Item& image, JsonWriter* writer) {
  writer->Key(field);
  WriteItem(image, writer);
}

}  // namespace

uint64_t StreamNotifier::Version() const {
  std::lock_guard lock(mutex_);
  return version_;
}

uint64_t StreamNotifier::WaitForChange(uint64_t seen, int64_t timeout_ms) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return version_ > seen; });
  return version_;
}

void StreamNotifier::Notify() {
  {
    std::lock_guard lock(mutex_);
    ++version_;
  }
  changed_.notify_all();
}

std::string FormatSequenceNumber(uint64_t sequence_number) {
  return fmt::format("{:021}", sequence_number);
}

StreamWriter::StreamWriter(StorageEngine* engine, SequenceTracker* tracker, ShardMap* shards,
                           StreamNotifier* notifier, Options options)
    : engine_(engine),
      tracker_(tracker),
      shards_(shards),
      notifier_(notifier),
      options_(std::move(options)) {
  if (!options_.now_ms) options_.now_ms = SystemNowMs;
}

absl::Status StreamWriter::OnItemChange(const TableDescription& table, const Item* old_item,
                                        const Item* new_item, ChangeOrigin origin,
                                        rocksdb::WriteBatch* batch, ChangeTicket* ticket) {
  if (!table.stream_enabled) return absl::OkStatus();

  const char* event_name = old_item == nullptr ? "INSERT" : (new_item == nullptr ? "REMOVE" : "MODIFY");
  Item keys = table.KeyOf(new_item != nullptr ? *new_item : *old_item);
  StreamViewType view = table.stream_view_type;
  bool with_new = new_item != nullptr &&
                  (view == StreamViewType::kNewImage || view == StreamViewType::kNewAndOldImages);
  bool with_old = old_item != nullptr &&
                  (view == StreamViewType::kOldImage || view == StreamViewType::kNewAndOldImages);
  // SizeBytes is the size of the parts the record carries: Keys, and NewImage
  // and OldImage where present. This reproduces the SizeBytes of AWS's sample
  // Lambda event for DynamoDB (StreamTest.SizeBytesMatchesAwsSamples).
  size_t size_bytes = ItemSize(keys) + (with_new ? ItemSize(*new_item) : 0) +
                      (with_old ? ItemSize(*old_item) : 0);
  auto hash_value = keys.find(table.hash_key.name);
  if (hash_value == keys.end()) return ValidationError("the item has no partition key");
  auto partition_key = EncodeHashPrefix(table, hash_value->second);
  if (!partition_key.ok()) return partition_key.status();
  auto assignment = shards_->Assign(table.stream_id, *partition_key, tracker_, batch);
  if (!assignment.ok()) return assignment.status();
  uint64_t sequence = assignment->sequence_number;
  ticket->stream_id = table.stream_id;
  ticket->sequence_number = sequence;

  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("eventID");
  w.String(NewEventId().c_str());
  w.Key("eventName");
  w.String(event_name);
  w.Key("eventVersion");
  w.String("1.1");
  w.Key("eventSource");
  w.String("aws:dynamodb");
  w.Key("awsRegion");
  w.String(options_.region.c_str());
  if (origin == ChangeOrigin::kTimeToLive) {
    // DynamoDB marks deletions by time to live with its service principal.
    // The Streams API spells the members Type and PrincipalId; Lambda events
    // spell them type and principalId (see PipelineRunner).
    w.Key("userIdentity");
    w.StartObject();
    w.Key("Type");
    w.String("Service");
    w.Key("PrincipalId");
    w.String("dynamodb.amazonaws.com");
    w.EndObject();
  }
  w.Key("dynamodb");
  w.StartObject();
  w.Key("ApproximateCreationDateTime");
  w.Int64(options_.now_ms() / 1000);
  WriteImage("Keys", keys, &w);
  if (with_new) WriteImage("NewImage", *new_item, &w);
  if (with_old) WriteImage("OldImage", *old_item, &w);
  w.Key("SequenceNumber");
  w.String(FormatSequenceNumber(sequence).c_str());
  w.Key("SizeBytes");
  w.Uint64(size_bytes);
  w.Key("StreamViewType");
  std::string_view view_name = StreamViewTypeName(view);
  w.String(view_name.data(), view_name.size());
  w.EndObject();
  w.EndObject();

  batch->Put(engine_->streams(),
             StreamRecordKey(table.stream_id, assignment->shard_index, sequence),
             rocksdb::Slice(buffer.GetString(), buffer.GetSize()));
  return absl::OkStatus();
}

void StreamWriter::OnWriteFinished(const ChangeTicket& ticket, bool committed) {
  if (ticket.stream_id == 0) return;
  tracker_->Finish(ticket.stream_id, ticket.sequence_number);
  if (!committed) return;
  static Counter* records = DefaultMetrics().GetCounter(
      "tidings_stream_records_total", "Stream records committed with item changes.");
  records->Increment();
  notifier_->Notify();
}

void StreamWriter::OnStreamCreated(const StreamDescription& stream, rocksdb::WriteBatch* batch) {
  shards_->AddFirstGeneration(stream, batch);
}

absl::Status StreamWriter::Recover(const TableStore& tables) {
  std::unique_ptr<rocksdb::Iterator> it(
      engine_->db()->NewIterator(rocksdb::ReadOptions(), engine_->streams()));
  for (const StreamDescription& stream : tables.ListStreams()) {
    for (const Shard& shard : shards_->Shards(stream)) {
      // A shard's range starts after numbers that were given out even when
      // no record kept them, so later records must stay above it.
      engine_->ObserveSequenceNumber(shard.starting_sequence_number - 1);
      std::string prefix = ShardRecordPrefix(stream.id, shard.index);
      it->SeekForPrev(StreamRecordKey(stream.id, shard.index, UINT64_MAX));
      if (!it->Valid() || !it->key().starts_with(prefix)) continue;
      engine_->ObserveSequenceNumber(SequenceNumberOfKey(it->key().ToStringView()));
    }
  }
  return FromRocksDb(it->status());
}

}  // namespace tidings
