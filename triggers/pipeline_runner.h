// triggers: runs one pipeline (an event source mapping with a notify action).
//
// The runner follows its source table's current stream from a durable
// checkpoint. It reads every shard of the stream merged in sequence-number
// order (StreamReader::ReadAfter), so one position covers all shards and
// rollovers, and each item's changes arrive in order. It groups records into
// batches as Lambda does (batch size and batching window), drops records
// that no filter matches, and turns each remaining record into a broadcast. The broadcasts of a batch and the
// checkpoint after it commit in one RocksDB batch: a crash loses both or
// neither, so a record never produces its notification twice or not at all
// (tests/e2e/test_durability.py kills the server to check it). Broadcasts also
// carry an idempotency key made of the stream id and sequence number.
//
// The pipeline may start before its table or stream exists: it waits for the
// stream and starts reading when it appears. When the table's stream changes
// (disabled and enabled again, or the table recreated), the runner finishes
// the old stream before moving to the new one.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <thread>

#include "absl/status/statusor.h"
#include "notify/notification_store.h"
#include "observe/metrics.h"
#include "storage/engine.h"
#include "storage/table_store.h"
#include "streams/stream_reader.h"
#include "streams/stream_writer.h"
#include "triggers/filter_criteria.h"
#include "triggers/pipeline_spec.h"
#include "triggers/record_template.h"

namespace tidings {

struct PipelineDependencies {
  StorageEngine* engine = nullptr;
  const TableStore* tables = nullptr;
  const StreamReader* reader = nullptr;
  StreamNotifier* notifier = nullptr;
  notify::NotificationStore* notifications = nullptr;
};

// The durable position of a pipeline (layout in docs/formats/checkpoint.md).
struct Checkpoint {
  uint64_t stream_id = 0;  // The stream being read; 0 before the first one.
  uint64_t after = 0;      // The last sequence number processed in that stream.
  // Records with sequence numbers at or below this are never processed: the
  // last number in use when a LATEST pipeline was first started, else 0.
  uint64_t floor = 0;
};

class PipelineRunner {
 public:
  // Compiles the spec's filters and templates; errors name the pipeline.
  static absl::StatusOr<std::unique_ptr<PipelineRunner>> Create(PipelineSpec spec,
                                                                PipelineDependencies deps);
  ~PipelineRunner();

  void Start();
  // Stops after the batch in progress; returns when the thread has exited.
  void Stop();

  // Processes every available batch once; returns how many records were read.
  // Start() calls it in a loop; tests may call it directly.
  absl::StatusOr<int> RunOnce();

  const PipelineSpec& spec() const { return spec_; }

 private:
  PipelineRunner(PipelineSpec spec, PipelineDependencies deps, FilterCriteria filters,
                 RecordTemplate title, RecordTemplate content, RecordTemplate recipient,
                 RecordTemplate action_url);

  void Loop();
  absl::StatusOr<Checkpoint> LoadCheckpoint();
  // Moves the checkpoint to the stream that should be read now; returns false
  // when there is none.
  bool SelectStream(Checkpoint* checkpoint);
  absl::Status ProcessBatch(const Checkpoint& checkpoint, const RecordBatch& batch);

  PipelineSpec spec_;
  PipelineDependencies deps_;
  FilterCriteria filters_;
  RecordTemplate title_;
  RecordTemplate content_;
  RecordTemplate recipient_;
  RecordTemplate action_url_;

  // tidings_pipeline_*{pipeline}: records read, notifications created,
  // records dropped, failed batches, and the age of the last record processed.
  Counter* records_metric_;
  Counter* notifications_metric_;
  Counter* dropped_metric_;
  Counter* failed_batches_metric_;
  Gauge* iterator_age_metric_;

  std::optional<Checkpoint> checkpoint_;  // Cached; owned by the runner thread.
  std::optional<int64_t> window_started_ms_;  // When a partial batch was first seen.
  std::atomic<bool> running_{false};
  std::thread thread_;
};

}  // namespace tidings
