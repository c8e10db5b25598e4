"""Cue features per document or sentence, the evidence behind them, and a scikit-learn transformer.

Every table is tidy: one row per document (or sentence), the word-token count beside every rate.
For each cue family ``F`` (``blame``, ``denial``, ``emotive``, ``hedging``, ``certainty``, plus any user
family) the columns are:

* ``F_count``: matches that are not negated;
* ``F_negated``: negated matches, counted apart;
* ``F_present``: 1 if ``F_count > 0``;
* ``F_rate``: ``F_count`` per 1,000 word tokens;
* ``F_weighted`` (families with intensity weights, e.g. emotive): sum of the weights of the matches;
* ``F_<subcategory>_count`` and ``F_<subcategory>_rate`` for each subcategory.

Every table also has ``language`` (the document's language, :mod:`framing.language`: given or detected)
and ``language_supported`` (1 when some cue lexicon applies to that language, 0 when the row's zeros
are not measurements: see :mod:`framing.coverage`). A document is matched only with the lexicons of its
language and those without one.

The cue families a table was made with are recoverable from its columns alone (:func:`cue_families`): a
family has all four of ``F_count``, ``F_negated``, ``F_present`` and ``F_rate``; a subcategory only
``_count`` and ``_rate``. So a merged table or one read back from CSV compares the same cues by default
as the table :func:`extract` returned (``attrs`` do not survive a ``merge`` or a file).

Per-document and per-sentence tables carry the documents' own columns (``leaning``, ``topic``,
``outlet_*``, ``duplicate_of``, ...) after ``doc_id, outlet, date``, except the long text columns
``text``, ``title`` and ``url`` and columns of lists or mappings (``spans``): join those back by
``doc_id``, e.g.
``features.merge(corpus.documents[["doc_id", "title", "url"]], on="doc_id")``.

One loop matches documents (``_match_pass``); everything else is derived from what it collects:
:func:`extract` (count vectors, optionally in worker processes), :func:`match_documents` (the feature
table, a compact table of every match and the blame rows, in one pass: what the report uses),
:func:`evidence` and :func:`blame_attributions`.

Every function here also takes a spooled corpus (:mod:`framing.spool`: the texts on disk, a ``text_ref``
column instead of ``text``) and reads its texts a block at a time; the tables are the same as for the
corpus in memory, because each document is matched on its own and the blocks are joined in row order.

>>> table = extract(["It may well be true.", "It is clearly false."])          # doctest: +SKIP
>>> table[["doc_id", "tokens", "hedging_count", "certainty_count"]]                # doctest: +SKIP
"""

from __future__ import annotations

import logging
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from framing._memory import return_freed_memory
from framing.corpus import Corpus
from framing.cues.blame import ATTRIBUTION_COLUMNS, ActorFinder, document_attributions
from framing.errors import OptionError
from framing.io.readers import replace_surrogates
from framing.language import detect_language, document_languages
from framing.lexicon import Lexicon, builtin_lexicons, load_lexicon
from framing.matcher import CueMatcher, DocumentMatches, Match
from framing.morphology import MORPHOLOGY_LANGUAGES
from framing.parallel import submitted_in_order
from framing.spill import CATEGORY, OBJECT, TEXT, SpilledTable, SpillFolder, document_blocks
from framing.spool import TEXT_REF, DocumentTexts, TextSpool

__all__ = [
    "MATCH_COLUMNS",
    "MatchPass",
    "as_documents",
    "blame_attributions",
    "build_matcher",
    "cue_families",
    "evidence",
    "extract",
    "feature_columns",
    "grouped_features",
    "iter_features",
    "match_documents",
    "metadata_columns",
    "require_column",
]

log = logging.getLogger(__name__)

Unit = Literal["document", "sentence"]
LexiconSpec = Lexicon | str | Path
_IDENTITY = ["doc_id", "outlet", "date"]


def build_matcher(
    lexicons: Sequence[LexiconSpec] | None = None, *, replace: bool = False, negation_window: int = 4
) -> CueMatcher:
    """Compile the built-in lexicons plus ``lexicons`` (files or :class:`Lexicon` objects).

    With ``replace=True`` only the given lexicons are used (the built-in negators are kept unless a given
    lexicon has ``negator`` entries). A user lexicon with the same name as a built-in one replaces it.
    """
    if not lexicons and not replace:
        return _builtin_matcher(negation_window)
    user = [lex if isinstance(lex, Lexicon) else load_lexicon(lex) for lex in (lexicons or [])]
    builtin = builtin_lexicons()
    if replace:
        has_negators = any(e.category == "negator" for lex in user for e in lex.entries)
        negators = [lex for lex in builtin if _base_name(lex.name) == "negators"]
        chosen = user + ([] if has_negators else negators)
    else:
        chosen = [lex for lex in builtin if not any(_replaces(u, lex) for u in user)] + user
    return CueMatcher(chosen, negation_window=negation_window)


@lru_cache(maxsize=4)
def _builtin_matcher(negation_window: int) -> CueMatcher:
    """The matcher of the built-in lexicons, built once per process and window: building it (its
    automata, the Russian and Ukrainian word forms) cost a tenth of a second or more on every call of
    :func:`extract`. Its caches only remember what it has already worked out."""
    return CueMatcher(builtin_lexicons(), negation_window=negation_window)


def _base_name(name: str) -> str:
    """``hedging_ru`` -> ``hedging``: the family file a language version belongs to."""
    stem, _, suffix = name.rpartition("_")
    return stem if stem and suffix in MORPHOLOGY_LANGUAGES else name


def _replaces(user: Lexicon, builtin: Lexicon) -> bool:
    """A user lexicon replaces the built-in one of its name in its language (every language when it
    declares none: a user ``hedging`` without ``# language:`` replaces hedging, hedging_ru, hedging_uk)."""
    if user.name == builtin.name:
        return True
    if _base_name(user.name) != _base_name(builtin.name):
        return False
    return user.language is None or user.language == builtin.language


class _Layout:
    """Column layout of the count vectors produced for one matcher."""

    def __init__(self, matcher: CueMatcher) -> None:
        self._matcher = matcher
        self._supported: dict[Any, int] = {}
        self.families = list(matcher.families)
        weighted = {e.category for e in matcher.entries if e.weight != 1.0}
        self.weighted = [f for f in self.families if f in weighted]
        self.subcategories = [(f, s) for f in self.families for s in matcher.subcategories[f]]
        self.count_columns = (
            [f"{f}_count" for f in self.families]
            + [f"{f}_negated" for f in self.families]
            + [f"{f}_weighted" for f in self.weighted]
            + [f"{f}_{s}_count" for f, s in self.subcategories]
        )
        families = {f: i for i, f in enumerate(self.families)}
        self._family_index = families
        self._negated_index = {f: len(self.families) + i for i, f in enumerate(self.families)}
        base = 2 * len(self.families)
        self._weight_index = {f: base + i for i, f in enumerate(self.weighted)}
        base += len(self.weighted)
        self._sub_index = {key: base + i for i, key in enumerate(self.subcategories)}

    def vector(self, matches: Iterable[Any]) -> list[float]:
        row = [0.0] * len(self.count_columns)
        for match in matches:
            entry = match.entry
            if match.negated:
                row[self._negated_index[entry.category]] += 1
                continue
            row[self._family_index[entry.category]] += 1
            row[self._sub_index[(entry.category, entry.subcategory)]] += 1
            weight_index = self._weight_index.get(entry.category)
            if weight_index is not None:
                row[weight_index] += entry.weight
        return row

    def mark_languages(self, head: pd.DataFrame) -> pd.DataFrame:
        """``head`` with ``language_supported`` (1: some cue lexicon applies to the row's language; 0: its
        counts are not measurements) after its ``language`` column."""
        if "language" not in head.columns:
            return head
        marks = []
        for language in head["language"].tolist():
            if language not in self._supported:
                self._supported[language] = int(bool(self._matcher.lexicons_for(language)))
            marks.append(self._supported[language])
        head.insert(head.columns.get_loc("language") + 1, "language_supported", marks)
        return head

    def frame(self, rows: list[list[float]] | np.ndarray, tokens: Sequence[int] | np.ndarray) -> pd.DataFrame:
        """Counts plus presence and rates per 1,000 tokens, columns in a stable, readable order."""
        counts = np.asarray(rows, dtype=float).reshape(len(rows), len(self.count_columns))
        data = pd.DataFrame(counts, columns=self.count_columns)
        tokens_array = np.asarray(tokens, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            per_thousand = np.where(tokens_array > 0, 1000.0 / tokens_array, 0.0)
        out: dict[str, Any] = {}
        for family in self.families:
            out[f"{family}_count"] = data[f"{family}_count"].astype("int64")
            out[f"{family}_negated"] = data[f"{family}_negated"].astype("int64")
            out[f"{family}_present"] = (data[f"{family}_count"] > 0).astype("int64")
            out[f"{family}_rate"] = data[f"{family}_count"].to_numpy() * per_thousand
            if family in self.weighted:
                out[f"{family}_weighted"] = data[f"{family}_weighted"]
        for family, sub in self.subcategories:
            column = data[f"{family}_{sub}_count"]
            out[f"{family}_{sub}_count"] = column.astype("int64")
            out[f"{family}_{sub}_rate"] = column.to_numpy() * per_thousand
        return pd.DataFrame(out)


def feature_columns(matcher: CueMatcher) -> list[str]:
    """The cue columns :func:`extract` produces for ``matcher``, in order."""
    layout = _Layout(matcher)
    return list(layout.frame([[0.0] * len(layout.count_columns)], [1]).columns)


def as_documents(
    data: Corpus | pd.DataFrame | Iterable[str], *, spool: TextSpool | None = None
) -> pd.DataFrame:
    """Normalise input to a documents table with at least ``doc_id`` and ``text``.

    Accepts a :class:`Corpus`, a DataFrame with a ``text`` column (``doc_id`` defaults to the row
    position), or an iterable of strings. A spooled corpus, or a spooled table (a ``text_ref`` column,
    :mod:`framing.spool`) with its ``spool``, gives a table with ``text_ref`` instead of ``text``: read
    its texts with :class:`framing.spool.DocumentTexts`.
    """
    if isinstance(data, Corpus):
        return _with_language(data.documents, data.spool if spool is None else spool)
    if isinstance(data, pd.DataFrame):
        spooled = "text" not in data.columns and spool is not None and TEXT_REF in data.columns
        if "text" not in data.columns and not spooled:
            raise OptionError(
                f"the table has no 'text' column (columns: {', '.join(map(str, data.columns))})"
                + ("" if spool is None else f" and no {TEXT_REF!r} column to read the spooled texts by")
            )
        frame = data.reset_index(drop=True)
        if "doc_id" not in frame.columns:
            frame = frame.assign(doc_id=[str(i) for i in range(len(frame))])
        return _with_language(frame, spool)
    if isinstance(data, str):
        raise OptionError("pass a list of texts, not a single string")
    texts = ["" if t is None else str(t) for t in data]
    # Lone surrogates (a JSON "\ud800" read by the caller) cannot be stored or written as UTF-8;
    # the loader replaces and counts them, and plain lists get the same replacement here.
    repaired = [replace_surrogates(t, None) for t in texts]
    changed = sum(a is not b for a, b in zip(texts, repaired, strict=True))
    if changed:
        log.warning("%d text(s) had lone UTF-16 surrogates, replaced by U+FFFD", changed)
    return _with_language(pd.DataFrame({"doc_id": [str(i) for i in range(len(repaired))], "text": repaired}))


def _with_language(documents: pd.DataFrame, spool: TextSpool | None = None) -> pd.DataFrame:
    """``documents`` with a complete ``language`` column (given values kept, the others detected).

    A spooled table's texts are read a block at a time; each block is decided by
    :func:`framing.language.document_languages` exactly as the whole table with a ``text`` column.
    """
    if "language" in documents.columns and documents["language"].notna().all():
        return documents
    if "text" in documents.columns:
        return documents.assign(language=document_languages(documents))
    given = documents["language"] if "language" in documents.columns else None
    languages: list[str] = []
    at = 0
    for texts in DocumentTexts(documents, spool).blocks():
        block = pd.DataFrame({"text": texts})
        if given is not None:
            block.insert(0, "language", given.iloc[at : at + len(texts)].to_numpy())
        languages.extend(document_languages(block))
        at += len(texts)
    return documents.assign(language=languages)


# ------------------------------------------------------------------------------------- the pipeline

_WORKER_MATCHER: CueMatcher | None = None


_WORKER_FINDER: ActorFinder | None = None
_WORKER_SPOOL: TextSpool | None = None


def _init_worker(
    lexicons: list[Lexicon],
    negation_window: int,
    actors: Mapping[str, Sequence[str]] | None = None,
    spool: TextSpool | None = None,
) -> None:
    # one compiled matcher (and actor finder) per worker, built once; a spooled corpus's texts are read
    # by the worker from the spool file (sent once, as its path and offsets)
    global _WORKER_MATCHER, _WORKER_FINDER, _WORKER_SPOOL
    _WORKER_MATCHER = CueMatcher(lexicons, negation_window=negation_window)
    _WORKER_FINDER = ActorFinder(actors) if actors is not None else None
    _WORKER_SPOOL = spool


@dataclass
class _Collected:
    """What one pass of the matcher over some documents collects (see :func:`_match_pass`)."""

    counts: list[tuple[Any, ...]]
    columns: dict[str, list[Any]] | None
    attributions: list[dict[str, Any]]
    attributed: list[int]  # the document position of each attribution row
    profile: list[dict[str, Any]] | None = None  # framing.blame_profile rows, when asked for
    profiled: list[int] = field(default_factory=list)  # the document position of each profile row


def _match_pass(
    records: Iterable[Mapping[str, Any]],
    matcher: CueMatcher,
    *,
    unit: Unit = "document",
    collect_matches: bool = False,
    finder: ActorFinder | None = None,
    profile: bool = False,
) -> _Collected:
    """The one loop that matches documents: count vectors, and optionally match rows and blame rows.

    Every table of the package is derived from it: :func:`extract` (counts, in worker processes when
    asked), :func:`match_documents` and through it :func:`evidence`, :func:`framing.blame_attributions`
    and the report.
    """
    layout = _Layout(matcher)
    out = _Collected([], None, [], [])
    # one tuple per match, made columns at the end: a single C-level transpose instead of 13 appends
    match_rows: list[tuple[Any, ...]] | None = [] if collect_matches else None
    if profile and finder is not None:  # issue 9: the per-article blame profile from the same pass
        from framing.blame_profile import document_profile

        out.profile = []
    for position, record in enumerate(records):
        language = record.get("language")
        if not isinstance(language, str):
            language = detect_language(record["text"])
        found = matcher.match(record["text"], language)
        if unit == "document":
            out.counts.append((found.tokens, len(found.sentences), layout.vector(found.matches)))
        else:
            out.counts.append(_sentence_rows(found, layout))
        if finder is not None:
            # The profile reads every sentence's actors; the attributions then read them from there.
            mentions = finder.find_each(record["text"], found.sentences) if out.profile is not None else None
            rows = document_attributions(record, found, finder, mentions=mentions)
            out.attributions.extend(rows)
            out.attributed.extend([position] * len(rows))
            if out.profile is not None:
                profiled = document_profile(record, found, rows, finder, mentions=mentions)
                out.profile.extend(profiled)
                out.profiled.extend([position] * len(profiled))
        if match_rows is not None and found.matches:
            doc_id = str(record["doc_id"])
            sentences = found.sentences
            for match in found.matches:
                entry = match.entry
                sentence = sentences[match.sentence_id]
                match_rows.append((
                    position, doc_id, match.sentence_id, match.start, match.end, sentence[0], sentence[1],
                    entry.category, entry.subcategory, entry.term, match.negated, entry.weight, entry.lexicon,
                ))  # fmt: skip
    if match_rows is not None:
        transposed = zip(*match_rows, strict=True) if match_rows else ([] for _ in MATCH_COLUMNS)
        out.columns = {name: list(values) for name, values in zip(MATCH_COLUMNS, transposed, strict=True)}
    return out


#: Match columns kept as NumPy arrays (the others are categorical strings), with their dtypes.
_NUMERIC_MATCH_COLUMNS = {"negated": "bool", "weight": "float64"}


def _numeric_dtype(name: str) -> str | None:
    """The dtype of a number column of the match table; None for its categorical columns."""
    if name in _CATEGORICAL_MATCH_COLUMNS:
        return None
    return _NUMERIC_MATCH_COLUMNS.get(name, "int32")


#: Attribution columns kept as NumPy arrays while a pass accumulates (the others stay Python values).
_NUMERIC_ATTRIBUTION_COLUMNS = {"sentence_id": "int64", "start": "int64", "end": "int64", "negated": "bool"}


@dataclass
class _Part:
    """What :func:`_match_pass` collects over a block of documents, made compact (:func:`_compact`).

    Columns instead of rows: NumPy arrays for numbers, categoricals for the match table's repeated
    strings, lists for the other strings. A Python list, tuple or dict per document, match or blame row
    held several times the size of the finished tables (at 20,000 articles, ~1.5 kB per document for
    its count vector alone).
    """

    tokens: np.ndarray
    sentences: np.ndarray
    vectors: np.ndarray  # one row of counts per document (:class:`_Layout` columns)
    matches: dict[str, Any]
    attributions: dict[str, Any]
    attributed: np.ndarray  # the block position of each attribution row
    profile: dict[str, Any] | None
    profiled: np.ndarray  # the block position of each profile row


def _compact(part: _Collected, width: int, outlet: bool) -> _Part:
    """``part`` (one block's rows, document unit, match columns collected) as columns."""
    from framing.blame_profile import profile_arrays

    assert part.columns is not None
    vectors = np.asarray([row[2] for row in part.counts], dtype=float).reshape(len(part.counts), width)
    matches: dict[str, Any] = {}
    for name, values in part.columns.items():
        dtype = _numeric_dtype(name)
        matches[name] = pd.Categorical(values) if dtype is None else np.asarray(values, dtype=dtype)
    attributions: dict[str, Any] = {}
    for name in ATTRIBUTION_COLUMNS:
        values = [row.get(name) for row in part.attributions]
        dtype = _NUMERIC_ATTRIBUTION_COLUMNS.get(name)
        attributions[name] = values if dtype is None else np.asarray(values, dtype=dtype)
    return _Part(
        tokens=np.asarray([row[0] for row in part.counts], dtype=np.int64),
        sentences=np.asarray([row[1] for row in part.counts], dtype=np.int64),
        vectors=vectors,
        matches=matches,
        attributions=attributions,
        attributed=np.asarray(part.attributed, dtype=np.int64),
        profile=None if part.profile is None else profile_arrays(part.profile, outlet=outlet),
        profiled=np.asarray(part.profiled, dtype=np.int64),
    )


class _MatchStore:
    """The per-row tables of one matching pass, on disk (:mod:`framing.spill`): the match rows, the
    attribution rows and (when the pass makes them) the blame-profile rows, each with the position of its
    document. Deleted with its folder when the store (and every :class:`MatchPass` reading it) is let go.

    Read back, each table is the one a single pass over all documents makes in memory: the blocks are
    written in document order, each row keeps its dtype, and a categorical column's categories are the
    sorted distinct values of all blocks, as ``pd.Categorical`` of all the values has them (the
    dictionaries are global, not per block: :class:`framing.spill.SpilledTable`).
    """

    def __init__(self, outlet: bool, profile: bool) -> None:
        from framing.blame_profile import profile_kinds

        self.folder = SpillFolder()
        self.outlet = outlet
        self.matches = SpilledTable(self.folder.path / "matches.arrow", _match_kinds(), doc="doc")
        self.attributions = SpilledTable(
            self.folder.path / "attributions.arrow", _attribution_kinds(), doc="_doc"
        )
        self.profile = (
            SpilledTable(self.folder.path / "profile.arrow", profile_kinds(outlet=outlet), doc="_doc")
            if profile
            else None
        )

    def add(self, start: int, part: _Part) -> None:
        """Write the rows of a block of documents that starts at document ``start``."""
        stop = start + len(part.tokens)
        part.matches["doc"] = part.matches["doc"] + np.int32(start)
        self.matches.append(part.matches, start, stop)
        self.attributions.append(part.attributions, start, stop, docs=part.attributed + start)
        if self.profile is not None and part.profile is not None:
            self.profile.append(part.profile, start, stop, docs=part.profiled + start)

    def finish(self) -> None:
        for table in (self.matches, self.attributions, self.profile):
            if table is not None:
                table.finish()

    def nbytes(self) -> int:
        """Bytes of the files on disk."""
        return self.folder.nbytes()


def _match_kinds() -> dict[str, str]:
    """How the match table's columns are written (:class:`framing.spill.SpilledTable` kinds): its
    repeated strings as categoricals, the numbers with their dtypes."""
    return {name: _numeric_dtype(name) or CATEGORY for name in MATCH_COLUMNS}


def _attribution_kinds() -> dict[str, str]:
    """How the attribution table's columns are written: ``sentence`` (rarely repeated) as text, the
    other strings and values (outlet, date, actors, rule: few distinct) dictionary-coded."""
    return {
        name: _NUMERIC_ATTRIBUTION_COLUMNS.get(name) or (TEXT if name == "sentence" else OBJECT)
        for name in ATTRIBUTION_COLUMNS
    }


class _Joined:
    """The :class:`_Part` of consecutive blocks of documents joined in document order.

    A block numbers its documents from 0; :meth:`add` shifts them by the block's first position, so the
    joined rows equal those of a single pass over all documents (``doc`` and the attribution rows'
    positions included). Each block's match, attribution and profile rows go to the :class:`_MatchStore`
    on disk as the block arrives, and its counts become the block's rows of the feature table: the
    table of all documents is those blocks concatenated (:meth:`features`), as :func:`extract` makes it
    chunk by chunk. Joining the count vectors of all documents first held them twice beside the table
    being made (at 200,000 articles, ~300 MB more at the end of the pass).
    """

    def __init__(self, store: _MatchStore, documents: pd.DataFrame, matcher: CueMatcher) -> None:
        self.store = store
        self.documents = documents
        self.matcher = matcher
        self.layout = _Layout(matcher)
        self.keep = metadata_columns(documents, matcher)
        self.frames: list[pd.DataFrame] = []
        self.added = 0

    def add(self, start: int, part: _Part) -> None:
        stop = start + len(part.tokens)
        block = self.documents.iloc[start:stop]
        counts = (part.tokens, part.sentences, part.vectors)
        self.frames.append(_assemble(block, counts, self.layout, "document", self.keep))
        self.store.add(start, part)
        self.added += 1
        if self.added % _BLOCKS_BETWEEN_TRIMS == 0:
            _between_blocks()

    def features(self) -> pd.DataFrame:
        """The feature table of every document (call once: the blocks' tables are let go)."""
        if not self.frames:
            return _empty_features(self.documents, self.matcher, "document", self.keep)
        frames, self.frames = self.frames, []
        return concat_releasing(frames)


def concat_releasing(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """``pd.concat(frames, ignore_index=True)`` of tables with the same columns, emptying ``frames`` as it
    goes: each number column is filled in place, block by block, and a block is let go once copied.

    ``pd.concat`` holds every block and the whole result at once: at the end of a matching pass over
    200,000 articles, two copies of the ~130 MB of count and rate columns. Here the blocks' pages go back
    to the system (:func:`framing._memory.return_freed_memory`: a block of a few hundred kB lives in the
    heap, whose freed pages stay resident until trimmed) every ``_BLOCKS_BETWEEN_TRIMS`` blocks as the
    result fills up. Columns whose dtype is not a NumPy number or boolean in every block (strings, dates,
    categoricals), and frames whose columns differ, are left to ``pd.concat``: the same table comes out.
    """
    columns = frames[0].columns
    if any(not frame.columns.equals(columns) for frame in frames) or columns.has_duplicates:
        table = pd.concat(frames, ignore_index=True)
        frames.clear()
        return table
    total = sum(len(frame) for frame in frames)
    filled: dict[Hashable, np.ndarray] = {}
    for name in columns:
        dtypes = {frame[name].dtype for frame in frames}
        dtype = dtypes.pop() if len(dtypes) == 1 else None
        if isinstance(dtype, np.dtype) and dtype.kind in "biuf":
            filled[name] = np.empty(total, dtype=dtype)
    others: dict[Hashable, list[pd.Series]] = {name: [] for name in columns if name not in filled}
    start = 0
    for position, frame in enumerate(frames):
        stop = start + len(frame)
        for name, values in filled.items():
            values[start:stop] = frame[name].to_numpy()
        for name, parts in others.items():
            parts.append(frame[name])
        frames[position] = None  # type: ignore[call-overload]  # this block is copied: let it go
        start = stop
        if (position + 1) % _BLOCKS_BETWEEN_TRIMS == 0:
            _between_blocks()
    frames.clear()
    made = {
        name: filled[name] if name in filled else pd.concat(others.pop(name), ignore_index=True)
        for name in columns
    }
    return pd.DataFrame(made, columns=columns, copy=False)


def _collect_chunk(
    records: list[dict[str, Any]], profile: bool, width: int, outlet: bool, refs: np.ndarray | None = None
) -> _Part:
    """:func:`_match_pass` with match rows (and blame rows when the worker has actors), in a worker,
    made compact (:func:`_compact`) before it is sent back.

    ``refs`` (a spooled corpus): the records have no ``text``; the worker reads the texts at these spool
    positions itself.
    """
    assert _WORKER_MATCHER is not None
    if refs is not None:
        assert _WORKER_SPOOL is not None
        for record, text in zip(records, _WORKER_SPOOL.read(refs), strict=True):
            record["text"] = text
    part = _match_pass(records, _WORKER_MATCHER, collect_matches=True, finder=_WORKER_FINDER, profile=profile)
    return _compact(part, width, outlet)


_RECORD_BLOCK = 1000  # documents turned into records (Python strings) at a time

#: The document columns the matching pass reads (besides the text): a record holds only these.
_RECORD_COLUMNS = ("doc_id", "outlet", "date", "language", "title")


def _records_of(
    documents: pd.DataFrame, texts: DocumentTexts | None, start: int = 0, stop: int | None = None
) -> Iterator[dict[str, Any]]:
    """The rows of ``documents[start:stop]`` as dicts of the columns the matching reads plus ``text``
    (from ``texts``; no ``text`` when ``texts`` is None), made a block at a time: the records of a whole
    corpus at once held a second copy of every text."""
    stop = len(documents) if stop is None else min(stop, len(documents))
    columns = [c for c in _RECORD_COLUMNS if c in documents.columns]
    for block in range(start, stop, _RECORD_BLOCK):
        end = min(block + _RECORD_BLOCK, stop)
        records = documents.iloc[block:end][columns].to_dict("records")
        if texts is not None:
            for record, text in zip(records, texts.take(np.arange(block, end)), strict=True):
                record["text"] = text
        yield from records


def _collect_here(
    documents: pd.DataFrame,
    texts: DocumentTexts,
    matcher: CueMatcher,
    finder: ActorFinder | None,
    profile: bool,
    joined: _Joined,
) -> _Joined:
    """The one matching pass in this process, a block of documents (and texts) at a time."""
    width = len(_Layout(matcher).count_columns)
    outlet = "outlet" in documents.columns
    for start in range(0, len(documents), _RECORD_BLOCK):
        records = _records_of(documents, texts, start, start + _RECORD_BLOCK)
        part = _match_pass(records, matcher, collect_matches=True, finder=finder, profile=profile)
        joined.add(start, _compact(part, width, outlet))
    return joined


def _collect_in_workers(
    documents: pd.DataFrame,
    texts: DocumentTexts,
    matcher: CueMatcher,
    actors: Mapping[str, Sequence[str]] | None,
    jobs: int,
    profile: bool,
    joined: _Joined,
) -> _Joined:
    """The one matching pass over ``documents`` split across ``jobs`` worker processes, joined in input
    order (:class:`_Joined`: the result equals a single-process pass exactly).

    Chunks are made as workers need them (at most ``2 * jobs`` at a time), so memory holds a few chunks'
    texts, not the corpus twice. A spooled table's chunks carry no text, only the spool positions: each
    worker reads its texts from the spool file.
    """
    bounds = _chunk_bounds(len(documents), max(1, min(_RECORD_BLOCK, -(-len(documents) // (4 * jobs)))), jobs)
    width = len(_Layout(matcher).count_columns)
    outlet = "outlet" in documents.columns
    refs = documents[TEXT_REF].to_numpy(dtype=np.int64) if texts.spooled else None

    def call(start: int, stop: int) -> tuple[Any, ...]:
        if refs is None:
            return (list(_records_of(documents, texts, start, stop)), profile, width, outlet)
        return (list(_records_of(documents, None, start, stop)), profile, width, outlet, refs[start:stop])

    calls = ((start, call(start, stop)) for start, stop in bounds)
    with ProcessPoolExecutor(
        max_workers=jobs,
        initializer=_init_worker,
        initargs=(matcher.lexicons, matcher.negation_window, actors, texts.spool if texts.spooled else None),
    ) as pool:
        for start, part in submitted_in_order(pool, _collect_chunk, calls, ahead=2 * jobs):
            joined.add(start, part)
    return joined


def _chunk_bounds(n: int, size: int, jobs: int) -> list[tuple[int, int]]:
    """(start, stop) of the chunks of ``n`` documents handed to ``jobs`` workers: ``size`` documents
    each, but the last ``2 * jobs`` chunks' documents in chunks a quarter that size, so that the workers
    run out of work within a small chunk of each other. (At 20,000 AllSides articles a chunk of 1,000 is
    0.8 s of CPU; with whole chunks to the end, 0.5-0.8 core-seconds went idle while one worker finished.)
    """
    tail_start = max(0, n - 2 * jobs * size)
    tail = document_blocks(n - tail_start, max(1, size // 4))
    return [*document_blocks(tail_start, size), *((tail_start + a, tail_start + b) for a, b in tail)]


def _count_chunk(
    texts: list[str], unit: Unit, matcher: CueMatcher | None = None, languages: list[Any] | None = None
) -> list[tuple[Any, ...]]:
    """Count vectors for a chunk of texts: (tokens, sentences, row) per document, or per sentence rows.

    ``languages`` (one per text; default: detected) chooses the lexicons applied to each text.
    """
    matcher = matcher or _WORKER_MATCHER
    assert matcher is not None
    languages = languages if languages is not None else [None] * len(texts)
    records = ({"text": text, "language": language} for text, language in zip(texts, languages, strict=True))
    return _match_pass(records, matcher, unit=unit).counts


def _chunk_languages(chunk: pd.DataFrame) -> list[Any] | None:
    return chunk["language"].tolist() if "language" in chunk.columns else None


def _sentence_rows(found: DocumentMatches, layout: _Layout) -> tuple[Any, ...]:
    """(word tokens per sentence, sentence spans, count vector per sentence) of one document."""
    by_sentence: list[list[Match]] = [[] for _ in found.sentences]
    for match in found.matches:
        by_sentence[match.sentence_id].append(match)
    return (found.sentence_tokens(), found.sentences, [layout.vector(m) for m in by_sentence])


def _chunks(documents: pd.DataFrame, size: int, texts: DocumentTexts | None = None) -> Iterator[pd.DataFrame]:
    """``documents`` ``size`` rows at a time; a spooled table's chunks get their ``text`` from ``texts``."""
    for start in range(0, len(documents), size):
        chunk = documents.iloc[start : start + size]
        if texts is not None and texts.spooled:
            chunk = chunk.assign(text=texts.take(np.arange(start, start + len(chunk))))
        yield chunk


def iter_features(
    chunks: Iterable[pd.DataFrame],
    *,
    matcher: CueMatcher,
    unit: Unit = "document",
    jobs: int = 1,
    keep: Sequence[str] = (),
) -> Iterator[pd.DataFrame]:
    """Feature tables for a stream of document chunks, in input order, with bounded memory.

    With ``jobs > 1`` the matching runs in that many worker processes; at most ``2 * jobs`` chunks are
    in flight at once, so memory does not grow with the corpus.
    """
    if unit not in ("document", "sentence"):
        raise OptionError(f"unit must be 'document' or 'sentence', not {unit!r}")
    if jobs < 1:
        raise OptionError(f"jobs must be at least 1, not {jobs}")
    layout = _Layout(matcher)
    if jobs == 1:
        for chunk in chunks:
            counts = _count_chunk(chunk["text"].tolist(), unit, matcher, _chunk_languages(chunk))
            yield _assemble(chunk, counts, layout, unit, keep)
        return
    with ProcessPoolExecutor(
        max_workers=jobs, initializer=_init_worker, initargs=(matcher.lexicons, matcher.negation_window)
    ) as pool:
        calls = ((chunk, (chunk["text"].tolist(), unit, None, _chunk_languages(chunk))) for chunk in chunks)
        for done_chunk, counts in submitted_in_order(pool, _count_chunk, calls, ahead=2 * jobs):
            yield _assemble(done_chunk, counts, layout, unit, keep)


def _assemble(
    chunk: pd.DataFrame,
    results: list[tuple[Any, ...]] | tuple[np.ndarray, np.ndarray, np.ndarray],
    layout: _Layout,
    unit: Unit,
    keep: Sequence[str],
) -> pd.DataFrame:
    """The feature table of ``chunk`` from its count results: a (tokens, sentences, vector) tuple per
    document, or (document unit) the three as arrays, the vectors as rows of a matrix."""
    missing = [c for c in keep if c not in chunk.columns]
    if missing:  # a streamed chunk without a column of the first one: the table keeps its columns
        chunk = chunk.assign(**dict.fromkeys(missing))
    identity = [c for c in [*_IDENTITY, *keep] if c in chunk.columns]
    if unit == "document":
        if isinstance(results, tuple):
            tokens, sentences, vectors = results
        else:
            tokens, sentences = [r[0] for r in results], [r[1] for r in results]
            vectors = [r[2] for r in results]  # type: ignore[assignment]
        head = chunk[identity].reset_index(drop=True).assign(tokens=tokens, sentences=sentences)
        head = layout.mark_languages(head)
        return pd.concat([head, layout.frame(vectors, tokens)], axis=1)
    repeat, sentence_ids, starts, ends, tokens, rows = [], [], [], [], [], []
    for position, (sentence_tokens, spans, vectors) in enumerate(results):
        for sentence_id, ((start, end), count, vector) in enumerate(
            zip(spans, sentence_tokens, vectors, strict=True)
        ):
            repeat.append(position)
            sentence_ids.append(sentence_id)
            starts.append(start)
            ends.append(end)
            tokens.append(count)
            rows.append(vector)
    head = chunk[identity].iloc[repeat].reset_index(drop=True)
    head.insert(1, "sentence_id", sentence_ids)
    head = layout.mark_languages(head.assign(start=starts, end=ends, tokens=tokens))
    return pd.concat([head, layout.frame(rows, tokens)], axis=1)


def _empty_features(
    documents: pd.DataFrame, matcher: CueMatcher, unit: Unit, keep: Sequence[str]
) -> pd.DataFrame:
    """The same columns as a non-empty result of this input and unit, with no rows."""
    layout = _Layout(matcher)
    identity = [c for c in [*_IDENTITY, *keep] if c in documents.columns]
    if "language" in identity:
        identity.insert(identity.index("language") + 1, "language_supported")
    if unit == "document":
        head = [*identity, "tokens", "sentences"]
    else:
        head = [identity[0], "sentence_id", *identity[1:], "start", "end", "tokens"]
    return pd.DataFrame(columns=[*head, *layout.frame([], []).columns])


#: Document columns not copied into feature tables: long texts (joined back by ``doc_id`` when wanted)
#: and the names of the columns that the measurement itself writes.
_NOT_COPIED = frozenset(
    {"text", TEXT_REF, "title", "url", "tokens", "sentences", "sentence_id", "start", "end"}
)

#: The four columns every cue family has, and a subcategory has not all of.
FAMILY_SUFFIXES = ("_count", "_negated", "_present", "_rate")


def cue_families(columns: Iterable[Any]) -> list[str]:
    """The cue families of a feature table, from its column names alone, in column order.

    A family ``F`` has the columns ``F_count``, ``F_negated``, ``F_present`` and ``F_rate``; subcategory
    columns (``F_<sub>_count``, ``F_<sub>_rate``) have no ``_negated`` or ``_present``, so they are not
    families. Pass ``table.columns``; an empty list means the table has no complete family.
    """
    names = [c for c in columns if isinstance(c, str)]
    present = set(names)
    return [
        c[: -len("_count")]
        for c in names
        if c.endswith("_count") and all(c[: -len("_count")] + s in present for s in FAMILY_SUFFIXES)
    ]


def metadata_columns(documents: pd.DataFrame, matcher: CueMatcher | None = None) -> list[str]:
    """The documents' own columns copied into a feature table (see the module docstring).

    Columns holding lists or mappings (annotation spans, author lists) are not copied: repeated on every
    sentence and written to CSV as text they would bloat the tables; join them back by ``doc_id``.
    """
    measured = set(feature_columns(matcher)) if matcher is not None else set()
    clashing = [c for c in documents.columns if c in measured]
    if clashing:
        log.warning("document column(s) %s replaced by the measured values of the same name", clashing)
    candidates = [
        c for c in documents.columns if c not in _NOT_COPIED and c not in _IDENTITY and c not in measured
    ]
    kept = [c for c in candidates if not _is_nested(documents[c])]
    # the language first: every row's zeros are read against it (framing.coverage)
    return sorted(kept, key=lambda c: c != "language")


def _is_nested(column: pd.Series) -> bool:
    if column.dtype != object:
        return False
    return bool(column.map(lambda v: isinstance(v, (list, dict, tuple, set, np.ndarray))).any())


def extract(
    data: Corpus | pd.DataFrame | Iterable[str],
    *,
    unit: Unit = "document",
    lexicons: Sequence[LexiconSpec] | None = None,
    matcher: CueMatcher | None = None,
    jobs: int = 1,
    chunk_size: int = 500,
) -> pd.DataFrame:
    """Measure every cue family in every document (or sentence).

    Args:
        data: a :class:`Corpus`, a DataFrame with ``text`` (and ``doc_id``, ``outlet``, ``date``), or texts.
            A spooled corpus (:mod:`framing.spool`) is read ``chunk_size`` texts at a time.
        unit: ``"document"``: one row per document; ``"sentence"``: one row per sentence, with
            ``sentence_id`` and the sentence's character offsets ``start``/``end`` in the document text.
        lexicons: extra lexicon files (or :class:`Lexicon` objects) added to the built-in ones.
        matcher: a compiled :class:`CueMatcher` (overrides ``lexicons``).
        jobs: worker processes for matching.

    Returns:
        One row per unit: ``doc_id``, ``outlet``, ``date`` (where known), ``language`` and
        ``language_supported`` (see the module docstring), ``tokens`` (word tokens, the
        denominator of every rate), ``sentences`` (document unit), then the cue columns described in
        the module docstring. The documents' other columns (``outlet_*``, ``duplicate_of``, ``leaning``,
        any column of the input but ``text``, ``title`` and ``url``) follow the identity columns, so
        ``compare.outlet_summary(table, by="leaning")`` works. The families are those of
        :func:`cue_families` (also in ``df.attrs["cue_families"]``).
    """
    matcher = matcher or build_matcher(lexicons)
    spool = data.spool if isinstance(data, Corpus) else None
    documents = as_documents(data)
    keep = metadata_columns(documents, matcher)
    chunks = _chunks(documents, chunk_size, DocumentTexts(documents, spool))
    parts = list(iter_features(chunks, matcher=matcher, unit=unit, jobs=jobs, keep=keep))
    table = pd.concat(parts, ignore_index=True) if parts else _empty_features(documents, matcher, unit, keep)
    table.attrs["cue_families"] = list(matcher.families)
    table.attrs["unit"] = unit
    return table


# ------------------------------------------------------------------------ one pass: counts, matches, blame

#: Columns of :attr:`MatchPass.matches`, one row per cue match (negated ones included). ``doc`` is the
#: row position of the document in :attr:`MatchPass.documents`; ``start``/``end`` and
#: ``sentence_start``/``sentence_end`` are character offsets into that document's text.
MATCH_COLUMNS = [
    "doc", "doc_id", "sentence_id", "start", "end", "sentence_start", "sentence_end", "cue", "subcategory",
    "term", "negated", "weight", "lexicon",
]  # fmt: skip


class MatchPass:
    """What one matcher pass over a documents table gives: counts, every match, and who blames whom.

    The per-document feature table is held in memory; the per-row tables (every match, the blame rows,
    the blame profile) were written to disk as the pass went (:mod:`framing.spill`: a temporary folder,
    deleted when the last MatchPass reading it is let go) and are read back when asked for: whole
    (:attr:`matches`, :attr:`attributions`, :attr:`profile`), a block of documents at a time
    (:meth:`match_blocks`) or only some columns (:meth:`attribution_columns`, :meth:`profile_columns`).
    The whole tables are read anew on every access, not cached: at 200,000 articles they are ~500 MB,
    which a report that reads each once (or block by block) should not keep for the rest of its run; keep
    the DataFrame yourself when you use it more than once.

    Attributes:
        documents: the documents matched (``doc_id``, ``text`` or, spooled, ``text_ref``, and any other
            columns), rows in order.
        features: one row per document, exactly as :func:`extract` with ``unit="document"``.
        matches: one row per match (:data:`MATCH_COLUMNS`, plus the grouping column when one was given),
            compact: categorical ``doc_id``/``cue``/``subcategory``/``term``/``lexicon`` (and group),
            32-bit integer offsets, no text; :meth:`sentences` and :meth:`matched_text` recover it.
        attributions: :func:`framing.blame_attributions` rows (empty unless actors were given), plus the
            grouping column.
        profile: :func:`framing.blame_profile` rows when ``match_documents(..., profile=True)``, else None.
        texts: the texts of ``documents``, row by row (:class:`framing.spool.DocumentTexts`: from the
            ``text`` column, or from the spool file of a spooled table).

    Made by :func:`match_documents` (``store``: its files); :meth:`select` gives the pass over a subset of
    the documents. A MatchPass made by hand from ``matches`` and ``attributions`` tables (and optionally
    ``profile``) holds them in memory as given and reads them the same ways.
    """

    def __init__(
        self,
        documents: pd.DataFrame,
        features: pd.DataFrame | None,
        matches: pd.DataFrame | None = None,
        attributions: pd.DataFrame | None = None,
        profile: pd.DataFrame | None = None,
        texts: DocumentTexts | None = None,
        *,
        store: _MatchStore | None = None,
        by: str | None = None,
        rows: np.ndarray | None = None,
        parent_features: pd.DataFrame | None = None,
    ) -> None:
        if (store is None) == (matches is None or attributions is None):
            raise ValueError("give either the match and attribution tables or the store of a pass")
        self.documents = documents
        self._features = features
        # a selection's features, unless given, are cut from those of the pass it was selected from (its
        # rows there) only when asked for
        self._root_features = features if rows is None else parent_features
        self._store = store
        self._tables = None if store is not None else {"matches": matches, "attributions": attributions}
        self._profile = profile
        self.texts = DocumentTexts(documents) if texts is None else texts
        if len(self.texts) != len(documents):
            raise ValueError(f"{len(self.texts)} texts for {len(documents)} documents")
        self.by = by
        # ``rows``: the position, among the stored documents, of each of ``documents`` (a selection);
        # None when ``documents`` are all the stored documents
        self._rows = rows
        self._keep: np.ndarray | None = None
        self._position: np.ndarray | None = None
        if rows is not None and store is not None:
            stored = len(store.matches.rows_per_document())
            self._keep = np.zeros(stored, dtype=bool)
            self._keep[rows] = True
            self._position = np.cumsum(self._keep) - 1  # a stored document's row in ``documents``
        if by is not None:
            # the group of each match row from the documents' own codes: one group value per document
            # instead of one per match row; the categories those of ``pd.Categorical`` of the rows' groups
            codes, names = pd.factorize(documents[by], sort=True, use_na_sentinel=True)
            self._group_codes, self._group_names = codes, names

    def __repr__(self) -> str:
        where = "in memory" if self._store is None else f"in {self._store.folder.path}"
        return f"MatchPass(documents={len(self.documents)}, by={self.by!r}, per-row tables {where})"

    @property
    def features(self) -> pd.DataFrame:
        if self._features is None and self._root_features is None:
            raise ValueError("this pass's feature table was let go (MatchPass.drop_features)")
        if self._features is None:
            assert self._root_features is not None and self._rows is not None
            self._features = self._root_features.iloc[self._rows].reset_index(drop=True)
        return self._features

    def drop_features(self) -> None:
        """Let go of the feature table (a report keeps its own copy on disk once the statistics are
        done); the match, blame and profile rows stay readable. :attr:`features` then raises."""
        self._features = None
        self._root_features = None

    @property
    def spill_folder(self) -> Path | None:
        """The temporary folder of the per-row tables (deleted when no MatchPass reads it any more); None
        for a MatchPass made by hand."""
        return None if self._store is None else self._store.folder.path

    def spilled_bytes(self) -> int:
        """Bytes of the per-row tables on disk (all the stored documents, not only a selection's)."""
        return 0 if self._store is None else self._store.nbytes()

    def select(
        self,
        rows: Sequence[int] | np.ndarray,
        *,
        documents: pd.DataFrame | None = None,
        features: pd.DataFrame | None = None,
    ) -> MatchPass:
        """The pass over the documents at positions ``rows`` (increasing; or a boolean mask) only.

        Nothing is copied: its readers take the rows of those documents from the same files and number
        ``doc`` by the documents' rows in the selection; the grouping column keeps the groups that have
        match rows. ``documents`` is ``self.documents`` at ``rows`` when the caller already has that table
        (the selection then does not make another copy). ``features``, likewise, is ``self.features`` at
        ``rows``: given, the selection keeps it instead of this pass's whole feature table (which it
        otherwise keeps, to cut its rows from when asked). Of a MatchPass made by hand, the match rows are
        taken by ``doc``, the blame and profile rows by ``doc_id``.
        """
        positions = np.asarray(rows)
        if positions.dtype == bool:
            if len(positions) != len(self.documents):
                raise ValueError(f"a mask of {len(positions)} values for {len(self.documents)} documents")
            positions = np.flatnonzero(positions)
        positions = positions.astype(np.int64, copy=False)
        if len(positions) and (
            np.any(np.diff(positions) <= 0) or positions[0] < 0 or positions[-1] >= len(self.documents)
        ):
            raise ValueError("rows must be increasing positions of documents")
        if documents is None:
            documents = self.documents.iloc[positions].reset_index(drop=True)
        elif len(documents) != len(positions):
            raise ValueError(f"{len(documents)} documents for {len(positions)} rows")
        if features is not None and len(features) != len(positions):
            raise ValueError(f"{len(features)} feature rows for {len(positions)} rows")
        if features is None and self._root_features is None and self._features is not None:
            # a selection that was given its own features has no whole table to cut them from later
            features = self._features.iloc[positions].reset_index(drop=True)
        texts = DocumentTexts(documents, self.texts.spool)  # a subset of the texts would copy them
        parent = self._root_features if features is None else None
        stored = positions if self._rows is None else self._rows[positions]
        if self._store is not None:
            return MatchPass(
                documents,
                features,
                texts=texts,
                store=self._store,
                by=self.by,
                rows=stored,
                parent_features=parent,
            )
        return MatchPass(
            documents,
            features,
            *_select_tables(
                self.matches,
                self.attributions,
                self._profile,
                positions,
                len(self.documents),
                set(documents["doc_id"].astype(str)),
            ),
            texts,
            by=self.by,
            rows=stored,
            parent_features=parent,
        )

    # ---------------------------------------------------------------------------------------- reading

    def _rows_per_document(self, table: SpilledTable) -> np.ndarray:
        counts = table.rows_per_document()
        return counts if self._rows is None else counts[self._rows]

    def _read(
        self, table: SpilledTable, columns: Sequence[str], first: int = 0, stop: int | None = None
    ) -> tuple[dict[str, Any], np.ndarray]:
        """The stored columns of the rows of documents ``first`` to ``stop`` (rows of :attr:`documents`),
        and the documents' rows in :attr:`documents`."""
        stop = len(self.documents) if stop is None else min(stop, len(self.documents))
        if self._rows is None:
            return table.read(columns, first, stop)
        assert self._keep is not None and self._position is not None
        if first >= stop:
            return table.read(columns, 0, 0)
        data, docs = table.read(columns, int(self._rows[first]), int(self._rows[stop - 1]) + 1, self._keep)
        return data, self._position[docs]

    def _group_categorical(self, docs: np.ndarray, table: SpilledTable) -> pd.Categorical:
        """The ``by`` group of each row of documents ``docs``, with the categories of the groups that have
        rows in the whole table (what ``remove_unused_categories`` of the whole column gives)."""
        used = np.unique(self._group_codes[self._rows_per_document(table) > 0])
        used = used[used >= 0]
        place = np.full(len(self._group_names) + 1, -1, dtype=np.int64)
        place[used] = np.arange(len(used))
        return pd.Categorical.from_codes(place[self._group_codes[docs]], categories=self._group_names[used])

    def _match_frame(self, columns: Sequence[str], first: int = 0, stop: int | None = None) -> pd.DataFrame:
        """The stored match rows of documents ``first`` to ``stop``, ``columns`` only."""
        assert self._store is not None
        stored = [c for c in columns if c in MATCH_COLUMNS and c != "doc"]
        data, docs = self._read(self._store.matches, stored, first, stop)
        out: dict[str, Any] = {}
        for name in columns:
            if name == "doc":
                out[name] = docs.astype(np.int32)
            elif name in data:
                out[name] = data[name]
            elif name == self.by:
                out[name] = self._group_categorical(docs, self._store.matches)
            else:
                raise OptionError(f"no match column {name!r} (columns: {', '.join(self._match_columns())})")
        return pd.DataFrame(out, columns=list(columns))

    def _match_columns(self) -> list[str]:
        if self._tables is not None:
            return list(self._tables["matches"].columns)
        return MATCH_COLUMNS + ([self.by] if self.by is not None and self.by not in MATCH_COLUMNS else [])

    @property
    def matches(self) -> pd.DataFrame:
        if self._tables is not None:
            return self._tables["matches"]
        return self._match_frame(self._match_columns())

    def match_blocks(
        self, columns: Sequence[str] | None = None, *, documents_per_block: int = 20_000
    ) -> Iterator[pd.DataFrame]:
        """The rows of :attr:`matches` (only ``columns``, all by default), in order, a block of whole
        documents at a time (every match of a document is in one block). Each block's categorical columns
        have exactly the categories of :attr:`matches` (so codes compare across blocks); ``doc`` is the
        document's row in :attr:`documents`.

        Block ``k`` holds the matches of the documents at rows ``k * documents_per_block`` up to the next
        block's first; blocks without a match are not given. The index of a block is the rows' index in
        :attr:`matches` (their positions). Only the rows of the block's documents, and of them only
        ``columns``, are read from disk: a reader of the blocks holds one block of match rows at a time,
        whatever the size of the corpus.
        """
        size = documents_per_block
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
            raise OptionError(f"documents_per_block must be 1 or more, not {size!r}")
        wanted = self._match_columns() if columns is None else list(columns)
        if self._tables is not None:
            yield from _blocks_in_memory(self._tables["matches"], wanted, len(self.documents), size)
            return
        assert self._store is not None
        offsets = self._row_offsets(self._store.matches)
        for first, stop in document_blocks(len(self.documents), size):
            if offsets[stop] == offsets[first]:
                continue
            block = self._match_frame(wanted, first, stop)
            block.index = pd.RangeIndex(int(offsets[first]), int(offsets[stop]))
            yield block
            del block
            _between_blocks()

    def _attribution_names(self) -> list[str]:
        if self._tables is not None:
            return list(self._tables["attributions"].columns)
        extra = [self.by] if self.by is not None and self.by not in ATTRIBUTION_COLUMNS else []
        return ATTRIBUTION_COLUMNS + extra

    def attribution_columns(
        self, columns: Sequence[str] | None = None, *, first: int = 0, stop: int | None = None
    ) -> pd.DataFrame:
        """The blame rows (:attr:`attributions`) with only ``columns`` (all by default), in that order:
        e.g. everything but ``sentence``, the blame statistics without the sentences' text. ``first`` and
        ``stop`` (rows of :attr:`documents`; a pass with files only) take the rows of those documents."""
        wanted = self._attribution_names() if columns is None else list(columns)
        unknown = [c for c in wanted if c not in self._attribution_names()]
        if unknown:
            known = ", ".join(self._attribution_names())
            raise OptionError(f"no attribution column {unknown[0]!r} (columns: {known})")
        if self._tables is not None:
            return self._tables["attributions"] if columns is None else self._tables["attributions"][wanted]
        assert self._store is not None
        table = self._store.attributions
        stored = [c for c in wanted if c in ATTRIBUTION_COLUMNS]
        data, docs = self._read(table, stored, first, stop)
        # a pass without any blame row gives the untyped empty table a table of no rows is
        frame = pd.DataFrame(data if table.rows else [], columns=stored)
        if self.by is not None and self.by in wanted and self.by not in ATTRIBUTION_COLUMNS:
            # only the rows' values are made: the whole column as Python objects was made for every
            # batch the report's writer copied (~45 MB at 200,000 articles)
            frame[self.by] = self.documents[self.by].iloc[docs].to_numpy()
        return frame[wanted] if list(frame.columns) != wanted else frame

    @property
    def attributions(self) -> pd.DataFrame:
        return self.attribution_columns()

    def profile_columns(
        self, columns: Sequence[str] | None = None, *, first: int = 0, stop: int | None = None
    ) -> pd.DataFrame | None:
        """The blame-profile rows (:attr:`profile`) with only ``columns`` (all by default); None when the
        pass made no profile. ``first`` and ``stop`` as for :meth:`attribution_columns`."""
        from framing.blame_profile import profile_table

        if self._store is None:
            if self._profile is None or columns is None:
                return self._profile
            return self._profile[list(columns)]
        table = self._store.profile
        if table is None:
            return None
        wanted = list(table.columns) if columns is None else list(columns)
        unknown = [c for c in wanted if c not in table.columns]
        if unknown:
            raise OptionError(f"no profile column {unknown[0]!r} (columns: {', '.join(table.columns)})")
        if not table.rows:
            return profile_table([], outlet=self._store.outlet, columns=wanted)
        data, _ = self._read(table, wanted, first, stop)
        return profile_table(data, outlet=self._store.outlet, columns=wanted)

    @property
    def profile(self) -> pd.DataFrame | None:
        return self.profile_columns()

    def blame_blocks(
        self,
        table: Literal["attributions", "profile"],
        columns: Sequence[str] | None = None,
        *,
        documents_per_block: int = 20_000,
    ) -> Iterator[pd.DataFrame]:
        """The rows of :attr:`attributions` or :attr:`profile` (``table``; only ``columns``, all by
        default), in order, a block of whole documents at a time, as :meth:`match_blocks` gives the match
        rows: a block's index is its rows' positions in the whole table, blocks without rows are not
        given, and only one block's rows are read from disk at a time. A pass without a profile gives no
        profile blocks; a MatchPass made by hand gives its table as one block."""
        whole = self._blame_table(table, columns)
        if whole is not None:
            if len(whole):
                yield whole
            return
        offsets = self._blame_offsets(table)
        for first, stop in document_blocks(len(self.documents), documents_per_block):
            if offsets[stop] > offsets[first]:
                yield self._blame_rows(table, columns, first, stop, offsets)
                _between_blocks()

    def blame_rows(
        self,
        table: Literal["attributions", "profile"],
        rows: Sequence[int] | np.ndarray,
        columns: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """The rows at positions ``rows`` of :attr:`attributions` or :attr:`profile` (``table``), in the
        order given, only ``columns``; read from disk document by document (the summary quotes a few
        blame sentences without reading the sentences of every row)."""
        positions = np.asarray(rows, dtype=np.int64)
        whole = self._blame_table(table, columns)
        if whole is not None:
            return whole.iloc[positions]
        offsets = self._blame_offsets(table)
        parts = []
        for row in positions.tolist():
            document = int(np.searchsorted(offsets, row, side="right")) - 1
            found = self._blame_rows(table, columns, document, document + 1, offsets)
            parts.append(found.loc[[row]])
        if parts:
            return pd.concat(parts)
        return self._blame_rows(table, columns, 0, 0, offsets)

    def blame_columns(self, table: Literal["attributions", "profile"]) -> list[str]:
        """The column names of :attr:`attributions` or :attr:`profile`, without reading a row (none for
        a pass without a profile)."""
        if table == "attributions":
            return self._attribution_names()
        if self._store is None:
            return [] if self._profile is None else list(self._profile.columns)
        return [] if self._store.profile is None else list(self._store.profile.columns)

    def blame_row_count(self, table: Literal["attributions", "profile"]) -> int:
        """The number of rows of :attr:`attributions` or :attr:`profile`, without reading them."""
        whole = self._blame_table(table, [])
        return len(whole) if whole is not None else int(self._blame_offsets(table)[-1])

    def _blame_table(self, table: str, columns: Sequence[str] | None) -> pd.DataFrame | None:
        """A hand-made MatchPass's table (``columns`` of it), or None for a pass with files."""
        if self._store is not None:
            return None
        frame = (
            self.attribution_columns(columns) if table == "attributions" else self.profile_columns(columns)
        )
        return pd.DataFrame() if frame is None else frame.reset_index(drop=True)

    def _blame_offsets(self, table: str) -> np.ndarray:
        """:meth:`_row_offsets` of the attribution or profile table (all zeros: a pass without a profile)."""
        assert self._store is not None
        stored = self._store.attributions if table == "attributions" else self._store.profile
        if stored is None:
            return np.zeros(len(self.documents) + 1, dtype=np.int64)
        return self._row_offsets(stored)

    def _row_offsets(self, table: SpilledTable) -> np.ndarray:
        """The position in ``table`` (as read by this pass) of each document's first row, then the
        number of rows: the rows of documents ``first`` to ``stop`` are ``offsets[first]:offsets[stop]``."""
        return np.concatenate([[0], np.cumsum(self._rows_per_document(table))]).astype(np.int64)

    def _blame_rows(
        self, table: str, columns: Sequence[str] | None, first: int, stop: int, offsets: np.ndarray
    ) -> pd.DataFrame:
        if table == "attributions":
            frame = self.attribution_columns(columns, first=first, stop=stop)
        else:
            frame = self.profile_columns(columns, first=first, stop=stop)
        assert frame is not None
        frame.index = pd.RangeIndex(int(offsets[first]), int(offsets[stop]))
        return frame

    # -------------------------------------------------------------------------------------- the texts

    def _slices(self, rows: pd.DataFrame, start: str, end: str) -> list[str]:
        """``text[start:end]`` of each row's document, in row order (see :func:`_cut`)."""
        return _cut(self.texts, rows["doc"].to_numpy(), rows[start].to_numpy(), rows[end].to_numpy())

    def sentences(self, rows: pd.DataFrame) -> list[str]:
        """The sentence of each match row (a subset of :attr:`matches`), cut from the document text."""
        return self._slices(rows, "sentence_start", "sentence_end")

    def matched_text(self, rows: pd.DataFrame) -> list[str]:
        """The matched characters of each match row, as written in the document."""
        return self._slices(rows, "start", "end")


#: Blocks of matched documents joined between two returns of the heap's free pages (each block's
#: parts and rows are freed into the heap as the next arrives).
_BLOCKS_BETWEEN_TRIMS = 10


def _between_blocks() -> None:
    """Give the heap's free pages back before the next block is read.

    A reader's temporaries of one block (sorts, merges, Python strings) are freed into the heap, and the
    next block's land in other free places of it: over the 26 blocks of a 200,000-article report's
    example sentences the resident set grew by ~210 MB while at most ~55 MB was allocated at once.
    """
    return_freed_memory()


def _blocks_in_memory(
    matches: pd.DataFrame, columns: list[str], count: int, size: int
) -> Iterator[pd.DataFrame]:
    """:meth:`MatchPass.match_blocks` of a match table held in memory (a MatchPass made by hand)."""
    docs = matches["doc"].to_numpy()
    ordered = bool(np.all(docs[1:] >= docs[:-1]))  # a table made by hand need not be in document order
    for first, stop in document_blocks(count, size):
        if ordered:
            start, end = np.searchsorted(docs, [first, stop])
            rows = matches.iloc[start:end]
        else:
            rows = matches[(docs >= first) & (docs < stop)]
        if len(rows):
            yield rows[columns]


def _select_tables(
    matches: pd.DataFrame,
    attributions: pd.DataFrame,
    profile: pd.DataFrame | None,
    positions: np.ndarray,
    count: int,
    ids: set[str],
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
    """In-memory tables of a MatchPass made by hand, for the documents at ``positions`` (of ``count``),
    whose ids are ``ids``: the match rows by ``doc`` (renumbered; the grouping column's unused categories
    dropped, as :meth:`MatchPass.select` of a pass does), the blame and profile rows by ``doc_id``."""
    keep = np.zeros(count, dtype=bool)
    keep[positions] = True
    chosen = matches[keep[matches["doc"].to_numpy()]].reset_index(drop=True)
    chosen["doc"] = (np.cumsum(keep) - 1)[chosen["doc"].to_numpy()].astype(matches["doc"].dtype)
    for column in chosen.columns:
        if column not in MATCH_COLUMNS and isinstance(chosen[column].dtype, pd.CategoricalDtype):
            chosen[column] = chosen[column].cat.remove_unused_categories()

    def by_id(table: pd.DataFrame | None) -> pd.DataFrame | None:
        if table is None or "doc_id" not in table.columns:
            return table
        return table[table["doc_id"].astype(str).isin(ids)].reset_index(drop=True)

    return chosen, by_id(attributions), by_id(profile)  # type: ignore[return-value]


def _cut(texts: DocumentTexts, docs: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> list[str]:
    """``texts[doc][start:end]`` for each (doc, start, end), in the order given.

    The texts are read (or made into Python strings) a block of documents at a time, and only for the
    documents named: all of them at once was a second copy of the corpus's texts (from a spool: the
    whole corpus in memory).
    """
    order = np.argsort(docs, kind="stable")
    needed = np.unique(docs)
    out: list[str] = [""] * len(docs)
    at = 0
    for block in range(0, len(needed), _RECORD_BLOCK):
        block_docs = needed[block : block + _RECORD_BLOCK]
        read = dict(zip(block_docs.tolist(), texts.take(block_docs), strict=True))
        last = int(block_docs[-1])
        while at < len(order) and docs[order[at]] <= last:
            row = order[at]
            out[row] = read[int(docs[row])][starts[row] : ends[row]]
            at += 1
    return out


def match_documents(
    data: Corpus | pd.DataFrame | Iterable[str],
    *,
    by: str | None = None,
    actors: Mapping[str, Sequence[str]] | None = None,
    lexicons: Sequence[LexiconSpec] | None = None,
    matcher: CueMatcher | None = None,
    attribute: bool = True,
    jobs: int = 1,
    profile: bool = False,
    spool: TextSpool | None = None,
) -> MatchPass:
    """Match every document once and derive the feature table, the match table and the blame rows.

    ``by`` (a document column, checked to exist) is copied to the feature table and, as a categorical,
    to the match table. ``actors`` (name -> aliases; default: a corpus's own ``[actors]``, else none)
    turns blame and denial matches into :func:`framing.blame_attributions` rows; with no actors every
    blamed actor is ``undetermined``. With ``actors={}`` explicitly or a plain table the attributions
    are still computed (blamed ``undetermined``). ``attribute=False`` skips them (no rows).
    ``jobs > 1`` matches in that many worker processes; the result is identical to ``jobs=1``.
    ``profile=True`` also gives the per-article :func:`framing.blame_profile` table, from the same pass.

    A spooled corpus, or a spooled documents table (``text_ref`` column) with its ``spool``, is matched
    with only a block of texts in memory at a time (workers read their texts from the spool file); the
    result is the same as for the table with its ``text`` column, and :attr:`MatchPass.texts` reads the
    texts from the spool.
    """
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise OptionError(f"jobs must be a whole number of at least 1, not {jobs!r}")
    matcher = matcher or build_matcher(lexicons)
    if actors is None:
        actors = data.actors if isinstance(data, Corpus) else {}
    if spool is None and isinstance(data, Corpus):
        spool = data.spool
    documents = as_documents(data, spool=spool).reset_index(drop=True)
    texts = DocumentTexts(documents, spool)
    if by is not None:
        require_column(documents, by)
    # the match, blame and profile rows go to disk block by block; each block's counts become its rows
    # of the feature table
    store = _MatchStore(outlet="outlet" in documents.columns, profile=profile and attribute)
    joined = _Joined(store, documents, matcher)
    if jobs > 1 and len(documents) > 1:
        actors_sent = actors if attribute else None
        _collect_in_workers(documents, texts, matcher, actors_sent, jobs, profile, joined)
    else:
        finder = ActorFinder(actors) if attribute else None
        _collect_here(documents, texts, matcher, finder, profile, joined)
    store.finish()
    features = joined.features()
    features.attrs["cue_families"] = list(matcher.families)
    features.attrs["unit"] = "document"
    if by is not None and by not in features.columns:
        features[by] = documents[by].to_numpy()
    return_freed_memory()  # the blocks' count vectors, joined
    return MatchPass(documents, features, texts=texts, store=store, by=by)


_CATEGORICAL_MATCH_COLUMNS = {"doc_id", "cue", "subcategory", "term", "lexicon"}


def require_column(documents: pd.DataFrame, by: str) -> None:
    """Raise :class:`OptionError` unless ``documents`` has the grouping column ``by``."""
    if by not in documents.columns:
        known = ", ".join(c for c in documents.columns if c not in {"text", "title", "url"})
        raise OptionError(f"cannot compare by {by!r}: no such column (columns: {known})")


def grouped_features(
    documents: pd.DataFrame, by: str = "outlet", *, matcher: CueMatcher | None = None
) -> pd.DataFrame:
    """:func:`extract` per document, with the grouping column ``by`` (checked to exist) attached.

    The feature table carries outlet, date and corpus metadata; any other document column used for
    grouping is copied over, so every function of :mod:`framing.compare` can group by it.
    """
    require_column(documents, by)
    features = extract(documents, matcher=matcher)
    if by not in features.columns:
        features[by] = documents[by].to_numpy()
    return features


def evidence(
    data: Corpus | pd.DataFrame | Iterable[str],
    *,
    cue: str | None = None,
    subcategory: str | None = None,
    outlet: str | None = None,
    include_negated: bool = True,
    window: int = 60,
    lexicons: Sequence[LexiconSpec] | None = None,
    matcher: CueMatcher | None = None,
) -> pd.DataFrame:
    """Every cue match as a row, with keyword-in-context columns: the evidence behind every count.

    Returns:
        Columns ``doc_id, outlet, date, sentence_id, start, end, matched_text, term, cue, subcategory,
        weight, negated, lexicon, left, right, sentence``. ``start``/``end`` are character offsets into the
        document text; ``left``/``right`` are up to ``window`` characters (>= 0) of context.
    """
    if window < 0:
        raise OptionError(f"window must be 0 or more characters, not {window}")
    matcher = matcher or build_matcher(lexicons)
    if cue is not None and cue not in matcher.families:
        raise OptionError(f"unknown cue {cue!r}; known cues: {', '.join(matcher.families)}")
    spool = data.spool if isinstance(data, Corpus) else None
    documents = as_documents(data)
    if outlet is not None:
        if "outlet" not in documents.columns or outlet not in set(documents["outlet"]):
            known = ", ".join(sorted(set(documents.get("outlet", pd.Series(dtype=str)).dropna())))
            raise OptionError(f"unknown outlet {outlet!r}; outlets: {known or 'none'}")
        documents = documents[documents["outlet"] == outlet]
    found = match_documents(documents, matcher=matcher, attribute=False, spool=spool)
    rows = found.matches
    keep = np.ones(len(rows), dtype=bool)
    if cue:
        keep &= (rows["cue"] == cue).to_numpy()
    if subcategory:
        keep &= (rows["subcategory"] == subcategory).to_numpy()
    if not include_negated:
        keep &= ~rows["negated"].to_numpy()
    rows = rows[keep]
    source = found.documents.iloc[rows["doc"].to_numpy()]
    starts, ends, docs = rows["start"].to_numpy(), rows["end"].to_numpy(), rows["doc"].to_numpy()
    table = pd.DataFrame(
        {
            "doc_id": source["doc_id"].to_numpy(),
            "outlet": source["outlet"].to_numpy() if "outlet" in source else None,
            "date": source["date"].to_numpy() if "date" in source else None,
            "sentence_id": rows["sentence_id"].to_numpy(dtype="int64"),
            "start": starts.astype("int64"),
            "end": ends.astype("int64"),
            "matched_text": found.matched_text(rows),
            "term": rows["term"].astype(str).to_numpy(),
            "cue": rows["cue"].astype(str).to_numpy(),
            "subcategory": rows["subcategory"].astype(str).to_numpy(),
            "weight": rows["weight"].to_numpy(),
            "negated": rows["negated"].to_numpy(),
            "lexicon": rows["lexicon"].astype(str).to_numpy(),
            "left": [
                " ".join(t.split()) for t in _cut(found.texts, docs, np.maximum(0, starts - window), starts)
            ],
            "right": [" ".join(t.split()) for t in _cut(found.texts, docs, ends, ends + window)],
            "sentence": found.sentences(rows),
        },
        columns=EVIDENCE_COLUMNS,
    )
    return table.reset_index(drop=True)


EVIDENCE_COLUMNS = [
    "doc_id", "outlet", "date", "sentence_id", "start", "end", "matched_text", "term", "cue", "subcategory",
    "weight", "negated", "lexicon", "left", "right", "sentence",
]  # fmt: skip


def blame_attributions(
    data: Corpus | pd.DataFrame | Iterable[str],
    *,
    actors: Mapping[str, Sequence[str]] | None = None,
    matcher: CueMatcher | None = None,
) -> pd.DataFrame:
    """Who blames whom: one row per (blame or denial cue, blamed actor) in every sentence with such a cue.

    The rules are those of :mod:`framing.cues.blame`; the rows come from :func:`match_documents`.

    Args:
        data: a :class:`Corpus` (its ``corpus.toml`` actors are used), a documents DataFrame, or texts.
        actors: actor name -> aliases; overrides the corpus's actors.
        matcher: a compiled matcher (default: the built-in lexicons).

    Returns:
        Columns ``doc_id, outlet, date, sentence_id, blamer, blamed, cue, cue_subcategory, kind, negated,
        rule, start, end, sentence``; ``kind`` is ``accusation``, ``self_attribution`` or ``denial``;
        ``start``/``end`` are the cue's character offsets in the document.
    """
    return match_documents(data, actors=actors, matcher=matcher).attributions


def __getattr__(name: str) -> Any:
    # Deprecated alias: FramingCues lives in framing.transformer, which builds on this module (and imports
    # scikit-learn); this module no longer imports it. Use ``from framing import FramingCues``.
    if name == "FramingCues":
        import importlib
        import warnings

        warnings.warn(
            "framing.features.FramingCues is deprecated; import it from framing (or framing.transformer)",
            DeprecationWarning,
            stacklevel=2,
        )
        return importlib.import_module("framing.transformer").FramingCues
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
