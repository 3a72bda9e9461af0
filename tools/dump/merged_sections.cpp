// Reads the sections perf-report merge writes (format.h, "Merged runs") into
// Dump::merged. dump_reader.cpp's table of parsers calls these. A figure
// refers to subjects and runs read before it, so the sections must come in
// their type order, as the writer puts them.
#include <cstring>

#include <fmt/format.h>

#include "dump/dump_reader.h"
#include "dump/section_reader.h"
#include "fnprof/format.h"

namespace fnprof {
namespace {

constexpr uint64_t kContextSubject = 2;  // docs/FORMAT.md's code of a calling context
constexpr uint64_t kFunctionSubject = 1;

}  // namespace

void read_merged_runs(SectionReader& in, Dump& dump) {
  for (uint64_t i = in.count<format::MergedRunRecord>(); i > 0; --i) {
    auto r = in.record<format::MergedRunRecord>();
    dump.merged.runs.push_back({std::string(r.label), r.start_unix_ns, r.flags});
  }
  if (dump.merged.runs.empty()) in.fail("no runs");
}

void read_figure_subjects(SectionReader& in, Dump& dump) {
  std::vector<FigureSubject>& subjects = dump.merged.subjects;
  for (uint64_t i = in.count<format::FigureSubjectRecord>(); i > 0; --i) {
    auto r = in.record<format::FigureSubjectRecord>();
    size_t number = subjects.size() + 1;
    if (r.subject == kContextSubject) {
      bool parent_ok = r.parent == 0 || (r.parent < number && subjects[r.parent - 1].subject == kContextSubject);
      bool function_ok =
          r.function > 0 && r.function < number && subjects[r.function - 1].subject == kFunctionSubject;
      if (!parent_ok || !function_ok) in.fail(fmt::format("context subject {} refers to no earlier subject", number));
    }
    subjects.push_back({r.subject, std::string(r.key), static_cast<uint32_t>(r.parent),
                        static_cast<uint32_t>(r.function), r.direction});
  }
}

void read_run_figures(SectionReader& in, Dump& dump) {
  MergedFigures& merged = dump.merged;
  for (uint64_t i = in.count<format::FigureRecord>(); i > 0; --i) {
    auto r = in.record<format::FigureRecord>();
    if (r.subject > merged.subjects.size()) in.fail("figure of an unknown subject");
    RunFigure f;
    f.subject = static_cast<uint32_t>(r.subject);
    f.measure = r.measure;
    f.every_run = r.flags & format::kFigureEveryRun;
    if (r.count == 0 || (f.every_run && r.count != 1)) in.fail("bad figure record");
    uint64_t run = 0;
    for (uint64_t k = 0, n = in.check_count<format::FigureValueRecord>(r.count); k < n; ++k) {
      auto v = in.record<format::FigureValueRecord>();
      if ((k > 0 && v.run_delta == 0) || v.run_delta >= merged.runs.size() - run) in.fail("figure of an unknown run");
      run += v.run_delta;
      double value;
      std::memcpy(&value, &v.bits, sizeof value);
      f.values.emplace_back(static_cast<uint32_t>(run), value);
    }
    merged.figures.push_back(std::move(f));
  }
}

}  // namespace fnprof
