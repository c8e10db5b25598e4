"""Tokenisation and sentence splitting shared by every part of the toolkit.

One definition of a *token* is used everywhere, so that every rate "per 1,000 tokens" in a table has
the same denominator as the matcher that produced the count:

* a **word token** is a run of word characters, possibly joined by internal hyphens or apostrophes
  (``close-range``, ``didn't`` and ``IS-K`` are one token each);
* punctuation marks are separate tokens for matching but are **not** counted in ``tokens``.

Sentence splitting is rule-based (no model, no downloaded data): a sentence ends at ``.``, ``!`` or
``?`` (plus closing quotes or brackets, ``»`` included) followed by white space and a capital letter
(Latin or Cyrillic), digit or opening quote (``«`` and ``„`` included), unless the word before the full
stop is a known abbreviation (English, Russian and Ukrainian: ``ул.``, ``им.``, ``т.е.``; one-letter
ones such as ``г.`` and ``т. е.`` count as initials) or an initial; a blank line (paragraph break)
always ends a sentence, so headlines and sub-headings become sentences of their own.

Cyrillic words are word tokens like any other; Ukrainian apostrophes (``'``, ``’`` and ``ʼ``) join a
word (``м'ята``) and read as ``'``; ``ё`` reads as ``е`` (:func:`fold_yo`), since Russian print mostly
omits the dots.

>>> word_tokens("Kyiv didn't respond to the U.S. warning.")
['kyiv', "didn't", 'respond', 'to', 'the', 'u.s', 'warning']
>>> [s for s, _ in sentence_spans("Mr. Smith left. He said: no.")]
[0, 16]
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Iterator

__all__ = [
    "TOKEN_PATTERN",
    "WORD_PATTERN",
    "count_words",
    "first_seen_numbers",
    "fold_yo",
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
        # Russian and Ukrainian (one-letter ones such as "г.", "т. е.", "ст." are initials already)
        "ул",
        "им",
        "гг",
        "вв",
        "тыс",
        "млн",
        "млрд",
        "руб",
        "коп",
        "грн",
        "др",
        "пр",
        "см",
        "стр",
        "обл",
        "проф",
        "акад",
        "ген",
        "пос",
        "просп",
        "пер",
        "тел",
        "т.е",
        "т.к",
        "т.д",
        "т.п",
        "т.н",
        "и.о",
        "в.о",
        "вул",
        "тис",
        "чол",
        "напр",
    }
)

# A word token; dotted acronyms (U.S., U.N.) stay one token so they can name actors.
WORD_PATTERN = r"(?:[^\W_](?:\.[^\W_])+\.?(?=\W|$)(?<!\.)|\w+(?:[-'’]\w+)*)"
TOKEN_PATTERN = WORD_PATTERN + r"|[^\w\s]"
_WORD_RE = re.compile(WORD_PATTERN)
_TOKEN_RE = re.compile(TOKEN_PATTERN)

# What begins a sentence: an optional opening quote or bracket («ёлочки» and „лапки“ too), then a capital
# letter (Latin or Cyrillic) or a digit.
_NEXT_SENTENCE = r"""["'“‘«„(\[]?[A-Z0-9А-ЯЁІЇЄҐЎ]"""
# A sentence boundary: end punctuation (plus closing quotes or brackets), white space and a capital
# letter or digit; or a blank line. Every alternative begins with a literal character, so the regex
# engine skips straight to the next ".", "!", "?" or newline instead of trying every position.
_END_OF_SENTENCE = rf"""[.!?]*["'”’)\]»]*\s+(?={_NEXT_SENTENCE})"""


def _maybe_abbreviation() -> str:
    """Look-behinds that hold after every full stop that may close an abbreviation or an initial.

    A superset of :func:`_is_abbreviation` (which decides): the word before the stop is one character
    (an initial; also the last letter of ``u.s``), or one of the abbreviations, case-insensitively, not
    preceded by a word character. Look-behinds must have a fixed width, hence one per length.
    """
    by_length: dict[int, list[str]] = {}
    for word in sorted(_ABBREVIATIONS):
        by_length.setdefault(len(word), []).append(re.escape(word))
    alternatives = [r"(?<!\w\w\.)"]
    for length, words in sorted(by_length.items()):
        # The cheap test first: no word character just before a word of this length.
        group = "(?i:" + "|".join(words) + ")"
        alternatives.append(rf"(?<!\w[\s\S]{{{length}}}\.)(?<={group}\.)")
    return "(?:" + "|".join(alternatives) + ")"


# A boundary starts only at the first mark of a run of end punctuation (the look-behinds): a match starting
# further inside the run would end where the one at its start ends, and trying every position of a run
# of n marks cost O(n^2) ("It may be" followed by 40,000 dots took minutes). A full stop followed by white
# space after what may be an abbreviation is matched by its own alternative, the first (its white space is
# group 1), so that only those stops are checked in Python; it consumes what the general alternative would.
# In every alternative but the blank line, the white space after the sentence is the last group, so
# ``lastindex`` tells both the alternative and where the sentence ends. Every alternative begins with a
# literal character: the regex engine skips straight to the next ".", "!", "?" or newline.
_CLOSING = r"""[.!?]*["'”’)\]»]*"""
_BOUNDARY_RE = re.compile(
    rf"""\.(?<![.!?]\.){_maybe_abbreviation()}(\s+)(?={_NEXT_SENTENCE})"""
    rf"|\.(?<![.!?]\.){_CLOSING}(\s+)(?={_NEXT_SENTENCE})"
    rf"|!(?<![.!?]!){_CLOSING}(\s+)(?={_NEXT_SENTENCE})"
    rf"|\?(?<![.!?]\?){_CLOSING}(\s+)(?={_NEXT_SENTENCE})"
    r"|\n[ \t]*\n\s*"  # a blank line
)
_AFTER_STOP = 1  # the group of the white space after a full stop that may close an abbreviation

# Word counting without a regex pass over the whole text (see count_words): every character is mapped to
# its class by ``bytes.translate`` on the UTF-8 form, after the non-ASCII characters that are not word
# characters have become spaces (_blank_non_ascii_punctuation); the non-ASCII characters left are word
# characters, whose UTF-8 lead byte becomes "a" and whose continuation bytes are deleted, so the class
# string has one byte per character and its offsets are the text's.
# The non-ASCII characters of English news are mostly punctuation (typographic quotes and dashes, in
# about 9 of 10 AllSides articles); ``str.replace`` removes each at C speed, and the regex that blanks
# the others scans a text only when some are left (accented letters, Cyrillic, rarer symbols).
_COMMON_NON_ASCII_PUNCTUATION = "“”—–‘…"
_NON_ASCII_NON_WORD = re.compile(r"[^\x00-\x7f\w]")
_CLASSES = (
    bytes(
        ord("a")
        if chr(b).isalnum()
        else ord(chr(b))
        if chr(b) in "_-."
        else ord("-")
        if b == ord("'")
        else 32
        for b in range(128)
    )
    + bytes(64 * [32])
    + bytes(64 * [ord("a")])
)  # 0x80-0xbf: continuation bytes (deleted); lead bytes: "a"
_UTF8_CONTINUATION = bytes(range(0x80, 0xC0))
_RUNS = bytes(ord("a") if c in b"a_" else 32 for c in range(256))
# A hyphen or apostrophe (class "-") between two word characters (classes "a" and "_") joins two runs.
_JOIN = re.compile(rb"-(?<=[a_]-)(?=[a_])")


def _blank_non_ascii_punctuation(text: str) -> str:
    """``text`` with every non-ASCII character that is not a word character (``\\w``) replaced by a space.

    Same length, so offsets stay valid; ASCII characters and non-ASCII word characters are kept. Used
    to give the non-ASCII characters of a text their token class at C speed.
    """
    if text.isascii():
        return text
    for mark in _COMMON_NON_ASCII_PUNCTUATION:
        text = text.replace(mark, " ")
    # A single-character pattern with a constant replacement: no Python callback, same length.
    return text if text.isascii() else _NON_ASCII_NON_WORD.sub(" ", text)


def _keeping(ascii_kept: bytes) -> bytes:
    """A ``bytes.translate`` table keeping the ASCII letters and digits, ``ascii_kept`` and every byte
    from 0x80, and making every other byte a space."""
    ascii_part = bytes(c if chr(c).isalnum() or c in ascii_kept else 32 for c in range(128))
    return ascii_part + bytes(range(128, 256))


# The word tokens of a lower-cased text at C speed (_findall_words): its non-ASCII punctuation blanked,
# the UTF-8 bytes of everything that is neither a word character nor a joiner nor a full stop become
# spaces, full stops and the joiners not between two word characters too, and the rest splits into the
# tokens. Full stops inside a token (the pattern's "u.s" and "3.5") need a single-character word before
# them: the stretches of text around such a place (_DOTTED) are read by the regex instead. Bytes from
# 0x80 are those of the non-ASCII word characters (the only non-ASCII characters left).
_TOKEN_BYTES = _keeping(b"_.'-")
_WORD_BYTE = rb"[0-9a-z_\x80-\xff]"
_LONE_JOINER = re.compile(rb"[-'](?:(?<!" + _WORD_BYTE + rb"[-'])|(?!" + _WORD_BYTE + rb"))")
_DOTTED = re.compile(rb"\.(?:(?<=[^0-9a-z_\x80-\xff][0-9a-z]\.)|(?<=[\x80-\xff]\.))(?=[0-9a-z\x80-\xff])")
_DOTTED_AT_START = re.compile(rb"[0-9a-z]\.[0-9a-z\x80-\xff]")


def _findall_words(lowered: str) -> list[str]:
    """``_WORD_RE.findall(lowered)`` for a lower-cased text whose ``’`` are written ``'`` (the same list),
    mostly at C speed.

    A regex scan of every character was most of the time of tokenising a corpus for its distinctive
    words: this splits the text's bytes instead (see _TOKEN_BYTES), and reads with the regex only the
    stretches where a full stop may belong to a token.
    """
    kept = _blank_non_ascii_punctuation(lowered).encode("utf-8").translate(_TOKEN_BYTES)
    dotted = [m.start() - 1 for m in _DOTTED.finditer(kept)]
    if _DOTTED_AT_START.match(kept):
        dotted.insert(0, 0)
    if not dotted:
        return _split_words(kept)
    tokens: list[str] = []
    done = 0
    for place in dotted:
        if place < done:
            continue
        # the stretch between two spaces (characters that are never part of a token) around the place
        first = kept.rfind(b" ", 0, place) + 1
        last = kept.find(b" ", place)
        last = len(kept) if last == -1 else last
        tokens += _split_words(kept[done:first])
        tokens += _WORD_RE.findall(kept[first:last].decode("utf-8"))
        done = last
    tokens += _split_words(kept[done:])
    return tokens


def _split_words(kept: bytes) -> list[str]:
    """The tokens of a stretch of :data:`_TOKEN_BYTES` bytes whose full stops all separate tokens."""
    return _LONE_JOINER.sub(b" ", kept.replace(b".", b" ")).decode("utf-8").split()


_WORD_CHARACTER_BYTES = _keeping(b"_")


def _word_character_runs(lowered: str) -> list[str]:
    """``re.findall(r"\\w+", lowered)``: the runs of word characters (the same list), with the bytes of
    everything else made spaces (see _TOKEN_BYTES) instead of a regex scan."""
    kept = _blank_non_ascii_punctuation(lowered).encode("utf-8").translate(_WORD_CHARACTER_BYTES)
    return kept.decode("utf-8").split()


def first_seen_numbers() -> defaultdict[str, int]:
    """A dict that numbers each key it is asked for and does not hold yet: 0, 1, 2... in order of first
    lookup. ``map(numbers.__getitem__, tokens)`` codes a stream of tokens in one lookup per token (at C
    speed), where finding the new words first and then looking every token up costs two.

    Set ``default_factory = None`` once coding is over, so that a missing key raises ``KeyError`` again.
    The numbers come from a counter of their own, not from the dict's length: a factory bound to the
    dict made a reference cycle, so every dict stayed in memory until a full cyclic collection (in the
    wording workers of a 200,000-article report, one dict and its words per block of texts: 909 MB at
    the end against 682 MB for the main process).
    """
    return defaultdict(itertools.count().__next__)


def word_tokens(text: str) -> list[str]:
    """Return the lower-cased word tokens of ``text`` (punctuation dropped).

    The length of this list is the ``tokens`` denominator used by every rate in the toolkit.
    """
    return [t.replace("’", "'").replace("ʼ", "'") for t in _WORD_RE.findall(fold_yo(text.lower()))]


def fold_yo(text: str) -> str:
    """``text`` with ё written е (Ё as Е): Russian print mostly omits the dots, so both spell one word.

    Same length, so character offsets stay valid.
    """
    return text.replace("ё", "е").replace("Ё", "Е") if "ё" in text or "Ё" in text else text


def count_words(text: str) -> int:
    """Number of word tokens in ``text`` (the denominator of rates per 1,000 tokens).

    Always equal to ``len(re.findall(WORD_PATTERN, text))``, computed at C speed: the runs of word
    characters are counted in a byte string of character classes, a hyphen or apostrophe between two
    word characters joins two runs, and only the rare stretches where a full stop stands between two
    word characters (``U.S``, ``3.5``) are re-counted with the regex.

    >>> count_words("The U.S. didn't say - 3.5% of it.")
    7
    """
    return _count_blanked(_blank_non_ascii_punctuation(text.replace("’", "'")))


def _count_blanked(text: str) -> int:
    """:func:`count_words` of a text whose ``’`` are ``'`` and whose other non-ASCII characters that are
    not word characters are spaces (the same count: they are all apart from word tokens)."""
    classes = text.encode("utf-8").translate(_CLASSES, _UTF8_CONTINUATION)
    runs = classes.translate(_RUNS)
    count = runs.count(b" a") + runs.startswith(b"a") - _joins(classes)
    dotted = classes.find(b"a.a")
    while dotted != -1:
        # The stretch of word characters, joiners and full stops around the dot, recounted exactly.
        start = classes.rfind(b" ", 0, dotted) + 1
        end = classes.find(b" ", dotted)
        end = len(classes) if end == -1 else end
        piece = runs[start:end]
        approximate = piece.count(b" a") + piece.startswith(b"a") - _joins(classes[start:end])
        count += len(_WORD_RE.findall(text, start, end)) - approximate
        dotted = classes.find(b"a.a", end)
    return count


def _joins(classes: bytes) -> int:
    """Hyphens and apostrophes in ``classes`` (see _CLASSES) with a word character on either side.

    One regex scan in C that skips from hyphen to hyphen (the pattern begins with it); a ``bytes.count``
    of a pattern made of the frequent word class would compare at nearly every position instead.
    """
    return len(_JOIN.findall(classes))


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
        after = boundary.lastindex  # the white space after the end punctuation; None: a blank line
        if after is None:
            end = boundary.start()
        else:
            # The punctuation (and closing quotes) that end the sentence, without the space after them.
            end = boundary.start(after)
            if after == _AFTER_STOP and _is_abbreviation(text, end - 1):
                continue
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
