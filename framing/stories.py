"""Same-story clustering: which articles of different outlets report the same story?

"Outlet A is more emotive" can mean that A frames the same events more emotively, or only that A covered
more violent events. Comparing outlets *within* stories (:func:`framing.compare.within_story`) separates
the two; this module finds the stories.

Method (:func:`cluster_stories`)
--------------------------------
1. Each document becomes a TF-IDF vector (scikit-learn, English stop words, sublinear term frequency):
   the body and the title are vectorised apart, each scaled to unit length, the title weighted by
   ``title_weight`` and the two concatenated and scaled to unit length again, so that the cosine of two
   documents is ``(title_weight**2 * title cosine + body cosine) / (1 + title_weight**2)`` when both have
   a title.
2. Documents are compared only with documents dated at most ``window_days`` days apart. An undated
   document is compared with every document (its text alone decides); ``window_days=None`` ignores all
   dates. For each document only its ``neighbours`` most similar documents with a cosine of at least
   ``threshold / 2`` are kept: the similarity graph is sparse (at most ``n * neighbours`` edges), and it is
   computed in blocks of rows against the documents of the block's date range, so memory grows with the
   number of documents, not with its square.
3. Stories are formed by average-linkage agglomeration over that graph (``linkage="average"``: two
   groups merge while the mean cosine over all pairs of their documents, pairs without an edge counting
   0, is at least ``threshold``) or by its connected components at ``threshold`` (``linkage="single"``,
   which chains: A~B and B~C put A and C together).
4. Syndicated copies (a ``duplicate_of`` naming another document of the table) are linked to their
   original with cosine 1, whatever their dates, so a copy always lands in its original's story.

Memory: the texts are read through :class:`framing.spool.DocumentTexts`, a block at a time (from disk for
a spooled corpus), and counted a chunk at a time. The counts and then the TF-IDF rows (float32 weights,
32-bit column numbers) are written to Arrow files (:class:`framing.spill.SpilledTable`, in a temporary
folder beside the spool file, else in the system's temporary folder) and read back a range of rows at a
time: what is held is the vectors of the days around the block being compared (each part of days
transposed once), each document's ``neighbours`` best edges as NumPy arrays, and the dictionaries of one
connected component of the edges >= ``threshold`` at a time while it is merged. Nothing grows with the
square of a day's documents, and the TF-IDF matrix of the whole corpus is never resident (the report's
clustering worker on 200,000 AllSides articles, sampled every 0.5 s: peak resident set 1,037 MB with the
matrix in memory, 583 MB without). The stories are the same, bit for bit, as from the texts and the
matrix in memory.

The defaults (``threshold`` 0.2, ``title_weight`` 0.5, ``window_days`` 7) were chosen on the inspected half
of BASIL's events (articles on the same event from three US outlets; ``benchmarks/story_clustering.py``
prints the adjusted Rand index on both halves): thresholds from 0.15 to 0.25 do about as well there, 0.3
starts splitting events; windows below 5 days split an event whose three articles span 4 days. At 0.2
two articles share a story when about a fifth of their weighted vocabulary overlaps: the same named
people, places and verbs, not merely the same topic.

Stories are numbered S1, S2, ... (zero-padded: S01 when there are ten or more) in chronological order of
their first document (undated stories last), the larger first on the same day. A story's title is the
title of its most central document (the largest sum of cosines to the others), or the start of its text
when it has no title.
"""

from __future__ import annotations

import heapq
import logging
import os
from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import chain, islice
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from framing._sparse import sparse_kernel
from framing.corpus import Corpus
from framing.dedup import is_syndicated_copy
from framing.errors import InputError, OptionError
from framing.spill import SpilledTable, SpillFolder, document_blocks
from framing.spool import BLOCK, TEXT_REF, DocumentTexts, TextSpool
from framing.text import _word_character_runs, first_seen_numbers

__all__ = ["STORY_COLUMNS", "STORY_TABLE_COLUMNS", "cluster_stories", "story_table"]

log = logging.getLogger(__name__)

#: The columns of :func:`cluster_stories`' result.
STORY_COLUMNS = ["doc_id", "story_id", "story_size", "n_outlets", "story_title"]
#: The columns of :func:`story_table`'s result.
STORY_TABLE_COLUMNS = [
    "story_id", "documents", "n_outlets", "outlets", "first_date", "last_date", "story_title", "doc_ids"
]  # fmt: skip

DEFAULT_THRESHOLD = 0.2
DEFAULT_WINDOW_DAYS = 7
DEFAULT_TITLE_WEIGHT = 0.5
DEFAULT_NEIGHBOURS = 30
# A similarity block holds at most this many (row, candidate) cells: bounded memory at any corpus size.
_BLOCK_CELLS = 2_000_000
#: the largest product :func:`_product` makes output arrays for every cell of (8 bytes a cell, 32-bit indices)
_PRODUCT_CELLS = 4 * _BLOCK_CELLS
# An undated document is compared with everyone, this many candidates at a time.
_CANDIDATES = 10_000
_TITLE_CHARACTERS = 100


def _documents(data: Corpus | pd.DataFrame, spool: TextSpool | None) -> tuple[pd.DataFrame, DocumentTexts]:
    """The documents table and its texts (its ``text`` column, or ``spool`` by ``text_ref``)."""
    documents = data.documents if isinstance(data, Corpus) else data
    if not isinstance(documents, pd.DataFrame):
        kind = type(data).__name__
        raise OptionError(f"cluster_stories takes a Corpus or a DataFrame of documents, not {kind}")
    if spool is None and isinstance(data, Corpus):
        spool = data.spool
    has_texts = "text" in documents.columns or (spool is not None and TEXT_REF in documents.columns)
    missing = [c for c in ("doc_id",) if c not in documents.columns] + ([] if has_texts else ["text"])
    if missing:
        spooled = TEXT_REF in documents.columns and spool is None
        raise InputError(
            "document table",
            f"missing column(s) {', '.join(map(repr, missing))} "
            f"(have: {', '.join(map(str, documents.columns))})",
            hint=f"a spooled table ({TEXT_REF!r} column) needs its spool: pass spool=corpus.spool"
            if spooled
            else "pass a Corpus or its documents table (doc_id, text, and optionally title, date, outlet)",
        )
    if documents["doc_id"].duplicated().any():
        repeated = documents.loc[documents["doc_id"].duplicated(), "doc_id"].iloc[0]
        raise InputError(
            "document table", f"doc_id {repeated!r} occurs more than once", hint="ids must be unique"
        )
    return documents, DocumentTexts(documents, spool)


def _check_options(
    window_days: Any, threshold: Any, title_weight: Any, neighbours: Any, linkage: Any
) -> None:
    if window_days is not None and (
        isinstance(window_days, bool) or not isinstance(window_days, (int, np.integer)) or window_days < 0
    ):
        raise OptionError(f"window_days must be a whole number of days >= 0 or None, not {window_days!r}")
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 < threshold <= 1:
        raise OptionError(f"threshold must be a cosine similarity in (0, 1], not {threshold!r}")
    if isinstance(title_weight, bool) or not isinstance(title_weight, (int, float)) or title_weight < 0:
        raise OptionError(f"title_weight must be a number >= 0, not {title_weight!r}")
    if isinstance(neighbours, bool) or not isinstance(neighbours, (int, np.integer)) or neighbours < 1:
        raise OptionError(f"neighbours must be a whole number >= 1, not {neighbours!r}")
    if linkage not in ("average", "single"):
        raise OptionError(f"linkage must be 'average' or 'single', not {linkage!r}")


# documents tokenised at a time: bounds the memory their tokens take
_COUNT_CHUNK = 500
# chunks weighed between two returns of freed memory to the system (malloc_trim)
_TRIM_EVERY = 16


#: one chunk of counted documents: the number of distinct words kept per document, then, in the matrix's
#: order, each entry's word number and its count
_Chunk = tuple[np.ndarray, np.ndarray, np.ndarray]
# dated documents whose transposed vectors are the candidates of one part: a part closes at the first
# change of day after this many rows, so that a block's candidates are a few parts, each transposed once.
# A whole part is multiplied even where only some of its days are in the block's window: on 20,000
# AllSides articles the edge search took 16.4 s CPU with parts of 1,000 rows, 12.8 with 200, 11.1 with
# 50 and 18.1 with a part per day (more, smaller products and merges)
_PART_ROWS = 50


class _StoredRows:
    """Sparse rows (per row: its entries' column numbers and values) kept on disk in a
    :class:`framing.spill.SpilledTable`, one table row per entry, appended a chunk of rows at a time
    (:meth:`append` takes a :data:`_Chunk`, so :func:`_count_chunks` can write its counts here) and read
    back a range of rows at a time; only the number of entries per row stays in memory.

    The same-story search compares each block of documents with those of a few days around it, so neither
    the counts nor the TF-IDF matrix of the whole corpus (8 bytes per distinct word of each document)
    needs to be resident. The arrays read are those written, so every product (and cosine) is the same,
    bit for bit.
    """

    def __init__(self, columns: int, index_type: Any, folder: SpillFolder, name: str) -> None:
        self.columns = columns
        kinds = {"row": "int32", "column": np.dtype(index_type).name, "value": "float32"}
        self._table = SpilledTable(folder.path / f"{name}.arrow", kinds, doc="row")
        self._folder = folder  # the folder lives as long as the rows
        self._indptr: np.ndarray | None = None

    def append(self, chunk: _Chunk) -> None:
        """Add rows after those added before: each one's number of entries, then the entries' column
        numbers and values, row by row."""
        per_row, columns, values = chunk
        first = self._table.batches[-1][1] if self._table.batches else 0
        if first + len(per_row) > np.iinfo(np.int32).max:
            raise ValueError("more than 2**31 rows")
        rows = np.repeat(np.arange(first, first + len(per_row), dtype=np.int32), per_row)
        self._table.append({"row": rows, "column": columns, "value": values}, first, first + len(per_row))

    @property
    def entries(self) -> int:
        return self._table.rows

    @property
    def indptr(self) -> np.ndarray:
        if self._indptr is None:
            self._table.finish()
            self._indptr = np.r_[0, np.cumsum(self._table.rows_per_document(), dtype=np.int64)]
        return self._indptr

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.indptr) - 1, self.columns

    def arrays(self, start: int, stop: int) -> _Chunk:
        """Rows ``start`` to ``stop`` (excluded): their numbers of entries, column numbers and values."""
        per_row = np.diff(self.indptr[start : stop + 1])  # the table is finished first
        found, _ = self._table.read(["column", "value"], start, stop)
        # Arrow's arrays are read-only; the counts are weighed in place (copied only when read-only)
        return per_row, found["column"], np.require(found["value"], requirements="W")

    def read(self, start: int, stop: int) -> sp.csr_matrix:
        """Rows ``start`` to ``stop`` (excluded) as a CSR matrix of ``columns`` columns."""
        per_row, columns, values = self.arrays(start, stop)
        indptr = np.r_[0, np.cumsum(per_row)].astype(columns.dtype)
        return sp.csr_matrix((values, columns, indptr), shape=(stop - start, self.columns))


class _MatrixRows:
    """A CSR matrix in memory behind :class:`_StoredRows`' ``read`` and ``shape``."""

    def __init__(self, matrix: sp.csr_matrix) -> None:
        self.matrix = matrix
        self.shape = matrix.shape

    def read(self, start: int, stop: int) -> sp.csr_matrix:
        return self.matrix[start:stop]


_Rows = _StoredRows | _MatrixRows


def _count_chunks(
    texts: Iterable[str], n: int, chunks: list[_Chunk] | _StoredRows | None = None
) -> tuple[list[_Chunk] | _StoredRows, np.ndarray | None, int, np.ndarray]:
    """Count the terms of the ``n`` texts of ``texts`` a chunk at a time (see :func:`_term_counts`).

    Returns the chunks (appended to ``chunks``, a new list by default), ``column_of`` (a word number ->
    the column of its word in the matrix; None when every word is a stop word), the number of columns
    and each column's document frequency. ``texts`` is consumed once, a chunk at a time, so only a
    chunk's texts and tokens are in memory (the caller may read them from disk a block at a time); a
    word's number depends only on the texts before it, so counting chunk by chunk numbers every word as
    counting them all at once would.
    """
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    numbers = first_seen_numbers()
    stop = np.zeros(0, dtype=bool)  # by number: is the word a stop word?
    by_number = np.zeros(0, dtype=np.int64)  # by number: the documents the word is in
    chunks = [] if chunks is None else chunks
    stream = iter(texts)
    start = 0
    while chunk := list(islice(stream, _COUNT_CHUNK)):
        # scikit-learn's token pattern r"(?u)\b\w\w+\b" finds the runs of two or more word characters:
        # the one-character runs are numbered too, but as stop words (leaving them out of the lists one
        # by one in Python took longer than numbering them); the other words keep their order, so their
        # columns and each row's order are the same
        tokens = [_word_character_runs(text.lower()) for text in chunk]
        del chunk
        lengths = np.fromiter(map(len, tokens), np.int64, len(tokens))
        number = np.fromiter(map(numbers.__getitem__, chain.from_iterable(tokens)), np.int64, lengths.sum())
        del tokens
        new_words = islice(numbers, len(stop), None)
        stopped = (len(word) < 2 or word in ENGLISH_STOP_WORDS for word in new_words)
        stop = np.r_[stop, np.fromiter(stopped, bool)]
        row = np.repeat(np.arange(len(lengths)), lengths)
        kept = ~stop[number]
        # a key per (document, number) pair of the words kept, sorted by document, then number (fewer than
        # 2**32 distinct words)
        pair, count = np.unique(row[kept] << 32 | number[kept], return_counts=True)
        entries = np.bincount(pair >> 32, minlength=len(lengths))
        word_numbers = (pair & 0xFFFFFFFF).astype(np.uint32)
        del pair
        by_number = np.r_[by_number, np.zeros(len(stop) - len(by_number), dtype=np.int64)]
        by_number += np.bincount(word_numbers, minlength=len(stop))  # (document, word) pairs are unique
        chunks.append((entries, word_numbers, count.astype(np.float32)))
        start += len(lengths)
    if start != n:
        raise ValueError(f"{start} texts for {n} documents")
    if stop.all():
        return chunks, None, 0, np.zeros(0, dtype=np.int64)
    met = [word for word, is_stop in zip(numbers, stop, strict=True) if not is_stop]
    alphabetical = np.empty(len(met), dtype=np.int64)
    alphabetical[sorted(range(len(met)), key=met.__getitem__)] = np.arange(len(met))
    frequency = np.zeros(len(met), dtype=np.int64)
    frequency[alphabetical] = by_number[~stop]
    # a number (stop words included) -> the column of its word: its rank among the words kept, alphabetically
    return chunks, alphabetical[np.cumsum(~stop) - 1], len(met), frequency


def _index_type(entries: int, columns: int) -> type[np.signedinteger]:
    return np.int32 if max(entries, columns) <= np.iinfo(np.int32).max else np.int64


def _term_counts(texts: Iterable[str], n: int | None = None) -> sp.csr_matrix | None:
    """The term counts of the ``n`` texts of ``texts`` (all of a list's when ``n`` is None): bit for bit
    the matrix of scikit-learn's ``CountVectorizer(stop_words="english", dtype=np.float32)
    .fit_transform(texts)`` (None when no text has a word outside the stop list, where it raises "empty
    vocabulary"), computed without its Python loop over every token.

    What is reproduced (scikit-learn's ``_count_vocab``, ``_limit_features`` and ``_sort_features``): the
    tokens are the matches of its token pattern in the lower-cased text, stop words dropped; terms are
    numbered in the order they are first met (document by document, token by token), each row's entries
    sorted by that number; then the numbers are replaced by the term's rank in alphabetical order
    *without* sorting the rows again. A row's entries are therefore in first-met order, and that order
    is kept: sums over a row (lengths, cosines) add in it, and float32 sums depend on their order.

    Here the tokens of a chunk of documents are numbered by a C loop (``map`` over a dict that numbers a
    new word as it is first looked up, as scikit-learn's does, stop words included) and the (document,
    number) pairs counted by ``numpy.unique``, which also sorts them as scikit-learn's rows are sorted.
    Dropping the stop words afterwards keeps the order of the other words' numbers.
    """
    n = len(texts) if n is None else n  # type: ignore[arg-type]
    chunks, column_of, terms, _ = _count_chunks(texts, n)
    assert isinstance(chunks, list)
    if column_of is None:
        return None
    entries = sum(len(chunk[1]) for chunk in chunks)
    index_type = _index_type(entries, terms)
    column_of = column_of.astype(index_type)
    data, indices = np.empty(entries, dtype=np.float32), np.empty(entries, dtype=index_type)
    indptr = np.zeros(n + 1, dtype=index_type)
    at = row = 0
    chunks.reverse()
    while chunks:  # each chunk freed once copied: the counts are held once, not twice
        per_document, numbers, counts = chunks.pop()
        data[at : at + len(counts)] = counts
        indices[at : at + len(counts)] = column_of[numbers]
        indptr[row + 1 : row + 1 + len(per_document)] = at + np.cumsum(per_document)
        at += len(counts)
        row += len(per_document)
    return sp.csr_matrix((data, indices, indptr), shape=(n, terms))


def _idf(document_frequency: np.ndarray, n: int) -> np.ndarray:
    """The inverse document frequencies of scikit-learn's ``TfidfTransformer().fit`` (smooth, float32),
    computed by the same operations in the same order: ``log((n + 1) / (df + 1)) + 1``."""
    df = document_frequency.astype(np.float32)
    df += 1.0
    idf = np.full_like(df, fill_value=n + 1, dtype=np.float32)
    idf /= df
    np.log(idf, out=idf)
    idf += 1.0
    return idf


def _weigh(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """``counts`` made unit-length TF-IDF rows in place, as ``TfidfTransformer(sublinear_tf=True)
    .transform(counts, copy=False)`` does: ``1 + log(count)`` times the idf, each row scaled to unit
    length. Every step works on each row alone, so a block of rows is weighed as in the whole matrix."""
    from sklearn.preprocessing import normalize

    np.log(counts.data, counts.data)
    counts.data += 1.0
    counts.data *= idf[counts.indices]
    return normalize(counts, copy=False)


def _as_text(value: Any) -> str:
    """``value`` as pandas' ``fillna("").astype(str)`` gives it: a missing value is an empty text."""
    if isinstance(value, str):
        return value
    return "" if pd.api.types.is_scalar(value) and pd.isna(value) else str(value)


def _tfidf(texts: Iterable[Any], n: int | None = None) -> sp.csr_matrix | None:
    """Unit-length TF-IDF rows of the ``n`` texts of ``texts`` (all of a sequence's when ``n`` is None;
    None when no text has a word outside the stop list): bit for bit ``TfidfVectorizer(stop_words="english",
    sublinear_tf=True, dtype=np.float32).fit_transform``, which weighs :func:`_term_counts`' matrix as
    scikit-learn's ``TfidfTransformer`` does (:func:`_idf`, :func:`_weigh`; the counts become the weights).
    """
    counts = _term_counts(map(_as_text, texts), len(texts) if n is None else n)  # type: ignore[arg-type]
    if counts is None:
        return None
    return _weigh(counts, _idf(np.bincount(counts.indices, minlength=counts.shape[1]), counts.shape[0]))


def _vectors(
    documents: pd.DataFrame,
    texts: Iterable[Any],
    title_weight: float,
    directory: str | os.PathLike[str] | None = None,
) -> _Rows:
    """One unit-length row per document: the body's TF-IDF beside the title's, weighted (module docstring),
    kept on disk in a temporary folder in ``directory`` (the system's temporary folder by default) and
    read back a range of rows at a time (:class:`_StoredRows`).

    ``texts`` gives the documents' texts in the table's row order, read once, a block at a time. The
    body's counts are written to disk chunk by chunk while the document frequencies are summed; then each
    chunk is read back, weighed, put beside its rows' titles, scaled to unit length and written out, so
    neither the counts nor the matrix is ever held whole (only the titles' small matrix is). Every step
    works on each row alone: the rows are those of weighing the whole matrix, putting it beside the
    titles' and normalising it (``sp.hstack``, ``normalize``), bit for bit.
    """
    from sklearn.preprocessing import normalize

    from framing._memory import return_freed_memory

    n = len(documents)
    counted = _StoredRows(0, np.uint32, SpillFolder(directory), "counts")  # its folder goes with it
    _, column_of, terms, frequency = _count_chunks(map(_as_text, texts), n, counted)
    title = None
    if "title" in documents.columns and title_weight > 0:
        title = _tfidf(documents["title"].tolist(), n)
        if title is not None:
            title = title * np.float32(title_weight)
    if column_of is None:
        if title is None:
            return _MatrixRows(sp.csr_matrix((n, 1), dtype=np.float32))
        return _MatrixRows(normalize(sp.hstack([title], format="csr"), copy=False))
    idf = _idf(frequency, n)
    title_columns = 0 if title is None else title.shape[1]
    index_type = _index_type(counted.entries + (0 if title is None else title.nnz), terms + title_columns)
    column_of = column_of.astype(index_type)
    vectors = _StoredRows(terms + title_columns, index_type, SpillFolder(directory), "vectors")
    for k, (first, stop) in enumerate(document_blocks(n, _COUNT_CHUNK)):
        if k % _TRIM_EVERY == _TRIM_EVERY - 1:
            return_freed_memory()  # the chunks weighed so far, freed into the allocator's heap
        per_document, numbers, counts = counted.arrays(first, stop)
        chunk_indptr = np.zeros(stop - first + 1, dtype=index_type)
        np.cumsum(per_document, out=chunk_indptr[1:])
        body = _weigh(
            sp.csr_matrix((counts, column_of[numbers], chunk_indptr), shape=(stop - first, terms)), idf
        )
        del numbers, counts
        parts = [body] if title is None else [body, title[first:stop]]
        block = normalize(sp.hstack(parts, format="csr"), copy=False)
        vectors.append((np.diff(block.indptr), block.indices, block.data))
    del counted
    return_freed_memory()
    return vectors


def _days(documents: pd.DataFrame) -> np.ndarray:
    """Each document's date as a day number (float, NaN when undated)."""
    if "date" not in documents.columns:
        return np.full(len(documents), np.nan)
    dates = pd.to_datetime(documents["date"], errors="coerce")
    days = (dates.dt.normalize() - pd.Timestamp("1970-01-01")).dt.days
    return days.to_numpy(dtype=float, na_value=np.nan)


def _neighbours(
    vectors: _Rows, days: np.ndarray, window_days: int | None, floor: float, neighbours: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each document's ``neighbours`` most similar documents: (i, j, cosine), sorted by i, then by cosine
    (highest first), then by j (a pair found from both ends is listed twice).

    The documents must be sorted by date, the undated ones last. Rows are taken in blocks of consecutive
    days; a block is compared with the documents dated within ``window_days`` of it and with the undated
    ones, so each block's similarity matrix is small whatever the corpus size. The dated candidates come
    in parts of consecutive days (:data:`_PART_ROWS`), each read and transposed once and let go when the
    blocks have moved past it: only the vectors of the days around the current block are in memory. An
    undated row is compared with every document, a chunk of candidates at a time (each chunk transposed
    once, for every block of undated rows).

    A block's cosines are the sparse product of its rows with the candidates' vectors transposed. A
    product's value for (i, j) is the sum over row i's entries, in their order, of the products with
    document j's weights, whatever the layout of the transposed side: the cosines (float32) are the same
    bit for bit however the candidates are split into parts. A row keeps its ``neighbours`` best over all
    its parts, merged part by part (the best of a union are among the best of each part), ranked by
    cosine, then by the lower index; a part's candidates dated beyond the window are dropped like any
    other pair too far apart; so the graph does not depend on the blocks, parts or chunks either.
    """
    n = vectors.shape[0]
    index_type = np.int32 if n <= np.iinfo(np.int32).max else np.int64
    dated = ~np.isnan(days) if window_days is not None else np.zeros(n, dtype=bool)
    n_dated = int(dated.sum())
    if not dated[:n_dated].all() or np.any(np.diff(days[:n_dated]) < 0):
        raise ValueError("the documents must be sorted by date, the undated ones last")
    dated_days = days[:n_dated]
    undated_rows = np.arange(n_dated, n, dtype=index_type)
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # per block of rows, in row order

    def transposed(start: int, stop: int) -> tuple[np.ndarray, sp.csr_matrix]:
        return np.arange(start, stop, dtype=index_type), vectors.read(start, stop).T.tocsr()

    Best = tuple[np.ndarray, np.ndarray, np.ndarray]

    def nearest(
        rows: np.ndarray, block: sp.csr_matrix, part: tuple[np.ndarray, sp.csr_matrix], best: Best | None
    ) -> Best:
        """(i, j, cosine) of the ``rows``' best neighbours among ``part``'s candidates and ``best`` (the
        best among the parts before), sorted by row, then by cosine (highest first), then by index."""
        candidates, columns = part
        product = _product(block, columns)
        # most cosines are below the floor: only those above it are located
        near = np.flatnonzero(product.data >= floor)
        row = np.searchsorted(product.indptr, near, side="right") - 1
        i, j, s = rows[row], candidates[product.indices[near]], product.data[near]
        keep = i != j
        if window_days is not None:
            gap = np.abs(days[i] - days[j])
            keep &= ~(gap > window_days)  # NaN (an undated side) passes
        i, j, s = i[keep], j[keep], s[keep]
        if best is not None:
            i, j, s = (np.concatenate(pair) for pair in zip(best, (i, j, s), strict=True))
        order = np.lexsort((j, -s, i))  # per row, most similar first (ties: lower index)
        i, j, s = i[order], j[order], s[order]
        starts = np.searchsorted(i, i, side="left")
        top = (np.arange(i.size) - starts) < neighbours
        return i[top], j[top], s[top]

    undated = transposed(n_dated, n) if undated_rows.size and n_dated else None
    part_starts = _part_starts(dated_days, _PART_ROWS)
    parts: dict[int, tuple[np.ndarray, sp.csr_matrix]] = {}  # the parts around the block, by number
    start = 0
    while start < n_dated:
        low = dated_days[start]
        lo = np.searchsorted(dated_days, low - window_days, side="left")
        # the block's rows lie within window_days of its first: its candidates span 3 windows at most
        last = np.searchsorted(dated_days, low + window_days, side="right")
        width = np.searchsorted(dated_days, low + 2 * window_days, side="right") - lo
        rows_per_block = max(1, _BLOCK_CELLS // max(1, width + undated_rows.size))
        stop = min(last, start + rows_per_block)
        high = dated_days[stop - 1]
        hi = np.searchsorted(dated_days, high + window_days, side="right")
        rows = np.arange(start, stop, dtype=index_type)
        block = vectors.read(start, stop)
        first = int(np.searchsorted(part_starts, lo, side="right")) - 1
        after = int(np.searchsorted(part_starts, hi, side="left"))
        for number in [k for k in parts if k < first]:
            del parts[number]  # the blocks have moved past it: no later block reaches back to it
        best = None
        for number in range(first, after):
            if number not in parts:
                parts[number] = transposed(int(part_starts[number]), int(part_starts[number + 1]))
            best = nearest(rows, block, parts[number], best)
        assert best is not None  # the block's own part is among them
        found.append(best if undated is None else nearest(rows, block, undated, best))
        start = stop
    del undated, parts
    if undated_rows.size:
        # undated rows against everyone: the candidates in chunks of _CANDIDATES, each transposed once
        rows_per_block = max(1, _BLOCK_CELLS // _CANDIDATES)
        blocks = [
            (
                undated_rows[at : at + rows_per_block],
                vectors.read(n_dated + at, min(n, n_dated + at + rows_per_block)),
            )
            for at in range(0, undated_rows.size, rows_per_block)
        ]
        bests: list[Best | None] = [None] * len(blocks)
        for first_candidate in range(0, n, _CANDIDATES):
            part = transposed(first_candidate, min(n, first_candidate + _CANDIDATES))
            for k, (rows, block) in enumerate(blocks):
                bests[k] = nearest(rows, block, part, bests[k])
        found.extend(best for best in bests if best is not None)
    if not found:
        empty = np.zeros(0, dtype=index_type)
        return empty, empty, np.zeros(0, dtype=np.float32)
    return tuple(np.concatenate(values) for values in zip(*found, strict=True))  # type: ignore[return-value]


def _product(left: sp.csr_matrix, right: sp.csr_matrix) -> sp.csr_matrix:
    """``left @ right`` for CSR matrices of one float dtype: the same entries in the same order.

    scipy's product first runs a pass that counts the product's entries, then the product itself; the
    counting pass took 40 % of the products' time (4.9 of 12.3 s CPU clustering 20,000 AllSides
    articles). Here the output arrays are made for every cell of
    the product (left's rows x right's columns, at most about :data:`_BLOCK_CELLS` in
    :func:`_neighbours`; ``np.empty`` touches no memory that is not written) and scipy's compiled
    product kernel fills them. Where that kernel is not found (:mod:`framing._sparse`), or the
    product has more than :data:`_PRODUCT_CELLS` cells (a part of the candidates can end on a day
    with many documents beyond the block's window), the ``@`` operator gives the same matrix.
    """
    rows, columns = left.shape[0], right.shape[1]
    cells = rows * columns
    kernel = sparse_kernel("csr_matmat")
    if (
        kernel is None
        or cells > _PRODUCT_CELLS  # a part of the candidates larger than the blocks are made for
        or left.data.dtype != right.data.dtype
        or left.shape[1] != right.shape[0]
    ):
        return left @ right
    big = max(cells, left.nnz, right.nnz, left.shape[1] + 1) > np.iinfo(np.int32).max
    index = np.int64 if big else np.int32
    indptr = np.empty(rows + 1, dtype=index)
    indices = np.empty(cells, dtype=index)
    data = np.empty(cells, dtype=left.data.dtype)
    kernel(
        rows,
        columns,
        left.indptr.astype(index, copy=False),
        left.indices.astype(index, copy=False),
        left.data,
        right.indptr.astype(index, copy=False),
        right.indices.astype(index, copy=False),
        right.data,
        indptr,
        indices,
        data,
    )
    entries = int(indptr[-1])
    return sp.csr_matrix((data[:entries], indices[:entries], indptr), shape=(rows, columns))


def _part_starts(days: np.ndarray, rows: int) -> np.ndarray:
    """Where the parts of :func:`_neighbours`' dated candidates start, and their end: a part closes at
    the first change of day after ``rows`` rows (a day is never split between parts)."""
    if not days.size:
        return np.zeros(1, dtype=np.int64)
    day_starts = np.flatnonzero(np.r_[True, days[1:] != days[:-1]])
    starts = [0]
    for at in day_starts[1:]:
        if at - starts[-1] >= rows:
            starts.append(int(at))
    return np.array([*starts, days.size], dtype=np.int64)


def _edges(
    vectors: sp.csr_matrix, days: np.ndarray, window_days: int | None, floor: float, neighbours: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The sparse similarity graph: (i, j, cosine) with i < j, each document's ``neighbours`` best
    (:func:`_neighbours`, each pair once: :func:`_pairs`)."""
    found = _neighbours(_MatrixRows(vectors.tocsr()), days, window_days, floor, neighbours)
    return _pairs(list(found), vectors.shape[0])


def _pairs(found: list[np.ndarray], n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The edges of :func:`_neighbours`' lists ``[i, j, cosine]`` (emptied: each array is freed as soon
    as it is used), each pair once, sorted by (lower, higher) document."""
    i, j, s = found
    found.clear()
    a, b = np.minimum(i, j), np.maximum(i, j)
    del i, j
    # an edge kept from either end is kept once: from its lower end (the rows come in order), whose
    # cosine adds the lower document's weights in their order
    key = a.astype(np.int64) * n + b
    _, first = np.unique(key, return_index=True)
    del key
    return a[first], b[first], s[first].astype(float)


def _merged_pairs(
    a: np.ndarray, b: np.ndarray, cosine: np.ndarray, pairs: list[tuple[int, int]], n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The graph's edges (sorted by (a, b)) with the syndication ``pairs`` set to cosine 1: an edge already
    there keeps its place, a new pair comes after the others, in the order first given."""
    if not pairs:
        return a, b, cosine
    given = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    keys = given[:, 0] * n + given[:, 1]
    _, first = np.unique(keys, return_index=True)
    keys = keys[np.sort(first)]
    existing = a.astype(np.int64) * n + b  # sorted: _edges returns the edges by key
    at = np.searchsorted(existing, keys).clip(max=max(0, existing.size - 1))
    there = existing[at] == keys if existing.size else np.zeros(keys.size, dtype=bool)
    cosine = cosine.copy()
    cosine[at[there]] = 1.0
    new = keys[~there]
    return (
        np.r_[a, (new // n).astype(a.dtype)],
        np.r_[b, (new % n).astype(b.dtype)],
        np.r_[cosine, np.ones(new.size)],
    )


def _average_linkage(
    n: int, a: np.ndarray, b: np.ndarray, cosine: np.ndarray, threshold: float
) -> np.ndarray:
    """Cluster labels from average linkage over a sparse graph (missing pairs count as cosine 0).

    Greedy: the pair of clusters with the highest mean cosine merges first, while it is >= threshold;
    a heap holds candidate merges and stale entries are skipped when popped.

    Two clusters merge only when the mean cosine of their pairs is >= threshold, so when one pair at
    least is: every story lies within one connected component of the graph of the edges >= threshold.
    Each such component is merged on its own, with the edges between its documents only: the merges
    of one component never change another's sums, and within a component they happen in the same order
    (the heap orders them by cosine, then by index), so the clusters, and each cluster's root (its
    label), are those of one pass over the whole graph, while only one component's dictionaries are in
    memory at a time.
    """
    parent = list(range(n))
    size = [1] * n
    for edges in _strong_components(n, a, b, cosine, threshold):
        _merge_component(edges, threshold, parent, size)
    return np.array([_root(parent, i) for i in range(n)])


def _strong_components(
    n: int, a: np.ndarray, b: np.ndarray, cosine: np.ndarray, threshold: float
) -> Iterator[list[tuple[int, int, float]]]:
    """Per connected component of the edges >= threshold (two documents or more), the edges between its
    documents, in the graph's order."""
    strong = cosine >= threshold
    if not strong.any():
        return
    graph = sp.coo_matrix((np.ones(int(strong.sum()), dtype=np.int8), (a[strong], b[strong])), shape=(n, n))
    _, component = connected_components(graph, directed=False)
    del graph
    of_edge = component[a]
    inside = np.flatnonzero(of_edge == component[b])
    inside = inside[np.argsort(of_edge[inside], kind="stable")]
    bounds = np.flatnonzero(np.r_[True, of_edge[inside][1:] != of_edge[inside][:-1], True])
    for start, stop in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        rows = inside[start:stop]
        yield list(zip(a[rows].tolist(), b[rows].tolist(), cosine[rows].tolist(), strict=True))


def _merge_component(
    edges: list[tuple[int, int, float]], threshold: float, parent: list[int], size: list[int]
) -> None:
    """Average linkage over one component's edges; merges recorded in ``parent`` and ``size``."""
    links: defaultdict[int, dict[int, float]] = defaultdict(dict)  # cluster -> {neighbour: summed cosine}
    for a, b, s in edges:
        links[a][b] = s
        links[b][a] = s
    heap = [(-s, a, b) for a, b, s in edges if s >= threshold]
    heapq.heapify(heap)
    while heap:
        negative, a, b = heapq.heappop(heap)
        if parent[a] != a or parent[b] != b or b not in links[a]:
            continue
        if links[a][b] / (size[a] * size[b]) != -negative:
            continue  # stale: one side has grown since this entry was pushed
        keep, gone = (a, b) if size[a] >= size[b] else (b, a)
        for other, total in links[gone].items():
            if other == keep:
                continue
            merged = links[keep].get(other, 0.0) + total
            links[keep][other] = merged
            links[other][keep] = merged
            del links[other][gone]
        del links[keep][gone]
        links[gone] = {}
        size[keep] += size[gone]
        parent[gone] = keep
        for other, total in links[keep].items():
            average = total / (size[keep] * size[other])
            if average >= threshold:
                heapq.heappush(heap, (-average, min(keep, other), max(keep, other)))


def _root(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _components(n: int, a: np.ndarray, b: np.ndarray, cosine: np.ndarray, threshold: float) -> np.ndarray:
    parent = list(range(n))
    strong = cosine >= threshold
    for x, y in zip(a[strong].tolist(), b[strong].tolist(), strict=True):
        parent[_root(parent, x)] = _root(parent, y)
    return np.array([_root(parent, i) for i in range(n)])


def _syndication_edges(documents: pd.DataFrame) -> list[tuple[int, int]]:
    if "duplicate_of" not in documents.columns:
        return []
    position = {doc_id: i for i, doc_id in enumerate(documents["doc_id"])}
    copies = is_syndicated_copy(documents["duplicate_of"]).to_numpy()
    originals = documents["duplicate_of"].tolist()
    pairs = []
    for i in np.flatnonzero(copies).tolist():
        original = position.get(originals[i])
        if original is not None and original != i:
            pairs.append((min(i, original), max(i, original)))
    return pairs


def cluster_stories(
    data: Corpus | pd.DataFrame,
    *,
    window_days: int | None = DEFAULT_WINDOW_DAYS,
    threshold: float = DEFAULT_THRESHOLD,
    title_weight: float = DEFAULT_TITLE_WEIGHT,
    neighbours: int = DEFAULT_NEIGHBOURS,
    linkage: str = "average",
    spool: TextSpool | None = None,
) -> pd.DataFrame:
    """Group documents that report the same story (across outlets) into numbered stories.

    ``data`` is a :class:`~framing.corpus.Corpus` or a table of documents with ``doc_id`` and ``text``
    (``title``, ``date``, ``outlet`` and ``duplicate_of`` are used when present). The method, the date
    window and the meaning of ``threshold`` (a TF-IDF cosine, 0-1) are in the module docstring.

    A spooled table (a ``text_ref`` column instead of ``text``, :mod:`framing.spool`) has its texts read
    from ``spool`` (a spooled Corpus's own by default), a block at a time: the stories are the same as
    from the texts in memory.

    Returns:
        One row per document, in the input's order: ``doc_id``, ``story_id`` (``S1``, ``S2``, ... in
        chronological order, zero-padded to sort as text: a label, so that a model taking it as a control
        treats it as a category, never as a number), ``story_size`` (documents in the story),
        ``n_outlets`` (distinct outlets in the story; NA without an ``outlet`` column), ``story_title``;
        ``attrs`` holds the parameters and ``stories`` (how many) and ``edges`` (pairs kept in the graph).

    >>> docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "outlet": ["X", "Y", "X"],
    ...     "date": ["2024-03-22", "2024-03-23", "2024-03-23"],
    ...     "text": ["Gunmen attacked the concert hall in Krasnogorsk", "Concert hall attack in Krasnogorsk",
    ...              "Parliament passed the budget on Tuesday"]})
    >>> cluster_stories(docs)[["doc_id", "story_id", "n_outlets"]].values.tolist()
    [['a', 'S1', 2], ['b', 'S1', 2], ['c', 'S2', 1]]
    """
    _check_options(window_days, threshold, title_weight, neighbours, linkage)
    documents, texts = _documents(data, spool)
    n = len(documents)
    if n == 0:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in STORY_COLUMNS})
    days_unsorted = _days(documents)
    # a fixed processing order (date, then id) makes ties, and so the stories, independent of row order
    order = np.lexsort((documents["doc_id"].astype(str).to_numpy(), np.nan_to_num(days_unsorted, nan=np.inf)))
    # the other columns in that order; the texts stay where they are and are read in that order
    docs = documents.drop(columns=["text", TEXT_REF], errors="ignore").iloc[order].reset_index(drop=True)
    days = days_unsorted[order]
    directory = None if texts.spool is None else texts.spool.path.parent  # beside the texts
    vectors = _vectors(docs, _in_order(texts, order), float(title_weight), directory)
    found = list(_neighbours(vectors, days, window_days, threshold / 2, int(neighbours)))
    del vectors  # and its folder on disk
    a, b, cosine = _pairs(found, n)
    a, b, cosine = _merged_pairs(a, b, cosine, _syndication_edges(docs), n)
    labels = (_average_linkage if linkage == "average" else _components)(n, a, b, cosine, threshold)

    # each edge inside a story adds its cosine to both ends, in the order of the edges (a, b, next a, ...):
    # bincount adds in its input's order, and float sums depend on their order
    inside = labels[a] == labels[b]
    ends = np.column_stack([a[inside], b[inside]]).ravel()
    centrality = np.bincount(ends, weights=np.repeat(cosine[inside], 2), minlength=n)
    edge_count = len(a)
    del a, b, cosine, inside, ends
    # per story, vectorised: its members are in date order, so its first position is its first document
    members = pd.DataFrame({"label": labels, "position": np.arange(n), "centrality": centrality})
    grouped = members.groupby("label", sort=True)["position"]
    first, size = grouped.min(), grouped.size()
    central = (
        members.sort_values(
            ["label", "centrality", "position"], ascending=[True, False, True], kind="mergesort"
        )
        .groupby("label", sort=True)["position"]
        .first()
    )
    has_outlet = "outlet" in docs.columns
    if has_outlet:
        n_outlets = pd.Series(docs["outlet"].to_numpy(), dtype="object").groupby(labels).nunique()
    titles = docs["title"].to_numpy() if "title" in docs.columns else np.full(n, None)
    central_rows = central.to_numpy()
    story = pd.DataFrame(
        {
            "first_day": days[first.to_numpy()],
            "size": size.to_numpy(),
            "first_id": docs["doc_id"].astype(str).to_numpy()[first.to_numpy()],
            "n_outlets": n_outlets.reindex(first.index).to_numpy() if has_outlet else pd.NA,
            "title": _story_titles(titles[central_rows], texts, order[central_rows]),
        },
        index=first.index,
    )
    # numbered by first date (undated last), the larger story first on the same day, then by first id
    story["undated"] = np.isnan(story["first_day"])
    story["day"] = np.nan_to_num(story["first_day"])
    story["minus_size"] = -story["size"]
    ranked = story.sort_values(["undated", "day", "minus_size", "first_id"], kind="mergesort").index
    width = len(str(len(ranked)))
    story["story_id"] = pd.Series([f"S{k:0{width}d}" for k in range(1, len(ranked) + 1)], index=ranked)
    per_document = story.loc[labels]
    result = pd.DataFrame(
        {
            "doc_id": docs["doc_id"].to_numpy(),
            "story_id": per_document["story_id"].to_numpy(),
            "story_size": per_document["size"].to_numpy(),
            "n_outlets": per_document["n_outlets"].to_numpy(),
            "story_title": per_document["title"].to_numpy(),
        }
    )
    # back to the input's row order
    result = result.iloc[np.argsort(order, kind="stable")].reset_index(drop=True)
    result["n_outlets"] = result["n_outlets"].astype("Int64") if has_outlet else result["n_outlets"]
    result.attrs.update(
        {
            "window_days": window_days,
            "threshold": threshold,
            "title_weight": title_weight,
            "neighbours": neighbours,
            "linkage": linkage,
            "stories": len(story),
            "edges": edge_count,
        }
    )
    log.info("%d documents in %d stories (%d similarity edges)", n, len(story), edge_count)
    return result


def _in_order(texts: DocumentTexts, order: np.ndarray) -> Iterator[str]:
    """The texts of the rows ``order``, in that order, read a block at a time."""
    for start in range(0, len(order), BLOCK):
        yield from texts.take(order[start : start + BLOCK])


def _story_titles(titles: np.ndarray, texts: DocumentTexts, rows: np.ndarray) -> list[str]:
    """:func:`_title` of each central document (its title, its row in ``texts``): only the texts of those
    without a title are read, a block at a time."""
    found = [_title(title, None) if _has_title(title) else None for title in titles]
    untitled = np.flatnonzero([title is None for title in found])
    for start in range(0, untitled.size, BLOCK):
        at = untitled[start : start + BLOCK]
        for k, text in zip(at.tolist(), texts.take(rows[at]), strict=True):
            found[k] = _title(titles[k], text)
    return found  # type: ignore[return-value]


def _has_title(title: Any) -> bool:
    return isinstance(title, str) and bool(title.strip())


def _title(title: Any, text: Any) -> str:
    if _has_title(title):
        return " ".join(title.split())
    words = " ".join(str(text if isinstance(text, str) else "").split())
    return words if len(words) <= _TITLE_CHARACTERS else words[: _TITLE_CHARACTERS - 1].rstrip() + "…"


def story_table(
    stories: pd.DataFrame, documents: Corpus | pd.DataFrame, *, min_outlets: int = 1
) -> pd.DataFrame:
    """One row per story: ``story_id``, ``documents``, ``n_outlets``, ``outlets`` (names, "; "-separated,
    sorted), ``first_date``, ``last_date`` (ISO days, empty when undated), ``story_title``, ``doc_ids``
    ("; "-separated, in date order). Only stories covered by at least ``min_outlets`` outlets."""
    docs = documents.documents if isinstance(documents, Corpus) else documents
    columns = [c for c in ("doc_id", "outlet", "date") if c in docs.columns]
    table = stories[["doc_id", "story_id", "story_title"]].merge(docs[columns], on="doc_id", how="left")
    if "date" in table.columns:
        table["date"] = pd.to_datetime(table["date"], errors="coerce")
    else:
        table["date"] = pd.NaT
    if "outlet" not in table.columns:
        table["outlet"] = None
    table = table.sort_values(["story_id", "date", "doc_id"], kind="mergesort", na_position="last")
    table = table[table["story_id"].notna().to_numpy()]  # as a groupby by story would drop them
    if table.empty:
        return pd.DataFrame([], columns=STORY_TABLE_COLUMNS)
    # one pass over the sorted rows: a story's rows are consecutive, by date (undated last), so its first
    # date is on its first row and its last on its last dated row
    story_ids = table["story_id"].to_numpy()
    starts = np.flatnonzero(np.r_[True, story_ids[1:] != story_ids[:-1]])
    ends = np.r_[starts[1:], len(table)]
    dated = table["date"].notna().to_numpy()
    last_dated = np.maximum.reduceat(np.where(dated, np.arange(len(table)), -1), starts)  # -1: none dated
    # Issue 8: a Python object per row of every column (dates, outlets, titles, ids) held about 95 MB at
    # 200,000 articles. Outlets are integer codes here; dates and titles are read on the stories' rows.
    outlet_codes, outlet_values = pd.factorize(table["outlet"], use_na_sentinel=True)  # -1: no outlet
    outlet_names = [str(value) for value in outlet_values]
    frames = []
    # the stories are made into rows a chunk at a time, with the ids, dates and titles of that chunk only
    for chunk in range(0, len(starts), _STORY_ROWS):
        here = slice(chunk, min(chunk + _STORY_ROWS, len(starts)))
        first_row, stop_row = int(starts[here][0]), int(ends[here][-1])
        doc_ids = table["doc_id"].iloc[first_row:stop_row].to_numpy()
        first_dates = _iso_days(table["date"].iloc[starts[here]], dated[starts[here]])
        last_dates = _iso_days(table["date"].iloc[np.maximum(last_dated[here], 0)], last_dated[here] >= 0)
        titles = table["story_title"].iloc[starts[here]].tolist()
        rows = []
        for index, (start, end) in enumerate(zip(starts[here].tolist(), ends[here].tolist(), strict=True)):
            codes = set(outlet_codes[start:end].tolist())
            outlets = sorted({outlet_names[code] for code in codes if code >= 0})
            if len(outlets) < min_outlets:
                continue
            rows.append(
                (
                    story_ids[start],
                    end - start,
                    len(outlets),
                    "; ".join(outlets),
                    first_dates[index],
                    last_dates[index],
                    titles[index],
                    "; ".join(str(doc_id) for doc_id in doc_ids[start - first_row : end - first_row]),
                )
            )
        if rows:
            frames.append(pd.DataFrame(rows, columns=STORY_TABLE_COLUMNS))
    return _joined_chunks(frames)


#: Stories made into rows at a time: the Python objects of all rows at once (a tuple and five strings
#: per story) took ~35 MB at 200,000 articles, beside the table made from them.
_STORY_ROWS = 10_000


def _joined_chunks(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The story table's chunks as one table, with the dtypes one table of all its rows would infer: a
    column with only missing values in one chunk (undated stories) is a string column when another chunk
    has strings in it."""
    if not frames:
        return pd.DataFrame([], columns=STORY_TABLE_COLUMNS)
    if len(frames) > 1:
        for column in STORY_TABLE_COLUMNS:
            if len({str(frame[column].dtype) for frame in frames}) > 1:
                for k, frame in enumerate(frames):
                    if frame[column].dtype == object:
                        frames[k] = frame.assign(**{column: pd.array(frame[column].tolist(), dtype="str")})
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def _iso_days(dates: pd.Series, known: np.ndarray) -> list[str | None]:
    """Each date as an ISO day (``2024-03-22``) where ``known``, else None."""
    days = zip(dates.tolist(), known.tolist(), strict=True)
    return [day.date().isoformat() if ok else None for day, ok in days]
