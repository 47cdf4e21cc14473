"""TransactWriteItems and TransactGetItems through boto3."""

import botocore.exceptions
import pytest

from conftest import read_stream


@pytest.fixture
def accounts(server):
    dynamodb = server.client("dynamodb")
    dynamodb.create_table(
        TableName="Accounts",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    for name, balance in (("alice", "100"), ("bob", "20")):
        dynamodb.put_item(TableName="Accounts",
                          Item={"id": {"S": name}, "balance": {"N": balance}})
    return dynamodb


def balance(dynamodb, name):
    item = dynamodb.get_item(TableName="Accounts", Key={"id": {"S": name}})["Item"]
    return item["balance"]["N"]


def transfer(amount, token=None):
    request = {"TransactItems": [
        {"Update": {"TableName": "Accounts", "Key": {"id": {"S": "alice"}},
                    "UpdateExpression": "SET balance = balance - :a",
                    "ConditionExpression": "balance >= :a",
                    "ExpressionAttributeValues": {":a": {"N": str(amount)}}}},
        {"Update": {"TableName": "Accounts", "Key": {"id": {"S": "bob"}},
                    "UpdateExpression": "SET balance = balance + :a",
                    "ExpressionAttributeValues": {":a": {"N": str(amount)}}}},
    ]}
    if token:
        request["ClientRequestToken"] = token
    return request


def test_transfer_commits_both(accounts):
    accounts.transact_write_items(**transfer(30))
    assert balance(accounts, "alice") == "70"
    assert balance(accounts, "bob") == "50"


def test_failed_condition_writes_nothing(accounts):
    with pytest.raises(botocore.exceptions.ClientError) as error:
        accounts.transact_write_items(**transfer(500))
    response = error.value.response
    assert response["Error"]["Code"] == "TransactionCanceledException"
    reasons = [reason["Code"] for reason in response["CancellationReasons"]]
    assert reasons == ["ConditionalCheckFailed", "None"]
    assert balance(accounts, "alice") == "100"
    assert balance(accounts, "bob") == "20"


def test_condition_failure_returns_old_item(accounts):
    request = transfer(500)
    request["TransactItems"][0]["Update"]["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
    with pytest.raises(botocore.exceptions.ClientError) as error:
        accounts.transact_write_items(**request)
    reason = error.value.response["CancellationReasons"][0]
    assert reason["Item"]["balance"] == {"N": "100"}


def test_token_applies_once(accounts):
    accounts.transact_write_items(**transfer(10, token="transfer-1"))
    accounts.transact_write_items(**transfer(10, token="transfer-1"))
    assert balance(accounts, "alice") == "90"


def test_token_with_other_request_rejected(accounts):
    accounts.transact_write_items(**transfer(10, token="transfer-2"))
    with pytest.raises(botocore.exceptions.ClientError) as error:
        accounts.transact_write_items(**transfer(11, token="transfer-2"))
    assert error.value.response["Error"]["Code"] == "IdempotentParameterMismatchException"


def test_two_actions_on_one_item_rejected(accounts):
    key = {"id": {"S": "alice"}}
    with pytest.raises(botocore.exceptions.ClientError) as error:
        accounts.transact_write_items(TransactItems=[
            {"ConditionCheck": {"TableName": "Accounts", "Key": key,
                                "ConditionExpression": "attribute_exists(id)"}},
            {"Delete": {"TableName": "Accounts", "Key": key}}])
    assert error.value.response["Error"]["Code"] == "ValidationException"
    assert balance(accounts, "alice") == "100"


def test_put_delete_and_check(accounts):
    accounts.transact_write_items(TransactItems=[
        {"Put": {"TableName": "Accounts", "Item": {"id": {"S": "carol"}, "balance": {"N": "5"}},
                 "ConditionExpression": "attribute_not_exists(id)"}},
        {"Delete": {"TableName": "Accounts", "Key": {"id": {"S": "bob"}}}},
        {"ConditionCheck": {"TableName": "Accounts", "Key": {"id": {"S": "alice"}},
                            "ConditionExpression": "balance > :zero",
                            "ExpressionAttributeValues": {":zero": {"N": "0"}}}}])
    names = sorted(item["id"]["S"] for item in accounts.scan(TableName="Accounts")["Items"])
    assert names == ["alice", "carol"]


def test_transaction_stream_records(accounts, server):
    accounts.transact_write_items(**transfer(1))
    streams = server.client("dynamodbstreams")
    arn = streams.list_streams(TableName="Accounts")["Streams"][0]["StreamArn"]
    records = read_stream(server, arn)
    assert [r["eventName"] for r in records] == ["INSERT", "INSERT", "MODIFY", "MODIFY"]


def test_transact_get_items(accounts):
    response = accounts.transact_get_items(TransactItems=[
        {"Get": {"TableName": "Accounts", "Key": {"id": {"S": "alice"}}}},
        {"Get": {"TableName": "Accounts", "Key": {"id": {"S": "nobody"}}}},
        {"Get": {"TableName": "Accounts", "Key": {"id": {"S": "bob"}},
                 "ProjectionExpression": "balance"}}])["Responses"]
    assert response[0]["Item"]["balance"] == {"N": "100"}
    assert "Item" not in response[1]
    assert response[2]["Item"] == {"balance": {"N": "20"}}


def test_missing_table_rejected(accounts):
    with pytest.raises(botocore.exceptions.ClientError) as error:
        accounts.transact_write_items(TransactItems=[
            {"Delete": {"TableName": "Nope", "Key": {"id": {"S": "x"}}}}])
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"
