// The tracker's settings, read from the environment at start.
//
// The environment is read through `environ` directly, not getenv: a program
// may define its own (bash does, working on its shell variables, which do
// not exist yet while constructors run).
#pragma once

#include <cstdint>

#include "fnprof/format.h"

namespace fnprof::alloc {

struct Settings {
  format::AllocStackMode stack_mode = format::AllocStackMode::Auto;  // FNPROF_ALLOC_STACKS
  uint32_t stack_depth = 64;                                          // FNPROF_STACK_DEPTH
  uint64_t sample_interval_ns = 100'000'000;                          // FNPROF_SAMPLE_INTERVAL
};
extern Settings g_settings;

// Fills g_settings; warns once about each invalid value and keeps its default.
void read_settings();

// The value of environment variable `name`, or nullptr.
const char* env_value(const char* name);

}  // namespace fnprof::alloc
