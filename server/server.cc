#include "server/server.h"

#include <thread>

#include "api/dynamodb_api.h"
#include "common/logging.h"
#include "notify/notification_store.h"
#include "notify/notify_api.h"
#include "observe/metrics.h"
#include "server/http_server.h"
#include "storage/table_store.h"
#include "storage/ttl_sweeper.h"
#include "streams/shard_map.h"
#include "streams/stream_migration.h"
#include "streams/stream_reader.h"
#include "streams/stream_trimmer.h"
#include "streams/stream_writer.h"
#include "triggers/pipeline_runner.h"

namespace tidings {

struct Server::Parts {
  std::unique_ptr<StorageEngine> engine;
  std::unique_ptr<TableStore> tables;
  std::unique_ptr<TtlSweeper> ttl_sweeper;
  std::unique_ptr<SequenceTracker> sequences;
  std::unique_ptr<ShardMap> shards;
  std::unique_ptr<StreamTrimmer> stream_trimmer;
  StreamNotifier notifier;
  std::unique_ptr<StreamWriter> stream_writer;
  std::unique_ptr<StreamReader> stream_reader;
  std::unique_ptr<notify::NotificationStore> notifications;
  std::unique_ptr<DynamoDbApi> dynamodb_api;
  std::unique_ptr<notify::NotifyApi> notify_api;
  std::vector<std::unique_ptr<PipelineRunner>> pipelines;
  std::unique_ptr<HttpServer> http;
};

namespace {

// With sync durability a handler blocks while its write waits for the log
// fsync, so the server runs many more I/O threads than cores and concurrent
// writers share one fsync. With async durability nothing blocks for long, and
// one thread per core avoids the switching that extra threads cost (measured
// with tidings-load on 2 cores: +50% PutItem throughput, p99 a quarter).
// TODO: hand blocking writes to a commit thread so both modes can use one
// thread per core.
constexpr int kSyncHttpThreads = 16;

int DefaultHttpThreads(Durability durability) {
  if (durability == Durability::kSync) return kSyncHttpThreads;
  return std::max(2, static_cast<int>(std::thread::hardware_concurrency()));
}

// Returns 200 to a plain GET /, as DynamoDB's endpoint does, for health checks.
HttpResponse HealthResponse() {
  HttpResponse response;
  response.content_type = "text/plain";
  response.body = "healthy: tidings";
  return response;
}

HttpResponse MetricsResponse() {
  HttpResponse response;
  response.content_type = "text/plain; version=0.0.4";
  response.body = DefaultMetrics().Render();
  return response;
}

HttpResponse NotFoundResponse(const HttpRequest& request) {
  HttpResponse response;
  response.status = 404;
  response.body = fmt::format(R"({{"errors":[{{"code":"not_found","message":"no route for {} {}"}}]}})",
                              request.method, request.path);
  return response;
}

}  // namespace

Server::Server(ServerOptions options) : options_(std::move(options)) {}

Server::~Server() { Stop(); }

absl::Status Server::Start() {
  auto parts = std::make_unique<Parts>();
  StorageOptions storage_options;
  storage_options.data_dir = options_.data_dir;
  storage_options.durability = options_.durability;
  auto engine = StorageEngine::Open(storage_options);
  if (!engine.ok()) return engine.status();
  parts->engine = *std::move(engine);

  TableStore::Options table_options;
  table_options.region = options_.config.region;
  parts->tables = std::make_unique<TableStore>(parts->engine.get(), table_options);
  if (auto s = parts->tables->Load(); !s.ok()) return s;
  StreamWriter::Options writer_options;
  writer_options.region = options_.config.region;
  parts->sequences = std::make_unique<SequenceTracker>(parts->engine.get());
  ShardMap::Options shard_options;
  shard_options.shards_per_generation = options_.streams.shards;
  parts->shards = std::make_unique<ShardMap>(parts->engine.get(), shard_options);
  if (auto s = parts->shards->Load(); !s.ok()) return s;
  if (auto s = MigrateStreamRecords(parts->engine.get(), *parts->tables, parts->shards.get());
      !s.ok()) {
    return s;
  }
  parts->stream_writer = std::make_unique<StreamWriter>(parts->engine.get(), parts->sequences.get(),
                                                       parts->shards.get(), &parts->notifier,
                                                       writer_options);
  if (auto s = parts->stream_writer->Recover(*parts->tables); !s.ok()) return s;
  parts->tables->SetChangeObserver(parts->stream_writer.get());
  StreamReader::Options reader_options;
  reader_options.iterator_lifetime_ms = options_.streams.iterator_lifetime_ms;
  parts->stream_reader =
      std::make_unique<StreamReader>(parts->engine.get(), parts->tables.get(), parts->shards.get(),
                                     parts->sequences.get(), reader_options);
  StreamTrimmer::Options trimmer_options;
  trimmer_options.shard_period_ms = options_.streams.shard_period_ms;
  trimmer_options.default_retention_ms = options_.streams.retention_ms;
  parts->stream_trimmer =
      std::make_unique<StreamTrimmer>(parts->engine.get(), parts->tables.get(),
                                      parts->shards.get(), parts->sequences.get(), trimmer_options);

  notify::NotificationStoreOptions notify_options;
  notify_options.write_options = parts->engine->write_options();
  parts->notifications = std::make_unique<notify::NotificationStore>(
      parts->engine->db(), parts->engine->notify(), notify_options);
  parts->dynamodb_api = std::make_unique<DynamoDbApi>(
      parts->tables.get(), parts->stream_reader.get(), options_.config.region);
  parts->notify_api = std::make_unique<notify::NotifyApi>(parts->notifications.get());

  PipelineDependencies deps{parts->engine.get(), parts->tables.get(), parts->stream_reader.get(),
                            &parts->notifier, parts->notifications.get()};
  for (const PipelineSpec& spec : options_.config.pipelines) {
    auto runner = PipelineRunner::Create(spec, deps);
    if (!runner.ok()) return runner.status();
    parts->pipelines.push_back(*std::move(runner));
  }

  Parts* raw = parts.get();
  auto handler = [raw](const HttpRequest& request) {
    if (DynamoDbApi::Handles(request)) return raw->dynamodb_api->Handle(request);
    if (raw->notify_api->Handles(request)) return raw->notify_api->Handle(request);
    if (request.method == "GET" && request.path == "/") return HealthResponse();
    if (request.method == "GET" && request.path == "/metrics") return MetricsResponse();
    return NotFoundResponse(request);
  };
  int threads = options_.http_threads > 0 ? options_.http_threads
                                          : DefaultHttpThreads(options_.durability);
  parts->http = std::make_unique<HttpServer>(handler, threads);
  if (auto s = parts->http->Listen(options_.host, options_.port); !s.ok()) return s;

  parts->ttl_sweeper = std::make_unique<TtlSweeper>(parts->tables.get(), options_.ttl_interval_ms);
  parts->ttl_sweeper->Start();
  parts->stream_trimmer->Start();
  for (auto& runner : parts->pipelines) runner->Start();
  parts->http->Start();
  parts_ = std::move(parts);
  Logger("server")->info("listening on {}:{}, data directory {}, {} pipelines", options_.host,
                         port(), options_.data_dir, parts_->pipelines.size());
  return absl::OkStatus();
}

void Server::Stop() {
  if (!parts_) return;
  parts_->http->Stop();
  for (auto& runner : parts_->pipelines) runner->Stop();
  parts_->ttl_sweeper->Stop();
  parts_->stream_trimmer->Stop();
  parts_.reset();
  Logger("server")->info("stopped");
}

uint16_t Server::port() const { return parts_ ? parts_->http->port() : 0; }

}  // namespace tidings
