"""Texts on disk (framing.spool): the same texts back, in any order, in any process."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from framing.corpus import load_corpus
from framing.spool import TEXT_REF, DocumentTexts, SpoolWriter, spool_texts

TEXTS = ["", "plain ASCII", "Крокус Сити Холл — «теракт»", "emoji 🙂 and İ", "x" * 70_000, "last"]


def test_texts_come_back_by_position_in_any_order_with_repeats():
    spool = spool_texts(TEXTS)
    assert len(spool) == len(TEXTS)
    assert spool.read(range(len(TEXTS))) == TEXTS
    order = [5, 2, 2, 0, 4, 1, 3]
    assert spool.read(order) == [TEXTS[i] for i in order]
    assert spool.read([]) == []
    with pytest.raises(IndexError):
        spool.read([len(TEXTS)])


def test_runs_of_texts_longer_than_one_read_and_a_text_longer_than_a_read_come_back_whole():
    # one system call reads at most 224 KiB (under the blocks the framing command maps on their own):
    # a run of close texts is cut into several reads, and a longer text is read alone
    rng = np.random.default_rng(5)
    texts = ["".join(rng.choice(list("abcдежё🙂 "), size=int(size))) for size in rng.integers(0, 40_000, 60)]
    texts[17] = "ü" * 400_000  # 800,000 bytes
    spool = spool_texts(texts)
    assert spool.read(range(len(texts))) == texts
    order = [*rng.permutation(len(texts)).tolist(), 17, 17, 3]
    assert spool.read(order) == [texts[i] for i in order]


def test_a_copy_in_another_process_reads_the_file_but_only_the_writer_deletes_it():
    spool = spool_texts(TEXTS)
    copy = pickle.loads(pickle.dumps(spool))
    assert copy.read([2]) == [TEXTS[2]]
    path = spool.path
    del copy
    assert path.exists()
    del spool
    assert not path.exists()


def test_an_abandoned_writer_leaves_no_file():
    writer = SpoolWriter()
    writer.append("half written")
    path = writer.path
    del writer
    assert not path.exists()


def test_a_spooled_corpus_has_the_same_texts_and_hash_without_a_text_column():
    corpus = load_corpus("corpora/crocus")
    spooled = corpus.spooled()
    assert "text" not in spooled.documents.columns
    assert spooled.documents[TEXT_REF].tolist() == list(range(len(corpus)))
    assert list(spooled.texts) == corpus.documents["text"].tolist()
    assert spooled.content_hash() == corpus.content_hash()
    rows = np.array([3, 0, len(corpus) - 1, 3])
    assert spooled.texts.take(rows) == corpus.texts.take(rows)
    kept = spooled.subset("outlet != 'daily-blast'")
    assert kept.spool is spooled.spool and len(kept) == len(corpus) - 7
    assert list(kept.texts) == corpus.subset("outlet != 'daily-blast'").documents["text"].tolist()


def test_blocks_cover_the_rows_in_order():
    corpus = load_corpus("corpora/crocus").spooled()
    blocks = list(corpus.texts.blocks(size=7, start=3, stop=40))
    assert [len(b) for b in blocks] == [7, 7, 7, 7, 7, 2]
    assert [t for b in blocks for t in b] == corpus.texts.take(np.arange(3, 40))
    subset = corpus.texts.subset([4, 1])
    assert list(subset) == corpus.texts.take([4, 1])


def test_a_table_without_texts_is_refused_with_a_reason():
    corpus = load_corpus("corpora/crocus").spooled()
    with pytest.raises(ValueError, match="no 'text' column"):
        DocumentTexts(corpus.documents)
