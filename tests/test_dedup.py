"""Near-duplicate detection (issue 8): MinHash + LSH candidates, exact Jaccard verification."""

from __future__ import annotations

import random
import re
import zlib

import numpy as np
import pandas as pd
import pytest

from framing import dedup
from framing.dedup import _shingles, _word_code_points, _word_hashes, find_duplicates
from framing.errors import OptionError
from framing.text import WORD_PATTERN


def _jaccard(a: str, b: str) -> float:
    x, y = set(_shingles(a).tolist()), set(_shingles(b).tolist())
    return len(x & y) / len(x | y)


def _planted_corpus(seed: int, most_edited: float) -> tuple[pd.DataFrame, dict[str, str]]:
    """300 distinct articles and 60 copies of some of them with 1% to ``most_edited`` of their words
    replaced (each replaced word changes 5 shingles)."""
    rng = random.Random(seed)
    vocabulary = [f"w{i}" for i in range(3000)]
    texts = {f"a{i:03d}": " ".join(rng.choices(vocabulary, k=rng.randint(150, 400))) for i in range(300)}
    planted = {}
    for number, source in enumerate(rng.sample(sorted(texts), 60)):
        words = texts[source].split()
        share = 0.01 + (most_edited - 0.01) * number / 59  # from light to heavy edits
        for position in rng.sample(range(len(words)), int(share * len(words))):
            words[position] = rng.choice(vocabulary)
        planted[f"copy{number:02d}"] = source
        texts[f"copy{number:02d}"] = " ".join(words)
    ids = sorted(texts)
    dates = [pd.Timestamp("2024-03-22") if i.startswith("a") else pd.Timestamp("2024-03-23") for i in ids]
    documents = pd.DataFrame({"doc_id": ids, "text": [texts[i] for i in ids], "date": dates})
    return documents, planted


def test_every_planted_near_duplicate_is_found_and_nothing_else() -> None:
    documents, planted = _planted_corpus(seed=7, most_edited=0.06)
    texts = documents.set_index("doc_id")["text"]
    similarities = [_jaccard(texts[copy], texts[source]) for copy, source in planted.items()]
    assert min(similarities) >= 0.5 and max(similarities) > 0.9  # from barely above the threshold to light
    marks = find_duplicates(documents).set_axis(documents["doc_id"])
    assert marks.dropna().to_dict() == planted


@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.8])
def test_recall_at_other_thresholds(threshold: float) -> None:
    documents, planted = _planted_corpus(seed=11, most_edited=0.15)
    texts = documents.set_index("doc_id")["text"]
    expected = {c: s for c, s in planted.items() if _jaccard(texts[c], texts[s]) >= threshold}
    marks = find_duplicates(documents, threshold=threshold).set_axis(documents["doc_id"])
    assert len(expected) >= 8
    assert marks.dropna().to_dict() == expected


def test_mass_duplicated_text_is_one_group_without_quadratic_pairs() -> None:
    documents = pd.DataFrame(
        {
            "doc_id": [f"d{i:03d}" for i in range(300)],
            "text": ["The same wire story about the attack, word for word, in every outlet."] * 300,
            "date": [pd.Timestamp("2024-03-22")] * 300,
        }
    )
    marks = find_duplicates(documents)
    assert marks.iloc[0] is None and (marks.iloc[1:] == "d000").all()


def test_shingles_of_short_and_empty_texts() -> None:
    assert _shingles("").size == 0
    assert _shingles("two words").size == 1
    assert _shingles("one two three four five six").size == 2
    assert _shingles("a b c d e a b c d e").dtype == np.uint32
    assert _shingles("A b’s c d e").tolist() == _shingles("a b's c d e").tolist()


TRICKY_TEXT = (
    "The U.S. and e.g. Ph.D. holders paid 3.5% (or 3.14) on 1.2.3 - don't re-run it; 'quoted' words, "
    "rock’n’roll, a--b, a-'b, x_y, _under_ score__, www.example.com/a_b?q=1, i.e.a, u.s.a. "
    "Москва ёлка по-русски Ж.Б. naïve café ½ x² ٣ 中文 ǅemal İstanbul 😀 𝔸𝔹 \u00a0nbsp\u2013dash "
    + "a" * 70
    + " "
    + "é" * 40
    + " end"
)


def _expected_word_hashes(text: str) -> list[int]:
    lowered = text.lower().replace("\u2019", "'")
    return [zlib.crc32(word.encode()) for word in re.findall(WORD_PATTERN, lowered)]


def test_words_are_those_of_the_word_pattern_hashed_with_crc32() -> None:
    pieces = [TRICKY_TEXT, "", "one", "U.S.", "a.b.c.d e", TRICKY_TEXT.upper()]
    hashes, counts = _word_hashes([p.lower().replace("\u2019", "'") for p in pieces])
    expected = [_expected_word_hashes(p) for p in pieces]
    assert counts.tolist() == [len(e) for e in expected]
    assert hashes.tolist() == [h for e in expected for h in e]
    assert counts[0] > 50 and zlib.crc32(b"u.s") in hashes[: counts[0]].tolist()  # the dotted branch


def test_word_characters_are_those_of_the_regex() -> None:
    everything = "".join(map(chr, range(0x10000)))
    as_regex = re.sub(r"\W", "0", re.sub(r"\w", "1", everything))
    assert _word_code_points().tolist() == [c == "1" for c in as_regex]


def test_shingles_read_together_equal_shingles_read_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(3)
    words = TRICKY_TEXT.split() + [f"w{i}" for i in range(40)]
    texts = [" ".join(rng.choices(words, k=rng.randint(0, 60))) for _ in range(60)]
    alone = [_shingles(text) for text in texts]
    # small blocks: many texts per batch, and some texts longer than a block, read in pieces
    monkeypatch.setattr(dedup, "_BATCH", 300)
    monkeypatch.setattr(dedup, "_BLOCK", 200)
    together = dedup._shingle_sets(texts)
    assert sum(len(text) > 200 for text in texts) >= 10
    assert all(np.array_equal(np.unique(t), a) for t, a in zip(together, alone, strict=True))
    assert [_shingles(text).tolist() for text in texts] == [a.tolist() for a in alone]


def test_two_jobs_give_the_same_marks_as_one(monkeypatch: pytest.MonkeyPatch) -> None:
    documents, planted = _planted_corpus(seed=7, most_edited=0.06)
    # exact repeats too: they share one shingle set
    documents = pd.concat([documents, documents.head(20).assign(doc_id=lambda d: d["doc_id"] + "-again")])
    monkeypatch.setattr(dedup, "_BATCH", 5000)  # several chunks for the workers
    one = find_duplicates(documents)
    two = find_duplicates(documents, jobs=2)
    assert two.equals(one)
    assert one.dropna().size == len(planted) + 20


def test_jobs_below_one_is_refused() -> None:
    documents, _ = _planted_corpus(seed=7, most_edited=0.06)
    with pytest.raises(OptionError, match="jobs"):
        find_duplicates(documents, jobs=0)


def test_the_original_is_the_one_most_similar_to_the_others() -> None:
    rng = random.Random(5)
    first = [f"w{rng.randint(0, 5000)}" for _ in range(400)]
    middle = list(first)
    for position in rng.sample(range(400), 12):
        middle[position] = "middle"
    last = list(middle)
    for position in rng.sample(range(400), 12):
        last[position] = "last"
    texts = {"a": " ".join(first), "z": " ".join(middle), "b": " ".join(last)}
    documents = pd.DataFrame(
        {"doc_id": list(texts), "text": list(texts.values()), "date": [pd.Timestamp("2024-03-22")] * 3}
    )
    assert _jaccard(texts["a"], texts["b"]) < min(
        _jaccard(texts["a"], texts["z"]), _jaccard(texts["z"], texts["b"])
    )
    assert find_duplicates(documents).tolist() == ["z", None, "z"]
