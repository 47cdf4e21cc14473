// triggers: the declared shape of a pipeline, as read from the config file.
//
// A pipeline is an event source mapping with Lambda's settings (batch size,
// batching window, starting position, filter criteria) whose function is a
// declarative notify action.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tidings {

enum class StartingPosition { kTrimHorizon, kLatest };

// Notification fields, each a record template (see record_template.h).
struct NotifyActionSpec {
  std::string title;
  std::string content;
  std::string recipient_external_id;
  std::string category;
  std::string topic;
  std::string action_url;
};

struct PipelineSpec {
  std::string name;          // Unique; names the pipeline's checkpoint.
  std::string source_table;  // The pipeline reads this table's current stream.
  StartingPosition starting_position = StartingPosition::kLatest;
  int batch_size = 100;                 // Records per invocation, 1 to 10000.
  int64_t batching_window_ms = 0;       // Maximum wait to fill a batch, 0 to 300000.
  std::vector<std::string> filter_patterns;  // JSON filter patterns; any may match.
  NotifyActionSpec notify;
};

}  // namespace tidings
