#include "notify/record_codec.h"

#include <gtest/gtest.h>

namespace tidings::notify {
namespace {

Notification SampleNotification() {
  Notification notification;
  notification.id = "n-1";
  notification.broadcast_id = "b-1";
  notification.recipient = User{"user-1", "ann@example.com"};
  notification.title = "Order shipped";
  notification.content = "On its way";
  notification.category = "order_update";
  notification.custom_attributes = R"({"order":42})";
  notification.sent_at = absl::FromUnixMicros(1700000000123456);
  notification.seen_at = absl::FromUnixSeconds(1700000100);
  return notification;
}

TEST(RecordCodec, NotificationRoundTrips) {
  Notification original = SampleNotification();
  auto decoded = DecodeNotification(EncodeNotification(original));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->id, original.id);
  EXPECT_EQ(decoded->broadcast_id, original.broadcast_id);
  EXPECT_EQ(decoded->recipient.external_id, "user-1");
  EXPECT_EQ(decoded->recipient.email, "ann@example.com");
  EXPECT_EQ(decoded->title, original.title);
  EXPECT_EQ(decoded->content, original.content);
  EXPECT_FALSE(decoded->action_url.has_value());
  EXPECT_EQ(decoded->category, original.category);
  EXPECT_FALSE(decoded->topic.has_value());
  EXPECT_EQ(decoded->custom_attributes, original.custom_attributes);
  EXPECT_EQ(decoded->sent_at, original.sent_at);
  EXPECT_FALSE(decoded->read_at.has_value());
  EXPECT_EQ(decoded->seen_at, original.seen_at);
  EXPECT_FALSE(decoded->archived_at.has_value());
}

TEST(RecordCodec, BroadcastRoundTrips) {
  Broadcast original;
  original.id = "b-1";
  original.created_at = absl::FromUnixSeconds(1700000000);
  original.request.title = "Hello";
  original.request.topic = "orders/42";
  original.request.recipients.push_back(Recipient{User{"user-1", ""}, "Ann", std::nullopt, "{}"});
  original.request.recipients.push_back(Recipient{User{"", "bob@example.com"}});

  auto decoded = DecodeBroadcast(EncodeBroadcast(original));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->id, "b-1");
  EXPECT_EQ(decoded->created_at, original.created_at);
  EXPECT_EQ(decoded->request.title, "Hello");
  EXPECT_EQ(decoded->request.topic, "orders/42");
  ASSERT_EQ(decoded->request.recipients.size(), 2u);
  EXPECT_EQ(decoded->request.recipients[0].user.external_id, "user-1");
  EXPECT_EQ(decoded->request.recipients[0].first_name, "Ann");
  EXPECT_FALSE(decoded->request.recipients[0].last_name.has_value());
  EXPECT_EQ(decoded->request.recipients[0].custom_attributes, "{}");
  EXPECT_EQ(decoded->request.recipients[1].user.email, "bob@example.com");
}

TEST(RecordCodec, RejectsUnknownVersion) {
  std::string value = EncodeNotification(SampleNotification());
  value[0] = 2;
  auto decoded = DecodeNotification(value);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(decoded.status().message().find("version 2"), std::string::npos) << decoded.status();
}

TEST(RecordCodec, RejectsTruncatedRecord) {
  std::string value = EncodeNotification(SampleNotification());
  for (size_t size = 0; size < value.size(); ++size) {
    EXPECT_FALSE(DecodeNotification(value.substr(0, size)).ok()) << "size " << size;
  }
}

TEST(RecordCodec, RejectsTrailingBytes) {
  EXPECT_FALSE(DecodeReference(EncodeReference("target") + "x").ok());
}

TEST(RecordCodec, NewerNotificationSortsFirst) {
  User user{"user-1", ""};
  std::string older = NotificationKey(user, absl::FromUnixSeconds(100), "z");
  std::string newer = NotificationKey(user, absl::FromUnixSeconds(200), "a");
  EXPECT_LT(newer, older);
  EXPECT_EQ(older.rfind(InboxPrefix(user), 0), 0u);
}

TEST(RecordCodec, InboxPrefixSeparatesKinds) {
  EXPECT_NE(InboxPrefix(User{"ann@example.com", ""}), InboxPrefix(User{"", "ann@example.com"}));
  EXPECT_EQ(InboxPrefix(User{"", "Ann@Example.com"}), InboxPrefix(User{"", "ann@example.com"}));
  // The external id wins when both are set.
  EXPECT_EQ(InboxPrefix(User{"user-1", "ann@example.com"}), InboxPrefix(User{"user-1", ""}));
}

}  // namespace
}  // namespace tidings::notify
