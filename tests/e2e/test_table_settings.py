"""Time to live, tags and limits through boto3."""

import time

import botocore.exceptions
import pytest

from conftest import read_stream, wait_for, write_config


@pytest.fixture
def sessions(make_server):
    server = make_server(extra_args=["--ttl-interval", "0.1"]).start()
    dynamodb = server.client("dynamodb")
    dynamodb.create_table(
        TableName="Sessions",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    return server, dynamodb


def enable_ttl(dynamodb):
    return dynamodb.update_time_to_live(
        TableName="Sessions",
        TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"})


def test_ttl_describe_round_trip(sessions):
    _, dynamodb = sessions
    before = dynamodb.describe_time_to_live(TableName="Sessions")["TimeToLiveDescription"]
    assert before["TimeToLiveStatus"] == "DISABLED"
    response = enable_ttl(dynamodb)
    assert response["TimeToLiveSpecification"] == {"Enabled": True, "AttributeName": "expires"}
    after = dynamodb.describe_time_to_live(TableName="Sessions")["TimeToLiveDescription"]
    assert after == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires"}


def test_ttl_enable_twice_rejected(sessions):
    _, dynamodb = sessions
    enable_ttl(dynamodb)
    with pytest.raises(botocore.exceptions.ClientError) as error:
        enable_ttl(dynamodb)
    assert error.value.response["Error"]["Code"] == "ValidationException"


def test_ttl_attribute_name_limit(sessions):
    _, dynamodb = sessions
    with pytest.raises(botocore.exceptions.ClientError) as error:
        dynamodb.update_time_to_live(
            TableName="Sessions",
            TimeToLiveSpecification={"Enabled": True, "AttributeName": "e" * 256})

    assert error.value.response["Error"]["Code"] == "ValidationException"
    assert "255" in error.value.response["Error"]["Message"]
    description = dynamodb.describe_time_to_live(TableName="Sessions")["TimeToLiveDescription"]
    assert description["TimeToLiveStatus"] == "DISABLED"
    dynamodb.update_time_to_live(
        TableName="Sessions", TimeToLiveSpecification={"Enabled": True, "AttributeName": "e" * 255})


def test_ttl_deletes_expired_items(sessions):
    server, dynamodb = sessions
    enable_ttl(dynamodb)
    now = int(time.time())
    dynamodb.put_item(TableName="Sessions",
                      Item={"id": {"S": "old"}, "expires": {"N": str(now - 10)}})
    dynamodb.put_item(TableName="Sessions",
                      Item={"id": {"S": "fresh"}, "expires": {"N": str(now + 3600)}})
    dynamodb.put_item(TableName="Sessions", Item={"id": {"S": "forever"}})
    dynamodb.put_item(TableName="Sessions",
                      Item={"id": {"S": "text"}, "expires": {"S": str(now - 10)}})

    def remaining():
        return sorted(item["id"]["S"] for item in dynamodb.scan(TableName="Sessions")["Items"])

    assert wait_for(lambda: remaining() == ["forever", "fresh", "text"])


def test_ttl_removal_names_service(sessions):
    server, dynamodb = sessions
    enable_ttl(dynamodb)
    dynamodb.put_item(TableName="Sessions", Item={"id": {"S": "mine"}})
    dynamodb.delete_item(TableName="Sessions", Key={"id": {"S": "mine"}})
    dynamodb.put_item(TableName="Sessions",
                      Item={"id": {"S": "old"}, "expires": {"N": str(int(time.time()) - 5)}})

    arn = dynamodb.describe_table(TableName="Sessions")["Table"]["LatestStreamArn"]
    records = wait_for(lambda: (lambda r: r if len(r) == 4 else None)(read_stream(server, arn)))
    assert records, "no TTL deletion appeared in the stream"
    user_remove, ttl_remove = records[1], records[3]
    assert user_remove["eventName"] == "REMOVE"
    assert "userIdentity" not in user_remove
    assert ttl_remove["eventName"] == "REMOVE"
    assert ttl_remove["userIdentity"] == {"Type": "Service",
                                          "PrincipalId": "dynamodb.amazonaws.com"}
    assert ttl_remove["dynamodb"]["OldImage"]["id"] == {"S": "old"}


def test_tags_round_trip(sessions):
    _, dynamodb = sessions
    arn = dynamodb.describe_table(TableName="Sessions")["Table"]["TableArn"]
    dynamodb.tag_resource(ResourceArn=arn, Tags=[{"Key": "team", "Value": "growth"},
                                                 {"Key": "env", "Value": "dev"}])
    dynamodb.untag_resource(ResourceArn=arn, TagKeys=["env"])
    tags = dynamodb.list_tags_of_resource(ResourceArn=arn)["Tags"]
    assert tags == [{"Key": "team", "Value": "growth"}]


def test_tags_on_missing_table(sessions):
    _, dynamodb = sessions
    with pytest.raises(botocore.exceptions.ClientError) as error:
        dynamodb.list_tags_of_resource(
            ResourceArn="arn:aws:dynamodb:us-east-1:000000000000:table/Nope")
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_describe_limits(sessions):
    _, dynamodb = sessions
    limits = dynamodb.describe_limits()
    assert limits["TableMaxWriteCapacityUnits"] > 0


EXPIRY_CONFIG = """
pipelines:
  - name: session-expired
    source: {table: Sessions}
    starting_position: TRIM_HORIZON
    filter_criteria:
      filters:
        - pattern: '{"eventName": ["REMOVE"], "userIdentity": {"type": ["Service"]}}'
    notify:
      title: "Session {{old.id}} expired"
      recipient_external_id: "{{old.owner}}"
"""


def test_pipeline_filters_ttl_removals(make_server, tmp_path):
    server = make_server(config=write_config(str(tmp_path), EXPIRY_CONFIG),
                         extra_args=["--ttl-interval", "0.1"]).start()
    dynamodb = server.client("dynamodb")
    dynamodb.create_table(
        TableName="Sessions",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    enable_ttl(dynamodb)
    dynamodb.put_item(TableName="Sessions", Item={"id": {"S": "s1"}, "owner": {"S": "ana"}})
    dynamodb.delete_item(TableName="Sessions", Key={"id": {"S": "s1"}})
    dynamodb.put_item(TableName="Sessions", Item={
        "id": {"S": "s2"}, "owner": {"S": "ana"}, "expires": {"N": str(int(time.time()) - 1)}})

    assert wait_for(lambda: server.inbox("ana")["total"] == 1)
    assert server.inbox("ana")["notifications"][0]["title"] == "Session s2 expired"
