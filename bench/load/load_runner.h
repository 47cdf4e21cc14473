// A closed- or open-loop HTTP load generator on epoll.
//
// Each worker thread owns an epoll instance and a share of the keep-alive
// connections. A connection sends its next request as soon as the previous
// response ends (closed loop) or at its next scheduled time (when a rate is
// set). Request bodies come from a template, so every request can carry a
// different key.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "bench/load/http_wire.h"

namespace bench {

// A request body with placeholders filled per request:
//   {seq}  a number unique to the request within the run, from 0 up
//   {key}  {seq} modulo the keyspace, or {seq} itself when the keyspace is 0
class BodyTemplate {
 public:
  BodyTemplate() = default;
  explicit BodyTemplate(const std::string& text);
  void Render(uint64_t seq, uint64_t keyspace, std::string* out) const;

 private:
  enum class Part { kLiteral, kSeq, kKey };
  std::vector<std::pair<Part, std::string>> parts_;
};

struct LoadOptions {
  Endpoint endpoint;
  std::string method = "POST";
  std::string path = "/";
  HeaderList headers;
  BodyTemplate body;
  int connections = 1;
  int threads = 1;
  double duration_s = 5;
  double warmup_s = 0;        // Requests sent before this are not measured.
  uint64_t max_requests = 0;  // Stops sending after this many, or never when 0.
  uint64_t keyspace = 0;
  uint64_t first_seq = 0;     // {seq} of the first request.
  double rate = 0;            // Requests per second over all connections, or 0 for a closed loop.
  int timeout_ms = 10000;     // A response slower than this counts as an error.
};

struct LoadResult {
  uint64_t measured = 0;      // Responses to requests sent after the warmup.
  uint64_t succeeded = 0;     // Measured responses with a 2xx status.
  uint64_t failed = 0;        // Measured non-2xx responses plus transport errors.
  uint64_t transport_errors = 0;
  uint64_t reconnects = 0;    // Connections reopened after the server closed one.
  uint64_t sent_total = 0;    // Every request sent, warmup included.
  double seconds = 0;         // Length of the measured window.
  std::map<int, uint64_t> status_counts;
  std::vector<int64_t> latencies_ns;  // Of successful measured requests, sorted.
  std::string error_sample;   // First non-2xx body or transport error.
};

// Runs the load until the duration passes (or max_requests are sent) and
// every in-flight response ends or times out. `stop`, when given, ends it
// early.
LoadResult RunLoad(const LoadOptions& options, const std::atomic<bool>* stop = nullptr);

}  // namespace bench
