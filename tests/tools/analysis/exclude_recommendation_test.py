#!/usr/bin/env python3
"""The "tiny function" finding's exclude recommendation, tried for real.

usage: exclude_recommendation_test.py PERF_REPORT LIBFNPROF SOURCE GXX [CLANGXX]

Builds SOURCE (tiny_functions.cpp) with GCC and -finstrument-functions, runs
it under fnprof and reads perf-report's findings; then rebuilds it with the
-finstrument-functions-exclude-function-list entries perf-report recommended
and checks that the profile no longer has those functions while their
callers keep their exact counts. The class template member, which the list
cannot name, must get the attribute or the file list instead. With CLANGXX,
checks that Clang still has no such option (the recommendation says so).
"""
import json
import os
import re
import subprocess
import sys
import tempfile

OPTION = "-finstrument-functions-exclude-function-list="
TINY = "ns::(anonymous namespace)::tiny(int)"
TWICE = "int ns::twice<int>(int)"
GET = "ns::Box<int>::get() const"
CALLS = 1000000


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def profile(perf_report, libfnprof, source, gxx, work, name, extra):
    program = os.path.join(work, name)
    subprocess.run([gxx, "-finstrument-functions", "-g", "-O2", *extra, source, "-o", program, libfnprof,
                    "-Wl,-rpath," + os.path.dirname(libfnprof)], check=True)
    out = os.path.join(work, name + ".out")
    os.mkdir(out)
    run = subprocess.run([program], env=dict(os.environ, FNPROF_OUTPUT=out), capture_output=True, text=True)
    if run.returncode != 0 or run.stdout.strip() == "":
        fail(f"{name} exited {run.returncode}: {run.stderr}")
    dumps = [os.path.join(out, f) for f in os.listdir(out) if f.endswith(".fnp")]
    if len(dumps) != 1:
        fail(f"{name}: expected one dump, found {dumps}")
    report = subprocess.run([perf_report, "--format", "json", dumps[0]], capture_output=True, text=True, check=True)
    return json.loads(report.stdout)


def calls_by_name(report):
    return {f["name"]: f["calls"] for f in report["functions"]}


def main():
    perf_report, libfnprof, source, gxx = sys.argv[1:5]
    clangxx = sys.argv[5] if len(sys.argv) > 5 else ""
    with tempfile.TemporaryDirectory() as work:
        before = profile(perf_report, libfnprof, source, gxx, work, "all", [])
        calls = calls_by_name(before)
        for name in (TINY, TWICE, GET, "ns::run(int)", "main"):
            if name not in calls:
                fail(f"{name} not in the first profile: {sorted(calls)}")
        advice = {f["function"]: f["recommendation"] for f in before["findings"]
                  if f["kind"] == "instrumentation-overhead"}
        entries = []
        for name, expected in ((TINY, "ns::{anonymous}::tiny"), (TWICE, "ns::twice")):
            found = re.findall("'" + re.escape(OPTION) + "([^']*)'", advice.get(name, ""))
            if found != [expected]:
                fail(f"{name}: recommended {found}, expected [{expected!r}]; advice: {advice.get(name)}")
            entries += found
        get_advice = advice.get(GET, "")
        if OPTION + "ns" in get_advice or "no_instrument_function" not in get_advice or \
                "-finstrument-functions-exclude-file-list=tiny_functions.cpp" not in get_advice:
            fail(f"{GET}: expected the attribute and the file list, got: {get_advice}")

        after = calls_by_name(profile(perf_report, libfnprof, source, gxx, work, "excluded",
                                      [OPTION + ",".join(entries)]))
        for name in (TINY, TWICE):
            if name in after:
                fail(f"{name} still profiled ({after[name]} calls) after {OPTION + ','.join(entries)}")
        expected = {GET: CALLS, "ns::run(int)": 1, "main": 1}
        for name, n in expected.items():
            if after.get(name) != n:
                fail(f"{name}: {after.get(name)} calls after the exclusion, expected {n}")

    if clangxx:
        probe = subprocess.run([clangxx, "-finstrument-functions", OPTION + "f", "-x", "c++", "-fsyntax-only", "-"],
                               input="", capture_output=True, text=True)
        if probe.returncode == 0:
            fail("clang++ now accepts " + OPTION + ": recommend it for Clang too")
    print("ok")


if __name__ == "__main__":
    main()
