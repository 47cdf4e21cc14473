// Item operations: PutItem, GetItem, UpdateItem and DeleteItem.
#include <set>

#include "api/capacity.h"
#include "api/dynamodb_api.h"
#include "api/expression_parameters.h"
#include "api/index_access.h"
#include "common/attribute_json.h"
#include "common/errors.h"
#include "expr/expression.h"
#include "fmt/format.h"
#include "storage/secondary_index.h"

namespace tidings {
namespace {

enum class ReturnValues { kNone, kAllOld, kUpdatedOld, kAllNew, kUpdatedNew };

absl::StatusOr<ReturnValues> ParseReturnValues(const Request& request, bool allow_updated_and_new) {
  auto text = request.OptionalString("ReturnValues");
  if (!text.ok()) return text.status();
  std::string value = text->value_or("NONE");
  ReturnValues parsed;
  if (value == "NONE") {
    parsed = ReturnValues::kNone;
  } else if (value == "ALL_OLD") {
    parsed = ReturnValues::kAllOld;
  } else if (value == "UPDATED_OLD") {
    parsed = ReturnValues::kUpdatedOld;
  } else if (value == "ALL_NEW") {
    parsed = ReturnValues::kAllNew;
  } else if (value == "UPDATED_NEW") {
    parsed = ReturnValues::kUpdatedNew;
  } else {
    return ValidationError(fmt::format(
        "1 validation error detected: Value '{}' at 'returnValues' failed to satisfy constraint: "
        "Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]",
        value));
  }
  if (!allow_updated_and_new && parsed != ReturnValues::kNone && parsed != ReturnValues::kAllOld) {
    return ValidationError("ReturnValues can only be ALL_OLD or NONE");
  }
  return parsed;
}

// Records a write of the larger of the old and new item in the request's meter.
void MeterWrite(const TableDescription& table, const TableStore::MutationResult& result) {
  if (CapacityMeter* meter = CurrentCapacityMeter()) {
    meter->AddItemWrite(table, result.old_item, result.new_item);
  }
}

// Parses ReturnValuesOnConditionCheckFailure: true for ALL_OLD.
absl::StatusOr<bool> ParseReturnOldOnFailure(const Request& request) {
  auto text = request.OptionalString("ReturnValuesOnConditionCheckFailure");
  if (!text.ok()) return text.status();
  std::string value = text->value_or("NONE");
  if (value != "NONE" && value != "ALL_OLD") {
    return ValidationError(fmt::format(
        "1 validation error detected: Value '{}' at 'returnValuesOnConditionCheckFailure' failed "
        "to satisfy constraint: Member must satisfy enum value set: [ALL_OLD, NONE]",
        value));
  }
  return value == "ALL_OLD";
}

// The return options of a single-item write.
struct WriteOptions {
  ReturnValues return_values = ReturnValues::kNone;
  bool return_old_on_failure = false;  // ReturnValuesOnConditionCheckFailure=ALL_OLD.
  bool collection_metrics = false;     // ReturnItemCollectionMetrics=SIZE.
};

absl::StatusOr<WriteOptions> ParseWriteOptions(const Request& request,
                                               bool allow_updated_and_new) {
  WriteOptions options;
  auto return_values = ParseReturnValues(request, allow_updated_and_new);
  if (!return_values.ok()) return return_values.status();
  options.return_values = *return_values;
  auto return_old_on_failure = ParseReturnOldOnFailure(request);
  if (!return_old_on_failure.ok()) return return_old_on_failure.status();
  options.return_old_on_failure = *return_old_on_failure;
  auto collection_metrics = ParseReturnItemCollectionMetrics(request);
  if (!collection_metrics.ok()) return collection_metrics.status();
  options.collection_metrics = *collection_metrics;
  return options;
}

// Fails with ConditionalCheckFailedException when the condition rejects
// `old_item`. With `return_old` and an existing item, the error body carries
// the item as "Item", read under the same lock as the condition.
absl::Status CheckCondition(const Expressions& expressions, const std::optional<Item>& old_item,
                            bool return_old) {
  if (!expressions.condition) return absl::OkStatus();
  if (expressions.condition->Evaluate(old_item.value_or(Item()))) return absl::OkStatus();
  absl::Status failed = ConditionalCheckFailedError("The conditional request failed");
  if (!return_old || !old_item) return failed;

  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  WriteItem(*old_item, &w);
  return WithErrorDetails(failed, fmt::format("\"Item\":{}", buffer.GetString()));
}


// Writes {"Attributes": ...} when `attributes` is set and not empty, else {}.
std::string AttributesResponse(const std::optional<Item>& attributes) {
  if (!attributes || attributes->empty()) return "{}";
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("Attributes");
  WriteItem(*attributes, &w);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

// Returns the parts of `item` at the paths the update wrote, as DynamoDB's
// UPDATED_OLD and UPDATED_NEW do: `SET a.b = :v` returns {a: {b: ...}}.
Item UpdatedParts(const Item& item, const std::optional<expr::UpdateExpression>& update) {
  if (!update) return Item();
  return expr::ProjectPaths(item, update->TargetPaths());
}

}  // namespace

absl::StatusOr<std::string> DynamoDbApi::PutItem(const Request& request) {
  auto table_name = request.TableName();
  if (!table_name.ok()) return table_name.status();
  auto item = request.RequiredItem("Item");
  if (!item.ok()) return item.status();
  auto expressions = ParseExpressions(request, "ConditionExpression", false, false);
  if (!expressions.ok()) return expressions.status();
  auto options = ParseWriteOptions(request, false);
  if (!options.ok()) return options.status();
  auto table = tables_->GetTable(*table_name);
  if (!table.ok()) return table.status();
  if (auto s = CheckItemSize(*item); !s.ok()) return s;
  if (auto s = CheckIndexKeys(*table, *item); !s.ok()) return s;

  Item key = table->KeyOf(*item);
  if (key.size() != (table->range_key ? 2u : 1u)) {
    const std::string& missing = item->count(table->hash_key.name) == 0 ? table->hash_key.name
                                                                         : table->range_key->name;
    return ValidationError(fmt::format(
        "One or more parameter values were invalid: Missing the key {} in the item", missing));
  }
  auto result = tables_->MutateItem(*table_name, key, [&](const std::optional<Item>& old_item) {
    if (auto s = CheckCondition(*expressions, old_item, options->return_old_on_failure); !s.ok()) {
      return absl::StatusOr<std::optional<Item>>(s);
    }
    return absl::StatusOr<std::optional<Item>>(*item);
  });
  if (!result.ok()) return result.status();
  MeterWrite(*table, *result);
  auto metrics = ItemCollectionMetricsMember(*tables_, *table, key, options->collection_metrics);
  if (!metrics.ok()) return metrics.status();
  return AppendMembers(AttributesResponse(options->return_values == ReturnValues::kAllOld
                                              ? result->old_item
                                              : std::nullopt),
                       *metrics);
}

absl::StatusOr<std::string> DynamoDbApi::GetItem(const Request& request) {
  auto table_name = request.TableName();
  if (!table_name.ok()) return table_name.status();
  auto key = request.RequiredItem("Key");
  if (!key.ok()) return key.status();
  auto expressions = ParseExpressions(request, "", false, true);
  if (!expressions.ok()) return expressions.status();
  auto consistent = request.OptionalBool("ConsistentRead");
  if (!consistent.ok()) return consistent.status();

  auto item = tables_->GetItem(*table_name, *key);
  if (!item.ok()) return item.status();
  if (CapacityMeter* meter = CurrentCapacityMeter()) {
    meter->AddRead(*table_name, item->has_value() ? ItemSize(**item) : 0,
                   consistent->value_or(false));
  }
  if (!item->has_value()) return std::string("{}");
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("Item");
  WriteItem(expressions->projection ? expressions->projection->Project(**item) : **item, &w);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

absl::StatusOr<std::string> DynamoDbApi::UpdateItem(const Request& request) {
  auto table_name = request.TableName();
  if (!table_name.ok()) return table_name.status();
  auto key = request.RequiredItem("Key");
  if (!key.ok()) return key.status();
  auto expressions = ParseExpressions(request, "ConditionExpression", true, false);
  if (!expressions.ok()) return expressions.status();
  auto options = ParseWriteOptions(request, true);
  if (!options.ok()) return options.status();
  auto table = tables_->GetTable(*table_name);
  if (!table.ok()) return table.status();

  if (expressions->update) {
    for (const std::string& target : expressions->update->TargetAttributes()) {
      if (key->count(target) > 0 || target == table->hash_key.name ||
          (table->range_key && target == table->range_key->name)) {
        return ValidationError(fmt::format(
            "One or more parameter values were invalid: Cannot update attribute {}. This "
            "attribute is part of the key",
            target));
      }
    }
  }

  auto result = tables_->MutateItem(*table_name, *key, [&](const std::optional<Item>& old_item) {
    using Result = absl::StatusOr<std::optional<Item>>;
    if (auto s = CheckCondition(*expressions, old_item, options->return_old_on_failure); !s.ok()) {
      return Result(s);
    }
    Item item = old_item.value_or(*key);
    if (auto s = ApplyUpdate(*expressions, &item); !s.ok()) return Result(s);
    if (auto s = CheckItemSize(item); !s.ok()) return Result(s);
    const Item* old_ptr = old_item ? &*old_item : nullptr;
    if (auto s = CheckIndexKeys(*table, item, old_ptr, IndexKeySource::kUpdateExpression);
        !s.ok()) {
      return Result(s);
    }
    return Result(std::move(item));
  });
  if (!result.ok()) return result.status();
  MeterWrite(*table, *result);
  auto metrics = ItemCollectionMetricsMember(*tables_, *table, *key, options->collection_metrics);
  if (!metrics.ok()) return metrics.status();

  std::string body = "{}";
  switch (options->return_values) {
    case ReturnValues::kNone:
      break;
    case ReturnValues::kAllOld:
      body = AttributesResponse(result->old_item);
      break;
    case ReturnValues::kAllNew:
      body = AttributesResponse(result->new_item);
      break;
    case ReturnValues::kUpdatedOld:
      body = AttributesResponse(result->old_item ? std::optional(UpdatedParts(
                                                       *result->old_item, expressions->update))
                                                 : std::nullopt);
      break;
    case ReturnValues::kUpdatedNew:
      body = AttributesResponse(UpdatedParts(*result->new_item, expressions->update));
      break;
  }
  return AppendMembers(std::move(body), *metrics);
}

absl::StatusOr<std::string> DynamoDbApi::DeleteItem(const Request& request) {
  auto table_name = request.TableName();
  if (!table_name.ok()) return table_name.status();
  auto key = request.RequiredItem("Key");
  if (!key.ok()) return key.status();
  auto expressions = ParseExpressions(request, "ConditionExpression", false, false);
  if (!expressions.ok()) return expressions.status();
  auto options = ParseWriteOptions(request, false);
  if (!options.ok()) return options.status();
  auto table = tables_->GetTable(*table_name);
  if (!table.ok()) return table.status();

  auto result = tables_->MutateItem(*table_name, *key, [&](const std::optional<Item>& old_item) {
    using Result = absl::StatusOr<std::optional<Item>>;
    if (auto s = CheckCondition(*expressions, old_item, options->return_old_on_failure); !s.ok()) {
      return Result(s);
    }
    return Result(std::nullopt);
  });
  if (!result.ok()) return result.status();
  MeterWrite(*table, *result);
  auto metrics = ItemCollectionMetricsMember(*tables_, *table, *key, options->collection_metrics);
  if (!metrics.ok()) return metrics.status();
  return AppendMembers(AttributesResponse(options->return_values == ReturnValues::kAllOld
                                              ? result->old_item
                                              : std::nullopt),
                       *metrics);
}

}  // namespace tidings
