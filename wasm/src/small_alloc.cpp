// wasm/src/small_alloc.cpp - operator new and delete for the wasm modules:
// blocks of up to 256 bytes come from per-size free lists, the rest from
// malloc.
//
// Why: the index is mostly small objects (a note's strings, vectors and map
// nodes: ~130 allocations per note, most under 64 bytes), and Emscripten's
// dlmalloc spends 50-100 instructions on each malloc and free (bins, chunk
// headers, coalescing). malloc and free were 11% of a 10k load's wasm
// profile, and more of a graph rebuild. A free list per size costs a few
// instructions each way, and no header: a 1k load runs 4% fewer
// instructions, and a 10k vault takes 9% less memory (BENCHMARKS.md,
// fourteenth pass). Emscripten 3.1.6 offers only dlmalloc and the
// smaller, slower emmalloc (mimalloc came later), hence this file. The
// native build keeps the system allocator (and ASan's view of every block).
//
// How: a request of n <= 256 bytes is rounded up to a multiple of 8 (the
// default new alignment of wasm32 is 8; a block of a class of size 8k sits
// at a multiple of 8k in its slab, and no object of a size in the class
// needs more alignment than that). Blocks are cut from 64 KiB slabs, each
// a whole 64 KiB-aligned page of memory from aligned_alloc, and one byte
// per page of the 4 GiB address space (64 KiB of zeroed data) says which
// class a page's blocks are, or 0 for "not a slab": that is how delete
// tells a block of ours from malloc's without a header. Freed blocks go on
// their class's list and are reused; slabs are never returned (the memory
// of a wasm module does not shrink anyway).
//
// The modules are single-threaded (no -pthread), so nothing here locks.
#include <malloc.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>

#include "small_alloc.h"

namespace {

constexpr size_t kMaxSmall = 256;
constexpr size_t kGrain = 8;
constexpr size_t kClasses = kMaxSmall / kGrain;  // class c (1..32) holds blocks of c * 8 bytes
constexpr size_t kSlabBits = 16;
constexpr size_t kSlab = size_t{1} << kSlabBits;
static_assert(__STDCPP_DEFAULT_NEW_ALIGNMENT__ <= kGrain, "blocks are only 8-byte aligned");
static_assert(sizeof(void*) == 4, "the page map covers a 32-bit address space");

struct FreeBlock {
  FreeBlock* next;
};

uint8_t page_class[size_t{1} << (32 - kSlabBits)];  // 0: not one of our slabs
FreeBlock* free_list[kClasses + 1];
char* bump[kClasses + 1];  // the next uncut block of the class's newest slab
char* bump_end[kClasses + 1];
size_t live_bytes = 0;  // in blocks handed out and not yet freed
size_t slab_bytes = 0;  // in slabs

void* small_new(size_t cls) {
  if (FreeBlock* b = free_list[cls]) {
    free_list[cls] = b->next;
    live_bytes += cls * kGrain;
    return b;
  }
  const size_t size = cls * kGrain;
  if (static_cast<size_t>(bump_end[cls] - bump[cls]) < size) {
    char* slab = static_cast<char*>(aligned_alloc(kSlab, kSlab));
    if (!slab) return nullptr;
    page_class[reinterpret_cast<uintptr_t>(slab) >> kSlabBits] = static_cast<uint8_t>(cls);
    slab_bytes += kSlab;
    bump[cls] = slab;
    bump_end[cls] = slab + kSlab - kSlab % size;
  }
  void* p = bump[cls];
  bump[cls] += size;
  live_bytes += size;
  return p;
}

[[noreturn]] __attribute__((noinline, cold)) void out_of_memory() { throw std::bad_alloc(); }

// Not inlined: LTO would otherwise copy both into each of the thousands of
// places that allocate (400 KB more wasm).
__attribute__((noinline)) void* allocate(size_t n) {
  void* p = n <= kMaxSmall ? small_new(n == 0 ? 1 : (n + kGrain - 1) / kGrain) : std::malloc(n);
  if (!p) out_of_memory();
  return p;
}

__attribute__((noinline)) void release(void* p) {
  if (!p) return;
  const size_t cls = page_class[reinterpret_cast<uintptr_t>(p) >> kSlabBits];
  if (cls == 0) {
    std::free(p);
    return;
  }
  auto* b = static_cast<FreeBlock*>(p);
  b->next = free_list[cls];
  free_list[cls] = b;
  live_bytes -= cls * kGrain;
}

}  // namespace

void* operator new(size_t n) { return allocate(n); }
void* operator new[](size_t n) { return allocate(n); }
void* operator new(size_t n, const std::nothrow_t&) noexcept {
  try {
    return allocate(n);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](size_t n, const std::nothrow_t&) noexcept { return operator new(n, std::nothrow); }
void operator delete(void* p) noexcept { release(p); }
void operator delete[](void* p) noexcept { release(p); }
void operator delete(void* p, size_t) noexcept { release(p); }
void operator delete[](void* p, size_t) noexcept { release(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { release(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { release(p); }

namespace vaultcrm::wasm {

// malloc's count includes our slabs whole; count their blocks in use instead.
size_t heap_in_use() { return mallinfo().uordblks - slab_bytes + live_bytes; }

}  // namespace vaultcrm::wasm
