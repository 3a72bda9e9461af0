// perf-report's allocation and leak reports on dumps of the programs of
// tests/programs/alloc, whose comments give every number: the figures per
// site, each leak heuristic on the site built to trip it and on no other, the
// sort orders, the JSON members and the errors.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "dump/dump_reader.h"
#include "analysis/findings.h"
#include "analysis/leaks.h"
#include "model/profile.h"
#include "program_run.h"
#include "symbolize/symbolizer.h"
#include "analysis/report_model.h"
#include "pprof/profile.pb.h"

namespace fnprof {
pprof::Profile build_pprof_profile(const Report& report);  // report/formats/pprof.cpp

namespace {

using test::ProgramRun;
using test::run_program;

ProgramRun run_tracked(const std::string& name, const std::vector<std::string>& env = {}) {
  std::vector<std::string> all = env;
  all.push_back(std::string("LD_PRELOAD=") + FNPROF_ALLOC_LIBRARY);
  return run_program(std::string(FNPROF_ALLOC_PROGRAMS_DIR) + "/" + name, {}, all);
}

Profile profile_of(const ProgramRun& run) {
  Symbolizer symbolizer;
  return build_profile({read_dump(run.dumps.at(0))}, symbolizer);
}

// The leak findings by "kind site-name".
std::multimap<std::string, Leak> leaks_by_site(const HeapProfile& heap, const std::vector<Leak>& leaks) {
  std::multimap<std::string, Leak> out;
  for (const Leak& l : leaks) out.emplace(l.kind + " " + (l.site ? site_name(heap.sites[*l.site]) : ""), l);
  return out;
}

const HeapSite* site_named(const HeapProfile& heap, const std::string& name) {
  for (const HeapSite& s : heap.sites)
    if (site_name(s) == name) return &s;
  return nullptr;
}

TEST(LeakReport, EachHeuristicFindsTheSiteBuiltForIt) {
  ProgramRun run = run_tracked("growth", {"FNPROF_SAMPLE_INTERVAL=1ms"});
  ASSERT_EQ(run.status(), "0");
  Profile profile = profile_of(run);
  const HeapProfile& heap = profile.heap;
  ASSERT_TRUE(heap.present);

  const HeapSite* grow = site_named(heap, "grow");
  const HeapSite* churn = site_named(heap, "churn");
  ASSERT_TRUE(grow && churn);
  EXPECT_EQ(grow->counts.allocations, 50u);
  EXPECT_EQ(grow->counts.live_bytes(), 50000u);
  EXPECT_EQ(churn->counts.allocations, 100u);
  EXPECT_EQ(churn->counts.frees, 50u);

  LeakReport report = find_leaks(heap);
  EXPECT_TRUE(report.at_exit);
  auto found = leaks_by_site(heap, report.leaks);
  // growth.c keeps its blocks in static arrays it never reads, whose stores
  // the compiler drops: at exit nothing points to them, they are lost.
  EXPECT_EQ(found.count("lost grow"), 1u);
  EXPECT_EQ(found.count("growing grow"), 1u);
  EXPECT_EQ(found.count("lost churn"), 1u);  // the kept half
  EXPECT_EQ(found.count("unbalanced churn"), 1u);   // 100 allocations, 50 frees
  EXPECT_EQ(found.count("unbalanced grow"), 0u);    // never frees: a leak, not unbalanced
  EXPECT_EQ(found.count("spike "), 1u);
  // Allocated in main, however early: not start-up memory.
  EXPECT_EQ(found.count("lost startup_table"), 1u);
  EXPECT_EQ(found.count("lost spike"), 0u);
  EXPECT_EQ(found.count("lost tick"), 0u);
  EXPECT_EQ(found.count("unbalanced tick"), 0u);
  EXPECT_EQ(found.count("growing churn"), 1u);  // its kept blocks grow too
  EXPECT_EQ(found.find("lost grow")->second.bytes, 50000u);
  EXPECT_EQ(found.find("lost grow")->second.blocks, 50u);
  EXPECT_EQ(found.find("lost churn")->second.bytes, 5000u);
  EXPECT_EQ(found.find("lost startup_table")->second.bytes, 5000u);
  EXPECT_EQ(report.startup_blocks, 0u);
  EXPECT_TRUE(report.reachable.empty());
  std::filesystem::remove_all(run.dir);
}

TEST(LeakReport, LostIsExact) {
  ProgramRun run = run_tracked("patterns");
  ASSERT_EQ(run.status(), "3");  // patterns' own exit status
  Profile profile = profile_of(run);
  LeakReport report = find_leaks(profile.heap);
  auto found = leaks_by_site(profile.heap, report.leaks);
  EXPECT_EQ(found.count("unbalanced leak_three"), 0u);
  EXPECT_EQ(found.count("unbalanced temporaries"), 0u);
  ASSERT_EQ(found.count("lost leak_three"), 1u);
  EXPECT_EQ(found.find("lost leak_three")->second.bytes, 3000u);
  EXPECT_EQ(found.find("lost leak_three")->second.blocks, 3u);
  // No other block: the tracker loads no C++ runtime (and its emergency
  // pool) into this C program.
  EXPECT_EQ(report.leaked_bytes, 3000u);
  EXPECT_EQ(report.leaked_blocks, 3u);
  std::filesystem::remove_all(run.dir);
}

std::string perf_report(const std::vector<std::string>& args, int* exit_code = nullptr) {
  ProgramRun r = run_program(FNPROF_PERF_REPORT, args);
  if (exit_code) *exit_code = r.exit_code;
  std::filesystem::remove_all(r.dir);
  return r.stdout_text + r.stderr_text;
}

TEST(PerfReportAlloc, SortsSitesByEachKey) {
  ProgramRun run = run_tracked("patterns");
  const std::string dump = run.dumps.at(0);
  auto first_site = [&](const std::string& key) {
    nlohmann::json j = nlohmann::json::parse(perf_report({"--format", "json", "--sort", key, "--top", "1", dump}));
    return j["allocations"]["sites"][0]["name"].get<std::string>() + " " +
           std::to_string(j["allocations"]["sites"][0][key == "count"       ? "allocations"
                                                      : key == "peak"      ? "bytes_at_peak"
                                                      : key == "leaked"    ? "live_bytes"
                                                      : key == "temporary" ? "temporary"
                                                                           : "bytes_allocated"]
                              .get<uint64_t>());
  };
  EXPECT_EQ(first_site("bytes"), "peak_block 1000000");
  EXPECT_EQ(first_site("count"), "temporaries 10");
  EXPECT_EQ(first_site("peak"), "peak_block 1000000");
  EXPECT_EQ(first_site("temporary"), "temporaries 10");
  std::filesystem::remove_all(run.dir);
}

TEST(PerfReportAlloc, JsonCarriesTheSummaryAndTheLeaks) {
  ProgramRun run = run_tracked("patterns");
  const std::string text = perf_report({"--format", "json", "--tree", "--threads", run.dumps.at(0)});
  const std::string path = run.dir + "/report.json";
  std::ofstream(path) << text;
  const std::string source = FNPROF_SOURCE_DIR;
  EXPECT_EQ(std::system(("python3 " + source + "/tests/tools/report/validate_json_schema.py " + source +
                         "/docs/report.schema.json " + path)
                            .c_str()),
            0);
  nlohmann::json j = nlohmann::json::parse(text);
  const auto& summary = j["allocations"]["summary"];
  // The program's 28 allocations, and nothing of the tracker's.
  EXPECT_EQ(summary["allocations"], 28u);
  EXPECT_EQ(summary["frees"], 25u);
  EXPECT_EQ(summary["temporary"], 24u);
  EXPECT_EQ(summary["mismatched"], 0u);
  EXPECT_EQ(j["leaks"]["leaked_bytes"], 3000u);
  EXPECT_EQ(j["leaks"]["leaked_blocks"], 3u);
  EXPECT_EQ(j["leaks"]["at_exit"], true);
  std::filesystem::remove_all(run.dir);
}

TEST(PerfReportAlloc, TextShowsTheSiteAndItsCallers) {
  ProgramRun run = run_tracked("patterns");
  std::string text = perf_report({"--alloc", "--sort", "leaked", "--top", "2", "--stack-depth", "1", run.dumps.at(0)});
  EXPECT_NE(text.find("Top 1 allocation sites by bytes leaked:"), std::string::npos) << text;
  EXPECT_NE(text.find("leak_three  patterns.c:"), std::string::npos) << text;
  EXPECT_NE(text.find("← main  patterns.c:"), std::string::npos) << text;
  EXPECT_EQ(text.find("Top 20 functions"), std::string::npos) << text;  // --alloc: only the allocations
  std::string full = perf_report({run.dumps.at(0)});  // patterns is not instrumented
  EXPECT_NE(full.find("No instrumented calls: compile with -finstrument-functions"), std::string::npos) << full;
  EXPECT_EQ(full.find("Top 0 functions"), std::string::npos) << full;
  EXPECT_NE(full.find("\nfunctions:    not instrumented (allocations only)\n"), std::string::npos) << full;
  EXPECT_EQ(full.find("threads:      0"), std::string::npos) << full;
  EXPECT_EQ(full.find("total calls:"), std::string::npos) << full;
  EXPECT_NE(full.find("Top 15 allocation sites by bytes allocated:"), std::string::npos) << full;
  std::string leaks = perf_report({"--leaks", run.dumps.at(0)});
  EXPECT_NE(leaks.find("Leaks: 2.9 KiB in 3 blocks lost (2.9 KiB in 3 blocks definitely"), std::string::npos) << leaks;
  EXPECT_NE(leaks.find("[low] lost: 2.9 KiB in 3 blocks lost at exit: allocated by leak_three"),
            std::string::npos)
      << leaks;
  std::filesystem::remove_all(run.dir);
}

TEST(PerfReportAlloc, RowsThatWouldReadAlikeAreOne) {
  // growth's shared allocates through path_a and through path_b: with no
  // caller shown the two stacks read alike and are one row, and the rows
  // still add up to every allocation.
  ProgramRun run = run_tracked("growth");
  std::string text = perf_report({"--alloc", "--stack-depth", "0", "--top", "1000", "--sort", "count", run.dumps.at(0)});
  std::set<std::string> names;
  uint64_t sum = 0;
  std::istringstream in(text.substr(text.find("site\n") + 5));
  for (std::string line; std::getline(in, line) && !line.empty();) {
    std::istringstream fields(line);
    std::string allocated, unit, count;
    fields >> allocated >> unit >> count;
    count.erase(std::remove(count.begin(), count.end(), ','), count.end());
    sum += std::stoull(count);
    EXPECT_TRUE(names.insert(line.substr(60)).second) << line;
  }
  std::ifstream source(std::string(FNPROF_SOURCE_DIR) + "/tests/programs/alloc/growth.c");
  int line_no = 0, shared_line = 0;
  for (std::string line; std::getline(source, line) && !shared_line;)
    if (++line_no, line.find("void* p = malloc(10);") != std::string::npos) shared_line = line_no;
  EXPECT_EQ(names.count("shared  growth.c:" + std::to_string(shared_line)), 1u) << text;
  EXPECT_NE(text.find("20 B            2         0 B         0 B          2  shared  growth.c:"), std::string::npos)
      << text;
  nlohmann::json j = nlohmann::json::parse(perf_report({"--format", "json", run.dumps.at(0)}));
  EXPECT_EQ(sum, j["allocations"]["summary"]["allocations"].get<uint64_t>()) << text;
  std::filesystem::remove_all(run.dir);
}

TEST(PerfReportAlloc, RefusesAllocationReportsWithoutAllocationData) {
  ProgramRun run = run_program(std::string(FNPROF_TEST_PROGRAMS_DIR) + "/straight_gcc");
  int code = 0;
  std::string out = perf_report({"--leaks", run.dumps.at(0)}, &code);
  EXPECT_EQ(code, 2);
  EXPECT_NE(out.find("perf-report: " + run.dumps.at(0) +
                     ": no allocation data (run the program with fnprof-run to track allocations)"),
            std::string::npos)
      << out;
  std::filesystem::remove_all(run.dir);
}

// ---- The allocation data in the other formats -----------------------------

// perf-report's standard output (warnings on stderr left out); it must succeed.
std::string report_output(const std::vector<std::string>& args) {
  ProgramRun r = run_program(FNPROF_PERF_REPORT, args);
  EXPECT_EQ(r.exit_code, 0) << r.stderr_text;
  std::filesystem::remove_all(r.dir);
  return r.stdout_text;
}

// `csv` read back by Python's csv module: the rows, each a list of fields.
std::vector<std::vector<std::string>> csv_rows(const std::string& dir, const std::string& csv) {
  const std::string path = dir + "/table.csv";
  std::ofstream(path, std::ios::binary) << csv;
  ProgramRun r =
      run_program("/usr/bin/python3", {"-c",
                                       "import csv, json, sys; "
                                       "print(json.dumps(list(csv.reader(open(sys.argv[1], newline='')))))",
                                       path});
  std::filesystem::remove_all(r.dir);
  return nlohmann::json::parse(r.stdout_text).get<std::vector<std::vector<std::string>>>();
}

// The rows after the header as maps from column name to field.
std::vector<std::map<std::string, std::string>> csv_records(
    const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::map<std::string, std::string>> out;
  for (size_t i = 1; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].size(), rows[0].size());
    auto& record = out.emplace_back();
    for (size_t c = 0; c < rows[0].size() && c < rows[i].size(); ++c) record[rows[0][c]] = rows[i][c];
  }
  return out;
}

TEST(AllocFormats, CsvAllocatorsAndLeaksTables) {
  ProgramRun run = run_tracked("patterns");
  auto sites = csv_records(
      csv_rows(run.dir, report_output({"--format", "csv", "--table", "allocators", run.dumps.at(0)})));
  ASSERT_FALSE(sites.empty());
  EXPECT_EQ(sites[0].at("rank"), "1");
  EXPECT_EQ(sites[0].at("name"), "peak_block");  // by bytes allocated
  std::map<std::string, std::map<std::string, std::string>> by_name;
  uint64_t allocations = 0;
  for (const auto& s : sites) {
    by_name[s.at("name")] = s;
    allocations += std::stoull(s.at("allocations"));
  }
  EXPECT_EQ(allocations, 28u);  // the program's 28: one row per site
  const auto& leak = by_name.at("leak_three");
  EXPECT_EQ(leak.at("allocations"), "3");
  EXPECT_EQ(leak.at("frees"), "0");
  EXPECT_EQ(leak.at("bytes_allocated"), "3000");
  EXPECT_EQ(leak.at("live_blocks"), "3");
  EXPECT_EQ(leak.at("live_bytes"), "3000");
  EXPECT_EQ(leak.at("bytes_at_peak"), "3000");
  EXPECT_TRUE(leak.at("file").ends_with("patterns.c")) << leak.at("file");
  EXPECT_NE(leak.at("line"), "");
  EXPECT_TRUE(leak.at("callers").starts_with("main")) << leak.at("callers");
  const auto& temporaries = by_name.at("temporaries");
  EXPECT_EQ(temporaries.at("allocations"), "10");
  EXPECT_EQ(temporaries.at("bytes_freed"), "640");
  EXPECT_EQ(temporaries.at("temporary"), "10");
  EXPECT_EQ(temporaries.at("mismatched"), "0");
  EXPECT_EQ(by_name.at("chain_grow").at("bytes_allocated"), "140");

  auto leaks =
      csv_records(csv_rows(run.dir, report_output({"--format", "csv", "--table", "leaks", run.dumps.at(0)})));
  size_t lost = 0;
  for (const auto& l : leaks) {
    if (l.at("kind") != "lost") continue;
    ++lost;
    EXPECT_EQ(l.at("site"), "leak_three");
    EXPECT_EQ(l.at("severity"), "low");
    EXPECT_EQ(l.at("bytes"), "3000");
    EXPECT_EQ(l.at("blocks"), "3");
    EXPECT_NE(l.at("recommendation"), "");
    EXPECT_EQ(l.at("definitely_lost_bytes"), "3000");
    EXPECT_EQ(l.at("definitely_lost_blocks"), "3");
    EXPECT_EQ(l.at("still_reachable_bytes"), "0");
  }
  EXPECT_EQ(lost, 1u);
  std::filesystem::remove_all(run.dir);
}

// Sum of the values that end the lines of folded stacks.
uint64_t folded_sum(const std::string& folded) {
  uint64_t sum = 0;
  std::istringstream in(folded);
  for (std::string line; std::getline(in, line);) sum += std::stoull(line.substr(line.rfind(' ') + 1));
  return sum;
}

TEST(AllocFormats, FoldedBytesAndAllocationsAddUpToTheSites) {
  ProgramRun run = run_tracked("patterns");
  Profile profile = profile_of(run);
  AllocCounts sites;
  for (const HeapSite& s : profile.heap.sites) sites.add(s.counts);
  const std::string bytes = report_output({"--format", "folded", "--folded-value", "bytes", run.dumps.at(0)});
  EXPECT_EQ(folded_sum(bytes), sites.bytes_allocated);
  EXPECT_EQ(folded_sum(bytes), profile.heap.totals.bytes_allocated);
  EXPECT_EQ(folded_sum(bytes), 1'005'950u);  // the program's, exactly
  // Outermost frame first, the allocating function last.
  EXPECT_NE(bytes.find(";main;leak_three 3000\n"), std::string::npos) << bytes;
  EXPECT_NE(bytes.find(";main;peak_block 1000000\n"), std::string::npos) << bytes;
  const std::string allocations =
      report_output({"--format", "folded", "--folded-value", "allocations", "--threads", run.dumps.at(0)});
  EXPECT_EQ(folded_sum(allocations), 28u);
  EXPECT_TRUE(allocations.starts_with("thread [")) << allocations;
  EXPECT_NE(allocations.find(";main;temporaries 10\n"), std::string::npos) << allocations;
  std::filesystem::remove_all(run.dir);
}

TEST(AllocFormats, PprofCarriesTheAllocationSampleTypes) {
  ProgramRun run = run_tracked("patterns");
  Profile profile = profile_of(run);
  const std::string pprof = run.dir + "/profile.pb.gz";
  report_output({"--format", "pprof", "-o", pprof, run.dumps.at(0)});
  const std::string proto_dir = std::string(FNPROF_SOURCE_DIR) + "/tools/report";
  ProgramRun decode = run_program(
      "/bin/sh", {"-c", "gunzip -c " + pprof + " | protoc --decode=fnprof.pprof.Profile --proto_path=" +
                            proto_dir + " " + proto_dir + "/pprof/profile.proto"});
  const std::string& text = decode.stdout_text;
  ASSERT_EQ(decode.exit_code, 0) << decode.stderr_text;
  // Sample types in order: calls, time, alloc_objects, alloc_space, inuse_objects, inuse_space.
  std::vector<std::string> strings;
  std::istringstream in(text);
  std::vector<long long> sums(6);
  size_t values = 0;
  for (std::string line; std::getline(in, line);) {
    size_t at = line.find("value: ");
    if (at != std::string::npos && line.find_first_not_of(' ') == at)
      sums[values++ % 6] += std::stoll(line.substr(at + 7));
    at = line.find("string_table: \"");
    if (at == 0) strings.push_back(line.substr(15, line.size() - 16));
  }
  ASSERT_EQ(values % 6, 0u) << text;
  for (const char* name :
       {"alloc_objects", "alloc_space", "inuse_objects", "inuse_space", "bytes", "leak_three"})
    EXPECT_NE(std::find(strings.begin(), strings.end(), name), strings.end()) << name;
  const AllocCounts& t = profile.heap.totals;
  EXPECT_EQ(sums[2], 28);
  EXPECT_EQ(sums[2], static_cast<long long>(t.allocations));
  EXPECT_EQ(sums[3], static_cast<long long>(t.bytes_allocated));
  EXPECT_EQ(sums[4], static_cast<long long>(profile.heap.live_blocks));
  EXPECT_EQ(sums[5], static_cast<long long>(profile.heap.live_bytes));
  EXPECT_EQ(sums[5], 3000);  // leak_three's
  std::filesystem::remove_all(run.dir);
  std::filesystem::remove_all(decode.dir);
}

// Each function is one pprof function and each code address one location,
// whether the time tree or an allocation stack names it: unwound stacks give
// call sites with their addresses; the shadow stack gives the same entry
// addresses as the time tree, so a function's time and allocations share a
// location.
TEST(AllocFormats, PprofFunctionsAndLocationsAreOnePerFunctionAndAddress) {
  for (const char* program : {"patterns", "patterns_instrumented"}) {
    SCOPED_TRACE(program);
    ProgramRun run = run_tracked(program);
    ASSERT_EQ(run.status(), "3");  // patterns.c's own exit status
    const Profile profile = profile_of(run);
    pprof::Profile out = build_pprof_profile(build_report(profile, ReportOptions{}));
    auto text = [&](int64_t id) { return out.string_table(static_cast<int>(id)); };

    std::set<std::pair<std::string, std::string>> functions;
    for (const pprof::Function& f : out.function())
      EXPECT_TRUE(functions.insert({text(f.name()), text(f.filename())}).second) << text(f.name());
    std::set<std::pair<uint64_t, uint64_t>> addresses;
    std::map<uint64_t, const pprof::Location*> locations;
    for (const pprof::Location& l : out.location()) {
      locations[l.id()] = &l;
      EXPECT_TRUE(addresses.insert({l.mapping_id(), l.address()}).second) << l.address();
    }
    std::set<uint64_t> time_locations, alloc_locations;
    for (const pprof::Sample& s : out.sample()) {
      const bool allocation = s.value(2) > 0;
      for (uint64_t id : s.location_id()) {
        ASSERT_TRUE(locations.count(id));
        EXPECT_NE(locations[id]->address(), 0u);
        EXPECT_NE(locations[id]->mapping_id(), 0u);
        (allocation ? alloc_locations : time_locations).insert(id);
      }
    }
    ASSERT_FALSE(alloc_locations.empty());
    std::vector<uint64_t> shared;
    std::set_intersection(time_locations.begin(), time_locations.end(), alloc_locations.begin(),
                          alloc_locations.end(), std::back_inserter(shared));
    if (std::string(program) == "patterns_instrumented")
      EXPECT_FALSE(shared.empty()) << "the shadow stack's frames are the time tree's functions";
    else
      EXPECT_TRUE(time_locations.empty());  // not instrumented: no time tree
    std::filesystem::remove_all(run.dir);
  }
}

TEST(AllocFormats, MarkdownHasTheAllocationTableAndTheLeaks) {
  ProgramRun run = run_tracked("patterns");
  const std::string md = report_output({"--format", "md", "--sort", "leaked", run.dumps.at(0)});
  EXPECT_NE(md.find("\n## Allocations\n\n28 allocations"), std::string::npos) << md;
  EXPECT_NE(md.find("Top 1 allocation sites by bytes leaked:"), std::string::npos) << md;  // leak_three
  // allocations, allocated, at peak, leaked, temporary.
  EXPECT_NE(md.find("| `leak_three` | 3 | 2.9 KiB | 2.9 KiB | 2.9 KiB | 0 | `"), std::string::npos) << md;
  EXPECT_NE(md.find("patterns.c:"), std::string::npos) << md;
  EXPECT_NE(md.find("` | `main` ← `"), std::string::npos) << md;  // leak_three's caller
  EXPECT_NE(md.find("\n## Leaks\n\n2.9 KiB in 3 blocks lost (2.9 KiB in 3 blocks definitely"), std::string::npos) << md;
  EXPECT_NE(md.find("- **low** (lost): 2.9 KiB in 3 blocks lost at exit: allocated by leak\\_three "
                    "(patterns.c:"),
            std::string::npos)
      << md;
  EXPECT_LT(md.find("## Leaks"), md.find("functions by self time"));
  std::filesystem::remove_all(run.dir);
}

TEST(AllocFormats, HtmlShowsTheAllocationsTimelineAndLeaksInChromium) {
  ProgramRun run = run_tracked("growth", {"FNPROF_SAMPLE_INTERVAL=1ms"});
  Profile profile = profile_of(run);
  const size_t sites = profile.heap.sites.size(), leaks = find_leaks(profile.heap).leaks.size();
  ASSERT_GE(sites, 5u);  // grow, churn, spike, tick, startup_table
  ASSERT_GE(leaks, 5u);
  const std::string html = run.dir + "/report.html";
  report_output({"--format", "html", "-o", html, run.dumps.at(0)});
  const std::string source = FNPROF_SOURCE_DIR;
  ProgramRun check = run_program(
      "/usr/bin/python3", {source + "/tests/tools/report/html_report_check.py", html, "--alloc-rows",
                           std::to_string(sites), "--leaks", std::to_string(leaks), "--timeline", "1"});
  EXPECT_EQ(check.exit_code, 0) << check.stderr_text;
  std::filesystem::remove_all(check.dir);
  std::filesystem::remove_all(run.dir);
}

TEST(AllocFindings, TemporaryAllocationsAndLeaksAreFindings) {
  ProgramRun run = run_tracked("growth", {"FNPROF_SAMPLE_INTERVAL=1ms"});
  Profile profile = profile_of(run);
  std::vector<Finding> findings = find_bottlenecks(profile, find_leaks(profile.heap), FindingThresholds{});
  std::vector<const Finding*> temporary, leaks;
  for (const Finding& f : findings) {
    if (f.kind == "temporary-allocations") temporary.push_back(&f);
    if (f.kind == "leak") leaks.push_back(&f);
  }
  // tick: 3,200 temporaries of its 3,200 allocations, ~95% of the program's.
  ASSERT_EQ(temporary.size(), 1u);
  EXPECT_EQ(temporary[0]->severity, Severity::Critical);
  EXPECT_TRUE(temporary[0]->title.starts_with("tick (growth.c:")) << temporary[0]->title;
  EXPECT_NE(temporary[0]->title.find("makes 3,200 temporary allocations"), std::string::npos)
      << temporary[0]->title;
  EXPECT_NE(temporary[0]->evidence.find("3,200 of its 3,200 allocations (100.0%)"), std::string::npos)
      << temporary[0]->evidence;
  EXPECT_NE(temporary[0]->recommendation.find("buffer"), std::string::npos);
  // The leak report's medium findings (grow and churn keep growing); its low
  // ones (never-freed, unbalanced, the spike) are not bottlenecks.
  size_t medium = 0;
  for (const Leak& l : find_leaks(profile.heap).leaks) medium += l.severity >= Severity::Medium;
  EXPECT_EQ(medium, 2u);
  ASSERT_EQ(leaks.size(), medium);
  for (const Finding* f : leaks) {
    EXPECT_EQ(f->severity, Severity::Medium);
    EXPECT_TRUE(f->title.starts_with("growing: live memory of ")) << f->title;
  }
  EXPECT_EQ(findings.front().kind, "temporary-allocations");  // most severe first

  FindingThresholds strict;
  parse_threshold("temporary=3201", strict);
  for (const Finding& f : find_bottlenecks(profile, find_leaks(profile.heap), strict)) EXPECT_NE(f.kind, "temporary-allocations");
  // The text report shows them with the rest.
  const std::string text = report_output({run.dumps.at(0)});
  EXPECT_NE(text.find("[critical] tick (growth.c:"), std::string::npos) << text;
  std::filesystem::remove_all(run.dir);
}

TEST(AllocFindings, PatternsHasTooFewTemporariesForAFinding) {
  ProgramRun run = run_tracked("patterns");
  Profile profile = profile_of(run);
  FindingThresholds thresholds;
  for (const Finding& f : find_bottlenecks(profile, find_leaks(profile.heap), thresholds)) EXPECT_NE(f.kind, "temporary-allocations");
  parse_threshold("temporary=10", thresholds);  // temporaries: 10 of 10
  size_t found = 0;
  for (const Finding& f : find_bottlenecks(profile, find_leaks(profile.heap), thresholds))
    found += f.kind == "temporary-allocations" && f.title.starts_with("temporaries ");
  EXPECT_EQ(found, 1u);
  std::filesystem::remove_all(run.dir);
}

}  // namespace
}  // namespace fnprof
