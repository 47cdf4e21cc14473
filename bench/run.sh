#!/usr/bin/env bash
# Runs the tidings benchmarks against dynalite, moto_server and nginx on
# 127.0.0.1 and writes the results page.
#
#   bench/run.sh            full run (under 15 minutes on 2 cores); writes
#                           docs/benchmarks.md and docs/benchmarks-throughput.png
#   bench/run.sh --smoke    seconds-long run of every step with tiny sizes;
#                           writes build-bench/bench-smoke/benchmarks.md
#
# Other flags go to bench/harness/main.py (--help lists them). The script
# installs what it needs: Debian packages with apt-get, dynalite with npm into
# bench/dynalite/node_modules (git-ignored). moto_server is not installed
# here; the run uses the one on PATH and reports moto as skipped without it.
set -euo pipefail

# The page reports the whole run time, installs and build included.
export TIDINGS_BENCH_STARTED_AT="$(date +%s)"

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  SUDO="sudo"
fi

# Build dependencies of tidings itself.
scripts/install-deps.sh

# nginx-light: the fixed-response ceiling. rocksdb-tools: db_bench, the fsync
# reference. linux-perf: profiles. python3-matplotlib: the plot. nodejs and
# npm: dynalite.
packages=(nginx-light rocksdb-tools linux-perf python3-matplotlib nodejs npm procps)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done
# A machine may have node and npm from elsewhere; then Debian's are not needed.
if command -v node >/dev/null && command -v npm >/dev/null; then
  filtered=()
  for package in "${missing[@]}"; do
    [[ $package == nodejs || $package == npm ]] || filtered+=("$package")
  done
  missing=("${filtered[@]}")
fi
if ((${#missing[@]} > 0)); then
  echo "bench: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# dynalite, pinned by bench/dynalite/package.json. A failed install is not
# fatal: the harness reports dynalite as skipped.
if [[ ! -x bench/dynalite/node_modules/.bin/dynalite ]]; then
  echo "bench: installing dynalite with npm"
  (cd bench/dynalite && npm ci --no-audit --no-fund --loglevel=error) ||
    echo "bench: npm install of dynalite failed; the run will skip dynalite" >&2
fi

# At most two compile jobs: the machine has two cores.
cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DTIDINGS_BUILD_TESTS=OFF \
  -DTIDINGS_BUILD_BENCHMARKS=ON >/dev/null
ninja -j2 -C build-bench tidings tidings-load

# Debian's python3 has the matplotlib installed above; a pyenv python3 on
# PATH may not.
exec /usr/bin/python3 bench/harness/main.py --root "$root" "$@"
