"""DynamoDB Streams with several shards, shard rollover, iterator expiry,
retention and trimming, through boto3's dynamodbstreams client."""

import re
import threading

import boto3
import pytest
from botocore.exceptions import ClientError

from conftest import list_shards, read_shard, read_stream, run_tidings, wait_for, write_config

TABLE = "Orders"
SHARD_ID = re.compile(r"shardId-\d{20}-[0-9a-f]{8}")


def create_table(server, name=TABLE, tags=None):
    """Creates a table with a NEW_AND_OLD_IMAGES stream and returns the stream's ARN."""
    request = dict(
        TableName=name, KeySchema=[{"AttributeName": "orderId", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "orderId", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    ddb = server.client("dynamodb")
    table = ddb.create_table(**request)["TableDescription"]
    if tags:
        ddb.tag_resource(ResourceArn=table["TableArn"],
                         Tags=[{"Key": key, "Value": value} for key, value in tags.items()])
    return table["LatestStreamArn"]


def put(server, key, version, table=TABLE):
    server.client("dynamodb").put_item(
        TableName=table, Item={"orderId": {"S": key}, "version": {"N": str(version)}})


def error_code(raised):
    return raised.value.response["Error"]["Code"]


def key_and_version(record):
    image = record["dynamodb"]["NewImage"]
    return image["orderId"]["S"], int(image["version"]["N"])


def closed_shards(server, arn):
    return [s for s in list_shards(server, arn) if "EndingSequenceNumber" in s["SequenceNumberRange"]]


def read_by_lineage(server, arn, done):
    """Reads the stream as a lineage-following consumer does: a shard only
    after its parent has ended, each from TRIM_HORIZON, until `done()` returns
    true and every listed shard has been read to its end or to an empty read.

    Returns the records in the order the consumer saw them.
    """
    streams = server.client("dynamodbstreams")
    finished, iterators, seen = set(), {}, []
    while True:
        writers_done = done()
        progress = False
        shards = list_shards(server, arn)
        listed = {shard["ShardId"] for shard in shards}
        for shard in shards:
            shard_id = shard["ShardId"]
            parent = shard.get("ParentShardId")
            if shard_id in finished or (parent in listed and parent not in finished):
                continue
            if shard_id not in iterators:
                iterators[shard_id] = streams.get_shard_iterator(
                    StreamArn=arn, ShardId=shard_id,
                    ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
            response = streams.get_records(ShardIterator=iterators[shard_id], Limit=50)
            seen += response["Records"]
            progress = progress or bool(response["Records"])
            if "NextShardIterator" in response:
                iterators[shard_id] = response["NextShardIterator"]
            else:
                finished.add(shard_id)
                progress = True
        if writers_done and not progress:
            return seen


def test_shard_ids_and_count(make_server):
    server = make_server(extra_args=["--stream-shards", "4"]).start()
    arn = create_table(server)

    shards = list_shards(server, arn)

    assert len(shards) == 4
    for shard in shards:
        assert SHARD_ID.fullmatch(shard["ShardId"]), shard["ShardId"]
        assert "ParentShardId" not in shard
        assert "EndingSequenceNumber" not in shard["SequenceNumberRange"]
    assert len({shard["ShardId"] for shard in shards}) == 4


def test_key_stays_in_one_shard(make_server):
    server = make_server(extra_args=["--stream-shards", "4"]).start()
    arn = create_table(server)
    for version in range(1, 4):
        for i in range(20):
            put(server, f"ORD-{i}", version)

    shard_of_key = {}
    for shard in list_shards(server, arn):
        versions = {}
        for record in read_shard(server, arn, shard["ShardId"]):
            key, version = key_and_version(record)
            assert shard_of_key.setdefault(key, shard["ShardId"]) == shard["ShardId"], key
            versions.setdefault(key, []).append(version)
        for key, seen in versions.items():
            assert seen == [1, 2, 3], key

    assert len(shard_of_key) == 20
    assert len(set(shard_of_key.values())) > 1


def test_describe_stream_paging(make_server):
    server = make_server(extra_args=["--stream-shards", "5"]).start()
    arn = create_table(server)
    streams = server.client("dynamodbstreams")

    first = streams.describe_stream(StreamArn=arn, Limit=2)["StreamDescription"]
    second = streams.describe_stream(StreamArn=arn, Limit=2, ExclusiveStartShardId=first[
        "LastEvaluatedShardId"])["StreamDescription"]
    third = streams.describe_stream(StreamArn=arn, Limit=2, ExclusiveStartShardId=second[
        "LastEvaluatedShardId"])["StreamDescription"]
    everything = streams.describe_stream(StreamArn=arn)["StreamDescription"]

    assert [len(page["Shards"]) for page in (first, second, third)] == [2, 2, 1]
    assert first["LastEvaluatedShardId"] == first["Shards"][-1]["ShardId"]
    assert "LastEvaluatedShardId" not in third
    assert "LastEvaluatedShardId" not in everything
    paged = [s["ShardId"] for page in (first, second, third) for s in page["Shards"]]
    assert paged == [s["ShardId"] for s in everything["Shards"]]
    for field in ("StreamArn", "StreamLabel", "StreamStatus", "StreamViewType", "TableName",
                  "KeySchema", "CreationRequestDateTime"):
        assert field in first, field


def streams_call(server, operation, body):
    """Calls a Streams operation over plain HTTP, past boto3's own checks, and
    returns (status, parsed body)."""
    return server.http("POST", "/", body=body, headers={
        "X-Amz-Target": f"DynamoDBStreams_20120810.{operation}",
        "Content-Type": "application/x-amz-json-1.0"})


@pytest.mark.parametrize("limit", [0, 101])
def test_describe_stream_limit_invalid(make_server, limit):
    server = make_server().start()
    arn = create_table(server)

    status, body = streams_call(server, "DescribeStream", {"StreamArn": arn, "Limit": limit})

    assert status == 400
    assert body["__type"].endswith("#ValidationException")
    assert "limit" in body["message"]


@pytest.mark.parametrize("limit", [0, 1001])
def test_get_records_limit_invalid(make_server, limit):
    server = make_server().start()
    arn = create_table(server)
    shard_id = list_shards(server, arn)[0]["ShardId"]
    iterator = server.client("dynamodbstreams").get_shard_iterator(
        StreamArn=arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]

    status, body = streams_call(server, "GetRecords", {"ShardIterator": iterator, "Limit": limit})

    assert status == 400
    assert body["__type"].endswith("#ValidationException")
    assert "limit" in body["message"]


def test_latest_then_write_on_any_shard(make_server):
    server = make_server(extra_args=["--stream-shards", "4"]).start()
    arn = create_table(server)
    streams = server.client("dynamodbstreams")
    iterators = [streams.get_shard_iterator(StreamArn=arn, ShardId=s["ShardId"],
                                            ShardIteratorType="LATEST")["ShardIterator"]
                 for s in list_shards(server, arn)]

    put(server, "ORD-late", 1)
    records = [r for it in iterators for r in streams.get_records(ShardIterator=it)["Records"]]

    assert [key_and_version(r) for r in records] == [("ORD-late", 1)]


def test_rollover_closes_and_links_shards(make_server):
    server = make_server(extra_args=["--stream-shards", "2", "--stream-shard-period", "1s"]).start()
    arn = create_table(server)
    for i in range(6):
        put(server, f"ORD-{i}", 1)

    assert wait_for(lambda: len(closed_shards(server, arn)) >= 2, timeout=20)
    shards = list_shards(server, arn)
    by_id = {shard["ShardId"]: shard for shard in shards}
    closed = [s for s in shards if "EndingSequenceNumber" in s["SequenceNumberRange"]]
    children = [s for s in shards if "ParentShardId" in s]

    assert children, "no shard names a parent"
    for child in children:
        parent = by_id[child["ParentShardId"]]
        parent_end = int(parent["SequenceNumberRange"]["EndingSequenceNumber"])
        assert int(child["SequenceNumberRange"]["StartingSequenceNumber"]) > parent_end
    first_generation = [s for s in closed if "ParentShardId" not in s]
    records = [r for s in first_generation for r in read_shard(server, arn, s["ShardId"])]
    assert sorted(key_and_version(r)[0] for r in records) == [f"ORD-{i}" for i in range(6)]
    for shard in first_generation:
        end = int(shard["SequenceNumberRange"]["EndingSequenceNumber"])
        for record in read_shard(server, arn, shard["ShardId"]):
            assert int(record["dynamodb"]["SequenceNumber"]) <= end


def test_closed_shard_ends_iteration(make_server):
    server = make_server(extra_args=["--stream-shards", "1", "--stream-shard-period", "1s"]).start()
    arn = create_table(server)
    put(server, "ORD-1", 1)
    put(server, "ORD-1", 2)
    assert wait_for(lambda: closed_shards(server, arn), timeout=20)
    first = closed_shards(server, arn)[0]
    streams = server.client("dynamodbstreams")
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=first["ShardId"],
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]

    versions = []
    for _ in range(5):
        response = streams.get_records(ShardIterator=iterator, Limit=1)
        versions += [key_and_version(r)[1] for r in response["Records"]]
        iterator = response.get("NextShardIterator")
        if iterator is None:
            break

    assert versions == [1, 2]
    assert iterator is None


def test_lineage_reader_exactly_once(make_server):
    """A consumer that follows shard lineage from TRIM_HORIZON while writers
    run reads every change once, and each item's changes in order."""
    server = make_server(extra_args=["--stream-shards", "3", "--stream-shard-period", "1s"]).start()
    arn = create_table(server)
    keys, versions = [f"ORD-{i}" for i in range(8)], 15
    stop = threading.Event()

    def write_key(key):
        # boto3's default session is not thread-safe, so each writer gets its own.
        ddb = boto3.session.Session().client(
            "dynamodb", endpoint_url=server.url, region_name="us-east-1",
            aws_access_key_id="test", aws_secret_access_key="test")
        for version in range(1, versions + 1):
            ddb.put_item(TableName=TABLE,
                         Item={"orderId": {"S": key}, "version": {"N": str(version)}})

    def write_all():
        threads = [threading.Thread(target=write_key, args=(key,)) for key in keys]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        # Let at least one more rollover happen after the last write.
        generations = len(closed_shards(server, arn))
        wait_for(lambda: len(closed_shards(server, arn)) > generations, timeout=20)
        stop.set()

    writer = threading.Thread(target=write_all)
    writer.start()
    seen = read_by_lineage(server, arn, stop.is_set)
    writer.join()

    assert len(closed_shards(server, arn)) >= 3
    order = {}
    for record in seen:
        key, version = key_and_version(record)
        order.setdefault(key, []).append(version)
    assert sorted(order) == sorted(keys)
    for key in keys:
        assert order[key] == list(range(1, versions + 1)), key


def test_shards_survive_kill9(make_server):
    server = make_server(extra_args=["--stream-shards", "2", "--stream-shard-period", "1s"])
    server.start()
    arn = create_table(server)
    put(server, "ORD-1", 1)
    assert wait_for(lambda: closed_shards(server, arn), timeout=20)
    put(server, "ORD-1", 2)
    before = list_shards(server, arn)
    records_before = read_stream(server, arn)

    server.kill9()
    server.extra_args = ["--stream-shards", "2", "--stream-shard-period", "1h"]
    server.start()

    assert list_shards(server, arn)[:len(before)] == before
    assert read_stream(server, arn) == records_before
    put(server, "ORD-1", 3)
    numbers = [int(r["dynamodb"]["SequenceNumber"]) for r in read_stream(server, arn)]
    assert numbers == sorted(numbers)
    assert len(numbers) == 3


def test_iterator_expires(make_server):
    server = make_server(extra_args=["--stream-iterator-lifetime", "1s"]).start()
    arn = create_table(server)
    streams = server.client("dynamodbstreams")
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=list_shards(server, arn)[0][
        "ShardId"], ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    streams.get_records(ShardIterator=iterator)

    def expired():
        try:
            streams.get_records(ShardIterator=iterator)
        except ClientError as error:
            return error
        return None

    error = wait_for(expired, timeout=10, interval=0.2)

    assert error is not None
    assert error.response["Error"]["Code"] == "ExpiredIteratorException"
    assert "Iterator expired" in error.response["Error"]["Message"]


def trimmed_error(call):
    """Calls `call` and returns the error code it raised, or None."""
    try:
        call()
    except ClientError as error:
        return error.response["Error"]["Code"]
    return None


def test_trimming_moves_trim_horizon(make_server):
    server = make_server(extra_args=["--stream-shards", "1", "--stream-retention", "3s"]).start()
    arn = create_table(server)
    streams = server.client("dynamodbstreams")
    shard_id = list_shards(server, arn)[0]["ShardId"]
    put(server, "ORD-old", 1)
    old_sequence = read_stream(server, arn)[0]["dynamodb"]["SequenceNumber"]
    horizon = streams.get_shard_iterator(StreamArn=arn, ShardId=shard_id,
                                         ShardIteratorType="TRIM_HORIZON")["ShardIterator"]

    def at_old():
        return streams.get_shard_iterator(StreamArn=arn, ShardId=shard_id,
                                          ShardIteratorType="AT_SEQUENCE_NUMBER",
                                          SequenceNumber=old_sequence)

    assert wait_for(lambda: trimmed_error(at_old) == "TrimmedDataAccessException", timeout=20)
    assert trimmed_error(lambda: streams.get_records(ShardIterator=horizon)) == (
        "TrimmedDataAccessException")
    put(server, "ORD-new", 1)
    assert [key_and_version(r) for r in read_shard(server, arn, shard_id)] == [("ORD-new", 1)]


def test_retention_tag_trims(make_server):
    server = make_server(extra_args=["--stream-shards", "1"]).start()
    arn = create_table(server, tags={"tidings:stream-retention": "2s"})
    put(server, "ORD-1", 1)

    assert wait_for(lambda: read_stream(server, arn) == [], timeout=20)


def test_retention_tag_invalid(make_server):
    server = make_server().start()
    create_table(server)
    ddb = server.client("dynamodb")
    table_arn = ddb.describe_table(TableName=TABLE)["Table"]["TableArn"]

    with pytest.raises(ClientError) as raised:
        ddb.tag_resource(ResourceArn=table_arn,
                         Tags=[{"Key": "tidings:stream-retention", "Value": "soon"}])

    assert error_code(raised) == "ValidationException"


def stream_listed(server, arn):
    streams = server.client("dynamodbstreams").list_streams()["Streams"]
    return arn in [stream["StreamArn"] for stream in streams]


def test_disabled_stream_removed_after_retention(make_server):
    server = make_server(extra_args=["--stream-retention", "3s"]).start()
    arn = create_table(server)
    put(server, "ORD-1", 1)
    server.client("dynamodb").update_table(TableName=TABLE,
                                           StreamSpecification={"StreamEnabled": False})

    description = server.client("dynamodbstreams").describe_stream(StreamArn=arn)
    assert description["StreamDescription"]["StreamStatus"] == "DISABLED"
    assert stream_listed(server, arn)
    assert wait_for(lambda: not stream_listed(server, arn), timeout=20)
    with pytest.raises(ClientError) as raised:
        server.client("dynamodbstreams").describe_stream(StreamArn=arn)
    assert error_code(raised) == "ResourceNotFoundException"


def test_deleted_table_stream_removed_after_retention(make_server):
    server = make_server(extra_args=["--stream-retention", "3s"]).start()
    arn = create_table(server)
    put(server, "ORD-1", 1)
    server.client("dynamodb").delete_table(TableName=TABLE)

    assert [key_and_version(r) for r in read_stream(server, arn)] == [("ORD-1", 1)]
    assert wait_for(lambda: not stream_listed(server, arn), timeout=20)


def test_list_streams_paging_and_filter(make_server):
    server = make_server().start()
    arns = [create_table(server, name=f"Table-{i}") for i in range(3)]
    streams = server.client("dynamodbstreams")

    first = streams.list_streams(Limit=1)
    rest = streams.list_streams(Limit=5, ExclusiveStartStreamArn=first["LastEvaluatedStreamArn"])
    filtered = streams.list_streams(TableName="Table-1")["Streams"]

    assert [s["StreamArn"] for s in first["Streams"] + rest["Streams"]] == arns
    assert "LastEvaluatedStreamArn" not in rest
    assert [s["StreamArn"] for s in filtered] == [arns[1]]


def test_unchanged_put_makes_no_record(make_server):
    server = make_server().start()
    arn = create_table(server)
    put(server, "ORD-1", 1)
    put(server, "ORD-1", 1)
    put(server, "ORD-1", 2)

    assert [key_and_version(r) for r in read_stream(server, arn)] == [("ORD-1", 1), ("ORD-1", 2)]


def test_config_sets_shards_and_flag_overrides(make_server, tmp_path):
    config = write_config(str(tmp_path), "streams:\n  shards: 2\n  retention: 48h\n")
    from_config = make_server(config=config, directory=str(tmp_path / "a")).start()
    from_flag = make_server(config=config, extra_args=["--stream-shards", "3"],
                            directory=str(tmp_path / "b")).start()

    assert len(list_shards(from_config, create_table(from_config))) == 2
    assert len(list_shards(from_flag, create_table(from_flag))) == 3


def test_invalid_stream_flag_rejected(tmp_path):
    result = run_tidings("serve", "--data-dir", str(tmp_path / "data"), "--listen",
                         "127.0.0.1:0", "--stream-retention", "soon")

    assert result.returncode == 2
    assert "--stream-retention" in result.stderr
    assert "soon" in result.stderr


def test_shards_listed_in_lexical_order(make_server):
    server = make_server(extra_args=["--stream-shards", "4", "--stream-shard-period", "1s"]).start()
    arn = create_table(server)
    put(server, "ORD-1", 1)
    assert wait_for(lambda: len(closed_shards(server, arn)) >= 4, timeout=30)

    shard_ids = [shard["ShardId"] for shard in list_shards(server, arn)]

    assert len(shard_ids) >= 8
    assert shard_ids == sorted(shard_ids)
    streams = server.client("dynamodbstreams")
    after_last = streams.describe_stream(StreamArn=arn, ExclusiveStartShardId=shard_ids[-1])
    assert after_last["StreamDescription"]["Shards"] == []
    unknown = streams.describe_stream(StreamArn=arn, ExclusiveStartShardId="z" * 40)
    assert unknown["StreamDescription"]["Shards"] == []


@pytest.mark.parametrize("iterator_type", ["TRIM_HORIZON", "LATEST"])
def test_sequence_number_with_positionless_type_rejected(make_server, iterator_type):
    server = make_server().start()
    arn = create_table(server)
    shard = list_shards(server, arn)[0]
    start = shard["SequenceNumberRange"]["StartingSequenceNumber"]

    with pytest.raises(ClientError) as raised:
        server.client("dynamodbstreams").get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType=iterator_type,
            SequenceNumber=start)

    assert error_code(raised) == "ValidationException"


def test_malformed_stream_arn_rejected(make_server):
    server = make_server().start()
    arn = create_table(server)
    shard_id = list_shards(server, arn)[0]["ShardId"]
    streams = server.client("dynamodbstreams")
    malformed = "s" * 50

    calls = [
        lambda: streams.describe_stream(StreamArn=malformed),
        lambda: streams.get_shard_iterator(StreamArn=malformed, ShardId=shard_id,
                                           ShardIteratorType="LATEST"),
        lambda: streams.list_streams(ExclusiveStartStreamArn=malformed),
    ]
    for call in calls:
        with pytest.raises(ClientError) as raised:
            call()
        assert error_code(raised) == "ValidationException"

    with pytest.raises(ClientError) as missing:
        streams.describe_stream(StreamArn=arn.replace(TABLE, "Missing"))
    assert error_code(missing) == "ResourceNotFoundException"


def test_write_after_idle_rollovers_is_read(make_server):
    server = make_server(extra_args=["--stream-shards", "2", "--stream-shard-period", "1s"]).start()
    arn = create_table(server)
    put(server, "ORD-1", 1)
    # Let several generations roll over without a single write.
    assert wait_for(lambda: len(closed_shards(server, arn)) >= 6, timeout=30)

    put(server, "ORD-2", 1)
    put(server, "ORD-1", 2)

    records = read_by_lineage(server, arn, done=lambda: True)
    assert sorted(key_and_version(record) for record in records) == [
        ("ORD-1", 1), ("ORD-1", 2), ("ORD-2", 1)]
    for shard in list_shards(server, arn):
        start = int(shard["SequenceNumberRange"]["StartingSequenceNumber"])
        for record in read_shard(server, arn, shard["ShardId"]):
            assert int(record["dynamodb"]["SequenceNumber"]) >= start
