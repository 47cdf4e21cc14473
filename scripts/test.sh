#!/usr/bin/env bash
# Installs dependencies, builds, and runs every test: the GoogleTest unit tests
# and the end-to-end tests that drive a real server with the AWS CLI and boto3.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
cd build
ctest --output-on-failure -j2 --timeout 600
