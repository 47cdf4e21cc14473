"""Table tags: TagResource, UntagResource, ListTagsOfResource and the Tags of
CreateTable, with DynamoDB's tagging rules."""

import pytest
from botocore.exceptions import ClientError

TABLE = "Tagged"


def create_table(ddb, name=TABLE, **extra):
    return ddb.create_table(
        TableName=name, KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST", **extra)["TableDescription"]


def tags_of(ddb, arn):
    return {tag["Key"]: tag["Value"] for tag in ddb.list_tags_of_resource(ResourceArn=arn)["Tags"]}


@pytest.fixture
def ddb(server):
    return server.client("dynamodb")


def test_create_table_with_tags(ddb):
    arn = create_table(ddb, Tags=[{"Key": "team", "Value": "orders"},
                                  {"Key": "cost center", "Value": "42"}])["TableArn"]

    assert tags_of(ddb, arn) == {"team": "orders", "cost center": "42"}


def test_create_table_too_many_tags(ddb):
    with pytest.raises(ClientError) as raised:
        create_table(ddb, Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(51)])

    assert raised.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(ClientError) as missing:
        ddb.describe_table(TableName=TABLE)
    assert missing.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_tag_overwrite_and_untag(ddb):
    arn = create_table(ddb)["TableArn"]

    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": ""}])
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "a", "Value": "2"}])
    ddb.untag_resource(ResourceArn=arn, TagKeys=["b", "never-set"])

    assert tags_of(ddb, arn) == {"a": "2"}


def test_tag_limit_across_calls(ddb):
    arn = create_table(ddb)["TableArn"]
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": str(i), "Value": "v"} for i in range(40)])

    with pytest.raises(ClientError) as raised:
        ddb.tag_resource(ResourceArn=arn,
                         Tags=[{"Key": str(i), "Value": "v"} for i in range(40, 60)])

    assert raised.value.response["Error"]["Code"] == "ValidationException"
    assert len(tags_of(ddb, arn)) == 40


@pytest.mark.parametrize("tag", [
    {"Key": "k" * 129, "Value": "v"},
    {"Key": "k", "Value": "v" * 257},
    {"Key": "aws:owner", "Value": "v"},
    {"Key": "ok", "Value": "#!%^$&"},
    {"Key": "->>;-)", "Value": "ok"},
])
def test_invalid_tag_rejected(ddb, tag):
    arn = create_table(ddb)["TableArn"]

    with pytest.raises(ClientError) as raised:
        ddb.tag_resource(ResourceArn=arn, Tags=[tag])

    assert raised.value.response["Error"]["Code"] == "ValidationException"
    assert tags_of(ddb, arn) == {}


def test_tag_characters_allowed(ddb):
    arn = create_table(ddb)["TableArn"]
    tags = {"env:name/x=y+z-w@q_r.s": "a b", "ключ": "значение", "7": " "}

    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": k, "Value": v} for k, v in tags.items()])

    assert tags_of(ddb, arn) == tags


def test_empty_tag_list_rejected(server, ddb):
    arn = create_table(ddb)["TableArn"]

    status, body = server.http("POST", "/", body={"ResourceArn": arn, "Tags": []}, headers={
        "X-Amz-Target": "DynamoDB_20120810.TagResource",
        "Content-Type": "application/x-amz-json-1.0"})

    assert status == 400
    assert body["__type"].endswith("#ValidationException")


def test_tag_unknown_table(ddb):
    arn = create_table(ddb)["TableArn"]

    with pytest.raises(ClientError) as raised:
        ddb.tag_resource(ResourceArn=arn + "x", Tags=[{"Key": "a", "Value": "b"}])

    assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_tag_malformed_arn(ddb):
    with pytest.raises(ClientError) as raised:
        ddb.tag_resource(ResourceArn="not-an-arn", Tags=[{"Key": "a", "Value": "b"}])

    assert raised.value.response["Error"]["Code"] == "ValidationException"


def test_create_table_invalid_retention_tag(ddb):
    with pytest.raises(ClientError) as raised:
        create_table(ddb, Tags=[{"Key": "tidings:stream-retention", "Value": "forever"}])

    assert raised.value.response["Error"]["Code"] == "ValidationException"
    assert "tidings:stream-retention" in raised.value.response["Error"]["Message"]
    assert ddb.list_tables()["TableNames"] == []


def test_create_table_with_retention_tag(ddb):
    arn = create_table(ddb, Tags=[{"Key": "tidings:stream-retention", "Value": "7d"}])["TableArn"]

    assert tags_of(ddb, arn) == {"tidings:stream-retention": "7d"}
