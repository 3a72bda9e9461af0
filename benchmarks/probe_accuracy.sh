#!/usr/bin/env bash
# Probe cost compensation against the truth, once: runs
# tests/programs/probe_truth_<compiler> (work() spins about 2 us and calls
# tiny() 100 times; its uninstrumented twins time themselves) and compares
# work()'s fastest call, raw and compensated, with the twin's fastest call.
#
# usage: benchmarks/probe_accuracy.sh BUILD_DIR gcc|clang
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 BUILD_DIR gcc|clang" >&2; exit 2; }
build=$(cd "$1" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out=$(FNPROF_OUTPUT=$work "$build/tests/programs/probe_truth_$2")
"$build/tools/perf-report" --format json "$work"/*.fnp > "$work/compensated.json"
"$build/tools/perf-report" --raw --format json "$work"/*.fnp > "$work/raw.json"
python3 - "$out" "$work/compensated.json" "$work/raw.json" <<'PY'
import json, sys
words = sys.argv[1].split()
truth = float(words[words.index("min_incl_ns") + 1])
def fastest(path, name):
    report = json.load(open(path))
    f = next(f for f in report["functions"] if f["name"] == name)
    return f["durations"]["min_seconds"] * 1e9, report["probe_cost"]
comp, cost = fastest(sys.argv[2], "work")
raw, _ = fastest(sys.argv[3], "work")
print(f"truth {truth:.0f} ns  raw {raw:.0f} ns ({100 * (raw / truth - 1):+.1f}%)  "
      f"compensated {comp:.0f} ns ({100 * (comp / truth - 1):+.1f}%)  "
      f"pair {cost['pair_seconds'] * 1e9:.1f} ns, inside {cost['inside_seconds'] * 1e9:.1f} ns, "
      f"a pair between work's calls {(raw - truth - cost['inside_seconds'] * 1e9) / 100:.1f} ns")
PY
