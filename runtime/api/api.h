// What the rest of the runtime sees of the instrumentation API (api/): the
// pause flag the enter hook checks, and the exit summary.
#pragma once

#include <atomic>
#include <cstdint>

#include "../call_tree.h"

namespace fnprof::rt::api {

// fnprof_pause(): the enter hook counts nothing while set.
extern std::atomic<bool> g_paused;

// The enter hook while paused: pushes a frame, so the exit still matches,
// onto the root's node, which is never written: neither the call nor its
// time is counted. Cold.
void enter_paused(ThreadState* t, uint64_t func, uintptr_t frame_address);

// FNPROF_SUMMARY=1: a few lines on stderr after the final dump.
void print_exit_summary(const char* dump_path);

}  // namespace fnprof::rt::api
