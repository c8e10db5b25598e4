"""Tokenising, sentence splitting and matching take linear time on adversarial input (issue 7).

Each input is about 100,000 characters long: a quadratic scan of it takes minutes, a linear one a few
milliseconds. The tests assert the results, not a duration: a regression shows up as a test run that
hangs, not as a flaky timing.
"""

from __future__ import annotations

import re

import pytest

from framing.features import build_matcher
from framing.matcher import CueMatcher
from framing.text import WORD_PATTERN, count_words, sentence_spans

N = 100_000


@pytest.fixture(scope="module")
def matcher() -> CueMatcher:
    return build_matcher()


def test_a_run_of_full_stops_is_one_sentence_end(matcher: CueMatcher) -> None:
    # Regression (issue 7): every full stop of the run restarted the boundary regex over the rest.
    text = "It may be " + "." * 40_000
    assert sentence_spans(text) == [(0, len(text))]
    found = matcher.match(text)
    assert found.tokens == 3
    assert [(m.text, m.entry.category) for m in found.matches] == [("may", "hedging")]


def test_runs_of_mixed_end_punctuation_before_a_sentence(matcher: CueMatcher) -> None:
    text = "Really" + "!?." * (N // 3) + " It may."
    assert sentence_spans(text) == [(0, len(text) - 8), (len(text) - 7, len(text))]
    assert [m.text for m in matcher.match(text).matches] == ["may"]
    assert sentence_spans("Really" + "!?." * (N // 3) + "x") == [(0, 6 + 3 * (N // 3) + 1)]


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("a" * N, 1),  # one long token
        ("a-" * (N // 2), 1),  # a hyphenated chain
        ("a." * (N // 2) + "b", 1),  # a dotted acronym that never ends
        ("u.s." * (N // 4), 1),
        ("don't" + "'" * N, 1),
        ("<!--" * (N // 4), 0),
        (". " * (N // 2), 0),
        ("It ended." + '"' * N + "x", 3),
    ],
)
def test_long_tokens_and_punctuation_runs(matcher: CueMatcher, text: str, tokens: int) -> None:
    assert count_words(text) == len(re.findall(WORD_PATTERN, text)) == tokens
    found = matcher.match(text)
    assert found.tokens == tokens
    assert sum(found.sentence_tokens()) == tokens
    assert found.matches == []


def test_long_runs_of_white_space(matcher: CueMatcher) -> None:
    # A multi-word term may span white space of any length (the automaton's keys hold one space).
    assert [m.text for m in matcher.match("It may" + " " * N + "help.").matches] == ["may"]
    spaced = "Officials blamed" + " \t" * (N // 2) + "the rebels."
    assert [m.text for m in matcher.match(spaced).matches] == ["blamed"]
    assert sentence_spans("\n" + " " * N + "x") == [(N + 1, N + 2)]
    many_lines = "Nothing.\n\n" * (N // 10)
    assert len(sentence_spans(many_lines)) == N // 10
    assert matcher.match(many_lines).tokens == N // 10


def test_a_very_long_word_that_begins_with_a_term(matcher: CueMatcher) -> None:
    found = matcher.match("They blame" + "d" * N + " nobody.")
    assert found.tokens == 3
    assert found.matches == []  # "blamed" is a term, "blameddd..." is not
