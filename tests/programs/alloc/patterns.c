/* Every C allocator entry point, each from its own function (= its own
   site), with numbers known by construction. Sizes are the sizes asked for.

   site (function)    allocs frees bytes_alloc bytes_freed temporary live
   leak_three              3     0        3000           0         0  3000
   temporaries            10    10         640         640        10     0
   first_of_two            1     1          32          32         0     0
   second_of_two           1     1          32          32         1     0
   chain_start             1     1          10          10         1     0
   chain_grow              3     3         140         140         3     0
   zeroed (calloc)         1     1         200         200         1     0
   array (reallocarray)    1     1         100         100         1     0
   aligned_posix           1     1         128         128         1     0
   aligned_c11             1     1         512         512         1     0
   aligned_memalign        1     1          96          96         1     0
   page_valloc             1     1        1000        1000         1     0
   page_pvalloc            1     1          10          10         1     0
   realloc_to_zero         1     1          50          50         1     0
   peak_block              1     1     1000000     1000000         1     0

   Program totals: 28 allocations, 25 frees, 1,005,950 bytes allocated,
   1,002,950 freed, 3,000 leaked in 3 blocks, 24 temporaries, 0 mismatches.
   The process peak is reached while peak_block is live: at that moment
   peak_block holds 1,000,000 bytes, leak_three 3,000, every other program
   site 0. leak_three's sizes all fall in bucket 10 ([512, 1024)).
   errno survives every call; realloc(p, 0) frees p. */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>

#include "alloc_program.h"

static void* kept[3];

NOINLINE static void leak_three(void) {
  for (int i = 0; i < 3; ++i) ESCAPE(kept[i] = malloc(1000));
}
NOINLINE static void temporaries(void) {
  for (int i = 0; i < 10; ++i) {
    void* p = malloc(64);
    ESCAPE(p);
    free(p);
  }
}
NOINLINE static void* first_of_two(void) { void* p = malloc(32); ESCAPE(p); return p; }
NOINLINE static void* second_of_two(void) { void* p = malloc(32); ESCAPE(p); return p; }
NOINLINE static void* chain_start(void) { void* p = malloc(10); ESCAPE(p); return p; }
NOINLINE static void* chain_grow(void* p, size_t n) { p = realloc(p, n); ESCAPE(p); return p; }
NOINLINE static void* zeroed(void) { void* p = calloc(10, 20); ESCAPE(p); return p; }
NOINLINE static void* array(void) { void* p = reallocarray(NULL, 4, 25); ESCAPE(p); return p; }
NOINLINE static void* aligned_posix(void) {
  void* p = NULL;
  int rc = posix_memalign(&p, 64, 128);
  ESCAPE(p);
  return rc == 0 ? p : NULL;
}
NOINLINE static void* aligned_c11(void) { void* p = aligned_alloc(256, 512); ESCAPE(p); return p; }
NOINLINE static void* aligned_memalign(void) { void* p = memalign(32, 96); ESCAPE(p); return p; }
NOINLINE static void* page_valloc(void) { void* p = valloc(1000); ESCAPE(p); return p; }
NOINLINE static void* page_pvalloc(void) { void* p = pvalloc(10); ESCAPE(p); return p; }
NOINLINE static void* realloc_to_zero(void) { void* p = malloc(50); ESCAPE(p); return p; }
NOINLINE static void* peak_block(void) { void* p = malloc(1000000); ESCAPE(p); return p; }

int main(void) {
  long page = sysconf(_SC_PAGESIZE);
  leak_three();
  temporaries();

  void* a = first_of_two();
  void* b = second_of_two();
  free(a);  /* b came after a: a is not a temporary */
  free(b);  /* nothing allocated since b: a temporary */

  char* p = chain_start();
  memcpy(p, "chain", 6);
  for (size_t n = 20; n <= 80; n *= 2) p = chain_grow(p, n);
  check(strcmp(p, "chain") == 0, "realloc keeps the contents");
  free(p);

  unsigned char* z = zeroed();
  int all_zero = 1;
  for (int i = 0; i < 200; ++i) all_zero &= z[i] == 0;
  check(all_zero, "calloc zeroes");
  free(z);

  free(array());

  void* q = aligned_posix();
  check(q && (uintptr_t)q % 64 == 0, "posix_memalign aligns to 64");
  free(q);
  q = aligned_c11();
  check(q && (uintptr_t)q % 256 == 0, "aligned_alloc aligns to 256");
  free(q);
  q = aligned_memalign();
  check(q && (uintptr_t)q % 32 == 0, "memalign aligns to 32");
  free(q);
  q = page_valloc();
  check(q && (uintptr_t)q % page == 0, "valloc aligns to a page");
  check(malloc_usable_size(q) >= 1000, "malloc_usable_size passes through");
  free(q);
  q = page_pvalloc();
  check(q && (uintptr_t)q % page == 0, "pvalloc aligns to a page");
  free(q);

  q = realloc_to_zero();
  check(realloc(q, 0) == NULL, "realloc(p, 0) frees p and returns NULL");

  errno = 1234;
  free(NULL);
  void* e = peak_block();
  check(errno == 1234, "errno survives malloc and free(NULL)");
  errno = 0;
  free(e);
  check(errno == 0, "errno survives free");

  void* huge = malloc(SIZE_MAX / 2);
  check(huge == NULL && errno == ENOMEM, "a failed malloc sets ENOMEM");
  say("done");
  return 3;  /* an exit status the tracker must pass through */
}
