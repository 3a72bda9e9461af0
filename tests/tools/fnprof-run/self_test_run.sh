#!/bin/sh
# fnprof-run --self-test end to end (tools/fnprof-run/self_test.h): exit 0,
# one PASS line per check in every area, the verdict, and no temporary
# directory left behind; and fnprof-self-test given no tracker to preload
# (a profile without allocations): its allocation checks fail, exit 1. The
# check logic on made-up figures: self_test_checks_test.cpp.
#
#   self_test_run.sh FNPROF_RUN FNPROF_SELF_TEST
set -eu
fnprof_run=$1 fnprof_self_test=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
TMPDIR=$tmp "$fnprof_run" --self-test >"$tmp/out" 2>"$tmp/err" || status=$?
cat "$tmp/out" "$tmp/err"
fail() {
  echo "self_test_run: $*" >&2
  exit 1
}
[ "$status" -eq 0 ] || fail "exit status $status"
[ ! -s "$tmp/err" ] || fail "wrote on stderr"
program=$(dirname "$fnprof_run")/fnprof-self-test-program
grep -qx "program: $program, run under fnprof (tracker preloaded)" "$tmp/out" || fail "did not run $program"
grep -q '^clock: ' "$tmp/out" || fail "no clock line"
grep -q '^hook cost: ' "$tmp/out" || fail "no hook cost line"
for check in 'clock  *tsc tick rate against the program.s own' 'clock  *tsc tick rate over a sleep' \
  'hook cost  *enter and exit hook pair' 'timing  *spin_20ms, inclusive' \
  'timing  *work (2 µs + 128 calls), fastest call, inclusive' 'timing  *work (2 µs + 128 calls), fastest call, self' \
  'counts  *fib(20) calls  *21,891  *21,891' 'counts  *counted calls (a loop)  *1,000  *1,000' \
  'counts  *work calls  *20,000  *20,000' 'counts  *tiny calls  *2,560,000  *2,560,000' \
  'allocations  *heap_work: allocations  *10  *10' 'allocations  *heap_work: frees  *9  *9' \
  'allocations  *heap_work: bytes allocated  *82,805 B  *82,805 B' 'allocations  *heap_work: bytes freed  *82,028 B  *82,028 B' \
  'allocations  *heap_block: peak live bytes  *81,028 B  *81,028 B' \
  'allocations  *leaked_block: definitely lost bytes  *777 B  *777 B' \
  'waiting  *sleep_50ms -> nanosleep, blocked' 'waiting  *join_spinner -> pthread_join, blocked'; do
  grep -q "^$check.*  PASS\$" "$tmp/out" || fail "no passing line '$check'"
done
[ "$(tail -n 1 "$tmp/out")" = "verdict: PASS (18 of 18 checks passed)" ] || fail "verdict: $(tail -n 1 "$tmp/out")"
[ -z "$(ls -A "$tmp" | grep -v '^out$' | grep -v '^err$')" ] || fail "left in TMPDIR: $(ls "$tmp")"

status=0
TMPDIR=$tmp "$fnprof_self_test" "$tmp/no-such-tracker.so" >"$tmp/out" 2>/dev/null || status=$?
[ "$status" -eq 1 ] || fail "without the tracker: exit status $status"
[ "$(grep -c '^allocations .*  FAIL$' "$tmp/out")" -eq 6 ] || fail "without the tracker: $(cat "$tmp/out")"
[ "$(grep -c '  PASS$' "$tmp/out")" -eq 12 ] || fail "without the tracker: $(cat "$tmp/out")"
[ "$(tail -n 1 "$tmp/out")" = "verdict: FAIL (6 of 18 checks failed)" ] || fail "verdict: $(tail -n 1 "$tmp/out")"
