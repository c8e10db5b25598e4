"""The lexicon engine: compile any set of lexicons once, then match them over texts in one pass.

Matching works on the toolkit's tokens (:mod:`framing.text`), case-insensitively unless an entry says
otherwise. An Aho-Corasick automaton (pyahocorasick) of the literal start of every entry lists, in one
pass at C speed, where a term may begin; a compiled regular expression (a trie of the entries that begin
with the character found there) is tried only there and finds the longest candidate. Python touches
each candidate once, through a cached plan per candidate phrase, and reads the neighbouring tokens
only for entries with context rules and for windows that hold a negator word. Overlaps are resolved
by *longest match wins*: a match that lies inside a longer match of any family is dropped (``claimed
responsibility`` is blame, not also an attribution hedge ``claimed``).

A match is *negated* when a negator (``not``, ``no``, ``never``, ``without``, ``n't`` forms, ``absence``,
``lack`` ...) occurs among the ``negation_window`` tokens before it in the same clause (the window stops
at ``,``, ``;``, ``:`` and ``but``). Negated matches are counted apart.

>>> from framing.lexicon import builtin_lexicons
>>> matcher = CueMatcher(builtin_lexicons())
>>> [(m.text, m.entry.category, m.negated) for m in matcher.match("It is not likely.").matches]
[('likely', 'hedging', True)]
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from framing.lexicon import CUE_FAMILIES, NEGATOR, Entry, Lexicon
from framing.morphology import MORPHOLOGY_LANGUAGES, expand_term
from framing.text import (
    TOKEN_PATTERN,
    WORD_PATTERN,
    _blank_non_ascii_punctuation,
    _count_blanked,
    count_words,
    sentence_spans,
)

try:  # an Aho-Corasick automaton finds where candidates may begin; without it the regex scans alone
    import ahocorasick
except ImportError:  # pragma: no cover - pyahocorasick is a dependency; same results, slower
    ahocorasick = None

__all__ = ["CueMatcher", "DocumentMatches", "Match"]

_TOKEN_RE = re.compile(TOKEN_PATTERN)
_WORD_RE = re.compile(WORD_PATTERN)
_WORD_CHAR_RE = re.compile(r"\w")
_CLAUSE_BREAKS = frozenset({",", ";", ":", "but", "(", ")", '"'})
_TOKEN_CLASSES = frozenset({"#num", "#cap"})
# A candidate token that the toolkit's tokeniser reads as exactly one word token ending where it ends.
_PLAIN_TOKEN_RE = re.compile(r"\w+(?:[-']\w+)*")
_NextPlan = tuple[
    int, tuple[tuple[int, tuple[str, str | None], "_Alternatives | None", "_Alternatives | None"], ...]
]
_SLOW = -1  # a candidate plan: the rules of an entry need the context, decided by :meth:`_accept`
_CACHE_LIMIT = 200_000  # bounded caches: the vocabulary of a huge corpus keeps growing
# What ``\s`` matches; a run of white space other than one " " is where the automaton's keys
# (first and second token joined by one space) may miss a multi-word candidate.
_WHITE_SPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_ODD_ASCII_SPACE = [c for c in _WHITE_SPACE if c.isascii() and c != " "] + ["  "]
_ODD_OTHER_SPACE = [c for c in _WHITE_SPACE if not c.isascii()]
_CONTEXT_CHARS = 60  # how far back to look for previous tokens (rules and negation need at most ~5)
# The automaton reads a *bounded* copy of the text: every non-word character (``[^\w]``) becomes a space,
# word characters stay, the length is kept. Non-ASCII punctuation becomes spaces first (at C speed, see
# framing.text), then ASCII bytes are mapped by ``bytes.translate`` on the UTF-8 form (bytes of the
# multi-byte characters left, all word characters, are >= 128 and pass unchanged). Keys are bounded
# the same way, with a space in front (a term begins after a non-word character) and after (a term's
# last whole token ends before one), so the automaton reports only word starts, not every substring.
_BOUND_ASCII = bytes(b if b >= 128 or chr(b).isalnum() or b == ord("_") else 32 for b in range(256))


@dataclass(frozen=True, slots=True)
class _Alternatives:
    """Rule alternatives compiled for speed: one-token words in a set, classes as flags."""

    words: frozenset[str]
    number: bool
    capital: bool
    sequences: tuple[tuple[str, ...], ...]
    # The multi-token alternatives by their first word; those that begin with a class (#num, #cap) apart.
    sequences_by_first: dict[str, tuple[tuple[str, ...], ...]]
    class_sequences: tuple[tuple[str, ...], ...]

    @classmethod
    def of(cls, options: tuple[tuple[str, ...], ...]) -> _Alternatives:
        single = {o[0] for o in options if len(o) == 1}
        sequences = tuple(o for o in options if len(o) > 1)
        by_first: dict[str, list[tuple[str, ...]]] = {}
        for option in sequences:
            if option[0] not in _TOKEN_CLASSES:
                by_first.setdefault(option[0], []).append(option)
        return cls(
            frozenset(single - _TOKEN_CLASSES),
            "#num" in single,
            "#cap" in single,
            sequences,
            {first: tuple(group) for first, group in by_first.items()},
            tuple(o for o in sequences if o[0] in _TOKEN_CLASSES),
        )

    def matches(self, tokens: list[tuple[str, str]]) -> bool:
        """Whether ``tokens`` (lower, original) begin with one of the alternatives."""
        if not tokens:
            return False
        low, orig = tokens[0]
        if low in self.words or (self.number and low[:1].isdigit()) or (self.capital and orig[:1].isupper()):
            return True
        candidates = self.sequences_by_first.get(low, ())
        return any(_sequence_matches(option, tokens) for option in candidates) or any(
            _sequence_matches(option, tokens) for option in self.class_sequences
        )


def _sequence_matches(option: tuple[str, ...], tokens: list[tuple[str, str]]) -> bool:
    if len(tokens) < len(option):
        return False
    for want, (low, orig) in zip(option, tokens, strict=False):
        if want == "#num":
            if not low[:1].isdigit():
                return False
        elif want == "#cap":
            if not orig[:1].isupper():
                return False
        elif low != want:
            return False
    return True


@dataclass(frozen=True, slots=True)
class Match:
    """One cue occurrence: character offsets into the text, the lexicon entry, and its context."""

    start: int
    end: int
    sentence_id: int
    entry: Entry
    negated: bool
    text: str


# Match(...) runs the frozen dataclass's __init__, six ``object.__setattr__`` calls through a Python frame;
# the matching pass makes ~25 matches per article and sets the same slots directly through their
# descriptors (the frozen ``__setattr__`` is the only thing bypassed), in half the time.
_NEW_OBJECT = object.__new__
_SET_START, _SET_END, _SET_SENTENCE_ID, _SET_ENTRY, _SET_NEGATED, _SET_TEXT = (
    Match.start.__set__,  # type: ignore[attr-defined]
    Match.end.__set__,  # type: ignore[attr-defined]
    Match.sentence_id.__set__,  # type: ignore[attr-defined]
    Match.entry.__set__,  # type: ignore[attr-defined]
    Match.negated.__set__,  # type: ignore[attr-defined]
    Match.text.__set__,  # type: ignore[attr-defined]
)


def _new_match(start: int, end: int, sentence_id: int, entry: Entry, negated: bool, text: str) -> Match:
    """``Match(start, end, sentence_id, entry, negated, text)``, made faster (see above)."""
    match = _NEW_OBJECT(Match)
    _SET_START(match, start)
    _SET_END(match, end)
    _SET_SENTENCE_ID(match, sentence_id)
    _SET_ENTRY(match, entry)
    _SET_NEGATED(match, negated)
    _SET_TEXT(match, text)
    return match


@dataclass(slots=True)
class DocumentMatches:
    """Everything the engine found in one text.

    ``tokens`` is the number of word tokens (the denominator of rates); ``sentences`` the character
    spans of the sentences; ``matches`` the cue matches in text order.
    """

    tokens: int
    sentences: list[tuple[int, int]]
    matches: list[Match]
    lowered: str

    def sentence_tokens(self) -> list[int]:
        """Word tokens in each sentence, aligned with ``sentences``."""
        return [count_words(self.lowered[start:end]) for start, end in self.sentences]


def _atoms(tokens: Sequence[str]) -> list[str]:
    """Regex atoms of a term: escaped characters, ``\\s+`` between tokens, a prefix wildcard at ``*``."""
    atoms: list[str] = []
    for position, token in enumerate(tokens):
        if position:
            atoms.append(r"\s+")
        wildcard = token.endswith("*")
        atoms.extend(re.escape(char) for char in token.rstrip("*"))
        if wildcard:
            atoms.append(r"[\w'-]*")
    return atoms


def _trie_regex(terms: Iterable[Sequence[str]]) -> str:
    """A regex alternation shaped as a trie of the terms' atoms.

    The regex engine never retries shared prefixes, and greedy optional branches make it prefer the
    longest term at each position (longest match wins).
    """
    trie: dict[str, dict] = {}
    for atoms in terms:
        node = trie
        for atom in atoms:
            node = node.setdefault(atom, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        branches = [atom + build(node[atom]) for atom in sorted(k for k in node if k)]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return "(?:" + body + ")?" if "" in node else body

    return build(trie)


def _bounded(text: str, blanked: bool = False) -> str:
    """``text`` with every non-word character replaced by a space (same length, word characters kept).

    ``blanked``: the non-ASCII characters of ``text`` that are not word characters are spaces already.
    """
    if not blanked:
        text = _blank_non_ascii_punctuation(text)
    if text.isascii():
        return text.encode("ascii").translate(_BOUND_ASCII).decode("ascii")
    return text.encode("utf-8", "surrogatepass").translate(_BOUND_ASCII).decode("utf-8", "surrogatepass")


@lru_cache(maxsize=1024)
def _candidate_regex(terms: tuple[tuple[str, ...], ...]) -> re.Pattern[str]:
    """The candidate regex of a set of terms, compiled once per process for the same terms (the built-in
    lexicons with their Russian and Ukrainian forms take seconds to turn into a trie and compile)."""
    body = _trie_regex(_atoms([t.lower() for t in tokens]) for tokens in terms) or "(?!)"
    # Whole tokens only: not preceded or followed by a word character or an internal hyphen/apostrophe.
    # The pattern consumes the non-word character before a term (the text is scanned with a space in
    # front), so the regex engine can skip from gap to gap instead of trying every position.
    return re.compile(rf"[^\w](?<![\w][-'])({body})(?![\w])(?![-'][\w])")


class _Candidates:
    """The candidate regex of a set of terms, compiled in parts when first needed: one per first character.

    The regex matches at a place only with a term that begins with the character after it (the top-level
    branches of the trie each begin with one literal character), so the part of the terms with that first
    character finds the same match there as the whole regex. A corpus in one script never compiles the
    parts of the others: the Russian and Ukrainian forms are three quarters of the built-in terms and
    most of the time it took to build the matcher.
    """

    def __init__(self, terms: tuple[tuple[str, ...], ...]) -> None:
        self.terms = terms
        by_first: dict[str, list[tuple[str, ...]]] = {}
        for tokens in terms:
            by_first.setdefault(tokens[0].lower()[:1], []).append(tokens)
        self._by_first = {first: tuple(group) for first, group in by_first.items()}
        self._parts: dict[str, re.Pattern[str]] = {}

    def match(self, padded: str, place: int) -> re.Match[str] | None:
        """``_candidate_regex(terms).match(padded, place)``; ``padded[place]`` is the character before."""
        first = padded[place + 1 : place + 2]
        part = self._parts.get(first)
        if part is None:
            terms = self._by_first.get(first)
            if terms is None:
                return None
            part = self._parts[first] = _candidate_regex(terms)
        return part.match(padded, place)

    def finditer(self, padded: str) -> Iterator[re.Match[str]]:
        """Every match of the whole regex in ``padded`` (the scan without the automaton)."""
        return _candidate_regex(self.terms).finditer(padded)


def _inflected_entries(lexicon: Lexicon) -> list[Entry]:
    """The lexicon's entries; for Russian and Ukrainian, one per inflected form of each term.

    Each form keeps its entry's term, so counts and match rows name the lexicon's own entry. A form
    that an earlier entry of the same family already gave is not repeated (one match per family).
    """
    language = lexicon.language
    if language not in MORPHOLOGY_LANGUAGES:
        return lexicon.entries
    return list(_inflected(tuple(lexicon.entries), language))


@lru_cache(maxsize=32)
def _inflected(entries: tuple[Entry, ...], language: str) -> tuple[Entry, ...]:
    out: list[Entry] = []
    seen: set[tuple[tuple[str, ...], str]] = set()
    for entry in entries:
        forms = (
            (entry.tokens,) if entry.rules.exact or entry.rules.case else expand_term(entry.tokens, language)
        )
        for tokens in forms:
            if (tokens, entry.category) not in seen:
                seen.add((tokens, entry.category))
                out.append(entry if tokens == entry.tokens else replace(entry, tokens=tokens))
    return tuple(out)


def _lower_same_length(text: str) -> str:
    lowered = text.lower()
    if len(lowered) != len(text):  # a few characters (e.g. 'İ') grow when lower-cased; keep offsets exact
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    # ё/е and the Ukrainian apostrophes (’ and the modifier letter ʼ) are one letter for matching.
    lowered = lowered.replace("’", "'")
    return lowered if lowered.isascii() else lowered.replace("ё", "е").replace("ʼ", "'")


class CueMatcher:
    """Compiled lexicons, ready to match texts.

    Args:
        lexicons: cue lexicons (and a negator lexicon, whose entries have category ``negator``).
        negation_window: how many tokens before a match are searched for a negator.

    Attributes:
        entries: every non-negator entry, indexable by position.
        families: the cue families (categories), the toolkit's own first, in a stable order.
        subcategories: family -> its subcategories in first-seen order.
    """

    def __init__(self, lexicons: Sequence[Lexicon], *, negation_window: int = 4) -> None:
        self.lexicons = list(lexicons)
        self.negation_window = negation_window
        # Russian and Ukrainian entries stand for all their inflected forms (framing.morphology).
        all_entries = [e for lex in self.lexicons for e in _inflected_entries(lex)]
        entries = [e for e in all_entries if e.category != NEGATOR]
        negators = [e for e in all_entries if e.category == NEGATOR]
        #: lexicon name -> its language (``None``: applied to documents of every language).
        self.lexicon_languages: dict[str, str | None] = {lex.name: lex.language for lex in self.lexicons}
        self._mixed_languages = len(set(self.lexicon_languages.values())) > 1
        # One match per family at a span, per language: the same word in the Russian and the Ukrainian
        # lexicon (фейк) must reach documents of both languages.
        self._family_keys = [(e.category, self.lexicon_languages.get(e.lexicon)) for e in entries]
        self.entries: list[Entry] = entries
        found = list(dict.fromkeys(e.category for e in entries))
        self.families = [f for f in CUE_FAMILIES if f in found] + [f for f in found if f not in CUE_FAMILIES]
        self.subcategories: dict[str, list[str]] = {f: [] for f in self.families}
        for entry in entries:
            if entry.subcategory not in self.subcategories[entry.category]:
                self.subcategories[entry.category].append(entry.subcategory)
        self._negators = frozenset(e.tokens[0] for e in negators if len(e.tokens) == 1)
        # A negator's own rules on the token after it ('no' before a number is 'No. 10', not negation).
        self._negator_not_next: dict[str, _Alternatives] = {
            e.tokens[0]: _Alternatives.of(e.rules.not_next)
            for e in negators
            if len(e.tokens) == 1 and e.rules.not_next
        }
        self._negator_phrases = frozenset(e.tokens for e in negators if len(e.tokens) > 1)
        self._negator_phrases_by_first: dict[str, list[tuple[str, ...]]] = {}
        for phrase in self._negator_phrases:
            self._negator_phrases_by_first.setdefault(phrase[0], []).append(phrase)
        negator_words = sorted({t for e in negators for t in e.tokens}, key=len, reverse=True)
        # A cheap C-level test: only windows containing a negator word get the token-level check.
        self._negation_hint = re.compile(
            r"(?<![\w])(?:" + "|".join(re.escape(w) for w in negator_words) + r")(?![\w])|n't\b"
            if negator_words
            else "(?!)"
        )
        self._by_phrase: dict[str, list[int]] = {}
        self._wildcards: list[int] = []
        # Wildcard entries by (number of tokens, first character): a phrase is compared only with those
        # that could match it; a first token of "*" alone can match any phrase of its length.
        self._wildcards_by_start: dict[tuple[int, str], list[int]] = {}
        for index, entry in enumerate(entries):
            if any(t.endswith("*") for t in entry.tokens):
                self._wildcards.append(index)
                first = entry.tokens[0].rstrip("*")[:1]
                self._wildcards_by_start.setdefault((len(entry.tokens), first), []).append(index)
            else:
                self._by_phrase.setdefault(" ".join(t.lower() for t in entry.tokens), []).append(index)
        self._max_following = max((len(e.tokens) for e in entries), default=0) + 3
        self._rules: dict[int, tuple[_Alternatives | None, ...]] = {
            index: tuple(
                _Alternatives.of(o) if o else None
                for o in (e.rules.not_next, e.rules.only_next, e.rules.not_prev)
            )
            for index, e in enumerate(entries)
            if e.rules
        }
        # Whether a rule reads a token's original form (#cap); otherwise the context is read lower-cased only.
        self._original_forms = any(
            "#cap" in option
            for e in entries
            if e.rules
            for options in (e.rules.not_next, e.rules.only_next, e.rules.not_prev)
            for option in options
        )
        self._resolved: dict[str, tuple[int, ...]] = {}
        self._plans: dict[str, tuple[int, int, tuple[int, ...]] | None] = {}
        self._next_plans: dict[str, _NextPlan | None] = {}
        self._candidates = _Candidates(tuple(dict.fromkeys(e.tokens for e in entries)))
        # The negator words that can make _is_negated true: single-word negators and first words of
        # negator phrases ("to" of "failed to" alone cannot).
        deciding = self._negators | set(self._negator_phrases_by_first)
        self._starts, self._first_words = self._automaton(entries, negator_words, deciding=deciding)
        self._first_word_lengths = sorted({len(w) for w in self._first_words})
        self._first_word_ends = frozenset(w[-1] for w in self._first_words)

    @staticmethod
    def _automaton(
        entries: Sequence[Entry], negator_words: Iterable[str], *, deciding: Iterable[str]
    ) -> tuple[Any, frozenset[str]]:
        """An automaton of the literal text every candidate begins with, and the first words it keys on.

        A term's key is its first token up to a wildcard, and, when that token has none, one space and
        the second token up to its wildcard: the regex can match only where a key occurs, or where one
        of those first tokens stands just before white space other than one space. Keys are bounded
        (see ``_BOUND_ASCII``) and also list the negator words of ``deciding`` (those that can make
        :meth:`_is_negated` true), so one pass gives both the candidate starts and the places where a
        negation may begin. Each key's value is ``(term back, negator back, negator end back)``: a
        start (or a negator's end) is the hit's end minus a back; a back of -1: the key is not of that
        kind.

        The other negator words ("to" of "failed to", 37 % of the automaton's hits in the AllSides
        development texts when they were keys) are left out: :meth:`_is_negated` is true only with a
        deciding word among the previous tokens, and :meth:`_deciding_before` finds those among the
        hits of these keys.
        """
        if ahocorasick is None:
            return None, frozenset()
        keys: dict[str, list[Any]] = {}
        deciding = frozenset(deciding)
        first_words = set()

        def bounded_key(text: str, whole: bool) -> tuple[str, int]:
            key = _bounded(text)
            lead = 1 if _WORD_CHAR_RE.match(key[:1]) else 0
            if whole and _WORD_CHAR_RE.match(key[-1:]):
                key += " "
            return " " * lead + key, lead

        for entry in entries:
            tokens = [t.lower() for t in entry.tokens]
            key = tokens[0].rstrip("*")
            if not key:
                return None, frozenset()  # a bare wildcard: any word may begin a candidate
            whole = not tokens[0].endswith("*")
            if len(tokens) > 1 and whole:
                first_words.add(key)
                key += " " + tokens[1].rstrip("*")
                whole = not tokens[1].endswith("*")
            bounded, lead = bounded_key(key, whole)
            keys.setdefault(bounded, [-1, -1, 0])[0] = len(bounded) - lead
        for word in negator_words:
            bounded, lead = bounded_key(word, True)
            if not bounded.strip():
                return None, frozenset()  # a negator without a word character: the regex hint decides
            if word in deciding:
                back = len(bounded) - lead
                keys.setdefault(bounded, [-1, -1, 0])[1:] = [back, back - len(word)]
        automaton = ahocorasick.Automaton()
        for key, value in keys.items():
            automaton.add_word(key, tuple(value))
        automaton.make_automaton()
        return automaton, frozenset(first_words)

    # ------------------------------------------------------------------------------------------ matching

    def _entries_for(self, phrase: str) -> tuple[int, ...]:
        """Entries whose term is exactly ``phrase`` (tokens joined by single spaces), wildcards included."""
        found = self._resolved.get(phrase)
        if found is None:
            ids = list(self._by_phrase.get(phrase, ()))
            tokens = phrase.split(" ")
            possible = self._wildcards_by_start.get((len(tokens), tokens[0][:1]), [])
            anything = self._wildcards_by_start.get((len(tokens), ""), [])
            for index in sorted(possible + anything) if anything else possible:
                pattern = self.entries[index].tokens
                if all(self._token_matches(p, t) for p, t in zip(pattern, tokens, strict=True)):
                    ids.append(index)
            found = tuple(ids)
            if len(self._resolved) < _CACHE_LIMIT:
                self._resolved[phrase] = found
        return found

    @staticmethod
    def _token_matches(pattern: str, token: str) -> bool:
        return token.startswith(pattern[:-1]) if pattern.endswith("*") else token == pattern

    # ``lowered`` has the same length as ``text`` and every character keeps its token class when
    # lower-cased (word character, space, full stop, hyphen or apostrophe), so both tokenise into the
    # same spans: the original form of a token is ``text[span]``.

    @staticmethod
    def _tokens_in(text: str, lowered: str, start: int, end: int) -> list[tuple[str, str]]:
        """(lower, original) tokens in ``text[start:end]``; findall runs in C, finditer would not."""
        return list(
            zip(_TOKEN_RE.findall(lowered, start, end), _TOKEN_RE.findall(text, start, end), strict=False)
        )

    @staticmethod
    def _next_tokens(
        text: str, lowered: str, position: int, limit: int, end: int, original: bool = True
    ) -> list[tuple[str, str]]:
        """Up to ``limit`` (lower, original) tokens from ``position``, within ``24 * limit`` characters.

        The window's last token is dropped when the window ends inside a word (it may be cut off); when
        a token follows the first ``limit``, none of those can be the last. ``text`` and ``lowered``
        tokenise into the same spans (lower-casing keeps every character's class), so two ``findall``
        calls in C give both forms; with ``original=False`` (no rule reads the original form) one call
        gives (lower, lower) pairs. A short window is read first: the first ``limit`` of more than
        ``limit`` tokens found there are the same in the full window.
        """
        short = min(end, position + 8 * limit)
        lows = _TOKEN_RE.findall(lowered, position, short)
        if len(lows) > limit:
            del lows[limit:]
            originals = _TOKEN_RE.findall(text, position, short)[:limit] if original else lows
            return list(zip(lows, originals, strict=True))
        stop = min(end, position + 24 * limit)
        lows = _TOKEN_RE.findall(lowered, position, stop)
        if len(lows) > limit:
            del lows[limit:]
            originals = _TOKEN_RE.findall(text, position, stop)[:limit] if original else lows
            return list(zip(lows, originals, strict=True))
        tokens = list(zip(lows, _TOKEN_RE.findall(text, position, stop) if original else lows, strict=True))
        if stop < end and stop < len(text) and text[stop].isalnum() and tokens:
            tokens.pop()  # cut off mid-token
        return tokens

    def _previous_tokens(
        self, text: str, lowered: str, sentence_start: int, position: int
    ) -> list[tuple[str, str]]:
        window_start = max(sentence_start, position - _CONTEXT_CHARS)
        if self._original_forms:
            tokens = self._tokens_in(text, lowered, window_start, position)
        else:
            lows = _TOKEN_RE.findall(lowered, window_start, position)
            tokens = list(zip(lows, lows, strict=True))
        if window_start > sentence_start and tokens and text[window_start - 1].isalnum():
            tokens = tokens[1:]  # the first is a cut-off token
        return tokens

    @staticmethod
    def _previous_lower_tokens(text: str, lowered: str, sentence_start: int, position: int) -> list[str]:
        """The lower-case forms of :meth:`_previous_tokens` (the original forms are not needed)."""
        window_start = max(sentence_start, position - _CONTEXT_CHARS)
        tokens = _TOKEN_RE.findall(lowered, window_start, position)
        if window_start > sentence_start and tokens and text[window_start - 1].isalnum():
            del tokens[0]  # a cut-off token
        return tokens

    def _is_negated(self, text: str, lowered: str, sentence_start: int, position: int) -> bool:
        window_start = max(sentence_start, position - 12 * self.negation_window)
        if not self._negation_hint.search(lowered, window_start, position):
            return False
        previous = self._previous_lower_tokens(text, lowered, sentence_start, position)
        window: list[str] = []
        for low in reversed(previous):
            if low in _CLAUSE_BREAKS:
                break
            window.append(low)
            if len(window) >= self.negation_window:
                break
        window.reverse()
        for index, token in enumerate(window):
            if token in self._negators:
                rule = self._negator_not_next.get(token)
                if rule is None:
                    return True
                following = window[index + 1 :]
                if not following:  # the negator stands right before the cue
                    cue_token = _TOKEN_RE.match(lowered, position)
                    following = [cue_token.group(0)] if cue_token else []
                if not rule.matches([(t, t) for t in following]):
                    return True
                continue
            for phrase in self._negator_phrases_by_first.get(token, ()):
                if tuple(window[index : index + len(phrase)]) == phrase:
                    return True
        return False

    def applies(self, lexicon: str, language: str | None) -> bool:
        """Whether the lexicon named ``lexicon`` is applied to a document in ``language``."""
        written_in = self.lexicon_languages.get(lexicon)
        return language is None or written_in is None or written_in == language

    def lexicons_for(self, language: str | None) -> list[str]:
        """Names of the cue lexicons (negators excluded) applied to documents in ``language``."""
        return [
            lex.name
            for lex in self.lexicons
            if self.applies(lex.name, language) and any(e.category != NEGATOR for e in lex.entries)
        ]

    def match(self, text: str, language: str | None = None) -> DocumentMatches:
        """Find every cue match in ``text`` (see the module docstring for the matching rules).

        With ``language`` only the lexicons written in it (and those without a language) count.
        """
        lowered, blanked, sentences, matches = self._scan_blanked(text)
        if language is not None and self._mixed_languages and matches:
            # What :meth:`applies` decides, as one set test per match.
            other = {
                name
                for name, written_in in self.lexicon_languages.items()
                if written_in not in (None, language)
            }
            matches = [m for m in matches if m.entry.lexicon not in other]
        # count_words(lowered): ``lowered`` has no ``’`` (see _lower_same_length).
        return DocumentMatches(
            tokens=_count_blanked(blanked), sentences=sentences, matches=matches, lowered=lowered
        )

    def _plan(self, phrase: str) -> tuple[int, int, tuple[int, ...]] | None:
        """What :meth:`_accept` decides for the candidate ``phrase`` when no context is needed, cached.

        ``(length, offset, entries)``: the first ``length`` tokens match ``entries``, ending ``offset``
        characters into the candidate; ``length`` is ``_SLOW`` when a rule needs the context or a token
        is not a plain word (its end must then be found by the tokeniser); ``None`` when no entry matches.
        """
        if phrase in self._plans:
            return self._plans[phrase]
        tokens = phrase.split()
        plan: tuple[int, int, tuple[int, ...]] | None = None
        plain = all(_PLAIN_TOKEN_RE.fullmatch(token) for token in tokens)
        for length in range(len(tokens), 0, -1):
            ids = self._entries_for(" ".join(tokens[:length]))
            if not ids:
                continue
            # A one-letter last word may begin a dotted acronym (``a.m``): the tokeniser decides its end.
            if not plain or len(tokens[length - 1]) == 1 or any(self.entries[index].rules for index in ids):
                plan = (_SLOW, 0, ())
                break
            accepted: list[int] = []
            families: set[tuple[str, str | None]] = set()
            for index in ids:
                if self._family_keys[index] not in families:
                    accepted.append(index)
                    families.add(self._family_keys[index])
            offset = 0
            for token in tokens[:length]:
                offset = phrase.index(token, offset) + len(token)
            plan = (length, offset, tuple(accepted))
            break
        if len(self._plans) < _CACHE_LIMIT:
            self._plans[phrase] = plan
        return plan

    def _next_plan(self, phrase: str) -> _NextPlan | None:
        """How :meth:`_accept` decides a one-word candidate whose rules read only the following tokens.

        ``(tokens to read, entries)`` with each entry as ``(index, family, not_next, only_next)``;
        ``None`` (cached) when the phrase is not one plain word of two or more characters, when a rule
        reads anything else (previous tokens, case, original forms) or when ``_following`` could not
        read the tokens the rules need.
        """
        plan: _NextPlan | None = None
        ids = self._entries_for(phrase) if _PLAIN_TOKEN_RE.fullmatch(phrase) and len(phrase) > 1 else ()
        if ids and not self._original_forms:
            entries = [self.entries[index] for index in ids]
            rules = [e.rules for e in entries if e.rules]
            if not any(r.not_prev or r.lower_mid or r.case for r in rules):
                need = max((len(o) for r in rules for o in (*r.not_next, *r.only_next)), default=0)
                if 1 + need + 1 <= self._max_following:
                    plan = (
                        need,
                        tuple(
                            (index, self._family_keys[index], *self._rules[index][:2])
                            if e.rules
                            else (index, self._family_keys[index], None, None)
                            for index, e in zip(ids, entries, strict=True)
                        ),
                    )
        if len(self._next_plans) < _CACHE_LIMIT:
            self._next_plans[phrase] = plan
        return plan

    def _following(self, text: str, lowered: str, start: int, end: int, need: int) -> list[tuple[str, str]]:
        """The first ``need`` tokens after the one-word candidate ``lowered[start:end]`` as (lower, lower).

        The same tokens as ``_next_tokens(..., start, limit, len(text))[1:]`` (``need + 2 <= limit``),
        read by one regex search per token: one token more than needed shows that none of them is the
        last of the window (which is dropped when the window ends inside a word).
        """
        stop = min(len(text), start + 24 * self._max_following)
        search = _TOKEN_RE.search
        tokens: list[str] = []
        position = end
        while len(tokens) <= need:
            token = search(lowered, position, stop)
            if token is None:
                if tokens and stop < len(text) and text[stop].isalnum():
                    tokens.pop()  # cut off mid-token
                break
            tokens.append(token.group())
            position = token.end()
        return [(token, token) for token in tokens]

    def _find_candidates(
        self, lowered: str, blanked: str | None = None
    ) -> tuple[list[re.Match[str]], list[int] | None, list[int]]:
        """The candidate regex's matches in ``" " + lowered``, exactly as ``finditer`` returns them, and
        where a negation may begin: the starts and ends of the deciding negator words (single-word
        negators and first words of negator phrases; ``None`` when unknown).

        The automaton lists the places where a key begins; white space other than one space adds the
        places where a first word of a multi-word term ends before it. The regex is tried at those
        places only, in text order and each after the end of the previous match: the same
        non-overlapping matches as a scan of every position. (A match starts one character before its
        term, at the non-word character in front, hence ``place`` in ``padded`` = term start in
        ``lowered``.) ``blanked``: ``lowered`` with its non-ASCII
        characters that are not word characters as spaces, when the caller has it.
        """
        padded = " " + lowered
        if self._starts is None:
            return list(self._candidates.finditer(padded)), None, []
        bounded = _bounded(lowered) if blanked is None else _bounded(blanked, blanked=True)
        places: list[int] = []
        negators: list[tuple[int, int]] = []
        for end, (back, negator_back, negator_end_back) in self._starts.iter(" " + bounded + " "):
            if back >= 0:
                places.append(end - back)
            if negator_back >= 0:
                negators.append((end - negator_back, end - negator_end_back))
        if self._first_words:
            # A multi-word term whose words are not separated by one space: its first word ends where
            # such a run of white space begins.
            odd = _ODD_ASCII_SPACE if lowered.isascii() else _ODD_ASCII_SPACE + _ODD_OTHER_SPACE
            size = len(lowered)
            for space in odd:
                at = lowered.find(space)
                while at != -1:
                    run = at
                    while run > 0 and lowered[run - 1].isspace():
                        run -= 1
                    if run and lowered[run - 1] in self._first_word_ends:
                        for length in self._first_word_lengths:
                            if length <= run and lowered[run - length : run] in self._first_words:
                                places.append(run - length)
                    # Past the end of this run: each character is visited a bounded number of times.
                    while at < size and lowered[at].isspace():
                        at += 1
                    at = lowered.find(space, at)
        places.sort()
        match_at = self._candidates.match
        position = 0
        found = []
        for place in places:
            if place >= position:
                candidate = match_at(padded, place)
                if candidate is not None:
                    position = candidate.end()
                    found.append(candidate)
        negators.sort()
        return found, [start for start, _ in negators], [end for _, end in negators]

    def _scan(self, text: str) -> tuple[str, list[tuple[int, int]], list[Match]]:
        """:meth:`match` without the document's token count: (lowered text, sentence spans, matches)."""
        lowered, _, sentences, matches = self._scan_blanked(text)
        return lowered, sentences, matches

    def _scan_blanked(self, text: str) -> tuple[str, str, list[tuple[int, int]], list[Match]]:
        """:meth:`_scan`, and the lowered text with its non-ASCII characters that are not word characters
        as spaces: the candidate automaton and the token count both read it, so it is made once."""
        lowered = _lower_same_length(text)
        blanked = _blank_non_ascii_punctuation(lowered)
        sentences = sentence_spans(text)
        starts = [s for s, _ in sentences]
        matches: list[Match] = []
        entries = self.entries
        plans = self._plans
        next_plans = self._next_plans
        hint = self._negation_hint.search
        reach = 12 * self.negation_window
        candidates, negator_starts, negator_ends = self._find_candidates(lowered, blanked)
        for candidate in candidates:
            start = candidate.start(1) - 1  # offsets in ``lowered``, without the space in front
            sentence = max(bisect_right(starts, start) - 1, 0)
            sentence_start = starts[sentence] if starts else 0
            sentence_end = sentences[sentence][1] if sentences else len(text)
            phrase = candidate.group(1)
            plan = plans[phrase] if phrase in plans else self._plan(phrase)
            if plan is None:
                continue
            length, offset, ids = plan
            end = start + offset
            limit = sentence_end if sentence_end > start else len(text)
            if length == _SLOW or end > limit:
                next_rules = next_plans[phrase] if phrase in next_plans else self._next_plan(phrase)
                if next_rules is not None and start + len(phrase) <= limit:
                    # A one-word candidate whose rules read only the tokens after it.
                    end = start + len(phrase)
                    after = self._following(text, lowered, start, end, next_rules[0])
                    ids = []
                    families = set()
                    for index, category, not_next, only_next in next_rules[1]:
                        if category in families:
                            continue
                        if not_next is not None and not_next.matches(after):
                            continue
                        if only_next is not None and not only_next.matches(after):
                            continue
                        ids.append(index)
                        families.add(category)
                    if not ids:
                        continue
                else:
                    found = self._accept(text, lowered, phrase.split(), start, sentence_start, sentence_end)
                    if found is None:
                        continue
                    end, ids = found
            # Cheap tests first: most windows hold no (deciding) negator word.
            if negator_starts is None:
                hinted = hint(lowered, max(sentence_start, start - reach), start) is not None
            else:
                hinted = self._deciding_before(lowered, sentence_start, start, negator_starts, negator_ends)
            negated = hinted and self._is_negated(text, lowered, sentence_start, start)
            matched = text[start:end]
            for index in ids:
                matches.append(_new_match(start, end, sentence, entries[index], negated, matched))
        return lowered, blanked, sentences, matches

    @staticmethod
    def _deciding_before(
        lowered: str,
        sentence_start: int,
        position: int,
        negator_starts: list[int],
        negator_ends: list[int],
    ) -> bool:
        """Whether :meth:`_is_negated` may be true at ``position``: False when no deciding negator word
        (single-word negator, first word of a negator phrase; the automaton's negator hits, starting at
        ``negator_starts`` and ending at ``negator_ends``) stands among its previous tokens.

        Those tokens (:meth:`_previous_lower_tokens`) are whole tokens within ``_CONTEXT_CHARS``: each
        is a maximal run of word characters (with joiners) with a non-word character or the text's
        edge on either side, so a deciding one is an automaton hit. The exception is a first token
        that begins right after an underscore (only a letter or digit there marks it as cut off):
        then the full check decides. :meth:`_is_negated` itself first looks for its hint (any negator
        word, or n't) within ``12 * negation_window`` characters, so nothing else needs checking here.
        """
        window_start = max(sentence_start, position - _CONTEXT_CHARS)
        if window_start > sentence_start and lowered[window_start - 1] == "_":
            return True
        at = bisect_left(negator_starts, window_start)
        while at < len(negator_starts) and negator_starts[at] < position:
            if negator_ends[at] <= position:
                return True
            at += 1
        return False

    def _accept(
        self, text: str, lowered: str, tokens: list[str], start: int, sentence_start: int, sentence_end: int
    ) -> tuple[int, list[int]] | None:
        """The end offset and entries of the longest term at ``start`` whose context rules pass.

        ``tokens`` is the longest candidate the regex found; shorter prefixes are tried when its rules
        reject it ("may well" failing falls back to "may"). One match per family at a span.
        """
        following: list[tuple[str, str]] | None = None
        previous: list[tuple[str, str]] | None = None
        for length in range(len(tokens), 0, -1):
            ids = self._entries_for(" ".join(tokens[:length]))
            if not ids:
                continue
            end = self._offset_after(
                lowered, start, length, sentence_end if sentence_end > start else len(text)
            )
            accepted: list[int] = []
            families: set[tuple[str, str | None]] = set()
            for index in ids:
                entry = self.entries[index]
                if self._family_keys[index] in families:
                    continue
                rules = entry.rules
                if rules:
                    # The context is read only when a rule needs it, once per candidate.
                    if following is None and (rules.not_next or rules.only_next):
                        following = self._next_tokens(
                            text, lowered, start, self._max_following, len(text), self._original_forms
                        )
                    if previous is None and (rules.not_prev or rules.lower_mid):
                        previous = self._previous_tokens(text, lowered, sentence_start, start)
                    after = following[length:] if following is not None else []
                    mid_sentence = rules.lower_mid and any(low[:1].isalnum() for low, _ in previous or [])
                    if not self._rules_allow(index, text, start, end, previous or [], after, mid_sentence):
                        continue
                accepted.append(index)
                families.add(self._family_keys[index])
            if accepted:
                return end, accepted
        return None

    @staticmethod
    def _offset_after(lowered: str, position: int, count: int, limit: int) -> int:
        if count == 1:  # the common case: one search instead of an iterator
            token = _TOKEN_RE.search(lowered, position, limit)
            return position if token is None else token.end()
        end = position
        for token in _TOKEN_RE.finditer(lowered, position, limit):
            end = token.end()
            count -= 1
            if count == 0:
                break
        return end

    def _rules_allow(
        self,
        index: int,
        text: str,
        start: int,
        end: int,
        previous: list[tuple[str, str]],
        after: list[tuple[str, str]],
        mid_sentence: bool,
    ) -> bool:
        entry = self.entries[index]
        rules = entry.rules
        if rules.case and text[start:end].split() != list(entry.tokens):
            return False
        if rules.lower_mid and mid_sentence and any(c.isupper() for c in text[start:end]):
            return False
        not_next, only_next, not_prev = self._rules[index]
        if not_next is not None and not_next.matches(after):
            return False
        if only_next is not None and not only_next.matches(after):
            return False
        if not_prev is not None and previous:
            if not_prev.matches(previous[-1:]):
                return False
            for option in not_prev.sequences:
                if len(previous) >= len(option) and _sequence_matches(option, previous[-len(option) :]):
                    return False
        return True
