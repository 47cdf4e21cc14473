#include "expr/update_parser.h"

#include <fmt/format.h>

#include <optional>
#include <string>

namespace tidings::expr {
namespace {

// The order in which DynamoDB reports the problems of one update.
constexpr SemanticError kUpdateErrorOrder[] = {
    SemanticError::kReservedWord,     SemanticError::kUnknownFunction,
    SemanticError::kDuplicateSection, SemanticError::kUndefinedName,
    SemanticError::kUndefinedValue,   SemanticError::kPathOverlap,
    SemanticError::kPathConflict,     SemanticError::kActionOperandType,
    SemanticError::kOperandCount,     SemanticError::kOperandType,
    SemanticError::kMisusedFunction,
};

struct Clause {
  std::string_view keyword;
  UpdateActionKind kind;
};

constexpr Clause kClauses[] = {
    {"SET", UpdateActionKind::kSet},
    {"REMOVE", UpdateActionKind::kRemove},
    {"ADD", UpdateActionKind::kAdd},
    {"DELETE", UpdateActionKind::kDelete},
};

// DynamoDB's long type names in ADD and DELETE messages.
std::string_view LongTypeName(AttributeType type) {
  switch (type) {
    case AttributeType::kS:
      return "STRING";
    case AttributeType::kN:
      return "NUMBER";
    case AttributeType::kB:
      return "BINARY";
    case AttributeType::kBool:
      return "BOOLEAN";
    case AttributeType::kNull:
      return "NULL";
    case AttributeType::kM:
      return "MAP";
    case AttributeType::kL:
      return "LIST";
    case AttributeType::kSS:
      return "STRING_SET";
    case AttributeType::kNS:
      return "NUMBER_SET";
    case AttributeType::kBS:
      return "BINARY_SET";
  }
  return "?";
}

class UpdateGrammar {
 public:
  explicit UpdateGrammar(ParseContext& context) : context_(context) {}

  absl::StatusOr<UpdatePlan> Parse() {
    UpdatePlan plan;
    std::set<std::string_view> seen_clauses;
    do {
      const Clause* clause = ClauseAt();
      if (clause == nullptr) return context_.SyntaxError();
      context_.Advance();
      if (!seen_clauses.insert(clause->keyword).second) {
        context_.Record(SemanticError::kDuplicateSection,
                        fmt::format("The \"{}\" section can only be used once in an update "
                                    "expression;",
                                    clause->keyword));
      }
      do {
        absl::StatusOr<UpdateAction> action = ParseAction(clause->kind);
        if (!action.ok()) return action.status();
        plan.actions.push_back(*std::move(action));
      } while (context_.ConsumeSymbol(","));
    } while (!context_.AtEnd());
    return plan;
  }

 private:
  const Clause* ClauseAt() const {
    for (const Clause& clause : kClauses) {
      if (context_.AtKeyword(clause.keyword)) return &clause;
    }
    return nullptr;
  }

  absl::StatusOr<UpdateAction> ParseAction(UpdateActionKind kind) {
    UpdateAction action;
    action.kind = kind;
    absl::StatusOr<DocumentPath> path = context_.ParsePath();
    if (!path.ok()) return path.status();
    action.path = *std::move(path);

    switch (kind) {
      case UpdateActionKind::kSet: {
        if (auto status = context_.ExpectSymbol("="); !status.ok()) return status;
        if (auto status = ParseSetValue(&action); !status.ok()) return status;
        break;
      }
      case UpdateActionKind::kRemove:
        break;
      case UpdateActionKind::kAdd:
      case UpdateActionKind::kDelete: {
        if (context_.Peek().kind != TokenKind::kValueRef) return context_.SyntaxError();
        absl::StatusOr<Operand> operand = context_.ParseOperand();
        if (!operand.ok()) return operand.status();
        action.value = *std::move(operand);
        break;
      }
    }
    return action;
  }

  // set_value := "(" sum ")" | sum. A leading "(" may also open the first
  // operand, as in "(a) + :b", so the whole-sum reading is tried first.
  absl::Status ParseSetValue(UpdateAction* action) {
    if (context_.AtSymbol("(")) {
      ParseContext::State before = context_.Save();
      context_.Advance();
      absl::Status inner = ParseSum(action);
      if (inner.ok() && context_.ConsumeSymbol(")") && !AtArithmetic()) return absl::OkStatus();
      context_.Restore(std::move(before));
      *action = UpdateAction{action->kind, action->path, {}, Arithmetic::kNone, {}};
    }
    return ParseSum(action);
  }

  absl::Status ParseSum(UpdateAction* action) {
    absl::StatusOr<Operand> left = context_.ParseOperand();
    if (!left.ok()) return left.status();
    action->value = *std::move(left);

    if (AtArithmetic()) {
      action->arithmetic = context_.AtSymbol("+") ? Arithmetic::kPlus : Arithmetic::kMinus;
      context_.Advance();
      absl::StatusOr<Operand> right = context_.ParseOperand();
      if (!right.ok()) return right.status();
      action->right = *std::move(right);
    }
    return absl::OkStatus();
  }

  bool AtArithmetic() const { return context_.AtSymbol("+") || context_.AtSymbol("-"); }

  ParseContext& context_;
};

// The type an update operand is known to have before any item is read.
std::optional<AttributeType> StaticType(const Operand& operand) {
  if (operand.kind == Operand::Kind::kValue) return operand.value.type();
  if (operand.kind != Operand::Kind::kFunction) return std::nullopt;
  if (operand.function == "list_append") return AttributeType::kL;
  if (operand.function == "if_not_exists" && operand.arguments.size() == 2) {
    return StaticType(operand.arguments[1]);
  }
  return std::nullopt;
}

bool IsConditionFunction(std::string_view name) {
  return name == "attribute_exists" || name == "attribute_not_exists" || name == "attribute_type" ||
         name == "begins_with" || name == "contains" || name == "size";
}

class UpdateChecker {
 public:
  explicit UpdateChecker(ParseContext& context) : context_(context) {}

  void Check(const UpdatePlan& plan) {
    for (size_t i = 0; i < plan.actions.size(); ++i) {
      const UpdateAction& action = plan.actions[i];
      for (size_t j = 0; j < i; ++j) CheckPaths(plan.actions[j].path, action.path);

      switch (action.kind) {
        case UpdateActionKind::kSet:
          CheckSetValue(action);
          break;
        case UpdateActionKind::kRemove:
          break;
        case UpdateActionKind::kAdd:
        case UpdateActionKind::kDelete:
          CheckActionOperand(action);
          break;
      }
    }
  }

 private:
  void CheckPaths(const DocumentPath& first, const DocumentPath& second) {
    PathRelation relation = ComparePaths(first, second);
    if (relation == PathRelation::kDisjoint) return;
    bool overlap = relation == PathRelation::kOverlap;
    context_.Record(
        overlap ? SemanticError::kPathOverlap : SemanticError::kPathConflict,
        fmt::format("Two document paths {} with each other; must remove or rewrite "
                    "one of these paths; path one: {}, path two: {}",
                    overlap ? "overlap" : "conflict", FormatPath(first), FormatPath(second)));
  }

  void CheckSetValue(const UpdateAction& action) {
    CheckOperand(action.value);
    if (action.arithmetic == Arithmetic::kNone) return;

    CheckOperand(action.right);
    std::string_view symbol = action.arithmetic == Arithmetic::kPlus ? "+" : "-";
    for (const Operand* operand : {&action.value, &action.right}) {
      std::optional<AttributeType> type = StaticType(*operand);
      if (type && *type != AttributeType::kN) RecordOperandType(symbol, *type);
    }
  }

  void CheckOperand(const Operand& operand) {
    if (operand.kind != Operand::Kind::kFunction) return;
    const std::string& name = operand.function;
    if (name != "if_not_exists" && name != "list_append") {
      std::string message =
          IsConditionFunction(name)
              ? fmt::format("The function is not allowed in an update expression; function: {}",
                            name)
              : fmt::format("Invalid function name; function: {}", name);
      context_.Record(SemanticError::kUnknownFunction, std::move(message));
      return;
    }

    for (const Operand& argument : operand.arguments) CheckOperand(argument);
    if (operand.arguments.size() != 2) {
      context_.Record(SemanticError::kOperandCount,
                      fmt::format("Incorrect number of operands for operator or function; "
                                  "operator or function: {}, number of operands: {}",
                                  name, operand.arguments.size()));
      return;
    }

    if (name == "if_not_exists") {
      if (operand.arguments[0].kind != Operand::Kind::kPath) {
        context_.Record(SemanticError::kOperandType,
                        "Operator or function requires a document path; operator or function: "
                        "if_not_exists");
      }
      return;
    }

    for (const Operand& argument : operand.arguments) {
      if (argument.kind == Operand::Kind::kFunction && argument.function == "list_append") {
        context_.Record(SemanticError::kMisusedFunction,
                        "The function is not allowed to be used this way in an expression; "
                        "function: list_append");
      }
      if (argument.kind == Operand::Kind::kValue && argument.value.type() != AttributeType::kL) {
        RecordOperandType(name, argument.value.type());
      }
    }
  }

  void CheckActionOperand(const UpdateAction& action) {
    AttributeType type = action.value.value.type();
    if (action.value.placeholder.empty() ||
        context_.used_values().count(action.value.placeholder) == 0) {
      return;  // Undefined; reported as such.
    }
    bool is_set =
        type == AttributeType::kSS || type == AttributeType::kNS || type == AttributeType::kBS;
    bool is_add = action.kind == UpdateActionKind::kAdd;
    if (is_set || (is_add && type == AttributeType::kN)) return;

    std::string_view keyword = is_add ? "ADD" : "DELETE";
    context_.Record(SemanticError::kActionOperandType,
                    fmt::format("Incorrect operand type for operator or function; operator: {}, "
                                "operand type: {}, typeSet: ALLOWED_FOR_{}_OPERAND",
                                keyword, LongTypeName(type), keyword));
  }

  void RecordOperandType(std::string_view function, AttributeType type) {
    context_.Record(SemanticError::kOperandType,
                    fmt::format("Incorrect operand type for operator or function; operator or "
                                "function: {}, operand type: {}",
                                function, AttributeTypeName(type)));
  }

  ParseContext& context_;
};

}  // namespace

absl::StatusOr<UpdatePlan> ParseUpdate(ParseContext& context) {
  if (auto status = context.CheckText(); !status.ok()) return status;

  absl::StatusOr<UpdatePlan> plan = UpdateGrammar(context).Parse();
  if (!plan.ok()) return plan;

  UpdateChecker(context).Check(*plan);
  if (auto status = context.FirstError(kUpdateErrorOrder); !status.ok()) return status;
  return plan;
}

}  // namespace tidings::expr
