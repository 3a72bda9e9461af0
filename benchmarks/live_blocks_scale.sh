#!/bin/bash
# The allocation tracker with tens of millions of blocks: many_blocks.c
# (N mallocs of 16 bytes, every other one freed, N/2 left at exit) plain and
# under fnprof-run; prints wall time, peak RSS, the dump's size and the live
# blocks perf-report reads back, which must be N/2 plus what libc and
# libstdc++ keep for themselves.
# Usage: live_blocks_scale.sh BUILD_DIR [N]   (default 20000000)
set -euo pipefail
build=$(cd "${1:?usage: live_blocks_scale.sh BUILD_DIR [N]}" && pwd)
n=${2:-20000000}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc -O2 -o "$tmp/many_blocks" "$here/many_blocks.c"
echo "many_blocks $n: $((n / 2)) blocks live at exit"
/usr/bin/time -f "plain:   %e s, peak RSS %M KiB" "$tmp/many_blocks" "$n" > /dev/null
/usr/bin/time -f "tracked: %e s, peak RSS %M KiB" "$build/tools/fnprof-run" --output "$tmp" "$tmp/many_blocks" "$n" \
  > /dev/null 2> "$tmp/run.err"
grep -v '^fnprof-run:' "$tmp/run.err" || true
dump=$(ls "$tmp"/fnprof.many_blocks.*.fnp)
echo "dump:    $(stat -c %s "$dump") bytes"
"$build/tools/perf-report" --format json "$dump" |
  python3 -c 'import json, sys; s = json.load(sys.stdin)["allocations"]["summary"]; print("read back: %d allocations, %d live blocks" % (s["allocations"], s["live_blocks"]))'
