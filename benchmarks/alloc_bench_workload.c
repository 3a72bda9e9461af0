/* One malloc+free pair through four frames, as in shared/bench/allocbench.c.
   Built twice by alloc.cmake: plain (ALLOC_PAIR = alloc_pair_plain) and with
   -finstrument-functions (ALLOC_PAIR = alloc_pair_instrumented), whose open
   frames give the tracker a shadow stack to read. */
#include <stdlib.h>
#define ESCAPE(p) __asm__ volatile("" : : "r"(p) : "memory")
#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define FN(name) CAT(name, CAT(_, ALLOC_PAIR))
__attribute__((noinline)) static void* FN(leaf)(size_t n) { void* p = malloc(n); ESCAPE(p); return p; }
__attribute__((noinline)) static void FN(level3)(long i) { void* p = FN(leaf)(16 + (i * 37) % 4081); free(p); }
__attribute__((noinline)) static void FN(level2)(long i) { if (i & 1) FN(level3)(i); else { void* p = FN(leaf)(64); free(p); } }
__attribute__((noinline)) void ALLOC_PAIR(long i) { FN(level2)(i); }
