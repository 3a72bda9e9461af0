#!/usr/bin/env python3
"""Totals of one heaptrack run from its event log, for the comparison
scripts: reads the decompressed log (zstd -dc heaptrack.*.zst) on stdin and
prints "calls bytes peak live_bytes live_blocks".

The log's lines used: "a SIZE TRACE" defines an allocation kind (numbered in
order, hex), "+ KIND" allocates one of a kind, "- KIND" frees one.
"""
import sys

sizes, calls, total, live, peak, blocks = [], 0, 0, 0, 0, 0
for line in sys.stdin:
    kind, _, rest = line.partition(" ")
    if kind == "a":
        sizes.append(int(rest.split()[0], 16))
    elif kind == "+":
        size = sizes[int(rest, 16)]
        calls, total, live, blocks = calls + 1, total + size, live + size, blocks + 1
        peak = max(peak, live)
    elif kind == "-":
        live, blocks = live - sizes[int(rest, 16)], blocks - 1
print(calls, total, peak, live, blocks)
