#include "notify/clock_and_ids.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace tidings::notify {
namespace {

TEST(NewUuidV4, HasCanonicalForm) {
  std::string id = NewUuidV4();
  ASSERT_EQ(id.size(), 36u) << id;
  for (size_t i = 0; i < id.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      EXPECT_EQ(id[i], '-') << id;
    } else {
      EXPECT_NE(std::string("0123456789abcdef").find(id[i]), std::string::npos) << id;
    }
  }
  EXPECT_EQ(id[14], '4') << id;  // Version 4.
  EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << id;  // RFC 4122 variant.
}

TEST(NewUuidV4, DoesNotRepeat) {
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.insert(NewUuidV4());
  EXPECT_EQ(ids.size(), 1000u);
}

}  // namespace
}  // namespace tidings::notify
