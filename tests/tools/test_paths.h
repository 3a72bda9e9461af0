// Helpers shared by the tests that look at real binaries: where a symbol of
// the symbolize_target program is (from nm) and on which line of its source a
// definition starts.
#pragma once

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

#include <gtest/gtest.h>

namespace fnprof::testing {

// Runs `command` through the shell; returns its standard output.
inline std::string run_capture(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) return {};
  std::string out;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe.get())) out.append(buffer, n);
  return out;
}

// The file address of `mangled` in `binary`, 0 when nm does not list it.
inline uint64_t nm_address(const std::string& binary, const std::string& mangled) {
  std::string out = run_capture(std::string(NM) + " " + binary);
  size_t at = out.find(" " + mangled + "\n");
  if (at == std::string::npos) return 0;
  size_t line_start = out.rfind('\n', at);
  line_start = line_start == std::string::npos ? 0 : line_start + 1;
  return std::stoull(out.substr(line_start, at - line_start), nullptr, 16);
}

// The 1-based number of the first line of `file` containing `text`, or 0.
inline uint32_t line_of(const std::string& file, const std::string& text) {
  std::ifstream in(file);
  std::string line;
  for (uint32_t n = 1; std::getline(in, line); ++n)
    if (line.find(text) != std::string::npos) return n;
  return 0;
}

}  // namespace fnprof::testing
