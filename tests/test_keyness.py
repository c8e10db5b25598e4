"""Distinctive wording (framing.compare.keyness): the fast paths give what the plain constructions give."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pandas as pd
import pytest

from framing import compare
from framing.compare import keyness
from framing.errors import OptionError
from framing.text import word_tokens

TRICKY = [
    "Kyiv didn’t respond to the U.S. warning; the U.N. did.",
    "М’ята, мʼята и м'ята: ʼa ’a a’ a’’b — Ёлка и ёж.",
    "I.B.M’s 3.5% and 3.55, e.g. p.m. x’y’z ʼʼ close-range IS-K",
    "",
    None,
    "İstanbul ΣΑΣ straße ___ -- 2019",
]


WORDS = "the of kyiv regime claimed responsibility islamic state concert hall gunmen said moscow".split()  # noqa: SIM905


def _decoded(tokens: compare.WordTokens) -> list[list[str]]:
    ends = np.cumsum(tokens.lengths)
    words = [tokens.vocabulary[c] for c in tokens.codes]
    return [words[end - n : end] for n, end in zip(tokens.lengths.tolist(), ends.tolist(), strict=True)]


def _corpus(seed: int, documents: int = 60) -> tuple[list[str | None], list[str | None]]:
    """Texts drawn from a small vocabulary (so that bigrams repeat), some groups favouring some words."""
    rng = random.Random(seed)
    words = WORDS
    texts: list[str | None] = []
    groups: list[str | None] = []
    for i in range(documents):
        group = "ABCD"[i % 4]
        favoured = words[3 + (i % 4) * 2 : 5 + (i % 4) * 2]
        size = rng.randrange(0, 40)
        texts.append(" ".join(rng.choice(favoured if rng.random() < 0.3 else words) for _ in range(size)))
        groups.append(group)
    texts[5], groups[7] = None, None  # a missing text counts as empty, a missing group is left out
    return texts, groups


def test_word_tokens_of_are_the_word_tokens_of_each_text():
    tokens = compare.word_tokens_of(TRICKY)
    assert _decoded(tokens) == [word_tokens(t) if t is not None else [] for t in TRICKY]
    assert tokens.vocabulary[: len(tokens.index)] == list(tokens.index)
    assert [tokens.index[w] for w in tokens.vocabulary] == list(range(len(tokens.vocabulary)))


def test_the_vocabulary_of_word_tokens_is_numbered_in_order_of_first_appearance_and_then_fixed():
    # The coding numbers a word as it is first looked up (issue 8: one dict lookup per token, not two);
    # once coded, looking up a word that is not in the texts must fail, not add it to the vocabulary.
    tokens = compare.word_tokens_of(["the war, the war", "a ceasefire", None, "war and peace"])
    assert tokens.vocabulary == ["the", "war", "a", "ceasefire", "and", "peace"]
    assert tokens.codes.tolist() == [0, 1, 0, 1, 2, 3, 1, 4, 5]
    assert tokens.lengths.tolist() == [4, 2, 0, 3]
    with pytest.raises(KeyError):
        tokens.index["massacre"]
    assert len(tokens.index) == 6


def test_a_numbering_dict_is_freed_with_its_last_reference():
    # regression (issue 8): the numbering's factory was the dict's own __len__, a reference cycle, so the
    # dict of every block of texts and its words outlived the block (the wording workers of a
    # 200,000-article report reached 909 MB)
    import gc
    import weakref

    from framing.text import first_seen_numbers

    class Word(str):  # a str that can be watched with a weak reference
        pass

    gc.disable()
    try:
        numbers = first_seen_numbers()
        word = Word("massacre")
        assert [numbers[w] for w in ("chilling", word, "chilling", "harrowing")] == [0, 1, 0, 2]
        watched = weakref.ref(word)
        del word, numbers
        assert watched() is None
    finally:
        gc.enable()


def test_word_tokens_of_in_worker_processes_equal_one_process(monkeypatch):
    monkeypatch.setattr(keyness, "_TEXT_BLOCK", 2)  # many blocks, words first seen in later blocks
    texts = TRICKY * 3 + [f"word{i} kyiv regime word{i % 3}" for i in range(9)]
    serial = compare.word_tokens_of(texts)
    parallel = compare.word_tokens_of(texts, jobs=2)
    assert parallel.codes.dtype == serial.codes.dtype == np.int32
    assert parallel.codes.tolist() == serial.codes.tolist()
    assert parallel.lengths.tolist() == serial.lengths.tolist()
    assert parallel.vocabulary == serial.vocabulary and parallel.index == serial.index
    groups = ["a", "b"] * (len(texts) // 2) + ["a"] * (len(texts) % 2)
    counts = compare.term_counts(texts, groups, tokens=parallel)
    assert counts.equals(compare.term_counts(texts, groups, tokens=serial))
    assert counts.equals(compare.term_counts(texts, groups))


@pytest.mark.parametrize("jobs", [0, -1, True, 1.5, "2"])
def test_word_tokens_of_refuses_a_bad_number_of_jobs(jobs):
    with pytest.raises(OptionError, match="jobs"):
        compare.word_tokens_of(["a text"], jobs=jobs)


def _nltk_collocations(texts, groups, *, top_n, min_count, common_words, min_ratio) -> pd.DataFrame:
    """The documented construction, with NLTK's finder per group and plain Python for the filters."""
    from nltk.collocations import BigramCollocationFinder
    from nltk.metrics import BigramAssocMeasures

    kept = [(word_tokens(t or ""), g) for t, g in zip(texts, groups, strict=True) if g is not None]
    frequency = Counter(w for tokens, _ in kept for w in tokens)
    ranked = sorted(frequency.items(), key=lambda item: (-item[1], item[0]))
    common = {w for w, _ in ranked[:common_words]}
    finders = {
        g: BigramCollocationFinder.from_documents([tokens for tokens, group in kept if group == g])
        for g in sorted({g for _, g in kept})
    }
    all_bigrams = sum(f.ngram_fd.N() for f in finders.values())
    rows = []
    for g, finder in finders.items():
        in_group = finder.ngram_fd.N()
        in_rest = max(all_bigrams - in_group, 1)
        scored = []
        for pair, own in finder.ngram_fd.items():
            if own < min_count or pair[0] in common or pair[1] in common:
                continue
            rest = sum(f.ngram_fd[pair] for other, f in finders.items() if other != g)
            ratio = (own / in_group) / ((rest + 0.5) / in_rest)
            if ratio >= min_ratio:
                score = finder.score_ngram(BigramAssocMeasures.likelihood_ratio, *pair)
                scored.append((-score, pair, own, rest, ratio))
        for rank, (negative, pair, own, rest, ratio) in enumerate(sorted(scored)[:top_n], start=1):
            rows.append((g, " ".join(pair), own, rest, ratio, -negative, rank))
    columns = ["group", "phrase", "count_group", "count_rest", "ratio_vs_rest", "likelihood_ratio", "rank"]
    return pd.DataFrame(rows, columns=columns)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize(
    "options",
    [
        {"top_n": 5, "min_count": 2, "common_words": 2, "min_ratio": 1.5},
        {"top_n": 50, "min_count": 1, "common_words": 0, "min_ratio": 0.0},
    ],
)
def test_collocations_equal_nltk_finders_bit_for_bit(seed, options):
    texts, groups = _corpus(seed)
    expected = _nltk_collocations(texts, groups, **options)
    got = compare.collocations(texts, groups, **options)
    assert len(got) > 0
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    tokens = compare.word_tokens_of(texts)
    pd.testing.assert_frame_equal(compare.collocations(texts, groups, tokens=tokens, **options), expected)


@pytest.mark.parametrize("top_n", [1, 2, 3, 7])
def test_collocations_score_only_possible_top_phrases_and_equal_nltk(monkeypatch, top_n):
    # Many phrases tie on the likelihood ratio (the same counts in different pairs of words) around each
    # group's top_n-th: the phrases left unscored must be those that cannot be in any group's top_n.
    pairs = [f"w{i} v{i}" for i in range(12)]
    texts = [" ".join([pairs[i % 12]] * (2 + i % 3) + ["and the of"]) for i in range(72)]
    texts += [f"{pairs[i]} x{i}" for i in range(12)]
    groups = ["ABC"[i % 3] for i in range(len(texts))]
    options = {"top_n": top_n, "min_count": 1, "common_words": 0, "min_ratio": 0.0}
    scored: list[int] = []
    exact = keyness._likelihood_ratios

    def counted(n_ii, *rest):
        scored.append(len(n_ii))
        return exact(n_ii, *rest)

    monkeypatch.setattr(keyness, "_likelihood_ratios", counted)
    got = compare.collocations(texts, groups, **options)
    expected = _nltk_collocations(texts, groups, **options)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    candidates = len(_nltk_collocations(texts, groups, **{**options, "top_n": 10_000}))
    assert sum(scored) < candidates  # phrases were left unscored, and the table is still NLTK's


def test_counts_do_not_depend_on_block_size_or_the_dense_counter(monkeypatch):
    texts, groups = _corpus(3, documents=80)
    options = {"top_n": 8, "min_count": 2, "common_words": 3, "min_ratio": 1.0}
    phrases = compare.collocations(texts, groups, **options)
    counts = compare.term_counts(texts, groups)
    cue_counts = compare.term_counts(texts, groups, vocabulary=["kyiv regime", "the", "hall"])
    # sorted keys instead of one dense array, and blocks of a few texts: the same tables
    monkeypatch.setattr(keyness, "_DENSE_KEYS", 0)
    monkeypatch.setattr(keyness, "_TOKEN_BLOCK", 30)
    monkeypatch.setattr(keyness, "_SCORED_AT_ONCE", 3)
    monkeypatch.setattr(keyness, "_CANDIDATES_AT_ONCE", 5)  # top_n of slices of 5 keys, then of all
    monkeypatch.setattr(keyness, "_MERGE_AT", 2)
    pd.testing.assert_frame_equal(compare.collocations(texts, groups, **options), phrases, check_exact=True)
    pd.testing.assert_frame_equal(compare.term_counts(texts, groups), counts, check_exact=True)
    pd.testing.assert_frame_equal(
        compare.term_counts(texts, groups, vocabulary=["kyiv regime", "the", "hall"]), cue_counts
    )
    assert len(phrases) > 0 and len(cue_counts) > 0


def test_collocations_and_term_counts_accept_a_series_with_tokens():
    texts, groups = _corpus(4)
    documents = pd.DataFrame({"text": pd.Series(texts, dtype="string"), "group": groups})
    tokens = compare.word_tokens_of(documents["text"])
    assert compare.term_counts(documents["text"], documents["group"], tokens=tokens).equals(
        compare.term_counts(texts, groups)
    )
    assert compare.collocations(documents["text"], documents["group"], tokens=tokens, min_count=2).equals(
        compare.collocations(texts, groups, min_count=2)
    )
    with pytest.raises(OptionError, match="differ in length"):
        compare.collocations(documents["text"], groups[:-1], tokens=tokens)


def test_a_repeated_word_without_a_likelihood_ratio_is_left_out_not_an_error() -> None:
    # "a a" in "a a a a": the word's two margins (4 + 4) exceed the 4 tokens plus the 3 bigrams, so
    # the 2 x 2 table has a negative cell; NLTK (and this function before) raised a math domain error
    table = compare.collocations(["a a a a", "a a"], ["g", "h"], min_count=1, common_words=0, min_ratio=0)
    assert table.empty
    mixed = compare.collocations(
        ["a a a a b c", "a a b c"], ["g", "h"], min_count=1, common_words=0, min_ratio=0
    )
    assert set(mixed.loc[mixed["group"] == "g", "phrase"]) == {"a a", "a b", "b c"}


# wording_counts (issue 8): the texts read a block at a time, only the counts per group kept


def _old_tables(texts, groups, **options) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The two tables as the report made them before: every token coded once (word_tokens_of)."""
    tokens = compare.word_tokens_of(texts)
    return (
        compare.term_counts(texts, groups, tokens=tokens),
        compare.collocations(texts, groups, tokens=tokens, **options),
    )


def _assert_same_tables(counts: compare.WordingCounts, texts, groups, **options) -> None:
    terms, phrases = _old_tables(texts, groups, **options)
    pd.testing.assert_frame_equal(counts.term_counts(), terms, check_exact=True)
    pd.testing.assert_frame_equal(counts.collocations(**options), phrases, check_exact=True)
    pd.testing.assert_frame_equal(
        compare.distinctive_terms(counts.term_counts(), top_n=5),
        compare.distinctive_terms(terms, top_n=5),
        check_exact=True,
    )


PHRASE_OPTIONS = [
    {},
    {"top_n": 5, "min_count": 2, "common_words": 2, "min_ratio": 1.5},
    {"top_n": 50, "min_count": 1, "common_words": 0, "min_ratio": 0.0},
]


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("block", [1, 7, 512])
def test_wording_counts_give_the_tables_of_term_counts_and_collocations(seed, block):
    texts, groups = _corpus(seed, documents=80)
    counts = compare.wording_counts(texts, groups, block=block)
    assert counts.texts == 79  # the text without a group is left out
    for options in PHRASE_OPTIONS:
        _assert_same_tables(counts, texts, groups, **options)
    assert len(counts.collocations(**PHRASE_OPTIONS[1])) > 0


def test_wording_counts_in_worker_processes_equal_one_process():
    texts, groups = _corpus(5, documents=90)
    serial = compare.wording_counts(texts, groups, block=8)
    parallel = compare.wording_counts(texts, groups, block=8, jobs=2)
    assert parallel.vocabulary == serial.vocabulary
    for name in ("word_keys", "word_counts", "pair_keys", "pair_counts", "group_tokens", "group_bigrams"):
        assert getattr(parallel, name).tolist() == getattr(serial, name).tolist(), name
    _assert_same_tables(parallel, texts, groups, **PHRASE_OPTIONS[1])


def test_wording_counts_widen_their_word_space_and_merge_many_parts(monkeypatch):
    # a word space of 2 codes outgrown many times, parts merged every few keys: the same counts
    texts = [*TRICKY * 3, *(f"word{i} kyiv regime word{i % 3} the" for i in range(40))]
    groups = ["a", "b", "c"] * (len(texts) // 3) + ["a"] * (len(texts) % 3)
    expected = compare.wording_counts(texts, groups)
    monkeypatch.setattr(keyness, "_FIRST_WIDTH", 2)
    monkeypatch.setattr(keyness, "_MERGE_AT", 3)
    monkeypatch.setattr(keyness, "_RECODED_AT_ONCE", 4)
    monkeypatch.setattr(keyness, "_CANDIDATES_AT_ONCE", 7)
    counts = compare.wording_counts(texts, groups, block=2)
    assert counts.pair_keys.tolist() == expected.pair_keys.tolist()
    assert counts.word_keys.tolist() == expected.word_keys.tolist()
    assert counts.vocabulary == compare.word_tokens_of(texts).vocabulary  # order of first appearance
    n = len(counts.vocabulary)
    assert counts.pair_keys.max() < len(counts.groups) * n * n  # keys in the vocabulary's own code space
    for options in PHRASE_OPTIONS:
        _assert_same_tables(counts, texts, groups, **options)


@pytest.mark.parametrize(
    ("texts", "groups"),
    [
        ([], []),
        ([""], ["a"]),
        (["", None, ""], ["a", "b", "a"]),
        (["a b"], [None]),
        (["2019 -- ___", "x"], ["a", "b"]),  # tokens but no term with a letter in one group
        (["", "kyiv regime", ""], ["a", "b", "b"]),  # empty texts at the ends of a block
        (["a a a a", "a a"], ["g", "h"]),  # "a a" has no likelihood ratio
    ],
)
def test_wording_counts_of_empty_and_missing_texts(texts, groups):
    for block in (1, 2):
        counts = compare.wording_counts(texts, groups, block=block)
        _assert_same_tables(counts, texts, groups)
        _assert_same_tables(counts, texts, groups, min_count=1, common_words=0, min_ratio=0)


def test_wording_counts_count_bigrams_within_texts_only():
    counts = compare.wording_counts(["x y", "z w", "", "y z"], ["g", "g", "g", "h"], block=1)
    vocabulary = counts.vocabulary
    n = len(vocabulary)
    pairs = {
        (counts.groups[g], vocabulary[a], vocabulary[b]): int(c)
        for (g, a, b), c in zip(
            zip(*np.unravel_index(counts.pair_keys, (len(counts.groups), n, n)), strict=True),
            counts.pair_counts,
            strict=True,
        )
    }
    assert pairs == {("g", "x", "y"): 1, ("g", "z", "w"): 1, ("h", "y", "z"): 1}
    assert counts.group_tokens.tolist() == [4, 2] and counts.group_bigrams.tolist() == [2, 1]


def test_wording_counts_read_a_generator_and_refuse_texts_and_groups_of_different_lengths():
    texts, groups = _corpus(6)
    counts = compare.wording_counts((t for t in texts), groups, block=5)
    _assert_same_tables(counts, texts, groups)
    with pytest.raises(OptionError, match="differ in length"):
        compare.wording_counts(texts, groups[:-1])
    with pytest.raises(OptionError, match="differ in length"):
        compare.wording_counts((t for t in texts), groups[:-1])
    with pytest.raises(OptionError, match="differ in length"):
        compare.wording_counts((t for t in texts[:-1]), groups)
    with pytest.raises(OptionError, match="jobs"):
        compare.wording_counts(texts, groups, jobs=0)
    with pytest.raises(OptionError, match="block"):
        compare.wording_counts(texts, groups, block=0)
    with pytest.raises(OptionError, match="top_n"):
        counts.collocations(top_n=0)


def test_wording_counts_of_a_spooled_corpus_equal_the_texts_in_memory():
    from framing.corpus import load_corpus
    from framing.spool import DocumentTexts

    corpus = load_corpus("corpora/crocus")
    spooled = corpus.spooled()
    assert spooled.texts.spooled and "text" not in spooled.documents.columns
    documents = corpus.documents
    # the whole corpus, and each language on its own as the report compares them
    subsets = [np.arange(len(documents))]
    subsets += [np.flatnonzero(documents["language"] == code) for code in sorted(set(documents["language"]))]
    assert len(subsets) >= 3
    for rows in subsets:
        texts, groups = documents["text"].iloc[rows], documents["outlet"].iloc[rows]
        in_memory = compare.wording_counts(corpus.texts.subset(rows), groups, block=3)
        from_disk = compare.wording_counts(
            DocumentTexts(spooled.documents.iloc[rows], spooled.spool), groups, block=3, jobs=2
        )
        assert from_disk.vocabulary == in_memory.vocabulary
        for counts in (in_memory, from_disk):
            _assert_same_tables(counts, texts, groups, top_n=10)
            _assert_same_tables(counts, texts, groups, min_count=1, common_words=2, min_ratio=1.0)
