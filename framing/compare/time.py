"""Cue rates per group and calendar period (day, week, month, quarter, year)."""

from __future__ import annotations

import logging
from collections.abc import Hashable, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from framing.compare._checks import check_by, finish, integral, parse_dates, prepare_features, require_columns
from framing.errors import OptionError

__all__ = ["Freq", "rates_over_time"]

logger = logging.getLogger("framing.compare")

Freq = Literal["D", "W", "M", "Q", "Y"]


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
    (first ten characters, ``YYYY-MM-DD``); any other non-empty value raises
    :class:`~framing.errors.InputError`.

    >>> rates_over_time(features, cues=["blame"], freq="W")  # doctest: +SKIP
    """
    if freq not in ("D", "W", "M", "Q", "Y"):
        raise OptionError(f"freq must be one of 'D', 'W', 'M', 'Q', 'Y' (day to year), got {freq!r}")
    check_by(by, ["period", "cue", "documents", "tokens", "matches", "pooled_rate"])
    require_columns(features, ["date"], "feature")
    data, cue_list, groups, meta = prepare_features(
        features, cues=cues, by=by, order=order, drop_duplicates=drop_duplicates
    )
    dates = parse_dates(data["date"])
    undated = dates.isna()
    undated_by_group = {g: int(undated[data["_group_pos"] == i].sum()) for i, g in enumerate(groups)}
    if undated.any():
        logger.warning("%d document(s) have no date and are not in any period", int(undated.sum()))
    # the undated documents stay in the table with no period, which groupby leaves out: a copy of the
    # dated rows held a second copy of the table
    data["period"] = dates[~undated].dt.to_period(freq).dt.start_time.dt.strftime("%Y-%m-%d")
    count_cols = [f"{c}_count" for c in cue_list]
    grouped = data.groupby(["_group_pos", "period"], sort=True, dropna=True)
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
    out = integral(out, ["tokens", "matches"])
    return finish(
        out, meta, freq=freq, undated_documents=int(undated.sum()), undated_by_group=undated_by_group
    )
