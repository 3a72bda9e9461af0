#!/bin/bash
# Do fnprof and heaptrack count the same? Runs one real, deterministic
# program nobody here wrote -- GNU bc (Debian package bc) computing pi to
# 1,000 digits from a generated script: 322,084 allocations, some memory
# still allocated at exit -- once under fnprof-run and once under heaptrack,
# and prints side by side: allocation calls, bytes allocated, peak heap,
# leaked bytes and leaked blocks, and whether each agrees exactly.
#
# heaptrack's numbers are computed from its own event log (heaptrack_print
# rounds to 10 bytes: "peak heap memory consumption: 135.93K"); its summary
# lines are printed too, for the record.
#
# One known difference, not a disagreement on what the program did: bc does
# not use libstdc++, but heaptrack's preloaded library loads it, and
# libstdc++ allocates its emergency exception pool (one block, 72,704 bytes
# with GCC 12) as it loads, which heaptrack counts (and frees at exit by
# calling __gnu_cxx::__freeres()). fnprof's tracker loads no C++ runtime,
# so it sees only bc's allocations. The third column is heaptrack's less
# what it counts in /bin/true, which allocates nothing itself: that pool,
# live from load to exit, so it is also subtracted from the peak. fnprof
# must agree with that column on every line.
#
# Usage: heaptrack_totals.sh BUILD_DIR [DIGITS]   (default 1000)
# Exit status: 0 when every line agrees, 1 otherwise (or when a run gives no
# totals), 2 when a tool is missing.
set -euo pipefail
build=$(cd "${1:?usage: heaptrack_totals.sh BUILD_DIR [DIGITS]}" && pwd)
digits=${2:-1000}
for tool in bc heaptrack heaptrack_print zstd python3; do
  command -v "$tool" > /dev/null || { echo "heaptrack_totals.sh: $tool is not installed" >&2; exit 2; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C  # the same locale data for every run

# The input: pi by the arctangent series of bc's math library.
printf 'scale=%d\n4*a(1)\nquit\n' "$digits" > "$tmp/pi.bc"
run_bc() { "$@" bc -l "$tmp/pi.bc" < /dev/null > /dev/null; }

mkdir "$tmp/fnprof"
run_bc "$build/tools/fnprof-run" --output "$tmp/fnprof" -- 2> /dev/null
run_bc heaptrack -o "$tmp/heaptrack" > /dev/null 2>&1
heaptrack -o "$tmp/heaptrack_true" /bin/true > /dev/null 2>&1

fnprof_totals() {  # perf-report's JSON summary of the one dump in $1
  "$build/tools/perf-report" --format json "$1"/fnprof.bc.*.fnp | python3 -c '
import json, sys
s = json.load(sys.stdin)["allocations"]["summary"]
print(s["allocations"], s["bytes_allocated"], s["peak_live_bytes"], s["leaked_bytes"], s["leaked_blocks"])'
}

heaptrack_totals() {  # calls, bytes, peak, live bytes and blocks of heaptrack log $1
  zstd -dc "$1" | python3 "$(dirname "$0")/heaptrack_log.py"
}

read -r -a f <<< "$(fnprof_totals "$tmp/fnprof")"
read -r -a h <<< "$(heaptrack_totals "$tmp"/heaptrack.zst)"
read -r -a t <<< "$(heaptrack_totals "$tmp"/heaptrack_true.zst)"
for totals in f h t; do
  declare -n row=$totals
  [ "${#row[@]}" -eq 5 ] || { echo "heaptrack_totals.sh: could not read the totals of one run" >&2; exit 1; }
done

echo "bc -l: pi to $digits digits ($(bc --version | head -1)), $(heaptrack --version)"
printf '%-22s %14s %14s %22s %8s\n' "" fnprof heaptrack "heaptrack less its own" agrees
names=("allocation calls" "bytes allocated" "peak heap (bytes)" "leaked bytes" "leaked blocks")
status=0
for i in 0 1 2 3 4; do
  own=$((h[i] - t[i]))
  agree=yes
  [ "${f[$i]}" = "$own" ] || { agree=NO; status=1; }
  printf '%-22s %14s %14s %22s %8s\n' "${names[$i]}" "${f[$i]}" "${h[$i]}" "$own" "$agree"
done
echo "heaptrack_print:"
heaptrack_print "$tmp"/heaptrack.zst 2> /dev/null |
  grep -E '^(calls to allocation functions|bytes allocated in total|peak heap memory consumption|total memory leaked)' |
  sed 's/^/  /'
exit $status
