#!/bin/sh
# perf-report's folded and chrome outputs loaded by speedscope (npm package
# `speedscope`, which scripts/setup.sh installs into BUILD/npm; skipped, exit
# 77, without it or without chromium) in headless Chromium, as its own
# command-line launcher loads a file (index.html#localProfilePath=<script
# calling speedscope.loadFileFromBase64>). Its sandwich view is a table in
# the page: for the instrumented allocation patterns run under fnprof-run,
# the folded calls give each function's exact total and self calls, and the
# chrome trace its functions' calls under the process and thread it names.
#
#   speedscope_test.sh SPEEDSCOPE_DIR FNPROF_RUN PERF_REPORT PROGRAM WORK
set -eu
speedscope=$1 fnprof_run=$2 perf_report=$3 program=$4 work=$5
[ -f "$speedscope/dist/release/index.html" ] || { echo "speedscope_test: no $speedscope (scripts/setup.sh): skipped"; exit 77; }
command -v chromium >/dev/null || { echo "speedscope_test: no chromium: skipped"; exit 77; }
test=speedscope_test
. "$(dirname "$0")/patterns_run.sh"
"$perf_report" --format folded --folded-value calls -o "$work/calls.folded" "$work"/fnprof.*.fnp
"$perf_report" --format chrome -o "$work/trace.json" "$work"/fnprof.*.fnp

# load FILE: the text of speedscope's page (one line per element) once FILE
# is loaded, in the sandwich view.
load() {
  name=${1##*/}
  printf 'speedscope.loadFileFromBase64("%s", "%s")' "$name" "$(base64 -w0 "$1")" >"$1.js"
  timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run \
    --disable-background-networking --disable-component-update --disable-extensions \
    --user-data-dir="$work/chromium" --allow-file-access-from-files --virtual-time-budget=10000 --dump-dom \
    "file://$speedscope/dist/release/index.html#localProfilePath=$1.js&view=sandwich" 2>"$1.log" |
    sed 's/<[^>]*>/\n/g' | sed '/^[[:space:]]*$/d' >"$1.page"
  grep -qx "$name - speedscope" "$1.page" || fail "$name: not loaded (title: $(head -1 "$1.page"))"
}
# row PAGE FUNCTION: "TOTAL SELF" of the function's row in the sandwich table.
# The table reads Total, Self, Symbol Name, one cell a line.
row() {
  awk -v f="$2" '{ line[NR] = $0 } $0 == f && NR > 2 { print line[NR - 2], line[NR - 1]; exit }' "$1"
}
expect() {
  got=$(row "$1" "$2")
  [ "$got" = "$3" ] || fail "${1##*/}: $2: expected '$3', got '$got'"
}

load "$work/calls.folded"
expect "$work/calls.folded.page" main "69 (100%) 1 (1.4%)"
expect "$work/calls.folded.page" check "48 (70%) 12 (17%)"
expect "$work/calls.folded.page" say "39 (57%) 13 (19%)"
expect "$work/calls.folded.page" write "26 (38%) 26 (38%)"
expect "$work/calls.folded.page" leak_three "1 (1.4%) 1 (1.4%)"

# speedscope names a trace event's frame by its name and args: a function
# has a row per distinct {"calls":N,"self_us":T} of its calling contexts,
# whose calls add up to the function's.
load "$work/trace.json"
grep -qx "patterns_instrumented (pid [0-9]*), patterns_instru (tid [0-9]*)" "$work/trace.json.page" ||
  fail "trace.json: no process and thread name in the toolbar"
calls() {
  awk -v f="$1 " 'index($0, f "{\"calls\":") == 1 { split(substr($0, length(f) + 10), n, ","); sum += n[1] }
    END { print sum + 0 }' "$work/trace.json.page"
}
for f in main:1 check:12 say:13 leak_three:1 peak_block:1 temporaries:1; do
  [ "$(calls "${f%:*}")" = "${f#*:}" ] || fail "trace.json: ${f%:*}: $(calls "${f%:*}") calls, expected ${f#*:}"
done
# speedscope adds up the events' self times in floating point: when that sum
# lands a rounding error above main's total, it prints main as ">99%" (seen
# once in five runs); anything less than 99% is a real gap.
main=$(grep -m1 '^main {' "$work/trace.json.page")
case $(row "$work/trace.json.page" "$main" | cut -d' ' -f2) in
  "(100%)" | "(&gt;99%)") ;;
  *) fail "trace.json: main is not 100% of the time" ;;
esac
[ $failures -eq 0 ]
