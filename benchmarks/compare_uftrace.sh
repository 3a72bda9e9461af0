#!/usr/bin/env bash
# Whole-program overhead of fnprof next to the floors and uftrace, on the
# shared anchor workload ../shared/bench/fib.c (fib(30): 2,692,537
# instrumented calls). Best of 5 wall times; ns/call is the time above the
# uninstrumented build divided by the calls.
#
# usage: benchmarks/compare_uftrace.sh BUILD_DIR   (a configured+built tree)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
bench=$(cd "$here/../../shared/bench" 2>/dev/null && pwd) ||
  { echo "compare_uftrace.sh: $here/../../shared/bench: not found" >&2; exit 1; }
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
build=$(cd "$1" && pwd)
lib=$build/runtime/libfnprof.so
[ -f "$lib" ] || { echo "compare_uftrace.sh: $lib: not found (build the fnprof target first)" >&2; exit 1; }
command -v uftrace >/dev/null || { echo "compare_uftrace.sh: uftrace: not installed" >&2; exit 1; }

N=30
CALLS=2692537
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

gcc -O2 "$bench/fib.c" -o plain
for h in empty tsc; do
  gcc -O2 -fPIC -shared "$bench/hooks_$h.c" -o "libh_$h.so"
  gcc -O2 -finstrument-functions "$bench/fib.c" -o "fib_$h" -L. -Wl,-rpath,"$work" "-lh_$h"
done
gcc -O2 -finstrument-functions "$bench/fib.c" -o fib_fnprof "$lib" -Wl,-rpath,"$(dirname "$lib")"
# No hooks linked: glibc's empty __cyg_profile_func_* until uftrace's libmcount
# takes over.
gcc -O2 -finstrument-functions "$bench/fib.c" -o fib_if
mkdir dumps

# best CMD...: the fastest of 5 runs, in microseconds.
best() {
  local b=999999999999 s e
  for _ in 1 2 3 4 5; do
    s=$(date +%s%N)
    "$@" >/dev/null 2>&1
    e=$(date +%s%N)
    [ $((e - s)) -lt $b ] && b=$((e - s))
  done
  echo $((b / 1000))
}

p=$(best ./plain $N)
row() { # label microseconds
  awk -v l="$1" -v t="$2" -v p="$p" -v c="$CALLS" \
    'BEGIN { printf "%-40s %9.1f ms %9.1f ns/call\n", l, t / 1000, (t - p) * 1000 / c }'
}
echo "== fib($N): $CALLS instrumented calls, best of 5"
row "plain gcc -O2" "$p"
row "-finstrument-functions, empty hooks" "$(best ./fib_empty $N)"
row "-finstrument-functions, 2x rdtsc" "$(best ./fib_tsc $N)"
row "fnprof (run + dump)" "$(FNPROF_OUTPUT="$work/dumps" best ./fib_fnprof $N)"
row "uftrace record --no-libcall" "$(best uftrace record --no-libcall -d "$work/uf" ./fib_if $N)"
