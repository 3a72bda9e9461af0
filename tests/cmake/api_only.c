/* A program whose only link to fnprof is the API: main is not instrumented,
   so every reference to libfnprof.so is one of fnprof.h's weak ones. Built
   with fnprof_instrument(), it must still have libfnprof.so in its NEEDED
   entries (the linker drops it under --as-needed otherwise), and write a
   dump with the counter. */
#include <fnprof/fnprof.h>

__attribute__((no_instrument_function)) int main(void) {
  fnprof_counter_t requests = fnprof_counter("requests", FNPROF_HIGHER_IS_BETTER);
  fnprof_counter_inc(requests, 1);
  return 0;
}
