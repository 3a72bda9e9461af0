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

// How many functions blocking_functions() lists at most.
constexpr uint32_t kMaxBlockingFunctions = 64;

// Finds fnprof's own code, whose blocking calls are not recorded (process
// start-up, before any thread is profiled).
void blocking_calls_init();

// Fills `out` with the interposed functions (their libc addresses, resolved
// at start-up); returns how many: none when the program's calls do not reach
// the interposers (libfnprof.so after libc in the lookup order).
uint32_t blocking_functions(BlockingFunction* out, uint32_t capacity);

}  // namespace fnprof::rt
