#include "server/config.h"

#include <fstream>
#include <set>
#include <sstream>

#include "absl/status/status.h"
#include "fmt/format.h"
#include "rapidjson/document.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "common/duration.h"
#include "common/errors.h"
#include "triggers/filter_pattern.h"
#include "triggers/record_template.h"
#include "yaml-cpp/yaml.h"

namespace tidings {
namespace {

// Reports problems with the position of the node they concern.
class ConfigReader {
 public:
  explicit ConfigReader(std::string origin) : origin_(std::move(origin)) {}

  absl::Status Error(const YAML::Node& node, const std::string& message) const {
    int line = node.Mark().line >= 0 ? node.Mark().line + 1 : 0;
    return absl::InvalidArgumentError(fmt::format("config \"{}\", line {}: {}", origin_, line, message));
  }

  absl::Status CheckKeys(const YAML::Node& map, const std::string& where,
                         const std::set<std::string>& allowed) const {
    if (!map.IsMap()) return Error(map, fmt::format("{} must be a mapping", where));
    for (const auto& entry : map) {
      std::string key = entry.first.as<std::string>();
      if (allowed.count(key) == 0) {
        return Error(entry.first, fmt::format("unknown key \"{}\" in {}; expected one of: {}", key,
                                              where, fmt::join(allowed, ", ")));
      }
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::string> String(const YAML::Node& map, const std::string& where,
                                     const char* key, bool required) const {
    YAML::Node node = map[key];
    if (!node) {
      if (required) return Error(map, fmt::format("{}.{} is missing", where, key));
      return std::string();
    }
    if (!node.IsScalar()) return Error(node, fmt::format("{}.{} must be a string", where, key));
    return node.as<std::string>();
  }

  absl::StatusOr<int64_t> Integer(const YAML::Node& map, const std::string& where, const char* key,
                                  int64_t fallback, int64_t min, int64_t max) const {
    YAML::Node node = map[key];
    if (!node) return fallback;
    int64_t value = 0;
    if (!node.IsScalar() || !YAML::convert<int64_t>::decode(node, value) || value < min ||
        value > max) {
      return Error(node, fmt::format("{}.{} must be a whole number from {} to {}, not \"{}\"", where,
                                     key, min, max, node.IsScalar() ? node.Scalar() : "a collection"));
    }
    return value;
  }

 private:
  std::string origin_;
};

// Converts a YAML filter pattern to JSON text. Plain scalars that read as
// numbers, booleans or null keep that type; quoted scalars stay strings.
void WriteYamlAsJson(const YAML::Node& node, rapidjson::Writer<rapidjson::StringBuffer>* w) {
  if (node.IsMap()) {
    w->StartObject();
    for (const auto& entry : node) {
      w->Key(entry.first.as<std::string>().c_str());
      WriteYamlAsJson(entry.second, w);
    }
    w->EndObject();
  } else if (node.IsSequence()) {
    w->StartArray();
    for (const auto& element : node) WriteYamlAsJson(element, w);
    w->EndArray();
  } else if (node.IsNull()) {
    w->Null();
  } else {
    const std::string& text = node.Scalar();
    bool plain = node.Tag() == "?";
    double number = 0;
    bool flag = false;
    if (plain && (text == "true" || text == "false") && YAML::convert<bool>::decode(node, flag)) {
      w->Bool(flag);
    } else if (plain && !text.empty() && YAML::convert<double>::decode(node, number) &&
               text.find_first_not_of("+-.0123456789eE") == std::string::npos) {
      w->RawValue(text.c_str(), text.size(), rapidjson::kNumberType);
    } else {
      w->String(text.c_str(), text.size());
    }
  }
}

absl::StatusOr<std::string> PatternText(const ConfigReader& reader, const YAML::Node& node,
                                        const std::string& where) {
  if (node.IsScalar()) {
    rapidjson::Document doc;
    doc.Parse(node.Scalar().c_str());
    if (doc.HasParseError() || !doc.IsObject()) {
      return reader.Error(node, fmt::format("{} is not a JSON object", where));
    }
    return node.Scalar();
  }
  if (!node.IsMap()) return reader.Error(node, fmt::format("{} must be a JSON string or a mapping", where));
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  WriteYamlAsJson(node, &writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

absl::Status ReadNotify(const ConfigReader& reader, const YAML::Node& node, const std::string& where,
                        NotifyActionSpec* notify) {
  if (auto s = reader.CheckKeys(node, where,
                                {"title", "content", "recipient_external_id", "category", "topic",
                                 "action_url"});
      !s.ok()) {
    return s;
  }
  struct Field {
    const char* key;
    std::string* target;
    bool required;
  };
  Field fields[] = {{"title", &notify->title, true},
                    {"content", &notify->content, false},
                    {"recipient_external_id", &notify->recipient_external_id, true},
                    {"category", &notify->category, false},
                    {"topic", &notify->topic, false},
                    {"action_url", &notify->action_url, false}};
  for (const Field& field : fields) {
    auto value = reader.String(node, where, field.key, field.required);
    if (!value.ok()) return value.status();
    if (auto parsed = RecordTemplate::Parse(*value); !parsed.ok()) {
      return reader.Error(node[field.key], fmt::format("{}.{} is not a valid template: {}", where,
                                                       field.key, parsed.status().message()));
    }
    *field.target = *value;
  }
  return absl::OkStatus();
}

absl::StatusOr<PipelineSpec> ReadPipeline(const ConfigReader& reader, const YAML::Node& node,
                                          const std::string& where) {
  if (auto s = reader.CheckKeys(node, where,
                                {"name", "source", "starting_position", "batch_size",
                                 "maximum_batching_window_in_seconds", "filter_criteria", "notify"});
      !s.ok()) {
    return s;
  }
  PipelineSpec spec;
  auto name = reader.String(node, where, "name", true);
  if (!name.ok()) return name.status();
  spec.name = *name;

  YAML::Node source = node["source"];
  if (!source) return reader.Error(node, fmt::format("{}.source is missing", where));
  if (auto s = reader.CheckKeys(source, where + ".source", {"table"}); !s.ok()) return s;
  auto table = reader.String(source, where + ".source", "table", true);
  if (!table.ok()) return table.status();
  spec.source_table = *table;

  auto position = reader.String(node, where, "starting_position", false);
  if (!position.ok()) return position.status();
  if (position->empty() || *position == "LATEST") {
    spec.starting_position = StartingPosition::kLatest;
  } else if (*position == "TRIM_HORIZON") {
    spec.starting_position = StartingPosition::kTrimHorizon;
  } else {
    return reader.Error(node["starting_position"],
                        fmt::format("{}.starting_position must be TRIM_HORIZON or LATEST, not \"{}\"",
                                    where, *position));
  }

  auto batch_size = reader.Integer(node, where, "batch_size", 100, 1, 10000);
  if (!batch_size.ok()) return batch_size.status();
  spec.batch_size = static_cast<int>(*batch_size);
  auto window = reader.Integer(node, where, "maximum_batching_window_in_seconds", 0, 0, 300);
  if (!window.ok()) return window.status();
  spec.batching_window_ms = *window * 1000;

  if (YAML::Node criteria = node["filter_criteria"]) {
    std::string criteria_where = where + ".filter_criteria";
    if (auto s = reader.CheckKeys(criteria, criteria_where, {"filters"}); !s.ok()) return s;
    YAML::Node filters = criteria["filters"];
    if (!filters || !filters.IsSequence()) {
      return reader.Error(criteria, criteria_where + ".filters must be a list");
    }
    for (size_t i = 0; i < filters.size(); ++i) {
      std::string filter_where = fmt::format("{}.filters[{}]", criteria_where, i);
      if (auto s = reader.CheckKeys(filters[i], filter_where, {"pattern"}); !s.ok()) return s;
      if (!filters[i]["pattern"]) return reader.Error(filters[i], filter_where + ".pattern is missing");
      auto pattern = PatternText(reader, filters[i]["pattern"], filter_where + ".pattern");
      if (!pattern.ok()) return pattern.status();
      if (auto parsed = FilterPattern::Parse(*pattern); !parsed.ok()) {
        return reader.Error(filters[i]["pattern"], fmt::format("{}.pattern is invalid: {}",
                                                               filter_where,
                                                               parsed.status().message()));
      }
      spec.filter_patterns.push_back(*pattern);
    }
  }

  YAML::Node notify = node["notify"];
  if (!notify) return reader.Error(node, fmt::format("{}.notify is missing", where));
  if (auto s = ReadNotify(reader, notify, where + ".notify", &spec.notify); !s.ok()) return s;
  return spec;
}

absl::StatusOr<int64_t> ReadDuration(const ConfigReader& reader, const YAML::Node& node,
                                     const std::string& where, int64_t min_ms, int64_t max_ms) {
  if (!node.IsScalar()) return reader.Error(node, where + " must be a duration such as 4h");
  auto parsed = ParseDurationMs(node.Scalar());
  if (!parsed.ok() || *parsed < min_ms || *parsed > max_ms) {
    return reader.Error(node, fmt::format("{} must be a duration from {} s to {} s, such as 4h, "
                                          "not \"{}\"",
                                          where, min_ms / 1000, max_ms / 1000, node.Scalar()));
  }
  return *parsed;
}

absl::Status ReadStreams(const ConfigReader& reader, const YAML::Node& node, Config* config) {
  if (auto s = reader.CheckKeys(node, "streams", {"shards", "shard_period", "retention"});
      !s.ok()) {
    return s;
  }
  if (node["shards"]) {
    auto shards = reader.Integer(node, "streams", "shards", 4, 1, 64);
    if (!shards.ok()) return shards.status();
    config->stream_shards = static_cast<int>(*shards);
  }
  constexpr int64_t kFiveWeeksMs = 5 * 7 * 24 * 3600 * 1000LL;
  if (node["shard_period"]) {
    auto period = ReadDuration(reader, node["shard_period"], "streams.shard_period", 1000,
                               kFiveWeeksMs);
    if (!period.ok()) return period.status();
    config->stream_shard_period_ms = *period;
  }
  if (node["retention"]) {
    auto retention = ReadDuration(reader, node["retention"], "streams.retention", 1000,
                                  kFiveWeeksMs);
    if (!retention.ok()) return retention.status();
    config->stream_retention_ms = *retention;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Config> ParseConfig(const std::string& text, const std::string& origin) {
  ConfigReader reader(origin);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(fmt::format("config \"{}\", line {}: invalid YAML: {}", origin,
                                                  e.mark.line + 1, e.msg));
  }
  Config config;
  if (!root || root.IsNull()) return config;
  if (auto s = reader.CheckKeys(root, "the top level", {"region", "streams", "pipelines"}); !s.ok()) {
    return s;
  }
  if (YAML::Node streams = root["streams"]) {
    if (auto s = ReadStreams(reader, streams, &config); !s.ok()) return s;
  }

  auto region = reader.String(root, "config", "region", false);
  if (!region.ok()) return region.status();
  if (!region->empty()) config.region = *region;

  YAML::Node pipelines = root["pipelines"];
  if (!pipelines) return config;
  if (!pipelines.IsSequence()) return reader.Error(pipelines, "pipelines must be a list");
  std::set<std::string> names;
  for (size_t i = 0; i < pipelines.size(); ++i) {
    auto spec = ReadPipeline(reader, pipelines[i], fmt::format("pipelines[{}]", i));
    if (!spec.ok()) return spec.status();
    if (!names.insert(spec->name).second) {
      return reader.Error(pipelines[i], fmt::format("pipelines[{}].name \"{}\" is used twice; "
                                                    "pipeline names must be unique",
                                                    i, spec->name));
    }
    config.pipelines.push_back(*std::move(spec));
  }
  return config;
}

absl::StatusOr<Config> LoadConfig(const std::string& path) {
  std::ifstream file(path);
  if (!file) {
    return absl::InvalidArgumentError(
        fmt::format("config file \"{}\" cannot be read; check the path passed to --config", path));
  }
  std::stringstream text;
  text << file.rdbuf();
  return ParseConfig(text.str(), path);
}

}  // namespace tidings
