// server: wires the parts into one running tidings server.
//
// Opens storage, loads the catalog, recovers stream counters, starts the
// pipelines and the HTTP server; Stop() shuts down in the reverse order so
// every acknowledged write is on disk before the process exits.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "server/config.h"
#include "storage/engine.h"

namespace tidings {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8000;
  std::string data_dir = "./data";
  Durability durability = Durability::kSync;
  int http_threads = 0;  // 0: 16 with sync durability, one per core with async.
  int64_t ttl_interval_ms = 5000;  // How often expired items are looked for.
  StreamSettings streams;  // Resolved from flags, then the config file, then defaults.
  Config config;
};

class Server {
 public:
  explicit Server(ServerOptions options);
  ~Server();

  // Opens everything and starts serving; returns once the port is bound.
  [[nodiscard]] absl::Status Start();
  void Stop();
  uint16_t port() const;

 private:
  struct Parts;
  ServerOptions options_;
  std::unique_ptr<Parts> parts_;
};

}  // namespace tidings
