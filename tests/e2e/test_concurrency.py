"""Concurrent conditional writes to one item lose no update."""

from concurrent.futures import ThreadPoolExecutor

import botocore.exceptions


def create_counter(dynamodb):
    dynamodb.create_table(
        TableName="Counters",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST")
    dynamodb.put_item(TableName="Counters", Item={"id": {"S": "c"}, "n": {"N": "0"}})


def test_concurrent_add_loses_nothing(server):
    dynamodb = server.client("dynamodb")
    create_counter(dynamodb)
    clients = [server.client("dynamodb") for _ in range(16)]

    def add(index):
        for _ in range(25):
            clients[index].update_item(TableName="Counters", Key={"id": {"S": "c"}},
                                       UpdateExpression="ADD n :one",
                                       ExpressionAttributeValues={":one": {"N": "1"}})

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(add, range(16)))
    item = dynamodb.get_item(TableName="Counters", Key={"id": {"S": "c"}})["Item"]
    assert item["n"] == {"N": "400"}


def test_conditional_set_is_linearizable(server):
    # Each client reads n and writes n + 1 only if n is still what it read
    # (optimistic locking). Every successful write must be counted once.
    dynamodb = server.client("dynamodb")
    create_counter(dynamodb)
    clients = [server.client("dynamodb") for _ in range(8)]

    def increment(index):
        client = clients[index]
        done = 0
        while done < 20:
            item = client.get_item(TableName="Counters", Key={"id": {"S": "c"}})["Item"]
            current = int(item["n"]["N"])
            try:
                client.update_item(TableName="Counters", Key={"id": {"S": "c"}},
                                   UpdateExpression="SET n = :next",
                                   ConditionExpression="n = :current",
                                   ExpressionAttributeValues={":next": {"N": str(current + 1)},
                                                              ":current": {"N": str(current)}})
                done += 1
            except botocore.exceptions.ClientError as error:
                assert error.response["Error"]["Code"] == "ConditionalCheckFailedException"
        return done

    with ThreadPoolExecutor(max_workers=8) as pool:
        total = sum(pool.map(increment, range(8)))
    item = dynamodb.get_item(TableName="Counters", Key={"id": {"S": "c"}})["Item"]
    assert total == 160
    assert item["n"] == {"N": "160"}
