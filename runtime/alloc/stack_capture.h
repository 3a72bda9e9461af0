// Which site an allocation belongs to: the calling context, interned as a
// stack (stack_table.h), plus the allocating thread (its SiteMap).
//
// Two sources of calling context:
//
//  - shadow: when the program also runs the function profile (its thread
//    has open instrumented frames), the profile's shadow stack already holds
//    the context: the entry addresses of the open functions. Nothing is
//    unwound, and the top frame's calling-context-tree node names the whole
//    path, so a per-thread cache keyed by node gives the site in one load.
//
//  - unwind: libunwind. An unwind costs ~60 ns, and most allocations come
//    from a few call paths, so each thread caches the sites it unwound, keyed
//    by the interposed function's return address and stack pointer. A hit is
//    verified, not assumed: the entry remembers where on the stack each
//    return address of the unwound chain was stored, and the hit stands only
//    if every one of those words still holds that return address. (The same
//    caller at the same depth may have been reached through other callers;
//    its return-address words then differ.) Unwinding is deterministic in
//    (pc, sp) and the return-address words, so a verified hit is the stack
//    the unwinder would give. Only stacks of the thread's own stack mapping
//    are cached, so every word checked is mapped.
//
// FNPROF_ALLOC_STACKS picks: auto (shadow when there are open instrumented
// frames, else unwind), unwind, or shadow (a thread without a shadow stack
// then gets an empty stack).
#pragma once

#include "tracker.h"

namespace fnprof::alloc {

// The site for an allocation by `t` called from `caller`; kNoSite when a
// table is full.
uint32_t capture_site(AllocThread* t, Caller caller);

// The thread's caches live in `memory` (zeroed, stack_capture_bytes() long).
size_t stack_capture_bytes();
void stack_capture_thread_init(AllocThread* t, void* memory);
// Fork child: the calling-context tree was renumbered and sites are gone.
void stack_capture_thread_reset(AllocThread* t);

}  // namespace fnprof::alloc
