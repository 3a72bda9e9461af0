#!/usr/bin/env bash
# Installs the Debian packages fnprof needs (apt only when one is missing)
# and configures and builds the project in build/ (or $BUILD_DIR).
# Idempotent: a second run only rebuilds what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  cmake ninja-build g++ clang-14 clang llvm-14-dev python3 binutils
  libunwind-dev libgtest-dev libgmock-dev libbenchmark-dev libcli11-dev
  libfmt-dev nlohmann-json3-dev zlib1g-dev libzstd-dev
  libboost-stacktrace-dev protobuf-compiler libprotobuf-dev
  uftrace valgrind heaptrack bc
  python3-jsonschema chromium
  help2man man-db pkg-config dpkg-dev golang-go
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm comes with Node.js where Node.js is not Debian's own (NodeSource's
# nodejs conflicts with Debian's npm package): ask apt only when it is absent.
command -v npm >/dev/null || missing+=(npm)
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi

build=${BUILD_DIR:-build}
# Configured once; afterwards ninja re-runs cmake itself when a CMakeLists.txt
# changes.
if [ ! -f "$build/build.ninja" ]; then
  cmake -G Ninja -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
cmake --build "$build"
# speedscope, for the viewer tests (tests/viewers): npm's package, pinned.
if [ ! -f "$build/npm/node_modules/speedscope/package.json" ]; then
  npm install --silent --no-save --prefix "$build/npm" speedscope@1.25.0
fi
