"""How the report writes numbers: one format per kind of column, the same in every table and sentence.

The CSV tables keep full precision; this module is for what people read (``index.html``, ``report.md``
and the summary in words). The kind of a column is read from its name:

* ``p`` - p- and q-values: three decimals, ``< 0.001`` below that (never ``0.000``);
* ``count`` - documents, tokens, matches, attributions: whole numbers with thousands separators;
* ``index`` - seeds, ranks, folds, sentence numbers, degrees of freedom: whole numbers, no separators;
* ``rate`` - rates per 1,000 tokens and their interval bounds: two decimals;
* ``number`` - everything else (effect sizes, ratios, shares, statistics, scores): two decimals, with
  thousands separators, and scientific notation only for non-zero values that two decimals would show
  as 0.00 or -0.00 (``3.2e-04``).

>>> format_cell(0.00002, "q_value"), format_cell(1234, "tokens"), format_cell(2.345, "mean_rate")
('< 0.001', '1,234', '2.35')
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

__all__ = [
    "P_FLOOR",
    "are",
    "column_kind",
    "counted",
    "format_cell",
    "format_number",
    "format_p",
    "format_rate",
    "p_relation",
]

#: p- and q-values below this are written "< 0.001".
P_FLOOR = 0.001

_P = re.compile(r"(^|_)(p|q)(_value)?$|^p_|^q_")
_INDEX = re.compile(r"^(seed|rank|fold|df|sentence_id|n_splits|year)$")
_COUNT = re.compile(
    r"(^|_)(documents|tokens|matches|attributions|sentences|count|total|negated|duplicates|groups|cues"
    r"|actors|n_resamples|n_permutations|n)(_|$)|^(count|total|n)_"
)
_RATE = re.compile(r"(^|_)rate(_|$)|^ci_(low|high)$|^mean_difference$")


def column_kind(name: Any) -> str:
    """The kind of a report column from its name: ``p``, ``index``, ``count``, ``rate`` or ``number``.

    >>> [column_kind(c) for c in ("q_value", "seed", "documents_a", "rate_a", "rate_ratio", "share")]
    ['p', 'index', 'count', 'rate', 'number', 'number']
    """
    name = str(name).lower()
    if _P.search(name):
        return "p"
    if _INDEX.match(name):
        return "index"
    if "ratio" in name or "share" in name:  # rate_ratio, ratio_vs_rest, share_with_cue: not counts or rates
        return "number"
    if _RATE.search(name):
        return "rate"
    if _COUNT.search(name):
        return "count"
    return "number"


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, (float, np.floating)) and math.isnan(value))


def format_p(value: Any) -> str:
    """A p- or q-value: ``< 0.001`` or three decimals; ``n/a`` when missing.

    >>> format_p(0.0), format_p(0.0123), format_p(float("nan"))
    ('< 0.001', '0.012', 'n/a')
    """
    if _missing(value):
        return "n/a"
    return f"< {P_FLOOR}" if float(value) < P_FLOOR else f"{float(value):.3f}"


def p_relation(value: Any) -> str:
    """A p- or q-value with its relation, to follow its symbol in a sentence: ``< 0.001`` or ``= 0.012``.

    >>> "q " + p_relation(0.00001), "p " + p_relation(0.5)
    ('q < 0.001', 'p = 0.500')
    """
    text = format_p(value)
    return text if text.startswith("<") or text == "n/a" else f"= {text}"


def format_rate(value: Any) -> str:
    """A rate per 1,000 tokens (or an interval bound): two decimals; ``n/a`` when missing."""
    return "n/a" if _missing(value) else f"{float(value):,.2f}"


def format_number(value: Any, digits: int = 2) -> str:
    """An effect size, ratio, share or statistic: ``digits`` decimals with thousands separators.

    Non-zero values too small to show at ``digits`` decimals use scientific notation; infinite ratios
    are written ``∞``.

    >>> format_number(0.1234), format_number(12345.678), format_number(0.0003), format_number(float("inf"))
    ('0.12', '12,345.68', '3.0e-04', '∞')
    """
    if _missing(value):
        return "n/a"
    value = float(value)
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    if value != 0 and abs(value) < 0.5 * 10**-digits:
        return f"{value:.1e}"
    return f"{value:,.{digits}f}"


def format_cell(value: Any, column: Any = "", *, separators: bool = True) -> str:
    """``value`` of column ``column`` as the report shows it in a table (empty for a missing number).

    Text is returned as it is (escaping is the caller's business); booleans as ``True``/``False``.
    ``separators=False`` leaves thousands separators out (for a value a program parses back).
    """
    if isinstance(value, (bool, np.bool_, str)):
        return str(value)
    if _missing(value):
        return ""
    if not isinstance(value, (int, float, np.integer, np.floating)):
        return str(value)
    kind = column_kind(column)
    if kind == "p":
        text = format_p(value)
    elif kind in ("count", "index"):
        if float(value).is_integer():
            text = f"{int(value):,}" if kind == "count" else str(int(value))
        else:
            text = format_number(value)
    elif kind == "rate":
        text = format_rate(value)
    elif isinstance(value, (int, np.integer)):
        text = f"{int(value):,}"
    else:
        text = format_number(value)
    return text if separators else text.replace(",", "")


def counted(count: int, noun: str, nouns: str | None = None) -> str:
    """``count`` (thousands separators) and ``noun`` in the number it takes: "1 outlet", "1,024 outlets".

    ``nouns`` is the plural when it is not ``noun`` + "s"; underscores read as spaces (``story_id``).

    >>> counted(1, "document"), counted(1442, "document"), counted(2, "story_id")
    ('1 document', '1,442 documents', '2 story ids')
    """
    singular = noun.replace("_", " ")
    plural = nouns or (singular if singular.endswith("s") else f"{singular}s")
    return f"{count:,} {singular if count == 1 else plural}"


def are(count: int) -> str:
    """The verb for ``count`` things: "is" for one, "are" otherwise."""
    return "is" if count == 1 else "are"
