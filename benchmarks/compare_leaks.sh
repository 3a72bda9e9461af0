#!/bin/bash
# Do fnprof, heaptrack and valgrind's memcheck see the same heap, and the same
# leaks? Runs each program once under each tool and prints side by side:
# allocation calls, bytes allocated, peak heap, and the blocks still allocated
# at exit by memcheck's classes (definitely lost, indirectly lost, possibly
# lost, still reachable), each as "bytes/blocks".
#
# The programs: Debian's xmllint (an XML file parsed and written back), jq
# (`jq -c .`, the issue's unclosed FILE), bc (pi to 300 digits), the project's
# example (fnprof-example) and the leak test programs (tests/programs/leaks,
# GCC builds), whose classes are known by construction.
#
# How each column is taken:
# - fnprof: fnprof-run, then perf-report's JSON (allocations.summary and
#   leaks.classes: the tracker's reachability scan at exit).
# - heaptrack: its event log ("+"/"-" per allocation and free). It has no
#   leak classes: its one leak figure, what is still allocated at exit, is put
#   in the still-reachable column with a "*" (it is lost and reachable
#   together). Its preloaded library loads libstdc++ into every program, whose
#   emergency pool (one 72,704-byte block) it counts, and frees at exit.
# - memcheck: --leak-check=full with --run-libc-freeres=no and
#   --run-cxx-freeres=no (by default memcheck has glibc and libstdc++ free
#   their own buffers before it looks, which they never do otherwise: the
#   program's real end state is what the other two see). It reports no peak.
#   Allocations from "total heap usage".
#
# Known differences, none a disagreement on what the program did: a thread's
# DTV is 16 bytes longer per module with thread-local storage that a tool's
# preloaded library adds (fnprof: 3); glibc points only into a DTV's middle,
# so memcheck calls it possibly lost, fnprof too unless a dead stack slot of
# the thread still holds its start (the tracker's unwinder reads the DTV).
#
# Usage: compare_leaks.sh BUILD_DIR
# Exit status 2 when a tool is missing.
set -euo pipefail
build=$(cd "${1:?usage: compare_leaks.sh BUILD_DIR}" && pwd)
for tool in heaptrack zstd valgrind python3 xmllint jq bc; do
  command -v "$tool" > /dev/null || { echo "compare_leaks.sh: $tool is not installed" >&2; exit 2; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C FNPROF_OUTPUT="$tmp/stray"  # the example writes its own dump wherever it runs
mkdir "$tmp/stray"

# Inputs.
python3 - "$tmp" << 'EOF'
import json, sys
d = sys.argv[1]
with open(d + "/in.json", "w") as f:
    json.dump([{"id": i, "name": "item %d" % i, "tags": ["a", "b", str(i)]} for i in range(2000)], f)
with open(d + "/in.xml", "w") as f:
    f.write("<?xml version='1.0'?>\n<items>\n")
    for i in range(2000):
        f.write('  <item id="%d"><name>item %d</name><tag>a</tag><tag>b</tag></item>\n' % (i, i))
    f.write("</items>\n")
EOF
printf 'scale=300\n4*a(1)\nquit\n' > "$tmp/pi.bc"

names=(xmllint jq bc fnprof-example leak_classes joined_thread idle_thread)
commands=(
  "xmllint --format $tmp/in.xml"
  "jq -c . $tmp/in.json"
  "bc -l $tmp/pi.bc"
  "$build/examples/fnprof-example"
  "$build/tests/programs/leaks/leak_classes_gcc"
  "$build/tests/programs/leaks/joined_thread_gcc"
  "$build/tests/programs/leaks/idle_thread_gcc"
)

fnprof_row() {  # dir
  "$build/tools/perf-report" --format json "$1"/fnprof.*.fnp | python3 -c '
import json, sys
r = json.load(sys.stdin)
s, l = r["allocations"]["summary"], r["leaks"]
c = l.get("classes")
cells = [str(s["allocations"]), str(s["bytes_allocated"]), str(s["peak_live_bytes"])]
for k in ("definitely_lost", "indirectly_lost", "possibly_lost", "still_reachable"):
    cells.append("%d/%d" % (c[k]["bytes"], c[k]["blocks"]) if c else "-")
print(" ".join(cells))'
}

heaptrack_row() {  # log
  read -r calls bytes peak live blocks < <(zstd -dc "$1" | python3 "$(dirname "$0")/heaptrack_log.py")
  echo "$calls $bytes $peak - - - $live/$blocks*"
}

memcheck_row() {  # log
  python3 - "$1" << 'EOF'
import re, sys
text = open(sys.argv[1]).read()
num = lambda s: int(s.replace(",", ""))
m = re.search(r"total heap usage: ([\d,]+) allocs, ([\d,]+) frees, ([\d,]+) bytes allocated", text)
cells = [str(num(m.group(1))), str(num(m.group(3))), "-"] if m else ["?", "?", "-"]
for label in ("definitely lost", "indirectly lost", "possibly lost", "still reachable"):
    m = re.search(label + r": ([\d,]+) bytes in ([\d,]+) blocks", text)
    cells.append("%d/%d" % (num(m.group(1)), num(m.group(2))) if m else "0/0")
print(" ".join(cells))
EOF
}

printf '%-15s %-10s %9s %11s %10s %13s %13s %13s %15s\n' program tool allocs bytes peak \
  definitely indirectly possibly reachable
for i in "${!names[@]}"; do
  name=${names[$i]}
  read -r -a cmd <<< "${commands[$i]}"
  mkdir -p "$tmp/$name"
  "$build/tools/fnprof-run" --output "$tmp/$name" -- "${cmd[@]}" > /dev/null 2>&1 || true
  heaptrack -o "$tmp/$name/heaptrack" "${cmd[@]}" > /dev/null 2>&1 || true
  valgrind --leak-check=full --run-libc-freeres=no --run-cxx-freeres=no --log-file="$tmp/$name/memcheck.log" \
    "${cmd[@]}" > /dev/null 2>&1 || true
  for tool in fnprof heaptrack memcheck; do
    case $tool in
      fnprof) row=$(fnprof_row "$tmp/$name") ;;
      heaptrack) row=$(heaptrack_row "$tmp/$name"/heaptrack.zst) ;;
      memcheck) row=$(memcheck_row "$tmp/$name/memcheck.log") ;;
    esac
    read -r -a c <<< "$row"
    printf '%-15s %-10s %9s %11s %10s %13s %13s %13s %15s\n' "$([ $tool = fnprof ] && echo "$name")" $tool "${c[@]}"
  done
done
echo "cells: bytes/blocks; * heaptrack's leaked (everything still allocated at exit, of every class)"
