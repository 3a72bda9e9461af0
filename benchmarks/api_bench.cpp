// The cost of the instrumentation API's calls (include/fnprof/fnprof.h), as a
// program pays them: through the inline wrappers and the weak entry points.
//
//   BM_CounterInc          fnprof_counter_inc(handle, 1): the per-transaction
//                          counter
//   BM_CounterAddByName    fnprof_counter_add("name", 1): the same through the
//                          per-thread name cache (a hash and a strcmp)
//   BM_CounterInc/threads  the handle form on 2 threads: per-thread slots, so
//                          no shared cache line
//   BM_GaugePut            fnprof_gauge_put: a process-wide atomic store and
//                          min/max compare
//   BM_PhasePair           fnprof_phase_begin + fnprof_phase_end, no metadata
//   BM_PhasePairWithMeta   the same with two metadata pairs
//   BM_PhaseScoped         fnprof::Phase in a scope (C++ RAII)
//
// Phases are logged (up to 1M per thread): the phase benchmarks run a bounded
// number of iterations so the log never fills. Run with FNPROF_OUTPUT=/tmp.
#include <benchmark/benchmark.h>

#include <fnprof/fnprof.hpp>

namespace {

void BM_CounterInc(benchmark::State& state) {
  static fnprof_counter_t c = fnprof_counter("bench.tx", FNPROF_HIGHER_IS_BETTER);
  for (auto _ : state) fnprof_counter_inc(c, 1);
}
BENCHMARK(BM_CounterInc);
BENCHMARK(BM_CounterInc)->Threads(2);

void BM_CounterAddByName(benchmark::State& state) {
  for (auto _ : state) fnprof_counter_add("bench.by-name", 1);
}
BENCHMARK(BM_CounterAddByName);

void BM_GaugePut(benchmark::State& state) {
  static fnprof_counter_t g = fnprof_gauge("bench.queue", FNPROF_NEUTRAL);
  int64_t v = 0;
  for (auto _ : state) fnprof_gauge_put(g, ++v & 1023);
}
BENCHMARK(BM_GaugePut);

void BM_PhasePair(benchmark::State& state) {
  for (auto _ : state) {
    fnprof_phase_begin("bench.phase", nullptr, 0);
    fnprof_phase_end(nullptr, 0);
  }
}
BENCHMARK(BM_PhasePair)->Iterations(200000);

void BM_PhasePairWithMeta(benchmark::State& state) {
  int64_t batch = 0;
  for (auto _ : state) {
    fnprof_meta meta[2] = {{"batch", FNPROF_META_INT, {}}, {"ratio", FNPROF_META_FLOAT, {}}};
    meta[0].value.i = ++batch;
    meta[1].value.f = 0.5;
    fnprof_phase_begin("bench.phase.meta", meta, 2);
    fnprof_phase_end(nullptr, 0);
  }
}
BENCHMARK(BM_PhasePairWithMeta)->Iterations(200000);

void BM_PhaseScoped(benchmark::State& state) {
  for (auto _ : state) {
    fnprof::Phase p{"bench.phase.scoped"};
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_PhaseScoped)->Iterations(200000);

}  // namespace

BENCHMARK_MAIN();
