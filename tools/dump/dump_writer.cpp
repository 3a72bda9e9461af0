// Encodes a Dump with format.h's records and codecs: the reader's decoder
// and this encoder run the same fields() functions.
#include "dump/dump_writer.h"

#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string_view>

#include "fnprof/format.h"

namespace fnprof {
namespace {

class Payload {
 public:
  template <class Record>
  void record(Record r) {
    size_t at = bytes_.size();
    bytes_.resize(at + format::bound(r));
    format::Encoder e(bytes_.data() + at);
    fields(e, r);
    bytes_.resize(static_cast<size_t>(e.pos() - bytes_.data()));
  }
  void varint(uint64_t v) {
    uint8_t buffer[format::kMaxVarint];
    bytes_.insert(bytes_.end(), buffer, format::put_varint(buffer, v));
  }
  void string(std::string_view s) {
    varint(s.size());
    bytes_.insert(bytes_.end(), s.begin(), s.end());
  }
  void frames(const std::vector<uint64_t>& frames) {
    size_t at = bytes_.size();
    bytes_.resize(at + format::frames_bound(frames.size()));
    format::Encoder e(bytes_.data() + at);
    format::encode_frames(e, frames.data(), frames.size());
    bytes_.resize(static_cast<size_t>(e.pos() - bytes_.data()));
  }
  const std::vector<uint8_t>& bytes() const { return bytes_; }

 private:
  std::vector<uint8_t> bytes_;
};

class File {
 public:
  File() {
    format::FileHeader header{};
    std::memcpy(header.magic, format::kMagic, sizeof header.magic);
    header.version = format::kVersion;
    header.header_size = sizeof header;
    append(&header, sizeof header);
  }
  void section(format::SectionType type, const Payload& payload) {
    const std::vector<uint8_t>& p = payload.bytes();
    format::SectionHeader header{static_cast<uint32_t>(type), 0, p.size()};
    header.crc32 = format::section_crc(crc32_z, header.type, header.size, p.data());
    if (type != format::SectionType::End) {
      ++end_.sections;
      end_.sections_crc = format::sections_crc(crc32_z, static_cast<uint32_t>(end_.sections_crc), header.crc32);
    }
    append(&header, sizeof header);
    append(p.data(), p.size());
  }
  std::vector<uint8_t> finish() {
    Payload end;
    end.record(end_);
    section(format::SectionType::End, end);
    return std::move(bytes_);
  }

 private:
  void append(const void* p, size_t n) {
    size_t at = bytes_.size();
    bytes_.resize(at + n);
    if (n) std::memcpy(bytes_.data() + at, p, n);
  }
  std::vector<uint8_t> bytes_;
  format::EndRecord end_;
};

uint64_t double_bits(double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  return bits;
}

void write_process(File& file, const Dump& dump) {
  const ProcessInfo& p = dump.process;
  std::string cmdline;
  for (const std::string& arg : p.args) cmdline += arg + '\0';
  if (!cmdline.empty()) cmdline.pop_back();
  Payload out;
  out.record(format::ProcessRecord{p.pid, p.ppid, p.program, p.exe, cmdline, p.start_unix_ns, p.clock_source,
                                   p.ticks_per_second, p.start_ticks, p.end_ticks, p.reason, p.signal});
  file.section(format::SectionType::Process, out);
  Payload modules;
  modules.varint(dump.modules.size());
  for (const Module& m : dump.modules) modules.record(format::ModuleRecord{m.path, m.build_id, m.bias, m.lo, m.hi});
  file.section(format::SectionType::Modules, modules);
}

void write_threads(File& file, const Dump& dump) {
  for (const Thread& t : dump.threads) {
    Payload out;
    out.record(format::ThreadRecord{t.tid, t.name, t.start_ticks, t.end_ticks, t.flags, t.nodes.size() - 1});
    format::DeltaCodec<int64_t> func;
    for (size_t i = 1; i < t.nodes.size(); ++i) {
      const CallNode& n = t.nodes[i];
      out.record(format::NodeRecord{i - n.parent, func.encode(n.func), n.calls, n.incl_ticks});
    }
    file.section(format::SectionType::Thread, out);
    if (t.durations.empty()) continue;
    Payload durations;
    durations.varint(t.nodes.size() - 1);
    for (size_t i = 1; i < t.nodes.size(); ++i) {
      const CallDurations& d = i < t.durations.size() ? t.durations[i] : CallDurations{};
      uint64_t used = 0;
      for (uint64_t count : d.buckets) used += count != 0;
      durations.record(format::DurationsRecord{d.min_ticks, d.max_ticks, used});
      uint32_t previous = 0;
      for (uint32_t b = 0; b < d.buckets.size(); ++b) {
        if (!d.buckets[b]) continue;
        durations.record(format::DurationBucketRecord{b - previous, d.buckets[b]});
        previous = b;
      }
    }
    file.section(format::SectionType::CallDurations, durations);
  }
}

void write_probe_cost(File& file, const Dump& dump) {
  if (!dump.probe_cost) return;
  Payload out;
  out.record(format::ProbeCostRecord{static_cast<uint64_t>(dump.probe_cost->pair_ticks * 1000 + 0.5),
                                     static_cast<uint64_t>(dump.probe_cost->inside_ticks * 1000 + 0.5),
                                     dump.probe_cost->calls});
  file.section(format::SectionType::ProbeCost, out);
}

void write_waiting(File& file, const Dump& dump) {
  if (!dump.blocking_functions.empty()) {
    Payload out;
    out.varint(dump.blocking_functions.size());
    for (const BlockingFunction& b : dump.blocking_functions)
      out.record(format::BlockingFunctionRecord{b.address, b.kind, b.name});
    file.section(format::SectionType::BlockingFunctions, out);
  }
  size_t timed = 0;
  for (const Thread& t : dump.threads) timed += t.cpu_ns.has_value();
  if (!timed) return;
  Payload out;
  out.varint(timed);
  for (const Thread& t : dump.threads)
    if (t.cpu_ns) out.record(format::ThreadCpuRecord{t.tid, t.start_ticks, *t.cpu_ns});
  file.section(format::SectionType::ThreadCpu, out);
}

void write_alloc(File& file, const AllocProfile& alloc) {
  if (!alloc.present) return;
  Payload stacks;
  stacks.varint(alloc.stacks.size());
  uint32_t id = 0;
  for (const AllocStack& s : alloc.stacks) {
    stacks.record(format::StackRecord{s.id - id, s.kind, s.frames.size()});
    stacks.frames(s.frames);
    id = s.id;
  }
  file.section(format::SectionType::AllocStacks, stacks);
  const AllocSummary& s = alloc.summary;
  Payload summary;
  summary.record(format::AllocSummaryRecord{s.allocations, s.frees, s.bytes_allocated, s.bytes_freed, s.live_blocks,
                                            s.live_bytes, s.peak_live_bytes, s.peak_ticks, s.temporary,
                                            s.mismatched, s.untracked_frees, s.stack_mode, s.stack_depth,
                                            s.sample_interval_ns, s.snapshot_stride, s.flags});
  file.section(format::SectionType::AllocSummary, summary);
  Payload sites;
  sites.varint(alloc.sites.size());
  for (const AllocSite& site : alloc.sites) {
    sites.record(format::AllocSiteRecord{site.stack_id, site.tid, site.allocations, site.frees,
                                         site.bytes_allocated, site.bytes_freed, site.peak_live_bytes,
                                         site.bytes_at_peak, site.temporary, site.mismatched,
                                         site.size_histogram.size(), site.snapshots.size()});
    for (const auto& [bucket, count] : site.size_histogram) sites.record(format::SizeBucketRecord{bucket, count});
    for (uint64_t bytes : site.snapshots) sites.varint(bytes);
  }
  file.section(format::SectionType::AllocSites, sites);
  if (!alloc.leak_scan.present) return;
  const LeakScanInfo& scan = alloc.leak_scan;
  Payload leak;
  std::vector<size_t> with_blocks;
  for (size_t i = 0; i < alloc.sites.size(); ++i) {
    const LeakClasses& l = alloc.sites[i].leak;
    if (l.blocks[0] | l.blocks[1] | l.blocks[2] | l.blocks[3]) with_blocks.push_back(i);
  }
  leak.record(format::LeakScanRecord{scan.root_bytes, scan.block_bytes, scan.scan_ns, scan.flags, with_blocks.size()});
  size_t prev = 0;
  for (size_t i : with_blocks) {
    const LeakClasses& l = alloc.sites[i].leak;
    leak.record(format::LeakSiteRecord{i - prev, l.blocks[0], l.bytes[0], l.blocks[1], l.bytes[1], l.blocks[2],
                                       l.bytes[2], l.blocks[3], l.bytes[3], l.startup_blocks, l.startup_bytes});
    prev = i;
  }
  file.section(format::SectionType::LeakScan, leak);
}

void write_meta(Payload& out, const std::vector<MetaValue>& meta) {
  for (const MetaValue& m : meta)
    out.record(format::MetaRecord{m.key, m.type, m.int_value, double_bits(m.float_value), m.string_value});
}

void write_api(File& file, const ApiData& api) {
  for (const PhaseLog& log : api.phases) {
    Payload out;
    out.record(format::PhaseThreadRecord{log.tid, log.phases.size(), log.dropped});
    format::DeltaCodec<uint64_t> begin;
    for (size_t i = 0; i < log.phases.size(); ++i) {
      const ApiPhase& p = log.phases[i];
      uint64_t parent_delta = p.parent < 0 ? 0 : i - static_cast<uint64_t>(p.parent);
      out.record(format::PhaseRecord{p.name, parent_delta, begin.encode(p.begin_ticks), p.duration_ticks,
                                     p.open ? uint64_t{format::kPhaseOpen} : 0, p.meta.size(), p.result.size()});
      write_meta(out, p.meta);
      write_meta(out, p.result);
    }
    file.section(format::SectionType::Phases, out);
  }
  if (!api.counters.empty()) {
    Payload out;
    out.varint(api.counters.size());
    for (const ApiCounter& c : api.counters)
      out.record(format::CounterRecord{c.name, c.kind, c.direction, c.value, c.min, c.max, c.updates});
    file.section(format::SectionType::Counters, out);
  }
  // After the sections that name strings, as the runtime writes it.
  if (!api.strings.empty()) {
    Payload out;
    out.varint(api.strings.size());
    for (const std::string& s : api.strings) out.string(s);
    file.section(format::SectionType::ApiStrings, out);
  }
}

void write_merged(File& file, const MergedFigures& merged) {
  if (merged.runs.empty()) return;
  Payload runs;
  runs.varint(merged.runs.size());
  for (const MergedRun& r : merged.runs) runs.record(format::MergedRunRecord{r.label, r.start_unix_ns, r.flags});
  file.section(format::SectionType::MergedRuns, runs);
  Payload subjects;
  subjects.varint(merged.subjects.size());
  for (const FigureSubject& s : merged.subjects)
    subjects.record(format::FigureSubjectRecord{s.subject, s.key, s.parent, s.function, s.direction});
  file.section(format::SectionType::FigureSubjects, subjects);
  Payload figures;
  figures.varint(merged.figures.size());
  for (const RunFigure& f : merged.figures) {
    figures.record(
        format::FigureRecord{f.subject, f.measure, f.every_run ? uint64_t{format::kFigureEveryRun} : 0, f.values.size()});
    uint32_t run = 0;
    for (const auto& [r, value] : f.values) {
      figures.record(format::FigureValueRecord{r - run, double_bits(value)});
      run = r;
    }
  }
  file.section(format::SectionType::RunFigures, figures);
}

}  // namespace

std::vector<uint8_t> encode_dump(const Dump& dump) {
  File file;
  write_process(file, dump);
  write_probe_cost(file, dump);
  write_threads(file, dump);
  write_waiting(file, dump);
  write_alloc(file, dump.alloc);
  write_api(file, dump.api);
  write_merged(file, dump.merged);
  return file.finish();
}

void write_dump(const std::string& path, const Dump& dump) {
  std::vector<uint8_t> bytes = encode_dump(dump);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error(path + ": cannot open for writing: " + std::strerror(errno));
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) throw std::runtime_error(path + ": cannot write: " + std::strerror(errno));
}

}  // namespace fnprof
