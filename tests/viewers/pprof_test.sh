#!/bin/sh
# perf-report's pprof output read by the real viewer, go tool pprof (Debian's
# golang-go; the test is skipped, exit 77, without it): the profile of
# tests/programs/alloc/patterns.c, instrumented and run under fnprof-run,
# has exactly the sample types fnprof writes, and -top with -sample_index=
# of each one shows the figures patterns.c makes by construction.
#
#   pprof_test.sh FNPROF_RUN PERF_REPORT PROGRAM WORK
set -eu
fnprof_run=$1 perf_report=$2 program=$3 work=$4
command -v go >/dev/null || { echo "pprof_test: no go (apt install golang-go): skipped"; exit 77; }
test=pprof_test
. "$(dirname "$0")/patterns_run.sh"
# pprof keeps state under $HOME/pprof: not the user's.
mkdir -p "$work/home"
export HOME="$work/home"
"$perf_report" --format pprof -o "$work/profile.pb.gz" "$work"/fnprof.*.fnp

types=$(go tool pprof -raw "$work/profile.pb.gz" | sed -n '/^Samples:/{n;p;q}')
[ "$types" = "calls/count time/nanoseconds[dflt] alloc_objects/count alloc_space/bytes inuse_objects/count inuse_space/bytes" ] ||
  fail "sample types: $types"

# top TYPE UNIT: -top of that sample type, every node, in that unit.
top() {
  go tool pprof -top -nodefraction=0 -nodecount=1000 -sample_index="$1" -unit="$2" "$work/profile.pb.gz" 2>"$work/pprof.log" ||
    fail "$1: $(cat "$work/pprof.log")"
}
# expect TYPE UNIT FUNCTION FLAT CUM: the function's row of that -top (no row:
# FLAT and CUM empty).
expect() {
  row=$(top "$1" "$2" | awk -v f="$3" '$6 == f { print $1, $4 }')
  [ "$row" = "${4:+$4 $5}" ] || fail "-sample_index=$1: $3: expected flat $4 cum $5, got '$row'"
}

top calls B | grep -q '^Type: calls$' || fail "calls: no 'Type: calls'"
expect calls B main 1B 69B
expect calls B say 13B 39B
expect calls B write 26B 26B
expect calls B leak_three 1B 1B
top time ns | grep -q '^Type: time$' || fail "time: no 'Type: time'"
[ "$(top time ns | awk '$6 == "main" { print $5 }')" = 100% ] || fail "time: main is not 100% inclusive"
expect alloc_objects B temporaries 10B 10B
expect alloc_objects B leak_three 3B 3B
expect alloc_space B peak_block 1000000B 1000000B
expect alloc_space B leak_three 3000B 3000B
expect inuse_objects B leak_three 3B 3B
expect inuse_objects B temporaries "" ""
expect inuse_space B leak_three 3000B 3000B
[ $failures -eq 0 ]
