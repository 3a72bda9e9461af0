// C++ on top of fnprof.h: a phase that ends with its scope (also when an
// exception leaves it), counters and gauges as objects, metadata as braced
// lists.
//
//   #include <fnprof/fnprof.hpp>
//
//   fnprof::Counter tx{"transactions", fnprof::HigherIsBetter};
//   for (int batch = 0; batch < n; ++batch) {
//     fnprof::Phase p{"Mask Batch", {{"batch", batch}, {"input", path}}};
//     for (...) { work(); tx += 1; }
//     p.result({{"masked", masked}, {"ratio", 0.25}});  // metadata at the end
//   }
//   fnprof::checkpoint("model loaded");
//
// Like the C API, everything is a no-op when the program runs without
// libfnprof.so.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <type_traits>

#include "fnprof.h"

namespace fnprof {

#define FNPROF_CXX_ [[gnu::no_instrument_function, gnu::always_inline]] inline

// One metadata pair; converts from {"key", integer | floating | string}.
struct Meta : fnprof_meta {
  template <class Int, std::enable_if_t<std::is_integral_v<Int>, int> = 0>
  FNPROF_CXX_ Meta(const char* k, Int v) : fnprof_meta{k, FNPROF_META_INT, {}} { value.i = static_cast<int64_t>(v); }
  FNPROF_CXX_ Meta(const char* k, double v) : fnprof_meta{k, FNPROF_META_FLOAT, {}} { value.f = v; }
  FNPROF_CXX_ Meta(const char* k, const char* v) : fnprof_meta{k, FNPROF_META_STRING, {}} { value.s = v; }
};
static_assert(sizeof(Meta) == sizeof(fnprof_meta));

using MetaList = std::initializer_list<Meta>;

enum Direction { Neutral = FNPROF_NEUTRAL, HigherIsBetter = FNPROF_HIGHER_IS_BETTER, LowerIsBetter = FNPROF_LOWER_IS_BETTER };

// A phase of this thread, from construction to destruction.
class Phase {
 public:
  FNPROF_CXX_ explicit Phase(const char* name, MetaList meta = {}) {
    fnprof_phase_begin(name, meta.begin(), meta.size());
  }
  FNPROF_CXX_ ~Phase() { fnprof_phase_end(nullptr, 0); }
  // Result metadata, kept with the phase when it ends (copied now).
  FNPROF_CXX_ void result(MetaList meta) { fnprof_phase_result(meta.begin(), meta.size()); }
  Phase(const Phase&) = delete;
  Phase& operator=(const Phase&) = delete;
};

class Counter {
 public:
  FNPROF_CXX_ explicit Counter(const char* name, Direction d = Neutral)
      : id_(fnprof_counter(name, static_cast<fnprof_direction>(d))) {}
  FNPROF_CXX_ void add(int64_t delta) { fnprof_counter_inc(id_, delta); }
  FNPROF_CXX_ Counter& operator+=(int64_t delta) { return add(delta), *this; }
  FNPROF_CXX_ Counter& operator++() { return add(1), *this; }

 private:
  fnprof_counter_t id_;
};

class Gauge {
 public:
  FNPROF_CXX_ explicit Gauge(const char* name, Direction d = Neutral)
      : id_(fnprof_gauge(name, static_cast<fnprof_direction>(d))) {}
  FNPROF_CXX_ void set(int64_t value) { fnprof_gauge_put(id_, value); }

 private:
  fnprof_counter_t id_;
};

FNPROF_CXX_ void checkpoint(const char* name, MetaList meta = {}) {
  fnprof_checkpoint(name, meta.begin(), meta.size());
}

#undef FNPROF_CXX_

}  // namespace fnprof
