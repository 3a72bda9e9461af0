#!/bin/sh
# The man pages (docs/man/): each renders with man -l without a warning, each
# command's page holds every option its --help names, and fnprof(3) every
# function fnprof.h declares.
#
#   man_test.sh MAN_BUILD_DIR MAN_SOURCE_DIR TOOLS_DIR INCLUDE_DIR
set -eu
built=$1 source=$2 tools=$3 include=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() {
  echo "man_test: $*" >&2
  failures=$((failures + 1))
}

# render PAGE: the page as text, one line per paragraph; a warning fails.
render() {
  LC_ALL=C MANWIDTH=1000 man --warnings -l "$1" >"$work/page" 2>"$work/warnings" || fail "$1: man failed"
  [ ! -s "$work/warnings" ] || fail "$1: $(head -1 "$work/warnings")"
  [ -s "$work/page" ] || fail "$1: renders empty"
}

# PAGE.SECTION HELP_COMMAND...: every option of its --help is in the rendered page.
check_options() {
  page=$1
  shift
  "$@" --help >"$work/help"
  render "$built/$page"
  options=$(grep -oE -- '(^|[^A-Za-z0-9_-])--?[A-Za-z][A-Za-z0-9-]*' "$work/help" | sed 's/^[^-]*//' | sort -u)
  [ -n "$options" ] || fail "$page: no options in --help"
  for option in $options; do
    grep -qE -- "(^|[^A-Za-z0-9-])$option([^A-Za-z0-9-]|\$)" "$work/page" || fail "$page: $option is in --help, not in the page"
  done
}

check_options perf-report.1fnprof "$tools/perf-report"
check_options perf-report-diff.1fnprof "$tools/perf-report" diff
check_options perf-report-history.1fnprof "$tools/perf-report" history
check_options fnprof-run.1 "$tools/fnprof-run"
check_options fnprof-cc.1 "$tools/fnprof-cc"
check_options fnprof-c++.1 "$tools/fnprof-c++"

render "$source/fnprof.3"
functions=$(sed -n 's/^FNPROF_API_ [a-z_ ]*\(fnprof_[a-z_]*\)(.*/\1/p' "$include/fnprof/fnprof.h")
[ "$(echo "$functions" | wc -l)" -ge 15 ] || fail "fnprof.h: found only: $functions"
for f in $functions; do
  grep -q "$f(" "$work/page" || fail "fnprof(3) does not describe $f()"
done
render "$source/fnprof-format.5"
grep -q 'FORMAT.md' "$work/page" || fail "fnprof-format(5) does not point at FORMAT.md"
[ $failures -eq 0 ]
