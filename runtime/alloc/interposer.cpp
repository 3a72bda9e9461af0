// The allocator entry points of libfnprof_alloc.so. Only interposition: each
// forwards to the real function (the next definition, normally libc's or
// the C++ runtime's, found with dlsym(RTLD_NEXT) once) and calls one tracker
// hook (tracker.h): after the real allocation, before the real free (a freed
// address may be handed to another thread at once).
//
// Bootstrap: dlsym itself may call calloc/malloc (for its error buffer)
// before the real functions are known. Those few allocations come from a
// small static pool, and freeing one of its blocks is recognised and
// ignored; they are never tracked.
//
// operator new/delete forward to the program's C++ runtime's, whose own
// malloc/free call is the same allocation: tls_busy is held around the
// forwarding so it is not counted twice. This library has no C++ runtime of
// its own (a C program must not get libstdc++ loaded by it), so it cannot
// catch the bad_alloc that passes through its operator new, nor run a
// destructor as it does. Instead the frames an exception can cross hold
// nothing to undo: when the real allocation inside a forwarded operator new
// fails, new_failed() puts the thread's state back and runs the program's
// new_handler loop itself, as the real operator new would next; the real
// one then only sees success, or a failure with no handler left, on which
// it throws (or returns null) with nothing of ours set.
#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include <atomic>
#include <new>  // declarations only: std::align_val_t, std::nothrow_t

#include "../arch_x86_64.h"
#include "../compiler.h"
#include "../runtime_api.h"
#include "tracker.h"

using namespace fnprof::alloc;
namespace arch = fnprof::arch;

namespace {

// ---- Bootstrap pool --------------------------------------------------------

alignas(64) char g_pool[64 * 1024];
constinit std::atomic<size_t> g_pool_used{0};

// Blocks carry their size in a 16-byte header (for realloc and
// malloc_usable_size of a pool block).
void* pool_alloc(size_t n, size_t align = 16) {
  size_t need = (n + 15) & ~size_t{15};
  size_t at = g_pool_used.load(std::memory_order_relaxed);
  size_t start;
  do {
    start = ((at + 16 + align - 1) & ~(align - 1));
    if (start + need > sizeof g_pool) return nullptr;
  } while (!g_pool_used.compare_exchange_weak(at, start + need, std::memory_order_relaxed));
  memcpy(g_pool + start - 16, &n, sizeof n);
  return g_pool + start;  // static storage: already zero, as calloc needs
}

inline bool in_pool(const void* p) {
  auto c = static_cast<const char*>(p);
  return c >= g_pool && c < g_pool + sizeof g_pool;
}

size_t pool_size(const void* p) {
  size_t n;
  memcpy(&n, static_cast<const char*>(p) - 16, sizeof n);
  return n;
}

// ---- The real functions ----------------------------------------------------
//
// Every entry point is listed once. The C ones take their type from libc's
// declaration (decltype(&::malloc), as heaptrack's preload does), and a
// definition below that differed from it would not compile. operator new and
// delete are overloaded, so their lists give each signature once, for both
// the pointer to libstdc++'s and the definition here.

#define FNPROF_C_ALLOCATORS(X)                                                                    \
  X(malloc) X(free) X(calloc) X(realloc) X(reallocarray) X(posix_memalign) X(aligned_alloc)      \
  X(memalign) X(valloc) X(pvalloc) X(malloc_usable_size)

using NewHandler = void (*)();

using std::align_val_t;
using std::nothrow_t;

// The member of Real, the C++ runtime's symbol, the operator and its
// parameters, the arguments forwarded, what serves it when no C++ runtime is
// visible to dlsym, the kind recorded.
#define FNPROF_OPERATOR_NEWS(X)                                                                   \
  X(new_, _Znwm, operator new, (size_t n), (n), fallback_new(n, 0, false), New)                   \
  X(new_array, _Znam, operator new[], (size_t n), (n), fallback_new(n, 0, false), NewArray)       \
  X(new_nothrow, _ZnwmRKSt9nothrow_t, operator new, (size_t n, const nothrow_t& t) noexcept,      \
    (n, t), fallback_new(n, 0, true), New)                                                        \
  X(new_array_nothrow, _ZnamRKSt9nothrow_t, operator new[],                                       \
    (size_t n, const nothrow_t& t) noexcept, (n, t), fallback_new(n, 0, true), NewArray)          \
  X(new_aligned, _ZnwmSt11align_val_t, operator new, (size_t n, align_val_t a), (n, a),           \
    fallback_new(n, static_cast<size_t>(a), false), New)                                          \
  X(new_array_aligned, _ZnamSt11align_val_t, operator new[], (size_t n, align_val_t a), (n, a),   \
    fallback_new(n, static_cast<size_t>(a), false), NewArray)                                     \
  X(new_aligned_nothrow, _ZnwmSt11align_val_tRKSt9nothrow_t, operator new,                        \
    (size_t n, align_val_t a, const nothrow_t& t) noexcept, (n, a, t),                            \
    fallback_new(n, static_cast<size_t>(a), true), New)                                           \
  X(new_array_aligned_nothrow, _ZnamSt11align_val_tRKSt9nothrow_t, operator new[],                \
    (size_t n, align_val_t a, const nothrow_t& t) noexcept, (n, a, t),                            \
    fallback_new(n, static_cast<size_t>(a), true), NewArray)

// The member of Real, the C++ runtime's symbol, the operator and its
// parameters, the arguments forwarded, the kind expected. Without a C++
// runtime, free.
#define FNPROF_OPERATOR_DELETES(X)                                                                \
  X(delete_, _ZdlPv, operator delete, (void* p), (p), New)                                        \
  X(delete_array, _ZdaPv, operator delete[], (void* p), (p), NewArray)                            \
  X(delete_sized, _ZdlPvm, operator delete, (void* p, size_t n), (p, n), New)                     \
  X(delete_array_sized, _ZdaPvm, operator delete[], (void* p, size_t n), (p, n), NewArray)        \
  X(delete_aligned, _ZdlPvSt11align_val_t, operator delete, (void* p, align_val_t a), (p, a), New) \
  X(delete_array_aligned, _ZdaPvSt11align_val_t, operator delete[], (void* p, align_val_t a),     \
    (p, a), NewArray)                                                                             \
  X(delete_sized_aligned, _ZdlPvmSt11align_val_t, operator delete,                                \
    (void* p, size_t n, align_val_t a), (p, n, a), New)                                           \
  X(delete_array_sized_aligned, _ZdaPvmSt11align_val_t, operator delete[],                        \
    (void* p, size_t n, align_val_t a), (p, n, a), NewArray)                                      \
  X(delete_nothrow, _ZdlPvRKSt9nothrow_t, operator delete, (void* p, const nothrow_t& t), (p, t), \
    New)                                                                                          \
  X(delete_array_nothrow, _ZdaPvRKSt9nothrow_t, operator delete[],                                \
    (void* p, const nothrow_t& t), (p, t), NewArray)                                              \
  X(delete_aligned_nothrow, _ZdlPvSt11align_val_tRKSt9nothrow_t, operator delete,                 \
    (void* p, align_val_t a, const nothrow_t& t), (p, a, t), New)                                 \
  X(delete_array_aligned_nothrow, _ZdaPvSt11align_val_tRKSt9nothrow_t, operator delete[],         \
    (void* p, align_val_t a, const nothrow_t& t), (p, a, t), NewArray)

#define FNPROF_C_MEMBER(name) decltype(&::name) name;
#define FNPROF_NEW_MEMBER(member, symbol, op, params, ...) void* (*member) params;
#define FNPROF_DELETE_MEMBER(member, symbol, op, params, ...) void (*member) params;
struct Real {
  FNPROF_C_ALLOCATORS(FNPROF_C_MEMBER)
  // The C++ runtime's, or null when the program has none (then new/delete
  // are served by malloc/free, which is what libstdc++'s do).
  FNPROF_OPERATOR_NEWS(FNPROF_NEW_MEMBER)
  FNPROF_OPERATOR_DELETES(FNPROF_DELETE_MEMBER)
  NewHandler (*get_new_handler)();  // std::get_new_handler
};
#undef FNPROF_C_MEMBER
#undef FNPROF_NEW_MEMBER
#undef FNPROF_DELETE_MEMBER

constinit Real g_real{};
constinit std::atomic<int> g_resolved{0};  // 0: not yet, 1: in progress, 2: done
__thread bool tls_resolving __attribute__((tls_model("initial-exec")));

template <class Fn>
void next(Fn& fn, const char* name) {
  fn = reinterpret_cast<Fn>(dlsym(RTLD_NEXT, name));
}

FNPROF_COLD void resolve() {
  int expected = 0;
  if (!g_resolved.compare_exchange_strong(expected, 1, std::memory_order_acquire)) {
    while (g_resolved.load(std::memory_order_acquire) != 2) {
    }
    return;
  }
  tls_resolving = true;
#define FNPROF_RESOLVE_C(name) next(g_real.name, #name);
#define FNPROF_RESOLVE_CXX(member, symbol, ...) next(g_real.member, #symbol);
  FNPROF_C_ALLOCATORS(FNPROF_RESOLVE_C)
  FNPROF_OPERATOR_NEWS(FNPROF_RESOLVE_CXX)
  FNPROF_OPERATOR_DELETES(FNPROF_RESOLVE_CXX)
  next(g_real.get_new_handler, "_ZSt15get_new_handlerv");
#undef FNPROF_RESOLVE_C
#undef FNPROF_RESOLVE_CXX
  tls_resolving = false;
  g_resolved.store(2, std::memory_order_release);
}

// True when the caller must be served from the pool (dlsym is running on
// this thread); otherwise the real functions are known on return.
inline bool bootstrapping() {
  if (FNPROF_UNLIKELY(g_resolved.load(std::memory_order_acquire) != 2)) {
    if (tls_resolving) return true;
    resolve();
  }
  return false;
}

// The caller of the interposed function: its return address, and its stack
// pointer after the return, found from our frame address (built with frame
// pointers; arch_x86_64.h).
#define FNPROF_CALLER                                                                \
  Caller {                                                                           \
    reinterpret_cast<uintptr_t>(__builtin_return_address(0)),                        \
        reinterpret_cast<uintptr_t>(__builtin_frame_address(0)) + arch::kFrameToCallerSp \
  }

// Calls a real function that may itself call an interposed one (glibc's
// reallocarray calls realloc through the PLT): the inner call is part of
// this one and must not be counted.
template <class Call>
inline auto forward(Call call) {
  ReentryGuard forwarding;
  return call();
}

inline void* tracked(void* p, size_t n, AllocKind kind, Caller caller) {
  track_alloc(p, n, kind, caller);
  return p;
}

inline bool free_untracked(void* p) { return !p || in_pool(p); }

// Set while a real operator new runs on this thread, and what tls_busy was
// outside the outermost one (libstdc++'s nothrow new calls the throwing one).
__thread bool tls_forwarding_new __attribute__((tls_model("initial-exec")));
__thread bool tls_busy_outside_new __attribute__((tls_model("initial-exec")));

// The allocation a forwarded operator new made failed (`retry` repeats it).
// The real operator new would now call the new_handler and retry, or throw
// bad_alloc when there is none: do the loop here, with the thread's state
// as outside operator new while the handler runs (its allocations are the
// program's; it may throw). Null: no handler left, and nothing of ours is
// set when the real operator new throws.
template <class Retry>
FNPROF_COLD void* new_failed(Retry retry) {
  for (;;) {
    tls_busy = tls_busy_outside_new;
    tls_forwarding_new = false;
    NewHandler handler = g_real.get_new_handler ? g_real.get_new_handler() : nullptr;
    if (!handler) return nullptr;
    handler();
    tls_busy = tls_forwarding_new = true;
    if (void* p = retry()) return p;
  }
}

// An allocation the real operator new may make: malloc, aligned_alloc,
// posix_memalign, memalign.
template <class Call>
inline void* allocate(Call call) {
  void* p = call();
  if (FNPROF_UNLIKELY(!p) && tls_forwarding_new) p = new_failed(call);
  return p;
}

// new when no C++ runtime is visible (a C program that calls operator new
// only from a library it dlopened RTLD_LOCAL with its own libstdc++): what
// libstdc++'s does, short of the new_handler. Without a C++ runtime this
// library cannot throw bad_alloc; such a failure ends the program, said once.
void* fallback_new(size_t n, size_t align, bool nothrow) {
  void* p = align ? g_real.aligned_alloc(align, (n + align - 1) / align * align ?: align)
                  : g_real.malloc(n ? n : 1);
  if (FNPROF_UNLIKELY(!p && !nothrow)) {
    fnprof_rt_warn_once("operator new ran out of memory and no C++ runtime is visible to throw std::bad_alloc; ",
                        "aborting");
    abort();
  }
  return p;
}

}  // namespace

extern "C" {

FNPROF_EXPORT void* malloc(size_t n) {
  if (FNPROF_UNLIKELY(bootstrapping())) return pool_alloc(n);
  return tracked(allocate([&] { return g_real.malloc(n); }), n, AllocKind::Malloc, FNPROF_CALLER);
}

FNPROF_EXPORT void free(void* p) {
  if (free_untracked(p)) return;
  track_free(p, AllocKind::Malloc);
  g_real.free(p);
}

FNPROF_EXPORT void* calloc(size_t count, size_t size) {
  if (FNPROF_UNLIKELY(bootstrapping())) {
    size_t n;
    return __builtin_mul_overflow(count, size, &n) ? nullptr : pool_alloc(n);
  }
  // A product that overflows makes the real calloc fail: never tracked.
  return tracked(g_real.calloc(count, size), count * size, AllocKind::Malloc, FNPROF_CALLER);
}

}  // extern "C"

namespace {

// realloc and reallocarray: the old block leaves the table before the real
// call and comes back if it fails.
template <class Call>
void* reallocate(void* p, size_t n, Caller caller, Call call) {
  if (in_pool(p)) {
    void* q = g_real.malloc(n);
    if (q) memcpy(q, p, pool_size(p) < n ? pool_size(p) : n);
    return tracked(q, n, AllocKind::Malloc, caller);
  }
  if (!p) return tracked(forward(call), n, AllocKind::Malloc, caller);
  TakenBlock old = take_block(p);
  void* q = forward(call);
  if (q) {
    finish_free(p, old, AllocKind::Malloc);
    return tracked(q, n, AllocKind::Malloc, caller);
  }
  // glibc's realloc(p, 0) frees p and returns null; any other null is a
  // failure that left p allocated.
  if (n == 0) finish_free(p, old, AllocKind::Malloc);
  else restore_block(p, old);
  return q;
}

}  // namespace

extern "C" {

FNPROF_EXPORT void* realloc(void* p, size_t n) {
  if (FNPROF_UNLIKELY(bootstrapping())) {
    void* q = pool_alloc(n);
    if (q && p) memcpy(q, p, pool_size(p) < n ? pool_size(p) : n);
    return q;
  }
  return reallocate(p, n, FNPROF_CALLER, [&] { return g_real.realloc(p, n); });
}

FNPROF_EXPORT void* reallocarray(void* p, size_t count, size_t size) {
  if (FNPROF_UNLIKELY(bootstrapping())) return nullptr;
  size_t n;
  if (__builtin_mul_overflow(count, size, &n)) {
    errno = ENOMEM;
    return nullptr;
  }
  return reallocate(p, n, FNPROF_CALLER, [&] { return g_real.reallocarray(p, count, size); });
}

FNPROF_EXPORT int posix_memalign(void** out, size_t align, size_t n) {
  if (FNPROF_UNLIKELY(bootstrapping())) {
    void* p = pool_alloc(n, align < 16 ? 16 : align);
    if (!p) return ENOMEM;
    *out = p;
    return 0;
  }
  int rc = forward([&] { return g_real.posix_memalign(out, align, n); });
  if (FNPROF_UNLIKELY(rc) && tls_forwarding_new) {
    auto retry = [&]() -> void* {
      return forward([&] { return g_real.posix_memalign(out, align, n); }) == 0 ? *out : nullptr;
    };
    if (new_failed(retry)) rc = 0;
  }
  if (rc == 0) track_alloc(*out, n, AllocKind::Malloc, FNPROF_CALLER);
  return rc;
}

FNPROF_EXPORT void* aligned_alloc(size_t align, size_t n) {
  if (FNPROF_UNLIKELY(bootstrapping())) return pool_alloc(n, align < 16 ? 16 : align);
  return tracked(allocate([&] { return forward([&] { return g_real.aligned_alloc(align, n); }); }), n,
                 AllocKind::Malloc, FNPROF_CALLER);
}

FNPROF_EXPORT void* memalign(size_t align, size_t n) {
  if (FNPROF_UNLIKELY(bootstrapping())) return pool_alloc(n, align < 16 ? 16 : align);
  return tracked(allocate([&] { return forward([&] { return g_real.memalign(align, n); }); }), n,
                 AllocKind::Malloc, FNPROF_CALLER);
}

FNPROF_EXPORT void* valloc(size_t n) {
  if (FNPROF_UNLIKELY(bootstrapping())) return nullptr;
  return tracked(forward([&] { return g_real.valloc(n); }), n, AllocKind::Malloc, FNPROF_CALLER);
}

FNPROF_EXPORT void* pvalloc(size_t n) {
  if (FNPROF_UNLIKELY(bootstrapping())) return nullptr;
  return tracked(forward([&] { return g_real.pvalloc(n); }), n, AllocKind::Malloc, FNPROF_CALLER);
}

FNPROF_EXPORT size_t malloc_usable_size(void* p) {
  if (p && in_pool(p)) return pool_size(p);
  if (FNPROF_UNLIKELY(bootstrapping())) return 0;
  return g_real.malloc_usable_size(p);
}

}  // extern "C"

// ---- operator new and delete -----------------------------------------------

// No object with a destructor here: bad_alloc may pass through (see the top).
#define FNPROF_DEFINE_NEW(member, symbol, op, params, args, fallback, kind)  \
  FNPROF_EXPORT void* op params {                                           \
    bootstrapping();                                                        \
    if (FNPROF_UNLIKELY(!g_real.member))                                    \
      return tracked(fallback, n, AllocKind::kind, FNPROF_CALLER);          \
    bool was_busy = tls_busy, was_forwarding = tls_forwarding_new;          \
    if (!was_forwarding) tls_busy_outside_new = was_busy;                   \
    tls_busy = tls_forwarding_new = true;                                   \
    void* p = g_real.member args;                                           \
    tls_busy = was_busy, tls_forwarding_new = was_forwarding;               \
    return tracked(p, n, AllocKind::kind, FNPROF_CALLER);                   \
  }

#define FNPROF_DEFINE_DELETE(member, symbol, op, params, args, kind)       \
  FNPROF_EXPORT void op params noexcept {                                  \
    if (free_untracked(p)) return;                                         \
    bootstrapping();                                                       \
    track_free(p, AllocKind::kind);                                        \
    ReentryGuard forwarding;                                               \
    if (g_real.member) g_real.member args;                                 \
    else g_real.free(p);                                                   \
  }

FNPROF_OPERATOR_NEWS(FNPROF_DEFINE_NEW)
FNPROF_OPERATOR_DELETES(FNPROF_DEFINE_DELETE)
