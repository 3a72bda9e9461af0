# Sourced by the viewer tests, after they set `test` (their name for
# messages), fnprof_run, program and work: a fresh WORK, fail() counting
# failures, and one run of the instrumented allocation patterns
# (tests/programs/alloc/patterns.c) under fnprof-run, its dump in WORK.
rm -rf "$work"
mkdir -p "$work"
failures=0
fail() {
  echo "$test: $*" >&2
  failures=$((failures + 1))
}
status=0
"$fnprof_run" --output "$work" "$program" >/dev/null 2>"$work/run.log" || status=$?
# patterns exits with 3, passed through.
[ $status -eq 3 ] || { cat "$work/run.log" >&2; exit 1; }
