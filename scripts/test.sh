#!/usr/bin/env bash
# Builds fnprof (installing missing packages first) and runs every test, then
# the bad-input and sanitizer stages (docs/RELIABILITY.md): a 60 s fuzzing
# run of the dump reader, and the ASan+UBSan and TSan builds. Each stage says
# how long it took.
set -euo pipefail
cd "$(dirname "$0")/.."

stage() {
  local name=$1 start=$SECONDS
  shift
  "$@"
  echo "test.sh: $name took $((SECONDS - start)) s"
}

stage "build and tests" bash -c 'bash scripts/setup.sh && ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure -j2'
stage "fuzzing" bash scripts/fuzz.sh 60
stage "asan+ubsan" bash scripts/sanitize.sh asan
stage "tsan" bash scripts/sanitize.sh tsan
