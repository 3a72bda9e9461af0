#!/usr/bin/env bash
# Whole-program overhead of fnprof on a program of your own, against the TSC
# floor and uftrace: PLAIN is its ordinary build, INSTRUMENTED the same
# sources built with fnprof-cc or fnprof-c++ (hence linked with
# libfnprof.so). The floor is INSTRUMENTED with a libfnprof.so of two TSC
# reads put first in LD_LIBRARY_PATH (overhead_common.sh); uftrace's preloaded
# libmcount takes the hooks over the same way. Both run ARGS in the current
# directory, best of 5 on CPU 0; the calls are those of fnprof's dump.
#
# usage: benchmarks/compare_real_program.sh PLAIN INSTRUMENTED [ARGS...]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
source "$here/overhead_common.sh"
[ $# -ge 2 ] || { echo "usage: $0 PLAIN INSTRUMENTED [ARGS...]" >&2; exit 2; }
plain=$(realpath "$1") instrumented=$(realpath "$2")
shift 2
ldd "$instrumented" | grep -q 'libfnprof\.so' ||
  { echo "compare_real_program.sh: $instrumented: not linked with libfnprof.so (build it with fnprof-cc)" >&2; exit 1; }
# DT_RPATH would come before LD_LIBRARY_PATH and keep fnprof in the floor's run.
readelf -d "$instrumented" | grep -q '(RPATH)' &&
  { echo "compare_real_program.sh: $instrumented: has an RPATH, which LD_LIBRARY_PATH cannot override" >&2; exit 1; }
command -v perf-report >/dev/null || { echo "compare_real_program.sh: perf-report: not on PATH" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
floor_libraries "$work"
mkdir "$work/dumps"

FNPROF_OUTPUT="$work/dumps" "$instrumented" "$@" >/dev/null
calls=$(perf-report --format json "$work"/dumps/*.fnp | python3 -c 'import json, sys; print(json.load(sys.stdin)["total_calls"])')
rm "$work"/dumps/*.fnp

plain_us=$(best "$plain" "$@")
floor_us=$(LD_LIBRARY_PATH="$work/floor" best "$instrumented" "$@")
echo "== $(basename "$plain") $*: $calls instrumented calls, best of 5"
row "plain" "$plain_us"
row "2x rdtsc (floor)" "$floor_us"
row "fnprof (run + dump)" "$(FNPROF_OUTPUT="$work/dumps" best "$instrumented" "$@")"
if command -v uftrace >/dev/null; then
  row "uftrace record --no-libcall" "$(LD_LIBRARY_PATH="$work/floor" best uftrace record --no-libcall -d "$work/uf" "$instrumented" "$@")"
fi
