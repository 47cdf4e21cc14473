// The DynamoDB Streams operations: ListStreams, DescribeStream,
// GetShardIterator and GetRecords.
#include <algorithm>

#include "api/dynamodb_api.h"
#include "api/json_writing.h"
#include "common/attribute_json.h"
#include "common/errors.h"
#include "fmt/format.h"

namespace tidings {
namespace {

// Checks the form of a stream ARN,
// "arn:aws:dynamodb:REGION:ACCOUNT:table/NAME/stream/LABEL". A malformed ARN
// is a ValidationException; a well-formed one naming no stream is left to the
// lookup, which fails with ResourceNotFoundException.
absl::Status CheckStreamArn(const std::string& arn, const char* member) {
  size_t table = arn.find(":table/");
  size_t stream = arn.find("/stream/");
  bool well_formed = arn.starts_with("arn:") && table != std::string::npos &&
                     stream != std::string::npos && stream > table + 7 &&
                     stream + 8 < arn.size() && arn.size() <= 1024;
  if (well_formed) return absl::OkStatus();
  return ValidationError(
      fmt::format("Invalid {}: '{}' is not a DynamoDB stream ARN", member, arn));
}

absl::StatusOr<std::string> RequiredArn(const Request& request) {
  auto arn = request.RequiredString("StreamArn");
  if (!arn.ok()) return arn.status();
  if (auto s = CheckStreamArn(*arn, "StreamArn"); !s.ok()) return s;
  return arn;
}

// Returns the position of the first shard to list after `exclusive_start`.
// Shards list in the lexical order of their ids, so listing resumes at the
// first id above the start, even when the start shard was removed after its
// retention period or never existed.
size_t FirstShardAfter(const std::vector<ShardInfo>& shards,
                       const std::optional<std::string>& exclusive_start) {
  if (!exclusive_start) return 0;
  size_t first = 0;
  while (first < shards.size() && shards[first].shard_id <= *exclusive_start) ++first;
  return first;
}

void WriteShard(const ShardInfo& shard, JsonWriter* w) {
  w->StartObject();
  w->Key("ShardId");
  WriteString(shard.shard_id, w);
  if (!shard.parent_shard_id.empty()) {
    w->Key("ParentShardId");
    WriteString(shard.parent_shard_id, w);
  }
  w->Key("SequenceNumberRange");
  w->StartObject();
  w->Key("StartingSequenceNumber");
  WriteString(shard.starting_sequence_number, w);
  if (!shard.ending_sequence_number.empty()) {
    w->Key("EndingSequenceNumber");
    WriteString(shard.ending_sequence_number, w);
  }
  w->EndObject();
  w->EndObject();
}

}  // namespace

absl::StatusOr<std::string> DynamoDbApi::ListStreams(const Request& request) {
  auto table_name = request.OptionalString("TableName");
  if (!table_name.ok()) return table_name.status();
  auto start = request.OptionalString("ExclusiveStartStreamArn");
  if (!start.ok()) return start.status();
  if (*start) {
    if (auto s = CheckStreamArn(**start, "ExclusiveStartStreamArn"); !s.ok()) return s;
  }
  auto limit = request.OptionalInt("Limit");
  if (!limit.ok()) return limit.status();
  int64_t max_streams = limit->value_or(100);
  if (max_streams < 1 || max_streams > 100) {
    return ValidationError(fmt::format(
        "1 validation error detected: Value '{}' at 'limit' failed to satisfy constraint: Member "
        "must have value less than or equal to 100 and greater than or equal to 1",
        max_streams));
  }
  if (*table_name) {
    if (auto table = tables_->GetTable(**table_name); !table.ok()) return table.status();
  }

  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("Streams");
  w.StartArray();
  bool started = !*start;
  int64_t count = 0;
  std::string last;
  bool more = false;
  for (const StreamDescription& stream : tables_->ListStreams()) {
    if (*table_name && stream.table_name != **table_name) continue;
    if (!started) {
      started = stream.arn == **start;
      continue;
    }
    if (count == max_streams) {
      more = true;
      break;
    }
    w.StartObject();
    w.Key("StreamArn");
    WriteString(stream.arn, &w);
    w.Key("TableName");
    WriteString(stream.table_name, &w);
    w.Key("StreamLabel");
    WriteString(stream.label, &w);
    w.EndObject();
    last = stream.arn;
    ++count;
  }
  w.EndArray();
  if (more) {
    w.Key("LastEvaluatedStreamArn");
    WriteString(last, &w);
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

absl::StatusOr<std::string> DynamoDbApi::DescribeStream(const Request& request) {
  auto arn = RequiredArn(request);
  if (!arn.ok()) return arn.status();
  auto start_shard = request.OptionalString("ExclusiveStartShardId");
  if (!start_shard.ok()) return start_shard.status();
  auto limit = request.OptionalInt("Limit");
  if (!limit.ok()) return limit.status();
  int64_t max_shards = limit->value_or(100);
  if (max_shards < 1 || max_shards > 100) {
    return ValidationError(fmt::format(
        "1 validation error detected: Value '{}' at 'limit' failed to satisfy constraint: Member "
        "must have value less than or equal to 100 and greater than or equal to 1",
        max_shards));
  }
  if (*start_shard && ((*start_shard)->size() < 28 || (*start_shard)->size() > 65)) {
    return ValidationError(fmt::format(
        "1 validation error detected: Value '{}' at 'exclusiveStartShardId' failed to satisfy "
        "constraint: Member must have length between 28 and 65",
        **start_shard));
  }
  auto stream = tables_->FindStreamByArn(*arn);
  if (!stream.ok()) return stream.status();
  std::vector<ShardInfo> shards = streams_->DescribeShards(*stream);
  std::sort(shards.begin(), shards.end(),
            [](const ShardInfo& a, const ShardInfo& b) { return a.shard_id < b.shard_id; });

  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("StreamDescription");
  w.StartObject();
  w.Key("StreamArn");
  WriteString(stream->arn, &w);
  w.Key("StreamLabel");
  WriteString(stream->label, &w);
  w.Key("StreamStatus");
  w.String(stream->status == StreamStatus::kEnabled ? "ENABLED" : "DISABLED");
  w.Key("StreamViewType");
  WriteString(StreamViewTypeName(stream->view_type), &w);
  w.Key("CreationRequestDateTime");
  w.Double(static_cast<double>(stream->creation_time_ms) / 1000.0);
  w.Key("TableName");
  WriteString(stream->table_name, &w);
  w.Key("KeySchema");
  WriteKeySchema(stream->hash_key, stream->range_key, &w);
  w.Key("Shards");
  w.StartArray();
  size_t first = FirstShardAfter(shards, *start_shard);
  size_t end = std::min(shards.size(), first + static_cast<size_t>(max_shards));
  for (size_t i = first; i < end; ++i) WriteShard(shards[i], &w);
  w.EndArray();
  if (end < shards.size()) {
    w.Key("LastEvaluatedShardId");
    WriteString(shards[end - 1].shard_id, &w);
  }
  w.EndObject();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

absl::StatusOr<std::string> DynamoDbApi::GetShardIterator(const Request& request) {
  auto arn = RequiredArn(request);
  if (!arn.ok()) return arn.status();
  auto shard_id = request.RequiredString("ShardId");
  if (!shard_id.ok()) return shard_id.status();
  auto type_name = request.RequiredString("ShardIteratorType");
  if (!type_name.ok()) return type_name.status();
  auto type = ParseShardIteratorType(*type_name);
  if (!type) {
    return ValidationError(fmt::format(
        "1 validation error detected: Value '{}' at 'shardIteratorType' failed to satisfy "
        "constraint: Member must satisfy enum value set: [AFTER_SEQUENCE_NUMBER, LATEST, "
        "AT_SEQUENCE_NUMBER, TRIM_HORIZON]",
        *type_name));
  }
  auto sequence_number = request.OptionalString("SequenceNumber");
  if (!sequence_number.ok()) return sequence_number.status();
  if (*sequence_number &&
      (*type == ShardIteratorType::kTrimHorizon || *type == ShardIteratorType::kLatest)) {
    return ValidationError(fmt::format(
        "Invalid SequenceNumber: a SequenceNumber may not be given with ShardIteratorType {}",
        *type_name));
  }

  auto iterator = streams_->GetShardIterator(*arn, *shard_id, *type, sequence_number->value_or(""));
  if (!iterator.ok()) return iterator.status();
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("ShardIterator");
  WriteString(*iterator, &w);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

absl::StatusOr<std::string> DynamoDbApi::GetRecords(const Request& request) {
  auto iterator = request.RequiredString("ShardIterator");
  if (!iterator.ok()) return iterator.status();
  auto limit = request.OptionalInt("Limit");
  if (!limit.ok()) return limit.status();
  auto batch = streams_->GetRecords(*iterator, static_cast<int>(limit->value_or(1000)));
  if (!batch.ok()) return batch.status();

  std::string body = "{\"Records\":[";
  for (size_t i = 0; i < batch->records.size(); ++i) {
    if (i > 0) body.push_back(',');
    body += batch->records[i];  // Stored as complete record JSON.
  }
  body += "]";
  if (batch->next_shard_iterator) {
    body += ",\"NextShardIterator\":\"" + *batch->next_shard_iterator + "\"";
  }
  body += "}";
  return body;
}

}  // namespace tidings
