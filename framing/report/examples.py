"""Example sentences: for each group and cue, the sentences that show the group's typical wording."""

from __future__ import annotations

from collections.abc import Callable, Hashable

import numpy as np
import pandas as pd

from framing.features import MatchPass
from framing.report.findings import Example

__all__ = ["examples_table", "first_per_cell", "typical_examples"]

#: Example sentences longer than this many characters are passed over when a shorter one is as typical.
_LONG_SENTENCE = 400


def typical_examples(
    matched: MatchPass, by: str, groups: list[Hashable], cues: list[str], per_cue: int
) -> list[Example]:
    """For each group and cue, the sentences that use the group's most frequent terms of that cue.

    A sentence scores the summed frequency (within the group and cue) of the distinct terms it matches,
    so it is typical when it uses the words the group uses most; sentences over 400 characters come
    last, ties go to the shorter sentence, then to document and sentence order. At most one sentence per
    document, negated matches left out. Vectorised over the compact match table of ``matched``.
    """
    matches = matched.matches
    wanted = ~matches["negated"] & matches["cue"].isin(cues) & matches[by].isin(groups)
    # only the columns read below: the match rows of the compared groups number millions at 200,000
    # articles, and every column copied with them costs tens of megabytes
    needed = [by, "cue", "doc_id", "term", "doc", "sentence_id", "start", "end"]
    needed += ["sentence_start", "sentence_end"]
    positive = matches.loc[wanted, needed]
    if positive.empty:
        return []
    # Documents and terms are ranked by their categorical codes where the categories are sorted (the
    # match table's are): the same order as their strings, without a string per match row (3 million
    # rows at 200,000 articles). The strings are made for the chosen sentences only.
    doc_key, doc_name = _sortable_codes(positive["doc_id"])
    term_key, term_name = _sortable_codes(positive["term"])
    positive = positive.assign(
        group_rank=positive[by].map({g: i for i, g in enumerate(groups)}).astype(int),
        cue_rank=positive["cue"].map({c: i for i, c in enumerate(cues)}).astype(int),
        doc_key=doc_key,
        term_key=term_key,
    )
    unit = ["group_rank", "cue_rank"]
    sentence = [*unit, "doc_key", "sentence_id"]
    # integer frequencies rank sentences exactly as shares (frequency / total of the group and cue) do
    frequency = positive.groupby([*unit, "term_key"]).size().rename("_frequency")
    distinct = positive.drop_duplicates([*sentence, "term_key"]).join(frequency, on=[*unit, "term_key"])
    scored = distinct.groupby(sentence, sort=False).agg(
        _score=("_frequency", "sum"), sentence_start=("sentence_start", "first"),
        sentence_end=("sentence_end", "first"), doc=("doc", "first"),
    ).reset_index()  # fmt: skip
    length = scored["sentence_end"] - scored["sentence_start"]
    scored = scored.assign(_long=length > _LONG_SENTENCE, _length=length)
    scored = scored.sort_values(
        [*unit, "_long", "_score", "_length", "doc_key", "sentence_id"],
        ascending=[True, True, True, False, True, True, True],
        kind="mergesort",
    )
    chosen = scored.drop_duplicates([*unit, "doc_key"]).groupby(unit, sort=False).head(per_cue)
    chosen = chosen.assign(sentence=matched.sentences(chosen), doc_id=doc_name(chosen["doc_key"]))
    # The matches of each chosen sentence, as runs of one array sorted by sentence (within a sentence in
    # match order: an inner merge keeps the left order and the sort is stable). A DataFrame per
    # sentence, for tens of thousands of sentences, took hundreds of megabytes.
    marks = positive[[*sentence, "start", "end", "term_key"]].merge(
        chosen[sentence].assign(_chosen=np.arange(len(chosen))), on=sentence
    )
    marks = marks.sort_values("_chosen", kind="stable")
    bounds = np.searchsorted(marks["_chosen"].to_numpy(), np.arange(len(chosen) + 1))
    mark_starts, mark_ends = marks["start"].to_numpy(), marks["end"].to_numpy()
    mark_terms = np.asarray(term_name(marks["term_key"]), dtype=object)
    examples = []
    for index, row in enumerate(chosen.itertuples(index=False)):
        here = slice(bounds[index], bounds[index + 1])
        offset = int(row.sentence_start)
        marked = sorted(
            (int(s) - offset, int(e) - offset)
            for s, e in zip(mark_starts[here], mark_ends[here], strict=True)
        )
        terms = ", ".join(dict.fromkeys(mark_terms[here]))
        examples.append(
            Example(
                groups[row.group_rank],
                cues[row.cue_rank],
                row.doc_id,
                int(row.sentence_id),
                row.sentence,
                marked,
                terms,
            )
        )
    return examples


def _sortable_codes(column: pd.Series) -> tuple[pd.Series, Callable[[pd.Series], list[str]]]:
    """Integer keys of ``column`` that sort as its values' strings do, and the function from keys back
    to those strings.

    A categorical column with sorted categories gives its codes; any other column gives its strings
    themselves (they are their own keys).
    """
    if isinstance(column.dtype, pd.CategoricalDtype):
        categories = column.cat.categories
        names = categories.astype(str)
        if names.is_monotonic_increasing and names.is_unique:
            return column.cat.codes.astype(np.int64), lambda keys: names.take(np.asarray(keys)).tolist()
    strings = column.astype(str)
    return strings, lambda keys: [str(key) for key in keys]


def examples_table(examples: list[Example], by: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            by: [e.group for e in examples],
            "cue": [e.cue for e in examples],
            "doc_id": [e.doc_id for e in examples],
            "sentence_id": [e.sentence_id for e in examples],
            "terms": [e.note for e in examples],
            "spans": [";".join(f"{start}-{end}" for start, end in e.spans) for e in examples],
            "sentence": [e.sentence for e in examples],
        }
    )


def first_per_cell(examples: list[Example], per_cue: int) -> list[Example]:
    """The first ``per_cue`` examples of each (group, cue), in order: :func:`typical_examples` with a
    smaller ``per_cue`` gives exactly these (its ranking does not depend on how many are kept)."""
    seen: dict[tuple[Hashable, str], int] = {}
    kept = []
    for example in examples:
        key = (example.group, example.cue)
        if seen.get(key, 0) < per_cue:
            seen[key] = seen.get(key, 0) + 1
            kept.append(example)
    return kept
