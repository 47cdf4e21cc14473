"""ReturnConsumedCapacity in DynamoDB's shapes."""

import botocore.exceptions
import pytest


@pytest.fixture
def notes(server):
    dynamodb = server.client("dynamodb")
    dynamodb.create_table(
        TableName="Notes",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST")
    return dynamodb


def test_put_reports_write_units(notes):
    small = notes.put_item(TableName="Notes", Item={"id": {"S": "a"}},
                           ReturnConsumedCapacity="TOTAL")
    assert small["ConsumedCapacity"] == {"TableName": "Notes", "CapacityUnits": 1.0}
    large = notes.put_item(TableName="Notes", Item={"id": {"S": "b"}, "text": {"S": "x" * 3000}},
                           ReturnConsumedCapacity="TOTAL")
    assert large["ConsumedCapacity"]["CapacityUnits"] == 3.0


def test_get_reports_read_units(notes):
    notes.put_item(TableName="Notes", Item={"id": {"S": "a"}})
    eventual = notes.get_item(TableName="Notes", Key={"id": {"S": "a"}},
                              ReturnConsumedCapacity="TOTAL")
    assert eventual["ConsumedCapacity"]["CapacityUnits"] == 0.5
    strong = notes.get_item(TableName="Notes", Key={"id": {"S": "a"}}, ConsistentRead=True,
                            ReturnConsumedCapacity="INDEXES")
    assert strong["ConsumedCapacity"] == {"TableName": "Notes", "CapacityUnits": 1.0,
                                          "Table": {"CapacityUnits": 1.0}}


def test_none_reports_nothing(notes):
    response = notes.put_item(TableName="Notes", Item={"id": {"S": "a"}})
    assert "ConsumedCapacity" not in response


def test_batch_reports_a_list(notes):
    response = notes.batch_write_item(
        RequestItems={"Notes": [{"PutRequest": {"Item": {"id": {"S": str(i)}}}} for i in range(3)]},
        ReturnConsumedCapacity="TOTAL")
    assert response["ConsumedCapacity"] == [{"TableName": "Notes", "CapacityUnits": 3.0}]


def test_transaction_doubles_units(notes):
    response = notes.transact_write_items(
        TransactItems=[{"Put": {"TableName": "Notes", "Item": {"id": {"S": "t"}}}}],
        ReturnConsumedCapacity="TOTAL")
    assert response["ConsumedCapacity"] == [{"TableName": "Notes", "CapacityUnits": 2.0}]


def test_invalid_mode_rejected(notes):
    with pytest.raises(botocore.exceptions.ClientError) as error:
        notes.put_item(TableName="Notes", Item={"id": {"S": "a"}}, ReturnConsumedCapacity="ALL")
    assert error.value.response["Error"]["Code"] == "ValidationException"
