// The API's sections of a dump (format.h, "Instrumentation API"): phases per
// thread, checkpoints, counters, the resource timeline, captured stacks, and
// last the strings they name, so every id written is below the string count
// read afterwards. A program that never calls the API gets no phase,
// checkpoint, counter or stack section.
#include "../dump_buffer.h"
#include "api_state.h"

namespace fnprof::rt::api {

namespace {

void write_phases(DumpBuffer& b, const ApiThread* t, uint64_t now) {
  uint32_t n = t->phase_count.load(std::memory_order_acquire);
  uint64_t dropped = t->dropped.load(std::memory_order_relaxed);
  if (n == 0 && dropped == 0) return;
  size_t at = b.begin_section();
  b.put(PhaseThreadRecord{t->tid, n, dropped});
  uint64_t prev_begin = 0;
  for (uint32_t i = 0; i < n; ++i) {
    const PhaseEntry& e = t->phases[i];
    uint64_t end = e.end_ticks.load(std::memory_order_acquire);
    bool open = end == 0;
    if (open) end = now > e.begin_ticks ? now : e.begin_ticks;
    MetaRef result = open ? MetaRef{} : e.result;
    uint64_t begin = e.begin_ticks > prev_begin ? e.begin_ticks : prev_begin;
    b.put(PhaseRecord{e.name, e.parent ? i + 1 - e.parent : 0, begin - prev_begin, end - e.begin_ticks,
                      open ? uint64_t{kPhaseOpen} : 0, e.meta.count, result.count});
    b.append(meta_bytes(e.meta), e.meta.size);
    b.append(meta_bytes(result), result.size);
    prev_begin = begin;
  }
  b.end_section(at, SectionType::Phases);
}

void write_counters(DumpBuffer& b) {
  uint32_t n = counter_count();
  if (n <= 1) return;
  size_t at = b.begin_section();
  b.put_varint(n - 1);
  for (uint32_t id = 1; id < n; ++id) {
    const CounterInfo& c = counter_info(id);
    CounterRecord r{c.name, c.kind, c.direction, counter_value(id), 0, 0, 0};
    if (c.kind == static_cast<uint8_t>(CounterKind::Gauge)) {
      r.updates = c.updates.load(std::memory_order_relaxed);
      if (r.updates) r.min = c.min.load(std::memory_order_relaxed), r.max = c.max.load(std::memory_order_relaxed);
    } else {
      for (const ApiThread* t = api_thread_list(); t; t = t->next)
        r.updates += t->slots[id].updates.load(std::memory_order_relaxed);
    }
    b.put(r);
  }
  b.end_section(at, SectionType::Counters);
}

void write_strings(DumpBuffer& b) {
  uint32_t n = string_count();
  if (n == 0) return;
  size_t at = b.begin_section();
  b.put_varint(n);
  for (uint32_t id = 0; id < n; ++id) {
    uint32_t size;
    const char* s = string_at(id, &size);
    b.put_varint(size);
    b.append(s, size);
  }
  b.end_section(at, SectionType::ApiStrings);
}

}  // namespace

void write_api_sections(DumpBuffer& b, uint64_t now) {
  for (const ApiThread* t = api_thread_list(); t; t = t->next) write_phases(b, t, now);
  write_checkpoints(b);
  write_counters(b);
  write_resource_timeline(b);
  write_captured_stacks(b);
  write_strings(b);
}

}  // namespace fnprof::rt::api
