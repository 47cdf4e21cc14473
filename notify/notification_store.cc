#include "notify/notification_store.h"

#include <memory>
#include <set>
#include <utility>

#include "common/errors.h"
#include "fmt/format.h"
#include "notify/broadcast_validation.h"
#include "notify/logger.h"
#include "notify/record_codec.h"

namespace tidings::notify {
namespace {

absl::Status FromRocksDbStatus(const rocksdb::Status& status, std::string_view action) {
  if (status.ok()) return absl::OkStatus();
  return MakeError(ErrorKind::kInternal,
                   fmt::format("notify store failed to {}: {}", action, status.ToString()));
}

absl::Status NotificationNotFound(const std::string& id) {
  return ResourceNotFoundError(fmt::format(
      "notification \"{}\" not found in this user's inbox; check the id and the user header", id));
}

// Returns the smallest key greater than every key that starts with `prefix`.
std::string PrefixEnd(std::string prefix) {
  while (!prefix.empty() && static_cast<unsigned char>(prefix.back()) == 0xFF) prefix.pop_back();
  if (!prefix.empty()) prefix.back() = static_cast<char>(prefix.back() + 1);
  return prefix;
}

bool MatchesLabel(const std::vector<std::string>& wanted, const std::optional<std::string>& label,
                  bool allow_uncategorized) {
  if (wanted.empty()) return true;
  for (const std::string& value : wanted) {
    if (allow_uncategorized && value == "uncategorized" && !label.has_value()) return true;
    if (label.has_value() && *label == value) return true;
  }
  return false;
}

bool Matches(const NotificationFilter& filter, const Notification& notification) {
  if (filter.read.has_value() && *filter.read != notification.read_at.has_value()) return false;
  if (filter.seen.has_value() && *filter.seen != notification.seen_at.has_value()) return false;
  if (filter.archived.has_value() && *filter.archived != notification.archived_at.has_value()) {
    return false;
  }
  return MatchesLabel(filter.categories, notification.category, /*allow_uncategorized=*/true) &&
         MatchesLabel(filter.topics, notification.topic, /*allow_uncategorized=*/false);
}

Notification NotificationFor(const Broadcast& broadcast, const User& user, std::string id) {
  const BroadcastRequest& request = broadcast.request;
  Notification notification;
  notification.id = std::move(id);
  notification.broadcast_id = broadcast.id;
  notification.recipient = user;
  notification.title = request.title;
  notification.content = request.content;
  notification.action_url = request.action_url;
  notification.category = request.category;
  notification.topic = request.topic;
  notification.custom_attributes = request.custom_attributes;
  notification.sent_at = broadcast.created_at;
  return notification;
}

// Mutations for UpdateNotification and UpdateInbox. Reading a notification
// also marks it seen, as MagicBell does.
bool SetRead(Notification* notification, absl::Time now) {
  if (notification->read_at.has_value()) return false;
  notification->read_at = now;
  if (!notification->seen_at.has_value()) notification->seen_at = now;
  return true;
}

bool ClearRead(Notification* notification, absl::Time) {
  if (!notification->read_at.has_value()) return false;
  notification->read_at.reset();
  return true;
}

bool SetSeen(Notification* notification, absl::Time now) {
  if (notification->seen_at.has_value()) return false;
  notification->seen_at = now;
  return true;
}

bool SetArchived(Notification* notification, absl::Time now) {
  if (notification->archived_at.has_value()) return false;
  notification->archived_at = now;
  return true;
}

bool ClearArchived(Notification* notification, absl::Time) {
  if (!notification->archived_at.has_value()) return false;
  notification->archived_at.reset();
  return true;
}

// Scans one inbox, newest first, decoding each notification.
class InboxScan {
 public:
  InboxScan(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* column_family, const User& user)
      : prefix_(InboxPrefix(user)), end_(PrefixEnd(prefix_)), end_slice_(end_) {
    read_options_.iterate_upper_bound = &end_slice_;
    iterator_.reset(db->NewIterator(read_options_, column_family));
    iterator_->Seek(prefix_);
  }

  // Moves to the next notification; returns false at the end or on an error,
  // which status() then reports.
  bool Next(std::string* key, Notification* notification) {
    if (!status_.ok() || !iterator_->Valid()) {
      if (status_.ok()) status_ = FromRocksDbStatus(iterator_->status(), "scan an inbox");
      return false;
    }
    auto decoded = DecodeNotification(iterator_->value().ToStringView());
    if (!decoded.ok()) {
      status_ = decoded.status();
      return false;
    }
    *key = iterator_->key().ToString();
    *notification = *std::move(decoded);
    iterator_->Next();
    return true;
  }

  const absl::Status& status() const { return status_; }

 private:
  std::string prefix_;
  std::string end_;
  rocksdb::Slice end_slice_;
  rocksdb::ReadOptions read_options_;
  std::unique_ptr<rocksdb::Iterator> iterator_;
  absl::Status status_;
};

}  // namespace

NotificationStore::NotificationStore(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* column_family,
                                     NotificationStoreOptions options)
    : db_(db), column_family_(column_family), options_(std::move(options)) {}

absl::Status NotificationStore::Commit(rocksdb::WriteBatch* batch) {
  return FromRocksDbStatus(db_->Write(options_.write_options, batch), "commit a write");
}

absl::Status NotificationStore::AddBroadcast(const BroadcastRequest& request,
                                             const std::string& idempotency_key,
                                             rocksdb::WriteBatch* batch, Broadcast* out) {
  if (auto status = ValidateBroadcastRequest(request); !status.ok()) return status;

  if (!idempotency_key.empty()) {
    std::string value;
    rocksdb::Status found = db_->Get(rocksdb::ReadOptions(), column_family_,
                                     IdempotencyRecordKey(idempotency_key), &value);
    if (found.ok()) {
      auto broadcast_id = DecodeReference(value);
      if (!broadcast_id.ok()) return broadcast_id.status();
      auto existing = GetBroadcast(*broadcast_id);
      if (!existing.ok()) return existing.status();
      Logger()->debug("[broadcast={}] idempotency key reused; returning the stored broadcast",
                      existing->id);
      *out = *std::move(existing);
      return absl::OkStatus();
    }
    if (!found.IsNotFound()) return FromRocksDbStatus(found, "read an idempotency key");
  }

  Broadcast broadcast;
  broadcast.id = options_.id_generator();
  broadcast.request = request;
  broadcast.created_at = options_.clock();

  // A save point lets a failed Put leave the caller's batch as it was.
  batch->SetSavePoint();
  absl::Status status = AppendBroadcast(broadcast, idempotency_key, batch);
  if (!status.ok()) {
    batch->RollbackToSavePoint().PermitUncheckedError();
    return status;
  }
  batch->PopSavePoint().PermitUncheckedError();

  Logger()->debug("[broadcast={}] added to a batch", broadcast.id);
  *out = std::move(broadcast);
  return absl::OkStatus();
}

absl::Status NotificationStore::AppendBroadcast(const Broadcast& broadcast,
                                                const std::string& idempotency_key,
                                                rocksdb::WriteBatch* batch) {
  std::set<std::string> inboxes;
  for (const Recipient& recipient : broadcast.request.recipients) {
    if (!inboxes.insert(InboxPrefix(recipient.user)).second) continue;
    Notification notification = NotificationFor(broadcast, recipient.user, options_.id_generator());
    std::string key = NotificationKey(recipient.user, notification.sent_at, notification.id);
    rocksdb::Status status =
        batch->Put(column_family_, NotificationIndexKey(notification.id), EncodeReference(key));
    if (status.ok()) status = batch->Put(column_family_, key, EncodeNotification(notification));
    if (!status.ok()) return FromRocksDbStatus(status, "add a notification to a batch");
  }

  rocksdb::Status status =
      batch->Put(column_family_, BroadcastKey(broadcast.id), EncodeBroadcast(broadcast));
  if (status.ok() && !idempotency_key.empty()) {
    status = batch->Put(column_family_, IdempotencyRecordKey(idempotency_key),
                        EncodeReference(broadcast.id));
  }
  return FromRocksDbStatus(status, "add a broadcast to a batch");
}

absl::StatusOr<Broadcast> NotificationStore::CreateBroadcast(const BroadcastRequest& request,
                                                             const std::string& idempotency_key) {
  // Without a key there is nothing to deduplicate, so no lock is needed.
  std::unique_ptr<absl::MutexLock> lock;
  if (!idempotency_key.empty()) lock = std::make_unique<absl::MutexLock>(&create_mutex_);

  rocksdb::WriteBatch batch;
  Broadcast broadcast;
  if (auto status = AddBroadcast(request, idempotency_key, &batch, &broadcast); !status.ok()) {
    return status;
  }
  if (batch.Count() == 0) return broadcast;  // Deduplicated: nothing new to write.
  if (auto status = Commit(&batch); !status.ok()) {
    Logger()->warn("[broadcast={}] not stored: {}", broadcast.id, std::string(status.message()));
    return status;
  }
  return broadcast;
}

absl::StatusOr<Broadcast> NotificationStore::GetBroadcast(const std::string& broadcast_id) {
  std::string value;
  rocksdb::Status found =
      db_->Get(rocksdb::ReadOptions(), column_family_, BroadcastKey(broadcast_id), &value);
  if (found.IsNotFound()) {
    return ResourceNotFoundError(fmt::format("broadcast \"{}\" not found", broadcast_id));
  }
  if (!found.ok()) return FromRocksDbStatus(found, "read a broadcast");
  return DecodeBroadcast(value);
}

absl::StatusOr<NotificationPage> NotificationStore::ListNotifications(
    const User& user, const NotificationQuery& query) {
  if (query.page < 1) {
    return ValidationError(fmt::format("page {} is invalid; pages start at 1", query.page));
  }
  if (query.per_page < 1 || query.per_page > kMaxPerPage) {
    return ValidationError(fmt::format("per_page {} is invalid; send a number from 1 to {}",
                                       query.per_page, kMaxPerPage));
  }

  NotificationPage page;
  page.page = query.page;
  page.per_page = query.per_page;
  const int64_t first = static_cast<int64_t>(query.page - 1) * query.per_page;

  // TODO: keep per-inbox counters and page by key if inboxes grow to many
  // thousands of notifications; each list now reads the whole inbox.
  InboxScan scan(db_, column_family_, user);
  std::string key;
  Notification notification;
  while (scan.Next(&key, &notification)) {
    if (!notification.archived_at.has_value()) {
      if (!notification.read_at.has_value()) ++page.unread_count;
      if (!notification.seen_at.has_value()) ++page.unseen_count;
    }
    if (!Matches(query.filter, notification)) continue;
    if (page.total >= first && page.total < first + query.per_page) {
      page.notifications.push_back(notification);
    }
    ++page.total;
  }
  if (!scan.status().ok()) return scan.status();

  page.total_pages = (page.total + query.per_page - 1) / query.per_page;
  return page;
}

absl::StatusOr<std::string> NotificationStore::FindNotificationKey(const User& user,
                                                                   const std::string& id) {
  std::string value;
  rocksdb::Status found =
      db_->Get(rocksdb::ReadOptions(), column_family_, NotificationIndexKey(id), &value);
  if (found.IsNotFound()) return NotificationNotFound(id);
  if (!found.ok()) return FromRocksDbStatus(found, "read the notification index");

  auto key = DecodeReference(value);
  if (!key.ok()) return key.status();
  // The id exists, but in another user's inbox: report it as absent.
  if (key->rfind(InboxPrefix(user), 0) != 0) return NotificationNotFound(id);
  return key;
}

absl::StatusOr<Notification> NotificationStore::ReadNotification(const std::string& key,
                                                                 const std::string& id) {
  std::string value;
  rocksdb::Status found = db_->Get(rocksdb::ReadOptions(), column_family_, key, &value);
  if (found.IsNotFound()) return NotificationNotFound(id);
  if (!found.ok()) return FromRocksDbStatus(found, "read a notification");
  return DecodeNotification(value);
}

absl::StatusOr<Notification> NotificationStore::GetNotification(const User& user,
                                                                const std::string& id) {
  auto key = FindNotificationKey(user, id);
  if (!key.ok()) return key.status();
  return ReadNotification(*key, id);
}

absl::Status NotificationStore::UpdateNotification(const User& user, const std::string& id,
                                                   Mutation mutation) {
  absl::MutexLock lock(&update_mutex_);
  auto key = FindNotificationKey(user, id);
  if (!key.ok()) return key.status();
  auto notification = ReadNotification(*key, id);
  if (!notification.ok()) return notification.status();

  if (!mutation(&*notification, options_.clock())) return absl::OkStatus();
  rocksdb::WriteBatch batch;
  batch.Put(column_family_, *key, EncodeNotification(*notification));
  return Commit(&batch);
}

absl::StatusOr<int64_t> NotificationStore::UpdateInbox(const User& user,
                                                       const NotificationFilter& filter,
                                                       Mutation mutation) {
  absl::MutexLock lock(&update_mutex_);
  const absl::Time now = options_.clock();
  rocksdb::WriteBatch batch;
  int64_t changed = 0;

  InboxScan scan(db_, column_family_, user);
  std::string key;
  Notification notification;
  while (scan.Next(&key, &notification)) {
    if (!Matches(filter, notification)) continue;
    if (!mutation(&notification, now)) continue;
    batch.Put(column_family_, key, EncodeNotification(notification));
    ++changed;
  }
  if (!scan.status().ok()) return scan.status();

  if (changed == 0) return changed;
  if (auto status = Commit(&batch); !status.ok()) return status;
  return changed;
}

absl::Status NotificationStore::MarkRead(const User& user, const std::string& id) {
  return UpdateNotification(user, id, SetRead);
}

absl::Status NotificationStore::MarkUnread(const User& user, const std::string& id) {
  return UpdateNotification(user, id, ClearRead);
}

absl::Status NotificationStore::Archive(const User& user, const std::string& id) {
  return UpdateNotification(user, id, SetArchived);
}

absl::Status NotificationStore::Unarchive(const User& user, const std::string& id) {
  return UpdateNotification(user, id, ClearArchived);
}

absl::StatusOr<int64_t> NotificationStore::MarkAllRead(const User& user,
                                                       const NotificationFilter& filter) {
  return UpdateInbox(user, filter, SetRead);
}

absl::StatusOr<int64_t> NotificationStore::MarkAllSeen(const User& user,
                                                       const NotificationFilter& filter) {
  return UpdateInbox(user, filter, SetSeen);
}

absl::Status NotificationStore::Delete(const User& user, const std::string& id) {
  absl::MutexLock lock(&update_mutex_);
  auto key = FindNotificationKey(user, id);
  if (!key.ok()) return key.status();
  rocksdb::WriteBatch batch;
  batch.Delete(column_family_, *key);
  batch.Delete(column_family_, NotificationIndexKey(id));
  return Commit(&batch);
}

}  // namespace tidings::notify
