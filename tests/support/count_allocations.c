/* libfnprof_count_allocations.so: ground truth for the allocation tracker,
 * preloaded instead of it. Counts the successful allocations of the malloc
 * family (malloc, calloc, realloc returning a block, memalign,
 * aligned_alloc, posix_memalign), the program's and libc's own, and prints
 * "count_allocations: N\n" on stderr at exit. It forwards to glibc's
 * __libc_* entry points, so it needs no dlsym and loads nothing else: the
 * count is what the program does without any profiler.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

void* __libc_malloc(size_t);
void* __libc_calloc(size_t, size_t);
void* __libc_realloc(void*, size_t);
void* __libc_memalign(size_t, size_t);
void __libc_free(void*);

static uint64_t allocations;

static void* counted(void* p) {
  if (p) __atomic_fetch_add(&allocations, 1, __ATOMIC_RELAXED);
  return p;
}

void* malloc(size_t n) { return counted(__libc_malloc(n)); }
void* calloc(size_t count, size_t size) { return counted(__libc_calloc(count, size)); }
void* realloc(void* p, size_t n) { return counted(__libc_realloc(p, n)); }
void* memalign(size_t align, size_t n) { return counted(__libc_memalign(align, n)); }
void* aligned_alloc(size_t align, size_t n) { return counted(__libc_memalign(align, n)); }
int posix_memalign(void** out, size_t align, size_t n) {
  void* p = counted(__libc_memalign(align, n));
  if (!p) return ENOMEM;
  *out = p;
  return 0;
}
void free(void* p) { __libc_free(p); }

__attribute__((destructor)) static void report(void) {
  char text[64] = "count_allocations: ";
  char digits[24];
  size_t n = 0, at = 19;
  uint64_t v = __atomic_load_n(&allocations, __ATOMIC_RELAXED);
  do digits[n++] = (char)('0' + v % 10);
  while (v /= 10);
  while (n) text[at++] = digits[--n];
  text[at++] = '\n';
  ssize_t ignored = write(2, text, at);
  (void)ignored;
}
