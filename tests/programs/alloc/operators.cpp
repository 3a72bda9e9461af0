// Every form of operator new and delete, each from its own function (its own
// site), and the three mismatches. Sizes are the sizes asked for.
//
//   site (function)      kind    allocs frees bytes  freed by              mismatched
//   plain_new            new        1     1      4   delete                 0
//   array_new            new[]      1     1     40   delete[]               0
//   nothrow_new          new        1     1      8   delete(nothrow)        0
//   nothrow_array_new    new[]      1     1     16   delete[](nothrow)      0
//   aligned_new          new        1     1     64   delete(align)          0  (64-aligned)
//   aligned_array_new    new[]      1     1    128   delete[](align)        0  (128-aligned)
//   aligned_nothrow_new  new        1     1     64   delete(align,nothrow)  0
//   aligned_nothrow_arr  new[]      1     1     64   delete[](align,nothrow) 0
//   sized_new            new        1     1     24   delete(p, 24)          0
//   sized_array_new      new[]      1     1     48   delete[](p, 48)        0
//   sized_aligned_new    new        1     1     64   delete(p, 64, align)   0
//   sized_aligned_arr    new[]      1     1     64   delete[](p, 64, align) 0
//   new_then_free        new        1     1     32   free                   1
//   array_then_delete    new[]      1     1     32   delete                 1
//   malloc_then_delete   malloc     1     1     32   delete                 1
//   leaked_array         new[]      1     0    500   (leaked)               0
//
// Program totals: 16 allocations, 15 frees, 1,184 bytes allocated, 684
// freed, 500 leaked in 1 block, 3 mismatches; every block freed right after
// it was allocated, so 15 temporaries.
#include <cstdint>
#include <cstdlib>
#include <new>

extern "C" {
#include "alloc_program.h"
}

using std::align_val_t;

static void* keep;

#define SITE(name, expr) \
  NOINLINE static void* name() { void* p = expr; ESCAPE(p); return p; }

SITE(plain_new, ::operator new(4))
SITE(array_new, ::operator new[](40))
SITE(nothrow_new, ::operator new(8, std::nothrow))
SITE(nothrow_array_new, ::operator new[](16, std::nothrow))
SITE(aligned_new, ::operator new(64, align_val_t(64)))
SITE(aligned_array_new, ::operator new[](128, align_val_t(128)))
SITE(aligned_nothrow_new, ::operator new(64, align_val_t(64), std::nothrow))
SITE(aligned_nothrow_arr, ::operator new[](64, align_val_t(64), std::nothrow))
SITE(sized_new, ::operator new(24))
SITE(sized_array_new, ::operator new[](48))
SITE(sized_aligned_new, ::operator new(64, align_val_t(32)))
SITE(sized_aligned_arr, ::operator new[](64, align_val_t(32)))
SITE(new_then_free, ::operator new(32))
SITE(array_then_delete, ::operator new[](32))
SITE(malloc_then_delete, std::malloc(32))
SITE(leaked_array, ::operator new[](500))

static bool aligned(void* p, std::size_t a) { return reinterpret_cast<std::uintptr_t>(p) % a == 0; }

int main() {
  ::operator delete(plain_new());
  ::operator delete[](array_new());
  ::operator delete(nothrow_new(), std::nothrow);
  ::operator delete[](nothrow_array_new(), std::nothrow);
  void* p = aligned_new();
  check(aligned(p, 64), "aligned new aligns to 64");
  ::operator delete(p, align_val_t(64));
  p = aligned_array_new();
  check(aligned(p, 128), "aligned new[] aligns to 128");
  ::operator delete[](p, align_val_t(128));
  ::operator delete(aligned_nothrow_new(), align_val_t(64), std::nothrow);
  ::operator delete[](aligned_nothrow_arr(), align_val_t(64), std::nothrow);
  ::operator delete(sized_new(), 24);
  ::operator delete[](sized_array_new(), 48);
  ::operator delete(sized_aligned_new(), 64, align_val_t(32));
  ::operator delete[](sized_aligned_arr(), 64, align_val_t(32));
  std::free(new_then_free());
  ::operator delete(array_then_delete());
  ::operator delete(malloc_then_delete());
  keep = leaked_array();
  ESCAPE(keep);
  bool threw = false;
  try {
    void* q = ::operator new(SIZE_MAX / 2);
    ESCAPE(q);
  } catch (const std::bad_alloc&) {
    threw = true;
  }
  check(threw, "a failed new throws bad_alloc");
  check(::operator new(SIZE_MAX / 2, std::nothrow) == nullptr, "a failed nothrow new returns null");
  say("operators done");
  return 0;
}
