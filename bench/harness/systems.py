"""Servers under test: start each on 127.0.0.1, wait until it responds, stop it.

Every server runs in its own process group with its own scratch directory,
and stop() ends exactly that process group.
"""

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

# Headers that tidings, dynalite and moto accept in place of a SigV4
# signature. dynalite requires an Authorization header and a date, and moto
# routes by the service named in the credential scope. None of them checks
# the signature.
DYNAMODB_HEADERS = {
    "Content-Type": "application/x-amz-json-1.0",
    "X-Amz-Date": "20260101T000000Z",
    "Authorization": (
        "AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/dynamodb/aws4_request, "
        "SignedHeaders=host;x-amz-date;x-amz-target, Signature=0"
    ),
}


def free_port():
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class DynamoError(Exception):
    """A DynamoDB-style error reply: HTTP status, __type and message."""

    def __init__(self, status, error_type, message):
        super().__init__(f"HTTP {status} {error_type}: {message}")
        self.status = status
        self.error_type = error_type
        self.message = message


def dynamodb_call(port, target, body, timeout=60):
    """Send one DynamoDB JSON request and return the parsed reply.

    `target` is the full X-Amz-Target value. Raises DynamoError on a non-200
    reply.
    """
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = dict(DYNAMODB_HEADERS, **{"X-Amz-Target": target})
        connection.request("POST", "/", body=json.dumps(body), headers=headers)
        response = connection.getresponse()
        raw = response.read()
    finally:
        connection.close()
    try:
        reply = json.loads(raw) if raw else {}
    except ValueError:
        reply = {"__type": "NotJson", "message": raw[:300].decode("utf-8", "replace")}
    if response.status != 200:
        raise DynamoError(response.status, str(reply.get("__type", "")), str(reply.get("message", reply)))
    return reply


class Server:
    """One server process. Subclasses set `name` and build the command."""

    name = "server"

    def __init__(self, workdir):
        self.workdir = Path(workdir)
        self.port = None
        self.process = None
        self.log_path = None

    def command(self):
        raise NotImplementedError

    def environment(self):
        return None

    def ready(self):
        """Return True once the server responds to requests."""
        raise NotImplementedError

    @property
    def pid(self):
        return self.process.pid if self.process else None

    def start(self, timeout=30):
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.log_path = self.workdir / f"{self.name}.log"
        log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            self.command(),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=self.environment(),
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with status {self.process.returncode} while starting; "
                    f"see {self.log_path}:\n{self.log_tail()}"
                )
            try:
                if self.ready():
                    return self
            except (OSError, http.client.HTTPException, DynamoError):
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.name} did not respond within {timeout} s; see {self.log_path}")

    def stop(self, timeout=20):
        """Stop the server's process group: SIGTERM, then SIGKILL after `timeout` s."""
        if not self.process or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def log_tail(self, lines=20):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def rss_kib(self):
        """Return (VmRSS, VmHWM) of the server process in KiB."""
        values = {}
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                key, _, rest = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    values[key] = int(rest.split()[0])
        return values.get("VmRSS", 0), values.get("VmHWM", 0)


class DynamoServer(Server):
    """A server that speaks the DynamoDB JSON API."""

    def ready(self):
        dynamodb_call(self.port, "DynamoDB_20120810.ListTables", {}, timeout=2)
        return True


class Tidings(DynamoServer):
    name = "tidings"

    def __init__(self, workdir, binary, durability, config=None):
        super().__init__(workdir)
        self.binary = binary
        self.durability = durability
        self.config = config
        self.name = f"tidings-{durability}"

    def command(self):
        data_dir = self.workdir / "data"
        command = [
            str(self.binary), "serve",
            "--listen", f"127.0.0.1:{self.port}",
            "--data-dir", str(data_dir),
            "--durability", self.durability,
            "--log-level", "warn",
        ]
        if self.config:
            command += ["--config", str(self.config)]
        return command


class Dynalite(DynamoServer):
    """dynalite on LevelDB files (--path), the on-disk mode closest to tidings."""

    name = "dynalite"

    def __init__(self, workdir, executable):
        super().__init__(workdir)
        self.executable = executable

    def command(self):
        return [
            str(self.executable),
            "--host", "127.0.0.1",
            "--port", str(self.port),
            "--path", str(self.workdir / "leveldb"),
            # Tables become ACTIVE at once instead of after 500 ms.
            "--createTableMs", "0",
            "--deleteTableMs", "0",
            "--updateTableMs", "0",
        ]


class Moto(DynamoServer):
    name = "moto"

    def __init__(self, workdir, executable):
        super().__init__(workdir)
        self.executable = executable

    def command(self):
        return [str(self.executable), "-H", "127.0.0.1", "-p", str(self.port)]


# A GetItem-shaped reply of exactly 226 bytes: nginx returns it to every
# request, as the ceiling for one HTTP request/response on this machine.
NGINX_BODY = (
    '{"Item":{"pk":{"S":"item-000000"},"userId":{"S":"user-00000"},'
    '"status":{"S":"processing"},"amount":{"N":"1234"},'
    '"payload":{"S":"' + "x" * 94 + '"}}}'
)
assert len(NGINX_BODY) == 226, len(NGINX_BODY)


class Nginx(Server):
    name = "nginx"

    def __init__(self, workdir, executable="nginx"):
        super().__init__(workdir)
        self.executable = executable

    def command(self):
        prefix = self.workdir
        for sub in ("logs", "temp"):
            (prefix / sub).mkdir(parents=True, exist_ok=True)
        config = prefix / "nginx.conf"
        # One worker per core, as tidings runs one HTTP thread per core.
        # keepalive_requests is raised so no connection is closed mid-run.
        config.write_text(
            f"""daemon off;
master_process on;
worker_processes auto;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  client_body_temp_path {prefix}/temp/body;
  proxy_temp_path {prefix}/temp/proxy;
  fastcgi_temp_path {prefix}/temp/fastcgi;
  uwsgi_temp_path {prefix}/temp/uwsgi;
  scgi_temp_path {prefix}/temp/scgi;
  keepalive_requests 100000000;
  keepalive_timeout 120s;
  server {{
    listen 127.0.0.1:{self.port};
    location / {{
      default_type application/x-amz-json-1.0;
      return 200 '{NGINX_BODY}';
    }}
  }}
}}
"""
        )
        return [self.executable, "-p", str(prefix), "-c", str(config)]

    def ready(self):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
        try:
            connection.request("POST", "/", body="{}")
            response = connection.getresponse()
            body = response.read()
        finally:
            connection.close()
        return response.status == 200 and len(body) == 226


def find_moto_server():
    """Return the path of moto_server, or None when it is not installed."""
    found = shutil.which("moto_server")
    if found:
        return found
    pyenv = Path.home() / ".pyenv" / "versions"
    if pyenv.is_dir():
        for candidate in sorted(pyenv.glob("*/bin/moto_server"), reverse=True):
            return str(candidate)
    return None
