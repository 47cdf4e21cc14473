"""Rejected requests: each returns the documented error and writes nothing.

Uses raw HTTP where a client library would refuse to send the request, and
boto3 elsewhere.
"""

import http.client
import json

import pytest
from botocore.exceptions import ClientError

TABLE = "Orders"
KEY = {"orderId": {"S": "ORD-1"}}
ORIGINAL = {"orderId": {"S": "ORD-1"}, "status": {"S": "processing"}, "total": {"N": "10"}}


def post_raw(server, target, body, content_type="application/x-amz-json-1.0"):
    """POSTs `body` (bytes) with X-Amz-Target `target` and returns (status, parsed JSON)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request("POST", "/", body=body, headers={
            "X-Amz-Target": target, "Content-Type": content_type})
        response = connection.getresponse()
        text = response.read().decode()
        return response.status, json.loads(text)
    finally:
        connection.close()


@pytest.fixture
def orders(server):
    """Creates the Orders table containing ORIGINAL and returns a boto3 client."""
    ddb = server.client("dynamodb")
    ddb.create_table(TableName=TABLE,
                     KeySchema=[{"AttributeName": "orderId", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "orderId", "AttributeType": "S"}],
                     BillingMode="PAY_PER_REQUEST")
    ddb.put_item(TableName=TABLE, Item=ORIGINAL)
    return ddb


def rejected(call, **kwargs):
    """Calls `call`, expecting a ClientError, and returns (code, message, HTTP status)."""
    with pytest.raises(ClientError) as raised:
        call(**kwargs)
    response = raised.value.response
    return (response["Error"]["Code"], response["Error"]["Message"],
            response["ResponseMetadata"]["HTTPStatusCode"])


def assert_unchanged(ddb):
    assert ddb.get_item(TableName=TABLE, Key=KEY)["Item"] == ORIGINAL
    assert ddb.scan(TableName=TABLE)["Items"] == [ORIGINAL]


def test_unknown_operation(server, orders):
    status, body = post_raw(server, "DynamoDB_20120810.Nope", b"{}")

    assert status == 400
    assert body["__type"].endswith("#UnknownOperationException")
    assert "message" in body
    assert_unchanged(orders)


@pytest.mark.parametrize("operation, feature", [
    ("ExecuteStatement", "PartiQL"), ("BatchExecuteStatement", "PartiQL"),
    ("CreateBackup", "on-demand backups"), ("RestoreTableToPointInTime", "point-in-time recovery"),
    ("CreateGlobalTable", "global tables"), ("ExportTableToPointInTime", "exports to S3"),
])
def test_unsupported_operation_named(server, orders, operation, feature):
    status, body = post_raw(server, f"DynamoDB_20120810.{operation}", b"{}")

    assert status == 400
    assert body["__type"].endswith("#UnknownOperationException")
    assert body["message"] == f"{operation} is part of DynamoDB's {feature}, which tidings does not support"
    assert_unchanged(orders)


def test_partiql_from_cli_rejected(server, orders):
    result = server.aws("dynamodb", "execute-statement", "--statement",
                        f'SELECT * FROM "{TABLE}"', check=False)

    assert result.returncode != 0
    assert "PartiQL" in result.stderr


def test_unknown_streams_operation(server):
    status, body = post_raw(server, "DynamoDBStreams_20120810.Nope", b"{}")

    assert status == 400
    assert body["__type"].endswith("#UnknownOperationException")


@pytest.mark.parametrize("body", [b"{", b"not json", b"[1, 2]", b""])
def test_malformed_json(server, orders, body):
    status, reply = post_raw(server, "DynamoDB_20120810.PutItem", body)

    assert status == 400
    assert "#" in reply["__type"]
    assert reply["message"]
    assert_unchanged(orders)


def test_malformed_json_after_valid_prefix(server, orders):
    body = b'{"TableName": "Orders", "Item": {"orderId": {"S": "ORD-1"}, "status": {"S": "x"}}'

    status, reply = post_raw(server, "DynamoDB_20120810.PutItem", body)

    assert status == 400
    assert reply["__type"].endswith("Exception")
    assert_unchanged(orders)


def test_missing_table(server):
    ddb = server.client("dynamodb")

    for call, kwargs in [
        (ddb.get_item, {"Key": KEY}),
        (ddb.put_item, {"Item": ORIGINAL}),
        (ddb.update_item, {"Key": KEY, "UpdateExpression": "SET a = :a",
                           "ExpressionAttributeValues": {":a": {"S": "x"}}}),
        (ddb.delete_item, {"Key": KEY}),
        (ddb.scan, {}),
        (ddb.describe_table, {}),
        (ddb.delete_table, {}),
    ]:
        code, _, status = rejected(call, TableName="Missing", **kwargs)
        assert code == "ResourceNotFoundException", call.__name__
        assert status == 400, call.__name__
    assert ddb.list_tables()["TableNames"] == []


def test_put_wrong_key_type(orders):
    code, message, status = rejected(orders.put_item, TableName=TABLE,
                                     Item={"orderId": {"N": "1"}, "status": {"S": "new"}})

    assert code == "ValidationException"
    assert status == 400
    assert "orderId" in message
    assert_unchanged(orders)


def test_get_wrong_key_type(orders):
    code, _, _ = rejected(orders.get_item, TableName=TABLE, Key={"orderId": {"N": "1"}})

    assert code == "ValidationException"


def test_update_wrong_key_type(orders):
    code, message, _ = rejected(orders.update_item, TableName=TABLE, Key={"orderId": {"N": "1"}},
                                UpdateExpression="SET note = :n",
                                ExpressionAttributeValues={":n": {"S": "x"}})

    assert code == "ValidationException"
    assert "orderId" in message
    assert_unchanged(orders)


def test_put_missing_key(orders):
    code, message, _ = rejected(orders.put_item, TableName=TABLE,
                                Item={"status": {"S": "orphan"}})

    assert code == "ValidationException"
    assert "orderId" in message
    assert_unchanged(orders)


def test_get_missing_key(orders):
    # DynamoDB's message here is "The provided key element does not match the schema".
    code, _, _ = rejected(orders.get_item, TableName=TABLE, Key={"status": {"S": "x"}})

    assert code == "ValidationException"


def test_update_extra_key_attribute(orders):
    code, _, _ = rejected(orders.update_item, TableName=TABLE,
                          Key={**KEY, "status": {"S": "processing"}},
                          UpdateExpression="SET note = :n",
                          ExpressionAttributeValues={":n": {"S": "x"}})

    assert code == "ValidationException"
    assert_unchanged(orders)


def test_update_key_attribute(orders):
    code, message, _ = rejected(orders.update_item, TableName=TABLE, Key=KEY,
                                UpdateExpression="SET orderId = :id",
                                ExpressionAttributeValues={":id": {"S": "ORD-2"}})

    assert code == "ValidationException"
    assert "orderId" in message
    assert_unchanged(orders)


def test_remove_key_attribute(orders):
    code, message, _ = rejected(orders.update_item, TableName=TABLE, Key=KEY,
                                UpdateExpression="REMOVE #k",
                                ExpressionAttributeNames={"#k": "orderId"})

    assert code == "ValidationException"
    assert "orderId" in message
    assert_unchanged(orders)


def test_reserved_word(orders):
    code, message, _ = rejected(orders.update_item, TableName=TABLE, Key=KEY,
                                UpdateExpression="SET status = :s",
                                ExpressionAttributeValues={":s": {"S": "shipped"}})

    assert code == "ValidationException"
    assert "reserved keyword" in message
    assert "status" in message
    assert_unchanged(orders)


def test_reserved_word_in_condition(orders):
    code, message, _ = rejected(orders.put_item, TableName=TABLE,
                                Item={**ORIGINAL, "total": {"N": "99"}},
                                ConditionExpression="status = :s",
                                ExpressionAttributeValues={":s": {"S": "processing"}})

    assert code == "ValidationException"
    assert "reserved keyword" in message
    assert_unchanged(orders)


def test_unused_expression_value(orders):
    code, message, _ = rejected(orders.update_item, TableName=TABLE, Key=KEY,
                                UpdateExpression="SET note = :n",
                                ExpressionAttributeValues={":n": {"S": "x"},
                                                           ":unused": {"S": "y"}})

    assert code == "ValidationException"
    assert ":unused" in message
    assert_unchanged(orders)


def test_unused_expression_name(orders):
    code, message, _ = rejected(orders.update_item, TableName=TABLE, Key=KEY,
                                UpdateExpression="SET note = :n",
                                ExpressionAttributeNames={"#unused": "status"},
                                ExpressionAttributeValues={":n": {"S": "x"}})

    assert code == "ValidationException"
    assert "#unused" in message
    assert_unchanged(orders)


def test_undefined_expression_value(orders):
    code, message, _ = rejected(orders.update_item, TableName=TABLE, Key=KEY,
                                UpdateExpression="SET note = :missing")

    assert code == "ValidationException"
    assert ":missing" in message
    assert_unchanged(orders)


def test_invalid_stream_view_type(orders):
    code, message, _ = rejected(orders.update_table, TableName=TABLE,
                                StreamSpecification={"StreamEnabled": True,
                                                     "StreamViewType": "ALL_IMAGES"})

    assert code == "ValidationException"
    assert "ALL_IMAGES" in message
    table = orders.describe_table(TableName=TABLE)["Table"]
    assert "StreamSpecification" not in table
    assert "LatestStreamArn" not in table
    assert_unchanged(orders)


def test_invalid_stream_view_type_on_create(server):
    ddb = server.client("dynamodb")

    code, _, _ = rejected(ddb.create_table, TableName="Streamed",
                          KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                          AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                          BillingMode="PAY_PER_REQUEST",
                          StreamSpecification={"StreamEnabled": True,
                                               "StreamViewType": "EVERYTHING"})

    assert code == "ValidationException"
    assert ddb.list_tables()["TableNames"] == []


def test_invalid_key_type_on_create(server):
    ddb = server.client("dynamodb")

    code, _, _ = rejected(ddb.create_table, TableName="Badly",
                          KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                          AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "BOOL"}],
                          BillingMode="PAY_PER_REQUEST")

    assert code == "ValidationException"
    assert ddb.list_tables()["TableNames"] == []


def test_invalid_return_values(orders):
    code, _, _ = rejected(orders.update_item, TableName=TABLE, Key=KEY,
                          UpdateExpression="SET note = :n",
                          ExpressionAttributeValues={":n": {"S": "x"}}, ReturnValues="EVERYTHING")

    assert code == "ValidationException"
    assert_unchanged(orders)


def test_invalid_attribute_value(server, orders):
    body = json.dumps({"TableName": TABLE,
                       "Item": {"orderId": {"S": "ORD-2"}, "bad": {"X": "1"}}}).encode()

    status, reply = post_raw(server, "DynamoDB_20120810.PutItem", body)

    assert status == 400
    assert reply["__type"].endswith("#ValidationException")
    assert_unchanged(orders)


@pytest.mark.parametrize("value, message", [
    ({"N": 12}, "NUMBER_VALUE cannot be converted to String"),
    ({"S": True}, "BOOLEAN_VALUE cannot be converted to String"),
    ({"BOOL": "true"}, "STRING_VALUE cannot be converted to Boolean"),
    ({"L": {}}, "START_OBJECT cannot be converted to List"),
    ({"M": []}, "START_ARRAY cannot be converted to Map"),
    ({"SS": ["a", 1]}, "NUMBER_VALUE cannot be converted to String"),
])
def test_attribute_value_of_wrong_json_type(server, orders, value, message):
    body = json.dumps({"TableName": TABLE,
                       "Item": {"orderId": {"S": "ORD-2"}, "bad": value}}).encode()

    status, reply = post_raw(server, "DynamoDB_20120810.PutItem", body)

    assert status == 400
    assert reply["__type"].endswith("#SerializationException")
    assert reply["message"] == message
    assert_unchanged(orders)


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", " 1", "1 ", "1e", "--1"])
def test_invalid_number_forms(orders, number):
    code, message, _ = rejected(orders.put_item, TableName=TABLE,
                                Item={"orderId": {"S": "ORD-2"}, "total": {"N": number}})

    assert code == "ValidationException"
    assert "numeric" in message
    assert_unchanged(orders)


@pytest.mark.parametrize("names, values, message", [
    ({"#s": "status", "#a.b": "x"}, None,
     'ExpressionAttributeNames contains invalid key: Syntax error; key: "#a.b"'),
    ({"#s": "status", "s": "x"}, None,
     'ExpressionAttributeNames contains invalid key: Syntax error; key: "s"'),
    ({"#s": ""}, None, 'ExpressionAttributeNames contains invalid value: Empty attribute name; key: "#s"'),
    ({"#s": "status"}, {":v": {"S": "x"}, ":v-x": {"S": "y"}},
     'ExpressionAttributeValues contains invalid key: Syntax error; key: ":v-x"'),
])
def test_invalid_placeholder_rejected(orders, names, values, message):
    request = {"TableName": TABLE, "Key": KEY, "UpdateExpression": "SET #s = :v",
               "ExpressionAttributeNames": names,
               "ExpressionAttributeValues": values or {":v": {"S": "x"}}}

    code, actual, _ = rejected(orders.update_item, **request)

    assert code == "ValidationException"
    assert actual == message
    assert_unchanged(orders)


def test_number_of_wrong_json_type_in_expression_value(server, orders):
    body = json.dumps({"TableName": TABLE, "Key": KEY, "UpdateExpression": "SET total = :v",
                       "ExpressionAttributeValues": {":v": {"N": 123}}}).encode()

    status, reply = post_raw(server, "DynamoDB_20120810.UpdateItem", body)

    assert status == 400
    assert reply["__type"].endswith("#SerializationException")
    assert_unchanged(orders)


def test_invalid_number(orders):
    code, _, _ = rejected(orders.put_item, TableName=TABLE,
                          Item={"orderId": {"S": "ORD-2"}, "total": {"N": "twelve"}})

    assert code == "ValidationException"
    assert_unchanged(orders)


@pytest.mark.parametrize("number, message", [("1E+126", "Number overflow"),
                                             ("-1e200", "Number overflow"),
                                             ("1E-131", "Number underflow")])
def test_number_out_of_range(orders, number, message):
    # DynamoDB's magnitudes run from 1E-130 to 9.9999999999999999999999999999999999999E+125.
    code, text, _ = rejected(orders.put_item, TableName=TABLE,
                             Item={"orderId": {"S": "ORD-2"}, "total": {"N": number}})

    assert code == "ValidationException"
    assert message in text
    assert_unchanged(orders)


def test_number_too_precise(orders):
    # DynamoDB keeps at most 38 significant digits.
    code, _, _ = rejected(orders.put_item, TableName=TABLE,
                          Item={"orderId": {"S": "ORD-2"},
                                "total": {"N": "1234567890123456789012345678901234567890"}})

    assert code == "ValidationException"
    assert_unchanged(orders)


@pytest.mark.parametrize("value", [{"SS": []}, {"NS": ["1", "1.0"]}, {"SS": ["a", "a"]}])
def test_invalid_set(orders, value):
    code, _, _ = rejected(orders.put_item, TableName=TABLE,
                          Item={"orderId": {"S": "ORD-1"}, "tags": value})

    assert code == "ValidationException"
    assert_unchanged(orders)


def test_item_too_large(orders):
    code, message, _ = rejected(orders.put_item, TableName=TABLE,
                                Item={"orderId": {"S": "ORD-1"}, "blob": {"S": "x" * 410_000}})

    assert code == "ValidationException"
    assert "size" in message
    assert_unchanged(orders)


# The notification API -------------------------------------------------------

BROADCAST_HEADERS = {"X-MAGICBELL-API-KEY": "key", "X-MAGICBELL-API-SECRET": "secret"}


def post_broadcast(server, body, headers=BROADCAST_HEADERS):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request("POST", "/broadcasts", body=body,
                           headers={"Content-Type": "application/json", **headers})
        response = connection.getresponse()
        text = response.read().decode()
        return response.status, json.loads(text) if text else None
    finally:
        connection.close()


def assert_error_body(body):
    assert isinstance(body["errors"], list)
    assert body["errors"]
    assert body["errors"][0]["message"]


@pytest.mark.parametrize("name,body,headers", [
    ("malformed", b'{"title": "Hi", "recipients": [', BROADCAST_HEADERS),
    ("no title", json.dumps({"recipients": [{"external_id": "user-1"}]}).encode(),
     BROADCAST_HEADERS),
    ("empty title", json.dumps({"title": "", "recipients": [{"external_id": "user-1"}]}).encode(),
     BROADCAST_HEADERS),
    ("no recipients", json.dumps({"title": "Hi"}).encode(), BROADCAST_HEADERS),
    ("empty recipients", json.dumps({"title": "Hi", "recipients": []}).encode(),
     BROADCAST_HEADERS),
    ("no api key", json.dumps({"title": "Hi", "recipients": [{"external_id": "user-1"}]}).encode(),
     {"X-MAGICBELL-API-SECRET": "secret"}),
])
def test_broadcast_rejected(server, name, body, headers):
    status, reply = post_broadcast(server, body, headers)

    assert 400 <= status < 500, name
    assert_error_body(reply)
    assert server.inbox("user-1")["total"] == 0


def test_inbox_without_user(server):
    status, body = server.http("GET", "/notifications", headers={"X-MAGICBELL-API-KEY": "key"})

    assert 400 <= status < 500
    assert_error_body(body)


def test_mark_read_unknown_notification(server):
    status, body = server.http("POST", "/notifications/does-not-exist/read", headers={
        "X-MAGICBELL-API-KEY": "key", "X-MAGICBELL-USER-EXTERNAL-ID": "user-1"})

    assert status == 404
    assert_error_body(body)
