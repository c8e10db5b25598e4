"""Per-row tables kept on disk: written a block of documents at a time, read back in blocks of documents.

A matching pass over 200,000 news articles finds about 4.6 million cue matches, 400,000 blame rows and
500,000 blame-profile rows; joined in memory they held over a gigabyte for the rest of the report.
:func:`framing.features.match_documents` writes each block's rows to a :class:`SpilledTable` as the block
arrives, and :class:`framing.features.MatchPass` reads them back, whole or a block of documents at a
time, only the columns asked for.

A table is an Arrow IPC file, one record batch per block of documents (in document order), in a
temporary folder (:class:`SpillFolder`) that is deleted when the folder object is garbage collected or
the process exits. Repeated strings are dictionary-encoded: the file holds 32-bit codes and the
dictionaries (one entry per distinct value: terms, cue names, document ids, actors) stay in memory, so
the values read back are the very Python objects written. Every row carries the position of its
document in the documents table, so a reader can take the rows of some documents only.

Kinds of column:

* a NumPy dtype name (``"int32"``, ``"bool"``, ...): a NumPy array, stored and read back with that dtype;
* ``CATEGORY``: :class:`pandas.Categorical` blocks whose categories differ from block to block; read back
  as one categorical whose categories are the sorted distinct values of every block (what
  ``pd.Categorical`` of all the values gives), missing values as missing;
* ``OBJECT``: a list of Python values with many repeats (outlet, actor, rule), read back as a list;
* ``TEXT``: a list of strings that rarely repeat (the sentence of a blame row), stored as Arrow strings.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import weakref
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

__all__ = ["CATEGORY", "OBJECT", "TEXT", "SpillFolder", "SpilledTable", "document_blocks"]

CATEGORY, OBJECT, TEXT = "category", "object", "text"


class SpillFolder:
    """A new temporary folder (in ``directory``, default ``TMPDIR``), deleted with everything in it when
    this object is garbage collected or the process exits. A pickled copy (sent to another process)
    reads the folder but never deletes it."""

    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(tempfile.mkdtemp(prefix="framing-matches-", dir=directory))
        self._cleanup: weakref.finalize | None = weakref.finalize(self, _remove_folder, self.path)

    def __getstate__(self) -> dict[str, Any]:
        return {"path": self.path}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.path = state["path"]
        self._cleanup = None

    def __repr__(self) -> str:
        return f"SpillFolder({str(self.path)!r})"

    def nbytes(self) -> int:
        """Bytes of the files in the folder."""
        return sum(entry.stat().st_size for entry in self.path.iterdir() if entry.is_file())


def _remove_folder(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


class _Dictionary:
    """Values -> 32-bit codes in first-seen order (the dictionary of a CATEGORY or OBJECT column)."""

    def __init__(self) -> None:
        self.codes: dict[Any, int] = {}
        self.values: list[Any] = []

    def _code(self, key: Any, value: Any) -> int:
        code = self.codes.get(key)
        if code is None:
            code = self.codes[key] = len(self.values)
            self.values.append(value)
        return code

    def finish(self) -> None:
        """Let the value -> code lookup go: a finished table only decodes. (At 200,000 articles the
        lookups of the document ids, one entry per document, held ~15 MB to the end of a report.)"""
        self.codes = {}

    def encode_list(self, values: Sequence[Any]) -> np.ndarray:
        # keyed by type as well: 1, 1.0 and True are equal keys but must come back as written
        return np.fromiter((self._code((type(v), v), v) for v in values), dtype=np.int32, count=len(values))

    def encode_categorical(self, values: pd.Categorical) -> np.ndarray:
        mapping = np.asarray([self._code(v, v) for v in values.categories], dtype=np.int32)
        codes = np.asarray(values.codes)
        # a missing value (code -1) stays missing
        return np.where(codes >= 0, mapping[np.maximum(codes, 0)] if len(mapping) else -1, -1).astype(
            np.int32
        )

    def sorted(self) -> tuple[pd.Index, np.ndarray]:
        """The categories sorted as ``pd.Categorical`` sorts them, and each code's place among them."""
        if not self.values:
            return pd.Categorical([]).categories, np.zeros(0, dtype=np.int32)
        categories = pd.Categorical(self.values).categories
        return categories, categories.get_indexer(self.values).astype(np.int32)


class SpilledTable:
    """Rows written to an Arrow IPC file a block at a time (:meth:`append`), read back by document.

    Args:
        path: the file (in a :class:`SpillFolder`).
        kinds: column name -> a NumPy dtype name (a number column), :data:`CATEGORY`, :data:`OBJECT` or
            :data:`TEXT`, in the order of the table's columns.
        doc: the name of the column holding each row's document position (a number column of ``kinds``,
            or a hidden int64 column when it is not one of them).
    """

    def __init__(self, path: Path, kinds: Mapping[str, str], doc: str) -> None:
        self.path = path
        self.kinds = dict(kinds)
        self.doc = doc
        self.columns = list(self.kinds)
        self._stored = self.columns if doc in self.kinds else [*self.columns, doc]
        fields = []
        for name in self._stored:
            kind = self.kinds.get(name, "int64")
            if kind == TEXT:
                fields.append(pa.field(name, pa.large_string()))
            elif kind in (CATEGORY, OBJECT):
                fields.append(pa.field(name, pa.int32()))
            else:
                fields.append(pa.field(name, pa.from_numpy_dtype(np.dtype(kind))))
        self.schema = pa.schema(fields)
        self._dictionaries = {n: _Dictionary() for n, k in self.kinds.items() if k in (CATEGORY, OBJECT)}
        self._sorted: dict[str, tuple[pd.Index, np.ndarray]] = {}
        self._writer: pa.ipc.RecordBatchFileWriter | None = pa.ipc.new_file(str(path), self.schema)
        self.batches: list[tuple[int, int]] = []  # the documents [first, stop) of each record batch
        self.rows = 0
        self.doc_rows: list[np.ndarray] = []  # rows per document, one array per batch
        # open readers of the finished file by (process, fields read): opening parses the footer, which
        # lists every record batch; a reader per read call made the same-story worker spend 1.2 s of its
        # CPU in 667 opens at 20,000 articles
        self._readers: dict[tuple[int, tuple[int, ...]], pa.ipc.RecordBatchFileReader] = {}

    def append(
        self, columns: Mapping[str, Any], first: int, stop: int, docs: np.ndarray | None = None
    ) -> None:
        """Write the rows of documents ``first`` to ``stop`` (positions in the whole table, rows in document
        order); ``docs`` gives each row's document position when it is not a column of ``columns``."""
        assert self._writer is not None, "the table is finished"
        docs = np.asarray(columns[self.doc] if docs is None else docs, dtype=np.int64)
        arrays = []
        for name in self._stored:
            kind = self.kinds.get(name, "int64")
            values = docs if name not in self.kinds else columns[name]
            if kind == CATEGORY:
                arrays.append(pa.array(self._dictionaries[name].encode_categorical(values)))
            elif kind == OBJECT:
                arrays.append(pa.array(self._dictionaries[name].encode_list(values)))
            elif kind == TEXT:
                arrays.append(pa.array(values, type=pa.large_string()))
            else:
                arrays.append(pa.array(np.asarray(values, dtype=kind)))
        self._writer.write_batch(pa.record_batch(arrays, schema=self.schema))
        self.batches.append((first, stop))
        self.doc_rows.append(np.bincount(docs - first, minlength=stop - first).astype(np.int32))
        self.rows += len(docs)

    def finish(self) -> None:
        """Close the file; the table can be read from now on."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None
            self.doc_rows = [np.concatenate(self.doc_rows) if self.doc_rows else np.zeros(0, dtype=np.int32)]
            for dictionary in self._dictionaries.values():
                dictionary.finish()

    def __getstate__(self) -> dict[str, Any]:
        if self._writer is not None:
            raise TypeError("a SpilledTable is sent to another process only once finished")
        return {k: v for k, v in self.__dict__.items() if k not in ("_writer", "_readers")} | {
            "_writer": None,
            "_readers": {},
        }

    def rows_per_document(self) -> np.ndarray:
        """How many rows each document has (documents in table order)."""
        return self.doc_rows[0]

    def categories(self, name: str) -> tuple[pd.Index, np.ndarray]:
        """The sorted categories of a CATEGORY column and the place of each stored code among them."""
        if name not in self._sorted:
            self._sorted[name] = self._dictionaries[name].sorted()
        return self._sorted[name]

    def read(
        self, columns: Sequence[str], first: int = 0, stop: int | None = None, keep: np.ndarray | None = None
    ) -> tuple[dict[str, Any], np.ndarray]:
        """The rows of documents ``first`` to ``stop`` (those where ``keep``, a boolean per document, is
        true): each column asked for decoded (:meth:`decode`) and the rows' document positions.

        Only the record batches of those documents are read, and of them only the columns asked for.
        """
        stop = self.batches[-1][1] if stop is None and self.batches else (stop or 0)
        wanted = list(dict.fromkeys([*columns, self.doc]))
        indices = [self._stored.index(name) for name in wanted]
        parts: dict[str, list[Any]] = {name: [] for name in wanted}
        chosen = [i for i, (a, b) in enumerate(self.batches) if a < stop and b > first]
        if chosen:
            reader = self._reader(indices)
            for i in chosen:
                batch = reader.get_batch(i)
                docs = batch.column(self.doc).to_numpy().astype(np.int64, copy=False)
                rows = (docs >= first) & (docs < stop)
                if keep is not None:
                    rows &= keep[docs]
                if rows.all():
                    rows = None
                for name in wanted:
                    column = batch.column(name)
                    if self.kinds.get(name) == TEXT:
                        values = np.asarray(column.to_pylist(), dtype=object)
                    else:
                        values = column.to_numpy(zero_copy_only=False)
                    parts[name].append(values if rows is None else values[rows])
        raw = {name: _concatenate(parts[name], self._empty(name)) for name in wanted}
        docs = raw[self.doc].astype(np.int64, copy=False)
        return {name: self.decode(name, raw[name]) for name in columns}, docs

    def _reader(self, indices: list[int]) -> pa.ipc.RecordBatchFileReader:
        """A reader of the fields ``indices``, opened once per process (a forked process opens its own
        rather than read through a file descriptor it shares with its parent)."""
        key = (os.getpid(), tuple(indices))
        reader = self._readers.get(key)
        if reader is None:
            options = pa.ipc.IpcReadOptions(included_fields=indices)
            reader = self._readers[key] = pa.ipc.open_file(pa.OSFile(str(self.path)), options=options)
        return reader

    def _empty(self, name: str) -> np.ndarray:
        kind = self.kinds.get(name, "int64")
        if kind == TEXT:
            return np.zeros(0, dtype=object)
        return np.zeros(0, dtype=np.int32 if kind in (CATEGORY, OBJECT) else kind)

    def decode(self, name: str, stored: np.ndarray) -> Any:
        """A column as written: a NumPy array, a :class:`pandas.Categorical` with the table's categories, or
        a list of the Python values written."""
        kind = self.kinds.get(name, "int64")
        if kind == CATEGORY:
            categories, place = self.categories(name)
            codes = np.where(stored >= 0, place[np.maximum(stored, 0)] if len(place) else -1, -1)
            return pd.Categorical.from_codes(codes, categories=categories)
        if kind == OBJECT:
            values = np.empty(len(self._dictionaries[name].values), dtype=object)
            values[:] = self._dictionaries[name].values
            return values[stored].tolist()
        if kind == TEXT:
            return stored.tolist()
        return stored.astype(kind, copy=False)


def _concatenate(arrays: list[np.ndarray], empty: np.ndarray) -> np.ndarray:
    if not arrays:
        return empty
    return arrays[0] if len(arrays) == 1 else np.concatenate(arrays)


def document_blocks(count: int, size: int) -> Iterator[tuple[int, int]]:
    """``[first, stop)`` of consecutive blocks of ``size`` documents out of ``count``."""
    if size < 1:
        raise ValueError(f"documents_per_block must be at least 1, not {size}")
    for first in range(0, count, size):
        yield first, min(first + size, count)
