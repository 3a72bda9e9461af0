/* Ground-truth hooks for the end-to-end tests: a -finstrument-functions
 * runtime that only counts. Linked instead of libfnprof.so into the
 * `<program>_count_<compiler>` reference builds, it records
 *
 *   - calls per function address, and
 *   - calls per (caller, callee) pair, where the caller is the function on
 *     top of a thread-local shadow stack (0 at the bottom of a thread),
 *
 * and writes them when the process ends (exit, return from main, or a fatal
 * SIGTERM/SIGINT/SIGHUP, after which the signal is re-raised) to the file
 * named by $COUNT_OUTPUT ("%p" in it is replaced by the pid; a forked child
 * without "%p" appends ".<pid>"). Nothing is written when $COUNT_OUTPUT is
 * unset. Lines:
 *
 *   0x<addr> <count> <module-path> 0x<module-offset> <symbol or ->
 *   edge 0x<caller> 0x<callee> <count>
 *
 * The module and symbol come from dladdr() at the first call of each
 * function, so they survive dlclose(); the offset is addr - dli_fbase, i.e. the
 * address in the module's own ELF address space (what addr2line takes).
 *
 * Exceptions (Clang does not call the exit hook while unwinding) and longjmp
 * leave frames on the shadow stack that never see their exit hook. The stack
 * is repaired by stack depth (the machine stack grows down):
 *   - on enter, every entry whose CFA (the stack pointer before the call) is
 *     below the new function's was abandoned, and so was one with an equal
 *     CFA (a sibling called from the same frame), unless the new function is
 *     inlined: its hooks then run in the frame of the function it was inlined
 *     into, whose CFA it shares. The CFA is the hook's frame address plus a
 *     constant of the hook's call site, found once per site by unwinding; a
 *     site is inlined when the function around it is not the one entered;
 *   - on exit, the exiting function's entry and the abandoned ones above it
 *     go (the exit hook's frame address is no measure of depth: GCC
 *     tail-calls it).
 * So edges are exact for both compilers whatever the unwinding.
 *
 * Speed is not a goal, but the hot path takes no lock: counts are atomic adds
 * into open-addressing tables; inserting a new key takes a spin lock. Calls on
 * a thread deeper than kStackCapacity are counted but have no edge stack.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <unwind.h>

#define HOOK __attribute__((no_instrument_function, visibility("default")))
#define INTERNAL __attribute__((no_instrument_function))
#define TLS __thread __attribute__((tls_model("initial-exec")))

enum {
  kFuncSlots = 1 << 16,
  kSiteSlots = 1 << 16,
  kEdgeSlots = 1 << 18,
  kNamePool = 1 << 22,
  kStackCapacity = 1 << 20,
};

struct FuncSlot {
  uintptr_t addr; /* 0 = empty; published last (release) */
  uint64_t count;
  const char* module;
  uintptr_t offset;
  const char* symbol;
};

/* A call site of the enter hook, i.e. a function's entry, or one of the
 * places a function was inlined into. */
struct SiteSlot {
  uintptr_t return_address; /* 0 = empty; published last (release) */
  uintptr_t cfa_offset;     /* CFA of the frame minus the enter hook's frame */
  int inlined;              /* the frame belongs to another function */
};

struct EdgeSlot {
  uintptr_t caller, callee;
  int ready; /* published last (release) */
  uint64_t count;
};

struct Frame {
  uintptr_t fn;
  uintptr_t cfa; /* stack pointer before the call of the function (or of
                    the function it was inlined into) */
};

static struct FuncSlot g_funcs[kFuncSlots];
static struct SiteSlot g_sites[kSiteSlots];
static struct EdgeSlot g_edges[kEdgeSlots];
static char g_names[kNamePool];
static size_t g_names_used;
static int g_lock;
static int g_written;
static pid_t g_pid;

static TLS struct Frame* t_stack;
static TLS size_t t_depth; /* may exceed kStackCapacity */

INTERNAL static void lock(void) {
  while (__atomic_exchange_n(&g_lock, 1, __ATOMIC_ACQUIRE)) {
  }
}
INTERNAL static void unlock(void) { __atomic_store_n(&g_lock, 0, __ATOMIC_RELEASE); }

INTERNAL static size_t hash(uintptr_t a, uintptr_t b) {
  uint64_t h = (a ^ (b * 0x9e3779b97f4a7c15ull)) * 0xff51afd7ed558ccdull;
  return (size_t)(h ^ (h >> 29));
}

/* Copies s into the name pool (under the lock); dladdr's strings belong to
 * the module and vanish with dlclose. */
INTERNAL static const char* intern(const char* s) {
  if (!s) return "-";
  size_t n = strlen(s) + 1;
  if (g_names_used + n > sizeof g_names) return "?";
  char* p = g_names + g_names_used;
  memcpy(p, s, n);
  g_names_used += n;
  return p;
}

INTERNAL __attribute__((cold, noinline)) static struct FuncSlot* insert_func(uintptr_t addr) {
  Dl_info info; /* outside the lock: dladdr takes the loader lock */
  int found = dladdr((void*)addr, &info);
  lock();
  size_t i = hash(addr, 0) & (kFuncSlots - 1);
  for (;; i = (i + 1) & (kFuncSlots - 1)) {
    struct FuncSlot* s = &g_funcs[i];
    uintptr_t a = __atomic_load_n(&s->addr, __ATOMIC_ACQUIRE);
    if (a == addr) break;
    if (a == 0) {
      s->module = intern(found ? info.dli_fname : NULL);
      s->offset = found ? addr - (uintptr_t)info.dli_fbase : addr;
      s->symbol = intern(found ? info.dli_sname : NULL);
      __atomic_store_n(&s->addr, addr, __ATOMIC_RELEASE);
      break;
    }
  }
  unlock();
  return &g_funcs[i];
}

INTERNAL static void count_func(uintptr_t addr) {
  struct FuncSlot* s = NULL;
  for (size_t i = hash(addr, 0) & (kFuncSlots - 1);; i = (i + 1) & (kFuncSlots - 1)) {
    uintptr_t a = __atomic_load_n(&g_funcs[i].addr, __ATOMIC_ACQUIRE);
    if (a == addr) {
      s = &g_funcs[i];
      break;
    }
    if (a == 0) {
      s = insert_func(addr);
      break;
    }
  }
  __atomic_fetch_add(&s->count, 1, __ATOMIC_RELAXED);
}

struct SiteSearch {
  uintptr_t return_address; /* into the frame that called the enter hook */
  uintptr_t region_start;   /* of that frame's function; 0 until found */
  uintptr_t cfa;
};

/* libgcc's _Unwind_GetCFA(context of frame F) is the stack pointer inside F
 * (the CFA of the frame F called); F's own CFA comes with its caller's
 * context, the next one. */
INTERNAL static _Unwind_Reason_Code find_site(struct _Unwind_Context* ctx, void* arg) {
  struct SiteSearch* search = (struct SiteSearch*)arg;
  if (search->region_start) {
    search->cfa = _Unwind_GetCFA(ctx);
    return _URC_END_OF_STACK;
  }
  if (_Unwind_GetIP(ctx) == search->return_address)
    search->region_start = _Unwind_GetRegionStart(ctx);
  return _URC_NO_REASON;
}

/* First call through a hook call site: unwinds from the hook (`sp` is its
 * frame) to measure the CFA of the frame and whose function it is. */
INTERNAL __attribute__((cold, noinline)) static struct SiteSlot* insert_site(
    uintptr_t return_address, uintptr_t fn, uintptr_t sp) {
  struct SiteSearch search = {return_address, 0, 0};
  _Unwind_Backtrace(find_site, &search); /* outside the lock: takes the loader lock */
  lock();
  size_t i = hash(return_address, 1) & (kSiteSlots - 1);
  for (;; i = (i + 1) & (kSiteSlots - 1)) {
    struct SiteSlot* s = &g_sites[i];
    uintptr_t a = __atomic_load_n(&s->return_address, __ATOMIC_ACQUIRE);
    if (a == return_address) break;
    if (a == 0) {
      s->cfa_offset = search.cfa > sp ? search.cfa - sp : 0; /* 0: no unwind info */
      s->inlined = search.region_start != 0 && search.region_start != fn;
      __atomic_store_n(&s->return_address, return_address, __ATOMIC_RELEASE);
      break;
    }
  }
  unlock();
  return &g_sites[i];
}

INTERNAL static struct SiteSlot* find_site_slot(uintptr_t return_address, uintptr_t fn,
                                                uintptr_t sp) {
  for (size_t i = hash(return_address, 1) & (kSiteSlots - 1);; i = (i + 1) & (kSiteSlots - 1)) {
    uintptr_t a = __atomic_load_n(&g_sites[i].return_address, __ATOMIC_ACQUIRE);
    if (a == return_address) return &g_sites[i];
    if (a == 0) return insert_site(return_address, fn, sp);
  }
}

INTERNAL static void count_edge(uintptr_t caller, uintptr_t callee) {
  size_t i = hash(caller, callee) & (kEdgeSlots - 1);
  int locked = 0;
  for (;; i = (i + 1) & (kEdgeSlots - 1)) {
    struct EdgeSlot* s = &g_edges[i];
    if (!__atomic_load_n(&s->ready, __ATOMIC_ACQUIRE)) {
      if (!locked) {  /* maybe being inserted: probe again under the lock */
        lock();
        locked = 1;
        i = (hash(caller, callee) - 1) & (kEdgeSlots - 1);
        continue;
      }
      s->caller = caller;
      s->callee = callee;
      __atomic_store_n(&s->ready, 1, __ATOMIC_RELEASE);
    }
    if (s->caller == caller && s->callee == callee) {
      __atomic_fetch_add(&s->count, 1, __ATOMIC_RELAXED);
      break;
    }
  }
  if (locked) unlock();
}

INTERNAL static void write_counts(void) {
  if (__atomic_exchange_n(&g_written, 1, __ATOMIC_ACQ_REL)) return;
  const char* spec = getenv("COUNT_OUTPUT");
  if (!spec || !*spec) return;
  char path[4096];
  size_t n = 0;
  pid_t pid = getpid();
  for (const char* p = spec; *p && n + 24 < sizeof path; ++p) {
    if (p[0] == '%' && p[1] == 'p') {
      n += (size_t)snprintf(path + n, sizeof path - n, "%d", (int)pid);
      ++p;
    } else {
      path[n++] = *p;
    }
  }
  path[n] = 0;
  if (!strstr(spec, "%p") && pid != g_pid)
    snprintf(path + n, sizeof path - n, ".%d", (int)pid);
  FILE* f = fopen(path, "w");
  if (!f) return;
  for (size_t i = 0; i < kFuncSlots; ++i) {
    const struct FuncSlot* s = &g_funcs[i];
    if (s->addr)
      fprintf(f, "0x%lx %lu %s 0x%lx %s\n", (unsigned long)s->addr, (unsigned long)s->count,
              s->module, (unsigned long)s->offset, s->symbol);
  }
  for (size_t i = 0; i < kEdgeSlots; ++i) {
    const struct EdgeSlot* s = &g_edges[i];
    if (s->ready)
      fprintf(f, "edge 0x%lx 0x%lx %lu\n", (unsigned long)s->caller, (unsigned long)s->callee,
              (unsigned long)s->count);
  }
  fclose(f);
}

INTERNAL static void on_fatal_signal(int sig) {
  write_counts();
  signal(sig, SIG_DFL);
  raise(sig);
}

/* A destructor of this shared library runs after the program's atexit
 * handlers, static destructors and destructor functions (_dl_fini finishes
 * the executable before its dependencies), so their calls are counted. */
INTERNAL __attribute__((constructor)) static void counting_init(void) {
  g_pid = getpid();
  int sigs[] = {SIGTERM, SIGINT, SIGHUP};
  for (size_t i = 0; i < sizeof sigs / sizeof *sigs; ++i) {
    struct sigaction old;
    if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_DFL)
      signal(sigs[i], on_fatal_signal);
  }
}

INTERNAL __attribute__((destructor)) static void counting_fini(void) { write_counts(); }

INTERNAL __attribute__((cold, noinline)) static void map_stack(void) {
  void* p = mmap(NULL, kStackCapacity * sizeof(struct Frame), PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) abort();
  t_stack = (struct Frame*)p;
}

/* Pops the entries of functions that were left without an exit hook
 * (longjmp, or an exception under Clang): on enter those with a CFA below
 * `limit` (or equal, when `equal_too`). */
INTERNAL static void pop_abandoned(uintptr_t limit, int equal_too) {
  while (t_depth > 0) {
    size_t top = t_depth - 1;
    if (top >= kStackCapacity) break; /* not recorded: assume still live */
    uintptr_t v = t_stack[top].cfa;
    if (v > limit || (v == limit && !equal_too)) break;
    --t_depth;
  }
}

HOOK void __cyg_profile_func_enter(void* fn, void* call_site) {
  (void)call_site;
  uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
  if (__builtin_expect(!t_stack, 0)) map_stack();
  count_func((uintptr_t)fn);
  struct SiteSlot* site =
      find_site_slot((uintptr_t)__builtin_return_address(0), (uintptr_t)fn, sp);
  uintptr_t cfa = sp + site->cfa_offset;
  pop_abandoned(cfa, !site->inlined);
  /* caller 1: "unknown", deeper than the recorded stack */
  uintptr_t caller = t_depth == 0 ? 0 : t_depth <= kStackCapacity ? t_stack[t_depth - 1].fn : 1;
  count_edge(caller, (uintptr_t)fn);
  if (t_depth < kStackCapacity) t_stack[t_depth] = (struct Frame){(uintptr_t)fn, cfa};
  ++t_depth;
}

/* The exit hook cannot tell depth by its frame address: GCC tail-calls it
 * (`jmp __cyg_profile_func_exit`) once the function's frame is gone, so its
 * frame sits where the caller's would. It pops the exiting function's entry,
 * and any abandoned entries above it that no enter hook has cleared yet. */
HOOK void __cyg_profile_func_exit(void* fn, void* call_site) {
  (void)call_site;
  if (!t_stack || t_depth == 0) return;
  if (t_depth > kStackCapacity) {
    --t_depth;
    return;
  }
  for (size_t d = t_depth; d > 0; --d) {
    if (t_stack[d - 1].fn == (uintptr_t)fn) {
      t_depth = d - 1;
      return;
    }
  }
}
