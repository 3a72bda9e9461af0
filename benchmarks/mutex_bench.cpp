// The cost of locking and unlocking an uncontended mutex, the most frequent
// blocking call a program makes, with libfnprof.so's interposer in the way
// (mutex_bench: pthread_mutex_lock is runtime/blocking_calls.cpp's, which
// tries the lock first and records nothing when it is free) and without it
// (mutex_bench_plain: libc's directly). The same source, built twice.
//
//   BM_UncontendedLock   pthread_mutex_lock + pthread_mutex_unlock, in a
//                        process with one thread: glibc (2.34+) locks with a
//                        plain store then, where the interposer's try is an
//                        atomic compare-and-swap
//   BM_StdMutex          std::mutex::lock + unlock (the same calls, inline)
//   BM_UncontendedLockMultithreaded, BM_StdMutexMultithreaded
//                        the same once a second thread exists (it waits on
//                        a pipe until exit): every lock is atomic then, as
//                        in any program whose mutexes matter
//
// Run with FNPROF_OUTPUT=/tmp (the fnprof build writes a dump at exit).
#include <benchmark/benchmark.h>
#include <pthread.h>
#include <unistd.h>

#include <mutex>
#include <thread>

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

// Registered after the single-threaded ones, which run first: once a
// second thread has existed glibc never takes its single-thread path again.
void start_second_thread() {
  static bool started = [] {
    static int pipe_fds[2];
    if (pipe(pipe_fds) != 0) return false;
    std::thread([] {
      char c;
      (void)!read(pipe_fds[0], &c, 1);
    }).detach();
    return true;
  }();
  benchmark::DoNotOptimize(started);
}

void BM_UncontendedLockMultithreaded(benchmark::State& state) {
  start_second_thread();
  BM_UncontendedLock(state);
}
BENCHMARK(BM_UncontendedLockMultithreaded);

void BM_StdMutexMultithreaded(benchmark::State& state) {
  start_second_thread();
  BM_StdMutex(state);
}
BENCHMARK(BM_StdMutexMultithreaded);

}  // namespace

BENCHMARK_MAIN();
