"""DynamoDB workloads: tables, request templates and the runs of tidings-load.

Request bodies are templates for tidings-load: "{seq}" becomes a number
unique to the request within a run and "{key}" that number modulo the
keyspace, so every request names a different key.
"""

import json
import subprocess
from dataclasses import dataclass, field

from systems import DynamoError, dynamodb_call

PLAIN_TABLE = "bench_plain"    # No stream.
STREAM_TABLE = "bench_stream"  # Stream with NEW_AND_OLD_IMAGES.
QUERY_TABLE = "bench_query"    # Hash and range key, for Query.
BATCH_SIZE = 25                # Items per BatchWriteItem, DynamoDB's maximum.
QUERY_PAGE = 10                # Items per partition, so each Query returns 10.

# Padding that brings an item to about 200 bytes by DynamoDB's item size rule
# (attribute names plus values) with a 14-character key.
PAYLOAD = "x" * 135


def item_template(pk):
    """Return the DynamoDB JSON of a ~200-byte item whose key is `pk`."""
    return (
        '{"pk":{"S":"' + pk + '"},"userId":{"S":"user-{key}"},'
        '"status":{"S":"processing"},"amount":{"N":"{seq}"},'
        '"payload":{"S":"' + PAYLOAD + '"}}'
    )


def item_size(pk, seq=123456, key=42):
    """Return the DynamoDB size of item_template(pk) rendered for seq and key."""
    names = len("pk") + len("userId") + len("status") + len("amount") + len("payload")
    number_bytes = (len(str(seq)) + 1) // 2 + 1
    return names + len(pk) + len(f"user-{key}") + len("processing") + number_bytes + len(PAYLOAD)


def create_table(port, name, stream=False, range_key=False):
    """Create a pay-per-request table with an S hash key "pk" (and S range key "sk")."""
    body = {
        "TableName": name,
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "BillingMode": "PAY_PER_REQUEST",
    }
    if range_key:
        body["AttributeDefinitions"].append({"AttributeName": "sk", "AttributeType": "S"})
        body["KeySchema"].append({"AttributeName": "sk", "KeyType": "RANGE"})
    if stream:
        body["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    dynamodb_call(port, "DynamoDB_20120810.CreateTable", body)


@dataclass
class Workload:
    """One request shape, run at each concurrency."""

    name: str
    title: str
    operation: str           # DynamoDB operation name, e.g. "PutItem".
    table: str
    body: object             # Callable(tag) -> template string.
    keyspace: int = 0        # 0: every request writes a new key.
    items_per_request: int = 1
    durability_sensitive: bool = False  # Also run against tidings --durability sync.
    notes: list = field(default_factory=list)


def put_body(table):
    return lambda tag: (
        '{"TableName":"' + table + '","Item":' + item_template(f"put-{tag}-{{seq}}") + "}"
    )


def get_body(tag):
    return '{"TableName":"' + PLAIN_TABLE + '","Key":{"pk":{"S":"item-{key}"}}}'


def update_body(tag):
    return (
        '{"TableName":"' + PLAIN_TABLE + '","Key":{"pk":{"S":"item-{key}"}},'
        '"UpdateExpression":"SET #st = :st, amount = :amount",'
        '"ExpressionAttributeNames":{"#st":"status"},'
        '"ExpressionAttributeValues":{":st":{"S":"shipped"},":amount":{"N":"{seq}"}}}'
    )


def query_body(tag):
    return (
        '{"TableName":"' + QUERY_TABLE + '","KeyConditionExpression":"pk = :pk",'
        '"ExpressionAttributeValues":{":pk":{"S":"part-{key}"}}}'
    )


def batch_body(tag):
    requests = ",".join(
        '{"PutRequest":{"Item":' + item_template(f"batch-{tag}-{{seq}}-{i}") + "}}"
        for i in range(BATCH_SIZE)
    )
    return '{"RequestItems":{"' + PLAIN_TABLE + '":[' + requests + "]}}"


def workloads(keyspace):
    return [
        Workload("put_stream_off", "PutItem, stream off", "PutItem", PLAIN_TABLE,
                 put_body(PLAIN_TABLE), durability_sensitive=True),
        Workload("put_stream_on", "PutItem, stream on (NEW_AND_OLD_IMAGES)", "PutItem",
                 STREAM_TABLE, put_body(STREAM_TABLE), durability_sensitive=True),
        Workload("get", "GetItem", "GetItem", PLAIN_TABLE, get_body, keyspace=keyspace),
        Workload("update", "UpdateItem, SET expression", "UpdateItem", PLAIN_TABLE, update_body,
                 keyspace=keyspace),
        Workload("query", f"Query, {QUERY_PAGE} items", "Query", QUERY_TABLE, query_body,
                 keyspace=max(1, keyspace // QUERY_PAGE)),
        Workload("batch_write", f"BatchWriteItem, {BATCH_SIZE} items", "BatchWriteItem",
                 PLAIN_TABLE, batch_body, items_per_request=BATCH_SIZE),
    ]


class LoadTool:
    """Runs bench/load's tidings-load and returns its JSON result."""

    def __init__(self, binary, workdir):
        self.binary = str(binary)
        self.workdir = workdir

    def _body_file(self, template):
        path = self.workdir / "body.json"
        path.write_text(template)
        return path

    def load(self, port, template, connections, duration, warmup=0.0, operation=None,
             keyspace=0, max_requests=0, rate=0.0, method="POST", path="/", timeout=None):
        command = [
            self.binary, "load",
            "--target", f"127.0.0.1:{port}",
            "--body-file", str(self._body_file(template)),
            "-c", str(connections),
            "-d", str(duration),
            "--warmup", str(warmup),
            "--keyspace", str(keyspace),
            "--max-requests", str(max_requests),
            "--rate", str(rate),
            "--method", method,
            "--path", path,
        ]
        if operation:
            command += ["--dynamodb-target", f"DynamoDB_20120810.{operation}"]
        limit = timeout or (warmup + duration + 60)
        return json.loads(subprocess.run(command, check=True, capture_output=True, text=True,
                                         timeout=limit).stdout)

    def run(self, *args, timeout=600):
        """Run another tidings-load subcommand and parse its output."""
        completed = subprocess.run([self.binary, *args], capture_output=True, text=True,
                                   timeout=timeout)
        if completed.returncode != 0:
            raise RuntimeError(f"tidings-load {args[0]} failed: {completed.stderr.strip()}")
        return json.loads(completed.stdout)


def probe_operation(port, workload):
    """Send one request of the workload. Return None when it succeeds, else the reason.

    An UnknownOperationException means the server lacks the operation, and
    the workload is skipped.
    """
    template = workload.body("probe")
    body = json.loads(template.replace("{seq}", "0").replace("{key}", "0"))
    try:
        dynamodb_call(port, f"DynamoDB_20120810.{workload.operation}", body)
        return None
    except DynamoError as error:
        if "UnknownOperationException" in error.error_type:
            return f"{workload.operation} is not supported (UnknownOperationException)"
        return f"{workload.operation} probe failed: {error}"


def prefill(tool, port, keyspace):
    """Write the items that GetItem, UpdateItem and Query read: item-0 .. item-(keyspace-1)
    in the plain table, and keyspace items in keyspace/10 partitions of the query table."""
    items = '{"TableName":"' + PLAIN_TABLE + '","Item":' + item_template("item-{seq}") + "}"
    result = tool.load(port, items, connections=16, duration=600, operation="PutItem",
                       max_requests=keyspace)
    check_load(result, "prefill of " + PLAIN_TABLE)
    return result


def prefill_query(tool, port, keyspace):
    partitions = max(1, keyspace // QUERY_PAGE)
    item = item_template("part-{key}")
    item = item.replace('{"pk":', '{"sk":{"S":"s-{seq}"},"pk":', 1)
    template = '{"TableName":"' + QUERY_TABLE + '","Item":' + item + "}"
    result = tool.load(port, template, connections=16, duration=600, operation="PutItem",
                       keyspace=partitions, max_requests=partitions * QUERY_PAGE)
    check_load(result, "prefill of " + QUERY_TABLE)
    return result


def check_load(result, description):
    """Raise when a load run had no successful request, with its first error."""
    if result["succeeded"] == 0:
        raise RuntimeError(f"{description}: no request succeeded; first error: {result['error_sample']}")


def check_prefill(port, keyspace, items, query):
    """Read back the last prefilled item and one Query partition, so the GetItem,
    UpdateItem and Query runs are known to hit existing items."""
    checks = {}
    if items:
        reply = dynamodb_call(port, "DynamoDB_20120810.GetItem",
                              {"TableName": PLAIN_TABLE,
                               "Key": {"pk": {"S": f"item-{keyspace - 1}"}}})
        if "Item" not in reply:
            raise RuntimeError(f"prefill check: GetItem of item-{keyspace - 1} found no item")
        checks["last_item_found"] = True
    if query:
        reply = dynamodb_call(port, "DynamoDB_20120810.Query",
                              {"TableName": QUERY_TABLE, "KeyConditionExpression": "pk = :pk",
                               "ExpressionAttributeValues": {":pk": {"S": "part-0"}}})
        checks["query_count"] = reply.get("Count")
        if reply.get("Count") != QUERY_PAGE:
            raise RuntimeError(f"prefill check: Query of part-0 returned {reply.get('Count')} "
                               f"items, expected {QUERY_PAGE}")
    return checks
