// notify: keys and values of the "notify" column family (layout in docs/formats/notify.md).
//
// Every value starts with kRecordFormatVersion, and a decoder rejects any
// other version with a DataLoss error instead of misreading the record.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "notify/model.h"

namespace tidings::notify {

inline constexpr uint8_t kRecordFormatVersion = 1;

// Prefix of every notification key of `user`'s inbox. The user is encoded by
// external id when set, otherwise by email in lower case.
std::string InboxPrefix(const User& user);

// Key of one notification: the inbox prefix, then the inverted send time so a
// forward scan returns the newest first, then the notification id.
std::string NotificationKey(const User& user, absl::Time sent_at, std::string_view notification_id);

// Key of the index entry that maps a notification id to its NotificationKey.
std::string NotificationIndexKey(std::string_view notification_id);

std::string BroadcastKey(std::string_view broadcast_id);

// Key that records which broadcast an idempotency key created.
std::string IdempotencyRecordKey(std::string_view idempotency_key);

std::string EncodeNotification(const Notification& notification);
absl::StatusOr<Notification> DecodeNotification(std::string_view value);

std::string EncodeBroadcast(const Broadcast& broadcast);
absl::StatusOr<Broadcast> DecodeBroadcast(std::string_view value);

// A value that contains one key or id: the index and idempotency records.
std::string EncodeReference(std::string_view target);
absl::StatusOr<std::string> DecodeReference(std::string_view value);

}  // namespace tidings::notify
