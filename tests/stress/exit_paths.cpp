// Every way a process ends, chosen by argv[1]. Before it ends, the program
// makes known calls: main -> work x10 -> leaf x2 each, then main -> outer ->
// finish(mode), which prints "exit_paths <mode>" (flushed) and ends the
// process:
//
//   mode          how                                   status
//   return        finish returns, main returns 0        0
//   exit          exit(3)                               3
//   _exit         _exit(4)                              4
//   quick_exit    quick_exit(5)                         5
//   abort         abort()                               signal 6
//   terminate     std::terminate()                      signal 6
//   segv          a store through a null pointer        signal 11
//   sigkill       raise(SIGKILL)                        signal 9
//   sigterm       another thread sends SIGTERM while    signal 15
//                 main spins in spin() -> leaf()
//   thread_exit   another thread calls exit(6) while    6
//                 main spins
//   thread_segv   another thread stores through a null  signal 11
//                 pointer while main spins
//
// Expected calls (every mode): main 1, work 10, outer 1, finish 1; leaf 20
// (plus the spins in the last three modes).
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>

#include <pthread.h>
#include <unistd.h>

#include "test_program.h"

DEFINE_SINK;

NOINLINE void leaf() { sink = sink + 1; }
NOINLINE void work() {
  leaf();
  leaf();
}
NOINLINE void spin() { leaf(); }

static void* send_sigterm(void*) {
  usleep(20000);
  kill(getpid(), SIGTERM);
  return nullptr;
}

static void* call_exit(void*) {
  usleep(20000);
  std::exit(6);
}

static void* store_to_null(void*) {
  usleep(20000);
  *static_cast<volatile int*>(nullptr) = 1;
  return nullptr;
}

NOINLINE void finish(const char* mode) {
  std::printf("exit_paths %s\n", mode);
  std::fflush(stdout);
  if (!std::strcmp(mode, "exit")) std::exit(3);
  if (!std::strcmp(mode, "_exit")) _exit(4);
  if (!std::strcmp(mode, "quick_exit")) std::quick_exit(5);
  if (!std::strcmp(mode, "abort")) std::abort();
  if (!std::strcmp(mode, "terminate")) std::terminate();
  if (!std::strcmp(mode, "segv")) *static_cast<volatile int*>(nullptr) = 1;
  if (!std::strcmp(mode, "sigkill")) raise(SIGKILL);
  void* (*from_thread)(void*) = !std::strcmp(mode, "sigterm")       ? send_sigterm
                                 : !std::strcmp(mode, "thread_exit") ? call_exit
                                 : !std::strcmp(mode, "thread_segv") ? store_to_null
                                                                     : nullptr;
  if (from_thread) {
    pthread_t t;
    pthread_create(&t, nullptr, from_thread, nullptr);
    for (;;) spin();
  }
}

NOINLINE void outer(const char* mode) { finish(mode); }

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "return";
  for (int i = 0; i < 10; ++i) work();
  outer(mode);
  return 0;
}
