#include "storage/key_codec.h"

#include <gtest/gtest.h>

namespace tidings {
namespace {

TableDescription OrdersTable() {
  TableDescription table;
  table.name = "Orders";
  table.id = 7;
  table.hash_key = {"customer", AttributeType::kS};
  table.range_key = KeyElement{"amount", AttributeType::kN};
  return table;
}

Item Key(const std::string& customer, const std::string& amount) {
  return {{"customer", AttributeValue::String(customer)},
          {"amount", AttributeValue::Number(amount)}};
}

TEST(KeyCodec, RangeKeysSortByValue) {
  TableDescription table = OrdersTable();
  auto small = EncodeItemKey(table, Key("c", "-3"));
  auto large = EncodeItemKey(table, Key("c", "20"));
  ASSERT_TRUE(small.ok());
  ASSERT_TRUE(large.ok());
  EXPECT_LT(*small, *large);
}

TEST(KeyCodec, EqualNumbersShareKey) {
  TableDescription table = OrdersTable();
  EXPECT_EQ(*EncodeItemKey(table, Key("c", "1")), *EncodeItemKey(table, Key("c", "1.0")));
}

TEST(KeyCodec, RejectsWrongKeyType) {
  TableDescription table = OrdersTable();
  Item key = {{"customer", AttributeValue::Number("1")}, {"amount", AttributeValue::Number("1")}};
  EXPECT_FALSE(EncodeItemKey(table, key).ok());
}

TEST(KeyCodec, RejectsExtraKeyAttribute) {
  TableDescription table = OrdersTable();
  Item key = Key("c", "1");
  key["other"] = AttributeValue::String("x");
  EXPECT_FALSE(EncodeItemKey(table, key).ok());
  EXPECT_TRUE(EncodeKeyOfItem(table, key).ok());
}

TEST(KeyCodec, RejectsEmptyStringKey) {
  TableDescription table = OrdersTable();
  EXPECT_FALSE(EncodeItemKey(table, Key("", "1")).ok());
}

}  // namespace
}  // namespace tidings
