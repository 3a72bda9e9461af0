// __libc_start_main, interposed (main_entry.h says why): the executable's
// _start calls it through the PLT, so the preloaded tracker's definition
// comes first. It hands glibc a main that notes the entry and then jumps to
// the program's own (a tail call: no frame of ours stays under main).
// glibc's own initializers and the executable's static constructors run
// inside the real __libc_start_main, before that.
#include <dlfcn.h>

#include "../compiler.h"
#include "main_entry.h"
#include "tracker.h"

namespace {

using Main = int (*)(int, char**, char**);
using StartMain = int (*)(Main, int, char**, void (*)(), void (*)(), void (*)(), void*);

constinit Main g_program_main = nullptr;

int entered_main(int argc, char** argv, char** envp) {
  fnprof::alloc::g_main_entered.store(true, std::memory_order_relaxed);
  return g_program_main(argc, argv, envp);
}

}  // namespace

extern "C" FNPROF_EXPORT int __libc_start_main(Main main, int argc, char** argv, void (*init)(),
                                                void (*fini)(), void (*rtld_fini)(), void* stack_end) {
  StartMain next;
  {
    fnprof::alloc::ReentryGuard guard;  // dlsym may allocate (its error string)
    next = reinterpret_cast<StartMain>(dlsym(RTLD_NEXT, "__libc_start_main"));
  }
  g_program_main = main;
  return next(entered_main, argc, argv, init, fini, rtld_fini, stack_end);
}
