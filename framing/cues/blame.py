"""Blame: attribution of responsibility, its denial, and who blames whom.

``blame`` cues attribute responsibility (blamed, accused, claimed responsibility, behind the attack,
orchestrated, linking ... to); ``denial`` cues reject it (denied, rejected, absurd accusations).

:func:`framing.blame_attributions` turns every sentence with such a cue into rows ``blamer -> blamed`` using
the actors of the corpus (``[actors.NAME] aliases`` in ``corpus.toml``) and simple, documented
sentence-structure rules (the ``rule`` column names the one applied):

* ``active``: "X blamed Y", "X accused Y of ...", "X pointed the finger at Y" -> X blames Y; when the
  only actor after the cue is X itself, the actor before it is not the subject and the blamer is unspecified;
* ``passive``: "Y was blamed by X" -> X blames Y ("Y was blamed" alone: blamer unspecified); a
  participle directly followed by *of/for/with* is passive too ("the Y fighters accused of the attack");
* ``self_attribution``: "Y claimed responsibility" -> Y blames itself (``kind = self_attribution``);
* ``subject``: "Y is behind / orchestrated / is responsible", reported or not: "X said Y was behind"
  -> X blames Y; with no reporting actor the blamer is ``unspecified`` (the outlet's own voice); a
  reporting clause after the claim counts too ("Y was behind the attack, X said"), and its actor is never
  taken for a blamed one; "the attack was carried out by Y" -> the reporter blames Y;
* ``object``: "evidence linking Y", "to implicate Y", "Y's involvement" -> the actor before the cue, if
  any, blames Y; negation before the cue ("no evidence linking Y") sets ``negated``;
* ``denial``: "Y denied any involvement", "Y rejected X's accusations" -> the row records that Y rejects
  blame (``blamed = Y``, ``blamer = X`` or unspecified, ``kind = denial``, ``negated = True``); the accuser
  X is an actor right after the cue, never one across a clause break nor Y itself ("Kyiv denied any
  involvement, and Zelensky said ..." -> unspecified -> Ukraine).

* ``nominal``: "the Ukraine-backed attack", "a US-sponsored coup" (an actor joined by a hyphen to
  backed, sponsored, funded, orchestrated, ...) -> the reporting actor, else unspecified, blames Y;
  "no Ukraine-backed plot" sets ``negated``;
* ``accuser_after``: an accusation noun whose accuser follows it: "the accusations against Y came from
  X", "... were made by X" -> X blames Y;
* ``previous_sentence``: a role the rules left open is filled across the sentence boundary. A
  sentence-initial pronoun or definite description before the cue ("He accused Y", "They were blamed",
  "The group claimed responsibility") refers to the last compatible actor of the previous sentence
  (:func:`resolve_subject`: he/she -> a person-like actor, it/they/the group -> another); a sentence
  that takes up an accusation ("The accusation came from X") inherits the actors blamed in the
  previous sentence.

Where no actor fills the role the row is kept with ``blamed = "undetermined"``, never guessed.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from framing.cues.base import CueFamily
from framing.matcher import DocumentMatches, Match

__all__ = [
    "ATTRIBUTION_COLUMNS",
    "BLAME",
    "DEFINITE_SUBJECTS",
    "DENIAL",
    "ActorFinder",
    "document_attributions",
    "person_like",
    "resolve_subject",
]

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
_NEW_CLAUSE = re.compile(r"\s*(?:and|but|or|while|whereas|though|although|as|which|who|when|where)\b", re.I)
# What may follow a closing reporting verb: the end of the sentence, a comma, or an adjunct.
_REPORT_END = re.compile(
    r"\s*(?:[.!?;,\"'”’)]|$|(?:on|in|at|late|early|earlier|last|this|yesterday|today|tonight|during|after|"
    r"before|without|citing|adding|in\s+a|through|via|repeatedly|again|recently|publicly|privately)\b)",
    re.I,
)
_AGENT_BREAK = re.compile(r"[,;:()]|\s[-–—]\s|\b(?:and|but|or|while|whereas|which|who|that)\b", re.I)
_NEAR_NOUN = re.compile(r"\s*(?:[\w-]+\s+){0,2}")  # "ISIS [monsters] accused of"
_REDUCED_PASSIVE = re.compile(r"\s+(?:of|for|with|over)\b", re.I)
_HOLD = re.compile(r"\b(?:hold|holds|held|holding)\s+$", re.I)
_SELF_SUBCATEGORIES = {"claim_of_responsibility"}
_OBJECT_SUBCATEGORIES = {"implication"}
_SUBJECT_SUBCATEGORIES = {"causation", "responsibility", "complicity"}
# Between a blamed subject and its predicate ("Ukraine [is] behind", "the Kyiv regime [bears] the
# responsibility"): a few words and no clause break. Farther away, the actor is not the subject.
_SUBJECT_GAP = re.compile(r"^(?:'s)?[\s\w'’-]{0,60}$")
_SUBJECT_GAP_WORDS = 6
# The claimant of a noun "claim of responsibility": "X's claim ...", or "... by / from / attributed to X".
_CLAIM_SOURCE = re.compile(
    r"^\s+(?:[\w-]+\s+){0,4}?(?:by|from|attributed\s+to|issued\s+by|posted\s+by)\s", re.I
)
# "masterminded in Kyiv", "ordered from Washington": the place stands for its government.
_PLACE_AGENT = re.compile(r"\s+(?:in|from)\s", re.I)
# A denial governs a blame cue later in its clause: "Kyiv denied that it was behind the attack".
# Only a complement clause counts ("denied that ...", "denied being ..."), not the object of the denial
# ("rejected the Kremlin's accusations": the accusation was made) nor a new clause (", and X said ...").
_DENIED_CLAUSE = re.compile(
    r"^(?![^;:.!?]*(?:,\s*(?:and|but|while|whereas)\b|\b(?:said|says|told|added)\b))"
    r"[^;:.!?]{0,80}?\b(?:that|being|having|ever)\b[^;:.!?]{0,80}$",
    re.I,
)


# Sentence-initial definite descriptions that refer back to a group, organisation or state.
DEFINITE_SUBJECTS = (
    "group", "organisation", "organization", "movement", "militants", "company", "firm", "corporation",
    "government", "administration", "regime", "authorities", "agency", "ministry", "party", "country",
    "state", "network", "campaign", "committee", "industry", "council", "court", "department",
)  # fmt: skip
_PERSON_PRONOUN = re.compile(r"^[\s\"'“‘(]*(?:he|she)\b", re.I)
_GROUP_PRONOUN = re.compile(
    r"^[\s\"'“‘(]*(?:it|they|the\s+(?:[a-z-]+\s+)?(?:" + "|".join(DEFINITE_SUBJECTS) + r"))\b(?!['’]s)",
    re.I,
)
_ORG_WORDS = frozenset(
    {
        "party", "committee", "ministry", "state", "states", "department", "army", "council",
        "government", "union", "inc", "corp", "corporation", "company", "group", "news", "times", "post",
        "agency", "bank", "court", "house", "office", "republic", "federation", "kingdom", "nations",
        "organisation", "organization", "association", "institute", "university", "foundation", "fund",
        "league", "front", "forces", "service", "services", "administration", "commission", "board",
        "church", "movement", "network",
    }
)  # fmt: skip
_CAPITALISED = re.compile(r"^[A-Z][\w.'’-]*$")


def person_like(aliases: Sequence[str]) -> bool:
    """True when an alias looks like a person's name: 2-4 capitalised words, no organisation word."""
    for alias in aliases:
        words = alias.replace("_", " ").split()
        named = 2 <= len(words) <= 4 and all(_CAPITALISED.match(w) for w in words)
        if named and not any(w.lower().strip(".") in _ORG_WORDS for w in words):
            return True
    return False


# An accusation noun whose accuser is named after it: "the accusations ... came from X / were made by X".
_ACCUSATION_NOUNS = frozenset(
    {
        "accusation",
        "accusations",
        "blame",
        "charge",
        "charges",
        "allegation",
        "allegations",
        "finger-pointing",
    }
)
_ACCUSER_AFTER = re.compile(
    r"[^.;:!?]{0,80}?\b(?:(?:came|come|comes|coming)\s+from|(?:was|were|had\s+been|have\s+been|has\s+been)\s+"
    r"(?:made|voiced|levell?ed|leveled|raised|repeated|echoed|issued)\s+by)\s",
    re.I,
)
# A sentence that takes up the accusation of the previous one: "The accusation came from Moscow."
_ANAPHORIC_ACCUSATION = re.compile(
    r"^[\s\"'“‘(]*(?:the|this|that|these|those|such)\s+(?:[\w-]+\s+)?"
    r"(?:accusations?|claims?|charges?|allegations?|blame)\b",
    re.I,
)
_NOMINAL_NEGATION = re.compile(
    r"\b(?:no|not|never|nor|without|denied|deny|denies)\b(?:\W+\w+){0,3}\W*$", re.I
)
# "the Ukraine-backed attack", "a US-sponsored coup": the actor before the hyphen is implicated.
_NOMINAL_VERBS = (
    r"(?:backed|sponsored|funded|financed|orchestrated|ordered|inspired|engineered|directed|"
    r"instigated|organised|organized|planned|masterminded)"
)
_NOMINAL_AGENT = re.compile(rf"(?<=\w)-{_NOMINAL_VERBS}\b", re.I)
# _NOMINAL_AGENT without its final \b and led by its literal hyphen (the regex engine then jumps from
# hyphen to hyphen): every place it matches in a sentence, this matches in the whole text.
_NOMINAL_AGENT_ANYWHERE = re.compile(rf"-(?<=\w-){_NOMINAL_VERBS}", re.I)


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    actor: str


def resolve_subject(
    sentence: str, mentions: Sequence[Mention], previous: Sequence[Mention], persons: Mapping[str, bool]
) -> str | None:
    """The actor a sentence-initial pronoun or definite description refers to, or None.

    "He"/"She" -> the last person-like actor named in the previous sentence (``previous``); "It", "They",
    "The group", "The Russian government" ... -> its last actor that is not person-like. A sentence that
    starts with a named actor, or has nothing compatible before it, resolves to nothing.
    """
    if not previous:
        return None
    opening = _PERSON_PRONOUN.match(sentence) or _GROUP_PRONOUN.match(sentence)
    # "The Islamic State said ...": a named actor inside the opening words is no back-reference
    if opening is None or (mentions and mentions[0].start < opening.end() + 1):
        return None
    wanted = opening.re is _PERSON_PRONOUN
    for m in reversed(previous):
        if persons.get(m.actor, False) == wanted:
            return m.actor
    return None


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
        self.persons = {name: person_like(aliases) for name, aliases in self.actors.items()}
        self._regexes = [
            (
                name,
                re.compile(
                    rf"(?<![\w-]){_alias_pattern(alias, strict)}(?:'s)?(?![\w-])", 0 if strict else re.I
                ),
            )
            for name, alias, strict in patterns
        ]
        # One pass of an Aho-Corasick automaton over the lower-cased text (ё read as е) lists the aliases
        # whose regex can match: each alias's lower-cased form, or for a Cyrillic alias the first word
        # of each inflected form. Most sentences name no actor, and a regex per alias (or one
        # alternation of them all) per sentence was most of the report's matching time. A case-sensitive
        # alias ("US") is looked for as written, in the text itself: lower-cased, "us" is in every
        # "because".
        self._automaton = _needle_automaton(
            [set() if strict else _alias_needles(alias) for _, alias, strict in patterns]
        )
        self._exact_automaton = _needle_automaton(
            [{alias} if strict else set() for _, alias, strict in patterns]
        )
        # Where the regex of these aliases can match, an automaton hit begins: an alias written as is
        # (its hit is the text itself), or an ASCII one, whose lower-cased form matches the same letters
        # as the case-insensitive regex except in a text with "ı" or "ſ" (re reads them as "i" and "s";
        # "İ" changes the length of the lower-cased text, which find_each does per span). Their
        # mentions are read at the hits (see _mentions) instead of by a scan of the whole sentence.
        self._at_hits = [strict or alias.isascii() for _, alias, strict in patterns]

    def find(self, text: str) -> list[Mention]:
        """Non-overlapping mentions in text order; the longest alias wins where two overlap."""
        present: set[int] = set()
        if self._automaton is not None:
            lowered = text.lower()
            if "ё" in lowered:
                lowered = lowered.replace("ё", "е")
            present.update(index for _, (_, indices) in self._automaton.iter(lowered) for index in indices)
        if self._exact_automaton is not None:
            present.update(index for _, (_, indices) in self._exact_automaton.iter(text) for index in indices)
        return self._mentions(text, present) if present else []

    def find_each(self, text: str, spans: Sequence[tuple[int, int]]) -> list[list[Mention]]:
        """``[find(text[start:end]) for start, end in spans]`` for sorted, non-overlapping ``spans`` (the
        sentences of a document), with one automaton pass over the whole text: most sentences name no
        actor and cost nothing more. Offsets are within each span, as from :meth:`find`."""
        if self._automaton is None and self._exact_automaton is None:
            return [[] for _ in spans]
        lowered = text.lower()
        if len(lowered) != len(text) or "Σ" in text:
            # lower-casing changed the length (İ) or depends on the context (final sigma): per span
            return [self.find(text[start:end]) for start, end in spans]
        if "ё" in lowered:
            lowered = lowered.replace("ё", "е")
        at_hits = "ı" not in text and "ſ" not in text
        starts = [start for start, _ in spans]
        # per span: pattern index -> the starts of its hits in the span (in text order for one pattern)
        present: list[dict[int, list[int]] | None] = [None] * len(spans)
        for automaton, searched in ((self._automaton, lowered), (self._exact_automaton, text)):
            if automaton is None:
                continue
            for last, (length, indices) in automaton.iter(searched):
                begin = last - length + 1
                k = bisect_right(starts, begin) - 1
                if k >= 0 and last < spans[k][1]:  # the needle lies wholly inside span k
                    found = present[k]
                    if found is None:
                        found = present[k] = {}
                    begin -= starts[k]
                    for index in indices:
                        hits = found.get(index)
                        if hits is None:
                            found[index] = [begin]
                        else:
                            hits.append(begin)
        return [
            self._mentions(text[start:end], found, found if at_hits else None) if found else []
            for (start, end), found in zip(spans, present, strict=True)
        ]

    def _mentions(
        self, text: str, present: Iterable[int], hits: Mapping[int, list[int]] | None = None
    ) -> list[Mention]:
        """The mentions of the aliases ``present`` (pattern indices) in ``text``.

        ``hits``: where the automaton found each pattern's needle in ``text``; a pattern whose regex can
        match only where a hit begins (``_at_hits``) is tried there alone, in order and each after the
        end of the previous match: the matches of ``finditer`` over the whole text.
        """
        indices = sorted(present)  # the order of the patterns: longest alias first
        if len(indices) == 1:
            # The common case (one alias in a sentence): one regex's matches never overlap each other
            # and come in text order, so there is nothing to resolve or sort.
            name, regex = self._regexes[indices[0]]
            return [Mention(m.start(), m.end(), name) for m in self._matches(indices[0], regex, text, hits)]
        found: list[Mention] = []
        taken: list[tuple[int, int]] = []
        for index in indices:
            name, regex = self._regexes[index]
            for m in self._matches(index, regex, text, hits):
                if any(m.start() < e and s < m.end() for s, e in taken):
                    continue
                taken.append(m.span())
                found.append(Mention(m.start(), m.end(), name))
        return sorted(found, key=lambda x: x.start)

    def _matches(
        self, index: int, regex: re.Pattern[str], text: str, hits: Mapping[int, list[int]] | None
    ) -> Iterable[re.Match[str]]:
        """The matches of pattern ``index`` in ``text``, in text order (see :meth:`_mentions`)."""
        if hits is None or not self._at_hits[index]:
            return regex.finditer(text)
        matches = []
        position = 0
        for begin in hits[index]:
            if begin >= position:
                m = regex.match(text, begin)
                if m is not None:
                    matches.append(m)
                    position = m.end()
        return matches


def _alias_needles(alias: str) -> set[str]:
    """Lower-cased strings (ё as е) of which every match of a case-insensitive alias's regex contains one."""
    if not re.search("[\u0400-\u04ff]", alias):
        return {alias.lower().replace("ё", "е")}
    from framing.morphology import alias_forms

    # the regex reads the white space inside a form as \s+: the first word is what must be there
    return {form.lower().replace("ё", "е").split()[0] for form in alias_forms(alias) if form.strip()}


def _needle_automaton(needles: list[set[str]]) -> Any:
    """An automaton whose hits are (needle length, pattern indices that need the needle), or None."""
    import ahocorasick

    by_needle: dict[str, list[int]] = {}
    for index, strings in enumerate(needles):
        for needle in strings:
            if needle:
                by_needle.setdefault(needle, []).append(index)
    if not by_needle:
        return None
    automaton = ahocorasick.Automaton()
    for needle, indices in by_needle.items():
        automaton.add_word(needle, (len(needle), tuple(indices)))
    automaton.make_automaton()
    return automaton


def _alias_pattern(alias: str, strict: bool) -> str:
    """The regex of an alias; a Cyrillic one stands for its inflected forms (Украина, Украины, Украину ...,
    :mod:`framing.morphology`), with ё and е as one letter."""
    if strict or not re.search("[\u0400-\u04ff]", alias):
        return re.escape(alias)
    from framing.morphology import alias_forms

    forms = sorted(alias_forms(alias), key=len, reverse=True)
    return "(?:" + "|".join(re.escape(f).replace("е", "[её]").replace(r"\ ", r"\s+") for f in forms) + ")"


def _group_before(
    sentence: str, mentions: list[Mention], position: int, list_gap: re.Pattern[str] = _LIST_GAP
) -> list[Mention]:
    """The actors of the noun-phrase list ending nearest before ``position`` ("the US, UK and Ukraine").

    ``list_gap`` matches what may stand between two actors of one list (each language has its own).
    """
    before = [m for m in mentions if m.end <= position]
    if not before:
        return []
    group = [before[-1]]
    for m in reversed(before[:-1]):
        if list_gap.match(sentence[m.end : group[0].start]):
            group.insert(0, m)
        else:
            break
    return group


def _group_after(
    sentence: str,
    mentions: list[Mention],
    position: int,
    *,
    limit: int = 60,
    list_gap: re.Pattern[str] = _LIST_GAP,
) -> list[Mention]:
    """The actors of the list starting soon after ``position`` ("accused Ukraine and the West")."""
    after = [m for m in mentions if m.start >= position and m.start - position <= limit]
    if not after:
        return []
    group = [after[0]]
    for m in after[1:]:
        if list_gap.match(sentence[group[-1].end : m.start]):
            group.append(m)
        else:
            break
    return group


def _agent_after(sentence: str, mentions: list[Mention], position: int, *, limit: int = 40) -> list[Mention]:
    """The actor list right after ``position`` (a by-agent, an accuser), not one across a clause break."""
    group = _group_after(sentence, mentions, position, limit=limit)
    if group and _AGENT_BREAK.search(sentence, position, group[0].start):
        return []
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


def _speaker_after(sentence: str, mentions: list[Mention], position: int) -> list[Mention]:
    """Actors of a reporting clause after the claim: "..., X said", "..., said X", "..., according to X".

    Only a clause that closes the report counts: "..., and X said that ..." starts a new claim.
    """
    for verb in _REPORTING.finditer(sentence, position):
        comma = sentence.rfind(",", position, verb.start())
        if comma == -1:
            continue
        gap = sentence[comma + 1 : verb.start()]
        if verb.group(0).lower().startswith("according") or not gap.strip():
            group = _group_after(sentence, mentions, verb.end(), limit=20)  # "..., said Putin"
        elif len(gap) <= 40 and not _NEW_CLAUSE.match(gap) and _REPORT_END.match(sentence, verb.end()):
            group = [m for m in mentions if comma < m.start and m.end <= verb.start()]
        else:
            continue
        if group:
            return group
    return []


def _names(mentions: Iterable[Mention]) -> list[str]:
    return list(dict.fromkeys(m.actor for m in mentions))


def _roles(
    sentence: str, cue_start: int, cue_end: int, subcategory: str, category: str, mentions: list[Mention]
) -> tuple[list[str], list[str], str, str]:
    """(blamers, blamed, kind, rule) for one cue in one sentence; offsets are sentence-relative."""
    inside = [m for m in mentions if not (m.start >= cue_start and m.end <= cue_end)]
    subject = _group_before(sentence, inside, cue_start)
    # A reporting clause after the claim ("..., Putin said") names the speaker, not a blamed actor.
    reporter = _speaker_after(sentence, inside, cue_end)
    if reporter:
        inside = [m for m in inside if m not in reporter]
    if category == "denial":
        denier = _names(subject)
        accuser = [n for n in _names(_agent_after(sentence, inside, cue_end, limit=60)) if n not in denier]
        return accuser or [UNSPECIFIED], denier or [UNDETERMINED], "denial", "denial"
    noun_claim = sentence[cue_start:cue_end].lower().startswith(("claim ", "claims "))
    if subcategory in _SELF_SUBCATEGORIES and noun_claim:
        # a noun: "a so-called claim of responsibility attributed to X"; the sentence subject is not it
        source = _CLAIM_SOURCE.match(sentence[cue_end : cue_end + 60])
        actors = _names(_agent_after(sentence, inside, cue_end + source.end() - 1)) if source else []
        possessive = subject and sentence[subject[-1].start : subject[-1].end].endswith("'s")
        if not actors and possessive and len(sentence[subject[-1].end : cue_start].split()) <= 2:
            actors = _names(subject[-1:])
        return actors or [UNSPECIFIED], actors or [UNDETERMINED], "self_attribution", "self_attribution"
    if subcategory in _SELF_SUBCATEGORIES:
        actors = _names(subject)
        if not actors and _BY_AFTER.match(sentence[cue_end : cue_end + 40] + " by "):
            actors = _names(_group_after(sentence, inside, cue_end))
        return actors or [UNSPECIFIED], actors or [UNDETERMINED], "self_attribution", "self_attribution"
    cue_words = sentence[cue_start:cue_end].lower().split()
    first_word = cue_words[0]
    participle = first_word.endswith(("ed", "en")) or first_word in {"held", "behind"}
    # "the men were linked to Y": an implication names the implicated actor after the cue, passive or not
    passive = (
        participle
        and subcategory not in _OBJECT_SUBCATEGORIES
        and bool(_PASSIVE_BEFORE.search(sentence[max(0, cue_start - 30) : cue_start]))
    )
    # "the four men accused of the attack": a participle followed at once by of/for/with is passive
    reduced = (
        participle
        and subcategory == "accusation"
        and bool(_REDUCED_PASSIVE.match(sentence, cue_start + len(first_word)))
    )
    if cue_words[-1] == "by":  # the agent follows the cue itself ("carried out by Y")
        by_agent: re.Match[str] | None = re.match(r"^\s", sentence[cue_end:] + " ")
    else:
        by_agent = re.match(r"^\s+(?:\w+\s+){0,4}?by\s", sentence[cue_end : cue_end + 60], re.I)
    if passive or reduced or (by_agent and subcategory in _SUBJECT_SUBCATEGORIES):
        agents = _agent_after(sentence, inside, cue_end + by_agent.end() - 1) if by_agent else []
        if passive and not agents and subcategory == "causation" and _PLACE_AGENT.match(sentence, cue_end):
            place = _agent_after(sentence, inside, cue_end, limit=12)
            speakers = _speaker_before(sentence, inside, cue_start)[0] or reporter
            if place:
                return _names(speakers) or [UNSPECIFIED], _names(place), "accusation", "passive"
        if subcategory in _SUBJECT_SUBCATEGORIES and by_agent:
            # "the attack was orchestrated by Y": Y is the one blamed, the reporter blames
            speakers = _speaker_before(sentence, inside, cue_start)[0] or reporter
            return (
                _names(speakers) or [UNSPECIFIED],
                _names(agents) or [UNDETERMINED],
                "accusation",
                "passive",
            )
        if (
            reduced
            and not passive
            and subject
            and not _NEAR_NOUN.fullmatch(sentence[subject[-1].end : cue_start])
        ):
            subject = []  # "Moscow courts detained several men accused of ...": the men, not Moscow
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
        speakers = speakers or reporter
        # the blamed actor is the subject of the reported clause, never the reporting speaker itself
        blamed = [m for m in subject if m.start >= clause_start]
        if blamed:
            gap = sentence[blamed[-1].end : cue_start]
            if not _SUBJECT_GAP.match(gap) or len(gap.split()) > _SUBJECT_GAP_WORDS:
                blamed = []  # "Russia will not allow the organisers ... to escape responsibility"
        blamed_names = _names(blamed)
        blamers = [n for n in _names(speakers) if n not in blamed_names]
        return blamers or [UNSPECIFIED], blamed_names or [UNDETERMINED], "accusation", "subject"
    objects = _group_after(sentence, inside, cue_end)
    if subcategory in _OBJECT_SUBCATEGORIES:
        if not objects and subject and subject[-1].end >= cue_start - 3:
            objects, subject = [subject[-1]], subject[:-1]  # "Ukraine's involvement"
        speakers = _speaker_before(sentence, inside, cue_start)[0] or reporter
        blamers = _names(speakers) or _names(subject)
        blamed = _names(objects)
        return (
            [b for b in blamers if b not in blamed] or [UNSPECIFIED],
            blamed or [UNDETERMINED],
            "accusation",
            "object",
        )
    # accusation verbs and nouns: "X blamed Y", "X's accusations against Y"
    source = _ACCUSER_AFTER.match(sentence, cue_end) if first_word in _ACCUSATION_NOUNS else None
    if source is not None:  # "the accusations against Y came from X": X accuses, in a following clause
        accusers = _group_after(sentence, inside, source.end(), limit=20)
        if accusers:
            blamed = [n for n in _names(objects) if n not in _names(accusers)]
            return _names(accusers), blamed or [UNDETERMINED], "accusation", "accuser_after"
    blamers = _names(subject)
    blamed = [n for n in _names(objects) if n not in blamers]
    if not blamed:  # "X blamed X" is a misparse (the actor before the cue is not its subject)
        blamed = _names(objects)
        blamers = [n for n in blamers if n not in blamed]
    return blamers or [UNSPECIFIED], blamed or [UNDETERMINED], "accusation", "active"


def document_attributions(
    record: Mapping[str, Any],
    found: DocumentMatches,
    finder: ActorFinder,
    *,
    mentions: Sequence[list[Mention]] | None = None,
) -> list[dict[str, Any]]:
    """The attribution rows of one document (``record`` with ``doc_id`` and ``text``) from its matches.

    :func:`framing.features.match_documents` calls it in its one pass over the documents, which gives
    :func:`framing.blame_attributions`. ``mentions`` (``finder.find_each(text, found.sentences)``, when
    the caller has it already) saves finding the actors of a sentence again.
    """
    text = record["text"]
    rows: list[dict[str, Any]] = []
    mention_cache: dict[int, list[Mention]] = dict(enumerate(mentions)) if mentions is not None else {}
    last_denial: Match | None = None
    for match in found.matches:
        if match.entry.category not in ("blame", "denial"):
            continue
        denied = (
            last_denial is not None
            and last_denial.sentence_id == match.sentence_id
            and match.entry.category == "blame"
            and bool(_DENIED_CLAUSE.match(text[last_denial.end : match.start]))
        )
        new = _rows_for(record, text, found.sentences, match, finder, mention_cache, denied)
        rows.extend(_from_previous_sentence(new, text, found.sentences, finder, mention_cache, rows))
        if match.entry.category == "denial" and match.entry.subcategory == "denial":
            last_denial = match
    rows.extend(_nominal_rows(record, text, found.sentences, finder, mention_cache))
    return sorted(rows, key=lambda r: (r["sentence_id"], r["start"]))


def _mentions(
    text: str,
    sentences: list[tuple[int, int]],
    sentence_id: int,
    finder: ActorFinder,
    cache: dict[int, list[Mention]],
) -> list[Mention]:
    if sentence_id not in cache:
        start, end = sentences[sentence_id]
        cache[sentence_id] = finder.find(text[start:end])
    return cache[sentence_id]


def _from_previous_sentence(
    new: list[dict[str, Any]],
    text: str,
    sentences: list[tuple[int, int]],
    finder: ActorFinder,
    cache: dict[int, list[Mention]],
    earlier: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """Fill a role left open from the previous sentence (rule ``previous_sentence``), else keep the rows.

    * a sentence-initial pronoun or definite description ("He", "They", "The group") standing before the
      cue is the subject the rules did not find: the blamer of an active accusation ("They blamed Y"), the
      blamed of a passive or subject one ("They were blamed", "It was behind the attack"), the claimant of
      a self-attribution, the denier of a denial; it refers to the last compatible actor of the previous
      sentence (:func:`resolve_subject`);
    * a sentence that opens by taking up an accusation ("The accusation came from Moscow") with no blamed
      actor of its own inherits the actors blamed in the previous sentence.

    Nothing compatible: the roles stay ``unspecified`` / ``undetermined``.
    """
    if not new:
        return new
    sentence_id = new[0]["sentence_id"]
    if sentence_id == 0:
        return new
    start, end = sentences[sentence_id]
    sentence = text[start:end]
    cue_at = new[0]["start"] - start
    out = []
    for row in new:
        kind, rule = row["kind"], row["rule"]
        open_blamer = row["blamer"] == UNSPECIFIED and kind == "accusation" and rule == "active"
        # a discrediting cue's subject is the accuser discredited ("He provided no evidence"), no denier
        open_blamed = row["blamed"] == UNDETERMINED and row["cue_subcategory"] != "discrediting"
        if not (open_blamer or open_blamed):
            out.append(row)
            continue
        mentions = _mentions(text, sentences, sentence_id, finder, cache)
        before_cue = [m for m in mentions if m.end <= cue_at]
        referent = None
        if not before_cue:
            previous = _mentions(text, sentences, sentence_id - 1, finder, cache)
            referent = resolve_subject(sentence[:cue_at], [], previous, finder.persons)
        if referent is not None and open_blamer and referent != row["blamed"]:
            out.append({**row, "blamer": referent, "rule": "previous_sentence"})
        elif (
            referent is not None and open_blamed and (kind != "accusation" or rule in {"passive", "subject"})
        ):
            blamer = referent if kind == "self_attribution" else row["blamer"]
            out.append({**row, "blamed": referent, "blamer": blamer, "rule": "previous_sentence"})
        elif open_blamed and kind == "accusation" and _ANAPHORIC_ACCUSATION.match(sentence):
            taken = [
                r["blamed"]
                for r in earlier
                if r["sentence_id"] == sentence_id - 1
                and r["kind"] == "accusation"
                and r["blamed"] != UNDETERMINED
                and not r["negated"]
            ]
            targets = [t for t in dict.fromkeys(taken) if t != row["blamer"]]
            out.extend({**row, "blamed": t, "rule": "previous_sentence"} for t in targets)
            if not targets:
                out.append(row)
        else:
            out.append(row)
    return out


def _nominal_rows(
    record: Mapping[str, Any],
    text: str,
    sentences: list[tuple[int, int]],
    finder: ActorFinder,
    cache: dict[int, list[Mention]],
) -> list[dict[str, Any]]:
    """``nominal``: "the Ukraine-backed attack" -> the actor before the hyphen is blamed (complicity).

    The blamer is the reporting actor of the sentence ("X said ..."), else unspecified; a negation in the
    four words before ("no Ukraine-backed ...", "not a US-sponsored ...") sets ``negated``.
    """
    rows: list[dict[str, Any]] = []
    # Most documents have no "-backed"-like word at all: one scan of the whole text finds the sentences
    # that may (a hit within a sentence is also a hit in the text; the scan leaves out the final \b,
    # which the text after a sentence could fail), and only those are read.
    starts = [start for start, _ in sentences]
    candidates = sorted(
        {bisect_right(starts, hit.start()) - 1 for hit in _NOMINAL_AGENT_ANYWHERE.finditer(text)} - {-1}
    )
    for sentence_id in candidates:
        start, end = sentences[sentence_id]
        sentence = text[start:end]
        for hit in _NOMINAL_AGENT.finditer(sentence):
            window = sentence[max(0, hit.start() - 60) : hit.start()]
            offset = hit.start() - len(window)
            found = [m for m in finder.find(window + " ") if m.end == len(window)]
            if not found:
                continue
            actor = found[-1].actor
            mentions = _mentions(text, sentences, sentence_id, finder, cache)
            speakers = _speaker_before(sentence, mentions, offset + found[-1].start)[0]
            speakers = speakers or _speaker_after(sentence, mentions, hit.end())
            blamers = [n for n in _names(speakers) if n != actor] or [UNSPECIFIED]
            negated = bool(
                _NOMINAL_NEGATION.search(
                    sentence[max(0, offset + found[-1].start - 40) : offset + found[-1].start]
                )
            )
            for blamer in blamers:
                rows.append(
                    {
                        "doc_id": record["doc_id"],
                        "outlet": record.get("outlet"),
                        "date": record.get("date"),
                        "sentence_id": sentence_id,
                        "blamer": blamer,
                        "blamed": actor,
                        "cue": sentence[offset + found[-1].start : hit.end()],
                        "cue_subcategory": "complicity",
                        "kind": "accusation",
                        "negated": negated,
                        "rule": "nominal",
                        "start": start + offset + found[-1].start,
                        "end": start + hit.end(),
                        "sentence": sentence,
                    }
                )
    return rows


def _rows_for(
    record: Mapping[str, Any],
    text: str,
    sentences: list[tuple[int, int]],
    match: Match,
    finder: ActorFinder,
    cache: dict[int, list[Mention]],
    denied: bool = False,
) -> list[dict[str, Any]]:
    s_start, s_end = sentences[match.sentence_id]
    sentence = text[s_start:s_end]
    if match.sentence_id not in cache:
        cache[match.sentence_id] = finder.find(sentence)
    language = match.entry.lexicon.rpartition("_")[2]
    if language in ("ru", "uk"):  # issue 12: Russian and Ukrainian word order (framing.cues.blame_ru)
        from framing.cues.blame_ru import roles_ru

        roles = roles_ru(
            sentence, match.start - s_start, match.end - s_start, match.entry.subcategory,
            match.entry.category, cache[match.sentence_id], language,
        )  # fmt: skip
    else:
        roles = _roles(
            sentence,
            match.start - s_start,
            match.end - s_start,
            match.entry.subcategory,
            match.entry.category,
            cache[match.sentence_id],
        )
    blamers, blamed, kind, rule = roles
    # "Kyiv denied that it was behind the attack": the accusation is reported as rejected
    negated = match.negated or kind == "denial" or denied
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


def __getattr__(name: str) -> Any:
    # Compatibility: blame_attributions() matches documents, so it lives in framing.features (which builds
    # on this module); the old import path keeps working without this module importing features.
    if name == "blame_attributions":
        from framing.features import blame_attributions

        return blame_attributions
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
