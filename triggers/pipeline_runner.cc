#include "triggers/pipeline_runner.h"

#include <algorithm>
#include <chrono>

#include "common/clock.h"
#include "common/errors.h"
#include "common/logging.h"
#include "fmt/format.h"
#include "rapidjson/document.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace tidings {
namespace {

constexpr int kCheckpointFormatVersion = 1;
constexpr int64_t kIdleWaitMs = 500;
constexpr int64_t kMaxBackoffMs = 5000;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string CheckpointKey(const std::string& pipeline) { return "pipeline/" + pipeline; }

std::string SerializeCheckpoint(const Checkpoint& checkpoint) {
  return fmt::format(R"({{"version":{},"stream_id":{},"after":{},"floor":{}}})",
                     kCheckpointFormatVersion, checkpoint.stream_id, checkpoint.after,
                     checkpoint.floor);
}

absl::StatusOr<Checkpoint> ParseCheckpoint(std::string_view text) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("version") ||
      !doc["version"].IsInt() || doc["version"].GetInt() != kCheckpointFormatVersion ||
      !doc.HasMember("stream_id") ||
      !doc.HasMember("after") || !doc.HasMember("floor")) {
    return absl::DataLossError("pipeline checkpoint is not in a known format");
  }
  Checkpoint checkpoint;
  checkpoint.stream_id = doc["stream_id"].GetUint64();
  checkpoint.after = doc["after"].GetUint64();
  checkpoint.floor = doc["floor"].GetUint64();
  return checkpoint;
}

// Renames userIdentity's members from the Streams API's spelling (Type,
// PrincipalId) to the one Lambda events use (type, principalId), so filter
// patterns and templates written for Lambda match.
void ToLambdaEventShape(rapidjson::Document* record) {
  if (!record->HasMember("userIdentity")) return;
  rapidjson::Value& identity = (*record)["userIdentity"];
  if (!identity.IsObject()) return;
  for (auto& member : identity.GetObject()) {
    std::string_view name(member.name.GetString(), member.name.GetStringLength());
    if (name == "Type") member.name.SetString("type", record->GetAllocator());
    if (name == "PrincipalId") member.name.SetString("principalId", record->GetAllocator());
  }
}

// Returns how old `record` is, from its whole-second ApproximateCreationDateTime.
double RecordAgeSeconds(const std::string& record_json) {
  rapidjson::Document record;
  record.Parse(record_json.c_str(), record_json.size());
  if (record.HasParseError() || !record.HasMember("dynamodb")) return 0;
  const auto& created = record["dynamodb"]["ApproximateCreationDateTime"];
  if (!created.IsInt64()) return 0;
  double age = static_cast<double>(SystemNowMs()) / 1000.0 - static_cast<double>(created.GetInt64());
  return age > 0 ? age : 0;
}

}  // namespace

absl::StatusOr<std::unique_ptr<PipelineRunner>> PipelineRunner::Create(PipelineSpec spec,
                                                                       PipelineDependencies deps) {
  auto invalid = [&](const char* what, const absl::Status& status) {
    return absl::InvalidArgumentError(
        fmt::format("pipeline \"{}\": invalid {}: {}", spec.name, what, status.message()));
  };
  auto filters = FilterCriteria::Parse(spec.filter_patterns);
  if (!filters.ok()) return invalid("filter pattern", filters.status());
  auto title = RecordTemplate::Parse(spec.notify.title);
  if (!title.ok()) return invalid("notify.title template", title.status());
  auto content = RecordTemplate::Parse(spec.notify.content);
  if (!content.ok()) return invalid("notify.content template", content.status());
  auto recipient = RecordTemplate::Parse(spec.notify.recipient_external_id);
  if (!recipient.ok()) return invalid("notify.recipient_external_id template", recipient.status());
  auto action_url = RecordTemplate::Parse(spec.notify.action_url);
  if (!action_url.ok()) return invalid("notify.action_url template", action_url.status());
  return std::unique_ptr<PipelineRunner>(new PipelineRunner(
      std::move(spec), deps, *std::move(filters), *std::move(title), *std::move(content),
      *std::move(recipient), *std::move(action_url)));
}

PipelineRunner::PipelineRunner(PipelineSpec spec, PipelineDependencies deps,
                               FilterCriteria filters, RecordTemplate title,
                               RecordTemplate content, RecordTemplate recipient,
                               RecordTemplate action_url)
    : spec_(std::move(spec)),
      deps_(deps),
      filters_(std::move(filters)),
      title_(std::move(title)),
      content_(std::move(content)),
      recipient_(std::move(recipient)),
      action_url_(std::move(action_url)) {
  Labels labels = {{"pipeline", spec_.name}};
  MetricsRegistry& metrics = DefaultMetrics();
  records_metric_ = metrics.GetCounter("tidings_pipeline_records_total",
                                       "Stream records a pipeline has processed.", labels);
  notifications_metric_ = metrics.GetCounter(
      "tidings_pipeline_notifications_total", "Broadcasts a pipeline has created.", labels);
  dropped_metric_ = metrics.GetCounter(
      "tidings_pipeline_dropped_total",
      "Records that matched a filter but rendered an invalid notification.", labels);
  failed_batches_metric_ = metrics.GetCounter(
      "tidings_pipeline_failed_batches_total", "Batches that failed and were retried.", labels);
  iterator_age_metric_ = metrics.GetGauge(
      "tidings_iterator_age_seconds",
      "Age of the last record a pipeline processed, from its ApproximateCreationDateTime.",
      labels);
}

PipelineRunner::~PipelineRunner() { Stop(); }

void PipelineRunner::Start() {
  running_ = true;
  thread_ = std::thread([this] { Loop(); });
}

void PipelineRunner::Stop() {
  if (!running_.exchange(false)) return;
  deps_.notifier->Notify();
  if (thread_.joinable()) thread_.join();
}

void PipelineRunner::Loop() {
  Logger("triggers")->info("[pipeline={}] started, source table {}", spec_.name, spec_.source_table);
  int64_t backoff_ms = 100;
  while (running_) {
    uint64_t version = deps_.notifier->Version();
    auto processed = RunOnce();
    if (!processed.ok()) {
      failed_batches_metric_->Increment();
      Logger("triggers")->warn("[pipeline={}] batch failed, retrying in {} ms: {}", spec_.name,
                               backoff_ms, processed.status().message());
      deps_.notifier->WaitForChange(UINT64_MAX, backoff_ms);  // Sleeps unless stopped.
      backoff_ms = std::min(backoff_ms * 2, kMaxBackoffMs);
      continue;
    }
    backoff_ms = 100;
    if (*processed == 0) deps_.notifier->WaitForChange(version, kIdleWaitMs);
  }
  Logger("triggers")->info("[pipeline={}] stopped", spec_.name);
}

absl::StatusOr<Checkpoint> PipelineRunner::LoadCheckpoint() {
  if (checkpoint_) return *checkpoint_;
  std::string value;
  rocksdb::Status status = deps_.engine->db()->Get(
      rocksdb::ReadOptions(), deps_.engine->checkpoints(), CheckpointKey(spec_.name), &value);
  if (status.ok()) {
    auto checkpoint = ParseCheckpoint(value);
    if (!checkpoint.ok()) return checkpoint.status();
    checkpoint_ = *checkpoint;
    return *checkpoint_;
  }
  if (!status.IsNotFound()) return FromRocksDb(status);

  // First start: fix where LATEST begins, durably, before reading anything.
  Checkpoint checkpoint;
  if (spec_.starting_position == StartingPosition::kLatest) {
    checkpoint.floor = deps_.engine->LastSequenceNumber();
  }
  rocksdb::WriteBatch batch;
  batch.Put(deps_.engine->checkpoints(), CheckpointKey(spec_.name), SerializeCheckpoint(checkpoint));
  if (auto s = deps_.engine->Write(&batch); !s.ok()) return s;
  checkpoint_ = checkpoint;
  return checkpoint;
}

bool PipelineRunner::SelectStream(Checkpoint* checkpoint) {
  auto table = deps_.tables->GetTable(spec_.source_table);
  uint64_t current = table.ok() ? table->stream_id : 0;
  if (checkpoint->stream_id == current) return current != 0;
  if (checkpoint->stream_id != 0) {
    auto old_stream = deps_.tables->GetStream(checkpoint->stream_id);
    bool open = old_stream.ok() && old_stream->status == StreamStatus::kEnabled;
    bool unread = deps_.reader->LastSequenceNumber(checkpoint->stream_id) > checkpoint->after;
    if (open || unread || current == 0) return true;  // Finish the old stream first.
  }
  auto stream = deps_.tables->GetStream(current);
  Logger("triggers")->info("[pipeline={}] reading the stream of table {} labelled {}", spec_.name,
                           spec_.source_table, stream.ok() ? stream->label : "?");
  checkpoint->stream_id = current;
  checkpoint->after = 0;
  return true;
}

absl::StatusOr<int> PipelineRunner::RunOnce() {
  auto loaded = LoadCheckpoint();
  if (!loaded.ok()) return loaded.status();
  Checkpoint checkpoint = *loaded;
  if (!SelectStream(&checkpoint)) return 0;

  uint64_t position = std::max(checkpoint.after, checkpoint.floor);
  auto batch = deps_.reader->ReadAfter(checkpoint.stream_id, position, spec_.batch_size);
  if (!batch.ok()) return batch.status();
  if (batch->records.empty()) {
    checkpoint_ = checkpoint;
    return 0;
  }
  if (static_cast<int>(batch->records.size()) < spec_.batch_size && spec_.batching_window_ms > 0) {
    // TODO: wait only for the rest of the window instead of whole idle periods.
    if (!window_started_ms_) window_started_ms_ = NowMs();
    if (NowMs() - *window_started_ms_ < spec_.batching_window_ms) return 0;
  }
  window_started_ms_.reset();

  if (auto s = ProcessBatch(checkpoint, *batch); !s.ok()) return s;
  return static_cast<int>(batch->records.size());
}

absl::Status PipelineRunner::ProcessBatch(const Checkpoint& checkpoint, const RecordBatch& batch) {
  rocksdb::WriteBatch write_batch;
  int notified = 0;
  for (const std::string& text : batch.records) {
    rapidjson::Document record;
    record.Parse(text.c_str(), text.size());
    if (record.HasParseError()) return absl::DataLossError("stored stream record is not valid JSON");
    ToLambdaEventShape(&record);
    if (!filters_.Matches(record)) continue;

    std::string sequence = record["dynamodb"]["SequenceNumber"].GetString();
    notify::BroadcastRequest request;
    request.title = title_.Render(record);
    if (!spec_.notify.content.empty()) request.content = content_.Render(record);
    if (!spec_.notify.category.empty()) request.category = spec_.notify.category;
    if (!spec_.notify.topic.empty()) request.topic = spec_.notify.topic;
    if (!spec_.notify.action_url.empty()) request.action_url = action_url_.Render(record);
    notify::Recipient recipient;
    recipient.user.external_id = recipient_.Render(record);
    request.recipients.push_back(recipient);

    std::string idempotency_key =
        fmt::format("pipeline/{}/{}/{}", spec_.name, checkpoint.stream_id, sequence);
    notify::Broadcast broadcast;
    absl::Status status = deps_.notifications->AddBroadcast(request, idempotency_key, &write_batch,
                                                            &broadcast);
    if (!status.ok()) {
      // The rendered notification is invalid (for example an empty recipient),
      // so retrying cannot help: skip the record, as an on-failure destination would.
      Logger("triggers")->error("[pipeline={}][sequence={}] notification dropped: {}", spec_.name,
                                sequence, status.message());
      dropped_metric_->Increment();
      continue;
    }
    ++notified;
  }

  Checkpoint next = checkpoint;
  next.after = batch.last_sequence_number;
  write_batch.Put(deps_.engine->checkpoints(), CheckpointKey(spec_.name), SerializeCheckpoint(next));
  if (auto s = deps_.engine->Write(&write_batch); !s.ok()) return s;
  checkpoint_ = next;
  records_metric_->Increment(batch.records.size());
  notifications_metric_->Increment(notified);
  iterator_age_metric_->Set(RecordAgeSeconds(batch.records.back()));
  Logger("triggers")->debug("[pipeline={}] processed {} records, {} notifications", spec_.name,
                            batch.records.size(), notified);
  return absl::OkStatus();
}

}  // namespace tidings
