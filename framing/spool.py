"""Texts kept on disk: a spool file of UTF-8 texts, read back a block of documents at a time.

A corpus of 200,000 news articles holds over a gigabyte of text; as Python strings in a ``text`` column
it cannot be analysed in flat memory. A *spooled* corpus writes each cleaned text once to a spool file
and keeps only its position: the documents table has an integer ``text_ref`` column instead of
``text``. Every step that reads texts (matching, example sentences, distinctive wording, same-story
clustering) goes through :class:`DocumentTexts`, which reads a table's texts from either place, in
blocks, so only a block of texts is in memory at a time.

The spool file is private to the process that wrote it and deleted when its :class:`TextSpool` is
garbage collected or the process exits. Worker processes get a copy of the :class:`TextSpool` (the
path and the offsets) and read the file themselves.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import weakref
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["TEXT_REF", "DocumentTexts", "SpoolWriter", "TextSpool", "spool_texts"]

#: the documents column of a spooled corpus: the position of the document's text in the spool
TEXT_REF = "text_ref"

#: texts per block read back by :meth:`DocumentTexts.blocks`
BLOCK = 2000

# Texts closer than this in the file are read with one system call (the bytes between are dropped),
# and one call reads at most _MAX_READ bytes (a longer text is read alone). The bytes read stay under
# the blocks the framing command maps on their own (framing._memory.LARGE_BLOCK_BYTES), so every read
# reuses the heap's pages: reads of up to 16 MB were fresh mappings, paged in anew (27,531 to 33,432
# page faults reading the 20,000 texts of a spool once, now 1 to 194; 0.07-0.08 s of system time, now 0.02).
_GAP = 1 << 16
_MAX_READ = 224 << 10


class TextSpool:
    """UTF-8 texts in one file, numbered 0, 1, ... in the order they were written.

    ``offsets`` has one more entry than there are texts: text ``i`` is bytes ``offsets[i]`` to
    ``offsets[i + 1]`` of the file. Made by :class:`SpoolWriter`; read with :meth:`read`.
    """

    def __init__(self, path: str | os.PathLike[str], offsets: np.ndarray) -> None:
        self.path = Path(path)
        self.offsets = np.asarray(offsets, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __repr__(self) -> str:
        return f"TextSpool({str(self.path)!r}, texts={len(self)}, bytes={int(self.offsets[-1])})"

    def __getstate__(self) -> dict[str, Any]:
        # a copy (in a worker process) reads the file; only the writer's own object deletes it
        return {"path": self.path, "offsets": self.offsets}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.path = state["path"]
        self.offsets = state["offsets"]

    def read(self, positions: Sequence[int] | np.ndarray) -> list[str]:
        """The texts at ``positions``, in the order given (a position may repeat).

        Texts that lie close together in the file are read with one system call.
        """
        wanted = np.asarray(positions, dtype=np.int64)
        if not len(wanted):
            return []
        if wanted.min() < 0 or wanted.max() >= len(self):
            raise IndexError(f"text position out of range 0..{len(self) - 1}")
        starts, ends = self.offsets[wanted], self.offsets[wanted + 1]
        order = np.argsort(starts, kind="stable")
        texts: list[str] = [""] * len(wanted)
        descriptor = os.open(self.path, os.O_RDONLY)
        try:
            at = 0
            while at < len(order):
                # one read for the run of texts that starts here
                first = int(starts[order[at]])
                last_end = int(ends[order[at]])
                stop = at + 1
                while stop < len(order):
                    following = order[stop]
                    if starts[following] - last_end > _GAP or ends[following] - first > _MAX_READ:
                        break
                    last_end = max(last_end, int(ends[following]))
                    stop += 1
                chunk = os.pread(descriptor, last_end - first, first)
                for row in order[at:stop]:
                    texts[row] = chunk[starts[row] - first : ends[row] - first].decode("utf-8")
                at = stop
        finally:
            os.close(descriptor)
        return texts


class SpoolWriter:
    """Writes texts to a new spool file; :meth:`finish` gives the :class:`TextSpool` that reads them.

    Args:
        directory: folder for the spool file (default: the system's temporary folder, ``TMPDIR``).
    """

    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        descriptor, name = tempfile.mkstemp(prefix="framing-texts-", suffix=".spool", dir=directory)
        self.path = Path(name)
        self._file = os.fdopen(descriptor, "wb", buffering=1 << 20)
        self._offsets = [0]
        self._finished = False
        # a writer abandoned by an error deletes its file
        self._cleanup = weakref.finalize(self, _remove, self._file, self.path)

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def append(self, text: str) -> int:
        """Write ``text``; returns its position in the spool."""
        data = text.encode("utf-8")
        self._file.write(data)
        self._offsets.append(self._offsets[-1] + len(data))
        return len(self._offsets) - 2

    def extend(self, texts: Iterable[str]) -> range:
        """Write every text of ``texts``; returns their positions."""
        first = len(self)
        for text in texts:
            self.append(text)
        return range(first, len(self))

    def finish(self) -> TextSpool:
        """Close the file and return its :class:`TextSpool`, which deletes the file when collected."""
        if self._finished:
            raise RuntimeError("the spool is already finished")
        self._finished = True
        self._file.close()
        self._cleanup.detach()
        spool = TextSpool(self.path, np.asarray(self._offsets, dtype=np.int64))
        weakref.finalize(spool, _remove, None, self.path)
        return spool


def _remove(handle: Any, path: Path) -> None:
    if handle is not None:
        handle.close()
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


class DocumentTexts:
    """The texts of a documents table, row by row, from its ``text`` column or from a spool.

    A table with a ``text`` column is read from it; a spooled table (a :data:`TEXT_REF` column) from
    ``spool``. Iterating gives every text in row order, reading a block at a time.
    """

    def __init__(self, documents: pd.DataFrame, spool: TextSpool | None = None) -> None:
        if "text" in documents.columns:
            self._column: pd.Series | None = documents["text"]
            self._refs: np.ndarray | None = None
        elif spool is not None and TEXT_REF in documents.columns:
            self._column = None
            self._refs = documents[TEXT_REF].to_numpy(dtype=np.int64)
        else:
            raise ValueError(
                "the documents table has no 'text' column"
                + ("" if spool is None else f" and no {TEXT_REF!r} column to read the spooled texts by")
            )
        self.spool = spool

    def __len__(self) -> int:
        return len(self._column) if self._column is not None else len(self._refs)  # type: ignore[arg-type]

    @property
    def spooled(self) -> bool:
        """True when the texts are read from a spool file."""
        return self._column is None

    def take(self, rows: Sequence[int] | np.ndarray) -> list[str]:
        """The texts of the documents at row positions ``rows``, in that order."""
        positions = np.asarray(rows, dtype=np.int64)
        if self._column is not None:
            return self._column.iloc[positions].tolist()
        assert self._refs is not None and self.spool is not None
        return self.spool.read(self._refs[positions])

    def blocks(self, size: int | None = None, start: int = 0, stop: int | None = None) -> Iterator[list[str]]:
        """The texts of rows ``start`` to ``stop`` in row order, ``size`` (:data:`BLOCK`) at a time."""
        size = size or BLOCK
        stop = len(self) if stop is None else min(stop, len(self))
        for first in range(start, stop, size):
            last = min(first + size, stop)
            if self._column is not None:
                yield self._column.iloc[first:last].tolist()
            else:
                yield self.take(np.arange(first, last))

    def __iter__(self) -> Iterator[str]:
        for block in self.blocks():
            yield from block

    def subset(self, rows: Sequence[int] | np.ndarray) -> DocumentTexts:
        """The texts of the rows ``rows`` (positions), as a :class:`DocumentTexts` of their own."""
        positions = np.asarray(rows, dtype=np.int64)
        copy = DocumentTexts.__new__(DocumentTexts)
        copy.spool = self.spool
        copy._column = None if self._column is None else self._column.iloc[positions].reset_index(drop=True)
        copy._refs = None if self._refs is None else self._refs[positions]
        return copy


def spool_texts(texts: Iterable[str], directory: str | os.PathLike[str] | None = None) -> TextSpool:
    """A new :class:`TextSpool` holding ``texts`` in order."""
    writer = SpoolWriter(directory)
    writer.extend(texts)
    return writer.finish()
