#include <gtest/gtest.h>

#include <filesystem>

#include "rapidjson/document.h"
#include "streams/stream_reader.h"
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
    tables_ = std::make_unique<TableStore>(engine_.get(), TableStore::Options{});
    ASSERT_TRUE(tables_->Load().ok());
    tracker_ = std::make_unique<SequenceTracker>(engine_.get());
    writer_ = std::make_unique<StreamWriter>(engine_.get(), tracker_.get(), &notifier_,
                                             StreamWriter::Options{});
    ASSERT_TRUE(writer_->Recover(*tables_).ok());
    tables_->SetChangeObserver(writer_.get());
    reader_ = std::make_unique<StreamReader>(engine_.get(), tables_.get(), tracker_.get());
  }
  void Close() {
    reader_.reset();
    writer_.reset();
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
  std::unique_ptr<StreamWriter> writer_;
  std::unique_ptr<StreamReader> reader_;
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
  auto iterator = reader_->GetShardIterator(stream.arn, stream.shard_id, ShardIteratorType::kLatest, "");
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
  auto iterator =
      reader_->GetShardIterator(stream.arn, stream.shard_id, ShardIteratorType::kTrimHorizon, "");
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

TEST_F(StreamTest, MalformedIteratorIsRejected) {
  auto batch = reader_->GetRecords("not-an-iterator", 10);
  EXPECT_EQ(batch.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace tidings
