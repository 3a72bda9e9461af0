// Whether the program's main has been entered: memory allocated before it
// (library initializers, the executable's static constructors) is start-up
// memory, by structure rather than by time. The tracker wraps the main that
// the executable hands to glibc's __libc_start_main.
#pragma once

#include <atomic>

namespace fnprof::alloc {

inline constinit std::atomic<bool> g_main_entered{false};

inline bool main_entered() { return g_main_entered.load(std::memory_order_relaxed); }

}  // namespace fnprof::alloc
