"""Cue rates per group and tests between groups on document feature tables.

:func:`outlet_summary` (rates with bootstrap intervals), :func:`omnibus_tests` (Kruskal–Wallis across
all groups), :func:`pairwise_contrasts` (every pair of groups) and :func:`group_vs_rest` (each group
against all other documents). Rates are per 1,000 word tokens.
"""

from __future__ import annotations

import itertools
import logging
import math
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from framing.compare._checks import (
    check_by,
    check_confidence,
    check_jobs,
    check_resamples,
    check_seed,
    finish,
    integral,
    prepare_documents,
    prepare_features,
)
from framing.compare.clustered import (
    cluster_bootstrap_means,
    cluster_codes,
    cluster_note,
    cluster_permutation_diffs,
    cluster_permutation_kruskal,
    cluster_sums,
)
from framing.compare.resampling import (
    benjamini_hochberg,
    bootstrap_means,
    cliffs_delta,
    permutation_diffs,
    stream_key,
)
from framing.errors import OptionError
from framing.parallel import call_task, submitted_in_order, task_pool

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
    cluster: str | None = None,
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

    ``cluster`` (e.g. ``"outlet"`` when ``by="leaning"``) makes the interval a **cluster bootstrap**
    when groups hold several clusters (see :mod:`framing.compare.clustered`): the group's outlets are
    resampled with replacement, with all their documents, using the same stream. Two columns are then
    added: ``n_clusters`` (outlets in the group) and ``note`` (why an interval is missing: fewer than
    :data:`~framing.compare.clustered.MIN_CLUSTERS` outlets). Without ``cluster``, or when every group is
    one outlet, the table is the document-level one above.

    >>> outlet_summary(features, cues=["blame"], seed=1)  # doctest: +SKIP
    """
    check_resamples(n_resamples, "n_resamples")
    check_confidence(confidence)
    check_seed(seed)
    check_by(by, _SUMMARY_COLUMNS)
    data, cue_list, groups, meta, column = prepare_documents(
        features, cues=cues, by=by, order=order, drop_duplicates=drop_duplicates, keep=_kept(cluster)
    )
    codes = cluster_codes(data, by, cluster)
    alpha = 1 - confidence
    docs = _Documents.of(data, column, cue_list, len(groups))
    del data, column
    rows = []
    for position, group in enumerate(groups):
        mine = docs.rows(position)
        rates = docs.rates[mine]
        tokens = docs.tokens[mine].sum()
        documents = len(rates)
        rng = np.random.default_rng([seed, stream_key(group)])
        clustered: dict[str, Any] = {}
        if codes is None:
            means = bootstrap_means(rates, n_resamples, rng)
            lows, highs = np.quantile(means, [alpha / 2, 1 - alpha / 2], axis=0)
        else:
            sums, sizes = cluster_sums(rates, codes[mine])
            note = cluster_note([group], [len(sizes)], str(cluster))
            clustered = {"n_clusters": len(sizes), "note": note}
            if note:
                lows = highs = np.full(len(cue_list), np.nan)
            else:
                means = cluster_bootstrap_means(sums, sizes, n_resamples, rng)
                lows, highs = np.quantile(means, [alpha / 2, 1 - alpha / 2], axis=0)
        for k, cue in enumerate(cue_list):
            matches = docs.matches[position, k]
            with_cue = int(docs.with_cue[position, k])
            rows.append(
                {
                    by: group,
                    "cue": cue,
                    "documents": documents,
                    "tokens": tokens,
                    "matches": matches,
                    "pooled_rate": matches / tokens * 1000,
                    "mean_rate": rates[:, k].mean(),
                    "ci_low": lows[k],
                    "ci_high": highs[k],
                    "documents_with_cue": with_cue,
                    "share_with_cue": with_cue / documents,
                    "confidence": confidence,
                    "n_resamples": n_resamples,
                    "seed": seed,
                    **clustered,
                }
            )
    extra = [] if codes is None else ["n_clusters", "note"]
    out = pd.DataFrame(rows, columns=[by, *_SUMMARY_COLUMNS, *extra])
    out = integral(out, ["tokens", "matches"])
    return finish(
        out, meta, seed=seed, n_resamples=n_resamples, confidence=confidence, **_used(codes, cluster)
    )


def _kept(cluster: str | None) -> tuple[str, ...]:
    return () if cluster is None else (cluster,)


def _used(codes: np.ndarray | None, cluster: str | None) -> dict[str, Any]:
    """``attrs`` naming the cluster column a table resamples (nothing when it resamples documents)."""
    return {} if codes is None else {"cluster": cluster}


def omnibus_tests(
    features: pd.DataFrame,
    *,
    cues: Sequence[str] | None = None,
    by: str = "outlet",
    order: Sequence[Hashable] | None = None,
    drop_duplicates: bool = False,
    cluster: str | None = None,
    n_permutations: int = 2000,
    seed: int = 0,
) -> pd.DataFrame:
    """Do the groups differ at all? Kruskal–Wallis test per cue on document rates (per 1,000 tokens).

    One row per cue: ``cue``, ``h_statistic`` (Kruskal–Wallis H, tie-corrected, ``scipy.stats.kruskal``),
    ``df`` (groups − 1), ``p_value``, ``q_value`` (Benjamini–Hochberg across the cues of the table),
    ``epsilon_squared`` (effect size ``H / ((n² − 1) / (n + 1)) = H / (n − 1)``, between 0 and 1),
    ``groups`` and ``documents`` (``n``). When all rates of a cue are identical (e.g. the cue never
    occurs) the test is undefined: H = 0 and p = 1 are reported (no evidence of a difference), and the
    cue is listed in ``df.attrs["constant_cues"]`` with an explanation in ``df.attrs["note"]``.

    With ``cluster`` (e.g. ``"outlet"``) and groups holding several outlets, H is the same but its
    p-value comes from a **cluster permutation**: whole outlets' group labels are shuffled
    (``n_permutations`` times, stream ``default_rng([seed, stream_key(cue)])``, each group keeping its
    number of outlets) and ``p = (1 + #{H_perm >= H}) / (1 + n_permutations)``. Columns ``n_clusters``
    (outlets), ``min_clusters`` (outlets of the smallest group) and ``note`` are added; when a group has
    fewer than :data:`~framing.compare.clustered.MIN_CLUSTERS` outlets the test is refused (p NaN, note).
    ``n_permutations`` and ``seed`` are used only then.

    >>> omnibus_tests(features, cues=["blame", "hedging"])  # doctest: +SKIP
    """
    from scipy import stats

    data, cue_list, groups, meta = prepare_features(
        features, cues=cues, by=by, order=order, drop_duplicates=drop_duplicates, keep=_kept(cluster)
    )
    if len(groups) < 2:
        raise _too_few_groups("omnibus_tests", by, groups)
    codes = cluster_codes(data, by, cluster)
    if codes is not None:
        check_resamples(n_permutations, "n_permutations")
        check_seed(seed)
        group_of_cluster = np.zeros(int(codes.max()) + 1, dtype=np.int64)
        group_of_cluster[codes] = data["_group_pos"].to_numpy()
        per_group = np.bincount(group_of_cluster, minlength=len(groups))
        refusal = cluster_note(groups, per_group.tolist(), str(cluster))
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
        clustered: dict[str, Any] = {}
        if codes is not None:
            clustered = {"n_clusters": len(group_of_cluster), "min_clusters": int(per_group.min())}
            clustered["note"] = refusal
            if refusal:
                p = float("nan")
            elif cue not in constant:
                rng = np.random.default_rng([seed, stream_key(cue)])
                ranks = stats.rankdata(rates)
                _, p = cluster_permutation_kruskal(
                    ranks, codes, group_of_cluster, len(groups), n_permutations, rng
                )
        rows.append(
            {
                "cue": cue,
                "h_statistic": float(h),
                "df": len(groups) - 1,
                "p_value": float(p),
                "epsilon_squared": float(h) / (n - 1) if n > 1 else float("nan"),
                "groups": len(groups),
                "documents": n,
                **clustered,
            }
        )
    out = pd.DataFrame(rows)
    out.insert(4, "q_value", benjamini_hochberg(out["p_value"].to_numpy()))
    note = (
        f"identical rates in every document (the test is undefined; H = 0, p = 1): {', '.join(constant)}"
        if constant
        else ""
    )
    if codes is not None:
        return finish(out, meta, constant_cues=constant, note=note, n_permutations=n_permutations, seed=seed,
                      cluster=cluster)  # fmt: skip
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


@dataclass(frozen=True)
class _Documents:
    """Per-document arrays of a prepared feature table, documents sorted by group (then ``doc_id``).

    The counts are read only as sums, so only their sums are kept: per group, and with ``rest`` also over
    all other documents; each is the sum of a 1-D copy of those rows' column, as numpy sums a column.
    """

    rates: np.ndarray  # documents x cues, per 1,000 tokens
    tokens: np.ndarray  # documents
    bounds: np.ndarray  # group i is rows bounds[i]:bounds[i + 1]
    matches: np.ndarray  # groups x cues: summed counts of the group's documents
    with_cue: np.ndarray  # groups x cues: the group's documents with a count above 0
    rest_matches: np.ndarray | None  # groups x cues: summed counts of every other document (in order)

    @classmethod
    def of(
        cls,
        data: pd.DataFrame,
        column: Callable[[str], np.ndarray],
        cue_list: list[str],
        n_groups: int,
        *,
        rest: bool = False,
    ) -> _Documents:
        """The arrays of a table from :func:`prepare_documents` and its ``column`` reader: one cue column
        at a time is read, copied into the rates or summed, and let go (no documents x cues copy of the
        table beside the arrays, nor a documents x cues matrix of counts)."""
        k = len(cue_list)
        bounds = np.searchsorted(data["_group_pos"].to_numpy(), np.arange(n_groups + 1))
        # column-major, as DataFrame.to_numpy gave them: the matrix products see the same layout
        rates = np.empty((len(data), k), dtype=float, order="F")
        for c, cue in enumerate(cue_list):
            rates[:, c] = column(f"{cue}_rate")
        matches = np.empty((n_groups, k))
        with_cue = np.empty((n_groups, k), dtype=np.int64)
        rest_matches = np.empty((n_groups, k)) if rest else None
        for c, cue in enumerate(cue_list):
            counts = column(f"{cue}_count")
            for g in range(n_groups):
                first, last = int(bounds[g]), int(bounds[g + 1])
                matches[g, c] = counts[first:last].sum()
                with_cue[g, c] = int((counts[first:last] > 0).sum())
                if rest_matches is not None:
                    rest_matches[g, c] = np.concatenate([counts[:first], counts[last:]]).sum()
        return cls(
            rates=rates,
            tokens=data["tokens"].to_numpy(dtype=float),
            bounds=bounds,
            matches=matches,
            with_cue=with_cue,
            rest_matches=rest_matches,
        )

    def rows(self, group: int) -> slice:
        return slice(int(self.bounds[group]), int(self.bounds[group + 1]))


def _without(values: np.ndarray, rows: slice) -> np.ndarray:
    """``values`` without ``rows`` (every other row, in order)."""
    return np.concatenate([values[: rows.start], values[rows.stop :]])


class _Contrasts:
    """Accumulates contrasts (a vs b, every cue at once) and builds the tidy table, cue by cue."""

    def __init__(
        self, cue_list: list[str], n_permutations: int, seed: int, cluster: str | None = None
    ) -> None:
        self.cue_list, self.n_permutations, self.seed = cue_list, n_permutations, seed
        self.cluster = cluster  # None: documents are permuted
        self.labels: list[tuple[Hashable, Hashable]] = []
        self.sizes: list[tuple[int, int, float, float]] = []
        self.per_cue: list[np.ndarray] = []  # one (7, cues) array per contrast
        self.clustered: list[tuple[int, int, int, bool, str]] = []  # clusters a, b, relabellings, exact, note

    def add(
        self,
        labels: tuple[Hashable, Hashable],
        values: np.ndarray,
        n_a: int,
        matches: tuple[np.ndarray, np.ndarray],
        tokens: tuple[float, float],
        clusters: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> None:
        """One contrast: ``values`` holds the rates (per 1,000 tokens, documents x cues) of a's ``n_a``
        documents, then b's; ``matches`` the summed counts of each side (per cue), ``tokens`` its summed
        tokens. The caller builds ``values`` once: the test permutes it and the means, Cliff's delta and
        the observed difference read its two parts as views (no per-side copy of the documents)."""
        rates_a, rates_b = values[:n_a], values[n_a:]
        rng = np.random.default_rng([self.seed, stream_key(labels[0]), stream_key(labels[1])])
        if clusters is None:
            observed, extreme = permutation_diffs(values, n_a, self.n_permutations, rng)
            p_value = (1 + extreme.astype(np.int64)) / (1 + self.n_permutations)
        else:
            observed, p_value = self._cluster_test(labels, values, n_a, clusters, rng)
        k = len(self.cue_list)
        # column by column, as numpy sums a 1-D column (pairwise) differently from a 2-D axis
        self.per_cue.append(
            np.array(
                [
                    matches[0],
                    matches[1],
                    [rates_a[:, c].mean() for c in range(k)],
                    [rates_b[:, c].mean() for c in range(k)],
                    observed,
                    [cliffs_delta(rates_a[:, c], rates_b[:, c]) for c in range(k)],
                    p_value,
                ],
                dtype=float,
            )
        )
        self.labels.append(labels)
        self.sizes.append((len(rates_a), len(rates_b), tokens[0], tokens[1]))

    def _cluster_test(
        self,
        labels: tuple[Hashable, Hashable],
        values: np.ndarray,
        n_a: int,
        clusters: tuple[np.ndarray, np.ndarray],
        rng: np.random.Generator,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Observed mean differences and cluster permutation p-values (NaN when the test is refused)."""
        sums_a, sizes_a = cluster_sums(values[:n_a], clusters[0])
        sums_b, sizes_b = cluster_sums(values[n_a:], clusters[1])
        counts = [len(sizes_a), len(sizes_b)]
        note = cluster_note(labels, counts, str(self.cluster))
        k = values.shape[1]
        if note:
            observed = values[:n_a].mean(axis=0) - values[n_a:].mean(axis=0)
            self.clustered.append((*counts, 0, False, note))
            return observed, np.full(k, np.nan)
        sums, sizes = np.vstack([sums_a, sums_b]), np.concatenate([sizes_a, sizes_b])
        observed, extreme, used, exact = cluster_permutation_diffs(
            sums, sizes, counts[0], self.n_permutations, rng
        )
        p_value = extreme / used if exact else (1 + extreme) / (1 + used)
        self.clustered.append((*counts, used, exact, ""))
        return observed, p_value

    def rows(self) -> tuple[list[Any], ...]:
        """What :meth:`add` collected: the lists :meth:`extend` takes (a worker's contrasts)."""
        return self.labels, self.sizes, self.per_cue, self.clustered

    def extend(self, rows: tuple[list[Any], ...]) -> None:
        """Append the contrasts of another instance's :meth:`rows`, after these."""
        for mine, theirs in zip(self.rows(), rows, strict=True):
            mine.extend(theirs)

    def table(self, meta: dict[str, Any]) -> pd.DataFrame:
        k, n = len(self.cue_list), len(self.labels)
        if n:
            # contrasts x statistics x cues -> statistics x (cue-major rows)
            stats = np.stack(self.per_cue).transpose(1, 2, 0).reshape(7, k * n)
            sizes = np.array(self.sizes, dtype=float)
        else:
            stats, sizes = np.empty((7, 0)), np.empty((0, 4))
        matches_a, matches_b, mean_a, mean_b, observed, delta, p_value = stats
        tokens_a, tokens_b = np.tile(sizes[:, 2], k), np.tile(sizes[:, 3], k)
        with np.errstate(divide="ignore", invalid="ignore"):
            rate_a, rate_b = matches_a / tokens_a * 1000, matches_b / tokens_b * 1000
            # rate ratio: inf when only group b never uses the cue, NaN when neither does
            ratio = np.where(rate_b > 0, rate_a / rate_b, np.where(rate_a > 0, math.inf, math.nan))
        out = pd.DataFrame(
            {
                "cue": np.repeat(np.array(self.cue_list, dtype=object), n),
                "group_a": np.tile(np.array([a for a, _ in self.labels] or [], dtype=object), k),
                "group_b": np.tile(np.array([b for _, b in self.labels] or [], dtype=object), k),
                "documents_a": np.tile(sizes[:, 0].astype(np.int64), k),
                "documents_b": np.tile(sizes[:, 1].astype(np.int64), k),
                "tokens_a": tokens_a,
                "tokens_b": tokens_b,
                "matches_a": matches_a,
                "matches_b": matches_b,
                "rate_a": rate_a,
                "rate_b": rate_b,
                "rate_ratio": ratio,
                "mean_rate_a": mean_a,
                "mean_rate_b": mean_b,
                "mean_difference": observed,
                "cliffs_delta": delta,
                "p_value": p_value,
                "q_value": benjamini_hochberg(p_value),
                "n_permutations": np.full(k * n, self.n_permutations, dtype=np.int64),
                "seed": np.full(k * n, self.seed, dtype=np.int64),
            },
            columns=_CONTRAST_COLUMNS,
        )
        out = integral(out, ["tokens_a", "tokens_b", "matches_a", "matches_b"])
        if self.cluster is None:
            return finish(out, meta, seed=self.seed, n_permutations=self.n_permutations)
        n_a, n_b, used, exact, note = zip(*self.clustered, strict=True) if n else ((),) * 5
        out["n_permutations"] = np.tile(np.array(used, dtype=np.int64), k)
        out["n_clusters_a"] = np.tile(np.array(n_a, dtype=np.int64), k)
        out["n_clusters_b"] = np.tile(np.array(n_b, dtype=np.int64), k)
        out["exact"] = np.tile(np.array(exact, dtype=bool), k)
        out["note"] = np.tile(np.array(note, dtype=object), k)
        return finish(out, meta, seed=self.seed, n_permutations=self.n_permutations, cluster=self.cluster)


def pairwise_contrasts(
    features: pd.DataFrame,
    *,
    cues: Sequence[str] | None = None,
    by: str = "outlet",
    order: Sequence[Hashable] | None = None,
    n_permutations: int = 2000,
    seed: int = 0,
    drop_duplicates: bool = False,
    cluster: str | None = None,
    jobs: int = 1,
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

    ``cluster`` (e.g. ``"outlet"`` when ``by="leaning"``): when groups hold several outlets, the test
    is a **cluster permutation** (whole outlets relabelled, same stream; exact when there are at most
    ``n_permutations`` relabellings, then ``p = #{|d| >= |observed|} / relabellings``), see
    :mod:`framing.compare.clustered`. Columns added: ``n_clusters_a``, ``n_clusters_b`` (outlets on each
    side), ``exact``, ``note``; ``n_permutations`` is the number of relabellings used. A test with fewer
    than :data:`~framing.compare.clustered.MIN_CLUSTERS` outlets on a side, or one that cannot reach
    p <= 0.05, is refused: ``p_value``/``q_value`` NaN and the reason in ``note``.

    ``jobs > 1``: from :data:`PARALLEL_MIN_PAIRS` pairs on, the pairs are tested in that many worker
    processes. Each pair draws from its own stream, so the table is the same as with ``jobs=1``.

    >>> pairwise_contrasts(features, cues=["blame"], n_permutations=5000)  # doctest: +SKIP
    """
    check_resamples(n_permutations, "n_permutations")
    check_seed(seed)
    check_jobs(jobs)
    data, cue_list, groups, meta, column = prepare_documents(
        features, cues=cues, by=by, order=order, drop_duplicates=drop_duplicates, keep=_kept(cluster)
    )
    if len(groups) < 2:
        raise _too_few_groups("pairwise_contrasts", by, groups)
    codes = cluster_codes(data, by, cluster)
    docs = _Documents.of(data, column, cue_list, len(groups))
    del data, column
    unit = _used(codes, cluster).get("cluster")
    task = _PairsTask(docs, codes, groups, cue_list, n_permutations, seed, unit)
    contrasts = task.contrasts()
    pairs = [(i, j) for i in range(len(groups)) for j in range(i + 1, len(groups))]
    if jobs > 1 and len(pairs) >= PARALLEL_MIN_PAIRS:
        jobs = int(jobs)
        with task_pool(task, jobs) as pool:
            chunks = _pair_chunks(pairs, docs, 8 * jobs)
            for _, rows in submitted_in_order(pool, call_task, chunks, ahead=2 * jobs):
                contrasts.extend(rows)
    else:
        task.add(contrasts, pairs)
    return contrasts.table(meta)


#: Pairs of groups from which :func:`pairwise_contrasts` with ``jobs > 1`` tests them in worker
#: processes. A report on 20,000 AllSides articles compares 12 outlets by default (66 pairs, about 3 s of
#: CPU, run beside the other tests); with all 124 outlets of two or more articles compared (7,626 pairs)
#: one process tested them for about 100 s while the other core had nothing to do.
PARALLEL_MIN_PAIRS = 200


@dataclass(frozen=True)
class _PairsTask:
    """What testing a pair of groups (indices into ``groups``) reads, and the tests' settings."""

    docs: _Documents
    codes: np.ndarray | None
    groups: list[Hashable]
    cue_list: list[str]
    n_permutations: int
    seed: int
    cluster: str | None

    def contrasts(self) -> _Contrasts:
        """An empty accumulator of contrasts with these settings."""
        return _Contrasts(self.cue_list, self.n_permutations, self.seed, self.cluster)

    def add(self, contrasts: _Contrasts, pairs: Sequence[tuple[int, int]]) -> None:
        """Test each pair (a before b) and add it to ``contrasts``, in the order given."""
        docs, codes, groups = self.docs, self.codes, self.groups
        for i, j in pairs:
            a, b = docs.rows(i), docs.rows(j)
            contrasts.add(
                (groups[i], groups[j]),
                np.vstack([docs.rates[a], docs.rates[b]]),
                a.stop - a.start,
                (docs.matches[i], docs.matches[j]),
                (docs.tokens[a].sum(), docs.tokens[b].sum()),
                None if codes is None else (codes[a], codes[b]),
            )

    def rows_of(self, pairs: Sequence[tuple[int, int]]) -> tuple[list[Any], ...]:
        """The contrasts of ``pairs`` on their own (in a worker): the rows :meth:`_Contrasts.extend` takes."""
        contrasts = self.contrasts()
        self.add(contrasts, pairs)
        return contrasts.rows()


def _pair_chunks(
    pairs: list[tuple[int, int]], docs: _Documents, n_chunks: int
) -> Iterator[tuple[int, tuple[str, list[tuple[int, int]]]]]:
    """``pairs`` cut into at most ``n_chunks`` runs, in order, of about equal work (a pair's permutations
    taken to cost its documents plus a fixed 100 documents' worth), as :func:`call_task` calls of
    :meth:`_PairsTask.rows_of`."""
    sizes = np.diff(docs.bounds)
    ends = np.cumsum([sizes[i] + sizes[j] + 100 for i, j in pairs], dtype=np.float64)
    # a run ends with the first pair whose cumulative cost reaches k / n_chunks of the total
    cuts = np.searchsorted(ends, ends[-1] * np.arange(1, n_chunks) / n_chunks, side="left") + 1
    bounds = [0, *sorted({int(c) for c in cuts if 0 < c < len(pairs)}), len(pairs)]
    for start, stop in itertools.pairwise(bounds):
        yield start, ("rows_of", pairs[start:stop])


def group_vs_rest(
    features: pd.DataFrame,
    *,
    cues: Sequence[str] | None = None,
    by: str = "outlet",
    order: Sequence[Hashable] | None = None,
    n_permutations: int = 2000,
    seed: int = 0,
    drop_duplicates: bool = False,
    cluster: str | None = None,
) -> pd.DataFrame:
    """Each group against all other documents pooled: one row per (cue, group).

    Same columns and tests as :func:`pairwise_contrasts`, with ``group_b = "rest"`` (every document of
    the other groups). The permutation stream is ``default_rng([seed, stream_key(group),
    stream_key("rest")])``. ``cluster`` works as in :func:`pairwise_contrasts` (the rest's outlets are
    the other side).

    >>> group_vs_rest(features, cues=["emotive"])  # doctest: +SKIP
    """
    check_resamples(n_permutations, "n_permutations")
    check_seed(seed)
    data, cue_list, groups, meta, column = prepare_documents(
        features, cues=cues, by=by, order=order, drop_duplicates=drop_duplicates, keep=_kept(cluster)
    )
    if len(groups) < 2:
        raise _too_few_groups("group_vs_rest", by, groups)
    if REST in groups:
        logger.warning("a group is itself named %r; group_b=%r still means 'all other documents'", REST, REST)
    codes = cluster_codes(data, by, cluster)
    docs = _Documents.of(data, column, cue_list, len(groups), rest=True)
    del data, column
    assert docs.rest_matches is not None
    contrasts = _Contrasts(cue_list, n_permutations, seed, _used(codes, cluster).get("cluster"))
    for i, group in enumerate(groups):
        mine = docs.rows(i)
        # the group's documents, then every other document in the table's order: the one copy of the
        # rates this contrast makes (the counts were summed per group and per rest when taken)
        values = np.concatenate([docs.rates[mine], docs.rates[: mine.start], docs.rates[mine.stop :]])
        contrasts.add(
            (group, REST),
            values,
            mine.stop - mine.start,
            (docs.matches[i], docs.rest_matches[i]),
            (docs.tokens[mine].sum(), _without(docs.tokens, mine).sum()),
            None if codes is None else (codes[mine], _without(codes, mine)),
        )
        del values
    return contrasts.table(meta)
