"""Query, Scan, BatchGetItem and BatchWriteItem through boto3."""

import botocore.exceptions
import pytest


def create_events_table(dynamodb, range_type="N"):
    dynamodb.create_table(
        TableName="Events",
        AttributeDefinitions=[{"AttributeName": "user", "AttributeType": "S"},
                              {"AttributeName": "at", "AttributeType": range_type}],
        KeySchema=[{"AttributeName": "user", "KeyType": "HASH"},
                   {"AttributeName": "at", "KeyType": "RANGE"}],
        BillingMode="PAY_PER_REQUEST")


def put_events(dynamodb, user, stamps):
    for stamp in stamps:
        dynamodb.put_item(TableName="Events", Item={
            "user": {"S": user}, "at": {"N": str(stamp)}, "kind": {"S": "even" if stamp % 2 == 0 else "odd"}})


def query_stamps(dynamodb, **kwargs):
    response = dynamodb.query(TableName="Events", **kwargs)
    return [int(item["at"]["N"]) for item in response["Items"]], response


def test_query_orders_by_sort_key(server):
    dynamodb = server.client("dynamodb")
    create_events_table(dynamodb)
    put_events(dynamodb, "u1", [30, -5, 100, 7, 2])
    put_events(dynamodb, "u2", [1])

    stamps, response = query_stamps(
        dynamodb, KeyConditionExpression="#u = :u",
        ExpressionAttributeNames={"#u": "user"}, ExpressionAttributeValues={":u": {"S": "u1"}})
    assert stamps == [-5, 2, 7, 30, 100]
    assert response["Count"] == 5
    assert response["ScannedCount"] == 5


def test_query_backward_with_range(server):
    dynamodb = server.client("dynamodb")
    create_events_table(dynamodb)
    put_events(dynamodb, "u1", range(10))

    stamps, _ = query_stamps(
        dynamodb, KeyConditionExpression="#u = :u AND #a BETWEEN :lo AND :hi",
        ExpressionAttributeNames={"#u": "user", "#a": "at"},
        ExpressionAttributeValues={":u": {"S": "u1"}, ":lo": {"N": "3"}, ":hi": {"N": "6"}},
        ScanIndexForward=False)
    assert stamps == [6, 5, 4, 3]


def test_query_pages_with_limit(server):
    dynamodb = server.client("dynamodb")
    create_events_table(dynamodb)
    put_events(dynamodb, "u1", range(5))

    seen = []
    start = None
    while True:
        kwargs = {"ExclusiveStartKey": start} if start else {}
        stamps, response = query_stamps(
            dynamodb, KeyConditionExpression="#u = :u", Limit=2,
            ExpressionAttributeNames={"#u": "user"},
            ExpressionAttributeValues={":u": {"S": "u1"}}, **kwargs)
        seen += stamps
        start = response.get("LastEvaluatedKey")
        if not start:
            break
    assert seen == [0, 1, 2, 3, 4]


def test_query_filter_counts_scanned(server):
    dynamodb = server.client("dynamodb")
    create_events_table(dynamodb)
    put_events(dynamodb, "u1", range(6))

    stamps, response = query_stamps(
        dynamodb, KeyConditionExpression="#u = :u AND #a > :min",
        FilterExpression="kind = :even",
        ExpressionAttributeNames={"#u": "user", "#a": "at"},
        ExpressionAttributeValues={":u": {"S": "u1"}, ":min": {"N": "0"}, ":even": {"S": "even"}})
    assert stamps == [2, 4]
    assert response["ScannedCount"] == 5


def test_query_begins_with_string_keys(server):
    dynamodb = server.client("dynamodb")
    create_events_table(dynamodb, range_type="S")
    for key in ["2026-01-05", "2026-02-01", "2026-01-20", "2025-12-31"]:
        dynamodb.put_item(TableName="Events", Item={"user": {"S": "u"}, "at": {"S": key}})

    response = dynamodb.query(
        TableName="Events", KeyConditionExpression="#u = :u AND begins_with(#a, :month)",
        ExpressionAttributeNames={"#u": "user", "#a": "at"},
        ExpressionAttributeValues={":u": {"S": "u"}, ":month": {"S": "2026-01"}})
    assert [item["at"]["S"] for item in response["Items"]] == ["2026-01-05", "2026-01-20"]


def test_query_rejects_missing_partition_key(server):
    dynamodb = server.client("dynamodb")
    create_events_table(dynamodb)
    with pytest.raises(botocore.exceptions.ClientError) as error:
        dynamodb.query(TableName="Events", KeyConditionExpression="#a > :n",
                       ExpressionAttributeNames={"#a": "at"},
                       ExpressionAttributeValues={":n": {"N": "1"}})
    assert error.value.response["Error"]["Code"] == "ValidationException"


def test_query_rejects_wrong_key_type(server):
    dynamodb = server.client("dynamodb")
    create_events_table(dynamodb)
    with pytest.raises(botocore.exceptions.ClientError) as error:
        dynamodb.query(TableName="Events", KeyConditionExpression="#u = :u",
                       ExpressionAttributeNames={"#u": "user"},
                       ExpressionAttributeValues={":u": {"N": "1"}})
    assert error.value.response["Error"]["Code"] == "ValidationException"


def test_scan_count_and_pages(server):
    dynamodb = server.client("dynamodb")
    create_events_table(dynamodb)
    put_events(dynamodb, "u1", range(3))
    put_events(dynamodb, "u2", range(4))

    assert dynamodb.scan(TableName="Events", Select="COUNT")["Count"] == 7
    page = dynamodb.scan(TableName="Events", Limit=5)
    assert len(page["Items"]) == 5
    rest = dynamodb.scan(TableName="Events", ExclusiveStartKey=page["LastEvaluatedKey"])
    assert len(rest["Items"]) == 2


def test_batch_write_then_get(server):
    dynamodb = server.client("dynamodb")
    create_events_table(dynamodb)
    response = dynamodb.batch_write_item(RequestItems={"Events": [
        {"PutRequest": {"Item": {"user": {"S": "u"}, "at": {"N": str(i)}}}} for i in range(25)]})
    assert response["UnprocessedItems"] == {}

    keys = [{"user": {"S": "u"}, "at": {"N": str(i)}} for i in (0, 5, 24, 99)]
    got = dynamodb.batch_get_item(RequestItems={"Events": {"Keys": keys}})
    stamps = sorted(int(item["at"]["N"]) for item in got["Responses"]["Events"])
    assert stamps == [0, 5, 24]
    assert got["UnprocessedKeys"] == {}


def test_batch_write_deletes(server):
    dynamodb = server.client("dynamodb")
    create_events_table(dynamodb)
    put_events(dynamodb, "u", [1, 2])
    dynamodb.batch_write_item(RequestItems={"Events": [
        {"DeleteRequest": {"Key": {"user": {"S": "u"}, "at": {"N": "1"}}}}]})
    assert dynamodb.scan(TableName="Events", Select="COUNT")["Count"] == 1


def test_batch_write_rejects_duplicates(server):
    dynamodb = server.client("dynamodb")
    create_events_table(dynamodb)
    item = {"user": {"S": "u"}, "at": {"N": "1"}}
    with pytest.raises(botocore.exceptions.ClientError) as error:
        dynamodb.batch_write_item(RequestItems={"Events": [
            {"PutRequest": {"Item": item}}, {"PutRequest": {"Item": item}}]})
    assert "duplicates" in error.value.response["Error"]["Message"]
    assert dynamodb.scan(TableName="Events", Select="COUNT")["Count"] == 0


def test_batch_write_rejects_26_writes(server):
    dynamodb = server.client("dynamodb")
    create_events_table(dynamodb)
    with pytest.raises(botocore.exceptions.ClientError) as error:
        dynamodb.batch_write_item(RequestItems={"Events": [
            {"PutRequest": {"Item": {"user": {"S": "u"}, "at": {"N": str(i)}}}} for i in range(26)]})
    assert error.value.response["Error"]["Code"] == "ValidationException"
    assert dynamodb.scan(TableName="Events", Select="COUNT")["Count"] == 0


def test_batch_get_rejects_101_keys(server):
    dynamodb = server.client("dynamodb")
    create_events_table(dynamodb)
    keys = [{"user": {"S": "u"}, "at": {"N": str(i)}} for i in range(101)]
    with pytest.raises(botocore.exceptions.ClientError) as error:
        dynamodb.batch_get_item(RequestItems={"Events": {"Keys": keys}})
    assert error.value.response["Error"]["Code"] == "ValidationException"


def test_batch_get_missing_table(server):
    dynamodb = server.client("dynamodb")
    with pytest.raises(botocore.exceptions.ClientError) as error:
        dynamodb.batch_get_item(RequestItems={"Nope": {"Keys": [{"id": {"S": "x"}}]}})
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_parallel_scan_covers_every_item_once(server):
    dynamodb = server.client("dynamodb")
    create_events_table(dynamodb)
    for user in range(20):
        put_events(dynamodb, f"u{user}", [1, 2])

    seen = []
    for segment in range(3):
        start = None
        while True:
            kwargs = {"ExclusiveStartKey": start} if start else {}
            page = dynamodb.scan(TableName="Events", Segment=segment, TotalSegments=3, Limit=7,
                                 **kwargs)
            seen += [(item["user"]["S"], item["at"]["N"]) for item in page["Items"]]
            start = page.get("LastEvaluatedKey")
            if not start:
                break
    assert len(seen) == 40
    assert len(set(seen)) == 40


def test_parallel_scan_rejects_bad_segment(server):
    dynamodb = server.client("dynamodb")
    create_events_table(dynamodb)
    with pytest.raises(botocore.exceptions.ClientError) as error:
        dynamodb.scan(TableName="Events", Segment=3, TotalSegments=3)
    assert error.value.response["Error"]["Code"] == "ValidationException"


@pytest.mark.parametrize("range_type, written, expected", [
    ("N", ["10", "-2.5", "0.001", "-100", "3E2"], ["-100", "-2.5", "0.001", "10", "300"]),
    ("S", ["b", "B", "a", "ab", "aa"], ["B", "a", "aa", "ab", "b"]),
    ("B", [b"\x02", b"\x00\xff", b"\x01", b"\x00"], [b"\x00", b"\x00\xff", b"\x01", b"\x02"]),
])
def test_sort_order_per_key_type(server, range_type, written, expected):
    dynamodb = server.client("dynamodb")
    create_events_table(dynamodb, range_type=range_type)
    for value in written:
        dynamodb.put_item(TableName="Events", Item={"user": {"S": "u"}, "at": {range_type: value}})

    items = dynamodb.query(TableName="Events", KeyConditionExpression="#u = :u",
                           ExpressionAttributeNames={"#u": "user"},
                           ExpressionAttributeValues={":u": {"S": "u"}}, ConsistentRead=True)["Items"]
    backwards = dynamodb.query(TableName="Events", KeyConditionExpression="#u = :u",
                               ExpressionAttributeNames={"#u": "user"},
                               ExpressionAttributeValues={":u": {"S": "u"}},
                               ScanIndexForward=False)["Items"]

    assert [item["at"][range_type] for item in items] == expected
    assert [item["at"][range_type] for item in backwards] == expected[::-1]


def test_query_select_modes(server):
    dynamodb = server.client("dynamodb")
    create_events_table(dynamodb)
    put_events(dynamodb, "u1", [1, 2, 3])
    query = dict(TableName="Events", KeyConditionExpression="#u = :u",
                 ExpressionAttributeNames={"#u": "user"}, ExpressionAttributeValues={":u": {"S": "u1"}})

    everything = dynamodb.query(Select="ALL_ATTRIBUTES", **query)
    specific = dynamodb.query(Select="SPECIFIC_ATTRIBUTES", ProjectionExpression="kind", **query)
    counted = dynamodb.query(Select="COUNT", **query)

    assert everything["Items"][0] == {"user": {"S": "u1"}, "at": {"N": "1"}, "kind": {"S": "odd"}}
    assert specific["Items"] == [{"kind": {"S": "odd"}}, {"kind": {"S": "even"}}, {"kind": {"S": "odd"}}]
    assert "Items" not in counted
    assert counted["Count"] == 3
    for select in ("ALL_PROJECTED_ATTRIBUTES", "SPECIFIC_ATTRIBUTES"):
        with pytest.raises(botocore.exceptions.ClientError) as raised:
            dynamodb.query(Select=select, **query)
        assert raised.value.response["Error"]["Code"] == "ValidationException"
