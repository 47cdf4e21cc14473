#include "common/duration.h"

#include <gtest/gtest.h>

namespace tidings {
namespace {

TEST(Duration, ParsesUnits) {
  EXPECT_EQ(*ParseDurationMs("250ms"), 250);
  EXPECT_EQ(*ParseDurationMs("90s"), 90 * 1000);
  EXPECT_EQ(*ParseDurationMs("90"), 90 * 1000);
  EXPECT_EQ(*ParseDurationMs("30m"), 30 * 60 * 1000);
  EXPECT_EQ(*ParseDurationMs("4h"), 4 * 3600 * 1000);
  EXPECT_EQ(*ParseDurationMs("7d"), 7 * 24 * 3600 * 1000LL);
  EXPECT_EQ(*ParseDurationMs("2w"), 14 * 24 * 3600 * 1000LL);
}

TEST(Duration, RejectsMalformed) {
  for (const char* text : {"", "h", "-1s", "1.5h", "4 h", "4y", "9999999999999s"}) {
    EXPECT_FALSE(ParseDurationMs(text).ok()) << text;
  }
}

}  // namespace
}  // namespace tidings
