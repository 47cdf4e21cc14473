#!/usr/bin/env bash
# Sets up everything on a fresh Debian 12 machine and starts the server with
# the Orders example on 127.0.0.1:8000 (data in ./data). Stop it with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
exec build/tidings serve --listen 127.0.0.1:8000 --data-dir ./data \
  --config examples/orders/tidings.yaml "$@"
