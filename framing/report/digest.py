"""A few lines that say what a written report found, for the terminal (``framing report``, ``make report``).

The full summary (a dozen paragraphs) is on the page; the digest names the page, its size, what was
compared and the clearest difference, with numbers written as the page writes them.
"""

from __future__ import annotations

from framing.report.findings import ALPHA, plural
from framing.report.numbers import format_number, format_rate, p_relation
from framing.report.writing import Report

__all__ = ["digest"]


def _size(path_bytes: int) -> str:
    return f"{path_bytes / 1_000_000:.1f} MB" if path_bytes >= 100_000 else f"{path_bytes / 1000:.0f} KB"


def digest(report: Report) -> list[str]:
    """Three or four indented lines about ``report`` (to follow the page's path): the page's size, what
    was compared, how many cues and pairs differ, and the clearest difference.

    Counts use thousands separators, rates two decimals, q-values ``< 0.001`` or three decimals.
    """
    analysis, by = report.analysis, report.analysis.by
    label = plural(by)
    page = report.path / "index.html"
    size = _size(page.stat().st_size) if page.is_file() else "not written"
    groups = analysis.tables["groups"]
    compared = groups[groups[by].isin(analysis.groups)]
    lines = [
        f"  the page is {size} and self-contained (tables/*.csv, figures/ and report.md are beside it)",
        f"  {int(compared['documents'].sum()):,} documents from {len(analysis.groups):,} {label} compared"
        + (
            f" ({len(groups) - len(analysis.groups):,} more {label} in the rate tables only)"
            if len(groups) > len(analysis.groups)
            else ""
        ),
    ]
    omnibus = analysis.tables["omnibus"]
    pairwise = analysis.tables["pairwise"]
    differing = omnibus[omnibus["q_value"] < ALPHA]
    # tested within each language: a row is one cue in one language, and rates compare only within it
    within = " tests (one per cue and language)" if "language" in omnibus.columns else ""
    lines.append(
        f"  {len(differing)} of {len(omnibus)} cue{within or 's'} differ between {label} (Kruskal-Wallis, "
        f"q < {ALPHA}); {int((pairwise['q_value'] < ALPHA).sum()):,} of {len(pairwise):,} pairwise contrasts"
    )
    if len(differing):
        top = differing.sort_values(["epsilon_squared", "cue"], ascending=[False, True]).iloc[0]
        rates = analysis.tables["cue_rates"]
        rates = rates[(rates["cue"] == top["cue"]) & rates[by].isin(analysis.groups)]
        if within:
            documents = analysis.corpus.documents
            in_language = set(documents.loc[documents["language"] == top["language"], by])
            rates = rates[rates[by].isin(in_language)]
        rates = rates.sort_values(["mean_rate", by], ascending=[False, True])
        high, low = rates.iloc[0], rates.iloc[-1]
        where = f" in {top['language']}" if within else ""
        lines.append(
            f"  clearest: {top['cue']}{where} (ε² = {format_number(top['epsilon_squared'])}, "
            f"q {p_relation(top['q_value'])}): highest in {high[by]} ({format_rate(high['mean_rate'])} per "
            f"1,000 tokens), lowest in {low[by]} ({format_rate(low['mean_rate'])})"
        )
    return lines
