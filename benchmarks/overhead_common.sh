# Sourced by the whole-program overhead scripts (compare_uftrace.sh,
# compare_large_tree.sh, compare_real_program.sh): the floors' hook
# libraries, timing, and the table's rows.
#
# The floors: hooks_empty.c (the call of an empty hook) and hooks_tsc.c (two
# TSC reads, what any timing profiler pays) from ../shared/bench.

overhead_bench=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../shared/bench" 2>/dev/null && pwd) ||
  { echo "$(basename "$0"): ../shared/bench next to the repository: not found" >&2; exit 1; }

# floor_libraries DIR: DIR/libh_empty.so and DIR/libh_tsc.so to link a
# -finstrument-functions build with, and DIR/floor/libfnprof.so (the TSC
# hooks under libfnprof.so's soname), which a build linked with libfnprof.so
# loads instead of fnprof when DIR/floor comes first in LD_LIBRARY_PATH.
floor_libraries() {
  local dir=$1 h
  for h in empty tsc; do gcc -O2 -fPIC -shared "$overhead_bench/hooks_$h.c" -o "$dir/libh_$h.so"; done
  mkdir -p "$dir/floor"
  gcc -O2 -fPIC -shared "$overhead_bench/hooks_tsc.c" -Wl,-soname,libfnprof.so -o "$dir/floor/libfnprof.so"
}

# best CMD...: the fastest of 5 runs, in microseconds. Every run on CPU 0:
# runs that move between CPUs spread by 30% here.
best() {
  local b=999999999999 s e
  for _ in 1 2 3 4 5; do
    s=$(date +%s%N)
    taskset -c 0 "$@" >/dev/null 2>&1
    e=$(date +%s%N)
    [ $((e - s)) -lt $b ] && b=$((e - s))
  done
  echo $((b / 1000))
}

# row LABEL MICROSECONDS: one line of the table, against the caller's
# $plain_us (the uninstrumented build), $floor_us (the TSC floor) and $calls
# (the instrumented calls a run makes): ns/call is the time above the
# uninstrumented build divided by the calls.
row() {
  awk -v l="$1" -v t="$2" -v p="$plain_us" -v f="$floor_us" -v c="$calls" 'BEGIN {
    printf "%-40s %9.1f ms %7.1f ns/call", l, t / 1000, (t - p) * 1000 / c
    if (f > p) printf " %5.2fx the floor", (t - p) / (f - p)
    printf "\n" }'
}
