// The value an operand yields on one item: borrowed from the item or the
// expression, or computed (size()).
#pragma once

#include <optional>

#include "common/attribute_value.h"

namespace tidings::expr {

class OperandValue {
 public:
  OperandValue() = default;
  static OperandValue Borrowed(const AttributeValue* value) {
    OperandValue result;
    result.borrowed_ = value;
    return result;
  }
  static OperandValue Owned(AttributeValue value) {
    OperandValue result;
    result.owned_ = std::move(value);
    return result;
  }

  // Null when the operand names an attribute the item does not have.
  const AttributeValue* get() const { return owned_ ? &*owned_ : borrowed_; }

 private:
  const AttributeValue* borrowed_ = nullptr;
  std::optional<AttributeValue> owned_;
};

}  // namespace tidings::expr
