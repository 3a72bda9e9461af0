// Reads a dump file into memory, validating every byte of it. Errors are
// DumpError exceptions whose what() is one line naming the file and the
// problem, e.g. "run.fnp: truncated section 'thread' at byte 81920 (expected
// 4096 more bytes)".
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace fnprof {

struct DumpError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct ProcessInfo {
  uint64_t pid = 0, ppid = 0;
  std::string program, exe;
  std::vector<std::string> args;
  uint64_t start_unix_ns = 0;
  uint64_t clock_source = 0;  // format::ClockSource
  uint64_t ticks_per_second = 0;
  uint64_t start_ticks = 0, end_ticks = 0;
  uint64_t reason = 0, signal = 0;  // format::DumpReason
};

struct Module {
  std::string path, build_id;
  uint64_t bias = 0, lo = 0, hi = 0;
};

struct CallNode {
  uint32_t parent = 0;  // index in Thread::nodes; the root is its own parent
  uint64_t func = 0;    // runtime address; 0 for the root
  uint64_t calls = 0;
  uint64_t incl_ticks = 0;
};

struct Thread {
  uint64_t tid = 0;
  std::string name;
  uint64_t start_ticks = 0, end_ticks = 0, flags = 0;
  std::vector<CallNode> nodes;  // nodes[0] is the root
};

struct Dump {
  std::string path;
  ProcessInfo process;
  std::vector<Module> modules;
  std::vector<Thread> threads;

  // The module that held `address`: the last one recorded covering it, since
  // a later dlopen may reuse the range of an unloaded library.
  const Module* module_of(uint64_t address) const;
};

Dump read_dump(const std::string& path);

}  // namespace fnprof
