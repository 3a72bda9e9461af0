#!/usr/bin/env bash
# Whole-program overhead of fnprof next to the floors and uftrace, on the
# shared anchor workload ../shared/bench/fib.c (fib(30): 2,692,537
# instrumented calls). Best of 5 wall times on CPU 0 (overhead_common.sh).
#
# usage: benchmarks/compare_uftrace.sh BUILD_DIR   (a configured+built tree)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
source "$here/overhead_common.sh"
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
build=$(cd "$1" && pwd)
lib=$build/runtime/libfnprof.so
[ -f "$lib" ] || { echo "compare_uftrace.sh: $lib: not found (build the fnprof target first)" >&2; exit 1; }
command -v uftrace >/dev/null || { echo "compare_uftrace.sh: uftrace: not installed" >&2; exit 1; }

N=30
calls=2692537
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

fib=$overhead_bench/fib.c
floor_libraries "$work"
gcc -O2 "$fib" -o plain
for h in empty tsc; do gcc -O2 -finstrument-functions "$fib" -o "fib_$h" -L. -Wl,-rpath,"$work" "-lh_$h"; done
gcc -O2 -finstrument-functions "$fib" -o fib_fnprof "$lib" -Wl,-rpath,"$(dirname "$lib")"
# No hooks linked: glibc's empty __cyg_profile_func_* until uftrace's libmcount
# takes over.
gcc -O2 -finstrument-functions "$fib" -o fib_if
mkdir dumps

plain_us=$(best ./plain $N)
floor_us=$(best ./fib_tsc $N)
echo "== fib($N): $calls instrumented calls, best of 5"
row "plain gcc -O2" "$plain_us"
row "-finstrument-functions, empty hooks" "$(best ./fib_empty $N)"
row "-finstrument-functions, 2x rdtsc (floor)" "$floor_us"
row "fnprof (run + dump)" "$(FNPROF_OUTPUT="$work/dumps" best ./fib_fnprof $N)"
row "uftrace record --no-libcall" "$(best uftrace record --no-libcall -d "$work/uf" ./fib_if $N)"
