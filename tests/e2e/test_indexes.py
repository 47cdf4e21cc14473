"""Global and local secondary indexes, table statistics and item collection metrics, through boto3."""

import threading
import time

import botocore.exceptions
import pytest

from conftest import read_stream, wait_for


def create_orders(dynamodb, billing="PAY_PER_REQUEST"):
    """Orders(customer, orderId) with a global index ByStatus(status, amount) that projects
    `total`, and a local index ByDate(customer, placed) that projects keys only."""
    gsi = {"IndexName": "ByStatus",
           "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"},
                         {"AttributeName": "amount", "KeyType": "RANGE"}],
           "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["total"]}}
    extra = {}
    if billing == "PROVISIONED":
        gsi["ProvisionedThroughput"] = {"ReadCapacityUnits": 3, "WriteCapacityUnits": 4}
        extra["ProvisionedThroughput"] = {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
    else:
        extra["BillingMode"] = "PAY_PER_REQUEST"
    return dynamodb.create_table(
        TableName="Orders",
        AttributeDefinitions=[{"AttributeName": "customer", "AttributeType": "S"},
                              {"AttributeName": "orderId", "AttributeType": "S"},
                              {"AttributeName": "status", "AttributeType": "S"},
                              {"AttributeName": "amount", "AttributeType": "N"},
                              {"AttributeName": "placed", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "customer", "KeyType": "HASH"},
                   {"AttributeName": "orderId", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[gsi],
        LocalSecondaryIndexes=[{
            "IndexName": "ByDate",
            "KeySchema": [{"AttributeName": "customer", "KeyType": "HASH"},
                          {"AttributeName": "placed", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "KEYS_ONLY"}}],
        **extra)["TableDescription"]


def order(order_id, status=None, amount=None, customer="c1", placed=None, **extra):
    item = {"customer": {"S": customer}, "orderId": {"S": order_id},
            "total": {"N": "10"}, "note": {"S": "not projected"}}
    if status is not None:
        item["status"] = {"S": status}
    if amount is not None:
        item["amount"] = {"N": str(amount)}
    if placed is not None:
        item["placed"] = {"S": placed}
    item.update(extra)
    return item


def query_status(dynamodb, status, **kwargs):
    return dynamodb.query(TableName="Orders", IndexName="ByStatus",
                          KeyConditionExpression="#s = :s",
                          ExpressionAttributeNames={"#s": "status"},
                          ExpressionAttributeValues={":s": {"S": status}}, **kwargs)


def order_ids(response):
    return [item["orderId"]["S"] for item in response["Items"]]


def index_named(description, field, name):
    return next(index for index in description.get(field, []) if index["IndexName"] == name)


def wait_index_active(dynamodb, table_name, index_name):
    """Polls DescribeTable, as clients do, until the global index is ACTIVE."""
    def status():
        table = dynamodb.describe_table(TableName=table_name)["Table"]
        return index_named(table, "GlobalSecondaryIndexes", index_name)["IndexStatus"]
    return wait_for(lambda: status() == "ACTIVE", timeout=30)


def assert_validation(call, message_part):
    with pytest.raises(botocore.exceptions.ClientError) as error:
        call()
    assert error.value.response["Error"]["Code"] == "ValidationException"
    assert message_part in error.value.response["Error"]["Message"]
    return error.value.response["Error"]["Message"]


def test_create_describes_indexes(server):
    dynamodb = server.client("dynamodb")
    created = create_orders(dynamodb, billing="PROVISIONED")
    gsi = index_named(created, "GlobalSecondaryIndexes", "ByStatus")
    assert gsi["IndexStatus"] == "ACTIVE"
    assert gsi["Projection"] == {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["total"]}
    assert gsi["ProvisionedThroughput"]["ReadCapacityUnits"] == 3
    assert gsi["IndexArn"].endswith(":table/Orders/index/ByStatus")

    table = dynamodb.describe_table(TableName="Orders")["Table"]
    lsi = index_named(table, "LocalSecondaryIndexes", "ByDate")
    assert lsi["KeySchema"] == [{"AttributeName": "customer", "KeyType": "HASH"},
                                {"AttributeName": "placed", "KeyType": "RANGE"}]
    assert lsi["Projection"] == {"ProjectionType": "KEYS_ONLY"}
    assert "IndexStatus" not in lsi
    names = sorted(d["AttributeName"] for d in table["AttributeDefinitions"])
    assert names == ["amount", "customer", "orderId", "placed", "status"]
    dynamodb.get_waiter("table_exists").wait(TableName="Orders")


def test_create_rejects_invalid_indexes(server):
    dynamodb = server.client("dynamodb")
    base = dict(TableName="Bad", BillingMode="PAY_PER_REQUEST",
                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
    keys_only = {"ProjectionType": "KEYS_ONLY"}
    assert_validation(lambda: dynamodb.create_table(
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "g", "AttributeType": "S"},
                              {"AttributeName": "unused", "AttributeType": "S"}],
        GlobalSecondaryIndexes=[{"IndexName": "ByG", "Projection": keys_only,
                                 "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}]}],
        **base), "Some AttributeDefinitions are not used")
    assert_validation(lambda: dynamodb.create_table(
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "g", "AttributeType": "S"}],
        LocalSecondaryIndexes=[{"IndexName": "ByG", "Projection": keys_only,
                                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                                              {"AttributeName": "g", "KeyType": "RANGE"}]}],
        **base), "Table KeySchema does not have a range key")
    two = [{"IndexName": "ByG", "Projection": keys_only,
            "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}]}] * 2
    assert_validation(lambda: dynamodb.create_table(
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "g", "AttributeType": "S"}],
        GlobalSecondaryIndexes=two, **base), "Duplicate index name: ByG")
    assert_validation(lambda: dynamodb.create_table(
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "g", "AttributeType": "S"}],
        GlobalSecondaryIndexes=[{"IndexName": "ByG", "Projection": keys_only,
                                 "ProvisionedThroughput": {"ReadCapacityUnits": 1,
                                                           "WriteCapacityUnits": 1},
                                 "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}]}],
        **base), "ProvisionedThroughput should not be specified for index: ByG")
    assert dynamodb.list_tables()["TableNames"] == []


def test_query_index_pages_both_directions(server):
    dynamodb = server.client("dynamodb")
    create_orders(dynamodb)
    for number, amount in enumerate([30, -5, 100, 7, 2]):
        dynamodb.put_item(TableName="Orders", Item=order(f"o{number}", "open", amount))
    dynamodb.put_item(TableName="Orders", Item=order("x", "closed", 1))

    for forward, expected in [(True, ["o1", "o4", "o3", "o0", "o2"]),
                              (False, ["o2", "o0", "o3", "o4", "o1"])]:
        seen, start = [], None
        while True:
            kwargs = {"ExclusiveStartKey": start} if start else {}
            response = query_status(dynamodb, "open", Limit=2, ScanIndexForward=forward, **kwargs)
            seen += order_ids(response)
            start = response.get("LastEvaluatedKey")
            if start:
                assert set(start) == {"customer", "orderId", "status", "amount"}
            else:
                break
        assert seen == expected


def test_query_index_range_condition(server):
    dynamodb = server.client("dynamodb")
    create_orders(dynamodb)
    for number in range(6):
        dynamodb.put_item(TableName="Orders", Item=order(f"o{number}", "open", number))
    response = dynamodb.query(
        TableName="Orders", IndexName="ByStatus",
        KeyConditionExpression="#s = :s AND amount BETWEEN :lo AND :hi",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":s": {"S": "open"}, ":lo": {"N": "2"}, ":hi": {"N": "4"}})
    assert order_ids(response) == ["o2", "o3", "o4"]


def test_index_projection_and_select(server):
    dynamodb = server.client("dynamodb")
    create_orders(dynamodb)
    dynamodb.put_item(TableName="Orders", Item=order("o1", "open", 5, placed="2026-01-01"))

    item = query_status(dynamodb, "open")["Items"][0]
    assert set(item) == {"customer", "orderId", "status", "amount", "total"}
    projected = query_status(dynamodb, "open", Select="ALL_PROJECTED_ATTRIBUTES")["Items"][0]
    assert projected == item
    assert_validation(lambda: query_status(dynamodb, "open", Select="ALL_ATTRIBUTES"),
                      "Select type ALL_ATTRIBUTES is not supported for global secondary index "
                      "ByStatus because its projection type is not ALL")

    local = dict(TableName="Orders", IndexName="ByDate",
                 KeyConditionExpression="customer = :c",
                 ExpressionAttributeValues={":c": {"S": "c1"}})
    keys_only = dynamodb.query(**local)["Items"][0]
    assert set(keys_only) == {"customer", "orderId", "placed"}
    full = dynamodb.query(Select="ALL_ATTRIBUTES", **local)["Items"][0]
    assert full["note"] == {"S": "not projected"}


def test_index_read_errors(server):
    dynamodb = server.client("dynamodb")
    create_orders(dynamodb)
    assert_validation(lambda: query_status(dynamodb, "open", ConsistentRead=True),
                      "Consistent reads are not supported on global secondary indexes")
    message = assert_validation(
        lambda: dynamodb.query(TableName="Orders", IndexName="Nope",
                               KeyConditionExpression="customer = :c",
                               ExpressionAttributeValues={":c": {"S": "c1"}}),
        "The table does not have the specified index")
    assert message == "The table does not have the specified index: Nope"
    assert_validation(lambda: dynamodb.scan(TableName="Orders", Select="ALL_PROJECTED_ATTRIBUTES"),
                      "ALL_PROJECTED_ATTRIBUTES is supported only for index queries")


def test_sparse_index_and_scan(server):
    dynamodb = server.client("dynamodb")
    create_orders(dynamodb)
    dynamodb.put_item(TableName="Orders", Item=order("o1", "open", 1))
    dynamodb.put_item(TableName="Orders", Item=order("o2", "open"))   # No amount.
    dynamodb.put_item(TableName="Orders", Item=order("o3"))           # No status.
    dynamodb.put_item(TableName="Orders", Item=order("o4", "closed", 2))

    scanned = dynamodb.scan(TableName="Orders", IndexName="ByStatus")
    assert sorted(order_ids(scanned)) == ["o1", "o4"]
    assert dynamodb.scan(TableName="Orders")["Count"] == 4

    pages, start = [], None
    while True:
        kwargs = {"ExclusiveStartKey": start} if start else {}
        response = dynamodb.scan(TableName="Orders", IndexName="ByStatus", Limit=1, **kwargs)
        pages += order_ids(response)
        start = response.get("LastEvaluatedKey")
        if not start:
            break
    assert sorted(pages) == ["o1", "o4"]

    segments = [order_ids(dynamodb.scan(TableName="Orders", IndexName="ByStatus", Segment=s,
                                        TotalSegments=2)) for s in range(2)]
    assert sorted(segments[0] + segments[1]) == ["o1", "o4"]


def test_wrong_index_key_type_writes_nothing(server):
    dynamodb = server.client("dynamodb")
    create_orders(dynamodb)
    message = assert_validation(
        lambda: dynamodb.put_item(TableName="Orders",
                                  Item=dict(order("o1", "open"), amount={"S": "five"})),
        "Type mismatch for Index Key")
    assert message == ("One or more parameter values were invalid: Type mismatch for Index Key "
                       "amount Expected: N Actual: S IndexName: ByStatus")
    assert_validation(lambda: dynamodb.put_item(TableName="Orders", Item=order("o1", "", 1)),
                      "IndexName: ByStatus, IndexKey: status")
    dynamodb.put_item(TableName="Orders", Item=order("o2", "open", 1))
    assert_validation(lambda: dynamodb.update_item(
        TableName="Orders", Key={"customer": {"S": "c1"}, "orderId": {"S": "o2"}},
        UpdateExpression="SET amount = :a", ExpressionAttributeValues={":a": {"S": "x"}}),
        "Type mismatch for Index Key amount")
    assert_validation(lambda: dynamodb.batch_write_item(RequestItems={"Orders": [
        {"PutRequest": {"Item": order("o3", "open", 1)}},
        {"PutRequest": {"Item": dict(order("o4"), placed={"N": "1"})}}]}),
        "Type mismatch for Index Key placed")
    with pytest.raises(botocore.exceptions.ClientError) as error:
        dynamodb.transact_write_items(TransactItems=[
            {"Put": {"TableName": "Orders", "Item": order("o5", "open", 1)}},
            {"Put": {"TableName": "Orders", "Item": dict(order("o6"), status={"N": "1"})}}])
    assert error.value.response["Error"]["Code"] == "TransactionCanceledException"

    items = dynamodb.scan(TableName="Orders")["Items"]
    assert order_ids({"Items": items}) == ["o2"]
    assert items[0]["amount"] == {"N": "1"}
    assert order_ids(query_status(dynamodb, "open")) == ["o2"]


def test_index_follows_every_write_path(server):
    dynamodb = server.client("dynamodb")
    create_orders(dynamodb)
    key = {"customer": {"S": "c1"}, "orderId": {"S": "o1"}}
    dynamodb.put_item(TableName="Orders", Item=order("o1", "open", 1))
    dynamodb.update_item(TableName="Orders", Key=key, UpdateExpression="SET #s = :s",
                         ExpressionAttributeNames={"#s": "status"},
                         ExpressionAttributeValues={":s": {"S": "shipped"}})
    assert order_ids(query_status(dynamodb, "open")) == []
    assert order_ids(query_status(dynamodb, "shipped")) == ["o1"]

    dynamodb.update_item(TableName="Orders", Key=key, UpdateExpression="REMOVE amount")
    assert order_ids(query_status(dynamodb, "shipped")) == []

    dynamodb.batch_write_item(RequestItems={"Orders": [
        {"PutRequest": {"Item": order("o2", "open", 2)}},
        {"PutRequest": {"Item": order("o3", "open", 3)}}]})
    dynamodb.transact_write_items(TransactItems=[
        {"Put": {"TableName": "Orders", "Item": order("o4", "open", 4)}},
        {"Delete": {"TableName": "Orders",
                    "Key": {"customer": {"S": "c1"}, "orderId": {"S": "o2"}}}}])
    assert order_ids(query_status(dynamodb, "open")) == ["o3", "o4"]

    dynamodb.batch_write_item(RequestItems={"Orders": [
        {"DeleteRequest": {"Key": {"customer": {"S": "c1"}, "orderId": {"S": "o3"}}}}]})
    dynamodb.delete_item(TableName="Orders",
                         Key={"customer": {"S": "c1"}, "orderId": {"S": "o4"}})
    assert order_ids(query_status(dynamodb, "open")) == []
    assert dynamodb.scan(TableName="Orders", IndexName="ByStatus")["Count"] == 0


def test_index_follows_ttl_deletes(make_server):
    server = make_server(extra_args=["--ttl-interval", "1"]).start()
    dynamodb = server.client("dynamodb")
    create_orders(dynamodb)
    dynamodb.update_time_to_live(TableName="Orders", TimeToLiveSpecification={
        "Enabled": True, "AttributeName": "expires"})
    expired = str(int(time.time()) - 10)
    dynamodb.put_item(TableName="Orders", Item=order("o1", "open", 1, expires={"N": expired}))
    dynamodb.put_item(TableName="Orders", Item=order("o2", "open", 2))

    assert wait_for(lambda: order_ids(query_status(dynamodb, "open")) == ["o2"], timeout=30)
    assert wait_for(lambda: dynamodb.describe_table(TableName="Orders")["Table"]["ItemCount"] == 1)


def test_index_writes_add_no_stream_records(server):
    dynamodb = server.client("dynamodb")
    create_orders(dynamodb)
    arn = dynamodb.update_table(TableName="Orders", StreamSpecification={
        "StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})["TableDescription"]["LatestStreamArn"]
    dynamodb.put_item(TableName="Orders", Item=order("o1", "open", 1, placed="d"))
    dynamodb.update_item(TableName="Orders",
                         Key={"customer": {"S": "c1"}, "orderId": {"S": "o1"}},
                         UpdateExpression="SET amount = :a",
                         ExpressionAttributeValues={":a": {"N": "2"}})
    records = read_stream(server, arn)
    assert [record["eventName"] for record in records] == ["INSERT", "MODIFY"]


def test_update_table_adds_and_deletes_index(server):
    dynamodb = server.client("dynamodb")
    dynamodb.create_table(
        TableName="Users",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST")
    for number in range(5):
        item = {"id": {"S": f"u{number}"}, "name": {"S": f"name{number}"}}
        if number % 2 == 0:
            item["team"] = {"S": "red"}
        dynamodb.put_item(TableName="Users", Item=item)

    updated = dynamodb.update_table(
        TableName="Users",
        AttributeDefinitions=[{"AttributeName": "team", "AttributeType": "S"}],
        GlobalSecondaryIndexUpdates=[{"Create": {
            "IndexName": "ByTeam",
            "KeySchema": [{"AttributeName": "team", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "ALL"}}}])["TableDescription"]
    created = index_named(updated, "GlobalSecondaryIndexes", "ByTeam")
    assert created["IndexStatus"] == "CREATING"
    assert created["Backfilling"] is True
    assert wait_index_active(dynamodb, "Users", "ByTeam")
    dynamodb.get_waiter("table_exists").wait(TableName="Users")
    active = index_named(dynamodb.describe_table(TableName="Users")["Table"],
                         "GlobalSecondaryIndexes", "ByTeam")
    assert "Backfilling" not in active

    response = dynamodb.query(TableName="Users", IndexName="ByTeam",
                              KeyConditionExpression="team = :t",
                              ExpressionAttributeValues={":t": {"S": "red"}})
    assert sorted(item["id"]["S"] for item in response["Items"]) == ["u0", "u2", "u4"]
    table = dynamodb.describe_table(TableName="Users")["Table"]
    assert index_named(table, "GlobalSecondaryIndexes", "ByTeam")["ItemCount"] == 3

    deleted = dynamodb.update_table(TableName="Users", GlobalSecondaryIndexUpdates=[
        {"Delete": {"IndexName": "ByTeam"}}])["TableDescription"]
    assert index_named(deleted, "GlobalSecondaryIndexes", "ByTeam")["IndexStatus"] == "DELETING"
    assert "GlobalSecondaryIndexes" not in dynamodb.describe_table(TableName="Users")["Table"]
    assert_validation(lambda: dynamodb.query(TableName="Users", IndexName="ByTeam",
                                             KeyConditionExpression="team = :t",
                                             ExpressionAttributeValues={":t": {"S": "red"}}),
                      "does not have the specified index: ByTeam")


def test_statistics_follow_writes_and_restart(server):
    dynamodb = server.client("dynamodb")
    create_orders(dynamodb)
    items = [order(f"o{n}", "open", n) for n in range(4)]
    for item in items:
        dynamodb.put_item(TableName="Orders", Item=item)
    dynamodb.put_item(TableName="Orders", Item=order("o9"))  # Not in ByStatus.
    dynamodb.delete_item(TableName="Orders", Key={"customer": {"S": "c1"}, "orderId": {"S": "o0"}})

    table = dynamodb.describe_table(TableName="Orders")["Table"]
    assert table["ItemCount"] == 4
    first_size = table["TableSizeBytes"]
    assert first_size > 0
    gsi = index_named(table, "GlobalSecondaryIndexes", "ByStatus")
    assert gsi["ItemCount"] == 3
    assert 0 < gsi["IndexSizeBytes"] < first_size

    dynamodb.update_item(TableName="Orders", Key={"customer": {"S": "c1"}, "orderId": {"S": "o9"}},
                         UpdateExpression="SET note = :n",
                         ExpressionAttributeValues={":n": {"S": "x" * 100}})
    grown = dynamodb.describe_table(TableName="Orders")["Table"]
    assert grown["ItemCount"] == 4
    assert grown["TableSizeBytes"] > first_size

    server.restart()
    dynamodb = server.client("dynamodb")
    after = dynamodb.describe_table(TableName="Orders")["Table"]
    assert after["ItemCount"] == 4
    assert after["TableSizeBytes"] == grown["TableSizeBytes"]
    assert index_named(after, "GlobalSecondaryIndexes", "ByStatus")["ItemCount"] == 3
    assert order_ids(query_status(dynamodb, "open")) == ["o1", "o2", "o3"]

    dynamodb.delete_table(TableName="Orders")
    create_orders(dynamodb)
    fresh = dynamodb.describe_table(TableName="Orders")["Table"]
    assert fresh["ItemCount"] == 0
    assert order_ids(query_status(dynamodb, "open")) == []


def test_item_collection_metrics(server):
    dynamodb = server.client("dynamodb")
    create_orders(dynamodb)
    put = dynamodb.put_item(TableName="Orders", Item=order("o1", "open", 1, placed="d"),
                            ReturnItemCollectionMetrics="SIZE")
    assert put["ItemCollectionMetrics"] == {"ItemCollectionKey": {"customer": {"S": "c1"}},
                                            "SizeEstimateRangeGB": [0.0, 1.0]}
    plain = dynamodb.put_item(TableName="Orders", Item=order("o2", "open", 1))
    assert "ItemCollectionMetrics" not in plain

    batch = dynamodb.batch_write_item(
        RequestItems={"Orders": [{"PutRequest": {"Item": order("o3", customer="c2")}}]},
        ReturnItemCollectionMetrics="SIZE")
    assert batch["ItemCollectionMetrics"]["Orders"][0]["ItemCollectionKey"] == {
        "customer": {"S": "c2"}}
    transaction = dynamodb.transact_write_items(
        TransactItems=[{"Delete": {"TableName": "Orders",
                                   "Key": {"customer": {"S": "c1"}, "orderId": {"S": "o1"}}}}],
        ReturnItemCollectionMetrics="SIZE")
    assert len(transaction["ItemCollectionMetrics"]["Orders"]) == 1

    dynamodb.create_table(
        TableName="NoLocal", BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])
    other = dynamodb.put_item(TableName="NoLocal", Item={"id": {"S": "a"}},
                              ReturnItemCollectionMetrics="SIZE")
    assert "ItemCollectionMetrics" not in other


def test_consumed_capacity_reports_indexes(server):
    dynamodb = server.client("dynamodb")
    create_orders(dynamodb)
    put = dynamodb.put_item(TableName="Orders", Item=order("o1", "open", 1, placed="d"),
                            ReturnConsumedCapacity="INDEXES")["ConsumedCapacity"]
    assert put["Table"] == {"CapacityUnits": 1.0}
    assert put["GlobalSecondaryIndexes"] == {"ByStatus": {"CapacityUnits": 1.0}}
    assert put["LocalSecondaryIndexes"] == {"ByDate": {"CapacityUnits": 1.0}}
    assert put["CapacityUnits"] == 3.0

    moved = dynamodb.update_item(
        TableName="Orders", Key={"customer": {"S": "c1"}, "orderId": {"S": "o1"}},
        UpdateExpression="SET #s = :s", ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":s": {"S": "shipped"}},
        ReturnConsumedCapacity="INDEXES")["ConsumedCapacity"]
    assert moved["GlobalSecondaryIndexes"] == {"ByStatus": {"CapacityUnits": 2.0}}
    assert "LocalSecondaryIndexes" not in moved

    read = query_status(dynamodb, "shipped", ReturnConsumedCapacity="INDEXES")["ConsumedCapacity"]
    assert read["GlobalSecondaryIndexes"] == {"ByStatus": {"CapacityUnits": 0.5}}
    assert read["Table"] == {"CapacityUnits": 0.0}
    total = query_status(dynamodb, "shipped", ReturnConsumedCapacity="TOTAL")["ConsumedCapacity"]
    assert total == {"TableName": "Orders", "CapacityUnits": 0.5}


def test_backfill_skips_wrong_key_types(server):
    dynamodb = server.client("dynamodb")
    dynamodb.create_table(
        TableName="Users", BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])
    dynamodb.put_item(TableName="Users", Item={"id": {"S": "u1"}, "team": {"N": "7"}})
    dynamodb.put_item(TableName="Users", Item={"id": {"S": "u2"}, "team": {"S": "red"}})
    dynamodb.update_table(
        TableName="Users",
        AttributeDefinitions=[{"AttributeName": "team", "AttributeType": "S"}],
        GlobalSecondaryIndexUpdates=[{"Create": {
            "IndexName": "ByTeam", "KeySchema": [{"AttributeName": "team", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "KEYS_ONLY"}}}])
    assert wait_index_active(dynamodb, "Users", "ByTeam")

    scanned = dynamodb.scan(TableName="Users", IndexName="ByTeam")["Items"]
    assert scanned == [{"id": {"S": "u2"}, "team": {"S": "red"}}]
    # An update that leaves the mistyped team alone still succeeds.
    dynamodb.update_item(TableName="Users", Key={"id": {"S": "u1"}},
                         UpdateExpression="SET nickname = :n",
                         ExpressionAttributeValues={":n": {"S": "one"}})
    message = assert_validation(lambda: dynamodb.update_item(
        TableName="Users", Key={"id": {"S": "u1"}}, UpdateExpression="SET team = :t",
        ExpressionAttributeValues={":t": {"S": ""}}), "The update expression attempted")
    assert message.endswith("IndexName: ByTeam, IndexKey: team")
    dynamodb.update_item(TableName="Users", Key={"id": {"S": "u1"}},
                         UpdateExpression="SET team = :t",
                         ExpressionAttributeValues={":t": {"S": "blue"}})
    assert len(dynamodb.scan(TableName="Users", IndexName="ByTeam")["Items"]) == 2


def test_update_table_rejects_invalid_index_updates(server):
    dynamodb = server.client("dynamodb")
    create_orders(dynamodb)
    create = {"IndexName": "ByNote", "KeySchema": [{"AttributeName": "note", "KeyType": "HASH"}],
              "Projection": {"ProjectionType": "ALL"}}
    assert_validation(lambda: dynamodb.update_table(
        TableName="Orders", GlobalSecondaryIndexUpdates=[{"Create": create}]),
        "Some index key attributes are not defined in AttributeDefinitions")
    with pytest.raises(botocore.exceptions.ClientError) as error:
        dynamodb.update_table(TableName="Orders", GlobalSecondaryIndexUpdates=[
            {"Delete": {"IndexName": "Nope"}}])
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"
    with pytest.raises(botocore.exceptions.ClientError) as error:
        dynamodb.update_table(
            TableName="Orders",
            AttributeDefinitions=[{"AttributeName": "note", "AttributeType": "S"}],
            GlobalSecondaryIndexUpdates=[{"Create": create},
                                         {"Delete": {"IndexName": "ByStatus"}}])
    assert error.value.response["Error"]["Code"] == "LimitExceededException"
    table = dynamodb.describe_table(TableName="Orders")["Table"]
    assert [i["IndexName"] for i in table["GlobalSecondaryIndexes"]] == ["ByStatus"]


def test_statistics_exact_after_kill(server):
    dynamodb = server.client("dynamodb")
    create_orders(dynamodb)

    def writer(worker):
        client = server.client("dynamodb")
        for n in range(40):
            order_id = f"w{worker}-{n % 15}"
            if n % 4 == 3:
                client.delete_item(TableName="Orders",
                                   Key={"customer": {"S": "c1"}, "orderId": {"S": order_id}})
            else:
                status = "open" if n % 3 else None
                client.put_item(TableName="Orders", Item=order(order_id, status, n))
    threads = [threading.Thread(target=writer, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    server.kill9()
    server.start()
    dynamodb = server.client("dynamodb")
    table = dynamodb.describe_table(TableName="Orders")["Table"]
    items = dynamodb.scan(TableName="Orders")["Items"]
    entries = dynamodb.scan(TableName="Orders", IndexName="ByStatus")["Items"]
    assert table["ItemCount"] == len(items)
    assert index_named(table, "GlobalSecondaryIndexes", "ByStatus")["ItemCount"] == len(entries)
    assert len(entries) == sum(1 for item in items if "status" in item)


def test_backfill_resumes_after_kill(server):
    dynamodb = server.client("dynamodb")
    dynamodb.create_table(
        TableName="Users", BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])
    for start in range(0, 1000, 25):
        dynamodb.batch_write_item(RequestItems={"Users": [
            {"PutRequest": {"Item": {"id": {"S": f"u{n}"}, "team": {"S": f"t{n % 7}"}}}}
            for n in range(start, start + 25)]})

    dynamodb.update_table(
        TableName="Users",
        AttributeDefinitions=[{"AttributeName": "team", "AttributeType": "S"}],
        GlobalSecondaryIndexUpdates=[{"Create": {
            "IndexName": "ByTeam", "KeySchema": [{"AttributeName": "team", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "KEYS_ONLY"}}}])
    dynamodb.put_item(TableName="Users", Item={"id": {"S": "late"}, "team": {"S": "t0"}})
    server.kill9()
    server.start()
    dynamodb = server.client("dynamodb")

    assert wait_index_active(dynamodb, "Users", "ByTeam")
    table = dynamodb.describe_table(TableName="Users")["Table"]
    assert table["ItemCount"] == 1001
    assert index_named(table, "GlobalSecondaryIndexes", "ByTeam")["ItemCount"] == 1001
    team = dynamodb.query(TableName="Users", IndexName="ByTeam", Select="COUNT",
                          KeyConditionExpression="team = :t",
                          ExpressionAttributeValues={":t": {"S": "t0"}})
    assert team["Count"] == 144
