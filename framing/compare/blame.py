"""Blame attributions compared across groups: who blames whom, and do groups blame different actors?"""

from __future__ import annotations

import logging
import math
from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from framing.compare._checks import (
    as_bool,
    check_by,
    check_group_column,
    check_resamples,
    check_seed,
    finish,
    group_order,
    is_null_like,
    require_columns,
)
from framing.compare.resampling import PERMUTATION_CELLS, stream_key

__all__ = ["blame_association", "blame_matrix", "blamer_blamed"]

logger = logging.getLogger("framing.compare")


def prepare_attributions(
    attributions: pd.DataFrame, by: str, order: Sequence[Hashable] | None, extra: list[str]
) -> tuple[pd.DataFrame, list[Hashable], dict[str, Any]]:
    """Validate and prepare an attribution table; return (data, groups, attrs).

    A group of ``order`` with no attribution (an outlet that never blames) is kept: its tables have
    no rows or zero counts, and it is listed in ``attrs["groups_without_attributions"]``.
    """
    check_group_column(by)
    require_columns(attributions, [by, "doc_id", "blamed", "negated", *extra], "attribution")
    data = attributions[list(dict.fromkeys([by, "doc_id", "blamed", "negated", *extra]))].copy()
    meta: dict[str, Any] = {"by": by}
    missing_group = data[by].isna()
    meta["ungrouped_attributions"] = int(missing_group.sum())
    if missing_group.any():
        logger.warning("%d attribution(s) have no value in %r and are left out", int(missing_group.sum()), by)
        data = data[~missing_group]
    data["negated"] = as_bool(data["negated"], "negated")
    data["blamed"] = data["blamed"].where(~is_null_like(data["blamed"]), "undetermined")
    if "blamer" in data.columns:
        data["blamer"] = data["blamer"].where(~is_null_like(data["blamer"]), "unspecified")
    groups = group_order(data[by], order, by)
    keep = data[by].isin(groups)
    meta["excluded_attributions"] = int((~keep).sum())
    data = data[keep]
    data["_group_pos"] = data[by].map({g: i for i, g in enumerate(groups)})
    meta["groups"] = list(groups)
    present = set(data[by])
    meta["groups_without_attributions"] = [g for g in groups if g not in present]
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
    check_by(by, columns[1:])
    data, groups, meta = prepare_attributions(attributions, by, order, extra)
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
    return finish(out, meta, include_negated=include_negated)


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


def _chi_squares(tables: np.ndarray) -> np.ndarray:
    """Pearson's chi-square of each contingency table of ``tables`` (tables x groups x actors)."""
    tables = tables.astype(float)
    expected = tables.sum(axis=2, keepdims=True) * tables.sum(axis=1, keepdims=True)
    expected /= tables.sum(axis=(1, 2), keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        cells = np.where(expected > 0, (tables - expected) ** 2 / expected, 0.0)
    return cells.reshape(len(tables), -1).sum(axis=1)


def _tables(group_codes: np.ndarray, actor_code: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Group x actor counts of the attributions: one table per row of ``group_codes``."""
    rows, cells = group_codes.shape[0], shape[0] * shape[1]
    flat = group_codes.astype(np.int64) * shape[1] + actor_code + (np.arange(rows) * cells)[:, None]
    return np.bincount(flat.ravel(), minlength=rows * cells).reshape(rows, *shape)


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
    check_resamples(n_permutations, "n_permutations")
    check_seed(seed)
    data, groups, meta = prepare_attributions(attributions, by, order, [])
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
        observed = float(_chi_squares(_tables(group_code[None, :], actor_code, shape))[0])
        documents, doc_index = np.unique(data["doc_id"].astype(str).to_numpy(), return_inverse=True)
        doc_group = np.zeros(len(documents), dtype=np.int64)
        doc_group[doc_index] = group_code
        rng = np.random.default_rng([seed, stream_key("blame_association")])
        # Permutation r is rng.permutation(doc_group) drawn r-th: Generator.permuted shuffles the rows
        # of the tiled labels one after the other from the same stream, in blocks of bounded size.
        exceed = 0
        block = max(1, min(n_permutations, PERMUTATION_CELLS // max(len(doc_index), len(doc_group))))
        for start in range(0, n_permutations, block):
            rows = min(block, n_permutations - start)
            shuffled = rng.permuted(np.tile(doc_group, (rows, 1)), axis=1)
            chi = _chi_squares(_tables(shuffled[:, doc_index], actor_code, shape))
            exceed += int(np.count_nonzero(chi >= observed - 1e-9))
        row["chi_square"] = observed
        row["cramers_v"] = math.sqrt(observed / (len(data) * (min(shape) - 1)))
        row["p_value"] = (1 + exceed) / (1 + n_permutations)
    return finish(pd.DataFrame([row]), meta, seed=seed)
