// The instrumentation API's state inside libfnprof.so (fnprof.h is the
// program's side): interned names, per-thread phase logs and counter slots,
// the process's counter table, checkpoints and captured stacks. The dump
// writer reads all of it from another thread while the program runs, so every
// log publishes its length with a release store after the entry is complete,
// and entries are never moved.
//
//   names      string -> id, once per string (a lock, cold); each thread
//              caches pointer -> id, so a literal name costs a hash and a
//              strcmp on later calls
//   ApiThread  per thread, its own mapping: the open-phase stack, the phase
//              log, and one slot per counter that only this thread writes
//              (summed at dump: exact, no atomic read-modify-write)
//   counters   the table of counters and gauges; gauges are process-wide
//              atomics (last, min, max), as a gauge's last value has no
//              per-thread meaning
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#define FNPROF_BUILDING_RUNTIME
#include "fnprof/fnprof.h"
#include "fnprof/format.h"
#include "api.h"
#include "../compiler.h"

namespace fnprof::rt {
class DumpBuffer;
}

namespace fnprof::rt::api {

inline constexpr uint32_t kNoId = UINT32_MAX;
inline constexpr uint32_t kMaxCounters = 1024;     // ids 1..1023; 0 is "none"
inline constexpr uint32_t kMaxPhaseDepth = 256;    // open phases per thread
inline constexpr uint32_t kMaxPhasesPerThread = 1u << 20;
inline constexpr uint32_t kNameCacheSize = 64;     // per thread, direct-mapped

// ---- Names (names.cpp) ----------------------------------------------------

// The id of `s` (copied on first sight); kNoId when the table is full.
uint32_t intern(const char* s);
// Published strings: ids below string_count() are complete.
uint32_t string_count();
const char* string_at(uint32_t id, uint32_t* size);

// ---- Metadata (names.cpp) -------------------------------------------------
// A list of metadata pairs, stored once in the dump's encoding (MetaRecords)
// in a process-wide append-only arena.
struct MetaRef {
  uint32_t offset;
  uint16_t size;   // bytes
  uint16_t count;  // pairs
};
MetaRef store_meta(const fnprof_meta* meta, size_t count);
const uint8_t* meta_bytes(const MetaRef& ref);

// ---- Threads (phases.cpp) -------------------------------------------------

struct PhaseEntry {
  uint32_t name;
  uint32_t parent;  // index + 1 of the enclosing phase, 0 when none
  uint64_t begin_ticks;
  MetaRef meta;
  MetaRef result;                    // written before end_ticks
  std::atomic<uint64_t> end_ticks;   // 0 while open
};

struct CounterSlot {
  std::atomic<int64_t> value;  // written by the owning thread only
  std::atomic<uint64_t> updates;
};

struct NameCacheEntry {
  const char* ptr;
  uint32_t id;     // string id
  uint32_t value;  // the counter or gauge of that name, kNoId until looked up
};

struct ApiThread {
  uint64_t tid;
  uint32_t open[kMaxPhaseDepth];  // indices of the open phases (kNoId: not logged)
  uint32_t depth;
  uint32_t lost_depth;            // begins beyond kMaxPhaseDepth
  PhaseEntry* phases;
  std::atomic<uint32_t> phase_count;
  std::atomic<uint64_t> dropped;
  NameCacheEntry names[kNameCacheSize];     // phase/checkpoint names, keys
  NameCacheEntry counters[kNameCacheSize];  // by-name counters (id per kind)
  NameCacheEntry gauges[kNameCacheSize];
  CounterSlot slots[kMaxCounters];
  ApiThread* next;
};

extern __thread ApiThread* tls_api_thread __attribute__((tls_model("initial-exec")));

// Cold: the calling thread's state, created on its first API call; nullptr
// when out of memory.
ApiThread* api_thread_begin();
ApiThread* api_thread_list();
inline ApiThread* api_thread() {
  ApiThread* t = tls_api_thread;
  return FNPROF_UNLIKELY(!t) ? api_thread_begin() : t;
}

// The cache entry of `s`, its string id looked up when the cache missed.
NameCacheEntry* cached_name(NameCacheEntry* cache, const char* s);

void phase_begin(ApiThread* t, const char* name, const fnprof_meta* meta, size_t count);
void phase_result(ApiThread* t, const fnprof_meta* meta, size_t count);
void phase_end(ApiThread* t, const fnprof_meta* meta, size_t count);

// ---- Counters (counters.cpp) -----------------------------------------------

struct CounterInfo {
  uint32_t name = 0;
  uint8_t kind = 0;       // format::CounterKind
  uint8_t direction = 0;  // format::CounterDirection
  std::atomic<int64_t> last{0}, min{0}, max{0};  // gauges
  std::atomic<uint64_t> updates{0};               // gauges
};

// The id of the counter or gauge with string id `name`; 0 when the table is full.
uint32_t counter_id(uint32_t name, format::CounterKind kind, format::CounterDirection direction);
uint32_t counter_count();  // ids below it are published
CounterInfo& counter_info(uint32_t id);
// A counter's total over every thread, or a gauge's last value.
int64_t counter_value(uint32_t id);
void gauge_set(uint32_t id, int64_t value);

// ---- Checkpoints and captured stacks (marks.cpp, stacks.cpp) ---------------

void checkpoint(ApiThread* t, const char* name, const fnprof_meta* meta, size_t count);

// Stores the calling thread's stack: from the shadow stack when instrumented
// frames are open, else unwound from `ucontext` (a signal's) or from here.
void capture_stack(const char* label, int signal, void* ucontext);
void fatal_signals_install();


// ---- Sampler (sampler.cpp) -------------------------------------------------

struct SamplerSettings {
  uint64_t interval_ns = 100'000'000;  // FNPROF_SAMPLE_INTERVAL; 0: off
  uint64_t flush_interval_ns = 0;      // FNPROF_FLUSH_INTERVAL; 0: off
  bool in_children = false;            // FNPROF_SAMPLE_CHILDREN
};
extern SamplerSettings g_sampler_settings;
void sampler_start();
void sampler_after_fork();
void sampler_current(uint64_t* rss_bytes, uint64_t* peak_rss_bytes);

// ---- Dump (api_writer.cpp, summary.cpp) ------------------------------------

void write_api_sections(DumpBuffer& b, uint64_t now);
void write_resource_timeline(DumpBuffer& b);
void write_checkpoints(DumpBuffer& b);
void write_captured_stacks(DumpBuffer& b);

// Fork child: what the parent recorded is not the child's (names stay).
void marks_after_fork();
void names_after_fork();
void stacks_after_fork();
void counters_after_fork();
void threads_after_fork();

}  // namespace fnprof::rt::api
