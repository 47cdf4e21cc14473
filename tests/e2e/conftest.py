"""Fixtures that start a real tidings server and give tests real clients.

Every server runs on 127.0.0.1 with a port chosen by the kernel and a fresh
temporary data directory. Clients are the AWS CLI (/usr/bin/aws), boto3 and
plain HTTP, as a user would use them.
"""

import json
import os
import re
import signal
import subprocess
import tempfile
import time
import urllib.request

import boto3
import pytest
from botocore.config import Config

SOURCE_DIR = os.environ.get(
    "TIDINGS_SOURCE_DIR", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
BINARY = os.environ.get("TIDINGS_BINARY", os.path.join(SOURCE_DIR, "build", "tidings"))
ORDERS_CONFIG = os.path.join(SOURCE_DIR, "examples", "orders", "tidings.yaml")
AWS_CLI = "/usr/bin/aws"
CLIENT_ENV = {
    "AWS_ACCESS_KEY_ID": "test",
    "AWS_SECRET_ACCESS_KEY": "test",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_PAGER": "",
}


class TidingsServer:
    """One tidings process; restartable on the same data directory."""

    def __init__(self, data_dir, config=ORDERS_CONFIG, extra_args=()):
        self.data_dir = data_dir
        self.config = config
        self.extra_args = list(extra_args)
        self.durability = "sync"
        self.process = None
        self.port = None
        self.log_path = os.path.join(data_dir + "-logs", "server.log")
        os.makedirs(os.path.dirname(self.log_path), exist_ok=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, durability=None):
        """Starts the server with `durability`, else with the previous start's (sync at first)."""
        if durability:
            self.durability = durability
        args = [BINARY, "serve", "--listen", "127.0.0.1:0", "--data-dir", self.data_dir,
                "--durability", self.durability, "--log-level", "info"]
        if self.config:
            args += ["--config", self.config]
        args += self.extra_args
        self.log = open(self.log_path, "a")
        self.process = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"tidings exited with {self.process.returncode}: {self.read_log()}")
            match = re.search(r"listening on 127\.0\.0\.1:(\d+)", self.read_log())
            if match and self._healthy(int(match.group(1))):
                self.port = int(match.group(1))
                return self
            time.sleep(0.05)
        raise RuntimeError("tidings did not start within 30 s: " + self.read_log())

    def _healthy(self, port):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    def read_log(self):
        with open(self.log_path) as log:
            return log.read()

    def stop(self, sig=signal.SIGTERM):
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=30)
        code = self.process.returncode if self.process else None
        self.process = None
        # The next start logs a new port; forget the old lines.
        with open(self.log_path, "a") as log:
            log.write("\n--- stopped ---\n")
        self._truncate_log()
        return code

    def _truncate_log(self):
        # Keep history in a separate file so start() reads only the new run.
        with open(self.log_path) as log:
            history = log.read()
        with open(self.log_path + ".old", "a") as old:
            old.write(history)
        open(self.log_path, "w").close()

    def kill9(self):
        return self.stop(signal.SIGKILL)

    def restart(self):
        self.stop()
        return self.start()

    # Clients ---------------------------------------------------------------

    def aws(self, *args, check=True):
        """Runs the AWS CLI against this server; returns parsed JSON output."""
        env = dict(os.environ, **CLIENT_ENV)
        result = subprocess.run([AWS_CLI, "--endpoint-url", self.url, "--output", "json", *args],
                                capture_output=True, text=True, env=env, timeout=60)
        if check and result.returncode != 0:
            raise AssertionError(f"aws {' '.join(args)} failed: {result.stderr}")
        if not check:
            return result
        return json.loads(result.stdout) if result.stdout.strip() else {}

    def client(self, service):
        return boto3.client(service, endpoint_url=self.url, region_name="us-east-1",
                            aws_access_key_id="test", aws_secret_access_key="test",
                            config=Config(retries={"max_attempts": 1}))

    def http(self, method, path, body=None, headers=None):
        """Sends one HTTP request; returns (status, parsed JSON body or None)."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                text = response.read().decode()
                return response.status, json.loads(text) if text else None
        except urllib.error.HTTPError as error:
            text = error.read().decode()
            return error.code, json.loads(text) if text else None

    def inbox(self, user):
        status, body = self.http("GET", "/notifications?per_page=100", headers={
            "X-MAGICBELL-API-KEY": "key", "X-MAGICBELL-USER-EXTERNAL-ID": user})
        assert status == 200, body
        return body


def run_tidings(*args, timeout=30):
    """Runs the tidings binary with `args` until it exits and returns the CompletedProcess."""
    return subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=timeout)


def write_config(directory, text):
    """Writes a tidings config file into `directory` and returns its path."""
    path = os.path.join(directory, "tidings.yaml")
    with open(path, "w") as config:
        config.write(text)
    return path


def list_shards(server, stream_arn):
    """Returns every shard of the stream, following DescribeStream's pages."""
    streams = server.client("dynamodbstreams")
    shards, request = [], {"StreamArn": stream_arn}
    while True:
        description = streams.describe_stream(**request)["StreamDescription"]
        shards += description["Shards"]
        if "LastEvaluatedShardId" not in description:
            return shards
        request["ExclusiveStartShardId"] = description["LastEvaluatedShardId"]


def read_shard(server, stream_arn, shard_id, limit=1000, iterator_type="TRIM_HORIZON"):
    """Reads a shard's records from `iterator_type` until a read returns none
    or the closed shard returns no NextShardIterator."""
    streams = server.client("dynamodbstreams")
    iterator = streams.get_shard_iterator(StreamArn=stream_arn, ShardId=shard_id,
                                          ShardIteratorType=iterator_type)["ShardIterator"]
    records = []
    while iterator:
        response = streams.get_records(ShardIterator=iterator, Limit=limit)
        records += response["Records"]
        if not response["Records"]:
            break
        iterator = response.get("NextShardIterator")
    return records


def read_stream(server, stream_arn, limit=1000):
    """Reads every record of every shard of the stream from TRIM_HORIZON and
    returns them in sequence-number order, which is the order of the writes."""
    records = []
    for shard in list_shards(server, stream_arn):
        records += read_shard(server, stream_arn, shard["ShardId"], limit)
    return sorted(records, key=lambda record: int(record["dynamodb"]["SequenceNumber"]))


def wait_for(predicate, timeout=10.0, interval=0.02):
    """Polls `predicate` until it returns a truthy value or `timeout` passes."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


@pytest.fixture
def data_dir():
    with tempfile.TemporaryDirectory(prefix="tidings-e2e-") as directory:
        yield os.path.join(directory, "data")


@pytest.fixture
def server(data_dir):
    instance = TidingsServer(data_dir).start()
    yield instance
    instance.stop()


@pytest.fixture
def make_server(data_dir):
    """Builds servers with a custom config or flags; stops them at the end."""
    started = []

    def build(config=ORDERS_CONFIG, extra_args=(), directory=None):
        instance = TidingsServer(directory or data_dir, config=config, extra_args=extra_args)
        started.append(instance)
        return instance

    yield build
    for instance in started:
        if instance.process:
            instance.stop()
