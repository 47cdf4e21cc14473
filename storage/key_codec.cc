#include "storage/key_codec.h"

#include "common/errors.h"
#include "common/varint.h"
#include "fmt/format.h"

namespace tidings {
namespace {

constexpr size_t kMaxHashKeyBytes = 2048;
constexpr size_t kMaxRangeKeyBytes = 1024;

absl::Status CheckKeyValue(const KeyElement& element, const AttributeValue& value,
                           size_t max_bytes) {
  if (value.type() != element.type) {
    return ValidationError(fmt::format(
        "One or more parameter values were invalid: Type mismatch for key {} expected: {} actual: {}",
        element.name, AttributeTypeName(element.type), AttributeTypeName(value.type())));
  }
  if (value.type() != AttributeType::kN && value.scalar().empty()) {
    return ValidationError(fmt::format(
        "One or more parameter values are not valid. The AttributeValue for a key attribute cannot "
        "contain an empty string value. Key: {}",
        element.name));
  }
  // DynamoDB's own texts, including the missing space in "limit of2048".
  if (value.scalar().size() > max_bytes && max_bytes == kMaxHashKeyBytes) {
    return ValidationError(
        "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size "
        "limit of2048 bytes");
  }
  if (value.scalar().size() > max_bytes) {
    return ValidationError(
        "One or more parameter values were invalid: Aggregated size of all range keys has exceeded "
        "the size limit of 1024 bytes");
  }
  return absl::OkStatus();
}

void AppendHashValue(const AttributeValue& value, std::string* out) {
  out->push_back(static_cast<char>(value.type()));
  if (value.type() == AttributeType::kN) {
    PutLengthPrefixed(EncodeNumberOrdered(value.scalar()), out);
  } else {
    PutLengthPrefixed(value.scalar(), out);
  }
}

void AppendRangeValue(const AttributeValue& value, std::string* out) {
  out->push_back(static_cast<char>(value.type()));
  if (value.type() == AttributeType::kN) {
    out->append(EncodeNumberOrdered(value.scalar()));
  } else {
    out->append(value.scalar());
  }
}

absl::StatusOr<std::string> Encode(const TableDescription& table, const Item& item,
                                   bool exact_key) {
  std::string out = TableKeyPrefix(table.id);
  auto hash = item.find(table.hash_key.name);
  if (hash == item.end()) {
    if (exact_key) return ValidationError("The provided key element does not match the schema");
    return ValidationError(fmt::format(
        "One or more parameter values were invalid: Missing the key {} in the item",
        table.hash_key.name));
  }
  if (auto s = CheckKeyValue(table.hash_key, hash->second, kMaxHashKeyBytes); !s.ok()) return s;
  AppendHashValue(hash->second, &out);

  size_t key_attributes = 1;
  if (table.range_key) {
    auto range = item.find(table.range_key->name);
    if (range == item.end()) {
      if (exact_key) return ValidationError("The provided key element does not match the schema");
      return ValidationError(fmt::format(
          "One or more parameter values were invalid: Missing the key {} in the item",
          table.range_key->name));
    }
    if (auto s = CheckKeyValue(*table.range_key, range->second, kMaxRangeKeyBytes); !s.ok()) {
      return s;
    }
    AppendRangeValue(range->second, &out);
    ++key_attributes;
  }
  if (exact_key && item.size() != key_attributes) {
    return ValidationError("The provided key element does not match the schema");
  }
  return out;
}

}  // namespace

std::string TableKeyPrefix(uint64_t table_id) {
  std::string out;
  PutFixed64BigEndian(table_id, &out);
  return out;
}

absl::StatusOr<std::string> EncodeHashPrefix(const TableDescription& table,
                                             const AttributeValue& hash_value) {
  if (hash_value.type() != table.hash_key.type) {
    return ValidationError(
        "One or more parameter values were invalid: Condition parameter type does not match "
        "schema type");
  }
  if (auto s = CheckKeyValue(table.hash_key, hash_value, kMaxHashKeyBytes); !s.ok()) return s;
  std::string out = TableKeyPrefix(table.id);
  AppendHashValue(hash_value, &out);
  return out;
}

absl::StatusOr<std::string> EncodeItemKey(const TableDescription& table, const Item& key) {
  return Encode(table, key, /*exact_key=*/true);
}

absl::StatusOr<std::string> EncodeKeyOfItem(const TableDescription& table, const Item& item) {
  return Encode(table, item, /*exact_key=*/false);
}

void SeekWithinPrefix(rocksdb::Iterator* it, const std::string& prefix,
                      const std::optional<std::string>& exclusive_start, bool forward) {
  if (forward) {
    it->Seek(exclusive_start.value_or(prefix));
    if (exclusive_start && it->Valid() && it->key() == *exclusive_start) it->Next();
  } else {
    it->SeekForPrev(exclusive_start.value_or(prefix + '\xff'));
    if (exclusive_start && it->Valid() && it->key() == *exclusive_start) it->Prev();
  }
}

}  // namespace tidings
