// api: typed access to the fields of a DynamoDB JSON request body.
//
// Missing or mistyped fields produce DynamoDB's validation messages, e.g.
// "1 validation error detected: Value null at 'tableName' failed to satisfy
// constraint: Member must not be null".
#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "common/attribute_value.h"
#include "expr/expression.h"
#include "rapidjson/document.h"

namespace tidings {

class Request {
 public:
  // Parses `body`; malformed JSON is a SerializationException.
  static absl::StatusOr<Request> Parse(const std::string& body);
  // Wraps a copy of `object`, such as one table's entry of a batch request.
  static Request FromObject(const rapidjson::Value& object);

  const rapidjson::Value& root() const { return doc_; }
  bool Has(const char* field) const;

  absl::StatusOr<std::string> RequiredString(const char* field) const;
  absl::StatusOr<std::optional<std::string>> OptionalString(const char* field) const;
  absl::StatusOr<std::optional<int64_t>> OptionalInt(const char* field) const;
  absl::StatusOr<std::optional<bool>> OptionalBool(const char* field) const;
  // An attribute map such as Item or Key.
  absl::StatusOr<Item> RequiredItem(const char* field) const;
  absl::StatusOr<expr::NameMap> ExpressionNames() const;
  absl::StatusOr<expr::ValueMap> ExpressionValues() const;
  // TableName, checked against DynamoDB's naming rules.
  absl::StatusOr<std::string> TableName() const;

 private:
  rapidjson::Document doc_;
};

}  // namespace tidings
