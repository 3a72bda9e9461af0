// The next definition of a function the runtime interposes (dlsym with
// RTLD_NEXT), looked up on first use and kept. A constant-initialized object
// rather than a function-local static initialized by dlsym: such a static
// needs the C++ runtime's guard (__cxa_guard_acquire), and libfnprof.so must
// not pull libstdc++ into a C program. Two threads that race on the first
// call both look it up and store the same address.
#pragma once

#include <dlfcn.h>

#include <atomic>

namespace fnprof::rt {

template <class Fn>
class NextSymbol {
 public:
  constexpr explicit NextSymbol(const char* name) : name_(name) {}
  Fn get() {
    Fn fn = fn_.load(std::memory_order_relaxed);
    if (!fn) {
      fn = reinterpret_cast<Fn>(dlsym(RTLD_NEXT, name_));
      fn_.store(fn, std::memory_order_relaxed);
    }
    return fn;
  }

 private:
  const char* name_;
  std::atomic<Fn> fn_{nullptr};
};

}  // namespace fnprof::rt
