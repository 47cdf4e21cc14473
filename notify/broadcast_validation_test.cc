#include "notify/broadcast_validation.h"

#include <gtest/gtest.h>

#include <string>

#include "common/errors.h"

namespace tidings::notify {
namespace {

BroadcastRequest ValidRequest() {
  BroadcastRequest request;
  request.title = "Order shipped";
  request.category = "order_update";
  request.topic = "orders/42:eu-west.1";
  request.custom_attributes = R"({"order":42})";
  request.recipients.push_back(Recipient{User{"user-1", ""}});
  return request;
}

// Asserts that `request` fails validation with a message containing `field`.
void ExpectRejected(const BroadcastRequest& request, const std::string& field) {
  absl::Status status = ValidateBroadcastRequest(request);
  EXPECT_EQ(KindOf(status), ErrorKind::kValidation) << status;
  EXPECT_NE(status.message().find(field), std::string::npos) << status;
}

TEST(BroadcastValidation, AcceptsValidRequest) {
  absl::Status status = ValidateBroadcastRequest(ValidRequest());
  EXPECT_TRUE(status.ok()) << status;
}

TEST(BroadcastValidation, RejectsMissingTitle) {
  BroadcastRequest request = ValidRequest();
  request.title.clear();
  ExpectRejected(request, "\"title\"");
}

TEST(BroadcastValidation, CountsTitleInCharacters) {
  BroadcastRequest request = ValidRequest();
  request.title.clear();
  for (int i = 0; i < kMaxTitleLength; ++i) request.title += "\xc3\xa9";  // é, two bytes.
  EXPECT_TRUE(ValidateBroadcastRequest(request).ok());
  request.title += "x";
  ExpectRejected(request, "\"title\"");
}

TEST(BroadcastValidation, RejectsBadCategory) {
  BroadcastRequest request = ValidRequest();
  request.category = "order update";
  ExpectRejected(request, "\"category\"");
  request.category = "";
  ExpectRejected(request, "\"category\"");
}

TEST(BroadcastValidation, RejectsLongActionUrl) {
  BroadcastRequest request = ValidRequest();
  request.action_url = std::string(kMaxActionUrlLength + 1, 'a');
  ExpectRejected(request, "\"action_url\"");
}

TEST(BroadcastValidation, RejectsNonObjectAttributes) {
  BroadcastRequest request = ValidRequest();
  request.custom_attributes = "[1, 2]";
  ExpectRejected(request, "\"custom_attributes\"");
  request = ValidRequest();
  request.recipients[0].custom_attributes = "not json";
  ExpectRejected(request, "recipients[0].custom_attributes");
}

TEST(BroadcastValidation, RejectsRecipientWithoutId) {
  BroadcastRequest request = ValidRequest();
  request.recipients.push_back(Recipient{User{"", ""}});
  ExpectRejected(request, "recipients[1]");
}

TEST(BroadcastValidation, RejectsRecipientCount) {
  BroadcastRequest request = ValidRequest();
  request.recipients.clear();
  ExpectRejected(request, "\"recipients\"");
  request.recipients.assign(kMaxRecipients + 1, Recipient{User{"user-1", ""}});
  ExpectRejected(request, "\"recipients\"");
}

}  // namespace
}  // namespace tidings::notify
