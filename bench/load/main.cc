// tidings-load: the load generator of the benchmark harness (bench/run.sh).
//
//   tidings-load load           HTTP load from a request template
//   tidings-load drain-stream   reads a table's stream from TRIM_HORIZON
//   tidings-load inbox-latency  time from an acknowledged write to its
//                               notification in the recipient's inbox
//
// Each prints one JSON object on stdout.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "CLI/CLI.hpp"
#include "bench/load/http_wire.h"
#include "bench/load/load_runner.h"
#include "rapidjson/document.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace bench {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// Headers that tidings, dynalite and moto accept in place of a SigV4
// signature: dynalite wants an Authorization and a date, moto reads the
// service name from the credential scope, and none checks the signature.
HeaderList DynamoDbHeaders(const std::string& target) {
  return {{"Content-Type", "application/x-amz-json-1.0"},
          {"X-Amz-Target", target},
          {"X-Amz-Date", "20260101T000000Z"},
          {"Authorization",
           "AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/dynamodb/aws4_request, "
           "SignedHeaders=host;x-amz-date;x-amz-target, Signature=0"}};
}

void WriteLatencies(JsonWriter& w, const char* name, const std::vector<int64_t>& sorted_ns) {
  w.Key(name);
  w.StartObject();
  for (auto [key, percent] : {std::pair{"p50", 50.0}, std::pair{"p90", 90.0},
                              std::pair{"p99", 99.0}, std::pair{"p999", 99.9}}) {
    w.Key(key);
    w.Double(static_cast<double>(Percentile(sorted_ns, percent)) / 1000.0);
  }
  w.Key("max");
  w.Double(sorted_ns.empty() ? 0.0 : static_cast<double>(sorted_ns.back()) / 1000.0);
  double sum = 0;
  for (int64_t value : sorted_ns) sum += static_cast<double>(value);
  w.Key("mean");
  w.Double(sorted_ns.empty() ? 0.0 : sum / static_cast<double>(sorted_ns.size()) / 1000.0);
  w.Key("count");
  w.Uint64(sorted_ns.size());
  w.EndObject();
}

void WriteLoadResult(JsonWriter& w, const LoadResult& r) {
  w.StartObject();
  w.Key("measured");
  w.Uint64(r.measured);
  w.Key("succeeded");
  w.Uint64(r.succeeded);
  w.Key("failed");
  w.Uint64(r.failed);
  w.Key("transport_errors");
  w.Uint64(r.transport_errors);
  w.Key("reconnects");
  w.Uint64(r.reconnects);
  w.Key("sent_total");
  w.Uint64(r.sent_total);
  w.Key("seconds");
  w.Double(r.seconds);
  w.Key("throughput");
  w.Double(r.seconds > 0 ? static_cast<double>(r.succeeded) / r.seconds : 0.0);
  w.Key("status_counts");
  w.StartObject();
  for (const auto& [status, count] : r.status_counts) {
    w.Key(std::to_string(status).c_str());
    w.Uint64(count);
  }
  w.EndObject();
  WriteLatencies(w, "latency_us", r.latencies_ns);
  w.Key("error_sample");
  w.String(r.error_sample.c_str());
  w.EndObject();
}

void Print(const rapidjson::StringBuffer& buffer) {
  std::fwrite(buffer.GetString(), 1, buffer.GetSize(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Splits "Name: value".
std::pair<std::string, std::string> SplitHeader(const std::string& text) {
  size_t colon = text.find(':');
  if (colon == std::string::npos) return {text, ""};
  size_t value_start = text.find_first_not_of(' ', colon + 1);
  return {text.substr(0, colon), value_start == std::string::npos ? "" : text.substr(value_start)};
}

// ---- drain-stream -------------------------------------------------------

struct DrainOptions {
  Endpoint endpoint;
  std::string table;
  uint64_t expected_records = 0;  // Stop after this many, or when caught up if 0.
  int limit = 1000;
  double max_seconds = 600;
  // Keep polling until max_seconds, as a consumer tailing the stream does,
  // pausing poll_gap_ms after a round of the shards that returned nothing.
  bool tail = false;
  int poll_gap_ms = 250;
  // Where each shard's reading starts: TRIM_HORIZON or LATEST.
  std::string start = "TRIM_HORIZON";
  // When above 0, at most this many GetRecords calls per shard and second
  // (AWS allows 5), one call per shard in each round.
  double calls_per_shard_second = 0;
};

// Sends one Streams API call and parses its JSON reply.
bool CallStreams(BlockingClient& client, const std::string& operation, const std::string& body,
                 rapidjson::Document* reply, std::string* error) {
  Response response;
  if (!client.Send("POST", "/", DynamoDbHeaders("DynamoDBStreams_20120810." + operation), body,
                   &response, error)) {
    return false;
  }
  if (response.status != 200) {
    *error = operation + " returned HTTP " + std::to_string(response.status) + ": " +
             response.body.substr(0, 400);
    return false;
  }
  reply->Parse(response.body.data(), response.body.size());
  if (reply->HasParseError() || !reply->IsObject()) {
    *error = operation + " returned a body that is not a JSON object";
    return false;
  }
  return true;
}

std::string JsonObject(std::initializer_list<std::pair<const char*, std::string>> fields) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  for (const auto& [name, value] : fields) {
    w.Key(name);
    w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

int DrainStream(const DrainOptions& options) {
  BlockingClient client(options.endpoint);
  rapidjson::Document reply;
  std::string error;
  auto fail = [&](const std::string& message) {
    std::cerr << "tidings-load drain-stream: " << message << "\n";
    return 1;
  };

  if (!CallStreams(client, "ListStreams", JsonObject({{"TableName", options.table}}), &reply,
                   &error)) {
    return fail(error);
  }
  if (!reply.HasMember("Streams") || reply["Streams"].Empty()) {
    return fail("table " + options.table + " has no stream");
  }
  std::string stream_arn = reply["Streams"][0]["StreamArn"].GetString();
  if (!CallStreams(client, "DescribeStream", JsonObject({{"StreamArn", stream_arn}}), &reply,
                   &error)) {
    return fail(error);
  }
  std::vector<std::string> shard_ids;
  for (const auto& shard : reply["StreamDescription"]["Shards"].GetArray()) {
    shard_ids.emplace_back(shard["ShardId"].GetString());
  }

  uint64_t records = 0;
  uint64_t calls = 0;
  uint64_t bytes = 0;
  std::vector<int64_t> call_latencies;
  int64_t start = NowNs();
  int64_t deadline = start + static_cast<int64_t>(options.max_seconds * 1e9);
  // One iterator per shard, read in rounds, so records of every shard count
  // towards expected_records. An empty string marks a closed shard read to its end.
  std::vector<std::string> iterators;
  for (const std::string& shard_id : shard_ids) {
    if (!CallStreams(client, "GetShardIterator",
                     JsonObject({{"StreamArn", stream_arn},
                                 {"ShardId", shard_id},
                                 {"ShardIteratorType", options.start}}),
                     &reply, &error)) {
      return fail(error);
    }
    iterators.emplace_back(reply["ShardIterator"].GetString());
  }
  std::string limit_suffix = ",\"Limit\":" + std::to_string(options.limit) + "}";
  auto done = [&] {
    return NowNs() >= deadline ||
           (options.expected_records > 0 && records >= options.expected_records);
  };
  bool rate_limited = options.calls_per_shard_second > 0;
  while (!done()) {
    size_t round_records = 0;
    bool any_open = false;
    int64_t round_start = NowNs();
    for (std::string& iterator : iterators) {
      // Read this shard until it is caught up (one call when rate limited),
      // then move to the next.
      for (int call = 0; !iterator.empty() && !done() && !(rate_limited && call > 0); ++call) {
        std::string body = JsonObject({{"ShardIterator", iterator}});
        body.pop_back();
        body += limit_suffix;
        Response response;
        int64_t sent = NowNs();
        if (!client.Send("POST", "/", DynamoDbHeaders("DynamoDBStreams_20120810.GetRecords"),
                         body, &response, &error)) {
          return fail(error);
        }
        call_latencies.push_back(NowNs() - sent);
        ++calls;
        bytes += response.body.size();
        if (response.status != 200) {
          return fail("GetRecords returned HTTP " + std::to_string(response.status) + ": " +
                      response.body.substr(0, 400));
        }
        // A fresh document per page: a reused one keeps every earlier page's
        // memory in its allocator.
        rapidjson::Document page;
        page.Parse(response.body.data(), response.body.size());
        if (page.HasParseError() || !page.HasMember("Records")) {
          return fail("GetRecords returned a body without Records");
        }
        size_t batch = page["Records"].Size();
        records += batch;
        round_records += batch;
        auto next = page.FindMember("NextShardIterator");
        iterator = next == page.MemberEnd() || next->value.IsNull() ? "" : next->value.GetString();
        if (batch == 0) break;  // An empty batch from an open shard: caught up.
      }
      any_open = any_open || !iterator.empty();
    }
    if (!any_open) break;
    if (rate_limited) {
      auto round_ns = static_cast<int64_t>(1e9 / options.calls_per_shard_second);
      int64_t wait_ns = round_start + round_ns - NowNs();
      if (wait_ns > 0) std::this_thread::sleep_for(std::chrono::nanoseconds(wait_ns));
      continue;
    }
    if (round_records == 0) {
      if (options.expected_records == 0 && !options.tail) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(options.poll_gap_ms));
    }
  }
  double seconds = static_cast<double>(NowNs() - start) / 1e9;
  std::sort(call_latencies.begin(), call_latencies.end());

  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("records");
  w.Uint64(records);
  w.Key("calls");
  w.Uint64(calls);
  w.Key("bytes");
  w.Uint64(bytes);
  w.Key("seconds");
  w.Double(seconds);
  w.Key("records_per_second");
  w.Double(seconds > 0 ? static_cast<double>(records) / seconds : 0.0);
  // Time spent waiting for GetRecords responses, without the client's own
  // JSON parsing between calls.
  double waiting_seconds = 0;
  for (int64_t latency : call_latencies) waiting_seconds += static_cast<double>(latency) / 1e9;
  w.Key("waiting_seconds");
  w.Double(waiting_seconds);
  w.Key("megabytes_per_second");
  w.Double(seconds > 0 ? static_cast<double>(bytes) / seconds / 1e6 : 0.0);
  WriteLatencies(w, "call_latency_us", call_latencies);
  w.EndObject();
  Print(buffer);
  return 0;
}

// ---- inbox-latency ------------------------------------------------------

struct InboxOptions {
  LoadOptions background;  // Writes that keep the pipeline busy.
  std::string table;
  std::string run_tag = "run";
  std::string padding;      // Makes probe items the size of background items.
  double duration_s = 10;
  int probe_gap_ms = 20;    // Pause between one probe's end and the next's start.
  int poll_gap_us = 200;    // Pause between two reads of the inbox.
  int probe_timeout_ms = 10000;
};

// Returns the number of notifications the inbox reports, or -1 on error.
int64_t InboxTotal(BlockingClient& client, const std::string& user, std::string* error) {
  HeaderList headers = {{"X-MAGICBELL-API-KEY", "bench"},
                        {"X-MAGICBELL-USER-EXTERNAL-ID", user}};
  Response response;
  if (!client.Send("GET", "/notifications?per_page=1", headers, "", &response, error)) return -1;
  if (response.status != 200) {
    *error = "GET /notifications returned HTTP " + std::to_string(response.status);
    return -1;
  }
  rapidjson::Document reply;
  reply.Parse(response.body.data(), response.body.size());
  if (reply.HasParseError() || !reply.HasMember("total")) {
    *error = "GET /notifications returned a body without total";
    return -1;
  }
  return reply["total"].GetInt64();
}

int InboxLatency(const InboxOptions& options) {
  std::atomic<bool> stop{false};
  LoadResult background;
  bool run_background = options.background.rate > 0;
  std::thread background_thread;
  if (run_background) {
    background_thread = std::thread([&] { background = RunLoad(options.background, &stop); });
  }

  BlockingClient writer(options.background.endpoint);
  BlockingClient reader(options.background.endpoint);
  std::vector<int64_t> latencies;
  std::vector<int64_t> write_latencies;
  uint64_t probes = 0;
  uint64_t lost = 0;
  uint64_t polls = 0;
  std::string first_error;
  // Let the background load reach its rate before the first probe.
  std::this_thread::sleep_for(std::chrono::milliseconds(run_background ? 500 : 0));
  int64_t end = NowNs() + static_cast<int64_t>(options.duration_s * 1e9);
  while (NowNs() < end) {
    std::string user = "probe-" + options.run_tag + "-" + std::to_string(probes);
    std::string body = "{\"TableName\":\"" + options.table + "\",\"Item\":{\"pk\":{\"S\":\"" +
                       user + "\"},\"userId\":{\"S\":\"" + user +
                       "\"},\"payload\":{\"S\":\"" + options.padding + "\"}}}";
    ++probes;
    Response response;
    std::string error;
    int64_t sent = NowNs();
    if (!writer.Send("POST", "/", DynamoDbHeaders("DynamoDB_20120810.PutItem"), body, &response,
                     &error) ||
        response.status != 200) {
      ++lost;
      if (first_error.empty()) first_error = error.empty() ? response.body : error;
      continue;
    }
    int64_t acknowledged = NowNs();
    write_latencies.push_back(acknowledged - sent);

    bool seen = false;
    while (NowNs() - acknowledged < int64_t{options.probe_timeout_ms} * 1'000'000) {
      ++polls;
      int64_t total = InboxTotal(reader, user, &error);
      if (total < 0) {
        if (first_error.empty()) first_error = error;
        break;
      }
      if (total > 0) {
        latencies.push_back(NowNs() - acknowledged);
        seen = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::microseconds(options.poll_gap_us));
    }
    if (!seen) ++lost;
    std::this_thread::sleep_for(std::chrono::milliseconds(options.probe_gap_ms));
  }
  stop = true;
  if (background_thread.joinable()) background_thread.join();
  std::sort(latencies.begin(), latencies.end());
  std::sort(write_latencies.begin(), write_latencies.end());

  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("probes");
  w.Uint64(probes);
  w.Key("lost");
  w.Uint64(lost);
  w.Key("polls_per_probe");
  w.Double(probes > 0 ? static_cast<double>(polls) / static_cast<double>(probes) : 0.0);
  WriteLatencies(w, "write_to_inbox_us", latencies);
  WriteLatencies(w, "probe_write_us", write_latencies);
  w.Key("error_sample");
  w.String(first_error.substr(0, 400).c_str());
  w.Key("background");
  if (run_background) {
    WriteLoadResult(w, background);
  } else {
    w.Null();
  }
  w.EndObject();
  Print(buffer);
  return 0;
}

// Adds the options that describe HTTP load to `command`.
void AddLoadFlags(CLI::App* command, LoadOptions* options, std::string* target,
                  std::string* body_file) {
  command->add_option("--target", *target, "server address, HOST:PORT")->required();
  command->add_option("--body-file", *body_file,
                      "file with the request body template; {seq} and {key} are filled per "
                      "request");
  command->add_option("--connections,-c", options->connections, "keep-alive connections")
      ->check(CLI::Range(1, 10000));
  command->add_option("--threads,-t", options->threads, "client threads")
      ->check(CLI::Range(1, 64));
  command->add_option("--duration,-d", options->duration_s, "measured seconds, after the warmup");
  command->add_option("--warmup", options->warmup_s, "seconds of load before measuring");
  command->add_option("--rate", options->rate,
                      "requests per second over all connections; 0 sends as fast as responses "
                      "return");
  command->add_option("--keyspace", options->keyspace, "{key} is {seq} modulo this; 0 is {seq}");
  command->add_option("--first-seq", options->first_seq, "{seq} of the first request");
  command->add_option("--max-requests", options->max_requests,
                      "stop after sending this many requests; 0 is no cap");
  command->add_option("--timeout-ms", options->timeout_ms, "per-request timeout in milliseconds");
}

}  // namespace
}  // namespace bench

int main(int argc, char** argv) {
  using namespace bench;
  CLI::App app{"tidings-load: HTTP load generator for bench/run.sh; prints JSON on stdout"};
  app.require_subcommand(1);

  LoadOptions load;
  std::string load_target;
  std::string body_file;
  std::string dynamodb_target;
  std::vector<std::string> extra_headers;
  CLI::App* load_command = app.add_subcommand("load", "send load from a request template");
  AddLoadFlags(load_command, &load, &load_target, &body_file);
  load_command->add_option("--method", load.method, "HTTP method");
  load_command->add_option("--path", load.path, "request path");
  load_command->add_option("--dynamodb-target", dynamodb_target,
                           "X-Amz-Target value; adds the DynamoDB JSON headers");
  load_command->add_option("--header,-H", extra_headers, "extra header, \"Name: value\"");

  DrainOptions drain;
  std::string drain_target;
  CLI::App* drain_command =
      app.add_subcommand("drain-stream", "read a table's stream from TRIM_HORIZON with GetRecords");
  drain_command->add_option("--target", drain_target, "server address, HOST:PORT")->required();
  drain_command->add_option("--table", drain.table, "table whose stream to read")->required();
  drain_command->add_option("--records", drain.expected_records,
                            "stop after this many records; 0 reads until a batch is empty");
  drain_command->add_option("--limit", drain.limit, "Limit of each GetRecords call")
      ->check(CLI::Range(1, 1000));
  drain_command->add_option("--max-seconds", drain.max_seconds, "give up after this long");
  drain_command->add_flag("--tail", drain.tail,
                          "keep polling until --max-seconds, as a consumer tailing the stream");
  drain_command->add_option("--poll-gap-ms", drain.poll_gap_ms,
                            "pause after a round of the shards that returned no records");
  drain_command->add_option("--start", drain.start, "shard iterator type to start from")
      ->check(CLI::IsMember({"TRIM_HORIZON", "LATEST"}));
  drain_command->add_option("--calls-per-shard-second", drain.calls_per_shard_second,
                            "at most this many GetRecords calls per shard and second; 0 for no "
                            "limit (AWS allows 5)");

  InboxOptions inbox;
  std::string inbox_target;
  std::string inbox_body_file;
  int padding_bytes = 120;
  CLI::App* inbox_command = app.add_subcommand(
      "inbox-latency", "measure acknowledged write to notification in the inbox, under load");
  AddLoadFlags(inbox_command, &inbox.background, &inbox_target, &inbox_body_file);
  inbox_command->add_option("--table", inbox.table, "table the pipeline reads")->required();
  inbox_command->add_option("--run-tag", inbox.run_tag, "makes probe keys unique to this run");
  inbox_command->add_option("--probe-gap-ms", inbox.probe_gap_ms, "pause between probes");
  inbox_command->add_option("--poll-gap-us", inbox.poll_gap_us, "pause between inbox reads");
  inbox_command->add_option("--padding-bytes", padding_bytes, "payload size of probe items");

  CLI11_PARSE(app, argc, argv);

  if (load_command->parsed()) {
    if (!ParseEndpoint(load_target, &load.endpoint)) {
      std::cerr << "tidings-load: invalid --target \"" << load_target << "\"; use HOST:PORT\n";
      return 2;
    }
    if (!dynamodb_target.empty()) load.headers = DynamoDbHeaders(dynamodb_target);
    for (const std::string& header : extra_headers) load.headers.push_back(SplitHeader(header));
    if (!body_file.empty()) load.body = BodyTemplate(ReadFile(body_file));
    LoadResult result = RunLoad(load);
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    WriteLoadResult(w, result);
    Print(buffer);
    return 0;
  }
  if (drain_command->parsed()) {
    if (!ParseEndpoint(drain_target, &drain.endpoint)) {
      std::cerr << "tidings-load: invalid --target \"" << drain_target << "\"; use HOST:PORT\n";
      return 2;
    }
    return DrainStream(drain);
  }
  if (!ParseEndpoint(inbox_target, &inbox.background.endpoint)) {
    std::cerr << "tidings-load: invalid --target \"" << inbox_target << "\"; use HOST:PORT\n";
    return 2;
  }
  inbox.duration_s = inbox.background.duration_s;
  inbox.background.duration_s += 5;  // The probes end first and stop the background load.
  inbox.background.headers = DynamoDbHeaders("DynamoDB_20120810.PutItem");
  if (!inbox_body_file.empty()) inbox.background.body = BodyTemplate(ReadFile(inbox_body_file));
  inbox.padding.assign(static_cast<size_t>(std::max(0, padding_bytes)), 'x');
  return InboxLatency(inbox);
}
