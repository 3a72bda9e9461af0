// The libc calls that block, interposed so that time a thread spends waiting
// shows as a leaf node under the function that waited, instead of as that
// function's own time: main's std::thread::join becomes main -> pthread_join.
// Each interposer forwards to the next definition (libc's) and records the
// call through the ordinary hooks, with the real function's address as the
// node's function, so the tree, the signal-handler logging, stack repair and
// the dump treat it as any other call, and the symbolizer names it. The dump's
// blocking-functions section lists these addresses (blocking_calls.h).
//
// Behaviour is the real function's: same arguments, same result, errno as
// the real call left it (saved before the exit hook, restored after it).
// A cancellation point that acts unwinds through the interposer's frame
// (it has unwind tables and nothing to clean up); the shadow stack is
// repaired at the next hook or closed at thread end, as for an exception.
//
// Not recorded, only forwarded:
//   - calls of a thread that has no profile yet (no instrumented function
//     ran on it: there is no calling function to put the wait under);
//   - calls made by fnprof itself (the dump writer, /proc reads, the
//     sampler, the allocation tracker, libunwind's validation pipe): the
//     return address is in one of those libraries' code (own_code below);
//   - a lock that is free: pthread_mutex_lock, the rwlock locks and
//     sem_wait first try without blocking (the try variant), which is what
//     the real function's fast path does, and only a lock that is taken is
//     recorded: the node's calls are the times the thread had to wait;
//   - a mutex or rwlock lock while the process has one thread
//     (__libc_single_threaded): no other thread can hold it, and glibc
//     locks with a plain store then, which the try (always atomic) would
//     make 4x slower (docs/PERFORMANCE.md). The one wait this misses is on
//     a process-shared lock held by another process.
#include "blocking_calls.h"

#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <errno.h>
#include <gnu/libc-version.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/single_threaded.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atomic>

#include "compiler.h"
#include "next_symbol.h"
#include "thread_registry.h"

extern "C" void __cyg_profile_func_enter(void* fn, void* call_site);
extern "C" void __cyg_profile_func_exit(void* fn, void* call_site);

namespace fnprof::rt {

namespace {

using format::WaitKind;

// The name, the wait kind, the return type, the parameters as declared by
// libc (with its noexcept), the arguments forwarded. Functions that have a
// non-blocking try variant are defined by hand below.
#define FNPROF_BLOCKING_CALLS(X)                                                                       \
  X(pthread_join, Join, int, (pthread_t th, void** ret), (th, ret))                                    \
  X(pthread_timedjoin_np, Join, int, (pthread_t th, void** ret, const timespec* t), (th, ret, t))      \
  X(pthread_clockjoin_np, Join, int, (pthread_t th, void** ret, clockid_t c, const timespec* t),       \
    (th, ret, c, t))                                                                                   \
  X(pthread_mutex_timedlock, Lock, int, (pthread_mutex_t* m, const timespec* t) noexcept, (m, t))      \
  X(pthread_mutex_clocklock, Lock, int, (pthread_mutex_t* m, clockid_t c, const timespec* t) noexcept, \
    (m, c, t))                                                                                         \
  X(pthread_rwlock_timedrdlock, Lock, int, (pthread_rwlock_t* l, const timespec* t) noexcept, (l, t))   \
  X(pthread_rwlock_timedwrlock, Lock, int, (pthread_rwlock_t* l, const timespec* t) noexcept, (l, t))   \
  X(pthread_rwlock_clockrdlock, Lock, int, (pthread_rwlock_t* l, clockid_t c, const timespec* t) noexcept, \
    (l, c, t))                                                                                         \
  X(pthread_rwlock_clockwrlock, Lock, int, (pthread_rwlock_t* l, clockid_t c, const timespec* t) noexcept, \
    (l, c, t))                                                                                         \
  X(sem_timedwait, Lock, int, (sem_t* s, const timespec* t), (s, t))                                   \
  X(flock, Lock, int, (int fd, int op) noexcept, (fd, op))                                             \
  X(sem_clockwait, Lock, int, (sem_t* s, clockid_t c, const timespec* t), (s, c, t))                   \
  X(pthread_cond_wait, Condition, int, (pthread_cond_t* c, pthread_mutex_t* m), (c, m))                \
  X(pthread_cond_timedwait, Condition, int, (pthread_cond_t* c, pthread_mutex_t* m, const timespec* t), \
    (c, m, t))                                                                                         \
  X(pthread_cond_clockwait, Condition, int,                                                            \
    (pthread_cond_t* c, pthread_mutex_t* m, clockid_t k, const timespec* t), (c, m, k, t))             \
  X(pthread_barrier_wait, Condition, int, (pthread_barrier_t* b) noexcept, (b))                        \
  X(sigwait, Condition, int, (const sigset_t* s, int* sig), (s, sig))                                  \
  X(sigwaitinfo, Condition, int, (const sigset_t* s, siginfo_t* i), (s, i))                            \
  X(sigtimedwait, Condition, int, (const sigset_t* s, siginfo_t* i, const timespec* t), (s, i, t))     \
  X(nanosleep, Sleep, int, (const timespec* r, timespec* left), (r, left))                             \
  X(clock_nanosleep, Sleep, int, (clockid_t c, int f, const timespec* r, timespec* left), (c, f, r, left)) \
  X(usleep, Sleep, int, (useconds_t us), (us))                                                         \
  X(sleep, Sleep, unsigned, (unsigned s), (s))                                                         \
  X(poll, Poll, int, (pollfd* f, nfds_t n, int t), (f, n, t))                                          \
  X(ppoll, Poll, int, (pollfd* f, nfds_t n, const timespec* t, const sigset_t* m), (f, n, t, m))       \
  X(select, Poll, int, (int n, fd_set* r, fd_set* w, fd_set* e, timeval* t), (n, r, w, e, t))          \
  X(pselect, Poll, int, (int n, fd_set* r, fd_set* w, fd_set* e, const timespec* t, const sigset_t* m), \
    (n, r, w, e, t, m))                                                                                \
  X(epoll_wait, Poll, int, (int fd, epoll_event* e, int n, int t), (fd, e, n, t))                      \
  X(epoll_pwait, Poll, int, (int fd, epoll_event* e, int n, int t, const sigset_t* m), (fd, e, n, t, m)) \
  X(read, Io, ssize_t, (int fd, void* b, size_t n), (fd, b, n))                                        \
  X(write, Io, ssize_t, (int fd, const void* b, size_t n), (fd, b, n))                                 \
  X(readv, Io, ssize_t, (int fd, const iovec* v, int n), (fd, v, n))                                   \
  X(writev, Io, ssize_t, (int fd, const iovec* v, int n), (fd, v, n))                                  \
  X(pread, Io, ssize_t, (int fd, void* b, size_t n, off_t at), (fd, b, n, at))                         \
  X(pwrite, Io, ssize_t, (int fd, const void* b, size_t n, off_t at), (fd, b, n, at))                  \
  X(preadv, Io, ssize_t, (int fd, const iovec* v, int n, off_t at), (fd, v, n, at))                    \
  X(pwritev, Io, ssize_t, (int fd, const iovec* v, int n, off_t at), (fd, v, n, at))                   \
  X(fsync, Io, int, (int fd), (fd))                                                                    \
  X(fdatasync, Io, int, (int fd), (fd))                                                                \
  X(recv, Io, ssize_t, (int fd, void* b, size_t n, int f), (fd, b, n, f))                              \
  X(recvfrom, Io, ssize_t, (int fd, void* b, size_t n, int f, sockaddr* a, socklen_t* l),              \
    (fd, b, n, f, a, l))                                                                               \
  X(recvmsg, Io, ssize_t, (int fd, msghdr* m, int f), (fd, m, f))                                      \
  X(send, Io, ssize_t, (int fd, const void* b, size_t n, int f), (fd, b, n, f))                        \
  X(sendto, Io, ssize_t, (int fd, const void* b, size_t n, int f, const sockaddr* a, socklen_t l),     \
    (fd, b, n, f, a, l))                                                                               \
  X(sendmsg, Io, ssize_t, (int fd, const msghdr* m, int f), (fd, m, f))                                \
  X(accept, Io, int, (int fd, sockaddr* a, socklen_t* l), (fd, a, l))                                  \
  X(accept4, Io, int, (int fd, sockaddr* a, socklen_t* l, int f), (fd, a, l, f))                       \
  X(connect, Io, int, (int fd, const sockaddr* a, socklen_t l), (fd, a, l))                            \
  X(wait, Child, pid_t, (int* status), (status))                                                       \
  X(waitpid, Child, pid_t, (pid_t p, int* status, int o), (p, status, o))                              \
  X(waitid, Child, int, (idtype_t t, id_t id, siginfo_t* i, int o), (t, id, i, o))

// The calls with a try variant: the name, the kind, the parameters, the
// arguments, the try variant, and the result of the try variant that means
// "would block" (everything else is the lock's own result). The pthread
// ones leave errno alone; sem_trywait sets it when it fails, so errno is
// saved around it (errno is a call to __errno_location: the mutex, the hot
// one, does without).
// `alone`: the real call goes straight through while the process has one
// thread (semaphores are shared between processes more often than not).
#define FNPROF_TRY_FIRST_CALLS(X)                                                                    \
  X(pthread_mutex_lock, Lock, (pthread_mutex_t* m) noexcept, (m), pthread_mutex_trylock, r == EBUSY, , , \
    __libc_single_threaded)                                                                          \
  X(pthread_rwlock_rdlock, Lock, (pthread_rwlock_t* l) noexcept, (l), pthread_rwlock_tryrdlock,       \
    r == EBUSY, , , __libc_single_threaded)                                                           \
  X(pthread_rwlock_wrlock, Lock, (pthread_rwlock_t* l) noexcept, (l), pthread_rwlock_trywrlock,       \
    r == EBUSY, , , __libc_single_threaded)                                                           \
  X(sem_wait, Lock, (sem_t* s), (s), sem_trywait, r == -1 && errno == EAGAIN, int saved = errno, \
    errno = saved, false)

// The checking variants that a program built with _FORTIFY_SOURCE calls
// instead (glibc's headers choose them when the buffer's size is known and
// the length is not a constant): the name, the function a node records
// (the one the source called: a fortified read is a read), the result, the
// parameters, the arguments. The real variant calls libc's internal function
// directly, so the plain interposer does not see these calls.
#define FNPROF_FORTIFIED_CALLS(X)                                                                      \
  X(__read_chk, read, ssize_t, (int fd, void* b, size_t n, size_t size), (fd, b, n, size))             \
  X(__pread_chk, pread, ssize_t, (int fd, void* b, size_t n, off_t at, size_t size), (fd, b, n, at, size)) \
  X(__recv_chk, recv, ssize_t, (int fd, void* b, size_t n, size_t size, int f), (fd, b, n, size, f))   \
  X(__recvfrom_chk, recvfrom, ssize_t,                                                                 \
    (int fd, void* b, size_t n, size_t size, int f, sockaddr* a, socklen_t* l), (fd, b, n, size, f, a, l)) \
  X(__poll_chk, poll, int, (pollfd * f, nfds_t n, int t, size_t size), (f, n, t, size))                \
  X(__ppoll_chk, ppoll, int, (pollfd * f, nfds_t n, const timespec* t, const sigset_t* m, size_t size), \
    (f, n, t, m, size))

// The pointer types are spelled from the parameters (decltype(&::name) would
// carry libc's nonnull attributes, which a template argument drops with a
// warning); each definition below is checked against libc's declaration.
#define FNPROF_REAL(name, kind, result, params, ...) constinit NextSymbol<result(*) params> real_##name{#name};
FNPROF_BLOCKING_CALLS(FNPROF_REAL)
#define FNPROF_REAL_TRY_FIRST(name, kind, params, args, try_name, ...)   \
  constinit NextSymbol<int(*) params> real_##name{#name};                \
  constinit NextSymbol<int(*) params> real_##try_name{#try_name};
FNPROF_TRY_FIRST_CALLS(FNPROF_REAL_TRY_FIRST)
#define FNPROF_REAL_FORTIFIED(name, plain, result, params, args) \
  constinit NextSymbol<result(*) params> real_##name{#name};
FNPROF_FORTIFIED_CALLS(FNPROF_REAL_FORTIFIED)
#define FNPROF_RESOLVE_TRY(name, kind, params, args, try_name, ...) real_##try_name.get();

// ---- fnprof's own code -----------------------------------------------------
// The executable ranges of libfnprof.so, libfnprof_alloc.so and libunwind,
// found once at start-up (all three are loaded by then: this library's
// dependencies and the preloaded tracker). A call whose return address falls
// in one is fnprof's own and is not recorded.
constexpr int kMaxRanges = 16;
struct Range {
  uintptr_t lo, hi;
};
Range g_own[kMaxRanges];
std::atomic<int> g_own_count{0};

bool is_own_library(const char* path, uintptr_t base, uintptr_t self_base) {
  if (base == self_base) return true;
  const char* slash = strrchr(path, '/');
  const char* name = slash ? slash + 1 : path;
  return strncmp(name, "libfnprof_alloc.so", 18) == 0 || strncmp(name, "libunwind.so", 12) == 0 ||
         strncmp(name, "libunwind-x86_64.so", 19) == 0;
}

int add_own_ranges(dl_phdr_info* info, size_t, void* self_base) {
  if (!is_own_library(info->dlpi_name, info->dlpi_addr, reinterpret_cast<uintptr_t>(self_base))) return 0;
  int n = g_own_count.load(std::memory_order_relaxed);
  for (int i = 0; i < info->dlpi_phnum && n < kMaxRanges; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD || !(ph.p_flags & PF_X)) continue;
    g_own[n++] = {info->dlpi_addr + ph.p_vaddr, info->dlpi_addr + ph.p_vaddr + ph.p_memsz};
  }
  g_own_count.store(n, std::memory_order_release);
  return 0;
}

// Whether the program's calls reach these interposers: libfnprof.so is
// before libc in the lookup order when the program links it, but after libc
// when only the preloaded allocation tracker brought it (fnprof-run on a
// program built without instrumentation). Then nothing calls them, and
// dlsym(RTLD_NEXT) from here finds nothing (each failure would allocate its
// error message, which the tracker would count).
// The test is the order, not which definition a lookup finds first: a
// sanitizer runtime in the executable (TSan) defines pthread_join and the
// others itself, and its interceptors call the next definition, this one.
bool g_interposing = false;

// dl_iterate_phdr reports the objects in load order, which for the objects
// loaded at start-up is the lookup order (the executable, the preloaded
// libraries, then their dependencies breadth first). Each object is known
// by a function of its own.
struct LookupOrder {
  uintptr_t self_code, libc_code;
  bool self_seen = false, self_before_libc = false;
};

bool has_code_at(const dl_phdr_info* info, uintptr_t address) {
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type == PT_LOAD && address - (info->dlpi_addr + ph.p_vaddr) < ph.p_memsz) return true;
  }
  return false;
}

int find_self_before_libc(dl_phdr_info* info, size_t, void* data) {
  auto* order = static_cast<LookupOrder*>(data);
  if (has_code_at(info, order->self_code)) order->self_seen = true;
  if (!has_code_at(info, order->libc_code)) return 0;
  order->self_before_libc = order->self_seen;
  return 1;
}

bool called_by_fnprof(const void* return_address) {
  auto a = reinterpret_cast<uintptr_t>(return_address);
  int n = g_own_count.load(std::memory_order_acquire);
  for (int i = 0; i < n; ++i)
    if (a - g_own[i].lo < g_own[i].hi - g_own[i].lo) return true;
  return false;
}

// Records `call` (which makes the real call) as a call of `fn` when the
// calling thread is profiled and the caller is not fnprof.
template <class Fn, class Call>
FNPROF_ALWAYS_INLINE auto record(Fn fn, const void* return_address, Call call) {
  if (!tls_thread || called_by_fnprof(return_address)) return call();
  auto* f = reinterpret_cast<void*>(fn);
  __cyg_profile_func_enter(f, nullptr);
  auto result = call();
  int saved = errno;
  __cyg_profile_func_exit(f, nullptr);
  errno = saved;
  return result;
}

}  // namespace

void blocking_calls_init() {
  Dl_info self{};
  dladdr(reinterpret_cast<void*>(&blocking_calls_init), &self);
  g_own_count.store(0, std::memory_order_relaxed);
  dl_iterate_phdr(add_own_ranges, self.dli_fbase);
  // libc is where gnu_get_libc_version is: no interposer defines that one.
  LookupOrder order{reinterpret_cast<uintptr_t>(&blocking_calls_init),
                    reinterpret_cast<uintptr_t>(&gnu_get_libc_version)};
  dl_iterate_phdr(find_self_before_libc, &order);
  g_interposing = order.self_before_libc;
  if (!g_interposing) return;
  // Resolved now, not at the first call: a dump lists them, maybe from a
  // signal handler, where dlsym must not run.
#define FNPROF_RESOLVE(name, ...) real_##name.get();
  FNPROF_BLOCKING_CALLS(FNPROF_RESOLVE)
  FNPROF_TRY_FIRST_CALLS(FNPROF_RESOLVE)
  FNPROF_TRY_FIRST_CALLS(FNPROF_RESOLVE_TRY)
  FNPROF_FORTIFIED_CALLS(FNPROF_RESOLVE)
}

#define FNPROF_ONE(...) +1
static_assert(0 FNPROF_BLOCKING_CALLS(FNPROF_ONE) FNPROF_TRY_FIRST_CALLS(FNPROF_ONE) <= kMaxBlockingFunctions);

uint32_t blocking_functions(BlockingFunction* out, uint32_t capacity) {
  if (!g_interposing) return 0;
  uint32_t n = 0;
  auto put = [&](void* address, WaitKind kind, const char* name) {
    if (address && n < capacity) out[n++] = {reinterpret_cast<uint64_t>(address), kind, name};
  };
#define FNPROF_LIST(name, kind, ...) put(reinterpret_cast<void*>(real_##name.get()), WaitKind::kind, #name);
  FNPROF_BLOCKING_CALLS(FNPROF_LIST)
  FNPROF_TRY_FIRST_CALLS(FNPROF_LIST)
  return n;
}

}  // namespace fnprof::rt

using namespace fnprof::rt;

extern "C" {

#define FNPROF_DEFINE(name, kind, result, params, args)                             \
  FNPROF_EXPORT FNPROF_NO_INSTRUMENT result name params {                           \
    auto fn = real_##name.get();                                                    \
    return record(fn, __builtin_return_address(0), [&] { return fn args; });        \
  }
FNPROF_BLOCKING_CALLS(FNPROF_DEFINE)

// A failed try must not show in errno: `save` and `restore` keep it where
// the try sets it.
#define FNPROF_DEFINE_TRY_FIRST(name, kind, params, args, try_name, would_block, save, restore, alone) \
  FNPROF_EXPORT FNPROF_NO_INSTRUMENT int name params {                              \
    if (alone) return real_##name.get() args;                                       \
    save;                                                                           \
    int r = real_##try_name.get() args;                                             \
    if (!(would_block)) return r;                                                   \
    restore;                                                                        \
    auto fn = real_##name.get();                                                    \
    return record(fn, __builtin_return_address(0), [&] { return fn args; });        \
  }
FNPROF_TRY_FIRST_CALLS(FNPROF_DEFINE_TRY_FIRST)

// Recorded as the plain function, which the dump lists (blocking_functions).
#define FNPROF_DEFINE_FORTIFIED(name, plain, result, params, args)                          \
  FNPROF_EXPORT FNPROF_NO_INSTRUMENT result name params {                                   \
    auto fn = real_##name.get();                                                            \
    return record(real_##plain.get(), __builtin_return_address(0), [&] { return fn args; }); \
  }
FNPROF_FORTIFIED_CALLS(FNPROF_DEFINE_FORTIFIED)

}  // extern "C"
