// What the section parsers share (dump_reader.cpp: process, modules, thread;
// alloc_sections.cpp: the allocation tracker's; phase_sections.cpp: the
// instrumentation API's): a reader over one section's payload, and the
// parsers' signature. dump_reader.cpp holds the one table from section type
// to parser.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "dump/dump_reader.h"
#include "fnprof/format.h"

namespace fnprof {

// One section's payload: a format::Decoder that turns every problem into
// the one DumpError, naming the file, the section and the byte offset of
// its header: "corrupt section 'alloc-sites' at byte 4096 (bad record)".
// Malformed encoding (a varint cut short, a count larger than what is left,
// bytes left over) is "bad record"; the parsers give what they check
// themselves (ids out of order, a parent out of range) a reason of its own.
class SectionReader {
 public:
  SectionReader(const std::string& path, uint32_t type, uint64_t offset, const uint8_t* begin,
                const uint8_t* end)
      : path_(path), type_(type), offset_(offset), d_(begin, end) {}

  template <class Record>
  Record record() {
    Record r;
    fields(d_, r);
    check();
    return r;
  }
  uint64_t varint() {
    uint64_t v = d_.varint();
    check();
    return v;
  }
  std::string_view string() {
    std::string_view s;
    d_(s);
    check();
    return s;
  }
  // The count in front of a list of Items (format.h, "Lists and deltas").
  template <class Item>
  uint64_t count() {
    return check_count<Item>(varint());
  }
  // A count of Items that follow, given by a field of the record before them.
  template <class Item>
  uint64_t check_count(uint64_t n) {
    if (!format::count_fits<Item>(n, d_.remaining())) fail("bad record");
    return n;
  }
  // A stack's frames (format.h, decode_frames): calls out(frame) `count` times.
  template <class Out>
  void frames(uint64_t count, Out&& out) {
    format::decode_frames(d_, check_count<int64_t>(count), out);
    check();
  }
  // Every byte of a section belongs to its records.
  void finish() {
    if (!d_.at_end()) fail("bad record");
  }
  [[noreturn]] void fail(const std::string& why) const {
    throw DumpError::corrupt(path_, DumpError::Part::Section, offset_, why, type_);
  }

 private:
  void check() {
    if (!d_.ok()) fail("bad record");
  }

  const std::string& path_;
  uint32_t type_;
  uint64_t offset_;
  format::Decoder d_;
};

// Reads one section into `dump`; the parsers of dump_reader.cpp's table.
using SectionParser = void (*)(SectionReader& in, Dump& dump);

// alloc_sections.cpp
void read_alloc_stacks(SectionReader& in, Dump& dump);
void read_alloc_summary(SectionReader& in, Dump& dump);
void read_alloc_sites(SectionReader& in, Dump& dump);
void read_heap_timeline(SectionReader& in, Dump& dump);
void read_live_blocks(SectionReader& in, Dump& dump);
void read_leak_scan(SectionReader& in, Dump& dump);

// phase_sections.cpp
void read_api_strings(SectionReader& in, Dump& dump);
void read_phases(SectionReader& in, Dump& dump);
void read_checkpoints(SectionReader& in, Dump& dump);
// waiting_sections.cpp
void read_blocking_functions(SectionReader& in, Dump& dump);
void read_thread_cpu(SectionReader& in, Dump& dump);
void read_counters(SectionReader& in, Dump& dump);
void read_resource_timeline(SectionReader& in, Dump& dump);
void read_captured_stacks(SectionReader& in, Dump& dump);

// merged_sections.cpp
void read_merged_runs(SectionReader& in, Dump& dump);
void read_figure_subjects(SectionReader& in, Dump& dump);
void read_run_figures(SectionReader& in, Dump& dump);

}  // namespace fnprof
