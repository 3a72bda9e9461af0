// Builds dumps byte by byte with format.h's own Encoder, so the tests' golden
// dumps live in code next to what they check rather than in binary files, and
// the tests can break them on purpose (cut, flip, reorder) at known offsets.
//
//   DumpBuilder b;
//   b.process(process).modules({module}).thread(thread, {{0, 0x1000, 1, 50}}).end();
//   std::string path = b.write("ok.fnp");
#pragma once

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fnprof/format.h"

namespace fnprof::testing {

// A tree node by absolute values; the builder turns them into deltas.
struct TestNode {
  uint32_t parent;  // 0 = the root
  uint64_t func;
  uint64_t calls;
  uint64_t incl_ticks;
};

// A file name in the temp directory private to the running test: ctest runs
// the tests of one binary as parallel processes.
inline std::string temp_path(const std::string& name) {
  const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
  return ::testing::TempDir() + "fnprof-" + test->test_suite_name() + "." + test->name() + "-" + name;
}

class DumpBuilder {
 public:
  explicit DumpBuilder(uint32_t version = format::kVersion) : version_(version) {
    format::FileHeader header{};
    std::memcpy(header.magic, format::kMagic, sizeof header.magic);
    header.version = version;
    header.header_size = sizeof header;
    append(&header, sizeof header);
  }

  DumpBuilder& process(format::ProcessRecord r) { return section(format::SectionType::Process, encode(r)); }

  DumpBuilder& modules(std::vector<format::ModuleRecord> modules) {
    std::vector<uint8_t> payload(format::kMaxVarint);
    payload.resize(format::put_varint(payload.data(), modules.size()) - payload.data());
    for (auto& m : modules) {
      std::vector<uint8_t> record = encode(m);
      payload.insert(payload.end(), record.begin(), record.end());
    }
    return section(static_cast<uint32_t>(format::SectionType::Modules), payload);
  }

  // A section holding a varint count, then the records.
  template <class Record>
  DumpBuilder& list(format::SectionType type, const std::vector<Record>& records) {
    std::vector<uint8_t> payload(format::kMaxVarint);
    payload.resize(format::put_varint(payload.data(), records.size()) - payload.data());
    for (const Record& r : records) {
      std::vector<uint8_t> record = encode(r);
      payload.insert(payload.end(), record.begin(), record.end());
    }
    return section(type, payload);
  }

  // `thread.node_count` is set from `nodes`.
  DumpBuilder& thread(format::ThreadRecord thread, const std::vector<TestNode>& nodes) {
    thread.node_count = nodes.size();
    std::vector<uint8_t> payload = encode(thread);
    format::DeltaCodec<int64_t> func;
    for (size_t i = 0; i < nodes.size(); ++i) {
      format::NodeRecord n;
      n.parent_delta = (i + 1) - nodes[i].parent;
      n.func_delta = func.encode(nodes[i].func);
      n.calls = nodes[i].calls;
      n.incl_ticks = nodes[i].incl_ticks;
      std::vector<uint8_t> record = encode(n);
      payload.insert(payload.end(), record.begin(), record.end());
    }
    return section(static_cast<uint32_t>(format::SectionType::Thread), payload);
  }

  // The call-durations section of the thread just added: each node's calls
  // by duration in ticks (bucketed as the runtime does), nodes 1, 2, ...
  DumpBuilder& durations(const std::vector<std::vector<uint64_t>>& calls_of_node) {
    std::vector<uint8_t> payload(format::kMaxVarint);
    payload.resize(static_cast<size_t>(format::put_varint(payload.data(), calls_of_node.size()) - payload.data()));
    for (const std::vector<uint64_t>& calls : calls_of_node) {
      std::map<uint32_t, uint64_t> buckets;
      for (uint64_t t : calls) ++buckets[format::duration_bucket(t)];
      format::DurationsRecord r;
      if (!calls.empty()) {
        r.min_ticks = *std::min_element(calls.begin(), calls.end());
        r.max_ticks = *std::max_element(calls.begin(), calls.end());
      }
      r.bucket_count = buckets.size();
      std::vector<uint8_t> record = encode(r);
      payload.insert(payload.end(), record.begin(), record.end());
      uint32_t previous = 0;
      for (auto [bucket, count] : buckets) {
        record = encode(format::DurationBucketRecord{bucket - previous, count});
        payload.insert(payload.end(), record.begin(), record.end());
        previous = bucket;
      }
    }
    return section(static_cast<uint32_t>(format::SectionType::CallDurations), payload);
  }

  // Version 2 on: the EndRecord of the sections so far, as the writer makes it.
  DumpBuilder& end() {
    if (version_ < 2) return section(static_cast<uint32_t>(format::SectionType::End), {});
    format::EndRecord r{section_offsets_.size(), 0};
    for (size_t at : section_offsets_) {
      format::SectionHeader h;
      std::memcpy(&h, bytes_.data() + at, sizeof h);
      r.sections_crc = format::sections_crc(crc32_z, static_cast<uint32_t>(r.sections_crc), h.crc32);
    }
    return section(static_cast<uint32_t>(format::SectionType::End), encode(r));
  }

  // Any section, with a correct checksum for the builder's version unless
  // `crc` is given.
  DumpBuilder& section(uint32_t type, const std::vector<uint8_t>& payload) {
    uint32_t crc = version_ == 1
                       ? static_cast<uint32_t>(crc32_z(0, payload.data(), payload.size()))
                       : format::section_crc(crc32_z, type, payload.size(), payload.data());
    return section(type, payload, crc);
  }
  DumpBuilder& section(uint32_t type, const std::vector<uint8_t>& payload, uint32_t crc) {
    section_offsets_.push_back(bytes_.size());
    format::SectionHeader header{type, crc, payload.size()};
    append(&header, sizeof header);
    bytes_.insert(bytes_.end(), payload.begin(), payload.end());
    return *this;
  }
  DumpBuilder& section(format::SectionType type, const std::vector<uint8_t>& payload) {
    return section(static_cast<uint32_t>(type), payload);
  }

  template <class Record>
  static std::vector<uint8_t> encode(Record r) {
    std::vector<uint8_t> out(format::bound(r));
    format::Encoder e(out.data());
    fields(e, r);
    out.resize(e.pos() - out.data());
    return out;
  }

  std::vector<uint8_t>& bytes() { return bytes_; }
  // Byte offset of the i-th section's header.
  size_t section_offset(size_t i) const { return section_offsets_.at(i); }

  // Writes the dump to temp_path(name); returns its path.
  std::string write(const std::string& name) const { return write_bytes(name, bytes_); }

  static std::string write_bytes(const std::string& name, const std::vector<uint8_t>& bytes) {
    std::string path = temp_path(name);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    EXPECT_TRUE(out.good()) << path;
    return path;
  }

 private:
  // resize + memcpy rather than insert: GCC 12 warns (-Wstringop-overflow,
  // a false positive) about inserting into the empty vector.
  void append(const void* p, size_t n) {
    size_t at = bytes_.size();
    bytes_.resize(at + n);
    std::memcpy(bytes_.data() + at, p, n);
  }

  uint32_t version_;
  std::vector<uint8_t> bytes_;
  std::vector<size_t> section_offsets_;
};

// A typical process record: pid 4242, 1000 ticks per second (so ticks are
// milliseconds), 2 s of wall time.
inline constexpr char kTestCmdline[] = "./app\0-n\0" "3";  // ./app -n 3

inline format::ProcessRecord test_process(std::string_view program = "app",
                                          std::string_view cmdline = {kTestCmdline, sizeof kTestCmdline - 1}) {
  format::ProcessRecord p;
  p.pid = 4242;
  p.ppid = 1;
  p.program = program;
  p.exe = "/opt/app/bin/app";
  p.cmdline = cmdline;
  p.start_unix_ns = 1'700'000'000'000'000'000;
  p.clock_source = static_cast<uint64_t>(format::ClockSource::Monotonic);
  p.ticks_per_second = 1000;
  p.start_ticks = 5000;
  p.end_ticks = 7000;
  return p;
}

}  // namespace fnprof::testing
