// Turns runtime addresses from a dump into source-level frames with LLVM's
// symbolizer: DWARF file:line and inlined frames where there is debug info,
// ELF symbols for stripped binaries, and "module+0xoffset" (plus one warning
// per module) when the file is missing. Every (module, address) is looked up
// once.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dump/dump_reader.h"

namespace fnprof {

struct Frame {
  // Demangled; "module+0xoffset" when unknown. When identical-code folding
  // left several functions' names on its code, the function DWARF describes
  // there comes first and the others follow: "A (same code as B, C)".
  std::string function;
  std::string file;  // empty when unknown
  uint32_t line = 0;
  bool resolved = false;
  // Where it was looked up: the module's path (empty outside every module)
  // and the address in the module's file (the runtime address when outside).
  // Frames inlined at one address share it; each but the outermost is
  // `inlined` into the frame after it.
  std::string module;
  uint64_t address = 0;
  bool inlined = false;
  // B, C: the other names, demangled (defaulted, so brace-initialized frames
  // may leave it out).
  std::vector<std::string> same_code_as = {};
};

class Symbolizer {
 public:
  Symbolizer();
  ~Symbolizer();

  // The function that starts at (or contains) `address`, with the line where
  // it is declared. `module` may be null (address outside every module).
  const Frame& function_at(const Module* module, uint64_t address);

  // The frames at a code address, innermost (inlined) first, outermost last.
  const std::vector<Frame>& frames_at(const Module* module, uint64_t address);

  // Warnings collected so far (missing files, build-id mismatches), once each.
  const std::vector<std::string>& warnings() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fnprof
