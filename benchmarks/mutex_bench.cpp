// The cost of locking and unlocking an uncontended mutex, the most frequent
// blocking call a program makes, with libfnprof.so's interposer in the way
// (mutex_bench: pthread_mutex_lock is runtime/blocking_calls.cpp's, which
// tries the lock first and records nothing when it is free) and without it
// (mutex_bench_plain: libc's directly). The same source, built twice.
//
//   BM_UncontendedLock   pthread_mutex_lock + pthread_mutex_unlock
//   BM_StdMutex          std::mutex::lock + unlock (the same calls, inline)
//
// Run with FNPROF_OUTPUT=/tmp (the fnprof build writes a dump at exit).
#include <benchmark/benchmark.h>
#include <pthread.h>

#include <mutex>

namespace {

pthread_mutex_t g_mutex = PTHREAD_MUTEX_INITIALIZER;
std::mutex g_std_mutex;

void BM_UncontendedLock(benchmark::State& state) {
  for (auto _ : state) {
    pthread_mutex_lock(&g_mutex);
    benchmark::ClobberMemory();
    pthread_mutex_unlock(&g_mutex);
  }
}
BENCHMARK(BM_UncontendedLock);

void BM_StdMutex(benchmark::State& state) {
  for (auto _ : state) {
    g_std_mutex.lock();
    benchmark::ClobberMemory();
    g_std_mutex.unlock();
  }
}
BENCHMARK(BM_StdMutex);

}  // namespace

BENCHMARK_MAIN();
