#include "module_map.h"

#include <elf.h>
#include <link.h>

#include <algorithm>
#include <atomic>
#include <cstring>

#include "memory.h"

namespace fnprof::rt {

namespace {

constexpr uint32_t kMaxModules = 8192;
constexpr size_t kPathSpace = 4 << 20;

ModuleEntry* g_modules;
std::atomic<uint32_t> g_count{0};
char* g_paths;
size_t g_paths_used;
const char* g_exe_path = "";
std::atomic_flag g_scanning = ATOMIC_FLAG_INIT;
std::atomic<uint32_t> g_last_hit{0};

void read_build_id(const dl_phdr_info* info, const ElfW(Phdr) & ph, ModuleEntry* m) {
  auto* p = reinterpret_cast<const uint8_t*>(info->dlpi_addr + ph.p_vaddr);
  const uint8_t* end = p + ph.p_memsz;
  while (p + sizeof(ElfW(Nhdr)) <= end) {
    auto* n = reinterpret_cast<const ElfW(Nhdr)*>(p);
    const uint8_t* name = p + sizeof(*n);
    const uint8_t* desc = name + ((n->n_namesz + 3) & ~3u);
    if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 && std::memcmp(name, "GNU", 4) == 0 &&
        n->n_descsz <= sizeof(m->build_id) && desc + n->n_descsz <= end) {
      std::memcpy(m->build_id, desc, n->n_descsz);
      m->build_id_size = n->n_descsz;
      return;
    }
    p = desc + ((n->n_descsz + 3) & ~3u);
  }
}

bool known(uint64_t bias, uint64_t lo, const char* path) {
  uint32_t n = g_count.load(std::memory_order_acquire);
  for (uint32_t i = 0; i < n; ++i)
    if (g_modules[i].bias == bias && g_modules[i].lo == lo && std::strcmp(g_modules[i].path, path) == 0)
      return true;
  return false;
}

int add_module(dl_phdr_info* info, size_t, void*) {
  // The executable has an empty name; the vDSO has no file to read.
  const char* path = info->dlpi_name[0] ? info->dlpi_name : g_exe_path;
  if (path[0] != '/') return 0;
  uint64_t lo = UINT64_MAX, hi = 0;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD) continue;
    lo = std::min<uint64_t>(lo, info->dlpi_addr + ph.p_vaddr);
    hi = std::max<uint64_t>(hi, info->dlpi_addr + ph.p_vaddr + ph.p_memsz);
  }
  if (hi == 0 || known(info->dlpi_addr, lo, path)) return 0;
  uint32_t n = g_count.load(std::memory_order_relaxed);
  size_t len = std::strlen(path) + 1;
  if (n == kMaxModules || g_paths_used + len > kPathSpace) return 1;
  ModuleEntry* m = &g_modules[n];
  *m = ModuleEntry{info->dlpi_addr, lo, hi, g_paths + g_paths_used, {}, 0};
  std::memcpy(g_paths + g_paths_used, path, len);
  g_paths_used += len;
  for (int i = 0; i < info->dlpi_phnum; ++i)
    if (info->dlpi_phdr[i].p_type == PT_NOTE) read_build_id(info, info->dlpi_phdr[i], m);
  g_count.store(n + 1, std::memory_order_release);
  return 0;
}

}  // namespace

void module_map_init(const char* exe_path) {
  g_exe_path = exe_path;
  if (!g_modules) {
    g_modules = static_cast<ModuleEntry*>(map_memory(kMaxModules * sizeof(ModuleEntry)));
    g_paths = static_cast<char*>(map_memory(kPathSpace));
  }
  scan_modules();
}

void scan_modules() {
  if (!g_modules) return;
  // Another thread scanning will find the same modules: no need to wait.
  if (g_scanning.test_and_set(std::memory_order_acquire)) return;
  dl_iterate_phdr(add_module, nullptr);
  g_scanning.clear(std::memory_order_release);
}

void note_code_address(uint64_t address) {
  uint32_t n = g_count.load(std::memory_order_acquire);
  uint32_t hit = g_last_hit.load(std::memory_order_relaxed);
  if (hit < n && g_modules[hit].lo <= address && address < g_modules[hit].hi) return;
  for (uint32_t i = 0; i < n; ++i) {
    if (g_modules[i].lo <= address && address < g_modules[i].hi) {
      g_last_hit.store(i, std::memory_order_relaxed);
      return;
    }
  }
  scan_modules();
}

void module_map_after_fork() { g_scanning.clear(); }

uint32_t module_count() { return g_count.load(std::memory_order_acquire); }
const ModuleEntry& module_at(uint32_t i) { return g_modules[i]; }

}  // namespace fnprof::rt
