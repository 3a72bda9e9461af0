// Reads and validates a dump (include/fnprof/format.h). The whole file is read
// into memory first, then walked section by section; every check names the
// section and the byte offset of its header, so a bad dump is reported as one
// line and nothing downstream ever sees half a dump.
#include "dump/dump_reader.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string_view>

#include <fmt/format.h>

#include "fnprof/format.h"

namespace fnprof {
namespace {

std::vector<uint8_t> read_file(const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), std::fclose);
  if (!file) throw DumpError(fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  std::vector<uint8_t> bytes;
  uint8_t buffer[1 << 16];
  while (size_t n = std::fread(buffer, 1, sizeof buffer, file.get()))
    bytes.insert(bytes.end(), buffer, buffer + n);
  // A directory opens fine but fails on the first read (EISDIR).
  if (std::ferror(file.get()))
    throw DumpError(fmt::format("{}: cannot read: {}", path, std::strerror(errno)));
  return bytes;
}

// zlib's crc32() takes a 32-bit length, so a payload is fed in pieces.
uint32_t payload_crc(const uint8_t* payload, uint64_t size) {
  uLong crc = crc32(0, nullptr, 0);
  for (uint64_t done = 0; done < size;) {
    uInt piece = static_cast<uInt>(std::min<uint64_t>(size - done, 1u << 30));
    crc = crc32(crc, payload + done, piece);
    done += piece;
  }
  return static_cast<uint32_t>(crc);
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

// Walks one file; holds what every error message needs.
class DumpParser {
 public:
  DumpParser(const std::string& path, const std::vector<uint8_t>& bytes)
      : path_(path), bytes_(bytes) {}

  Dump parse() {
    Dump dump;
    dump.path = path_;
    size_t pos = parse_file_header();
    bool have_process = false;
    for (;;) {
      if (pos == bytes_.size())
        throw error(fmt::format("truncated: no end section after byte {}", pos));
      size_t left = bytes_.size() - pos;
      if (left < sizeof(format::SectionHeader))
        throw error(fmt::format("truncated section header at byte {} (expected {} more bytes)", pos,
                                sizeof(format::SectionHeader) - left));
      format::SectionHeader header;
      std::memcpy(&header, bytes_.data() + pos, sizeof header);
      section_type_ = header.type;
      section_pos_ = pos;
      const uint8_t* payload = bytes_.data() + pos + sizeof header;
      left -= sizeof header;
      if (header.size > left)
        throw error(fmt::format("truncated section '{}' at byte {} (expected {} more bytes)", name(),
                                pos, header.size - left));
      const uint8_t* end = payload + header.size;
      if (payload_crc(payload, header.size) != header.crc32) throw corrupt("checksum mismatch");
      pos += sizeof header + header.size;

      switch (static_cast<format::SectionType>(header.type)) {
        case format::SectionType::End:
          if (!have_process) throw DumpError(fmt::format("{}: no process section", path_));
          return dump;
        case format::SectionType::Process:
          if (have_process) throw corrupt("second process section");
          dump.process = parse_process(payload, end);
          have_process = true;
          break;
        case format::SectionType::Modules:
          parse_modules(payload, end, dump.modules);
          break;
        case format::SectionType::Thread:
          dump.threads.push_back(parse_thread(payload, end));
          break;
        default:
          // The allocation tracker's sections; any other type is a newer
          // writer's: skipping it is how the format grows.
          if (auto why = parse_alloc_section(header.type, payload, end, dump.alloc)) throw corrupt(*why);
          if (auto why = parse_api_section(header.type, payload, end, dump.api)) throw corrupt(*why);
          break;
      }
    }
  }

 private:
  size_t parse_file_header() {
    format::FileHeader header;
    if (bytes_.size() < sizeof header.magic ||
        std::memcmp(bytes_.data(), format::kMagic, sizeof header.magic) != 0)
      throw DumpError(fmt::format("{}: not an fnprof dump (bad magic)", path_));
    if (bytes_.size() < sizeof header)
      throw error(fmt::format("truncated file header at byte 0 (expected {} more bytes)",
                              sizeof header - bytes_.size()));
    std::memcpy(&header, bytes_.data(), sizeof header);
    if (header.version > format::kVersion)
      throw error(fmt::format("format version {} is newer than this perf-report supports ({})",
                              header.version, format::kVersion));
    if (header.version == 0) throw error("corrupt file header (format version 0)");
    if (header.header_size < sizeof header)
      throw error(fmt::format("corrupt file header (header size {})", header.header_size));
    // A later version may grow the header; its extra fields are skipped.
    if (header.header_size > bytes_.size())
      throw error(fmt::format("truncated file header at byte 0 (expected {} more bytes)",
                              header.header_size - bytes_.size()));
    return header.header_size;
  }

  ProcessInfo parse_process(const uint8_t* begin, const uint8_t* end) {
    format::Decoder d(begin, end);
    format::ProcessRecord r;
    fields(d, r);
    if (!d.ok() || !d.at_end()) throw corrupt("bad record");
    if (r.ticks_per_second == 0) throw corrupt("ticks per second is 0");
    ProcessInfo p;
    p.pid = r.pid, p.ppid = r.ppid;
    p.program = r.program, p.exe = r.exe;
    p.args = split_args(r.cmdline);
    p.start_unix_ns = r.start_unix_ns;
    p.clock_source = r.clock_source;
    p.ticks_per_second = r.ticks_per_second;
    p.start_ticks = r.start_ticks, p.end_ticks = r.end_ticks;
    p.reason = r.reason, p.signal = r.signal;
    return p;
  }

  void parse_modules(const uint8_t* begin, const uint8_t* end, std::vector<Module>& out) {
    format::Decoder d(begin, end);
    uint64_t count = d.varint();
    // A larger count is a lie, caught before it turns into a huge allocation.
    if (!d.ok() || !format::count_fits<format::ModuleRecord>(count, d.remaining())) throw corrupt("bad record");
    for (uint64_t i = 0; i < count; ++i) {
      format::ModuleRecord r;
      fields(d, r);
      if (!d.ok()) throw corrupt("bad record");
      out.push_back(Module{std::string(r.path), std::string(r.build_id), r.bias, r.lo, r.hi});
    }
    if (!d.at_end()) throw corrupt("bad record");
  }

  Thread parse_thread(const uint8_t* begin, const uint8_t* end) {
    format::Decoder d(begin, end);
    format::ThreadRecord r;
    fields(d, r);
    if (!d.ok() || !format::count_fits<format::NodeRecord>(r.node_count, d.remaining()) ||
        r.node_count >= UINT32_MAX)
      throw corrupt("bad record");
    Thread t;
    t.tid = r.tid, t.name = r.name;
    t.start_ticks = r.start_ticks, t.end_ticks = r.end_ticks, t.flags = r.flags;
    t.nodes.resize(r.node_count + 1);  // nodes[0] is the root, its own parent
    format::DeltaCodec<int64_t> func;
    for (uint64_t i = 1; i <= r.node_count; ++i) {
      format::NodeRecord n;
      fields(d, n);
      if (!d.ok()) throw corrupt("bad record");
      if (n.parent_delta == 0 || n.parent_delta > i)
        throw corrupt(fmt::format("node {} has parent out of range", i));
      t.nodes[i] = CallNode{static_cast<uint32_t>(i - n.parent_delta), func.decode(n.func_delta), n.calls,
                            n.incl_ticks};
    }
    if (!d.at_end()) throw corrupt("bad record");
    return t;
  }

  std::string_view name() const { return format::section_name(section_type_); }
  DumpError error(const std::string& what) const { return DumpError(path_ + ": " + what); }
  DumpError corrupt(const std::string& why) const {
    return error(fmt::format("corrupt section '{}' at byte {} ({})", name(), section_pos_, why));
  }

  const std::string& path_;
  const std::vector<uint8_t>& bytes_;
  uint32_t section_type_ = 0;
  size_t section_pos_ = 0;
};

}  // namespace

const Module* Dump::module_of(uint64_t address) const {
  for (auto it = modules.rbegin(); it != modules.rend(); ++it)
    if (it->lo <= address && address < it->hi) return &*it;
  return nullptr;
}

Dump read_dump(const std::string& path) {
  std::vector<uint8_t> bytes = read_file(path);
  return DumpParser(path, bytes).parse();
}

}  // namespace fnprof
