#!/usr/bin/env python3
"""Checks a counting-hooks reference build against its expected counts.

usage: check_counts.py EXPECTED COMPILER PROGRAM [ARGS...]

Runs PROGRAM (a <name>_count_<compiler> build, linked against
tests/support/counting_hooks.c) with $COUNT_OUTPUT set, then compares what the
hooks counted with EXPECTED (<name>.expected). This validates the programs and
the reference hooks themselves; the fnprof end-to-end tests can read the same
EXPECTED files. Their lines:

  status 0 | status signal 15       how the program ends
  stdout <text>                     a line it prints (all, in order)
  calls <function> <n>              calls of a function (0: never called)
  edge <caller> <callee> <n>        calls of callee made from caller;
                                    caller <root> = bottom of a thread
  module <function> <file>          basename of the module holding function
  fresh-child calls|edge ...        the child as fnprof profiles it: a fresh
                                    profile from the fork on (ignored here)
  child calls|edge|module ...       the same for the forked child (its counts
                                    include what it inherited from the parent)

Functions are demangled names ("catcher(int)"); "@COMPILER@" becomes COMPILER.
Edges between two functions named in `calls` lines must be listed exactly;
other edges (from <root> or compiler-generated code) only when listed.
"""
import collections
import glob
import os
import subprocess
import sys
import tempfile


def parse_expected(path, compiler):
    exp = {"status": None, "stdout": [], "main": collections.defaultdict(dict), "child": collections.defaultdict(dict)}
    with open(path) as f:
        for raw in f:
            line = raw.split("#", 1)[0].rstrip() if not raw.startswith("stdout ") else raw.rstrip("\n")
            if not line:
                continue
            line = line.replace("@COMPILER@", compiler)
            kind, _, rest = line.partition(" ")
            if kind == "status":
                exp["status"] = rest
            elif kind == "stdout":
                exp["stdout"].append(rest)
            else:
                proc = "main"
                if kind == "fresh-child":
                    continue  # fnprof's own view of the child, not the reference's
                if kind == "child":
                    proc = "child"
                    kind, _, rest = rest.partition(" ")
                f = rest.split()
                if kind == "calls":
                    exp[proc]["calls"][f[0]] = int(f[1])
                elif kind == "edge":
                    exp[proc]["edges"][(f[0], f[1])] = int(f[2])
                elif kind == "module":
                    exp[proc]["modules"][f[0]] = f[1]
                else:
                    sys.exit(f"{path}: unknown line: {raw.strip()}")
    return exp


def demangle(names):
    out = subprocess.run(["c++filt"], input="\n".join(names), capture_output=True, text=True, check=True).stdout
    return dict(zip(names, out.split("\n")))


def read_counts(path):
    funcs, edges = {}, collections.Counter()
    with open(path) as f:
        for line in f:
            p = line.split()
            if p[0] == "edge":
                edges[(int(p[1], 16), int(p[2], 16))] += int(p[3])
            else:
                funcs[int(p[0], 16)] = (int(p[1]), p[2], p[4])
    names = demangle(sorted({sym for _, _, sym in funcs.values()}))
    calls = collections.Counter()
    modules = {}
    addr_name = {0: "<root>"}
    for addr, (n, module, sym) in funcs.items():
        name = names[sym] if sym != "-" else f"{os.path.basename(module)}@{addr:#x}"
        addr_name[addr] = name
        calls[name] += n
        modules[name] = os.path.basename(module)
    named_edges = collections.Counter()
    for (caller, callee), n in edges.items():
        named_edges[(addr_name.get(caller, f"{caller:#x}"), addr_name.get(callee, f"{callee:#x}"))] += n
    return calls, named_edges, modules


def compare(label, exp, calls, edges, modules):
    errors = []
    for fn, n in exp["calls"].items():
        if calls.get(fn, 0) != n:
            errors.append(f"{label}: calls {fn}: expected {n}, counted {calls.get(fn, 0)}")
    named = set(exp["calls"])
    for key, n in exp["edges"].items():
        if edges.get(key, 0) != n:
            errors.append(f"{label}: edge {key[0]} -> {key[1]}: expected {n}, counted {edges.get(key, 0)}")
    for (caller, callee), n in edges.items():
        if caller in named and callee in named and (caller, callee) not in exp["edges"]:
            errors.append(f"{label}: unexpected edge {caller} -> {callee} ({n} calls)")
    for fn, mod in exp["modules"].items():
        if modules.get(fn) != mod:
            errors.append(f"{label}: module of {fn}: expected {mod}, got {modules.get(fn)}")
    return errors


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    expected, compiler, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
    exp = parse_expected(expected, compiler)
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "counts")
        r = subprocess.run(cmd, env={**os.environ, "COUNT_OUTPUT": out}, capture_output=True, text=True)
        status = str(r.returncode) if r.returncode >= 0 else f"signal {-r.returncode}"
        errors = []
        if exp["status"] is not None and status != exp["status"]:
            errors.append(f"status: expected {exp['status']}, got {status} (stderr: {r.stderr.strip()})")
        lines = r.stdout.splitlines()
        if exp["stdout"] and sorted(lines) != sorted(exp["stdout"]):
            errors.append(f"stdout: expected {exp['stdout']}, got {lines}")
        if not os.path.exists(out):
            errors.append(f"no counts written to {out}")
        else:
            errors += compare("process", exp["main"], *read_counts(out))
        children = glob.glob(out + ".*")
        if exp["child"]:
            if len(children) != 1:
                errors.append(f"expected one child counts file, found {len(children)}")
            else:
                errors += compare("child", exp["child"], *read_counts(children[0]))
    for e in errors:
        print(f"{os.path.basename(cmd[0])}: {e}", file=sys.stderr)
    if not errors:
        print(f"{os.path.basename(cmd[0])}: counts match {os.path.basename(expected)}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
