"""Rendering the report: charts, the Markdown summary and the self-contained HTML page.

Every piece of corpus text (outlet names, terms, sentences, document ids) is escaped for where it goes:
HTML-escaped in ``index.html``; in ``report.md`` Markdown-significant characters are backslash-escaped
and HTML is escaped too, so a sentence can neither inject markup nor a ``javascript:`` link.
The page template and its CSS are files shipped with the package (``framing/report/templates/``).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import functools
import html
import math
import re
import string
import tempfile
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from framing.io.atomic import open_atomic
from framing.io.escape import without_controls
from framing.parallel import started_pool
from framing.report.analysis import FREQUENCY_NAMES, Analysis
from framing.report.findings import ALPHA, Example, dates_note
from framing.report.furniture import boilerplate_html, boilerplate_markdown
from framing.report.interactive import evidence_cap, evidence_json, explorer_html, inline_image, page_script
from framing.report.model import card_markdown, model_section_html, model_section_markdown
from framing.report.numbers import format_cell
from framing.report.palette import distinct_sorted, group_colors
from framing.report.stories import story_section_html, story_section_markdown
from framing.report.tables import ReportTables, as_report_tables

__all__ = [
    "ChartsAhead",
    "chart_workers",
    "draw_charts",
    "drawing_charts",
    "markdown",
    "markdown_escape",
    "page",
]


@functools.cache
def _template(name: str) -> string.Template:
    """A file of framing/report/templates (shipped as package data) as a ``$name`` template."""
    text = resources.files("framing.report").joinpath("templates", name).read_text(encoding="utf-8")
    return string.Template(text)


_CHARTS = (
    ("cue_rates", "Cue rates by {by} with 95% bootstrap intervals", "cue_rates"),
    ("cue_heatmap", "{By} x cue: mean rate relative to the cue's average", "cue_rates"),
    ("distributions", "Per-document rates by {by}", "documents"),
    ("blame_matrix", "Whom each {by} blames (share of its attributions)", "blame_matrix"),
    (
        "distinctive_cue_terms",
        "Distinctive emotive words per {by} (log-odds z-score)",
        "distinctive_cue_terms",
    ),
    ("distinctive_terms", "Distinctive words per {by} (log-odds z-score)", "distinctive_terms"),
    ("rates_over_time", "Cue rates per {by} per {period}", "rates_over_time"),
)


#: Tables of the page with more rows than this start folded (a click on their title opens them).
MAX_OPEN_ROWS = 60

#: Most groups a chart shows: beyond, the largest are drawn and the caption says so (tables have all).
MAX_CHART_GROUPS = 40


def _largest(groups: list[Any], sizes: dict[Any, int], limit: int) -> list[Any]:
    """The ``limit`` groups with the most documents (ties: first in ``groups``), kept in ``groups`` order."""
    if len(groups) <= limit:
        return list(groups)
    ranked = sorted(range(len(groups)), key=lambda i: (-sizes.get(groups[i], 0), i))
    return [groups[i] for i in sorted(ranked[:limit])]


def chart_groups(analysis: Analysis, limit: int = MAX_CHART_GROUPS) -> tuple[list[Any], list[Any]]:
    """The groups drawn in the charts: (compared groups, groups of the per-group rate charts).

    Rate charts draw every group with rates (compared or not); all other charts the compared groups.
    Each list holds at most ``limit`` groups, the largest by documents; the compared groups come first
    in the rate charts, so they are never crowded out by groups that are only rated.
    """
    return _chart_groups(analysis.by, analysis.groups, analysis.tables["groups"], limit)


def _chart_groups(
    by: str, groups: list[Any], table: pd.DataFrame, limit: int = MAX_CHART_GROUPS
) -> tuple[list[Any], list[Any]]:
    sizes = dict(zip(table[by], table["documents"], strict=True))
    compared = _largest(list(groups), sizes, limit)
    rated = [g for g in table[by] if g not in set(groups)]
    extra = _largest(rated, sizes, max(0, limit - len(compared)))
    shown = set(compared) | set(extra)
    return compared, [g for g in distinct_sorted([*groups, *rated]) if g in shown]


def _shown_note(shown: int, total: int, by: str, table: str) -> str:
    if shown >= total:
        return ""
    return f" (the {shown} largest of {total} {by}s; every {by} is in tables/{table}.csv)"


#: (name of a chart function in :mod:`charts`, the table it draws, its keyword arguments)
ChartCall = tuple[str, pd.DataFrame, dict[str, Any]]


def _chart_calls(
    by: str,
    tables: ReportTables,
    cues: list[str],
    order: list[Any],
    rated: list[Any],
    names: Sequence[str] | None = None,
) -> dict[str, ChartCall]:
    """What each chart of the page draws: (chart function of :mod:`charts`, its table, its options).

    Plain data, so a chart can be drawn in a worker process. ``names``: only these charts (default:
    all; a chart's table is read only when it is asked for).
    """
    t = tables
    # compared groups keep the palette order they always had; groups only rated continue the cycle
    colors = group_colors(rated, order=[*order, *(g for g in rated if g not in set(order))])

    def dot_plot_columns() -> pd.DataFrame:
        # the columns the dot plot reads (a worker is sent these, not the whole feature table, which a
        # report keeps on disk by now: only these are read)
        wanted = [by, "doc_id", "tokens", *(f"{cue}_rate" for cue in cues)]
        present = set(t.stored("documents").columns)
        return t.columns("documents", [c for c in dict.fromkeys(wanted) if c in present])

    def emotive() -> pd.DataFrame:
        terms = t["distinctive_cue_terms"]
        return terms[terms["cue"] == "emotive"]

    builders: dict[str, Callable[[], ChartCall]] = {
        "cue_rates": lambda: (
            "rates_by_outlet",
            t["cue_rates"],
            {"by": by, "order": rated, "colors": colors},
        ),
        "cue_heatmap": lambda: ("cue_heatmap", t["cue_rates"], {"by": by, "order": rated}),
        "distributions": lambda: (
            "distributions_chart",
            dot_plot_columns(),
            {"cue": cues, "by": by, "order": order, "colors": colors},
        ),
        "blame_matrix": lambda: ("blame_matrix_chart", t["blame_matrix"], {"by": by, "order": order}),
        "distinctive_cue_terms": lambda: (
            "distinctive_terms_chart",
            emotive(),
            {"order": order, "colors": colors, "by": by, "title": "Distinctive emotive words"},
        ),
        "distinctive_terms": lambda: (
            "distinctive_terms_chart",
            t["distinctive_terms"],
            {"order": order, "colors": colors, "by": by},
        ),
        "rates_over_time": lambda: (
            "rates_over_time_chart",
            t["rates_over_time"],
            {"cue": cues, "by": by, "order": order, "colors": colors},
        ),
    }
    return {name: builders[name]() for name in (builders if names is None else names)}


def _draw(call: ChartCall, path: Path) -> None:
    """Draw one chart and save it as ``path``.png and .svg (in this process or a worker's)."""
    from framing.report import charts  # imports matplotlib: only where charts are drawn

    function, table, options = call
    charts.save_figure(getattr(charts, function)(table, **options), path)


def draw_charts(
    analysis: Analysis, folder: Path, *, jobs: int = 1, pool: Executor | None = None
) -> dict[str, str]:
    """Draw the charts of the page into ``folder`` (PNG and SVG each); return their captions by name.

    With ``jobs > 1`` the charts are drawn in up to ``jobs`` worker processes (one chart each at a
    time), those of ``pool`` when given (see :func:`chart_workers`); the files are the same bytes as
    with ``jobs=1``.
    """
    with drawing_charts(analysis, folder, jobs=jobs, pool=pool) as captions:
        pass
    return captions


def chart_workers(jobs: int) -> ProcessPoolExecutor | None:
    """The worker processes that draw a report's charts with ``jobs`` (None for ``jobs=1``), started now.

    Started at the beginning of a report, while this process is small, and given to
    :func:`write_report` (``chart_pool``) or :func:`drawing_charts` (``pool``), the workers do not
    carry a copy of the analysis's memory (where processes start by forking, Linux; see
    :func:`framing.parallel.started_pool`). The caller shuts the pool down.
    """
    return started_pool(min(jobs, len(_CHARTS)), prepare=_import_charts) if jobs > 1 else None


def _import_charts() -> None:
    """Import matplotlib and the chart module in a chart worker as it starts (0.26 s in ``python -X
    importtime``), beside the caller, which itself never imports them when the workers draw."""
    from framing.report import charts  # noqa: F401


@contextlib.contextmanager
def drawing_charts(
    analysis: Analysis, folder: Path, *, jobs: int = 1, pool: Executor | None = None
) -> Iterator[dict[str, str]]:
    """Draw the charts of the page into ``folder`` while the ``with`` block runs; yield their captions.

    With ``jobs > 1`` the charts are drawn in worker processes while the block runs (the report writes
    its tables meanwhile) and are all written when it ends: in ``pool`` when given (it stays open, its
    owner shuts it down), else in up to ``jobs`` processes started here. With ``jobs=1`` they are drawn
    before the block. Either way the files are the same bytes as :func:`draw_charts`'.
    """
    order, rated = chart_groups(analysis)
    captions = _captions(analysis, order, rated)
    ahead = analysis.charts_ahead
    # the charts drawn while the analysis ran from these very tables are written as they were drawn
    early = [name for name in captions if ahead is not None and ahead.drew(name, analysis)]
    calls = _chart_calls(
        analysis.by, as_report_tables(analysis.tables), analysis.cues, order, rated,
        [name for name in captions if name not in early],
    )  # fmt: skip
    # a given pool draws even one chart (this process writes the tables meanwhile); one chart is not
    # worth starting a pool for
    if jobs > 1 and calls and (pool is not None or len(calls) > 1):
        # The dot plot goes first: its call carries a row per compared document, which the pool
        # holds until that chart is drawn.
        drawn = sorted(calls, key=lambda name: name != "distributions")
        # a pool started here is shut down here; a given one stays open for its owner
        started = ProcessPoolExecutor(max_workers=min(jobs, len(drawn))) if pool is None else None
        with started or contextlib.nullcontext(pool) as workers:
            futures: list[Future[None]] = []
            try:
                for name in drawn:
                    futures.append(workers.submit(_draw, calls.pop(name), folder / name))
                yield captions
                _write_drawn(ahead, early, folder)
                for future in futures:
                    future.result()
            except BaseException:
                # the charts not started are cancelled and those running are waited for: none is
                # written into the folder after this returns
                for future in futures:
                    future.cancel()
                concurrent.futures.wait(futures)
                raise
    else:
        for name in calls:
            _draw(calls[name], folder / name)
        del calls  # the block writes the tables without the charts' data beside them
        _write_drawn(ahead, early, folder)
        yield captions


def _write_drawn(ahead: ChartsAhead | None, names: list[str], folder: Path) -> None:
    """Write the files of the charts ``names`` drawn ahead (waiting for those still being drawn)."""
    if ahead is None:
        return
    for name in names:
        for suffix, data in ahead.files(name).items():
            with open_atomic(folder / f"{name}{suffix}", "wb") as stream:
                stream.write(data)


def _drawn_files(call: ChartCall) -> dict[str, bytes]:
    """Draw one chart in a temporary folder (in a worker process); return its files' bytes by suffix."""
    with tempfile.TemporaryDirectory(prefix="framing-chart-") as folder:
        _draw(call, Path(folder) / "chart")
        return {path.suffix: path.read_bytes() for path in sorted(Path(folder).iterdir())}


class ChartsAhead:
    """The charts of an analysis drawn in worker processes while the analysis goes on.

    :func:`framing.report.analyse` given a ``chart_pool`` submits the charts once the tables they draw
    are complete (:meth:`submit`), so the workers draw while the analysis's single-process steps
    leave a core idle; the report's writer then writes the files drawn (:meth:`files`) instead of
    drawing them again, the same bytes. A chart is taken from here only while the analysis still has
    the very table objects, groups and cues it was drawn from (:meth:`drew`); a table replaced since is
    drawn again by the writer.
    """

    def __init__(
        self, pool: Executor, by: str, groups: list[Any], cues: list[str], tables: ReportTables
    ) -> None:
        self._pool = pool
        self._by, self._groups, self._cues, self._tables = by, list(groups), list(cues), tables
        self._order, self._rated = _chart_groups(by, groups, tables["groups"])
        self._drawn: dict[str, tuple[Future[dict[str, bytes]], list[object]]] = {}

    def submit(self, has_actors: bool, *, waiting: Collection[str] = ()) -> None:
        """Start drawing the page's charts in the pool's workers, those not submitted yet whose tables
        are complete: all but the charts of the tables named in ``waiting`` (a later call submits them)
        and the dot plot: its call, a row per compared document, made here raised the 200,000-article
        report's peak from 687 to 812 MB (698 MB without it, one run each); the writer draws it."""
        names = [
            name
            for name in _page_charts(has_actors)
            if name != "distributions" and name not in self._drawn and _CHART_TABLES[name] not in waiting
        ]
        calls = _chart_calls(self._by, self._tables, self._cues, self._order, self._rated, names)
        for name, call in calls.items():
            inputs = [self._tables.held(table) for table in ("groups", _CHART_TABLES[name])]
            self._drawn[name] = (self._pool.submit(_drawn_files, call), inputs)

    def drew(self, name: str, analysis: Analysis) -> bool:
        """Whether chart ``name`` was drawn here from the tables, groups and cues ``analysis`` has now."""
        if name not in self._drawn or not isinstance(analysis.tables, ReportTables):
            return False
        if (analysis.by, list(analysis.groups), list(analysis.cues)) != (self._by, self._groups, self._cues):
            return False
        tables = ("groups", _CHART_TABLES[name])
        now = [analysis.tables.held(table) if table in analysis.tables else None for table in tables]
        return all(a is b for a, b in zip(now, self._drawn[name][1], strict=True))

    def files(self, name: str) -> dict[str, bytes]:
        """The files of chart ``name`` (suffix -> bytes), once drawn; a drawing error is raised here."""
        return self._drawn[name][0].result()

    def cancel(self) -> None:
        """Cancel the charts not started (the analysis failed: none will be written)."""
        for future, _ in self._drawn.values():
            future.cancel()


#: the table each chart draws (besides ``groups``, which chooses the groups shown)
_CHART_TABLES = {name: table for name, _, table in _CHARTS}


def _page_charts(has_actors: bool) -> list[str]:
    """The charts the page shows, in its order: without actors every attribution is "undetermined",
    and a one-column blame matrix says nothing."""
    return [name for name, _, _ in _CHARTS if has_actors or name != "blame_matrix"]


def _captions(analysis: Analysis, order: list[Any], rated: list[Any]) -> dict[str, str]:
    """The caption of each chart the page shows, by name, in the page's order."""
    by, t = analysis.by, analysis.tables
    label = by.replace("_", " ")
    period = FREQUENCY_NAMES.get(analysis.metadata["parameters"]["time_frequency"], "period")
    total_rated = len(t["groups"])
    written = {}
    shown = _page_charts(bool(analysis.corpus.actors))
    for name, caption, table in _CHARTS:
        if name not in shown:
            continue
        if table == "cue_rates":
            note = _shown_note(len(rated), total_rated, label, table)
        else:
            note = _shown_note(len(order), len(analysis.groups), label, table)
        if name == "rates_over_time":  # issue 10: stray and missing dates said where the time chart is
            dates = dates_note(analysis.metadata["corpus"].get("implausible_dates") or {})
            note += f".{dates}" if dates else ""
        written[name] = caption.format(by=label, By=label.capitalize(), period=period) + note
    return written


_SHOWN_TABLES = (
    ("groups", "Documents per {by}", None),
    ("cue_rates", "Cue rates per {by} (per 1,000 tokens)",
     ["{by}", "cue", "documents", "tokens", "matches", "mean_rate", "ci_low", "ci_high", "share_with_cue"]),
    ("omnibus", "Do the {by}s differ? Kruskal-Wallis per cue", None),
    ("pairwise", "Pairwise contrasts with q < 0.05",
     ["cue", "group_a", "group_b", "rate_a", "rate_b", "rate_ratio", "cliffs_delta", "p_value", "q_value"]),
    ("vs_rest", "Each {by} against the rest",
     ["cue", "group_a", "documents_a", "rate_a", "rate_b", "rate_ratio", "cliffs_delta", "q_value",
      "n_clusters_a", "n_clusters_b", "note"]),
    ("rate_model", "Rate model: incidence-rate ratio of each {by} against a reference (count regression, "
     "log-tokens offset)",
     ["cue", "group", "reference", "n_clusters", "irr", "ci_low", "ci_high", "q_value", "model", "note"]),
    ("phrases", "Characteristic two-word phrases per {by} (log-likelihood, over-used vs the rest)", None),
    ("blame_matrix", "Whom each {by} blames", None),
    ("blame_association", "Do the {by}s blame different actors?", None),
    ("blamed_by_article", "Who the articles of each {by} blame (per-article blame profile)", None),
    ("separability", "Separability of the {by}s from cue rates", None),
)  # fmt: skip


def _shown(analysis: Analysis, name: str, columns: list[str] | None) -> pd.DataFrame:
    table = analysis.tables[name]
    if name == "pairwise":
        table = table[table["q_value"] < ALPHA]
    if columns is not None:
        table = table[
            [c.format(by=analysis.by) for c in columns if c.format(by=analysis.by) in table.columns]
        ]
    return table


def _cell(value: Any, column: Any = "") -> str:
    """A table cell as the page and report.md show it: one format per column kind (report.numbers)."""
    return format_cell(value, column)


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-!|~])")


def markdown_escape(text: Any) -> str:
    """``text`` made inert in Markdown: HTML escaped, Markdown syntax backslash-escaped, one line.

    Corpus text can then neither open a link (``[x](javascript:...)``), nor insert raw HTML, nor start
    a heading, list or table cell.

    >>> markdown_escape("[click](javascript:alert(1)) <b>")
    '\\\\[click\\\\]\\\\(javascript:alert\\\\(1\\\\)\\\\) &lt;b&gt;'
    """
    flat = " ".join(str(text).splitlines())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(flat, quote=False))


def _markdown_cell(value: Any, column: Any = "") -> str:
    # numbers are written by us; anything else may come from the corpus
    return markdown_escape(value) if isinstance(value, str) else _cell(value, column)


def _markdown_table(table: pd.DataFrame) -> str:
    header = "| " + " | ".join(markdown_escape(c) for c in table.columns) + " |"
    rule = "|" + "|".join("---" for _ in table.columns) + "|"
    rows = ["| " + " | ".join(_markdown_cell(v, c) for v, c in zip(row, table.columns, strict=True)) + " |"
            for row in table.itertuples(index=False)]  # fmt: skip
    return "\n".join([header, rule, *rows]) if len(table.columns) else "(empty)"


def heading(analysis: Analysis, title: str | None = None) -> str:
    """The report's heading (plain text): ``title`` if given, else "Framing comparison: <corpus title>"."""
    if title and title.strip():
        return " ".join(title.split())
    return f"Framing comparison: {analysis.corpus.title or analysis.corpus.name or 'corpus'}"


def markdown(analysis: Analysis, captions: dict[str, str], title: str | None = None) -> str:
    lines = [f"# {markdown_escape(heading(analysis, title))}", "", "## Summary", ""]
    for finding in analysis.findings:
        lines.append(f"- {markdown_escape(finding.text)}")
        for example in finding.examples:
            lines.append(f"  - {markdown_escape(example.group)}, {markdown_escape(example.doc_id)} sentence "
                         f"{example.sentence_id}: > {_markdown_quote(example)}")  # fmt: skip
    lines.append("")
    for chart, caption in captions.items():
        lines += [f"![{caption}](figures/{chart}.png)", ""]
    for table_name, title, columns in _SHOWN_TABLES:
        if table_name not in analysis.tables:  # blamed_by_article: only when the corpus defines actors
            continue
        lines += [f"## {title.format(by=analysis.by.replace('_', ' '))}", "",
                  _markdown_table(_shown(analysis, table_name, columns)), ""]  # fmt: skip
    if "model_prevalence" in analysis.tables:  # issue 11: shown apart from the lexicon tables
        card = card_markdown(analysis.metadata["model"])
        table = analysis.tables["model_prevalence"]
        lines.append(model_section_markdown(card, table, analysis.by, _markdown_table))
    if "within_story" in analysis.tables:  # issue 10: the groups compared within shared stories
        lines.append(story_section_markdown(analysis.tables, analysis.by, _markdown_table, markdown_escape))
    lines.append(boilerplate_markdown(analysis.tables["boilerplate"], _markdown_table, markdown_escape))
    lines += ["## Example sentences", ""]
    for example in analysis.examples:
        where = f"{markdown_escape(example.doc_id)} sentence {example.sentence_id}"
        lines.append(f"- **{markdown_escape(example.group)} / {markdown_escape(example.cue)}** {where}: "
                     f"{_markdown_quote(example)}")  # fmt: skip
    lines += ["", "Every table is in `tables/` as CSV; parameters, versions and the corpus hash are in "
              "`metadata.json`.", ""]  # fmt: skip
    return without_controls("\n".join(lines))


def _markdown_quote(example: Example) -> str:
    pieces, cursor = [], 0
    for start, end in example.spans:
        if start < cursor:
            continue
        if start < 0:
            continue
        before, marked = example.sentence[cursor:start], example.sentence[start:end]
        pieces += [markdown_escape(before), "**", markdown_escape(marked), "**"]
        cursor = end
    pieces.append(markdown_escape(example.sentence[cursor:]))
    return "".join(pieces)


def _highlight(example: Example) -> str:
    """The sentence HTML-escaped, with its matched spans in ``<mark>``."""
    pieces, cursor = [], 0
    for start, end in example.spans:
        if start < cursor or start < 0:
            continue
        pieces.append(html.escape(example.sentence[cursor:start]))
        pieces.append(f"<mark>{html.escape(example.sentence[start:end])}</mark>")
        cursor = end
    pieces.append(html.escape(example.sentence[cursor:]))
    return "".join(pieces)


def _html_table(table: pd.DataFrame) -> str:
    """A sortable, filterable table: numbers formatted per column kind, the exact value in ``data-v``."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in table.columns)
    body = []
    for row in table.itertuples(index=False):
        cells = []
        for value, column in zip(row, table.columns, strict=True):
            numeric = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
                value, (bool, np.bool_)
            )
            shown = html.escape(_cell(value, column))
            if numeric:
                exact = "" if math.isnan(value) else repr(float(value))
                cells.append(f'<td class="num" data-v="{exact}">{shown}</td>')
            else:
                cells.append(f"<td>{shown}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table class="data"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def _quote_html(example: Example) -> str:
    source = html.escape(f"{example.doc_id} · sentence {example.sentence_id}")
    note = f' <span class="note">{html.escape(example.note)}</span>' if example.note else ""
    return f"<blockquote>{_highlight(example)}<cite>{source}{note}</cite></blockquote>"


def _section(anchor: str, title: str) -> str:
    """Opens a collapsible top-level section (closed by ``</details>``), open by default."""
    return f'<details class="section" id="{anchor}" open><summary><h2>{title}</h2></summary>'


def page(
    analysis: Analysis, captions: dict[str, str], figures: Path | None = None, title: str | None = None
) -> str:
    """The report page: one self-contained HTML file (see :mod:`framing.report.interactive`).

    With ``figures`` (the folder the charts were saved in) each chart is inlined as a PNG ``data:`` URI,
    so the page alone carries everything; without it the images refer to ``figures/*.png``.
    """
    by = analysis.by.replace("_", " ")
    title = html.escape(heading(analysis, title))
    parts = [_section("summary", "Summary")]
    for finding in analysis.findings:
        parts.append(f'<div class="finding"><p>{html.escape(finding.text)}</p>')
        parts.extend(_quote_html(example) for example in finding.examples)
        parts.append("</div>")
    parts.append("</details>" + _section("charts", "Charts"))
    sources = {chart: table for chart, _, table in _CHARTS}
    for chart, caption in captions.items():
        alt = html.escape(caption)
        png = figures / f"{chart}.png" if figures is not None else None
        image = (
            inline_image(png, alt)
            if png is not None and png.is_file()
            else (f'<img src="figures/{chart}.png" alt="{alt}">')
        )
        parts.append(
            f'<figure id="figure-{chart}">{image}'
            f'<figcaption>{alt} (<a href="figures/{chart}.svg">SVG</a>, data: '
            f'<a href="tables/{sources[chart]}.csv">CSV</a>)</figcaption></figure>'
        )
    parts.append(
        "</details>" + _section("tables", "Tables")
        + '<p class="caveat">Click a column header to sort, type in the box above a table to filter its '
        "rows. Rates per 1,000 tokens and effect sizes to 2 decimals, p- and q-values to 3 (&lt; 0.001 "
        "below); the CSV files beside this page (tables/) keep full precision.</p>"
    )  # fmt: skip
    for table_name, table_title, columns in _SHOWN_TABLES:
        if table_name not in analysis.tables:  # e.g. blamed_by_article exists only with actors
            continue
        caption = html.escape(table_title.format(by=by))
        shown = _shown(analysis, table_name, columns)
        # long tables start folded, so the page stays navigable at 379 outlets
        is_open = " open" if len(shown) <= MAX_OPEN_ROWS else ""
        parts.append(f'<details class="table"{is_open}><summary>{caption} ({len(shown):,} rows)</summary>')
        parts.append(_html_table(shown))
        parts.append(f'<p><a href="tables/{table_name}.csv">{table_name}.csv</a></p></details>')
    evidence = analysis.evidence or analysis.examples
    quoted = Counter((e.group, e.cue) for e in analysis.examples)
    cap = evidence_cap(len(analysis.groups), len(analysis.cues), at_least=max(quoted.values(), default=3))
    parts.append(
        "</details>"
        + _section("explorer-section", f"Evidence explorer: sentences per {html.escape(by)} and cue")
        + explorer_html(evidence, analysis.groups, analysis.cues, by, cap)
    )  # fmt: skip
    parts.append(
        "</details>"
        + _section("evidence", f"Evidence: the most typical sentences per {html.escape(by)} and cue")
        + f"<p>Sentences that use the {html.escape(by)}'s most frequent terms "
        "of the cue; matched terms are highlighted (negated matches left out). All matches are in "
        '<a href="tables/examples.csv">examples.csv</a>; the blame attributions in '
        '<a href="tables/blame_attributions.csv">blame_attributions.csv</a>.</p>'
    )  # fmt: skip
    for group in analysis.groups:
        parts.append(f"<h3>{html.escape(str(group))}</h3>")
        for cue in analysis.cues:
            chosen = [e for e in analysis.examples if e.group == group and e.cue == cue]
            if chosen:
                parts.append(f"<h4>{html.escape(cue)}</h4>")
                parts.extend(_quote_html(example) for example in chosen)
    if "model_prevalence" in analysis.tables:  # issue 11: closes the evidence section, opens its own
        card = card_markdown(analysis.metadata["model"])
        table = analysis.tables["model_prevalence"]
        parts.append(model_section_html(card, table, analysis.by, _html_table))
    if "within_story" in analysis.tables:  # issue 10: closes the section before it, opens its own
        parts.append(story_section_html(analysis.tables, analysis.by, _html_table))
    meta = analysis.metadata
    parts.append("</details>" + boilerplate_html(analysis.tables["boilerplate"], _html_table))
    parts.append(_section("method", "Method and reproducibility") + "<ul>")
    items = [
        f"framing {meta['toolkit']['version']}; lexicons: "
        + ", ".join(f"{lex['name']} {lex['version']}" for lex in meta["lexicons"]),
        f"seed {meta['parameters']['seed']}, {meta['parameters']['bootstrap_resamples']} bootstrap "
        f"resamples, {meta['parameters']['permutations']} permutations, α = {ALPHA}",
        f"corpus content hash (SHA-256): {meta['corpus']['content_hash']}",
        "All tables: tables/*.csv; parameters and versions: metadata.json",
    ]
    parts.extend(f"<li>{html.escape(item)}</li>" for item in items)
    parts.append("</ul></details>")
    # substitute() with every value escaped above: corpus text cannot reach the template unescaped
    # (control characters, which no escape makes valid HTML, are replaced in the whole page)
    return without_controls(
        _template("page.html").substitute(
            title=title,
            style=_template("report.css").template,
            body="\n".join(parts),
            evidence=evidence_json(evidence, analysis.groups, analysis.cues, cap),
            script=page_script(),
        )
    )
