"""Per-document work spread over worker processes, results in input order.

The loader's per-document steps (counting tokens, detecting the language, removing boilerplate lines)
are independent of each other; with ``jobs > 1`` they run in that many processes, in chunks of
documents, and come back in input order, so the result is the same as with one process.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

__all__ = ["map_documents"]

T = TypeVar("T")
R = TypeVar("R")

#: Below this many documents the pool's start-up costs more than the work it shares.
MIN_PARALLEL_DOCUMENTS = 2000


def _apply(function: Callable[..., R], items: Sequence[Any], star: bool) -> list[R]:
    return [function(*item) for item in items] if star else [function(item) for item in items]


def map_documents(
    function: Callable[..., R],
    items: Sequence[Any],
    *,
    jobs: int = 1,
    star: bool = False,
    initializer: Callable[..., None] | None = None,
    initargs: tuple[Any, ...] = (),
) -> list[R]:
    """``[function(item) for item in items]`` (``function(*item)`` with ``star``), in ``jobs`` processes.

    ``function`` must be a module-level function (it is pickled by name). ``initializer(*initargs)``
    sets up what every call shares (run in each worker, or once here when nothing runs in parallel).
    With ``jobs`` of 1, or fewer than :data:`MIN_PARALLEL_DOCUMENTS` items, everything runs in this
    process.
    """
    if jobs <= 1 or len(items) < MIN_PARALLEL_DOCUMENTS:
        if initializer is not None:
            initializer(*initargs)
        return _apply(function, items, star)
    size = -(-len(items) // (4 * jobs))  # a few chunks per worker evens out long documents
    results: list[R] = []
    with ProcessPoolExecutor(max_workers=jobs, initializer=initializer, initargs=initargs) as pool:
        chunks = [items[start : start + size] for start in range(0, len(items), size)]
        for part in pool.map(_apply, [function] * len(chunks), chunks, [star] * len(chunks)):
            results.extend(part)
    return results
