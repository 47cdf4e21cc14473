"""The table control plane through boto3 and the AWS CLI: create, describe,
list, delete."""

import re

import pytest
from botocore.exceptions import ClientError


def create_table(ddb, name, hash_key=("id", "S"), range_key=None, **settings):
    key_schema = [{"AttributeName": hash_key[0], "KeyType": "HASH"}]
    definitions = [{"AttributeName": hash_key[0], "AttributeType": hash_key[1]}]
    if range_key:
        key_schema.append({"AttributeName": range_key[0], "KeyType": "RANGE"})
        definitions.append({"AttributeName": range_key[0], "AttributeType": range_key[1]})
    settings.setdefault("BillingMode", "PAY_PER_REQUEST")
    return ddb.create_table(TableName=name, KeySchema=key_schema,
                            AttributeDefinitions=definitions, **settings)["TableDescription"]


def error_code(call, **kwargs):
    with pytest.raises(ClientError) as raised:
        call(**kwargs)
    return raised.value.response["Error"]["Code"]


# A sample value of each key type, as boto3 sends it.
KEY_VALUES = {"S": {"S": "alpha"}, "N": {"N": "42"}, "B": {"B": b"\x00\xffkey"}}


def test_create_hash_only(server):
    ddb = server.client("dynamodb")
    created = create_table(ddb, "Customers")

    assert created["TableName"] == "Customers"
    assert created["TableStatus"] == "ACTIVE"
    assert created["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert created["AttributeDefinitions"] == [{"AttributeName": "id", "AttributeType": "S"}]
    assert "StreamSpecification" not in created
    assert "LatestStreamArn" not in created
    assert "LatestStreamLabel" not in created


@pytest.mark.parametrize("hash_type,range_type", [("S", "N"), ("N", "B"), ("B", "S")])
def test_create_hash_and_range(server, hash_type, range_type):
    ddb = server.client("dynamodb")
    created = create_table(ddb, "Events", hash_key=("pk", hash_type), range_key=("sk", range_type))

    assert created["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"},
                                    {"AttributeName": "sk", "KeyType": "RANGE"}]
    definitions = {d["AttributeName"]: d["AttributeType"] for d in created["AttributeDefinitions"]}
    assert definitions == {"pk": hash_type, "sk": range_type}

    # Items with keys of those types can be written and read back.
    key = {"pk": KEY_VALUES[hash_type], "sk": KEY_VALUES[range_type]}
    ddb.put_item(TableName="Events", Item={**key, "note": {"S": "first"}})
    item = ddb.get_item(TableName="Events", Key=key)["Item"]
    assert item == {**key, "note": {"S": "first"}}


@pytest.mark.parametrize("key_type", ["S", "N", "B"])
def test_create_key_type(server, key_type):
    ddb = server.client("dynamodb")
    create_table(ddb, "Keyed", hash_key=("k", key_type))
    key = {"k": KEY_VALUES[key_type]}

    ddb.put_item(TableName="Keyed", Item={**key, "v": {"S": "value"}})

    assert ddb.get_item(TableName="Keyed", Key=key)["Item"] == {**key, "v": {"S": "value"}}


def test_describe_pay_per_request(server):
    ddb = server.client("dynamodb")
    create_table(ddb, "Orders")

    table = ddb.describe_table(TableName="Orders")["Table"]

    assert table["TableName"] == "Orders"
    assert table["TableStatus"] == "ACTIVE"
    assert table["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert table["AttributeDefinitions"] == [{"AttributeName": "id", "AttributeType": "S"}]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    # On-demand tables report zero provisioned capacity.
    assert table["ProvisionedThroughput"]["ReadCapacityUnits"] == 0
    assert table["ProvisionedThroughput"]["WriteCapacityUnits"] == 0
    assert re.fullmatch(r"arn:aws:dynamodb:us-east-1:\d{12}:table/Orders", table["TableArn"])
    assert "CreationDateTime" in table


def test_describe_provisioned(server):
    ddb = server.client("dynamodb")
    create_table(ddb, "Metered", BillingMode="PROVISIONED",
                 ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 7})

    table = ddb.describe_table(TableName="Metered")["Table"]

    assert table["ProvisionedThroughput"]["ReadCapacityUnits"] == 5
    assert table["ProvisionedThroughput"]["WriteCapacityUnits"] == 7
    assert table.get("BillingModeSummary", {}).get("BillingMode", "PROVISIONED") == "PROVISIONED"


def test_describe_stream_fields(server):
    ddb = server.client("dynamodb")
    create_table(ddb, "Orders",
                 StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})

    table = ddb.describe_table(TableName="Orders")["Table"]

    assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    label = table["LatestStreamLabel"]
    # DynamoDB labels a stream with its creation time, such as 2024-12-04T20:16:03.641.
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}", label)
    assert table["LatestStreamArn"] == f"{table['TableArn']}/stream/{label}"


def test_describe_stream_enabled_later(server):
    ddb = server.client("dynamodb")
    create_table(ddb, "Orders")

    updated = ddb.update_table(
        TableName="Orders",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
    )["TableDescription"]
    table = ddb.describe_table(TableName="Orders")["Table"]

    assert updated["StreamSpecification"]["StreamViewType"] == "KEYS_ONLY"
    assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}
    assert table["LatestStreamArn"].endswith("/stream/" + table["LatestStreamLabel"])


def test_describe_with_cli(server):
    server.aws("dynamodb", "create-table", "--table-name", "Invoices",
               "--attribute-definitions", "AttributeName=customer,AttributeType=S",
               "AttributeName=issued,AttributeType=N",
               "--key-schema", "AttributeName=customer,KeyType=HASH",
               "AttributeName=issued,KeyType=RANGE",
               "--billing-mode", "PAY_PER_REQUEST",
               "--stream-specification", "StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES")

    table = server.aws("dynamodb", "describe-table", "--table-name", "Invoices")["Table"]

    assert table["TableStatus"] == "ACTIVE"
    assert table["KeySchema"] == [{"AttributeName": "customer", "KeyType": "HASH"},
                                  {"AttributeName": "issued", "KeyType": "RANGE"}]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert table["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert table["LatestStreamArn"].startswith(table["TableArn"] + "/stream/")


def test_list_paging(server):
    ddb = server.client("dynamodb")
    names = ["Table-a", "Table-b", "Table-c", "Table-d", "Table-e"]
    for name in names:
        create_table(ddb, name)

    first = ddb.list_tables(Limit=2)
    second = ddb.list_tables(Limit=2, ExclusiveStartTableName=first["LastEvaluatedTableName"])
    third = ddb.list_tables(Limit=2, ExclusiveStartTableName=second["LastEvaluatedTableName"])

    assert first["TableNames"] == ["Table-a", "Table-b"]
    assert first["LastEvaluatedTableName"] == "Table-b"
    assert second["TableNames"] == ["Table-c", "Table-d"]
    assert third["TableNames"] == ["Table-e"]
    assert "LastEvaluatedTableName" not in third
    assert ddb.list_tables()["TableNames"] == names
    after_c = ddb.list_tables(ExclusiveStartTableName="Table-c")
    assert after_c["TableNames"] == ["Table-d", "Table-e"]


def test_list_paging_cli(server):
    ddb = server.client("dynamodb")
    for name in ["Table-a", "Table-b", "Table-c"]:
        create_table(ddb, name)

    # The CLI pages with Limit=1 and joins the pages.
    listed = server.aws("dynamodb", "list-tables", "--page-size", "1")

    assert listed["TableNames"] == ["Table-a", "Table-b", "Table-c"]


def test_list_empty(server):
    assert server.client("dynamodb").list_tables()["TableNames"] == []


def test_delete_then_not_found(server):
    ddb = server.client("dynamodb")
    create_table(ddb, "Doomed")
    ddb.put_item(TableName="Doomed", Item={"id": {"S": "x"}})

    deleted = ddb.delete_table(TableName="Doomed")["TableDescription"]

    assert deleted["TableName"] == "Doomed"
    assert deleted["TableStatus"] == "DELETING"
    assert error_code(ddb.describe_table, TableName="Doomed") == "ResourceNotFoundException"
    assert error_code(ddb.get_item, TableName="Doomed",
                      Key={"id": {"S": "x"}}) == "ResourceNotFoundException"
    assert error_code(ddb.delete_table, TableName="Doomed") == "ResourceNotFoundException"
    assert "Doomed" not in ddb.list_tables()["TableNames"]


def test_delete_then_recreate_empty(server):
    ddb = server.client("dynamodb")
    create_table(ddb, "Reborn")
    ddb.put_item(TableName="Reborn", Item={"id": {"S": "old"}})
    ddb.delete_table(TableName="Reborn")

    create_table(ddb, "Reborn")

    assert ddb.scan(TableName="Reborn")["Items"] == []


def test_delete_with_cli(server):
    create_table(server.client("dynamodb"), "Doomed")

    server.aws("dynamodb", "delete-table", "--table-name", "Doomed")
    result = server.aws("dynamodb", "describe-table", "--table-name", "Doomed", check=False)

    assert result.returncode != 0
    assert "ResourceNotFoundException" in result.stderr


def test_create_existing_in_use(server):
    ddb = server.client("dynamodb")
    create_table(ddb, "Twice")
    ddb.put_item(TableName="Twice", Item={"id": {"S": "kept"}})

    with pytest.raises(ClientError) as raised:
        create_table(ddb, "Twice", hash_key=("other", "N"))

    assert raised.value.response["Error"]["Code"] == "ResourceInUseException"
    assert "Twice" in raised.value.response["Error"]["Message"]
    # The first table is untouched.
    table = ddb.describe_table(TableName="Twice")["Table"]
    assert table["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert ddb.get_item(TableName="Twice", Key={"id": {"S": "kept"}})["Item"] == {
        "id": {"S": "kept"}}


def test_waiter_table_exists(server):
    ddb = server.client("dynamodb")
    create_table(ddb, "Waited")

    ddb.get_waiter("table_exists").wait(TableName="Waited",
                                        WaiterConfig={"Delay": 1, "MaxAttempts": 5})
    ddb.delete_table(TableName="Waited")
    ddb.get_waiter("table_not_exists").wait(TableName="Waited",
                                            WaiterConfig={"Delay": 1, "MaxAttempts": 5})


def test_delete_description_omits_schema(server):
    ddb = server.client("dynamodb")
    create_table(ddb, "Doomed")
    ddb.put_item(TableName="Doomed", Item={"id": {"S": "x"}})

    deleted = ddb.delete_table(TableName="Doomed")["TableDescription"]

    assert deleted["TableStatus"] == "DELETING"
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
                        deleted["TableId"])
    assert deleted["TableArn"].endswith(":table/Doomed")
    assert deleted["ItemCount"] == 1
    for absent in ("CreationDateTime", "KeySchema", "AttributeDefinitions"):
        assert absent not in deleted
    assert deleted["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert deleted["ProvisionedThroughput"]["ReadCapacityUnits"] == 0


def test_update_billing_mode(server):
    ddb = server.client("dynamodb")
    create_table(ddb, "Billed")

    provisioned = ddb.update_table(
        TableName="Billed", BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 7})["TableDescription"]
    raised = ddb.update_table(
        TableName="Billed",
        ProvisionedThroughput={"ReadCapacityUnits": 9, "WriteCapacityUnits": 7})["TableDescription"]
    on_demand = ddb.update_table(TableName="Billed", BillingMode="PAY_PER_REQUEST")

    assert "BillingModeSummary" not in provisioned
    assert provisioned["ProvisionedThroughput"]["ReadCapacityUnits"] == 5
    assert provisioned["ProvisionedThroughput"]["WriteCapacityUnits"] == 7
    assert raised["ProvisionedThroughput"]["ReadCapacityUnits"] == 9
    assert on_demand["TableDescription"]["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    described = ddb.describe_table(TableName="Billed")["Table"]
    assert described["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert described["ProvisionedThroughput"]["ReadCapacityUnits"] == 0


def test_update_billing_mode_rejected(server):
    ddb = server.client("dynamodb")
    create_table(ddb, "Billed")

    assert error_code(ddb.update_table, TableName="Billed",
                      BillingMode="PROVISIONED") == "ValidationException"
    assert error_code(ddb.update_table, TableName="Billed",
                      ProvisionedThroughput={"ReadCapacityUnits": 1,
                                             "WriteCapacityUnits": 1}) == "ValidationException"
    described = ddb.describe_table(TableName="Billed")["Table"]
    assert described["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"


def test_update_same_billing_mode_keeps_stream(server):
    ddb = server.client("dynamodb")
    created = create_table(ddb, "Streamed", StreamSpecification={
        "StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})

    updated = ddb.update_table(TableName="Streamed", BillingMode="PAY_PER_REQUEST")

    assert updated["TableDescription"]["LatestStreamArn"] == created["LatestStreamArn"]
    assert updated["TableDescription"]["StreamSpecification"] == {
        "StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}


def test_update_with_nothing_rejected(server):
    ddb = server.client("dynamodb")
    create_table(ddb, "Idle")

    with pytest.raises(ClientError) as raised:
        ddb.update_table(TableName="Idle")

    assert raised.value.response["Error"]["Code"] == "ValidationException"
    assert raised.value.response["Error"]["Message"].startswith("At least one of")


def definitions_request(definitions, key_name="xyz"):
    return {"TableName": "Broken", "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": [{"AttributeName": key_name, "KeyType": "HASH"}],
            "AttributeDefinitions": definitions}


@pytest.mark.parametrize("request_body, message", [
    (definitions_request([{"AttributeName": "xyz", "AttributeType": "S"},
                          {"AttributeName": "xyz", "AttributeType": "N"}]),
     "Duplicate AttributeName xyz"),
    (definitions_request([{"AttributeType": "S"}]),
     "Value null at 'attributeDefinitions.1.member.attributeName'"),
    (definitions_request([{"AttributeName": "xyz"}]),
     "Value null at 'attributeDefinitions.1.member.attributeType'"),
    (definitions_request([{"AttributeName": "k" * 256, "AttributeType": "S"}], "k" * 256),
     "Member must have length less than or equal to 255"),
    (definitions_request([{"AttributeName": "short", "AttributeType": "S"}], "k" * 256),
     "at 'keySchema.1.member.attributeName' failed to satisfy constraint: Member must have "
     "length less than or equal to 255"),
])
def test_invalid_definitions_rejected(server, request_body, message):
    status, body = server.http("POST", "/", body=request_body, headers={
        "X-Amz-Target": "DynamoDB_20120810.CreateTable",
        "Content-Type": "application/x-amz-json-1.0"})

    assert status == 400
    assert body["__type"].endswith("#ValidationException")
    assert message in body["message"]
    assert server.client("dynamodb").list_tables()["TableNames"] == []


def test_key_name_of_255_bytes(server):
    ddb = server.client("dynamodb")
    name = "k" * 255

    create_table(ddb, "LongKey", hash_key=(name, "S"))
    ddb.put_item(TableName="LongKey", Item={name: {"S": "v"}})

    assert ddb.get_item(TableName="LongKey", Key={name: {"S": "v"}})["Item"] == {name: {"S": "v"}}
