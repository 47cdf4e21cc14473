// cli: the `tidings` command. Parses arguments and runs the server until
// SIGINT or SIGTERM.
#include <csignal>
#include <iostream>

#include "CLI/CLI.hpp"
#include "common/duration.h"
#include "common/logging.h"
#include "server/server.h"

namespace {

// Splits "HOST:PORT"; returns false when it is malformed.
bool ParseListen(const std::string& listen, std::string* host, uint16_t* port) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  *host = listen.substr(0, colon);
  if (host->size() > 2 && host->front() == '[' && host->back() == ']') {
    *host = host->substr(1, host->size() - 2);
  }
  std::string port_text = listen.substr(colon + 1);
  if (port_text.empty() || port_text.size() > 5 ||
      port_text.find_first_not_of("0123456789") != std::string::npos) {
    return false;
  }
  int port_value = std::stoi(port_text);
  if (port_value > 65535) return false;
  *port = static_cast<uint16_t>(port_value);
  return true;
}

// Stream flags as given; empty when absent, so the config file's value applies.
struct StreamFlags {
  std::string shards;
  std::string shard_period;
  std::string retention;
  std::string iterator_lifetime = "15m";
};

// Resolves stream settings: a flag wins over the config file, which wins
// over the defaults. Returns false after printing a message when a flag is invalid.
bool ResolveStreamSettings(const StreamFlags& flags, const tidings::Config& config,
                           tidings::StreamSettings* settings) {
  if (config.stream_shards) settings->shards = *config.stream_shards;
  if (config.stream_shard_period_ms) settings->shard_period_ms = *config.stream_shard_period_ms;
  if (config.stream_retention_ms) settings->retention_ms = *config.stream_retention_ms;
  if (!flags.shards.empty()) settings->shards = std::stoi(flags.shards);

  struct DurationFlag {
    const char* name;
    const std::string& text;
    int64_t* target;
  };
  DurationFlag durations[] = {
      {"--stream-shard-period", flags.shard_period, &settings->shard_period_ms},
      {"--stream-retention", flags.retention, &settings->retention_ms},
      {"--stream-iterator-lifetime", flags.iterator_lifetime, &settings->iterator_lifetime_ms}};
  for (const DurationFlag& flag : durations) {
    if (flag.text.empty()) continue;
    auto parsed = tidings::ParseDurationMs(flag.text);
    if (!parsed.ok() || *parsed < 1000) {
      std::cerr << "tidings: invalid " << flag.name << " \"" << flag.text
                << "\"; expected a duration of at least 1s, such as 90s, 4h or 7d\n";
      return false;
    }
    *flag.target = *parsed;
  }
  return true;
}

int Serve(const std::string& listen, const std::string& data_dir, const std::string& config_path,
          const std::string& durability, const std::string& log_level, double ttl_interval,
          int http_threads, const StreamFlags& stream_flags) {
  spdlog::set_level(spdlog::level::from_str(log_level));
  tidings::ServerOptions options;
  if (!ParseListen(listen, &options.host, &options.port)) {
    std::cerr << "tidings: invalid --listen \"" << listen
              << "\"; expected HOST:PORT, for example 127.0.0.1:8000\n";
    return 2;
  }
  options.data_dir = data_dir;
  options.ttl_interval_ms = static_cast<int64_t>(ttl_interval * 1000);
  options.http_threads = http_threads;
  options.durability =
      durability == "async" ? tidings::Durability::kAsync : tidings::Durability::kSync;
  if (!config_path.empty()) {
    auto config = tidings::LoadConfig(config_path);
    if (!config.ok()) {
      std::cerr << "tidings: " << config.status().message() << "\n";
      return 1;
    }
    options.config = *std::move(config);
  }
  if (!ResolveStreamSettings(stream_flags, options.config, &options.streams)) return 2;

  // Block the shutdown signals before any thread starts, then wait for one.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  tidings::Server server(options);
  if (auto status = server.Start(); !status.ok()) {
    std::cerr << "tidings: " << status.message() << "\n";
    return 1;
  }
  int received = 0;
  sigwait(&signals, &received);
  tidings::Logger("server")->info("received {}, shutting down", strsignal(received));
  server.Stop();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "tidings: DynamoDB tables and streams, Lambda-style triggers and MagicBell-style "
      "notifications in one self-hosted server."};
  app.require_subcommand(1);

  std::string listen = "127.0.0.1:8000";
  std::string data_dir = "./data";
  std::string config_path;
  std::string durability = "sync";
  std::string log_level = "info";
  double ttl_interval = 5;
  int http_threads = 0;
  CLI::App* serve = app.add_subcommand("serve", "Run the server: every API on one port.");
  serve->add_option("--listen", listen,
                    "Address and TCP port to serve every API on, as HOST:PORT")
      ->capture_default_str();
  serve->add_option("--data-dir", data_dir,
                    "Directory of the RocksDB database; created if missing")
      ->capture_default_str();
  serve->add_option("--config", config_path,
                    "YAML file declaring the region and the pipelines (default: none)");
  serve->add_option("--durability", durability,
                    "sync: acknowledge a write after its log record is fsynced; async: once the "
                    "operating system has it (a killed process loses nothing, a power loss may "
                    "lose the last writes)")
      ->check(CLI::IsMember({"sync", "async"}))
      ->capture_default_str();
  serve->add_option("--log-level", log_level, "trace, debug, info, warn, error or off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))
      ->capture_default_str();

  serve->add_option("--ttl-interval", ttl_interval,
                    "Seconds between sweeps for items whose time to live has passed")
      ->check(CLI::Range(0.05, 3600.0))
      ->capture_default_str();

  serve->add_option("--http-threads", http_threads,
                    "Threads that serve requests (0: 16 with sync durability, so writers waiting "
                    "for an fsync share it; one per core with async)")
      ->check(CLI::Range(0, 1024))
      ->capture_default_str();

  StreamFlags stream_flags;
  serve->add_option("--stream-shards", stream_flags.shards,
                    "Open shards per stream; an item's changes always go to the same one "
                    "(default 4, or streams.shards in the config)")
      ->check(CLI::Range(1, 64));
  serve->add_option("--stream-shard-period", stream_flags.shard_period,
                    "Age at which a stream's open shards close and new ones open, such as 4h or "
                    "2s (default 4h, or streams.shard_period in the config)");
  serve->add_option("--stream-retention", stream_flags.retention,
                    "How long stream records are kept, such as 24h or 7d, unless the table's "
                    "tidings:stream-retention tag says otherwise (default 24h, or "
                    "streams.retention in the config)");
  serve->add_option("--stream-iterator-lifetime", stream_flags.iterator_lifetime,
                    "Age at which a shard iterator expires, such as 15m")
      ->capture_default_str();

  CLI11_PARSE(app, argc, argv);
  if (serve->parsed()) {
    return Serve(listen, data_dir, config_path, durability, log_level, ttl_interval,
                 http_threads, stream_flags);
  }
  return 0;
}
