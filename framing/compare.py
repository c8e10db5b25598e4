"""Comparison statistics: how do outlets (or any other document groups) differ in their framing cues?

Every function takes the tables produced by the rest of the toolkit and returns a **tidy** pandas
``DataFrame`` (one row per group and cue, per pair of groups and cue, ...) in which every statistic sits
beside the counts and denominators it was computed from, so a reader can check any number by hand.

Conventions shared by all functions
-----------------------------------
* **Rates** are per 1,000 word tokens. A *pooled rate* is ``sum(matches) / sum(tokens) * 1000`` over the
  documents of a group; a *mean rate* is the unweighted mean of the documents' own ``<cue>_rate``
  columns (every document counts once, whatever its length).
* **Groups** are the distinct non-missing values of the column named by ``by`` (``"outlet"`` by default;
  any metadata column such as ``outlet_type`` or ``country`` works). They are listed in sorted order,
  unless ``order=`` gives them explicitly; documents of groups left out of ``order`` are excluded (and
  counted in ``df.attrs["excluded_documents"]``). Documents whose group is missing are excluded too
  (``df.attrs["ungrouped_documents"]``), as are documents with no tokens (``df.attrs["empty_documents"]``),
  which have no rate. Each exclusion is logged.
* **Cues** default to every name ``X`` for which both ``X_count`` and ``X_rate`` columns exist, in sorted
  order (so subcategories such as ``hedging_attribution`` are included), or to
  ``features.attrs["cue_families"]`` when the feature table carries that attribute.
* ``drop_duplicates=True`` drops syndicated copies: rows whose ``duplicate_of`` is not null (nor an empty
  string), when that column exists. The number dropped is in ``df.attrs["duplicates_dropped"]``.
* **Randomness** is seeded and reproducible: random streams are ``numpy.random.default_rng([seed, k...])``
  where the ``k`` are ``zlib.crc32`` keys of the group (and cue) names (see :func:`stream_key`), so a
  stream belongs to its group (or pair of groups) and adding or removing another group or cue never
  changes a result. The seed is written in a ``seed`` column and in ``df.attrs["seed"]``.
* Rows are sorted deterministically (group order, then cue order) and documents are put in ``doc_id``
  order before resampling, so results do not depend on the row order of the input.

>>> import pandas as pd
>>> features = pd.DataFrame({
...     "doc_id": ["a1", "a2", "b1"], "outlet": ["A", "A", "B"], "tokens": [100, 300, 200],
...     "blame_count": [1, 0, 4], "blame_rate": [10.0, 0.0, 20.0]})
>>> outlet_summary(features, n_resamples=1000)[["outlet", "cue", "matches", "tokens", "pooled_rate"]]
  outlet    cue  matches  tokens  pooled_rate
0      A  blame        1     400          2.5
1      B  blame        4     200         20.0
"""

from __future__ import annotations

import itertools
import logging
import math
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from framing.dedup import is_syndicated_copy

__all__ = [
    "Separability",
    "benjamini_hochberg",
    "blame_association",
    "blame_matrix",
    "blamer_blamed",
    "bootstrap_ci",
    "cliffs_delta",
    "collocations",
    "distinctive_terms",
    "group_vs_rest",
    "omnibus_tests",
    "outlet_summary",
    "pairwise_contrasts",
    "rates_over_time",
    "separability",
    "stream_key",
    "term_counts",
]

logger = logging.getLogger(__name__)

#: Resampling sizes below this trigger a logged warning (Monte Carlo error of percentiles and p-values).
MIN_RESAMPLES = 1000
#: Label used for "all other documents" in :func:`group_vs_rest`.
REST = "rest"
# Largest number of matrix cells drawn at once by the vectorised bootstrap / permutation code.
_CHUNK_CELLS = 2_000_000

Freq = Literal["D", "W", "M", "Q", "Y"]


# ----------------------------------------------------------------------------------------------------
# Small statistical building blocks
# ----------------------------------------------------------------------------------------------------


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
        raise ValueError("benjamini_hochberg: p-values must lie between 0 and 1")
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


def _bootstrap_means(values: np.ndarray, n_resamples: int, rng: np.random.Generator) -> np.ndarray:
    """Means of ``n_resamples`` bootstrap resamples of the rows of ``values`` (n x k) -> (n_resamples x k).

    Resample ``r`` uses the row indices ``rng.integers(0, n, size=(n_resamples, n))[r]``; the index
    matrix is drawn in consecutive blocks of rows, which gives the same numbers as one single draw.
    """
    n = values.shape[0]
    out = np.empty((n_resamples, values.shape[1]))
    block = max(1, _CHUNK_CELLS // n)
    offsets = None
    for start in range(0, n_resamples, block):
        rows = min(block, n_resamples - start)
        idx = rng.integers(0, n, size=(rows, n))
        if offsets is None or offsets.shape[0] != rows:
            offsets = (np.arange(rows) * n)[:, None]
        # How often each document is drawn in each resample, then one matrix product for all columns.
        counts = np.bincount((idx + offsets).ravel(), minlength=rows * n).reshape(rows, n)
        out[start : start + rows] = counts @ values / n
    return out


def _check_resamples(n: int, name: str) -> None:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"{name} must be a positive integer, got {n!r}")
    if n < MIN_RESAMPLES:
        logger.warning("%s=%d is below %d: Monte Carlo error may be noticeable", name, n, MIN_RESAMPLES)


def _check_seed(seed: Any) -> None:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")


def _check_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be strictly between 0 and 1, got {confidence!r}")


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
    _check_resamples(n_resamples, "n_resamples")
    _check_confidence(confidence)
    x = np.asarray(values, dtype=float).ravel()
    x = x[~np.isnan(x)]
    if x.size == 0:
        return (float("nan"), float("nan"))
    rng = np.random.default_rng(seed)
    n = x.size
    if statistic is np.mean:
        stats = _bootstrap_means(x[:, None], n_resamples, rng)[:, 0]
    else:
        parts = []
        block = max(1, _CHUNK_CELLS // n)
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


def _permutation_diffs(
    values: np.ndarray, n_a: int, n_permutations: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Observed and permuted differences in column means between the first ``n_a`` rows and the rest.

    Returns ``(observed (k,), extreme_counts (k,))`` where ``extreme_counts`` counts permutations with
    ``|diff| >= |observed|`` (up to floating-point tolerance). Permutation ``r`` assigns the label "a" to
    the rows where ``rng.permuted(np.tile(labels, (n_permutations, 1)), axis=1)[r] == 1``, with
    ``labels = [1] * n_a + [0] * n_b`` (drawn in consecutive blocks of rows, same numbers).
    """
    n = values.shape[0]
    n_b = n - n_a
    total = values.sum(axis=0)
    observed = values[:n_a].mean(axis=0) - values[n_a:].mean(axis=0)
    scale = np.nanmax(np.abs(values), axis=0) if n else np.zeros(values.shape[1])
    threshold = np.abs(observed) - 1e-9 * np.maximum(scale, 1.0)
    labels = np.concatenate([np.ones(n_a), np.zeros(n_b)])
    extreme = np.zeros(values.shape[1], dtype=np.int64)
    block = max(1, _CHUNK_CELLS // n)
    for start in range(0, n_permutations, block):
        rows = min(block, n_permutations - start)
        shuffled = rng.permuted(np.tile(labels, (rows, 1)), axis=1)
        sum_a = shuffled @ values
        diff = sum_a / n_a - (total - sum_a) / n_b
        extreme += np.count_nonzero(np.abs(diff) >= threshold, axis=0)
    return observed, extreme


# ----------------------------------------------------------------------------------------------------
# Input preparation
# ----------------------------------------------------------------------------------------------------


def _require_columns(df: pd.DataFrame, columns: Iterable[str], table: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        names = ", ".join(repr(c) for c in missing)
        present = ", ".join(map(str, df.columns))
        raise ValueError(f"{table} table is missing column(s) {names}; it has: {present}")


def _resolve_cues(features: pd.DataFrame, cues: Sequence[str] | None) -> list[str]:
    if isinstance(cues, str):
        cues = [cues]
    if cues is None:
        families = features.attrs.get("cue_families")
        if families:
            cues = list(families)
        else:
            cues = sorted(
                c[: -len("_count")]
                for c in features.columns
                if isinstance(c, str) and c.endswith("_count") and f"{c[: -len('_count')]}_rate" in features
            )
            if not cues:
                raise ValueError(
                    "feature table has no cue columns: expected pairs of '<cue>_count' and '<cue>_rate'"
                )
    cues = list(dict.fromkeys(cues))
    if not cues:
        raise ValueError("cues must name at least one cue")
    problems = []
    for cue in cues:
        absent = [col for col in (f"{cue}_count", f"{cue}_rate") if col not in features.columns]
        if absent:
            problems.append(f"cue {cue!r} needs column(s) {', '.join(map(repr, absent))}")
    if problems:
        raise ValueError("feature table: " + "; ".join(problems))
    return cues


def _sorted_groups(values: Iterable[Hashable]) -> list[Hashable]:
    values = list(values)
    try:
        return sorted(values)
    except TypeError:
        return sorted(values, key=str)


def _present_groups(series: pd.Series) -> list[Hashable]:
    unique = series.dropna().unique()
    return list(unique.tolist() if hasattr(unique, "tolist") else unique)


def _group_order(series: pd.Series, order: Sequence[Hashable] | None, by: str) -> list[Hashable]:
    present = _present_groups(series)
    if order is None:
        return _sorted_groups(present)
    if isinstance(order, str):
        raise ValueError("order must be a sequence of group names, not a single string")
    order = list(order)
    duplicated = [g for g, k in Counter(order).items() if k > 1]
    if duplicated:
        raise ValueError(f"order lists group(s) more than once: {duplicated}")
    absent = [g for g in order if g not in set(present)]
    if absent:
        raise ValueError(f"order names group(s) with no rows in column {by!r}: {absent}")
    return order


def _is_null_like(series: pd.Series) -> pd.Series:
    null = series.isna()
    if series.dtype == object or pd.api.types.is_string_dtype(series):
        null = null | series.astype("string").str.strip().eq("").fillna(True)
    return null


def _prepare_features(
    features: pd.DataFrame,
    *,
    cues: Sequence[str] | None,
    by: str,
    order: Sequence[Hashable] | None,
    drop_duplicates: bool,
) -> tuple[pd.DataFrame, list[str], list[Hashable], dict[str, Any]]:
    """Validate, drop duplicates / empty / ungrouped documents, sort; return (data, cues, groups, attrs)."""
    if not isinstance(features, pd.DataFrame):
        raise ValueError("features must be a pandas DataFrame")
    _require_columns(features, [by, "tokens"], "feature")
    cue_list = _resolve_cues(features, cues)
    data = features
    meta: dict[str, Any] = {"by": by, "cues": list(cue_list)}

    dropped = 0
    if drop_duplicates:
        if "duplicate_of" in data.columns:
            is_copy = is_syndicated_copy(data["duplicate_of"])
            dropped = int(is_copy.sum())
            data = data[~is_copy]
            if dropped:
                logger.info("dropped %d syndicated duplicate document(s)", dropped)
        else:
            logger.info("drop_duplicates=True but the feature table has no 'duplicate_of' column")
    meta["duplicates_dropped"] = dropped

    ungrouped = data[by].isna()
    meta["ungrouped_documents"] = int(ungrouped.sum())
    if meta["ungrouped_documents"]:
        logger.warning("%d document(s) have no value in %r and are left out", meta["ungrouped_documents"], by)
        data = data[~ungrouped]

    tokens = pd.to_numeric(data["tokens"], errors="coerce")
    empty = ~(tokens > 0)
    meta["empty_documents"] = int(empty.sum())
    if meta["empty_documents"]:
        logger.warning("%d document(s) have no tokens (no rate) and are left out", meta["empty_documents"])
        data = data[~empty]
    if data.empty:
        raise ValueError("feature table has no documents with tokens > 0 and a group to compare")

    groups = _group_order(data[by], order, by)
    keep = data[by].isin(groups)
    meta["excluded_documents"] = int((~keep).sum())
    if meta["excluded_documents"]:
        logger.info("%d document(s) of groups not in `order` are left out", meta["excluded_documents"])
        data = data[keep]
    meta["groups"] = list(groups)

    columns = [by, "tokens"] + [f"{c}_{kind}" for c in cue_list for kind in ("count", "rate")]
    for extra in ("doc_id", "date"):
        if extra in data.columns and extra not in columns:
            columns.append(extra)
    data = data[columns].copy()
    for col in ["tokens"] + [f"{c}_{kind}" for c in cue_list for kind in ("count", "rate")]:
        converted = pd.to_numeric(data[col], errors="coerce")
        if converted.isna().any():
            bad = converted.isna().sum()
            raise ValueError(
                f"column {col!r} has {bad} missing or non-numeric value(s) among documents with tokens"
            )
        data[col] = converted
    data["_group_pos"] = data[by].map({g: i for i, g in enumerate(groups)})
    sort_cols = ["_group_pos"]
    if "doc_id" in data.columns:
        data["_doc_key"] = data["doc_id"].astype(str)
        sort_cols.append("_doc_key")
    data = data.sort_values(sort_cols, kind="mergesort").reset_index(drop=True)
    return data, cue_list, groups, meta


def _finish(df: pd.DataFrame, meta: dict[str, Any], **extra: Any) -> pd.DataFrame:
    df = df.reset_index(drop=True)
    df.attrs.update(meta)
    df.attrs.update(extra)
    return df


def _check_by(by: str, reserved: Iterable[str]) -> None:
    if by in set(reserved):
        raise ValueError(f"by={by!r} clashes with an output column name; rename that column first")


# ----------------------------------------------------------------------------------------------------
# Per-group summaries and tests on document feature tables
# ----------------------------------------------------------------------------------------------------

_SUMMARY_COLUMNS = [
    "cue",
    "documents",
    "tokens",
    "matches",
    "pooled_rate",
    "mean_rate",
    "ci_low",
    "ci_high",
    "documents_with_cue",
    "share_with_cue",
    "confidence",
    "n_resamples",
    "seed",
]


def outlet_summary(
    features: pd.DataFrame,
    *,
    cues: Sequence[str] | None = None,
    by: str = "outlet",
    order: Sequence[Hashable] | None = None,
    n_resamples: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
    drop_duplicates: bool = False,
) -> pd.DataFrame:
    """Cue rates per group, with a bootstrap interval: one row per (group, cue).

    Columns: ``<by>`` (the group), ``cue``, ``documents``, ``tokens`` (sum of word tokens), ``matches``
    (sum of ``<cue>_count``), ``pooled_rate`` (``matches / tokens * 1000``, per 1,000 tokens),
    ``mean_rate`` (mean of the documents' ``<cue>_rate``, per 1,000 tokens), ``ci_low``/``ci_high``
    (percentile bootstrap interval of ``mean_rate``, resampling the group's documents),
    ``documents_with_cue`` (documents with ``<cue>_count > 0``), ``share_with_cue``
    (``documents_with_cue / documents``), ``confidence``, ``n_resamples`` and ``seed``.

    The bootstrap of a group uses ``numpy.random.default_rng([seed, stream_key(group)])`` and the same
    resampled documents for every cue, so the interval of (group, cue) equals
    ``bootstrap_ci(rates, n_resamples=..., confidence=..., seed=[seed, stream_key(group)])`` with the
    group's rates in ``doc_id`` order; adding another cue or group never changes it. ``n_resamples``
    below 1,000 is allowed but logged as a warning.

    >>> outlet_summary(features, cues=["blame"], seed=1)  # doctest: +SKIP
    """
    _check_resamples(n_resamples, "n_resamples")
    _check_confidence(confidence)
    _check_seed(seed)
    _check_by(by, _SUMMARY_COLUMNS)
    data, cue_list, groups, meta = _prepare_features(
        features, cues=cues, by=by, order=order, drop_duplicates=drop_duplicates
    )
    alpha = 1 - confidence
    count_cols = [f"{c}_count" for c in cue_list]
    rate_cols = [f"{c}_rate" for c in cue_list]
    rows = []
    for position, group in enumerate(groups):
        sub = data[data["_group_pos"] == position]
        counts = sub[count_cols].to_numpy(dtype=float)
        rates = sub[rate_cols].to_numpy(dtype=float)
        tokens = sub["tokens"].sum()
        rng = np.random.default_rng([seed, stream_key(group)])
        means = _bootstrap_means(rates, n_resamples, rng)
        lows, highs = np.quantile(means, [alpha / 2, 1 - alpha / 2], axis=0)
        for k, cue in enumerate(cue_list):
            matches = counts[:, k].sum()
            with_cue = int((counts[:, k] > 0).sum())
            rows.append(
                {
                    by: group,
                    "cue": cue,
                    "documents": len(sub),
                    "tokens": tokens,
                    "matches": matches,
                    "pooled_rate": matches / tokens * 1000,
                    "mean_rate": rates[:, k].mean(),
                    "ci_low": lows[k],
                    "ci_high": highs[k],
                    "documents_with_cue": with_cue,
                    "share_with_cue": with_cue / len(sub),
                    "confidence": confidence,
                    "n_resamples": n_resamples,
                    "seed": seed,
                }
            )
    out = pd.DataFrame(rows, columns=[by, *_SUMMARY_COLUMNS])
    out = _integral(out, ["tokens", "matches"])
    return _finish(out, meta, seed=seed, n_resamples=n_resamples, confidence=confidence)


def _integral(df: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """Store count columns as integers when every value is a whole number."""
    for col in columns:
        values = df[col].to_numpy(dtype=float)
        if len(values) and np.all(np.isfinite(values)) and np.all(values == np.round(values)):
            df[col] = values.astype(np.int64)
    return df


def omnibus_tests(
    features: pd.DataFrame,
    *,
    cues: Sequence[str] | None = None,
    by: str = "outlet",
    order: Sequence[Hashable] | None = None,
    drop_duplicates: bool = False,
) -> pd.DataFrame:
    """Do the groups differ at all? Kruskal–Wallis test per cue on document rates (per 1,000 tokens).

    One row per cue: ``cue``, ``h_statistic`` (Kruskal–Wallis H, tie-corrected, ``scipy.stats.kruskal``),
    ``df`` (groups − 1), ``p_value``, ``q_value`` (Benjamini–Hochberg across the cues of the table),
    ``epsilon_squared`` (effect size ``H / ((n² − 1) / (n + 1)) = H / (n − 1)``, between 0 and 1),
    ``groups`` and ``documents`` (``n``). When all rates of a cue are identical (e.g. the cue never
    occurs) the test is undefined: H = 0 and p = 1 are reported.

    >>> omnibus_tests(features, cues=["blame", "hedging"])  # doctest: +SKIP
    """
    from scipy import stats

    data, cue_list, groups, meta = _prepare_features(
        features, cues=cues, by=by, order=order, drop_duplicates=drop_duplicates
    )
    if len(groups) < 2:
        raise ValueError(f"omnibus_tests needs at least 2 groups in {by!r}, found {len(groups)}")
    n = len(data)
    rows = []
    for cue in cue_list:
        rates = data[f"{cue}_rate"].to_numpy(dtype=float)
        samples = [rates[(data["_group_pos"] == i).to_numpy()] for i in range(len(groups))]
        if np.ptp(rates) == 0:
            h, p = 0.0, 1.0
        else:
            h, p = stats.kruskal(*samples)
        rows.append(
            {
                "cue": cue,
                "h_statistic": float(h),
                "df": len(groups) - 1,
                "p_value": float(p),
                "epsilon_squared": float(h) / (n - 1) if n > 1 else float("nan"),
                "groups": len(groups),
                "documents": n,
            }
        )
    out = pd.DataFrame(rows)
    out.insert(4, "q_value", benjamini_hochberg(out["p_value"].to_numpy()))
    return _finish(out, meta)


_CONTRAST_COLUMNS = [
    "cue",
    "group_a",
    "group_b",
    "documents_a",
    "documents_b",
    "tokens_a",
    "tokens_b",
    "matches_a",
    "matches_b",
    "rate_a",
    "rate_b",
    "rate_ratio",
    "mean_rate_a",
    "mean_rate_b",
    "mean_difference",
    "cliffs_delta",
    "collocations",
    "p_value",
    "q_value",
    "n_permutations",
    "seed",
]


def _contrast_rows(
    data_a: pd.DataFrame,
    data_b: pd.DataFrame,
    label_a: Hashable,
    label_b: Hashable,
    cue_list: list[str],
    n_permutations: int,
    seed: int,
) -> list[dict[str, Any]]:
    rate_cols = [f"{c}_rate" for c in cue_list]
    rates_a = data_a[rate_cols].to_numpy(dtype=float)
    rates_b = data_b[rate_cols].to_numpy(dtype=float)
    rng = np.random.default_rng([seed, stream_key(label_a), stream_key(label_b)])
    observed, extreme = _permutation_diffs(np.vstack([rates_a, rates_b]), len(data_a), n_permutations, rng)
    tokens_a, tokens_b = data_a["tokens"].sum(), data_b["tokens"].sum()
    rows = []
    for k, cue in enumerate(cue_list):
        matches_a, matches_b = data_a[f"{cue}_count"].sum(), data_b[f"{cue}_count"].sum()
        rate_a, rate_b = matches_a / tokens_a * 1000, matches_b / tokens_b * 1000
        # rate ratio: inf when only group b never uses the cue, NaN when neither does
        ratio = rate_a / rate_b if rate_b > 0 else (math.inf if rate_a > 0 else math.nan)
        rows.append(
            {
                "cue": cue,
                "group_a": label_a,
                "group_b": label_b,
                "documents_a": len(data_a),
                "documents_b": len(data_b),
                "tokens_a": tokens_a,
                "tokens_b": tokens_b,
                "matches_a": matches_a,
                "matches_b": matches_b,
                "rate_a": rate_a,
                "rate_b": rate_b,
                "rate_ratio": ratio,
                "mean_rate_a": rates_a[:, k].mean(),
                "mean_rate_b": rates_b[:, k].mean(),
                "mean_difference": observed[k],
                "cliffs_delta": cliffs_delta(rates_a[:, k], rates_b[:, k]),
                "p_value": (1 + extreme[k]) / (1 + n_permutations),
                "n_permutations": n_permutations,
                "seed": seed,
            }
        )
    return rows


def _contrast_table(
    rows: list[dict[str, Any]], cue_list: list[str], meta: dict[str, Any], seed: int, n_permutations: int
) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=[c for c in _CONTRAST_COLUMNS if c != "q_value"])
    if not out.empty:
        # rows were built pair by pair; present them cue by cue, pairs in group order
        cue_pos = {c: i for i, c in enumerate(cue_list)}
        out["_pair"] = np.arange(len(out)) // len(cue_list)
        out["_cue"] = out["cue"].map(cue_pos)
        out = out.sort_values(["_cue", "_pair"], kind="mergesort").drop(columns=["_cue", "_pair"])
    out.insert(out.columns.get_loc("p_value") + 1, "q_value", benjamini_hochberg(out["p_value"].to_numpy()))
    out = _integral(out, ["tokens_a", "tokens_b", "matches_a", "matches_b"])
    return _finish(out, meta, seed=seed, n_permutations=n_permutations)


def pairwise_contrasts(
    features: pd.DataFrame,
    *,
    cues: Sequence[str] | None = None,
    by: str = "outlet",
    order: Sequence[Hashable] | None = None,
    n_permutations: int = 2000,
    seed: int = 0,
    drop_duplicates: bool = False,
) -> pd.DataFrame:
    """Every pair of groups compared on every cue: one row per (cue, group_a, group_b), a before b.

    Columns: ``cue``, ``group_a``, ``group_b``, ``documents_a/_b``, ``tokens_a/_b``, ``matches_a/_b``,
    ``rate_a/_b`` (pooled, per 1,000 tokens), ``rate_ratio`` (``rate_a / rate_b``; ``inf`` when only
    ``rate_b`` is 0, NaN when both are 0), ``mean_rate_a/_b`` (mean document rate per 1,000 tokens),
    ``mean_difference`` (``mean_rate_a − mean_rate_b``, the tested statistic), ``cliffs_delta`` (document
    rates of a vs b, see :func:`cliffs_delta`), ``p_value`` (two-sided permutation test of
    ``mean_difference``: group labels are shuffled between the two groups' documents,
    ``p = (1 + #{|permuted difference| >= |observed|}) / (1 + n_permutations)``), ``q_value``
    (Benjamini–Hochberg over all rows of the table), ``n_permutations`` and ``seed``.

    The permutations of a pair use ``numpy.random.default_rng([seed, stream_key(a), stream_key(b)])``
    and are shared by all cues (documents of a then b, each in ``doc_id`` order).

    >>> pairwise_contrasts(features, cues=["blame"], n_permutations=5000)  # doctest: +SKIP
    """
    _check_resamples(n_permutations, "n_permutations")
    _check_seed(seed)
    data, cue_list, groups, meta = _prepare_features(
        features, cues=cues, by=by, order=order, drop_duplicates=drop_duplicates
    )
    if len(groups) < 2:
        raise ValueError(f"pairwise_contrasts needs at least 2 groups in {by!r}, found {len(groups)}")
    parts = {i: data[data["_group_pos"] == i] for i in range(len(groups))}
    rows: list[dict[str, Any]] = []
    for i in range(len(groups)):
        for j in range(i + 1, len(groups)):
            rows.extend(
                _contrast_rows(parts[i], parts[j], groups[i], groups[j], cue_list, n_permutations, seed)
            )
    return _contrast_table(rows, cue_list, meta, seed, n_permutations)


def group_vs_rest(
    features: pd.DataFrame,
    *,
    cues: Sequence[str] | None = None,
    by: str = "outlet",
    order: Sequence[Hashable] | None = None,
    n_permutations: int = 2000,
    seed: int = 0,
    drop_duplicates: bool = False,
) -> pd.DataFrame:
    """Each group against all other documents pooled: one row per (cue, group).

    Same columns and tests as :func:`pairwise_contrasts`, with ``group_b = "rest"`` (every document of
    the other groups). The permutation stream is ``default_rng([seed, stream_key(group),
    stream_key("rest")])``.

    >>> group_vs_rest(features, cues=["emotive"])  # doctest: +SKIP
    """
    _check_resamples(n_permutations, "n_permutations")
    _check_seed(seed)
    data, cue_list, groups, meta = _prepare_features(
        features, cues=cues, by=by, order=order, drop_duplicates=drop_duplicates
    )
    if len(groups) < 2:
        raise ValueError(f"group_vs_rest needs at least 2 groups in {by!r}, found {len(groups)}")
    if REST in groups:
        logger.warning("a group is itself named %r; group_b=%r still means 'all other documents'", REST, REST)
    rows: list[dict[str, Any]] = []
    for i, group in enumerate(groups):
        mine = data["_group_pos"] == i
        rows.extend(_contrast_rows(data[mine], data[~mine], group, REST, cue_list, n_permutations, seed))
    return _contrast_table(rows, cue_list, meta, seed, n_permutations)


# ----------------------------------------------------------------------------------------------------
# Time series
# ----------------------------------------------------------------------------------------------------


def _parse_dates(series: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(series):
        return series.dt.tz_localize(None) if getattr(series.dt, "tz", None) is not None else series
    null = _is_null_like(series)
    text = series.astype("string").str.strip().str.slice(0, 10)
    parsed = pd.to_datetime(text.where(~null), format="%Y-%m-%d", errors="coerce")
    bad = parsed.isna() & ~null
    if bad.any():
        examples = series[bad].astype(str).unique()[:3].tolist()
        raise ValueError(
            f"column 'date' has {int(bad.sum())} value(s) that are not ISO dates (YYYY-MM-DD): {examples}"
        )
    return parsed


def rates_over_time(
    features: pd.DataFrame,
    *,
    cues: Sequence[str] | None = None,
    by: str = "outlet",
    order: Sequence[Hashable] | None = None,
    freq: Freq = "D",
    drop_duplicates: bool = False,
) -> pd.DataFrame:
    """Pooled cue rates per group and calendar period: one row per (group, period, cue).

    ``freq`` is ``"D"`` (day), ``"W"`` (ISO week, Monday to Sunday), ``"M"`` (month), ``"Q"`` (quarter)
    or ``"Y"`` (year). Columns: ``<by>``, ``period`` (ISO date ``YYYY-MM-DD`` of the period's first day),
    ``cue``, ``documents``, ``tokens``, ``matches`` and ``pooled_rate`` (``matches / tokens * 1000``, per
    1,000 tokens). Only periods with at least one document appear. Documents without a date are not
    dropped silently: their number is in ``df.attrs["undated_documents"]`` (per group in
    ``df.attrs["undated_by_group"]``) and a warning is logged. Dates are read from the ``date`` column
    (first ten characters, ``YYYY-MM-DD``); any other non-empty value raises ``ValueError``.

    >>> rates_over_time(features, cues=["blame"], freq="W")  # doctest: +SKIP
    """
    if freq not in ("D", "W", "M", "Q", "Y"):
        raise ValueError(f"freq must be one of 'D', 'W', 'M', 'Q', 'Y', got {freq!r}")
    _check_by(by, ["period", "cue", "documents", "tokens", "matches", "pooled_rate"])
    _require_columns(features, ["date"], "feature")
    data, cue_list, groups, meta = _prepare_features(
        features, cues=cues, by=by, order=order, drop_duplicates=drop_duplicates
    )
    dates = _parse_dates(data["date"])
    undated = dates.isna()
    undated_by_group = {g: int(undated[data["_group_pos"] == i].sum()) for i, g in enumerate(groups)}
    if undated.any():
        logger.warning("%d document(s) have no date and are not in any period", int(undated.sum()))
    data = data[~undated].copy()
    data["period"] = dates[~undated].dt.to_period(freq).dt.start_time.dt.strftime("%Y-%m-%d")
    count_cols = [f"{c}_count" for c in cue_list]
    grouped = data.groupby(["_group_pos", "period"], sort=True)
    totals = grouped.agg(documents=("tokens", "size"), tokens=("tokens", "sum"))
    matches = grouped[count_cols].sum()
    n_periods, n_cues = len(totals), len(cue_list)
    positions = totals.index.get_level_values("_group_pos").to_numpy()
    tokens = np.repeat(totals["tokens"].to_numpy(dtype=float), n_cues)
    matched = matches.to_numpy(dtype=float).ravel()  # row-major: period by period, cues in order
    out = pd.DataFrame(
        {
            by: np.repeat(np.array([groups[int(i)] for i in positions], dtype=object), n_cues),
            "period": np.repeat(totals.index.get_level_values("period").to_numpy(dtype=object), n_cues),
            "cue": np.tile(np.array(cue_list, dtype=object), n_periods),
            "documents": np.repeat(totals["documents"].to_numpy(dtype=np.int64), n_cues),
            "tokens": tokens,
            "matches": matched,
            "pooled_rate": matched / tokens * 1000 if n_periods else np.array([], dtype=float),
        }
    )
    out = _integral(out, ["tokens", "matches"])
    return _finish(
        out, meta, freq=freq, undated_documents=int(undated.sum()), undated_by_group=undated_by_group
    )


# ----------------------------------------------------------------------------------------------------
# Distinctive wording
# ----------------------------------------------------------------------------------------------------


def term_counts(
    texts: Iterable[str],
    groups: Iterable[Hashable],
    *,
    vocabulary: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Tidy term counts per group (``group``, ``term``, ``count``) from raw texts.

    Texts are split with :func:`framing.text.word_tokens` (lower-cased word tokens). Without
    ``vocabulary`` every word token is a term. With ``vocabulary`` only those terms are counted; a
    multi-word term (``"held responsible"``) is counted as the n-gram of its word tokens, every start
    position counts (so ``"blame"`` and ``"to blame"`` may both count the same token), and terms are
    reported in their normalised form (word tokens joined by one space). Only non-zero counts appear;
    rows are sorted by group and term. Missing texts count as empty; documents whose group is missing
    are skipped with a logged warning.

    >>> term_counts(["They blamed Kyiv", "Kyiv denied it"], ["A", "B"], vocabulary=["Kyiv"])
      group  term  count
    0     A  kyiv      1
    1     B  kyiv      1
    """
    from framing.text import word_tokens

    texts = list(texts)
    groups = list(groups)
    if len(texts) != len(groups):
        raise ValueError(f"texts and groups differ in length ({len(texts)} vs {len(groups)})")
    grams: dict[int, dict[tuple[str, ...], str]] = defaultdict(dict)
    if vocabulary is not None:
        if isinstance(vocabulary, str):
            raise ValueError("vocabulary must be a collection of terms, not a single string")
        for term in vocabulary:
            tokens = tuple(word_tokens(str(term)))
            if not tokens:
                raise ValueError(f"vocabulary term {term!r} contains no word tokens")
            grams[len(tokens)][tokens] = " ".join(tokens)
    counts: dict[Hashable, Counter[str]] = defaultdict(Counter)
    skipped = 0
    for text, group in zip(texts, groups, strict=True):
        if group is None or (not isinstance(group, str) and pd.isna(group)):
            skipped += 1
            continue
        if text is None or (not isinstance(text, str) and pd.isna(text)):
            text = ""
        tokens = word_tokens(str(text))
        if vocabulary is None:
            counts[group].update(tokens)
            continue
        for n, wanted in grams.items():
            found = Counter(zip(*(tokens[i:] for i in range(n)), strict=False))
            for gram, term in wanted.items():
                if found[gram]:
                    counts[group][term] += found[gram]
    if skipped:
        logger.warning("%d text(s) without a group were skipped", skipped)
    rows = [
        (group, term, count)
        for group in _sorted_groups(counts)
        for term, count in sorted(counts[group].items())
        if count > 0
    ]
    out = pd.DataFrame(rows, columns=["group", "term", "count"])
    out["count"] = out["count"].astype(np.int64)
    return out


def distinctive_terms(
    term_counts: pd.DataFrame,
    *,
    prior_scale: float | None = None,
    min_count: int = 1,
    top_n: int | None = None,
) -> pd.DataFrame:
    """Words that distinguish each group from the rest: log-odds ratios with an informative Dirichlet prior.

    Monroe, Colaresi & Quinn (2008), "Fightin' Words", eq. 16–22. For group ``i`` against the rest of
    the corpus ``j`` and term ``w``, with counts ``y``, totals ``n`` (sum of all term counts of the
    group / of the rest) and prior counts ``a_w`` summing to ``a0``::

        delta = log((y_iw + a_w) / (n_i + a0 - y_iw - a_w)) - log((y_jw + a_w) / (n_j + a0 - y_jw - a_w))
        variance = 1 / (y_iw + a_w) + 1 / (y_jw + a_w)
        z = delta / sqrt(variance)

    The prior is the background frequency of each term in the whole corpus, scaled to a total of
    ``a0``: ``a_w = a0 * corpus_count_w / corpus_total``. By default ``a0`` is the **mean group total**
    (the prior weighs as much as one typical group's evidence, which shrinks rare-term estimates
    without swamping them); ``prior_scale`` sets ``a0`` explicitly (``prior_scale = corpus total`` makes
    the prior the raw corpus counts).

    Input: a tidy table ``group, term, count`` (e.g. from :func:`term_counts`; duplicate rows are summed,
    absent pairs count 0). Output: one row per (group, term) for every term of the corpus with
    ``group``, ``term``, ``count_group``, ``count_rest``, ``total_group``, ``total_rest``,
    ``prior_count`` (``a_w``), ``prior_total`` (``a0``), ``log_odds_ratio`` (delta), ``variance`` and
    ``z_score``, sorted by group then ``z_score`` descending (then term). ``min_count`` hides terms whose
    corpus count is lower (they still count in the totals); ``top_n`` keeps the ``top_n`` highest z-scores
    per group. ``a0`` is also in ``df.attrs["prior_total"]``.

    >>> tc = pd.DataFrame({"group": ["A", "A", "B", "B"], "term": ["x", "y", "x", "y"],
    ...                    "count": [8, 2, 2, 8]})
    >>> distinctive_terms(tc)[["group", "term", "z_score"]].round(3)  # doctest: +SKIP
    """
    _require_columns(term_counts, ["group", "term", "count"], "term count")
    if prior_scale is not None and not prior_scale > 0:
        raise ValueError(f"prior_scale must be positive, got {prior_scale!r}")
    if top_n is not None and top_n < 1:
        raise ValueError(f"top_n must be a positive integer or None, got {top_n!r}")
    table = term_counts[["group", "term", "count"]].copy()
    if table["group"].isna().any() or table["term"].isna().any():
        raise ValueError("term count table has missing values in 'group' or 'term'")
    table["count"] = pd.to_numeric(table["count"], errors="coerce")
    if table["count"].isna().any() or (table["count"] < 0).any():
        raise ValueError("term count table: 'count' must be non-negative numbers")
    wide = table.pivot_table(index="group", columns="term", values="count", aggfunc="sum", fill_value=0)
    groups = _sorted_groups(wide.index.tolist())
    terms = sorted(wide.columns.tolist(), key=str)
    wide = wide.reindex(index=groups, columns=terms, fill_value=0)
    if len(groups) < 2:
        raise ValueError(f"distinctive_terms needs at least 2 groups, found {len(groups)}")
    y = wide.to_numpy(dtype=float)
    corpus = y.sum(axis=0)
    used = corpus > 0
    if used.sum() < 2:
        raise ValueError("distinctive_terms needs at least 2 terms with a positive count")
    y, corpus = y[:, used], corpus[used]
    terms = [t for t, u in zip(terms, used, strict=True) if u]
    total = corpus.sum()
    n_i = y.sum(axis=1)
    a0 = float(prior_scale) if prior_scale is not None else float(n_i.mean())
    a = a0 * corpus / total
    y_j = corpus - y
    n_j = total - n_i
    delta = np.log((y + a) / (n_i[:, None] + a0 - y - a)) - np.log((y_j + a) / (n_j[:, None] + a0 - y_j - a))
    variance = 1 / (y + a) + 1 / (y_j + a)
    z = delta / np.sqrt(variance)
    g_count, t_count = y.shape
    out = pd.DataFrame(
        {
            "group": np.repeat(np.array(groups, dtype=object), t_count),
            "term": np.tile(np.array(terms, dtype=object), g_count),
            "count_group": y.ravel(),
            "count_rest": y_j.ravel(),
            "total_group": np.repeat(n_i, t_count),
            "total_rest": np.repeat(n_j, t_count),
            "prior_count": np.tile(a, g_count),
            "prior_total": a0,
            "log_odds_ratio": delta.ravel(),
            "variance": variance.ravel(),
            "z_score": z.ravel(),
        }
    )
    out = out[out["count_group"] + out["count_rest"] >= min_count]
    out["_g"] = out["group"].map({g: i for i, g in enumerate(groups)})
    out["_t"] = out["term"].astype(str)
    out = out.sort_values(["_g", "z_score", "_t"], ascending=[True, False, True], kind="mergesort")
    if top_n is not None:
        out = out.groupby("_g", sort=False).head(top_n)
    out = out.drop(columns=["_g", "_t"])
    out = _integral(out, ["count_group", "count_rest", "total_group", "total_rest"])
    return _finish(out, {}, prior_total=a0, min_count=min_count)


# ----------------------------------------------------------------------------------------------------
# Blame attributions
# ----------------------------------------------------------------------------------------------------


def _as_bool(series: pd.Series, name: str) -> pd.Series:
    if pd.api.types.is_bool_dtype(series):
        return series.fillna(False).astype(bool)
    mapping = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False, "": False}
    text = series.astype("string").str.strip().str.lower().fillna("")
    text = text.str.replace(r"\.0$", "", regex=True)
    unknown = ~text.isin(list(mapping))
    if unknown.any():
        raise ValueError(f"column {name!r} must be boolean; found {series[unknown].unique()[:3].tolist()}")
    return text.map(mapping).astype(bool)


def _prepare_attributions(
    attributions: pd.DataFrame, by: str, order: Sequence[Hashable] | None, extra: list[str]
) -> tuple[pd.DataFrame, list[Hashable], dict[str, Any]]:
    _require_columns(attributions, [by, "doc_id", "blamed", "negated", *extra], "attribution")
    data = attributions[list(dict.fromkeys([by, "doc_id", "blamed", "negated", *extra]))].copy()
    meta: dict[str, Any] = {"by": by}
    missing_group = data[by].isna()
    meta["ungrouped_attributions"] = int(missing_group.sum())
    if missing_group.any():
        logger.warning("%d attribution(s) have no value in %r and are left out", int(missing_group.sum()), by)
        data = data[~missing_group]
    data["negated"] = _as_bool(data["negated"], "negated")
    data["blamed"] = data["blamed"].where(~_is_null_like(data["blamed"]), "undetermined")
    if "blamer" in data.columns:
        data["blamer"] = data["blamer"].where(~_is_null_like(data["blamer"]), "unspecified")
    groups = _group_order(data[by], order, by) if len(data) else list(order or [])
    keep = data[by].isin(groups)
    meta["excluded_attributions"] = int((~keep).sum())
    data = data[keep]
    data["_group_pos"] = data[by].map({g: i for i, g in enumerate(groups)})
    meta["groups"] = list(groups)
    return data, groups, meta


def _attribution_table(
    attributions: pd.DataFrame,
    keys: list[str],
    by: str,
    order: Sequence[Hashable] | None,
    include_negated: bool,
) -> pd.DataFrame:
    extra = [k for k in keys if k != "blamed"]
    columns = [by, *keys, "attributions", "share", "group_attributions", "negated", "documents"]
    _check_by(by, columns[1:])
    data, groups, meta = _prepare_attributions(attributions, by, order, extra)
    counted = data if include_negated else data[~data["negated"]]
    index = ["_group_pos", *keys]
    counts = counted.groupby(index).agg(attributions=("doc_id", "size"), documents=("doc_id", "nunique"))
    negated = data[data["negated"]].groupby(index).size().rename("negated")
    table = counts.join(negated, how="outer").fillna(0).reset_index()
    per_group = counted.groupby("_group_pos").size()
    table["group_attributions"] = table["_group_pos"].map(per_group).fillna(0)
    with np.errstate(invalid="ignore", divide="ignore"):
        table["share"] = np.where(
            table["group_attributions"] > 0, table["attributions"] / table["group_attributions"], np.nan
        )
    for col in ("attributions", "documents", "negated", "group_attributions"):
        table[col] = table[col].astype(np.int64)
    table[by] = [groups[int(i)] for i in table["_group_pos"]]
    sort_keys = ["_group_pos", "attributions", *[f"_{k}" for k in keys]]
    for k in keys:
        table[f"_{k}"] = table[k].astype(str)
    table = table.sort_values(sort_keys, ascending=[True, False, *[True] * len(keys)], kind="mergesort")
    out = table[columns] if len(table) else pd.DataFrame(columns=columns)
    return _finish(out, meta, include_negated=include_negated)


def blame_matrix(
    attributions: pd.DataFrame,
    *,
    by: str = "outlet",
    order: Sequence[Hashable] | None = None,
    include_negated: bool = False,
) -> pd.DataFrame:
    """Whom does each group blame? One row per (group, blamed actor).

    Columns: ``<by>``, ``blamed``, ``attributions`` (number of attributions to that actor; negated ones
    such as "X is not to blame" only when ``include_negated=True``), ``share`` (``attributions /
    group_attributions``, a proportion between 0 and 1; NaN when the group has no counted attribution),
    ``group_attributions`` (the group's counted attributions, the denominator), ``negated`` (negated
    attributions to that actor, always reported apart) and ``documents`` (distinct ``doc_id`` among the
    counted attributions). Actors that only appear negated get a row with ``attributions = 0``. Missing
    ``blamed`` values count as ``"undetermined"``. Rows are sorted by group, then ``attributions``
    descending, then actor name. ``negated`` may be boolean or ``true/false``/``1/0`` text.

    >>> blame_matrix(attributions)  # doctest: +SKIP
    """
    return _attribution_table(attributions, ["blamed"], by, order, include_negated)


def blamer_blamed(
    attributions: pd.DataFrame,
    *,
    by: str = "outlet",
    order: Sequence[Hashable] | None = None,
    include_negated: bool = False,
) -> pd.DataFrame:
    """Who blames whom, per group: one row per (group, blamer, blamed).

    Same counting rules and columns as :func:`blame_matrix`, with a ``blamer`` column before ``blamed``
    (missing blamers count as ``"unspecified"``); ``share`` is relative to all counted attributions of the
    group.

    >>> blamer_blamed(attributions, by="outlet_type")  # doctest: +SKIP
    """
    return _attribution_table(attributions, ["blamer", "blamed"], by, order, include_negated)


# ----------------------------------------------------------------------------------------------------
# Separability
# ----------------------------------------------------------------------------------------------------


@dataclass
class Separability:
    """How well the cue rates tell the groups apart (result of :func:`separability`).

    ``summary``: one row with cross-validated ``macro_f1`` (mean over folds), ``macro_f1_sd`` (sample SD
    over folds), ``baseline_macro_f1`` (majority-class classifier, same folds), ``accuracy``,
    ``baseline_accuracy``, ``n_splits``, ``documents``, ``groups``, ``cues``, ``dropped_groups`` and
    ``seed``. ``folds``: one row per fold with the same scores and ``test_documents``.
    ``features``: ``group``, ``feature`` (cue whose rate per 1,000 tokens is used), ``coefficient`` (of the
    logistic regression refit on all documents, per standard deviation of the rate) and ``rank``
    (1 = strongest evidence *for* the group). ``dropped_groups``: groups with fewer than 2 documents,
    left out.
    """

    summary: pd.DataFrame
    features: pd.DataFrame
    folds: pd.DataFrame
    dropped_groups: list[Hashable] = field(default_factory=list)


def separability(
    features: pd.DataFrame,
    *,
    cues: Sequence[str] | None = None,
    by: str = "outlet",
    order: Sequence[Hashable] | None = None,
    n_splits: int = 5,
    seed: int = 0,
    top_n: int | None = None,
    drop_duplicates: bool = False,
) -> Separability:
    """Can a classifier tell the groups apart from the cue rates alone? Cross-validated macro-F1.

    Model: ``StandardScaler`` then multinomial ``LogisticRegression`` (L2, C = 1) on the ``<cue>_rate``
    columns (per 1,000 tokens). Evaluation: ``StratifiedKFold(n_splits=min(n_splits, smallest group
    size), shuffle=True, random_state=seed)``; the baseline is a majority-class ``DummyClassifier`` on the
    same folds. Macro-F1 (unweighted mean of per-group F1, 0 to 1) is computed per fold and averaged.

    Groups with fewer than 2 documents cannot be cross-validated: they are **dropped** with a logged
    warning and listed in ``result.dropped_groups`` (and the summary's ``dropped_groups``); fewer than 2
    remaining groups raise ``ValueError``. ``top_n`` keeps the ``top_n`` highest coefficients per group in
    ``result.features`` (default: all). With two groups the model has one coefficient vector, reported
    for the second group, and its negation for the first.

    >>> result = separability(features, seed=0)  # doctest: +SKIP
    >>> result.summary[["macro_f1", "baseline_macro_f1"]]  # doctest: +SKIP
    """
    from sklearn.dummy import DummyClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, f1_score
    from sklearn.model_selection import StratifiedKFold
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    _check_seed(seed)
    if isinstance(n_splits, bool) or not isinstance(n_splits, (int, np.integer)) or n_splits < 2:
        raise ValueError(f"n_splits must be an integer >= 2, got {n_splits!r}")
    data, cue_list, groups, meta = _prepare_features(
        features, cues=cues, by=by, order=order, drop_duplicates=drop_duplicates
    )
    sizes = data.groupby("_group_pos").size()
    dropped = [groups[i] for i in range(len(groups)) if sizes.get(i, 0) < 2]
    if dropped:
        logger.warning("separability: group(s) with fewer than 2 documents left out: %s", dropped)
        keep_pos = [i for i, g in enumerate(groups) if g not in dropped]
        data = data[data["_group_pos"].isin(keep_pos)]
        groups = [g for g in groups if g not in dropped]
        meta["groups"] = list(groups)
    if len(groups) < 2:
        raise ValueError(
            f"separability needs at least 2 groups with 2+ documents in {by!r}, found {len(groups)}"
        )
    X = data[[f"{c}_rate" for c in cue_list]].to_numpy(dtype=float)
    y = data["_group_pos"].to_numpy()
    labels = np.arange(len(groups))
    splits = int(min(n_splits, data.groupby("_group_pos").size().min()))
    folds = StratifiedKFold(n_splits=splits, shuffle=True, random_state=seed)

    def model() -> Any:
        return make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=5000))

    fold_rows = []
    for number, (train, test) in enumerate(folds.split(X, y), start=1):
        predicted = model().fit(X[train], y[train]).predict(X[test])
        dummy = DummyClassifier(strategy="most_frequent").fit(X[train], y[train]).predict(X[test])
        fold_rows.append(
            {
                "fold": number,
                "test_documents": len(test),
                "macro_f1": f1_score(y[test], predicted, labels=labels, average="macro", zero_division=0),
                "baseline_macro_f1": f1_score(
                    y[test], dummy, labels=labels, average="macro", zero_division=0
                ),
                "accuracy": accuracy_score(y[test], predicted),
                "baseline_accuracy": accuracy_score(y[test], dummy),
            }
        )
    fold_table = pd.DataFrame(fold_rows)
    summary = pd.DataFrame(
        [
            {
                "macro_f1": fold_table["macro_f1"].mean(),
                "macro_f1_sd": fold_table["macro_f1"].std(ddof=1),
                "baseline_macro_f1": fold_table["baseline_macro_f1"].mean(),
                "accuracy": fold_table["accuracy"].mean(),
                "baseline_accuracy": fold_table["baseline_accuracy"].mean(),
                "n_splits": splits,
                "documents": len(data),
                "groups": len(groups),
                "cues": len(cue_list),
                "dropped_groups": len(dropped),
                "seed": seed,
            }
        ]
    )
    fitted = model().fit(X, y)
    coef = fitted[-1].coef_
    if coef.shape[0] == 1:  # binary: one vector, for the second class
        coef = np.vstack([-coef[0], coef[0]])
    class_names = [groups[int(c)] for c in fitted[-1].classes_]
    feature_rows = []
    for name, row in zip(class_names, coef, strict=True):
        ranking = np.argsort(-row, kind="mergesort")
        for rank, k in enumerate(ranking, start=1):
            if top_n is not None and rank > top_n:
                break
            feature_rows.append({"group": name, "feature": cue_list[k], "coefficient": row[k], "rank": rank})
    feature_table = pd.DataFrame(feature_rows, columns=["group", "feature", "coefficient", "rank"])
    extra = {"seed": seed, "n_splits": splits, "dropped_groups": list(dropped)}
    return Separability(
        summary=_finish(summary, meta, **extra),
        features=_finish(feature_table, meta, **extra),
        folds=_finish(fold_table, meta, **extra),
        dropped_groups=list(dropped),
    )


# ----------------------------------------------------------------------------------------------------
# Do groups blame different actors?
# ----------------------------------------------------------------------------------------------------


def _chi_square(codes_group: np.ndarray, codes_actor: np.ndarray, shape: tuple[int, int]) -> float:
    observed = np.zeros(shape)
    np.add.at(observed, (codes_group, codes_actor), 1)
    expected = observed.sum(axis=1, keepdims=True) * observed.sum(axis=0, keepdims=True) / observed.sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        cells = np.where(expected > 0, (observed - expected) ** 2 / expected, 0.0)
    return float(cells.sum())


def blame_association(
    attributions: pd.DataFrame,
    *,
    by: str = "outlet",
    order: Sequence[Hashable] | None = None,
    n_permutations: int = 2000,
    seed: int = 0,
) -> pd.DataFrame:
    """Do the groups blame different actors? A document-level permutation test on the group x actor table.

    Counts the attributions that name an actor (``blamed`` not ``undetermined``, not negated) in a
    group x blamed-actor table and measures association with Pearson's chi-square statistic and its
    effect size, Cramér's V (0 = every group blames actors in the same proportions, 1 = each actor is
    blamed by one group only). Attributions from one article are not independent, so the p-value does
    not use the chi-square distribution: the group labels of whole *documents* are shuffled
    ``n_permutations`` times (seeded) and the p-value is ``(1 + #{chi2_perm >= chi2}) / (1 +
    n_permutations)``.

    Returns one row: ``attributions``, ``documents``, ``groups``, ``actors`` (the table's size),
    ``chi_square``, ``cramers_v``, ``p_value``, ``n_permutations``, ``seed``. With fewer than two groups
    or two actors the statistics are NaN.
    """
    _check_resamples(n_permutations, "n_permutations")
    _check_seed(seed)
    data, groups, meta = _prepare_attributions(attributions, by, order, [])
    data = data[~data["negated"] & (data["blamed"] != "undetermined")]
    data = data.sort_values(["doc_id", "blamed"], kind="mergesort")
    actors = sorted(data["blamed"].astype(str).unique())
    present = [g for g in groups if (data[by] == g).any()]
    row: dict[str, Any] = {
        "attributions": len(data),
        "documents": int(data["doc_id"].nunique()),
        "groups": len(present),
        "actors": len(actors),
        "chi_square": math.nan,
        "cramers_v": math.nan,
        "p_value": math.nan,
        "n_permutations": n_permutations,
        "seed": seed,
    }
    if len(present) >= 2 and len(actors) >= 2:
        group_code = data[by].map({g: i for i, g in enumerate(present)}).to_numpy()
        actor_code = data["blamed"].astype(str).map({a: i for i, a in enumerate(actors)}).to_numpy()
        shape = (len(present), len(actors))
        observed = _chi_square(group_code, actor_code, shape)
        documents, doc_index = np.unique(data["doc_id"].astype(str).to_numpy(), return_inverse=True)
        doc_group = np.zeros(len(documents), dtype=np.int64)
        doc_group[doc_index] = group_code
        rng = np.random.default_rng([seed, stream_key("blame_association")])
        exceed = 0
        for _ in range(n_permutations):
            shuffled = rng.permutation(doc_group)[doc_index]
            exceed += _chi_square(shuffled, actor_code, shape) >= observed - 1e-9
        row["chi_square"] = observed
        row["cramers_v"] = math.sqrt(observed / (len(data) * (min(shape) - 1)))
        row["p_value"] = (1 + exceed) / (1 + n_permutations)
    return _finish(pd.DataFrame([row]), meta, seed=seed)


# ----------------------------------------------------------------------------------------------------
# Characteristic phrases (NLTK collocations)
# ----------------------------------------------------------------------------------------------------


def collocations(
    texts: Iterable[str],
    groups: Iterable[Hashable],
    *,
    top_n: int = 10,
    min_count: int = 3,
    common_words: int = 30,
    min_ratio: float = 2.0,
) -> pd.DataFrame:
    """Each group's characteristic two-word phrases ("Kyiv regime", "claimed responsibility").

    Bigrams of word tokens (lower-cased, never across documents) are scored within each group by
    Dunning's log-likelihood ratio (NLTK's ``BigramCollocationFinder``): how much more often the two
    words occur together than their separate frequencies predict. Bigrams seen fewer than ``min_count``
    times in the group, or containing one of the corpus's ``common_words`` most frequent words (its
    function words, found from the data so no stop-word list is needed), are left out, and so are
    phrases the group does not use at least ``min_ratio`` times as often as the rest (per bigram, with
    half a count added to the rest so that phrases absent elsewhere get a finite ratio): shared
    phrases such as the event's name are collocations everywhere and characterise nobody.

    Returns one row per (group, phrase): ``group``, ``phrase``, ``count_group`` (occurrences in the
    group), ``count_rest`` (in all other groups), ``ratio_vs_rest`` (the over-representation above),
    ``likelihood_ratio`` and ``rank`` (1 = strongest), the ``top_n`` best per group.
    """
    from nltk.collocations import BigramCollocationFinder
    from nltk.metrics import BigramAssocMeasures

    from framing.text import word_tokens

    texts, groups = list(texts), list(groups)
    if len(texts) != len(groups):
        raise ValueError(f"texts and groups differ in length ({len(texts)} vs {len(groups)})")
    tokenised: dict[Hashable, list[list[str]]] = defaultdict(list)
    frequency: Counter[str] = Counter()
    bigrams: dict[Hashable, Counter[tuple[str, str]]] = defaultdict(Counter)
    for text, group in zip(texts, groups, strict=True):
        if group is None or (not isinstance(group, str) and pd.isna(group)):
            continue
        tokens = word_tokens("" if text is None or (not isinstance(text, str) and pd.isna(text)) else text)
        tokenised[group].append(tokens)
        frequency.update(tokens)
        bigrams[group].update(itertools.pairwise(tokens))
    common = {word for word, _ in sorted(frequency.items(), key=lambda i: (-i[1], i[0]))[:common_words]}
    total: Counter[tuple[str, str]] = Counter()
    for counts in bigrams.values():
        total.update(counts)
    all_bigrams = sum(total.values())
    rows = []
    for group in _sorted_groups(tokenised):
        finder = BigramCollocationFinder.from_documents(tokenised[group])
        finder.apply_freq_filter(min_count)
        finder.apply_word_filter(lambda word: word in common)
        in_group = sum(bigrams[group].values())
        in_rest = max(all_bigrams - in_group, 1)
        scored = []
        for pair, score in finder.score_ngrams(BigramAssocMeasures.likelihood_ratio):
            own = bigrams[group][pair]
            rest = total[pair] - own
            ratio = (own / in_group) / ((rest + 0.5) / in_rest)
            if ratio >= min_ratio:
                scored.append((-float(score), pair, own, rest, ratio))
        scored.sort()
        for rank, (negative_score, pair, own, rest, ratio) in enumerate(scored[:top_n], start=1):
            rows.append((group, " ".join(pair), own, rest, ratio, -negative_score, rank))
    columns = ["group", "phrase", "count_group", "count_rest", "ratio_vs_rest", "likelihood_ratio", "rank"]
    return pd.DataFrame(rows, columns=columns)
