"""The report's account of what was taken out of, or assumed about, the corpus before measuring: the
boilerplate lines removed (:mod:`framing.boilerplate`) and the actors suggested when none were defined
(:mod:`framing.actors`). Each part is one compact section of the page and of ``report.md``."""

from __future__ import annotations

import html
from collections.abc import Callable

import pandas as pd

from framing.boilerplate import MIN_DOCUMENTS, MIN_SHARE

__all__ = ["boilerplate_html", "boilerplate_markdown", "boilerplate_sentence", "suggested_actors_sentence"]

#: Rows of the boilerplate table shown on the page (all of them are in tables/boilerplate.csv).
SHOWN_PATTERNS = 15


def boilerplate_sentence(table: pd.DataFrame) -> str:
    """One sentence saying what was removed and by which rule."""
    if table.empty:
        return (
            "No boilerplate lines were removed (none of the shipped caption, credit, sharing or "
            f"advertisement lines, and no line in at least {MIN_DOCUMENTS} and {MIN_SHARE:.0%} of an "
            "outlet's documents), or the corpus was loaded with --keep-boilerplate."
        )
    learned = int((table["source"] == "learned").sum())
    return (
        f"{len(table)} boilerplate {'pattern was' if len(table) == 1 else 'patterns were'} removed before "
        f"measuring: {learned} learned (a line in at "
        f"least {MIN_DOCUMENTS} and {MIN_SHARE:.0%} of an outlet's documents, syndicated copies not "
        f"counted) and {len(table) - learned} shipped (caption, credit, sharing and advertisement lines). "
        "Rates, evidence offsets and distinctive words refer to the text without them; --keep-boilerplate "
        "keeps them."
    )


def _shown(table: pd.DataFrame) -> pd.DataFrame:
    shown = table.head(SHOWN_PATTERNS).copy()
    shown["pattern"] = [p if len(p) <= 100 else p[:97] + "..." for p in shown["pattern"]]
    return shown


def boilerplate_html(table: pd.DataFrame, html_table: Callable[[pd.DataFrame], str]) -> str:
    """The page section (a collapsible section of its own): the rule, the most frequent patterns, the CSV."""
    parts = ['<details class="section" id="boilerplate" open><summary><h2>Boilerplate removed</h2></summary>']
    parts.append(f"<p>{html.escape(boilerplate_sentence(table))}</p>")
    if not table.empty:
        parts.append(html_table(_shown(table)))
        more = f" ({len(table) - SHOWN_PATTERNS} more)" if len(table) > SHOWN_PATTERNS else ""
        parts.append(f'<p><a href="tables/boilerplate.csv">boilerplate.csv</a>{html.escape(more)}</p>')
    parts.append("</details>")
    return "".join(parts)


def boilerplate_markdown(
    table: pd.DataFrame, markdown_table: Callable[[pd.DataFrame], str], escape: Callable[[str], str]
) -> str:
    """The ``report.md`` section: heading, the rule, the most frequent patterns."""
    lines = ["## Boilerplate removed", "", escape(boilerplate_sentence(table)), ""]
    if not table.empty:
        lines += [markdown_table(_shown(table)), ""]
    return "\n".join(lines)


def suggested_actors_sentence(table: pd.DataFrame) -> str:
    """The summary's statement that the blame analysis runs on suggested, not researcher-defined, actors."""
    names = ", ".join(f"{row.actor} ({row.mentions} mentions)" for row in table.itertuples(index=False))
    read, total = table.attrs.get("documents_read"), table.attrs.get("documents_total")
    if read is not None and total is not None and read < total:
        names += f" (mentions counted in {read:,} of the {total:,} documents, evenly spaced)"
    return (
        "No actors are defined for this corpus, so whom each group blames is analysed with the "
        f"{len(table)} most mentioned actors suggested from the corpus itself by `framing actors suggest` "
        "(capitalised names, acronyms and demonyms, grouped by rules; not checked by a researcher): "
        f"{names}. "
        "Their aliases are in tables/suggested_actors.csv; to choose the actors, add [actors.NAME] "
        "aliases = [...] to corpus.toml (framing actors suggest prints a snippet to start from)."
    )
