"""Blame: attribution of responsibility, its denial, and who blames whom.

``blame`` cues attribute responsibility (blamed, accused, claimed responsibility, behind the attack,
orchestrated, linking ... to); ``denial`` cues reject it (denied, rejected, absurd accusations).

:func:`blame_attributions` turns every sentence with such a cue into rows ``blamer -> blamed`` using the
actors of the corpus (``[actors.NAME] aliases`` in ``corpus.toml``) and simple, documented
sentence-structure rules (the ``rule`` column names the one applied):

* ``active``: "X blamed Y", "X accused Y of ...", "X pointed the finger at Y" -> X blames Y;
* ``passive``: "Y was blamed by X" -> X blames Y ("Y was blamed" alone: blamer unspecified);
* ``self_attribution``: "Y claimed responsibility" -> Y blames itself (``kind = self_attribution``);
* ``subject``: "Y is behind / orchestrated / is responsible", reported or not: "X said Y was behind"
  -> X blames Y; with no reporting actor the blamer is ``unspecified`` (the outlet's own voice);
* ``object``: "evidence linking Y", "to implicate Y", "Y's involvement" -> the actor before the cue, if
  any, blames Y; negation before the cue ("no evidence linking Y") sets ``negated``;
* ``denial``: "Y denied any involvement", "Y rejected X's accusations" -> the row records that Y rejects
  blame (``blamed = Y``, ``blamer = X`` or unspecified, ``kind = denial``, ``negated = True``).

Where no actor fills the role the row is kept with ``blamed = "undetermined"``, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from framing.corpus import Corpus
from framing.cues.base import CueFamily
from framing.matcher import CueMatcher, Match

__all__ = ["ATTRIBUTION_COLUMNS", "BLAME", "DENIAL", "ActorFinder", "blame_attributions"]

BLAME = CueFamily(
    name="blame",
    lexicon="blame",
    description="attribution of responsibility: blaming, accusing, claiming, linking an actor to the act",
    score="blame_count",
)
DENIAL = CueFamily(
    name="denial",
    lexicon="blame",
    description="rejection of responsibility or of an accusation",
    score="denial_count",
)

UNDETERMINED = "undetermined"
UNSPECIFIED = "unspecified"
ATTRIBUTION_COLUMNS = [
    "doc_id",
    "outlet",
    "date",
    "sentence_id",
    "blamer",
    "blamed",
    "cue",
    "cue_subcategory",
    "kind",
    "negated",
    "rule",
    "start",
    "end",
    "sentence",
]

_REPORTING = re.compile(
    r"\b(?:said|says|say|saying|claimed|claims|claiming|alleged|alleges|insisted|insists|suggested|suggests|"
    r"told|argued|argues|asserted|asserts|hinted|hints|insinuated|stated|states|declared|declares|maintained|"
    r"maintains|announced|added|wrote|according\s+to|believes|believed|hinting|suggesting|implying|implied)\b",
    re.IGNORECASE,
)
_PASSIVE_BEFORE = re.compile(r"\b(?:was|were|is|are|be|been|being|get|got|gets)\s+(?:\w+ly\s+)?$", re.I)
_BY_AFTER = re.compile(r"^\W*(?:\w+\W+){0,6}?by\s+$", re.I)
_LIST_GAP = re.compile(r"^\s*(?:,|and|or|&|,\s*and|,\s*or)?\s*(?:the\s+|its\s+|their\s+)?$", re.I)
_HOLD = re.compile(r"\b(?:hold|holds|held|holding)\s+$", re.I)
_SELF_SUBCATEGORIES = {"claim_of_responsibility"}
_OBJECT_SUBCATEGORIES = {"implication"}
_SUBJECT_SUBCATEGORIES = {"causation", "responsibility"}


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    actor: str


class ActorFinder:
    """Find actor mentions by their aliases (whole words; possessive ``'s`` allowed).

    Aliases written in capitals of up to four letters (``IS``, ``US``, ``UK``) match case-sensitively, so
    the verb "is" and the pronoun "us" are not taken for actors; all other aliases ignore case.
    """

    def __init__(self, actors: Mapping[str, Sequence[str]]) -> None:
        self.actors = {name: list(dict.fromkeys([name, *aliases])) for name, aliases in actors.items()}
        patterns: list[tuple[str, str, bool]] = []
        for name, aliases in self.actors.items():
            for alias in aliases:
                strict = alias.replace(".", "").replace("-", "").isupper() and len(alias) <= 4
                patterns.append((name, alias, strict))
        patterns.sort(key=lambda p: -len(p[1]))
        self._regexes = [
            (
                name,
                re.compile(rf"(?<![\w-]){re.escape(alias)}(?:'s)?(?![\w-])", 0 if strict else re.IGNORECASE),
            )
            for name, alias, strict in patterns
        ]

    def find(self, text: str) -> list[Mention]:
        """Non-overlapping mentions in text order; the longest alias wins where two overlap."""
        found: list[Mention] = []
        taken: list[tuple[int, int]] = []
        for name, regex in self._regexes:
            for m in regex.finditer(text):
                if any(m.start() < e and s < m.end() for s, e in taken):
                    continue
                taken.append(m.span())
                found.append(Mention(m.start(), m.end(), name))
        return sorted(found, key=lambda x: x.start)


def _group_before(sentence: str, mentions: list[Mention], position: int) -> list[Mention]:
    """The actors of the noun-phrase list ending nearest before ``position`` ("the US, UK and Ukraine")."""
    before = [m for m in mentions if m.end <= position]
    if not before:
        return []
    group = [before[-1]]
    for m in reversed(before[:-1]):
        if _LIST_GAP.match(sentence[m.end : group[0].start]):
            group.insert(0, m)
        else:
            break
    return group


def _group_after(sentence: str, mentions: list[Mention], position: int, *, limit: int = 60) -> list[Mention]:
    """The actors of the list starting soon after ``position`` ("accused Ukraine and the West")."""
    after = [m for m in mentions if m.start >= position and m.start - position <= limit]
    if not after:
        return []
    group = [after[0]]
    for m in after[1:]:
        if _LIST_GAP.match(sentence[group[-1].end : m.start]):
            group.append(m)
        else:
            break
    return group


def _speaker_before(sentence: str, mentions: list[Mention], position: int) -> tuple[list[Mention], int]:
    """Actors who report the claim ("X said ..."), and where the reported clause begins."""
    reports = [m for m in _REPORTING.finditer(sentence, 0, position)]
    if not reports:
        return [], 0
    verb = reports[-1]
    if verb.group(0).lower().startswith("according"):
        return _group_after(sentence, mentions, verb.end(), limit=20), verb.end()
    return _group_before(sentence, mentions, verb.start()), verb.end()


def _names(mentions: Iterable[Mention]) -> list[str]:
    return list(dict.fromkeys(m.actor for m in mentions))


def _roles(
    sentence: str, cue_start: int, cue_end: int, subcategory: str, category: str, mentions: list[Mention]
) -> tuple[list[str], list[str], str, str]:
    """(blamers, blamed, kind, rule) for one cue in one sentence; offsets are sentence-relative."""
    inside = [m for m in mentions if not (m.start >= cue_start and m.end <= cue_end)]
    subject = _group_before(sentence, inside, cue_start)
    if category == "denial":
        accuser = _group_after(sentence, inside, cue_end)
        return _names(accuser) or [UNSPECIFIED], _names(subject) or [UNDETERMINED], "denial", "denial"
    if subcategory in _SELF_SUBCATEGORIES:
        actors = _names(subject)
        if not actors and _BY_AFTER.match(sentence[cue_end : cue_end + 40] + " by "):
            actors = _names(_group_after(sentence, inside, cue_end))
        return actors or [UNSPECIFIED], actors or [UNDETERMINED], "self_attribution", "self_attribution"
    first_word = sentence[cue_start:cue_end].split()[0].lower()
    participle = first_word.endswith(("ed", "en")) or first_word in {"held", "behind"}
    passive = participle and bool(_PASSIVE_BEFORE.search(sentence[max(0, cue_start - 30) : cue_start]))
    by_agent = re.match(r"^\s+(?:\w+\s+){0,4}?by\s", sentence[cue_end : cue_end + 60], re.I)
    if passive or (by_agent and subcategory in _SUBJECT_SUBCATEGORIES):
        agents = _group_after(sentence, inside, cue_end + by_agent.end() - 1) if by_agent else []
        if subcategory in _SUBJECT_SUBCATEGORIES and by_agent:
            # "the attack was orchestrated by Y": Y is the one blamed, the reporter blames
            speakers, _ = _speaker_before(sentence, inside, cue_start)
            return (
                _names(speakers) or [UNSPECIFIED],
                _names(agents) or [UNDETERMINED],
                "accusation",
                "passive",
            )
        return _names(agents) or [UNSPECIFIED], _names(subject) or [UNDETERMINED], "accusation", "passive"
    if subcategory in _SUBJECT_SUBCATEGORIES:
        hold = _HOLD.search(sentence[:cue_start].rstrip() + " ") if subject else None
        if hold is None and subject:
            between = sentence[: subject[0].start]
            hold = _HOLD.search(between)
        if hold is not None:  # "X held Y responsible"
            holders = _group_before(sentence, inside, hold.start())
            return _names(holders) or [UNSPECIFIED], _names(subject), "accusation", "active"
        speakers, clause_start = _speaker_before(sentence, inside, cue_start)
        blamed = [m for m in subject if m.start >= clause_start] or subject
        blamed_names = _names(blamed)
        blamers = [n for n in _names(speakers) if n not in blamed_names]
        return blamers or [UNSPECIFIED], blamed_names or [UNDETERMINED], "accusation", "subject"
    objects = _group_after(sentence, inside, cue_end)
    if subcategory in _OBJECT_SUBCATEGORIES:
        if not objects and subject and subject[-1].end >= cue_start - 3:
            objects, subject = [subject[-1]], subject[:-1]  # "Ukraine's involvement"
        speakers, _ = _speaker_before(sentence, inside, cue_start)
        blamers = _names(subject) or _names(speakers)
        blamed = _names(objects)
        return (
            [b for b in blamers if b not in blamed] or [UNSPECIFIED],
            blamed or [UNDETERMINED],
            "accusation",
            "object",
        )
    # accusation verbs and nouns: "X blamed Y", "X's accusations against Y"
    blamers = _names(subject)
    blamed = [n for n in _names(objects) if n not in blamers] or _names(objects)
    return blamers or [UNSPECIFIED], blamed or [UNDETERMINED], "accusation", "active"


def blame_attributions(
    data: Corpus | pd.DataFrame | Iterable[str],
    *,
    actors: Mapping[str, Sequence[str]] | None = None,
    matcher: CueMatcher | None = None,
) -> pd.DataFrame:
    """Who blames whom: one row per (blame or denial cue, blamed actor) in every sentence with such a cue.

    Args:
        data: a :class:`Corpus` (its ``corpus.toml`` actors are used), a documents DataFrame, or texts.
        actors: actor name -> aliases; overrides the corpus's actors.
        matcher: a compiled matcher (default: the built-in lexicons).

    Returns:
        Columns ``doc_id, outlet, date, sentence_id, blamer, blamed, cue, cue_subcategory, kind, negated,
        rule, start, end, sentence``; ``kind`` is ``accusation``, ``self_attribution`` or ``denial``;
        ``start``/``end`` are the cue's character offsets in the document.
    """
    from framing.features import as_documents, build_matcher  # features imports nothing from cues

    if actors is None:
        actors = data.actors if isinstance(data, Corpus) else {}
    finder = ActorFinder(actors)
    matcher = matcher or build_matcher()
    documents = as_documents(data)
    rows: list[dict[str, Any]] = []
    for record in documents.to_dict("records"):
        text = record["text"]
        found = matcher.match(text)
        mention_cache: dict[int, list[Mention]] = {}
        for match in found.matches:
            if match.entry.category not in ("blame", "denial"):
                continue
            rows.extend(_rows_for(record, text, found.sentences, match, finder, mention_cache))
    return pd.DataFrame(rows, columns=ATTRIBUTION_COLUMNS)


def _rows_for(
    record: Mapping[str, Any],
    text: str,
    sentences: list[tuple[int, int]],
    match: Match,
    finder: ActorFinder,
    cache: dict[int, list[Mention]],
) -> list[dict[str, Any]]:
    s_start, s_end = sentences[match.sentence_id]
    sentence = text[s_start:s_end]
    if match.sentence_id not in cache:
        cache[match.sentence_id] = finder.find(sentence)
    blamers, blamed, kind, rule = _roles(
        sentence,
        match.start - s_start,
        match.end - s_start,
        match.entry.subcategory,
        match.entry.category,
        cache[match.sentence_id],
    )
    negated = match.negated or kind == "denial"
    return [
        {
            "doc_id": record["doc_id"],
            "outlet": record.get("outlet"),
            "date": record.get("date"),
            "sentence_id": match.sentence_id,
            "blamer": blamer,
            "blamed": target,
            "cue": match.text,
            "cue_subcategory": match.entry.subcategory,
            "kind": kind,
            "negated": negated,
            "rule": rule,
            "start": match.start,
            "end": match.end,
            "sentence": sentence,
        }
        for target in blamed
        for blamer in blamers
    ]
