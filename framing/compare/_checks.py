"""Input checks and preparation shared by every function of :mod:`framing.compare`.

Each public function of the package validates its options with the ``check_*`` helpers and its tables
with :func:`prepare_features` (document feature tables) or the attribution helpers of
:mod:`framing.compare.blame`, so a rule (which documents are left out, how groups are ordered, what a
seed may be) is written once.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from framing.dedup import is_syndicated_copy
from framing.errors import InputError, OptionError
from framing.features import cue_families

__all__ = ["MIN_RESAMPLES", "sorted_groups"]

logger = logging.getLogger("framing.compare")

#: Resampling sizes below this trigger a logged warning (Monte Carlo error of percentiles and p-values).
MIN_RESAMPLES = 1000


#: Seeds are 32-bit unsigned integers (they key numpy's random streams and are written in the tables).
SEED_LIMIT = 2**32

#: Columns that identify documents or measure them: grouping by them compares documents, not groups.
ID_COLUMNS = frozenset({"doc_id", "id", "sentence_id", "duplicate_of", "text", "url"})
COUNT_COLUMNS = frozenset({"tokens", "sentences", "characters", "words"})
FEATURE_SUFFIXES = ("_count", "_rate", "_negated", "_present", "_weighted")


def input_error(table: str, problem: str, hint: str | None = None) -> InputError:
    """An :class:`~framing.errors.InputError` about a table passed in (``feature table``, ...)."""
    return InputError(table, problem, hint=hint)


def check_resamples(n: Any, name: str) -> None:
    """Refuse a number of resamples / permutations that is not a positive integer; warn below 1,000."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise OptionError(f"{name} must be a positive integer (1,000 or more advised), got {n!r}")
    if n < MIN_RESAMPLES:
        logger.warning("%s=%d is below %d: Monte Carlo error may be noticeable", name, n, MIN_RESAMPLES)


def check_jobs(jobs: Any) -> None:
    """Refuse a number of worker processes that is not a positive integer."""
    if isinstance(jobs, bool) or not isinstance(jobs, (int, np.integer)) or jobs < 1:
        raise OptionError(f"jobs must be a positive integer, got {jobs!r}")


def check_seed(seed: Any) -> None:
    """Refuse a seed that is not an integer with ``0 <= seed < 2**32``."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < SEED_LIMIT:
        raise OptionError(f"seed must be an integer from 0 to {SEED_LIMIT - 1} (2**32 - 1), got {seed!r}")


def check_confidence(confidence: Any) -> None:
    """Refuse a confidence level outside the open interval (0, 1)."""
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float, np.number)):
        raise OptionError(f"confidence must be a number between 0 and 1 (e.g. 0.95), got {confidence!r}")
    if not 0 < confidence < 1:
        raise OptionError(f"confidence must be strictly between 0 and 1 (e.g. 0.95), got {confidence!r}")


def check_positive(value: Any, name: str, *, allow_none: bool = False) -> None:
    """Refuse an option that must be a positive integer (``top_n``, ``min_count``, ...)."""
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        extra = " or None" if allow_none else ""
        raise OptionError(f"{name} must be a positive integer{extra}, got {value!r}")


def check_group_column(by: Any) -> None:
    """Refuse a grouping column that is an id, a count or a feature column (one group per document).

    Comparing "groups" formed by ``doc_id``, ``tokens`` or ``blame_count`` compares documents with
    themselves or numbers with numbers: every test would be meaningless, so it is an option error.
    """
    if not isinstance(by, str) or not by:
        raise OptionError(f"by must name a document column such as 'outlet', got {by!r}")
    if by in ID_COLUMNS:
        problem = "it identifies single documents"
    elif by in COUNT_COLUMNS:
        problem = "it is a count, not a group"
    elif by.endswith(FEATURE_SUFFIXES):
        problem = "it is a cue feature column, not a group"
    else:
        return
    raise OptionError(
        f"cannot compare by {by!r}: {problem}; use a metadata column such as outlet, outlet_type or "
        "outlet_country"
    )


def require_columns(df: pd.DataFrame, columns: Iterable[str], table: str) -> None:
    """Raise an InputError naming the columns of ``df`` that ``columns`` needs and it lacks."""
    if not isinstance(df, pd.DataFrame):
        raise input_error(f"{table} table", f"expected a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        names = ", ".join(repr(c) for c in missing)
        present = ", ".join(map(str, df.columns))
        raise input_error(f"{table} table", f"missing column(s) {names}", f"it has: {present}")


def resolve_cues(features: pd.DataFrame, cues: Sequence[str] | None) -> list[str]:
    """The cues to compare: ``cues`` as given (checked), else the table's cue families or cue columns."""
    if isinstance(cues, str):
        cues = [cues]
    if cues is None:
        # From the columns first: attrs are lost by a merge or a CSV round trip, and falling back to
        # every count/rate pair would silently add the subcategories and change the BH correction.
        families = cue_families(features.columns) or [
            c
            for c in features.attrs.get("cue_families") or []
            if {f"{c}_count", f"{c}_rate"} <= set(features)
        ]
        if families:
            cues = list(families)
        else:
            cues = sorted(
                c[: -len("_count")]
                for c in features.columns
                if isinstance(c, str) and c.endswith("_count") and f"{c[: -len('_count')]}_rate" in features
            )
            if not cues:
                raise input_error(
                    "feature table",
                    "no cue columns: expected pairs of '<cue>_count' and '<cue>_rate'",
                    "pass the output of framing.extract",
                )
    cues = list(dict.fromkeys(cues))
    if not cues:
        raise OptionError("cues must name at least one cue (or be None for all cues of the table)")
    problems = []
    for cue in cues:
        absent = [col for col in (f"{cue}_count", f"{cue}_rate") if col not in features.columns]
        if absent:
            problems.append(f"cue {cue!r} needs column(s) {', '.join(map(repr, absent))}")
    if problems:
        known = sorted(
            c[: -len("_count")] for c in features.columns if isinstance(c, str) and c.endswith("_count")
        )
        raise OptionError(f"unknown cue(s): {'; '.join(problems)} (cues of the table: {', '.join(known)})")
    return cues


def sorted_groups(values: Iterable[Hashable]) -> list[Hashable]:
    """Group names in sorted order (by their text when they cannot be compared with each other)."""
    values = list(values)
    try:
        return sorted(values)
    except TypeError:
        return sorted(values, key=str)


def present_groups(series: pd.Series) -> list[Hashable]:
    """The distinct non-missing values of ``series``, in order of appearance."""
    unique = series.dropna().unique()
    return list(unique.tolist() if hasattr(unique, "tolist") else unique)


def group_order(
    series: pd.Series,
    order: Sequence[Hashable] | None,
    by: str,
    *,
    known: Iterable[Hashable] | None = None,
) -> list[Hashable]:
    """The groups in output order: ``order`` as given (checked) or the present values sorted.

    A group of ``order`` with no rows in ``series`` is kept (its tables have zero counts or no rows);
    only a group that is not among ``known`` (the values of the caller's whole input, when given) is
    refused, as a misspelt name.
    """
    present = present_groups(series)
    if order is None:
        return sorted_groups(present)
    if isinstance(order, str):
        raise OptionError(f"order must be a sequence of group names, not a single string ({order!r})")
    order = list(order)
    duplicated = [g for g, k in Counter(order).items() if k > 1]
    if duplicated:
        raise OptionError(f"order lists group(s) more than once: {duplicated}")
    if known is not None:
        known_set = set(known)
        unknown = [g for g in order if g not in known_set]
        if unknown:
            raise OptionError(
                f"order names group(s) that do not occur in column {by!r}: {unknown} (check the spelling)"
            )
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
    keep: Sequence[str] = (),
) -> tuple[pd.DataFrame, list[str], list[Hashable], dict[str, Any]]:
    """Validate, drop duplicates / empty / ungrouped documents, sort; return (data, cues, groups, attrs).

    ``keep`` names further columns to carry over unchanged when present (the cluster column, controls).

    Groups named in ``order`` whose documents were all left out (duplicates, no tokens) are dropped
    from the groups with a logged warning and listed in ``attrs["groups_without_documents"]``.
    """
    data, cue_list, groups, meta, _ = prepare_documents(
        features, cues=cues, by=by, order=order, drop_duplicates=drop_duplicates, keep=keep, cue_columns=True
    )
    return data, cue_list, groups, meta


def prepare_documents(
    features: pd.DataFrame,
    *,
    cues: Sequence[str] | None,
    by: str,
    order: Sequence[Hashable] | None,
    drop_duplicates: bool,
    keep: Sequence[str] = (),
    cue_columns: bool = False,
) -> tuple[pd.DataFrame, list[str], list[Hashable], dict[str, Any], Callable[[str], np.ndarray]]:
    """:func:`prepare_features`, whose table has the ``<cue>_count`` and ``<cue>_rate`` columns only with
    ``cue_columns``, and a fifth item: ``column(name)``, a numeric column of the prepared table's rows
    as a new float array (the values the table would hold). Every column is validated here either way.
    Without ``cue_columns`` the table holds only what the statistics that read ``column`` use: the
    grouping, ``tokens``, ``_group_pos`` and the ``keep`` columns (its ``doc_id``, ``date`` and sort key
    were 14 MB at 200,000 documents, beside the documents x cues array of the rates).

    Statistics that turn the cue columns into arrays read them through ``column``: a prepared copy of
    the columns and the arrays made from it were both held (at 200,000 documents and 29 subcategories,
    ~95 MB each).
    """
    check_group_column(by)
    require_columns(features, [by, "tokens"], "feature")
    cue_list = resolve_cues(features, cues)
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
        raise input_error(
            "feature table",
            f"no document has tokens > 0 and a value in {by!r}",
            "check the text column and the grouping column",
        )

    groups = group_order(data[by], order, by, known=present_groups(features[by]))
    present = set(present_groups(data[by]))
    without = [g for g in groups if g not in present]
    if without:
        logger.warning("group(s) with no document left to compare are left out: %s", without)
        groups = [g for g in groups if g in present]
    meta["groups_without_documents"] = list(without)
    in_groups = data[by].isin(groups)
    meta["excluded_documents"] = int((~in_groups).sum())
    if meta["excluded_documents"]:
        logger.info("%d document(s) of groups not in `order` are left out", meta["excluded_documents"])
        data = data[in_groups]
    meta["groups"] = list(groups)

    numeric = ["tokens"] + [f"{c}_{kind}" for c in cue_list for kind in ("count", "rate")]
    columns = [by, *numeric]
    for extra in ("doc_id", "date", *keep) if cue_columns else keep:
        if extra in data.columns and extra not in columns:
            columns.append(extra)
    # The documents in group order, then doc_id order (a stable sort). The order is found from the two
    # key columns alone and every column is copied once, already in that order: sorting a copy of the
    # columns held two copies of them at once (at 200,000 documents and 29 subcategories, ~230 MB).
    keys = pd.DataFrame({"_group_pos": data[by].map({g: i for i, g in enumerate(groups)})})
    sort_cols = ["_group_pos"]
    if "doc_id" in data.columns:
        keys["_doc_key"] = data["doc_id"].astype(str)
        sort_cols.append("_doc_key")
    keys = keys.reset_index(drop=True)
    order = keys.sort_values(sort_cols, kind="mergesort").index.to_numpy()
    ordered: dict[str, pd.Series] = {}
    for col in columns:
        values = data[col]
        if col in numeric:
            values = _numeric(values, col)
            if not cue_columns and col != "tokens":
                continue  # validated; read through column()
        ordered[col] = values.take(order).reset_index(drop=True)
    for col in sort_cols if cue_columns else ["_group_pos"]:
        ordered[col] = keys[col].take(order).reset_index(drop=True)
    source = data

    def column(name: str) -> np.ndarray:
        return _numeric(source[name], name).to_numpy(dtype=float)[order]

    return pd.DataFrame(ordered, copy=False), cue_list, groups, meta, column


def _numeric(values: pd.Series, col: str) -> pd.Series:
    """``values`` as numbers; a missing or non-numeric value is an error naming the column."""
    values = pd.to_numeric(values, errors="coerce")
    if values.isna().any():
        bad = values.isna().sum()
        raise input_error(
            "feature table",
            f"column {col!r} has {bad} missing or non-numeric value(s) among documents with tokens",
            "pass the output of framing.extract unchanged",
        )
    return values


def finish(df: pd.DataFrame, meta: dict[str, Any], **extra: Any) -> pd.DataFrame:
    """Reset the index and record ``meta`` and ``extra`` in ``df.attrs``."""
    df = df.reset_index(drop=True)
    df.attrs.update(meta)
    df.attrs.update(extra)
    return df


def check_by(by: str, reserved: Iterable[str]) -> None:
    """Refuse a grouping column that would clash with a column of the output table."""
    check_group_column(by)
    if by in set(reserved):
        raise OptionError(
            f"cannot compare by {by!r}: it is also an output column name; rename that column first"
        )


def integral(df: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """Store count columns as integers when every value is a whole number."""
    for col in columns:
        values = df[col].to_numpy(dtype=float)
        if len(values) and np.all(np.isfinite(values)) and np.all(values == np.round(values)):
            df[col] = values.astype(np.int64)
    return df


def as_bool(series: pd.Series, name: str, table: str = "attribution table") -> pd.Series:
    """``series`` as booleans, from booleans or from ``true/false``, ``1/0``, ``yes/no`` text."""
    if pd.api.types.is_bool_dtype(series):
        return series.fillna(False).astype(bool)
    mapping = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False, "": False}
    text = series.astype("string").str.strip().str.lower().fillna("")
    text = text.str.replace(r"\.0$", "", regex=True)
    unknown = ~text.isin(list(mapping))
    if unknown.any():
        found = series[unknown].unique()[:3].tolist()
        raise input_error(table, f"column {name!r} must be boolean; found {found}", "use true/false or 1/0")
    return text.map(mapping).astype(bool)


def parse_dates(series: pd.Series, table: str = "feature table") -> pd.Series:
    """``series`` as dates: datetimes, or text whose first ten characters are ``YYYY-MM-DD``."""
    if pd.api.types.is_datetime64_any_dtype(series):
        return series.dt.tz_localize(None) if getattr(series.dt, "tz", None) is not None else series
    null = is_null_like(series)
    text = series.astype("string").str.strip().str.slice(0, 10)
    parsed = pd.to_datetime(text.where(~null), format="%Y-%m-%d", errors="coerce")
    bad = parsed.isna() & ~null
    if bad.any():
        examples = series[bad].astype(str).unique()[:3].tolist()
        raise input_error(
            table,
            f"column 'date' has {int(bad.sum())} value(s) that are not ISO dates (YYYY-MM-DD): {examples}",
            "fix the dates or leave them empty",
        )
    return parsed
