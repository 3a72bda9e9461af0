/* Shared by the tests/programs sources: NOINLINE keeps a function a real,
 * separately instrumented call with its own name, so the counts in each
 * program's header comment hold for GCC and Clang at -O2 alike (noipa also
 * stops GCC from cloning it into a .constprop/.isra copy that would be
 * counted under another address). */
#pragma once

#if defined(__clang__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE __attribute__((noinline, noipa))
#endif

/* Written by the helpers so their bodies have an effect to keep. */
extern volatile int sink;
#define DEFINE_SINK volatile int sink
