// Shared by the allocation-tracker test programs: output through write(2)
// (stdio's buffer would be one more allocation in every total), and helpers
// that keep the compiler from removing or merging allocations.
#pragma once

#include <string.h>
#include <unistd.h>

#define NOINLINE __attribute__((noinline))
#define ESCAPE(p) __asm__ volatile("" : : "r"(p) : "memory")

static inline void say(const char* line) {
  ssize_t r = write(1, line, strlen(line));
  r = write(1, "\n", 1);
  (void)r;
}

static inline void check(int ok, const char* what) {
  say(what);
  if (!ok) {
    say("  FAILED");
    _exit(1);
  }
}
