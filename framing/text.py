"""Tokenisation and sentence splitting shared by every part of the toolkit.

One definition of a *token* is used everywhere, so that every rate "per 1,000 tokens" in a table has
the same denominator as the matcher that produced the count:

* a **word token** is a run of word characters, possibly joined by internal hyphens or apostrophes
  (``close-range``, ``didn't`` and ``IS-K`` are one token each);
* punctuation marks are separate tokens for matching but are **not** counted in ``tokens``.

Sentence splitting is rule-based (no model, no downloaded data): a sentence ends at ``.``, ``!`` or
``?`` (plus closing quotes or brackets) followed by white space and a capital letter, digit or opening
quote, unless the word before the full stop is a known abbreviation or an initial; a blank line
(paragraph break) always ends a sentence, so headlines and sub-headings become sentences of their own.

>>> word_tokens("Kyiv didn't respond to the U.S. warning.")
['kyiv', "didn't", 'respond', 'to', 'the', 'u.s', 'warning']
>>> [s for s, _ in sentence_spans("Mr. Smith left. He said: no.")]
[0, 16]
"""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = [
    "TOKEN_PATTERN",
    "WORD_PATTERN",
    "count_words",
    "iter_tokens",
    "sentence_spans",
    "word_tokens",
]

# Abbreviations after which a full stop does not end a sentence (news English).
_ABBREVIATIONS = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "jr",
        "sr",
        "gen",
        "col",
        "lt",
        "maj",
        "capt",
        "sgt",
        "cpl",
        "adm",
        "gov",
        "sen",
        "rep",
        "rev",
        "hon",
        "pres",
        "vs",
        "etc",
        "inc",
        "ltd",
        "co",
        "corp",
        "dept",
        "est",
        "approx",
        "fig",
        "no",
        "nos",
        "vol",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "sat",
        "sun",
        "u.s",
        "u.k",
        "u.n",
        "e.g",
        "i.e",
        "a.m",
        "p.m",
    }
)

# A word token; dotted acronyms (U.S., U.N.) stay one token so they can name actors.
WORD_PATTERN = r"(?:[^\W_](?:\.[^\W_])+\.?(?=\W|$)(?<!\.)|\w+(?:[-'’]\w+)*)"
TOKEN_PATTERN = WORD_PATTERN + r"|[^\w\s]"
_WORD_RE = re.compile(WORD_PATTERN)
_TOKEN_RE = re.compile(TOKEN_PATTERN)

# A sentence boundary: end punctuation (plus closing quotes or brackets), white space and a capital
# letter or digit; or a blank line. Every alternative begins with a literal character, so the regex
# engine skips straight to the next ".", "!", "?" or newline instead of trying every position.
_END_OF_SENTENCE = r"""[.!?]*["'”’)\]]*\s+(?=["'“‘(\[]?[A-Z0-9])"""
_BOUNDARY_RE = re.compile(
    rf"\.{_END_OF_SENTENCE}|!{_END_OF_SENTENCE}|\?{_END_OF_SENTENCE}"
    r"|\n[ \t]*\n\s*"  # a blank line
)
_WORD_BEFORE_RE = re.compile(r"([\w.]+)$")


def word_tokens(text: str) -> list[str]:
    """Return the lower-cased word tokens of ``text`` (punctuation dropped).

    The length of this list is the ``tokens`` denominator used by every rate in the toolkit.
    """
    return [t.replace("’", "'") for t in _WORD_RE.findall(text.lower())]


def count_words(text: str) -> int:
    """Number of word tokens in ``text`` (the denominator of rates per 1,000 tokens)."""
    return sum(1 for _ in _WORD_RE.finditer(text))


def iter_tokens(text: str) -> Iterator[re.Match[str]]:
    """Yield regex matches for every token (words and punctuation marks) with their offsets."""
    return _TOKEN_RE.finditer(text)


def _is_abbreviation(text: str, stop: int) -> bool:
    """True when the full stop at ``text[stop]`` closes an abbreviation or an initial."""
    # Fast path: abbreviations are short; a long word before the stop ends a sentence.
    space = max(text.rfind(" ", max(0, stop - 8), stop), text.rfind("\n", max(0, stop - 8), stop))
    if space == -1 and stop > 8:
        return False
    word = text[space + 1 : stop].lower().lstrip("\"'(")
    if len(word) == 1 and word.isalpha():
        return True  # an initial such as "J. Smith"
    return word.rstrip(".") in _ABBREVIATIONS


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of the sentences of ``text``, white space trimmed.

    Offsets index into ``text`` itself, so ``text[start:end]`` is the sentence.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for boundary in _BOUNDARY_RE.finditer(text):
        position = boundary.start()
        if text[position] == "\n":  # a blank line
            end = position
        else:
            # The punctuation (and closing quotes) that end the sentence, without the space after them.
            mark = boundary.group().rstrip()
            if mark == "." and _is_abbreviation(text, position):
                continue
            end = position + len(mark)
        if end > start:
            spans.append((start, end))
        start = boundary.end()
    if start < len(text):
        spans.append((start, len(text)))
    # The boundary pattern consumes the white space between sentences; only the text's own edges remain.
    if spans and (text[:1].isspace() or text[-1:].isspace()):
        spans = [_trimmed(text, a, b) for a, b in spans]
        spans = [(a, b) for a, b in spans if b > a]
    return spans


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
