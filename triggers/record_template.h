// triggers: text templates filled from a DynamoDB stream record, used for
// notification titles and content such as "Order {{new.orderId}} shipped".
//
// A placeholder is "{{", a path and "}}", with optional spaces inside the
// braces. Paths are dot-separated:
//
//   {{eventName}}, {{dynamodb.NewImage.orderId.S}}
//       walk the record JSON; a step that is a decimal number also indexes
//       an array. Strings render as their text, numbers and booleans as
//       JSON, objects and arrays as compact JSON, and null as nothing.
//   {{new.orderId}}, {{old.status}}, {{keys.orderId}}
//       name an attribute of dynamodb.NewImage, OldImage or Keys and render
//       its value whatever its type: S, N (digits as written) and B (base64)
//       as text, BOOL as true or false, NULL as nothing, and M, L, SS, NS
//       and BS as compact DynamoDB JSON, for example {"city":{"S":"Oslo"}}.
//       Further steps walk into M by name and L by index:
//       {{new.address.city}}, {{new.items.0}}.
//
// A path that is missing from the record renders as an empty string. Text
// outside placeholders, including a lone "}}", is copied unchanged, and
// Render escapes nothing, so callers that embed the output in JSON or HTML
// must escape it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "rapidjson/document.h"

namespace tidings {

// Parsed once and rendered many times. Immutable, so Render may be called
// from any number of threads at once.
class RecordTemplate {
 public:
  // Splits `text` into literal text and placeholders. Returns ValidationError
  // naming the byte offset of an unclosed "{{", an empty placeholder, an
  // empty path step ("new..x") or a new/old/keys path without an attribute.
  static absl::StatusOr<RecordTemplate> Parse(std::string_view text);

  // Fills the placeholders from `record`, a stream record as JSON.
  std::string Render(const rapidjson::Value& record) const;

  // The template text as given to Parse.
  const std::string& source() const { return source_; }

 private:
  struct Segment {
    enum class Kind { kText, kRecordPath, kNewImage, kOldImage, kKeys };

    Kind kind = Kind::kText;
    std::string text;                // kText only.
    std::vector<std::string> steps;  // Path steps after "new", "old" or "keys".
  };

  static absl::StatusOr<Segment> ParsePlaceholder(std::string_view expression, size_t offset);
  static void RenderSegment(const Segment& segment, const rapidjson::Value& record,
                            std::string* out);

  std::string source_;
  std::vector<Segment> segments_;
};

}  // namespace tidings
