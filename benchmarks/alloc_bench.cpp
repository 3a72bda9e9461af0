// ns per malloc+free pair (through four frames, sizes 16..4096) as the
// allocation tracker sees them. The benchmark does not load the tracker
// itself: compare_heaptrack.sh (or the `alloc_bench_modes` target) runs it
// with each preload and mode, and the same binary without any:
//
//   alloc_bench                                   no tracker: the floors
//   LD_PRELOAD=forwarding interposer              the interposition floor
//   LD_PRELOAD=libfnprof_alloc.so FNPROF_ALLOC_STACKS=unwind  -> Plain
//   LD_PRELOAD=libfnprof_alloc.so (auto)          -> Instrumented: shadow mode
//
// Plain runs the workload built without instrumentation (the tracker
// unwinds); Instrumented the workload built with -finstrument-functions and
// linked to libfnprof.so, so the tracker takes stacks from the shadow stack,
// to be compared with the same benchmark without the tracker.
#include <benchmark/benchmark.h>

#include <cstdlib>

extern "C" void alloc_pair_plain(long i);
extern "C" void alloc_pair_instrumented(long i);

static void label(benchmark::State& state) {
  const char* preload = std::getenv("LD_PRELOAD");
  const char* mode = std::getenv("FNPROF_ALLOC_STACKS");
  std::string l = preload && *preload ? preload : "no preload";
  if (mode) l += std::string(" stacks=") + mode;
  state.SetLabel(l);
}

static void Plain(benchmark::State& state) {
  long i = 0;
  for (auto _ : state) alloc_pair_plain(i++);
  label(state);
}
BENCHMARK(Plain);

static void Instrumented(benchmark::State& state) {
  long i = 0;
  for (auto _ : state) alloc_pair_instrumented(i++);
  label(state);
}
BENCHMARK(Instrumented);

BENCHMARK_MAIN();
