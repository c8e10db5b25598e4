"""The Dask engine: feature extraction over a store's Parquet files equals the in-process engine."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from conftest import CROCUS
from typer.testing import CliRunner

import framing
from framing.cli import app
from framing.errors import OptionError
from framing.store import ingest, open_store

distributed = pytest.importorskip("distributed", reason="the dask engine needs framing[dask]")
pytest.importorskip("dask.dataframe", reason="the dask engine needs framing[dask]")

runner = CliRunner()


@pytest.fixture(scope="module")
def cluster() -> Iterator[object]:
    # Threads, not processes: starts in about a second on a shared 2-core machine, and the
    # partitions still go through the scheduler, serialisation of tasks and two workers.
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as local:
        yield local


@pytest.fixture
def crocus_store(tmp_path: Path) -> Path:
    ingest([CROCUS], tmp_path / "store")
    return tmp_path / "store"


@pytest.mark.slow
def test_dask_engine_equals_in_process_engine(crocus_store: Path, cluster) -> None:
    store = open_store(crocus_store)
    expected = framing.extract(framing.load_corpus(CROCUS))
    table = store.features(engine="dask", scheduler=cluster.scheduler_address, cache=False)
    pd.testing.assert_frame_equal(table, expected)  # values, dtypes, column and row order
    assert table["doc_id"].tolist() == expected["doc_id"].tolist()
    pd.testing.assert_frame_equal(store.features(cache=False), table)


@pytest.mark.slow
def test_dask_engine_fills_the_cache_for_missing_documents_only(
    crocus_store: Path, cluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    from framing import features as features_module

    store = open_store(crocus_store)
    where = "outlet = 'vestnik'"
    store.features(where=where)  # 6 documents cached in process
    measured: list[int] = []
    original = features_module.extract

    def counting(data, **kwargs):
        measured.append(len(data))
        return original(data, **kwargs)

    monkeypatch.setattr(features_module, "extract", counting)
    table = store.features(engine="dask", scheduler=cluster.scheduler_address)
    assert sum(measured) == len(framing.load_corpus(CROCUS)) - 6
    monkeypatch.undo()
    pd.testing.assert_frame_equal(table, framing.extract(framing.load_corpus(CROCUS)))
    pd.testing.assert_frame_equal(store.features(), table)  # the dask rows were cached


@pytest.mark.slow
def test_cli_engine_dask(crocus_store: Path, cluster, tmp_path: Path) -> None:
    on_dask, in_process = tmp_path / "dask.csv", tmp_path / "local.csv"
    arguments = ["features", str(crocus_store), "-o", str(on_dask), "--engine", "dask"]
    result = runner.invoke(app, [*arguments, "--scheduler", cluster.scheduler_address])
    assert result.exit_code == 0, result.output
    assert runner.invoke(app, ["features", str(CROCUS), "-o", str(in_process)]).exit_code == 0
    assert on_dask.read_bytes() == in_process.read_bytes()


@pytest.mark.slow
def test_unreachable_scheduler(crocus_store: Path) -> None:
    import dask

    with (
        dask.config.set({"distributed.comm.timeouts.connect": "1s"}),
        pytest.raises(OptionError, match=r"cannot connect to the Dask scheduler 'tcp://127\.0\.0\.1:9'"),
    ):
        open_store(crocus_store).features(engine="dask", scheduler="tcp://127.0.0.1:9", cache=False)


def test_missing_dask_is_a_clear_option_error(crocus_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "dask.dataframe", None)  # as if dask[dataframe] were not installed
    with pytest.raises(OptionError, match=r"pip install 'framing\[dask\]'"):
        open_store(crocus_store).features(engine="dask", cache=False)
    result = runner.invoke(app, ["features", str(crocus_store), "-o", "x.csv", "--engine", "dask"])
    assert result.exit_code == 2 and "framing[dask]" in result.stderr
