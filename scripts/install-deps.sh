#!/usr/bin/env bash
# Installs the Debian 12 packages that building, running and testing tidings need.
set -euo pipefail

packages=(
  # Build
  cmake ninja-build g++ pkg-config
  # Libraries (see README.md, "Dependencies")
  librocksdb-dev libboost-dev libabsl-dev rapidjson-dev libspdlog-dev libfmt-dev libcli11-dev
  libyaml-cpp-dev libssl-dev libcurl4-openssl-dev libgtest-dev libgmock-dev
  # Clients and servers the end-to-end tests drive
  awscli python3 python3-boto3 python3-pytest python3-requests python3-aiosmtpd curl
  # The benchmark harness's smoke run (its plot, process listing)
  python3-matplotlib procps
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  SUDO="sudo"
fi
echo "Installing: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
