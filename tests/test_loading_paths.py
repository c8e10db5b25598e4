"""The fast paths of loading (cleaning, boilerplate lines, language detection) give what the simple,
slow definitions give: each is checked against that definition on edge cases and generated texts."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from framing.boilerplate import (
    _NearCopies,
    _normalised_lines,
    learn_boilerplate,
    normalise_line,
    shipped_patterns,
    strip_lines,
)
from framing.clean import _COOKIE_WORD, _may_mention_cookies, clean_text
from framing.language import _PROFILES, detect_language, language_scores

# White space of every kind, digits beyond ASCII, letters whose lower case is special (the Kelvin sign
# lower-cases to ASCII "k", "İ" to two characters, a final capital sigma depends on what follows),
# lone surrogates, combining marks.
EDGE_CASES = [
    "",
    "\n",
    " \n ",
    "Copyright (c) 2019  The Washington Times ",
    "a\tb\rc\x0bd\x0ce\x1cf\x1dg\x1eh\x1fi",
    "no\u00a0break\u2009thin\u3000ideographic\u2028line\u0085next",
    "\u212aelvin \u212a",
    "İSTANBUL İi ıI",
    "ΟΔΟΣ ΣΑΣ Σ.",
    "Fullwidth \uff11\uff12 Arabic-Indic \u0663 Devanagari \u0967 2020",
    "cafe\u0301 caf\u00e9 \u00c9COLE",
    "surrogate \ud800 here",
    "Read More\nHIDE   CAPTION\n  Advertisement  \n(AP Photo/Evan Vucci)",
    "• bullet © 2020 \u201cquoted\u201d",
]
LINE_PIECES = [*EDGE_CASES, "Story continued below", "ADVERTISEMENT", "the", "Ab 12", "  ", "\t", "é", "Σ"]
texts_of_pieces = st.lists(st.sampled_from(LINE_PIECES), max_size=8).map("".join)
any_text = st.text(max_size=200)


@pytest.mark.parametrize("text", EDGE_CASES)
def test_normalised_lines_are_normalise_line_of_each_line(text: str) -> None:
    assert _normalised_lines(text) == [normalise_line(line) for line in text.split("\n")]


@settings(max_examples=300, deadline=None)
@given(st.one_of(texts_of_pieces, any_text))
def test_normalised_lines_property(text: str) -> None:
    assert _normalised_lines(text) == [normalise_line(line) for line in text.split("\n")]


def _reference_strip(text: str, learned: frozenset[str]) -> tuple[str, list[tuple[str, str]]]:
    """strip_lines by its definition: every pattern tried on every normalised line."""
    table = shipped_patterns()
    rules = {kind: list(table.loc[table["match"] == kind, "pattern"]) for kind in table["match"].unique()}
    near = _NearCopies(learned)
    kept, hits = [], []
    for line in text.split("\n"):
        normalised = normalise_line(line)
        hit = None
        if normalised:
            if normalised in learned:
                hit = (normalised, "learned")
            elif (variant_of := near.match(normalised)) is not None:
                hit = (variant_of, "learned")
            else:
                shipped = (
                    [p for p in map(normalise_line, rules["line"]) if normalised == p]
                    + [p for p in map(normalise_line, rules["prefix"]) if normalised.startswith(p)]
                    + [s.strip() for s in map(str.lower, rules["suffix"]) if normalised.endswith(s)]
                    + [p for p in map(normalise_line, rules["contains"]) if p in normalised]
                )
                hit = (shipped[0], "shipped") if shipped else None
        if hit is None:
            kept.append(line)
        else:
            hits.append(hit)
    if not hits:
        return text, hits
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip(), hits


LEARNED = frozenset(
    {
        "story continued below",
        "editor's note: this article was updated on 0 may 0000 to correct the name of the spokesman.",
        "copyright (c) 0000 the washington times",
    }
)
STRIP_LINES = [
    "Story Continued Below",
    "STORY  CONTINUED\tBELOW ",
    "Editor's note: This article was updated on 3 May 2020 to correct the name of the spokesman.",
    "Editor's note: This article was updated on 4 June 2021 to correct the title of the spokesman.",
    "Editor's note: this is not a near copy.",
    "Copyright (c) 2019 The Washington Times",
    "Copyright (c) \u0663\u0660\u0661\u0669 The Washington Times",
    "Advertisement",
    "Image copyright Getty",
    "Continue reading the main story below",
    "It spread more widely. Read more",
    "It spread more widely.",
    "We were told (AP photo/X) was late.",
    "toggle caption \u212a",
    "The Kyiv Courier reported it.",
    "Київ відкинув звинувачення.",
    "",
    " ",
    "\u00a0",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(STRIP_LINES), max_size=10), st.sampled_from(["\n", "\n\n", "\n\n\n"]))
def test_strip_lines_is_the_line_by_line_definition(lines: list[str], separator: str) -> None:
    text = separator.join(lines)
    assert strip_lines(text, LEARNED, _NearCopies(LEARNED)) == _reference_strip(text, LEARNED)
    assert strip_lines(text) == _reference_strip(text, frozenset())


def test_strip_lines_without_any_pattern_returns_the_text_itself() -> None:
    text = "The council approved the budget.\nIt spread more widely."
    assert strip_lines(text, LEARNED, _NearCopies(LEARNED)) == (text, [])


def test_learned_lines_compare_normalised_across_unicode_and_white_space() -> None:
    import pandas as pd

    texts = [
        "Story one.\nCopyright (c) 2019\u00a0The Washington Times",
        "Story two.\ncopyright  (C) 2020 the washington times ",
        "Story three.\nCOPYRIGHT (c) \u0662\u0660\u0662\u0661 THE WASHINGTON TIMES",
    ]
    learned = learn_boilerplate(pd.DataFrame({"outlet": "times", "text": texts}))
    assert learned == {"times": frozenset({"copyright (c) 0000 the washington times"})}


@pytest.mark.parametrize(
    "text",
    [
        "We use COOKİES to improve your experience",  # capital dotted I (U+0130)
        "We use cookıes to improve your experience",  # dotless i (U+0131)
        "We use coo\u212aies to improve your experience",  # Kelvin sign
        "Caf\u00e9 news\nWe use cookies to improve your experience",
        "Coo\u00e9kies are not cookies",  # joined by dropping the non-ASCII letter: a harmless yes
        "plain ascii text",
        "CoOkIe",
        "",
    ],
)
def test_cookie_check_never_misses_what_the_regex_finds(text: str) -> None:
    if _COOKIE_WORD.search(text) is not None:
        assert _may_mention_cookies(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="cookieCOKIE\u0130\u0131\u212a\u00e9\u2019 x", max_size=16))
def test_cookie_check_property(text: str) -> None:
    if _COOKIE_WORD.search(text) is not None:
        assert _may_mention_cookies(text)


def test_cookie_banner_in_look_alike_letters_is_removed() -> None:
    text = "The story.\nWe use COOKİES to improve your experience.\nThe end."
    assert clean_text(text) == "The story.\n\nThe end."


# Profile words, joiners (' and -) alone, doubled, at the edges and inside words, digits and underscores
# next to words, upper case: the ASCII fast path cuts words where the regex does.
WORD_PIECES = [
    "the", "and", "that", "der", "und", "les", "est", "los", "y", "it's", "well-known", "'", "-", "--",
    "'-", "''", " ", "\n", "_", "2", "THE", "The", ".", ",", "(", "a", "x",
]  # fmt: skip


def _reference_scores(text: str) -> Counter[str]:
    sample = text[:4000].lower().replace("’", "'").replace("ʼ", "'")
    return Counter(re.findall(r"[^\W\d_]+(?:['’ʼ-][^\W\d_]+)*", sample))


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(WORD_PIECES), max_size=30).map("".join))
def test_ascii_language_scores_are_those_of_the_word_regex(text: str) -> None:
    text += " a"  # a letter, in no profile: every text has a script
    # A word beyond ASCII ("é", in no profile) sends the same text through the regex path.
    assert language_scores(text) == language_scores(text + " é")
    words = _reference_scores(text)
    assert language_scores(text) == {
        language: sum(words[w] for w in _PROFILES[language]) for language in ("en", "de", "fr", "es")
    }


def test_ascii_language_scores_cut_joined_words_like_the_regex() -> None:
    text = "'the' the--and that's x-the the'-and --the-- the_the the2the"
    # "the" in 'the', the--and, the'-and, --the--, the_the (2), the2the (2); "and" in the--and, the'-and;
    # not in that's or x-the
    assert language_scores(text)["en"] == 8 + 2
    assert detect_language(text) == "en"


def test_nfc_inert_characters_are_in_nfc_whatever_surrounds_them() -> None:
    """What clean_text assumes to skip the NFC check: the characters its regex calls inert are unchanged
    by NFC, of combining class 0 and never the second of a canonical composition pair."""
    import sys
    import unicodedata

    from framing.clean import _NOT_NFC_INERT

    seconds = set()
    for code in range(sys.maxunicode + 1):
        parts = unicodedata.decomposition(chr(code)).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            seconds.add(chr(int(parts[1], 16)))
    inert = [chr(code) for code in range(0x2100) if _NOT_NFC_INERT.match(chr(code)) is None]
    assert len(inert) == 0x300 + 0x2070 - 0x2002
    for char in inert:
        assert unicodedata.normalize("NFC", char) == char
        assert unicodedata.combining(char) == 0
        assert char not in seconds


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("cafe\u0301 \u201cquoted\u201d", 'café "quoted"'),  # a combining mark: NFC applies
        ("\u212b and \u2000 space", "\u00c5 and \u2002 space"),  # singletons outside the inert ranges
        ("\u1100\u1161 \u2014 1990\u20132000", "\uac00 - 1990-2000"),  # Hangul jamo compose
        ("caf\u00e9\u00a0\u2019s \u2013 x", "caf\u00e9 's - x"),  # inert only: no NFC needed
    ],
)
def test_clean_text_normalises_unicode(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


def test_jsonl_escapes_blank_lines_and_surrogates(tmp_path) -> None:
    from framing import load_corpus

    path = tmp_path / "a.jsonl"
    path.write_bytes(
        b'{"id": "1", "text": "caf\\u00e9 \\ud83d\\ude00 pair"}\n'  # escapes, no lone surrogate
        b" \t\r\n\n"  # white space only: skipped, not an error
        b'{"id": "2", "text": "a literal \\\\ud800, not an escape"}\n'
        b'{"id": "3", "text": "lone \\udc00 surrogate", "title": "plain"}\n'
        b'{"id": "4", "text": "no escapes at all \\u00e9"}\n'
    )
    corpus = load_corpus(path)
    assert corpus.documents["text"].tolist() == [
        "café \U0001f600 pair",
        "a literal \\ud800, not an escape",
        "lone \ufffd surrogate",
        "no escapes at all é",
    ]
    assert corpus.summary.surrogates_replaced == 1
    assert not corpus.summary.skipped
