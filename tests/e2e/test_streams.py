"""DynamoDB Streams through boto3's dynamodbstreams client and the AWS CLI:
record contents per view type, iterator types, paging and the stream
lifecycle."""

import json
import re

import pytest
from botocore.exceptions import ClientError

from conftest import read_stream

TABLE = "Orders"


@pytest.fixture
def server(make_server):
    """A server whose streams have one shard, so these tests of one shard's
    reads can use Shards[0]; tests/e2e/test_stream_shards.py covers several."""
    return make_server(extra_args=["--stream-shards", "1"]).start()
KEY = {"orderId": {"S": "ORD-1"}}
FIRST = {"orderId": {"S": "ORD-1"}, "status": {"S": "processing"}, "total": {"N": "12.5"}}

# The images each view type puts in INSERT, MODIFY and REMOVE records.
EXPECTED_IMAGES = {
    "KEYS_ONLY": {"INSERT": set(), "MODIFY": set(), "REMOVE": set()},
    "NEW_IMAGE": {"INSERT": {"NewImage"}, "MODIFY": {"NewImage"}, "REMOVE": set()},
    "OLD_IMAGE": {"INSERT": set(), "MODIFY": {"OldImage"}, "REMOVE": {"OldImage"}},
    "NEW_AND_OLD_IMAGES": {"INSERT": {"NewImage"}, "MODIFY": {"NewImage", "OldImage"},
                           "REMOVE": {"OldImage"}},
}


def create_table(server, view_type="NEW_AND_OLD_IMAGES", name=TABLE, range_key=None):
    """Creates a table with a stream and returns the stream's ARN."""
    key_schema = [{"AttributeName": "orderId", "KeyType": "HASH"}]
    definitions = [{"AttributeName": "orderId", "AttributeType": "S"}]
    if range_key:
        key_schema.append({"AttributeName": range_key, "KeyType": "RANGE"})
        definitions.append({"AttributeName": range_key, "AttributeType": "N"})
    table = server.client("dynamodb").create_table(
        TableName=name, KeySchema=key_schema, AttributeDefinitions=definitions,
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": view_type})
    return table["TableDescription"]["LatestStreamArn"]


def put(server, item, table=TABLE):
    server.client("dynamodb").put_item(TableName=table, Item=item)


def put_orders(server, count, table=TABLE):
    for i in range(count):
        put(server, {"orderId": {"S": f"ORD-{i}"}, "n": {"N": str(i)}}, table)


def shard_of(server, arn):
    description = server.client("dynamodbstreams").describe_stream(StreamArn=arn)
    return description["StreamDescription"]["Shards"][0]


def iterator(server, arn, iterator_type, sequence_number=None):
    request = {"StreamArn": arn, "ShardId": shard_of(server, arn)["ShardId"],
               "ShardIteratorType": iterator_type}
    if sequence_number:
        request["SequenceNumber"] = sequence_number
    return server.client("dynamodbstreams").get_shard_iterator(**request)["ShardIterator"]


def write_insert_modify_remove(server):
    ddb = server.client("dynamodb")
    ddb.put_item(TableName=TABLE, Item=FIRST)
    ddb.update_item(TableName=TABLE, Key=KEY, UpdateExpression="SET #s = :s",
                    ExpressionAttributeNames={"#s": "status"},
                    ExpressionAttributeValues={":s": {"S": "shipped"}})
    ddb.delete_item(TableName=TABLE, Key=KEY)


def raw_get_records(server, shard_iterator):
    """Calls GetRecords over plain HTTP and returns the parsed body."""
    status, body = server.http("POST", "/", body={"ShardIterator": shard_iterator}, headers={
        "X-Amz-Target": "DynamoDBStreams_20120810.GetRecords",
        "Content-Type": "application/x-amz-json-1.0"})
    assert status == 200, body
    return body


@pytest.mark.parametrize("view_type", sorted(EXPECTED_IMAGES))
def test_view_type_images(server, view_type):
    arn = create_table(server, view_type)
    write_insert_modify_remove(server)

    records = read_stream(server, arn)

    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE"]
    shipped = {**FIRST, "status": {"S": "shipped"}}
    images = {"INSERT": {"NewImage": FIRST},
              "MODIFY": {"OldImage": FIRST, "NewImage": shipped},
              "REMOVE": {"OldImage": shipped}}
    for record in records:
        name = record["eventName"]
        present = {key for key in ("NewImage", "OldImage") if key in record["dynamodb"]}
        assert present == EXPECTED_IMAGES[view_type][name], name
        for image in present:
            assert record["dynamodb"][image] == images[name][image], (name, image)
        assert record["dynamodb"]["Keys"] == KEY, name
        assert record["dynamodb"]["StreamViewType"] == view_type, name


@pytest.mark.parametrize("view_type", sorted(EXPECTED_IMAGES))
def test_view_type_raw_absent_keys(server, view_type):
    """Images that a view type excludes are absent from the JSON, not null or {}."""
    arn = create_table(server, view_type)
    write_insert_modify_remove(server)

    body = raw_get_records(server, iterator(server, arn, "TRIM_HORIZON"))

    for record in body["Records"]:
        present = {key for key in ("NewImage", "OldImage") if key in record["dynamodb"]}
        assert present == EXPECTED_IMAGES[view_type][record["eventName"]]
        for image in present:
            assert record["dynamodb"][image], image


def test_record_fields(server):
    arn = create_table(server)
    write_insert_modify_remove(server)

    records = read_stream(server, arn)

    assert len({r["eventID"] for r in records}) == 3
    for record in records:
        assert record["eventVersion"] == "1.1"
        assert record["eventSource"] == "aws:dynamodb"
        assert record["awsRegion"] == "us-east-1"
        assert record["eventID"]
        stream_data = record["dynamodb"]
        assert re.fullmatch(r"\d+", stream_data["SequenceNumber"])
        assert stream_data["SizeBytes"] > 0
        assert stream_data["ApproximateCreationDateTime"].microsecond == 0
    numbers = [int(r["dynamodb"]["SequenceNumber"]) for r in records]
    assert numbers == sorted(numbers)
    assert len(set(numbers)) == 3


def test_record_raw_creation_time(server):
    """ApproximateCreationDateTime is epoch seconds rounded down to a whole second."""
    arn = create_table(server)
    write_insert_modify_remove(server)

    body = raw_get_records(server, iterator(server, arn, "TRIM_HORIZON"))

    for record in body["Records"]:
        created = record["dynamodb"]["ApproximateCreationDateTime"]
        assert isinstance(created, (int, float))
        assert created == int(created)
        assert isinstance(record["dynamodb"]["SequenceNumber"], str)


def test_size_bytes_grows_with_images(server):
    arn = create_table(server, "NEW_AND_OLD_IMAGES")
    write_insert_modify_remove(server)

    insert, modify, _ = read_stream(server, arn)

    # MODIFY carries two images where INSERT carries one.
    assert modify["dynamodb"]["SizeBytes"] > insert["dynamodb"]["SizeBytes"]


def test_keys_with_range_key(server):
    arn = create_table(server, "KEYS_ONLY", range_key="line")
    item = {"orderId": {"S": "ORD-9"}, "line": {"N": "3"}, "sku": {"S": "A-1"}}

    put(server, item)
    records = read_stream(server, arn)

    assert records[0]["dynamodb"]["Keys"] == {"orderId": {"S": "ORD-9"}, "line": {"N": "3"}}


def test_update_creating_item_is_insert(server):
    arn = create_table(server)

    server.client("dynamodb").update_item(
        TableName=TABLE, Key=KEY, UpdateExpression="SET note = :n",
        ExpressionAttributeValues={":n": {"S": "new"}})
    records = read_stream(server, arn)

    assert [r["eventName"] for r in records] == ["INSERT"]
    assert "OldImage" not in records[0]["dynamodb"]
    assert records[0]["dynamodb"]["NewImage"] == {**KEY, "note": {"S": "new"}}


def test_put_over_existing_is_modify(server):
    arn = create_table(server)
    put(server, FIRST)

    replacement = {**KEY, "status": {"S": "replaced"}}
    put(server, replacement)
    records = read_stream(server, arn)

    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY"]
    assert records[1]["dynamodb"]["OldImage"] == FIRST
    assert records[1]["dynamodb"]["NewImage"] == replacement


def test_unchanged_writes_make_no_record(server):
    """DynamoDB writes no stream record for a write that changes nothing."""
    arn = create_table(server)
    ddb = server.client("dynamodb")
    put(server, FIRST)

    put(server, FIRST)
    ddb.update_item(TableName=TABLE, Key=KEY, UpdateExpression="SET #s = :s",
                    ExpressionAttributeNames={"#s": "status"},
                    ExpressionAttributeValues={":s": {"S": "processing"}})
    ddb.delete_item(TableName=TABLE, Key={"orderId": {"S": "never-written"}})
    put(server, {**FIRST, "status": {"S": "marker"}})

    assert [r["eventName"] for r in read_stream(server, arn)] == ["INSERT", "MODIFY"]


def test_failed_condition_makes_no_record(server):
    arn = create_table(server)
    put(server, FIRST)

    with pytest.raises(ClientError):
        server.client("dynamodb").put_item(TableName=TABLE, Item=FIRST,
                                           ConditionExpression="attribute_not_exists(orderId)")

    assert [r["eventName"] for r in read_stream(server, arn)] == ["INSERT"]


def test_trim_horizon_reads_all(server):
    arn = create_table(server)
    put_orders(server, 5)

    records = read_stream(server, arn)

    assert [r["dynamodb"]["Keys"]["orderId"]["S"] for r in records] == [
        f"ORD-{i}" for i in range(5)]


def test_latest_on_empty_shard(server):
    arn = create_table(server)
    streams = server.client("dynamodbstreams")
    latest = iterator(server, arn, "LATEST")

    put(server, FIRST)
    response = streams.get_records(ShardIterator=latest)

    assert [r["dynamodb"]["Keys"] for r in response["Records"]] == [KEY]


def test_latest_skips_earlier_records(server):
    arn = create_table(server)
    streams = server.client("dynamodbstreams")
    put_orders(server, 3)
    latest = iterator(server, arn, "LATEST")

    empty = streams.get_records(ShardIterator=latest)
    put(server, {"orderId": {"S": "ORD-after"}})
    response = streams.get_records(ShardIterator=empty["NextShardIterator"])

    assert empty["Records"] == []
    assert [r["dynamodb"]["Keys"]["orderId"]["S"] for r in response["Records"]] == ["ORD-after"]


def test_at_and_after_sequence_number(server):
    arn = create_table(server)
    streams = server.client("dynamodbstreams")
    put_orders(server, 4)
    sequence_numbers = [r["dynamodb"]["SequenceNumber"] for r in read_stream(server, arn)]

    at_second = streams.get_records(
        ShardIterator=iterator(server, arn, "AT_SEQUENCE_NUMBER", sequence_numbers[1]))
    after_second = streams.get_records(
        ShardIterator=iterator(server, arn, "AFTER_SEQUENCE_NUMBER", sequence_numbers[1]))
    after_last = streams.get_records(
        ShardIterator=iterator(server, arn, "AFTER_SEQUENCE_NUMBER", sequence_numbers[-1]))

    assert [r["dynamodb"]["SequenceNumber"] for r in at_second["Records"]] == sequence_numbers[1:]
    after_second_numbers = [r["dynamodb"]["SequenceNumber"] for r in after_second["Records"]]
    assert after_second_numbers == sequence_numbers[2:]
    assert after_last["Records"] == []
    assert "NextShardIterator" in after_last


def test_sequence_number_required(server):
    arn = create_table(server)
    streams = server.client("dynamodbstreams")

    with pytest.raises(ClientError) as raised:
        streams.get_shard_iterator(StreamArn=arn, ShardId=shard_of(server, arn)["ShardId"],
                                   ShardIteratorType="AT_SEQUENCE_NUMBER")

    assert raised.value.response["Error"]["Code"] == "ValidationException"


def test_get_records_limit(server):
    arn = create_table(server)
    streams = server.client("dynamodbstreams")
    put_orders(server, 5)

    pages = []
    shard_iterator = iterator(server, arn, "TRIM_HORIZON")
    for _ in range(3):
        response = streams.get_records(ShardIterator=shard_iterator, Limit=2)
        pages.append([r["dynamodb"]["Keys"]["orderId"]["S"] for r in response["Records"]])
        shard_iterator = response["NextShardIterator"]

    assert pages == [["ORD-0", "ORD-1"], ["ORD-2", "ORD-3"], ["ORD-4"]]


def test_empty_read_has_next_iterator(server):
    arn = create_table(server)
    streams = server.client("dynamodbstreams")

    empty = streams.get_records(ShardIterator=iterator(server, arn, "TRIM_HORIZON"))
    again = streams.get_records(ShardIterator=empty["NextShardIterator"])
    put(server, FIRST)
    after_write = streams.get_records(ShardIterator=again["NextShardIterator"])

    assert empty["Records"] == []
    assert again["Records"] == []
    assert [r["eventName"] for r in after_write["Records"]] == ["INSERT"]
    assert "NextShardIterator" in after_write


def test_iterator_reusable(server):
    """A shard iterator can be read again, and it returns the same records."""
    arn = create_table(server)
    streams = server.client("dynamodbstreams")
    put_orders(server, 2)
    shard_iterator = iterator(server, arn, "TRIM_HORIZON")

    first = streams.get_records(ShardIterator=shard_iterator)["Records"]
    second = streams.get_records(ShardIterator=shard_iterator)["Records"]

    assert [r["eventID"] for r in first] == [r["eventID"] for r in second]


def test_list_streams_by_table(server):
    orders_arn = create_table(server)
    other_arn = create_table(server, "KEYS_ONLY", name="Other")
    streams = server.client("dynamodbstreams")

    orders_only = streams.list_streams(TableName=TABLE)["Streams"]
    all_streams = streams.list_streams()["Streams"]

    assert [s["StreamArn"] for s in orders_only] == [orders_arn]
    assert orders_only[0]["TableName"] == TABLE
    assert orders_arn.endswith("/stream/" + orders_only[0]["StreamLabel"])
    assert {s["StreamArn"] for s in all_streams} == {orders_arn, other_arn}


def test_list_streams_unknown_table(server):
    with pytest.raises(ClientError) as raised:
        server.client("dynamodbstreams").list_streams(TableName="Missing")

    assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_describe_stream_shape(server):
    arn = create_table(server, "NEW_IMAGE", range_key="line")
    put(server, {"orderId": {"S": "ORD-1"}, "line": {"N": "1"}})
    table = server.client("dynamodb").describe_table(TableName=TABLE)["Table"]

    description = server.client("dynamodbstreams").describe_stream(
        StreamArn=arn)["StreamDescription"]

    assert description["StreamArn"] == arn
    assert description["StreamLabel"] == table["LatestStreamLabel"]
    assert description["StreamStatus"] == "ENABLED"
    assert description["StreamViewType"] == "NEW_IMAGE"
    assert description["TableName"] == TABLE
    assert description["KeySchema"] == [{"AttributeName": "orderId", "KeyType": "HASH"},
                                        {"AttributeName": "line", "KeyType": "RANGE"}]
    assert "CreationRequestDateTime" in description
    assert len(description["Shards"]) == 1
    shard = description["Shards"][0]
    assert shard["ShardId"]
    assert re.fullmatch(r"\d+", shard["SequenceNumberRange"]["StartingSequenceNumber"])
    assert "EndingSequenceNumber" not in shard["SequenceNumberRange"]


def test_list_streams_paging(server):
    arns = [create_table(server, name=f"Table-{i}") for i in range(3)]
    streams = server.client("dynamodbstreams")

    first = streams.list_streams(Limit=2)
    second = streams.list_streams(Limit=2, ExclusiveStartStreamArn=first["LastEvaluatedStreamArn"])

    assert [s["StreamArn"] for s in first["Streams"]] == arns[:2]
    assert first["LastEvaluatedStreamArn"] == arns[1]
    assert [s["StreamArn"] for s in second["Streams"]] == arns[2:]
    assert "LastEvaluatedStreamArn" not in second


def test_at_starting_sequence_number(server):
    arn = create_table(server)
    put_orders(server, 3)
    start = shard_of(server, arn)["SequenceNumberRange"]["StartingSequenceNumber"]

    response = server.client("dynamodbstreams").get_records(
        ShardIterator=iterator(server, arn, "AT_SEQUENCE_NUMBER", start))

    assert [r["dynamodb"]["Keys"]["orderId"]["S"] for r in response["Records"]] == [
        "ORD-0", "ORD-1", "ORD-2"]


def test_deleted_table_stream_readable(server):
    arn = create_table(server)
    put_orders(server, 2)

    server.client("dynamodb").delete_table(TableName=TABLE)
    description = server.client("dynamodbstreams").describe_stream(
        StreamArn=arn)["StreamDescription"]

    assert description["StreamStatus"] == "DISABLED"
    assert "EndingSequenceNumber" in description["Shards"][0]["SequenceNumberRange"]
    assert [r["eventName"] for r in read_stream(server, arn)] == ["INSERT", "INSERT"]


def test_describe_unknown_stream(server):
    create_table(server)
    arn = "arn:aws:dynamodb:us-east-1:000000000000:table/Orders/stream/2000-01-01T00:00:00.000"

    with pytest.raises(ClientError) as raised:
        server.client("dynamodbstreams").describe_stream(StreamArn=arn)

    assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"


def disable_stream(server):
    server.client("dynamodb").update_table(TableName=TABLE,
                                           StreamSpecification={"StreamEnabled": False})


def test_disable_closes_shard(server):
    arn = create_table(server)
    put_orders(server, 3)
    last_written = read_stream(server, arn)[-1]["dynamodb"]["SequenceNumber"]

    disable_stream(server)
    put(server, {"orderId": {"S": "ORD-after-close"}})
    description = server.client("dynamodbstreams").describe_stream(
        StreamArn=arn)["StreamDescription"]

    assert description["StreamStatus"] == "DISABLED"
    ending = description["Shards"][0]["SequenceNumberRange"]["EndingSequenceNumber"]
    assert int(ending) >= int(last_written)
    table = server.client("dynamodb").describe_table(TableName=TABLE)["Table"]
    assert table.get("StreamSpecification", {"StreamEnabled": False})["StreamEnabled"] is False
    assert read_stream(server, arn)[-1]["dynamodb"]["SequenceNumber"] == last_written


def test_closed_shard_reader_ends(server):
    arn = create_table(server)
    put_orders(server, 5)
    streams = server.client("dynamodbstreams")
    shard_iterator = iterator(server, arn, "TRIM_HORIZON")
    disable_stream(server)
    put(server, {"orderId": {"S": "ORD-after-close"}})

    keys = []
    for _ in range(10):
        response = streams.get_records(ShardIterator=shard_iterator, Limit=2)
        keys += [r["dynamodb"]["Keys"]["orderId"]["S"] for r in response["Records"]]
        shard_iterator = response.get("NextShardIterator")
        if not shard_iterator:
            break

    assert keys == [f"ORD-{i}" for i in range(5)]
    assert shard_iterator is None


def test_reenable_creates_new_stream(server):
    old_arn = create_table(server)
    ddb = server.client("dynamodb")
    streams = server.client("dynamodbstreams")
    old_label = ddb.describe_table(TableName=TABLE)["Table"]["LatestStreamLabel"]
    put(server, {"orderId": {"S": "ORD-old"}})
    disable_stream(server)

    updated = ddb.update_table(TableName=TABLE, StreamSpecification={
        "StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})["TableDescription"]
    put(server, {"orderId": {"S": "ORD-new"}})

    new_arn = updated["LatestStreamArn"]
    assert updated["LatestStreamLabel"] != old_label
    assert new_arn != old_arn
    assert updated["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}
    listed = {s["StreamArn"] for s in streams.list_streams(TableName=TABLE)["Streams"]}
    assert listed == {old_arn, new_arn}
    assert streams.describe_stream(StreamArn=new_arn)["StreamDescription"]["StreamStatus"] == (
        "ENABLED")
    assert [r["dynamodb"]["Keys"]["orderId"]["S"] for r in read_stream(server, old_arn)] == [
        "ORD-old"]
    new_records = read_stream(server, new_arn)
    assert [r["dynamodb"]["Keys"]["orderId"]["S"] for r in new_records] == ["ORD-new"]
    assert new_records[0]["dynamodb"]["StreamViewType"] == "KEYS_ONLY"


def test_enable_twice_rejected(server):
    create_table(server)

    with pytest.raises(ClientError) as raised:
        server.client("dynamodb").update_table(TableName=TABLE, StreamSpecification={
            "StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})

    assert raised.value.response["Error"]["Code"] == "ValidationException"


@pytest.mark.parametrize("bad_iterator", ["not-an-iterator", "AAAA", "x" * 200])
def test_malformed_iterator(server, bad_iterator):
    create_table(server)

    with pytest.raises(ClientError) as raised:
        server.client("dynamodbstreams").get_records(ShardIterator=bad_iterator)

    assert raised.value.response["Error"]["Code"] == "ValidationException"


def test_unknown_shard(server):
    arn = create_table(server)

    with pytest.raises(ClientError) as raised:
        server.client("dynamodbstreams").get_shard_iterator(
            StreamArn=arn, ShardId="shardId-00000000000000000000-00000000",
            ShardIteratorType="TRIM_HORIZON")

    assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_stream_with_cli(server):
    arn = create_table(server)
    write_insert_modify_remove(server)

    listed = server.aws("dynamodbstreams", "list-streams", "--table-name", TABLE)
    described = server.aws("dynamodbstreams", "describe-stream", "--stream-arn", arn)
    shard_id = described["StreamDescription"]["Shards"][0]["ShardId"]
    shard_iterator = server.aws("dynamodbstreams", "get-shard-iterator", "--stream-arn", arn,
                                "--shard-id", shard_id, "--shard-iterator-type", "TRIM_HORIZON")
    records = server.aws("dynamodbstreams", "get-records", "--shard-iterator",
                         shard_iterator["ShardIterator"])

    assert [s["StreamArn"] for s in listed["Streams"]] == [arn]
    assert described["StreamDescription"]["StreamStatus"] == "ENABLED"
    assert [r["eventName"] for r in records["Records"]] == ["INSERT", "MODIFY", "REMOVE"]
    assert records["Records"][0]["dynamodb"]["NewImage"] == json.loads(json.dumps(FIRST))
    assert "NextShardIterator" in records
