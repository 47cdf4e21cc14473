#include "streams/stream_migration.h"

#include <memory>

#include "common/logging.h"
#include "common/varint.h"
#include "rocksdb/iterator.h"

namespace tidings {
namespace {

constexpr char kRecordFormatKey[] = "meta/stream_record_format";
constexpr char kRecordFormat[] = "2";
constexpr size_t kLegacyKeySize = 16;
constexpr int kKeysPerBatch = 1000;

// Returns the first sequence number of `stream_id` among keys of the old
// layout, or 0 when it has none.
uint64_t FirstLegacySequence(StorageEngine* engine, uint64_t stream_id) {
  std::unique_ptr<rocksdb::Iterator> it(
      engine->db()->NewIterator(rocksdb::ReadOptions(), engine->streams()));
  std::string prefix;
  PutFixed64BigEndian(stream_id, &prefix);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    if (it->key().size() == kLegacyKeySize) {
      return DecodeFixed64BigEndian(it->key().ToStringView().substr(8));
    }
  }
  return 0;
}

absl::Status RewriteLegacyKeys(StorageEngine* engine, int64_t* rewritten) {
  std::unique_ptr<rocksdb::Iterator> it(
      engine->db()->NewIterator(rocksdb::ReadOptions(), engine->streams()));
  rocksdb::WriteBatch batch;
  int in_batch = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string_view key = it->key().ToStringView();
    if (key.size() != kLegacyKeySize) continue;
    uint64_t stream_id = DecodeFixed64BigEndian(key);
    uint64_t sequence = DecodeFixed64BigEndian(key.substr(8));
    batch.Put(engine->streams(), StreamRecordKey(stream_id, 0, sequence), it->value());
    batch.Delete(engine->streams(), it->key());
    ++*rewritten;
    if (++in_batch == kKeysPerBatch) {
      if (auto s = engine->Write(&batch); !s.ok()) return s;
      batch.Clear();
      in_batch = 0;
    }
  }
  if (!it->status().ok()) return FromRocksDb(it->status());
  if (in_batch > 0) return engine->Write(&batch);
  return absl::OkStatus();
}

}  // namespace

absl::Status MigrateStreamRecords(StorageEngine* engine, const TableStore& tables,
                                  ShardMap* shards) {
  std::string format;
  rocksdb::Status read =
      engine->db()->Get(rocksdb::ReadOptions(), engine->catalog(), kRecordFormatKey, &format);
  if (read.ok() && format == kRecordFormat) return absl::OkStatus();
  if (!read.ok() && !read.IsNotFound()) return FromRocksDb(read);

  for (const StreamDescription& stream : tables.ListStreams()) {
    if (!shards->Shards(stream).empty()) continue;
    uint64_t first = FirstLegacySequence(engine, stream.id);
    if (first == 0) {
      first = stream.status == StreamStatus::kDisabled ? stream.ending_sequence_number
                                                       : engine->LastSequenceNumber() + 1;
    }
    if (auto s = shards->AdoptLegacyShard(stream, first); !s.ok()) return s;
  }
  int64_t rewritten = 0;
  if (auto s = RewriteLegacyKeys(engine, &rewritten); !s.ok()) return s;

  rocksdb::WriteBatch batch;
  batch.Put(engine->catalog(), kRecordFormatKey, kRecordFormat);
  if (auto s = engine->Write(&batch); !s.ok()) return s;
  if (rewritten > 0) {
    Logger("streams")->info("migrated {} stream records to record format {}", rewritten,
                            kRecordFormat);
  }
  return absl::OkStatus();
}

}  // namespace tidings
