"""Resampling building blocks: seeded streams, bootstrap, permutation tests, BH q-values, Cliff's delta.

These are the primitives of :mod:`framing.compare.rates` (and usable alone). Random streams are
``numpy.random.default_rng([seed, k...])`` with the ``k`` from :func:`stream_key`.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any

import numpy as np
from scipy import sparse

from framing._sparse import sparse_kernel
from framing.compare._checks import check_confidence, check_resamples
from framing.compare._linalg import one_blas_thread
from framing.errors import OptionError

__all__ = [
    "benjamini_hochberg",
    "bootstrap_ci",
    "bootstrap_means",
    "cliffs_delta",
    "permutation_diffs",
    "stream_key",
]

# Largest number of matrix cells drawn at once by the vectorised bootstrap / permutation code.
CHUNK_CELLS = 2_000_000
# Cells of the index matrix the bootstrap draws at once (counted into a CHUNK_CELLS matrix): its
# int64 indices and their counts (240 KB each) stay under the blocks the framing command maps on their
# own (framing._memory.LARGE_BLOCK_BYTES), so the heap serves every draw from the same pages. At
# 250,000 cells each draw was two fresh mappings of 2 MB paged in anew (the rates step of the
# 20,000-article report: 335,299 page faults in the main process then, 51,993 now).
DRAW_CELLS = 30_000
# Cells of the label matrix shuffled at once by permutation tests: small enough to stay in cache.
PERMUTATION_CELLS = 250_000


def stream_key(name: Hashable) -> int:
    """Stable 32-bit key of a group or cue name, used to derive its random stream.

    It is ``zlib.crc32(str(name).encode("utf-8"))`` (unlike ``hash()``, identical in every Python run).

    >>> stream_key("blame")
    4039031457
    """
    return zlib.crc32(str(name).encode("utf-8"))


def benjamini_hochberg(p_values: Iterable[float] | np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg q-values (false discovery rate adjusted p-values).

    ``q_(i) = min_{k >= i} p_(k) * m / k`` over the p-values sorted in increasing order, capped at 1,
    where ``m`` is the number of non-missing p-values. NaN p-values stay NaN and do not count in ``m``.
    The result has the input's shape and order.

    >>> benjamini_hochberg([0.01, 0.04, 0.03, 0.20]).round(4).tolist()
    [0.04, 0.0533, 0.0533, 0.2]
    """
    p = np.asarray(p_values, dtype=float)
    shape = p.shape
    p = p.ravel()
    q = np.full(p.shape, np.nan)
    mask = ~np.isnan(p)
    observed = p[mask]
    if np.any((observed < 0) | (observed > 1)):
        raise OptionError("benjamini_hochberg: p-values must lie between 0 and 1 (NaN values are skipped)")
    m = observed.size
    if m:
        order = np.argsort(observed, kind="mergesort")
        scaled = observed[order] * m / np.arange(1, m + 1)
        monotone = np.minimum.accumulate(scaled[::-1])[::-1]
        adjusted = np.empty(m)
        adjusted[order] = np.minimum(monotone, 1.0)
        q[mask] = adjusted
    return q.reshape(shape)


def cliffs_delta(a: Iterable[float] | np.ndarray, b: Iterable[float] | np.ndarray) -> float:
    """Cliff's delta: ``P(a > b) - P(a < b)`` over all pairs of one value of ``a`` and one of ``b``.

    A unitless effect size between -1 (every ``a`` below every ``b``) and 1 (every ``a`` above every
    ``b``); ties count for neither side. Computed exactly in ``O((n + m) log m)`` by sorting ``b`` and
    binary search. NaN values are ignored; NaN is returned when either sample is empty.

    >>> cliffs_delta([1, 2, 3], [1, 1, 1])  # 6 of 9 pairs greater, 3 ties
    0.6666666666666666
    """
    x = np.asarray(a, dtype=float).ravel()
    y = np.asarray(b, dtype=float).ravel()
    x = x[~np.isnan(x)]
    y = np.sort(y[~np.isnan(y)])
    if x.size == 0 or y.size == 0:
        return float("nan")
    below = np.searchsorted(y, x, side="left")  # number of b < a_i
    above = y.size - np.searchsorted(y, x, side="right")  # number of b > a_i
    return float((below.sum() - above.sum()) / (x.size * y.size))


def bootstrap_means(values: np.ndarray, n_resamples: int, rng: np.random.Generator) -> np.ndarray:
    """Means of ``n_resamples`` bootstrap resamples of the rows of ``values`` (n x k) -> (n_resamples x k).

    Resample ``r`` uses the row indices ``rng.integers(0, n, size=(n_resamples, n))[r]``; the index
    matrix is drawn in consecutive blocks of rows, which gives the same numbers as one single draw.
    """
    n = values.shape[0]
    out = np.empty((n_resamples, values.shape[1]))
    block = max(1, CHUNK_CELLS // n)
    draws = max(1, DRAW_CELLS // n)
    counts = None
    for start in range(0, n_resamples, block):
        rows = min(block, n_resamples - start)
        if counts is None or counts.shape[0] != rows:
            counts = np.empty((rows, n))
        # How often each document is drawn in each resample, then one matrix product for all columns.
        # The indices are drawn a few resamples at a time and counted straight into the product's
        # float operand: a block's draws, their counts and the float copy the product made of those
        # were three block-sized matrices, two of them (32 MB) alive at once; now one, and the
        # product is the same call on the same numbers.
        for first in range(0, rows, draws):
            some = min(draws, rows - first)
            idx = rng.integers(0, n, size=(some, n))
            idx += (np.arange(some) * n)[:, None]
            counts[first : first + some] = np.bincount(idx.ravel(), minlength=some * n).reshape(some, n)
        with one_blas_thread():  # the same bits on any number of cores (framing.compare._linalg)
            out[start : start + rows] = counts @ values / n
    return out


def bootstrap_ci(
    values: Iterable[float] | np.ndarray,
    *,
    statistic: Callable[..., Any] = np.mean,
    n_resamples: int = 2000,
    confidence: float = 0.95,
    seed: int | Sequence[int] = 0,
) -> tuple[float, float]:
    """Percentile bootstrap confidence interval of ``statistic(values)`` (same unit as ``values``).

    Construction (reproducible with plain numpy)::

        rng = np.random.default_rng(seed)
        idx = rng.integers(0, n, size=(n_resamples, n))       # one row of indices per resample
        stats = statistic(values[idx], axis=1)
        low, high = np.quantile(stats, [(1 - confidence) / 2, (1 + confidence) / 2])

    ``statistic`` must accept ``axis=`` (``np.mean``, ``np.median``, ...); other callables are applied
    row by row. NaN values are dropped first; an empty input gives ``(nan, nan)``. ``seed`` may be an
    int or a sequence of ints (as accepted by ``numpy.random.default_rng``).

    >>> [round(x, 3) for x in bootstrap_ci([1.0, 2.0, 3.0, 4.0], n_resamples=1000, seed=1)]
    [1.5, 3.506]
    """
    check_resamples(n_resamples, "n_resamples")
    check_confidence(confidence)
    x = np.asarray(values, dtype=float).ravel()
    x = x[~np.isnan(x)]
    if x.size == 0:
        return (float("nan"), float("nan"))
    rng = np.random.default_rng(seed)
    n = x.size
    if statistic is np.mean:
        stats = bootstrap_means(x[:, None], n_resamples, rng)[:, 0]
    else:
        parts = []
        block = max(1, CHUNK_CELLS // n)
        for start in range(0, n_resamples, block):
            sample = x[rng.integers(0, n, size=(min(block, n_resamples - start), n))]
            try:
                parts.append(np.asarray(statistic(sample, axis=1), dtype=float))
            except TypeError:
                parts.append(np.array([statistic(row) for row in sample], dtype=float))
        stats = np.concatenate(parts)
    alpha = 1 - confidence
    low, high = np.quantile(stats, [alpha / 2, 1 - alpha / 2])
    return (float(low), float(high))


def permutation_diffs(
    values: np.ndarray, n_a: int, n_permutations: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Observed and permuted differences in column means between the first ``n_a`` rows and the rest.

    Returns ``(observed (k,), extreme_counts (k,))`` where ``extreme_counts`` counts permutations with
    ``|diff| >= |observed|`` (up to floating-point tolerance). A permutation is a uniformly random
    relabelling of the rows that keeps both group sizes, drawn through the smaller group only:
    permutation ``r`` gives the smaller group's label (``a`` when ``n_a <= n_b``, else ``b``) to the rows
    ``rng.choice(n, size=min(n_a, n_b), replace=False, shuffle=False)``, the ``r``-th draw of ``rng``,
    and the other label to every other row. Every subset of that size is equally likely, so this is
    the same null distribution as shuffling all labels, at the cost of ``min(n_a, n_b)`` random draws
    instead of ``n`` (a group against the rest of 20,000 documents: about ten times fewer). The drawn
    rows of a block of permutations (``PERMUTATION_CELLS`` cells) are summed for every column with one
    sparse matrix product; the block size does not change the draws.
    """
    n = values.shape[0]
    n_b = n - n_a
    total = values.sum(axis=0)
    observed = values[:n_a].mean(axis=0) - values[n_a:].mean(axis=0)
    # the largest |value| per column, without an |values| copy of the documents
    scale = np.fmax(np.nanmax(values, axis=0), -np.nanmin(values, axis=0)) if n else np.zeros(values.shape[1])
    threshold = np.abs(observed) - 1e-9 * np.maximum(scale, 1.0)
    smaller = min(n_a, n_b)
    k = values.shape[1]
    sums = np.zeros((n_permutations, k), dtype=np.float64)
    block = max(1, min(n_permutations, PERMUTATION_CELLS // max(smaller, 1)))
    # One block's drawn rows and the product's other operands are made once and refilled: made again
    # for every block, each was a fresh mapping of a few MB, paged in anew (see _row_sums)
    drawn = np.empty(block * smaller, dtype=np.int64)
    ones = np.ones(block * smaller, dtype=np.float64)
    starts = np.arange(block + 1, dtype=np.int64) * smaller
    dense = np.ascontiguousarray(values, dtype=np.float64)
    flat_sums = sums.reshape(-1)  # a view: sums is C-ordered
    for start in range(0, n_permutations, block):
        rows = min(block, n_permutations - start)
        _successive_choices(rng, n, smaller, rows, drawn[: rows * smaller])
        # one row per permutation, 1 at the drawn rows: a sparse product sums them for every column
        cells = rows * smaller
        _row_sums(
            starts[: rows + 1], drawn[:cells], ones[:cells], dense, flat_sums[start * k : (start + rows) * k]
        )
    sum_a = sums if n_a <= n_b else total - sums
    diff = sum_a / n_a - (total - sum_a) / n_b
    extreme = np.count_nonzero(np.abs(diff) >= threshold, axis=0).astype(np.int64)
    return observed, extreme


#: Largest sample that :func:`_successive_choices` draws for many permutations at once (Floyd's
#: algorithm, vectorised); a larger one is drawn by ``Generator.choice``, one permutation at a time.
FLOYD_BATCH_MAX = 64


def _successive_choices(rng: np.random.Generator, n: int, size: int, count: int, out: np.ndarray) -> None:
    """Fill ``out`` (``count * size`` int64) with ``count`` successive draws
    ``rng.choice(n, size=size, replace=False, shuffle=False)``, one after the other, leaving ``rng`` in
    the state those calls leave it in: the same numbers, bit for bit.

    For a group of a few documents each ``choice`` call took about 5 µs (9.2 ms for 2,000 samples of 10
    of 60), mostly numpy's bookkeeping (cProfile: ``np.prod`` sizing the call, ``np.full`` making a
    hash set) around a few draws: with all 124 outlets of two or more articles compared (7,626 pairs,
    2,000 permutations each), the pairwise tests took about 100 s of CPU.

    For a sample of at most :data:`FLOYD_BATCH_MAX` rows, where ``choice`` runs Floyd's algorithm (a
    population of at most 10,000 or a sample of at most 1/20 of it), the draws of every call come from
    one ``rng.integers`` call: ``choice`` draws value ``k`` of a sample uniformly from
    ``0..n - size + k`` with the same bounded generator as ``integers`` (Lemire's method) and keeps it
    unless an earlier pick holds it, in which case it keeps ``n - size + k``. A sample whose draws are
    all different is kept as drawn; the others are resolved step by step.
    """
    if size <= FLOYD_BATCH_MAX and not (n > 10000 and size > n // 20):
        highs = np.arange(n - size, n, dtype=np.int64)
        picks = rng.integers(0, np.tile(highs, count), endpoint=True, dtype=np.int64).reshape(count, size)
        if size > 1:
            ordered = np.sort(picks, axis=1)
            clashing = np.flatnonzero((ordered[:, 1:] == ordered[:, :-1]).any(axis=1))
            if clashing.size:
                resolved = picks[clashing]
                for k in range(1, size):
                    held = (resolved[:, :k] == resolved[:, k : k + 1]).any(axis=1)
                    resolved[held, k] = highs[k]
                picks[clashing] = resolved
        out[:] = picks.reshape(-1)
        return
    for row in range(count):
        out[row * size : (row + 1) * size] = rng.choice(n, size=size, replace=False, shuffle=False)


def _row_sums(
    indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, dense: np.ndarray, out: np.ndarray
) -> None:
    """Add ``A @ dense`` to ``out``, ``A`` the CSR matrix ``(data, indices, indptr)`` with ``dense``'s rows
    as columns: scipy's own kernel of ``csr_matrix @ ndarray`` (the same sums in the same order, so the
    same bits), called on the caller's arrays. ``dense`` is C-ordered float64; ``out`` is a contiguous
    float64 view of the result's rows, flattened in C order.

    Building a ``csr_matrix`` for each block of permutations copied its indices (to 32 bits) and
    allocated its result; with the ``framing`` command's allocator setting (:mod:`framing._memory`)
    every array of 256 KiB or more is a mapping of its own, so each of those copies was paged in anew
    (the permutation step of the 20,000-article report: 459,336 page faults in the main process then,
    222,449 now, most of the rest outside these tests).
    """
    rows, k = len(indptr) - 1, dense.shape[1]
    kernel = sparse_kernel("csr_matvecs")
    if kernel is None:  # a scipy without its compiled module: the @ operator
        product = sparse.csr_matrix((data, indices, indptr), shape=(rows, dense.shape[0])) @ dense
        out += product.reshape(-1)
        return
    kernel(rows, dense.shape[0], k, indptr, indices, data, dense.reshape(-1), out)
