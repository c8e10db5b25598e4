"""Outlet-clustered resampling: bootstrap and permutation over whole outlets, not single documents.

When the compared groups are collections of outlets (``by="leaning"``, ``outlet_country``,
``outlet_type``), the documents of one outlet are not independent observations of their group: they
share an editor, a style sheet and a house lexicon. Resampling documents then treats 1,300 articles of
13 outlets as 1,300 independent draws and gives intervals and p-values that are far too small
(pseudo-replication). The functions here resample the *clusters* (outlets) instead:

* **cluster bootstrap**: a group's interval resamples its outlets with replacement (every document of a
  drawn outlet comes along) and recomputes the mean document rate;
* **cluster permutation**: a test relabels whole outlets between the two sides (keeping each side's
  number of outlets) and recomputes the difference of mean document rates. When the number of distinct
  relabellings ``C(n_a + n_b, n_a)`` is at most the requested number of permutations, all of them are
  enumerated (an exact test); otherwise they are drawn at random.

A test is **refused** (no p-value, a ``note`` saying why) when a side has fewer than
:data:`MIN_CLUSTERS` outlets, or when even the most extreme relabelling could not reach
``p <= ALPHA`` (with 3 outlets against 3 there are 20 relabellings, two of which (a labelling and its
mirror image) give the same absolute difference, so the smallest attainable p-value is 0.1). An interval is
refused (NaN, ``note``) when its group has fewer than :data:`MIN_CLUSTERS` outlets.

The unit of clustering is an outlet *within* a group: an outlet whose documents fall in two groups
(re-classified during the corpus period) counts once in each.
"""

from __future__ import annotations

import itertools
import logging
import math
from collections.abc import Hashable, Sequence

import numpy as np
import pandas as pd

from framing.compare._checks import input_error
from framing.compare._linalg import one_blas_thread
from framing.compare.resampling import CHUNK_CELLS

__all__ = ["ALPHA", "MIN_CLUSTERS", "cluster_note", "minimum_p"]

logger = logging.getLogger("framing.compare")

#: Fewest outlets a group needs for a cluster interval or test: with two, every resample or relabelling
#: is one of a handful, and one outlet's house style is indistinguishable from the group's.
MIN_CLUSTERS = 3

#: The significance level a cluster test must be able to reach; a test that cannot is refused.
ALPHA = 0.05


def cluster_codes(data: pd.DataFrame, by: str, cluster: str | None) -> np.ndarray | None:
    """Per-document cluster codes (an outlet within a group), or None when no clustering applies.

    Clustering applies when ``cluster`` is given, differs from ``by`` and at least one group holds
    documents of two or more clusters; when every group is a single outlet the groups are the
    clusters and the document-level tests are the right ones. ``data`` is a prepared feature table.
    """
    if cluster is None or cluster == by:
        return None
    if cluster not in data.columns:
        raise input_error(
            "feature table",
            f"no column {cluster!r} to cluster by",
            f"pass cluster=None for document-level tests, or add the {cluster!r} column",
        )
    values = data[cluster]
    missing = values.isna()
    if missing.any():
        raise input_error(
            "feature table",
            f"{int(missing.sum())} document(s) have no value in the cluster column {cluster!r}",
            "fill it (every document needs its outlet) or pass cluster=None",
        )
    pairs = pd.MultiIndex.from_arrays([data["_group_pos"].to_numpy(), values.astype(str).to_numpy()])
    codes, uniques = pd.factorize(pairs, sort=True)
    per_group = pd.Series(uniques.get_level_values(0)).value_counts()
    if int(per_group.max()) < 2:
        logger.info("every %s group is a single %s: document-level tests", by, cluster)
        return None
    spanning = pd.Series(uniques.get_level_values(1)).value_counts()
    if (spanning > 1).any():
        logger.warning(
            "%d %s value(s) have documents in several %s groups; each counts once per group",
            int((spanning > 1).sum()),
            cluster,
            by,
        )
    return np.asarray(codes, dtype=np.int64)


def cluster_sums(values: np.ndarray, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-cluster column sums of ``values`` (documents x k) and document counts, clusters in code order.

    Only the clusters present in ``codes`` are returned (renumbered in increasing code order).
    """
    present, local = np.unique(codes, return_inverse=True)
    sums = np.zeros((present.size, values.shape[1]))
    np.add.at(sums, local, values)
    sizes = np.bincount(local, minlength=present.size).astype(float)
    return sums, sizes


def cluster_bootstrap_means(
    sums: np.ndarray, sizes: np.ndarray, n_resamples: int, rng: np.random.Generator
) -> np.ndarray:
    """Mean document value of ``n_resamples`` cluster resamples -> (n_resamples x k).

    Resample ``r`` draws ``C`` clusters with replacement, ``rng.integers(0, C, size=(n_resamples, C))[r]``
    (drawn in blocks, same numbers as one draw), and its mean is the drawn clusters' summed values over
    their summed document counts (each document counts once, as in the group's ``mean_rate``).
    """
    c = sums.shape[0]
    out = np.empty((n_resamples, sums.shape[1]))
    block = max(1, CHUNK_CELLS // max(c, 1))
    for start in range(0, n_resamples, block):
        rows = min(block, n_resamples - start)
        idx = rng.integers(0, c, size=(rows, c))
        offsets = (np.arange(rows) * c)[:, None]
        drawn = np.bincount((idx + offsets).ravel(), minlength=rows * c).reshape(rows, c).astype(float)
        with one_blas_thread():  # the same bits on any number of cores (framing.compare._linalg)
            out[start : start + rows] = (drawn @ sums) / (drawn @ sizes)[:, None]
    return out


def minimum_p(n_a: int, n_b: int) -> float:
    """Smallest two-sided p-value an exact cluster permutation test of ``n_a`` vs ``n_b`` outlets can give.

    There are ``C(n_a + n_b, n_a)`` relabellings; with equal sides each relabelling and its mirror image
    give the same absolute difference, so at least two of them are as extreme as the observed one.

    >>> minimum_p(3, 3), round(minimum_p(3, 4), 4)
    (0.1, 0.0286)
    """
    total = math.comb(n_a + n_b, n_a)
    return (2 if n_a == n_b else 1) / total


def cluster_note(names: Sequence[Hashable], counts: Sequence[int], cluster: str) -> str:
    """Why a cluster test is refused ('' when it is not): too few outlets on a side, or no attainable p."""
    few = [f"{name} has {n}" for name, n in zip(names, counts, strict=True) if n < MIN_CLUSTERS]
    if few:
        return (
            f"refused: fewer than {MIN_CLUSTERS} {cluster} clusters ({'; '.join(few)}); "
            "outlet and group effects cannot be told apart"
        )
    if len(counts) == 2 and minimum_p(*counts) > ALPHA:
        return (
            f"refused: only {math.comb(sum(counts), counts[0])} relabellings of the {cluster} clusters; the "
            f"smallest attainable p-value ({minimum_p(*counts):.3g}) is above {ALPHA}"
        )
    return ""


def cluster_permutation_diffs(
    sums: np.ndarray, sizes: np.ndarray, n_a: int, n_permutations: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, int, bool]:
    """Cluster permutation test of the difference in mean document value between two sets of clusters.

    ``sums`` (clusters x k) and ``sizes`` (documents per cluster) hold the first side's ``n_a`` clusters
    then the other side's. The statistic is ``mean_a - mean_b`` with ``mean = summed values / documents``.
    Returns ``(observed (k,), extreme (k,), relabellings, exact)``: ``extreme`` counts relabellings with
    ``|diff| >= |observed|``. When ``C(C, n_a) <= n_permutations`` every relabelling is enumerated
    (``exact``, the observed one included, ``p = extreme / relabellings``); otherwise ``n_permutations``
    are drawn, relabelling ``r`` giving side a the clusters of ``argsort(rng.random((n, C)))[r, :n_a]``
    (drawn in blocks), and ``p = (1 + extreme) / (1 + n_permutations)``.
    """
    c = sums.shape[0]
    total_sum, total_size = sums.sum(axis=0), sizes.sum()
    observed = sums[:n_a].sum(axis=0) / sizes[:n_a].sum() - sums[n_a:].sum(axis=0) / sizes[n_a:].sum()
    scale = np.nanmax(np.abs(sums / sizes[:, None]), axis=0) if c else np.zeros(sums.shape[1])
    threshold = np.abs(observed) - 1e-9 * np.maximum(scale, 1.0)

    def count(indicator: np.ndarray) -> np.ndarray:
        with one_blas_thread():
            sum_a, size_a = indicator @ sums, indicator @ sizes
        diff = sum_a / size_a[:, None] - (total_sum - sum_a) / (total_size - size_a)[:, None]
        return np.count_nonzero(np.abs(diff) >= threshold, axis=0)

    n_labellings = math.comb(c, n_a)
    if n_labellings <= n_permutations:
        indicator = np.zeros((n_labellings, c))
        for row, chosen in enumerate(itertools.combinations(range(c), n_a)):
            indicator[row, list(chosen)] = 1.0
        return observed, count(indicator).astype(np.int64), n_labellings, True
    extreme = np.zeros(sums.shape[1], dtype=np.int64)
    block = max(1, CHUNK_CELLS // max(c, 1))
    for start in range(0, n_permutations, block):
        rows = min(block, n_permutations - start)
        chosen = np.argsort(rng.random((rows, c)), axis=1)[:, :n_a]
        indicator = np.zeros((rows, c))
        np.put_along_axis(indicator, chosen, 1.0, axis=1)
        extreme += count(indicator)
    return observed, extreme, n_permutations, False


def cluster_permutation_kruskal(
    ranks: np.ndarray,
    codes: np.ndarray,
    group_of_cluster: np.ndarray,
    n_groups: int,
    n_permutations: int,
    rng: np.random.Generator,
) -> tuple[float, float]:
    """Kruskal–Wallis H on document ranks, with a p-value from permuting whole clusters among groups.

    ``ranks`` are the documents' mid-ranks of one cue's rate (documents), ``codes`` their cluster, and
    ``group_of_cluster`` each cluster's group position. A relabelling shuffles the clusters' group labels
    (each group keeps its number of clusters) and recomputes ``H = 12 / (N (N + 1)) * sum(R_g^2 / n_g)
    - 3 (N + 1)`` from the groups' rank sums ``R_g`` and sizes ``n_g`` (the tie correction is the same
    for every relabelling, so it does not change the p-value). Returns ``(H, p)`` with
    ``p = (1 + #{H_perm >= H}) / (1 + n_permutations)``.
    """
    n = ranks.size
    c = int(codes.max()) + 1
    rank_sums = np.bincount(codes, weights=ranks, minlength=c)
    sizes = np.bincount(codes, minlength=c).astype(float)

    def statistic(labels: np.ndarray) -> np.ndarray:
        # labels: (m x C) group of every cluster -> (m,) H
        m = labels.shape[0]
        flat = (labels + (np.arange(m) * n_groups)[:, None]).ravel()
        r = np.bincount(flat, weights=np.tile(rank_sums, m), minlength=m * n_groups).reshape(m, n_groups)
        s = np.bincount(flat, weights=np.tile(sizes, m), minlength=m * n_groups).reshape(m, n_groups)
        return 12 / (n * (n + 1)) * (r**2 / s).sum(axis=1) - 3 * (n + 1)

    observed = float(statistic(group_of_cluster[None, :])[0])
    extreme = 0
    block = max(1, CHUNK_CELLS // max(c, 1))
    for start in range(0, n_permutations, block):
        rows = min(block, n_permutations - start)
        order = np.argsort(rng.random((rows, c)), axis=1)
        permuted = statistic(group_of_cluster[order])
        extreme += int(np.count_nonzero(permuted >= observed - 1e-9 * max(abs(observed), 1.0)))
    return observed, (1 + extreme) / (1 + n_permutations)
