#!/usr/bin/env bash
# Builds fnprof, profiles the bundled example (examples/: a small spreadsheet
# engine, two worker threads, a shared library of its own) under fnprof-run
# (allocations tracked too) and prints its report: the top functions, the
# allocation sites and leaks, then the calling-context tree. The dump stays
# in build/demo/ for more perf-report runs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null

build=${BUILD_DIR:-build}
out=$build/demo
rm -rf "$out"
mkdir -p "$out"

echo "== $build/tools/fnprof-run --output $out $build/examples/fnprof-example"
"$build/tools/fnprof-run" --output "$out" "$build/examples/fnprof-example"
dump=$(ls "$out"/fnprof.fnprof-example.*.fnp)

echo
echo "== $build/tools/perf-report $dump"
"$build/tools/perf-report" "$dump"

echo
echo "== $build/tools/perf-report --tree $dump   (the tree part)"
tree=$("$build/tools/perf-report" --tree "$dump")
sed -n '/^Calling-context tree/,$p' <<<"$tree" | grep . || echo "$tree"
