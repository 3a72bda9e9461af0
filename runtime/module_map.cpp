#include "module_map.h"

#include <elf.h>
#include <link.h>

#include <atomic>

#include "compiler.h"
#include "memory.h"

namespace fnprof::rt {

namespace {

constexpr uint32_t kMaxModules = 8192;
constexpr size_t kPathSpace = 4 << 20;

ModuleEntry* g_modules;
// Read and written with the __atomic builtins: std::atomic's are functions,
// which the callback under the loader's lock must not call.
uint32_t g_count;
char* g_paths;
size_t g_paths_used;
const char* g_exe_path = "";
std::atomic_flag g_scanning = ATOMIC_FLAG_INIT;
std::atomic<uint32_t> g_last_hit{0};

// The callback's own string functions (FNPROF_UNDER_LOADER_LOCK).
FNPROF_UNDER_LOADER_LOCK size_t length(const char* s) {
  size_t n = 0;
  while (s[n]) ++n;
  return n;
}

FNPROF_UNDER_LOADER_LOCK bool same(const void* a, const void* b, size_t n) {
  for (size_t i = 0; i < n; ++i)
    if (static_cast<const uint8_t*>(a)[i] != static_cast<const uint8_t*>(b)[i]) return false;
  return true;
}

FNPROF_UNDER_LOADER_LOCK void copy(void* to, const void* from, size_t n) {
  for (size_t i = 0; i < n; ++i) static_cast<uint8_t*>(to)[i] = static_cast<const uint8_t*>(from)[i];
}

FNPROF_UNDER_LOADER_LOCK void read_build_id(const dl_phdr_info* info, const ElfW(Phdr) & ph, ModuleEntry* m) {
  auto* p = reinterpret_cast<const uint8_t*>(info->dlpi_addr + ph.p_vaddr);
  const uint8_t* end = p + ph.p_memsz;
  while (p + sizeof(ElfW(Nhdr)) <= end) {
    auto* n = reinterpret_cast<const ElfW(Nhdr)*>(p);
    const uint8_t* name = p + sizeof(*n);
    const uint8_t* desc = name + ((n->n_namesz + 3) & ~3u);
    if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 && same(name, "GNU", 4) &&
        n->n_descsz <= sizeof(m->build_id) && desc + n->n_descsz <= end) {
      copy(m->build_id, desc, n->n_descsz);
      m->build_id_size = n->n_descsz;
      return;
    }
    p = desc + ((n->n_descsz + 3) & ~3u);
  }
}

FNPROF_UNDER_LOADER_LOCK bool known(uint64_t bias, uint64_t lo, const char* path, size_t path_size) {
  uint32_t n = __atomic_load_n(&g_count, __ATOMIC_ACQUIRE);
  for (uint32_t i = 0; i < n; ++i)
    if (g_modules[i].bias == bias && g_modules[i].lo == lo && same(g_modules[i].path, path, path_size))
      return true;
  return false;
}

FNPROF_UNDER_LOADER_LOCK int add_module(dl_phdr_info* info, size_t, void*) {
  // The executable has an empty name; the vDSO has no file to read.
  const char* path = info->dlpi_name[0] ? info->dlpi_name : g_exe_path;
  if (path[0] != '/') return 0;
  uint64_t lo = UINT64_MAX, hi = 0;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD) continue;
    uint64_t start = info->dlpi_addr + ph.p_vaddr, end = start + ph.p_memsz;
    if (start < lo) lo = start;
    if (end > hi) hi = end;
  }
  size_t size = length(path) + 1;
  if (hi == 0 || known(info->dlpi_addr, lo, path, size)) return 0;
  uint32_t n = __atomic_load_n(&g_count, __ATOMIC_RELAXED);
  if (n == kMaxModules || g_paths_used + size > kPathSpace) return 1;
  ModuleEntry* m = &g_modules[n];
  m->bias = info->dlpi_addr;
  m->lo = lo;
  m->hi = hi;
  m->path = g_paths + g_paths_used;
  m->build_id_size = 0;
  copy(g_paths + g_paths_used, path, size);
  g_paths_used += size;
  for (int i = 0; i < info->dlpi_phnum; ++i)
    if (info->dlpi_phdr[i].p_type == PT_NOTE) read_build_id(info, info->dlpi_phdr[i], m);
  __atomic_store_n(&g_count, n + 1, __ATOMIC_RELEASE);
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
  uint32_t n = __atomic_load_n(&g_count, __ATOMIC_ACQUIRE);
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

uint32_t module_count() { return __atomic_load_n(&g_count, __ATOMIC_ACQUIRE); }
const ModuleEntry& module_at(uint32_t i) { return g_modules[i]; }

}  // namespace fnprof::rt
