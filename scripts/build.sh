#!/usr/bin/env bash
# Configures and builds tidings into build/ (Release with debug info).
# Pass -DTIDINGS_BUILD_TESTS=OFF or other CMake options as arguments.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTIDINGS_BUILD_BENCHMARKS=ON "$@" \
  >/dev/null
ninja -C build
