"""Crash safety and process lifecycle: kill -9 during writes, clean restarts,
and the command line's failures and help."""

import collections
import socket
import threading

import pytest
from botocore.exceptions import BotoCoreError

from conftest import list_shards, read_stream, run_tidings, wait_for, write_config

TABLE = "Orders"
WRITER_THREADS = 4
ORDERS_PER_THREAD = 60  # Below 100, so each user's notifications fit on one inbox page.
ACKS_BEFORE_KILL = 240


def create_orders_table(server):
    table = server.client("dynamodb").create_table(
        TableName=TABLE, KeySchema=[{"AttributeName": "orderId", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "orderId", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    return table["TableDescription"]["LatestStreamArn"]


def put_processing(ddb, order_id, user):
    ddb.put_item(TableName=TABLE, Item={"orderId": {"S": order_id}, "userId": {"S": user},
                                        "status": {"S": "processing"}})


def ship(ddb, order_id):
    ddb.update_item(TableName=TABLE, Key={"orderId": {"S": order_id}},
                    UpdateExpression="SET #s = :s, trackingNumber = :t",
                    ExpressionAttributeNames={"#s": "status"},
                    ExpressionAttributeValues={":s": {"S": "shipped"},
                                               ":t": {"S": "TRACK-" + order_id}})


def write_orders(ddb, thread_index, acked, errors):
    """Puts orders as processing, ships each, and records every acknowledged write.

    Stops at the first connection failure, which is the server being killed.
    Any other failure is kept in `errors`.
    """
    user = f"user-{thread_index}"
    try:
        for i in range(ORDERS_PER_THREAD):
            order_id = f"ORD-{thread_index}-{i:03}"
            put_processing(ddb, order_id, user)
            acked.append((order_id, "put"))
            ship(ddb, order_id)
            acked.append((order_id, "ship"))
    except BotoCoreError:
        return
    except Exception as error:  # A rejected write is a test failure, not the crash.
        errors.append(error)


# The third case rolls stream shards over every second while the writers
# run, so the pipeline and the stream cross several shard generations.
@pytest.mark.parametrize("durability,stream_args", [
    ("sync", []), ("async", []), ("sync", ["--stream-shards", "3", "--stream-shard-period", "1s"])],
    ids=["sync", "async", "sync-rollover"])
def test_kill9_loses_no_acknowledged_write(make_server, durability, stream_args):
    server = make_server(extra_args=stream_args)
    server.start(durability=durability)
    stream_arn = create_orders_table(server)
    clients = [server.client("dynamodb") for _ in range(WRITER_THREADS)]
    acked, errors = [], []
    threads = [threading.Thread(target=write_orders, args=(clients[i], i, acked, errors))
               for i in range(WRITER_THREADS)]
    for thread in threads:
        thread.start()

    reached = wait_for(lambda: len(acked) >= ACKS_BEFORE_KILL, timeout=120)
    server.kill9()
    for thread in threads:
        thread.join(timeout=60)
    server.start()

    assert reached, f"only {len(acked)} writes were acknowledged before the kill"
    assert errors == []
    acked_puts = {order for order, kind in acked if kind == "put"}
    acked_ships = {order for order, kind in acked if kind == "ship"}
    assert len(acked_ships) < WRITER_THREADS * ORDERS_PER_THREAD, "the kill came after all writes"

    # Every acknowledged write is in the table.
    ddb = server.client("dynamodb")
    items = {item["orderId"]["S"]: item for item in ddb.scan(TableName=TABLE)["Items"]}
    assert acked_puts <= set(items)
    for order in acked_ships:
        assert items[order]["status"] == {"S": "shipped"}, order

    # Every change that reached the table is in the stream once, in order.
    records = read_stream(server, stream_arn)
    numbers = [int(r["dynamodb"]["SequenceNumber"]) for r in records]
    assert numbers == sorted(set(numbers))
    events = collections.defaultdict(list)
    for record in records:
        events[record["dynamodb"]["Keys"]["orderId"]["S"]].append(record["eventName"])
    for order, item in items.items():
        expected = ["INSERT", "MODIFY"] if item["status"]["S"] == "shipped" else ["INSERT"]
        assert events[order] == expected, order
    assert set(events) == set(items)

    if stream_args:
        # The marker below then lands in a later shard generation than the
        # writes before the kill.
        assert wait_for(lambda: any("ParentShardId" in shard
                                    for shard in list_shards(server, stream_arn)), timeout=30)

    # Each shipped order notifies its user exactly once. A marker order shipped
    # after the restart shows the pipeline has passed every earlier record.
    put_processing(ddb, "ORD-9-marker", "user-9")
    ship(ddb, "ORD-9-marker")
    assert wait_for(lambda: server.inbox("user-9")["total"] == 1, timeout=60)
    shipped = {order for order, item in items.items() if item["status"]["S"] == "shipped"}
    titles = collections.Counter()
    for i in range(WRITER_THREADS):
        for notification in server.inbox(f"user-{i}")["notifications"]:
            titles[notification["title"]] += 1
    assert titles == collections.Counter(f"Order {order} shipped" for order in shipped)
    for order in acked_ships:
        assert titles[f"Order {order} shipped"] == 1, order

    # Writes after the restart continue the sequence.
    after = read_stream(server, stream_arn)[len(records):]
    assert [r["dynamodb"]["Keys"]["orderId"]["S"] for r in after] == ["ORD-9-marker"] * 2
    assert int(after[0]["dynamodb"]["SequenceNumber"]) > numbers[-1]


@pytest.mark.parametrize("durability", ["sync", "async"])
def test_kill9_keeps_inbox(make_server, durability):
    server = make_server()
    server.start(durability=durability)
    headers = {"X-MAGICBELL-API-KEY": "key", "X-MAGICBELL-API-SECRET": "secret"}
    for i in range(20):
        status, _ = server.http("POST", "/broadcasts", headers=headers, body={
            "title": f"note {i}", "recipients": [{"external_id": "user-1"}]})
        assert status == 201
    first_id = server.inbox("user-1")["notifications"][-1]["id"]
    status, _ = server.http("POST", f"/notifications/{first_id}/read", headers={
        "X-MAGICBELL-API-KEY": "key", "X-MAGICBELL-USER-EXTERNAL-ID": "user-1"})
    assert status == 204
    inbox_before = server.inbox("user-1")

    server.kill9()
    server.start()

    assert server.inbox("user-1") == inbox_before
    assert inbox_before["total"] == 20
    assert inbox_before["unread_count"] == 19


def test_sigterm_restart_keeps_state(server):
    stream_arn = create_orders_table(server)
    ddb = server.client("dynamodb")
    for i in range(3):
        put_processing(ddb, f"ORD-{i}", "user-1")
        ship(ddb, f"ORD-{i}")
    assert wait_for(lambda: server.inbox("user-1")["total"] == 3)
    first_id = server.inbox("user-1")["notifications"][0]["id"]
    status, _ = server.http("POST", f"/notifications/{first_id}/read", headers={
        "X-MAGICBELL-API-KEY": "key", "X-MAGICBELL-USER-EXTERNAL-ID": "user-1"})
    assert status == 204
    items_before = ddb.scan(TableName=TABLE)["Items"]
    records_before = read_stream(server, stream_arn)
    inbox_before = server.inbox("user-1")

    exit_code = server.stop()
    server.start()

    assert exit_code == 0
    assert server.client("dynamodb").scan(TableName=TABLE)["Items"] == items_before
    assert read_stream(server, stream_arn) == records_before
    assert server.inbox("user-1") == inbox_before
    assert inbox_before["unread_count"] == 2


def test_sigterm_restart_writes_continue(server):
    stream_arn = create_orders_table(server)
    ddb = server.client("dynamodb")
    put_processing(ddb, "ORD-1", "user-1")

    server.restart()
    ddb = server.client("dynamodb")
    ship(ddb, "ORD-1")

    records = read_stream(server, stream_arn)
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY"]
    assert int(records[1]["dynamodb"]["SequenceNumber"]) > int(
        records[0]["dynamodb"]["SequenceNumber"])
    assert wait_for(lambda: server.inbox("user-1")["total"] == 1)


def test_iterator_survives_restart(server):
    stream_arn = create_orders_table(server)
    ddb = server.client("dynamodb")
    put_processing(ddb, "ORD-1", "user-1")
    streams = server.client("dynamodbstreams")
    shard_iterators = [
        streams.get_shard_iterator(StreamArn=stream_arn, ShardId=shard["ShardId"],
                                   ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        for shard in list_shards(server, stream_arn)]

    server.restart()
    streams = server.client("dynamodbstreams")
    records = [record for shard_iterator in shard_iterators
               for record in streams.get_records(ShardIterator=shard_iterator)["Records"]]

    assert [r["dynamodb"]["Keys"]["orderId"]["S"] for r in records] == ["ORD-1"]


def test_second_server_same_data_dir(server):
    result = run_tidings("serve", "--listen", "127.0.0.1:0", "--data-dir", server.data_dir)

    assert result.returncode != 0
    assert server.data_dir in result.stderr
    assert "in use" in result.stderr
    # The first server still serves.
    assert server.client("dynamodb").list_tables()["TableNames"] == []


def test_port_taken_by_socket(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        result = run_tidings("serve", "--listen", f"127.0.0.1:{port}",
                             "--data-dir", str(tmp_path / "data"))

    assert result.returncode != 0
    assert str(port) in result.stderr
    assert "listen" in result.stderr


def test_port_taken_by_tidings(server, tmp_path):
    result = run_tidings("serve", "--listen", f"127.0.0.1:{server.port}",
                         "--data-dir", str(tmp_path / "other"))

    assert result.returncode != 0
    assert str(server.port) in result.stderr


UNKNOWN_NESTED_KEY = """\
region: us-east-1
pipelines:
  - name: order-shipped
    source:
      table: Orders
    notify:
      title: "Order {{new.orderId}} shipped"
      recipient_external_id: "{{new.userId}}"
      colour: red
"""


def test_config_unknown_key(tmp_path):
    config = write_config(str(tmp_path), UNKNOWN_NESTED_KEY)

    result = run_tidings("serve", "--listen", "127.0.0.1:0", "--data-dir",
                         str(tmp_path / "data"), "--config", config)

    assert result.returncode != 0
    assert "line 9" in result.stderr
    assert "colour" in result.stderr
    assert config in result.stderr


def test_config_unknown_top_level_key(tmp_path):
    config = write_config(str(tmp_path), "region: us-east-1\nregoin: eu-west-1\n")

    result = run_tidings("serve", "--listen", "127.0.0.1:0", "--data-dir",
                         str(tmp_path / "data"), "--config", config)

    assert result.returncode != 0
    assert "line 2" in result.stderr
    assert "regoin" in result.stderr


INVALID_PATTERN = """\
pipelines:
  - name: bad-filter
    source:
      table: Orders
    filter_criteria:
      filters:
        - pattern: '{"dynamodb": {"NewImage": {"status": {"S": [{"contains": "x"}]}}}}'
    notify:
      title: "{{new.orderId}}"
      recipient_external_id: "{{new.userId}}"
"""

UNCLOSED_TEMPLATE = """\
pipelines:
  - name: bad-template
    source:
      table: Orders
    notify:
      title: "Order {{new.orderId shipped"
      recipient_external_id: "{{new.userId}}"
"""


@pytest.mark.parametrize("text,words", [
    (INVALID_PATTERN, ["line 7", "filters[0].pattern", "contains"]),
    (UNCLOSED_TEMPLATE, ["line 6", "notify.title", "{{"]),
], ids=["pattern", "template"])
def test_config_invalid_pipeline(tmp_path, text, words):
    config = write_config(str(tmp_path), text)

    result = run_tidings("serve", "--listen", "127.0.0.1:0", "--data-dir",
                         str(tmp_path / "data"), "--config", config)

    assert result.returncode != 0
    for word in words:
        assert word in result.stderr, word


def test_config_missing_file(tmp_path):
    missing = str(tmp_path / "absent.yaml")

    result = run_tidings("serve", "--listen", "127.0.0.1:0", "--data-dir",
                         str(tmp_path / "data"), "--config", missing)

    assert result.returncode != 0
    assert missing in result.stderr


def test_invalid_durability(tmp_path):
    result = run_tidings("serve", "--listen", "127.0.0.1:0", "--data-dir",
                         str(tmp_path / "data"), "--durability", "sometimes")

    assert result.returncode != 0
    assert "durability" in result.stderr


def test_data_dir_is_file(tmp_path):
    path = tmp_path / "plain-file"
    path.write_text("not a directory")

    result = run_tidings("serve", "--listen", "127.0.0.1:0", "--data-dir", str(path))

    assert result.returncode != 0
    assert str(path) in result.stderr


def test_help():
    result = run_tidings("--help")

    assert result.returncode == 0
    assert "serve" in result.stdout


def test_serve_help():
    result = run_tidings("serve", "--help")

    assert result.returncode == 0
    for flag in ("--listen", "--data-dir", "--config", "--durability", "--log-level", "--help"):
        assert flag in result.stdout, flag


def test_serve_help_mentions_choices():
    result = run_tidings("serve", "--help")

    assert "sync" in result.stdout
    assert "async" in result.stdout
