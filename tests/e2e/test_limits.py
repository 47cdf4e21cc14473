"""DynamoDB's size limits and the HTTP endpoint's own responses.

Each limit is checked on both sides of the boundary where DynamoDB states it,
and every rejected write must leave the table unchanged.
"""

import http.client
import json
import socket
import urllib.request

import pytest
from botocore.exceptions import ClientError

TABLE = "Limits"


@pytest.fixture
def ddb(server):
    client = server.client("dynamodb")
    client.create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                   {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "sk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST")
    return client


def rejected(call, **kwargs):
    with pytest.raises(ClientError) as raised:
        call(TableName=TABLE, **kwargs)
    return raised.value.response["Error"]


def count(ddb):
    return ddb.scan(TableName=TABLE)["Count"]


def test_hash_key_size_limit(ddb):
    ddb.put_item(TableName=TABLE, Item={"pk": {"S": "h" * 2048}, "sk": {"S": "a"}})

    error = rejected(ddb.put_item, Item={"pk": {"S": "h" * 2049}, "sk": {"S": "a"}})

    assert error["Code"] == "ValidationException"
    assert error["Message"] == ("One or more parameter values were invalid: Size of hashkey has "
                                "exceeded the maximum size limit of2048 bytes")
    assert count(ddb) == 1


def test_range_key_size_limit(ddb):
    ddb.put_item(TableName=TABLE, Item={"pk": {"S": "a"}, "sk": {"S": "r" * 1024}})

    error = rejected(ddb.put_item, Item={"pk": {"S": "a"}, "sk": {"S": "r" * 1025}})

    assert error["Code"] == "ValidationException"
    assert error["Message"] == ("One or more parameter values were invalid: Aggregated size of all "
                                "range keys has exceeded the size limit of 1024 bytes")
    assert count(ddb) == 1


def test_key_size_limit_on_reads(ddb):
    error = rejected(ddb.get_item, Key={"pk": {"S": "h" * 2049}, "sk": {"S": "a"}})

    assert error["Code"] == "ValidationException"
    assert "Size of hashkey has exceeded" in error["Message"]


def test_item_size_limit(ddb):
    # Attribute names count towards the size, as do the key attributes.
    overhead = len("pk") + 1 + len("sk") + 1 + len("blob")
    ddb.put_item(TableName=TABLE, Item={"pk": {"S": "a"}, "sk": {"S": "b"},
                                        "blob": {"S": "x" * (400 * 1024 - overhead)}})

    error = rejected(ddb.put_item, Item={"pk": {"S": "a"}, "sk": {"S": "c"},
                                         "blob": {"S": "x" * (400 * 1024 - overhead + 1)}})

    assert error["Code"] == "ValidationException"
    assert error["Message"] == "Item size has exceeded the maximum allowed size"
    assert count(ddb) == 1


def test_update_past_item_size_limit(ddb):
    ddb.put_item(TableName=TABLE, Item={"pk": {"S": "a"}, "sk": {"S": "b"},
                                        "one": {"S": "x" * 300_000}})

    error = rejected(ddb.update_item, Key={"pk": {"S": "a"}, "sk": {"S": "b"}},
                     UpdateExpression="SET two = :v",
                     ExpressionAttributeValues={":v": {"S": "y" * 200_000}})

    assert error["Code"] == "ValidationException"
    item = ddb.get_item(TableName=TABLE, Key={"pk": {"S": "a"}, "sk": {"S": "b"}})["Item"]
    assert "two" not in item


def nested_map(levels):
    value = {"S": "leaf"}
    for _ in range(levels):
        value = {"M": {"inner": value}}
    return value


def test_nesting_depth_limit(ddb):
    ddb.put_item(TableName=TABLE, Item={"pk": {"S": "a"}, "sk": {"S": "deep"},
                                        "doc": nested_map(31)})

    error = rejected(ddb.put_item, Item={"pk": {"S": "a"}, "sk": {"S": "deeper"},
                                         "doc": nested_map(40)})

    assert error["Code"] == "ValidationException"
    assert "Nesting Levels have exceeded supported limits" in error["Message"]
    assert count(ddb) == 1


def test_expression_length_limit(ddb):
    ddb.put_item(TableName=TABLE, Item={"pk": {"S": "a"}, "sk": {"S": "b"}})
    padding = " " * (4096 - len("attribute_exists(pk)"))
    ddb.delete_item(TableName=TABLE, Key={"pk": {"S": "a"}, "sk": {"S": "b"}},
                    ConditionExpression="attribute_exists(pk)" + padding)
    ddb.put_item(TableName=TABLE, Item={"pk": {"S": "a"}, "sk": {"S": "b"}})

    error = rejected(ddb.delete_item, Key={"pk": {"S": "a"}, "sk": {"S": "b"}},
                     ConditionExpression="attribute_exists(pk)" + padding + " ")

    assert error["Code"] == "ValidationException"
    assert error["Message"] == ("Invalid ConditionExpression: Expression size has exceeded the "
                                "maximum allowed size; expression size: 4097")
    assert count(ddb) == 1


def test_get_root_returns_200(server):
    with urllib.request.urlopen(server.url + "/", timeout=10) as response:
        assert response.status == 200
        assert response.read().startswith(b"healthy")


def test_describe_endpoints(server):
    endpoints = server.client("dynamodb").describe_endpoints()["Endpoints"]

    assert len(endpoints) == 1
    assert endpoints[0]["Address"]
    assert endpoints[0]["CachePeriodInMinutes"] == 1440


def test_oversized_body_rejected(server, ddb):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    body = b'{"TableName":"' + b"x" * (16 * 1024 * 1024) + b'"}'
    try:
        connection.request("POST", "/", body=body, headers={
            "X-Amz-Target": "DynamoDB_20120810.DescribeTable",
            "Content-Type": "application/x-amz-json-1.0"})
        response = connection.getresponse()
        status, payload = response.status, json.loads(response.read())
    finally:
        connection.close()

    assert status == 413
    assert payload["__type"].endswith("#SerializationException")
    assert "exceeds the maximum of 16777216 bytes" in payload["message"]
    # The server goes on serving other connections.
    assert ddb.describe_table(TableName=TABLE)["Table"]["TableName"] == TABLE


def test_malformed_http_rejected(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
        connection.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n")
        reply = b""
        while chunk := connection.recv(4096):
            reply += chunk

    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400")
    assert "Malformed HTTP request" in json.loads(body)["message"]


def test_attribute_name_length_limit(ddb):
    longest = "n" * 65535
    ddb.put_item(TableName=TABLE, Item={"pk": {"S": "a"}, "sk": {"S": "b"}, longest: {"N": "1"}})

    for item in ({"pk": {"S": "a"}, "sk": {"S": "c"}, longest + "n": {"N": "1"}},
                 {"pk": {"S": "a"}, "sk": {"S": "c"}, "doc": {"M": {longest + "n": {"N": "1"}}}}):
        error = rejected(ddb.put_item, Item=item)
        assert error["Code"] == "ValidationException"
        assert error["Message"] == ("1 validation error detected: Attribute name is too large, "
                                    "must be less than 65536 bytes")
    assert count(ddb) == 1


def test_long_name_in_expression_names(ddb):
    ddb.put_item(TableName=TABLE, Item={"pk": {"S": "a"}, "sk": {"S": "b"}})

    error = rejected(ddb.update_item, Key={"pk": {"S": "a"}, "sk": {"S": "b"}},
                     UpdateExpression="SET #n = :v", ExpressionAttributeNames={"#n": "n" * 65536},
                     ExpressionAttributeValues={":v": {"N": "1"}})

    assert error["Code"] == "ValidationException"
    assert "Attribute name is too large" in error["Message"]
    item = ddb.get_item(TableName=TABLE, Key={"pk": {"S": "a"}, "sk": {"S": "b"}})["Item"]
    assert item == {"pk": {"S": "a"}, "sk": {"S": "b"}}
