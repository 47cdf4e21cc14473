#include "triggers/filter_criteria.h"

#include <string_view>

#include "common/errors.h"
#include "fmt/format.h"

namespace tidings {
namespace {

absl::Status WithFilterIndex(size_t index, const absl::Status& status) {
  return ValidationError(fmt::format("Filters[{}]: {}", index,
                                     std::string_view(status.message().data(),
                                                      status.message().size())));
}

}  // namespace

absl::StatusOr<FilterCriteria> FilterCriteria::Parse(const std::vector<std::string>& patterns) {
  std::vector<FilterPattern> parsed;
  for (size_t i = 0; i < patterns.size(); ++i) {
    auto pattern = FilterPattern::Parse(patterns[i]);
    if (!pattern.ok()) return WithFilterIndex(i, pattern.status());
    parsed.push_back(std::move(*pattern));
  }
  return FilterCriteria(std::move(parsed));
}

absl::StatusOr<FilterCriteria> FilterCriteria::FromJson(const rapidjson::Value& json) {
  if (!json.IsObject()) {
    return ValidationError("FilterCriteria must be an object such as {\"Filters\": [{\"Pattern\": "
                           "\"...\"}]}");
  }
  auto filters = json.FindMember("Filters");
  if (filters == json.MemberEnd()) return FilterCriteria();
  if (!filters->value.IsArray()) {
    return ValidationError("FilterCriteria.Filters must be an array of {\"Pattern\": \"...\"} objects");
  }

  std::vector<std::string> texts;
  for (rapidjson::SizeType i = 0; i < filters->value.Size(); ++i) {
    const rapidjson::Value& filter = filters->value[i];
    if (!filter.IsObject()) {
      return ValidationError(fmt::format("Filters[{}] must be an object with a \"Pattern\" string", i));
    }
    auto pattern = filter.FindMember("Pattern");
    if (pattern == filter.MemberEnd() || !pattern->value.IsString()) {
      return ValidationError(
          fmt::format("Filters[{}].Pattern is missing or not a string; give the pattern as JSON text",
                      i));
    }
    texts.emplace_back(pattern->value.GetString(), pattern->value.GetStringLength());
  }
  return Parse(texts);
}

bool FilterCriteria::Matches(const rapidjson::Value& record) const {
  if (patterns_.empty()) return true;
  for (const FilterPattern& pattern : patterns_) {
    if (pattern.Matches(record)) return true;
  }
  return false;
}

}  // namespace tidings
