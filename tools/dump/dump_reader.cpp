// Reads and validates a dump (include/fnprof/format.h). The whole file is read
// into memory first, then walked section by section, each payload handed to
// its parser through the table below; every check names the section and the
// byte offset of its header (DumpError), so a bad dump is reported as one
// line and nothing downstream ever sees half a dump.
#include "dump/dump_reader.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string_view>
#include <tuple>

#include <fmt/format.h>

#include "dump/section_reader.h"
#include "fnprof/format.h"

namespace fnprof {
namespace {

std::vector<uint8_t> read_file(const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), std::fclose);
  if (!file) throw DumpError(path, fmt::format("cannot open: {}", std::strerror(errno)));
  std::vector<uint8_t> bytes;
  uint8_t buffer[1 << 16];
  while (size_t n = std::fread(buffer, 1, sizeof buffer, file.get()))
    bytes.insert(bytes.end(), buffer, buffer + n);
  // A directory opens fine but fails on the first read (EISDIR).
  if (std::ferror(file.get()))
    throw DumpError(path, fmt::format("cannot read: {}", std::strerror(errno)));
  return bytes;
}

// What a section's checksum covers depends on the version (format.h,
// section_crc): since version 2 the header's type and size too.
// The end section says how many sections came before it and chains their
// checksums: a dump missing one, with one twice or two swapped fails here.
void check_end(SectionReader& in, const format::EndRecord& read) {
  auto written = in.record<format::EndRecord>();
  in.finish();
  if (written.sections != read.sections)
    in.fail(fmt::format("{} sections before it, where the writer wrote {}", read.sections, written.sections));
  if (written.sections_crc != read.sections_crc) in.fail("the sections are not in the order they were written");
}

uint32_t section_crc(uint32_t version, const format::SectionHeader& header, const uint8_t* payload) {
  if (version == 1) return static_cast<uint32_t>(crc32_z(0, payload, header.size));
  return format::section_crc(crc32_z, header.type, header.size, payload);
}

std::vector<std::string> split_args(std::string_view cmdline) {
  std::vector<std::string> args;
  while (!cmdline.empty()) {
    size_t nul = cmdline.find('\0');
    args.emplace_back(cmdline.substr(0, nul));
    if (nul == std::string_view::npos) break;
    cmdline.remove_prefix(nul + 1);  // a trailing NUL ends the last argument
  }
  return args;
}

void read_process(SectionReader& in, Dump& dump) {
  auto r = in.record<format::ProcessRecord>();
  if (r.ticks_per_second == 0) in.fail("ticks per second is 0");
  ProcessInfo& p = dump.process;
  p.pid = r.pid, p.ppid = r.ppid;
  p.program = r.program, p.exe = r.exe;
  p.args = split_args(r.cmdline);
  p.start_unix_ns = r.start_unix_ns;
  p.clock_source = r.clock_source;
  p.ticks_per_second = r.ticks_per_second;
  p.start_ticks = r.start_ticks, p.end_ticks = r.end_ticks;
  p.reason = r.reason, p.signal = r.signal;
}

void read_modules(SectionReader& in, Dump& dump) {
  for (uint64_t i = in.count<format::ModuleRecord>(); i > 0; --i) {
    auto r = in.record<format::ModuleRecord>();
    dump.modules.push_back(Module{std::string(r.path), std::string(r.build_id), r.bias, r.lo, r.hi});
  }
}

void read_thread(SectionReader& in, Dump& dump) {
  auto r = in.record<format::ThreadRecord>();
  if (in.check_count<format::NodeRecord>(r.node_count) >= UINT32_MAX) in.fail("bad record");
  Thread& t = dump.threads.emplace_back();
  t.tid = r.tid, t.name = r.name;
  t.start_ticks = r.start_ticks, t.end_ticks = r.end_ticks, t.flags = r.flags;
  t.nodes.resize(r.node_count + 1);  // nodes[0] is the root, its own parent
  format::DeltaCodec<int64_t> func;
  for (uint64_t i = 1; i <= r.node_count; ++i) {
    auto n = in.record<format::NodeRecord>();
    if (n.parent_delta == 0 || n.parent_delta > i) in.fail(fmt::format("node {} has parent out of range", i));
    t.nodes[i] = CallNode{static_cast<uint32_t>(i - n.parent_delta), func.decode(n.func_delta), n.calls,
                          n.incl_ticks};
  }
}

// Follows its thread's section, node for node.
void read_call_durations(SectionReader& in, Dump& dump) {
  if (dump.threads.empty() || !dump.threads.back().durations.empty()) in.fail("no thread section before it");
  Thread& t = dump.threads.back();
  uint64_t count = in.count<format::DurationsRecord>();
  if (count + 1 != t.nodes.size())
    in.fail(fmt::format("{} nodes, where its thread has {}", count, t.nodes.size() - 1));
  t.durations.resize(t.nodes.size());
  for (uint64_t i = 1; i <= count; ++i) {
    auto r = in.record<format::DurationsRecord>();
    CallDurations& d = t.durations[i];
    d.min_ticks = r.min_ticks, d.max_ticks = r.max_ticks;
    if (r.min_ticks > r.max_ticks) in.fail(fmt::format("node {} has its shortest call above its longest", i));
    uint64_t bucket = 0;
    for (uint64_t k = in.check_count<format::DurationBucketRecord>(r.bucket_count); k > 0; --k) {
      auto b = in.record<format::DurationBucketRecord>();
      bucket += b.bucket_delta;
      if ((b.bucket_delta == 0 && !d.buckets.empty()) || bucket >= format::kDurationBuckets)
        in.fail(fmt::format("node {} has bucket {} out of order or range", i, bucket));
      d.buckets.resize(bucket + 1, 0);
      d.buckets[bucket] = b.count;
    }
  }
}

void read_probe_cost(SectionReader& in, Dump& dump) {
  auto r = in.record<format::ProbeCostRecord>();
  if (r.inside_milliticks > r.pair_milliticks) in.fail("the cost inside a call exceeds the pair's");
  // 0: the runtime could not measure it.
  if (r.pair_milliticks)
    dump.probe_cost = ProbeCost{static_cast<double>(r.pair_milliticks) / 1000,
                                static_cast<double>(r.inside_milliticks) / 1000, r.calls};
}

// The one table from section type to parser. A dump has at most one section
// of a kOnce type and must have one of a kRequired type; the runtime writes
// every type once but thread and phases (one per thread: see
// DumpParser::check_thread_twice). Types not here are a newer writer's:
// skipping them, with a warning, is how the format grows.
enum SectionRule : unsigned { kMany = 0, kOnce = 1, kRequired = 2 };

struct SectionEntry {
  format::SectionType type;
  SectionParser parse;
  unsigned rules;
};

using format::SectionType;
constexpr SectionEntry kParsers[] = {
    {SectionType::Process, read_process, kOnce | kRequired},
    {SectionType::Modules, read_modules, kOnce},
    {SectionType::Thread, read_thread, kMany},
    {SectionType::AllocStacks, read_alloc_stacks, kOnce},
    {SectionType::AllocSummary, read_alloc_summary, kOnce},
    {SectionType::AllocSites, read_alloc_sites, kOnce},
    {SectionType::HeapTimeline, read_heap_timeline, kOnce},
    {SectionType::LiveBlocks, read_live_blocks, kOnce},
    {SectionType::LeakScan, read_leak_scan, kOnce},
    {SectionType::ApiStrings, read_api_strings, kOnce},
    {SectionType::Phases, read_phases, kMany},
    {SectionType::Checkpoints, read_checkpoints, kOnce},
    {SectionType::Counters, read_counters, kOnce},
    {SectionType::ResourceTimeline, read_resource_timeline, kOnce},
    {SectionType::CapturedStacks, read_captured_stacks, kOnce},
    {SectionType::MergedRuns, read_merged_runs, kOnce},
    {SectionType::FigureSubjects, read_figure_subjects, kOnce},
    {SectionType::RunFigures, read_run_figures, kOnce},
    {SectionType::CallDurations, read_call_durations, kMany},
    {SectionType::ProbeCost, read_probe_cost, kOnce},
    {SectionType::BlockingFunctions, read_blocking_functions, kOnce},
    {SectionType::ThreadCpu, read_thread_cpu, kOnce},
};
constexpr size_t kParserCount = std::size(kParsers);

// Every type of format.h's table but End (which ends the loop) has a parser.
constexpr bool parses_every_section_type() {
  for (const format::SectionInfo& s : format::kSectionTypes) {
    bool found = s.type == SectionType::End;
    for (const SectionEntry& p : kParsers) found = found || p.type == s.type;
    if (!found) return false;
  }
  return kParserCount + 1 == std::size(format::kSectionTypes);
}
static_assert(parses_every_section_type(), "a section type of format.h has no parser here, or one has two");

// Walks one file: headers, checksums and the order of sections here, the
// payloads in the parsers.
class DumpParser {
 public:
  DumpParser(const std::string& path, const std::vector<uint8_t>& bytes)
      : path_(path), bytes_(bytes) {}

  Dump parse() {
    using Part = DumpError::Part;
    Dump dump;
    dump.path = path_;
    size_t pos = parse_file_header();
    bool seen[kParserCount] = {};
    std::vector<Lifetime> threads, phase_logs;
    format::EndRecord sections;  // before the end section, as the writer counts them
    for (;;) {
      if (pos == bytes_.size())
        throw DumpError(path_, fmt::format("truncated: no end section after byte {}", pos), pos);
      size_t left = bytes_.size() - pos;
      if (left < sizeof(format::SectionHeader))
        throw DumpError::truncated(path_, Part::SectionHeader, pos, sizeof(format::SectionHeader) - left);
      format::SectionHeader header;
      std::memcpy(&header, bytes_.data() + pos, sizeof header);
      const uint8_t* payload = bytes_.data() + pos + sizeof header;
      left -= sizeof header;
      if (header.size > left)
        throw DumpError::truncated(path_, Part::Section, pos, header.size - left, header.type);
      SectionReader in(path_, header.type, pos, payload, payload + header.size);
      if (section_crc(version_, header, payload) != header.crc32) in.fail("checksum mismatch");
      const size_t offset = pos;
      pos += sizeof header + header.size;
      if (header.type != static_cast<uint32_t>(SectionType::End)) {
        ++sections.sections;
        sections.sections_crc =
            format::sections_crc(crc32_z, static_cast<uint32_t>(sections.sections_crc), header.crc32);
      }

      if (header.type == static_cast<uint32_t>(SectionType::End)) {
        for (size_t i = 0; i < kParserCount; ++i)
          if ((kParsers[i].rules & kRequired) && !seen[i])
            throw DumpError(
                path_,
                fmt::format("no {} section", format::section_name(static_cast<uint32_t>(kParsers[i].type))));
        check_thread_twice(threads, SectionType::Thread);
        check_thread_twice(phase_logs, SectionType::Phases);
        if (version_ >= 2) check_end(in, sections);
        // Nothing follows a dump the runtime wrote (it renames a complete
        // file into place): more bytes are another file's, or damage.
        if (pos != bytes_.size())
          in.fail(fmt::format("{} bytes after it", bytes_.size() - pos));
        return dump;
      }
      const SectionEntry* entry =
          std::find_if(std::begin(kParsers), std::end(kParsers),
                       [&](const SectionEntry& e) { return static_cast<uint32_t>(e.type) == header.type; });
      if (entry == std::end(kParsers)) {
        if (header.type >= format::kRequiredSectionType)
          throw DumpError(path_,
                          fmt::format("unknown section type {} at byte {} is required (a newer fnprof wrote it)",
                                      header.type, offset),
                          offset);
        dump.warnings.push_back(
            fmt::format("{}: skipping unknown section type {} at byte {}", path_, header.type, offset));
        continue;
      }
      bool& was_seen = seen[entry - kParsers];
      if ((entry->rules & kOnce) && was_seen)
        in.fail(fmt::format("second {} section", format::section_name(header.type)));
      was_seen = true;
      entry->parse(in, dump);
      in.finish();
      if (entry->type == SectionType::Thread) {
        const Thread& t = dump.threads.back();
        threads.push_back({t.tid, t.start_ticks, t.end_ticks, offset});
      } else if (entry->type == SectionType::Phases) {
        phase_logs.push_back(phase_lifetime(dump.api.phases.back(), offset));
      }
    }
  }

 private:
  size_t parse_file_header() {
    using Part = DumpError::Part;
    format::FileHeader header;
    if (bytes_.size() < sizeof header.magic ||
        std::memcmp(bytes_.data(), format::kMagic, sizeof header.magic) != 0)
      throw DumpError(path_, "not an fnprof dump (bad magic)");
    if (bytes_.size() < sizeof header)
      throw DumpError::truncated(path_, Part::FileHeader, 0, sizeof header - bytes_.size());
    std::memcpy(&header, bytes_.data(), sizeof header);
    if (header.version > format::kVersion)
      throw DumpError(path_, fmt::format("format version {} is newer than this perf-report supports ({})",
                                         header.version, format::kVersion));
    if (header.version == 0) throw DumpError::corrupt(path_, Part::FileHeader, 0, "format version 0");
    if (header.header_size < sizeof header)
      throw DumpError::corrupt(path_, Part::FileHeader, 0, fmt::format("header size {}", header.header_size));
    // A later version may grow the header; its extra fields are skipped.
    if (header.header_size > bytes_.size())
      throw DumpError::truncated(path_, Part::FileHeader, 0, header.header_size - bytes_.size());
    version_ = header.version;
    return header.header_size;
  }

  // When a thread (or its phase log) was alive, and where its section is.
  struct Lifetime {
    uint64_t tid, begin, end;
    size_t offset;
  };

  static Lifetime phase_lifetime(const PhaseLog& log, size_t offset) {
    Lifetime life{log.tid, UINT64_MAX, 0, offset};
    for (const ApiPhase& p : log.phases) {
      life.begin = std::min(life.begin, p.begin_ticks);
      life.end = std::max(life.end, p.begin_ticks + p.duration_ticks);
    }
    if (log.phases.empty()) life.begin = 0, life.end = UINT64_MAX;  // only a dropped count
    return life;
  }

  // Two threads alive at once never share a tid, so two sections of one tid
  // whose lifetimes overlap are one thread twice (a copied section would
  // double its counts). The kernel does reuse the tid of a thread that
  // exited, and the runtime keeps exited threads: those sections are
  // legitimate. Sorting keeps this n log n in the threads.
  void check_thread_twice(std::vector<Lifetime>& lives, SectionType type) const {
    std::sort(lives.begin(), lives.end(), [](const Lifetime& a, const Lifetime& b) {
      return std::tie(a.tid, a.begin, a.offset) < std::tie(b.tid, b.begin, b.offset);
    });
    for (size_t i = 1; i < lives.size(); ++i) {
      const Lifetime &a = lives[i - 1], &b = lives[i];
      if (a.tid != b.tid || b.begin > a.end) continue;
      const Lifetime& later = a.offset > b.offset ? a : b;
      throw DumpError::corrupt(path_, DumpError::Part::Section, later.offset,
                               fmt::format("second {} section of thread {}",
                                           format::section_name(static_cast<uint32_t>(type)), later.tid),
                               static_cast<uint32_t>(type));
    }
  }

  const std::string& path_;
  const std::vector<uint8_t>& bytes_;
  uint32_t version_ = 0;
};

std::string part_name(DumpError::Part part, uint32_t section) {
  switch (part) {
    case DumpError::Part::File: return "file";
    case DumpError::Part::FileHeader: return "file header";
    case DumpError::Part::SectionHeader: return "section header";
    case DumpError::Part::Section:
      // A type that a bit flip made up is named by its number.
      if (format::section_name(section) == "unknown") return fmt::format("section of type {}", section);
      return fmt::format("section '{}'", format::section_name(section));
  }
  return "file";
}

}  // namespace

DumpError::DumpError(std::string path, const std::string& problem, uint64_t offset)
    : DumpError(std::move(path), Part::File, offset, 0, problem) {}

DumpError::DumpError(std::string path, Part part, uint64_t offset, uint32_t section,
                     const std::string& message)
    : std::runtime_error(path + ": " + message),
      path_(std::move(path)),
      part_(part),
      offset_(offset),
      section_(section) {}

DumpError DumpError::truncated(std::string path, Part part, uint64_t offset, uint64_t missing,
                               uint32_t section) {
  return DumpError(std::move(path), part, offset, section,
                   fmt::format("truncated {} at byte {} (expected {} more bytes)", part_name(part, section),
                               offset, missing));
}

DumpError DumpError::corrupt(std::string path, Part part, uint64_t offset, const std::string& why,
                             uint32_t section) {
  return DumpError(std::move(path), part, offset, section,
                   fmt::format("corrupt {} at byte {} ({})", part_name(part, section), offset, why));
}

const Module* Dump::module_of(uint64_t address) const {
  for (auto it = modules.rbegin(); it != modules.rend(); ++it)
    if (it->lo <= address && address < it->hi) return &*it;
  return nullptr;
}

Dump read_dump(const std::string& path) {
  return read_dump(path, read_file(path));
}

Dump read_dump(const std::string& path, const std::vector<uint8_t>& bytes) {
  return DumpParser(path, bytes).parse();
}

}  // namespace fnprof
