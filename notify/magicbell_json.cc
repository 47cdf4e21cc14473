#include "notify/magicbell_json.h"

#include <optional>
#include <set>

#include "common/errors.h"
#include "fmt/format.h"
#include "notify/broadcast_validation.h"
#include "notify/record_codec.h"
#include "rapidjson/document.h"
#include "rapidjson/error/en.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace tidings::notify {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// Reads an optional string member: absent and null give nullopt, and any
// other non-string type is a ValidationError naming `path`.
absl::StatusOr<std::optional<std::string>> OptionalString(const rapidjson::Value& object,
                                                          const char* name,
                                                          std::string_view path) {
  auto member = object.FindMember(name);
  if (member == object.MemberEnd() || member->value.IsNull()) return std::nullopt;
  if (!member->value.IsString()) {
    return ValidationError(fmt::format("\"{}\" must be a string or null", path));
  }
  return std::string(member->value.GetString(), member->value.GetStringLength());
}

// Reads an optional object member as compact JSON text.
absl::StatusOr<std::optional<std::string>> OptionalObject(const rapidjson::Value& object,
                                                          const char* name,
                                                          std::string_view path) {
  auto member = object.FindMember(name);
  if (member == object.MemberEnd() || member->value.IsNull()) return std::nullopt;
  if (!member->value.IsObject()) {
    return ValidationError(fmt::format("\"{}\" must be a JSON object or null", path));
  }
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  member->value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

// MagicBell treats an empty category or topic as none.
std::optional<std::string> EmptyAsUnset(std::optional<std::string> label) {
  if (label.has_value() && label->empty()) return std::nullopt;
  return label;
}

absl::StatusOr<Recipient> ParseRecipient(const rapidjson::Value& json, size_t index) {
  const std::string path = fmt::format("recipients[{}]", index);
  if (!json.IsObject()) return ValidationError(fmt::format("\"{}\" must be an object", path));

  Recipient recipient;
  auto external_id = OptionalString(json, "external_id", path + ".external_id");
  if (!external_id.ok()) return external_id.status();
  auto email = OptionalString(json, "email", path + ".email");
  if (!email.ok()) return email.status();
  recipient.user.external_id = external_id->value_or("");
  recipient.user.email = email->value_or("");

  if (recipient.user.external_id.empty() && recipient.user.email.empty() &&
      (json.HasMember("topic") || json.HasMember("matches"))) {
    return ValidationError(fmt::format(
        "\"{}\" selects users by topic or \"matches\", which this server does not support; list "
        "each user by \"external_id\" or \"email\"",
        path));
  }

  auto first_name = OptionalString(json, "first_name", path + ".first_name");
  if (!first_name.ok()) return first_name.status();
  auto last_name = OptionalString(json, "last_name", path + ".last_name");
  if (!last_name.ok()) return last_name.status();
  auto custom_attributes = OptionalObject(json, "custom_attributes", path + ".custom_attributes");
  if (!custom_attributes.ok()) return custom_attributes.status();
  recipient.first_name = *std::move(first_name);
  recipient.last_name = *std::move(last_name);
  recipient.custom_attributes = *std::move(custom_attributes);
  return recipient;
}

absl::Status ParseRecipients(const rapidjson::Value& json, BroadcastRequest* request) {
  auto member = json.FindMember("recipients");
  if (member == json.MemberEnd() || member->value.IsNull()) return absl::OkStatus();
  if (!member->value.IsArray()) {
    return ValidationError("\"recipients\" must be an array of objects with \"external_id\" or "
                           "\"email\"");
  }
  const auto& array = member->value.GetArray();
  for (rapidjson::SizeType i = 0; i < array.Size(); ++i) {
    auto recipient = ParseRecipient(array[i], i);
    if (!recipient.ok()) return recipient.status();
    request->recipients.push_back(*std::move(recipient));
  }
  return absl::OkStatus();
}

absl::StatusOr<BroadcastRequest> ParseBroadcastFields(const rapidjson::Value& json) {
  BroadcastRequest request;
  auto title = OptionalString(json, "title", "title");
  if (!title.ok()) return title.status();
  request.title = title->value_or("");

  auto content = OptionalString(json, "content", "content");
  if (!content.ok()) return content.status();
  auto action_url = OptionalString(json, "action_url", "action_url");
  if (!action_url.ok()) return action_url.status();
  auto category = OptionalString(json, "category", "category");
  if (!category.ok()) return category.status();
  auto topic = OptionalString(json, "topic", "topic");
  if (!topic.ok()) return topic.status();
  auto custom_attributes = OptionalObject(json, "custom_attributes", "custom_attributes");
  if (!custom_attributes.ok()) return custom_attributes.status();
  request.content = *std::move(content);
  request.action_url = *std::move(action_url);
  request.category = EmptyAsUnset(*std::move(category));
  request.topic = EmptyAsUnset(*std::move(topic));
  request.custom_attributes = *std::move(custom_attributes);

  if (auto status = ParseRecipients(json, &request); !status.ok()) return status;
  return request;
}

void WriteOptionalString(JsonWriter& writer, const std::optional<std::string>& text) {
  if (text.has_value()) {
    writer.String(text->data(), static_cast<rapidjson::SizeType>(text->size()));
  } else {
    writer.Null();
  }
}

void WriteNonEmptyOrNull(JsonWriter& writer, const std::string& text) {
  WriteOptionalString(writer, text.empty() ? std::nullopt : std::optional<std::string>(text));
}

void WriteOptionalObject(JsonWriter& writer, const std::optional<std::string>& json_text) {
  if (json_text.has_value()) {
    writer.RawValue(json_text->data(), json_text->size(), rapidjson::kObjectType);
  } else {
    writer.Null();
  }
}

void WriteOptionalUnixSeconds(JsonWriter& writer, const std::optional<absl::Time>& time) {
  if (time.has_value()) {
    writer.Int64(absl::ToUnixSeconds(*time));
  } else {
    writer.Null();
  }
}

void WriteUser(JsonWriter& writer, const User& user) {
  writer.Key("external_id");
  WriteNonEmptyOrNull(writer, user.external_id);
  writer.Key("email");
  WriteNonEmptyOrNull(writer, user.email);
}

void WriteRecipient(JsonWriter& writer, const Recipient& recipient) {
  writer.StartObject();
  WriteUser(writer, recipient.user);
  writer.Key("first_name");
  WriteOptionalString(writer, recipient.first_name);
  writer.Key("last_name");
  WriteOptionalString(writer, recipient.last_name);
  writer.Key("custom_attributes");
  WriteOptionalObject(writer, recipient.custom_attributes);
  writer.EndObject();
}

// The fields that a broadcast and its notifications share.
void WriteContentFields(JsonWriter& writer, const std::string& title,
                        const std::optional<std::string>& content,
                        const std::optional<std::string>& action_url,
                        const std::optional<std::string>& category,
                        const std::optional<std::string>& topic,
                        const std::optional<std::string>& custom_attributes) {
  writer.Key("title");
  writer.String(title.data(), static_cast<rapidjson::SizeType>(title.size()));
  writer.Key("content");
  WriteOptionalString(writer, content);
  writer.Key("action_url");
  WriteOptionalString(writer, action_url);
  writer.Key("category");
  WriteOptionalString(writer, category);
  writer.Key("topic");
  WriteOptionalString(writer, topic);
  writer.Key("custom_attributes");
  WriteOptionalObject(writer, custom_attributes);
}

void WriteNotification(JsonWriter& writer, const Notification& notification) {
  writer.StartObject();
  writer.Key("id");
  writer.String(notification.id.c_str());
  WriteContentFields(writer, notification.title, notification.content, notification.action_url,
                     notification.category, notification.topic, notification.custom_attributes);
  writer.Key("recipient");
  writer.StartObject();
  WriteUser(writer, notification.recipient);
  writer.EndObject();
  writer.Key("sent_at");
  writer.Int64(absl::ToUnixSeconds(notification.sent_at));
  writer.Key("read_at");
  WriteOptionalUnixSeconds(writer, notification.read_at);
  writer.Key("seen_at");
  WriteOptionalUnixSeconds(writer, notification.seen_at);
  writer.Key("archived_at");
  WriteOptionalUnixSeconds(writer, notification.archived_at);
  writer.EndObject();
}

size_t CountInboxes(const std::vector<Recipient>& recipients) {
  std::set<std::string> inboxes;
  for (const Recipient& recipient : recipients) inboxes.insert(InboxPrefix(recipient.user));
  return inboxes.size();
}

}  // namespace

absl::StatusOr<ParsedBroadcast> ParseBroadcastRequest(std::string_view body) {
  rapidjson::Document document;
  document.Parse(body.data(), body.size());
  if (document.HasParseError()) {
    return MakeError(ErrorKind::kSerialization,
                     fmt::format("request body is not valid JSON: {} at offset {}",
                                 rapidjson::GetParseError_En(document.GetParseError()),
                                 document.GetErrorOffset()));
  }
  if (!document.IsObject()) {
    return MakeError(ErrorKind::kSerialization, "request body must be a JSON object");
  }

  ParsedBroadcast parsed;
  const rapidjson::Value* fields = &document;
  if (auto wrapper = document.FindMember("broadcast"); wrapper != document.MemberEnd()) {
    if (!wrapper->value.IsObject()) {
      return ValidationError("\"broadcast\" must be an object containing the broadcast's fields");
    }
    fields = &wrapper->value;
    parsed.wrapped = true;
  }

  auto request = ParseBroadcastFields(*fields);
  if (!request.ok()) return request.status();
  if (auto status = ValidateBroadcastRequest(*request); !status.ok()) return status;
  parsed.request = *std::move(request);
  return parsed;
}

std::string BroadcastToJson(const Broadcast& broadcast, bool wrapped) {
  const BroadcastRequest& request = broadcast.request;
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  if (wrapped) {
    writer.StartObject();
    writer.Key("broadcast");
  }

  writer.StartObject();
  writer.Key("id");
  writer.String(broadcast.id.c_str());
  WriteContentFields(writer, request.title, request.content, request.action_url, request.category,
                     request.topic, request.custom_attributes);
  writer.Key("recipients");
  writer.StartArray();
  for (const Recipient& recipient : request.recipients) WriteRecipient(writer, recipient);
  writer.EndArray();
  writer.Key("created_at");
  std::string created_at =
      absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", broadcast.created_at, absl::UTCTimeZone());
  writer.String(created_at.c_str());
  // Notifications are stored with the broadcast, so it is always processed.
  writer.Key("status");
  writer.StartObject();
  writer.Key("status");
  writer.String("processed");
  writer.Key("summary");
  writer.StartObject();
  writer.Key("total");
  writer.Uint64(CountInboxes(request.recipients));
  writer.Key("failures");
  writer.Uint64(0);
  writer.EndObject();
  writer.Key("errors");
  writer.StartArray();
  writer.EndArray();
  writer.EndObject();
  writer.EndObject();

  if (wrapped) writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string NotificationToJson(const Notification& notification) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("notification");
  WriteNotification(writer, notification);
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string NotificationPageToJson(const NotificationPage& page) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("total");
  writer.Int64(page.total);
  writer.Key("per_page");
  writer.Int(page.per_page);
  writer.Key("current_page");
  writer.Int(page.page);
  writer.Key("page");
  writer.Int(page.page);
  writer.Key("total_pages");
  writer.Int64(page.total_pages);
  writer.Key("unread_count");
  writer.Int64(page.unread_count);
  writer.Key("unseen_count");
  writer.Int64(page.unseen_count);
  writer.Key("notifications");
  writer.StartArray();
  for (const Notification& notification : page.notifications) WriteNotification(writer, notification);
  writer.EndArray();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string ErrorToJson(std::string_view code, std::string_view message) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("errors");
  writer.StartArray();
  writer.StartObject();
  writer.Key("code");
  writer.String(code.data(), static_cast<rapidjson::SizeType>(code.size()));
  writer.Key("message");
  writer.String(message.data(), static_cast<rapidjson::SizeType>(message.size()));
  writer.EndObject();
  writer.EndArray();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace tidings::notify
