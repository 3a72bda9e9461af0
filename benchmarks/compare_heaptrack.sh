#!/bin/bash
# Whole-program comparison on shared/bench/allocbench.c (malloc+free pairs
# through four frames): best of 5 wall times, and ns per pair over the plain
# run, for
#   plain                 no interposer
#   forwarding            interpose_empty.c preloaded: interposition alone
#   unw_backtrace         interpose_empty.c -DUNWIND: a bare unwind per call
#   fnprof (unwind)       libfnprof_alloc.so, FNPROF_ALLOC_STACKS=unwind
#   fnprof (shadow)       allocbench built with -finstrument-functions and
#                         libfnprof.so, with libfnprof_alloc.so (stacks from
#                         the shadow stack) -- compare with the next line
#   instrumented only     that build without the tracker
#   heaptrack             heaptrack (its launcher script included)
#   valgrind memcheck
# Usage: compare_heaptrack.sh BUILD_DIR [PAIRS]   (default 1000000)
set -euo pipefail
build=$(cd "${1:?usage: compare_heaptrack.sh BUILD_DIR [PAIRS]}" && pwd)
pairs=${2:-1000000}
here=$(cd "$(dirname "$0")" && pwd)
bench=$here/../../shared/bench            # shared/ sits beside the repository
[ -d "$bench" ] || bench=$here/../shared/bench
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
alloc_lib=$build/runtime/libfnprof_alloc.so
rt_lib=$build/runtime/libfnprof.so

cc -O2 -pthread -o "$tmp/allocbench" "$bench/allocbench.c"
cc -O2 -pthread -finstrument-functions -o "$tmp/allocbench_instr" "$bench/allocbench.c" \
   "$rt_lib" -Wl,-rpath,"$(dirname "$rt_lib")"
cc -O2 -shared -fPIC -o "$tmp/forward.so" "$bench/interpose_empty.c" -ldl
cc -O2 -shared -fPIC -DUNWIND -o "$tmp/unwind.so" "$bench/interpose_empty.c" -ldl -lunwind

best_of_5() {  # prints the best wall time in seconds
  local best=
  for _ in 1 2 3 4 5; do
    local s e
    s=$(date +%s%N)
    "$@" > /dev/null 2>&1
    e=$(date +%s%N)
    local t=$(( e - s ))
    if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
  done
  echo "$best"
}

cd "$tmp"
declare -A t
t[plain]=$(best_of_5 ./allocbench "$pairs")
t[forwarding]=$(best_of_5 env LD_PRELOAD="$tmp/forward.so" ./allocbench "$pairs")
t[unw_backtrace]=$(best_of_5 env LD_PRELOAD="$tmp/unwind.so" ./allocbench "$pairs")
t[fnprof_unwind]=$(best_of_5 env LD_PRELOAD="$alloc_lib" FNPROF_ALLOC_STACKS=unwind FNPROF_OUTPUT="$tmp" ./allocbench "$pairs")
t[instrumented]=$(best_of_5 env FNPROF_OUTPUT="$tmp" ./allocbench_instr "$pairs")
t[fnprof_shadow]=$(best_of_5 env LD_PRELOAD="$alloc_lib" FNPROF_ALLOC_STACKS=shadow FNPROF_OUTPUT="$tmp" ./allocbench_instr "$pairs")
names=(plain forwarding unw_backtrace fnprof_unwind instrumented fnprof_shadow)
if command -v heaptrack > /dev/null; then
  t[heaptrack]=$(best_of_5 heaptrack -o "$tmp/ht" ./allocbench "$pairs"); names+=(heaptrack)
fi
if command -v valgrind > /dev/null; then
  t[memcheck]=$(best_of_5 valgrind --tool=memcheck ./allocbench "$pairs"); names+=(memcheck)
fi

printf '%-16s %10s %14s\n' run "best (s)" "ns/pair extra"
for n in "${names[@]}"; do
  base=${t[plain]}
  [ "$n" = fnprof_shadow ] && base=${t[instrumented]}
  awk -v n="$n" -v t="${t[$n]}" -v b="$base" -v p="$pairs" \
    'BEGIN { printf "%-16s %10.3f %14.1f\n", n, t / 1e9, (t - b) / p }'
done
awk -v u="${t[unw_backtrace]}" -v f="${t[fnprof_unwind]}" -v p="${t[plain]}" -v h="${t[heaptrack]:-0}" \
  'BEGIN { printf "fnprof unwind / bare unw_backtrace per pair: %.2f\n", (f - p) / (u - p);
           if (h > 0) printf "heaptrack / fnprof unwind, whole run: %.1fx\n", h / f }'

# Output size for the same run (issue 3: fnprof's at most heaptrack's).
mkdir -p "$tmp/size_fnprof" "$tmp/size_ht"
env LD_PRELOAD="$alloc_lib" FNPROF_ALLOC_STACKS=unwind FNPROF_OUTPUT="$tmp/size_fnprof" ./allocbench "$pairs" > /dev/null
fnprof_bytes=$(cat "$tmp"/size_fnprof/*.fnp | wc -c)
if command -v heaptrack > /dev/null; then
  heaptrack -o "$tmp/size_ht/ht" ./allocbench "$pairs" > /dev/null 2>&1
  ht_bytes=$(cat "$tmp"/size_ht/ht* | wc -c)
  echo "output: fnprof dump $fnprof_bytes bytes, heaptrack file $ht_bytes bytes"
else
  echo "output: fnprof dump $fnprof_bytes bytes"
fi
