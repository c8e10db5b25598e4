"""Per-document work spread over worker processes, results in input order.

The loader's per-document steps (counting tokens, detecting the language, removing boilerplate lines)
are independent of each other; with ``jobs > 1`` they run in that many processes, in chunks of
documents, and come back in input order, so the result is the same as with one process.
"""

from __future__ import annotations

import gc
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from itertools import islice
from typing import Any, TypeVar

from framing._memory import heap_for_temporaries

__all__ = [
    "BackgroundCall",
    "batches",
    "call_task",
    "map_documents",
    "started_pool",
    "submitted_in_order",
    "task_pool",
]

K = TypeVar("K")
R = TypeVar("R")


def batches(items: Iterable[K], size: int) -> Iterator[list[K]]:
    """``items`` in lists of ``size`` (the last may be shorter), read as they are needed."""
    iterator = iter(items)
    return iter(lambda: list(islice(iterator, size)), [])


def submitted_in_order(
    pool: Executor, function: Callable[..., R], calls: Iterable[tuple[K, tuple[Any, ...]]], *, ahead: int
) -> Iterator[tuple[K, R]]:
    """``(key, function(*args))`` for each ``(key, args)`` of ``calls``, run in ``pool``, in input order.

    At most ``ahead`` calls are waiting at a time and ``calls`` is read only as they finish, so the
    arguments of a whole corpus (its texts) are never all made, or pickled, at once.
    """
    pending: deque[tuple[K, Future[R]]] = deque()
    for key, args in calls:
        pending.append((key, pool.submit(function, *args)))
        if len(pending) >= ahead:
            done, future = pending.popleft()
            yield done, future.result()
    while pending:
        done, future = pending.popleft()
        yield done, future.result()


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
    calls = ((start, (function, items[start : start + size], star)) for start in range(0, len(items), size))
    with ProcessPoolExecutor(max_workers=jobs, initializer=initializer, initargs=initargs) as pool:
        for _, part in submitted_in_order(pool, _apply, calls, ahead=2 * jobs):
            results.extend(part)
    return results


# The task a worker of task_pool holds: set once by the pool's initializer (inherited, not pickled, where
# processes start by forking), read by every call_task the worker runs.
_WORKER_TASK: Any = None


def task_pool(task: Any, jobs: int) -> ProcessPoolExecutor:
    """A pool of ``jobs`` worker processes that each hold ``task``, an object whose methods do the work:
    submit :func:`call_task` with a method's name and its arguments. What every call reads (the
    documents' arrays, the settings) goes to each worker once, not with every call."""
    return ProcessPoolExecutor(max_workers=jobs, initializer=_hold_task, initargs=(task,))


def _hold_task(task: Any) -> None:
    global _WORKER_TASK
    _WORKER_TASK = task


def call_task(method: str, *args: Any) -> Any:
    """``task.<method>(*args)`` on the task this worker of :func:`task_pool` holds."""
    assert _WORKER_TASK is not None, "call_task runs in a worker of task_pool"
    return getattr(_WORKER_TASK, method)(*args)


def _started() -> None:
    """Nothing: the task whose submission starts a pool's workers."""


def _ignore_interrupts() -> None:
    # Ctrl-C reaches every process of the terminal's group: an idle worker, waiting for a task, died of
    # it with a traceback on stderr. The process that owns the pool stops it (its `with` block ends).
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _start_worker(prepare: Callable[[], Any] | None) -> None:
    _ignore_interrupts()
    if prepare is not None:
        prepare()


def started_pool(jobs: int, prepare: Callable[[], Any] | None = None) -> ProcessPoolExecutor:
    """A pool of ``jobs`` worker processes started now, not when its first real task arrives.

    Where processes start by forking (Linux) a worker is a copy of this process as it is when the
    worker is forked, and its resident memory counts every page it inherited: a pool started while
    this process is small has small workers, however large this process grows before their tasks
    come (a report's chart workers forked after the analysis were its largest processes: 692 MB at
    200,000 articles). Elsewhere workers start afresh and this only starts the first one early.
    The caller shuts the pool down (``with started_pool(2) as pool: ...``). The workers ignore Ctrl-C
    (SIGINT): it interrupts the caller, whose shutdown stops them. ``prepare`` (a module-level
    function) runs in each worker as it starts, e.g. to import what its tasks need while the caller
    goes on.
    """
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker, initargs=(prepare,))
    # with "fork" the first submission forks every worker at once (concurrent.futures does not fork
    # workers later, from a process that may have threads by then)
    pool.submit(_started)
    return pool


# The calls a forked worker of BackgroundCall reads from memory it shares with this process (set just
# before the worker is forked, removed right after): their arguments are never pickled.
_INHERITED_CALLS: dict[int, tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]] = {}


def _call_inherited(key: int) -> Any:
    function, args, kwargs = _INHERITED_CALLS[key]
    # The objects inherited from the parent are left out of this worker's garbage collections: they are
    # not garbage here, and walking them wrote to every page that holds one (copy-on-write). In the
    # report's tests worker (20,000 articles, about 250,000 objects inherited) the full collections, the
    # rate model's among them, took 1.19 s of CPU with them walked and 0.47 s without (one run each).
    gc.freeze()
    # The worker lives for this one call: the arrays it makes and frees come from its heap, which keeps
    # the freed pages for the next ones, instead of each being mapped and paged in afresh (the report's
    # same-story worker: 301,000 page faults and 0.79 s of system time at 20,000 articles, 52,000-56,000
    # and 0.38-0.48 s this way; the tests worker 255,000 and 0.51 s, 27,000 and 0.09-0.13 s; the same
    # peak memory).
    with heap_for_temporaries():
        return function(*args, **kwargs)


class BackgroundCall:
    """``function(*args, **kwargs)`` run in a worker process of its own while this one goes on;
    :meth:`result` waits for it and stops the worker.

    Where processes start by forking (Linux) the worker reads the arguments from the memory it shares
    with this process; elsewhere they are pickled to it. A pickled argument is not only a copy: a
    200,000-row feature table (153 MB) sent to a pool this way kept about 165 MB more in this process
    until the pool was shut down.
    """

    def __init__(self, function: Callable[..., R], *args: Any, **kwargs: Any) -> None:
        import multiprocessing

        self._pool = ProcessPoolExecutor(max_workers=1)
        if multiprocessing.get_start_method(allow_none=False) == "fork":
            key = id(self)
            _INHERITED_CALLS[key] = (function, args, kwargs)
            try:  # the first submit forks the worker, with the call in _INHERITED_CALLS
                self._future: Future[Any] | None = self._pool.submit(_call_inherited, key)
            finally:
                del _INHERITED_CALLS[key]
        else:
            self._future = self._pool.submit(function, *args, **kwargs)

    def result(self) -> Any:
        """The call's result (its exception raised here), given once; the worker is stopped.

        The call lets go of the result as it hands it over, so the caller alone decides how long it
        stays in memory.
        """
        if self._future is None:
            raise RuntimeError("the result of this call was already taken")
        future, self._future = self._future, None
        try:
            return future.result()
        finally:
            self.close()

    def close(self) -> None:
        """Stop the worker (a call still running is waited for; one not started is cancelled)."""
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> BackgroundCall:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
