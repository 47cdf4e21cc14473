"""Pipelines from stream to inbox, and the MagicBell-compatible inbox API.

Most tests write their own config file. Each pipeline sends to an inbox
named after it, so an inbox shows exactly what one pipeline delivered.
"""

import collections
import http.client
import json

import pytest

from conftest import wait_for, write_config

TABLE = "Events"
API_KEY = {"X-MAGICBELL-API-KEY": "key"}

# Each pipeline in the filter test also passes this record, so its arrival
# shows that the pipeline has read every record written before it.
MARKER_PATTERN = {"dynamodb": {"Keys": {"id": {"S": ["MARKER"]}}}}


def pipeline(name, patterns=(), position="TRIM_HORIZON", batch_size=100, window=0,
             title="{{keys.id}}", recipient=None, content=None, category=None,
             action_url=None, table=TABLE):
    """Returns the YAML of one pipeline entry."""
    lines = [f"  - name: {name}",
             "    source:",
             f"      table: {table}",
             f"    starting_position: {position}",
             f"    batch_size: {batch_size}",
             f"    maximum_batching_window_in_seconds: {window}"]
    if patterns:
        lines += ["    filter_criteria:", "      filters:"]
        lines += [f"        - pattern: '{json.dumps(pattern)}'" for pattern in patterns]
    lines += ["    notify:",
              f'      title: "{title}"',
              f'      recipient_external_id: "{recipient or name}"']
    for key, value in (("content", content), ("category", category),
                       ("action_url", action_url)):
        if value is not None:
            lines.append(f'      {key}: "{value}"')
    return "\n".join(lines)


def config_text(*pipelines):
    return "region: us-east-1\npipelines:\n" + "\n".join(pipelines) + "\n"


def start_with(make_server, tmp_path, *pipelines):
    path = write_config(str(tmp_path), config_text(*pipelines))
    return make_server(config=path).start()


def create_table(server, name=TABLE, key="id", stream=True):
    settings = {}
    if stream:
        settings["StreamSpecification"] = {"StreamEnabled": True,
                                           "StreamViewType": "NEW_AND_OLD_IMAGES"}
    server.client("dynamodb").create_table(
        TableName=name, KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST", **settings)


def put(server, item, table=TABLE):
    server.client("dynamodb").put_item(TableName=table, Item=item)


def titles(server, user):
    return collections.Counter(n["title"] for n in server.inbox(user)["notifications"])


def wait_for_title(server, user, title, timeout=30):
    return wait_for(lambda: title in titles(server, user), timeout=timeout)


# Table and stream discovery --------------------------------------------------

def put_processing(server, order_id, user="user-123"):
    put(server, {"orderId": {"S": order_id}, "userId": {"S": user},
                 "status": {"S": "processing"}}, table="Orders")


def ship(server, order_id):
    server.client("dynamodb").update_item(
        TableName="Orders", Key={"orderId": {"S": order_id}},
        UpdateExpression="SET #s = :s, trackingNumber = :t",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":s": {"S": "shipped"}, ":t": {"S": "TRACK-" + order_id}})


def test_table_created_after_start(server):
    """The Orders pipeline starts with no table and picks up the table and its stream."""
    create_table(server, name="Orders", key="orderId")

    put_processing(server, "ORD-1")
    ship(server, "ORD-1")

    assert wait_for_title(server, "user-123", "Order ORD-1 shipped")
    assert server.inbox("user-123")["total"] == 1


def test_stream_enabled_after_writes(server):
    create_table(server, name="Orders", key="orderId", stream=False)
    put_processing(server, "ORD-early")
    ship(server, "ORD-early")

    server.client("dynamodb").update_table(TableName="Orders", StreamSpecification={
        "StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    put_processing(server, "ORD-late")
    ship(server, "ORD-late")

    assert wait_for_title(server, "user-123", "Order ORD-late shipped")
    assert titles(server, "user-123") == {"Order ORD-late shipped": 1}


def test_stream_reenabled(server):
    create_table(server, name="Orders", key="orderId")
    put_processing(server, "ORD-1")
    ship(server, "ORD-1")
    assert wait_for_title(server, "user-123", "Order ORD-1 shipped")
    ddb = server.client("dynamodb")
    ddb.update_table(TableName="Orders", StreamSpecification={"StreamEnabled": False})

    ddb.update_table(TableName="Orders", StreamSpecification={
        "StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    put_processing(server, "ORD-2")
    ship(server, "ORD-2")

    assert wait_for_title(server, "user-123", "Order ORD-2 shipped")
    assert titles(server, "user-123") == {"Order ORD-1 shipped": 1, "Order ORD-2 shipped": 1}


def test_table_recreated(server):
    create_table(server, name="Orders", key="orderId")
    put_processing(server, "ORD-1")
    ship(server, "ORD-1")
    assert wait_for_title(server, "user-123", "Order ORD-1 shipped")

    server.client("dynamodb").delete_table(TableName="Orders")
    create_table(server, name="Orders", key="orderId")
    put_processing(server, "ORD-2")
    ship(server, "ORD-2")

    assert wait_for_title(server, "user-123", "Order ORD-2 shipped")
    assert titles(server, "user-123") == {"Order ORD-1 shipped": 1, "Order ORD-2 shipped": 1}


# Starting position and batching ----------------------------------------------

def test_trim_horizon_and_latest(make_server, tmp_path):
    # Records written before any pipeline has started.
    first = make_server(config=None).start()
    create_table(first)
    put(first, {"id": {"S": "before"}})
    first.stop()

    server = start_with(make_server, tmp_path,
                        pipeline("from-start", position="TRIM_HORIZON"),
                        pipeline("from-latest", position="LATEST"))
    put(server, {"id": {"S": "after"}})

    assert wait_for_title(server, "from-start", "after")
    assert wait_for_title(server, "from-latest", "after")
    assert titles(server, "from-start") == {"before": 1, "after": 1}
    assert titles(server, "from-latest") == {"after": 1}


def test_latest_restart_resumes(make_server, tmp_path):
    """LATEST applies to a pipeline's first start only, so a restart resumes where it stopped."""
    server = start_with(make_server, tmp_path, pipeline("from-latest", position="LATEST"))
    create_table(server)
    put(server, {"id": {"S": "one"}})
    assert wait_for_title(server, "from-latest", "one")

    put(server, {"id": {"S": "two"}})
    server.restart()  # Possibly before the pipeline has read "two".
    put(server, {"id": {"S": "three"}})

    assert wait_for_title(server, "from-latest", "three")
    assert titles(server, "from-latest") == {"one": 1, "two": 1, "three": 1}


def test_batching_delivers_each_once(make_server, tmp_path):
    server = start_with(make_server, tmp_path,
                        pipeline("batched", batch_size=3, window=1),
                        pipeline("single", batch_size=1))
    create_table(server)
    ids = [f"item-{i:02}" for i in range(10)]

    for item_id in ids:
        put(server, {"id": {"S": item_id}})

    for user in ("batched", "single"):
        assert wait_for(lambda: server.inbox(user)["total"] >= len(ids), timeout=60), user
    put(server, {"id": {"S": "last"}})
    for user in ("batched", "single"):
        assert wait_for_title(server, user, "last", timeout=60), user
        assert titles(server, user) == collections.Counter(ids + ["last"]), user


# Filter patterns --------------------------------------------------------------

FILTERS = {
    "exact": {"dynamodb": {"NewImage": {"kind": {"S": ["book"]}}}},
    "anything-but": {"dynamodb": {"NewImage": {"kind": {"S": [
        {"anything-but": ["book", "pen"]}]}}}},
    "exists": {"dynamodb": {"NewImage": {"gift": {"S": [{"exists": True}]}}}},
    "not-exists": {"dynamodb": {"NewImage": {"gift": {"S": [{"exists": False}]}}}},
    "prefix": {"dynamodb": {"Keys": {"id": {"S": [{"prefix": "VIP-"}]}}}},
    # NOTE: numeric on an N attribute is a tidings extension, because AWS
    # matches numeric only against JSON numbers (docs/filters-and-templates.md).
    "numeric": {"dynamodb": {"NewImage": {"total": {"N": [{"numeric": [">", 100, "<=", 500]}]}}}},
    "event-name": {"eventName": ["REMOVE"]},
    "and": {"eventName": ["INSERT"],
            "dynamodb": {"NewImage": {"kind": {"S": ["book"]}, "total": {"N": ["50"]}}}},
}

FILTER_ITEMS = [
    {"id": {"S": "A"}, "kind": {"S": "book"}, "total": {"N": "50"}},
    {"id": {"S": "B"}, "kind": {"S": "pen"}, "total": {"N": "150"}, "gift": {"BOOL": True}},
    {"id": {"S": "C"}, "kind": {"S": "lamp"}, "total": {"N": "500.00"}},
    {"id": {"S": "VIP-D"}, "kind": {"S": "book"}, "total": {"N": "501"}, "gift": {"S": "wrap"}},
    {"id": {"S": "E"}, "total": {"N": "100.5"}},
]

# Which records each pipeline notifies about, besides the marker. The REMOVE
# of A has no NewImage, so it passes the event-name pipeline and, because a
# missing field satisfies {"exists": false}, the not-exists pipeline too.
FILTER_EXPECTED = {
    "exact": ["A", "VIP-D"],
    "anything-but": ["C"],
    "exists": ["VIP-D"],
    "not-exists": ["A", "A", "B", "C", "E"],
    "prefix": ["VIP-D"],
    "numeric": ["B", "C", "E"],
    "event-name": ["A"],
    "and": ["A"],
}


def test_filter_patterns(make_server, tmp_path):
    server = start_with(make_server, tmp_path, *[
        pipeline(name, patterns=[pattern, MARKER_PATTERN]) for name, pattern in FILTERS.items()])
    create_table(server)

    for item in FILTER_ITEMS:
        put(server, item)
    server.client("dynamodb").delete_item(TableName=TABLE, Key={"id": {"S": "A"}})
    put(server, {"id": {"S": "MARKER"}})

    for name, expected in FILTER_EXPECTED.items():
        assert wait_for_title(server, name, "MARKER"), name
        assert titles(server, name) == collections.Counter(expected + ["MARKER"]), name


def test_filter_orders_example(server):
    """The example config notifies on the change to shipped, not on later writes."""
    create_table(server, name="Orders", key="orderId")
    put_processing(server, "ORD-1")
    ship(server, "ORD-1")
    ship(server, "ORD-1")  # Unchanged: no stream record.
    put(server, {"orderId": {"S": "ORD-2"}, "userId": {"S": "user-123"},
                 "status": {"S": "shipped"}}, table="Orders")  # INSERT: no OldImage.

    put_processing(server, "ORD-3")
    ship(server, "ORD-3")

    assert wait_for_title(server, "user-123", "Order ORD-3 shipped")
    assert titles(server, "user-123") == {"Order ORD-1 shipped": 1, "Order ORD-3 shipped": 1}


def test_empty_recipient_skipped(server):
    """A record whose recipient renders empty is skipped, and later records still notify."""
    create_table(server, name="Orders", key="orderId")
    put(server, {"orderId": {"S": "ORD-anon"}, "status": {"S": "processing"}}, table="Orders")
    ship(server, "ORD-anon")

    put_processing(server, "ORD-2")
    ship(server, "ORD-2")

    assert wait_for_title(server, "user-123", "Order ORD-2 shipped")
    assert titles(server, "user-123") == {"Order ORD-2 shipped": 1}


# Templates and the inbox -----------------------------------------------------

SHOP_PIPELINES = (
    pipeline("shipped", table="Shop", patterns=[{"eventName": ["MODIFY"]}],
             title="Order {{dynamodb.NewImage.orderId.S}} is {{new.status}}",
             content="{{new.orderId}}: {{old.status}} -> {{new.status}}, "
                     "total {{new.total}}, {{eventName}}",
             recipient="{{new.userId}}", category="order_update",
             action_url="https://shop.example/orders/{{keys.orderId}}"),
    pipeline("created", table="Shop", patterns=[{"eventName": ["INSERT"]}],
             title="New order {{new.orderId}}", content="was [{{old.status}}]",
             recipient="{{new.userId}}"),
)


def start_shop(make_server, tmp_path):
    server = start_with(make_server, tmp_path, *SHOP_PIPELINES)
    create_table(server, name="Shop", key="orderId")
    put(server, {"orderId": {"S": "ORD-7"}, "userId": {"S": "user-7"},
                 "status": {"S": "processing"}, "total": {"N": "129.50"}}, table="Shop")
    server.client("dynamodb").update_item(
        TableName="Shop", Key={"orderId": {"S": "ORD-7"}}, UpdateExpression="SET #s = :s",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":s": {"S": "shipped"}})
    assert wait_for(lambda: server.inbox("user-7")["total"] == 2, timeout=30)
    return server


def notification_titled(server, user, title):
    return next(n for n in server.inbox(user)["notifications"] if n["title"] == title)


def test_templates(make_server, tmp_path):
    server = start_shop(make_server, tmp_path)

    shipped = notification_titled(server, "user-7", "Order ORD-7 is shipped")
    created = notification_titled(server, "user-7", "New order ORD-7")

    assert shipped["content"] == "ORD-7: processing -> shipped, total 129.5, MODIFY"
    assert shipped["action_url"] == "https://shop.example/orders/ORD-7"
    assert shipped["category"] == "order_update"
    # A path missing from the record renders as nothing: an INSERT has no old image.
    assert created["content"] == "was []"
    assert created["category"] is None
    assert created["action_url"] is None


def test_inbox_shape(make_server, tmp_path):
    server = start_shop(make_server, tmp_path)

    inbox = server.inbox("user-7")

    assert inbox["total"] == 2
    assert inbox["per_page"] == 100
    assert inbox["page"] == 1
    assert inbox["unread_count"] == 2
    assert inbox["unseen_count"] == 2
    assert {n["title"] for n in inbox["notifications"]} == {"Order ORD-7 is shipped",
                                                           "New order ORD-7"}
    for notification in inbox["notifications"]:
        for field in ("id", "title", "content", "category", "action_url", "custom_attributes",
                      "sent_at", "read_at", "seen_at"):
            assert field in notification, field
        assert notification["id"]
        assert isinstance(notification["sent_at"], int)
        assert notification["read_at"] is None
        assert notification["seen_at"] is None
    assert inbox["notifications"][0]["id"] != inbox["notifications"][1]["id"]


def user_headers(user):
    return {**API_KEY, "X-MAGICBELL-USER-EXTERNAL-ID": user}


def broadcast(server, title, user, **fields):
    status, body = server.http("POST", "/broadcasts", body={
        "title": title, "recipients": [{"external_id": user}], **fields},
        headers={**API_KEY, "X-MAGICBELL-API-SECRET": "secret"})
    assert status == 201, body
    return body


def test_inbox_paging(server):
    for i in range(3):
        broadcast(server, f"note {i}", "user-1")

    status, first_page = server.http("GET", "/notifications?per_page=2",
                                     headers=user_headers("user-1"))
    second_status, second_page = server.http("GET", "/notifications?per_page=2&page=2",
                                             headers=user_headers("user-1"))

    assert status == 200
    assert second_status == 200
    # Newest first.
    assert [n["title"] for n in first_page["notifications"]] == ["note 2", "note 1"]
    assert first_page["page"] == 1
    assert second_page["total"] == 3
    assert second_page["per_page"] == 2
    assert second_page["page"] == 2
    assert second_page["total_pages"] == 2
    assert [n["title"] for n in second_page["notifications"]] == ["note 0"]


def test_mark_read(server):
    broadcast(server, "first", "user-1")
    broadcast(server, "second", "user-1")
    target = notification_titled(server, "user-1", "first")

    status, _ = server.http("POST", f"/notifications/{target['id']}/read",
                            headers=user_headers("user-1"))
    inbox = server.inbox("user-1")

    assert status == 204
    assert inbox["unread_count"] == 1
    read = notification_titled(server, "user-1", "first")
    unread = notification_titled(server, "user-1", "second")
    assert isinstance(read["read_at"], int)
    assert read["read_at"] >= read["sent_at"]
    assert unread["read_at"] is None


def test_mark_read_other_user(server):
    broadcast(server, "private", "user-1")
    target = notification_titled(server, "user-1", "private")

    status, _ = server.http("POST", f"/notifications/{target['id']}/read",
                            headers=user_headers("user-2"))

    assert status == 404
    assert server.inbox("user-1")["unread_count"] == 1


def test_mark_all_seen(server):
    broadcast(server, "first", "user-1")
    broadcast(server, "second", "user-1")

    status, _ = server.http("POST", "/notifications/seen", headers=user_headers("user-1"))
    inbox = server.inbox("user-1")

    assert status == 204
    assert inbox["unseen_count"] == 0
    assert inbox["unread_count"] == 2
    assert all(isinstance(n["seen_at"], int) for n in inbox["notifications"])


def test_broadcast_custom_attributes(server):
    broadcast(server, "with attributes", "user-1", custom_attributes={"order": {"id": 7}})

    notification = notification_titled(server, "user-1", "with attributes")

    assert notification["custom_attributes"] == {"order": {"id": 7}}


def test_broadcast_as_node_handler_sends(server):
    """Sends a broadcast as a Node.js Lambda handler written for MagicBell does.

    The body is compact JSON and the headers carry the API key, secret and Content-Length.
    """
    payload = json.dumps({
        "title": "Order ORD-001 shipped",
        "content": "Your order is on its way. Tracking: 1Z999AA10123456784",
        "recipients": [{"external_id": "user-123"}],
        "category": "order_update",
    }, separators=(",", ":")).encode()
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.request("POST", "/broadcasts", body=payload, headers={
        "Content-Type": "application/json",
        "X-MAGICBELL-API-KEY": "project-key",
        "X-MAGICBELL-API-SECRET": "project-secret",
        "Content-Length": str(len(payload)),
    })
    response = connection.getresponse()
    reply = json.loads(response.read())  # The handler parses the reply as JSON.
    connection.close()

    assert response.status == 201
    assert reply["id"]
    assert reply["title"] == "Order ORD-001 shipped"
    inbox = server.inbox("user-123")
    assert inbox["total"] == 1
    notification = inbox["notifications"][0]
    assert notification["title"] == "Order ORD-001 shipped"
    assert notification["content"] == "Your order is on its way. Tracking: 1Z999AA10123456784"
    assert notification["category"] == "order_update"
    assert notification["read_at"] is None


def test_broadcast_to_email(server):
    broadcast_body = {"title": "by email", "recipients": [{"email": "ada@example.com"}]}
    status, _ = server.http("POST", "/broadcasts", body=broadcast_body,
                            headers={**API_KEY, "X-MAGICBELL-API-SECRET": "secret"})

    inbox_status, inbox = server.http("GET", "/notifications", headers={
        **API_KEY, "X-MAGICBELL-USER-EMAIL": "ada@example.com"})

    assert status == 201
    assert inbox_status == 200
    assert [n["title"] for n in inbox["notifications"]] == ["by email"]


def test_broadcast_reaches_only_recipients(server):
    status, _ = server.http("POST", "/broadcasts", body={
        "title": "two of three", "recipients": [{"external_id": "user-1"},
                                                {"external_id": "user-2"}]},
        headers={**API_KEY, "X-MAGICBELL-API-SECRET": "secret"})

    assert status == 201
    assert server.inbox("user-1")["total"] == 1
    assert server.inbox("user-2")["total"] == 1
    assert server.inbox("user-3")["total"] == 0


def test_broadcast_idempotency_key(server):
    user = "user-1"
    headers = {**API_KEY, "X-MAGICBELL-API-SECRET": "secret", "Idempotency-Key": "send-once"}
    body = {"title": "once", "recipients": [{"external_id": user}]}

    first_status, first = server.http("POST", "/broadcasts", body=body, headers=headers)
    second_status, second = server.http("POST", "/broadcasts", body=body, headers=headers)

    assert first_status == 201
    assert 200 <= second_status < 300
    assert second["id"] == first["id"]
    assert server.inbox(user)["total"] == 1
