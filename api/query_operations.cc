// Read operations over many items: Query and Scan.
#include "api/capacity.h"
#include "api/dynamodb_api.h"
#include "api/expression_parameters.h"
#include "api/index_access.h"
#include "common/attribute_json.h"
#include "common/errors.h"
#include "fmt/format.h"

namespace tidings {
namespace {

// Limit, ExclusiveStartKey and Select, shared by Query and Scan.
struct PageParameters {
  int64_t limit = INT64_MAX;
  std::optional<Item> exclusive_start_key;
  bool count_only = false;
};

absl::StatusOr<PageParameters> ParsePageParameters(const Request& request) {
  PageParameters out;
  auto limit = request.OptionalInt("Limit");
  if (!limit.ok()) return limit.status();
  if (*limit && **limit < 1) {
    return ValidationError(fmt::format(
        "1 validation error detected: Value '{}' at 'limit' failed to satisfy constraint: Member "
        "must have value greater than or equal to 1",
        **limit));
  }
  out.limit = limit->value_or(INT64_MAX);

  if (request.Has("ExclusiveStartKey")) {
    auto parsed = request.RequiredItem("ExclusiveStartKey");
    if (!parsed.ok()) return parsed.status();
    out.exclusive_start_key = *std::move(parsed);
  }

  auto select = request.OptionalString("Select");
  if (!select.ok()) return select.status();
  std::string mode = select->value_or("ALL_ATTRIBUTES");
  if (mode != "ALL_ATTRIBUTES" && mode != "COUNT" && mode != "SPECIFIC_ATTRIBUTES" &&
      mode != "ALL_PROJECTED_ATTRIBUTES") {
    return ValidationError(fmt::format(
        "1 validation error detected: Value '{}' at 'select' failed to satisfy constraint: Member "
        "must satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, "
        "ALL_PROJECTED_ATTRIBUTES]",
        mode));
  }
  out.count_only = mode == "COUNT";
  return out;
}

// Reads Segment and TotalSegments: nullopt for a whole-table scan.
absl::StatusOr<std::optional<std::pair<int64_t, int64_t>>> ParseSegments(const Request& request) {
  using Segments = std::optional<std::pair<int64_t, int64_t>>;
  auto segment = request.OptionalInt("Segment");
  if (!segment.ok()) return segment.status();
  auto total = request.OptionalInt("TotalSegments");
  if (!total.ok()) return total.status();
  if (!*segment && !*total) return Segments();
  if (!*total) {
    return ValidationError(
        "The TotalSegments parameter is required but was not present in the request when "
        "parameter Segment is present");
  }
  if (!*segment) {
    return ValidationError(
        "The Segment parameter is required but was not present in the request when parameter "
        "TotalSegments is present");
  }
  if (**total < 1 || **total > 1000000) {
    return ValidationError(fmt::format(
        "1 validation error detected: Value '{}' at 'totalSegments' failed to satisfy "
        "constraint: Member must have value less than or equal to 1000000 and greater than or "
        "equal to 1",
        **total));
  }
  if (**segment < 0 || **segment >= **total) {
    return ValidationError(fmt::format(
        "The Segment parameter is zero-based and must be less than parameter TotalSegments: "
        "Segment: {} is not less than TotalSegments: {}",
        **segment, **total));
  }
  return Segments(std::make_pair(**segment, **total));
}

// Records the read of every item or index entry the page scanned in the
// request's meter, plus `fetched_bytes` read from the table for an index.
void MeterPage(const Request& request, const std::string& table, const IndexRead& read,
               const TableStore::ScanPage& page, size_t fetched_bytes) {
  CapacityMeter* meter = CurrentCapacityMeter();
  if (meter == nullptr) return;
  size_t bytes = 0;
  for (const Item& item : page.items) bytes += ItemSize(item);
  auto consistent = request.OptionalBool("ConsistentRead");
  bool is_consistent = consistent.ok() && consistent->value_or(false);
  if (read.index == nullptr) {
    meter->AddRead(table, bytes, is_consistent);
    return;
  }
  // AddIndexRead also reports the table's own units, zero unless items are fetched.
  meter->AddIndexRead(table, *read.index, bytes, is_consistent);
  if (read.fetch_from_table) meter->AddRead(table, fetched_bytes, is_consistent);
}

// Writes Items (unless counting), Count, ScannedCount and LastEvaluatedKey.
std::string PageResponse(const TableStore::ScanPage& page, const Expressions& expressions,
                         bool count_only) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  int64_t count = 0;
  if (!count_only) {
    w.Key("Items");
    w.StartArray();
  }
  for (const Item& item : page.items) {
    if (expressions.condition && !expressions.condition->Evaluate(item)) continue;
    ++count;
    if (count_only) continue;
    WriteItem(expressions.projection ? expressions.projection->Project(item) : item, &w);
  }
  if (!count_only) w.EndArray();
  w.Key("Count");
  w.Int64(count);
  w.Key("ScannedCount");
  w.Int64(static_cast<int64_t>(page.items.size()));
  if (page.last_evaluated_key) {
    w.Key("LastEvaluatedKey");
    WriteItem(*page.last_evaluated_key, &w);
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

int CompareKeyValues(const AttributeValue& a, const AttributeValue& b) {
  if (a.type() == AttributeType::kN) return CompareNumbers(a.scalar(), b.scalar());
  int c = a.scalar().compare(b.scalar());
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

bool SortKeyMatches(const expr::SortKeyCondition& condition, const AttributeValue& value) {
  using Op = expr::SortKeyOperator;
  switch (condition.op) {
    case Op::kEq: return CompareKeyValues(value, condition.value) == 0;
    case Op::kLt: return CompareKeyValues(value, condition.value) < 0;
    case Op::kLe: return CompareKeyValues(value, condition.value) <= 0;
    case Op::kGt: return CompareKeyValues(value, condition.value) > 0;
    case Op::kGe: return CompareKeyValues(value, condition.value) >= 0;
    case Op::kBetween:
      return CompareKeyValues(value, condition.value) >= 0 &&
             CompareKeyValues(value, condition.upper_bound) <= 0;
    case Op::kBeginsWith: return value.scalar().starts_with(condition.value.scalar());
  }
  return false;
}

absl::Status CheckSortKeyTypes(const TableDescription& table, const expr::KeyCondition& key) {
  if (!key.sort) return absl::OkStatus();
  const AttributeType expected = table.range_key->type;
  bool mismatch = key.sort->value.type() != expected ||
                  (key.sort->op == expr::SortKeyOperator::kBetween &&
                   key.sort->upper_bound.type() != expected);
  if (key.sort->op == expr::SortKeyOperator::kBeginsWith && expected == AttributeType::kN) {
    return ValidationError(
        "Invalid KeyConditionExpression: Incorrect operand type for operator or function; "
        "operator or function: begins_with, operand type: N");
  }
  if (mismatch) {
    return ValidationError(
        "One or more parameter values were invalid: Condition parameter type does not match "
        "schema type");
  }
  if (key.sort->op == expr::SortKeyOperator::kBetween &&
      CompareKeyValues(key.sort->value, key.sort->upper_bound) > 0) {
    return ValidationError(
        "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater "
        "than or equal to lower bound");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> DynamoDbApi::Query(const Request& request) {
  auto table_name = request.TableName();
  if (!table_name.ok()) return table_name.status();
  auto table = tables_->GetTable(*table_name);
  if (!table.ok()) return table.status();
  auto page_parameters = ParsePageParameters(request);
  if (!page_parameters.ok()) return page_parameters.status();
  auto index_read = ResolveIndexRead(request, *table);
  if (!index_read.ok()) return index_read.status();
  // The key condition applies to the index's key schema when one is named.
  TableDescription key_schema = *table;
  if (index_read->index != nullptr) {
    key_schema.hash_key = index_read->index->hash_key;
    key_schema.range_key = index_read->index->range_key;
  }
  auto expressions = ParseExpressions(request, "FilterExpression", false, true, &key_schema);
  if (!expressions.ok()) return expressions.status();
  auto forward = request.OptionalBool("ScanIndexForward");
  if (!forward.ok()) return forward.status();
  const expr::KeyCondition& key = *expressions->key_condition;
  if (auto s = CheckSortKeyTypes(key_schema, key); !s.ok()) return s;

  auto range_matches = [&](const Item& item) {
    if (!key.sort) return true;
    auto it = item.find(key.sort->name);
    return it != item.end() && SortKeyMatches(*key.sort, it->second);
  };
  auto page = index_read->index == nullptr
                  ? tables_->QueryItems(*table_name, key.partition_value, range_matches,
                                        forward->value_or(true),
                                        page_parameters->exclusive_start_key,
                                        page_parameters->limit)
                  : tables_->QueryIndex(*table_name, index_read->index->name,
                                        key.partition_value, range_matches,
                                        forward->value_or(true),
                                        page_parameters->exclusive_start_key,
                                        page_parameters->limit);
  if (!page.ok()) return page.status();
  auto fetched = FetchTableItems(*tables_, *table, *index_read, &*page);
  if (!fetched.ok()) return fetched.status();
  MeterPage(request, *table_name, *index_read, *page, *fetched);
  return PageResponse(*page, *expressions, page_parameters->count_only);
}

absl::StatusOr<std::string> DynamoDbApi::Scan(const Request& request) {
  auto table_name = request.TableName();
  if (!table_name.ok()) return table_name.status();
  auto expressions = ParseExpressions(request, "FilterExpression", false, true);
  if (!expressions.ok()) return expressions.status();
  auto page_parameters = ParsePageParameters(request);
  if (!page_parameters.ok()) return page_parameters.status();
  auto segments = ParseSegments(request);
  if (!segments.ok()) return segments.status();
  auto table = tables_->GetTable(*table_name);
  if (!table.ok()) return table.status();
  auto index_read = ResolveIndexRead(request, *table);
  if (!index_read.ok()) return index_read.status();

  std::function<bool(const Item&)> in_segment;
  if (*segments) {
    // Items are spread over segments by a hash of their partition key, so the
    // segments together return every item exactly once.
    auto [segment, total] = **segments;
    std::string hash_name = index_read->index == nullptr ? table->hash_key.name
                                                         : index_read->index->hash_key.name;
    in_segment = [segment, total, hash_name](const Item& item) {
      const AttributeValue& value = item.at(hash_name);
      std::string identity = value.type() == AttributeType::kN
                                 ? EncodeNumberOrdered(value.scalar())
                                 : value.scalar();
      return static_cast<int64_t>(std::hash<std::string>{}(identity) %
                                  static_cast<uint64_t>(total)) == segment;
    };
  }
  auto page = index_read->index == nullptr
                  ? tables_->ScanItems(*table_name, page_parameters->exclusive_start_key,
                                       page_parameters->limit, in_segment)
                  : tables_->ScanIndex(*table_name, index_read->index->name,
                                       page_parameters->exclusive_start_key,
                                       page_parameters->limit, in_segment);
  if (!page.ok()) return page.status();
  auto fetched = FetchTableItems(*tables_, *table, *index_read, &*page);
  if (!fetched.ok()) return fetched.status();
  MeterPage(request, *table_name, *index_read, *page, *fetched);
  return PageResponse(*page, *expressions, page_parameters->count_only);
}

}  // namespace tidings
