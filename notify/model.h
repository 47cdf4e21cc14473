// notify: the broadcasts and in-app notifications that NotificationStore keeps
// and NotifyApi exchanges in MagicBell's JSON shapes.
//
// Times are absl::Time. An unset optional field is sent as JSON null. Custom
// attributes travel as the text of a JSON object, stored and returned as given.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace tidings::notify {

// A MagicBell user. The inbox is keyed by external_id when it is set and by
// email otherwise, so a user sent to with both is read with the external id.
struct User {
  std::string external_id;
  std::string email;
};

struct Recipient {
  User user;
  std::optional<std::string> first_name = std::nullopt;
  std::optional<std::string> last_name = std::nullopt;
  std::optional<std::string> custom_attributes = std::nullopt;  // JSON object text.
};

// The fields a client sends to create a broadcast.
struct BroadcastRequest {
  std::string title;
  std::optional<std::string> content;
  std::optional<std::string> action_url;
  std::optional<std::string> category;
  std::optional<std::string> topic;
  std::optional<std::string> custom_attributes;  // JSON object text.
  std::vector<Recipient> recipients;
};

// A stored broadcast: the request plus the id and creation time given to it.
struct Broadcast {
  std::string id;
  BroadcastRequest request;
  absl::Time created_at = absl::UnixEpoch();
};

// One recipient's copy of a broadcast, as shown in that user's inbox.
struct Notification {
  std::string id;
  std::string broadcast_id;
  User recipient;
  std::string title;
  std::optional<std::string> content;
  std::optional<std::string> action_url;
  std::optional<std::string> category;
  std::optional<std::string> topic;
  std::optional<std::string> custom_attributes;  // JSON object text.
  absl::Time sent_at = absl::UnixEpoch();
  std::optional<absl::Time> read_at;
  std::optional<absl::Time> seen_at;
  std::optional<absl::Time> archived_at;
};

// Selects notifications as MagicBell's list filters do. An unset field does
// not filter. The category "uncategorized" matches notifications without one.
struct NotificationFilter {
  std::optional<bool> read;
  std::optional<bool> seen;
  std::optional<bool> archived;
  std::vector<std::string> categories;  // Any of these; empty means all.
  std::vector<std::string> topics;      // Any of these; empty means all.
};

inline constexpr int kDefaultPerPage = 15;  // MagicBell's default page size.
inline constexpr int kMaxPerPage = 100;     // MagicBell's maximum page size.

struct NotificationQuery {
  NotificationFilter filter;
  int page = 1;  // 1-based.
  int per_page = kDefaultPerPage;
};

// One page of a user's inbox, newest first.
struct NotificationPage {
  std::vector<Notification> notifications;
  int64_t total = 0;  // Notifications that match the filter.
  int page = 1;
  int per_page = kDefaultPerPage;
  int64_t total_pages = 0;
  // Counts over the whole inbox, ignoring the filter and archived notifications.
  int64_t unread_count = 0;
  int64_t unseen_count = 0;
};

}  // namespace tidings::notify
