"""Cleaning of article text: HTML tags and entities, scraping boilerplate lines, Unicode normalisation.

:func:`clean_text` is what the corpus loader applies to every document; what it changed is counted in
the load summary when one is given.
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import TYPE_CHECKING

from framing.io.escape import CONTROL_CHARACTERS

if TYPE_CHECKING:
    from framing.corpus import LoadSummary

__all__ = ["clean_text", "normalise_metadata"]

# Scraping boilerplate: whole lines that are navigation, ads, sharing prompts or cookie banners.
_BOILERPLATE_LINES = r"""
        advert(?:i[sz]e?ments?|s)?                              # Advertisement, Advertisment, Advert
      | sponsored(?:\s+content)?
      | read\s+(?:more|also|next)(?:\s*:.{0,200}|(?:\s.{0,150}[^.!?"'\s])?)  # link lines, not prose
      | see\s+also:.{0,200}
      | (?:share|tweet|pin|email)\s+(?:this|on|via|the)\b.{0,80}
      | share
      | (?:click|tap)\s+(?:here\s+)?to\s+share.{0,80}
      | (?:follow\s+us|subscribe|sign\s+up)\b.{0,120}"""
# A cookie banner addresses the reader ("we use cookies", "you agree", "your preferences"); prose that
# merely mentions cookies ("Google claims cookies are necessary ...") is kept. Every alternative must
# contain the word "cookie": clean_text only tries these on texts that contain it.
_COOKIE_LINES = r"""
      | .{0,160}\b(?:we|this[ \t]+(?:site|website)|our[ \t]+(?:site|website|partners))[ \t]+
        (?:and[ \t]+our[ \t]+partners[ \t]+)?(?:uses?|store|place)[ \t]+cookies\b.{0,240}
      | .{0,160}\bcookies?\b.{0,160}\b
        (?:you[ \t]+(?:agree|consent|accept)|your[ \t]+(?:consent|preferences|settings|choices))\b.{0,80}
      | .{0,160}\b(?:you[ \t]+(?:agree|consent)|your[ \t]+consent)\b.{0,160}\bcookies?\b.{0,80}
      | (?:[\w']+[ \t]+){0,3}(?:cookie[ \t]+(?:policy|settings|preferences|notice)|manage[ \t]+cookies)
        (?:[ \t]+[\w']+){0,3}
      | (?:accept|reject)[ \t]+(?:all[ \t]+)?cookies.{0,80}"""
# Matched against "\n" + text: each match is a newline and the boilerplate line after it. The literal first
# character lets the regex engine jump from line to line instead of trying every position, and the
# cookie lines (slow: they scan 160 characters for "cookie" on every line) are only tried when the text
# can contain "cookie" at all.
_BOILERPLATE_AFTER_NEWLINE = re.compile(
    rf"\n[ \t]*(?:{_BOILERPLATE_LINES})[ \t]*$", re.IGNORECASE | re.MULTILINE | re.VERBOSE
)
_BOILERPLATE_AFTER_NEWLINE_COOKIES = re.compile(
    rf"\n[ \t]*(?:{_BOILERPLATE_LINES}{_COOKIE_LINES})[ \t]*$",
    re.IGNORECASE | re.MULTILINE | re.VERBOSE,
)
_BOILERPLATE_FIRST_LINE = re.compile(
    rf"\A[ \t]*(?:{_BOILERPLATE_LINES})[ \t]*$", re.IGNORECASE | re.MULTILINE | re.VERBOSE
)
_BOILERPLATE_FIRST_LINE_COOKIES = re.compile(
    rf"\A[ \t]*(?:{_BOILERPLATE_LINES}{_COOKIE_LINES})[ \t]*$",
    re.IGNORECASE | re.MULTILINE | re.VERBOSE,
)
# Under re.IGNORECASE "cookie" also matches the look-alikes that do not lower-case to it (\u0130,
# \u0131, the Kelvin sign), as the cookie lines do.
_COOKIE_WORD = re.compile("cookie", re.IGNORECASE)
_COOKIE_LOOKALIKES = ("\u0130", "\u0131", "\u212a")
# Every regex over user text runs in linear time: a tag stops at the next "<" (a run of "<p <p <p" costs
# no rescans), and the ends of comments, scripts and styles are found by _strip_tags, which looks for
# each kind of end once when it is missing instead of once per opening.
_BLOCK_TAG = re.compile(r"</?(?:p|div|br|li|ul|ol|h[1-6]|blockquote|section|article|tr|table)\b[^<>]*>", re.I)
_TAG_START = re.compile(r"<!--|<script\b|<style\b|</?[A-Za-z][^<>]*>", re.I)
_PLAIN_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_TAG_END = {
    "<!--": re.compile("-->"),
    "<script": re.compile(r"</script\s*>", re.I),
    "<style": re.compile(r"</style\s*>", re.I),
}
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]{1,31});")
_PUNCT = {
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u2010": "-",
    "\u2011": "-",
    "\u2212": "-",
    "\u00a0": " ",
    "\u2007": " ",
    "\u202f": " ",
    "\u2009": " ",
    "\u200a": " ",
    "\u3000": " ",
    "\u200b": "",
    "\u200c": "",
    "\u200d": "",
    "\ufeff": "",
    "\u00ad": "",
    "\u2026": "...",
}
_EN_DASH = re.compile("\u2013")
_ASCII_BYTES = bytes(range(128))
# Characters that are in NFC whatever surrounds them: unchanged by NFC alone, of combining class 0 and
# never the second of a canonical composition pair (nothing before them can absorb them). True of every
# character below U+0300 and of the general punctuation U+2002-U+206F (U+2000 and U+2001 become
# U+2002 and U+2003); tests/test_loading_paths.py checks it against the Unicode database. A text
# whose characters are all such (or ASCII) is in NFC.
_NOT_NFC_INERT = re.compile("[^\x00-\u02ff\u2002-\u206f]")
_SPACES = re.compile(r"[ \t\f\v]{2,}|[\t\f\v]")
_LINE_EDGES = re.compile(r" *\n *")  # both edges in one match: " \n " must lose both spaces
# Written with a literal start ("\n\n\n+", not "\n{3,}") so that the regex engine searches for it with
# a C substring scan instead of trying every position (ten times faster on a text without any).
_MANY_NEWLINES = re.compile(r"\n\n\n+")


def clean_text(
    text: str,
    summary: LoadSummary | None = None,
    *,
    boilerplate: bool = True,
    removed: list[str] | None = None,
) -> str:
    """Remove HTML and scraping boilerplate lines, and normalise Unicode (NFC, quotes, dashes, spaces).

    When ``summary`` is given, the steps that changed the text are counted in it. With
    ``boilerplate=False`` the boilerplate lines are kept; ``removed``, when given, receives each removed
    boilerplate line (stripped).

    >>> clean_text("It was \u201cchilling\u201d\u2014she said.\\n\\nAdvertisment\\n\\nRead more: other story")
    'It was "chilling" - she said.'
    """
    if "<" in text or "&" in text:
        stripped = _strip_tags(_BLOCK_TAG.sub("\n\n", text))
        stripped = _ENTITY.sub(lambda m: html.unescape(m.group(0)), stripped)
        if stripped != text and summary is not None:
            summary.html_cleaned += 1
        text = stripped
    if not text.isascii():
        # Each step rebinds ``text``, so at most two working copies exist at once (a 60 MB document
        # must not cost ten times its size): changes are tracked by flags, not by keeping the input.
        changed = False
        # Which characters to look for is decided on the characters beyond ASCII alone, a short string
        # in a text of a Latin script: checking NFC and looking for each character of _PUNCT there
        # costs a fraction of a scan of the whole text.
        beyond = _beyond_ascii(text)
        if _NOT_NFC_INERT.search(beyond) is not None and not unicodedata.is_normalized("NFC", text):
            text, changed = unicodedata.normalize("NFC", text), True
            beyond = _beyond_ascii(text)
        # One str.replace per character present: each is a C scan (a regex with a Python callback per
        # match, or str.translate with a dict, is several times slower). The replacements contain none
        # of the characters (they are ASCII), so the order does not matter.
        for char in _PUNCT:
            if char in beyond:
                text, changed = text.replace(char, _PUNCT[char]), True
        if "\u2014" in beyond or "\u2015" in beyond:  # always punctuation, never a range
            text, changed = text.replace("\u2014", " - ").replace("\u2015", " - "), True
        if "\u2013" in beyond:
            text, changed = _EN_DASH.sub(_dash, text), True
        del beyond
        if changed and summary is not None:
            summary.unicode_normalised += 1
    if boilerplate:
        text = _remove_boilerplate_lines(text, summary, removed)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Each substitution is skipped when a plain substring test shows it has nothing to do.
    if "\t" in text or "\f" in text or "\v" in text:
        text = _SPACES.sub(" ", text)
    else:
        while "  " in text:  # each pass halves every run of spaces: a C scan, faster than a regex here
            text = text.replace("  ", " ")
    if " \n" in text or "\n " in text:
        text = _LINE_EDGES.sub("\n", text)
    if "\n\n\n" in text:
        text = _MANY_NEWLINES.sub("\n\n", text)
    return text.strip()


def _may_mention_cookies(text: str) -> bool:
    """True whenever ``_COOKIE_WORD`` finds "cookie" in ``text`` (it may also be true when it does not).

    Used to choose the boilerplate regex: the cookie-banner alternatives all need the word "cookie" in
    their line, so trying them on a text without it changes nothing but the time taken. The regex search
    tries every character with case folding (about 8 ns each); a lower-cased copy and a substring scan
    are several times faster. Dropping the non-ASCII characters (encode with "ignore") can join two
    pieces into "cookie" (a harmless false positive) but never hides an ASCII "cookie"; the look-alikes
    the regex also accepts (\u0130, \u0131, the Kelvin sign) are left to the regex.
    """
    if text.isascii():
        return "cookie" in text.lower()
    if any(lookalike in text for lookalike in _COOKIE_LOOKALIKES):
        return _COOKIE_WORD.search(text) is not None
    return b"cookie" in text.encode("ascii", "ignore").lower()


def _remove_boilerplate_lines(text: str, summary: LoadSummary | None, removed: list[str] | None) -> str:
    cookies = _may_mention_cookies(text)
    boilerplate = _BOILERPLATE_AFTER_NEWLINE_COOKIES if cookies else _BOILERPLATE_AFTER_NEWLINE
    if removed is None:
        text, count = boilerplate.subn("\n", text)
    else:

        def record(match: re.Match[str]) -> str:
            removed.append(match.group().strip())
            return "\n"

        text, count = boilerplate.subn(record, text)
    # The first line has no newline before it; matched on its own instead of prefixing one (a copy).
    first = (_BOILERPLATE_FIRST_LINE_COOKIES if cookies else _BOILERPLATE_FIRST_LINE).match(text)
    if first is not None:
        if removed is not None:
            removed.append(first.group().strip())
        text = text[first.end() :]
        count += 1
    if summary is not None:
        summary.boilerplate_lines_removed += count
    return text


def _beyond_ascii(text: str) -> str:
    """The characters of ``text`` beyond ASCII, in order: its UTF-8 bytes without the ASCII ones (a
    multi-byte character has none), decoded."""
    return (
        text.encode("utf-8", "surrogatepass").translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass")
    )


def _strip_tags(text: str) -> str:
    """Replace each HTML comment, script, style and tag by a space, in one left-to-right pass.

    An opening ``<!--``, ``<script`` or ``<style`` without its end is left as text (a ``<script ...>``
    without ``</script>`` is still removed as a tag).
    """
    parts: list[str] = []
    kept_from = search_from = 0
    missing_ends: set[str] = set()
    while (match := _TAG_START.search(text, search_from)) is not None:
        opening = match.group().lower()
        end: re.Match[str] | None = None
        if opening in _TAG_END:
            if opening not in missing_ends:
                end = _TAG_END[opening].search(text, match.end())
                if end is None:
                    missing_ends.add(opening)
            if end is None:
                end = _PLAIN_TAG.match(text, match.start())
        else:
            end = match
        if end is None:
            search_from = match.start() + 1
            continue
        parts.append(text[kept_from : match.start()])
        parts.append(" ")
        kept_from = search_from = end.end()
    if not parts:
        return text
    parts.append(text[kept_from:])
    return "".join(parts)


def _dash(match: re.Match[str]) -> str:
    """An en dash between digits is a range (1990-2000); any other en dash is punctuation (" - ")."""
    text, start, end = match.string, match.start(), match.end()
    if (
        match.group() == "\u2013"
        and start > 0
        and end < len(text)
        and text[start - 1].isdigit()
        and text[end].isdigit()
    ):
        return "-"
    return " - "


# Zero-width characters, directional marks and embeddings/isolates, word joiner, byte order mark.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")
# Control characters (ESC of an ANSI sequence, NUL, DEL, C1: framing.io.escape.CONTROL_CHARACTERS) have
# no place in a one-line name and would reach terminals and pages; white-space controls (tab, newline)
# become spaces below instead.
_ANY_SPACE = re.compile(r"\s+")


def normalise_metadata(value: str) -> str:
    """A metadata string (outlet, title, author, ...) in one canonical form: NFC, without zero-width,
    direction-control or other control characters, every run of white space (no-break spaces included)
    one space.

    >>> normalise_metadata("Daily\u00a0 Blast\u200b")
    'Daily Blast'
    >>> normalise_metadata("\x1b[2Jvestnik")
    '[2Jvestnik'
    """
    if value.isascii() and value.isprintable():
        return " ".join(value.split()) if "  " in value else value.strip()
    value = unicodedata.normalize("NFC", CONTROL_CHARACTERS.sub("", _INVISIBLE.sub("", value)))
    return _ANY_SPACE.sub(" ", value).strip()
