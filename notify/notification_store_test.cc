#include "notify/notification_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "common/errors.h"
#include "notify/testing_db.h"

namespace tidings::notify {
namespace {

using ::testing::ElementsAre;

User ExternalUser(std::string id) { return User{std::move(id), ""}; }

BroadcastRequest RequestFor(std::vector<User> users, std::string title = "Order shipped") {
  BroadcastRequest request;
  request.title = std::move(title);
  request.content = "Your order is on its way";
  request.category = "order_update";
  for (User& user : users) request.recipients.push_back(Recipient{std::move(user)});
  return request;
}

std::vector<std::string> Titles(const NotificationPage& page) {
  std::vector<std::string> titles;
  for (const Notification& notification : page.notifications) titles.push_back(notification.title);
  return titles;
}

class NotificationStoreTest : public ::testing::Test {
 protected:
  // Creates one broadcast to `user` per title, one second apart.
  std::vector<std::string> SendTitles(const User& user, const std::vector<std::string>& titles) {
    std::vector<std::string> ids;
    for (const std::string& title : titles) {
      testing_db_.clock().Advance(absl::Seconds(1));
      auto broadcast = store_->CreateBroadcast(RequestFor({user}, title), "");
      EXPECT_TRUE(broadcast.ok()) << broadcast.status();
      auto page = store_->ListNotifications(user, NotificationQuery{});
      EXPECT_TRUE(page.ok()) << page.status();
      ids.push_back(page->notifications.front().id);
    }
    return ids;
  }

  NotificationPage List(const User& user, NotificationQuery query = {}) {
    auto page = store_->ListNotifications(user, query);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? *page : NotificationPage{};
  }

  TestingDb testing_db_;
  std::unique_ptr<NotificationStore> store_ = testing_db_.NewStore();
};

TEST_F(NotificationStoreTest, CreateFillsEachInbox) {
  auto broadcast =
      store_->CreateBroadcast(RequestFor({ExternalUser("user-1"), ExternalUser("user-2")}), "");
  ASSERT_TRUE(broadcast.ok()) << broadcast.status();
  EXPECT_EQ(broadcast->created_at, testing_db_.clock().Now());

  for (const char* id : {"user-1", "user-2"}) {
    NotificationPage page = List(ExternalUser(id));
    ASSERT_EQ(page.notifications.size(), 1u) << id;
    const Notification& notification = page.notifications[0];
    EXPECT_EQ(notification.broadcast_id, broadcast->id);
    EXPECT_EQ(notification.title, "Order shipped");
    EXPECT_EQ(notification.content, "Your order is on its way");
    EXPECT_EQ(notification.category, "order_update");
    EXPECT_EQ(notification.recipient.external_id, id);
    EXPECT_EQ(notification.sent_at, broadcast->created_at);
    EXPECT_FALSE(notification.read_at.has_value());
    EXPECT_FALSE(notification.seen_at.has_value());
  }
}

TEST_F(NotificationStoreTest, ListsNewestFirst) {
  User user = ExternalUser("user-1");
  SendTitles(user, {"first", "second", "third"});
  EXPECT_THAT(Titles(List(user)), ElementsAre("third", "second", "first"));
}

TEST_F(NotificationStoreTest, PagesThroughInbox) {
  User user = ExternalUser("user-1");
  SendTitles(user, {"n1", "n2", "n3", "n4", "n5"});

  NotificationQuery query;
  query.per_page = 2;
  query.page = 1;
  NotificationPage first = List(user, query);
  EXPECT_THAT(Titles(first), ElementsAre("n5", "n4"));
  EXPECT_EQ(first.total, 5);
  EXPECT_EQ(first.total_pages, 3);
  EXPECT_EQ(first.page, 1);
  EXPECT_EQ(first.per_page, 2);

  query.page = 3;
  EXPECT_THAT(Titles(List(user, query)), ElementsAre("n1"));
  query.page = 4;
  NotificationPage past_end = List(user, query);
  EXPECT_TRUE(past_end.notifications.empty());
  EXPECT_EQ(past_end.total, 5);
}

TEST_F(NotificationStoreTest, ListRejectsBadPaging) {
  NotificationQuery query;
  query.per_page = kMaxPerPage + 1;
  auto page = store_->ListNotifications(ExternalUser("user-1"), query);
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(KindOf(page.status()), ErrorKind::kValidation) << page.status();

  query.per_page = 10;
  query.page = 0;
  page = store_->ListNotifications(ExternalUser("user-1"), query);
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(KindOf(page.status()), ErrorKind::kValidation) << page.status();
}

TEST_F(NotificationStoreTest, EmptyInboxHasNoPages) {
  NotificationPage page = List(ExternalUser("nobody"));
  EXPECT_EQ(page.total, 0);
  EXPECT_EQ(page.total_pages, 0);
  EXPECT_EQ(page.unread_count, 0);
  EXPECT_EQ(page.unseen_count, 0);
}

TEST_F(NotificationStoreTest, InboxesWithSharedPrefixStaySeparate) {
  SendTitles(ExternalUser("user-1"), {"for one"});
  SendTitles(ExternalUser("user-12"), {"for twelve"});
  EXPECT_THAT(Titles(List(ExternalUser("user-1"))), ElementsAre("for one"));
  EXPECT_THAT(Titles(List(ExternalUser("user-12"))), ElementsAre("for twelve"));
}

TEST_F(NotificationStoreTest, MarkReadSetsReadAndSeen) {
  User user = ExternalUser("user-1");
  std::string id = SendTitles(user, {"hello"})[0];
  testing_db_.clock().Advance(absl::Minutes(5));

  ASSERT_TRUE(store_->MarkRead(user, id).ok());
  auto notification = store_->GetNotification(user, id);
  ASSERT_TRUE(notification.ok()) << notification.status();
  EXPECT_EQ(notification->read_at, testing_db_.clock().Now());
  EXPECT_EQ(notification->seen_at, testing_db_.clock().Now());

  // A second mark keeps the first read time.
  absl::Time first_read = testing_db_.clock().Now();
  testing_db_.clock().Advance(absl::Minutes(1));
  ASSERT_TRUE(store_->MarkRead(user, id).ok());
  EXPECT_EQ(store_->GetNotification(user, id)->read_at, first_read);
}

TEST_F(NotificationStoreTest, MarkUnreadKeepsSeen) {
  User user = ExternalUser("user-1");
  std::string id = SendTitles(user, {"hello"})[0];
  ASSERT_TRUE(store_->MarkRead(user, id).ok());
  ASSERT_TRUE(store_->MarkUnread(user, id).ok());

  auto notification = store_->GetNotification(user, id);
  ASSERT_TRUE(notification.ok()) << notification.status();
  EXPECT_FALSE(notification->read_at.has_value());
  EXPECT_TRUE(notification->seen_at.has_value());
}

TEST_F(NotificationStoreTest, MarkReadUnknownIdIsNotFound) {
  absl::Status status = store_->MarkRead(ExternalUser("user-1"), "no-such-id");
  EXPECT_EQ(KindOf(status), ErrorKind::kResourceNotFound) << status;
}

TEST_F(NotificationStoreTest, MarkReadOtherUsersIdIsNotFound) {
  std::string id = SendTitles(ExternalUser("owner"), {"private"})[0];
  absl::Status status = store_->MarkRead(ExternalUser("intruder"), id);
  EXPECT_EQ(KindOf(status), ErrorKind::kResourceNotFound) << status;
  EXPECT_FALSE(store_->GetNotification(ExternalUser("owner"), id)->read_at.has_value());
}

TEST_F(NotificationStoreTest, CountsFollowMarks) {
  User user = ExternalUser("user-1");
  std::vector<std::string> ids = SendTitles(user, {"a", "b", "c"});
  NotificationPage page = List(user);
  EXPECT_EQ(page.unread_count, 3);
  EXPECT_EQ(page.unseen_count, 3);

  ASSERT_TRUE(store_->MarkRead(user, ids[0]).ok());
  page = List(user);
  EXPECT_EQ(page.unread_count, 2);
  EXPECT_EQ(page.unseen_count, 2);

  auto seen = store_->MarkAllSeen(user, NotificationFilter{});
  ASSERT_TRUE(seen.ok()) << seen.status();
  EXPECT_EQ(*seen, 2);
  page = List(user);
  EXPECT_EQ(page.unread_count, 2);
  EXPECT_EQ(page.unseen_count, 0);

  auto read = store_->MarkAllRead(user, NotificationFilter{});
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, 2);
  EXPECT_EQ(List(user).unread_count, 0);
}

TEST_F(NotificationStoreTest, ArchivedLeaveCounts) {
  User user = ExternalUser("user-1");
  std::vector<std::string> ids = SendTitles(user, {"keep", "archive"});
  ASSERT_TRUE(store_->Archive(user, ids[1]).ok());

  NotificationPage page = List(user);
  EXPECT_EQ(page.total, 2);
  EXPECT_EQ(page.unread_count, 1);
  EXPECT_EQ(page.unseen_count, 1);

  NotificationQuery unarchived;
  unarchived.filter.archived = false;
  EXPECT_THAT(Titles(List(user, unarchived)), ElementsAre("keep"));

  ASSERT_TRUE(store_->Unarchive(user, ids[1]).ok());
  EXPECT_EQ(List(user).unread_count, 2);
}

TEST_F(NotificationStoreTest, FiltersByReadAndCategory) {
  User user = ExternalUser("user-1");
  BroadcastRequest uncategorized = RequestFor({user}, "no category");
  uncategorized.category.reset();
  ASSERT_TRUE(store_->CreateBroadcast(uncategorized, "").ok());
  testing_db_.clock().Advance(absl::Seconds(1));
  std::string order_id = SendTitles(user, {"order"})[0];
  ASSERT_TRUE(store_->MarkRead(user, order_id).ok());

  NotificationQuery query;
  query.filter.categories = {"uncategorized"};
  EXPECT_THAT(Titles(List(user, query)), ElementsAre("no category"));
  query.filter.categories = {"order_update"};
  EXPECT_THAT(Titles(List(user, query)), ElementsAre("order"));
  query.filter.categories.clear();
  query.filter.read = false;
  EXPECT_THAT(Titles(List(user, query)), ElementsAre("no category"));
}

TEST_F(NotificationStoreTest, DeleteRemovesNotification) {
  User user = ExternalUser("user-1");
  std::string id = SendTitles(user, {"gone"})[0];
  ASSERT_TRUE(store_->Delete(user, id).ok());
  EXPECT_EQ(List(user).total, 0);
  EXPECT_EQ(KindOf(store_->MarkRead(user, id)), ErrorKind::kResourceNotFound);
}

TEST_F(NotificationStoreTest, DuplicateRecipientGetsOneNotification) {
  User user = ExternalUser("user-1");
  ASSERT_TRUE(store_->CreateBroadcast(RequestFor({user, user}), "").ok());
  EXPECT_EQ(List(user).total, 1);
}

TEST_F(NotificationStoreTest, EmailInboxIgnoresCase) {
  ASSERT_TRUE(store_->CreateBroadcast(RequestFor({User{"", "Ann@Example.com"}}), "").ok());
  EXPECT_EQ(List(User{"", "ann@example.com"}).total, 1);
}

TEST_F(NotificationStoreTest, IdempotencyKeySurvivesReopen) {
  auto first = store_->CreateBroadcast(RequestFor({ExternalUser("user-1")}, "original"), "key-1");
  ASSERT_TRUE(first.ok()) << first.status();

  store_.reset();
  testing_db_.Reopen();
  store_ = testing_db_.NewStore();
  testing_db_.clock().Advance(absl::Hours(1));

  auto second = store_->CreateBroadcast(RequestFor({ExternalUser("user-1")}, "retry"), "key-1");
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->id, first->id);
  EXPECT_EQ(second->request.title, "original");
  EXPECT_EQ(second->created_at, first->created_at);
  EXPECT_THAT(Titles(List(ExternalUser("user-1"))), ElementsAre("original"));
}

TEST_F(NotificationStoreTest, DifferentKeysCreateTwoBroadcasts) {
  ASSERT_TRUE(store_->CreateBroadcast(RequestFor({ExternalUser("user-1")}), "key-1").ok());
  ASSERT_TRUE(store_->CreateBroadcast(RequestFor({ExternalUser("user-1")}), "key-2").ok());
  EXPECT_EQ(List(ExternalUser("user-1")).total, 2);
}

TEST_F(NotificationStoreTest, AddBroadcastWaitsForCallerCommit) {
  rocksdb::WriteBatch batch;
  Broadcast broadcast;
  ASSERT_TRUE(store_->AddBroadcast(RequestFor({ExternalUser("user-1")}), "event-7", &batch,
                                   &broadcast)
                  .ok());
  batch.Put(testing_db_.checkpoints(), "mapping-1", "event-7");
  EXPECT_EQ(List(ExternalUser("user-1")).total, 0);

  ASSERT_TRUE(testing_db_.db()->Write(rocksdb::WriteOptions(), &batch).ok());
  EXPECT_EQ(List(ExternalUser("user-1")).total, 1);
  auto stored = store_->GetBroadcast(broadcast.id);
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->request.title, "Order shipped");
}

TEST_F(NotificationStoreTest, AddBroadcastDedupAddsNothing) {
  auto first = store_->CreateBroadcast(RequestFor({ExternalUser("user-1")}), "event-7");
  ASSERT_TRUE(first.ok()) << first.status();

  rocksdb::WriteBatch batch;
  Broadcast broadcast;
  ASSERT_TRUE(store_->AddBroadcast(RequestFor({ExternalUser("user-1")}), "event-7", &batch,
                                   &broadcast)
                  .ok());
  EXPECT_EQ(batch.Count(), 0);
  EXPECT_EQ(broadcast.id, first->id);
}

TEST_F(NotificationStoreTest, DroppedBatchLeavesKeyUnused) {
  // The caller crashes between AddBroadcast and its commit: the batch is lost.
  {
    rocksdb::WriteBatch batch;
    Broadcast broadcast;
    ASSERT_TRUE(store_->AddBroadcast(RequestFor({ExternalUser("user-1")}), "event-7", &batch,
                                     &broadcast)
                    .ok());
  }
  store_.reset();
  testing_db_.Reopen();
  store_ = testing_db_.NewStore();

  rocksdb::WriteBatch retry;
  Broadcast broadcast;
  ASSERT_TRUE(store_->AddBroadcast(RequestFor({ExternalUser("user-1")}), "event-7", &retry,
                                   &broadcast)
                  .ok());
  EXPECT_GT(retry.Count(), 0);
  ASSERT_TRUE(testing_db_.db()->Write(rocksdb::WriteOptions(), &retry).ok());
  EXPECT_EQ(List(ExternalUser("user-1")).total, 1);
}

TEST_F(NotificationStoreTest, ConcurrentDuplicatesCreateOne) {
  constexpr int kThreads = 4;
  std::vector<std::string> ids(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([this, &ids, i] {
      auto broadcast = store_->CreateBroadcast(RequestFor({ExternalUser("user-1")}), "key-1");
      EXPECT_TRUE(broadcast.ok()) << broadcast.status();
      if (broadcast.ok()) ids[i] = broadcast->id;
    });
  }
  for (std::thread& thread : threads) thread.join();

  for (int i = 1; i < kThreads; ++i) EXPECT_EQ(ids[i], ids[0]);
  EXPECT_EQ(List(ExternalUser("user-1")).total, 1);
}

TEST_F(NotificationStoreTest, InvalidRequestWritesNothing) {
  rocksdb::WriteBatch batch;
  Broadcast broadcast;
  BroadcastRequest request = RequestFor({ExternalUser("user-1")}, "");
  absl::Status status = store_->AddBroadcast(request, "key-1", &batch, &broadcast);
  EXPECT_EQ(KindOf(status), ErrorKind::kValidation) << status;
  EXPECT_EQ(batch.Count(), 0);
  EXPECT_EQ(List(ExternalUser("user-1")).total, 0);
}

TEST_F(NotificationStoreTest, GetBroadcastUnknownIsNotFound) {
  auto broadcast = store_->GetBroadcast("missing");
  EXPECT_EQ(KindOf(broadcast.status()), ErrorKind::kResourceNotFound) << broadcast.status();
}

}  // namespace
}  // namespace tidings::notify
