"""Who is blamed, per article: one row per (document, actor) with the evidence and a decision.

The sentence rules of :mod:`framing.cues.blame` say who blames whom where a blame or denial cue has its
roles filled; they are precise but rarely fire. A coder reading an article also uses weaker signals: who
the article is about, who sits in sentences of accusation or condemnation, who the headline names.
:func:`blame_profile` counts all of them per (document, actor) and combines them into ``blame_score``.

Columns (counts are numbers of occurrences in the document):

* ``mentions``: alias matches of the actor; ``resolved_mentions``: sentence-initial pronouns and
  definite descriptions resolved to it (rule below); ``first_sentence``: where it is first named;
* ``rule_active``, ``rule_passive``, ``rule_subject``, ``rule_object``, ``rule_nominal``,
  ``rule_accuser_after``, ``rule_previous_sentence`` (``rule_other``: a rule of another version):
  attributions naming the actor as blamed (not negated) by each sentence rule of
  :mod:`framing.cues.blame`; ``self_attributions`` ("X claimed
  responsibility"); ``denials`` (the actor rejects blame); ``negated_links`` ("no evidence linking X");
* ``accused_by_outlet`` / ``accused_by_source``: those accusations in the outlet's own voice (blamer
  unspecified) or voiced by a named actor;
* ``headline``: the actor is named in the title (the ``title`` column, else the first sentence);
* ``clause_cues``: blame or condemnation cues in the same clause as a mention (the actor is the subject
  or the object of the cue); ``blame_sentences`` / ``negative_sentences``: sentences that mention the
  actor and hold a blame cue / a strongly negative emotive cue (moral condemnation, name calling,
  derision, anger) or a discrediting cue;
* ``accusations_made``: sentences where a rule names the actor as the *blamer* ("Putin blamed
  Ukraine"), shown to tell accusers from the accused (not scored: see :data:`WEIGHTS`);
* ``blame_score``, ``rank`` (1 = most blamed, ties broken by mentions, then first mention, then name)
  and ``blamed``.

``blame_score`` (unitless) is prominence times evidence, the evidence with diminishing returns::

    prominence = log2(1 + mentions + resolved_mentions) + 2 x headline
    evidence   = 2 x accusations + self_attributions + 0.5 x denials
                 + 0.5 x (clause_cues + blame_sentences + negative_sentences)
    blame_score = prominence x (1 + log2(1 + evidence))

where accusations are the non-negated attributions that name the actor (every rule, :data:`WEIGHTS`).
A denial counts half: the article reports that the actor was accused. Negated links count nothing.
The product is deliberate: an accusatory sentence that names an actor in passing does not make it what
the article blames, and the actor an article is about (named often, in the headline) is blamed when the
accusations and condemnations of the article surround it. Evidence multiplies, it does not add: two
actors with the same evidence are ordered by prominence.

Decision rule (:data:`BLAMED_MIN_SCORE` = 2, :data:`BLAMED_RATIO` = 0.5): an actor is ``blamed`` when its
score is at least half the top score of the article *and* at least 2, or at least half the top score
with an accusation that names it (any rule, not negated). An actor named once, outside the headline, with
no cue around it is not blamed (score 1); one actor whose evidence dominates is blamed alone; actors with
comparable evidence are blamed together. The rule was set on the inspected half of the validation
files (see :mod:`framing.validate_blame`); the other half was only scored.

Pronoun and definite-description resolution: a sentence that *starts* with ``He``/``She`` refers to the
last person-like actor named in the previous sentence; one that starts with ``It``/``They`` or a
definite description (``The group``, ``The company``, ``The government`` ... see
:data:`framing.cues.blame.DEFINITE_SUBJECTS`) to the last actor of the previous sentence that is not
person-like. An actor is person-like when one of its aliases is two to four capitalised words without an
organisation word (Party, Ministry, State, ...). Nothing compatible: nothing resolved.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import Any

import numpy as np
import pandas as pd

from framing.corpus import Corpus
from framing.cues.blame import (
    UNDETERMINED,
    UNSPECIFIED,
    ActorFinder,
    Mention,
    document_attributions,
    resolve_subject,
)
from framing.errors import OptionError
from framing.matcher import CueMatcher, DocumentMatches
from framing.spool import DocumentTexts

__all__ = [
    "BLAMED_MIN_SCORE",
    "BLAMED_RATIO",
    "PROFILE_COLUMNS",
    "WEIGHTS",
    "blame_profile",
    "blamed_by_group",
    "blamed_by_group_in_blocks",
    "document_profile",
    "profile_table",
]

RULES = ("active", "passive", "subject", "object", "nominal", "accuser_after", "previous_sentence", "other")
PROFILE_COLUMNS = [
    "doc_id",
    "actor",
    "mentions",
    "resolved_mentions",
    "first_sentence",
    *[f"rule_{r}" for r in RULES],
    "self_attributions",
    "denials",
    "negated_links",
    "accusations_made",
    "accused_by_outlet",
    "accused_by_source",
    "headline",
    "clause_cues",
    "blame_sentences",
    "negative_sentences",
    "blame_score",
    "rank",
    "blamed",
]
WEIGHTS = {
    "accusations": 2.0,
    "self_attributions": 1.0,
    "denials": 0.5,
    "clause_cues": 0.5,
    "blame_sentences": 0.5,
    "negative_sentences": 0.5,
    "headline": 2.0,
    # Tried at 1.0 (an accuser is not the accused): the Crocus demo read better, but on the inspected
    # half of BASIL, where the accusers of partisan fights are themselves cast in a bad light, micro-F1
    # fell 0.02 to below the most-mentioned baseline. Counted and shown, not scored.
    "accusations_made": 0.0,
}
BLAMED_MIN_SCORE = 2.0
BLAMED_RATIO = 0.5
# Emotive subcategories that cast someone in a bad light (not fear, grief or praise).
NEGATIVE_EMOTIVE = frozenset({"moral_condemnation", "name_calling", "derision", "anger_outrage"})
# A clause ends at ; : a dash or a coordinating conjunction after a comma.
_CLAUSE_BREAK = re.compile(r"[;:]|\s[-–—]\s|,\s*(?:and|but|while|whereas|although|though)\b", re.I)


def blame_profile(
    data: Corpus | pd.DataFrame | Iterable[str],
    *,
    actors: Mapping[str, Sequence[str]] | None = None,
    document_actors: Mapping[str, Mapping[str, Sequence[str]]] | None = None,
    matcher: CueMatcher | None = None,
    min_score: float = BLAMED_MIN_SCORE,
    ratio: float = BLAMED_RATIO,
) -> pd.DataFrame:
    """Per-article blame profile: one row per (document, actor mentioned in it), see the module doc.

    Args:
        data: a :class:`Corpus` (its ``corpus.toml`` actors are used; spooled or not), a documents table
            (``text``, optional ``doc_id``, ``title``, ``outlet``) or texts. An attribution table (the
            output of :func:`framing.blame_attributions`, no ``text`` column) gives a profile from the
            attribution rows alone: mentions, headline and co-occurrence columns are then 0.
        actors: actor name -> aliases; overrides the corpus's actors.
        document_actors: doc_id -> (actor name -> aliases), for documents with their own actor list (used
            by the validation, where each gold article names its entities).
        min_score, ratio: the decision rule for ``blamed``.

    Returns:
        :data:`PROFILE_COLUMNS` (plus ``outlet`` when the documents have one, after ``doc_id``), sorted by
        document order then rank. Documents that name no actor have no row.
    """
    if not min_score >= 0 or not 0 <= ratio <= 1:
        raise OptionError(f"min_score must be >= 0 and ratio in [0, 1] (got {min_score}, {ratio})")
    if isinstance(data, pd.DataFrame) and "text" not in data.columns and "blamed" in data.columns:
        return _from_attributions(data, min_score, ratio)
    from framing.features import as_documents, build_matcher  # features builds on this module

    if actors is None:
        actors = data.actors if isinstance(data, Corpus) else {}
    documents = as_documents(data).reset_index(drop=True)
    # a spooled corpus's texts are read from its spool a block at a time
    texts = DocumentTexts(documents, data.spool if isinstance(data, Corpus) else None)
    matcher = matcher or build_matcher()
    default_finder = ActorFinder(actors)
    rows: list[dict[str, Any]] = []
    has_outlet = "outlet" in documents.columns
    for record, text in zip(documents.to_dict("records"), texts, strict=True):
        record["text"] = text
        doc_id = str(record["doc_id"])
        if document_actors is not None and doc_id in document_actors:
            finder = ActorFinder(document_actors[doc_id])
        else:
            finder = default_finder
        found = matcher.match(record["text"])
        attributions = document_attributions(record, found, finder)
        rows.extend(document_profile(record, found, attributions, finder, min_score=min_score, ratio=ratio))
    return profile_table(rows, outlet=has_outlet)


def document_profile(
    record: Mapping[str, Any],
    found: DocumentMatches,
    attributions: list[dict[str, Any]],
    finder: ActorFinder,
    *,
    min_score: float = BLAMED_MIN_SCORE,
    ratio: float = BLAMED_RATIO,
    mentions: Sequence[list[Mention]] | None = None,
) -> list[dict[str, Any]]:
    """The profile rows of one document from its matches and attribution rows (one matcher pass).

    :func:`framing.features.match_documents` calls it with ``profile=True`` (what the report uses).
    The headline is ``record["title"]`` when it is a non-empty string, else the first sentence.
    ``mentions`` is ``finder.find_each(record["text"], found.sentences)`` when the caller has it.
    """
    title = record.get("title")
    title = title if isinstance(title, str) and title.strip() else None
    if mentions is None:
        mentions = finder.find_each(record["text"], found.sentences)
    doc_rows = _document_rows(record["text"], title, found, attributions, finder, mentions)
    out = []
    for row in _decide(doc_rows, min_score, ratio):
        row["doc_id"] = str(record["doc_id"])
        if "outlet" in record:
            row["outlet"] = record.get("outlet")
        out.append(row)
    return out


def profile_columns(*, outlet: bool) -> list[str]:
    """:data:`PROFILE_COLUMNS`, with ``outlet`` after ``doc_id`` when ``outlet``."""
    return PROFILE_COLUMNS[:1] + (["outlet"] if outlet else []) + PROFILE_COLUMNS[1:]


def profile_table(
    rows: list[dict[str, Any]] | list[tuple[Any, ...]] | Mapping[str, Any],
    *,
    outlet: bool,
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """:func:`profile_columns` (or only ``columns`` of them) from profile rows (dicts, or tuples in that
    column order) or from columns (:func:`profile_arrays`)."""
    return _typed(pd.DataFrame(rows, columns=profile_columns(outlet=outlet) if columns is None else columns))


def profile_kinds(*, outlet: bool) -> dict[str, str]:
    """How a matching pass writes each profile column to disk (:class:`framing.spill.SpilledTable`
    kinds): the numbers with the dtype of their :func:`profile_arrays` array, ``doc_id``, ``actor`` and
    ``outlet`` as dictionary-coded values."""
    from framing.spill import OBJECT

    return {
        column: OBJECT if column in _TEXT_COLUMNS else np.dtype(_dtype(column)).name
        for column in profile_columns(outlet=outlet)
    }


def profile_arrays(rows: list[dict[str, Any]], *, outlet: bool) -> dict[str, Any]:
    """Profile rows (:func:`document_profile`) as columns: a NumPy array of the column's final type for
    each number, a list for ``doc_id``, ``actor`` and ``outlet``. What a matching pass keeps per block of
    documents instead of a dict per row; :func:`profile_table` of the joined columns is the table of the
    rows."""
    columns: dict[str, Any] = {}
    for column in profile_columns(outlet=outlet):
        values = [row.get(column) for row in rows]
        columns[column] = values if column in _TEXT_COLUMNS else np.asarray(values, dtype=_dtype(column))
    return columns


_TEXT_COLUMNS = frozenset({"doc_id", "actor", "outlet"})


def _dtype(column: str) -> Any:
    if column == "blame_score":
        return float
    return bool if column in {"blamed", "headline"} else "int64"


def _typed(table: pd.DataFrame) -> pd.DataFrame:
    for column in table.columns:
        if column not in _TEXT_COLUMNS:
            table[column] = table[column].astype(_dtype(column))
    return table.reset_index(drop=True)


def _empty_row(actor: str) -> dict[str, Any]:
    row: dict[str, Any] = {c: 0 for c in PROFILE_COLUMNS}
    row.update(actor=actor, headline=False, first_sentence=-1)
    return row


def _document_rows(
    text: str,
    title: str | None,
    found: Any,
    attributions: list[dict[str, Any]],
    finder: ActorFinder,
    every_sentence: Sequence[list[Mention]],
) -> dict[str, dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}

    def row(actor: str) -> dict[str, Any]:
        if actor not in rows:
            rows[actor] = _empty_row(actor)
        return rows[actor]

    persons = finder.persons
    present_by_sentence: list[AbstractSet[str]] = []
    previous: list[Mention] = []
    nobody: frozenset[str] = frozenset()
    for sentence_id, (start, end) in enumerate(found.sentences):
        mentions = every_sentence[sentence_id]
        if not mentions and not previous:
            # most sentences: no actor, and none before to refer back to (resolve_subject needs one)
            present_by_sentence.append(nobody)
            continue
        sentence = text[start:end]
        present = {m.actor for m in mentions}
        for m in mentions:
            r = row(m.actor)
            r["mentions"] += 1
            if r["first_sentence"] < 0:
                r["first_sentence"] = sentence_id
        resolved = resolve_subject(sentence, mentions, previous, persons)
        if resolved is not None:
            row(resolved)["resolved_mentions"] += 1
            present.add(resolved)
        present_by_sentence.append(present)
        previous = mentions or previous[:0]
    # who accuses in which sentence (the blamer of a rule), counted apart from who is accused
    accusers: dict[int, set[str]] = defaultdict(set)
    for a in attributions:
        if a["kind"] != "denial" and a["blamer"] != a["blamed"]:
            accusers[a["sentence_id"]].add(a["blamer"])
    headline_actors = {m.actor for m in finder.find(title)} if title else set()
    if not title and every_sentence:
        headline_actors = {m.actor for m in every_sentence[0]}
    for blamers in accusers.values():
        for actor in blamers - {UNSPECIFIED}:
            row(actor)["accusations_made"] += 1
    for actor in headline_actors:
        row(actor)["headline"] = True
    # co-occurrence of mentions with blame / negative cues, per sentence and per clause
    blame_in: set[int] = set()
    negative_in: set[int] = set()
    for match in found.matches:
        entry = match.entry
        if match.negated:
            continue
        is_blame = entry.category == "blame"
        is_negative = (entry.category == "emotive" and entry.subcategory in NEGATIVE_EMOTIVE) or (
            entry.category == "denial" and entry.subcategory == "discrediting"
        )
        if not (is_blame or is_negative):
            continue
        (blame_in if is_blame else negative_in).add(match.sentence_id)
        if is_blame or entry.subcategory == "moral_condemnation":
            s_start, s_end = found.sentences[match.sentence_id]
            sentence = text[s_start:s_end]
            lo, hi = _clause(sentence, match.start - s_start)
            in_clause = {m.actor for m in every_sentence[match.sentence_id] if lo <= m.start < hi}
            for actor in in_clause:
                row(actor)["clause_cues"] += 1
    # every actor present has its row already (made above, in text order): only the counts change here
    for sentence_id in blame_in:
        for actor in present_by_sentence[sentence_id]:
            rows[actor]["blame_sentences"] += 1
    for sentence_id in negative_in:
        for actor in present_by_sentence[sentence_id]:
            rows[actor]["negative_sentences"] += 1
    _count_attributions(attributions, row)
    return rows


def _count_attributions(attributions: list[dict[str, Any]], row: Any) -> None:
    for a in attributions:
        blamed = a["blamed"]
        if blamed == UNDETERMINED:
            continue
        r = row(blamed)
        if a["kind"] == "denial":
            r["denials"] += 1
        elif a["kind"] == "self_attribution":
            if not a["negated"]:
                r["self_attributions"] += 1
            else:
                r["negated_links"] += 1
        elif a["negated"]:
            r["negated_links"] += 1
        else:
            rule = a["rule"] if a["rule"] in RULES else "other"
            r[f"rule_{rule}"] += 1
            r["accused_by_outlet" if a["blamer"] == "unspecified" else "accused_by_source"] += 1


def _clause(sentence: str, position: int) -> tuple[int, int]:
    """The character range of the clause of ``sentence`` holding ``position``."""
    lo, hi = 0, len(sentence)
    for b in _CLAUSE_BREAK.finditer(sentence):
        if b.end() <= position:
            lo = b.end()
        elif b.start() >= position:
            hi = b.start()
            break
    return lo, hi


def _evidence(r: Mapping[str, Any]) -> float:
    """The blame evidence of one row: weighted accusations, self-attributions, denials, co-occurrences."""
    accusations = sum(r[f"rule_{rule}"] for rule in RULES)
    w = WEIGHTS
    return (
        w["accusations"] * accusations
        + w["self_attributions"] * r["self_attributions"]
        + w["denials"] * r["denials"]
        + w["clause_cues"] * r["clause_cues"]
        + w["blame_sentences"] * r["blame_sentences"]
        + w["negative_sentences"] * r["negative_sentences"]
        - w["accusations_made"] * r["accusations_made"]
    )


def _score(r: Mapping[str, Any]) -> float:
    prominence = math.log2(1 + r["mentions"] + r["resolved_mentions"]) + WEIGHTS["headline"] * bool(
        r["headline"]
    )
    return prominence * (1 + math.log2(1 + max(0.0, _evidence(r))))


def _decide(rows: dict[str, dict[str, Any]], min_score: float, ratio: float) -> list[dict[str, Any]]:
    """Score, rank and mark the blamed actors of one document (the decision rule of the module doc)."""
    ordered = list(rows.values())
    for r in ordered:
        r["blame_score"] = round(_score(r), 6)
    first = {r["actor"]: (r["first_sentence"] if r["first_sentence"] >= 0 else 10**9) for r in ordered}
    ordered.sort(key=lambda r: (-r["blame_score"], -r["mentions"], first[r["actor"]], r["actor"]))
    top = ordered[0]["blame_score"] if ordered else 0.0
    for rank, r in enumerate(ordered, start=1):
        r["rank"] = rank
        accused = sum(r[f"rule_{rule}"] for rule in RULES) > 0
        relative = r["blame_score"] >= ratio * top
        r["blamed"] = bool(relative and (r["blame_score"] >= min_score or accused))
    return ordered


def _from_attributions(attributions: pd.DataFrame, min_score: float, ratio: float) -> pd.DataFrame:
    """A profile from :func:`framing.blame_attributions` rows alone (no text: no mentions, no headline)."""
    missing = {"doc_id", "blamed", "blamer", "kind", "negated", "rule"} - set(attributions.columns)
    if missing:
        raise OptionError(f"the attribution table lacks column(s) {', '.join(sorted(missing))}")
    has_outlet = "outlet" in attributions.columns
    out: list[dict[str, Any]] = []
    per_doc: dict[str, list[dict[str, Any]]] = defaultdict(list)
    outlets: dict[str, Any] = {}
    for record in attributions.to_dict("records"):
        doc_id = str(record["doc_id"])
        record["negated"] = str(record["negated"]).strip().lower() in {"true", "1", "yes"}
        per_doc[doc_id].append(record)
        outlets.setdefault(doc_id, record.get("outlet"))
    for doc_id, records in per_doc.items():
        rows: dict[str, dict[str, Any]] = {}

        def row(actor: str, rows: dict[str, dict[str, Any]] = rows) -> dict[str, Any]:
            if actor not in rows:
                rows[actor] = _empty_row(actor)
            return rows[actor]

        _count_attributions(records, row)
        for r in _decide(rows, min_score, ratio):
            r["doc_id"] = doc_id
            if has_outlet:
                r["outlet"] = outlets[doc_id]
            out.append(r)
    columns = PROFILE_COLUMNS[:1] + (["outlet"] if has_outlet else []) + PROFILE_COLUMNS[1:]
    return _typed(pd.DataFrame(out, columns=columns))


def blamed_by_group(
    profile: pd.DataFrame, groups: Mapping[str, Any], *, by: str = "outlet", order: Sequence[Any] = ()
) -> pd.DataFrame:
    """Which actors each group's articles blame: one row per (group, actor blamed in at least one article).

    ``groups`` maps doc_id to its group (e.g. outlet). Columns: ``<by>``, ``actor``, ``articles_blaming``
    (articles of the group whose profile marks the actor ``blamed``), ``articles_naming`` (articles that
    name it), ``group_articles`` (all articles of the group, those naming no actor included) and ``share``
    (``articles_blaming / group_articles``, a proportion). Sorted by group order, then share descending,
    then actor.
    """
    rows = profile[["doc_id", "actor", "blamed"]].assign(**{by: profile["doc_id"].map(groups)})
    sizes = pd.Series(list(groups.values())).value_counts()
    return blamed_by_group_in_blocks([rows], sizes, by=by, order=order)


def blamed_by_group_in_blocks(
    blocks: Iterable[pd.DataFrame], sizes: pd.Series, *, by: str = "outlet", order: Sequence[Any] = ()
) -> pd.DataFrame:
    """:func:`blamed_by_group` of profile rows given a block of whole documents at a time (as
    :meth:`framing.features.MatchPass.blame_blocks` reads them), each row with its group in a ``<by>``
    column (rows without one are left out); ``sizes`` gives each group's number of articles. Only the
    counts per (group, actor) of the blocks are kept, never the rows of every block at once.
    """
    columns = [by, "actor", "articles_blaming", "articles_naming", "group_articles", "share"]
    counted = [
        block.groupby([by, "actor"], sort=False).agg(blaming=("blamed", "sum"), naming=("doc_id", "nunique"))
        for block in blocks
    ]
    # an article is in one block only: its group's counts add up over the blocks
    counts = pd.concat(counted).groupby(level=[0, 1], sort=False).sum() if counted else None
    positions = {g: i for i, g in enumerate(order or sorted(sizes.index, key=str))}
    rows = []
    for (group, actor), blaming, naming in [] if counts is None else counts.itertuples(name=None):
        if blaming:
            size = int(sizes.get(group, 0))
            rows.append([group, actor, int(blaming), int(naming), size, int(blaming) / size])
    table = pd.DataFrame(rows, columns=columns)
    if table.empty:
        return table
    table["_pos"] = table[by].map(positions).fillna(len(positions))
    table = table.sort_values(["_pos", "share", "actor"], ascending=[True, False, True], kind="mergesort")
    return table[columns].reset_index(drop=True)
