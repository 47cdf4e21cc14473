#include "observe/metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tidings {
namespace {

using ::testing::HasSubstr;

TEST(Metrics, RendersCounterWithLabels) {
  MetricsRegistry registry;
  registry.GetCounter("tidings_requests_total", "Requests.", {{"operation", "PutItem"}})
      ->Increment(3);
  std::string text = registry.Render();
  EXPECT_THAT(text, HasSubstr("# TYPE tidings_requests_total counter\n"));
  EXPECT_THAT(text, HasSubstr("tidings_requests_total{operation=\"PutItem\"} 3\n"));
}

TEST(Metrics, SameSeriesSharesCounter) {
  MetricsRegistry registry;
  Counter* first = registry.GetCounter("c_total", "C.", {{"a", "1"}});
  Counter* second = registry.GetCounter("c_total", "C.", {{"a", "1"}});
  EXPECT_EQ(first, second);
}

TEST(Metrics, RendersGauge) {
  MetricsRegistry registry;
  registry.GetGauge("tidings_iterator_age_seconds", "Age.", {{"pipeline", "p"}})->Set(1.5);
  EXPECT_THAT(registry.Render(), HasSubstr("tidings_iterator_age_seconds{pipeline=\"p\"} 1.5\n"));
}

TEST(Metrics, EscapesLabelValues) {
  MetricsRegistry registry;
  registry.GetCounter("c_total", "C.", {{"a", "x\"y"}})->Increment();
  EXPECT_THAT(registry.Render(), HasSubstr("c_total{a=\"x\\\"y\"} 1\n"));
}

}  // namespace
}  // namespace tidings
