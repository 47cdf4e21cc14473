#include "bench/load/load_runner.h"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

namespace bench {

BodyTemplate::BodyTemplate(const std::string& text) {
  size_t position = 0;
  while (position < text.size()) {
    size_t seq = text.find("{seq}", position);
    size_t key = text.find("{key}", position);
    size_t next = std::min(seq, key);
    if (next == std::string::npos) {
      parts_.emplace_back(Part::kLiteral, text.substr(position));
      break;
    }
    if (next > position) parts_.emplace_back(Part::kLiteral, text.substr(position, next - position));
    parts_.emplace_back(next == seq ? Part::kSeq : Part::kKey, "");
    position = next + 5;  // Both placeholders are 5 characters long.
  }
}

void BodyTemplate::Render(uint64_t seq, uint64_t keyspace, std::string* out) const {
  out->clear();
  for (const auto& [part, literal] : parts_) {
    switch (part) {
      case Part::kLiteral:
        out->append(literal);
        break;
      case Part::kSeq:
        out->append(std::to_string(seq));
        break;
      case Part::kKey:
        out->append(std::to_string(keyspace > 0 ? seq % keyspace : seq));
        break;
    }
  }
}

namespace {

constexpr int64_t kReconnectDelayNs = 50'000'000;

struct Connection {
  int fd = -1;
  bool connecting = false;
  bool in_flight = false;
  bool want_write = false;
  int64_t sent_ns = 0;
  int64_t due_ns = 0;        // Next scheduled send in open-loop mode.
  int64_t retry_at_ns = 0;   // Reconnect not before this, after a failed connect.
  std::string out;
  size_t out_offset = 0;
  std::string in;
};

// Timing shared by every worker of one run.
struct Schedule {
  int64_t start_ns = 0;
  int64_t warmup_end_ns = 0;
  int64_t stop_ns = 0;
  int64_t interval_ns = 0;  // Per-connection gap in open-loop mode, or 0 for a closed loop.
};

class Worker {
 public:
  Worker(const LoadOptions& options, const Schedule& schedule, std::atomic<uint64_t>* next_seq,
         const std::atomic<bool>* stop, int first_connection, int connection_count)
      : options_(options),
        schedule_(schedule),
        next_seq_(next_seq),
        stop_(stop),
        connections_(static_cast<size_t>(connection_count)) {
    for (int i = 0; i < connection_count; ++i) {
      // Stagger the first sends so the connections do not fire together.
      int global_index = first_connection + i;
      connections_[static_cast<size_t>(i)].due_ns =
          schedule_.start_ns + schedule_.interval_ns * global_index /
                                   std::max(1, options_.connections);
    }
  }

  LoadResult Run();
  // Completion time of the last measured response, on the NowNs() clock.
  int64_t last_measured_ns() const { return last_measured_ns_; }

 private:
  void Open(Connection& c, int64_t now);
  void CloseConnection(Connection& c);
  void Fail(Connection& c, int64_t now, const std::string& message);
  void MaybeSend(Connection& c, int64_t now);
  void Flush(Connection& c, int64_t now);
  void OnReadable(Connection& c, int64_t now);
  void Record(const Response& response, const std::string& body_sample, int64_t sent_ns,
              int64_t now);
  void UpdateInterest(Connection& c);
  bool Stopping(int64_t now) const {
    return now >= schedule_.stop_ns || capped_ || (stop_ != nullptr && stop_->load());
  }

  const LoadOptions& options_;
  const Schedule& schedule_;
  std::atomic<uint64_t>* next_seq_;
  const std::atomic<bool>* stop_;
  std::vector<Connection> connections_;
  int epoll_fd_ = -1;
  bool capped_ = false;
  int64_t last_measured_ns_ = 0;
  std::string body_buffer_;
  LoadResult result_;
};

void Worker::Open(Connection& c, int64_t now) {
  c.fd = ConnectTo(options_.endpoint, /*nonblocking=*/true);
  if (c.fd < 0) {
    ++result_.transport_errors;
    if (result_.error_sample.empty()) {
      result_.error_sample = std::string("connect failed: ") + std::strerror(errno);
    }
    c.retry_at_ns = now + kReconnectDelayNs;
    return;
  }
  c.connecting = true;
  c.in.clear();
  epoll_event event{};
  event.events = EPOLLIN | EPOLLOUT;
  event.data.ptr = &c;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, c.fd, &event);
}

void Worker::CloseConnection(Connection& c) {
  if (c.fd >= 0) {
    epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c.fd, nullptr);
    close(c.fd);
  }
  c.fd = -1;
  c.connecting = false;
  c.in_flight = false;
  c.want_write = false;
  c.in.clear();
}

// Counts a transport error for the request in flight, if any, and reconnects
// after a short delay.
void Worker::Fail(Connection& c, int64_t now, const std::string& message) {
  if (c.in_flight) {
    ++result_.transport_errors;
    if (c.sent_ns >= schedule_.warmup_end_ns) {
      ++result_.measured;
      ++result_.failed;
    }
    if (result_.error_sample.empty()) result_.error_sample = message;
  }
  CloseConnection(c);
  c.retry_at_ns = now + kReconnectDelayNs;
}

void Worker::UpdateInterest(Connection& c) {
  epoll_event event{};
  event.events = EPOLLIN | (c.want_write || c.connecting ? uint32_t{EPOLLOUT} : 0u);
  event.data.ptr = &c;
  epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c.fd, &event);
}

void Worker::MaybeSend(Connection& c, int64_t now) {
  if (c.fd < 0 || c.connecting || c.in_flight || Stopping(now)) return;
  if (schedule_.interval_ns > 0 && now < c.due_ns) return;

  uint64_t seq = next_seq_->fetch_add(1);
  if (options_.max_requests > 0 && seq - options_.first_seq >= options_.max_requests) {
    capped_ = true;
    return;
  }
  options_.body.Render(seq, options_.keyspace, &body_buffer_);
  c.out = FormatRequest(options_.endpoint, options_.method, options_.path, options_.headers,
                        body_buffer_);
  c.out_offset = 0;
  c.in_flight = true;
  c.sent_ns = now;
  if (schedule_.interval_ns > 0) c.due_ns += schedule_.interval_ns;
  ++result_.sent_total;
  Flush(c, now);
}

void Worker::Flush(Connection& c, int64_t now) {
  while (c.out_offset < c.out.size()) {
    ssize_t n = ::send(c.fd, c.out.data() + c.out_offset, c.out.size() - c.out_offset,
                       MSG_NOSIGNAL);
    if (n > 0) {
      c.out_offset += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!c.want_write) {
        c.want_write = true;
        UpdateInterest(c);
      }
      return;
    }
    Fail(c, now, std::string("send failed: ") + std::strerror(errno));
    return;
  }
  if (c.want_write) {
    c.want_write = false;
    UpdateInterest(c);
  }
}

void Worker::Record(const Response& response, const std::string& body_sample, int64_t sent_ns,
                    int64_t now) {
  ++result_.status_counts[response.status];
  if (sent_ns < schedule_.warmup_end_ns) return;
  ++result_.measured;
  last_measured_ns_ = std::max(last_measured_ns_, now);
  if (response.status >= 200 && response.status < 300) {
    ++result_.succeeded;
    result_.latencies_ns.push_back(now - sent_ns);
  } else {
    ++result_.failed;
    if (result_.error_sample.empty()) {
      result_.error_sample =
          "HTTP " + std::to_string(response.status) + ": " + body_sample.substr(0, 400);
    }
  }
}

void Worker::OnReadable(Connection& c, int64_t now) {
  char chunk[65536];
  bool peer_closed = false;
  std::string read_error;
  while (true) {
    ssize_t n = ::recv(c.fd, chunk, sizeof(chunk), 0);
    if (n > 0) {
      c.in.append(chunk, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    // The peer closed the connection or recv failed. A server that sends
    // Connection: close often sends its FIN right behind the response, so
    // the bytes already read are parsed first.
    peer_closed = true;
    if (n < 0) read_error = std::string("recv failed: ") + std::strerror(errno);
    break;
  }

  while (c.in_flight) {
    Response response;
    // Keep bodies only until the first error sample is taken.
    bool keep_body = result_.error_sample.empty();
    int64_t consumed = ParseResponse(c.in, keep_body, &response);
    if (consumed == 0) break;
    if (consumed < 0) {
      Fail(c, now, "malformed or unsupported HTTP response");
      return;
    }
    c.in.erase(0, static_cast<size_t>(consumed));
    c.in_flight = false;
    Record(response, response.body, c.sent_ns, now);
    if (response.close || peer_closed) {
      CloseConnection(c);
      ++result_.reconnects;
      if (!Stopping(now)) Open(c, now);
      return;
    }
    MaybeSend(c, now);
  }

  if (!peer_closed) return;
  if (c.in_flight) {
    Fail(c, now, read_error.empty() ? "connection closed before the response ended" : read_error);
    return;
  }
  CloseConnection(c);
  ++result_.reconnects;
  if (!Stopping(now)) Open(c, now);
}

LoadResult Worker::Run() {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  int64_t now = NowNs();
  for (Connection& c : connections_) Open(c, now);

  std::vector<epoll_event> events(connections_.size() + 1);
  while (true) {
    now = NowNs();
    bool stopping = Stopping(now);
    bool any_in_flight = false;
    int64_t next_due = now + 10'000'000;
    for (Connection& c : connections_) {
      if (c.in_flight) {
        any_in_flight = true;
        if (now - c.sent_ns > int64_t{options_.timeout_ms} * 1'000'000) {
          Fail(c, now, "timed out waiting for a response");
          continue;
        }
      }
      if (stopping) continue;
      if (c.fd < 0 && now >= c.retry_at_ns) Open(c, now);
      if (c.fd < 0) {
        next_due = std::min(next_due, c.retry_at_ns);
        continue;
      }
      MaybeSend(c, now);
      if (schedule_.interval_ns > 0 && !c.in_flight) next_due = std::min(next_due, c.due_ns);
    }
    if (stopping && !any_in_flight) break;

    int timeout_ms = static_cast<int>(std::max<int64_t>(0, (next_due - now) / 1'000'000));
    int ready = epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), timeout_ms);
    if (ready < 0 && errno != EINTR) break;
    now = NowNs();
    for (int i = 0; i < ready; ++i) {
      auto* c = static_cast<Connection*>(events[static_cast<size_t>(i)].data.ptr);
      if (c->fd < 0) continue;
      uint32_t flags = events[static_cast<size_t>(i)].events;
      if (c->connecting && (flags & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
        int error = 0;
        socklen_t length = sizeof(error);
        getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &error, &length);
        if (error != 0) {
          ++result_.transport_errors;
          if (result_.error_sample.empty()) {
            result_.error_sample = std::string("connect failed: ") + std::strerror(error);
          }
          CloseConnection(*c);
          c->retry_at_ns = now + kReconnectDelayNs;
          continue;
        }
        c->connecting = false;
        UpdateInterest(*c);
        MaybeSend(*c, now);
        continue;
      }
      if (flags & EPOLLOUT) Flush(*c, now);
      if (c->fd >= 0 && (flags & (EPOLLIN | EPOLLERR | EPOLLHUP))) OnReadable(*c, now);
    }
  }
  for (Connection& c : connections_) CloseConnection(c);
  close(epoll_fd_);
  return std::move(result_);
}

}  // namespace

LoadResult RunLoad(const LoadOptions& options, const std::atomic<bool>* stop) {
  Schedule schedule;
  schedule.start_ns = NowNs();
  schedule.warmup_end_ns = schedule.start_ns + static_cast<int64_t>(options.warmup_s * 1e9);
  schedule.stop_ns = schedule.warmup_end_ns + static_cast<int64_t>(options.duration_s * 1e9);
  if (options.rate > 0) {
    schedule.interval_ns = static_cast<int64_t>(1e9 * options.connections / options.rate);
  }

  std::atomic<uint64_t> next_seq{options.first_seq};
  int threads = std::clamp(options.threads, 1, std::max(1, options.connections));
  std::vector<LoadResult> partial(static_cast<size_t>(threads));
  std::vector<int64_t> last_measured(static_cast<size_t>(threads), 0);
  std::vector<std::thread> workers;
  int assigned = 0;
  for (int t = 0; t < threads; ++t) {
    int count = options.connections / threads + (t < options.connections % threads ? 1 : 0);
    int first = assigned;
    assigned += count;
    workers.emplace_back([&, t, first, count] {
      Worker worker(options, schedule, &next_seq, stop, first, count);
      partial[static_cast<size_t>(t)] = worker.Run();
      last_measured[static_cast<size_t>(t)] = worker.last_measured_ns();
    });
  }
  for (auto& worker : workers) worker.join();

  LoadResult total;
  int64_t last_measured_ns = *std::max_element(last_measured.begin(), last_measured.end());
  for (LoadResult& part : partial) {
    total.measured += part.measured;
    total.succeeded += part.succeeded;
    total.failed += part.failed;
    total.transport_errors += part.transport_errors;
    total.reconnects += part.reconnects;
    total.sent_total += part.sent_total;
    for (const auto& [status, count] : part.status_counts) total.status_counts[status] += count;
    total.latencies_ns.insert(total.latencies_ns.end(), part.latencies_ns.begin(),
                              part.latencies_ns.end());
    if (total.error_sample.empty()) total.error_sample = part.error_sample;
  }
  std::sort(total.latencies_ns.begin(), total.latencies_ns.end());
  // The window runs from the end of the warmup to the last measured
  // response, so a run capped by max_requests is not divided by the full
  // duration.
  total.seconds =
      last_measured_ns > schedule.warmup_end_ns
          ? static_cast<double>(last_measured_ns - schedule.warmup_end_ns) / 1e9
          : 0;
  return total;
}

}  // namespace bench
