#include "notify/broadcast_validation.h"

#include <string>
#include <string_view>

#include "common/errors.h"
#include "fmt/format.h"
#include "rapidjson/document.h"

namespace tidings::notify {
namespace {

// Counts UTF-8 code points by skipping continuation bytes.
size_t CountCharacters(std::string_view text) {
  size_t count = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

bool IsLabelCharacter(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-' || c == '/' || c == ':';
}

absl::Status ValidateLabel(std::string_view field, const std::optional<std::string>& label) {
  if (!label.has_value()) return absl::OkStatus();
  if (label->empty() || label->size() > kMaxLabelLength) {
    return ValidationError(fmt::format("\"{}\" has {} characters; send 1 to {}, or omit it",
                                       field, label->size(), kMaxLabelLength));
  }
  for (char c : *label) {
    if (!IsLabelCharacter(c)) {
      return ValidationError(fmt::format(
          "\"{}\" \"{}\" contains an invalid character; use only letters, digits and _ . - / :",
          field, *label));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateJsonObject(std::string_view field, const std::optional<std::string>& text) {
  if (!text.has_value()) return absl::OkStatus();
  rapidjson::Document document;
  document.Parse(text->data(), text->size());
  if (document.HasParseError() || !document.IsObject()) {
    return ValidationError(fmt::format("\"{}\" must be a JSON object", field));
  }
  return absl::OkStatus();
}

absl::Status ValidateRecipient(size_t index, const Recipient& recipient) {
  if (recipient.user.external_id.empty() && recipient.user.email.empty()) {
    return ValidationError(fmt::format(
        "recipients[{}] has neither \"external_id\" nor \"email\"; identify each recipient by one "
        "of them",
        index));
  }
  return ValidateJsonObject(fmt::format("recipients[{}].custom_attributes", index),
                            recipient.custom_attributes);
}

}  // namespace

absl::Status ValidateBroadcastRequest(const BroadcastRequest& request) {
  if (request.title.empty()) {
    return ValidationError("\"title\" is missing or empty; send a title of 1 to 255 characters");
  }
  if (size_t length = CountCharacters(request.title); length > kMaxTitleLength) {
    return ValidationError(
        fmt::format("\"title\" has {} characters; the maximum is {}", length, kMaxTitleLength));
  }
  if (request.content.has_value() && request.content->size() > kMaxContentBytes) {
    return ValidationError(fmt::format("\"content\" has {} bytes; the maximum is {}",
                                       request.content->size(), kMaxContentBytes));
  }
  if (request.action_url.has_value()) {
    if (size_t length = CountCharacters(*request.action_url); length > kMaxActionUrlLength) {
      return ValidationError(fmt::format("\"action_url\" has {} characters; the maximum is {}",
                                         length, kMaxActionUrlLength));
    }
  }
  if (auto status = ValidateLabel("category", request.category); !status.ok()) return status;
  if (auto status = ValidateLabel("topic", request.topic); !status.ok()) return status;
  if (auto status = ValidateJsonObject("custom_attributes", request.custom_attributes);
      !status.ok()) {
    return status;
  }

  if (request.recipients.empty()) {
    return ValidationError(
        "\"recipients\" is missing or empty; send at least one recipient with \"external_id\" or "
        "\"email\"");
  }
  if (request.recipients.size() > kMaxRecipients) {
    return ValidationError(fmt::format("\"recipients\" has {} entries; the maximum is {}",
                                       request.recipients.size(), kMaxRecipients));
  }
  for (size_t i = 0; i < request.recipients.size(); ++i) {
    if (auto status = ValidateRecipient(i, request.recipients[i]); !status.ok()) return status;
  }
  return absl::OkStatus();
}

}  // namespace tidings::notify
