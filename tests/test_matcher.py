"""The lexicon engine: spans, sentences, longest match, context rules and negation."""

from __future__ import annotations

import re

import pytest

from framing.features import build_matcher
from framing.lexicon import builtin_lexicons, read_tsv
from framing.matcher import CueMatcher, DocumentMatches

COLUMNS = "term\tcategory\tsubcategory\tweight\trules\n"


@pytest.fixture(scope="module")
def matcher() -> CueMatcher:
    return build_matcher()


def found(matcher: CueMatcher, text: str, family: str | None = None) -> list[tuple[str, str, bool]]:
    """(matched text, family, negated) of every match, optionally of one family."""
    return [
        (m.text, m.entry.category, m.negated)
        for m in matcher.match(text).matches
        if family is None or m.entry.category == family
    ]


def toy(body: str) -> CueMatcher:
    """A matcher over a hand-written lexicon only (plus the built-in negators)."""
    return build_matcher([read_tsv("toy.tsv", text=COLUMNS + body)], replace=True)


# ----------------------------------------------------------------------------------------------------
# offsets, sentences and tokens
# ----------------------------------------------------------------------------------------------------

MULTI = (
    "The harbour reopened on Monday.  Officials said the storm may return, and it was clearly "
    "stronger than forecast.\n\nResidents were terrified. Nobody was blamed for the damage."
)


def test_spans_index_the_text_and_sentences(matcher: CueMatcher) -> None:
    result = matcher.match(MULTI)
    assert isinstance(result, DocumentMatches)
    assert [MULTI[a:b] for a, b in result.sentences] == [
        "The harbour reopened on Monday.",
        "Officials said the storm may return, and it was clearly stronger than forecast.",
        "Residents were terrified.",
        "Nobody was blamed for the damage.",
    ]
    assert [(m.text, m.sentence_id, m.entry.category) for m in result.matches] == [
        ("may", 1, "hedging"),
        ("clearly", 1, "certainty"),
        ("terrified", 2, "emotive"),
        ("blamed", 3, "blame"),
    ]
    for m in result.matches:
        assert MULTI[m.start : m.end] == m.text
        s_start, s_end = result.sentences[m.sentence_id]
        assert s_start <= m.start < m.end <= s_end
    assert result.tokens == 5 + 13 + 3 + 6
    assert result.sentence_tokens() == [5, 13, 3, 6]


def test_matches_keep_the_original_case_and_curly_apostrophes(matcher: CueMatcher) -> None:
    text = "CLEARLY, they didn’t blame him."
    result = matcher.match(text)
    assert [(m.text, m.negated) for m in result.matches] == [("CLEARLY", False), ("blame", True)]
    assert all(text[m.start : m.end] == m.text for m in result.matches)


def test_whole_tokens_only() -> None:
    # hyphenated and apostrophe forms are single tokens ("war-torn", "war's"), so "war" is not in them
    text = "War, warning, warfare, post-war and war-torn towns; a war's end; the war."
    assert [(m.text, m.start) for m in toy("war\ttopic\n").match(text).matches] == [
        ("War", 0),
        ("war", len(text) - 4),
    ]


def test_empty_and_cue_free_texts(matcher: CueMatcher) -> None:
    assert matcher.match("").matches == [] and matcher.match("").tokens == 0
    neutral = matcher.match("The bakery on the corner sells bread and cakes every morning.")
    assert neutral.matches == [] and neutral.tokens == 11


# ----------------------------------------------------------------------------------------------------
# longest match
# ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The deal may well collapse.", [("may well", "hedging", False)]),
        ("The group claimed responsibility.", [("claimed responsibility", "blame", False)]),
        (
            "According to unnamed sources, the talks stalled.",
            [("According to unnamed sources", "hedging", False)],
        ),
        ("There is no doubt that it rained.", [("There is no doubt", "certainty", False)]),
        ("It is not clear whether it rained.", [("not clear whether", "hedging", False)]),
    ],
)
def test_longest_match_wins_across_families(
    matcher: CueMatcher, text: str, expected: list[tuple[str, str, bool]]
) -> None:
    assert found(matcher, text) == expected


def test_shorter_term_is_used_when_the_longer_one_is_rejected_by_its_rules() -> None:
    m = toy("red\tcolour\nred flag\twarning\t\t\tnot_next=day\n")
    assert found(m, "It was a red flag for us.") == [("red flag", "warning", False)]
    assert found(m, "It was a red flag day.") == [("red", "colour", False)]


def test_capital_rules_read_the_original_case_of_the_context() -> None:
    # Without #cap rules the context is read lower-cased only; with one, the original forms decide.
    m = toy("spoke\tsaying\t\t\tnot_next=#cap\nwith\tlink\t\t\tnot_prev=#cap\n")
    assert found(m, "She spoke Friday with Kyiv.") == []
    assert found(m, "She spoke friday with kyiv.") == [("spoke", "saying", False), ("with", "link", False)]
    assert found(m, "She spoke friday with Kyiv.") == [("spoke", "saying", False), ("with", "link", False)]


def test_wildcard_entries_and_same_span_in_two_families() -> None:
    m = toy("fear*\tmood\nfearless\tpraise\n")
    # a wildcard and a plain entry of different families can both match the same token
    assert sorted(found(m, "She was fearless.")) == [
        ("fearless", "mood", False),
        ("fearless", "praise", False),
    ]
    assert found(m, "Fears grew.") == [("Fears", "mood", False)]


# ----------------------------------------------------------------------------------------------------
# context rules of the built-in hedging lexicon (as written in framing/lexicons/hedging.tsv)
# ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "hedges"),
    [
        ("It may be too late.", ["may"]),
        ("The river may flood, officials said.", ["may"]),
        ("The meeting is on 5 May.", []),  # not_prev=on ... and not_next=#num
        ("The vote was held in May 2024.", []),
        ("They met in early May.", []),
        ("Theresa May said the talks would continue.", []),  # lower_mid: capital May mid-sentence
        ("May said the talks would continue.", []),  # regression: sentence-initial surname before 'said'
        ("A deal could be reached next week.", ["could"]),  # regression: a real hedge, not 'not be reached'
        ("Prime Minister May visited the port.", []),
        ("May Day parades were cancelled.", []),  # not_next=day
        ("The spokesman could not be reached for comment.", []),  # not_next=not be
        ("The company could not immediately be contacted.", []),  # not_next=not immediately
        ("The storm could reach the coast.", ["could"]),
        ("About 40 people were hurt.", ["About"]),  # only_next=#num
        ("They talked about the weather.", []),
        ("Roughly a third voted.", ["Roughly"]),
        ("Send it as soon as possible.", []),  # not_prev=soon as
        ("A second attack is possible.", ["possible"]),
        ("The ruling assumed office hours.", []),  # not_next=office
        ("Prices rose rather than fell.", []),  # not_next=than
    ],
)
def test_hedging_context_rules(matcher: CueMatcher, text: str, hedges: list[str]) -> None:
    assert [t for t, _, _ in found(matcher, text, "hedging")] == hedges


def test_hedging_rules_are_declared_in_the_lexicon_file() -> None:
    hedging = {e.term: e for e in next(lex for lex in builtin_lexicons() if lex.name == "hedging").entries}
    assert hedging["may"].rules.lower_mid and ("#num",) in hedging["may"].rules.not_next
    assert ("on",) in hedging["may"].rules.not_prev and ("in",) in hedging["may"].rules.not_prev
    assert ("not", "be") in hedging["could"].rules.not_next
    assert ("#num",) in hedging["about"].rules.only_next


def test_sentence_initial_may_is_taken_as_the_modal(matcher: CueMatcher) -> None:
    # lower_mid only applies mid-sentence: a capitalised first word cannot be told apart by case
    assert found(matcher, "May it rain soon.", "hedging") == [("May", "hedging", False)]


# ----------------------------------------------------------------------------------------------------
# negation
# ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "family", "expected"),
    [
        ("The police did not blame the driver.", "blame", [("blame", "blame", True)]),
        ("The police blamed the driver.", "blame", [("blamed", "blame", False)]),
        ("There is no evidence linking the group to the fire.", "blame", [("linking", "blame", True)]),
        ("There is little evidence linking them.", "blame", [("linking", "blame", True)]),
        ("Rain is not likely tomorrow.", "hedging", [("likely", "hedging", True)]),
        ("Rain is likely tomorrow.", "hedging", [("likely", "hedging", False)]),
        ("He was never furious.", "emotive", [("furious", "emotive", True)]),
        ("Officials never confirmed the figure.", "certainty", [("confirmed", "certainty", True)]),
        ("They refused to accuse anyone.", "blame", [("accuse", "blame", True)]),
        # the window is 4 tokens
        ("It was not in any way likely.", "hedging", [("likely", "hedging", True)]),
        ("It was not in any way at all likely.", "hedging", [("likely", "hedging", False)]),
        # a clause break ends the window
        ("Not only that, they blamed him.", "blame", [("blamed", "blame", False)]),
        (
            "They did not blame him, but they blamed her.",
            "blame",
            [("blame", "blame", True), ("blamed", "blame", False)],
        ),
        # a cue that contains a negator is not negated by it
        ("There is no doubt about it.", "certainty", [("There is no doubt", "certainty", False)]),
        ("It had nothing to do with them.", "denial", [("nothing to do with", "denial", False)]),
    ],
)
def test_negation(matcher: CueMatcher, text: str, family: str, expected: list) -> None:
    assert found(matcher, text, family) == expected


def test_negation_window_is_configurable() -> None:
    wide = build_matcher(negation_window=8)
    assert found(wide, "It was not in any way at all likely.", "hedging") == [("likely", "hedging", True)]
    narrow = build_matcher(negation_window=1)
    assert found(narrow, "Rain is not likely.", "hedging") == [("likely", "hedging", True)]
    assert found(narrow, "He did not really blame her.", "blame") == [("blame", "blame", False)]


# regression: the negators' own rules were ignored
def test_no_before_a_number_is_not_a_negator(matcher: CueMatcher) -> None:
    assert found(matcher, "Sources at No 10 blamed the minister.", "blame") == [("blamed", "blame", False)]
    assert found(matcher, "The world No. 1 blamed the umpire.", "blame") == [("blamed", "blame", False)]
    # 'no' is still a negator elsewhere, also right before the cue
    assert found(matcher, "There is no blame here.", "blame") == [("blame", "blame", True)]
    assert found(matcher, "No one blamed the minister.", "blame") == [("blamed", "blame", True)]


@pytest.mark.parametrize("space", ["\n", "\t", "  ", "\u00a0", " \r\n "])
def test_multi_word_terms_span_any_white_space(matcher: CueMatcher, space: str) -> None:
    # The candidate automaton keys on words joined by one space; other white space must match too.
    text = f"It was kind{space}of sad, and they were held{space}responsible."
    assert [(m.text, m.entry.term) for m in matcher.match(text).matches] == [
        (f"kind{space}of", "kind of"),
        (f"held{space}responsible", "held responsible"),
    ]


def test_the_white_space_list_is_what_the_regex_engine_calls_white_space() -> None:
    from framing.matcher import _WHITE_SPACE

    assert set(_WHITE_SPACE) == {chr(c) for c in range(0x110000) if chr(c).isspace()}
    assert all(re.fullmatch(r"\s", c) for c in _WHITE_SPACE)


# Texts where the fast paths (non-ASCII punctuation blanked with str.replace, joiners counted by one
# regex scan, the automaton over the bounded text) could part from the plain regex definitions.
EDGE_TEXTS = [
    "",
    "“Likely,” he said—“not likely…” ‘Maybe’ – maybe.",
    "—likely— …likely… «likely» „likely“ •likely• ©likely",
    "a-b-c a--b -a- a- -a _-a a-_ a'b ’a’ a’b it’s x-’y",
    "U.S.-led co-op e.g.-like 3.5-fold U.S.’s a.b-c.d",
    "Café—naïve—déjà vu—İstanbul—ΟΔΟΣ—σς—ё—ʼ",
    "Обвинил — «Путина»… Він не винен—ймовірно, м’ята.",
    "not\u2009likely\u00a0maybe\u3000clearly\u2028blamed",
    "mixed 🙂 emoji—likely 🙂likely🙂 \ud800 surrogate",
]


@pytest.mark.parametrize("text", EDGE_TEXTS)
def test_fast_word_count_equals_the_regex_count(text: str) -> None:
    from framing.text import WORD_PATTERN, count_words

    assert count_words(text) == len(re.findall(WORD_PATTERN, text))
    assert count_words(text * 50) == len(re.findall(WORD_PATTERN, text * 50))  # the mostly-ASCII test


@pytest.mark.parametrize("text", EDGE_TEXTS)
def test_bounded_text_blanks_exactly_the_non_word_characters(text: str) -> None:
    from framing.matcher import _bounded

    assert _bounded(text) == "".join(c if re.match(r"\w", c) else " " for c in text)


def test_cues_between_typographic_punctuation_are_found(matcher: CueMatcher) -> None:
    text = "“Likely,” he said—“probably…” ‘Horrific’ «ужасный» blamed—"
    assert [m.text for m in matcher.match(text).matches] == [
        "Likely",
        "probably",
        "Horrific",
        "ужасный",
        "blamed",
    ]


def test_candidate_regex_in_parts_matches_like_the_whole_regex(matcher: CueMatcher) -> None:
    # The regex part of a place's first character must find what the regex of every term finds there.
    from framing.matcher import _candidate_regex, _lower_same_length

    whole = _candidate_regex(matcher._candidates.terms)
    text = (
        "Він не винен, обвинил Путина; it is likely not blamed. Не доказано — maybe.\n"
        "İstanbul “reportedly” horrific-ish 3 held\u00a0responsible ёлки Київ U.S. kind  of"
    )
    padded = " " + _lower_same_length(text)
    places = [p for p in range(len(padded) - 1) if not re.match(r"\w", padded[p])]
    found = [(matcher._candidates.match(padded, p), whole.match(padded, p)) for p in places]
    assert [(a and (a.span(), a.group(1))) for a, _ in found] == [
        (b and (b.span(), b.group(1))) for _, b in found
    ]
    assert sum(a is not None for a, _ in found) >= 8


def test_the_fast_match_constructor_makes_the_same_match() -> None:
    import dataclasses
    import pickle

    from framing.matcher import Match, _new_match

    entry = builtin_lexicons()[0].entries[0]
    # _new_match sets these slots one by one: a new field of Match must be added there too.
    assert [f.name for f in dataclasses.fields(Match)] == [
        "start",
        "end",
        "sentence_id",
        "entry",
        "negated",
        "text",
    ]
    fast, slow = _new_match(3, 9, 1, entry, True, "likely"), Match(3, 9, 1, entry, True, "likely")
    assert fast == slow and hash(fast) == hash(slow) and repr(fast) == repr(slow)
    assert pickle.loads(pickle.dumps(fast)) == slow
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.start = 4  # type: ignore[misc]


def _regex_only_reference() -> CueMatcher:
    # A matcher of its own (build_matcher() returns the cached built-in one, the ``matcher`` fixture).
    reference = CueMatcher(builtin_lexicons())
    reference._starts = None  # no automaton: candidates and the negation hint from the regexes alone
    return reference


_REFERENCE: list[CueMatcher] = []


@pytest.mark.parametrize(
    "text",
    [
        "They failed to show it was likely.",
        "They want to say it is likely, and to add that it was not likely.",
        "Nobody thinks so: it is likely. No one said it was likely. There is little evidence it is likely.",
        "They failed to internationalization counterrevolutionaries likely",
        # "no" right after an underscore, where the previous tokens' window begins: not an automaton hit
        "x_no " + "a" * 26 + " to " + "b" * 26 + " likely",
        "x_no " + "a" * 26 + " to " + "b" * 25 + " likely",
    ],
)
def test_negation_is_decided_as_by_the_regex_hint(matcher: CueMatcher, text: str) -> None:
    # The automaton's negator hits skip the token check when no single-word negator or first word of
    # a negator phrase is among the previous tokens ("to" of "failed to" alone): same result.
    def key(found: DocumentMatches) -> list[tuple[int, int, str, bool]]:
        return [(m.start, m.end, m.entry.category, m.negated) for m in found.matches]

    if not _REFERENCE:
        _REFERENCE.append(_regex_only_reference())
    assert matcher._starts is not None
    assert key(matcher.match(text)) == key(_REFERENCE[0].match(text))


def test_a_negator_after_an_underscore_at_the_window_edge_still_negates(matcher: CueMatcher) -> None:
    assert matcher._starts is not None
    text = "x_no " + "a" * 26 + " to " + "b" * 26 + " likely"
    assert [(m.text, m.negated) for m in matcher.match(text).matches] == [("likely", True)]


def test_negation_from_the_deciding_words_alone_equals_the_regex_hint_on_random_sentences(
    matcher: CueMatcher,
) -> None:
    # issue 8: the automaton keys only on the negator words that can decide a negation (single-word
    # negators, first words of phrases); "to" of "failed to" and the like are no longer hits. Negators
    # at every distance, phrases cut by the window, words of all lengths, underscores and clause
    # breaks: every match and its negation as the regex-only matcher finds them.
    import random

    if not _REFERENCE:
        _REFERENCE.append(_regex_only_reference())
    words = [
        "not", "never", "no", "no one", "no longer", "didn't", "don't", "failed", "to", "failed to",
        "refused to", "lack of", "without", "hardly", "nothing to do with", "x_no", "_to", "of", "a",
        "internationalization", "counterrevolutionaries", "it", "was", "likely", "claimed", "massacre",
        "blamed", "chilling", "may", "possibly", "reportedly", "No.", "10", ",", ";", "but", "\n", "said",
    ]  # fmt: skip
    rng = random.Random(8)
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(3, 30))) for _ in range(1500)]

    def key(found: DocumentMatches) -> list[tuple[int, int, str, bool]]:
        return [(m.start, m.end, m.entry.category, m.negated) for m in found.matches]

    negated = 0
    for text in texts:
        found = key(matcher.match(text))
        assert found == key(_REFERENCE[0].match(text)), text
        negated += sum(flag for *_, flag in found)
    assert negated > 200  # the sentences do exercise negation
