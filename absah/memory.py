"""The API's heap kept for reuse: glibc malloc told not to give freed megabytes back at once.

A request's body and each ZIP entry pass through buffers of about a megabyte. By default glibc
hands freed memory at the top of the heap back to the kernel once more than twice the current
mmap threshold is free, so the next request faults every page in again: 660 page faults a
file in the benchmark, 1.5 ms of the API's 12 ms of CPU. With the thresholds below, buffers up
to 4 MB come from the heap and up to 32 MB of freed heap is kept for the next request.
The workers are left alone: glibc's own sliding threshold already suits them (38 faults a
file), and a fixed one made their larger image buffers fault every time.
"""

from __future__ import annotations

import ctypes
import sys

_M_TRIM_THRESHOLD = -1  # glibc's mallopt parameter numbers (malloc.h)
_M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD_BYTES = 4 * 1024 * 1024
TRIM_THRESHOLD_BYTES = 32 * 1024 * 1024


def keep_freed_buffers() -> bool:
    """Set the thresholds for this process; False where there is no glibc mallopt (nothing
    changed: only the CPU cost above is lost)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the process's own C library
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(
        mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)
        and mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES)
    )
