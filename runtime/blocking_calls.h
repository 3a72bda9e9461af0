// The libc calls that block, interposed and recorded as leaf nodes of the
// calling thread's tree (blocking_calls.cpp); the dump lists their addresses
// and what each waits for (format.h, blocking-functions).
#pragma once

#include <cstdint>

#include "fnprof/format.h"

namespace fnprof::rt {

struct BlockingFunction {
  uint64_t address;  // the real (libc) function: the func of its nodes
  format::WaitKind kind;
  const char* name;
};

// Finds fnprof's own code, whose blocking calls are not recorded (process
// start-up, before any thread is profiled).
void blocking_calls_init();

// How many functions are interposed: the capacity blocking_functions needs.
uint32_t blocking_function_count();

// Fills `out` with the interposed functions that libc has (their addresses
// resolved now if not yet); returns how many.
uint32_t blocking_functions(BlockingFunction* out, uint32_t capacity);

}  // namespace fnprof::rt
