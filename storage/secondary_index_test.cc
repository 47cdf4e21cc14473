#include "storage/secondary_index.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "storage/statistics.h"
#include "storage/table_store.h"

namespace tidings {
namespace {

// Orders(customer, orderId) with a global index ByStatus(status, amount) that
// projects `total` only.
TableDescription OrdersTable() {
  TableDescription table;
  table.name = "Orders";
  table.id = 7;
  table.hash_key = {"customer", AttributeType::kS};
  table.range_key = KeyElement{"orderId", AttributeType::kS};
  SecondaryIndex index;
  index.name = "ByStatus";
  index.id = 8;
  index.hash_key = {"status", AttributeType::kS};
  index.range_key = KeyElement{"amount", AttributeType::kN};
  index.projection = ProjectionType::kInclude;
  index.non_key_attributes = {"total"};
  table.indexes.push_back(index);
  return table;
}

Item Order(const std::string& order_id, const std::string& status, const std::string& amount) {
  return {{"customer", AttributeValue::String("c1")},
          {"orderId", AttributeValue::String(order_id)},
          {"status", AttributeValue::String(status)},
          {"amount", AttributeValue::Number(amount)},
          {"total", AttributeValue::Number("1")},
          {"note", AttributeValue::String("not projected")}};
}

TEST(SecondaryIndex, EntryKeysSortByIndexRange) {
  TableDescription table = OrdersTable();
  const SecondaryIndex& index = table.indexes[0];
  auto small = EncodeIndexEntryKey(table, index, Order("z", "open", "-3"));
  auto large = EncodeIndexEntryKey(table, index, Order("a", "open", "20"));
  ASSERT_TRUE(small.ok()) << small.status();
  ASSERT_TRUE(large.ok()) << large.status();
  EXPECT_LT(*small, *large);
}

TEST(SecondaryIndex, StringRangePrefixSortsFirst) {
  TableDescription table = OrdersTable();
  SecondaryIndex& index = table.indexes[0];
  index.range_key = KeyElement{"orderId", AttributeType::kS};
  Item shorter = Order("zz", "open", "1");
  shorter["orderId"] = AttributeValue::String("ab");
  Item longer = Order("aa", "open", "1");
  longer["orderId"] = AttributeValue::String("ab\x01");
  auto a = EncodeIndexEntryKey(table, index, shorter);
  auto b = EncodeIndexEntryKey(table, index, longer);
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_LT(*a, *b);
}

TEST(SecondaryIndex, ProjectionKeepsKeysAndIncluded) {
  TableDescription table = OrdersTable();
  Item entry = ProjectItem(table, table.indexes[0], Order("o1", "open", "5"));
  EXPECT_EQ(entry.size(), 5u);
  EXPECT_EQ(entry.count("note"), 0u);
  EXPECT_EQ(entry.count("total"), 1u);
}

TEST(SecondaryIndex, ItemWithoutIndexKeyIsSparse) {
  TableDescription table = OrdersTable();
  Item item = Order("o1", "open", "5");
  item.erase("amount");
  EXPECT_FALSE(BelongsToIndex(table.indexes[0], item));
  EXPECT_TRUE(IndexEntryChanges(table, nullptr, &item).empty());
}

TEST(SecondaryIndex, WrongTypeIsRejected) {
  TableDescription table = OrdersTable();
  Item item = Order("o1", "open", "5");
  item["status"] = AttributeValue::Number("3");
  absl::Status status = CheckIndexKeys(table, item);
  EXPECT_EQ(status.message(),
            "One or more parameter values were invalid: Type mismatch for Index Key status "
            "Expected: S Actual: N IndexName: ByStatus");
}

TEST(SecondaryIndex, EmptyStringIsRejected) {
  TableDescription table = OrdersTable();
  Item item = Order("o1", "", "5");
  absl::Status status = CheckIndexKeys(table, item);
  EXPECT_EQ(status.message(),
            "One or more parameter values are not valid. A value specified for a secondary index "
            "key is not supported. The AttributeValue for a key attribute cannot contain an empty "
            "string value. IndexName: ByStatus, IndexKey: status");
}

TEST(SecondaryIndex, UnprojectedChangeWritesNoEntry) {
  TableDescription table = OrdersTable();
  Item before = Order("o1", "open", "5");
  Item after = before;
  after["note"] = AttributeValue::String("changed");
  EXPECT_TRUE(IndexEntryChanges(table, &before, &after).empty());
  after["status"] = AttributeValue::String("shipped");
  auto changes = IndexEntryChanges(table, &before, &after);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_TRUE(changes[0].key_changed);
}

TEST(SecondaryIndex, CatalogEntryRoundTrips) {
  TableDescription table = OrdersTable();
  std::string serialized = SerializeTable(table);
  EXPECT_NE(serialized.find(R"("version":2)"), std::string::npos);
  auto parsed = ParseTable(serialized);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->indexes.size(), 1u);
  const SecondaryIndex& index = parsed->indexes[0];
  EXPECT_EQ(index.name, "ByStatus");
  EXPECT_EQ(index.id, 8u);
  EXPECT_TRUE(index.global);
  EXPECT_EQ(index.range_key->name, "amount");
  EXPECT_EQ(index.range_key->type, AttributeType::kN);
  EXPECT_EQ(index.projection, ProjectionType::kInclude);
  EXPECT_EQ(index.non_key_attributes, std::vector<std::string>{"total"});
}

TEST(SecondaryIndex, VersionOneEntryLoads) {
  TableDescription table = OrdersTable();
  table.indexes.clear();
  std::string serialized = SerializeTable(table);
  EXPECT_NE(serialized.find(R"("version":1)"), std::string::npos);
  auto parsed = ParseTable(serialized);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_TRUE(parsed->indexes.empty());
}

class IndexStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("tidings_index_store_" + std::to_string(::getpid()) + "_" +
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
    options.durability = Durability::kAsync;  // No fsync per write; these tests do not crash.
    auto engine = StorageEngine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = *std::move(engine);
    store_ = std::make_unique<TableStore>(engine_.get(), TableStore::Options{});
    ASSERT_TRUE(store_->Load().ok());
  }
  absl::Status Write(const Item& key, std::optional<Item> item) {
    auto result = store_->MutateItem(
        "Orders", key, [&](const std::optional<Item>&) { return item; });
    return result.status();
  }
  static Item KeyOf(const std::string& order_id) {
    return {{"customer", AttributeValue::String("c1")},
            {"orderId", AttributeValue::String(order_id)}};
  }

  std::filesystem::path dir_;
  std::unique_ptr<StorageEngine> engine_;
  std::unique_ptr<TableStore> store_;
};

TEST_F(IndexStoreTest, StatisticsFollowWrites) {
  auto table = store_->CreateTable(OrdersTable(), std::nullopt);
  ASSERT_TRUE(table.ok()) << table.status();
  ASSERT_TRUE(Write(KeyOf("o1"), Order("o1", "open", "5")).ok());
  ASSERT_TRUE(Write(KeyOf("o2"), Order("o2", "open", "6")).ok());
  ASSERT_TRUE(Write(KeyOf("o1"), std::nullopt).ok());

  auto table_statistics = store_->GetStatistics(table->id);
  ASSERT_TRUE(table_statistics.ok()) << table_statistics.status();
  EXPECT_EQ(table_statistics->item_count, 1);
  EXPECT_EQ(table_statistics->size_bytes, static_cast<int64_t>(ItemSize(Order("o2", "open", "6"))));
  auto index_statistics = store_->GetStatistics(table->indexes[0].id);
  ASSERT_TRUE(index_statistics.ok()) << index_statistics.status();
  EXPECT_EQ(index_statistics->item_count, 1);

  Reopen();
  auto reopened = store_->GetStatistics(table->id);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ(reopened->item_count, 1);
}

TEST_F(IndexStoreTest, BackfillRacesWritesExactly) {
  TableDescription plain = OrdersTable();
  plain.indexes.clear();
  ASSERT_TRUE(store_->CreateTable(plain, std::nullopt).ok());
  for (int n = 0; n < 600; ++n) {
    std::string id = "o" + std::to_string(n);
    ASSERT_TRUE(Write(KeyOf(id), Order(id, "open", std::to_string(n))).ok());
  }

  auto updated = store_->UpdateGlobalIndexes("Orders", {OrdersTable().indexes[0]}, {});
  ASSERT_TRUE(updated.ok()) << updated.status();
  // Move, remove and add items while the backfill runs.
  for (int n = 0; n < 600; n += 3) {
    std::string id = "o" + std::to_string(n);
    ASSERT_TRUE(Write(KeyOf(id), Order(id, "shipped", std::to_string(n))).ok());
    std::string next = "o" + std::to_string(n + 1);
    ASSERT_TRUE(Write(KeyOf(next), std::nullopt).ok());
    std::string extra = "x" + std::to_string(n);
    ASSERT_TRUE(Write(KeyOf(extra), Order(extra, "open", "1")).ok());
  }
  store_->WaitForBackfills();

  auto entries = store_->ScanIndex("Orders", "ByStatus", std::nullopt, 100000);
  ASSERT_TRUE(entries.ok()) << entries.status();
  auto items = store_->ScanItems("Orders", std::nullopt, 100000);
  ASSERT_TRUE(items.ok()) << items.status();
  EXPECT_EQ(entries->items.size(), items->items.size());
  auto statistics = store_->GetStatistics(updated->indexes[0].id);
  ASSERT_TRUE(statistics.ok()) << statistics.status();
  EXPECT_EQ(statistics->item_count, static_cast<int64_t>(entries->items.size()));
}

TEST_F(IndexStoreTest, TableWithoutStatisticsIsCounted) {
  TableDescription plain = OrdersTable();
  plain.indexes.clear();
  auto table = store_->CreateTable(plain, std::nullopt);
  ASSERT_TRUE(table.ok()) << table.status();
  ASSERT_TRUE(Write(KeyOf("o1"), Order("o1", "open", "5")).ok());
  ASSERT_TRUE(Write(KeyOf("o2"), Order("o2", "open", "6")).ok());
  // A table written by a version without statistics has no statistics key.
  rocksdb::Status deleted = engine_->db()->Delete(rocksdb::WriteOptions(), engine_->catalog(),
                                                  StatisticsKey(table->id));
  ASSERT_TRUE(deleted.ok()) << deleted.ToString();

  Reopen();
  auto statistics = store_->GetStatistics(table->id);
  ASSERT_TRUE(statistics.ok()) << statistics.status();
  EXPECT_EQ(statistics->item_count, 2);
  ASSERT_TRUE(Write(KeyOf("o1"), std::nullopt).ok());
  auto after_delete = store_->GetStatistics(table->id);
  ASSERT_TRUE(after_delete.ok()) << after_delete.status();
  EXPECT_EQ(after_delete->item_count, 1);
}

TEST_F(IndexStoreTest, QueryIndexOrdersByRange) {
  ASSERT_TRUE(store_->CreateTable(OrdersTable(), std::nullopt).ok());
  ASSERT_TRUE(Write(KeyOf("o1"), Order("o1", "open", "30")).ok());
  ASSERT_TRUE(Write(KeyOf("o2"), Order("o2", "open", "-2")).ok());
  ASSERT_TRUE(Write(KeyOf("o3"), Order("o3", "closed", "1")).ok());

  auto page = store_->QueryIndex("Orders", "ByStatus", AttributeValue::String("open"),
                                 [](const Item&) { return true; }, false, std::nullopt, 1);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].at("orderId").scalar(), "o1");
  ASSERT_TRUE(page->last_evaluated_key.has_value());
  EXPECT_EQ(page->last_evaluated_key->size(), 4u);

  auto next = store_->QueryIndex("Orders", "ByStatus", AttributeValue::String("open"),
                                 [](const Item&) { return true; }, false,
                                 page->last_evaluated_key, 10);
  ASSERT_TRUE(next.ok()) << next.status();
  ASSERT_EQ(next->items.size(), 1u);
  EXPECT_EQ(next->items[0].at("orderId").scalar(), "o2");
}

TEST_F(IndexStoreTest, InvalidIndexKeyWritesNothing) {
  auto table = store_->CreateTable(OrdersTable(), std::nullopt);
  ASSERT_TRUE(table.ok()) << table.status();
  Item bad = Order("o1", "open", "5");
  bad["amount"] = AttributeValue::String("five");
  EXPECT_FALSE(Write(KeyOf("o1"), bad).ok());
  auto item = store_->GetItem("Orders", KeyOf("o1"));
  ASSERT_TRUE(item.ok()) << item.status();
  EXPECT_FALSE(item->has_value());
  auto statistics = store_->GetStatistics(table->id);
  ASSERT_TRUE(statistics.ok()) << statistics.status();
  EXPECT_EQ(statistics->item_count, 0);
}

TEST_F(IndexStoreTest, NewIndexIsBackfilled) {
  TableDescription plain = OrdersTable();
  plain.indexes.clear();
  ASSERT_TRUE(store_->CreateTable(plain, std::nullopt).ok());
  ASSERT_TRUE(Write(KeyOf("o1"), Order("o1", "open", "5")).ok());
  Item sparse = Order("o2", "open", "6");
  sparse.erase("status");
  ASSERT_TRUE(Write(KeyOf("o2"), sparse).ok());

  auto updated = store_->UpdateGlobalIndexes("Orders", {OrdersTable().indexes[0]}, {});
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->indexes[0].status, IndexStatus::kCreating);
  store_->WaitForBackfills();
  auto described = store_->GetTable("Orders");
  ASSERT_TRUE(described.ok()) << described.status();
  EXPECT_EQ(described->indexes[0].status, IndexStatus::kActive);
  auto page = store_->ScanIndex("Orders", "ByStatus", std::nullopt, 100);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->items.size(), 1u);
  auto statistics = store_->GetStatistics(updated->indexes[0].id);
  ASSERT_TRUE(statistics.ok()) << statistics.status();
  EXPECT_EQ(statistics->item_count, 1);

  auto removed = store_->UpdateGlobalIndexes("Orders", {}, {"ByStatus"});
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_EQ(removed->indexes[0].status, IndexStatus::kDeleting);
  auto deleted_scan = store_->ScanIndex("Orders", "ByStatus", std::nullopt, 100);
  EXPECT_FALSE(deleted_scan.ok());
}

}  // namespace
}  // namespace tidings
