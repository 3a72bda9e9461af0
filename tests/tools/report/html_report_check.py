#!/usr/bin/env python3
"""Opens an fnprof HTML report in headless Chromium and checks what the page
built (report.js writes its state into the DOM):

  - no script errors: body[data-errors] is "0", #errors is absent or empty,
    and Chromium's log has no "Uncaught";
  - #status says "ready";
  - with --rows N: the function table (#function-rows) has N rows;
  - with --alloc-rows N: the allocation table (#allocation-rows) has N rows;
  - with --leaks N: the leak list (#leaks-list) has N findings;
  - with --timeline: the live-heap chart (svg#heap-timeline) has a line per
    process (--timeline N: N lines), and the allocation flame graph's
    canvas (#alloc-flame-canvas) is there;
  - with --phases NAME...: the phase table (#phases-rows) holds these rows in
    this order, each name led by two spaces per level of nesting (read from
    the cell's indentation), e.g. --phases load "  parse" compute;
  - with --checkpoints N / --counters N: those tables have N rows;
  - with --resources: the CPU/RSS chart (svg#resource-timeline) has its CPU
    and RSS lines;
  - with --bands N: each timeline chart on the page draws N phase bands;
  - with --search TEXT [--matches N]: the page opened as report.html#search=TEXT
    shows a match count (#search-count[data-count]), N if given, else > 0;
  - with --screenshot PNG: a 1400x1600 screenshot is saved there.

Exit status 0 when every check passes; otherwise the failures on stderr.
Used by tests/tools/report/report_formats_test.cpp (HtmlReport.*).
"""
import argparse
import html.parser
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse


def chromium_binary():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    sys.exit("html_report_check: chromium is not installed (scripts/setup.sh installs it)")


def run_chromium(url, extra):
    profile = tempfile.mkdtemp(prefix="fnprof-chromium-")
    try:
        command = [
            chromium_binary(), "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-dev-shm-usage", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run",
            "--disable-extensions", "--hide-scrollbars", "--mute-audio",
            "--enable-logging=stderr", "--v=0", "--user-data-dir=" + profile,
            "--virtual-time-budget=10000",
        ] + extra + [url]
        return subprocess.run(command, capture_output=True, text=True, timeout=120)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


class DomReader(html.parser.HTMLParser):
    """Collects what the checks need from the dumped DOM."""

    def __init__(self):
        super().__init__()
        self.body_errors = None
        self.rows = 0
        self.alloc_rows = 0
        self.leaks = 0
        self.heap_lines = 0
        self.alloc_flame = False
        self._in = None     # id of the tbody or list being counted
        self.search_count = None
        self.text = {}      # id -> text of elements whose text we want
        self._capture = []  # ids being captured
        self._in_rows = False
        self.table_rows = {}  # id of a tbody -> [[cell text, cell style], ...] per row
        self._table = None    # id of the tbody being read
        self._cell = None     # [text, style] of the cell being read
        self.chart = None     # id of the svg being read
        self.lines = {}       # svg id -> classes of its polylines
        self.bands = {}       # svg id -> number of phase bands

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tbody" and a.get("id") in ("phases-rows", "checkpoints-rows", "counters-rows"):
            self._table = a["id"]
            self.table_rows[self._table] = []
        if tag == "tr" and self._table:
            self.table_rows[self._table].append([])
        if tag == "td" and self._table:
            self._cell = ["", a.get("style") or ""]
            self.table_rows[self._table][-1].append(self._cell)
        if tag == "svg":
            self.chart = a.get("id")
        if tag == "polyline" and self.chart:
            self.lines.setdefault(self.chart, []).append(a.get("class") or "")
        if tag == "g" and self.chart and "phase-band" in (a.get("class") or "").split():
            self.bands[self.chart] = self.bands.get(self.chart, 0) + 1
        if tag == "body":
            self.body_errors = a.get("data-errors")
        if tag == "tbody" and a.get("id") == "function-rows":
            self._in_rows = True
        if tag == "tr" and self._in_rows:
            self.rows += 1
        if a.get("id") in ("allocation-rows", "leaks-list"):
            self._in = a["id"]
        if tag == "tr" and self._in == "allocation-rows":
            self.alloc_rows += 1
        if tag == "li" and self._in == "leaks-list":
            self.leaks += 1
        if tag == "polyline" and "heap-line" in (a.get("class") or ""):
            self.heap_lines += 1
        if tag == "canvas" and a.get("id") == "alloc-flame-canvas":
            self.alloc_flame = True
        if a.get("id") == "search-count":
            self.search_count = a.get("data-count")
        if a.get("id") in ("status", "errors"):
            self._capture.append(a["id"])
            self.text.setdefault(a["id"], "")

    def handle_endtag(self, tag):
        if tag == "tbody":
            self._in_rows = False
            self._table = None
        if tag == "td":
            self._cell = None
        if tag == "svg":
            self.chart = None
        if (tag, self._in) in (("tbody", "allocation-rows"), ("ul", "leaks-list")):
            self._in = None
        if tag in ("span", "div") and self._capture:
            self._capture.pop()

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[0] += data
        for element_id in self._capture:
            self.text[element_id] += data


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("html")
    parser.add_argument("--rows", type=int)
    parser.add_argument("--alloc-rows", type=int)
    parser.add_argument("--leaks", type=int)
    parser.add_argument("--timeline", type=int, nargs="?", const=-1)
    parser.add_argument("--phases", nargs="+")
    parser.add_argument("--checkpoints", type=int)
    parser.add_argument("--counters", type=int)
    parser.add_argument("--resources", action="store_true")
    parser.add_argument("--bands", type=int)
    parser.add_argument("--search")
    parser.add_argument("--matches", type=int)
    parser.add_argument("--screenshot")
    args = parser.parse_args()

    url = "file://" + urllib.parse.quote(os.path.abspath(args.html))
    if args.search:
        url += "#search=" + urllib.parse.quote(args.search)
    failures = []

    result = run_chromium(url, ["--dump-dom"])
    if result.returncode != 0:
        failures.append("chromium exited with %d: %s" % (result.returncode, result.stderr[-2000:]))
    for line in result.stderr.splitlines():
        if "Uncaught" in line or ("CONSOLE" in line and "error" in line.lower()):
            failures.append("console: " + line.strip())

    dom = DomReader()
    dom.feed(result.stdout)
    if dom.body_errors != "0":
        failures.append("body[data-errors] is %r; #errors: %r" % (dom.body_errors, dom.text.get("errors", "")))
    if dom.text.get("errors", "").strip():
        failures.append("#errors: " + dom.text["errors"].strip())
    if dom.text.get("status", "").strip() != "ready":
        failures.append("#status is %r, not 'ready'" % dom.text.get("status"))
    if args.rows is not None and dom.rows != args.rows:
        failures.append("the function table has %d rows, expected %d" % (dom.rows, args.rows))
    if args.alloc_rows is not None and dom.alloc_rows != args.alloc_rows:
        failures.append("the allocation table has %d rows, expected %d" % (dom.alloc_rows, args.alloc_rows))
    if args.leaks is not None and dom.leaks != args.leaks:
        failures.append("the leak list has %d findings, expected %d" % (dom.leaks, args.leaks))
    if args.timeline is not None:
        if dom.heap_lines == 0 or (args.timeline >= 0 and dom.heap_lines != args.timeline):
            failures.append("the heap timeline has %d lines, expected %s" %
                            (dom.heap_lines, args.timeline if args.timeline >= 0 else "some"))
        if not dom.alloc_flame:
            failures.append("no allocation flame graph (#alloc-flame-canvas)")
    if args.phases is not None:
        shown = []
        for row in dom.table_rows.get("phases-rows", []):
            # report.js indents a phase by 18px per level, from 9px.
            pad = re.search(r"padding-left:\s*(\d+)px", row[0][1]) if row else None
            depth = (int(pad.group(1)) - 9) // 18 if pad else 0
            shown.append("  " * depth + (row[0][0] if row else ""))
        if shown != args.phases:
            failures.append("the phase table has rows %r, expected %r" % (shown, args.phases))
    for table, expected in (("checkpoints-rows", args.checkpoints), ("counters-rows", args.counters)):
        got = len(dom.table_rows.get(table, []))
        if expected is not None and got != expected:
            failures.append("#%s has %d rows, expected %d" % (table, got, expected))
    if args.resources:
        lines = dom.lines.get("resource-timeline", [])
        for line in ("cpu-line", "rss-line"):
            if line not in lines:
                failures.append("svg#resource-timeline has no %s (polylines: %r)" % (line, lines))
    if args.bands is not None:
        charts = [c for c in ("heap-timeline", "resource-timeline") if c in dom.lines]
        if not charts:
            failures.append("no timeline chart to draw phase bands on")
        for chart in charts:
            if dom.bands.get(chart, 0) != args.bands:
                failures.append("svg#%s has %d phase bands, expected %d" % (chart, dom.bands.get(chart, 0), args.bands))
    if args.search:
        if dom.search_count is None:
            failures.append("no #search-count")
        elif args.matches is not None and int(dom.search_count) != args.matches:
            failures.append("search %r: %s matches, expected %d" % (args.search, dom.search_count, args.matches))
        elif args.matches is None and int(dom.search_count) <= 0:
            failures.append("search %r found nothing" % args.search)

    if args.screenshot:
        shot = run_chromium(url, ["--screenshot=" + os.path.abspath(args.screenshot), "--window-size=1400,1600"])
        if shot.returncode != 0 or not os.path.exists(args.screenshot):
            failures.append("no screenshot: " + shot.stderr[-2000:])

    for f in failures:
        print("html_report_check: " + f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
