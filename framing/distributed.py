"""Feature extraction with Dask: ``dask.dataframe`` over a store's Parquet files, one
:func:`framing.extract` call per partition, on a LocalCluster or on a running cluster.

Used by :meth:`framing.store.CorpusStore.features` with ``engine="dask"`` (``framing features STORE
--engine dask [--scheduler ADDRESS]``). Needs the optional extra ``framing[dask]`` (``dask[dataframe]``
and ``distributed``). On a real cluster every worker must have ``framing`` installed (the same version)
and must be able to read the store's folder at the same path (a shared file system).
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from framing.errors import OptionError

__all__ = ["dask_client", "measure_parquet"]

_POSITION = "_position"
_DOCUMENTS_PER_PARTITION = 500
_WORKER_MATCHERS: dict[str, Any] = {}  # one compiled matcher per lexicon set per worker process


def _require_dask() -> tuple[Any, Any, Any]:
    try:
        import dask.dataframe as dd
        from distributed import Client, LocalCluster
    except ImportError as error:
        raise OptionError(
            "the dask engine needs dask[dataframe] and distributed: pip install 'framing[dask]' "
            f"({error.name or error} is missing)"
        ) from None
    return dd, Client, LocalCluster


@contextlib.contextmanager
def dask_client(scheduler: str | None = None, *, workers: int | None = None) -> Iterator[Any]:
    """A ``distributed.Client``: connected to ``scheduler`` (an address such as ``tcp://host:8786``), or
    to a LocalCluster of ``workers`` single-threaded worker processes (default: the CPU count, at most 4)
    started for the block and closed after it.

    Raises:
        OptionError: when dask is not installed or the scheduler cannot be reached.
    """
    _, client_class, cluster_class = _require_dask()
    if scheduler is None:
        count = workers or min(os.cpu_count() or 1, 4)
        # Matching holds the GIL: processes, not threads, give parallel work.
        with (
            cluster_class(
                n_workers=count, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            client_class(cluster) as client,
        ):
            yield client
        return
    try:
        # how long to try is Dask's own setting: distributed.comm.timeouts.connect (30 s by default)
        client = client_class(scheduler)
    except (OSError, TimeoutError, ValueError) as error:
        raise OptionError(f"cannot connect to the Dask scheduler {scheduler!r}: {error}") from None
    with client:
        yield client


def _matcher(lexicons: list[Any], negation_window: int, key: str) -> Any:
    from framing.matcher import CueMatcher

    matcher = _WORKER_MATCHERS.get(key)
    if matcher is None:
        matcher = _WORKER_MATCHERS[key] = CueMatcher(lexicons, negation_window=negation_window)
    return matcher


def _measure_partition(
    partition: pd.DataFrame, lexicons: list[Any], negation_window: int, key: str
) -> pd.DataFrame:
    """One partition's feature rows: ``_position``, ``tokens``, ``sentences`` and the cue columns."""
    from framing import features

    documents = pd.DataFrame(
        {
            "doc_id": partition["doc_id"].astype(str).to_numpy(),
            "text": partition["text"].astype(str).to_numpy(),
        }
    )
    table = features.extract(documents, matcher=_matcher(lexicons, negation_window, key))
    if table.empty:
        return _meta(lexicons, negation_window, key)
    # the language columns come from the store's documents (framing.store), not from the measurement
    table = table.drop(columns=["doc_id", "language", "language_supported"], errors="ignore")
    table.insert(0, _POSITION, partition[_POSITION].to_numpy(dtype="int64"))
    return table


def _meta(lexicons: list[Any], negation_window: int, key: str) -> pd.DataFrame:
    """An empty frame with the columns and dtypes of :func:`_measure_partition`'s output."""
    from framing.features import feature_columns

    columns = [_POSITION, "tokens", "sentences", *feature_columns(_matcher(lexicons, negation_window, key))]
    # rates (per 1,000 tokens) and intensity-weighted sums are floats; counts and presence are integers
    return pd.DataFrame(
        {c: pd.Series(dtype="float64" if c.endswith(("_rate", "_weighted")) else "int64") for c in columns}
    )


def measure_parquet(
    files: Sequence[str | os.PathLike[str]],
    positions: Sequence[int],
    matcher: Any,
    *,
    scheduler: str | None = None,
    workers: int | None = None,
) -> pd.DataFrame:
    """Feature rows of the documents at ``positions`` in the store's Parquet ``files``, measured by Dask.

    Reads ``_position``, ``doc_id`` and ``text`` with ``dask.dataframe.read_parquet``, keeps the wanted
    positions and calls :func:`framing.extract` on each partition (``map_partitions``).

    Returns:
        ``_position``, ``tokens``, ``sentences`` and the cue columns of :func:`framing.extract`, one row
        per wanted document, in no particular order (the caller aligns them on ``_position``).
    """
    from framing.store import feature_key

    dd, _, _ = _require_dask()
    key = feature_key(matcher)
    arguments = (list(matcher.lexicons), matcher.negation_window, key)
    meta = _meta(*arguments)
    if not files or not positions:
        return meta
    frame = dd.read_parquet(
        [str(Path(f)) for f in files], columns=[_POSITION, "doc_id", "text"], dataset={"partitioning": None}
    )
    wanted = sorted(set(int(p) for p in positions))
    frame = frame[frame[_POSITION].isin(wanted)]
    # Files are per outlet, many of them small: fewer, larger partitions cut the per-task overhead
    # (scheduling, shipping the lexicons) without changing any value.
    target = max(1, math.ceil(len(wanted) / _DOCUMENTS_PER_PARTITION))
    if frame.npartitions > target:
        frame = frame.repartition(npartitions=target)
    measured = frame.map_partitions(_measure_partition, *arguments, meta=meta)
    with dask_client(scheduler, workers=workers) as client:
        table = client.compute(measured).result()
    return table.reset_index(drop=True)
