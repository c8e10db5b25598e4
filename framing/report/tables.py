"""The report's tables by name, some of them kept out of memory until they are written.

Most of the report's tables are small (a row per group, cue or test). A few are evidence tables with a row
per blame attribution or per article and actor: at 200,000 articles, 412,000 attributions with their
sentences (about 150 MB) and 540,000 blame-profile rows (about 130 MB). The statistics read a few of their
columns, the summary quotes a handful of their rows, and the writer copies them to CSV. So the report holds
them as :class:`StoredTable` objects (read from the matching pass's files a batch at a time, or from a
DataFrame), and :class:`ReportTables` gives every table as a DataFrame when asked for one by name, as a
dict of DataFrames would: ``analysis.tables["blame_attributions"]`` loads that table whole.

Inside the report, :meth:`ReportTables.columns` reads only some columns of a table (row labels are the
table's row positions, so :meth:`ReportTables.take` can fetch other columns of the rows kept), and
:meth:`ReportTables.write_csv` copies a stored table to CSV a batch at a time.
"""

from __future__ import annotations

import os
import pickle
import tempfile
import weakref
from collections.abc import Callable, Iterator, MutableMapping, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np
import pandas as pd

from framing._memory import return_freed_memory
from framing.io.escape import spreadsheet_safe

__all__ = [
    "CSV_BATCH_ROWS",
    "FrameTable",
    "ReportTables",
    "SpilledFrame",
    "StoredTable",
    "as_report_tables",
    "write_csv",
]

#: :func:`write_csv` escapes and writes a DataFrame longer than this a batch of this many rows at a time.
CSV_BATCH_ROWS = 20_000


@runtime_checkable
class StoredTable(Protocol):
    """A table read when asked for: its columns and length are known without reading it.

    Every method returns rows in table order with row labels that are their positions in the whole
    table (0 .. len - 1), and only the ``columns`` asked for (all by default), with the dtypes the whole
    table has.
    """

    columns: list[str]

    def __len__(self) -> int: ...

    def read(self, columns: Sequence[str] | None = None) -> pd.DataFrame: ...

    def batches(self, columns: Sequence[str] | None = None) -> Iterator[pd.DataFrame]: ...

    def take(
        self, rows: Sequence[int] | np.ndarray, columns: Sequence[str] | None = None
    ) -> pd.DataFrame: ...


class FrameTable:
    """A :class:`StoredTable` over a DataFrame held in memory (small corpora, tests)."""

    def __init__(self, frame: pd.DataFrame, batch_rows: int = 100_000) -> None:
        self.frame = frame.reset_index(drop=True)
        self.columns = list(frame.columns)
        self.batch_rows = batch_rows

    def __len__(self) -> int:
        return len(self.frame)

    def read(self, columns: Sequence[str] | None = None) -> pd.DataFrame:
        return self.frame if columns is None else self.frame[list(columns)]

    def batches(self, columns: Sequence[str] | None = None) -> Iterator[pd.DataFrame]:
        table = self.read(columns)
        for start in range(0, len(table), self.batch_rows):
            yield table.iloc[start : start + self.batch_rows]

    def take(self, rows: Sequence[int] | np.ndarray, columns: Sequence[str] | None = None) -> pd.DataFrame:
        return self.read(columns).iloc[np.asarray(rows, dtype=np.int64)]


class SpilledFrame:
    """A :class:`StoredTable` of a DataFrame moved to a temporary file (in ``directory``, default
    ``TMPDIR``), deleted when this object is garbage collected or the process exits.

    The report's per-document feature table (a row per article, ~117 MB at 200,000 articles) is read only
    a batch at a time by the CSV writer and a few columns at a time by the charts and the summary (the
    statistics read a copy of the few columns they test); from the matching on it waits on disk.
    ``rows`` (a boolean per row of ``frame``) stores only those rows. The file holds the rows
    ``batch_rows`` at a time, each batch pickled on its own (a file this process wrote and reads back: the
    very dtypes come back, categoricals, ``str`` and object columns included), so a batch or a few
    columns are read without the rest.
    """

    def __init__(
        self,
        frame: pd.DataFrame,
        directory: str | os.PathLike[str] | None = None,
        batch_rows: int = CSV_BATCH_ROWS,
        rows: np.ndarray | None = None,
    ) -> None:
        if batch_rows < 1:
            raise ValueError(f"batch_rows must be at least 1, not {batch_rows}")
        if rows is not None and len(rows) != len(frame):
            raise ValueError(f"a mask of {len(rows)} values for {len(frame)} rows")
        frame = frame.reset_index(drop=True)
        # ``rows`` (a boolean per row): only those rows are stored, numbered from 0, a batch at a time; a
        # copy of the selected rows made first would sit beside the whole table
        positions = np.arange(len(frame)) if rows is None else np.flatnonzero(np.asarray(rows, dtype=bool))
        self.columns = list(frame.columns)
        self.batch_rows = batch_rows
        self._length = len(positions)
        handle, name = tempfile.mkstemp(prefix="framing-table-", suffix=".pickle", dir=directory)
        self.path = Path(name)
        self._cleanup = weakref.finalize(self, self.path.unlink, missing_ok=True)
        self._offsets: list[int] = []  # where each batch's pickle starts in the file
        with os.fdopen(handle, "wb") as out:
            # an empty table is stored as one empty batch: reading it gives the columns and dtypes
            for start in range(0, max(len(positions), 1), batch_rows):
                self._offsets.append(out.tell())
                batch = frame.iloc[positions[start : start + batch_rows]]
                pickle.dump(batch, out, protocol=pickle.HIGHEST_PROTOCOL)

    def __len__(self) -> int:
        return self._length

    def __repr__(self) -> str:
        return f"SpilledFrame({self._length} rows x {len(self.columns)} columns in {self.path})"

    def _batch(self, number: int, columns: Sequence[str] | None) -> pd.DataFrame:
        with open(self.path, "rb") as stored:
            stored.seek(self._offsets[number])
            batch: pd.DataFrame = pickle.load(stored)  # a file this object wrote, never one given
        if columns is not None:
            batch = batch[list(columns)]
        batch.index = pd.RangeIndex(number * self.batch_rows, number * self.batch_rows + len(batch))
        return batch

    def batches(self, columns: Sequence[str] | None = None) -> Iterator[pd.DataFrame]:
        for number in range(len(self._offsets)):
            yield self._batch(number, columns)

    def read(self, columns: Sequence[str] | None = None) -> pd.DataFrame:
        parts = list(self.batches(columns))
        table = parts[0] if len(parts) == 1 else pd.concat(parts)
        table.index = pd.RangeIndex(len(table))
        return table

    def take(self, rows: Sequence[int] | np.ndarray, columns: Sequence[str] | None = None) -> pd.DataFrame:
        positions = np.asarray(rows, dtype=np.int64)
        if len(positions) and (positions.min() < 0 or positions.max() >= self._length):
            raise IndexError(f"rows outside 0 .. {self._length - 1}")
        wanted = np.unique(positions // self.batch_rows)
        parts = [self._batch(int(number), columns) for number in (wanted if len(positions) else [0])]
        found = parts[0] if len(parts) == 1 else pd.concat(parts)
        return found.loc[positions]


class ReportTables(MutableMapping[str, pd.DataFrame]):
    """Name -> table, in insertion order: DataFrames, and :class:`StoredTable` objects given out as
    DataFrames (read whole, each time) when indexed. ``len``, iteration and ``in`` read nothing."""

    def __init__(self, tables: dict[str, pd.DataFrame | StoredTable] | None = None) -> None:
        self._tables: dict[str, pd.DataFrame | StoredTable] = dict(tables or {})

    def __getitem__(self, name: str) -> pd.DataFrame:
        table = self._tables[name]
        return table if isinstance(table, pd.DataFrame) else table.read()

    def __setitem__(self, name: str, table: pd.DataFrame | StoredTable) -> None:  # type: ignore[override]
        self._tables[name] = table

    def __delitem__(self, name: str) -> None:
        del self._tables[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._tables)

    def __len__(self) -> int:
        return len(self._tables)

    def __repr__(self) -> str:
        return f"ReportTables({list(self._tables)})"

    def held(self, name: str) -> pd.DataFrame | StoredTable:
        """The object held under ``name`` as it is (a DataFrame, or a stored table without reading it)."""
        return self._tables[name]

    def stored(self, name: str) -> StoredTable:
        """The table ``name`` as a :class:`StoredTable` (a DataFrame wrapped in a :class:`FrameTable`)."""
        table = self._tables[name]
        return FrameTable(table) if isinstance(table, pd.DataFrame) else table

    def rows(self, name: str) -> int:
        """The number of rows of ``name``, without reading a stored table."""
        return len(self._tables[name])

    def columns(self, name: str, columns: Sequence[str]) -> pd.DataFrame:
        """Only ``columns`` of ``name``, labelled by row positions in the whole table (see :meth:`take`)."""
        return self.stored(name).read(columns)

    def take(self, name: str, rows: Sequence[int] | np.ndarray, columns: Sequence[str]) -> pd.DataFrame:
        """``columns`` of the rows of ``name`` at positions ``rows`` (e.g. the labels of a :meth:`columns`
        selection), in the order given."""
        return self.stored(name).take(rows, columns)

    def write_csv(self, name: str, path: str | Path, *, escape: bool) -> None:
        """Write ``name`` to ``path`` as CSV (see :func:`write_csv`); a stored table a batch at a time."""
        write_csv(self._tables[name], path, escape=escape)


def as_report_tables(tables: ReportTables | dict[str, pd.DataFrame]) -> ReportTables:
    """``tables`` as :class:`ReportTables` (an :class:`Analysis` made by hand may hold a plain dict)."""
    return tables if isinstance(tables, ReportTables) else ReportTables(tables)


def write_csv(table: pd.DataFrame | StoredTable, path: str | Path, *, escape: bool) -> None:
    """``table`` as CSV without its index (``escape``: spreadsheet formulas defused, see
    :func:`framing.io.escape.spreadsheet_safe`); a :class:`StoredTable` a batch at a time, with the same
    bytes as the whole table written at once (each cell is formatted on its own)."""
    escaped: Callable[[pd.DataFrame], pd.DataFrame] = spreadsheet_safe if escape else (lambda t: t)
    if isinstance(table, pd.DataFrame):
        if len(table) <= CSV_BATCH_ROWS:
            escaped(table).to_csv(path, index=False, lineterminator="\n")
            return
        # issue 8: the escaped copy of a 200,000-row documents table took ~170 MB at the report's peak
        table = FrameTable(table, batch_rows=CSV_BATCH_ROWS)
    with open(path, "w", encoding="utf-8", newline="") as out:
        header = True
        for batch in table.batches():
            escaped(batch).to_csv(out, index=False, header=header, lineterminator="\n")
            header = False
            del batch
            return_freed_memory()  # the batch's escaped copy and text, before the next is made
        if header:  # no rows: the header alone, as for an empty DataFrame
            escaped(table.read()).to_csv(out, index=False, lineterminator="\n")
