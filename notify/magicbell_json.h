// notify: MagicBell's JSON shapes for broadcasts, notifications and errors.
//
// Shapes follow MagicBell's REST API reference (magicbell.com/docs) and the
// legacy inbox responses its JavaScript SDK tests against: notification times
// are Unix seconds, a broadcast's created_at is an RFC 3339 string, and an
// unset field is null.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "notify/model.h"

namespace tidings::notify {

struct ParsedBroadcast {
  BroadcastRequest request;
  // True when the body was {"broadcast": {...}}, so the reply is wrapped too.
  bool wrapped = false;
};

// Parses a POST /broadcasts body, bare or wrapped in "broadcast". Returns a
// kSerialization error when the body is not a JSON object, and a
// ValidationError naming the field when a field has the wrong type or the
// request breaks ValidateBroadcastRequest.
absl::StatusOr<ParsedBroadcast> ParseBroadcastRequest(std::string_view body);

// The broadcast, wrapped in {"broadcast": ...} when `wrapped`.
std::string BroadcastToJson(const Broadcast& broadcast, bool wrapped);

// {"notification": {...}}, as MagicBell returns one notification.
std::string NotificationToJson(const Notification& notification);

// MagicBell's list reply: paging fields, counts and "notifications".
std::string NotificationPageToJson(const NotificationPage& page);

// {"errors": [{"code": code, "message": message}]}.
std::string ErrorToJson(std::string_view code, std::string_view message);

}  // namespace tidings::notify
