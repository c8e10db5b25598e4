"""An opt-in log of how long each stage of a report takes (wall and CPU seconds, peak memory).

Nothing is printed unless the ``framing.report.timing`` logger is enabled at INFO (``framing report
--timings``, or ``logging.getLogger("framing.report.timing").setLevel(logging.INFO)``). One line per
stage::

    INFO: stage permutation tests              12.31 s wall   12.20 s CPU   peak RSS   612 MB   RSS   540 MB

Wall time is ``time.perf_counter``; CPU time is this process's user + system time (``time.process_time``);
peak RSS is the process's largest resident set so far (``getrusage``, MB of 10^6 bytes), so it only ever
grows from one stage to the next: the stage whose line first shows the high value is the one that reached it.
RSS is the resident set when the stage ends (what the stage leaves held; NaN where ``/proc`` is missing).

>>> with timed_stages() as stage:       # doctest: +SKIP
...     stage("loading")
...     corpus = load_corpus("corpora/crocus")
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from framing._memory import return_freed_memory

__all__ = ["peak_rss_mb", "rss_mb", "timed_stages"]

logger = logging.getLogger(__name__)


def peak_rss_mb() -> float:
    """The largest resident set size of this process so far, in MB (10^6 bytes); NaN where unknown."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return float("nan")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports kB, macOS bytes
    return peak / 1e6 if sys.platform == "darwin" else peak * 1024 / 1e6


def rss_mb() -> float:
    """The resident set size of this process now, in MB (10^6 bytes); NaN where ``/proc`` is missing."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            resident_pages = int(statm.read().split()[1])
    except (OSError, ValueError, IndexError):
        return float("nan")
    return resident_pages * os.sysconf("SC_PAGE_SIZE") / 1e6


@contextmanager
def timed_stages(progress: Callable[[str], None] | None = None) -> Iterator[Callable[[str], None]]:
    """Yield ``stage(label)``: ends the running stage (logging its times) and starts ``label``.

    ``progress`` (a report progress callback) is called with each label as well. The last stage ends
    when the ``with`` block does, even on an error.
    """
    running: list[tuple[str, float, float]] = []

    def close() -> None:
        if running and logger.isEnabledFor(logging.INFO):
            label, wall, cpu = running[-1]
            logger.info(
                "stage %-30s %8.2f s wall %8.2f s CPU   peak RSS %6.0f MB   RSS %6.0f MB",
                label,
                time.perf_counter() - wall,
                time.process_time() - cpu,
                peak_rss_mb(),
                rss_mb(),
            )
        running.clear()

    def stage(label: str) -> None:
        close()
        # what the last stage freed goes back to the system before the next one allocates its arrays
        return_freed_memory()
        running.append((label, time.perf_counter(), time.process_time()))
        if progress is not None:
            progress(label)

    try:
        yield stage
    finally:
        close()
