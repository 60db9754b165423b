// The heap malloc holds for the program right now (glibc's own count), for
// the bench tools' bytes-per-note figures (issue 7 target 8).
#pragma once

#include <malloc.h>

#include <cstddef>

inline size_t heap_in_use() {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
  return mallinfo2().uordblks;
#else
  return static_cast<size_t>(mallinfo().uordblks);
#endif
}
