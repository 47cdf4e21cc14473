// observe: Prometheus metrics for every part.
//
// Parts declare their metrics once (see the *_metrics.h files beside the
// code that updates them) and update them lock-free; GET /metrics renders
// the registry in Prometheus' text exposition format.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace tidings {

class Counter {
 public:
  void Increment(uint64_t by = 1) { value_.fetch_add(by, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

class Gauge {
 public:
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Label names and values of one series, e.g. {{"operation", "PutItem"}}.
using Labels = std::vector<std::pair<std::string, std::string>>;

// Thread-safe. Returned pointers stay valid for the registry's lifetime.
class MetricsRegistry {
 public:
  Counter* GetCounter(const std::string& name, const std::string& help, const Labels& labels = {});
  Gauge* GetGauge(const std::string& name, const std::string& help, const Labels& labels = {});

  // Renders every series in Prometheus' text format, version 0.0.4.
  std::string Render() const;

 private:
  struct Family {
    std::string help;
    bool is_counter = true;
    std::map<std::string, std::unique_ptr<Counter>> counters;  // By rendered labels.
    std::map<std::string, std::unique_ptr<Gauge>> gauges;
  };

  mutable std::mutex mutex_;
  std::map<std::string, Family> families_;  // Guarded by mutex_.
};

// The process-wide registry that the server exposes at /metrics.
MetricsRegistry& DefaultMetrics();

}  // namespace tidings
