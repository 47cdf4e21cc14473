#include "notify/notify_api.h"

#include <gtest/gtest.h>

#include <string>

#include "notify/testing_db.h"
#include "rapidjson/document.h"

namespace tidings::notify {
namespace {

constexpr char kOrderBroadcast[] = R"({
  "title": "Order shipped", "content": "Order 42 is on its way", "category": "order_update",
  "action_url": "https://shop.example.com/orders/42", "custom_attributes": {"order_id": "42"},
  "recipients": [{"external_id": "user-123"}]
})";

HttpRequest Request(std::string method, std::string path, std::string body = "") {
  HttpRequest request;
  request.method = std::move(method);
  request.path = std::move(path);
  request.body = std::move(body);
  request.headers["x-magicbell-api-key"] = "test-key";
  request.headers["x-magicbell-api-secret"] = "test-secret";
  return request;
}

HttpRequest InboxRequest(std::string method, std::string path, std::string user = "user-123") {
  HttpRequest request = Request(std::move(method), std::move(path));
  request.headers["x-magicbell-user-external-id"] = std::move(user);
  return request;
}

rapidjson::Document ParseBody(const HttpResponse& response) {
  rapidjson::Document document;
  document.Parse(response.body.c_str());
  EXPECT_FALSE(document.HasParseError()) << response.body;
  return document;
}

// Asserts a MagicBell error reply with `status` whose message contains `text`.
void ExpectError(const HttpResponse& response, int status, const std::string& text) {
  EXPECT_EQ(response.status, status) << response.body;
  rapidjson::Document json = ParseBody(response);
  ASSERT_TRUE(json.IsObject()) << response.body;
  ASSERT_TRUE(json.HasMember("errors")) << response.body;
  ASSERT_TRUE(json["errors"].IsArray()) << response.body;
  ASSERT_EQ(json["errors"].Size(), 1u) << response.body;
  EXPECT_TRUE(json["errors"][0]["code"].IsString()) << response.body;
  std::string message = json["errors"][0]["message"].GetString();
  EXPECT_NE(message.find(text), std::string::npos) << response.body;
}

class NotifyApiTest : public ::testing::Test {
 protected:
  // Posts kOrderBroadcast and returns the new broadcast's id.
  std::string PostBroadcast(const std::string& idempotency_key = "") {
    HttpRequest request = Request("POST", "/broadcasts", kOrderBroadcast);
    if (!idempotency_key.empty()) request.headers["idempotency-key"] = idempotency_key;
    HttpResponse response = api_.Handle(request);
    EXPECT_EQ(response.status, 201) << response.body;
    return ParseBody(response)["id"].GetString();
  }

  rapidjson::Document ListInbox(const std::string& user = "user-123") {
    HttpResponse response = api_.Handle(InboxRequest("GET", "/notifications", user));
    EXPECT_EQ(response.status, 200) << response.body;
    return ParseBody(response);
  }

  TestingDb testing_db_;
  std::unique_ptr<NotificationStore> store_ = testing_db_.NewStore();
  NotifyApi api_{store_.get()};
};

TEST_F(NotifyApiTest, HandlesOnlyItsPaths) {
  EXPECT_TRUE(api_.Handles(Request("POST", "/broadcasts")));
  EXPECT_TRUE(api_.Handles(Request("GET", "/broadcasts/b-1")));
  EXPECT_TRUE(api_.Handles(Request("GET", "/notifications")));
  EXPECT_TRUE(api_.Handles(Request("POST", "/notifications/n-1/read")));
  EXPECT_FALSE(api_.Handles(Request("POST", "/")));
  EXPECT_FALSE(api_.Handles(Request("GET", "/notificationsfoo")));
  EXPECT_FALSE(api_.Handles(Request("POST", "/tables")));
}

TEST_F(NotifyApiTest, PostBroadcastReturnsCreated) {
  HttpResponse response = api_.Handle(Request("POST", "/broadcasts", kOrderBroadcast));
  ASSERT_EQ(response.status, 201) << response.body;
  EXPECT_EQ(response.content_type, "application/json");
  rapidjson::Document json = ParseBody(response);
  EXPECT_STREQ(json["id"].GetString(), "id-0001");
  EXPECT_STREQ(json["title"].GetString(), "Order shipped");
  EXPECT_STREQ(json["content"].GetString(), "Order 42 is on its way");
  EXPECT_STREQ(json["category"].GetString(), "order_update");
  EXPECT_TRUE(json["topic"].IsNull());
  EXPECT_STREQ(json["action_url"].GetString(), "https://shop.example.com/orders/42");
  EXPECT_STREQ(json["custom_attributes"]["order_id"].GetString(), "42");
  EXPECT_STREQ(json["recipients"][0]["external_id"].GetString(), "user-123");
  EXPECT_STREQ(json["created_at"].GetString(), "2023-11-14T22:13:20.000Z");
}

TEST_F(NotifyApiTest, WrappedBroadcastGetsWrappedReply) {
  std::string body = std::string(R"({"broadcast": )") + kOrderBroadcast + "}";
  HttpResponse response = api_.Handle(Request("POST", "/broadcasts", body));
  ASSERT_EQ(response.status, 201) << response.body;
  rapidjson::Document json = ParseBody(response);
  ASSERT_TRUE(json.HasMember("broadcast")) << response.body;
  EXPECT_STREQ(json["broadcast"]["title"].GetString(), "Order shipped");
}

TEST_F(NotifyApiTest, IdempotencyKeyDedupes) {
  std::string first = PostBroadcast("order-42-shipped");
  std::string second = PostBroadcast("order-42-shipped");
  EXPECT_EQ(first, second);
  EXPECT_EQ(ListInbox()["total"].GetInt(), 1);
}

TEST_F(NotifyApiTest, GetBroadcastById) {
  std::string id = PostBroadcast();
  HttpResponse response = api_.Handle(Request("GET", "/broadcasts/" + id));
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(ParseBody(response)["id"].GetString(), id);
  ExpectError(api_.Handle(Request("GET", "/broadcasts/missing")), 404, "missing");
}

TEST_F(NotifyApiTest, ListsInboxInMagicBellShape) {
  PostBroadcast();
  testing_db_.clock().Advance(absl::Seconds(30));
  HttpRequest second = Request("POST", "/broadcasts",
                               R"({"title": "Delivered", "recipients": [{"external_id": "user-123"}]})");
  ASSERT_EQ(api_.Handle(second).status, 201);

  rapidjson::Document json = ListInbox();
  EXPECT_EQ(json["total"].GetInt(), 2);
  EXPECT_EQ(json["per_page"].GetInt(), 15);
  EXPECT_EQ(json["current_page"].GetInt(), 1);
  EXPECT_EQ(json["page"].GetInt(), 1);
  EXPECT_EQ(json["total_pages"].GetInt(), 1);
  EXPECT_EQ(json["unread_count"].GetInt(), 2);
  EXPECT_EQ(json["unseen_count"].GetInt(), 2);
  const rapidjson::Value& notifications = json["notifications"];
  ASSERT_EQ(notifications.Size(), 2u);
  EXPECT_STREQ(notifications[0]["title"].GetString(), "Delivered");
  EXPECT_EQ(notifications[0]["sent_at"].GetInt64(), 1700000030);
  const rapidjson::Value& order = notifications[1];
  EXPECT_STREQ(order["title"].GetString(), "Order shipped");
  EXPECT_STREQ(order["content"].GetString(), "Order 42 is on its way");
  EXPECT_STREQ(order["category"].GetString(), "order_update");
  EXPECT_TRUE(order["topic"].IsNull());
  EXPECT_STREQ(order["action_url"].GetString(), "https://shop.example.com/orders/42");
  EXPECT_STREQ(order["custom_attributes"]["order_id"].GetString(), "42");
  EXPECT_EQ(order["sent_at"].GetInt64(), 1700000000);
  EXPECT_TRUE(order["read_at"].IsNull());
  EXPECT_TRUE(order["seen_at"].IsNull());
}

TEST_F(NotifyApiTest, ListPagesWithQuery) {
  for (int i = 0; i < 3; ++i) {
    testing_db_.clock().Advance(absl::Seconds(1));
    PostBroadcast();
  }
  HttpRequest request = InboxRequest("GET", "/notifications");
  request.query = {{"page", "2"}, {"per_page", "2"}};
  HttpResponse response = api_.Handle(request);
  ASSERT_EQ(response.status, 200) << response.body;
  rapidjson::Document json = ParseBody(response);
  EXPECT_EQ(json["notifications"].Size(), 1u);
  EXPECT_EQ(json["total_pages"].GetInt(), 2);
  EXPECT_EQ(json["current_page"].GetInt(), 2);
}

TEST_F(NotifyApiTest, EmailHeaderSelectsInbox) {
  HttpRequest post = Request("POST", "/broadcasts",
                             R"({"title": "Hi", "recipients": [{"email": "ann@example.com"}]})");
  ASSERT_EQ(api_.Handle(post).status, 201);

  HttpRequest list = Request("GET", "/notifications");
  list.headers["x-magicbell-user-email"] = "ann@example.com";
  HttpResponse response = api_.Handle(list);
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(ParseBody(response)["total"].GetInt(), 1);
}

TEST_F(NotifyApiTest, MarkReadThenCounts) {
  PostBroadcast();
  std::string id = ListInbox()["notifications"][0]["id"].GetString();
  testing_db_.clock().Advance(absl::Seconds(10));

  HttpResponse response = api_.Handle(InboxRequest("POST", "/notifications/" + id + "/read"));
  EXPECT_EQ(response.status, 204) << response.body;
  EXPECT_TRUE(response.body.empty());

  rapidjson::Document json = ListInbox();
  EXPECT_EQ(json["unread_count"].GetInt(), 0);
  EXPECT_EQ(json["unseen_count"].GetInt(), 0);
  EXPECT_EQ(json["notifications"][0]["read_at"].GetInt64(), 1700000010);
  EXPECT_EQ(json["notifications"][0]["seen_at"].GetInt64(), 1700000010);

  response = api_.Handle(InboxRequest("POST", "/notifications/" + id + "/unread"));
  EXPECT_EQ(response.status, 204) << response.body;
  EXPECT_EQ(ListInbox()["unread_count"].GetInt(), 1);
}

TEST_F(NotifyApiTest, MarkAllReadAndSeen) {
  PostBroadcast();
  PostBroadcast();
  EXPECT_EQ(api_.Handle(InboxRequest("POST", "/notifications/seen")).status, 204);
  rapidjson::Document json = ListInbox();
  EXPECT_EQ(json["unseen_count"].GetInt(), 0);
  EXPECT_EQ(json["unread_count"].GetInt(), 2);

  EXPECT_EQ(api_.Handle(InboxRequest("POST", "/notifications/read")).status, 204);
  EXPECT_EQ(ListInbox()["unread_count"].GetInt(), 0);
}

TEST_F(NotifyApiTest, GetArchiveAndDeleteOneNotification) {
  PostBroadcast();
  std::string id = ListInbox()["notifications"][0]["id"].GetString();
  std::string path = "/notifications/" + id;

  HttpResponse response = api_.Handle(InboxRequest("GET", path));
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(ParseBody(response)["notification"]["id"].GetString(), id);

  EXPECT_EQ(api_.Handle(InboxRequest("POST", path + "/archive")).status, 204);
  EXPECT_TRUE(ListInbox()["notifications"][0]["archived_at"].IsInt64());
  EXPECT_EQ(api_.Handle(InboxRequest("DELETE", path + "/archive")).status, 204);
  EXPECT_TRUE(ListInbox()["notifications"][0]["archived_at"].IsNull());

  EXPECT_EQ(api_.Handle(InboxRequest("DELETE", path)).status, 204);
  EXPECT_EQ(ListInbox()["total"].GetInt(), 0);
}

TEST_F(NotifyApiTest, MarkReadUnknownIdIs404) {
  ExpectError(api_.Handle(InboxRequest("POST", "/notifications/no-such-id/read")), 404,
              "no-such-id");
}

TEST_F(NotifyApiTest, OtherUsersNotificationIs404) {
  PostBroadcast();
  std::string id = ListInbox()["notifications"][0]["id"].GetString();
  ExpectError(api_.Handle(InboxRequest("POST", "/notifications/" + id + "/read", "user-999")), 404,
              id);
  EXPECT_EQ(ListInbox()["unread_count"].GetInt(), 1);
}

TEST_F(NotifyApiTest, MissingApiKeyIs401) {
  HttpRequest request = Request("POST", "/broadcasts", kOrderBroadcast);
  request.headers.erase("x-magicbell-api-key");
  ExpectError(api_.Handle(request), 401, "X-MAGICBELL-API-KEY");

  HttpRequest list = InboxRequest("GET", "/notifications");
  list.headers.erase("x-magicbell-api-key");
  ExpectError(api_.Handle(list), 401, "X-MAGICBELL-API-KEY");
  EXPECT_EQ(ListInbox()["total"].GetInt(), 0);
}

TEST_F(NotifyApiTest, MissingUserIs401) {
  ExpectError(api_.Handle(Request("GET", "/notifications")), 401,
              "X-MAGICBELL-USER-EXTERNAL-ID");
}

TEST_F(NotifyApiTest, MalformedJsonIs400) {
  ExpectError(api_.Handle(Request("POST", "/broadcasts", R"({"title": "Hi",)")), 400,
              "not valid JSON");
  EXPECT_EQ(ListInbox()["total"].GetInt(), 0);
}

TEST_F(NotifyApiTest, MissingTitleIs422) {
  ExpectError(api_.Handle(Request("POST", "/broadcasts",
                                  R"({"recipients": [{"external_id": "user-123"}]})")),
              422, "\"title\"");
  EXPECT_EQ(ListInbox()["total"].GetInt(), 0);
}

TEST_F(NotifyApiTest, NoRecipientsIs422) {
  ExpectError(api_.Handle(Request("POST", "/broadcasts", R"({"title": "Hi", "recipients": []})")),
              422, "\"recipients\"");
  ExpectError(api_.Handle(Request("POST", "/broadcasts", R"({"title": "Hi"})")), 422,
              "\"recipients\"");
}

TEST_F(NotifyApiTest, FailedRequestWritesNothing) {
  // The second recipient is invalid, so the first must not get a notification.
  ExpectError(api_.Handle(Request("POST", "/broadcasts",
                                  R"({"title": "Hi", "recipients": [{"external_id": "user-123"},
                                     {"first_name": "Nobody"}]})")),
              422, "recipients[1]");
  EXPECT_EQ(ListInbox()["total"].GetInt(), 0);
}

TEST_F(NotifyApiTest, NonNumericPageIs422) {
  for (const char* name : {"page", "per_page"}) {
    HttpRequest request = InboxRequest("GET", "/notifications");
    request.query[name] = "two";
    ExpectError(api_.Handle(request), 422, name);
  }
  HttpRequest request = InboxRequest("GET", "/notifications");
  request.query["per_page"] = "500";
  ExpectError(api_.Handle(request), 422, "per_page");
  request.query = {{"read", "maybe"}};
  ExpectError(api_.Handle(request), 422, "\"read\"");
}

TEST_F(NotifyApiTest, WrongMethodIs405) {
  ExpectError(api_.Handle(Request("GET", "/broadcasts")), 405, "GET");
  ExpectError(api_.Handle(InboxRequest("DELETE", "/notifications")), 405, "DELETE");
  ExpectError(api_.Handle(InboxRequest("GET", "/notifications/read")), 405, "GET");
}

TEST_F(NotifyApiTest, UnknownRouteIs404) {
  ExpectError(api_.Handle(InboxRequest("POST", "/notifications/n-1/explode")), 404, "no route");
  ExpectError(api_.Handle(Request("GET", "/broadcasts/b-1/extra")), 404, "no route");
}

}  // namespace
}  // namespace tidings::notify
