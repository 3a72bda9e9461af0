// The buffer a dump is encoded into before it is written: its own mapping
// (mremap to grow), never the program's heap, so encoding is safe at exit, in
// a signal handler and while the allocation tracker is interposing malloc.
// Header-only because libfnprof_alloc.so encodes its sections into it too.
#pragma once

#include <sys/mman.h>

#include <cstring>

#include "crc32.h"
#include "fnprof/format.h"

namespace fnprof::rt {

using namespace format;

class DumpBuffer {
 public:
  DumpBuffer() = default;
  DumpBuffer(const DumpBuffer&) = delete;
  DumpBuffer& operator=(const DumpBuffer&) = delete;
  ~DumpBuffer() {
    if (data_) munmap(data_, capacity_);
  }
  bool reserve(size_t more) {
    if (failed_) return false;
    if (size_ + more <= capacity_) return true;
    size_t cap = capacity_ ? capacity_ : 1 << 20;
    while (cap < size_ + more) cap *= 2;
    void* p = data_ ? mremap(data_, capacity_, cap, MREMAP_MAYMOVE)
                    : mmap(nullptr, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return failed_ = true, false;
    data_ = static_cast<uint8_t*>(p), capacity_ = cap;
    return true;
  }
  template <class Record>
  void put(Record r) {
    if (!reserve(bound(r))) return;
    Encoder e(data_ + size_);
    fields(e, r);
    size_ = static_cast<size_t>(e.pos() - data_);
  }
  // A stack's frames, as deltas (format.h, encode_frames).
  template <class Frame>
  void put_frames(const Frame* frames, size_t count) {
    if (!reserve(frames_bound(count))) return;
    Encoder e(data_ + size_);
    encode_frames(e, frames, count);
    size_ = static_cast<size_t>(e.pos() - data_);
  }
  void put_varint(uint64_t v) {
    if (reserve(kMaxVarint)) size_ = static_cast<size_t>(format::put_varint(data_ + size_, v) - data_);
  }
  // A count known only after its items are written: reserve_count() leaves
  // room for a varint padded to its full 10 bytes (LEB128 allows the
  // redundant continuation bytes), set_count() fills it in.
  size_t reserve_count() {
    size_t at = size_;
    if (reserve(kMaxVarint)) size_ += kMaxVarint;
    return at;
  }
  void set_count(size_t at, uint64_t v) {
    if (failed_) return;
    for (size_t i = 0; i + 1 < kMaxVarint; ++i, v >>= 7) data_[at + i] = static_cast<uint8_t>(v & 0x7f) | 0x80;
    data_[at + kMaxVarint - 1] = static_cast<uint8_t>(v);
  }
  // Sections: begin() reserves the header, end() fills it in.
  size_t begin_section() {
    size_t at = size_;
    if (reserve(sizeof(SectionHeader))) size_ += sizeof(SectionHeader);
    return at;
  }
  void end_section(size_t at, SectionType type) {
    if (failed_) return;
    size_t payload = size_ - at - sizeof(SectionHeader);
    SectionHeader h{static_cast<uint32_t>(type), 0, payload};
    h.crc32 = section_crc(crc32, h.type, payload, data_ + at + sizeof h);
    std::memcpy(data_ + at, &h, sizeof h);
    ++sections_;
    sections_crc_ = fnprof::format::sections_crc(crc32, sections_crc_, h.crc32);
  }
  // What the end section records of the sections before it (EndRecord).
  EndRecord end_record() const { return {sections_, sections_crc_}; }
  void append(const void* p, size_t n) {
    if (!reserve(n)) return;
    std::memcpy(data_ + size_, p, n);
    size_ += n;
  }
  bool failed() const { return failed_; }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  uint8_t* data_ = nullptr;
  size_t size_ = 0, capacity_ = 0;
  bool failed_ = false;
  uint64_t sections_ = 0;
  uint32_t sections_crc_ = 0;
};

// Another part of the runtime (the allocation tracker) adds its sections to
// every dump through one of these; `now` is the dump's end time in ticks.
using SectionWriter = void (*)(DumpBuffer& buffer, uint64_t now);

}  // namespace fnprof::rt
