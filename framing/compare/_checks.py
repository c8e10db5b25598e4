"""Input checks and preparation shared by every function of :mod:`framing.compare`.

Each public function of the package validates its options with the ``check_*`` helpers and its tables
with :func:`prepare_features` (document feature tables) or the attribution helpers of
:mod:`framing.compare.blame`, so a rule (which documents are left out, how groups are ordered, what a
seed may be) is written once.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["MIN_RESAMPLES", "sorted_groups"]

logger = logging.getLogger("framing.compare")

#: Resampling sizes below this trigger a logged warning (Monte Carlo error of percentiles and p-values).
MIN_RESAMPLES = 1000


def check_resamples(n: int, name: str) -> None:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"{name} must be a positive integer, got {n!r}")
    if n < MIN_RESAMPLES:
        logger.warning("%s=%d is below %d: Monte Carlo error may be noticeable", name, n, MIN_RESAMPLES)


def check_seed(seed: Any) -> None:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")


def check_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be strictly between 0 and 1, got {confidence!r}")


def require_columns(df: pd.DataFrame, columns: Iterable[str], table: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        names = ", ".join(repr(c) for c in missing)
        present = ", ".join(map(str, df.columns))
        raise ValueError(f"{table} table is missing column(s) {names}; it has: {present}")


def resolve_cues(features: pd.DataFrame, cues: Sequence[str] | None) -> list[str]:
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


def sorted_groups(values: Iterable[Hashable]) -> list[Hashable]:
    values = list(values)
    try:
        return sorted(values)
    except TypeError:
        return sorted(values, key=str)


def present_groups(series: pd.Series) -> list[Hashable]:
    unique = series.dropna().unique()
    return list(unique.tolist() if hasattr(unique, "tolist") else unique)


def group_order(series: pd.Series, order: Sequence[Hashable] | None, by: str) -> list[Hashable]:
    present = present_groups(series)
    if order is None:
        return sorted_groups(present)
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


def is_null_like(series: pd.Series) -> pd.Series:
    null = series.isna()
    if series.dtype == object or pd.api.types.is_string_dtype(series):
        null = null | series.astype("string").str.strip().eq("").fillna(True)
    return null


def prepare_features(
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
    require_columns(features, [by, "tokens"], "feature")
    cue_list = resolve_cues(features, cues)
    data = features
    meta: dict[str, Any] = {"by": by, "cues": list(cue_list)}

    dropped = 0
    if drop_duplicates:
        if "duplicate_of" in data.columns:
            is_copy = ~is_null_like(data["duplicate_of"])
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

    groups = group_order(data[by], order, by)
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


def finish(df: pd.DataFrame, meta: dict[str, Any], **extra: Any) -> pd.DataFrame:
    df = df.reset_index(drop=True)
    df.attrs.update(meta)
    df.attrs.update(extra)
    return df


def check_by(by: str, reserved: Iterable[str]) -> None:
    if by in set(reserved):
        raise ValueError(f"by={by!r} clashes with an output column name; rename that column first")


def integral(df: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """Store count columns as integers when every value is a whole number."""
    for col in columns:
        values = df[col].to_numpy(dtype=float)
        if len(values) and np.all(np.isfinite(values)) and np.all(values == np.round(values)):
            df[col] = values.astype(np.int64)
    return df


def as_bool(series: pd.Series, name: str) -> pd.Series:
    if pd.api.types.is_bool_dtype(series):
        return series.fillna(False).astype(bool)
    mapping = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False, "": False}
    text = series.astype("string").str.strip().str.lower().fillna("")
    text = text.str.replace(r"\.0$", "", regex=True)
    unknown = ~text.isin(list(mapping))
    if unknown.any():
        raise ValueError(f"column {name!r} must be boolean; found {series[unknown].unique()[:3].tolist()}")
    return text.map(mapping).astype(bool)


def parse_dates(series: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(series):
        return series.dt.tz_localize(None) if getattr(series.dt, "tz", None) is not None else series
    null = is_null_like(series)
    text = series.astype("string").str.strip().str.slice(0, 10)
    parsed = pd.to_datetime(text.where(~null), format="%Y-%m-%d", errors="coerce")
    bad = parsed.isna() & ~null
    if bad.any():
        examples = series[bad].astype(str).unique()[:3].tolist()
        raise ValueError(
            f"column 'date' has {int(bad.sum())} value(s) that are not ISO dates (YYYY-MM-DD): {examples}"
        )
    return parsed
