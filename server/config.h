// server: the YAML configuration file (format in README.md, "Configuration").
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "triggers/pipeline_spec.h"

namespace tidings {

struct Config {
  std::string region = "us-east-1";  // awsRegion of stream records and ARNs.
  std::vector<PipelineSpec> pipelines;
};

// Reads and validates the file at `path`. Errors name the file, the line and
// the key, e.g. `config "x.yaml", line 7: pipelines[0].batch_size must be a
// whole number from 1 to 10000, not "abc"`.
absl::StatusOr<Config> LoadConfig(const std::string& path);
// Same, from text; `origin` names the source in messages.
absl::StatusOr<Config> ParseConfig(const std::string& text, const std::string& origin);

}  // namespace tidings
