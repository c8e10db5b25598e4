"""The colours of the report's groups: one per group, the same in every chart.

Kept apart from :mod:`framing.report.charts` so that the process that builds a report can assign them
without importing matplotlib: with ``jobs > 1`` only the chart workers draw (and import it).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence

from framing.compare._checks import sorted_groups

__all__ = ["OKABE_ITO", "PALETTE", "TOL_DARK", "distinct_sorted", "group_colors"]

#: Okabe & Ito (2008) colour-blind safe palette; yellow and black last (weak on white / reserved).
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#F0E442", "#000000")
#: Groups 9 to 16: darker colours from Paul Tol's palettes, apart in hue or lightness from the first eight.
TOL_DARK = ("#882255", "#117733", "#332288", "#999933", "#AA4499", "#44AA99", "#661100", "#888888")
PALETTE = OKABE_ITO + TOL_DARK


def distinct_sorted(values: Iterable[Hashable]) -> list[Hashable]:
    """The distinct ``values`` in sorted order (by their text when they cannot be compared)."""
    return sorted_groups(dict.fromkeys(values))


def group_colors(groups: Iterable[Hashable], order: Sequence[Hashable] | None = None) -> dict[Hashable, str]:
    """One colour per group, by position in sorted order (or ``order``): Okabe–Ito, then :data:`TOL_DARK`.

    Pass the result as ``colors=`` to every chart so a group has the same colour everywhere. Up to 16
    groups get 16 colours; beyond, the palette repeats (lines then also differ in style and marker, and
    the time chart labels each line at its end).

    >>> group_colors(["b", "a"])
    {'a': '#E69F00', 'b': '#56B4E9'}
    """
    names = list(order) if order is not None else distinct_sorted(groups)
    return {g: PALETTE[i % len(PALETTE)] for i, g in enumerate(names)}
