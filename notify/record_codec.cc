#include "notify/record_codec.h"

#include <algorithm>
#include <optional>

#include "absl/status/status.h"
#include "common/varint.h"
#include "fmt/format.h"

namespace tidings::notify {
namespace {

constexpr char kNotificationTag = 'u';
constexpr char kIndexTag = 'i';
constexpr char kBroadcastTag = 'b';
constexpr char kIdempotencyTag = 'k';
constexpr char kExternalIdKind = 'x';
constexpr char kEmailKind = 'e';

std::string LowerAscii(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; });
  return lower;
}

void PutTime(absl::Time time, std::string* out) {
  PutVarint(static_cast<uint64_t>(absl::ToUnixMicros(time)), out);
}

void PutOptionalTime(const std::optional<absl::Time>& time, std::string* out) {
  out->push_back(time.has_value() ? 1 : 0);
  if (time.has_value()) PutTime(*time, out);
}

void PutOptionalString(const std::optional<std::string>& text, std::string* out) {
  out->push_back(text.has_value() ? 1 : 0);
  if (text.has_value()) PutLengthPrefixed(*text, out);
}

// Reads fields in the order they were written; after the first truncated or
// malformed field every read fails and ok() stays false.
class RecordReader {
 public:
  explicit RecordReader(std::string_view value) : rest_(value) {}

  bool ok() const { return ok_; }
  bool AtEnd() const { return rest_.empty(); }

  uint8_t Byte() {
    if (!ok_ || rest_.empty()) return Fail<uint8_t>();
    uint8_t byte = static_cast<uint8_t>(rest_[0]);
    rest_.remove_prefix(1);
    return byte;
  }

  uint64_t Varint() {
    uint64_t value = 0;
    if (!ok_ || !GetVarint(&rest_, &value)) return Fail<uint64_t>();
    return value;
  }

  std::string String() {
    std::string_view text;
    if (!ok_ || !GetLengthPrefixed(&rest_, &text)) return Fail<std::string>();
    return std::string(text);
  }

  absl::Time Time() { return absl::FromUnixMicros(static_cast<int64_t>(Varint())); }

  std::optional<std::string> OptionalString() {
    if (!Present()) return std::nullopt;
    return String();
  }

  std::optional<absl::Time> OptionalTime() {
    if (!Present()) return std::nullopt;
    return Time();
  }

 private:
  bool Present() {
    uint8_t flag = Byte();
    if (flag > 1) Fail<int>();
    return ok_ && flag == 1;
  }

  template <typename T>
  T Fail() {
    ok_ = false;
    return T();
  }

  std::string_view rest_;
  bool ok_ = true;
};

absl::Status CheckVersion(RecordReader& reader, std::string_view kind) {
  uint8_t version = reader.Byte();
  if (!reader.ok()) return absl::DataLossError(fmt::format("{} record is empty", kind));
  if (version != kRecordFormatVersion) {
    return absl::DataLossError(fmt::format(
        "{} record has format version {}, but this build reads only version {}; run a build that "
        "supports it",
        kind, version, kRecordFormatVersion));
  }
  return absl::OkStatus();
}

absl::Status CheckComplete(const RecordReader& reader, std::string_view kind) {
  if (!reader.ok() || !reader.AtEnd()) {
    return absl::DataLossError(fmt::format("{} record is truncated or malformed", kind));
  }
  return absl::OkStatus();
}

void PutUser(const User& user, std::string* out) {
  PutLengthPrefixed(user.external_id, out);
  PutLengthPrefixed(user.email, out);
}

User ReadUser(RecordReader& reader) {
  User user;
  user.external_id = reader.String();
  user.email = reader.String();
  return user;
}

}  // namespace

std::string InboxPrefix(const User& user) {
  std::string key(1, kNotificationTag);
  if (!user.external_id.empty()) {
    key.push_back(kExternalIdKind);
    PutLengthPrefixed(user.external_id, &key);
  } else {
    key.push_back(kEmailKind);
    PutLengthPrefixed(LowerAscii(user.email), &key);
  }
  return key;
}

std::string NotificationKey(const User& user, absl::Time sent_at, std::string_view notification_id) {
  std::string key = InboxPrefix(user);
  // Times before 1970 sort as 1970; the clock never returns them in practice.
  int64_t micros = std::max<int64_t>(absl::ToUnixMicros(sent_at), 0);
  PutFixed64BigEndian(~static_cast<uint64_t>(micros), &key);
  key.append(notification_id);
  return key;
}

std::string NotificationIndexKey(std::string_view notification_id) {
  std::string key(1, kIndexTag);
  key.append(notification_id);
  return key;
}

std::string BroadcastKey(std::string_view broadcast_id) {
  std::string key(1, kBroadcastTag);
  key.append(broadcast_id);
  return key;
}

std::string IdempotencyRecordKey(std::string_view idempotency_key) {
  std::string key(1, kIdempotencyTag);
  key.append(idempotency_key);
  return key;
}

std::string EncodeNotification(const Notification& notification) {
  std::string out(1, static_cast<char>(kRecordFormatVersion));
  PutLengthPrefixed(notification.id, &out);
  PutLengthPrefixed(notification.broadcast_id, &out);
  PutUser(notification.recipient, &out);
  PutLengthPrefixed(notification.title, &out);
  PutOptionalString(notification.content, &out);
  PutOptionalString(notification.action_url, &out);
  PutOptionalString(notification.category, &out);
  PutOptionalString(notification.topic, &out);
  PutOptionalString(notification.custom_attributes, &out);
  PutTime(notification.sent_at, &out);
  PutOptionalTime(notification.read_at, &out);
  PutOptionalTime(notification.seen_at, &out);
  PutOptionalTime(notification.archived_at, &out);
  return out;
}

absl::StatusOr<Notification> DecodeNotification(std::string_view value) {
  RecordReader reader(value);
  if (auto status = CheckVersion(reader, "notification"); !status.ok()) return status;

  Notification notification;
  notification.id = reader.String();
  notification.broadcast_id = reader.String();
  notification.recipient = ReadUser(reader);
  notification.title = reader.String();
  notification.content = reader.OptionalString();
  notification.action_url = reader.OptionalString();
  notification.category = reader.OptionalString();
  notification.topic = reader.OptionalString();
  notification.custom_attributes = reader.OptionalString();
  notification.sent_at = reader.Time();
  notification.read_at = reader.OptionalTime();
  notification.seen_at = reader.OptionalTime();
  notification.archived_at = reader.OptionalTime();

  if (auto status = CheckComplete(reader, "notification"); !status.ok()) return status;
  return notification;
}

std::string EncodeBroadcast(const Broadcast& broadcast) {
  const BroadcastRequest& request = broadcast.request;
  std::string out(1, static_cast<char>(kRecordFormatVersion));
  PutLengthPrefixed(broadcast.id, &out);
  PutTime(broadcast.created_at, &out);
  PutLengthPrefixed(request.title, &out);
  PutOptionalString(request.content, &out);
  PutOptionalString(request.action_url, &out);
  PutOptionalString(request.category, &out);
  PutOptionalString(request.topic, &out);
  PutOptionalString(request.custom_attributes, &out);
  PutVarint(request.recipients.size(), &out);
  for (const Recipient& recipient : request.recipients) {
    PutUser(recipient.user, &out);
    PutOptionalString(recipient.first_name, &out);
    PutOptionalString(recipient.last_name, &out);
    PutOptionalString(recipient.custom_attributes, &out);
  }
  return out;
}

absl::StatusOr<Broadcast> DecodeBroadcast(std::string_view value) {
  RecordReader reader(value);
  if (auto status = CheckVersion(reader, "broadcast"); !status.ok()) return status;

  Broadcast broadcast;
  BroadcastRequest& request = broadcast.request;
  broadcast.id = reader.String();
  broadcast.created_at = reader.Time();
  request.title = reader.String();
  request.content = reader.OptionalString();
  request.action_url = reader.OptionalString();
  request.category = reader.OptionalString();
  request.topic = reader.OptionalString();
  request.custom_attributes = reader.OptionalString();
  uint64_t recipient_count = reader.Varint();
  // Each recipient takes at least five bytes, which bounds a corrupt count.
  if (recipient_count > value.size()) {
    return absl::DataLossError("broadcast record has an impossible recipient count");
  }
  for (uint64_t i = 0; i < recipient_count && reader.ok(); ++i) {
    Recipient recipient;
    recipient.user = ReadUser(reader);
    recipient.first_name = reader.OptionalString();
    recipient.last_name = reader.OptionalString();
    recipient.custom_attributes = reader.OptionalString();
    request.recipients.push_back(std::move(recipient));
  }

  if (auto status = CheckComplete(reader, "broadcast"); !status.ok()) return status;
  return broadcast;
}

std::string EncodeReference(std::string_view target) {
  std::string out(1, static_cast<char>(kRecordFormatVersion));
  PutLengthPrefixed(target, &out);
  return out;
}

absl::StatusOr<std::string> DecodeReference(std::string_view value) {
  RecordReader reader(value);
  if (auto status = CheckVersion(reader, "reference"); !status.ok()) return status;
  std::string target = reader.String();
  if (auto status = CheckComplete(reader, "reference"); !status.ok()) return status;
  return target;
}

}  // namespace tidings::notify
