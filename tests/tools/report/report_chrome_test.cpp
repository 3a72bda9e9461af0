// The chrome trace's real-time events: a synthetic dump with known phases,
// checkpoints and a resource timeline (ticks are microseconds, the process
// starts at tick 1,000,000) must come out as exactly the expected "X", "i" and
// "C" events, on the pseudo-process of real time (pid + 100000000), with the
// aggregate flame chart left on the real pid.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "dump_builder.h"
#include "model/profile.h"
#include "report/report.h"

namespace fnprof {
namespace {

using nlohmann::json;
using testing::DumpBuilder;
using testing::test_process;

constexpr uint64_t kRealTimePid = 100'000'000 + 4242;

// Appends records (or plain varints and strings) to a section payload.
struct Payload {
  std::vector<uint8_t> bytes;
  template <class Record>
  Payload& add(Record r) {
    std::vector<uint8_t> b = DumpBuilder::encode(r);
    bytes.insert(bytes.end(), b.begin(), b.end());
    return *this;
  }
  Payload& varint(uint64_t v) {
    uint8_t b[format::kMaxVarint];
    bytes.insert(bytes.end(), b, format::put_varint(b, v));
    return *this;
  }
  Payload& string(std::string_view s) {
    varint(s.size());
    bytes.insert(bytes.end(), s.begin(), s.end());
    return *this;
  }
};

enum Name : uint64_t { kLoad, kParse, kIndex, kServe, kReady, kDrained, kFile, kRows, kRatio, kPort, kRequests };
const std::vector<std::string> kStrings = {"load", "parse",  "index", "serve", "ready",   "drained",
                                           "file", "rows",   "ratio", "port",  "requests"};

format::MetaRecord int_meta(uint64_t key, int64_t v) { return {key, uint64_t(format::MetaType::Int), v, 0, {}}; }
format::MetaRecord string_meta(uint64_t key, std::string_view v) {
  return {key, uint64_t(format::MetaType::String), 0, 0, v};
}
format::MetaRecord float_meta(uint64_t key, double v) {
  format::MetaRecord m{key, uint64_t(format::MetaType::Float), 0, 0, {}};
  std::memcpy(&m.float_bits, &v, sizeof v);
  return m;
}

// thread 4242 "app", µs since the process start:
//   load   100,000 +500,000   {file: a.csv} -> {rows: 10}
//     parse  150,000 +200,000 {ratio: 0.5}
//     index  400,000 +100,000
//   load   700,000 +300,000
//   checkpoint ready at 50,000 {port: 8080}
// thread 4243 "worker":
//   serve  200,000 +800,000   (open: still running at the dump)
//   checkpoint drained at 900,000
// resources: samples every 100 ms from 0, the process at 50% then 25% CPU;
// the counter "requests" at 0, 10 and 30 at the three samples.
std::string api_dump() {
  format::ProcessRecord process = test_process();
  process.ticks_per_second = 1'000'000;
  process.start_ticks = 1'000'000;
  process.end_ticks = 3'000'000;
  DumpBuilder b;
  b.process(process).modules({});
  b.thread({4242, "app", 1'000'000, 3'000'000, 0, 0}, {});
  b.thread({4243, "worker", 1'100'000, 3'000'000, 0, 0}, {});

  Payload app;
  app.add(format::PhaseThreadRecord{4242, 4, 0});
  app.add(format::PhaseRecord{kLoad, 0, 1'100'000, 500'000, 0, 1, 1});
  app.add(string_meta(kFile, "a.csv")).add(int_meta(kRows, 10));
  app.add(format::PhaseRecord{kParse, 1, 50'000, 200'000, 0, 1, 0}).add(float_meta(kRatio, 0.5));
  app.add(format::PhaseRecord{kIndex, 2, 250'000, 100'000, 0, 0, 0});
  app.add(format::PhaseRecord{kLoad, 0, 300'000, 300'000, 0, 0, 0});
  b.section(format::SectionType::Phases, app.bytes);
  Payload worker;
  worker.add(format::PhaseThreadRecord{4243, 1, 0});
  worker.add(format::PhaseRecord{kServe, 0, 1'200'000, 800'000, format::kPhaseOpen, 0, 0});
  b.section(format::SectionType::Phases, worker.bytes);

  Payload checkpoints;
  checkpoints.varint(2);
  checkpoints.add(format::CheckpointRecord{1'050'000, 4242, kReady, 1}).add(int_meta(kPort, 8080));
  checkpoints.add(format::CheckpointRecord{850'000, 4243, kDrained, 0});
  b.section(format::SectionType::Checkpoints, checkpoints.bytes);

  Payload timeline;
  timeline.add(format::ResourceTimelineRecord{100'000'000, 3, 1, 0, 2, 1 << 30});
  struct Sample {
    uint64_t ticks_delta, user_us_delta;
    int64_t rss_delta, threads_delta, requests_delta;
  };
  for (Sample sample : {Sample{1'000'000, 0, 4 << 20, 1, 0}, Sample{100'000, 50'000, 1 << 20, 1, 10},
                        Sample{100'000, 25'000, -(2 << 20), 0, 20}}) {
    format::ResourceSampleRecord s;
    s.ticks_delta = sample.ticks_delta;  // the first's is absolute: the process start
    s.user_us_delta = sample.user_us_delta;
    s.rss_bytes_delta = sample.rss_delta;
    s.threads_delta = sample.threads_delta;
    s.counter_count = 1;
    timeline.add(s).varint(format::zigzag(sample.requests_delta));
  }
  b.section(format::SectionType::ResourceTimeline, timeline.bytes);

  Payload counters;
  counters.varint(1).add(format::CounterRecord{kRequests, uint64_t(format::CounterKind::Counter),
                                               uint64_t(format::CounterDirection::HigherIsBetter), 30, 0, 0, 30});
  b.section(format::SectionType::Counters, counters.bytes);

  Payload strings;
  strings.varint(kStrings.size());
  for (const std::string& s : kStrings) strings.string(s);
  b.section(format::SectionType::ApiStrings, strings.bytes);
  b.end();
  return b.write("api.fnp");
}

json chrome_trace() {
  Symbolizer symbolizer;
  Profile profile = build_profile({read_dump(api_dump())}, symbolizer);
  std::ostringstream out;
  write_report(out, "chrome", profile, ReportOptions{});
  json trace = json::parse(out.str());  // throws (and fails the test) unless valid JSON
  return trace["traceEvents"];
}

std::vector<json> events_of(const json& events, const std::string& ph) {
  std::vector<json> out;
  for (const json& e : events)
    if (e["ph"] == ph) out.push_back(e);
  return out;
}

TEST(ReportChrome, PhasesAreCompleteEventsWithRealTimestamps) {
  std::vector<json> phases;
  for (const json& e : events_of(chrome_trace(), "X"))
    if (e.value("cat", "") == "phase") phases.push_back(e);
  using Row = std::tuple<uint64_t, uint64_t, std::string, double, double>;  // pid, tid, name, ts, dur
  std::vector<Row> rows;
  for (const json& e : phases) rows.emplace_back(e["pid"], e["tid"], e["name"], e["ts"], e["dur"]);
  std::vector<Row> expected = {
      {kRealTimePid, 4242, "load", 100'000, 500'000},  {kRealTimePid, 4242, "parse", 150'000, 200'000},
      {kRealTimePid, 4242, "index", 400'000, 100'000}, {kRealTimePid, 4242, "load", 700'000, 300'000},
      {kRealTimePid, 4243, "serve", 200'000, 800'000},
  };
  EXPECT_EQ(rows, expected);

  // Metadata, results and the open flag as args.
  EXPECT_EQ(phases[0]["args"], json::parse(R"({"meta":{"file":"a.csv"},"result":{"rows":10}})"));
  EXPECT_EQ(phases[1]["args"], json::parse(R"({"meta":{"ratio":0.5}})"));
  EXPECT_EQ(phases[2]["args"], json::object());
  EXPECT_EQ(phases[4]["args"], json::parse(R"({"open":true})"));

  // Nesting by time: each phase's enclosing slice on its thread is its parent.
  std::vector<std::string> parents;
  std::vector<const json*> stack;
  for (const json& e : phases) {
    while (!stack.empty() && ((*stack.back())["tid"] != e["tid"] ||
                              (*stack.back())["ts"].get<double>() + (*stack.back())["dur"].get<double>() <=
                                  e["ts"].get<double>()))
      stack.pop_back();
    parents.push_back(stack.empty() ? "" : (*stack.back())["name"].get<std::string>());
    stack.push_back(&e);
  }
  EXPECT_EQ(parents, (std::vector<std::string>{"", "load", "load", "", ""}));
}

TEST(ReportChrome, CheckpointsAreThreadInstants) {
  std::vector<json> instants = events_of(chrome_trace(), "i");
  ASSERT_EQ(instants.size(), 2u);
  EXPECT_EQ(instants[0], json::parse(R"({"ph":"i","s":"t","cat":"checkpoint","name":"ready","pid":100004242,
                                         "tid":4242,"ts":50000,"args":{"meta":{"port":8080}}})"));
  EXPECT_EQ(instants[1], json::parse(R"({"ph":"i","s":"t","cat":"checkpoint","name":"drained","pid":100004242,
                                         "tid":4243,"ts":900000,"args":{}})"));
}

TEST(ReportChrome, ResourceTimelineIsCounters) {
  std::vector<json> counters = events_of(chrome_trace(), "C");
  std::vector<std::tuple<std::string, double, json>> rows;
  for (const json& e : counters) {
    EXPECT_EQ(e["pid"], kRealTimePid);
    rows.emplace_back(e["name"], e["ts"], e["args"]);
  }
  // CPU % from the start of its interval; RSS, threads and the API's
  // counters at the sample.
  std::vector<std::tuple<std::string, double, json>> expected = {
      {"CPU %", 0, {{"process", 50.0}, {"system", 0.0}}},
      {"RSS bytes", 100'000, {{"rss", 5 << 20}}},
      {"threads", 100'000, {{"threads", 2}}},
      {"requests", 100'000, {{"value", 10}}},
      {"CPU %", 100'000, {{"process", 25.0}, {"system", 0.0}}},
      {"RSS bytes", 200'000, {{"rss", 3 << 20}}},
      {"threads", 200'000, {{"threads", 2}}},
      {"requests", 200'000, {{"value", 30}}},
  };
  EXPECT_EQ(rows, expected);
}

TEST(ReportChrome, RealTimeTrackIsNamedAndApartFromTheAggregateLayout) {
  json events = chrome_trace();
  std::vector<std::tuple<uint64_t, uint64_t, std::string, std::string>> names;
  for (const json& e : events_of(events, "M")) names.emplace_back(e["pid"], e["tid"], e["name"], e["args"]["name"]);
  std::vector<std::tuple<uint64_t, uint64_t, std::string, std::string>> expected = {
      {4242, 4242, "process_name", "app"},
      {4242, 4242, "thread_name", "app"},
      {4242, 4243, "thread_name", "worker"},
      {kRealTimePid, kRealTimePid, "process_name", "app 4242: phases (real time)"},
      {kRealTimePid, 4242, "thread_name", "app"},
      {kRealTimePid, 4243, "thread_name", "worker"},
  };
  EXPECT_EQ(names, expected);
  for (const json& e : events) {
    if (e["ph"] != "M" && e["pid"] == 4242) {
      EXPECT_EQ(e.value("cat", ""), "function") << e;
    }
  }
}

}  // namespace
}  // namespace fnprof
