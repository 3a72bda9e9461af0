#!/usr/bin/env bash
# Regenerates corpus/: real dumps of small programs of tests/programs, one
# or two per kind of section (call trees on several threads, the API's
# phases, counters and captured stacks, the resource sampler, a periodic
# flush, an exec, the allocation tracker's sections, blocking calls of every
# kind; every dump has the blocking functions, the threads' CPU time, the
# call durations and the probe cost). Seeds for dump_fuzzer and
# dump_mutants; keep them small (a few hundred KB in all).
#
#   tests/fuzz/make_corpus.sh [BUILD_DIR]     (default build)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=$(realpath "${1:-build}")
programs=$build/tests/programs
corpus=tests/fuzz/corpus
used=(threads_gcc waiting_gcc recursion_clang api_phases_clang api_counters_gcc api_crash_gcc api_sampler_gcc busy_gcc
  exec_gcc alloc/patterns_instrumented alloc/threads)
ninja -C "$build" fnprof-run "${used[@]/#/tests/programs/}" >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# run NAME ENV... -- PROGRAM ARGS...: runs it with its dumps in $out/NAME and
# keeps the first one as corpus/NAME.fnp.
run() {
  local name=$1 env=()
  shift
  while [ "$1" != -- ]; do env+=("$1"); shift; done
  shift
  mkdir -p "$out/$name"
  env FNPROF_OUTPUT="$out/$name" "${env[@]}" "$@" >/dev/null 2>&1 || true
  local first
  first=$(ls "$out/$name"/*.fnp | sort | head -1)
  cp "$first" "$corpus/$name.fnp"
}

rm -f "$corpus"/*.fnp
run threads FNPROF_SAMPLE_INTERVAL=0 -- "$programs/threads_gcc"
run waiting FNPROF_SAMPLE_INTERVAL=0 -- "$programs/waiting_gcc"
run recursion FNPROF_SAMPLE_INTERVAL=0 -- "$programs/recursion_clang"
run api_phases FNPROF_SAMPLE_INTERVAL=0 -- "$programs/api_phases_clang"
run api_counters FNPROF_SAMPLE_INTERVAL=0 -- "$programs/api_counters_gcc"
run api_crash FNPROF_SAMPLE_INTERVAL=0 -- "$programs/api_crash_gcc" crash
run api_sampler FNPROF_SAMPLE_INTERVAL=50ms -- "$programs/api_sampler_gcc"
run flush FNPROF_FLUSH_INTERVAL=100ms FNPROF_SAMPLE_INTERVAL=20ms -- "$programs/busy_gcc"
run exec FNPROF_SAMPLE_INTERVAL=0 -- "$programs/exec_gcc"
run alloc_instrumented FNPROF_SAMPLE_INTERVAL=10ms -- "$build/tools/fnprof-run" --output "$out/alloc_instrumented" \
  "$programs/alloc/patterns_instrumented"
run alloc_threads FNPROF_SAMPLE_INTERVAL=10ms -- "$build/tools/fnprof-run" --output "$out/alloc_threads" \
  "$programs/alloc/threads"
du -cb "$corpus"/*.fnp
