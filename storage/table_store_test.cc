#include "storage/table_store.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace tidings {
namespace {

class TableStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("tidings_table_store_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    Reopen();
  }
  void TearDown() override {
    store_.reset();
    engine_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Reopen() {
    store_.reset();
    engine_.reset();
    StorageOptions options;
    options.data_dir = dir_.string();
    auto engine = StorageEngine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = *std::move(engine);
    store_ = std::make_unique<TableStore>(engine_.get(), TableStore::Options{});
    ASSERT_TRUE(store_->Load().ok());
  }
  TableDescription Orders() {
    TableDescription table;
    table.name = "Orders";
    table.hash_key = {"orderId", AttributeType::kS};
    return table;
  }
  static Item Order(const std::string& id, const std::string& status) {
    return {{"orderId", AttributeValue::String(id)}, {"status", AttributeValue::String(status)}};
  }
  static Item KeyOf(const std::string& id) { return {{"orderId", AttributeValue::String(id)}}; }
  absl::Status Put(const Item& item) {
    auto result = store_->MutateItem("Orders", {{"orderId", item.at("orderId")}},
                                     [&](const std::optional<Item>&) { return std::optional(item); });
    return result.status();
  }

  std::filesystem::path dir_;
  std::unique_ptr<StorageEngine> engine_;
  std::unique_ptr<TableStore> store_;
};

TEST_F(TableStoreTest, CreateRejectsDuplicate) {
  ASSERT_TRUE(store_->CreateTable(Orders(), std::nullopt).ok());
  auto again = store_->CreateTable(Orders(), std::nullopt);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
}

TEST_F(TableStoreTest, ItemsSurviveReopen) {
  ASSERT_TRUE(store_->CreateTable(Orders(), std::nullopt).ok());
  ASSERT_TRUE(Put(Order("ORD-1", "processing")).ok());
  Reopen();
  auto item = store_->GetItem("Orders", KeyOf("ORD-1"));
  ASSERT_TRUE(item.ok()) << item.status();
  ASSERT_TRUE(item->has_value());
  EXPECT_EQ((*item)->at("status").scalar(), "processing");
}

TEST_F(TableStoreTest, FailedMutationWritesNothing) {
  ASSERT_TRUE(store_->CreateTable(Orders(), std::nullopt).ok());
  auto result = store_->MutateItem("Orders", KeyOf("ORD-1"), [](const std::optional<Item>&) {
    return absl::StatusOr<std::optional<Item>>(absl::FailedPreconditionError("no"));
  });
  EXPECT_FALSE(result.ok());
  auto item = store_->GetItem("Orders", KeyOf("ORD-1"));
  ASSERT_TRUE(item.ok());
  EXPECT_FALSE(item->has_value());
}

TEST_F(TableStoreTest, StreamEnableCreatesNewLabel) {
  ASSERT_TRUE(store_->CreateTable(Orders(), std::nullopt).ok());
  auto enabled = store_->UpdateStream("Orders", true, StreamViewType::kNewAndOldImages);
  ASSERT_TRUE(enabled.ok()) << enabled.status();
  EXPECT_TRUE(enabled->stream_enabled);
  auto stream = store_->GetStream(enabled->stream_id);
  ASSERT_TRUE(stream.ok());
  EXPECT_NE(stream->arn.find("table/Orders/stream/"), std::string::npos);

  ASSERT_TRUE(store_->UpdateStream("Orders", false, std::nullopt).ok());
  Reopen();
  auto closed = store_->GetStream(enabled->stream_id);
  ASSERT_TRUE(closed.ok());
  EXPECT_EQ(closed->status, StreamStatus::kDisabled);
  EXPECT_EQ(store_->ListStreams().size(), 1u);
}

TEST_F(TableStoreTest, DeleteTableRemovesItems) {
  ASSERT_TRUE(store_->CreateTable(Orders(), std::nullopt).ok());
  ASSERT_TRUE(Put(Order("ORD-1", "processing")).ok());
  ASSERT_TRUE(store_->DeleteTable("Orders").ok());
  ASSERT_TRUE(store_->CreateTable(Orders(), std::nullopt).ok());
  auto item = store_->GetItem("Orders", KeyOf("ORD-1"));
  ASSERT_TRUE(item.ok());
  EXPECT_FALSE(item->has_value());
}

}  // namespace
}  // namespace tidings
