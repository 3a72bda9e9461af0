// The runtime's own CRC-32 for the dump's checksums (format.h, section_crc):
// the same function as zlib's crc32_z (reflected polynomial 0xEDB88320,
// inverted in and out), so the dumps read as before. The runtime cannot use
// zlib's: a program that contains its own zlib (statically, or instrumented)
// has the linker export its crc32_z, and the dump writer would then call the
// program's copy, which lands in its profile as calls it never made. Hidden
// like the rest of the runtime (-fvisibility=hidden), so nothing can
// interpose it. Slice-by-8: eight bytes per step through eight 1 KiB tables
// built at compile time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace fnprof::rt {

namespace crc32_detail {

struct Tables {
  uint32_t t[8][256];
};

constexpr Tables make_tables() {
  Tables s{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    s.t[0][i] = c;
  }
  // t[k][i]: the CRC of byte i followed by k zero bytes.
  for (int k = 1; k < 8; ++k)
    for (uint32_t i = 0; i < 256; ++i) s.t[k][i] = (s.t[k - 1][i] >> 8) ^ s.t[0][s.t[k - 1][i] & 0xff];
  return s;
}

inline constexpr Tables kTables = make_tables();

}  // namespace crc32_detail

// crc32(crc32(0, a), b) == crc32(0, a followed by b), as with zlib.
inline uint32_t crc32(uint32_t crc, const uint8_t* p, size_t n) {
  const auto& t = crc32_detail::kTables.t;
  uint32_t c = ~crc;
  for (; n >= 8; p += 8, n -= 8) {
    uint32_t lo, hi;
    std::memcpy(&lo, p, 4);  // little-endian (arch_x86_64.h)
    std::memcpy(&hi, p + 4, 4);
    lo ^= c;
    c = t[7][lo & 0xff] ^ t[6][(lo >> 8) & 0xff] ^ t[5][(lo >> 16) & 0xff] ^ t[4][lo >> 24] ^
        t[3][hi & 0xff] ^ t[2][(hi >> 8) & 0xff] ^ t[1][(hi >> 16) & 0xff] ^ t[0][hi >> 24];
  }
  for (; n; ++p, --n) c = (c >> 8) ^ t[0][(c ^ *p) & 0xff];
  return ~c;
}

}  // namespace fnprof::rt
