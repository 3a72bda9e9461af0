// Interned names and the metadata arena. Both are append-only mappings
// reserved once, so a published entry never moves and the dump writer reads
// them without a lock.
#include <pthread.h>
#include <string.h>

#include "../dump_buffer.h"
#include "../memory.h"
#include "api_state.h"

namespace fnprof::rt::api {

namespace {

constexpr uint32_t kMaxNames = 1u << 16;
constexpr uint32_t kHashSlots = kMaxNames * 2;  // at most half full
constexpr size_t kCharBytes = size_t{16} << 20;
constexpr size_t kMetaBytes = size_t{64} << 20;

// constinit here and below: API calls may come from other libraries'
// constructors, before this library's dynamic initializers would run.
struct NameTable {
  pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
  uint32_t* hash = nullptr;     // id + 1 per slot, 0: empty
  uint32_t* offsets = nullptr;  // per id: offset in chars
  uint32_t* sizes = nullptr;
  char* chars = nullptr;
  size_t chars_used = 0;
  std::atomic<uint32_t> count{0};
  bool failed = false;
};
constinit NameTable g_names;

struct MetaArena {
  uint8_t* bytes = nullptr;
  std::atomic<size_t> used{0};
};
constinit MetaArena g_meta;

pthread_once_t g_once = PTHREAD_ONCE_INIT;

void init_tables() {
  g_names.hash = static_cast<uint32_t*>(map_memory(kHashSlots * sizeof(uint32_t)));
  g_names.offsets = static_cast<uint32_t*>(map_memory(kMaxNames * sizeof(uint32_t)));
  g_names.sizes = static_cast<uint32_t*>(map_memory(kMaxNames * sizeof(uint32_t)));
  g_names.chars = static_cast<char*>(map_memory(kCharBytes));
  g_meta.bytes = static_cast<uint8_t*>(map_memory(kMetaBytes));
  g_names.failed = !g_names.hash || !g_names.offsets || !g_names.sizes || !g_names.chars;
}

uint32_t hash_of(const char* s, size_t n) {
  uint32_t h = 2166136261u;  // FNV-1a
  for (size_t i = 0; i < n; ++i) h = (h ^ static_cast<uint8_t>(s[i])) * 16777619u;
  return h;
}

}  // namespace

uint32_t intern(const char* s) {
  if (!s) s = "";
  pthread_once(&g_once, init_tables);
  if (g_names.failed) return kNoId;
  size_t n = strnlen(s, 4096);
  uint32_t h = hash_of(s, n);
  pthread_mutex_lock(&g_names.lock);
  uint32_t id = kNoId;
  for (uint32_t i = h & (kHashSlots - 1);; i = (i + 1) & (kHashSlots - 1)) {
    uint32_t slot = g_names.hash[i];
    if (slot == 0) {
      uint32_t next = g_names.count.load(std::memory_order_relaxed);
      if (next == kMaxNames || g_names.chars_used + n + 1 > kCharBytes) break;
      memcpy(g_names.chars + g_names.chars_used, s, n);
      g_names.chars[g_names.chars_used + n] = '\0';
      g_names.offsets[next] = static_cast<uint32_t>(g_names.chars_used);
      g_names.sizes[next] = static_cast<uint32_t>(n);
      g_names.chars_used += n + 1;
      g_names.hash[i] = next + 1;
      g_names.count.store(next + 1, std::memory_order_release);  // publishes it to the dump writer
      id = next;
      break;
    }
    if (g_names.sizes[slot - 1] == n && memcmp(g_names.chars + g_names.offsets[slot - 1], s, n) == 0) {
      id = slot - 1;
      break;
    }
  }
  pthread_mutex_unlock(&g_names.lock);
  return id;
}

uint32_t string_count() { return g_names.count.load(std::memory_order_acquire); }

const char* string_at(uint32_t id, uint32_t* size) {
  *size = g_names.sizes[id];
  return g_names.chars + g_names.offsets[id];
}

NameCacheEntry* cached_name(NameCacheEntry* cache, const char* s) {
  if (!s) s = "";
  auto p = reinterpret_cast<uintptr_t>(s);
  NameCacheEntry& e = cache[(p >> 3 ^ p >> 11) & (kNameCacheSize - 1)];
  // The pointer alone is not enough: a buffer may hold another name by now.
  uint32_t size;
  if (e.ptr == s && e.id != kNoId && strcmp(string_at(e.id, &size), s) == 0) return &e;
  e = {s, intern(s), kNoId};
  return &e;
}

MetaRef store_meta(const fnprof_meta* meta, size_t count) {
  if (!meta || !count) return {};
  pthread_once(&g_once, init_tables);
  if (!g_meta.bytes) return {};
  if (count > FNPROF_MAX_META) count = FNPROF_MAX_META;
  ApiThread* t = tls_api_thread;
  // Encoded on the stack first: the size is known only then.
  uint8_t buffer[FNPROF_MAX_META * (3 * kMaxVarint + 256)];
  Encoder e(buffer);
  for (size_t i = 0; i < count; ++i) {
    const fnprof_meta& m = meta[i];
    MetaRecord r;
    r.key = t ? cached_name(t->names, m.key)->id : intern(m.key);
    r.type = static_cast<uint64_t>(m.type);
    switch (m.type) {
      case FNPROF_META_INT: r.int_value = m.value.i; break;
      case FNPROF_META_FLOAT: memcpy(&r.float_bits, &m.value.f, sizeof r.float_bits); break;
      default:
        r.type = static_cast<uint64_t>(MetaType::String);
        r.string_value = m.value.s ? std::string_view(m.value.s, strnlen(m.value.s, 255)) : "";
        break;
    }
    fields(e, r);
  }
  size_t size = static_cast<size_t>(e.pos() - buffer);
  size_t at = g_meta.used.fetch_add(size, std::memory_order_relaxed);
  if (at + size > kMetaBytes) return {};  // full: the metadata is dropped
  memcpy(g_meta.bytes + at, buffer, size);
  return {static_cast<uint32_t>(at), static_cast<uint16_t>(size), static_cast<uint16_t>(count)};
}

const uint8_t* meta_bytes(const MetaRef& ref) { return g_meta.bytes + ref.offset; }

}  // namespace fnprof::rt::api

namespace fnprof::rt::api {

void names_after_fork() { pthread_mutex_init(&g_names.lock, nullptr); }

}  // namespace fnprof::rt::api
