// notify: the checks a broadcast must pass before anything is stored.
//
// The limits are those of the broadcast schema in MagicBell's API reference
// (magicbell.com/docs, "Broadcast").
#pragma once

#include "absl/status/status.h"
#include "notify/model.h"

namespace tidings::notify {

inline constexpr int kMaxTitleLength = 255;            // Characters.
inline constexpr int kMaxActionUrlLength = 2048;       // Characters.
inline constexpr int kMaxLabelLength = 255;            // Category and topic, characters.
inline constexpr size_t kMaxContentBytes = 10485760;   // 10 MiB.
inline constexpr size_t kMaxRecipients = 1000;

// Returns a ValidationError naming the first field that breaks MagicBell's
// broadcast schema. The title must have 1 to 255 characters, and there must be
// 1 to 1000 recipients, each with an external_id or an email. Category and
// topic may use only letters, digits and "_.-/:". Custom attributes must be
// JSON objects.
[[nodiscard]] absl::Status ValidateBroadcastRequest(const BroadcastRequest& request);

}  // namespace tidings::notify
