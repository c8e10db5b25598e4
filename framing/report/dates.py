"""Which dates the time series shows: the corpus's own range, robust to a stray date.

One article dated 2050 in coverage of 2020 would stretch the time axis over thirty empty years. The range
the report uses is the bulk of the dates (from the 5th to the 95th percentile, taken at observed dates)
widened on each side by twice its span and by at least :data:`MIN_MARGIN_DAYS`; documents dated outside
it stay in every other table and are counted and named in the report.
"""

from __future__ import annotations

import math

import pandas as pd

__all__ = ["MIN_MARGIN_DAYS", "corpus_date_range"]

#: Dates within this many days of the bulk of the corpus's dates are never excluded.
MIN_MARGIN_DAYS = 365


def corpus_date_range(dates: pd.Series) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The (first, last) date the time series shows, or ``None`` when no date parses.

    The bulk runs from the observed date at the 5th percentile to the one at the 95th (rounded inwards, so
    with 3 to 20 dates the extreme ones are not part of it); the range adds twice the bulk's span, and at
    least :data:`MIN_MARGIN_DAYS` days, on each side.

    >>> dates = pd.Series(["2020-03-01", "2020-03-05", "2020-04-01", "2050-01-01"])
    >>> [str(d.date()) for d in corpus_date_range(dates)]
    ['2019-03-06', '2021-04-01']
    """
    values = pd.to_datetime(dates, errors="coerce").dropna().sort_values(kind="mergesort")
    if values.empty:
        return None
    n = len(values)
    first, last = math.ceil(0.05 * (n - 1)), math.floor(0.95 * (n - 1))
    low, high = values.iloc[min(first, last)], values.iloc[max(first, last)]
    margin = max(2 * (high - low), pd.Timedelta(days=MIN_MARGIN_DAYS))
    return low - margin, high + margin
