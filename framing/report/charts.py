"""Charts of the comparison tables: matplotlib figures made to be read in print.

Every function takes one of the tidy tables of :mod:`framing.compare` (or the feature table of
:func:`framing.extract`) and returns a :class:`matplotlib.figure.Figure`; :func:`save_figure` writes it
as PNG (150 dpi) and SVG. Figures are built with the object API only (``Figure(...)``, never
``pyplot``), so no global figure state is created or leaked and any matplotlib backend setting is
left alone; rendering goes through Agg (PNG) and the SVG backend.

Conventions:

* groups (outlets, or whatever ``by`` names) are shown in sorted order unless ``order=`` gives them,
  and each group keeps one colour in every chart: :func:`group_colors` assigns the colour-blind safe
  Okabe–Ito palette by position in that order (pass the same ``colors=`` to every chart);
* rates are per 1,000 word tokens and every axis says so;
* text from the corpus (outlet names, terms) is drawn literally: ``$`` never starts mathtext.

>>> from framing.compare import outlet_summary                              # doctest: +SKIP
>>> fig = rates_by_outlet(outlet_summary(features))                          # doctest: +SKIP
>>> save_figure(fig, "figures/rates")   # figures/rates.png, figures/rates.svg  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import functools
import math
import textwrap
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

from framing.io.atomic import open_atomic
from framing.report.palette import OKABE_ITO, PALETTE, TOL_DARK, distinct_sorted, group_colors

__all__ = [
    "OKABE_ITO",
    "PALETTE",
    "TOL_DARK",
    "blame_matrix_chart",
    "cue_heatmap",
    "cue_label",
    "distinctive_terms_chart",
    "distributions_chart",
    "group_colors",
    "rates_by_outlet",
    "rates_over_time_chart",
    "save_figure",
]

_LINESTYLES = ("-", "--", ":", "-.")
_MARKERS = ("o", "s", "^", "D")
RATE_UNIT = "per 1,000 tokens"

# Applied while a chart is built and saved: print-sized text, no mathtext from corpus strings, stable
# SVG ids (svg.hashsalt) so the same figure gives the same file.
_STYLE: dict[str, Any] = {
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.fontsize": 8,
    "figure.titlesize": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "text.parse_math": False,
    "text.usetex": False,
    "svg.hashsalt": "framing",
    "svg.fonttype": "path",
    "savefig.facecolor": "white",
    "figure.facecolor": "white",
    # the PNG is drawn straight from the canvas: a user's matplotlibrc must not crop or clear the SVG alone
    "savefig.bbox": "standard",
    "savefig.transparent": False,
}

F = TypeVar("F", bound=Callable[..., Any])


def _styled(function: F) -> F:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with matplotlib.rc_context(_STYLE):
            return function(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


# ----------------------------------------------------------------------------------------------------
# Shared helpers
# ----------------------------------------------------------------------------------------------------


def cue_label(cue: str) -> str:
    """Readable name of a cue column stem: ``hedging_attribution`` -> ``hedging attribution``."""
    return str(cue).replace("_", " ")


def _groups(values: Iterable[Hashable], order: Sequence[Hashable] | None) -> list[Hashable]:
    """Groups present in ``values``: sorted, or in ``order`` (groups absent from the data left out)."""
    present = [v for v in dict.fromkeys(values) if not (isinstance(v, float) and math.isnan(v))]
    if order is None:
        return distinct_sorted(present)
    wanted = set(present)
    return [g for g in order if g in wanted]


def _colors_for(groups: list[Hashable], colors: Mapping[Hashable, str] | None) -> dict[Hashable, str]:
    fallback = group_colors(groups, order=groups)
    if colors is None:
        return fallback
    return {g: colors.get(g, fallback[g]) for g in groups}


def _cues(table: pd.DataFrame, cue: str | Sequence[str] | None, column: str = "cue") -> list[str]:
    if cue is None:
        return list(dict.fromkeys(table[column].tolist())) if column in table.columns else []
    if isinstance(cue, str):
        return [cue]
    return list(cue)


def _require(table: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(f"{what}: table is missing column(s) {', '.join(map(repr, missing))}")


def _grid(n: int, ncols: int) -> tuple[int, int]:
    ncols = max(1, min(ncols, n))
    return math.ceil(n / ncols), ncols


def _empty(fig: Figure, message: str, title: str) -> Figure:
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color="0.3")
    _title(ax, title)
    return fig


def _wrap(text: Any, width: int = 24, lines: int = 3) -> str:
    """A group name on at most ``lines`` lines of about ``width`` characters: full names, wrapped not cut.

    Only a name longer than ``lines`` full lines is shortened (with "…"), so labels stay beside their row.

    >>> _wrap("The Washington Post (Opinion)", 16)
    'The Washington\\nPost (Opinion)'
    """
    parts = textwrap.wrap(" ".join(str(text).split()), width, break_long_words=True) or [""]
    if len(parts) > lines:
        parts = [*parts[: lines - 1], _short(" ".join(parts[lines - 1 :]), width)]
    return "\n".join(parts)


def _label_lines(groups: Sequence[Any], width: int = 24) -> int:
    """Most lines a wrapped group label takes (rows are made taller for it)."""
    return max((_wrap(g, width).count("\n") + 1 for g in groups), default=1)


def _short(text: Any, limit: int = 32) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _ink(rgba: Sequence[float]) -> str:
    """Black or white text, whichever reads better on a cell of colour ``rgba``."""
    r, g, b = rgba[:3]
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "black" if luminance > 0.5 else "white"


def _from_zero(ax: Any) -> None:
    """Rates are never negative: start the x axis just left of 0 so dots at 0 are not cut in half."""
    high = ax.get_xlim()[1]
    ax.set_xlim(-0.03 * high, high)


def _title(ax: Any, text: str) -> None:
    """``ax.set_title(text)`` at the height matplotlib's automatic placement gives it in these charts.

    The automatic placement lifts a title above whatever is drawn over the plot (x tick labels or an x
    label at the top, a y offset text such as "1e-5"); to find out, it lays out every y tick label
    again at every draw and at every constrained-layout pass (40 group names per panel). These axes draw
    nothing above the plot (x axis at the bottom, categorical y axis: no offset text), so the title
    stays at y = 1 plus the title pad either way (or at a user's ``axes.titley``, which switches the
    automatic placement off anyway). The time chart's numeric y axis is kept free of an offset text.
    """
    height = matplotlib.rcParams["axes.titley"]
    ax.set_title(text, y=1.0 if height is None else height)


def _suptitle(fig: Figure, text: str) -> None:
    """``fig.suptitle(text)``, wrapped to the figure's width: a one-line title wider than the figure is
    cut off at both edges (the dot plot's title at 3 panels; most titles at one panel).

    Lines hold at most as many characters as fit at 0.6 em each, a little wider than the average letter
    of the default font (DejaVu Sans), so a wrapped line always fits; a title that fits is unchanged.
    """
    size = FontProperties(size=matplotlib.rcParams["figure.titlesize"]).get_size_in_points()
    width = max(20, int(fig.get_figwidth() * 72 / (0.6 * size)))
    fig.suptitle("\n".join(textwrap.wrap(text, width)) or text)


def _label(by: str) -> str:
    return by.replace("_", " ")


def _dots_with_whiskers(ax: Any, points: Sequence[tuple[float, float, float, float, str]]) -> None:
    """Dots with horizontal whiskers and caps at (x, y, whisker left, whisker right, colour) each.

    Draws what ``ax.errorbar(x, y, xerr=[[left], [right]], fmt="o", capsize=3, elinewidth=1.6,
    markersize=5, markeredgecolor="black", markeredgewidth=0.5)`` draws per point, in the same order of
    layers (whiskers and caps, then dots), with a few artists per panel instead of four per point: one
    collection of whiskers, and caps and dots as one line of markers per colour (40 groups and 5 cues made
    800 artists, each drawn for the PNG and again for the SVG). The PNG is the same, pixel for pixel.
    """
    if not points:
        return
    from matplotlib.lines import Line2D

    x, y, left, right = (np.array([p[i] for p in points], dtype=float) for i in range(4))
    colours = [p[4] for p in points]
    ax.hlines(y, x - left, x + right, colors=colours, linewidth=1.6, zorder=2, label="_nolegend_")
    masks = {c: np.array([colour == c for colour in colours]) for c in dict.fromkeys(colours)}
    style = {"linestyle": "none", "markeredgewidth": 0.5, "label": "_nolegend_"}
    for colour, mask in masks.items():
        for end in (x - left, x + right):
            caps = Line2D(end[mask], y[mask], marker="|", color=colour, markersize=6, markeredgecolor=colour,
                          zorder=2, **style)  # fmt: skip
            ax.add_line(caps)
    for colour, mask in masks.items():
        dots = Line2D(x[mask], y[mask], marker="o", color=colour, markersize=5, markeredgecolor="black",
                      zorder=2.1, **style)  # fmt: skip
        ax.add_line(dots)


def _horizontal_boxplot(ax: Any, data: list[np.ndarray], positions: list[float], **kwargs: Any) -> Any:
    try:  # matplotlib >= 3.10
        return ax.boxplot(data, positions=positions, orientation="horizontal", **kwargs)
    except TypeError:  # pragma: no cover - older matplotlib
        return ax.boxplot(data, positions=positions, vert=False, **kwargs)


# ----------------------------------------------------------------------------------------------------
# Charts
# ----------------------------------------------------------------------------------------------------


@_styled
def rates_by_outlet(
    summary: pd.DataFrame,
    cue: str | Sequence[str] | None = None,
    *,
    by: str = "outlet",
    order: Sequence[Hashable] | None = None,
    colors: Mapping[Hashable, str] | None = None,
    ncols: int = 3,
) -> Figure:
    """Mean rate per 1,000 tokens of each group with its bootstrap interval (dot and whisker).

    ``summary`` is :func:`framing.compare.outlet_summary`. With one ``cue`` one panel is drawn; with
    ``cue=None`` (or a list) one panel per cue (small multiples, each with its own x scale). Group
    labels carry the number of documents.
    """
    _require(summary, [by, "cue", "mean_rate", "ci_low", "ci_high"], "rates_by_outlet")
    cues = _cues(summary, cue)
    groups = _groups(summary[by], order)
    palette = _colors_for(groups, colors)
    confidence = float(summary["confidence"].iloc[0]) if "confidence" in summary and len(summary) else 0.95
    rows, columns = _grid(max(1, len(cues)), ncols)
    row = 0.28 + 0.13 * (_label_lines(groups) - 1)  # inches per group: wrapped names need room
    height = row * len(groups) * rows + 1.0 * rows + 0.6
    fig = Figure(figsize=(3.1 * columns + 1.2, height), layout="constrained")
    title = f"Mean cue rate {RATE_UNIT}, with {confidence:.0%} bootstrap intervals"
    if not cues or not groups:
        return _empty(fig, "no data", title)
    axes = fig.subplots(rows, columns, squeeze=False, sharey=True)
    positions = {g: len(groups) - 1 - i for i, g in enumerate(groups)}  # first group on top
    for index, name in enumerate(cues):
        ax = axes[index // columns][index % columns]
        part = summary[summary["cue"] == name]
        points = []
        for group, mean, ci_low, ci_high in zip(
            part[by], part["mean_rate"], part["ci_low"], part["ci_high"], strict=True
        ):
            if group not in positions or pd.isna(mean):
                continue
            low = max(0.0, mean - ci_low) if pd.notna(ci_low) else 0.0
            high = max(0.0, ci_high - mean) if pd.notna(ci_high) else 0.0
            points.append((float(mean), float(positions[group]), low, high, palette[group]))
        _dots_with_whiskers(ax, points)
        _title(ax, cue_label(name))
        ax.set_xlabel(f"mean rate {RATE_UNIT}")
        _from_zero(ax)
        ax.grid(axis="x", color="0.9", linewidth=0.6)
        ax.set_axisbelow(True)
        ax.set_ylim(-0.6, len(groups) - 0.4)
    documents = {}
    if "documents" in summary.columns:
        documents = summary.drop_duplicates(by).set_index(by)["documents"].to_dict()
    labels = [f"{_wrap(g, 24)} (n={int(documents[g])})" if g in documents else _wrap(g, 24) for g in groups]
    for row_axes in axes:
        row_axes[0].set_yticks([positions[g] for g in groups], labels)
    for index in range(len(cues), rows * columns):
        axes[index // columns][index % columns].set_axis_off()
    _suptitle(fig, title)
    return fig


@_styled
def cue_heatmap(
    summary: pd.DataFrame,
    *,
    by: str = "outlet",
    order: Sequence[Hashable] | None = None,
    cues: Sequence[str] | None = None,
    normalise: bool = True,
) -> Figure:
    """Group x cue heatmap of mean rates per 1,000 tokens, each cell annotated with its mean rate.

    With ``normalise=True`` (default) the colour of a cell is its rate divided by the highest group's
    rate for that cue (each column scaled to 0–1, so rare and frequent cues are equally readable); the
    colour-bar label says so. With ``normalise=False`` the colour is the rate itself.
    """
    _require(summary, [by, "cue", "mean_rate"], "cue_heatmap")
    cue_list = list(cues) if cues is not None else _cues(summary, None)
    groups = _groups(summary[by], order)
    fig = Figure(figsize=(1.0 * len(cue_list) + 2.8, 0.42 * len(groups) + 1.6), layout="constrained")
    title = f"Mean cue rates {RATE_UNIT} by {_label(by)}"
    if not cue_list or not groups:
        return _empty(fig, "no data", title)
    wide = summary.pivot_table(index=by, columns="cue", values="mean_rate", aggfunc="first")
    wide = wide.reindex(index=groups, columns=cue_list)
    values = wide.to_numpy(dtype=float)
    if normalise:
        column_max = np.nanmax(np.where(np.isnan(values), -np.inf, values), axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            shown = np.where(column_max > 0, values / column_max, 0.0)
        label = "mean rate ÷ highest group's mean rate\n(normalised per column; cells show the rate)"
        vmin, vmax = 0.0, 1.0
    else:
        shown = values
        label = f"mean rate {RATE_UNIT}"
        vmin, vmax = 0.0, float(np.nanmax(values)) if np.isfinite(np.nanmax(values)) else 1.0
    ax = fig.add_subplot()
    cmap = matplotlib.colormaps["cividis"]
    image = ax.imshow(np.ma.masked_invalid(shown), cmap=cmap, vmin=vmin, vmax=vmax or 1.0, aspect="auto")
    # in_layout=False: a cell's number is drawn inside its cell, so it cannot widen the margins the
    # constrained layout computes; left in the layout, each of the (up to 200) numbers is laid out
    # again in each layout pass only to be found inside the axes
    for i in range(len(groups)):
        for j in range(len(cue_list)):
            if np.isnan(values[i, j]):
                ax.text(j, i, "–", ha="center", va="center", color="0.4", in_layout=False)
                continue
            colour = _ink(cmap((shown[i, j] - vmin) / ((vmax or 1.0) - vmin)))
            ax.text(j, i, f"{values[i, j]:.1f}", ha="center", va="center", color=colour, fontsize=8,
                    in_layout=False)  # fmt: skip
    ax.set_xticks(range(len(cue_list)), [cue_label(c) for c in cue_list], rotation=30, ha="right")
    ax.set_yticks(range(len(groups)), [_wrap(g, 28) for g in groups])
    ax.set_xlabel("cue")
    ax.set_ylabel(_label(by))
    for spine in ax.spines.values():
        spine.set_visible(False)
    fig.colorbar(image, ax=ax, label=label, shrink=0.9)
    _title(ax, title)
    return fig


@_styled
def blame_matrix_chart(
    matrix: pd.DataFrame,
    *,
    by: str = "outlet",
    order: Sequence[Hashable] | None = None,
    actors: Sequence[str] | None = None,
    max_actors: int = 12,
) -> Figure:
    """Group x blamed actor: the share of each group's blame attributions that target each actor.

    ``matrix`` is :func:`framing.compare.blame_matrix`. Cells are annotated with the share and the
    number of attributions. Actors are ordered by their total number of attributions ("undetermined"
    last); at most ``max_actors`` are drawn unless ``actors`` lists them.
    """
    _require(matrix, [by, "blamed", "attributions", "share"], "blame_matrix_chart")
    groups = _groups(matrix[by], order)
    if actors is None:
        totals = matrix.groupby("blamed")["attributions"].sum()
        named = sorted((a for a in totals.index if a != "undetermined"), key=lambda a: (-totals[a], str(a)))
        actor_list = named[:max_actors] + (["undetermined"] if "undetermined" in totals.index else [])
    else:
        actor_list = list(actors)
    fig = Figure(figsize=(0.95 * len(actor_list) + 3.0, 0.42 * len(groups) + 1.8), layout="constrained")
    title = f"Whom the blame attributions of each {_label(by)} target"
    if not actor_list or not groups:
        return _empty(fig, "no blame attributions found", title)
    share = matrix.pivot_table(index=by, columns="blamed", values="share", aggfunc="first")
    count = matrix.pivot_table(index=by, columns="blamed", values="attributions", aggfunc="first")
    share = share.reindex(index=groups, columns=actor_list).fillna(0.0).to_numpy(dtype=float)
    count = count.reindex(index=groups, columns=actor_list).fillna(0).to_numpy(dtype=float)
    ax = fig.add_subplot()
    cmap = matplotlib.colormaps["Blues"]
    image = ax.imshow(share, cmap=cmap, vmin=0, vmax=1, aspect="auto")
    for i in range(len(groups)):
        for j in range(len(actor_list)):
            ax.text(
                j,
                i,
                f"{share[i, j]:.0%}\n({int(count[i, j])})",
                ha="center",
                va="center",
                color=_ink(cmap(share[i, j])),
                fontsize=7.5,
                linespacing=1.1,
                in_layout=False,  # inside its cell (as in cue_heatmap)
            )
    ax.set_xticks(range(len(actor_list)), [_short(a, 22) for a in actor_list], rotation=30, ha="right")
    ax.set_yticks(range(len(groups)), [_wrap(g, 28) for g in groups])
    ax.set_xlabel("blamed actor")
    ax.set_ylabel(_label(by))
    for spine in ax.spines.values():
        spine.set_visible(False)
    label = f"share of the {_label(by)}'s blame attributions\n(negated ones excluded; count in brackets)"
    fig.colorbar(image, ax=ax, shrink=0.9, label=label)
    _title(ax, title)
    return fig


@_styled
def distinctive_terms_chart(
    distinctive: pd.DataFrame,
    top_n: int = 10,
    *,
    group_col: str = "group",
    order: Sequence[Hashable] | None = None,
    colors: Mapping[Hashable, str] | None = None,
    ncols: int = 3,
    by: str = "group",
    title: str | None = None,
) -> Figure:
    """Per group, its ``top_n`` terms with the highest z-score (small multiples of horizontal bars).

    ``distinctive`` is :func:`framing.compare.distinctive_terms` (z-scores of log-odds ratios with an
    informative Dirichlet prior, group against the rest). Only over-represented terms (z > 0) are
    drawn; a dotted line marks z = 1.96. ``by`` names the kind of group in labels (e.g. ``"outlet"``).
    """
    _require(distinctive, [group_col, "term", "z_score"], "distinctive_terms_chart")
    groups = _groups(distinctive[group_col], order)
    palette = _colors_for(groups, colors)
    title = title or f"Most distinctive terms of each {_label(by)}"
    rows, columns = _grid(max(1, len(groups)), ncols)
    fig = Figure(figsize=(3.2 * columns + 0.6, (0.2 * top_n + 0.9) * rows + 0.5), layout="constrained")
    if not groups:
        return _empty(fig, "no terms", title)
    axes = fig.subplots(rows, columns, squeeze=False)
    for index, group in enumerate(groups):
        ax = axes[index // columns][index % columns]
        part = distinctive[(distinctive[group_col] == group) & (distinctive["z_score"] > 0)]
        part = part.sort_values(["z_score", "term"], ascending=[False, True], kind="mergesort").head(top_n)
        _title(ax, _wrap(group, 36, lines=2))
        if part.empty:
            ax.text(
                0.5,
                0.5,
                "no over-represented terms",
                ha="center",
                va="center",
                transform=ax.transAxes,
                color="0.4",
            )
            ax.set_yticks([])
        else:
            y = np.arange(len(part))[::-1]
            ax.barh(
                y,
                part["z_score"].to_numpy(dtype=float),
                color=palette[group],
                edgecolor="black",
                linewidth=0.4,
                height=0.7,
            )
            ax.set_yticks(y, [_short(t, 26) for t in part["term"]])
            ax.set_ylim(-0.6, top_n - 0.4)
            ax.axvline(1.96, color="0.35", linestyle=":", linewidth=0.9)
        ax.set_xlabel(f"z-score vs the other {_label(by)}s")
        ax.set_xlim(left=0)
    for index in range(len(groups), rows * columns):
        axes[index // columns][index % columns].set_axis_off()
    _suptitle(fig, f"{title} (log-odds ratio z-score; dotted line: z = 1.96)")
    return fig


_FREQ_WORDS = {"D": "day", "W": "week", "M": "month", "Q": "quarter", "Y": "year"}


@_styled
def rates_over_time_chart(
    rates_over_time: pd.DataFrame,
    cue: str | Sequence[str] | None = None,
    *,
    by: str = "outlet",
    order: Sequence[Hashable] | None = None,
    colors: Mapping[Hashable, str] | None = None,
    ncols: int = 2,
) -> Figure:
    """Pooled rate per 1,000 tokens of each group per period (one line per group).

    ``rates_over_time`` is :func:`framing.compare.rates_over_time`; the period length is read from its
    ``attrs["freq"]`` (default: day). One panel for one ``cue``, or one per cue (``cue=None`` or a list)
    with one shared legend.
    """
    _require(rates_over_time, [by, "period", "cue", "pooled_rate"], "rates_over_time_chart")
    cues = _cues(rates_over_time, cue)
    groups = _groups(rates_over_time[by], order)
    palette = _colors_for(groups, colors)
    period = _FREQ_WORDS.get(str(rates_over_time.attrs.get("freq", "D")), "period")
    rows, columns = _grid(max(1, len(cues)), ncols)
    fig = Figure(figsize=(4.4 * columns + 0.4, 2.5 * rows + 0.9), layout="constrained")
    title = f"Cue rates {RATE_UNIT} per {period}, pooled over each {_label(by)}'s documents"
    if not cues or not groups:
        return _empty(fig, "no dated documents", title)
    import matplotlib.dates as mdates

    axes = fig.subplots(rows, columns, squeeze=False, sharex=True)
    handles: dict[Hashable, Any] = {}
    for index, name in enumerate(cues):
        ax = axes[index // columns][index % columns]
        part = rates_over_time[rates_over_time["cue"] == name]
        for position, group in enumerate(groups):
            series = part[part[by] == group].sort_values("period")
            if series.empty:
                continue
            dates = pd.to_datetime(series["period"]).to_numpy()
            cycle = position // len(PALETTE)
            (line,) = ax.plot(
                dates,
                series["pooled_rate"].to_numpy(dtype=float),
                color=palette[group],
                linestyle=_LINESTYLES[cycle % len(_LINESTYLES)],
                marker=_MARKERS[cycle % len(_MARKERS)],
                markersize=3.5,
                linewidth=1.3,
                label=_wrap(group, 28),
            )
            handles.setdefault(group, line)
            if len(groups) > len(OKABE_ITO):  # past 8 colours a legend is hard to match: label each line
                end = (dates[-1], float(series["pooled_rate"].iloc[-1]))
                ax.annotate(_short(group, 18), end, xytext=(3, 0), textcoords="offset points", fontsize=6,
                            color=palette[group], va="center")  # fmt: skip
        _title(ax, cue_label(name))
        ax.set_ylabel(f"rate {RATE_UNIT}")
        ax.set_ylim(bottom=0)
        # plain numbers, never an offset text above the axis: a rate per 1,000 tokens lies in [0, 1000],
        # where the default formatter writes plain numbers anyway; so nothing can push the title up
        ax.ticklabel_format(axis="y", style="plain", useOffset=False)
        ax.grid(axis="y", color="0.9", linewidth=0.6)
        locator = mdates.AutoDateLocator(maxticks=6)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    for index in range(len(cues), rows * columns):
        axes[index // columns][index % columns].set_axis_off()
    for index in range(len(cues)):
        if index + columns >= len(cues):  # nothing drawn below: this panel shows the dates
            ax = axes[index // columns][index % columns]
            ax.xaxis.set_tick_params(labelbottom=True)
            ax.set_xlabel(f"{period} (date)")
    if handles:
        shown = [g for g in groups if g in handles]
        fig.legend(
            [handles[g] for g in shown],
            [_wrap(g, 28) for g in shown],
            loc="outside lower center",
            ncols=min(6, len(shown)),
            frameon=False,
        )
    _suptitle(fig, title)
    return fig


@_styled
def distributions_chart(
    features: pd.DataFrame,
    cue: str | Sequence[str] | None = None,
    *,
    by: str = "outlet",
    order: Sequence[Hashable] | None = None,
    colors: Mapping[Hashable, str] | None = None,
    ncols: int = 3,
    max_dots: int = 60,
) -> Figure:
    """Per-document rates per 1,000 tokens of each group: a dot plot with summary marks.

    ``features`` is the document feature table of :func:`framing.extract` (``<cue>_rate`` columns).
    ``cue=None`` draws one panel per family in ``features.attrs["cue_families"]`` (or every
    ``<cue>_rate`` column with a ``<cue>_count``). Dots are spread vertically in ``doc_id`` order (no
    randomness), so the chart is reproducible. The box marks the quartiles and the median, a white
    diamond the mean. A group with more than ``max_dots`` documents gets ``max_dots`` dots at evenly
    spaced quantiles of its rates (a quantile dot plot: each dot stands for as many documents; the box and
    the mean still summarise every document, and the title says so): thousands of overlapping dots add
    nothing to read and make the SVG huge (7.6 MB at 20,000 articles).
    """
    _require(features, [by], "distributions_chart")
    if cue is None:
        families = features.attrs.get("cue_families") or [
            c[: -len("_rate")]
            for c in features.columns
            if str(c).endswith("_rate") and f"{str(c)[: -len('_rate')]}_count" in features.columns
        ]
        cues = [c for c in families if f"{c}_rate" in features.columns]
    else:
        cues = [cue] if isinstance(cue, str) else list(cue)
    _require(features, [f"{c}_rate" for c in cues], "distributions_chart")
    data = features[features[by].notna()]
    if "tokens" in data.columns:
        data = data[pd.to_numeric(data["tokens"], errors="coerce") > 0]
    if "doc_id" in data.columns:
        data = data.assign(_key=data["doc_id"].astype(str)).sort_values("_key", kind="mergesort")
    groups = _groups(data[by], order)
    palette = _colors_for(groups, colors)
    rows, columns = _grid(max(1, len(cues)), ncols)
    fig = Figure(figsize=(3.1 * columns + 1.2, (0.38 * len(groups) + 0.9) * rows + 0.5), layout="constrained")
    title = f"Cue rates {RATE_UNIT} of single documents (box: quartiles; ◇: mean; dot: one document)"
    thinned = bool(groups) and int(data.loc[data[by].isin(groups), by].value_counts().max()) > max_dots
    if thinned:
        title = title[:-1] + f"; at most {max_dots} dots per {_label(by)}, at evenly spaced quantiles)"
    if not cues or not groups:
        return _empty(fig, "no documents", title)
    axes = fig.subplots(rows, columns, squeeze=False, sharey=True)
    positions = [float(len(groups) - 1 - i) for i in range(len(groups))]
    for index, name in enumerate(cues):
        ax = axes[index // columns][index % columns]
        samples = [data.loc[data[by] == g, f"{name}_rate"].to_numpy(dtype=float) for g in groups]
        parts = _horizontal_boxplot(
            ax,
            samples,
            positions,
            widths=0.6,
            patch_artist=True,
            showfliers=False,
            medianprops={"color": "black", "linewidth": 1.2},
            whiskerprops={"color": "0.3"},
            capprops={"color": "0.3"},
        )
        for box, group in zip(parts["boxes"], groups, strict=True):
            box.set_facecolor(palette[group])
            box.set_alpha(0.35)
            box.set_edgecolor("0.3")
        # the mean of every document, not of the dots drawn; markers (a Line2D), not a scatter, and one
        # line of markers for the panel, not one per group (the same pixels: the markers do not overlap)
        means = [(float(np.mean(s)), p) for s, p in zip(samples, positions, strict=True) if len(s)]
        if means:
            ax.plot([x for x, _ in means], [y for _, y in means], marker="D", markersize=5, color="white",
                    markeredgecolor="black", markeredgewidth=0.8, linestyle="none", zorder=4)  # fmt: skip
        for sample, position, group in zip(samples, positions, groups, strict=True):
            if len(sample) > max_dots:
                sample = np.quantile(sample, np.linspace(0, 1, max_dots))
            if len(sample):
                offsets = np.linspace(-0.18, 0.18, len(sample)) if len(sample) > 1 else np.zeros(1)
                ax.scatter(
                    sample,
                    position + offsets,
                    s=12,
                    color=palette[group],
                    edgecolors="black",
                    linewidths=0.4,
                    zorder=3,
                )
        _title(ax, cue_label(name))
        ax.set_xlabel(f"rate {RATE_UNIT}")
        _from_zero(ax)
        ax.grid(axis="x", color="0.9", linewidth=0.6)
        ax.set_axisbelow(True)
    counts = {g: len(s) for g, s in zip(groups, samples, strict=True)} if cues else {}
    for row_axes in axes:
        row_axes[0].set_yticks(positions, [f"{_wrap(g, 24)} (n={counts.get(g, 0)})" for g in groups])
    for index in range(len(cues), rows * columns):
        axes[index // columns][index % columns].set_axis_off()
    _suptitle(fig, title)
    return fig


# ----------------------------------------------------------------------------------------------------
# Saving
# ----------------------------------------------------------------------------------------------------


def save_figure(
    fig: Figure, path: str | Path, *, dpi: int = 150, formats: Sequence[str] = ("png", "svg")
) -> list[Path]:
    """Write ``fig`` as ``<path>.png`` (``dpi``) and ``<path>.svg``; return the paths written.

    ``path`` has no suffix (``figures/rates`` gives ``figures/rates.png`` and ``figures/rates.svg``).
    Each file is written to a temporary file in the same folder and renamed into place, so a reader
    never sees half a file. The output is deterministic: no creation date in the SVG, fixed SVG ids.

    The layout (constrained layout, the costliest step) is computed once, by the first format written;
    the other formats are drawn with it, once each (``savefig`` would lay out and draw every file twice).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    written = []
    with matplotlib.rc_context(_STYLE):
        for index, fmt in enumerate(formats):
            target = path.parent / f"{path.name}.{fmt}"
            with open_atomic(target, "wb") as stream:
                if fmt == "png":
                    _save_png(fig, stream, dpi)
                elif index == 0:
                    fig.savefig(stream, format=fmt, dpi=dpi, metadata=_metadata(fmt))
                else:
                    with _layout_kept(fig):
                        fig.savefig(stream, format=fmt, dpi=dpi, metadata=_metadata(fmt))
            written.append(target)
    return written


def _metadata(fmt: str) -> dict[str, Any] | None:
    return {"Date": None} if fmt == "svg" else None


@contextlib.contextmanager
def _layout_kept(fig: Figure) -> Iterator[None]:
    """Drawn without its layout engine: the axes stay where the last draw placed them, and ``savefig``
    skips the extra layout pass it makes for a figure with a layout engine."""
    engine = fig.get_layout_engine()
    # set_layout_engine(None) would switch on a layout the user's matplotlibrc asks for
    with matplotlib.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
        fig.set_layout_engine(None)
    try:
        yield
    finally:
        if engine is not None:
            fig.set_layout_engine(engine)


#: zlib level of the PNG: see _save_png
_PNG_COMPRESS_LEVEL = 7


def _save_png(fig: Figure, stream: Any, dpi: int) -> None:
    """The PNG with a 256-colour palette: about a third of the bytes of full colour (the report page
    inlines every chart) and no visible change for flat-coloured charts.

    Drawn once on an Agg canvas whose pixels are quantised directly (``savefig`` would lay the figure
    out twice and encode a full-colour PNG only to decode it again). Compressed at zlib level 7, not 9
    (``optimize=True``): on the seven charts of the 20,000-article report level 9 took 1.1 s CPU for
    899 KB, level 7 0.2 s for 976 KB (8 % more bytes); the pixels are the same.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image  # matplotlib's own dependency

    canvas, figure_dpi = fig.canvas, fig.dpi
    patch = fig.patch
    colours = patch.get_facecolor(), patch.get_edgecolor()
    try:
        # what savefig does: the saving dpi and the savefig.facecolor / edgecolor background
        fig.dpi = dpi
        for setter, key in (
            (patch.set_facecolor, "savefig.facecolor"),
            (patch.set_edgecolor, "savefig.edgecolor"),
        ):
            if matplotlib.rcParams[key] != "auto":
                setter(matplotlib.rcParams[key])
        agg = FigureCanvasAgg(fig)
        agg.draw()
        image = Image.fromarray(np.asarray(agg.buffer_rgba())).convert("RGB")  # a copy of the pixels
    finally:
        fig.dpi = figure_dpi
        patch.set_facecolor(colours[0])
        patch.set_edgecolor(colours[1])
        fig.set_canvas(canvas)
    flat = image.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    flat.save(stream, format="png", compress_level=_PNG_COMPRESS_LEVEL)
