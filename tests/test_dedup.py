"""Near-duplicate detection (issue 8): MinHash + LSH candidates, exact Jaccard verification."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

from framing.dedup import _shingles, find_duplicates


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
