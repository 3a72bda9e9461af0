// Gives every section of a dump the checksum the writer would give it
// (format::section_crc: CRC-32 of the type, size and payload; of the payload
// alone in version 1), so that a mutated payload
// gets past the checksum to its section parser. The fuzzer reads each input
// twice, as it is and with its checksums fixed; without this, nearly every
// mutation would end at "checksum mismatch".
#pragma once

#include <zlib.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "fnprof/format.h"

namespace fnprof::fuzz {

// Walks the sections as the reader does and stops at the first header or
// payload that does not fit in `bytes`, or at the end section, which (from
// version 2 on) it writes anew with the count and chain of the sections
// before it (unless it already holds them), dropping whatever follows.
inline void fix_checksums(std::vector<uint8_t>& bytes) {
  format::FileHeader file;
  if (bytes.size() < sizeof file) return;
  std::memcpy(&file, bytes.data(), sizeof file);
  format::EndRecord end;
  for (uint64_t pos = file.header_size; pos <= bytes.size() && bytes.size() - pos >= sizeof(format::SectionHeader);) {
    format::SectionHeader header;
    std::memcpy(&header, bytes.data() + pos, sizeof header);
    uint64_t payload = pos + sizeof header;
    if (header.size > bytes.size() - payload) return;
    if (header.type == static_cast<uint32_t>(format::SectionType::End) && file.version >= 2) {
      // Left as it is when it already says so (however its varints are spelt).
      format::Decoder d(bytes.data() + payload, bytes.data() + payload + header.size);
      format::EndRecord written;
      fields(d, written);
      if (d.ok() && d.at_end() && written.sections == end.sections && written.sections_crc == end.sections_crc &&
          header.crc32 == format::section_crc(crc32_z, header.type, header.size, bytes.data() + payload))
        return;
      std::vector<uint8_t> record(format::bound(end));
      format::Encoder e(record.data());
      fields(e, end);
      record.resize(static_cast<size_t>(e.pos() - record.data()));
      header.size = record.size();
      header.crc32 = format::section_crc(crc32_z, header.type, header.size, record.data());
      bytes.resize(pos + sizeof header);
      std::memcpy(bytes.data() + pos, &header, sizeof header);
      bytes.insert(bytes.end(), record.begin(), record.end());
      return;
    }
    header.crc32 = file.version >= 2 ? format::section_crc(crc32_z, header.type, header.size, bytes.data() + payload)
                                     : static_cast<uint32_t>(crc32_z(0, bytes.data() + payload, header.size));
    std::memcpy(bytes.data() + pos, &header, sizeof header);
    if (header.type == static_cast<uint32_t>(format::SectionType::End)) return;
    ++end.sections;
    end.sections_crc = format::sections_crc(crc32_z, static_cast<uint32_t>(end.sections_crc), header.crc32);
    pos = payload + header.size;
  }
}

}  // namespace fnprof::fuzz
