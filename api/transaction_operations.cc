// Transactions: TransactWriteItems and TransactGetItems.
#include <functional>

#include "api/capacity.h"
#include "api/dynamodb_api.h"
#include "api/expression_parameters.h"
#include "api/index_access.h"
#include "api/legacy_parameters.h"
#include "common/attribute_json.h"
#include "common/errors.h"
#include "fmt/format.h"

namespace tidings {
namespace {

constexpr size_t kMaxTransactItems = 100;

// One action of a TransactWriteItems request, parsed.
struct WriteAction {
  std::string kind;  // "ConditionCheck", "Put", "Delete" or "Update".
  std::string table;
  TableDescription description;  // Of `table`, when the request was parsed.
  Item key;
  std::optional<Item> item;  // Put only.
  Expressions expressions;
  bool return_old_on_failure = false;
};

absl::StatusOr<const rapidjson::Value*> TransactItems(const Request& request) {
  if (!request.Has("TransactItems")) {
    return ValidationError(
        "1 validation error detected: Value null at 'transactItems' failed to satisfy "
        "constraint: Member must not be null");
  }
  const rapidjson::Value& items = request.root()["TransactItems"];
  if (!items.IsArray() || items.Empty() || items.Size() > kMaxTransactItems) {
    return ValidationError(
        "1 validation error detected: Value at 'transactItems' failed to satisfy constraint: "
        "Member must have length less than or equal to 100 and greater than or equal to 1");
  }
  return &items;
}

// Returns the one member of `action` among `kinds`, as DynamoDB requires.
absl::StatusOr<std::string> ActionKind(const rapidjson::Value& action,
                                       std::initializer_list<const char*> kinds) {
  std::string found;
  int count = 0;
  for (const char* kind : kinds) {
    if (action.IsObject() && action.HasMember(kind)) {
      found = kind;
      ++count;
    }
  }
  if (count != 1) {
    return ValidationError(fmt::format(
        "TransactItems can only contain one of {} in each element",
        fmt::join(kinds.begin(), kinds.end(), ", ")));
  }
  return found;
}

absl::StatusOr<WriteAction> ParseWriteAction(const rapidjson::Value& json,
                                             const TableStore& tables) {
  auto kind = ActionKind(json, {"ConditionCheck", "Put", "Delete", "Update"});
  if (!kind.ok()) return kind.status();
  Request body = Request::FromObject(json[kind->c_str()]);
  WriteAction action;
  action.kind = *kind;
  auto table_name = body.TableName();
  if (!table_name.ok()) return table_name.status();
  action.table = *table_name;
  auto table = tables.GetTable(action.table);
  if (!table.ok()) return table.status();
  action.description = *table;

  if (action.kind == "Put") {
    auto item = body.RequiredItem("Item");
    if (!item.ok()) return item.status();
    if (auto s = CheckItemSize(*item); !s.ok()) return s;
    action.key = table->KeyOf(*item);
    action.item = *std::move(item);
  } else {
    auto key = body.RequiredItem("Key");
    if (!key.ok()) return key.status();
    action.key = *std::move(key);
  }
  if (action.kind == "ConditionCheck" && !body.Has("ConditionExpression")) {
    return ValidationError(
        "1 validation error detected: Value null at 'conditionExpression' failed to satisfy "
        "constraint: Member must not be null");
  }
  if (auto s = RejectLegacyParameters(body, "TransactWriteItems"); !s.ok()) return s;
  auto expressions = ParseExpressions(body, "ConditionExpression", action.kind == "Update", false);
  if (!expressions.ok()) return expressions.status();
  action.expressions = *std::move(expressions);
  if (action.expressions.update) {
    for (const std::string& target : action.expressions.update->TargetAttributes()) {
      if (target == table->hash_key.name || (table->range_key && target == table->range_key->name)) {
        return ValidationError(fmt::format(
            "One or more parameter values were invalid: Cannot update attribute {}. This "
            "attribute is part of the key",
            target));
      }
    }
  }
  auto on_failure = body.OptionalString("ReturnValuesOnConditionCheckFailure");
  if (!on_failure.ok()) return on_failure.status();
  action.return_old_on_failure = on_failure->value_or("NONE") == "ALL_OLD";
  return action;
}

// Computes the action's effect on its item: the new state, or an error that
// cancels the transaction.
absl::StatusOr<std::optional<Item>> Apply(const WriteAction& action,
                                          const std::optional<Item>& old_item) {
  if (action.expressions.condition &&
      !action.expressions.condition->Evaluate(old_item.value_or(Item()))) {
    return ConditionalCheckFailedError("The conditional request failed");
  }
  if (action.kind == "ConditionCheck") return old_item;
  if (action.kind == "Delete") return std::optional<Item>();
  if (action.kind == "Put") return action.item;
  Item item = old_item.value_or(action.key);
  if (action.expressions.update) {
    if (auto s = action.expressions.update->Apply(&item); !s.ok()) return s;
  }
  if (auto s = CheckItemSize(item); !s.ok()) return s;
  return std::optional<Item>(std::move(item));
}

// Builds DynamoDB's TransactionCanceledException with one reason per action.
absl::Status CancellationError(const std::vector<WriteAction>& actions,
                               const std::vector<absl::Status>& statuses,
                               const std::vector<TableStore::MutationResult>& results) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartArray();
  std::vector<std::string> codes;
  for (size_t i = 0; i < statuses.size(); ++i) {
    w.StartObject();
    std::string code = "None";
    if (!statuses[i].ok()) {
      code = KindOf(statuses[i]) == ErrorKind::kConditionalCheckFailed ? "ConditionalCheckFailed"
                                                                       : "ValidationError";
    }
    w.Key("Code");
    w.String(code.c_str());
    if (!statuses[i].ok()) {
      std::string message(statuses[i].message());
      w.Key("Message");
      w.String(message.c_str(), message.size());
      if (code == "ConditionalCheckFailed" && actions[i].return_old_on_failure &&
          i < results.size() && results[i].old_item) {
        w.Key("Item");
        WriteItem(*results[i].old_item, &w);
      }
    }
    w.EndObject();
    codes.push_back(code);
  }
  w.EndArray();
  std::string message = fmt::format(
      "Transaction cancelled, please refer cancellation reasons for specific reasons [{}]",
      fmt::join(codes, ", "));
  return WithErrorDetails(
      MakeError(ErrorKind::kTransactionCanceled, message),
      fmt::format(R"("CancellationReasons":{})", std::string_view(buffer.GetString(), buffer.GetSize())));
}

std::string RequestHash(const rapidjson::Value& items) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  items.Accept(w);
  return fmt::format("{:016x}", std::hash<std::string_view>{}(
                                    std::string_view(buffer.GetString(), buffer.GetSize())));
}

}  // namespace

absl::StatusOr<std::string> DynamoDbApi::TransactWriteItems(const Request& request) {
  auto items = TransactItems(request);
  if (!items.ok()) return items.status();
  std::vector<WriteAction> actions;
  for (const auto& json : (*items)->GetArray()) {
    auto action = ParseWriteAction(json, *tables_);
    if (!action.ok()) return action.status();
    actions.push_back(*std::move(action));
  }
  auto collection_metrics = ParseReturnItemCollectionMetrics(request);
  if (!collection_metrics.ok()) return collection_metrics.status();
  auto token_text = request.OptionalString("ClientRequestToken");
  if (!token_text.ok()) return token_text.status();
  std::optional<TableStore::TransactionToken> token;
  if (*token_text) token = TableStore::TransactionToken{**token_text, RequestHash(**items)};

  // The items as each action saw them, kept for ReturnValuesOnConditionCheckFailure:
  // MutateItems reads them all at one instant and returns no results on
  // cancellation.
  std::vector<TableStore::MutationResult> seen(actions.size());
  std::vector<TableStore::ItemMutation> mutations;
  for (size_t i = 0; i < actions.size(); ++i) {
    const WriteAction& action = actions[i];
    TableStore::MutationResult* seen_item = &seen[i];
    mutations.push_back({action.table, action.key,
                         [&action, seen_item](const std::optional<Item>& old_item) {
                           seen_item->old_item = old_item;
                           return Apply(action, old_item);
                         }});
  }
  std::vector<absl::Status> statuses;
  auto result = tables_->MutateItems(mutations, token, &statuses);
  if (!result.ok()) {
    if (KindOf(result.status()) != ErrorKind::kTransactionCanceled) return result.status();
    return CancellationError(actions, statuses, seen);
  }
  if (CapacityMeter* meter = CurrentCapacityMeter(); meter != nullptr && !result->replayed) {
    meter->SetTransactional();
    for (size_t i = 0; i < actions.size(); ++i) {
      const auto& item_result = result->results[i];
      if (actions[i].kind == "ConditionCheck") {
        size_t size = item_result.old_item ? ItemSize(*item_result.old_item) : 0;
        meter->AddRead(actions[i].table, size, true);
      } else {
        meter->AddItemWrite(actions[i].description, item_result.old_item, item_result.new_item);
      }
    }
  }
  std::map<std::string, std::vector<std::string>> metrics;  // By table name.
  for (const WriteAction& action : actions) {
    if (action.kind == "ConditionCheck" || result->replayed) continue;
    auto member = ItemCollectionMetricsMember(*tables_, action.description,
                                              action.description.KeyOf(action.key),
                                              *collection_metrics);
    if (!member.ok()) return member.status();
    if (!member->empty()) metrics[action.table].push_back(*std::move(member));
  }
  return AppendMembers("{}", ItemCollectionMetricsByTable(metrics));
}

absl::StatusOr<std::string> DynamoDbApi::TransactGetItems(const Request& request) {
  auto items = TransactItems(request);
  if (!items.ok()) return items.status();
  std::vector<std::pair<std::string, Item>> keys;
  std::vector<std::optional<expr::ProjectionExpression>> projections;
  for (const auto& json : (*items)->GetArray()) {
    auto kind = ActionKind(json, {"Get"});
    if (!kind.ok()) return kind.status();
    Request body = Request::FromObject(json["Get"]);
    auto table_name = body.TableName();
    if (!table_name.ok()) return table_name.status();
    auto key = body.RequiredItem("Key");
    if (!key.ok()) return key.status();
    if (auto s = RejectLegacyParameters(body, "TransactGetItems"); !s.ok()) return s;
    auto expressions = ParseExpressions(body, "", false, true);
    if (!expressions.ok()) return expressions.status();
    keys.emplace_back(*table_name, *std::move(key));
    projections.push_back(std::move(expressions->projection));
  }

  auto found = tables_->ReadItems(keys);
  if (!found.ok()) return found.status();
  if (CapacityMeter* meter = CurrentCapacityMeter()) {
    meter->SetTransactional();
    for (size_t i = 0; i < found->size(); ++i) {
      meter->AddRead(keys[i].first, (*found)[i] ? ItemSize(*(*found)[i]) : 0, true);
    }
  }
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("Responses");
  w.StartArray();
  for (size_t i = 0; i < found->size(); ++i) {
    w.StartObject();
    if ((*found)[i]) {
      w.Key("Item");
      WriteItem(projections[i] ? projections[i]->Project(*(*found)[i]) : *(*found)[i], &w);
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace tidings
