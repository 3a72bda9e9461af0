#include "compare/benchmark_results.h"

#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace fnprof {
namespace {

using nlohmann::json;

double seconds_per(const std::string& unit) {
  if (unit == "ns") return 1e-9;
  if (unit == "us") return 1e-6;
  if (unit == "ms") return 1e-3;
  if (unit == "s") return 1;
  return 0;
}

}  // namespace

bool looks_like_json(std::string_view contents) {
  size_t at = contents.find_first_not_of(" \t\r\n");
  return at != std::string_view::npos && contents[at] == '{';
}

std::vector<RunFigures> read_benchmark_results(const std::string& path, std::string_view contents,
                                               Catalog& catalog) {
  auto fail = [&](const std::string& why) {
    throw std::runtime_error(fmt::format("{}: not Google Benchmark results: {}", path, why));
  };
  json j = json::parse(contents.begin(), contents.end(), nullptr, false);
  if (j.is_discarded()) fail("invalid JSON");
  if (!j.is_object() || !j.contains("benchmarks") || !j["benchmarks"].is_array()) fail("no \"benchmarks\" array");
  std::vector<RunFigures> runs;
  std::map<std::string, size_t> seen;  // repetitions read per benchmark
  for (const json& b : j["benchmarks"]) {
    if (!b.is_object() || !b.contains("name") || !b["name"].is_string()) fail("a benchmark without a name");
    if (b.value("run_type", "iteration") != "iteration") continue;
    if (b.contains("error_occurred") && b["error_occurred"] == true) continue;
    const std::string name = b.value("run_name", b["name"].get<std::string>());
    const std::string unit = b.value("time_unit", "ns");
    if (!seconds_per(unit)) fail(fmt::format("{}: unknown time_unit \"{}\"", name, unit));
    for (const char* field : {"real_time", "cpu_time"})
      if (!b.contains(field) || !b[field].is_number()) fail(fmt::format("{}: no {}", name, field));
    size_t repetition = seen[name]++;
    if (runs.size() <= repetition) {
      runs.emplace_back();
      runs.back().label = fmt::format("{} (repetition {})", path, runs.size());
    }
    uint32_t id = catalog.id(Subject::Benchmark, name);
    runs[repetition].values[{Subject::Benchmark, Measure::RealTime, id}] =
        b["real_time"].get<double>() * seconds_per(unit);
    runs[repetition].values[{Subject::Benchmark, Measure::CpuTime, id}] =
        b["cpu_time"].get<double>() * seconds_per(unit);
  }
  if (runs.empty()) fail("no benchmark runs");
  return runs;
}

}  // namespace fnprof
