"""Give memory the process has freed back to the operating system between the stages of a long run.

glibc's allocator keeps the pages of freed small and mid-sized blocks (the texts and records of a loaded
corpus, temporary lists of tokens) in its heap, so the resident set stays at its high-water mark while
later stages allocate large NumPy arrays with ``mmap`` beside them. ``malloc_trim(0)`` returns those
free pages: after loading 20,000 articles the resident set falls from about 630 to 345 MB. Elsewhere
(macOS, Windows, musl) this is a no-op.

Arrow's own allocator (pyarrow's default memory pool, which holds pandas' string columns and the match
pass's files as they are read) keeps freed pages as well; they are released too, when pyarrow is loaded.
Between two trims, though, its bundled mimalloc holds what a stage freed: :func:`arrow_uses_malloc` has
pyarrow allocate with the C library's ``malloc`` instead, so its large buffers follow the mapping rule
below too. The ``framing`` command does both; on the report of 200,000 AllSides articles (one run each,
``--jobs 2 --texts disk``) the main process peaked at 791 MB with it, 859 MB without.

Trimming between stages does not help inside one: a stage's statistics allocate and free arrays of a
few MB by the hundred, and glibc, once it has seen a large mapped block freed, raises its threshold for
mapping blocks (up to 32 MB) and serves the next ones from its heap, whose freed pages stay resident
until the next trim. :func:`map_large_blocks` fixes the threshold instead, so that every block of
256 KiB or more is mapped on its own and unmapped when freed. The ``framing`` command does this at
start-up (a library does not change its host process's allocator: call it yourself in a long script).
Measured on the report of 20,000 AllSides articles (``--jobs 2 --texts disk``, two runs each, with a
1 MiB threshold): peak resident set 598 and 604 MB before, 504 and 510 MB after, wall time within the
runs' spread (51-54 s); of 200,000 articles, main process 969 -> 862 MB (benchmarks/bench_report.py).
The threshold was then lowered from 1 MiB to 256 KiB, so that blocks of 256 KiB to 1 MiB (a float
column of 32,768 to 131,071 rows, an outlet's share of a large corpus) are mapped too: at 200,000
articles the rates step, where the main process peaks, had reached 691 to 733 MB in five runs with
1 MiB, and reached 677 and 678 MB in two runs with 256 KiB (676 in one with 128 KiB); at 20,000
articles peak and wall time were unchanged (473 MB, 78 s). The tables are byte-identical.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import sys
from collections.abc import Iterator
from functools import cache

__all__ = [
    "LARGE_BLOCK_BYTES",
    "arrow_uses_malloc",
    "heap_for_temporaries",
    "map_large_blocks",
    "return_freed_memory",
]

#: blocks of at least this many bytes get a mapping of their own with :func:`map_large_blocks`
LARGE_BLOCK_BYTES = 256 << 10
_M_MMAP_THRESHOLD = -3  # glibc's malloc.h
_M_TRIM_THRESHOLD = -1
_DEFAULT_TRIM_THRESHOLD = 128 << 10  # glibc's, kept once the mapping threshold is fixed
#: the largest mapping threshold glibc accepts on 64-bit systems (half its heap size limit)
HEAP_BLOCK_LIMIT = 32 << 20

#: the threshold :func:`map_large_blocks` set in this process (inherited by forked workers), or None
_mapping_threshold: int | None = None


@cache
def _glibc_function(name: str) -> object | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return getattr(libc, name)
    except (OSError, AttributeError):  # not glibc
        return None


def _malloc_trim() -> object | None:
    return _glibc_function("malloc_trim")


def map_large_blocks(threshold: int = LARGE_BLOCK_BYTES) -> bool:
    """Have glibc map every block of at least ``threshold`` bytes on its own and unmap it when freed
    (``mallopt(M_MMAP_THRESHOLD, threshold)``, which also stops glibc from raising the threshold as it
    goes), for this process and the workers it forks from now on. True when that was possible here
    (glibc on Linux); elsewhere nothing changes."""
    if threshold < 1:
        raise ValueError(f"threshold must be a positive number of bytes, not {threshold}")
    mallopt = _glibc_function("mallopt")
    if mallopt is None:
        return False
    global _mapping_threshold
    applied = bool(mallopt(_M_MMAP_THRESHOLD, threshold))  # type: ignore[operator]
    if applied:
        _mapping_threshold = threshold
    return applied


def _set_heap_limits(mapping: int, trim: int) -> None:
    mallopt = _glibc_function("mallopt")
    mallopt(_M_MMAP_THRESHOLD, mapping)  # type: ignore[misc]
    mallopt(_M_TRIM_THRESHOLD, trim)  # type: ignore[misc]


@contextlib.contextmanager
def heap_for_temporaries(limit: int = HEAP_BLOCK_LIMIT) -> Iterator[bool]:
    """Within the block, serve blocks under ``limit`` bytes from the heap and keep its freed pages for the
    next blocks, where :func:`map_large_blocks` had every block of its threshold or more mapped on its
    own; on leaving, that threshold again and the heap's freed pages returned (:func:`return_freed_memory`).
    Worker processes forked inside keep the heap's pages for their whole life.

    For a loop that makes and frees arrays of a few MB by the hundred: mapped one by one, each page of
    each is faulted in afresh. The block's peak is that of its live arrays plus the heap's free pages
    between them; what it freed is returned when it ends. A no-op (yielding False) where
    :func:`map_large_blocks` was not applied: a library does not change its host's allocator.
    """
    mapping = _mapping_threshold
    if mapping is None:
        yield False
        return
    _set_heap_limits(limit, limit)
    try:
        yield True
    finally:
        _set_heap_limits(mapping, _DEFAULT_TRIM_THRESHOLD)
        return_freed_memory()


def arrow_uses_malloc() -> bool:
    """Have pyarrow allocate with the C library's ``malloc`` (its system memory pool) from now on, in this
    process and the workers it forks; True when pyarrow is installed (it is imported for this)."""
    try:
        import pyarrow
    except ImportError:
        return False
    pyarrow.set_memory_pool(pyarrow.system_memory_pool())
    return True


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
