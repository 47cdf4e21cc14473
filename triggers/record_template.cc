#include "triggers/record_template.h"

#include <algorithm>
#include <utility>

#include "common/errors.h"
#include "fmt/format.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace tidings {
namespace {

constexpr std::string_view kOpen = "{{";
constexpr std::string_view kClose = "}}";

std::string_view TrimSpaces(std::string_view text) {
  constexpr std::string_view kSpaces = " \t\r\n";
  size_t first = text.find_first_not_of(kSpaces);
  if (first == std::string_view::npos) return {};
  size_t last = text.find_last_not_of(kSpaces);
  return text.substr(first, last - first + 1);
}

std::string_view StringOf(const rapidjson::Value& value) {
  return std::string_view(value.GetString(), value.GetStringLength());
}

void AppendCompactJson(const rapidjson::Value& value, std::string* out) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  out->append(buffer.GetString(), buffer.GetSize());
}

// Returns the member `name` of an object, the element at decimal index `name`
// of an array, or nullptr.
const rapidjson::Value* Step(const rapidjson::Value* value, const std::string& name) {
  if (value == nullptr) return nullptr;
  if (value->IsObject()) {
    auto it = value->FindMember(rapidjson::Value(rapidjson::StringRef(name.data(), name.size())));
    return it == value->MemberEnd() ? nullptr : &it->value;
  }
  if (value->IsArray()) {
    bool is_index = !name.empty() && name.size() <= 9 &&
                    std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!is_index) return nullptr;
    size_t index = std::stoul(name);
    return index < value->Size() ? &(*value)[static_cast<rapidjson::SizeType>(index)] : nullptr;
  }
  return nullptr;
}

// Finds the single {"<type>": value} member of a DynamoDB attribute value.
// Returns false when `value` does not have that shape.
bool FindTypedMember(const rapidjson::Value& value, rapidjson::Value::ConstMemberIterator* it) {
  if (!value.IsObject() || value.MemberCount() != 1) return false;
  *it = value.MemberBegin();
  return true;
}

// Walks from a DynamoDB attribute value into M members by name and L elements
// by index, one step at a time.
const rapidjson::Value* StepIntoAttribute(const rapidjson::Value* attribute,
                                          const std::string& name) {
  if (attribute == nullptr) return nullptr;
  rapidjson::Value::ConstMemberIterator typed;
  if (!FindTypedMember(*attribute, &typed)) return nullptr;
  std::string_view type = StringOf(typed->name);
  if (type != "M" && type != "L") return nullptr;
  return Step(&typed->value, name);
}

void AppendAttribute(const rapidjson::Value& attribute, std::string* out) {
  rapidjson::Value::ConstMemberIterator typed;
  if (!FindTypedMember(attribute, &typed)) {
    AppendCompactJson(attribute, out);
    return;
  }

  std::string_view type = StringOf(typed->name);
  const rapidjson::Value& inner = typed->value;
  if ((type == "S" || type == "N" || type == "B") && inner.IsString()) {
    out->append(StringOf(inner));
  } else if (type == "BOOL" && inner.IsBool()) {
    out->append(inner.GetBool() ? "true" : "false");
  } else if (type == "NULL") {
    // NULL renders as nothing, like a missing attribute.
  } else {
    AppendCompactJson(inner, out);
  }
}

void AppendRecordValue(const rapidjson::Value& value, std::string* out) {
  if (value.IsString()) {
    out->append(StringOf(value));
  } else if (!value.IsNull()) {
    AppendCompactJson(value, out);
  }
}

}  // namespace

absl::StatusOr<RecordTemplate> RecordTemplate::Parse(std::string_view text) {
  RecordTemplate parsed;
  parsed.source_ = std::string(text);

  size_t position = 0;
  while (position < text.size()) {
    size_t open = text.find(kOpen, position);
    if (open == std::string_view::npos) open = text.size();
    if (open > position) {
      Segment literal;
      literal.text = std::string(text.substr(position, open - position));
      parsed.segments_.push_back(std::move(literal));
    }
    if (open == text.size()) break;

    // A "{{" before the closing "}}" means the first one was never closed.
    size_t body = open + kOpen.size();
    size_t close = text.find(kClose, body);
    size_t next_open = text.find(kOpen, body);
    if (close == std::string_view::npos || next_open < close) {
      return ValidationError(fmt::format(
          "invalid template: \"{{{{\" at byte offset {} is not closed; end the placeholder with "
          "\"}}}}\"",
          open));
    }

    auto segment = ParsePlaceholder(text.substr(body, close - body), open);
    if (!segment.ok()) return segment.status();
    parsed.segments_.push_back(std::move(*segment));
    position = close + kClose.size();
  }
  return parsed;
}

absl::StatusOr<RecordTemplate::Segment> RecordTemplate::ParsePlaceholder(
    std::string_view expression, size_t offset) {
  std::string_view path = TrimSpaces(expression);
  if (path.empty()) {
    return ValidationError(fmt::format(
        "invalid template: the placeholder at byte offset {} is empty; write a path such as "
        "{{{{new.orderId}}}}",
        offset));
  }

  Segment segment;
  segment.kind = Segment::Kind::kRecordPath;
  size_t start = 0;
  while (true) {
    size_t dot = path.find('.', start);
    std::string_view step = TrimSpaces(path.substr(start, dot == std::string_view::npos
                                                              ? std::string_view::npos
                                                              : dot - start));
    if (step.empty()) {
      return ValidationError(fmt::format(
          "invalid template: the placeholder \"{}\" at byte offset {} has an empty path step",
          path, offset));
    }
    segment.steps.emplace_back(step);
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }

  const std::string& head = segment.steps.front();
  if (head == "new" || head == "old" || head == "keys") {
    segment.kind = head == "new"   ? Segment::Kind::kNewImage
                   : head == "old" ? Segment::Kind::kOldImage
                                   : Segment::Kind::kKeys;
    segment.steps.erase(segment.steps.begin());
    if (segment.steps.empty()) {
      return ValidationError(fmt::format(
          "invalid template: the placeholder \"{}\" at byte offset {} needs an attribute name, "
          "such as {{{{{}.orderId}}}}",
          path, offset, head));
    }
  }
  return segment;
}

std::string RecordTemplate::Render(const rapidjson::Value& record) const {
  std::string out;
  for (const Segment& segment : segments_) RenderSegment(segment, record, &out);
  return out;
}

void RecordTemplate::RenderSegment(const Segment& segment, const rapidjson::Value& record,
                                   std::string* out) {
  if (segment.kind == Segment::Kind::kText) {
    out->append(segment.text);
    return;
  }

  if (segment.kind == Segment::Kind::kRecordPath) {
    const rapidjson::Value* value = &record;
    for (const std::string& step : segment.steps) value = Step(value, step);
    if (value != nullptr) AppendRecordValue(*value, out);
    return;
  }

  std::string image = segment.kind == Segment::Kind::kNewImage   ? "NewImage"
                      : segment.kind == Segment::Kind::kOldImage ? "OldImage"
                                                                 : "Keys";
  const rapidjson::Value* attribute = Step(Step(Step(&record, "dynamodb"), image),
                                           segment.steps.front());
  for (size_t i = 1; i < segment.steps.size(); ++i) {
    attribute = StepIntoAttribute(attribute, segment.steps[i]);
  }
  if (attribute != nullptr) AppendAttribute(*attribute, out);
}

}  // namespace tidings
