// The fnprof dump format: the one definition shared by the runtime (writer)
// and perf-report (reader). docs/FORMAT.md explains it byte by byte.
//
// A dump is a file header followed by sections:
//
//   FileHeader   magic "FNPROF\0\x1a", u32 version, u32 header size
//   Section*     SectionHeader {u32 type, u32 crc32, u64 size} + payload
//   End          an empty section of type End: without it the file is
//                truncated
//
// All integers are little-endian. Payloads are sequences of LEB128 varints
// and length-prefixed strings, described for each record below by a
// `fields(codec, record)` function: the writer runs it with an encoder, the
// reader with a decoder, so the field order exists exactly once. A reader
// skips section types it does not know, which is how the format grows: new
// data arrives as new section types, and `kVersion` changes only when an
// existing record changes meaning.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace fnprof::format {

inline constexpr char kMagic[8] = {'F', 'N', 'P', 'R', 'O', 'F', '\0', '\x1a'};
inline constexpr uint32_t kVersion = 1;

struct FileHeader {
  char magic[8];
  uint32_t version;
  uint32_t header_size;  // sizeof(FileHeader); lets a later version grow it
};
static_assert(sizeof(FileHeader) == 16);

enum class SectionType : uint32_t {
  End = 0,
  Process = 1,  // one ProcessRecord
  Modules = 2,  // varint count, then ModuleRecord each
  Thread = 3,   // one ThreadRecord, then node_count NodeRecords
};

inline constexpr std::string_view section_name(uint32_t type) {
  switch (static_cast<SectionType>(type)) {
    case SectionType::End: return "end";
    case SectionType::Process: return "process";
    case SectionType::Modules: return "modules";
    case SectionType::Thread: return "thread";
  }
  return "unknown";
}

struct SectionHeader {
  uint32_t type;
  uint32_t crc32;  // CRC-32 (zlib polynomial) of the payload
  uint64_t size;   // payload bytes following this header
};
static_assert(sizeof(SectionHeader) == 16);

enum class ClockSource : uint64_t { Tsc = 0, Monotonic = 1 };

enum class DumpReason : uint64_t { Exit = 0, Exec = 1, Signal = 2 };

// Everything about the process. Ticks are in the dump's clock; ticks_per_second
// converts them (1e9 for the monotonic clock).
struct ProcessRecord {
  uint64_t pid = 0;
  uint64_t ppid = 0;
  std::string_view program;  // basename of the executable
  std::string_view exe;      // absolute path of the executable
  std::string_view cmdline;  // arguments separated by NUL bytes
  uint64_t start_unix_ns = 0;
  uint64_t clock_source = 0;  // ClockSource
  uint64_t ticks_per_second = 0;
  uint64_t start_ticks = 0;  // when the runtime started
  uint64_t end_ticks = 0;    // when this dump was taken
  uint64_t reason = 0;       // DumpReason
  uint64_t signal = 0;       // the signal number when reason is Signal
};

template <class Codec>
void fields(Codec& c, ProcessRecord& r) {
  c(r.pid), c(r.ppid), c(r.program), c(r.exe), c(r.cmdline);
  c(r.start_unix_ns), c(r.clock_source), c(r.ticks_per_second);
  c(r.start_ticks), c(r.end_ticks), c(r.reason), c(r.signal);
}

// A module (executable or shared library) mapped at some time during the run.
// A runtime address A belongs to the module with lo <= A < hi; the address in
// the file's own virtual address space (what symbolizers take) is A - bias.
struct ModuleRecord {
  std::string_view path;
  std::string_view build_id;  // raw bytes of the GNU build-id note, maybe empty
  uint64_t bias = 0;          // load bias (dlpi_addr)
  uint64_t lo = 0;            // lowest mapped address of its PT_LOAD segments
  uint64_t hi = 0;            // one past the highest
};

template <class Codec>
void fields(Codec& c, ModuleRecord& r) {
  c(r.path), c(r.build_id), c(r.bias), c(r.lo), c(r.hi);
}

enum ThreadFlags : uint64_t {
  kThreadRunning = 1,    // still running when the dump was taken
  kThreadTruncated = 2,  // the node or depth capacity ran out
};

struct ThreadRecord {
  uint64_t tid = 0;
  std::string_view name;
  uint64_t start_ticks = 0;
  uint64_t end_ticks = 0;  // thread exit, or the dump time when running
  uint64_t flags = 0;      // ThreadFlags
  uint64_t node_count = 0;
};

template <class Codec>
void fields(Codec& c, ThreadRecord& r) {
  c(r.tid), c(r.name), c(r.start_ticks), c(r.end_ticks), c(r.flags);
  c(r.node_count);
}

// One node of a thread's calling-context tree: a distinct call path. Nodes
// come in creation order, so a parent always precedes its children; node 0 is
// the root (no function) and is not stored. Deltas keep records small: node i
// has parent index i - parent_delta, and its function address is the previous
// node's plus func_delta (zigzag-encoded). Self time is not stored: it is the
// node's inclusive time less its children's.
struct NodeRecord {
  uint64_t parent_delta = 0;
  int64_t func_delta = 0;
  uint64_t calls = 0;
  uint64_t incl_ticks = 0;
};

template <class Codec>
void fields(Codec& c, NodeRecord& r) {
  c(r.parent_delta), c(r.func_delta), c(r.calls), c(r.incl_ticks);
}

// ---- Encoding primitives -------------------------------------------------

inline constexpr size_t kMaxVarint = 10;

inline uint8_t* put_varint(uint8_t* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<uint8_t>(v) | 0x80;
    v >>= 7;
  }
  *p++ = static_cast<uint8_t>(v);
  return p;
}

inline uint64_t zigzag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t unzigzag(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

// Encodes records into a caller-provided buffer that has room for them
// (`bound()` gives an upper limit), so the runtime can encode into its own
// memory without malloc.
class Encoder {
 public:
  explicit Encoder(uint8_t* out) : p_(out) {}
  void operator()(uint64_t v) { p_ = put_varint(p_, v); }
  void operator()(int64_t v) { p_ = put_varint(p_, zigzag(v)); }
  void operator()(std::string_view s) {
    p_ = put_varint(p_, s.size());
    std::memcpy(p_, s.data(), s.size());
    p_ += s.size();
  }
  uint8_t* pos() const { return p_; }

 private:
  uint8_t* p_;
};

// Upper bound of a record's encoded size.
class SizeBound {
 public:
  void operator()(uint64_t) { n_ += kMaxVarint; }
  void operator()(int64_t) { n_ += kMaxVarint; }
  void operator()(std::string_view s) { n_ += kMaxVarint + s.size(); }
  size_t size() const { return n_; }

 private:
  size_t n_ = 0;
};

template <class Record>
size_t bound(Record r) {
  SizeBound b;
  fields(b, r);
  return b.size();
}

// Decodes records from a payload. Never reads past `end`; on malformed input
// it stops, sets ok() false and yields zeros and empty strings.
class Decoder {
 public:
  Decoder(const uint8_t* begin, const uint8_t* end) : p_(begin), end_(end) {}
  void operator()(uint64_t& v) { v = varint(); }
  void operator()(int64_t& v) { v = unzigzag(varint()); }
  void operator()(std::string_view& s) {
    uint64_t n = varint();
    if (n > static_cast<uint64_t>(end_ - p_)) return fail(), void(s = {});
    s = {reinterpret_cast<const char*>(p_), static_cast<size_t>(n)};
    p_ += n;
  }
  uint64_t varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ == end_) return fail(), 0;
      uint8_t b = *p_++;
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    return fail(), 0;
  }
  bool ok() const { return ok_; }
  bool at_end() const { return p_ == end_; }
  size_t remaining() const { return static_cast<size_t>(end_ - p_); }

 private:
  void fail() { ok_ = false, p_ = end_; }
  const uint8_t* p_;
  const uint8_t* end_;
  bool ok_ = true;
};

}  // namespace fnprof::format
