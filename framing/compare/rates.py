"""Cue rates per group and tests between groups on document feature tables.

:func:`outlet_summary` (rates with bootstrap intervals), :func:`omnibus_tests` (Kruskal–Wallis across
all groups), :func:`pairwise_contrasts` (every pair of groups) and :func:`group_vs_rest` (each group
against all other documents). Rates are per 1,000 word tokens.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from framing.compare._checks import (
    check_by,
    check_confidence,
    check_resamples,
    check_seed,
    finish,
    integral,
    prepare_features,
)
from framing.compare.resampling import (
    benjamini_hochberg,
    bootstrap_means,
    cliffs_delta,
    permutation_diffs,
    stream_key,
)
from framing.errors import OptionError

__all__ = ["REST", "group_vs_rest", "omnibus_tests", "outlet_summary", "pairwise_contrasts"]

logger = logging.getLogger("framing.compare")


def _too_few_groups(function: str, by: str, groups: list[Hashable]) -> OptionError:
    return OptionError(
        f"{function} needs at least 2 groups with documents in {by!r}, found {len(groups)} "
        f"({', '.join(map(str, groups)) or 'none'}); compare by another column or add documents"
    )


#: Label used for "all other documents" in :func:`group_vs_rest`.
REST = "rest"

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
    check_resamples(n_resamples, "n_resamples")
    check_confidence(confidence)
    check_seed(seed)
    check_by(by, _SUMMARY_COLUMNS)
    data, cue_list, groups, meta = prepare_features(
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
        means = bootstrap_means(rates, n_resamples, rng)
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
    out = integral(out, ["tokens", "matches"])
    return finish(out, meta, seed=seed, n_resamples=n_resamples, confidence=confidence)


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
    occurs) the test is undefined: H = 0 and p = 1 are reported (no evidence of a difference), and the
    cue is listed in ``df.attrs["constant_cues"]`` with an explanation in ``df.attrs["note"]``.

    >>> omnibus_tests(features, cues=["blame", "hedging"])  # doctest: +SKIP
    """
    from scipy import stats

    data, cue_list, groups, meta = prepare_features(
        features, cues=cues, by=by, order=order, drop_duplicates=drop_duplicates
    )
    if len(groups) < 2:
        raise _too_few_groups("omnibus_tests", by, groups)
    n = len(data)
    # documents are sorted by group: one split per group boundary gives every group's rates
    bounds = np.searchsorted(data["_group_pos"].to_numpy(), np.arange(1, len(groups)))
    rows = []
    constant = []
    for cue in cue_list:
        rates = data[f"{cue}_rate"].to_numpy(dtype=float)
        if np.ptp(rates) == 0:
            h, p = 0.0, 1.0
            constant.append(cue)
        else:
            h, p = stats.kruskal(*np.split(rates, bounds))
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
    note = (
        f"identical rates in every document (the test is undefined; H = 0, p = 1): {', '.join(constant)}"
        if constant
        else ""
    )
    return finish(out, meta, constant_cues=constant, note=note)


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
    observed, extreme = permutation_diffs(np.vstack([rates_a, rates_b]), len(data_a), n_permutations, rng)
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
    out = integral(out, ["tokens_a", "tokens_b", "matches_a", "matches_b"])
    return finish(out, meta, seed=seed, n_permutations=n_permutations)


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
    check_resamples(n_permutations, "n_permutations")
    check_seed(seed)
    data, cue_list, groups, meta = prepare_features(
        features, cues=cues, by=by, order=order, drop_duplicates=drop_duplicates
    )
    if len(groups) < 2:
        raise _too_few_groups("pairwise_contrasts", by, groups)
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
    check_resamples(n_permutations, "n_permutations")
    check_seed(seed)
    data, cue_list, groups, meta = prepare_features(
        features, cues=cues, by=by, order=order, drop_duplicates=drop_duplicates
    )
    if len(groups) < 2:
        raise _too_few_groups("group_vs_rest", by, groups)
    if REST in groups:
        logger.warning("a group is itself named %r; group_b=%r still means 'all other documents'", REST, REST)
    rows: list[dict[str, Any]] = []
    for i, group in enumerate(groups):
        mine = data["_group_pos"] == i
        rows.extend(_contrast_rows(data[mine], data[~mine], group, REST, cue_list, n_permutations, seed))
    return _contrast_table(rows, cue_list, meta, seed, n_permutations)
