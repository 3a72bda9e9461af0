#!/usr/bin/env bash
# Fuzzes the dump reader (tests/fuzz/dump_fuzzer, libFuzzer with ASan and
# UBSan) for SECONDS (default 600), starting from the seed dumps and the
# earlier findings of tests/fuzz/. CI runs it for 60 s. Builds with Clang in
# ${BUILD_DIR:-build}-fuzzer, only the fuzzer and the reader's sources.
#
#   scripts/fuzz.sh [SECONDS]
#
# A finding (exit 1) is left as crash-*, oom-*, timeout-* or leak-* in
# ${BUILD_DIR:-build}-fuzzer/findings/: fix it in tools/dump/, copy the input
# to tests/fuzz/findings/<what>.fnp (the fuzzer starts from these too) and add a
# test of the error it now gives to tests/tools/dump/dump_reader_test.cpp.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
build=${BUILD_DIR:-build}-fuzzer
if [ ! -f "$build/build.ninja" ]; then
  CC=clang CXX=clang++ cmake -G Ninja -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFNPROF_FUZZ=ON >/dev/null
fi
cmake --build "$build" --target dump_fuzzer
# New inputs go to the first directory, a scratch one: the checked-in corpus
# changes only by hand.
mkdir -p "$build/corpus" "$build/findings"
seeds=(tests/fuzz/corpus)
[ -d tests/fuzz/findings ] && seeds+=(tests/fuzz/findings)
"$build/tests/fuzz/dump_fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -malloc_limit_mb=1024 -print_final_stats=1 -artifact_prefix="$build/findings/" \
  "$build/corpus" "${seeds[@]}" 2>"$build/fuzz.log" || {
  tail -40 "$build/fuzz.log"
  echo "fuzz: a finding, in $build/findings/ (see scripts/fuzz.sh)" >&2
  exit 1
}
grep -E '^(stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb)|^#[0-9]+.*DONE' \
  "$build/fuzz.log" | sed 's/^/fuzz: /'
