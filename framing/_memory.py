"""Give memory the process has freed back to the operating system between the stages of a long run.

glibc's allocator keeps the pages of freed small and mid-sized blocks (the texts and records of a loaded
corpus, temporary lists of tokens) in its heap, so the resident set stays at its high-water mark while
later stages allocate large NumPy arrays with ``mmap`` beside them. ``malloc_trim(0)`` returns those
free pages: after loading 20,000 articles the resident set falls from about 630 to 345 MB. Elsewhere
(macOS, Windows, musl) this is a no-op.

Arrow's own allocator (pyarrow's default memory pool, which holds pandas' string columns and the match
pass's files as they are read) keeps freed pages as well; they are released too, when pyarrow is loaded.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from functools import cache

__all__ = ["return_freed_memory"]


@cache
def _malloc_trim() -> object | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc.malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None


def return_freed_memory() -> bool:
    """Return the heap's free pages to the operating system; True when that was possible here."""
    arrow = sys.modules.get("pyarrow")  # not imported for this: a process without it has no Arrow pages
    if arrow is not None:
        arrow.default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)  # type: ignore[operator]
    return True
