"""Lexicon coverage per language: what was measured in which language, and what was not.

A document is matched only against the lexicons of its language (and those without a language). A
language with no cue lexicon gives zeros that mean "not measured", not "no emotive wording"; these
helpers make that visible in every place that shows counts: the feature tables (the
``language_supported`` column), the terminal (:func:`coverage_lines`) and the report (the
``languages`` table and its warnings).

>>> from framing.features import build_matcher                                 # doctest: +SKIP
>>> language_coverage(framing.extract(corpus), build_matcher())                  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import pandas as pd

from framing.language import LANGUAGE_NAMES
from framing.matcher import CueMatcher

__all__ = [
    "COVERAGE_COLUMNS",
    "CoverageTally",
    "coverage_lines",
    "language_coverage",
    "supported",
    "unsupported_warning",
]

#: Columns of :func:`language_coverage`.
COVERAGE_COLUMNS = ["language", "documents", "tokens", "matches", "supported", "lexicons"]


def supported(matcher: CueMatcher, language: str | None) -> bool:
    """Whether some cue lexicon of ``matcher`` is applied to documents in ``language``."""
    return bool(matcher.lexicons_for(language))


def _match_columns(features: pd.DataFrame, matcher: CueMatcher) -> list[str]:
    return [c for f in matcher.families for c in (f"{f}_count", f"{f}_negated") if c in features.columns]


def language_coverage(features: pd.DataFrame, matcher: CueMatcher) -> pd.DataFrame:
    """One row per language of a document feature table: documents, word tokens, cue matches (negated
    included), whether any cue lexicon applies (``supported``) and the lexicons applied (``;``-joined)."""
    tally = CoverageTally(matcher)
    tally.add(features)
    return tally.table()


class CoverageTally:
    """Coverage counts accumulated over a stream of feature tables (the CLI writes tables in chunks)."""

    def __init__(self, matcher: CueMatcher) -> None:
        self.matcher = matcher
        self.counts: dict[str, list[int]] = {}

    def add(self, features: pd.DataFrame) -> None:
        """Count one document-level feature table (sentence tables: tokens and matches, not documents)."""
        if "language" not in features.columns or features.empty:
            return
        columns = _match_columns(features, self.matcher)
        matches = features[columns].sum(axis=1) if columns else pd.Series(0, index=features.index)
        by_document = "sentence_id" not in features.columns
        frame = pd.DataFrame(
            {"language": features["language"].astype(str), "tokens": features["tokens"], "matches": matches}
        )
        for language, group in frame.groupby("language", sort=True):
            row = self.counts.setdefault(str(language), [0, 0, 0])
            row[0] += len(group) if by_document else 0
            row[1] += int(group["tokens"].sum())
            row[2] += int(group["matches"].sum())

    def watch(self, tables: Iterable[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        """Pass ``tables`` through, counting each."""
        for table in tables:
            self.add(table)
            yield table

    def table(self) -> pd.DataFrame:
        """The coverage table (:data:`COVERAGE_COLUMNS`), one row per language, sorted."""
        rows = [
            {
                "language": language,
                "documents": documents,
                "tokens": tokens,
                "matches": matches,
                "supported": supported(self.matcher, language),
                "lexicons": ";".join(self.matcher.lexicons_for(language)),
            }
            for language, (documents, tokens, matches) in sorted(self.counts.items())
        ]
        return pd.DataFrame(rows, columns=COVERAGE_COLUMNS)


def unsupported_warning(language: str, documents: int) -> str:
    """The warning for documents in a language without any cue lexicon."""
    name = LANGUAGE_NAMES.get(language, language)
    return (
        f"language {language} ({name}): {documents} documents, no cue lexicon for this language; their cue "
        "counts are 0 because nothing was measured, not because no cue occurs (add a lexicon with "
        f"'# language: {language}' via --lexicon)"
    )


def coverage_lines(coverage: pd.DataFrame) -> list[str]:
    """Terminal lines: one per language (documents, tokens, matches, lexicons), then the warnings."""
    if coverage.empty:
        return []
    lines = []
    for row in coverage.itertuples(index=False):
        documents = f"{row.documents} documents, " if row.documents else ""
        lexicons = row.lexicons.replace(";", ", ") if row.supported else "none"
        lines.append(
            f"language {row.language}: {documents}{row.tokens} tokens, {row.matches} cue matches; "
            f"lexicons: {lexicons}"
        )
    for row in coverage.itertuples(index=False):
        if not row.supported:
            lines.append("warning: " + unsupported_warning(row.language, int(row.documents)))
    return lines


def _as_dict(coverage: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {k: (bool(v) if k == "supported" else int(v) if k in {"documents", "tokens", "matches"} else v)
         for k, v in row.items()}
        for row in coverage.to_dict("records")
    ]  # fmt: skip
