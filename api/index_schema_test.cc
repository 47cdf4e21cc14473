#include "api/index_schema.h"

#include <gtest/gtest.h>

namespace tidings {
namespace {

// Parses a CreateTable body for table (pk, sk) and returns the index error.
absl::Status ParseIndexes(const std::string& indexes, const std::string& definitions) {
  std::string body = R"({"AttributeDefinitions":[)" + definitions + "]," + indexes + "}";
  auto request = Request::Parse(body);
  if (!request.ok()) return request.status();
  auto parsed = ParseAttributeDefinitions(*request);
  if (!parsed.ok()) return parsed.status();
  TableDescription table;
  table.billing_mode = "PAY_PER_REQUEST";
  table.hash_key = {"pk", AttributeType::kS};
  table.range_key = KeyElement{"sk", AttributeType::kS};
  return ParseSecondaryIndexes(*request, *parsed, &table);
}

constexpr char kDefinitions[] =
    R"({"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"S"},)"
    R"({"AttributeName":"g","AttributeType":"N"})";

TEST(IndexSchema, AcceptsLocalAndGlobal) {
  absl::Status status = ParseIndexes(
      R"("LocalSecondaryIndexes":[{"IndexName":"ByG","Projection":{"ProjectionType":"ALL"},)"
      R"("KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},)"
      R"({"AttributeName":"g","KeyType":"RANGE"}]}],)"
      R"("GlobalSecondaryIndexes":[{"IndexName":"GByG","Projection":{"ProjectionType":"ALL"},)"
      R"("KeySchema":[{"AttributeName":"g","KeyType":"HASH"}]}])",
      kDefinitions);
  EXPECT_TRUE(status.ok()) << status;
}

TEST(IndexSchema, LocalNeedsTableHashKey) {
  absl::Status status = ParseIndexes(
      R"("LocalSecondaryIndexes":[{"IndexName":"ByG","Projection":{"ProjectionType":"ALL"},)"
      R"("KeySchema":[{"AttributeName":"sk","KeyType":"HASH"},)"
      R"({"AttributeName":"g","KeyType":"RANGE"}]}])",
      kDefinitions);
  EXPECT_EQ(status.message(),
            "One or more parameter values were invalid: Index KeySchema does not have the same "
            "leading hash key as table KeySchema for index: ByG. index hash key: sk, table hash "
            "key: pk");
}

TEST(IndexSchema, LocalNeedsRangeKey) {
  absl::Status status = ParseIndexes(
      R"("LocalSecondaryIndexes":[{"IndexName":"ByG","Projection":{"ProjectionType":"ALL"},)"
      R"("KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}]}])",
      kDefinitions);
  EXPECT_EQ(status.message(),
            "One or more parameter values were invalid: Index KeySchema does not have a range key "
            "for index: ByG");
}

TEST(IndexSchema, NonKeyAttributesNeedInclude) {
  absl::Status status = ParseIndexes(
      R"("GlobalSecondaryIndexes":[{"IndexName":"GByG",)"
      R"("Projection":{"ProjectionType":"KEYS_ONLY","NonKeyAttributes":["x"]},)"
      R"("KeySchema":[{"AttributeName":"g","KeyType":"HASH"}]}])",
      kDefinitions);
  EXPECT_EQ(status.message(),
            "One or more parameter values were invalid: ProjectionType is KEYS_ONLY, but "
            "NonKeyAttributes is specified");
}

TEST(IndexSchema, AtMostFiveLocalIndexes) {
  std::string indexes = R"("LocalSecondaryIndexes":[)";
  for (int i = 0; i < 6; ++i) {
    if (i > 0) indexes += ",";
    indexes += R"({"IndexName":"ByG)" + std::to_string(i) +
               R"(","Projection":{"ProjectionType":"ALL"},)"
               R"("KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},)"
               R"({"AttributeName":"g","KeyType":"RANGE"}]})";
  }
  absl::Status status = ParseIndexes(indexes + "]", kDefinitions);
  EXPECT_EQ(status.message(),
            "One or more parameter values were invalid: Number of LocalSecondaryIndexes exceeds "
            "per-table limit of 5");
}

TEST(IndexSchema, UndefinedIndexKeyRejected) {
  absl::Status status = ParseIndexes(
      R"("GlobalSecondaryIndexes":[{"IndexName":"GByH","Projection":{"ProjectionType":"ALL"},)"
      R"("KeySchema":[{"AttributeName":"h","KeyType":"HASH"}]}])",
      kDefinitions);
  EXPECT_EQ(status.message(),
            "One or more parameter values were invalid: Some index key attributes are not defined "
            "in AttributeDefinitions. Keys: [h], AttributeDefinitions: [g, pk, sk]");
}

}  // namespace
}  // namespace tidings
