#!/usr/bin/env bash
# Whole-program overhead on a large calling-context tree: the program
# benchmarks/callgraph_gen.py writes (3,000 functions, dispatchers,
# recursive descent; about 29,000 contexts and 17.8 million calls at
# 100,000 rounds), plain, under the floors, under fnprof and under uftrace.
# Best of 5 wall times on CPU 0 (overhead_common.sh); the calls are those the
# program counted itself.
#
# usage: benchmarks/compare_large_tree.sh BUILD_DIR [ROUNDS]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
source "$here/overhead_common.sh"
[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: $0 BUILD_DIR [ROUNDS]" >&2; exit 2; }
build=$(cd "$1" && pwd)
rounds=${2:-100000}
lib=$build/runtime/libfnprof.so
[ -f "$lib" ] || { echo "compare_large_tree.sh: $lib: not found (build the fnprof target first)" >&2; exit 1; }
command -v uftrace >/dev/null || { echo "compare_large_tree.sh: uftrace: not installed" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

python3 "$here/callgraph_gen.py" > callgraph.c
floor_libraries "$work"
gcc -O2 callgraph.c -o plain
for h in empty tsc; do gcc -O2 -finstrument-functions callgraph.c -o "cg_$h" -L. -Wl,-rpath,"$work" "-lh_$h"; done
gcc -O2 -finstrument-functions callgraph.c -o cg_fnprof "$lib" -Wl,-rpath,"$(dirname "$lib")"
gcc -O2 -finstrument-functions callgraph.c -o cg_if
mkdir dumps

calls=$(./plain "$rounds" | awk '{ print $2 }')

plain_us=$(best ./plain "$rounds")
floor_us=$(best ./cg_tsc "$rounds")
FNPROF_OUTPUT="$work/dumps" ./cg_fnprof "$rounds" >/dev/null
contexts=$("$build/tools/perf-report" --tree --min-percent 0 --format json "$work"/dumps/*.fnp | python3 -c '
import json, sys
def count(node): return 1 + sum(count(c) for c in node.get("children", []))
print(count(json.load(sys.stdin)["tree"]) - 1)')
rm "$work"/dumps/*.fnp
echo "== generated call graph, $rounds rounds: $calls instrumented calls in $contexts contexts, best of 5"
row "plain gcc -O2" "$plain_us"
row "-finstrument-functions, empty hooks" "$(best ./cg_empty "$rounds")"
row "-finstrument-functions, 2x rdtsc (floor)" "$floor_us"
row "fnprof (run + dump)" "$(FNPROF_OUTPUT="$work/dumps" best ./cg_fnprof "$rounds")"
row "uftrace record --no-libcall" "$(best uftrace record --no-libcall -d "$work/uf" ./cg_if "$rounds")"
