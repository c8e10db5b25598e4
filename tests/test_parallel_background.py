"""BackgroundCall: a call in a worker process of its own, its arguments inherited by a forked worker."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from framing.parallel import BackgroundCall, started_pool


def _total(values: list[int], *, times: int = 1) -> int:
    return sum(values) * times


def _fail(message: str) -> None:
    raise ValueError(message)


class _Unpicklable:
    """An argument that cannot be pickled: it reaches the worker only through a fork."""

    def __init__(self, value: int) -> None:
        self.value = value

    def __reduce__(self) -> tuple:
        raise TypeError("not picklable")


def _value(item: _Unpicklable) -> int:
    return item.value


def test_a_background_call_gives_its_result_and_stops_its_worker() -> None:
    call = BackgroundCall(_total, [1, 2, 3], times=2)
    assert call.result() == 12
    with pytest.raises(RuntimeError):  # the worker is stopped: the pool takes no more calls
        call._pool.submit(_total, [1])


def test_a_background_calls_exception_is_raised_by_result() -> None:
    with BackgroundCall(_fail, "bad table") as call, pytest.raises(ValueError, match="bad table"):
        call.result()


@pytest.mark.skipif(
    multiprocessing.get_start_method(allow_none=False) != "fork",
    reason="only a forked worker inherits its arguments; elsewhere they are pickled",
)
def test_a_forked_worker_inherits_the_arguments_instead_of_a_pickle() -> None:
    # a pickled copy of the report's feature table stayed in the parent while the worker ran (issue 8)
    assert BackgroundCall(_value, _Unpicklable(7)).result() == 7


def _collected_in_worker(inherited: list[list[int]]) -> tuple[int, int, int]:
    """The frozen objects, the objects a full collection walks, and how many of this worker's own lists
    that collection frees (objects in a reference cycle, so only the collector frees them)."""
    import gc

    for _ in range(500):
        cycle: list[object] = []
        cycle.append(cycle)
    del cycle
    freed = gc.collect()
    return gc.get_freeze_count(), len(gc.get_objects()), freed


@pytest.mark.skipif(multiprocessing.get_start_method() != "fork", reason="workers inherit only when forked")
def test_a_forked_workers_collections_leave_out_the_objects_it_inherited() -> None:
    # issue 8: the report's tests worker walked the 250,000 objects it inherited in each full collection
    # (1.19 s of CPU at 20,000 articles, 0.47 s without them)
    import gc

    inherited = [[i] for i in range(50_000)]
    frozen_here = gc.get_freeze_count()
    frozen, walked, freed = BackgroundCall(_collected_in_worker, inherited).result()
    assert frozen > len(inherited) > walked
    assert freed >= 500  # what the worker makes is still collected
    assert gc.get_freeze_count() == frozen_here  # this process freezes nothing


class _Holder:
    """A result that can be watched with a weak reference (a dict cannot)."""

    def __init__(self, value: object) -> None:
        self.value = value


def _held(rows: int) -> _Holder:
    return _Holder(list(range(rows)))


def test_a_background_call_lets_go_of_its_result_once_given() -> None:
    import gc
    import weakref

    call = BackgroundCall(_held, 1000)
    result = call.result()
    assert result.value == list(range(1000))
    kept = weakref.ref(result)
    del result
    gc.collect()
    # regression (issue 8): the finished call's future kept the same-story worker's result to the end
    assert kept() is None
    with pytest.raises(RuntimeError, match="already taken"):
        call.result()


def _resident_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


@pytest.mark.skipif(
    multiprocessing.get_start_method(allow_none=False) != "fork" or not os.path.exists("/proc/self/statm"),
    reason="only forked workers inherit this process's pages (and /proc shows their resident size)",
)
def test_a_pool_started_early_has_workers_without_what_this_process_allocated_later() -> None:
    # issue 8: chart workers forked after the analysis were a 200,000-article report's largest processes
    with started_pool(2) as early:
        grown = np.ones(256 * 2**20 // 8)  # 256 MiB, resident here from now on
        with ProcessPoolExecutor(max_workers=1) as late:
            late_mb = late.submit(_resident_mb).result()
        early_mb = early.submit(_resident_mb).result()
        del grown  # held until both workers were measured
    assert late_mb > early_mb + 200, (late_mb, early_mb)  # the late worker carries the 256 MiB


@pytest.mark.skipif(not hasattr(signal, "SIGINT") or os.name != "posix", reason="POSIX signals")
def test_a_started_pools_idle_worker_survives_ctrl_c() -> None:
    # regression: Ctrl-C during a report reached the idle chart workers, which died printing tracebacks
    with started_pool(1) as pool:
        worker = pool.submit(os.getpid).result()
        os.kill(worker, signal.SIGINT)
        time.sleep(0.5)
        assert pool.submit(os.getpid).result() == worker


def _sleep_long() -> None:
    time.sleep(120)


def test_ctrl_c_in_a_command_stops_the_worker_processes_left_running(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # regression: Ctrl-C while a process pool forked its workers left a worker that no shutdown reached,
    # and the interpreter's exit waited for it: the command hung
    import framing.cli

    left: list[multiprocessing.Process] = []

    def interrupted_load(*args: object, **kwargs: object) -> None:
        worker = multiprocessing.Process(target=_sleep_long, daemon=True)  # never outlives the tests
        worker.start()
        left.append(worker)
        raise KeyboardInterrupt

    monkeypatch.setattr(framing.cli, "_load", interrupted_load)
    result = CliRunner().invoke(framing.cli.app, ["report", str(tmp_path / "any.jsonl"), "-q"])
    assert result.exit_code != 0
    left[0].join(timeout=10)
    assert not left[0].is_alive()


class _Doubler:
    def __init__(self, factor: int) -> None:
        self.factor, self.pid = factor, os.getpid()

    def times(self, value: int) -> tuple[int, bool]:
        return value * self.factor, os.getpid() != self.pid


@pytest.mark.skipif(multiprocessing.get_start_method() != "fork", reason="workers inherit only when forked")
def test_a_task_pool_worker_holds_its_task_and_runs_its_methods() -> None:
    from framing.parallel import call_task, task_pool

    with task_pool(_Doubler(3), 2) as pool:
        results = [pool.submit(call_task, "times", value).result() for value in range(5)]
    assert results == [(value * 3, True) for value in range(5)]  # computed in the workers
    with task_pool(_Unpicklable(7), 1) as pool:  # inherited, never pickled
        assert pool.submit(call_task, "__getattribute__", "value").result() == 7


def _mark_prepared() -> None:
    os.environ["FRAMING_TEST_PREPARED"] = str(os.getpid())


def _pid_and_mark() -> tuple[str, str | None]:
    return str(os.getpid()), os.environ.get("FRAMING_TEST_PREPARED")


def test_a_started_pools_workers_run_prepare_as_they_start() -> None:
    # issue 8: the chart workers import matplotlib as they start, beside the process that started them
    with started_pool(2, prepare=_mark_prepared) as pool:
        answers = [pool.submit(_pid_and_mark).result() for _ in range(6)]
    assert all(mark == pid for pid, mark in answers), answers  # each worker ran it, in itself
    assert "FRAMING_TEST_PREPARED" not in os.environ
