"""The Orders example from the README, run exactly as a user would."""

import urllib.request

from conftest import read_stream, wait_for


def create_orders_table(server):
    server.aws("dynamodb", "create-table", "--table-name", "Orders",
               "--attribute-definitions", "AttributeName=orderId,AttributeType=S",
               "--key-schema", "AttributeName=orderId,KeyType=HASH",
               "--billing-mode", "PAY_PER_REQUEST")
    server.aws("dynamodb", "update-table", "--table-name", "Orders", "--stream-specification",
               "StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES")


def put_processing_order(server, order_id="ORD-001", user="user-123"):
    server.aws("dynamodb", "put-item", "--table-name", "Orders", "--item",
               f'{{"orderId":{{"S":"{order_id}"}},"userId":{{"S":"{user}"}},'
               f'"status":{{"S":"processing"}}}}')


def ship_order(server, order_id="ORD-001"):
    server.aws("dynamodb", "update-item", "--table-name", "Orders",
               "--key", f'{{"orderId":{{"S":"{order_id}"}}}}',
               "--update-expression", "SET #s = :new_status, trackingNumber = :tracking",
               "--expression-attribute-names", '{"#s":"status"}',
               "--expression-attribute-values",
               '{":new_status":{"S":"shipped"},":tracking":{"S":"1Z999AA10123456784"}}')


def test_shipping_notifies_once(server):
    create_orders_table(server)
    put_processing_order(server)
    assert server.inbox("user-123")["total"] == 0

    ship_order(server)
    inbox = wait_for(lambda: (lambda i: i if i["total"] > 0 else None)(server.inbox("user-123")))
    assert inbox, "no notification arrived"
    assert inbox["total"] == 1
    notification = inbox["notifications"][0]
    assert notification["title"] == "Order ORD-001 shipped"
    assert "1Z999AA10123456784" in notification["content"]
    assert notification["category"] == "order_update"
    assert inbox["unread_count"] == 1


def test_other_writes_do_not_notify(server):
    create_orders_table(server)
    put_processing_order(server)
    ship_order(server)
    assert wait_for(lambda: server.inbox("user-123")["total"] == 1)

    # Shipped again, another attribute changed, a new shipped order, a delete.
    ship_order(server)
    server.aws("dynamodb", "update-item", "--table-name", "Orders",
               "--key", '{"orderId":{"S":"ORD-001"}}',
               "--update-expression", "SET note = :n",
               "--expression-attribute-values", '{":n":{"S":"left at door"}}')
    server.aws("dynamodb", "put-item", "--table-name", "Orders", "--item",
               '{"orderId":{"S":"ORD-002"},"userId":{"S":"user-123"},"status":{"S":"shipped"}}')
    server.aws("dynamodb", "delete-item", "--table-name", "Orders",
               "--key", '{"orderId":{"S":"ORD-001"}}')
    # A marker change that does notify proves the runner got past the writes above.
    put_processing_order(server, "ORD-003")
    ship_order(server, "ORD-003")
    assert wait_for(lambda: server.inbox("user-123")["total"] == 2)
    titles = [n["title"] for n in server.inbox("user-123")["notifications"]]
    assert titles == ["Order ORD-003 shipped", "Order ORD-001 shipped"]


def test_restart_keeps_everything(server):
    create_orders_table(server)
    put_processing_order(server)
    ship_order(server)
    assert wait_for(lambda: server.inbox("user-123")["total"] == 1)
    item_before = server.aws("dynamodb", "get-item", "--table-name", "Orders",
                             "--key", '{"orderId":{"S":"ORD-001"}}')
    inbox_before = server.inbox("user-123")

    server.restart()

    item_after = server.aws("dynamodb", "get-item", "--table-name", "Orders",
                            "--key", '{"orderId":{"S":"ORD-001"}}')
    assert item_after == item_before
    streams = server.client("dynamodbstreams")
    arn = streams.list_streams(TableName="Orders")["Streams"][0]["StreamArn"]
    records = read_stream(server, arn)
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY"]
    # Give the pipeline time to act if it were going to notify again.
    put_processing_order(server, "ORD-009")
    ship_order(server, "ORD-009")
    assert wait_for(lambda: server.inbox("user-123")["total"] == 2)
    inbox_after = server.inbox("user-123")
    assert inbox_after["notifications"][1] == inbox_before["notifications"][0]


def test_metrics_count_pipeline_work(server):
    create_orders_table(server)
    put_processing_order(server)
    ship_order(server)
    assert wait_for(lambda: server.inbox("user-123")["total"] == 1)

    with urllib.request.urlopen(server.url + "/metrics", timeout=10) as response:
        text = response.read().decode()
    assert 'tidings_pipeline_notifications_total{pipeline="order-shipped"} 1' in text
    assert 'tidings_pipeline_records_total{pipeline="order-shipped"} 2' in text
    assert 'tidings_requests_total{operation="PutItem",outcome="ok"} 1' in text
    assert "tidings_stream_records_total 2" in text
