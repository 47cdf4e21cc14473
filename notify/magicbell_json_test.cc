#include "notify/magicbell_json.h"

#include <gtest/gtest.h>

#include <string>

#include "common/errors.h"
#include "rapidjson/document.h"

namespace tidings::notify {
namespace {

rapidjson::Document ParseJson(const std::string& text) {
  rapidjson::Document document;
  document.Parse(text.c_str());
  EXPECT_FALSE(document.HasParseError()) << text;
  return document;
}

TEST(ParseBroadcastRequest, ReadsBareBody) {
  auto parsed = ParseBroadcastRequest(R"({
    "title": "Order shipped", "content": "On its way", "category": "order_update",
    "topic": "orders", "action_url": "https://example.com/orders/42",
    "custom_attributes": {"order": 42, "tags": ["a"]},
    "recipients": [{"external_id": "user-123", "first_name": "Ann"}, {"email": "b@example.com"}],
    "overrides": {"channels": {}}
  })");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_FALSE(parsed->wrapped);
  const BroadcastRequest& request = parsed->request;
  EXPECT_EQ(request.title, "Order shipped");
  EXPECT_EQ(request.content, "On its way");
  EXPECT_EQ(request.category, "order_update");
  EXPECT_EQ(request.topic, "orders");
  EXPECT_EQ(request.action_url, "https://example.com/orders/42");
  EXPECT_EQ(request.custom_attributes, R"({"order":42,"tags":["a"]})");
  ASSERT_EQ(request.recipients.size(), 2u);
  EXPECT_EQ(request.recipients[0].user.external_id, "user-123");
  EXPECT_EQ(request.recipients[0].first_name, "Ann");
  EXPECT_EQ(request.recipients[1].user.email, "b@example.com");
}

TEST(ParseBroadcastRequest, ReadsWrappedBody) {
  auto parsed = ParseBroadcastRequest(
      R"({"broadcast": {"title": "Hi", "recipients": [{"external_id": "u"}]}})");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_TRUE(parsed->wrapped);
  EXPECT_EQ(parsed->request.title, "Hi");
}

TEST(ParseBroadcastRequest, TreatsNullAndEmptyLabelsAsUnset) {
  auto parsed = ParseBroadcastRequest(
      R"({"title": "Hi", "category": "", "topic": null, "content": null,
          "recipients": [{"external_id": "u"}]})");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_FALSE(parsed->request.category.has_value());
  EXPECT_FALSE(parsed->request.topic.has_value());
  EXPECT_FALSE(parsed->request.content.has_value());
}

TEST(ParseBroadcastRequest, MalformedJsonIsSerializationError) {
  for (const char* body : {"", "{\"title\":", "[1]", "\"text\""}) {
    auto parsed = ParseBroadcastRequest(body);
    EXPECT_EQ(KindOf(parsed.status()), ErrorKind::kSerialization) << body;
  }
}

TEST(ParseBroadcastRequest, NamesBadField) {
  struct Case {
    const char* body;
    const char* field;
  };
  const Case cases[] = {
      {R"({"recipients": [{"external_id": "u"}]})", "\"title\""},
      {R"({"title": 5, "recipients": [{"external_id": "u"}]})", "\"title\""},
      {R"({"title": "Hi"})", "\"recipients\""},
      {R"({"title": "Hi", "recipients": []})", "\"recipients\""},
      {R"({"title": "Hi", "recipients": {"external_id": "u"}})", "\"recipients\""},
      {R"({"title": "Hi", "recipients": ["u"]})", "recipients[0]"},
      {R"({"title": "Hi", "recipients": [{"external_id": 7}]})", "recipients[0].external_id"},
      {R"({"title": "Hi", "recipients": [{"topic": {"subscribers": true}}]})", "topic"},
      {R"({"title": "Hi", "custom_attributes": [], "recipients": [{"email": "a@b"}]})",
       "\"custom_attributes\""},
      {R"({"broadcast": "Hi"})", "\"broadcast\""},
  };
  for (const Case& c : cases) {
    auto parsed = ParseBroadcastRequest(c.body);
    ASSERT_FALSE(parsed.ok()) << c.body;
    EXPECT_EQ(KindOf(parsed.status()), ErrorKind::kValidation) << c.body << " " << parsed.status();
    EXPECT_NE(parsed.status().message().find(c.field), std::string::npos)
        << c.body << " " << parsed.status();
  }
}

Broadcast SampleBroadcast() {
  Broadcast broadcast;
  broadcast.id = "b-1";
  broadcast.created_at = absl::FromUnixMillis(1700000000250);
  broadcast.request.title = "Hello";
  broadcast.request.custom_attributes = R"({"order":42})";
  broadcast.request.recipients.push_back(Recipient{User{"user-1", ""}});
  broadcast.request.recipients.push_back(Recipient{User{"user-1", ""}});
  return broadcast;
}

TEST(BroadcastToJson, WritesMagicBellFields) {
  rapidjson::Document json = ParseJson(BroadcastToJson(SampleBroadcast(), /*wrapped=*/false));
  EXPECT_STREQ(json["id"].GetString(), "b-1");
  EXPECT_STREQ(json["title"].GetString(), "Hello");
  EXPECT_TRUE(json["content"].IsNull());
  EXPECT_TRUE(json["category"].IsNull());
  EXPECT_TRUE(json["topic"].IsNull());
  EXPECT_TRUE(json["action_url"].IsNull());
  EXPECT_EQ(json["custom_attributes"]["order"].GetInt(), 42);
  EXPECT_STREQ(json["created_at"].GetString(), "2023-11-14T22:13:20.250Z");
  ASSERT_EQ(json["recipients"].Size(), 2u);
  EXPECT_STREQ(json["recipients"][0]["external_id"].GetString(), "user-1");
  EXPECT_TRUE(json["recipients"][0]["email"].IsNull());
  EXPECT_STREQ(json["status"]["status"].GetString(), "processed");
  EXPECT_EQ(json["status"]["summary"]["total"].GetInt(), 1);  // One distinct inbox.
}

TEST(BroadcastToJson, WrapsWhenAsked) {
  rapidjson::Document json = ParseJson(BroadcastToJson(SampleBroadcast(), /*wrapped=*/true));
  ASSERT_TRUE(json.HasMember("broadcast"));
  EXPECT_STREQ(json["broadcast"]["id"].GetString(), "b-1");
}

TEST(NotificationPageToJson, WritesTimesAsUnixSeconds) {
  NotificationPage page;
  page.total = 31;
  page.page = 2;
  page.per_page = 15;
  page.total_pages = 3;
  page.unread_count = 4;
  page.unseen_count = 5;
  Notification notification;
  notification.id = "n-1";
  notification.title = "Hello";
  notification.recipient = User{"user-1", ""};
  notification.sent_at = absl::FromUnixMillis(1700000000900);
  notification.read_at = absl::FromUnixSeconds(1700000100);
  page.notifications.push_back(notification);

  rapidjson::Document json = ParseJson(NotificationPageToJson(page));
  EXPECT_EQ(json["total"].GetInt(), 31);
  EXPECT_EQ(json["per_page"].GetInt(), 15);
  EXPECT_EQ(json["current_page"].GetInt(), 2);
  EXPECT_EQ(json["page"].GetInt(), 2);
  EXPECT_EQ(json["total_pages"].GetInt(), 3);
  EXPECT_EQ(json["unread_count"].GetInt(), 4);
  EXPECT_EQ(json["unseen_count"].GetInt(), 5);
  const rapidjson::Value& item = json["notifications"][0];
  EXPECT_STREQ(item["id"].GetString(), "n-1");
  EXPECT_EQ(item["sent_at"].GetInt64(), 1700000000);
  EXPECT_EQ(item["read_at"].GetInt64(), 1700000100);
  EXPECT_TRUE(item["seen_at"].IsNull());
  EXPECT_TRUE(item["archived_at"].IsNull());
  EXPECT_TRUE(item["custom_attributes"].IsNull());
  EXPECT_STREQ(item["recipient"]["external_id"].GetString(), "user-1");
}

TEST(ErrorToJson, UsesMagicBellShape) {
  rapidjson::Document json = ParseJson(ErrorToJson("not_found", "no \"x\""));
  ASSERT_EQ(json["errors"].Size(), 1u);
  EXPECT_STREQ(json["errors"][0]["code"].GetString(), "not_found");
  EXPECT_STREQ(json["errors"][0]["message"].GetString(), "no \"x\"");
}

}  // namespace
}  // namespace tidings::notify
