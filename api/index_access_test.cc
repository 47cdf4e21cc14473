#include "api/index_access.h"

#include <gtest/gtest.h>

namespace tidings {
namespace {

TableDescription UsersTable(IndexStatus status) {
  TableDescription table;
  table.name = "Users";
  table.hash_key = {"id", AttributeType::kS};
  SecondaryIndex index;
  index.name = "ByTeam";
  index.hash_key = {"team", AttributeType::kS};
  index.projection = ProjectionType::kKeysOnly;
  index.status = status;
  table.indexes.push_back(index);
  return table;
}

// Resolves `body` against `table`, which the returned IndexRead points into.
absl::StatusOr<IndexRead> Resolve(const std::string& body, const TableDescription& table) {
  auto request = Request::Parse(body);
  if (!request.ok()) return request.status();
  return ResolveIndexRead(*request, table);
}

TEST(IndexAccess, BackfillingIndexRejected) {
  TableDescription table = UsersTable(IndexStatus::kCreating);
  auto read = Resolve(R"({"IndexName":"ByTeam"})", table);
  EXPECT_EQ(read.status().message(), "Cannot read from backfilling global secondary index");
}

TEST(IndexAccess, ActiveIndexResolved) {
  TableDescription table = UsersTable(IndexStatus::kActive);
  auto read = Resolve(R"({"IndexName":"ByTeam"})", table);
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_NE(read->index, nullptr);
  EXPECT_EQ(read->index->name, "ByTeam");
  EXPECT_FALSE(read->fetch_from_table);
}

TEST(IndexAccess, AllAttributesNeedsFullProjection) {
  TableDescription table = UsersTable(IndexStatus::kActive);
  auto read = Resolve(R"({"IndexName":"ByTeam","Select":"ALL_ATTRIBUTES"})", table);
  EXPECT_EQ(read.status().message(),
            "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not "
            "supported for global secondary index ByTeam because its projection type is not ALL");
}

}  // namespace
}  // namespace tidings
