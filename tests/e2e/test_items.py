"""Item reads and writes: every attribute type, update expressions,
conditions and ReturnValues, through boto3 and the AWS CLI."""

import json
from decimal import Context, Decimal

import boto3
import pytest
from botocore.exceptions import ClientError

TABLE = "Things"
KEY = {"id": {"S": "thing-1"}}

# One attribute of each DynamoDB type. Numbers are written with leading and
# trailing zeros, which tidings trims as DynamoDB does: "0012.500" comes back
# as "12.5" (see as_returned).
EVERY_TYPE = {
    "id": {"S": "thing-1"},
    "text": {"S": "héllo ✓ \"quoted\""},
    "empty_text": {"S": ""},
    "count": {"N": "0012.500"},
    "negative": {"N": "-0.0100"},
    "big": {"N": "12345678901234567890123456789012345678"},
    "blob": {"B": b"\x00\x01\xfe\xff"},
    "flag": {"BOOL": True},
    "off": {"BOOL": False},
    "nothing": {"NULL": True},
    "address": {"M": {"city": {"S": "Oslo"}, "zip": {"N": "0150"},
                      "inner": {"M": {"deep": {"L": [{"N": "1.0"}]}}}}},
    "lines": {"L": [{"S": "a"}, {"N": "2.50"}, {"BOOL": False}, {"NULL": True},
                    {"M": {}}, {"L": []}]},
    "tags": {"SS": ["red", "green", "blue"]},
    "sizes": {"NS": ["1.50", "002", "-3"]},
    "chunks": {"BS": [b"\x01", b"\x02\x03"]},
}

SET_TYPES = ("SS", "NS", "BS")


def number_as_returned(text):
    """DynamoDB's form of a number: plain notation, no redundant zeros."""
    value = Context(prec=38).normalize(Decimal(text))
    return "0" if value.is_zero() else format(value, "f")


def as_returned(value):
    """The attribute map or value as DynamoDB returns it after a write."""
    if isinstance(value, dict) and len(value) == 1:
        (kind, body), = value.items()
        if kind == "N":
            return {"N": number_as_returned(body)}
        if kind == "NS":
            return {"NS": [number_as_returned(member) for member in body]}
        if kind == "M":
            return {"M": as_returned(body)}
        if kind == "L":
            return {"L": [as_returned(member) for member in body]}
        if kind in ("S", "B", "BOOL", "NULL", "SS", "BS"):
            return value
    return {name: as_returned(member) for name, member in value.items()}


def create_table(server):
    server.client("dynamodb").create_table(
        TableName=TABLE, KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST")
    return server.client("dynamodb")


def normalized(item):
    """Sorts set members, since DynamoDB does not keep the order of a set."""
    result = {}
    for name, value in item.items():
        (kind, body), = value.items()
        result[name] = {kind: sorted(body)} if kind in SET_TYPES else value
    return result


def get(ddb, key=KEY):
    return ddb.get_item(TableName=TABLE, Key=key).get("Item")


def put_order(ddb, **attributes):
    item = {"id": {"S": "thing-1"}, "status": {"S": "open"}, "price": {"N": "20"},
            "qty": {"N": "3"}}
    item.update(attributes)
    ddb.put_item(TableName=TABLE, Item=item)
    return item


def failed_condition(call, **kwargs):
    with pytest.raises(ClientError) as raised:
        call(TableName=TABLE, **kwargs)
    return raised.value.response["Error"]["Code"]


def test_every_type_round_trip(server):
    ddb = create_table(server)

    ddb.put_item(TableName=TABLE, Item=EVERY_TYPE)
    item = get(ddb)

    assert set(item) == set(EVERY_TYPE)
    for name, value in normalized(as_returned(EVERY_TYPE)).items():
        assert normalized(item)[name] == value, name


def test_numbers_normalised(server):
    ddb = create_table(server)
    ddb.put_item(TableName=TABLE, Item=EVERY_TYPE)

    item = get(ddb)

    assert item["count"] == {"N": "12.5"}
    assert item["negative"] == {"N": "-0.01"}
    assert item["big"] == {"N": "12345678901234567890123456789012345678"}
    assert item["address"]["M"]["zip"] == {"N": "150"}
    assert item["address"]["M"]["inner"]["M"]["deep"]["L"][0] == {"N": "1"}
    assert item["lines"]["L"][1] == {"N": "2.5"}
    assert sorted(item["sizes"]["NS"]) == ["-3", "1.5", "2"]


@pytest.mark.parametrize("written, returned", [
    ("0", "0"), ("-0.000", "0"), ("0E+5", "0"), ("007", "7"), ("+7", "7"),
    ("1.5E+2", "150"), ("1e3", "1000"), ("-2.50e-3", "-0.0025"), ("123.4500", "123.45"),
    ("1E+125", "1" + "0" * 125), ("1E-130", "0." + "0" * 129 + "1"),
])
def test_number_forms(server, written, returned):
    ddb = create_table(server)
    ddb.put_item(TableName=TABLE, Item={"id": {"S": "n"}, "n": {"N": written},
                                        "ns": {"NS": [written, "42"]}})

    item = get(ddb, {"id": {"S": "n"}})

    assert item["n"] == {"N": returned}
    assert sorted(item["ns"]["NS"]) == sorted([returned, "42"])


def test_numeric_keys_equal_by_value(server):
    ddb = server.client("dynamodb")
    ddb.create_table(
        TableName="ByNumber", KeySchema=[{"AttributeName": "n", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "n", "AttributeType": "N"}],
        BillingMode="PAY_PER_REQUEST")

    ddb.put_item(TableName="ByNumber", Item={"n": {"N": "10.0"}, "v": {"S": "first"}})
    ddb.put_item(TableName="ByNumber", Item={"n": {"N": "1E1"}, "v": {"S": "second"}})

    items = ddb.scan(TableName="ByNumber")["Items"]
    assert items == [{"n": {"N": "10"}, "v": {"S": "second"}}]


def test_numbers_normalised_raw(server):
    """Reads the response body itself, so no client library can reformat it."""
    create_table(server)
    status, _ = server.http("POST", "/", body={
        "TableName": TABLE, "Item": {"id": {"S": "raw"}, "n": {"N": "0012.500"}}},
        headers={"X-Amz-Target": "DynamoDB_20120810.PutItem",
                 "Content-Type": "application/x-amz-json-1.0"})
    assert status == 200

    status, body = server.http("POST", "/", body={"TableName": TABLE, "Key": {"id": {"S": "raw"}}},
                               headers={"X-Amz-Target": "DynamoDB_20120810.GetItem",
                                        "Content-Type": "application/x-amz-json-1.0"})

    assert status == 200
    assert body["Item"]["n"] == {"N": "12.5"}


def test_every_type_scan(server):
    ddb = create_table(server)
    ddb.put_item(TableName=TABLE, Item=EVERY_TYPE)

    items = ddb.scan(TableName=TABLE)["Items"]

    assert len(items) == 1
    assert normalized(items[0]) == normalized(as_returned(EVERY_TYPE))


def test_put_replaces_whole_item(server):
    ddb = create_table(server)
    ddb.put_item(TableName=TABLE, Item=EVERY_TYPE)

    ddb.put_item(TableName=TABLE, Item={"id": {"S": "thing-1"}, "only": {"S": "this"}})

    assert get(ddb) == {"id": {"S": "thing-1"}, "only": {"S": "this"}}


def test_delete_item(server):
    ddb = create_table(server)
    ddb.put_item(TableName=TABLE, Item=EVERY_TYPE)

    ddb.delete_item(TableName=TABLE, Key=KEY)

    assert get(ddb) is None
    # Deleting an absent item succeeds and changes nothing.
    ddb.delete_item(TableName=TABLE, Key=KEY)
    assert ddb.scan(TableName=TABLE)["Count"] == 0


def test_update_set_every_type(server):
    ddb = create_table(server)
    names = [name for name in EVERY_TYPE if name != "id"]
    expression = "SET " + ", ".join(f"#a{i} = :v{i}" for i in range(len(names)))

    ddb.update_item(
        TableName=TABLE, Key=KEY, UpdateExpression=expression,
        ExpressionAttributeNames={f"#a{i}": name for i, name in enumerate(names)},
        ExpressionAttributeValues={f":v{i}": EVERY_TYPE[name] for i, name in enumerate(names)})

    assert normalized(get(ddb)) == normalized(as_returned(EVERY_TYPE))


def test_update_set_and_remove(server):
    ddb = create_table(server)
    put_order(ddb, note={"S": "fragile"}, visits={"N": "1"})

    ddb.update_item(TableName=TABLE, Key=KEY,
                    UpdateExpression="SET #s = :s, tracking = :t, visits = visits + :one "
                                     "REMOVE note, qty",
                    ExpressionAttributeNames={"#s": "status"},
                    ExpressionAttributeValues={":s": {"S": "shipped"}, ":t": {"S": "1Z999"},
                                               ":one": {"N": "1"}})

    item = get(ddb)
    assert item["status"] == {"S": "shipped"}
    assert item["tracking"] == {"S": "1Z999"}
    assert item["visits"] == {"N": "2"}
    assert "note" not in item
    assert "qty" not in item
    assert item["price"] == {"N": "20"}


def test_update_creates_item(server):
    ddb = create_table(server)

    ddb.update_item(TableName=TABLE, Key=KEY, UpdateExpression="SET color = :c",
                    ExpressionAttributeValues={":c": {"S": "teal"}})

    assert get(ddb) == {"id": {"S": "thing-1"}, "color": {"S": "teal"}}


def test_update_remove_missing_attribute(server):
    ddb = create_table(server)
    item = put_order(ddb)

    ddb.update_item(TableName=TABLE, Key=KEY, UpdateExpression="REMOVE never_set")

    assert get(ddb) == item


def test_condition_attribute_not_exists(server):
    ddb = create_table(server)
    first = put_order(ddb)

    code = failed_condition(ddb.put_item, Item={**first, "status": {"S": "replaced"}},
                            ConditionExpression="attribute_not_exists(id)")

    assert code == "ConditionalCheckFailedException"
    assert get(ddb) == first
    # On an absent item the same condition passes.
    ddb.put_item(TableName=TABLE, Item={"id": {"S": "thing-2"}},
                 ConditionExpression="attribute_not_exists(id)")
    assert get(ddb, {"id": {"S": "thing-2"}}) == {"id": {"S": "thing-2"}}


def test_condition_attribute_exists(server):
    ddb = create_table(server)

    code = failed_condition(ddb.update_item, Key=KEY, UpdateExpression="SET color = :c",
                            ConditionExpression="attribute_exists(id)",
                            ExpressionAttributeValues={":c": {"S": "teal"}})

    assert code == "ConditionalCheckFailedException"
    assert get(ddb) is None
    assert ddb.scan(TableName=TABLE)["Count"] == 0


def test_condition_attribute_exists_passes(server):
    ddb = create_table(server)
    put_order(ddb)

    ddb.update_item(TableName=TABLE, Key=KEY, UpdateExpression="SET color = :c",
                    ConditionExpression="attribute_exists(id)",
                    ExpressionAttributeValues={":c": {"S": "teal"}})

    assert get(ddb)["color"] == {"S": "teal"}


@pytest.mark.parametrize("condition,values,passes", [
    ("#s = :v", {":v": {"S": "open"}}, True),
    ("#s = :v", {":v": {"S": "shipped"}}, False),
    ("#s <> :v", {":v": {"S": "open"}}, False),
    ("price < :v", {":v": {"N": "20.5"}}, True),
    ("price < :v", {":v": {"N": "20"}}, False),
    ("price <= :v", {":v": {"N": "20.00"}}, True),
    ("qty > :v", {":v": {"N": "3"}}, False),
    ("qty >= :v", {":v": {"N": "3"}}, True),
    ("price > :v AND qty < :w", {":v": {"N": "1"}, ":w": {"N": "10"}}, True),
])
def test_condition_comparison(server, condition, values, passes):
    ddb = create_table(server)
    before = put_order(ddb)
    names = {"#s": "status"} if "#s" in condition else {}
    request = dict(Key=KEY, UpdateExpression="SET color = :c", ConditionExpression=condition,
                   ExpressionAttributeValues={**values, ":c": {"S": "teal"}})
    if names:
        request["ExpressionAttributeNames"] = names

    if passes:
        ddb.update_item(TableName=TABLE, **request)
        assert get(ddb) == {**before, "color": {"S": "teal"}}
    else:
        assert failed_condition(ddb.update_item, **request) == "ConditionalCheckFailedException"
        assert get(ddb) == before


def test_condition_on_delete(server):
    ddb = create_table(server)
    before = put_order(ddb)

    code = failed_condition(ddb.delete_item, Key=KEY, ConditionExpression="#s = :v",
                            ExpressionAttributeNames={"#s": "status"},
                            ExpressionAttributeValues={":v": {"S": "cancelled"}})

    assert code == "ConditionalCheckFailedException"
    assert get(ddb) == before


def test_put_return_all_old(server):
    ddb = create_table(server)
    first = put_order(ddb)

    new_item = ddb.put_item(TableName=TABLE, Item={"id": {"S": "thing-2"}},
                            ReturnValues="ALL_OLD")
    replaced = ddb.put_item(TableName=TABLE, Item={"id": {"S": "thing-1"}},
                            ReturnValues="ALL_OLD")

    assert "Attributes" not in new_item
    assert replaced["Attributes"] == first


def test_put_return_none(server):
    ddb = create_table(server)
    put_order(ddb)

    response = ddb.put_item(TableName=TABLE, Item={"id": {"S": "thing-1"}})

    assert "Attributes" not in response


def test_put_rejects_updated_new(server):
    ddb = create_table(server)
    before = put_order(ddb)

    with pytest.raises(ClientError) as raised:
        ddb.put_item(TableName=TABLE, Item={"id": {"S": "thing-1"}}, ReturnValues="UPDATED_NEW")

    assert raised.value.response["Error"]["Code"] == "ValidationException"
    assert get(ddb) == before


@pytest.mark.parametrize("return_values,expected", [
    ("ALL_OLD", {"id": {"S": "thing-1"}, "status": {"S": "open"}, "price": {"N": "20"},
                 "qty": {"N": "3"}, "note": {"S": "fragile"}}),
    ("UPDATED_OLD", {"status": {"S": "open"}, "note": {"S": "fragile"}}),
    ("ALL_NEW", {"id": {"S": "thing-1"}, "status": {"S": "shipped"}, "price": {"N": "20"},
                 "qty": {"N": "3"}, "tracking": {"S": "1Z999"}}),
    ("UPDATED_NEW", {"status": {"S": "shipped"}, "tracking": {"S": "1Z999"}}),
])
def test_update_return_values(server, return_values, expected):
    ddb = create_table(server)
    put_order(ddb, note={"S": "fragile"})

    response = ddb.update_item(TableName=TABLE, Key=KEY,
                               UpdateExpression="SET #s = :s, tracking = :t REMOVE note",
                               ExpressionAttributeNames={"#s": "status"},
                               ExpressionAttributeValues={":s": {"S": "shipped"},
                                                          ":t": {"S": "1Z999"}},
                               ReturnValues=return_values)

    assert response["Attributes"] == expected


def test_update_return_all_old_when_created(server):
    ddb = create_table(server)

    response = ddb.update_item(TableName=TABLE, Key=KEY, UpdateExpression="SET color = :c",
                               ExpressionAttributeValues={":c": {"S": "teal"}},
                               ReturnValues="ALL_OLD")

    assert "Attributes" not in response


def test_delete_return_all_old(server):
    ddb = create_table(server)
    before = put_order(ddb)

    deleted = ddb.delete_item(TableName=TABLE, Key=KEY, ReturnValues="ALL_OLD")
    absent = ddb.delete_item(TableName=TABLE, Key=KEY, ReturnValues="ALL_OLD")

    assert deleted["Attributes"] == before
    assert "Attributes" not in absent


def test_cli_put_binary(server):
    create_table(server)

    # The AWS CLI v2 reads B values as base64 text.
    server.aws("dynamodb", "put-item", "--table-name", TABLE, "--item",
               '{"id":{"S":"file-1"},"data":{"B":"AAEC/w=="},"parts":{"BS":["AQ==","Ag=="]}}')

    item = get(server.client("dynamodb"), {"id": {"S": "file-1"}})
    assert item["data"] == {"B": b"\x00\x01\x02\xff"}
    assert sorted(item["parts"]["BS"]) == [b"\x01", b"\x02"]
    fetched = server.aws("dynamodb", "get-item", "--table-name", TABLE,
                         "--key", '{"id":{"S":"file-1"}}')
    assert fetched["Item"]["data"] == {"B": "AAEC/w=="}


def test_cli_put_every_type(server):
    create_table(server)
    item = {
        "id": {"S": "cli-1"}, "n": {"N": "0012.500"}, "flag": {"BOOL": True},
        "nothing": {"NULL": True}, "m": {"M": {"k": {"S": "v"}}}, "l": {"L": [{"N": "1"}]},
        "ss": {"SS": ["a"]}, "ns": {"NS": ["1.0"]},
    }

    server.aws("dynamodb", "put-item", "--table-name", TABLE, "--item", json.dumps(item))
    fetched = server.aws("dynamodb", "get-item", "--table-name", TABLE,
                         "--key", '{"id":{"S":"cli-1"}}')

    assert fetched["Item"] == as_returned(item)
    assert fetched["Item"]["n"] == {"N": "12.5"}


def test_get_missing_item(server):
    ddb = create_table(server)

    response = ddb.get_item(TableName=TABLE, Key=KEY)

    assert "Item" not in response


def test_get_projection(server):
    ddb = create_table(server)
    put_order(ddb)

    item = ddb.get_item(TableName=TABLE, Key=KEY, ProjectionExpression="#s, price",
                        ExpressionAttributeNames={"#s": "status"})["Item"]

    assert item == {"status": {"S": "open"}, "price": {"N": "20"}}


def test_resource_api_decimals(server):
    """boto3's resource API sends numbers as Decimal; they come back equal, normalised."""
    create_table(server)
    table = boto3.resource("dynamodb", endpoint_url=server.url, region_name="us-east-1",
                           aws_access_key_id="test", aws_secret_access_key="test").Table(TABLE)

    table.put_item(Item={"id": "res-1", "price": Decimal("12.50"), "tags": {"a", "b"},
                         "nested": {"qty": 3, "ok": True, "none": None}, "raw": b"\x00\x01"})
    item = table.get_item(Key={"id": "res-1"})["Item"]

    assert item["price"] == Decimal("12.50")
    assert str(item["price"]) == "12.5"
    assert item["tags"] == {"a", "b"}
    assert item["nested"] == {"qty": Decimal(3), "ok": True, "none": None}
    assert item["raw"].value == b"\x00\x01"


def post(server, operation, body):
    return server.http("POST", "/", body=body, headers={
        "X-Amz-Target": f"DynamoDB_20120810.{operation}",
        "Content-Type": "application/x-amz-json-1.0"})


@pytest.mark.parametrize("operation, request_body", [
    ("PutItem", {"Item": {"id": {"S": "thing-1"}, "status": {"S": "new"}}}),
    ("UpdateItem", {"Key": KEY, "UpdateExpression": "SET qty = :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}, ":closed": {"S": "closed"}}}),
    ("DeleteItem", {"Key": KEY}),
])
def test_failed_condition_returns_old_item(server, operation, request_body):
    ddb = create_table(server)
    original = put_order(ddb)
    body = {"TableName": TABLE, "ConditionExpression": "#s = :closed",
            "ExpressionAttributeNames": {"#s": "status"},
            "ExpressionAttributeValues": {":closed": {"S": "closed"}},
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD", **request_body}

    status, reply = post(server, operation, body)

    assert status == 400
    assert reply["__type"].endswith("#ConditionalCheckFailedException")
    assert reply["Item"] == original
    assert get(ddb) == original


def test_failed_condition_without_return_values(server):
    ddb = create_table(server)
    put_order(ddb)

    status, reply = post(server, "DeleteItem", {
        "TableName": TABLE, "Key": KEY, "ConditionExpression": "attribute_not_exists(id)",
        "ReturnValuesOnConditionCheckFailure": "NONE"})

    assert status == 400
    assert "Item" not in reply


def test_failed_condition_on_missing_item(server):
    create_table(server)

    status, reply = post(server, "PutItem", {
        "TableName": TABLE, "Item": KEY, "ConditionExpression": "attribute_exists(id)",
        "ReturnValuesOnConditionCheckFailure": "ALL_OLD"})

    assert status == 400
    assert reply["__type"].endswith("#ConditionalCheckFailedException")
    assert "Item" not in reply


def test_return_values_on_failure_invalid(server):
    ddb = create_table(server)
    put_order(ddb)

    status, reply = post(server, "DeleteItem", {
        "TableName": TABLE, "Key": KEY, "ReturnValuesOnConditionCheckFailure": "ALL_NEW"})

    assert status == 400
    assert reply["__type"].endswith("#ValidationException")
    assert "returnValuesOnConditionCheckFailure" in reply["message"]
    assert get(ddb) is not None
