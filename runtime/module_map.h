// Every module (executable, shared library) mapped during the run, with its
// address range, load bias and build-id, so perf-report can symbolize
// addresses of a library the program dlclose'd before exit. Modules are only
// ever added: a scan happens at start-up, whenever the call tree meets an
// address outside every known module (a library was dlopen'ed), and before a
// dump.
#pragma once

#include <cstdint>

namespace fnprof::rt {

struct ModuleEntry {
  uint64_t bias, lo, hi;
  const char* path;
  uint8_t build_id[32];
  uint32_t build_id_size;
};

void module_map_init(const char* exe_path);
// Rescans when `address` is outside every known module. Cold path.
void note_code_address(uint64_t address);
// Adds the modules loaded since the last scan. Not async-signal-safe (the
// loader's lock): the dump writer skips it in a signal handler.
void scan_modules();
// Fork child: a scan in progress in another thread at fork never ends there.
void module_map_after_fork();
uint32_t module_count();
const ModuleEntry& module_at(uint32_t i);

}  // namespace fnprof::rt
