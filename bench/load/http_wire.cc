#include "bench/load/http_wire.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>

namespace bench {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

bool ContainsIgnoreCase(std::string_view text, std::string_view word) {
  if (word.size() > text.size()) return false;
  for (size_t i = 0; i + word.size() <= text.size(); ++i) {
    if (EqualsIgnoreCase(text.substr(i, word.size()), word)) return true;
  }
  return false;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Parses a chunked body that starts at `start`. Returns the offset just past
// the final CRLF, 0 when incomplete, or -1 when malformed.
int64_t ParseChunked(std::string_view data, size_t start, bool keep_body, std::string* body) {
  size_t position = start;
  while (true) {
    size_t line_end = data.find("\r\n", position);
    if (line_end == std::string_view::npos) return 0;
    std::string_view size_text = data.substr(position, line_end - position);
    size_t extension = size_text.find(';');
    if (extension != std::string_view::npos) size_text = size_text.substr(0, extension);
    size_text = Trim(size_text);
    if (size_text.empty()) return -1;
    uint64_t chunk_size = 0;
    for (char c : size_text) {
      int digit = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                  : (c >= 'a' && c <= 'f')                    ? c - 'a' + 10
                  : (c >= 'A' && c <= 'F')                    ? c - 'A' + 10
                                                              : -1;
      if (digit < 0 || chunk_size > (uint64_t{1} << 40)) return -1;
      chunk_size = chunk_size * 16 + static_cast<uint64_t>(digit);
    }
    position = line_end + 2;
    if (chunk_size == 0) {
      // Trailer fields, if any, end with an empty line.
      while (true) {
        size_t trailer_end = data.find("\r\n", position);
        if (trailer_end == std::string_view::npos) return 0;
        bool empty_line = trailer_end == position;
        position = trailer_end + 2;
        if (empty_line) return static_cast<int64_t>(position);
      }
    }
    if (data.size() < position + chunk_size + 2) return 0;
    if (keep_body) body->append(data.substr(position, chunk_size));
    position += chunk_size + 2;
  }
}

}  // namespace

bool ParseEndpoint(const std::string& text, Endpoint* out) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) return false;
  std::string port_text = text.substr(colon + 1);
  if (port_text.size() > 5 || port_text.find_first_not_of("0123456789") != std::string::npos) {
    return false;
  }
  int port = std::stoi(port_text);
  if (port < 1 || port > 65535) return false;
  out->host = text.substr(0, colon);
  out->port = static_cast<uint16_t>(port);
  return true;
}

std::string FormatRequest(const Endpoint& endpoint, std::string_view method,
                          std::string_view path, const HeaderList& headers,
                          std::string_view body) {
  std::string out;
  out.reserve(256 + body.size());
  out.append(method).append(" ").append(path).append(" HTTP/1.1\r\n");
  out.append("Host: ").append(endpoint.host).append(":").append(std::to_string(endpoint.port));
  out.append("\r\n");
  for (const auto& [name, value] : headers) out.append(name).append(": ").append(value).append("\r\n");
  out.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n\r\n");
  out.append(body);
  return out;
}

int64_t ParseResponse(std::string_view data, bool keep_body, Response* out) {
  size_t header_end = data.find("\r\n\r\n");
  if (header_end == std::string_view::npos) return data.size() > 64 * 1024 ? -1 : 0;
  std::string_view head = data.substr(0, header_end);

  size_t line_end = head.find("\r\n");
  std::string_view status_line = head.substr(0, line_end);
  if (status_line.size() < 12 || status_line.substr(0, 5) != "HTTP/") return -1;
  bool http10 = status_line.substr(5, 3) == "1.0";
  int status = 0;
  for (size_t i = 9; i < 12; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(status_line[i]))) return -1;
    status = status * 10 + (status_line[i] - '0');
  }

  int64_t content_length = -1;
  bool chunked = false;
  bool close = http10;
  size_t position = line_end == std::string_view::npos ? head.size() : line_end + 2;
  while (position < head.size()) {
    size_t end = head.find("\r\n", position);
    if (end == std::string_view::npos) end = head.size();
    std::string_view line = head.substr(position, end - position);
    position = end + 2;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view name = Trim(line.substr(0, colon));
    std::string_view value = Trim(line.substr(colon + 1));
    if (EqualsIgnoreCase(name, "content-length")) {
      content_length = 0;
      for (char c : value) {
        if (!std::isdigit(static_cast<unsigned char>(c))) return -1;
        content_length = content_length * 10 + (c - '0');
      }
    } else if (EqualsIgnoreCase(name, "transfer-encoding")) {
      chunked = ContainsIgnoreCase(value, "chunked");
    } else if (EqualsIgnoreCase(name, "connection")) {
      if (ContainsIgnoreCase(value, "close")) close = true;
      if (ContainsIgnoreCase(value, "keep-alive")) close = false;
    }
  }

  out->status = status;
  out->close = close;
  out->body.clear();
  size_t body_start = header_end + 4;
  bool no_body = status == 204 || status == 304 || (status >= 100 && status < 200);
  if (no_body) return static_cast<int64_t>(body_start);
  if (chunked) return ParseChunked(data, body_start, keep_body, &out->body);
  // A body delimited by the connection's end is not supported: every server
  // under test sends Content-Length or chunked bodies.
  if (content_length < 0) return -1;
  if (data.size() < body_start + static_cast<size_t>(content_length)) return 0;
  if (keep_body) out->body.assign(data.substr(body_start, static_cast<size_t>(content_length)));
  return static_cast<int64_t>(body_start + static_cast<size_t>(content_length));
}

int ConnectTo(const Endpoint& endpoint, bool nonblocking) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(endpoint.port);
  if (inet_pton(AF_INET, endpoint.host.c_str(), &address.sin_addr) != 1) {
    errno = EINVAL;
    return -1;
  }
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0), 0);
  if (fd < 0) return -1;
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 &&
      !(nonblocking && errno == EINPROGRESS)) {
    int saved = errno;
    close(fd);
    errno = saved;
    return -1;
  }
  return fd;
}

BlockingClient::~BlockingClient() { Close(); }

void BlockingClient::Close() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  buffer_.clear();
}

bool BlockingClient::Send(std::string_view method, std::string_view path,
                          const HeaderList& headers, std::string_view body, Response* response,
                          std::string* error, int timeout_ms) {
  if (fd_ < 0) {
    fd_ = ConnectTo(endpoint_, /*nonblocking=*/false);
    if (fd_ < 0) {
      *error = std::string("connect failed: ") + std::strerror(errno);
      return false;
    }
  }
  std::string request = FormatRequest(endpoint_, method, path, headers, body);
  size_t sent = 0;
  while (sent < request.size()) {
    ssize_t n = ::send(fd_, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      *error = std::string("send failed: ") + std::strerror(errno);
      Close();
      return false;
    }
    sent += static_cast<size_t>(n);
  }

  int64_t deadline = NowNs() + int64_t{timeout_ms} * 1000000;
  char chunk[65536];
  while (true) {
    int64_t consumed = ParseResponse(buffer_, /*keep_body=*/true, response);
    if (consumed < 0) {
      *error = "malformed or unsupported HTTP response";
      Close();
      return false;
    }
    if (consumed > 0) {
      buffer_.erase(0, static_cast<size_t>(consumed));
      if (response->close) Close();
      return true;
    }
    int64_t remaining_ms = (deadline - NowNs()) / 1000000;
    if (remaining_ms <= 0) {
      *error = "timed out waiting for a response";
      Close();
      return false;
    }
    pollfd waiter{fd_, POLLIN, 0};
    int ready = poll(&waiter, 1, static_cast<int>(remaining_ms));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      *error = n == 0 ? "connection closed before the response ended"
                      : std::string("recv failed: ") + std::strerror(errno);
      Close();
      return false;
    }
    buffer_.append(chunk, static_cast<size_t>(n));
  }
}

int64_t Percentile(const std::vector<int64_t>& sorted, double percent) {
  if (sorted.empty()) return 0;
  // Nearest-rank percentile: the smallest value with at least `percent` of
  // the values at or below it.
  double rank = std::ceil(percent / 100.0 * static_cast<double>(sorted.size()));
  size_t index = rank < 1 ? 0 : static_cast<size_t>(rank) - 1;
  return sorted[std::min(index, sorted.size() - 1)];
}

}  // namespace bench
