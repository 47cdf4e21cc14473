"""DynamoDB's legacy parameters through boto3's low-level client and the AWS CLI.

Expected, ConditionalOperator, AttributeUpdates, AttributesToGet,
KeyConditions, QueryFilter and ScanFilter, with every ComparisonOperator,
the rejection of requests that mix them with expressions, and DynamoDB's
error messages.
"""

import json
import urllib.error
import urllib.request

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

MIXING = "Can not use both expression and non-expression parameters in the same request: "
INVALID = "One or more parameter values were invalid: "

# One attribute of most types; "hi there" is the binary value.
ITEM = {"id": {"S": "item"}, "s": {"S": "hello"}, "n": {"N": "5"}, "b": {"B": b"hi there"},
        "ss": {"SS": ["a", "b"]}, "ns": {"NS": ["2", "4"]},
        "l": {"L": [{"N": "4"}, {"S": "x"}]}, "t": {"BOOL": True}, "z": {"NULL": True}}


def condition(op, *values):
    return {"ComparisonOperator": op, "AttributeValueList": list(values)}


@pytest.fixture
def ddb(server):
    """A boto3 client with tables Things (key id) and Events (user, at) and ITEM in Things."""
    client = server.client("dynamodb")
    client.create_table(TableName="Things",
                        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                        BillingMode="PAY_PER_REQUEST")
    client.create_table(TableName="Events",
                        KeySchema=[{"AttributeName": "user", "KeyType": "HASH"},
                                   {"AttributeName": "at", "KeyType": "RANGE"}],
                        AttributeDefinitions=[{"AttributeName": "user", "AttributeType": "S"},
                                              {"AttributeName": "at", "AttributeType": "N"}],
                        BillingMode="PAY_PER_REQUEST")
    client.put_item(TableName="Things", Item=ITEM)
    for stamp in range(6):
        client.put_item(TableName="Events", Item={
            "user": {"S": "u1"}, "at": {"N": str(stamp)},
            "kind": {"S": "even" if stamp % 2 == 0 else "odd"}})
    client.put_item(TableName="Events", Item={"user": {"S": "u2"}, "at": {"N": "1"}})
    return client


@pytest.fixture
def raw(server, ddb):
    """A client that leaves every check to the server, even those botocore makes."""
    return boto3.client("dynamodb", endpoint_url=server.url, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(retries={"max_attempts": 1}, parameter_validation=False))


def error_of(call, **kwargs):
    """Calls `call`, expecting a ClientError, and returns (code, message)."""
    with pytest.raises(ClientError) as raised:
        call(**kwargs)
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


def thing(ddb):
    return ddb.get_item(TableName="Things", Key={"id": {"S": "item"}}, ConsistentRead=True)["Item"]


# Each ComparisonOperator on ITEM: (attribute, condition, is_true).
OPERATOR_CASES = [
    ("s", condition("EQ", {"S": "hello"}), True),
    ("n", condition("EQ", {"S": "5"}), False),
    ("ns", condition("EQ", {"NS": ["4", "2"]}), True),
    ("t", condition("EQ", {"BOOL": True}), True),
    ("n", condition("NE", {"N": "6"}), True),
    ("n", condition("NE", {"N": "5"}), False),
    ("missing", condition("NE", {"N": "5"}), True),
    ("n", condition("LE", {"N": "5"}), True),
    ("n", condition("LT", {"N": "5"}), False),
    ("s", condition("GE", {"S": "hello"}), True),
    ("n", condition("GT", {"N": "5"}), False),
    ("b", condition("GT", {"B": b"hi"}), True),
    ("z", condition("NOT_NULL"), True),
    ("missing", condition("NOT_NULL"), False),
    ("missing", condition("NULL"), True),
    ("s", condition("NULL"), False),
    ("s", condition("CONTAINS", {"S": "ell"}), True),
    ("ss", condition("CONTAINS", {"S": "b"}), True),
    ("l", condition("CONTAINS", {"N": "4"}), True),
    ("b", condition("CONTAINS", {"B": b"there"}), True),
    ("s", condition("CONTAINS", {"S": "dog"}), False),
    ("s", condition("NOT_CONTAINS", {"S": "dog"}), True),
    ("ns", condition("NOT_CONTAINS", {"N": "2"}), False),
    ("missing", condition("NOT_CONTAINS", {"S": "dog"}), False),
    ("s", condition("BEGINS_WITH", {"S": "he"}), True),
    ("b", condition("BEGINS_WITH", {"B": b"there"}), False),
    ("n", condition("IN", {"N": "1"}, {"N": "5"}), True),
    ("s", condition("IN", {"S": "a"}, {"S": "b"}), False),
    ("n", condition("BETWEEN", {"N": "5"}, {"N": "9"}), True),
    ("s", condition("BETWEEN", {"S": "a"}, {"S": "c"}), False),
]


@pytest.mark.parametrize("attribute, cond, is_true", OPERATOR_CASES)
def test_expected_operator(ddb, attribute, cond, is_true):
    update = dict(TableName="Things", Key={"id": {"S": "item"}},
                  AttributeUpdates={"mark": {"Value": {"S": "set"}}},
                  Expected={attribute: cond})
    if is_true:
        ddb.update_item(**update)
        assert thing(ddb)["mark"] == {"S": "set"}
    else:
        code, message = error_of(ddb.update_item, **update)
        assert code == "ConditionalCheckFailedException"
        assert message == "The conditional request failed"
        assert thing(ddb) == ITEM


@pytest.mark.parametrize("attribute, cond, is_true", OPERATOR_CASES)
def test_scan_filter_operator(ddb, attribute, cond, is_true):
    response = ddb.scan(TableName="Things", ScanFilter={attribute: cond})

    assert response["Count"] == (1 if is_true else 0)
    assert response["ScannedCount"] == 1


def test_put_expected_value_and_exists(ddb):
    new = {"id": {"S": "new"}, "v": {"N": "1"}}
    ddb.put_item(TableName="Things", Item=new, Expected={"id": {"Exists": False}})
    code, _ = error_of(ddb.put_item, TableName="Things", Item=new,
                       Expected={"id": {"Exists": False}})
    assert code == "ConditionalCheckFailedException"

    replaced = {"id": {"S": "new"}, "v": {"N": "2"}}
    ddb.put_item(TableName="Things", Item=replaced, Expected={"v": {"Value": {"N": "1"}}})
    code, _ = error_of(ddb.put_item, TableName="Things", Item=new,
                       Expected={"v": {"Value": {"N": "1"}, "Exists": True}})
    assert code == "ConditionalCheckFailedException"
    assert ddb.get_item(TableName="Things", Key={"id": {"S": "new"}})["Item"] == replaced


def test_delete_expected_conditional_operator(ddb):
    either = {"s": condition("EQ", {"S": "nope"}), "n": condition("EQ", {"N": "5"})}
    code, _ = error_of(ddb.delete_item, TableName="Things", Key={"id": {"S": "item"}},
                       Expected=either, ConditionalOperator="AND")
    assert code == "ConditionalCheckFailedException"
    assert thing(ddb) == ITEM

    ddb.delete_item(TableName="Things", Key={"id": {"S": "item"}}, Expected=either,
                    ConditionalOperator="OR")
    assert "Item" not in ddb.get_item(TableName="Things", Key={"id": {"S": "item"}})


def test_attribute_updates_actions(ddb):
    response = ddb.update_item(
        TableName="Things", Key={"id": {"S": "item"}}, ReturnValues="UPDATED_NEW",
        AttributeUpdates={
            "s": {"Value": {"S": "bye"}},
            "n": {"Action": "ADD", "Value": {"N": "3"}},
            "count": {"Action": "ADD", "Value": {"N": "1"}},
            "ss": {"Action": "ADD", "Value": {"SS": ["c"]}},
            "ns": {"Action": "DELETE", "Value": {"NS": ["2"]}},
            "l": {"Action": "ADD", "Value": {"L": [{"S": "y"}]}},
            "b": {"Action": "DELETE"},
            "t": {"Action": "PUT", "Value": {"BOOL": False}},
        })

    expected = dict(ITEM, s={"S": "bye"}, n={"N": "8"}, count={"N": "1"},
                    ss={"SS": ["a", "b", "c"]}, ns={"NS": ["4"]},
                    l={"L": [{"N": "4"}, {"S": "x"}, {"S": "y"}]}, t={"BOOL": False})
    del expected["b"]
    item = thing(ddb)
    assert {k: v for k, v in item.items() if k not in ("ss",)} == \
        {k: v for k, v in expected.items() if k not in ("ss",)}
    assert sorted(item["ss"]["SS"]) == ["a", "b", "c"]
    assert set(response["Attributes"]) == {"s", "n", "count", "ss", "ns", "l", "t"}


def test_attribute_updates_create_item_and_remove_last_member(ddb):
    key = {"id": {"S": "fresh"}}
    ddb.update_item(TableName="Things", Key=key, AttributeUpdates={
        "tags": {"Action": "ADD", "Value": {"SS": ["x"]}},
        "log": {"Action": "ADD", "Value": {"L": [{"N": "1"}]}}})
    assert ddb.get_item(TableName="Things", Key=key)["Item"] == {
        "id": {"S": "fresh"}, "tags": {"SS": ["x"]}, "log": {"L": [{"N": "1"}]}}

    ddb.update_item(TableName="Things", Key=key, AttributeUpdates={
        "tags": {"Action": "DELETE", "Value": {"SS": ["x"]}},
        "gone": {"Action": "DELETE", "Value": {"SS": ["x"]}}})
    assert ddb.get_item(TableName="Things", Key=key)["Item"] == {
        "id": {"S": "fresh"}, "log": {"L": [{"N": "1"}]}}


@pytest.mark.parametrize("updates", [
    {"s": {"Action": "ADD", "Value": {"N": "1"}}},
    {"n": {"Action": "ADD", "Value": {"L": [{"N": "1"}]}}},
    {"ss": {"Action": "ADD", "Value": {"NS": ["1"]}}},
    {"s": {"Action": "DELETE", "Value": {"SS": ["hello"]}}},
])
def test_attribute_updates_type_mismatch(ddb, updates):
    code, message = error_of(ddb.update_item, TableName="Things", Key={"id": {"S": "item"}},
                             AttributeUpdates=updates)

    assert code == "ValidationException"
    assert message == "Type mismatch for attribute to update"
    assert thing(ddb) == ITEM


def test_attribute_updates_reject_key(ddb):
    code, message = error_of(ddb.update_item, TableName="Things", Key={"id": {"S": "item"}},
                             AttributeUpdates={"id": {"Value": {"S": "other"}}})

    assert code == "ValidationException"
    assert message == INVALID + "Cannot update attribute id. This attribute is part of the key"


def test_get_item_attributes_to_get(ddb):
    response = ddb.get_item(TableName="Things", Key={"id": {"S": "item"}},
                            AttributesToGet=["s", "ns", "missing"])

    assert response["Item"] == {"s": ITEM["s"], "ns": ITEM["ns"]}


def test_batch_get_item_attributes_to_get(ddb):
    response = ddb.batch_get_item(RequestItems={
        "Things": {"Keys": [{"id": {"S": "item"}}], "AttributesToGet": ["n"]},
        "Events": {"Keys": [{"user": {"S": "u1"}, "at": {"N": "3"}}],
                   "AttributesToGet": ["kind", "at"]},
    })

    assert response["Responses"]["Things"] == [{"n": {"N": "5"}}]
    assert response["Responses"]["Events"] == [{"kind": {"S": "odd"}, "at": {"N": "3"}}]


def stamps(response):
    return [int(item["at"]["N"]) for item in response["Items"]]


def test_query_key_conditions(ddb):
    user = {"user": condition("EQ", {"S": "u1"})}

    assert stamps(ddb.query(TableName="Events", KeyConditions=user)) == [0, 1, 2, 3, 4, 5]
    for op, values, expected in [
        ("EQ", [{"N": "2"}], [2]),
        ("LT", [{"N": "2"}], [0, 1]),
        ("LE", [{"N": "2"}], [0, 1, 2]),
        ("GT", [{"N": "3"}], [4, 5]),
        ("GE", [{"N": "3"}], [3, 4, 5]),
        ("BETWEEN", [{"N": "1"}, {"N": "3"}], [1, 2, 3]),
    ]:
        response = ddb.query(TableName="Events", ScanIndexForward=False,
                             KeyConditions=dict(user, at=condition(op, *values)))
        assert stamps(response) == expected[::-1], op


def test_query_key_conditions_begins_with(ddb):
    ddb.create_table(TableName="Days",
                     KeySchema=[{"AttributeName": "user", "KeyType": "HASH"},
                                {"AttributeName": "day", "KeyType": "RANGE"}],
                     AttributeDefinitions=[{"AttributeName": "user", "AttributeType": "S"},
                                           {"AttributeName": "day", "AttributeType": "S"}],
                     BillingMode="PAY_PER_REQUEST")
    for day in ["2026-01-05", "2026-02-01", "2026-01-20"]:
        ddb.put_item(TableName="Days", Item={"user": {"S": "u"}, "day": {"S": day}})

    response = ddb.query(TableName="Days", KeyConditions={
        "user": condition("EQ", {"S": "u"}), "day": condition("BEGINS_WITH", {"S": "2026-01"})})
    assert [item["day"]["S"] for item in response["Items"]] == ["2026-01-05", "2026-01-20"]


def test_query_filter_and_attributes_to_get(ddb):
    response = ddb.query(TableName="Events", KeyConditions={"user": condition("EQ", {"S": "u1"})},
                         QueryFilter={"kind": condition("EQ", {"S": "odd"}),
                                      "missing": condition("NOT_NULL")},
                         ConditionalOperator="OR", AttributesToGet=["at"],
                         Select="SPECIFIC_ATTRIBUTES")

    assert response["Items"] == [{"at": {"N": "1"}}, {"at": {"N": "3"}}, {"at": {"N": "5"}}]
    assert response["Count"] == 3
    assert response["ScannedCount"] == 6

    counted = ddb.query(TableName="Events", KeyConditions={"user": condition("EQ", {"S": "u1"})},
                        QueryFilter={"kind": condition("EQ", {"S": "even"})}, Select="COUNT")
    assert counted["Count"] == 3
    assert "Items" not in counted


def test_query_key_conditions_beside_filter_expression(ddb):
    response = ddb.query(TableName="Events", KeyConditions={"user": condition("EQ", {"S": "u1"})},
                         FilterExpression="kind = :v", ProjectionExpression="#a",
                         ExpressionAttributeNames={"#a": "at"},
                         ExpressionAttributeValues={":v": {"S": "even"}})

    assert response["Items"] == [{"at": {"N": "0"}}, {"at": {"N": "2"}}, {"at": {"N": "4"}}]


def test_scan_filter_conditional_operator(ddb):
    both = {"user": condition("EQ", {"S": "u1"}), "at": condition("EQ", {"N": "1"})}

    assert ddb.scan(TableName="Events", ScanFilter=both)["Count"] == 1
    assert ddb.scan(TableName="Events", ScanFilter=both, ConditionalOperator="AND")["Count"] == 1
    assert ddb.scan(TableName="Events", ScanFilter=both, ConditionalOperator="OR")["Count"] == 7


def test_scan_attributes_to_get(ddb):
    response = ddb.scan(TableName="Events", ScanFilter={"user": condition("EQ", {"S": "u2"})},
                        AttributesToGet=["user", "kind"])

    assert response["Items"] == [{"user": {"S": "u2"}}]


@pytest.mark.parametrize("call, kwargs, message", [
    ("get_item", dict(TableName="Things", Key={"id": {"S": "item"}}, AttributesToGet=["s"],
                      ProjectionExpression="s"),
     "Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}"),
    ("put_item", dict(TableName="Things", Item=ITEM, Expected={"s": {"Exists": False}},
                      ConditionalOperator="AND", ConditionExpression="attribute_exists(s)"),
     "Non-expression parameters: {Expected, ConditionalOperator} Expression parameters: "
     "{ConditionExpression}"),
    ("update_item", dict(TableName="Things", Key={"id": {"S": "item"}},
                         AttributeUpdates={"s": {"Value": {"S": "x"}}},
                         UpdateExpression="SET n = :n",
                         ExpressionAttributeValues={":n": {"N": "1"}}),
     "Non-expression parameters: {AttributeUpdates} Expression parameters: {UpdateExpression}"),
    ("delete_item", dict(TableName="Things", Key={"id": {"S": "item"}},
                         Expected={"s": {"Exists": False}},
                         ConditionExpression="attribute_exists(s)"),
     "Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}"),
    ("query", dict(TableName="Events", KeyConditions={"user": condition("EQ", {"S": "u1"})},
                   KeyConditionExpression="#u = :u", ExpressionAttributeNames={"#u": "user"},
                   ExpressionAttributeValues={":u": {"S": "u1"}}),
     "Non-expression parameters: {KeyConditions} Expression parameters: {KeyConditionExpression}"),
    ("scan", dict(TableName="Events", AttributesToGet=["at"],
                  ScanFilter={"kind": condition("NOT_NULL")},
                  FilterExpression="attribute_exists(kind)", ProjectionExpression="kind"),
     "Non-expression parameters: {AttributesToGet, ScanFilter} Expression parameters: "
     "{ProjectionExpression, FilterExpression}"),
])
def test_mixing_rejected(ddb, call, kwargs, message):
    code, text = error_of(getattr(ddb, call), **kwargs)

    assert code == "ValidationException"
    assert text == MIXING + message
    assert thing(ddb) == ITEM


KEY = {"id": {"S": "item"}}
U1 = {"user": condition("EQ", {"S": "u1"})}

# (operation, arguments, message) for each message the legacy parameters add.
ERROR_CASES = [
    ("put_item", dict(Item=ITEM, ConditionalOperator="AND"),
     "ConditionalOperator cannot be used without Filter or Expected"),
    ("put_item", dict(Item=ITEM, ConditionalOperator="OR", Expected={"s": {"Exists": False}}),
     "ConditionalOperator can only be used when Filter or Expected has two or more elements"),
    ("scan", dict(ConditionalOperator="XOR"),
     "1 validation error detected: Value 'XOR' at 'conditionalOperator' failed to satisfy "
     "constraint: Member must satisfy enum value set: [OR, AND]"),
    ("put_item", dict(Item=ITEM, Expected={"s": {"Value": {"S": "x"},
                                                 "AttributeValueList": [{"S": "x"}]}}),
     INVALID + "Value and AttributeValueList cannot be used together for Attribute: s"),
    ("put_item", dict(Item=ITEM, Expected={"s": {"ComparisonOperator": "EQ", "Exists": True,
                                                 "Value": {"S": "x"}}}),
     INVALID + "Exists and ComparisonOperator cannot be used together for Attribute: s"),
    ("put_item", dict(Item=ITEM, Expected={"s": {"ComparisonOperator": "EQ"}}),
     INVALID + "Value or AttributeValueList must be used with ComparisonOperator: EQ for "
     "Attribute: s"),
    ("put_item", dict(Item=ITEM, Expected={"s": {"AttributeValueList": [{"S": "x"}]}}),
     INVALID + "AttributeValueList can only be used with a ComparisonOperator for Attribute: s"),
    ("put_item", dict(Item=ITEM, Expected={"s": {}}),
     INVALID + "Value must be provided when Exists is null for Attribute: s"),
    ("put_item", dict(Item=ITEM, Expected={"s": {"Exists": True}}),
     INVALID + "Value must be provided when Exists is true for Attribute: s"),
    ("delete_item", dict(Key=KEY, Expected={"s": {"Exists": False, "Value": {"S": "x"}}}),
     INVALID + "Value cannot be used when Exists is false for Attribute: s"),
    ("delete_item", dict(Key=KEY, Expected={"s": {"ComparisonOperator": "LIKE",
                                                  "Value": {"S": "x"}}}),
     "1 validation error detected: Value 'LIKE' at 'expected.s.member.comparisonOperator' failed "
     "to satisfy constraint: Member must satisfy enum value set: [IN, NULL, BETWEEN, LT, "
     "NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]"),
    ("scan", dict(ScanFilter={"s": {"AttributeValueList": [{"S": "x"}]}}),
     "1 validation error detected: Value null at 'scanFilter.s.member.comparisonOperator' failed "
     "to satisfy constraint: Member must not be null"),
    ("scan", dict(ScanFilter={"s": condition("EQ")}),
     INVALID + "Invalid number of argument(s) for the EQ ComparisonOperator"),
    ("scan", dict(ScanFilter={"s": condition("NOT_NULL", {"S": "x"})}),
     INVALID + "Invalid number of argument(s) for the NOT_NULL ComparisonOperator"),
    ("scan", dict(ScanFilter={"s": condition("BETWEEN", {"S": "x"})}),
     INVALID + "Invalid number of argument(s) for the BETWEEN ComparisonOperator"),
    ("scan", dict(ScanFilter={"s": condition("IN")}),
     INVALID + "Invalid number of argument(s) for the IN ComparisonOperator"),
    ("scan", dict(ScanFilter={"s": condition("GT", {"SS": ["x"]})}),
     INVALID + "ComparisonOperator GT is not valid for SS AttributeValue type"),
    ("scan", dict(ScanFilter={"s": condition("BEGINS_WITH", {"N": "1"})}),
     INVALID + "ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type"),
    ("scan", dict(ScanFilter={"s": condition("CONTAINS", {"BOOL": True})}),
     INVALID + "ComparisonOperator CONTAINS is not valid for BOOL AttributeValue type"),
    ("scan", dict(ScanFilter={"s": condition("IN", {"S": "x"}, {"N": "1"})}),
     INVALID + "AttributeValues inside AttributeValueList must be of same type"),
    ("scan", dict(ScanFilter={"s": condition("BETWEEN", {"S": "z"}, {"S": "a"})}),
     "The BETWEEN condition was provided a range where the lower bound is greater than the "
     "upper bound"),
    ("update_item", dict(Key=KEY, AttributeUpdates={"s": {"Action": "PUT"}}),
     INVALID + "Only DELETE action is allowed when no attribute value is specified"),
    ("update_item", dict(Key=KEY, AttributeUpdates={"s": {"Action": "DELETE",
                                                          "Value": {"S": "x"}}}),
     INVALID + "DELETE action with value is not supported for the type S"),
    ("update_item", dict(Key=KEY, AttributeUpdates={"s": {"Action": "ADD",
                                                          "Value": {"BOOL": True}}}),
     INVALID + "ADD action is not supported for the type BOOL"),
    ("update_item", dict(Key=KEY, AttributeUpdates={"s": {"Action": "APPEND",
                                                          "Value": {"S": "x"}}}),
     "1 validation error detected: Value 'APPEND' at 'attributeUpdates.s.member.action' failed "
     "to satisfy constraint: Member must satisfy enum value set: [ADD, PUT, DELETE]"),
    ("get_item", dict(Key=KEY, AttributesToGet=[]),
     "1 validation error detected: Value '[]' at 'attributesToGet' failed to satisfy "
     "constraint: Member must have length greater than or equal to 1"),
    ("get_item", dict(Key=KEY, AttributesToGet=["s", "s"]),
     INVALID + "Duplicate value in attribute name: s"),
    ("scan", dict(Select="ALL_ATTRIBUTES", AttributesToGet=["s"]),
     "Cannot specify the AttributesToGet when choosing to get ALL_ATTRIBUTES"),
    ("scan", dict(Select="COUNT", AttributesToGet=["s"]),
     "Cannot specify the AttributesToGet when choosing to get only the Count"),
    ("scan", dict(Select="SPECIFIC_ATTRIBUTES"),
     "Must specify the AttributesToGet or ProjectionExpression when choosing to get "
     "SPECIFIC_ATTRIBUTES"),
    ("query", dict(KeyConditions={}), "Conditions can be of length 1 or 2 only"),
    ("query", dict(KeyConditions={"at": condition("EQ", {"N": "1"})}),
     "Query condition missed key schema element: user"),
    ("query", dict(KeyConditions=dict(U1, kind=condition("EQ", {"S": "odd"}))),
     "Query condition missed key schema element: at"),
    ("query", dict(KeyConditions={"user": condition("IN", {"S": "u1"})}),
     "Attempted conditional constraint is not an indexable operation"),
    ("query", dict(KeyConditions={"user": condition("GT", {"S": "u1"})}),
     "Query key condition not supported"),
    ("query", dict(KeyConditions=dict(U1, at=condition("EQ", {"S": "1"}))),
     INVALID + "Condition parameter type does not match schema type"),
    ("query", dict(KeyConditions=U1, QueryFilter={"at": condition("NOT_NULL")}),
     "QueryFilter can only contain non-primary key attributes: Primary key attribute: at"),
]


@pytest.mark.parametrize("call, kwargs, message", ERROR_CASES)
def test_error_message(raw, call, kwargs, message):
    table = "Events" if call == "query" else "Things"
    code, text = error_of(getattr(raw, call), TableName=table, **kwargs)

    assert code == "ValidationException"
    assert text == message
    assert thing(raw) == ITEM


def test_query_hash_only_table_takes_one_condition(raw):
    code, text = error_of(raw.query, TableName="Things", KeyConditions={
        "id": condition("EQ", {"S": "item"}), "s": condition("EQ", {"S": "hello"})})

    assert code == "ValidationException"
    assert text == "Query key condition not supported"


def post(server, operation, body):
    """POSTs `body` as DynamoDB `operation`, which botocore would strip of unknown members."""
    request = urllib.request.Request(server.url + "/", data=json.dumps(body).encode(), headers={
        "X-Amz-Target": "DynamoDB_20120810." + operation,
        "Content-Type": "application/x-amz-json-1.0"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_transactions_reject_legacy_parameters(server, ddb):
    status, body = post(server, "TransactWriteItems", {"TransactItems": [
        {"Put": {"TableName": "Things", "Item": {"id": {"S": "t"}},
                 "Expected": {"id": {"Exists": False}}}}]})

    assert status == 400
    assert body["__type"].endswith("#ValidationException")
    assert body["message"] == ("TransactWriteItems does not accept the legacy parameter "
                               "Expected; use ConditionExpression instead")
    assert "Item" not in ddb.get_item(TableName="Things", Key={"id": {"S": "t"}})


def test_cli_get_item_attributes_to_get(server, ddb):
    response = server.aws("dynamodb", "get-item", "--table-name", "Things",
                          "--key", '{"id": {"S": "item"}}', "--attributes-to-get", "s", "n")

    assert response == {"Item": {"s": {"S": "hello"}, "n": {"N": "5"}}}
