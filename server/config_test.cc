#include "server/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tidings {
namespace {

using ::testing::HasSubstr;

TEST(Config, ReadsPipeline) {
  auto config = ParseConfig(R"(
region: eu-west-1
pipelines:
  - name: shipped
    source: {table: Orders}
    starting_position: TRIM_HORIZON
    batch_size: 10
    maximum_batching_window_in_seconds: 2
    filter_criteria:
      filters:
        - pattern: '{"eventName":["MODIFY"]}'
        - pattern:
            dynamodb:
              NewImage:
                amount: {N: [{numeric: [">", 100]}]}
    notify:
      title: "Order {{new.orderId}} shipped"
      recipient_external_id: "{{new.userId}}"
      category: order_update
)", "test.yaml");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->region, "eu-west-1");
  ASSERT_EQ(config->pipelines.size(), 1u);
  const PipelineSpec& spec = config->pipelines[0];
  EXPECT_EQ(spec.source_table, "Orders");
  EXPECT_EQ(spec.starting_position, StartingPosition::kTrimHorizon);
  EXPECT_EQ(spec.batch_size, 10);
  EXPECT_EQ(spec.batching_window_ms, 2000);
  ASSERT_EQ(spec.filter_patterns.size(), 2u);
  EXPECT_EQ(spec.filter_patterns[1], R"({"dynamodb":{"NewImage":{"amount":{"N":[{"numeric":[">",100]}]}}}})");
  EXPECT_EQ(spec.notify.category, "order_update");
}

TEST(Config, ReadsStreamSettings) {
  auto config = ParseConfig("streams:\n  shards: 2\n  shard_period: 30m\n  retention: 7d\n",
                            "test.yaml");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->stream_shards, 2);
  EXPECT_EQ(config->stream_shard_period_ms, 30 * 60 * 1000);
  EXPECT_EQ(config->stream_retention_ms, 7 * 24 * 3600 * 1000LL);
}

TEST(Config, BadStreamRetentionNamesKey) {
  auto config = ParseConfig("streams:\n  retention: soon\n", "test.yaml");
  EXPECT_THAT(config.status().message(), HasSubstr("line 2: streams.retention"));
}

TEST(Config, UnknownKeyNamesLine) {
  auto config = ParseConfig("pipelines:\n  - name: a\n    sauce: {table: T}\n", "bad.yaml");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), HasSubstr("line 3"));
  EXPECT_THAT(config.status().message(), HasSubstr("\"sauce\""));
}

TEST(Config, BadBatchSizeNamesKey) {
  auto config = ParseConfig(
      "pipelines:\n  - name: a\n    source: {table: T}\n    batch_size: lots\n"
      "    notify: {title: t, recipient_external_id: u}\n",
      "bad.yaml");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), HasSubstr("line 4"));
  EXPECT_THAT(config.status().message(), HasSubstr("pipelines[0].batch_size"));
}

TEST(Config, InvalidYamlNamesLine) {
  auto config = ParseConfig("pipelines:\n  - name: [unclosed\n", "bad.yaml");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), HasSubstr("invalid YAML"));
}

TEST(Config, BadTemplateNamesLine) {
  auto config = ParseConfig(
      "pipelines:\n  - name: a\n    source: {table: T}\n"
      "    notify:\n      title: \"x {{new.a\"\n      recipient_external_id: u\n",
      "bad.yaml");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), HasSubstr("line 5"));
  EXPECT_THAT(config.status().message(), HasSubstr("pipelines[0].notify.title"));
}

TEST(Config, BadFilterPatternNamesLine) {
  auto config = ParseConfig(
      "pipelines:\n  - name: a\n    source: {table: T}\n    filter_criteria:\n      filters:\n"
      "        - pattern: '{\"eventName\": \"MODIFY\"}'\n"
      "    notify: {title: t, recipient_external_id: u}\n",
      "bad.yaml");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), HasSubstr("line 6"));
  EXPECT_THAT(config.status().message(), HasSubstr("filters[0].pattern is invalid"));
}

TEST(Config, DuplicateNamesRejected) {
  std::string pipeline =
      "  - name: a\n    source: {table: T}\n    notify: {title: t, recipient_external_id: u}\n";
  auto config = ParseConfig("pipelines:\n" + pipeline + pipeline, "dup.yaml");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), HasSubstr("used twice"));
}

}  // namespace
}  // namespace tidings
