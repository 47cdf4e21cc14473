// KeyConditions: checks in DynamoDB's order, then a direct translation into
// expr::KeyCondition. No expression text is involved, so KeyConditions can
// stand beside the client's FilterExpression and its placeholders.
#include "api/legacy_key_conditions.h"

#include <optional>

#include "api/legacy_conditions.h"
#include "common/errors.h"
#include "fmt/format.h"

namespace tidings {
namespace {

bool IsIndexable(ComparisonOperator op) {
  switch (op) {
    case ComparisonOperator::kEq:
    case ComparisonOperator::kLe:
    case ComparisonOperator::kLt:
    case ComparisonOperator::kGe:
    case ComparisonOperator::kGt:
    case ComparisonOperator::kBeginsWith:
    case ComparisonOperator::kBetween:
      return true;
    default:
      return false;
  }
}

const LegacyCondition* FindCondition(const std::vector<LegacyCondition>& conditions,
                                     const std::string& attribute) {
  for (const LegacyCondition& condition : conditions) {
    if (condition.attribute == attribute) return &condition;
  }
  return nullptr;
}

absl::Status NotSupported() { return ValidationError("Query key condition not supported"); }

absl::Status MissedKey(const std::string& name) {
  return ValidationError(fmt::format("Query condition missed key schema element: {}", name));
}

// Checks what the partition and sort key conditions share: an indexable
// operator and values of the key attribute's type.
absl::Status CheckKeyCondition(const LegacyCondition& condition, const KeyElement& key) {
  if (!IsIndexable(condition.op)) {
    return ValidationError("Attempted conditional constraint is not an indexable operation");
  }
  for (const AttributeValue& value : condition.values) {
    if (value.type() != key.type) {
      return ValidationError(
          "One or more parameter values were invalid: Condition parameter type does not match "
          "schema type");
    }
  }
  return absl::OkStatus();
}

expr::SortKeyOperator SortKeyOperatorOf(ComparisonOperator op) {
  switch (op) {
    case ComparisonOperator::kLt:
      return expr::SortKeyOperator::kLt;
    case ComparisonOperator::kLe:
      return expr::SortKeyOperator::kLe;
    case ComparisonOperator::kGt:
      return expr::SortKeyOperator::kGt;
    case ComparisonOperator::kGe:
      return expr::SortKeyOperator::kGe;
    case ComparisonOperator::kBetween:
      return expr::SortKeyOperator::kBetween;
    case ComparisonOperator::kBeginsWith:
      return expr::SortKeyOperator::kBeginsWith;
    default:
      return expr::SortKeyOperator::kEq;
  }
}

}  // namespace

absl::StatusOr<expr::KeyCondition> TranslateKeyConditions(const rapidjson::Value& json,
                                                          const TableDescription& table) {
  auto conditions = ParseConditionMap("KeyConditions", json);
  if (!conditions.ok()) return conditions.status();
  if (conditions->size() != 1 && conditions->size() != 2) {
    return ValidationError("Conditions can be of length 1 or 2 only");
  }
  if (!table.range_key && conditions->size() > 1) return NotSupported();

  const LegacyCondition* partition = FindCondition(*conditions, table.hash_key.name);
  if (partition == nullptr) return MissedKey(table.hash_key.name);
  if (auto s = CheckKeyCondition(*partition, table.hash_key); !s.ok()) return s;
  if (partition->op != ComparisonOperator::kEq) return NotSupported();

  expr::KeyCondition key;
  key.partition_key_name = table.hash_key.name;
  key.partition_value = partition->values[0];
  if (conditions->size() == 1) return key;

  const LegacyCondition* sort = FindCondition(*conditions, table.range_key->name);
  if (sort == nullptr) return MissedKey(table.range_key->name);
  if (auto s = CheckKeyCondition(*sort, *table.range_key); !s.ok()) return s;
  expr::SortKeyCondition sort_condition;
  sort_condition.name = sort->attribute;
  sort_condition.op = SortKeyOperatorOf(sort->op);
  sort_condition.value = sort->values[0];
  if (sort->op == ComparisonOperator::kBetween) sort_condition.upper_bound = sort->values[1];
  key.sort = std::move(sort_condition);
  return key;
}

}  // namespace tidings
