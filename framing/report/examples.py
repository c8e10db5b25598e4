"""Example sentences: for each group and cue, the sentences that show the group's typical wording.

Both the example sentences and the distinctive cue words read every match row of the report's pass
(millions at 200,000 articles). They read them a block of whole documents at a time
(:meth:`framing.features.MatchPass.match_blocks`) and keep only small aggregates between blocks: the
memory they add is that of one block, whatever the size of the corpus.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from framing.features import MatchPass
from framing.report.findings import Example

__all__ = ["TermFrequencies", "examples_table", "first_per_cell", "term_frequencies", "typical_examples"]

#: Example sentences longer than this many characters are passed over when a shorter one is as typical.
_LONG_SENTENCE = 400

#: Documents whose match rows are ranked together: at 200,000 articles about 115,000 match rows, a
#: block's ranking some tens of megabytes (all 3 million rows at once added 620 MB).
DOCUMENTS_PER_BLOCK = 5_000


@dataclass(frozen=True)
class TermFrequencies:
    """How often each group uses each term of each cue family: non-negated matches, counted.

    ``counts`` has one row per (``language``, ``group``, ``cue``, ``term``) that occurs, and ``count``
    (int64, match rows). ``language`` is that of the match's document (None when the documents have no
    ``language`` column); ``group`` (the values of the grouping column ``by``), ``cue`` and ``term`` have
    the dtypes of the match table's columns (its categories). A small table: it does not grow with the
    number of documents, only with the vocabulary.
    """

    by: str
    counts: pd.DataFrame

    def cue_term_counts(self, cue: str, language: str | None = None) -> pd.DataFrame:
        """Tidy (``group``, ``term``, ``count``) of one cue family's non-negated matches (in one
        ``language`` when given), sorted by group and term: the input of the distinctive cue words.

        Summing the counts of a (group, term) gives the number of its match rows, so the table is the
        one counted from the match rows themselves.
        """
        counts = self.counts
        rows = counts["cue"] == cue
        if language is not None:
            rows &= (counts["language"] == language).to_numpy()
        subset = counts.loc[rows, ["group", "term"]].astype(object).assign(count=counts.loc[rows, "count"])
        return subset.groupby(["group", "term"], sort=True)["count"].sum().reset_index()


def term_frequencies(
    matched: MatchPass, by: str, *, documents_per_block: int | None = None
) -> TermFrequencies:
    """The non-negated match rows of ``matched`` counted per language, group (``by``), cue and term,
    read a block of ``documents_per_block`` documents at a time.

    A count is a sum over the rows: summed over blocks it is the same count (each row is in one block).
    ``documents_per_block`` defaults to :data:`DOCUMENTS_PER_BLOCK`.
    """
    if documents_per_block is None:
        documents_per_block = DOCUMENTS_PER_BLOCK
    documents = matched.documents
    if "language" in documents.columns:
        language_codes, languages = pd.factorize(documents["language"], use_na_sentinel=True)
    else:
        language_codes, languages = np.full(len(documents), -1, dtype=np.int64), pd.Index([], dtype=object)
    keys = ["language", "group", "cue", "term"]
    parts = []
    dtypes: dict[str, object] = {}
    for block in matched.match_blocks(
        [by, "cue", "term", "negated", "doc"], documents_per_block=documents_per_block
    ):
        block = block[~block["negated"].to_numpy(dtype=bool)]
        columns = {"group": block[by], "cue": block["cue"], "term": block["term"]}
        dtypes = {name: column.dtype for name, column in columns.items()}
        # categorical columns are counted by their codes (the same categories in every block)
        coded = {
            name: column.cat.codes.to_numpy()
            if isinstance(column.dtype, pd.CategoricalDtype)
            else column.to_numpy()
            for name, column in columns.items()
        }
        frame = pd.DataFrame({"language": language_codes[block["doc"].to_numpy()], **coded})
        parts.append(frame.groupby(keys, sort=False, dropna=False).size())
    if parts:
        summed = pd.concat(parts).groupby(level=keys, sort=False, dropna=False).sum().rename("count")
        table = summed.reset_index()
    else:
        table = pd.DataFrame({name: np.zeros(0, dtype=np.int64) for name in [*keys, "count"]})
    # code -1 (no language) takes the None appended last
    named = np.append(languages.to_numpy(dtype=object), None)
    counts = pd.DataFrame(
        {
            "language": named[table["language"].to_numpy(dtype=np.int64)],
            **{name: _decoded(table[name], dtypes.get(name)) for name in ["group", "cue", "term"]},
            "count": table["count"].to_numpy(dtype=np.int64),
        }
    )
    return TermFrequencies(by, counts)


def _decoded(keys: pd.Series, dtype: object) -> pd.Series | np.ndarray:
    """The values of counted ``keys``: categorical codes back into the column's categories."""
    if isinstance(dtype, pd.CategoricalDtype):
        return pd.Categorical.from_codes(keys.to_numpy(dtype=np.int64), dtype=dtype)
    return keys.to_numpy()


def typical_examples(
    matched: MatchPass,
    by: str,
    groups: list[Hashable],
    cues: list[str],
    per_cue: int,
    *,
    frequencies: TermFrequencies | None = None,
    documents_per_block: int | None = None,
) -> list[Example]:
    """For each group and cue, the sentences that use the group's most frequent terms of that cue.

    A sentence scores the summed frequency (within the group and cue, over the whole corpus) of the
    distinct terms it matches, so it is typical when it uses the words the group uses most; sentences
    over 400 characters come last, ties go to the shorter sentence, then to document and sentence order.
    At most one sentence per document, negated matches left out. ``frequencies``: the
    :func:`term_frequencies` of ``matched`` and ``by`` when already counted (else they are counted here).

    The match rows are read ``documents_per_block`` documents at a time, and the choice is the one a
    ranking of all rows at once makes: (1) a sentence's score needs only its own rows, which are in one
    block, and the corpus-wide frequencies; (2) the sort key (group, cue, long, score, length, document,
    sentence) is global and orders all sentences of a (group, cue) totally (document and sentence name
    a sentence); (3) a document lies in one block, so its best sentence is its best in its block. A
    sentence chosen overall is its document's best, and fewer than ``per_cue`` documents of the whole
    corpus, so of its block, come before it: the block keeps it among its first ``per_cue`` documents.
    Ranking the blocks' kept sentences again by the same key therefore chooses the same sentences, in
    the same order. (Document ids are unique, as a corpus's are.) ``documents_per_block`` defaults to
    :data:`DOCUMENTS_PER_BLOCK`.
    """
    if documents_per_block is None:
        documents_per_block = DOCUMENTS_PER_BLOCK
    if frequencies is None:
        frequencies = term_frequencies(matched, by, documents_per_block=documents_per_block)
    elif frequencies.by != by:
        raise ValueError(f"term frequencies of {frequencies.by!r} groups, not {by!r}")
    ranks = _Ranks(groups, cues)
    frequency = ranks.frequency(frequencies.counts)
    if frequency.empty:  # no non-negated match of the groups and cues
        return []
    columns = [by, "cue", "doc_id", "term", "doc", "sentence_id", "start", "end", "sentence_start"]
    columns += ["sentence_end", "negated"]
    kept, kept_marks = [], []
    for block in matched.match_blocks(columns, documents_per_block=documents_per_block):
        found = _block_candidates(block, by, ranks, frequency, per_cue)
        if found is not None:  # (a block's empty tables could change the joined dtypes)
            kept.append(found[0])
            kept_marks.append(found[1])
    chosen = _first_documents(pd.concat(kept, ignore_index=True), per_cue)
    marks = pd.concat(kept_marks, ignore_index=True)
    del kept, kept_marks
    chosen = chosen.assign(sentence=matched.sentences(chosen), doc_id=ranks.doc_name(chosen["doc_key"]))
    # The marks of each chosen sentence, as runs of one array sorted by sentence (within a sentence in
    # match order: the blocks' marks are in match order, an inner merge keeps the left order and the
    # sort is stable). A DataFrame per sentence, for tens of thousands of sentences, took hundreds of
    # megabytes.
    marks = marks.merge(chosen[_SENTENCE].assign(_chosen=np.arange(len(chosen))), on=_SENTENCE)
    marks = marks.sort_values("_chosen", kind="stable")
    bounds = np.searchsorted(marks["_chosen"].to_numpy(), np.arange(len(chosen) + 1))
    mark_starts, mark_ends = marks["start"].to_numpy(), marks["end"].to_numpy()
    mark_terms = np.asarray(ranks.term_name(marks["term_key"]), dtype=object)
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


_UNIT = ["group_rank", "cue_rank"]
_SENTENCE = [*_UNIT, "doc_key", "sentence_id"]


class _Ranks:
    """The integer keys the ranking sorts by: the rank of a group and of a cue in the lists given, and
    keys of documents and terms that sort as their names do (see :func:`_sortable_codes`)."""

    def __init__(self, groups: list[Hashable], cues: list[str]) -> None:
        self.groups, self.cues = groups, cues
        self._group_rank = {g: i for i, g in enumerate(groups)}
        self._cue_rank = {c: i for i, c in enumerate(cues)}
        self.doc_name: Callable[[pd.Series], list[str]] = _names
        self.term_name: Callable[[pd.Series], list[str]] = _names
        self._keys: dict[str, Callable[[pd.Series], pd.Series]] = {}

    def wanted(self, group: pd.Series, cue: pd.Series) -> np.ndarray:
        return (cue.isin(self.cues) & group.isin(self.groups)).to_numpy()

    def unit(self, group: pd.Series, cue: pd.Series) -> dict[str, pd.Series]:
        return {
            "group_rank": group.map(self._group_rank).astype(int),
            "cue_rank": cue.map(self._cue_rank).astype(int),
        }

    def key(self, column: pd.Series, name: str) -> pd.Series:
        """Sortable keys of the ``doc_id`` or ``term`` column (of any block: they share categories)."""
        if name not in self._keys:
            keys, names = _sortable_codes(column.dtype)
            self._keys[name] = keys
            if name == "doc_id":
                self.doc_name = names
            else:
                self.term_name = names
        return self._keys[name](column)

    def frequency(self, counts: pd.DataFrame) -> pd.Series:
        """The match rows of each (group, cue, term) of the groups and cues, by their keys: integer
        frequencies rank sentences exactly as shares (frequency / total of the group and cue) do."""
        rows = counts[self.wanted(counts["group"], counts["cue"])]
        keyed = pd.DataFrame(
            {**self.unit(rows["group"], rows["cue"]), "term_key": self.key(rows["term"], "term")}
        ).assign(_frequency=rows["count"].to_numpy())
        return keyed.groupby([*_UNIT, "term_key"])["_frequency"].sum()


def _block_candidates(
    block: pd.DataFrame, by: str, ranks: _Ranks, frequency: pd.Series, per_cue: int
) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """The sentences of one block of whole documents that can still be chosen (the best sentence of
    each of the first ``per_cue`` documents of each group and cue, by the global key), scored, and the
    positive match rows of those sentences, in match order; None when the block has no positive row."""
    positive = block[~block["negated"].to_numpy(dtype=bool) & ranks.wanted(block[by], block["cue"])]
    if positive.empty:
        return None
    positive = positive.assign(
        **ranks.unit(positive[by], positive["cue"]),
        doc_key=ranks.key(positive["doc_id"], "doc_id"),
        term_key=ranks.key(positive["term"], "term"),
    )
    distinct = positive.drop_duplicates([*_SENTENCE, "term_key"]).join(frequency, on=[*_UNIT, "term_key"])
    scored = distinct.groupby(_SENTENCE, sort=False).agg(
        _score=("_frequency", "sum"), sentence_start=("sentence_start", "first"),
        sentence_end=("sentence_end", "first"), doc=("doc", "first"),
    ).reset_index()  # fmt: skip
    length = scored["sentence_end"] - scored["sentence_start"]
    candidates = _first_documents(scored.assign(_long=length > _LONG_SENTENCE, _length=length), per_cue)
    marks = positive[[*_SENTENCE, "start", "end", "term_key"]].merge(candidates[_SENTENCE], on=_SENTENCE)
    return candidates, marks


def _first_documents(scored: pd.DataFrame, per_cue: int) -> pd.DataFrame:
    """The best-ranked sentence of each of the first ``per_cue`` documents of each group and cue, in
    rank order: not long before long, higher score, shorter, then document and sentence order."""
    scored = scored.sort_values(
        [*_UNIT, "_long", "_score", "_length", "doc_key", "sentence_id"],
        ascending=[True, True, True, False, True, True, True],
        kind="mergesort",
    )
    return scored.drop_duplicates([*_UNIT, "doc_key"]).groupby(_UNIT, sort=False).head(per_cue)


def _names(keys: pd.Series) -> list[str]:
    return [str(key) for key in keys]


def _sortable_codes(
    dtype: object,
) -> tuple[Callable[[pd.Series], pd.Series], Callable[[pd.Series], list[str]]]:
    """The function from a column of ``dtype`` to integer keys that sort as its values' strings do,
    and the function from keys back to those strings.

    A categorical column with sorted categories gives its codes: the same order as their strings,
    without a string per match row (3 million rows at 200,000 articles); the strings are made for the
    chosen sentences only. Any other column gives its strings themselves (they are their own keys).
    """
    if isinstance(dtype, pd.CategoricalDtype):
        names = dtype.categories.astype(str)
        if names.is_monotonic_increasing and names.is_unique:
            return (
                lambda column: column.cat.codes.astype(np.int64),
                lambda keys: names.take(np.asarray(keys)).tolist(),
            )
    return lambda column: column.astype(str), _names


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
