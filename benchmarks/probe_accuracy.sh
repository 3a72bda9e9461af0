#!/usr/bin/env bash
# Probe cost compensation against the truth, once: runs
# tests/programs/probe_truth_<compiler> (work() spins about 2 us and calls
# tiny() 128 times; its uninstrumented twins time themselves) and compares
# work()'s fastest call, raw and compensated, with the twin's fastest call;
# its self time, that less its tiny() calls' fastest, likewise (the calls a
# work() makes, from the report's counts).
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
truth_tiny = float(words[words.index("min_tiny_ns") + 1])
def fastest(path):
    report = json.load(open(path))
    f = {f["name"]: f["durations"]["min_seconds"] * 1e9 for f in report["functions"]}
    calls = {f["name"]: f["calls"] for f in report["functions"]}
    per_work = calls["tiny"] / calls["work"]
    return f["work"], f["work"] - per_work * f["tiny"], report["probe_cost"], per_work
comp, comp_self, cost, per_work = fastest(sys.argv[2])
raw, raw_self, _, _ = fastest(sys.argv[3])
truth_self = truth - per_work * truth_tiny
pct = lambda got, want: f"{100 * (got / want - 1):+.1f}%"
print(f"incl: truth {truth:.0f} ns  raw {raw:.0f} ns ({pct(raw, truth)})  compensated {comp:.0f} ns ({pct(comp, truth)})")
print(f"self: truth {truth_self:.0f} ns  raw {raw_self:.0f} ns ({pct(raw_self, truth_self)})  "
      f"compensated {comp_self:.0f} ns ({pct(comp_self, truth_self)})")
print(f"measured: pair {cost['pair_seconds'] * 1e9:.2f} ns, inside {cost['inside_seconds'] * 1e9:.2f} ns; "
      f"in this run: a pair between work's calls {(raw - truth - cost['inside_seconds'] * 1e9) / per_work:.2f} ns")
PY
