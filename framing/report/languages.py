"""The report across languages (issue 12): outlets are compared within a language unless asked otherwise.

Lexicons differ by language (their entries, their size, the morphology behind them), so a rate of
Russian hedging and a rate of English hedging are not measurements on one scale. By default the
report's tests (omnibus, pairwise, group vs rest, separability, distinctive wording) run within each
language and the tables gain a ``language`` column; ``across_languages=True`` pools all documents, with
a note. Documents in a language without any cue lexicon are not compared at all (their zeros are not
measurements); the summary, the terminal and ``metadata.json`` say how many were left out.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any

import pandas as pd

from framing.language import LANGUAGE_NAMES, UNDETERMINED, document_languages
from framing.matcher import CueMatcher
from framing.report.numbers import are, counted

__all__ = ["LanguagePlan", "plan_languages"]


class LanguagePlan:
    """Which languages the report compares, and how.

    Attributes:
        languages: the supported languages of the compared documents, sorted.
        unsupported: language -> documents left out because no cue lexicon covers it.
        within: whether the tests run within each language (several languages, not pooled).
        lexicons: language -> the cue lexicons applied to it.
    """

    def __init__(
        self,
        languages: list[str],
        unsupported: dict[str, int],
        within: bool,
        lexicons: dict[str, list[str]],
    ) -> None:
        self.languages = languages
        self.unsupported = unsupported
        self.within = within
        self.lexicons = lexicons

    @property
    def multilingual(self) -> bool:
        return len(self.languages) > 1

    def notes(self, by: str) -> list[str]:
        """Sentences for the report summary (and the terminal)."""
        notes = []
        for language, documents in sorted(self.unsupported.items()):
            name = LANGUAGE_NAMES.get(language, language)
            notes.append(
                f"Warning: {counted(documents, 'document')} in {name} ({language}) {are(documents)} left"
                " out of every comparison: no cue lexicon covers that language, so their zero counts would"
                " not be measurements."
            )
        if self.multilingual:
            applied = "; ".join(f"{lang}: {', '.join(self.lexicons[lang])}" for lang in self.languages)
            if self.within:
                notes.append(
                    f"The documents are in {len(self.languages)} languages ({', '.join(self.languages)}); "
                    f"{by} groups are tested against each other within each language (the tables have a "
                    f"language column), because the lexicons differ by language ({applied}). Use "
                    "--across-languages to pool them."
                )
            else:
                notes.append(
                    f"The documents are in {len(self.languages)} languages ({', '.join(self.languages)}) and "
                    f"are compared across languages on request (--across-languages): the lexicons differ by "
                    f"language ({applied}), so a difference between groups of different languages may be "
                    "one of the instruments rather than of the framing."
                )
        return notes

    def metadata(self) -> dict[str, Any]:
        return {
            "languages": self.languages,
            "within_language": self.within,
            "unsupported_documents": dict(sorted(self.unsupported.items())),
            "lexicons": {lang: self.lexicons[lang] for lang in self.languages},
        }


def plan_languages(
    documents: pd.DataFrame, matcher: CueMatcher, across_languages: bool
) -> tuple[pd.DataFrame, LanguagePlan]:
    """``documents`` (with a ``language`` column) without the unsupported languages, and the plan."""
    if "language" not in documents.columns or documents["language"].isna().any():
        documents = documents.assign(language=document_languages(documents))
    counts = documents["language"].value_counts()
    undetermined = documents["language"] == UNDETERMINED
    if undetermined.any() and len(counts) > 1:
        # no letters, nothing to measure in any language: they go with the corpus's main language
        main = counts.drop(UNDETERMINED).index[0]
        documents = documents.assign(language=documents["language"].where(~undetermined, main))
        counts = documents["language"].value_counts()
    lexicons = {str(lang): matcher.lexicons_for(str(lang)) for lang in counts.index}
    unsupported = {lang: int(counts[lang]) for lang in lexicons if not lexicons[lang]}
    if unsupported:
        documents = documents[~documents["language"].isin(list(unsupported))].reset_index(drop=True)
    languages = sorted(lang for lang in lexicons if lexicons[lang])
    plan = LanguagePlan(languages, unsupported, len(languages) > 1 and not across_languages, lexicons)
    return documents, plan


def by_language(
    plan: LanguagePlan,
    frame: pd.DataFrame,
    by: str,
    groups: Sequence[Hashable],
    compute: Callable[[pd.DataFrame, list[Hashable]], pd.DataFrame],
    *,
    min_documents: int = 2,
    skipped: list[str] | None = None,
) -> pd.DataFrame:
    """``compute(rows, order)`` on all of ``frame``, or within each language with a ``language`` column.

    A language with fewer than two groups of ``min_documents`` documents has nothing to compare; it is
    named in ``skipped``.
    """
    if not plan.within:
        return compute(frame, list(groups))
    parts = []
    for language in plan.languages:
        rows = frame[frame["language"] == language].reset_index(drop=True)
        sizes = rows[by].value_counts()
        order = [g for g in groups if sizes.get(g, 0) >= min_documents]
        if len(order) < 2:
            if skipped is not None and language not in skipped:
                skipped.append(language)
            continue
        table = compute(rows, order)
        parts.append(table.assign(language=language)[["language", *table.columns]])
    if parts:
        return pd.concat(parts, ignore_index=True)
    empty = compute(frame, list(groups)).iloc[:0]
    return empty.assign(language=pd.Series(dtype=object))[["language", *empty.columns]]
