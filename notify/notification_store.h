// notify: durable broadcasts and per-user in-app inboxes in RocksDB.
//
// The store owns the whole key space of the column family it is given (the
// storage engine's "notify" family); the layout is in docs/formats/notify.md. A broadcast
// creates one notification per distinct recipient inbox.
//
// Durability: a method that writes commits one WriteBatch with the
// WriteOptions from NotificationStoreOptions, so when it returns OK every
// write it made survives a process crash (unless the WAL is disabled) and, with
// `sync`, a power loss. A method that fails writes nothing.
//
// Unread and unseen counts are computed by scanning the inbox on each list,
// not stored, so they can never disagree with the notifications.
//
// Thread safety: all methods may be called concurrently. Methods that change
// an existing notification serialise on one mutex, so concurrent marks never
// undo each other. AddBroadcast writes only new keys and takes no lock.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "notify/clock_and_ids.h"
#include "notify/model.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "rocksdb/write_batch.h"

namespace tidings::notify {

struct NotificationStoreOptions {
  rocksdb::WriteOptions write_options;  // The server chooses sync or async.
  Clock clock = SystemNow;
  IdGenerator id_generator = NewUuidV4;
};

class NotificationStore {
 public:
  // `db` and `column_family` must outlive the store.
  NotificationStore(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* column_family,
                    NotificationStoreOptions options = {});

  NotificationStore(const NotificationStore&) = delete;
  NotificationStore& operator=(const NotificationStore&) = delete;

  // Validates `request`, then appends to `batch` the broadcast and one
  // notification per distinct recipient inbox. A non-empty `idempotency_key`
  // is recorded too. Fills `out` with the broadcast as it will be stored.
  // Nothing is durable until the caller commits `batch`, so the trigger runner
  // can commit it atomically with its checkpoint.
  //
  // When `idempotency_key` names a broadcast already committed, appends nothing
  // and fills `out` with that broadcast. The check reads committed data only:
  // the caller must not use a key again before the batch that first used it is
  // committed or dropped, and concurrent calls must use different keys.
  // Returns a ValidationError naming the bad field, or an Internal error when
  // RocksDB fails.
  [[nodiscard]] absl::Status AddBroadcast(const BroadcastRequest& request,
                                          const std::string& idempotency_key,
                                          rocksdb::WriteBatch* batch, Broadcast* out);

  // Runs AddBroadcast and commits its batch. Calls with the same non-empty
  // idempotency key are serialised, so concurrent duplicates create one
  // broadcast and all return it.
  absl::StatusOr<Broadcast> CreateBroadcast(const BroadcastRequest& request,
                                            const std::string& idempotency_key);

  // Returns a ResourceNotFound error when no broadcast has `broadcast_id`.
  absl::StatusOr<Broadcast> GetBroadcast(const std::string& broadcast_id);

  // Returns one page of `user`'s inbox, newest first (ties by descending id),
  // with the counts described in NotificationPage. Returns a ValidationError
  // when the page is below 1 or per_page is outside 1 to kMaxPerPage.
  absl::StatusOr<NotificationPage> ListNotifications(const User& user,
                                                     const NotificationQuery& query);

  // The methods below take the id of a notification in `user`'s inbox and
  // return a ResourceNotFound error when the inbox has no such notification,
  // including when the id belongs to another user.
  absl::StatusOr<Notification> GetNotification(const User& user, const std::string& id);
  // Sets read_at, and seen_at when unset. A notification already read keeps its time.
  [[nodiscard]] absl::Status MarkRead(const User& user, const std::string& id);
  // Clears read_at; seen_at stays.
  [[nodiscard]] absl::Status MarkUnread(const User& user, const std::string& id);
  [[nodiscard]] absl::Status Archive(const User& user, const std::string& id);
  [[nodiscard]] absl::Status Unarchive(const User& user, const std::string& id);
  [[nodiscard]] absl::Status Delete(const User& user, const std::string& id);

  // Marks every unread notification of `user` that matches `filter` as read
  // (and seen), in one batch. Returns how many changed.
  absl::StatusOr<int64_t> MarkAllRead(const User& user, const NotificationFilter& filter);
  // Marks every unseen notification of `user` that matches `filter` as seen.
  absl::StatusOr<int64_t> MarkAllSeen(const User& user, const NotificationFilter& filter);

 private:
  // Changes a notification at the given time; returns false when it was
  // already in the wanted state.
  using Mutation = bool (*)(Notification*, absl::Time);

  // Puts the broadcast, its notifications and its idempotency record in `batch`.
  absl::Status AppendBroadcast(const Broadcast& broadcast, const std::string& idempotency_key,
                               rocksdb::WriteBatch* batch);
  absl::StatusOr<std::string> FindNotificationKey(const User& user, const std::string& id);
  absl::StatusOr<Notification> ReadNotification(const std::string& key, const std::string& id);
  absl::Status UpdateNotification(const User& user, const std::string& id, Mutation mutation);
  absl::StatusOr<int64_t> UpdateInbox(const User& user, const NotificationFilter& filter,
                                      Mutation mutation);
  absl::Status Commit(rocksdb::WriteBatch* batch);

  rocksdb::DB* const db_;
  rocksdb::ColumnFamilyHandle* const column_family_;
  const NotificationStoreOptions options_;

  // Serialises read-modify-write of existing notifications.
  absl::Mutex update_mutex_;
  // Serialises CreateBroadcast's idempotency check with its commit.
  absl::Mutex create_mutex_;
};

}  // namespace tidings::notify
