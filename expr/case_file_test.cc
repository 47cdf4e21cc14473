// Runs the data-driven cases in testdata/conditions.json and
// testdata/updates.json. The "comment" member of each file describes its cases.

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "common/attribute_json.h"
#include "expr/expression.h"
#include "rapidjson/document.h"

namespace tidings::expr {
namespace {

rapidjson::Document LoadCaseFile(const std::string& name) {
  std::ifstream file(std::string(TIDINGS_EXPR_TESTDATA) + "/" + name);
  std::stringstream text;
  text << file.rdbuf();
  rapidjson::Document document;
  document.Parse(text.str().c_str());
  return document;
}

std::string StringMember(const rapidjson::Value& json, const char* name) {
  auto member = json.FindMember(name);
  if (member == json.MemberEnd()) return {};
  return std::string(member->value.GetString(), member->value.GetStringLength());
}

// Reads an attribute map member of a case, or `fallback` when it is absent.
Item ItemMember(const rapidjson::Value& json, const char* name, const Item& fallback = {}) {
  auto member = json.FindMember(name);
  if (member == json.MemberEnd()) return fallback;
  absl::StatusOr<Item> item = ItemFromJson(member->value);
  EXPECT_TRUE(item.ok()) << name << ": " << item.status();
  return item.ok() ? *item : Item();
}

NameMap NamesMember(const rapidjson::Value& json) {
  NameMap names;
  auto member = json.FindMember("names");
  if (member == json.MemberEnd()) return names;
  for (const auto& entry : member->value.GetObject()) {
    names[entry.name.GetString()] = entry.value.GetString();
  }
  return names;
}

TEST(CaseFiles, Conditions) {
  rapidjson::Document file = LoadCaseFile("conditions.json");
  ASSERT_FALSE(file.HasParseError()) << "conditions.json is not valid JSON";
  Item default_item = ItemMember(file, "default_item");

  int count = 0;
  for (const auto& test_case : file["cases"].GetArray()) {
    std::string expression = StringMember(test_case, "expression");
    SCOPED_TRACE(StringMember(test_case, "name") + ": " + expression);
    ++count;

    NameMap names = NamesMember(test_case);
    ValueMap values = ItemMember(test_case, "values");
    absl::StatusOr<ConditionExpression> condition =
        ConditionExpression::Parse(expression, names, values);

    if (test_case.HasMember("error")) {
      std::string expected = StringMember(test_case, "error");
      if (condition.ok()) {
        ADD_FAILURE() << "expected error: " << expected;
        continue;
      }
      EXPECT_NE(condition.status().message().find(expected), std::string::npos)
          << "message: " << condition.status().message() << "\nexpected part: " << expected;
      continue;
    }
    if (!condition.ok()) {
      ADD_FAILURE() << condition.status();
      continue;
    }
    Item item = ItemMember(test_case, "item", default_item);
    EXPECT_EQ(condition->Evaluate(item), test_case["expect"].GetBool());
  }
  EXPECT_GT(count, 100);
}

TEST(CaseFiles, Updates) {
  rapidjson::Document file = LoadCaseFile("updates.json");
  ASSERT_FALSE(file.HasParseError()) << "updates.json is not valid JSON";
  Item default_item = ItemMember(file, "default_item");

  int count = 0;
  for (const auto& test_case : file["cases"].GetArray()) {
    std::string expression = StringMember(test_case, "expression");
    SCOPED_TRACE(StringMember(test_case, "name") + ": " + expression);
    ++count;

    NameMap names = NamesMember(test_case);
    ValueMap values = ItemMember(test_case, "values");
    Item item = ItemMember(test_case, "item", default_item);
    Item before = item;
    absl::StatusOr<UpdateExpression> update = UpdateExpression::Parse(expression, names, values);
    std::set<std::string> updated;
    absl::Status status = update.ok() ? update->Apply(&item, &updated) : update.status();

    if (test_case.HasMember("error")) {
      std::string expected = StringMember(test_case, "error");
      if (status.ok()) {
        ADD_FAILURE() << "expected error: " << expected;
        continue;
      }
      EXPECT_NE(status.message().find(expected), std::string::npos)
          << "message: " << status.message() << "\nexpected part: " << expected;
      EXPECT_EQ(ItemToJsonString(item), ItemToJsonString(before))
          << "a failed update changed the item";
      continue;
    }
    if (!status.ok()) {
      ADD_FAILURE() << status;
      continue;
    }
    EXPECT_EQ(ItemToJsonString(item), ItemToJsonString(ItemMember(test_case, "result")));
    if (test_case.HasMember("updated")) {
      std::set<std::string> expected;
      for (const auto& name : test_case["updated"].GetArray()) expected.insert(name.GetString());
      EXPECT_EQ(updated, expected);
    }
  }
  EXPECT_GT(count, 100);
}

}  // namespace
}  // namespace tidings::expr
