// server: the YAML configuration file (format in README.md, "Configuration").
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "triggers/pipeline_spec.h"

namespace tidings {

// Sharding and retention settings of streams (README.md, "Running the server").
struct StreamSettings {
  int shards = 4;                                   // Open shards per stream.
  int64_t shard_period_ms = 4 * 3600 * 1000;        // Age at which open shards roll over.
  int64_t retention_ms = 24 * 3600 * 1000;          // Default age at which records are trimmed.
  int64_t iterator_lifetime_ms = 15 * 60 * 1000;    // Age at which shard iterators expire.
};

struct Config {
  std::string region = "us-east-1";  // awsRegion of stream records and ARNs.
  std::vector<PipelineSpec> pipelines;
  // The config file's `streams` section; unset fields keep their defaults.
  std::optional<int> stream_shards;
  std::optional<int64_t> stream_shard_period_ms;
  std::optional<int64_t> stream_retention_ms;
};

// Reads and validates the file at `path`. Errors name the file, the line and
// the key, e.g. `config "x.yaml", line 7: pipelines[0].batch_size must be a
// whole number from 1 to 10000, not "abc"`.
absl::StatusOr<Config> LoadConfig(const std::string& path);
// Same, from text; `origin` names the source in messages.
absl::StatusOr<Config> ParseConfig(const std::string& text, const std::string& origin);

}  // namespace tidings
