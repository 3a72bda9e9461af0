// read_dump against dumps built in code: a full round trip, then every class
// of bad input with the exact one-line message perf-report will print.
#include "dump/dump_reader.h"

#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>
#include <typeinfo>

#include <gtest/gtest.h>
#include <zlib.h>

#include "../../runtime/crc32.h"  // the runtime's own CRC, which must equal zlib's
#include "../../runtime/dump_buffer.h"  // the runtime's writer, for round trips
#include "dump_builder.h"

namespace fnprof {
namespace {

using testing::DumpBuilder;
using testing::TestNode;
using testing::test_process;

std::string error_of(const std::string& path) {
  try {
    read_dump(path);
  } catch (const DumpError& e) {
    return e.what();
  }
  return "(no error)";
}

// Process, modules, two threads, end: the shape the runtime writes (without
// the end when more sections are to come).
DumpBuilder full_dump(bool end = true) {
  DumpBuilder b;
  b.process(test_process());
  b.modules({{"/opt/app/bin/app", "\x01\x02\x03", 0x5500'0000'0000, 0x5500'0000'1000, 0x5500'0000'9000},
             {"/lib/libc.so.6", "", 0x7f00'0000'0000, 0x7f00'0000'0000, 0x7f00'0020'0000}});
  format::ThreadRecord main_thread{4242, "app", 5000, 7000, 0, 0};
  b.thread(main_thread, {{0, 0x5500'0000'2000, 1, 1900},
                         {1, 0x5500'0000'3000, 10, 1200},
                         {2, 0x5500'0000'2800, 5, 300},  // negative func delta
                         {1, 0x5500'0000'2800, 2, 100}});
  format::ThreadRecord worker{4243, "worker-1", 5500, 7000, format::kThreadRunning | format::kThreadTruncated, 0};
  b.thread(worker, {{0, 0x5500'0000'4000, 1, 1500}});
  if (end) b.end();
  return b;
}

TEST(DumpReader, RoundTripsEveryField) {
  std::string path = full_dump().write("roundtrip.fnp");
  Dump d = read_dump(path);

  EXPECT_EQ(d.path, path);
  EXPECT_EQ(d.process.pid, 4242u);
  EXPECT_EQ(d.process.ppid, 1u);
  EXPECT_EQ(d.process.program, "app");
  EXPECT_EQ(d.process.exe, "/opt/app/bin/app");
  EXPECT_EQ(d.process.args, (std::vector<std::string>{"./app", "-n", "3"}));
  EXPECT_EQ(d.process.start_unix_ns, 1'700'000'000'000'000'000u);
  EXPECT_EQ(d.process.clock_source, 1u);
  EXPECT_EQ(d.process.ticks_per_second, 1000u);
  EXPECT_EQ(d.process.start_ticks, 5000u);
  EXPECT_EQ(d.process.end_ticks, 7000u);
  EXPECT_EQ(d.process.reason, 0u);
  EXPECT_EQ(d.process.signal, 0u);

  ASSERT_EQ(d.modules.size(), 2u);
  EXPECT_EQ(d.modules[0].path, "/opt/app/bin/app");
  EXPECT_EQ(d.modules[0].build_id, "\x01\x02\x03");
  EXPECT_EQ(d.modules[0].bias, 0x5500'0000'0000u);
  EXPECT_EQ(d.modules[0].lo, 0x5500'0000'1000u);
  EXPECT_EQ(d.modules[0].hi, 0x5500'0000'9000u);
  EXPECT_EQ(d.modules[1].path, "/lib/libc.so.6");
  EXPECT_EQ(d.modules[1].build_id, "");

  ASSERT_EQ(d.threads.size(), 2u);
  const Thread& t = d.threads[0];
  EXPECT_EQ(t.tid, 4242u);
  EXPECT_EQ(t.name, "app");
  EXPECT_EQ(t.start_ticks, 5000u);
  EXPECT_EQ(t.end_ticks, 7000u);
  EXPECT_EQ(t.flags, 0u);
  ASSERT_EQ(t.nodes.size(), 5u);
  EXPECT_EQ(t.nodes[0].parent, 0u);
  EXPECT_EQ(t.nodes[0].func, 0u);
  const std::vector<std::tuple<uint32_t, uint64_t, uint64_t, uint64_t>> expected = {
      {0, 0x5500'0000'2000, 1, 1900},
      {1, 0x5500'0000'3000, 10, 1200},
      {2, 0x5500'0000'2800, 5, 300},
      {1, 0x5500'0000'2800, 2, 100}};
  for (size_t i = 0; i < expected.size(); ++i) {
    const CallNode& n = t.nodes[i + 1];
    EXPECT_EQ(std::tuple(n.parent, n.func, n.calls, n.incl_ticks), expected[i]) << "node " << i + 1;
  }
  EXPECT_EQ(d.threads[1].name, "worker-1");
  EXPECT_EQ(d.threads[1].flags, format::kThreadRunning | format::kThreadTruncated);
  ASSERT_EQ(d.threads[1].nodes.size(), 2u);
  EXPECT_EQ(d.threads[1].nodes[1].func, 0x5500'0000'4000u);
}

// The waiting sections: the blocking functions, and each thread's on-CPU
// time given to the thread section (tid, start ticks) names; one naming no
// thread is dropped.
TEST(DumpReader, RoundTripsTheWaitingSections) {
  DumpBuilder b = full_dump(false);
  b.list(format::SectionType::BlockingFunctions,
         std::vector<format::BlockingFunctionRecord>{
             {0x7f00'0000'1000, static_cast<uint64_t>(format::WaitKind::Join), "pthread_join"},
             {0x7f00'0000'2000, static_cast<uint64_t>(format::WaitKind::Io), "read"}});
  b.list(format::SectionType::ThreadCpu,
         std::vector<format::ThreadCpuRecord>{{4243, 5500, 1'234'567}, {4242, 5000, 42}, {4242, 1, 7}});
  Dump d = read_dump(b.end().write("waiting.fnp"));
  ASSERT_EQ(d.blocking_functions.size(), 2u);
  EXPECT_EQ(d.blocking_functions[0].address, 0x7f00'0000'1000u);
  EXPECT_EQ(d.blocking_functions[0].kind, static_cast<uint64_t>(format::WaitKind::Join));
  EXPECT_EQ(d.blocking_functions[0].name, "pthread_join");
  EXPECT_EQ(d.blocking_functions[1].name, "read");
  ASSERT_EQ(d.threads.size(), 2u);
  EXPECT_EQ(d.threads[0].cpu_ns, std::optional<uint64_t>(42));
  EXPECT_EQ(d.threads[1].cpu_ns, std::optional<uint64_t>(1'234'567));
  EXPECT_FALSE(read_dump(full_dump().write("no_waiting.fnp")).threads[0].cpu_ns);
}

TEST(DumpReaderErrors, UnknownWaitKind) {
  DumpBuilder b = full_dump(false);
  b.list(format::SectionType::BlockingFunctions, std::vector<format::BlockingFunctionRecord>{{0x1000, 9, "futex"}});
  std::string path = b.end().write("bad_wait_kind.fnp");
  EXPECT_NE(error_of(path).find("corrupt section 'blocking-functions'"), std::string::npos) << error_of(path);
  EXPECT_NE(error_of(path).find("unknown wait kind 9"), std::string::npos) << error_of(path);
}

TEST(DumpReader, SignalReasonAndTrailingNulInCmdline) {
  format::ProcessRecord p = test_process("app", std::string_view("./app\0x\0", 8));
  p.reason = static_cast<uint64_t>(format::DumpReason::Signal);
  p.signal = 11;
  DumpBuilder b;
  b.process(p).end();
  Dump d = read_dump(b.write("signal.fnp"));
  EXPECT_EQ(d.process.args, (std::vector<std::string>{"./app", "x"}));
  EXPECT_EQ(d.process.reason, 2u);
  EXPECT_EQ(d.process.signal, 11u);
  EXPECT_TRUE(d.threads.empty());
}

TEST(DumpReader, SkipsUnknownSectionTypes) {
  DumpBuilder b;
  b.section(99, {0xff, 0xff, 0xff, 0x01, 0x02});  // not varints at all: must not be parsed
  b.process(test_process());
  b.section(1000, {});
  b.thread({7, "t", 0, 1, 0, 0}, {{0, 0x10, 1, 1}});
  b.end();
  std::string path = b.write("unknown.fnp");
  Dump d = read_dump(path);
  EXPECT_EQ(d.process.pid, 4242u);
  ASSERT_EQ(d.threads.size(), 1u);
  EXPECT_EQ(d.threads[0].tid, 7u);
  const std::string process_end = std::to_string(b.section_offset(2));
  EXPECT_EQ(d.warnings, (std::vector<std::string>{path + ": skipping unknown section type 99 at byte 16",
                                                  path + ": skipping unknown section type 1000 at byte " +
                                                      process_end}));
}

// A type at or above format::kRequiredSectionType cannot be skipped.
TEST(DumpReaderErrors, UnknownRequiredSectionType) {
  DumpBuilder b;
  b.process(test_process());
  b.section(format::kRequiredSectionType + 5, {1, 2, 3});
  b.end();
  std::string path = b.write("required.fnp");
  EXPECT_EQ(error_of(path), path + ": unknown section type 2147483653 at byte " +
                                std::to_string(b.section_offset(1)) +
                                " is required (a newer fnprof wrote it)");
}

// Version 1 checksummed payloads only; its dumps still read.
TEST(DumpReader, ReadsVersion1) {
  DumpBuilder b(1);
  b.process(test_process());
  b.thread({7, "t", 0, 1, 0, 0}, {{0, 0x10, 3, 1}});
  b.end();
  Dump d = read_dump(b.write("v1.fnp"));
  ASSERT_EQ(d.threads.size(), 1u);
  EXPECT_EQ(d.threads[0].nodes[1].calls, 3u);
  std::vector<uint8_t> bytes = b.bytes();
  bytes[b.section_offset(1) + 16 + 2] ^= 0x10;  // a payload byte
  std::string flipped = DumpBuilder::write_bytes("v1-flipped.fnp", bytes);
  EXPECT_EQ(error_of(flipped), flipped + ": corrupt section 'thread' at byte " +
                                   std::to_string(b.section_offset(1)) + " (checksum mismatch)");
}

// A later version may grow the file header; the reader skips what it does not
// know, as it does for sections.
TEST(DumpReader, SkipsTheRestOfALargerFileHeader) {
  std::vector<uint8_t> bytes = full_dump().bytes();
  bytes.insert(bytes.begin() + sizeof(format::FileHeader), 8, 0xee);
  uint32_t header_size = sizeof(format::FileHeader) + 8;
  std::memcpy(bytes.data() + offsetof(format::FileHeader, header_size), &header_size, sizeof header_size);
  Dump d = read_dump(DumpBuilder::write_bytes("bigheader.fnp", bytes));
  EXPECT_EQ(d.process.pid, 4242u);
  EXPECT_EQ(d.threads.size(), 2u);
}

TEST(DumpReader, ModuleOfPrefersTheLastModuleCoveringAnAddress) {
  Dump d;
  d.modules = {{"/old.so", "", 0, 0x1000, 0x2000}, {"/exe", "", 0, 0x8000, 0x9000}, {"/new.so", "", 0, 0x1000, 0x1800}};
  EXPECT_EQ(d.module_of(0x1400)->path, "/new.so");
  EXPECT_EQ(d.module_of(0x1800)->path, "/old.so");
  EXPECT_EQ(d.module_of(0x8000)->path, "/exe");
  EXPECT_EQ(d.module_of(0x9000), nullptr);  // hi is one past the end
  EXPECT_EQ(d.module_of(0x10), nullptr);
}

// ---- Framing shared by writer and reader (format.h) -----------------------

// Sets every field of a record to zero, whatever its defaults.
struct Zero {
  void operator()(uint64_t& v) const { v = 0; }
  void operator()(int64_t& v) const { v = 0; }
  void operator()(std::string_view& s) const { s = {}; }
};

template <class... Records>
void expect_min_size_is_the_all_zero_encoding() {
  auto check = []<class Record>(Record r) {
    Zero zero;
    fields(zero, r);
    EXPECT_EQ(format::min_size<Record>(), DumpBuilder::encode(r).size()) << typeid(Record).name();
  };
  (check(Records{}), ...);
}

// The minimum sizes the readers check counts against are derived from
// fields(); an all-zero record is the smallest the encoder writes.
TEST(DumpFormat, MinSizeIsWhatTheEncoderWritesForAnAllZeroRecord) {
  using namespace format;
  expect_min_size_is_the_all_zero_encoding<
      ProcessRecord, ModuleRecord, ThreadRecord, NodeRecord, StackRecord, AllocSummaryRecord, AllocSiteRecord,
      HeapTimelineRecord, HeapSampleRecord, LiveBlockRecord, MetaRecord, PhaseThreadRecord, PhaseRecord,
      CheckpointRecord, CounterRecord, ResourceTimelineRecord, ResourceSampleRecord, CapturedStackRecord,
      LeakScanRecord, LeakSiteRecord>();
  // A metadata value takes a byte whatever its type.
  for (MetaType type : {MetaType::Int, MetaType::Float, MetaType::String})
    EXPECT_EQ(DumpBuilder::encode(MetaRecord{0, static_cast<uint64_t>(type), 0, 0, {}}).size(),
              min_size<MetaRecord>());
  // The sizes the readers counted by hand before they were derived.
  static_assert(min_size<ModuleRecord>() == 5 && min_size<NodeRecord>() == 4 && min_size<StackRecord>() == 3);
  static_assert(min_size<AllocSiteRecord>() == 12 && min_size<HeapSampleRecord>() == 2);
  static_assert(min_size<LiveBlockRecord>() == 4 && min_size<MetaRecord>() == 3 &&
                min_size<PhaseRecord>() == 7);
  static_assert(min_size<CheckpointRecord>() == 4 && min_size<CounterRecord>() == 7);
  static_assert(min_size<ResourceSampleRecord>() == 15 && min_size<CapturedStackRecord>() == 6);
  static_assert(min_size<uint64_t>() == 1 && min_size<int64_t>() == 1 && min_size<std::string_view>() == 1);
}

std::vector<uint8_t> bytes_of(const rt::DumpBuffer& b) { return {b.data(), b.data() + b.size()}; }

// Frames as the runtime writes them (DumpBuffer::put_frames) and as the
// readers read them (decode_frames): byte-exact, and back to the same frames.
TEST(DumpFormat, FramesRoundTripFromTheWritersCodecToTheReaders) {
  // svarint deltas: +0x1000 (zigzag 0x2000), -8 (15), +0x1010 (0x2020).
  const uint64_t small[] = {0x1000, 0x0ff8, 0x2008};
  rt::DumpBuffer b;
  b.put_frames(small, std::size(small));
  EXPECT_EQ(bytes_of(b), (std::vector<uint8_t>{0x80, 0x40, 0x0f, 0xa0, 0x40}));

  // Deltas wrap: any sequence round-trips, in at most 10 bytes a frame.
  const std::vector<uint64_t> frames = {0x5500'0000'1234,      0x7fff'ffff'f000, 0, UINT64_MAX, 1,
                                        0x8000'0000'0000'0000, 0x5500'0000'1234};
  rt::DumpBuffer wide;
  wide.put_frames(frames.data(), frames.size());
  EXPECT_LE(wide.size(), format::frames_bound(frames.size()));
  std::vector<uint8_t> expected;  // the encoding docs/FORMAT.md gives, written out
  uint64_t previous = 0;
  for (uint64_t f : frames) {
    uint8_t varint[format::kMaxVarint];
    uint8_t* end = format::put_varint(varint, format::zigzag(static_cast<int64_t>(f - previous)));
    expected.insert(expected.end(), varint, end);
    previous = f;
  }
  EXPECT_EQ(bytes_of(wide), expected);
  format::Decoder d(wide.data(), wide.data() + wide.size());
  std::vector<uint64_t> decoded;
  format::decode_frames(d, frames.size(), [&](uint64_t f) { decoded.push_back(f); });
  EXPECT_TRUE(d.ok() && d.at_end());
  EXPECT_EQ(decoded, frames);
}

TEST(DumpFormat, DeltaCodecsRoundTrip) {
  const std::vector<uint64_t> values = {5, 5, 3, UINT64_MAX, 0, 1ull << 63, 42};
  format::DeltaCodec<int64_t> signed_out, signed_in;
  format::DeltaCodec<uint64_t> unsigned_out, unsigned_in;
  for (uint64_t v : values) {
    EXPECT_EQ(signed_in.decode(signed_out.encode(v)), v);
    EXPECT_EQ(unsigned_in.decode(unsigned_out.encode(v)), v);
  }
  format::DeltaCodec<int64_t> first;
  EXPECT_EQ(first.encode(0x1000), 0x1000);  // the first value's delta is from 0
  EXPECT_EQ(first.encode(0x0ff8), -8);
}

// A dump written with the runtime's DumpBuffer (sections, records, a padded
// count, frames), read back by read_dump.
TEST(DumpFormat, ADumpFromTheWritersBufferReadsBack) {
  rt::DumpBuffer b;
  format::FileHeader header{};
  std::memcpy(header.magic, format::kMagic, sizeof header.magic);
  header.version = format::kVersion;
  header.header_size = sizeof header;
  b.append(&header, sizeof header);
  size_t at = b.begin_section();
  b.put(test_process());
  b.end_section(at, format::SectionType::Process);

  const std::vector<std::vector<uint64_t>> stacks = {
      {0x5500'0000'2000, 0x5500'0000'1000}, {}, {0x7f00'0000'0010}};
  at = b.begin_section();
  size_t count_at = b.reserve_count();
  uint32_t previous_id = 0;
  for (uint32_t i = 0; i < stacks.size(); ++i) {
    uint32_t id = 3 * i + 1;  // ids with gaps
    b.put(format::StackRecord{id - previous_id, 0, stacks[i].size()});
    b.put_frames(stacks[i].data(), stacks[i].size());
    previous_id = id;
  }
  b.set_count(count_at, stacks.size());
  b.end_section(at, format::SectionType::AllocStacks);
  format::EndRecord end_record = b.end_record();
  at = b.begin_section();
  b.put(end_record);
  b.end_section(at, format::SectionType::End);
  ASSERT_FALSE(b.failed());

  Dump d = read_dump(DumpBuilder::write_bytes("writer.fnp", bytes_of(b)));
  EXPECT_EQ(d.process.pid, 4242u);
  ASSERT_EQ(d.alloc.stacks.size(), stacks.size());
  for (uint32_t i = 0; i < stacks.size(); ++i) {
    EXPECT_EQ(d.alloc.stacks[i].id, 3 * i + 1);
    EXPECT_EQ(d.alloc.stacks[i].frames, stacks[i]) << "stack " << i;
  }
}

// The runtime's CRC-32 is zlib's function: every length from 0 to 70 (the
// eight-byte steps and every tail), every start offset (alignment), chained
// from a previous CRC, and the standard check value.
TEST(DumpFormat, RuntimeCrcEqualsZlibs) {
  std::vector<uint8_t> bytes(4096);
  uint32_t x = 12345;
  for (uint8_t& b : bytes) b = static_cast<uint8_t>((x = x * 1103515245 + 12345) >> 16);
  for (size_t offset = 0; offset < 8; ++offset)
    for (size_t n = 0; n <= 70; ++n)
      for (uint32_t start : {0u, 0xdeadbeefu})
        ASSERT_EQ(rt::crc32(start, bytes.data() + offset, n),
                  static_cast<uint32_t>(crc32_z(start, bytes.data() + offset, n)))
            << "offset " << offset << " length " << n << " from " << start;
  EXPECT_EQ(rt::crc32(0, bytes.data(), bytes.size()), static_cast<uint32_t>(crc32_z(0, bytes.data(), bytes.size())));
  EXPECT_EQ(rt::crc32(rt::crc32(0, bytes.data(), 1000), bytes.data() + 1000, 3096),
            rt::crc32(0, bytes.data(), 4096));
  const auto* check = reinterpret_cast<const uint8_t*>("123456789");
  EXPECT_EQ(rt::crc32(0, check, 9), 0xCBF43926u);
}

TEST(DumpFormat, EverySectionTypeHasOneName) {
  for (const format::SectionInfo& a : format::kSectionTypes) {
    EXPECT_EQ(format::section_name(static_cast<uint32_t>(a.type)), a.name);
    for (const format::SectionInfo& b : format::kSectionTypes) {
      if (&a == &b) continue;
      EXPECT_TRUE(a.type != b.type && a.name != b.name) << a.name << " " << b.name;
    }
  }
  EXPECT_EQ(format::section_name(99), "unknown");
}

TEST(DumpReaderErrors, MissingFile) {
  std::string path = testing::temp_path("does-not-exist.fnp");
  EXPECT_EQ(error_of(path), path + ": cannot open: No such file or directory");
}

TEST(DumpReaderErrors, Directory) {
  std::string path = ::testing::TempDir();
  EXPECT_EQ(error_of(path), path + ": cannot read: Is a directory");
}

TEST(DumpReaderErrors, BadMagic) {
  std::string path = DumpBuilder::write_bytes("text.fnp", {'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd',
                                                           '\n', 0, 0, 0, 0, 0, 0, 0, 0});
  EXPECT_EQ(error_of(path), path + ": not an fnprof dump (bad magic)");
  std::string empty = DumpBuilder::write_bytes("empty.fnp", {});
  EXPECT_EQ(error_of(empty), empty + ": not an fnprof dump (bad magic)");
}

TEST(DumpReaderErrors, FutureVersion) {
  DumpBuilder b(7);
  b.process(test_process()).end();
  std::string path = b.write("future.fnp");
  EXPECT_EQ(error_of(path), path + ": format version 7 is newer than this perf-report supports (2)");
}

// Every cut of a good dump is an error, never a crash or a partial dump, and
// the message says where and how much is missing.
TEST(DumpReaderErrors, TruncatedAtEveryOffset) {
  DumpBuilder b = full_dump();
  const std::vector<uint8_t> whole = b.bytes();
  for (size_t cut = 0; cut < whole.size(); ++cut) {
    std::string path =
        DumpBuilder::write_bytes("cut.fnp", std::vector<uint8_t>(whole.begin(), whole.begin() + cut));
    std::string error = error_of(path);
    EXPECT_NE(error, "(no error)") << "cut at " << cut;
    EXPECT_EQ(error.find('\n'), std::string::npos) << error;
    EXPECT_EQ(error.rfind(path + ": ", 0), 0u) << error;
  }
}

TEST(DumpReaderErrors, TruncatedMessages) {
  DumpBuilder b = full_dump();
  const std::vector<uint8_t> whole = b.bytes();
  auto cut_error = [&](size_t cut) {
    std::string path =
        DumpBuilder::write_bytes("cut.fnp", std::vector<uint8_t>(whole.begin(), whole.begin() + cut));
    std::string error = error_of(path);
    return error.substr(std::min(error.size(), path.size() + 2));
  };
  // Inside the magic, the rest of the file header, a section header, a payload.
  EXPECT_EQ(cut_error(5), "not an fnprof dump (bad magic)");
  EXPECT_EQ(cut_error(12), "truncated file header at byte 0 (expected 4 more bytes)");
  EXPECT_EQ(cut_error(16), "truncated: no end section after byte 16");
  EXPECT_EQ(cut_error(16 + 10), "truncated section header at byte 16 (expected 6 more bytes)");
  const size_t thread = b.section_offset(2);   // the first thread section
  const size_t next = b.section_offset(3);
  const size_t payload = next - thread - 16;
  EXPECT_EQ(cut_error(thread + 16 + 3),
            "truncated section 'thread' at byte " + std::to_string(thread) + " (expected " +
                std::to_string(payload - 3) + " more bytes)");
  EXPECT_EQ(cut_error(next), "truncated: no end section after byte " + std::to_string(next));
  // Everything but the end section.
  const size_t end = b.section_offset(4);
  EXPECT_EQ(cut_error(end), "truncated: no end section after byte " + std::to_string(end));
}

TEST(DumpReaderErrors, ChecksumMismatchWhenAPayloadByteFlips) {
  DumpBuilder b = full_dump();
  const size_t thread = b.section_offset(2);
  b.bytes()[thread + 16 + 4] ^= 0x40;
  std::string path = b.write("flipped.fnp");
  EXPECT_EQ(error_of(path), path + ": corrupt section 'thread' at byte " + std::to_string(thread) +
                                " (checksum mismatch)");
}

// The checksum covers the header's type and size: a flipped bit there is
// an error, not a section skipped or cut short in silence.
TEST(DumpReaderErrors, ChecksumCoversTheSectionHeader) {
  const DumpBuilder good = full_dump();
  const size_t thread = good.section_offset(2);
  auto flip = [&](size_t at, uint8_t bit, const std::string& name) {
    DumpBuilder b = good;
    b.bytes()[at] ^= bit;
    std::string path = b.write(name);
    return error_of(path).substr(path.size() + 2);
  };
  const std::string at = " at byte " + std::to_string(thread) + " (checksum mismatch)";
  EXPECT_EQ(flip(thread, 0x40, "type-unknown.fnp"), "corrupt section of type 67" + at);
  EXPECT_EQ(flip(thread, 0x01, "type-modules.fnp"), "corrupt section 'modules'" + at);
  // A size one byte smaller: the payload's last byte would start the next
  // section.
  EXPECT_EQ(flip(thread + 8, 0x01, "size.fnp"), "corrupt section 'thread'" + at);
}

TEST(DumpReaderErrors, ChecksumMismatchInTheProcessSection) {
  DumpBuilder b = full_dump();
  b.bytes()[16 + 4] ^= 1;  // the stored crc itself
  std::string path = b.write("badcrc.fnp");
  EXPECT_EQ(error_of(path), path + ": corrupt section 'process' at byte 16 (checksum mismatch)");
}

// A payload whose checksum is right but whose records are not.
TEST(DumpReaderErrors, BadRecords) {
  auto thread_error = [](std::vector<uint8_t> payload, const std::string& name) {
    DumpBuilder b;
    b.process(test_process());
    const size_t offset = b.bytes().size();
    b.section(format::SectionType::Thread, payload).end();
    std::string path = b.write(name);
    std::string prefix = path + ": corrupt section 'thread' at byte " + std::to_string(offset) + " ";
    std::string error = error_of(path);
    return error.rfind(prefix, 0) == 0 ? error.substr(prefix.size()) : error;
  };
  std::vector<uint8_t> record = DumpBuilder::encode(format::ThreadRecord{1, "t", 0, 0, 0, 2});
  std::vector<uint8_t> node = DumpBuilder::encode(format::NodeRecord{1, 0x40, 1, 1});

  // node_count says 2, one node follows.
  std::vector<uint8_t> short_payload = record;
  short_payload.insert(short_payload.end(), node.begin(), node.end());
  EXPECT_EQ(thread_error(short_payload, "short.fnp"), "(bad record)");
  // A varint that never ends.
  EXPECT_EQ(thread_error({0x80, 0x80, 0x80}, "varint.fnp"), "(bad record)");
  // Bytes left over after the records.
  std::vector<uint8_t> trailing = short_payload;
  trailing.insert(trailing.end(), node.begin(), node.end());
  trailing.push_back(0);
  EXPECT_EQ(thread_error(trailing, "trailing.fnp"), "(bad record)");
  // A node count far beyond what the payload could hold.
  EXPECT_EQ(thread_error(DumpBuilder::encode(format::ThreadRecord{1, "t", 0, 0, 0, 1ull << 40}), "huge.fnp"),
            "(bad record)");
}

TEST(DumpReaderErrors, BadModulesAndProcessRecords) {
  DumpBuilder b;
  b.process(test_process());
  b.section(format::SectionType::Modules, {5, 1, 'x'}).end();  // says 5 modules
  std::string path = b.write("badmodules.fnp");
  EXPECT_EQ(error_of(path), path + ": corrupt section 'modules' at byte " + std::to_string(b.section_offset(1)) +
                                " (bad record)");

  format::ProcessRecord p = test_process();
  p.ticks_per_second = 0;
  DumpBuilder zero;
  zero.process(p).end();
  path = zero.write("zerotps.fnp");
  EXPECT_EQ(error_of(path), path + ": corrupt section 'process' at byte 16 (ticks per second is 0)");
}

TEST(DumpReaderErrors, ParentOutOfRange) {
  DumpBuilder b;
  b.process(test_process());
  const size_t offset = b.bytes().size();
  // The builder computes parent_delta = index - parent: parent 3 of node 2
  // gives a delta that wraps, parent 2 of node 2 gives delta 0.
  b.thread({1, "t", 0, 0, 0, 0}, {{0, 0x10, 1, 1}, {3, 0x20, 1, 1}}).end();
  std::string path = b.write("parent.fnp");
  EXPECT_EQ(error_of(path), path + ": corrupt section 'thread' at byte " + std::to_string(offset) +
                                " (node 2 has parent out of range)");

  DumpBuilder self;
  self.process(test_process());
  self.thread({1, "t", 0, 0, 0, 0}, {{0, 0x10, 1, 1}, {2, 0x20, 1, 1}}).end();
  path = self.write("selfparent.fnp");
  EXPECT_EQ(error_of(path), path + ": corrupt section 'thread' at byte " + std::to_string(offset) +
                                " (node 2 has parent out of range)");
}

std::vector<uint8_t> join(std::initializer_list<std::vector<uint8_t>> parts) {
  std::vector<uint8_t> out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// The tracker's and the API's sections report problems in the same one-line
// form as the others, through the same DumpError.
// The leak scan's classes land on their sites; a dump without the section
// (an older tracker's) reads with none.
TEST(DumpReader, LeakScanRoundTrips) {
  using format::SectionType;
  auto site = DumpBuilder::encode(format::AllocSiteRecord{});
  for (bool with_scan : {true, false}) {
    DumpBuilder b;
    b.process(test_process());
    b.section(SectionType::AllocSites, join({{3}, site, site, site}));
    if (with_scan) {
      b.section(SectionType::LeakScan,
                join({DumpBuilder::encode(format::LeakScanRecord{100, 200, 300, format::kLeakScanMainEntered, 2}),
                      DumpBuilder::encode(format::LeakSiteRecord{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}),
                      DumpBuilder::encode(format::LeakSiteRecord{2, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})}));
    }
    b.end();
    Dump d = read_dump(b.write(with_scan ? "scan.fnp" : "no_scan.fnp"));
    const LeakScanInfo& scan = d.alloc.leak_scan;
    ASSERT_EQ(d.alloc.sites.size(), 3u);
    EXPECT_EQ(scan.present, with_scan);
    if (!with_scan) {
      for (const AllocSite& s : d.alloc.sites) EXPECT_EQ(s.leak.lost_blocks() + s.leak.blocks[3], 0u);
      continue;
    }
    EXPECT_EQ(scan.root_bytes, 100u);
    EXPECT_EQ(scan.block_bytes, 200u);
    EXPECT_EQ(scan.scan_ns, 300u);
    EXPECT_EQ(scan.flags, uint64_t{format::kLeakScanMainEntered});
    const LeakClasses& a = d.alloc.sites[0].leak;
    EXPECT_EQ(a.blocks_of(LeakClass::Definite), 1u);
    EXPECT_EQ(a.bytes_of(LeakClass::Definite), 2u);
    EXPECT_EQ(a.blocks_of(LeakClass::Indirect), 3u);
    EXPECT_EQ(a.bytes_of(LeakClass::Indirect), 4u);
    EXPECT_EQ(a.blocks_of(LeakClass::Possible), 5u);
    EXPECT_EQ(a.bytes_of(LeakClass::Possible), 6u);
    EXPECT_EQ(a.blocks_of(LeakClass::Reachable), 7u);
    EXPECT_EQ(a.bytes_of(LeakClass::Reachable), 8u);
    EXPECT_EQ(a.startup_blocks, 9u);
    EXPECT_EQ(a.startup_bytes, 10u);
    EXPECT_EQ(d.alloc.sites[1].leak.lost_blocks(), 0u);  // no record: nothing live
    const LeakClasses& c = d.alloc.sites[2].leak;  // site 0 + delta 2
    EXPECT_EQ(c.blocks_of(LeakClass::Definite), 11u);
    EXPECT_EQ(c.bytes_of(LeakClass::Reachable), 18u);
    EXPECT_EQ(c.startup_bytes, 20u);
  }
}

TEST(DumpReaderErrors, AllocAndApiSectionsReportLikeTheOthers) {
  // The error of a dump with these sections after the process section, with
  // "<path>: " left out and "@" standing for the last section's offset.
  auto error_with = [](std::vector<std::pair<format::SectionType, std::vector<uint8_t>>> sections,
                       const std::string& name) {
    DumpBuilder b;
    b.process(test_process());
    size_t last = 0;
    for (auto& [type, payload] : sections) {
      last = b.bytes().size();
      b.section(type, payload);
    }
    b.end();
    std::string path = b.write(name);
    std::string error = error_of(path);
    if (error.rfind(path + ": ", 0) == 0) error = error.substr(path.size() + 2);
    std::string at = "at byte " + std::to_string(last);
    if (size_t i = error.find(at); i != std::string::npos) error.replace(i, at.size(), "at byte @");
    return error;
  };
  using format::SectionType;
  auto site = DumpBuilder::encode(format::AllocSiteRecord{});
  EXPECT_EQ(error_with({{SectionType::AllocSites, {3}}}, "sites.fnp"),
            "corrupt section 'alloc-sites' at byte @ (bad record)");
  auto summary = DumpBuilder::encode(format::AllocSummaryRecord{});
  EXPECT_EQ(error_with({{SectionType::AllocSummary, summary}, {SectionType::AllocSummary, summary}},
                       "summaries.fnp"),
            "corrupt section 'alloc-summary' at byte @ (second alloc-summary section)");
  auto timeline = DumpBuilder::encode(format::ResourceTimelineRecord{});
  EXPECT_EQ(error_with({{SectionType::ResourceTimeline, timeline}, {SectionType::ResourceTimeline, timeline}},
                       "timelines.fnp"),
            "corrupt section 'resource-timeline' at byte @ (second resource-timeline section)");
  // A delta that would take the RSS below 0 (shown as 16 EiB before).
  format::ResourceTimelineRecord one_sample{};
  one_sample.sample_count = 1;
  format::ResourceSampleRecord below_zero{};
  below_zero.rss_bytes_delta = -1;
  EXPECT_EQ(error_with({{SectionType::ResourceTimeline,
                         join({DumpBuilder::encode(one_sample), DumpBuilder::encode(below_zero)})}},
                       "rss.fnp"),
            "corrupt section 'resource-timeline' at byte @ (resource sample out of range)");
  auto block = DumpBuilder::encode(format::LiveBlockRecord{8, 16, 1, 1});
  EXPECT_EQ(error_with(
                {{SectionType::AllocSites, join({{1}, site})}, {SectionType::LiveBlocks, join({{1}, block})}},
                "blocks.fnp"),
            "corrupt section 'live-blocks' at byte @ (live block of an unknown site)");
  auto classes = DumpBuilder::encode(format::LeakScanRecord{0, 0, 0, 0, 1});
  EXPECT_EQ(error_with({{SectionType::AllocSites, join({{1}, site})},
                        {SectionType::LeakScan, join({classes, DumpBuilder::encode(format::LeakSiteRecord{1})})}},
                       "scan.fnp"),
            "corrupt section 'leak-scan' at byte @ (leak classes of an unknown site)");
  auto phases = join({DumpBuilder::encode(format::PhaseThreadRecord{1, 1, 0}),
                      DumpBuilder::encode(format::PhaseRecord{0, 1, 0, 0, 0, 0, 0})});
  EXPECT_EQ(error_with({{SectionType::Phases, phases}}, "phases.fnp"),
            "corrupt section 'phases' at byte @ (phase 0 has parent out of range)");
  // A stack whose frame count is more than the section holds; a byte left over.
  auto stack = DumpBuilder::encode(format::CapturedStackRecord{0, 0, "x", 0, 0, 9});
  EXPECT_EQ(error_with({{SectionType::CapturedStacks, join({{1}, stack})}}, "frames.fnp"),
            "corrupt section 'captured-stacks' at byte @ (bad record)");
  EXPECT_EQ(error_with({{SectionType::Counters, {0, 0}}}, "trailing.fnp"),
            "corrupt section 'counters' at byte @ (bad record)");
}

TEST(DumpReaderErrors, TruncatedAllocSectionSaysHowMuchIsMissing) {
  DumpBuilder b;
  b.process(test_process());
  const size_t at = b.bytes().size();
  b.section(format::SectionType::AllocSites, std::vector<uint8_t>(4096 + 10, 0));
  std::vector<uint8_t> bytes = b.bytes();
  bytes.resize(bytes.size() - 4096);
  std::string path = DumpBuilder::write_bytes("cutsites.fnp", bytes);
  EXPECT_EQ(error_of(path), path + ": truncated section 'alloc-sites' at byte " + std::to_string(at) +
                                " (expected 4096 more bytes)");
  try {
    read_dump(path);
    ADD_FAILURE() << "no error";
  } catch (const DumpError& e) {
    EXPECT_EQ(e.path(), path);
    EXPECT_EQ(e.part(), DumpError::Part::Section);
    EXPECT_EQ(e.section(), static_cast<uint32_t>(format::SectionType::AllocSites));
    EXPECT_EQ(e.offset(), at);
  }
}

TEST(DumpReaderErrors, MissingProcessSection) {
  DumpBuilder b;
  b.thread({1, "t", 0, 0, 0, 0}, {{0, 0x10, 1, 1}}).end();
  std::string path = b.write("noprocess.fnp");
  EXPECT_EQ(error_of(path), path + ": no process section");
}

// Sections the runtime writes once per dump: a second one is an error
// naming it, never counts added up.
TEST(DumpReaderErrors, SecondModulesSection) {
  DumpBuilder b;
  b.process(test_process());
  b.modules({{"/bin/a", "", 0, 0, 0x1000}});
  b.modules({{"/bin/a", "", 0, 0, 0x1000}});
  b.end();
  std::string path = b.write("twomodules.fnp");
  EXPECT_EQ(error_of(path), path + ": corrupt section 'modules' at byte " + std::to_string(b.section_offset(2)) +
                                " (second modules section)");
}

// The end section counts and chains the sections before it: a section that
// goes missing or moves is caught although every section's own checksum holds.
TEST(DumpReaderErrors, ADroppedSectionIsCaughtByTheEndSection) {
  DumpBuilder b = full_dump();
  std::vector<uint8_t> bytes = b.bytes();
  const size_t worker = b.section_offset(3), end = b.section_offset(4);
  bytes.erase(bytes.begin() + worker, bytes.begin() + end);
  std::string path = DumpBuilder::write_bytes("dropped.fnp", bytes);
  EXPECT_EQ(error_of(path), path + ": corrupt section 'end' at byte " + std::to_string(worker) +
                                " (3 sections before it, where the writer wrote 4)");
}

TEST(DumpReaderErrors, SwappedSectionsAreCaughtByTheEndSection) {
  DumpBuilder b = full_dump();
  const std::vector<uint8_t>& in = b.bytes();
  const size_t main_thread = b.section_offset(2), worker = b.section_offset(3), end = b.section_offset(4);
  std::vector<uint8_t> bytes(in.begin(), in.begin() + main_thread);
  bytes.insert(bytes.end(), in.begin() + worker, in.begin() + end);
  bytes.insert(bytes.end(), in.begin() + main_thread, in.begin() + worker);
  bytes.insert(bytes.end(), in.begin() + end, in.end());
  std::string path = DumpBuilder::write_bytes("swapped.fnp", bytes);
  EXPECT_EQ(error_of(path), path + ": corrupt section 'end' at byte " + std::to_string(end) +
                                " (the sections are not in the order they were written)");
}

// A complete dump ends with its end section (tests/fuzz/findings/
// bytes_after_end.fnp: the fuzzer's first finding once the end section held
// a record).
TEST(DumpReaderErrors, BytesAfterTheEndSection) {
  DumpBuilder b = full_dump();
  std::vector<uint8_t> bytes = b.bytes();
  bytes.insert(bytes.end(), {1, 2, 3});
  std::string path = DumpBuilder::write_bytes("after.fnp", bytes);
  EXPECT_EQ(error_of(path), path + ": corrupt section 'end' at byte " + std::to_string(b.section_offset(4)) +
                                " (3 bytes after it)");
}

TEST(DumpReaderErrors, ThreadSectionTwice) {
  DumpBuilder b = full_dump();
  std::vector<uint8_t> bytes = b.bytes();
  const size_t thread = b.section_offset(2), next = b.section_offset(3), end = b.section_offset(4);
  // The copy goes after the second thread, just before the end section.
  bytes.insert(bytes.begin() + end, b.bytes().begin() + thread, b.bytes().begin() + next);
  std::string path = DumpBuilder::write_bytes("twice.fnp", bytes);
  EXPECT_EQ(error_of(path), path + ": corrupt section 'thread' at byte " + std::to_string(end) +
                                " (second thread section of thread 4242)");
}

// The kernel reuses the tid of an exited thread; the runtime keeps exited
// threads, so one tid with lifetimes that do not overlap is two threads.
TEST(DumpReader, AReusedTidIsAnotherThread) {
  DumpBuilder b;
  b.process(test_process());
  b.thread({9, "first", 5000, 5100, 0, 0}, {{0, 0x10, 1, 100}});
  b.thread({9, "second", 5200, 7000, format::kThreadRunning, 0}, {{0, 0x10, 1, 1800}});
  b.thread({9, "overlaps", 5050, 5060, 0, 0}, {{0, 0x10, 1, 10}});
  b.end();
  std::string path = b.write("reused.fnp");
  EXPECT_EQ(error_of(path), path + ": corrupt section 'thread' at byte " + std::to_string(b.section_offset(3)) +
                                " (second thread section of thread 9)");
  DumpBuilder ok;
  ok.process(test_process());
  ok.thread({9, "first", 5000, 5100, 0, 0}, {{0, 0x10, 1, 100}});
  ok.thread({9, "second", 5200, 7000, format::kThreadRunning, 0}, {{0, 0x10, 1, 1800}});
  ok.end();
  Dump d = read_dump(ok.write("reused-ok.fnp"));
  ASSERT_EQ(d.threads.size(), 2u);
  EXPECT_EQ(d.threads[1].name, "second");
}

TEST(DumpReaderErrors, PhasesSectionTwice) {
  std::vector<uint8_t> payload = DumpBuilder::encode(format::PhaseThreadRecord{4242, 1, 0});
  std::vector<uint8_t> phase = DumpBuilder::encode(format::PhaseRecord{0, 0, 5100, 200, 0, 0, 0});
  payload.insert(payload.end(), phase.begin(), phase.end());
  std::vector<uint8_t> strings = {1, 1, 'p'};
  DumpBuilder b;
  b.process(test_process());
  b.section(format::SectionType::Phases, payload);
  b.section(format::SectionType::Phases, payload);
  b.section(format::SectionType::ApiStrings, strings);
  b.end();
  std::string path = b.write("twophases.fnp");
  EXPECT_EQ(error_of(path), path + ": corrupt section 'phases' at byte " + std::to_string(b.section_offset(2)) +
                                " (second phases section of thread 4242)");
}

TEST(DumpReaderErrors, SecondProcessSection) {
  DumpBuilder b;
  b.process(test_process());
  const size_t second = b.bytes().size();
  b.process(test_process()).end();
  std::string path = b.write("twoprocess.fnp");
  EXPECT_EQ(error_of(path), path + ": corrupt section 'process' at byte " + std::to_string(second) +
                                " (second process section)");
}

}  // namespace
}  // namespace fnprof
