// The cost of one __cyg_profile_func_enter + __cyg_profile_func_exit pair in
// libfnprof.so, called directly (this file is not instrumented), next to the
// floors any -finstrument-functions profiler sits on:
//
//   BM_EmptyHookPair     two calls to empty out-of-line functions: the call
//                        overhead the compiler's instrumentation itself costs
//   BM_RdtscPair         two TSC reads: what any timing profiler pays
//   BM_FnprofHookPair    fnprof, the same callee every time: the child cache
//                        of the call-tree node always hits
//   BM_FnprofHookPairAlternating/N
//                        fnprof, cycling through N callees of the same
//                        parent, so the cache misses and the child lookup runs
//
// The runtime writes a dump at exit: run with FNPROF_OUTPUT=/tmp (or any
// directory) to keep it out of the working directory.
#include <benchmark/benchmark.h>
#include <x86intrin.h>

#include <array>

extern "C" {
void __cyg_profile_func_enter(void* fn, void* call_site);
void __cyg_profile_func_exit(void* fn, void* call_site);
}

namespace {

// Stand-ins for instrumented functions: only their addresses matter.
constexpr int kMaxCallees = 64;
alignas(64) char g_callees[kMaxCallees][16];
char g_call_site[16];

__attribute__((noinline)) void empty_enter(void* fn, void* call_site) {
  benchmark::DoNotOptimize(fn);
  benchmark::DoNotOptimize(call_site);
}
__attribute__((noinline)) void empty_exit(void* fn, void* call_site) {
  benchmark::DoNotOptimize(fn);
  benchmark::DoNotOptimize(call_site);
}

void BM_EmptyHookPair(benchmark::State& state) {
  void* fn = g_callees[0];
  for (auto _ : state) {
    empty_enter(fn, g_call_site);
    empty_exit(fn, g_call_site);
  }
}
BENCHMARK(BM_EmptyHookPair);

void BM_RdtscPair(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(__rdtsc());
    benchmark::DoNotOptimize(__rdtsc());
  }
}
BENCHMARK(BM_RdtscPair);

void BM_FnprofHookPair(benchmark::State& state) {
  void* fn = g_callees[0];
  for (auto _ : state) {
    __cyg_profile_func_enter(fn, g_call_site);
    __cyg_profile_func_exit(fn, g_call_site);
  }
}
BENCHMARK(BM_FnprofHookPair);

void BM_FnprofHookPairAlternating(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  int i = 0;
  for (auto _ : state) {
    void* fn = g_callees[i];
    __cyg_profile_func_enter(fn, g_call_site);
    __cyg_profile_func_exit(fn, g_call_site);
    i = i + 1 == n ? 0 : i + 1;
  }
}
BENCHMARK(BM_FnprofHookPairAlternating)->Arg(2)->Arg(4)->Arg(16)->Arg(kMaxCallees);

}  // namespace

BENCHMARK_MAIN();
