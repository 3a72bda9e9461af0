// Every report format against golden files, plus the checks that other tools
// read what we write: CSV through Python's csv module, JSON through its
// schema, folded sums, callgrind_annotate's totals, protoc --decode of the
// pprof file, and the HTML page in headless Chromium.
//
// The goldens are in tests/tools/report/golden/. After an intended change of output,
// regenerate them and review the diff:
//
//   FNPROF_UPDATE_GOLDEN=1 build-formats/tests/tools/tools_tests --gtest_filter='ReportGolden.*'
//   git diff tests/tools/report/golden/
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "model/call_views.h"
#include "dump_builder.h"
#include "analysis/findings.h"
#include "fnprof/format.h"
#include "pprof/profile.pb.h"
#include "model/profile.h"
#include "report/report.h"
#include "test_paths.h"

namespace fnprof {

pprof::Profile build_pprof_profile(const Report& report);  // report/formats/pprof.cpp
extern const char kReportCss[];                              // report_html_assets.cpp
extern const char kReportJs[];

namespace {

using testing::DumpBuilder;
using testing::run_capture;
using testing::temp_path;
using testing::test_process;

constexpr uint64_t kBias = 0x5555'0000'0000;

// The functions of the fixture, by their offset in the (nonexistent) module,
// with names as a C++ program has them: templates, operators, and the
// characters each format must escape.
const std::map<uint64_t, std::string> kNames = {
    {0x100, "main"},
    {0x200, "Sheet::evaluate(Cell const&)"},
    {0x300,
     "std::vector<std::pair<int, char>, std::allocator<std::pair<int, char> > >::operator[](unsigned long)"},
    {0x400, "operator|(Flags, Flags)"},
    {0x500, "format<\"</script><!--\">(std::basic_string_view<char, std::char_traits<char> >)"},
    {0x600, "Cell::value() const"},
    {0x700, "quote\"d, name `x` & <y>"},
};

// Two threads, ticks in microseconds:
//
// thread 4242 "app"
//   main                          1 call    1 s
//     Sheet::evaluate            10         700 ms
//       vector::operator[]    1,000         100 ms
//       Cell::value       1,000,000          25 ms   (25 ns a call: tiny)
//       Sheet::evaluate           5         200 ms   (recursion)
//         operator|              50          50 ms
//     format<"</script><!--">     2         150 ms
// thread 4243 "worker, \"pool\""
//   quote"d, name...              3         500 ms
//     operator|                   7         100 ms
std::string fixture_dump() {
  auto f = [](uint64_t offset) { return kBias + offset; };
  format::ProcessRecord process = test_process();
  process.ticks_per_second = 1'000'000;
  process.start_ticks = 0;
  process.end_ticks = 2'000'000;
  DumpBuilder b;
  b.process(process);
  b.modules({{"/nonexistent/app", "", kBias, kBias, kBias + 0x10'0000}});
  b.thread({4242, "app", 0, 2'000'000, 0, 0}, {{0, f(0x100), 1, 1'000'000},
                                               {1, f(0x200), 10, 700'000},
                                               {2, f(0x300), 1000, 100'000},
                                               {2, f(0x600), 1'000'000, 25'000},
                                               {2, f(0x200), 5, 200'000},
                                               {5, f(0x400), 50, 50'000},
                                               {1, f(0x500), 2, 150'000}});
  // Each call of main's subtree by duration (evaluate's outer calls 40 to
  // 120 ms, the inner recursive ones 40 ms; operator| 1 ms); the leaves
  // called a thousand times and more have none, as from an older dump.
  std::vector<uint64_t> evaluate = {40'000, 50'000, 50'000, 60'000, 60'000, 70'000, 70'000, 80'000, 100'000, 120'000};
  b.durations({{1'000'000}, evaluate, {}, {}, std::vector<uint64_t>(5, 40'000), std::vector<uint64_t>(50, 1'000),
               {70'000, 80'000}});
  b.thread({4243, "worker, \"pool\"", 0, 1'500'000, 0, 0},
           {{0, f(0x700), 3, 500'000}, {1, f(0x400), 7, 100'000}});
  b.end();
  return b.write("fixture.fnp");
}

// The fixture's profile, with the names above (the symbolizer can only name
// them "app+0x100": the module file does not exist) and a fixed dump path.
Profile fixture_profile() {
  Symbolizer symbolizer;
  Profile profile = build_profile({read_dump(fixture_dump())}, symbolizer);
  for (ProfiledFunction& f : profile.functions) {
    f.symbol.function = kNames.at(f.address);
    f.symbol.file = "/src/sheet.cpp";
    f.symbol.line = static_cast<uint32_t>(f.address / 0x10);
    f.symbol.resolved = true;
  }
  for (ProcessSummary& p : profile.processes) p.dump_path = "fnprof.app.4242.fnp";
  return profile;
}

// The fixture with the instrumentation API's figures put together by hand
// (times in seconds since the process started), with names each format
// must escape:
//
//   load                    1 x 250 ms   (0 - 250 ms)     CPU 80%/100%, RSS peak 64 MiB
//     parse <xml> & `x`|    3 x  50 ms   (40..60 ms)      no sampler interval inside
//   compute                 2 x 600 ms   (300 - 800 ms, 1.0 s - open)   rows 1.5k/s
//   checkpoints "ready" {n: 4} at 250 ms, "</script>done" at 1.8 s
//   counters "rows" 3,000 (higher is better), gauge "queue depth" 2 (0..17)
//   resources: 20 samples every 100 ms
Profile api_fixture_profile() {
  Profile profile = fixture_profile();
  ApiProfile& api = profile.api;
  auto use = [](double cpu_avg, double cpu_peak, uint64_t rss_peak) {
    return ResourceUse{true, cpu_avg, cpu_peak, rss_peak / 2, rss_peak, 0.2};
  };
  auto phase = [](const char* name, const char* path, size_t depth, uint64_t count, uint64_t open,
                  double total, double min, double max) {
    PhaseStats p;
    p.name = name, p.path = path, p.depth = depth, p.count = count, p.open = open;
    p.total_seconds = total, p.min_seconds = min, p.max_seconds = p.p95_seconds = max;
    return p;
  };
  PhaseStats load = phase("load", "load", 0, 1, 0, 0.25, 0.25, 0.25);
  load.resources = use(80, 100, 64 << 20);
  load.instances = {{4242, 4242, 0.0, 0.25, false, {}, {}}};
  PhaseStats parse = phase("parse <xml> & `x`|", "load > parse <xml> & `x`|", 1, 3, 0, 0.15, 0.04, 0.06);
  parse.instances = {{4242, 4242, 0.01, 0.05, false, {}, {}}};
  PhaseStats compute = phase("compute", "compute", 0, 2, 1, 1.2, 0.5, 0.7);
  compute.resources = use(190, 200, 96 << 20);
  compute.counter_rates = {{"rows", 1500}};
  compute.instances = {{4242, 4243, 0.3, 0.5, false, {}, {}}, {4242, 4243, 1.0, 0.7, true, {}, {}}};
  api.phases = {load, parse, compute};
  MetaPair n{"n", static_cast<uint64_t>(format::MetaType::Int), 4, 0, ""};
  api.checkpoints = {{"ready", 4242, 4242, 0.25, 0.25, {n}}, {"</script>done", 4242, 4242, 1.8, 1.55, {}}};
  api.counters = {{"rows", false, "higher", 3000, 0, 0, 3000, 1500},
                  {"queue depth", true, "lower", 2, 0, 17, 40, 0}};
  ResourceSummary& r = api.resources;
  r.present = true;
  r.samples = 20;
  r.interval_seconds = 0.1;
  r.sampler_cpu_seconds = 0.001;
  r.sampler_cpu_percent = 0.05;
  r.process = use(120, 200, 96 << 20);
  r.process.rss_avg_bytes = 60 << 20;
  r.minor_faults = 1200;
  r.voluntary_switches = 30;
  r.involuntary_switches = 4;
  r.read_bytes = 4096;
  r.threads_peak = 2;
  r.system_cpu_avg_percent = 30;
  r.system_cpu_peak_percent = 55;
  r.system_mem_total_bytes = 8ull << 30;
  r.system_mem_used_peak_bytes = 3ull << 30;
  for (int i = 1; i <= 20; ++i)
    r.timeline.push_back({0.1 * i, i < 3 ? 80.0 : 190.0, 10.0, static_cast<uint64_t>(40 + 3 * i) << 20, 2, {}});
  return profile;
}

std::string render(std::string_view format, const ReportOptions& options) {
  std::ostringstream out;
  write_report(out, format, fixture_profile(), options);
  return out.str();
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void spit(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  ASSERT_TRUE(out.good()) << path;
}

// Compares `actual` with golden/`name`, or rewrites the golden when
// FNPROF_UPDATE_GOLDEN is set.
void expect_golden(const std::string& name, const std::string& actual) {
  const std::string path = std::string(GOLDEN_DIR) + "/" + name;
  if (std::getenv("FNPROF_UPDATE_GOLDEN")) {
    spit(path, actual);
    return;
  }
  std::string expected = slurp(path);
  ASSERT_FALSE(expected.empty()) << path << " is missing; see the top of " << __FILE__;
  if (expected != actual) {
    const std::string got = temp_path(name);
    spit(got, actual);
    ADD_FAILURE() << name << " differs from its golden file; diff " << path << " " << got;
  }
}

ReportOptions views_options() {
  ReportOptions options;
  options.tree = true;
  options.threads = true;
  options.callers = {"Sheet::evaluate"};
  options.callees = {"Sheet::evaluate(Cell const&)"};
  return options;
}

// The page with its stylesheet and script left out: the data and the markup
// around them are what the golden pins down.
std::string html_without_assets(std::string html) {
  for (const char* asset : {kReportCss, kReportJs}) {
    size_t at = html.find(asset);
    EXPECT_NE(at, std::string::npos);
    if (at != std::string::npos) html.replace(at, std::string_view(asset).size(), "/* asset */\n");
  }
  return html;
}

TEST(ReportGolden, Text) { expect_golden("report.txt", render("text", views_options())); }
TEST(ReportGolden, Json) { expect_golden("report.json", render("json", views_options())); }
TEST(ReportGolden, Csv) { expect_golden("functions.csv", render("csv", ReportOptions{})); }
TEST(ReportGolden, CsvThreads) {
  ReportOptions options;
  options.threads = true;
  expect_golden("functions-threads.csv", render("csv", options));
}
TEST(ReportGolden, Markdown) { expect_golden("report.md", render("md", views_options())); }
TEST(ReportGolden, MarkdownWithPhases) {
  std::ostringstream out;
  write_report(out, "md", api_fixture_profile(), ReportOptions{});
  expect_golden("report-phases.md", out.str());
  // The rows people read first, spelled out: indented by no-break spaces
  // (a cell drops plain leading spaces), `|` escaped even in code spans.
  EXPECT_NE(
      out.str().find(
          "| `load` | 1 |  | 250ms | 250ms | 250ms | 250ms | 250ms | 80% / 100% | 64.0 MiB |\n"
          "| \u00a0\u00a0``parse <xml> & `x`\\|`` | 3 |  | 150ms | 50.0ms | 40.0ms | 60.0ms | 60.0ms | - | - |\n"
          "| `compute` | 2 | 1 | 1.20s | 600ms | 500ms | 700ms | 700ms | 190% / 200% | 96.0 MiB |\n"),
      std::string::npos)
      << out.str();
  EXPECT_NE(out.str().find("| `ready` | 4242 | 250ms | 250ms | `n=4` |\n"), std::string::npos);
  EXPECT_NE(out.str().find("| `queue depth` | gauge | lower | 2 | 0..17 |  |\n"), std::string::npos);
  EXPECT_NE(out.str().find("| CPU | avg 120.0%, peak 200.0% (100% = one core) |\n"), std::string::npos);
}
TEST(ReportGolden, Html) {
  expect_golden("report.html", html_without_assets(render("html", ReportOptions{})));
}
TEST(ReportGolden, FoldedTime) {
  expect_golden("time.folded", render("folded", ReportOptions{}));
}
TEST(ReportGolden, FoldedCallsPerThread) {
  ReportOptions options;
  options.folded_value = FoldedValue::Calls;
  options.threads = true;
  expect_golden("calls-threads.folded", render("folded", options));
}
TEST(ReportGolden, Callgrind) {
  expect_golden("callgrind.out", render("callgrind", ReportOptions{}));
}
TEST(ReportGolden, Pprof) {
  const Profile profile = fixture_profile();
  expect_golden("pprof.txtpb", build_pprof_profile(build_report(profile, ReportOptions{})).DebugString());
}
TEST(ReportGolden, Chrome) { expect_golden("chrome.json", render("chrome", ReportOptions{})); }

// ---- Findings and call views ----------------------------------------------

const Finding* find(const std::vector<Finding>& findings, const std::string& kind, const std::string& name,
                    const Profile& profile) {
  for (const Finding& f : findings)
    if (f.kind == kind && f.function != kNoFunction && profile.functions[f.function].symbol.function == name)
      return &f;
  return nullptr;
}

TEST(Findings, HotspotsAndTinyFunctions) {
  Profile profile = fixture_profile();
  std::vector<Finding> findings = find_bottlenecks(profile, find_leaks(profile.heap), FindingThresholds{});
  // Self times: evaluate 425 + 150 = 575 ms? No: outer 700 - (100+25+200) =
  // 375, inner 200 - 50 = 150: 525 ms of 1.5 s = 35% -> high.
  const Finding* evaluate = find(findings, "hotspot", kNames.at(0x200), profile);
  ASSERT_NE(evaluate, nullptr);
  EXPECT_EQ(evaluate->severity, Severity::High);
  EXPECT_NE(evaluate->evidence.find("self 525ms of 1.50s (35.0%)"), std::string::npos) << evaluate->evidence;
  // 1,000,000 calls of 25 ns: ~30 ms of hooks, 2% of 1.5 s.
  const Finding* tiny = find(findings, "instrumentation-overhead", kNames.at(0x600), profile);
  ASSERT_NE(tiny, nullptr);
  EXPECT_EQ(tiny->severity, Severity::Low);
  EXPECT_NE(tiny->recommendation.find("-finstrument-functions-exclude-function-list=Cell::value"),
            std::string::npos)
      << tiny->recommendation;
  EXPECT_NE(tiny->recommendation.find("-finstrument-functions-after-inlining"), std::string::npos);
  // Most severe first.
  for (size_t i = 1; i < findings.size(); ++i) EXPECT_GE(findings[i - 1].severity, findings[i].severity);

  FindingThresholds strict;
  parse_threshold("self=40%", strict);
  parse_threshold("overhead-share=5%", strict);
  findings = find_bottlenecks(profile, find_leaks(profile.heap), strict);
  EXPECT_EQ(find(findings, "hotspot", kNames.at(0x200), profile), nullptr);
  EXPECT_EQ(find(findings, "instrumentation-overhead", kNames.at(0x600), profile), nullptr);
}

// The hooks' cost is the one the dump measured when it has one, and the
// share is of the time measured, hooks included, also once they are taken
// out; --threshold overhead= still decides.
TEST(Findings, TinyFunctionsAtTheMeasuredProbeCost) {
  Profile profile = fixture_profile();
  profile.probe.pair_seconds = 50e-9;
  profile.probe.applied = true;
  profile.probe.total_seconds = 0.5;
  std::vector<Finding> findings = find_bottlenecks(profile, find_leaks(profile.heap), FindingThresholds{});
  const Finding* tiny = find(findings, "instrumentation-overhead", kNames.at(0x600), profile);
  ASSERT_NE(tiny, nullptr);
  EXPECT_NE(tiny->evidence.find("at ~50ns per enter/exit pair the hooks cost ~50.0ms, 2.5% of the 2.00s measured"),
            std::string::npos)
      << tiny->evidence;

  FindingThresholds set;
  parse_threshold("overhead=24ns", set);
  findings = find_bottlenecks(profile, find_leaks(profile.heap), set);
  tiny = find(findings, "instrumentation-overhead", kNames.at(0x600), profile);
  ASSERT_NE(tiny, nullptr);
  EXPECT_NE(tiny->evidence.find("at ~24ns per enter/exit pair the hooks cost ~24.0ms, 1.2% of the 2.00s measured"),
            std::string::npos)
      << tiny->evidence;
}

TEST(Findings, ThresholdSyntax) {
  FindingThresholds t;
  parse_threshold("overhead=0.05us", t);
  EXPECT_DOUBLE_EQ(t.overhead_ns.value(), 50);
  parse_threshold("tiny=200ns", t);
  EXPECT_DOUBLE_EQ(t.tiny_ns, 200);
  parse_threshold("self=7", t);
  EXPECT_DOUBLE_EQ(t.self_percent, 7);
  EXPECT_THROW(parse_threshold("self", t), std::invalid_argument);
  EXPECT_THROW(parse_threshold("speed=5%", t), std::invalid_argument);
  EXPECT_THROW(parse_threshold("self=5ns", t), std::invalid_argument);
  EXPECT_THROW(parse_threshold("tiny=-3ns", t), std::invalid_argument);
  parse_threshold("temporary=500", t);
  EXPECT_DOUBLE_EQ(t.temporary, 500);
  EXPECT_THROW(parse_threshold("temporary=5%", t), std::invalid_argument);
}

TEST(CallViews, CallersAddUpToInclusiveTimeDespiteRecursion) {
  Profile profile = fixture_profile();
  std::vector<uint32_t> ids = match_functions(profile, "evaluate");
  ASSERT_EQ(ids.size(), 1u);
  CallView view = call_view(profile, profile.merged, ids[0]);
  EXPECT_EQ(view.stats.calls, 15u);
  ASSERT_EQ(view.callers.size(), 2u);
  EXPECT_EQ(function_name(profile, view.callers[0].function), "main");
  EXPECT_EQ(view.callers[0].calls, 10u);
  EXPECT_DOUBLE_EQ(view.callers[0].seconds, 0.7);
  EXPECT_EQ(view.callers[1].function, ids[0]);  // recursion: calls, no time
  EXPECT_EQ(view.callers[1].calls, 5u);
  EXPECT_DOUBLE_EQ(view.callers[1].seconds, 0);
  // Callees of the outer call: operator[] 100 ms, value 25 ms, and itself
  // (5 calls, its time already in evaluate's).
  double callee_seconds = 0;
  for (const CallEdge& e : view.callees) callee_seconds += e.seconds;
  EXPECT_NEAR(callee_seconds, 0.125, 1e-12);
  // Exact names win over substrings; no match is an error naming the option.
  EXPECT_EQ(match_functions(profile, "main").size(), 1u);
  EXPECT_EQ(match_functions(profile, "operator").size(), 2u);  // operator[] and operator|
  EXPECT_THROW(functions_for_view(profile, "nope", "--callers"), std::runtime_error);
}

// ---- Other tools read what we write ---------------------------------------

TEST(ReportFormats, CsvReadsBackWithPythonsCsvModule) {
  const std::string path = temp_path("functions.csv");
  ReportOptions options;
  options.threads = true;
  spit(path, render("csv", options));
  std::string out = run_capture(
      "python3 -c 'import csv, json, sys; print(json.dumps(list(csv.reader(open(sys.argv[1], "
      "newline=\"\")))))' " +
      path);
  nlohmann::json rows = nlohmann::json::parse(out);
  ASSERT_GE(rows.size(), 2u);
  EXPECT_EQ(rows[0][0], "pid");
  EXPECT_EQ(rows[0][3], "function");
  std::map<std::string, nlohmann::json> by_name;
  for (size_t i = 1; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].size(), rows[0].size());
    by_name[rows[i][2].get<std::string>() + "|" + rows[i][3].get<std::string>()] = rows[i];
  }
  const nlohmann::json& quoted = by_name.at("worker, \"pool\"|" + kNames.at(0x700));
  EXPECT_EQ(quoted[4], "3");                                // calls
  EXPECT_EQ(std::stod(quoted[5].get<std::string>()), 0.5);  // incl_seconds
  EXPECT_EQ(by_name.at("app|" + kNames.at(0x600))[4], "1000000");
}

TEST(ReportFormats, CsvTablesWithoutDataAreErrors) {
  ReportOptions options;
  options.table = "allocators";
  try {
    render("csv", options);
    ADD_FAILURE() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "no allocation data in fnprof.app.4242.fnp");
  }
}

TEST(ReportFormats, AllocationViewsWithoutDataAreErrors) {
  ReportOptions options;
  options.table = "leaks";
  EXPECT_THROW(render("csv", options), std::runtime_error);
  options.folded_value = FoldedValue::Bytes;
  try {
    render("folded", options);
    ADD_FAILURE() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "--folded-value bytes: no allocation data in fnprof.app.4242.fnp");
  }
  options.folded_value = FoldedValue::Allocations;
  EXPECT_THROW(render("folded", options), std::runtime_error);
  // The formats that show allocations beside the rest leave them out.
  EXPECT_EQ(render("md", ReportOptions{}).find("## Allocations"), std::string::npos);
  const Profile time_only = fixture_profile();
  EXPECT_EQ(build_pprof_profile(build_report(time_only, ReportOptions{})).sample_type_size(), 2);
}

TEST(ReportFormats, JsonMatchesItsSchema) {
  const std::string report = temp_path("report.json");
  spit(report, render("json", views_options()));
  const std::string command = std::string("python3 ") + VALIDATE_JSON + " " + SCHEMA + " " + report + " 2>&1";
  int rc = std::system((command + " >/dev/null").c_str());
  EXPECT_EQ(rc, 0) << run_capture(command);
  // And without the optional parts.
  spit(report, render("json", ReportOptions{}));
  rc = std::system((command + " >/dev/null").c_str());
  EXPECT_EQ(rc, 0) << run_capture(command);
}

// Sum of the values of folded lines, by first frame when `by_thread`.
long long folded_sum(const std::string& folded) {
  long long sum = 0;
  std::istringstream in(folded);
  for (std::string line; std::getline(in, line);) sum += std::stoll(line.substr(line.rfind(' ') + 1));
  return sum;
}

TEST(ReportFormats, FoldedSumsEqualTheTree) {
  Profile profile = fixture_profile();
  ReportOptions options;
  std::ostringstream time, calls, threads;
  write_report(time, "folded", profile, options);
  EXPECT_EQ(folded_sum(time.str()), std::llround(profile.merged.total_self_seconds * 1e6));
  options.folded_value = FoldedValue::Calls;
  write_report(calls, "folded", profile, options);
  EXPECT_EQ(folded_sum(calls.str()), static_cast<long long>(profile.merged.total_calls));
  options.threads = true;
  write_report(threads, "folded", profile, options);
  EXPECT_EQ(folded_sum(threads.str()), static_cast<long long>(profile.merged.total_calls));
  // A path's value is its own: main;format<...> made 2 calls.
  EXPECT_NE(calls.str().find("\nmain;" + kNames.at(0x500) + " 2\n"), std::string::npos) << calls.str();
}

TEST(ReportFormats, FoldedTimeRoundingKeepsTheSum) {
  // 1000 paths of 0.4 us each: rounded one by one they would sum to 0.
  DumpBuilder b;
  format::ProcessRecord process = test_process();
  process.ticks_per_second = 10'000'000;  // 0.1 us ticks
  b.process(process);
  std::vector<testing::TestNode> nodes{{0, 0x1000, 1, 4000}};
  for (uint64_t i = 0; i < 1000; ++i) nodes.push_back({1, 0x2000 + 16 * i, 1, 4});
  nodes[0].incl_ticks = 4000;  // main's self time is 0
  b.thread({1, "t", 0, 10, 0, 0}, nodes);
  b.end();
  Symbolizer symbolizer;
  Profile profile = build_profile({read_dump(b.write("tiny.fnp"))}, symbolizer);
  std::ostringstream out;
  write_report(out, "folded", profile, ReportOptions{});
  EXPECT_EQ(folded_sum(out.str()), 400);
}

TEST(ReportFormats, CallgrindAnnotateReadsItAndTotalsMatch) {
  Profile profile = fixture_profile();
  const std::string path = temp_path("callgrind.out");
  std::ostringstream out;
  write_report(out, "callgrind", profile, ReportOptions{});
  spit(path, out.str());
  std::string annotate = run_capture("callgrind_annotate " + path + " 2>&1");
  // "1,500,000,000 (100.0%) 1,001,078 (100.0%)  PROGRAM TOTALS"
  std::string totals;
  std::istringstream in(annotate);
  for (std::string line; std::getline(in, line);)
    if (line.find("PROGRAM TOTALS") != std::string::npos) totals = line;
  ASSERT_FALSE(totals.empty()) << annotate;
  std::string digits;
  for (char c : totals.substr(0, totals.find("PROGRAM"))) {
    if (c == '(') break;  // up to the first percentage
    if (isdigit(static_cast<unsigned char>(c)) || c == ' ') digits += c;
  }
  EXPECT_EQ(std::stoull(digits), static_cast<uint64_t>(std::llround(profile.merged.total_self_seconds * 1e9)))
      << totals;
  EXPECT_NE(totals.find(group_digits(profile.merged.total_calls)), std::string::npos) << totals;
  // The hottest function by self time is listed with its name.
  EXPECT_NE(annotate.find("Sheet::evaluate(Cell const&)"), std::string::npos) << annotate;
}

std::string gunzip(const std::string& data) {
  z_stream z{};
  EXPECT_EQ(inflateInit2(&z, 15 + 16), Z_OK);
  std::string out;
  char buffer[65536];
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buffer);
    z.avail_out = sizeof buffer;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - z.avail_out);
  }
  inflateEnd(&z);
  EXPECT_EQ(rc, Z_STREAM_END);
  return out;
}

TEST(ReportFormats, ProtocDecodesThePprofFileAndTotalsMatch) {
  Profile profile = fixture_profile();
  std::ostringstream out;
  write_report(out, "pprof", profile, ReportOptions{});
  ASSERT_GE(out.str().size(), 2u);
  EXPECT_EQ(out.str().substr(0, 2), "\x1f\x8b");  // gzip magic
  const std::string raw = temp_path("profile.pb");
  spit(raw, gunzip(out.str()));
  std::string text =
      run_capture(std::string("protoc --decode=fnprof.pprof.Profile --proto_path=") + PPROF_PROTO_DIR + " " +
                  PPROF_PROTO_DIR + "/pprof/profile.proto < " + raw + " 2>&1");
  // Values come in pairs per sample: calls, then time.
  long long calls = 0, nanoseconds = 0;
  size_t values = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    size_t at = line.find("value: ");
    if (at == std::string::npos || line.find_first_not_of(' ') != at) continue;
    (values++ % 2 == 0 ? calls : nanoseconds) += std::stoll(line.substr(at + 7));
  }
  ASSERT_GT(values, 0u) << text;
  EXPECT_EQ(calls, static_cast<long long>(profile.merged.total_calls)) << text;
  EXPECT_NEAR(static_cast<double>(nanoseconds), profile.merged.total_self_seconds * 1e9, 10) << text;
  EXPECT_NE(text.find("string_table: \"nanoseconds\""), std::string::npos);
  EXPECT_NE(text.find("string_table: \"" + kNames.at(0x200) + "\""), std::string::npos);
}

TEST(ReportFormats, ChromeTraceIsJsonWithNestedCompleteEvents) {
  nlohmann::json trace = nlohmann::json::parse(render("chrome", ReportOptions{}));
  size_t complete = 0;
  bool thread_named = false;
  for (const nlohmann::json& e : trace["traceEvents"]) {
    if (e["ph"] == "M" && e["name"] == "thread_name" && e["args"]["name"] == "worker, \"pool\"")
      thread_named = true;
    if (e["ph"] != "X") continue;
    ++complete;
    // format<...> starts where evaluate (700 ms) ends, inside main.
    if (e["name"] == kNames.at(0x500)) {
      EXPECT_DOUBLE_EQ(e["ts"].get<double>(), 700'000);
      EXPECT_DOUBLE_EQ(e["dur"].get<double>(), 150'000);
    }
  }
  EXPECT_EQ(complete, 9u);  // every node of both threads
  EXPECT_TRUE(thread_named);
}

// ---- The HTML page in a real browser ---------------------------------------

// Runs tests/tools/report/html_report_check.py on `html`; returns its output, "" on success.
std::string check_in_chromium(const std::string& html, const std::string& args) {
  const std::string command = std::string("python3 ") + HTML_CHECK + " " + html + " " + args + " 2>&1";
  std::string out = run_capture(command + "; echo \"exit=$?\"");
  return out.ends_with("exit=0\n") ? std::string() : out;
}

TEST(HtmlReport, OpensInChromiumWithTablesAndSearch) {
  const std::string html = std::string(ARTIFACT_DIR) + "/report.html";
  ReportOptions options;
  options.threads = true;
  spit(html, render("html", options));
  // The table holds the 7 functions; a search for "evaluate" finds its 2
  // nodes in the merged tree; the screenshot is kept for people to look at.
  EXPECT_EQ(check_in_chromium(html, "--rows 7 --search evaluate --matches 2 --screenshot " +
                                        std::string(ARTIFACT_DIR) + "/report.png"),
            "");
}

// The HTML page of `profile`, also written to `path` for the browser.
std::string write_page(const Profile& profile, const std::string& path) {
  std::ostringstream out;
  write_report(out, "html", profile, ReportOptions{});
  spit(path, out.str());
  return out.str();
}

// Gives `profile` a heap by hand: one process (4242, ended by exit) with
// this live-heap timeline; the caller adds sites and the tree.
HeapProfile& add_heap_timeline(Profile& profile, std::vector<HeapProcess::Point> timeline) {
  HeapProfile& heap = profile.heap;
  heap.present = true;
  heap.processes.push_back({});
  heap.processes.back().pid = 4242;
  heap.processes.back().end = "exit";
  heap.processes.back().timeline = std::move(timeline);
  return heap;
}

TEST(HtmlReport, AllocationNamesAreEscaped) {
  // A heap put together by hand, with names that would end the data's
  // <script> element or run code if they reached the page as HTML.
  Profile profile = fixture_profile();
  const std::string evil = "</script><img src=x onerror=\"document.body.dataset.errors=9\">&amp;";
  HeapProfile& heap = add_heap_timeline(profile, {{0.0, 0}, {0.5, 4096}});
  HeapSite site;
  site.frames = {{evil, "/src/<b>.c", 7, true, "/src/app", 0x1200, false}, {"main", "/src/main.c", 3, true, "/src/app", 0x1000, false}};
  site.counts.allocations = 4;
  site.counts.bytes_allocated = 4096;
  heap.sites = {site};
  heap.totals = site.counts;
  heap.live_blocks = 4;
  heap.live_bytes = 4096;
  heap.tree = {
      {"<root>", 0, {1}, 4, 4096, 4096}, {"main", 0, {2}, 4, 4096, 4096}, {evil, 1, {}, 4, 4096, 4096}};
  const std::string html = std::string(ARTIFACT_DIR) + "/report-alloc.html";
  const std::string page = write_page(profile, html);
  EXPECT_EQ(page.find("<img"), std::string::npos);
  EXPECT_NE(page.find("\\u003c/script\\u003e\\u003cimg"), std::string::npos);
  EXPECT_EQ(check_in_chromium(html, "--alloc-rows 1 --timeline 1"), "");
}

TEST(HtmlReport, PhasesTablesAndTimelines) {
  Profile profile = api_fixture_profile();
  // A live heap too, so the bands go behind both charts.
  add_heap_timeline(profile, {{0.0, 0}, {0.5, 4096}, {1.9, 1024}}).tree = {{"<root>", 0, {}, 0, 0, 0}};
  const std::string html = std::string(ARTIFACT_DIR) + "/report-phases.html";
  const std::string page = write_page(profile, html);
  EXPECT_EQ(page.find("<xml>"), std::string::npos);
  EXPECT_EQ(page.find("</script>done"), std::string::npos);
  // Three top-level instances (load, compute twice) band each chart.
  EXPECT_EQ(check_in_chromium(html,
                              "--phases load '  parse <xml> & `x`|' compute --checkpoints 2 --counters 2 "
                              "--resources --bands 3 --timeline 1 --screenshot " +
                                  std::string(ARTIFACT_DIR) + "/report-phases.png"),
            "");
}

TEST(HtmlReport, OpensWithAHundredThousandNodes) {
  // A wide and deep tree: 100 000 nodes under main, 50 000 distinct functions.
  DumpBuilder b;
  format::ProcessRecord process = test_process();
  process.ticks_per_second = 1'000'000'000;
  b.process(process);
  b.modules({{"/nonexistent/big", "", kBias, kBias, kBias + 0x100'0000}});
  std::vector<testing::TestNode> nodes{{0, kBias + 0x10, 1, 0}};
  uint64_t total = 0;
  for (uint32_t i = 0; nodes.size() < 100'000; ++i) {
    // Chains of 4: main -> a_i -> b_i -> c_i -> d_i, a few wide ones and a
    // long tail of narrow ones.
    uint32_t parent = 1;
    uint64_t ticks = 10'000'000 / (i + 1) + 1000 + i % 97;
    for (uint32_t depth = 0; depth < 4 && nodes.size() < 100'000; ++depth, ticks = ticks * 4 / 5) {
      uint64_t function = depth == 0 ? i : (i * 3 + depth) % 50'000;  // distinct paths
      nodes.push_back({parent, kBias + 0x100 + 16 * function, 1 + i % 13, ticks});
      if (depth == 0) total += ticks;
      parent = static_cast<uint32_t>(nodes.size());
    }
  }
  nodes[0].incl_ticks = total + 1000;
  b.thread({1, "big", 0, 1, 0, 0}, nodes);
  b.end();
  Symbolizer symbolizer;
  Profile profile = build_profile({read_dump(b.write("big.fnp"))}, symbolizer);
  ASSERT_EQ(profile.merged.nodes.size(), 100'001u);
  const std::string html = std::string(ARTIFACT_DIR) + "/report-100k.html";
  std::ostringstream out;
  write_report(out, "html", profile, ReportOptions{});
  spit(html, out.str());
  // How fast it opens is measured in docs/PERFORMANCE.md, not here: a
  // loaded CI machine (the ASan build, other jobs) is no clock.
  EXPECT_EQ(check_in_chromium(
                html, "--search big+0x110 --screenshot " + std::string(ARTIFACT_DIR) + "/report-100k.png"),
            "");
}

// 30 functions called from main, f00 the most expensive: the formats for
// people show the default 20 rows and say so; json and csv carry all 30
// unless --top is given, and then exactly that many.
TEST(ReportRows, PeopleGetTheTopTwentyMachinesGetEveryRowUnlessTopIsGiven) {
  format::ProcessRecord process = test_process();
  process.ticks_per_second = 1'000'000;
  process.start_ticks = 0;
  process.end_ticks = 2'000'000;
  std::vector<testing::TestNode> nodes = {{0, kBias + 0x100, 1, 1'000'000}};
  for (uint64_t i = 0; i < 30; ++i) nodes.push_back({1, kBias + 0x1000 + 0x10 * i, 1, 30'000 - 500 * i});
  DumpBuilder b;
  b.process(process);
  b.modules({{"/nonexistent/app", "", kBias, kBias, kBias + 0x10'0000}});
  b.thread({4242, "app", 0, 2'000'000, 0, 0}, nodes);
  b.end();
  Symbolizer symbolizer;
  Profile profile = build_profile({read_dump(b.write("wide.fnp"))}, symbolizer);

  auto rendered = [&](std::string_view format, std::optional<size_t> top) {
    ReportOptions options;
    options.top = top;
    std::ostringstream out;
    write_report(out, format, profile, options);
    return out.str();
  };
  auto lines = [](const std::string& s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); };

  EXPECT_NE(rendered("text", std::nullopt).find("Top 20 of 31 functions by self time:"), std::string::npos);
  EXPECT_NE(rendered("md", std::nullopt).find("## Top 20 of 31 functions by self time"), std::string::npos);
  nlohmann::json all = nlohmann::json::parse(rendered("json", std::nullopt));
  EXPECT_EQ(all["functions"].size(), 31u);  // main too
  EXPECT_EQ(all["top"], 31);
  EXPECT_EQ(lines(rendered("csv", std::nullopt)), 1u + 31u);

  nlohmann::json five = nlohmann::json::parse(rendered("json", 5));
  EXPECT_EQ(five["functions"].size(), 5u);
  EXPECT_EQ(five["top"], 5);
  EXPECT_EQ(lines(rendered("csv", 5)), 1u + 5u);
  EXPECT_NE(rendered("text", 25).find("Top 25 functions by self time"), std::string::npos);
}

// A table declared once (analysis/tables.cpp) reaches csv as it reaches text
// and md: checkpoints had no csv writer of their own.
TEST(ReportTables, CheckpointsReachCsvWithMachineValues) {
  ReportOptions options;
  options.table = "checkpoints";
  std::ostringstream out;
  write_report(out, "csv", api_fixture_profile(), options);
  EXPECT_EQ(out.str(),
            "name,pid,tid,at_seconds,since_previous_seconds,metadata\r\n"
            "ready,4242,4242,0.25,0.25,n=4\r\n"
            "</script>done,4242,4242,1.8,1.55,\r\n");
}

std::string csv_table(const std::string& table) {
  ReportOptions options;
  options.table = table;
  std::ostringstream out;
  write_report(out, "csv", api_fixture_profile(), options);
  return out.str();
}

// Counter throughput during phases had only text and md tables; declared
// once, it reaches csv too.
TEST(ReportTables, PhaseCountersReachCsv) {
  EXPECT_EQ(csv_table("phase_counters"), "phase,counter,per_second\r\ncompute,rows,1500\r\n");
  ReportOptions options;
  options.table = "phase_counters";
  std::ostringstream out;
  try {
    write_report(out, "csv", fixture_profile(), options);
    ADD_FAILURE() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "no counter throughput during phases in fnprof.app.4242.fnp");
  }
}

// The phases and resources tables as csv read them before they were
// declared in tables.cpp: the columns, their order and the numbers' digits.
TEST(ReportTables, PhasesAndResourcesCsvKeepTheirColumns) {
  EXPECT_EQ(csv_table("phases"),
            "path,name,depth,count,open,total_seconds,avg_seconds,min_seconds,max_seconds,p95_seconds,"
            "cpu_avg_percent,cpu_peak_percent,rss_avg_bytes,rss_peak_bytes\r\n"
            "load,load,0,1,0,0.25,0.25,0.25,0.25,0.25,80,100,33554432,67108864\r\n"
            "load > parse <xml> & `x`|,parse <xml> & `x`|,1,3,0,0.15,0.05,0.04,0.06,0.06,,,,\r\n"
            "compute,compute,0,2,1,1.2,0.6,0.5,0.7,0.7,190,200,50331648,100663296\r\n");
  const std::string resources = csv_table("resources");
  EXPECT_EQ(resources.substr(0, resources.find("\r\n0.3,")),
            "at_seconds,cpu_percent,system_cpu_percent,rss_bytes,threads\r\n"
            "0.1,80,10,45088768,2\r\n"
            "0.2,80,10,48234496,2");
}

// Text and md lay the phase table out by one rule: the name indented by
// its depth (spaces here), open instances in their own column, CPU and RSS
// for a run with the sampler.
TEST(ReportTables, PhasesAsText) {
  std::ostringstream out;
  write_report(out, "text", api_fixture_profile(), ReportOptions{});
  const std::string text = out.str();
  const size_t at = text.find("Phases (by name");
  ASSERT_NE(at, std::string::npos) << text;
  EXPECT_EQ(text.substr(at, text.find("\nCheckpoints:") - at),
            "Phases (by name, nested phases indented):\n\n"
            "phase                    count  open       total         avg         min         max         p95"
            "  CPU avg/peak    RSS peak\n"
            "load                         1             250ms       250ms       250ms       250ms       250ms"
            "    80% / 100%    64.0 MiB\n"
            "  parse <xml> & `x`|         3             150ms      50.0ms      40.0ms      60.0ms      60.0ms"
            "             -           -\n"
            "compute                      2     1       1.20s       600ms       500ms       700ms       700ms"
            "   190% / 200%    96.0 MiB\n"
            "\nCounter throughput during phases:\n\n"
            "phase    counter     rate\n"
            "compute  rows     1.50k/s\n");
}

// A table without a JSON shape of its own (the counters) reaches the JSON
// report as rows of its machine columns, typed, empty values left out.
TEST(ReportTables, CountersReachJsonAsTypedRows) {
  const Profile profile = api_fixture_profile();
  std::ostringstream out;
  write_report(out, "json", profile, ReportOptions{});
  EXPECT_EQ(nlohmann::json::parse(out.str())["counters"], nlohmann::json::parse(R"([
      {"name": "rows", "kind": "counter", "direction": "higher", "value": 3000, "updates": 3000,
       "per_second": 1500.0},
      {"name": "queue depth", "kind": "gauge", "direction": "lower", "value": 2, "min": 0, "max": 17,
       "updates": 40}])"));
}

}  // namespace
}  // namespace fnprof
