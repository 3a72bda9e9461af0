// libFuzzer target over the dump reader and every section parser
// (tools/dump/): whatever the bytes, read_dump() returns a dump or throws the
// one DumpError, a single line that starts with the file's name. Anything
// else (a crash, a sanitizer report, another exception, an allocation past
// -malloc_limit_mb) is a finding: scripts/fuzz.sh says what to do with it.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "dump/dump_reader.h"
#include "section_checksums.h"

namespace {

const std::string kPath = "fuzz.fnp";

bool reads(const std::vector<uint8_t>& bytes) {
  try {
    fnprof::read_dump(kPath, bytes);
    return true;
  } catch (const fnprof::DumpError& e) {
    std::string message = e.what();
    if (message.rfind(kPath + ": ", 0) != 0 || message.find('\n') != std::string::npos) {
      std::fprintf(stderr, "dump_fuzzer: error is not one line naming the file: %s\n", message.c_str());
      std::abort();
    }
    return false;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<uint8_t> bytes(data, data + size);
  bool valid = reads(bytes);
  std::vector<uint8_t> fixed = bytes;
  fnprof::fuzz::fix_checksums(fixed);
  // The seeds are valid dumps: if fixing changes one, fix_checksums no
  // longer computes what the writer does, and the fuzzer would stop at the
  // checksums without anyone noticing.
  if (valid && fixed != bytes) {
    std::fprintf(stderr, "dump_fuzzer: fix_checksums changed a valid dump; update it to the writer's checksums\n");
    std::abort();
  }
  if (fixed != bytes) reads(fixed);
  return 0;
}
