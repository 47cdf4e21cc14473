// server: the HTTP/1.1 front door, on Boost.Beast.
//
// One listening socket serves every API, and connections are kept alive.
// Each request is parsed into an HttpRequest and passed to the handler on one
// of the I/O threads, so the handler must be thread-safe and should not block
// for long.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "common/http.h"

namespace tidings {

class HttpServer {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  HttpServer(Handler handler, int threads);
  ~HttpServer();

  // Binds and listens on host:port (port 0 picks a free one). Fails with a
  // message naming the address when it is taken or invalid.
  [[nodiscard]] absl::Status Listen(const std::string& host, uint16_t port);
  uint16_t port() const;

  // Starts the I/O threads; returns at once.
  void Start();
  // Stops accepting, closes connections and joins the I/O threads.
  void Stop();

 private:
  struct State;
  std::unique_ptr<State> state_;
  std::vector<std::thread> threads_;
  int thread_count_;
};

// Splits "/path?a=1&b=x%20y" into path and decoded query parameters.
void ParseTarget(std::string_view target, std::string* path,
                 std::map<std::string, std::string>* query);

}  // namespace tidings
