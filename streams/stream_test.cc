#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>

#include "common/errors.h"
#include "fmt/format.h"
#include "rapidjson/document.h"
#include "rocksdb/iterator.h"
#include "streams/stream_reader.h"
#include "streams/stream_migration.h"
#include "streams/stream_trimmer.h"
#include "streams/stream_writer.h"

namespace tidings {
namespace {

class StreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("tidings_stream_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    Open();
  }
  void TearDown() override {
    Close();
    std::filesystem::remove_all(dir_);
  }
  void Open() {
    StorageOptions options;
    options.data_dir = dir_.string();
    engine_ = *StorageEngine::Open(options);
    TableStore::Options table_options;
    table_options.now_ms = [this] { return now_ms_; };
    tables_ = std::make_unique<TableStore>(engine_.get(), table_options);
    ASSERT_TRUE(tables_->Load().ok());
    tracker_ = std::make_unique<SequenceTracker>(engine_.get());
    ShardMap::Options shard_options;
    shard_options.shards_per_generation = shards_per_generation_;
    shard_options.now_ms = [this] { return now_ms_; };
    shards_ = std::make_unique<ShardMap>(engine_.get(), shard_options);
    ASSERT_TRUE(shards_->Load().ok());
    ASSERT_TRUE(MigrateStreamRecords(engine_.get(), *tables_, shards_.get()).ok());
    StreamWriter::Options writer_options;
    writer_options.now_ms = [this] { return now_ms_; };
    writer_ = std::make_unique<StreamWriter>(engine_.get(), tracker_.get(), shards_.get(),
                                             &notifier_, writer_options);
    ASSERT_TRUE(writer_->Recover(*tables_).ok());
    tables_->SetChangeObserver(writer_.get());
    StreamReader::Options reader_options;
    reader_options.now_ms = [this] { return now_ms_; };
    reader_ = std::make_unique<StreamReader>(engine_.get(), tables_.get(), shards_.get(),
                                             tracker_.get(), reader_options);
    StreamTrimmer::Options trimmer_options;
    trimmer_options.shard_period_ms = 60 * 1000;
    trimmer_options.default_retention_ms = 3600 * 1000;
    trimmer_options.now_ms = [this] { return now_ms_; };
    trimmer_ = std::make_unique<StreamTrimmer>(engine_.get(), tables_.get(), shards_.get(),
                                               tracker_.get(), trimmer_options);
  }
  void Close() {
    trimmer_.reset();
    reader_.reset();
    writer_.reset();
    shards_.reset();
    tracker_.reset();
    tables_.reset();
    engine_.reset();
  }
  void CreateOrders(StreamViewType view) {
    TableDescription table;
    table.name = "Orders";
    table.hash_key = {"orderId", AttributeType::kS};
    ASSERT_TRUE(tables_->CreateTable(table, view).ok());
  }
  void Write(const std::string& id, std::optional<std::string> status) {
    Item key = {{"orderId", AttributeValue::String(id)}};
    auto result = tables_->MutateItem("Orders", key, [&](const std::optional<Item>&) {
      if (!status) return absl::StatusOr<std::optional<Item>>(std::nullopt);
      Item item = key;
      item["status"] = AttributeValue::String(*status);
      return absl::StatusOr<std::optional<Item>>(item);
    });
    ASSERT_TRUE(result.ok()) << result.status();
  }
  std::vector<rapidjson::Document> ReadAll() {
    auto table = *tables_->GetTable("Orders");
    auto batch = reader_->ReadAfter(table.stream_id, 0, 1000);
    std::vector<rapidjson::Document> records;
    for (const auto& text : batch->records) {
      records.emplace_back();
      records.back().Parse(text.c_str());
    }
    return records;
  }

  std::filesystem::path dir_;
  StreamNotifier notifier_;
  std::unique_ptr<StorageEngine> engine_;
  std::unique_ptr<TableStore> tables_;
  std::unique_ptr<SequenceTracker> tracker_;
  std::unique_ptr<ShardMap> shards_;
  std::unique_ptr<StreamWriter> writer_;
  std::unique_ptr<StreamReader> reader_;
  std::unique_ptr<StreamTrimmer> trimmer_;
  int shards_per_generation_ = 1;
  int64_t now_ms_ = 1'800'000'000'000;
};

TEST_F(StreamTest, EventNamesAndImages) {
  CreateOrders(StreamViewType::kNewAndOldImages);
  Write("ORD-1", "processing");
  Write("ORD-1", "shipped");
  Write("ORD-1", std::nullopt);
  auto records = ReadAll();
  ASSERT_EQ(records.size(), 3u);
  EXPECT_STREQ(records[0]["eventName"].GetString(), "INSERT");
  EXPECT_FALSE(records[0]["dynamodb"].HasMember("OldImage"));
  EXPECT_STREQ(records[1]["eventName"].GetString(), "MODIFY");
  EXPECT_STREQ(records[1]["dynamodb"]["OldImage"]["status"]["S"].GetString(), "processing");
  EXPECT_STREQ(records[1]["dynamodb"]["NewImage"]["status"]["S"].GetString(), "shipped");
  EXPECT_STREQ(records[2]["eventName"].GetString(), "REMOVE");
  EXPECT_FALSE(records[2]["dynamodb"].HasMember("NewImage"));
  EXPECT_TRUE(records[2]["dynamodb"].HasMember("OldImage"));
}

TEST_F(StreamTest, KeysOnlyHasNoImages) {
  CreateOrders(StreamViewType::kKeysOnly);
  Write("ORD-1", "processing");
  auto records = ReadAll();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_TRUE(records[0]["dynamodb"].HasMember("Keys"));
  EXPECT_FALSE(records[0]["dynamodb"].HasMember("NewImage"));
  EXPECT_FALSE(records[0]["dynamodb"].HasMember("OldImage"));
}

TEST_F(StreamTest, UnchangedWriteHasNoRecord) {
  CreateOrders(StreamViewType::kNewImage);
  Write("ORD-1", "processing");
  Write("ORD-1", "processing");
  EXPECT_EQ(ReadAll().size(), 1u);
}

TEST_F(StreamTest, SequenceNumbersIncreaseAcrossReopen) {
  CreateOrders(StreamViewType::kNewImage);
  Write("ORD-1", "a");
  Close();
  Open();
  Write("ORD-1", "b");
  auto records = ReadAll();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_LT(std::string(records[0]["dynamodb"]["SequenceNumber"].GetString()),
            std::string(records[1]["dynamodb"]["SequenceNumber"].GetString()));
}

TEST_F(StreamTest, IteratorReadsFromLatest) {
  CreateOrders(StreamViewType::kNewImage);
  Write("ORD-1", "a");
  auto table = *tables_->GetTable("Orders");
  auto stream = *tables_->GetStream(table.stream_id);
  auto iterator = reader_->GetShardIterator(stream.arn, reader_->DescribeShards(stream)[0].shard_id,
                                            ShardIteratorType::kLatest, "");
  ASSERT_TRUE(iterator.ok()) << iterator.status();
  Write("ORD-1", "b");
  auto batch = reader_->GetRecords(*iterator, 100);
  ASSERT_TRUE(batch.ok()) << batch.status();
  ASSERT_EQ(batch->records.size(), 1u);
  EXPECT_NE(batch->records[0].find("\"b\""), std::string::npos);
  EXPECT_TRUE(batch->next_shard_iterator.has_value());
}

TEST_F(StreamTest, ClosedShardEndsIteration) {
  CreateOrders(StreamViewType::kNewImage);
  Write("ORD-1", "a");
  auto table = *tables_->GetTable("Orders");
  ASSERT_TRUE(tables_->UpdateStream("Orders", false, std::nullopt).ok());
  auto stream = *tables_->GetStream(table.stream_id);
  auto iterator = reader_->GetShardIterator(stream.arn, reader_->DescribeShards(stream)[0].shard_id,
                                            ShardIteratorType::kTrimHorizon, "");
  ASSERT_TRUE(iterator.ok());
  auto batch = reader_->GetRecords(*iterator, 100);
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(batch->records.size(), 1u);
  EXPECT_FALSE(batch->next_shard_iterator.has_value());
}

TEST_F(StreamTest, InFlightRecordHidesLaterOnes) {
  CreateOrders(StreamViewType::kNewImage);
  auto table = *tables_->GetTable("Orders");
  rocksdb::WriteBatch unused;
  uint64_t in_flight = tracker_->Begin(table.stream_id, &unused);
  Write("ORD-2", "b");  // Commits with a higher sequence number.
  EXPECT_EQ(ReadAll().size(), 0u);
  tracker_->Finish(table.stream_id, in_flight);
  EXPECT_EQ(ReadAll().size(), 1u);
}

std::vector<std::string> Keys(const std::vector<rapidjson::Document>& records) {
  std::vector<std::string> keys;
  for (const auto& record : records) keys.push_back(record["dynamodb"]["Keys"]["orderId"]["S"].GetString());
  return keys;
}

TEST_F(StreamTest, KeyAlwaysGoesToOneShard) {
  shards_per_generation_ = 4;
  Close();
  Open();
  CreateOrders(StreamViewType::kNewImage);
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 16; ++i) Write(fmt::format("ORD-{}", i), fmt::format("v{}", round));
  }
  auto stream = *tables_->GetStream(tables_->GetTable("Orders")->stream_id);
  std::map<std::string, uint64_t> shard_of_key;
  std::set<uint64_t> used;
  for (const Shard& shard : shards_->Shards(stream)) {
    auto batch = reader_->ReadShard(stream.id, shard.index, 0, 1000, UINT64_MAX);
    ASSERT_TRUE(batch.ok()) << batch.status();
    for (const std::string& text : batch->records) {
      rapidjson::Document record;
      record.Parse(text.c_str());
      std::string key = record["dynamodb"]["Keys"]["orderId"]["S"].GetString();
      EXPECT_EQ(shard_of_key.emplace(key, shard.index).first->second, shard.index) << key;
      used.insert(shard.index);
    }
  }
  EXPECT_EQ(shards_->Shards(stream).size(), 4u);
  EXPECT_EQ(shard_of_key.size(), 16u);
  EXPECT_GT(used.size(), 1u);
  EXPECT_EQ(ReadAll().size(), 32u);  // ReadAfter merges every shard.
}

TEST_F(StreamTest, RollOverLinksChildrenToParents) {
  CreateOrders(StreamViewType::kNewImage);
  Write("ORD-1", "a");
  now_ms_ += 61 * 1000;
  ASSERT_TRUE(trimmer_->RunOnce().ok());
  Write("ORD-1", "b");

  auto stream = *tables_->GetStream(tables_->GetTable("Orders")->stream_id);
  std::vector<Shard> shards = shards_->Shards(stream);
  ASSERT_EQ(shards.size(), 2u);
  EXPECT_FALSE(shards[0].open());
  EXPECT_TRUE(shards[1].open());
  ASSERT_TRUE(shards[1].parent_index.has_value());
  EXPECT_EQ(*shards[1].parent_index, shards[0].index);
  EXPECT_GT(shards[1].starting_sequence_number, shards[0].ending_sequence_number);
  EXPECT_EQ(Keys(ReadAll()), (std::vector<std::string>{"ORD-1", "ORD-1"}));
  auto old_shard = reader_->ReadShard(stream.id, shards[0].index, 0, 1000, UINT64_MAX);
  ASSERT_TRUE(old_shard.ok());
  EXPECT_EQ(old_shard->records.size(), 1u);
}

TEST_F(StreamTest, ClosedShardWaitsForInFlightWrite) {
  CreateOrders(StreamViewType::kNewImage);
  auto table = *tables_->GetTable("Orders");
  auto stream = *tables_->GetStream(table.stream_id);
  std::string shard_id = reader_->DescribeShards(stream)[0].shard_id;
  auto iterator = reader_->GetShardIterator(stream.arn, shard_id, ShardIteratorType::kTrimHorizon, "");
  ASSERT_TRUE(iterator.ok());
  rocksdb::WriteBatch unused;
  uint64_t in_flight = tracker_->Begin(table.stream_id, &unused);
  ASSERT_TRUE(shards_->RollOver(stream.id).ok());

  auto batch = reader_->GetRecords(*iterator, 100);
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_TRUE(batch->next_shard_iterator.has_value());
  tracker_->Finish(table.stream_id, in_flight);
  batch = reader_->GetRecords(*iterator, 100);
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_FALSE(batch->next_shard_iterator.has_value());
}

TEST_F(StreamTest, TrimmerDeletesExpiredRecords) {
  CreateOrders(StreamViewType::kNewImage);
  Write("ORD-1", "old");
  auto stream = *tables_->GetStream(tables_->GetTable("Orders")->stream_id);
  std::string shard_id = reader_->DescribeShards(stream)[0].shard_id;
  now_ms_ += 3590 * 1000;
  auto horizon = reader_->GetShardIterator(stream.arn, shard_id, ShardIteratorType::kTrimHorizon, "");
  ASSERT_TRUE(horizon.ok());
  now_ms_ += 12 * 1000;  // Past the hour of retention; rolls over too.
  Write("ORD-2", "new");
  ASSERT_TRUE(trimmer_->RunOnce().ok());

  EXPECT_EQ(Keys(ReadAll()), (std::vector<std::string>{"ORD-2"}));
  auto read = reader_->GetRecords(*horizon, 100);
  EXPECT_EQ(KindOf(read.status()), ErrorKind::kTrimmedDataAccess) << read.status();
  auto at_old = reader_->GetShardIterator(stream.arn, shard_id,
                                          ShardIteratorType::kAtSequenceNumber, "1");
  EXPECT_EQ(KindOf(at_old.status()), ErrorKind::kTrimmedDataAccess) << at_old.status();
}

TEST_F(StreamTest, IteratorExpires) {
  CreateOrders(StreamViewType::kNewImage);
  auto stream = *tables_->GetStream(tables_->GetTable("Orders")->stream_id);
  auto iterator = reader_->GetShardIterator(stream.arn, reader_->DescribeShards(stream)[0].shard_id,
                                            ShardIteratorType::kLatest, "");
  ASSERT_TRUE(iterator.ok());
  now_ms_ += 15 * 60 * 1000 + 1;
  auto read = reader_->GetRecords(*iterator, 100);
  EXPECT_EQ(KindOf(read.status()), ErrorKind::kExpiredIterator) << read.status();
}

TEST_F(StreamTest, DisabledStreamDroppedAfterRetention) {
  CreateOrders(StreamViewType::kNewImage);
  Write("ORD-1", "a");
  uint64_t stream_id = tables_->GetTable("Orders")->stream_id;
  ASSERT_TRUE(tables_->UpdateStream("Orders", false, std::nullopt).ok());
  ASSERT_TRUE(trimmer_->RunOnce().ok());
  EXPECT_TRUE(tables_->GetStream(stream_id).ok());
  now_ms_ += 3601 * 1000;
  ASSERT_TRUE(trimmer_->RunOnce().ok());
  EXPECT_FALSE(tables_->GetStream(stream_id).ok());
  std::unique_ptr<rocksdb::Iterator> it(
      engine_->db()->NewIterator(rocksdb::ReadOptions(), engine_->streams()));
  it->SeekToFirst();
  EXPECT_FALSE(it->Valid());
}

TEST_F(StreamTest, MigratesSingleShardRecords) {
  CreateOrders(StreamViewType::kNewImage);
  Write("ORD-1", "a");
  Write("ORD-2", "b");
  auto stream = *tables_->GetStream(tables_->GetTable("Orders")->stream_id);
  Close();

  // Rewrite the data as the single-shard release stored it.
  {
    StorageOptions options;
    options.data_dir = dir_.string();
    auto engine = *StorageEngine::Open(options);
    rocksdb::WriteBatch batch;
    std::unique_ptr<rocksdb::Iterator> it(
        engine->db()->NewIterator(rocksdb::ReadOptions(), engine->streams()));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      std::string old_key = it->key().ToString().substr(0, 8) + it->key().ToString().substr(16);
      batch.Put(engine->streams(), old_key, it->value());
      batch.Delete(engine->streams(), it->key());
    }
    it.reset(engine->db()->NewIterator(rocksdb::ReadOptions(), engine->catalog()));
    for (it->Seek("shard/"); it->Valid() && it->key().starts_with("shard/"); it->Next()) {
      batch.Delete(engine->catalog(), it->key());
    }
    batch.Delete(engine->catalog(), "meta/stream_record_format");
    stream.shard_id = "shardId-00000001800000000000-0badcafe";
    batch.Put(engine->catalog(), fmt::format("stream/{:020}", stream.id), SerializeStream(stream));
    ASSERT_TRUE(engine->Write(&batch).ok());
  }

  Open();
  Write("ORD-3", "c");
  auto shards = reader_->DescribeShards(stream);
  ASSERT_EQ(shards.size(), 1u);
  EXPECT_EQ(shards[0].shard_id, "shardId-00000001800000000000-0badcafe");
  EXPECT_EQ(Keys(ReadAll()), (std::vector<std::string>{"ORD-1", "ORD-2", "ORD-3"}));
}

// AWS's sample events in the Lambda developer guide: INSERT, MODIFY and
// REMOVE of an item with a number key, SizeBytes 26, 59 and 38.
TEST_F(StreamTest, SizeBytesMatchesAwsSamples) {
  TableDescription table;
  table.name = "Samples";
  table.hash_key = {"Id", AttributeType::kN};
  ASSERT_TRUE(tables_->CreateTable(table, StreamViewType::kNewAndOldImages).ok());
  Item key = {{"Id", AttributeValue::Number("101")}};
  for (std::optional<std::string> message :
       {std::optional<std::string>("New item!"), std::optional<std::string>("This item has changed"),
        std::optional<std::string>()}) {
    auto result = tables_->MutateItem("Samples", key, [&](const std::optional<Item>&) {
      if (!message) return absl::StatusOr<std::optional<Item>>(std::nullopt);
      Item item = key;
      item["Message"] = AttributeValue::String(*message);
      return absl::StatusOr<std::optional<Item>>(item);
    });
    ASSERT_TRUE(result.ok()) << result.status();
  }

  auto batch = reader_->ReadAfter(tables_->GetTable("Samples")->stream_id, 0, 10);
  ASSERT_TRUE(batch.ok());
  std::vector<int> sizes;
  for (const std::string& text : batch->records) {
    rapidjson::Document record;
    record.Parse(text.c_str());
    sizes.push_back(record["dynamodb"]["SizeBytes"].GetInt());
  }
  EXPECT_EQ(sizes, (std::vector<int>{26, 59, 38}));
}

TEST_F(StreamTest, MalformedIteratorIsRejected) {
  auto batch = reader_->GetRecords("not-an-iterator", 10);
  EXPECT_EQ(batch.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace tidings
