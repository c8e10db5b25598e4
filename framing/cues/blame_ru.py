"""Who blames whom in Russian and Ukrainian sentences: the word-order rules of the common constructions.

Russian and Ukrainian word order is free and case marks the roles, so these rules read the case of an
actor mention (with pymorphy3 when installed: a mention that cannot be nominative is not a subject):

* ``active``: "X обвинил Y в ..." -> X blames Y (a nominative actor before the cue blames the actors
  after it, or an oblique actor before it: "Украину обвинил Кремль" -> Кремль blames Украина);
* ``object_first``: "Y обвиняют в ..." (the indefinite-personal third person plural, no subject) ->
  Y is blamed, the blamer unspecified; "обвинения в адрес Y / против Y" -> Y is blamed;
* ``self_attribution``: "Y взяла на себя ответственность", "ответственность взяла на себя Y" (actor
  before or after the cue) -> Y blames itself;
* ``subject``: "Y стоит за ...", "Y несет ответственность", "Y причастен"; a reporter "X заявил,
  что Y стоит за ..." or "по словам X" blames Y; without one the outlet's own voice (unspecified);
* ``object``: "причастность Y" (a genitive actor after the noun) -> the reporting or subject actor
  before, if any, blames Y;
* ``denial``: "Y отрицает причастность", "Y отверг обвинения X" -> Y rejects blame; the accuser X is
  an actor right after the cue, not Y itself.

Where no actor fills a role the row says ``undetermined`` (blamed) or ``unspecified`` (blamer).
"""

from __future__ import annotations

import re
from functools import lru_cache

from framing.cues.blame import UNDETERMINED, UNSPECIFIED, Mention, _group_after, _group_before

__all__ = ["roles_ru"]

# Between the actors of a list: a comma, "и", "или", "та", "а также".
_LIST_GAP = re.compile(r"^\s*(?:,|и|или|і|й|та|або|,\s*(?:и|а также|і|та))?\s*$", re.I)
_BREAK = re.compile(r"[;:()]|\s[-–—]\s|,\s*(?:что|который|которая|которые|що|який|яка|які|но|але|а)\b", re.I)
_REPORTING = re.compile(
    r"\b(?:заявил\w*|сообщил\w*|сообщает|сообщают|утвержда\w+|счита\w+|подчеркнул\w*|отметил\w*|намекнул\w*|"
    r"уверен\w*|настаива\w+|обвинил\w*|"
    r"заяви\w*|повідоми\w*|стверджу\w*|вважа\w+|наголоси\w*|зазначи\w*)\b",
    re.I,
)
_ACCORDING = re.compile(
    r"\b(?:по\s+словам|по\s+мнению|по\s+версии|по\s+данным|за\s+словами|на\s+думку)\s+$", re.I
)
_IN_ADDRESS = re.compile(r"^\s*(?:\w+\s+){0,2}?(?:в\s+адрес|против|на\s+адресу|проти)\s+$", re.I)
_OTHER_CASES = ("gent", "datv", "accs", "ablt", "loct")


@lru_cache(maxsize=20_000)
def _cases(word: str, language: str) -> frozenset[str]:
    """The cases a word form may be in (every parse); empty when unknown (no pymorphy3)."""
    from framing.morphology import _analyzer

    analyzer = _analyzer(language)
    if analyzer is None:
        return frozenset()
    found = set()
    for parse in analyzer.parse(word.lower()):
        found |= {c for c in ("nomn", *_OTHER_CASES) if c in parse.tag}
    return frozenset(found)


def _nominative(sentence: str, mention: Mention, language: str) -> bool:
    """Whether the mention may be a subject: its last word can be nominative (unknown: assume so)."""
    words = sentence[mention.start : mention.end].split()
    if not words:
        return True
    cases = _cases(words[-1], language) or _cases(words[0], language)
    return not cases or "nomn" in cases


def _names(mentions: list[Mention]) -> list[str]:
    return list(dict.fromkeys(m.actor for m in mentions))


def _before(sentence: str, mentions: list[Mention], position: int) -> list[Mention]:
    """The list of actors ending nearest before ``position`` with no clause break after it."""
    before = [m for m in mentions if m.end <= position]
    if not before or _BREAK.search(sentence, before[-1].end, position):
        return []
    return _group_before(sentence, mentions, position, _LIST_GAP)


def _after(sentence: str, mentions: list[Mention], position: int, limit: int = 50) -> list[Mention]:
    """The list of actors starting soon after ``position``, not across a clause break."""
    after = [m for m in mentions if m.start >= position and m.start - position <= limit]
    if not after or _BREAK.search(sentence, position, after[0].start):
        return []
    return _group_after(sentence, mentions, position, limit=limit, list_gap=_LIST_GAP)


def _speakers(sentence: str, mentions: list[Mention], position: int) -> list[Mention]:
    """Who reports the claim before ``position``: "X заявил, что ...", "по словам X, ..."."""
    for verb in reversed(list(_REPORTING.finditer(sentence, 0, position))):
        group = _before(sentence, mentions, verb.start())
        if group:
            return group
    for m in mentions:
        if m.end <= position and _ACCORDING.search(sentence[: m.start]):
            return [m]
    return []


def roles_ru(
    sentence: str,
    cue_start: int,
    cue_end: int,
    subcategory: str,
    category: str,
    mentions: list[Mention],
    language: str = "ru",
) -> tuple[list[str], list[str], str, str]:
    """(blamers, blamed, kind, rule) for one Russian or Ukrainian cue (offsets sentence-relative)."""
    inside = [m for m in mentions if not (m.start >= cue_start and m.end <= cue_end)]
    before = _before(sentence, inside, cue_start)
    subjects = [m for m in before if _nominative(sentence, m, language)]
    obliques = [m for m in before if m not in subjects]
    after = _after(sentence, inside, cue_end)
    if category == "denial":
        denier = _names(subjects or before) or _names(after[:1])
        accuser = [n for n in _names(after) if n not in denier]
        return accuser or [UNSPECIFIED], denier or [UNDETERMINED], "denial", "denial"
    if subcategory == "claim_of_responsibility":
        actors = _names(subjects) or _names([m for m in after if _nominative(sentence, m, language)])
        return actors or [UNSPECIFIED], actors or [UNDETERMINED], "self_attribution", "self_attribution"
    speakers = _speakers(sentence, inside, cue_start)
    if subcategory in {"causation", "responsibility", "complicity"}:
        blamed = [n for n in _names(subjects or before) if n not in _names(speakers)]
        if not blamed and subcategory == "causation":
            blamed = _names(after)  # "за терактом стоит Y" order: the actor follows
        blamers = [n for n in _names(speakers) if n not in blamed]
        return blamers or [UNSPECIFIED], blamed or [UNDETERMINED], "accusation", "subject"
    if subcategory == "implication":
        blamed = _names(after) or _names(obliques)
        if not blamed and subjects and not speakers:
            blamed = _names(subjects)  # "Y причастен к ..."
            subjects = []
        blamers = [n for n in _names(speakers) or _names(subjects) if n not in blamed]
        return blamers or [UNSPECIFIED], blamed or [UNDETERMINED], "accusation", "object"
    # accusation: "X обвинил Y", "Y обвиняют", "обвинения в адрес Y"
    targeted = _IN_ADDRESS.match(sentence[cue_end : cue_end + 40] + " ")
    if targeted:
        blamed = _names(_after(sentence, inside, cue_end + targeted.end() - 1, limit=20))
        blamers = [n for n in _names(subjects) or _names(speakers) if n not in blamed]
        return blamers or [UNSPECIFIED], blamed or [UNDETERMINED], "accusation", "object_first"
    blamers = _names(subjects)
    blamed = [n for n in _names(obliques) + _names(after) if n not in blamers]
    if not blamers and blamed:
        rule = "object_first" if obliques else "active"
        nominative_after = [m for m in after if _nominative(sentence, m, language)]
        if obliques and nominative_after:  # "Украину обвинил Кремль"
            blamers = _names(nominative_after)
            blamed = [n for n in blamed if n not in blamers]
            rule = "active"
        return blamers or [UNSPECIFIED], blamed or [UNDETERMINED], "accusation", rule
    return blamers or [UNSPECIFIED], blamed or [UNDETERMINED], "accusation", "active"
