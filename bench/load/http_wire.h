// HTTP/1.1 client pieces for the benchmark load generator: request
// formatting, an incremental response parser and a blocking keep-alive
// client. They cover what the servers under test send (Content-Length or
// chunked bodies, keep-alive or Connection: close) and nothing more.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bench {

using Clock = std::chrono::steady_clock;

// Returns nanoseconds on the monotonic clock.
inline int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

struct Endpoint {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
};

// Parses "HOST:PORT". Returns false when it is malformed.
bool ParseEndpoint(const std::string& text, Endpoint* out);

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// Formats one request with Host and Content-Length set.
std::string FormatRequest(const Endpoint& endpoint, std::string_view method,
                          std::string_view path, const HeaderList& headers,
                          std::string_view body);

struct Response {
  int status = 0;
  bool close = false;  // The server will close the connection after it.
  std::string body;
};

// Parses one complete response at the front of `data`. Returns the number of
// bytes it spans, 0 when more bytes are needed, or -1 when the bytes are not
// a response this parser supports. The body is copied into `out` only when
// `keep_body` is set, so the load loop does not pay for bodies it ignores.
int64_t ParseResponse(std::string_view data, bool keep_body, Response* out);

// Opens a TCP connection with TCP_NODELAY set and returns the socket, or -1
// with errno set. With `nonblocking`, the connect may still be in progress.
int ConnectTo(const Endpoint& endpoint, bool nonblocking);

// A blocking keep-alive connection for sequential request loops. It
// reconnects when the server closes the connection after a response.
class BlockingClient {
 public:
  explicit BlockingClient(Endpoint endpoint) : endpoint_(std::move(endpoint)) {}
  ~BlockingClient();
  BlockingClient(const BlockingClient&) = delete;
  BlockingClient& operator=(const BlockingClient&) = delete;

  // Sends one request and waits for its response. Returns false with
  // `error` set when the connection fails or times out.
  bool Send(std::string_view method, std::string_view path, const HeaderList& headers,
            std::string_view body, Response* response, std::string* error,
            int timeout_ms = 30000);

 private:
  void Close();

  Endpoint endpoint_;
  int fd_ = -1;
  std::string buffer_;
};

// Returns the given percentile (0 to 100) of sorted values, or 0 when empty.
int64_t Percentile(const std::vector<int64_t>& sorted, double percent);

}  // namespace bench
