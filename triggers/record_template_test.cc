#include "triggers/record_template.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/errors.h"

namespace tidings {
namespace {

using ::testing::HasSubstr;

constexpr const char* kShippedOrder = R"({
  "eventID": "7",
  "eventName": "MODIFY",
  "dynamodb": {
    "Keys": {"orderId": {"S": "ORD-001"}},
    "NewImage": {
      "orderId": {"S": "ORD-001"},
      "status": {"S": "shipped"},
      "trackingNumber": {"S": "1Z999AA10123456784"},
      "total": {"N": "129.50"},
      "express": {"BOOL": true},
      "note": {"NULL": true},
      "receipt": {"B": "AAEC"},
      "tags": {"SS": ["gift", "fragile"]},
      "sizes": {"NS": ["10", "42"]},
      "address": {"M": {"city": {"S": "Oslo"}, "zip": {"N": "0150"}}},
      "lines": {"L": [{"S": "book"}, {"M": {"sku": {"S": "B-1"}}}]}
    },
    "OldImage": {"orderId": {"S": "ORD-001"}, "status": {"S": "processing"}},
    "SequenceNumber": "111",
    "SizeBytes": 200,
    "Ratio": 0.5
  }
})";

rapidjson::Document ParseJson(const char* text) {
  rapidjson::Document document;
  document.Parse(text);
  EXPECT_FALSE(document.HasParseError()) << text;
  return document;
}

// Parses `text` and renders it against the shipped order, or returns the
// error message prefixed with "error: ".
std::string RenderShipped(const char* text) {
  auto parsed = RecordTemplate::Parse(text);
  if (!parsed.ok()) return "error: " + std::string(parsed.status().message());
  return parsed->Render(ParseJson(kShippedOrder));
}

std::string ParseError(const char* text) {
  auto parsed = RecordTemplate::Parse(text);
  EXPECT_FALSE(parsed.ok()) << "template parsed: " << text;
  if (parsed.ok()) return "";
  EXPECT_EQ(KindOf(parsed.status()), ErrorKind::kValidation);
  return std::string(parsed.status().message());
}

TEST(RecordTemplate, OrdersTitle) {
  EXPECT_EQ(RenderShipped("Order {{new.orderId}} shipped"), "Order ORD-001 shipped");
}

TEST(RecordTemplate, OrdersContent) {
  EXPECT_EQ(RenderShipped("Your order is on its way. Tracking: {{dynamodb.NewImage.trackingNumber.S}}"),
            "Your order is on its way. Tracking: 1Z999AA10123456784");
}

TEST(RecordTemplate, FriendlyScalarTypes) {
  EXPECT_EQ(RenderShipped("{{new.status}}"), "shipped");
  EXPECT_EQ(RenderShipped("{{new.total}}"), "129.50");
  EXPECT_EQ(RenderShipped("{{new.express}}"), "true");
  EXPECT_EQ(RenderShipped("[{{new.note}}]"), "[]");
  EXPECT_EQ(RenderShipped("{{new.receipt}}"), "AAEC");
}

TEST(RecordTemplate, FriendlyCompositeTypes) {
  EXPECT_EQ(RenderShipped("{{new.tags}}"), R"(["gift","fragile"])");
  EXPECT_EQ(RenderShipped("{{new.sizes}}"), R"(["10","42"])");
  EXPECT_EQ(RenderShipped("{{new.address}}"), R"({"city":{"S":"Oslo"},"zip":{"N":"0150"}})");
  EXPECT_EQ(RenderShipped("{{new.lines}}"), R"([{"S":"book"},{"M":{"sku":{"S":"B-1"}}}])");
}

TEST(RecordTemplate, OldImageAndKeys) {
  EXPECT_EQ(RenderShipped("{{old.status}} -> {{new.status}} for {{keys.orderId}}"),
            "processing -> shipped for ORD-001");
}

TEST(RecordTemplate, FriendlyStepsIntoMapAndList) {
  EXPECT_EQ(RenderShipped("{{new.address.city}} {{new.address.zip}}"), "Oslo 0150");
  EXPECT_EQ(RenderShipped("{{new.lines.0}}/{{new.lines.1.sku}}"), "book/B-1");
  EXPECT_EQ(RenderShipped("[{{new.lines.2}}][{{new.status.x}}][{{new.address.country}}]"), "[][][]");
}

TEST(RecordTemplate, RecordPathsRenderJson) {
  EXPECT_EQ(RenderShipped("{{eventName}}"), "MODIFY");
  EXPECT_EQ(RenderShipped("{{dynamodb.SizeBytes}} {{dynamodb.Ratio}}"), "200 0.5");
  EXPECT_EQ(RenderShipped("{{dynamodb.Keys}}"), R"({"orderId":{"S":"ORD-001"}})");
  EXPECT_EQ(RenderShipped("{{dynamodb.NewImage.tags.SS.1}}"), "fragile");
  EXPECT_EQ(RenderShipped("{{dynamodb.NewImage.express.BOOL}}"), "true");
}

TEST(RecordTemplate, MissingValuesRenderEmpty) {
  EXPECT_EQ(RenderShipped("[{{new.coupon}}]"), "[]");
  EXPECT_EQ(RenderShipped("[{{old.trackingNumber}}]"), "[]");
  EXPECT_EQ(RenderShipped("[{{dynamodb.NewImage.coupon.S}}]"), "[]");
  EXPECT_EQ(RenderShipped("[{{dynamodb.NewImage.tags.SS.9}}]"), "[]");
  EXPECT_EQ(RenderShipped("[{{eventName.S}}]"), "[]");

  auto parsed = RecordTemplate::Parse("Order {{new.orderId}} was {{old.status}}");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->Render(ParseJson(R"({"eventName":"INSERT"})")), "Order  was ");
}

TEST(RecordTemplate, NullRecordValueRendersEmpty) {
  auto parsed = RecordTemplate::Parse("[{{userIdentity}}]");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->Render(ParseJson(R"({"userIdentity":null})")), "[]");
}

TEST(RecordTemplate, SpacesInsideBraces) {
  EXPECT_EQ(RenderShipped("Order {{ new.orderId }} / {{\tdynamodb.Keys.orderId.S\t}}"),
            "Order ORD-001 / ORD-001");
}

TEST(RecordTemplate, TextCopiedUnchanged) {
  EXPECT_EQ(RenderShipped(""), "");
  EXPECT_EQ(RenderShipped("No placeholders here."), "No placeholders here.");
  EXPECT_EQ(RenderShipped("a } b }} c { d"), "a } b }} c { d");
  EXPECT_EQ(RenderShipped("Commande expédiée ✓ {{new.orderId}}"), "Commande expédiée ✓ ORD-001");
  EXPECT_EQ(RenderShipped("{{new.orderId}}{{new.status}}"), "ORD-001shipped");
}

TEST(RecordTemplate, RendersManyRecords) {
  auto parsed = RecordTemplate::Parse("{{eventName}} {{keys.orderId}}");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->source(), "{{eventName}} {{keys.orderId}}");
  EXPECT_EQ(parsed->Render(ParseJson(kShippedOrder)), "MODIFY ORD-001");
  EXPECT_EQ(parsed->Render(ParseJson(R"({"eventName":"REMOVE","dynamodb":{"Keys":{"orderId":{"S":"ORD-9"}}}})")),
            "REMOVE ORD-9");
}

TEST(RecordTemplate, UnclosedPlaceholderNamesOffset) {
  EXPECT_THAT(ParseError("Order {{new.orderId"), HasSubstr("\"{{\" at byte offset 6 is not closed"));
  EXPECT_THAT(ParseError("Order {{new.orderId}"), HasSubstr("at byte offset 6 is not closed"));
  EXPECT_THAT(ParseError("{{"), HasSubstr("at byte offset 0 is not closed"));
}

TEST(RecordTemplate, UnclosedBeforeNextPlaceholder) {
  EXPECT_THAT(ParseError("Hi {{name and {{new.orderId}}"), HasSubstr("at byte offset 3 is not closed"));
}

TEST(RecordTemplate, EmptyPlaceholderRejected) {
  EXPECT_THAT(ParseError("a {{ }} b"), HasSubstr("the placeholder at byte offset 2 is empty"));
  EXPECT_THAT(ParseError("{{}}"), HasSubstr("at byte offset 0 is empty"));
}

TEST(RecordTemplate, EmptyPathStepRejected) {
  EXPECT_THAT(ParseError("{{new..orderId}}"), HasSubstr("\"new..orderId\" at byte offset 0 has an empty path step"));
  EXPECT_THAT(ParseError("{{.eventName}}"), HasSubstr("has an empty path step"));
  EXPECT_THAT(ParseError("{{eventName.}}"), HasSubstr("has an empty path step"));
}

TEST(RecordTemplate, ImageWithoutAttributeRejected) {
  EXPECT_THAT(ParseError("{{new}}"), HasSubstr("\"new\" at byte offset 0 needs an attribute name, such as {{new.orderId}}"));
  EXPECT_THAT(ParseError("x {{ keys }}"), HasSubstr("needs an attribute name, such as {{keys.orderId}}"));
}

}  // namespace
}  // namespace tidings
