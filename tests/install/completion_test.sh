#!/bin/bash
# perf-report's bash completion (tools/completion/), as bash calls it: the
# options of each command are those its --help lists, an option's values are
# its choices, and the subcommands complete first.
#
#   completion_test.sh COMPLETION PERF_REPORT
set -u
completion=$1 perf_report=$2
# shellcheck source=/dev/null
source "$completion"
failures=0

# expect "WORDS OF THE LINE" "EXPECTED COMPLETIONS": the last word is the one completed.
expect() {
  read -r -a COMP_WORDS <<<"$1"
  [[ $1 == *" " ]] && COMP_WORDS+=("")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=()
  _perf_report
  local got
  got=
  ((${#COMPREPLY[@]} == 0)) || got=$(printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ')
  if [[ $got != "$2" ]]; then
    echo "completion_test: '$1': expected '$2', got '$got'" >&2
    failures=$((failures + 1))
  fi
}

# The long options a --help lists, sorted, as one line.
long_options() {
  "$perf_report" "$@" --help | grep -oE '^  +(-[a-z],)?--[a-z-]+' | sed 's/.*--/--/' | sort | tr '\n' ' '
}

expect "perf-report --format " "callgrind chrome csv folded html json md pprof text "
expect "perf-report --format j" "json "
expect "perf-report diff --format " "folded html json md text "
expect "perf-report history --format " "html json md text "
expect "perf-report --sort s" "self "
expect "perf-report --top " ""
expect "perf-report --" "$(long_options)"
expect "perf-report diff --" "$(long_options diff)"
expect "perf-report history --" "$(long_options history)"
expect "perf-report di" "diff "
expect "perf-report history --t" "--threshold --top "
((failures == 0))
