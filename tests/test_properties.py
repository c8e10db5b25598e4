"""Properties that must hold for any input (hypothesis-generated texts and p-values)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from framing.compare import benjamini_hochberg
from framing.corpus import clean_text
from framing.features import build_matcher, extract

MATCHER = build_matcher()
WORDS = [
    "the", "Kyiv", "may", "May", "not", "no", "blamed", "reportedly", "horrific", "clearly", "denied",
    "claimed", "responsibility", "about", "40", "No", ".", ",", "?", "said", "could", "be", "reached",
    "there", "is", "doubt", "massacre", "Advertisement", "\n", "\n\n", "Mr.", "U.S.", "won't", "-", "—",
]  # fmt: skip
texts = st.lists(st.sampled_from(WORDS), max_size=60).map(" ".join)
any_text = st.text(max_size=300)


@settings(max_examples=200, deadline=None)
@given(st.one_of(texts, any_text))
def test_matches_point_at_their_text_in_order_and_inside_their_sentence(text: str) -> None:
    found = MATCHER.match(text)
    previous_end = 0
    for match in found.matches:
        assert text[match.start : match.end] == match.text
        assert match.start >= previous_end  # sorted and non-overlapping
        previous_end = match.end
        sentence_start, sentence_end = found.sentences[match.sentence_id]
        assert sentence_start <= match.start and match.end <= sentence_end


@settings(max_examples=200, deadline=None)
@given(st.one_of(texts, any_text))
def test_cleaning_is_idempotent(text: str) -> None:
    once = clean_text(text)
    assert clean_text(once) == once


@settings(max_examples=50, deadline=None)
@given(st.lists(texts, min_size=1, max_size=5))
def test_rates_are_counts_per_thousand_tokens_and_sentences_sum_to_documents(batch: list[str]) -> None:
    documents = extract(batch)
    sentences = extract(batch, unit="sentence")
    for family in MATCHER.families:
        with_tokens = documents["tokens"] > 0
        expected = documents.loc[with_tokens, f"{family}_count"] / documents.loc[with_tokens, "tokens"] * 1000
        assert np.allclose(documents.loc[with_tokens, f"{family}_rate"], expected)
        summed = sentences.groupby("doc_id")[f"{family}_count"].sum()
        assert (
            summed.reindex(documents["doc_id"], fill_value=0).to_numpy() == documents[f"{family}_count"]
        ).all()


@given(st.lists(st.floats(min_value=0, max_value=1), min_size=1, max_size=40))
def test_bh_q_values_are_at_least_p_at_most_one_and_keep_the_order(p_values: list[float]) -> None:
    p = np.array(p_values)
    q = benjamini_hochberg(p)
    assert (q >= p - 1e-12).all() and (q <= 1).all()
    order = np.argsort(p, kind="stable")
    assert (np.diff(q[order]) >= -1e-12).all()
