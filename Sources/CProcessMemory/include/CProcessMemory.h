#ifndef AGGSIM_CPROCESSMEMORY_H
#define AGGSIM_CPROCESSMEMORY_H
#include <stddef.h>

/// Bytes the C library's allocator has handed out and not yet taken back (glibc's `mallinfo2`:
/// `uordblks`, the chunks in use in every arena, plus `hblkhd`, the blocks mapped on their own);
/// 0 where the C library does not say. Independent of how the kernel counts resident pages (file
/// pages written or mapped do not count). O(free chunks): call it seldom, never per event.
size_t aggsim_heap_in_use_bytes(void);
#endif
