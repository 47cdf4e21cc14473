#!/usr/bin/env bash
# Sets up everything on a fresh Debian 12 machine and starts the server with
# the Orders example on 127.0.0.1:8000 (data in ./data). Stop it with Ctrl-C.
# TIDINGS_LISTEN=HOST:PORT picks another address; arguments go to `tidings serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
exec build/tidings serve --listen "${TIDINGS_LISTEN:-127.0.0.1:8000}" --data-dir ./data \
  --config examples/orders/tidings.yaml "$@"
