"""Syndicated copies: near-duplicate detection and the one rule for "is a syndicated copy".

A document is a syndicated copy when its ``duplicate_of`` holds the id of its original; an original or
a unique document has it empty (None, NaN, or an empty string once written to CSV and read back).
:func:`is_syndicated_copy` is that rule; every module that drops or counts copies calls it.
"""

from __future__ import annotations

import re
import zlib
from typing import Any

import numpy as np
import pandas as pd

from framing.text import WORD_PATTERN

__all__ = ["find_duplicates", "is_syndicated_copy"]


def is_syndicated_copy(duplicate_of: pd.Series) -> pd.Series:
    """True where ``duplicate_of`` names an original (the document is a copy), False where it is empty.

    Empty means null (None, NaN, pd.NA) or a string of only white space, as CSV round trips produce.

    >>> is_syndicated_copy(pd.Series(["a1", None, "", float("nan")])).tolist()
    [True, False, False, False]
    """
    empty = duplicate_of.isna()
    if duplicate_of.dtype == object or pd.api.types.is_string_dtype(duplicate_of):
        empty = empty | duplicate_of.astype("string").str.strip().eq("").fillna(True)
    return ~empty


_SHINGLE_SIZE = 5
# MinHash + LSH banding finds candidate pairs in near-linear time; each candidate is then verified with
# its exact Jaccard similarity, so the marks depend on the threshold only, not on the hashing.
_PERMUTATIONS = 126  # divisible by 2, 3, 6, 7 and 9 rows per band
_MAX_BUCKET = 200
_SEEDS = np.random.default_rng(20240322)
_MULTIPLIERS = _SEEDS.integers(1, 2**63, size=_PERMUTATIONS, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
_INCREMENTS = _SEEDS.integers(0, 2**63, size=_PERMUTATIONS, dtype=np.uint64)
_WORD_WEIGHTS = _SEEDS.integers(1, 2**63, size=_SHINGLE_SIZE, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
_DENSIFY_STEP = np.uint64(1 << 32)  # added per bin of distance: borrowed values never equal own hashes
_WORD = re.compile(WORD_PATTERN)
_SPACE = re.compile(r"\s")
_BLOCK = 1 << 20


def _shingles(text: str) -> np.ndarray:
    """The distinct 32-bit hashes of the word 5-grams of ``text`` (the words of :func:`word_tokens`), as
    a sorted uint32 array.

    Each word is hashed once (crc32) and the five word hashes of a shingle are combined with numpy
    (a fixed random linear combination modulo 2**64, its top 32 bits kept), so the Python work is one
    call per word, not a join and a hash per shingle. The text is read in blocks of about a million
    characters cut at white space (no word spans two): a 60 MB document's 8 million shingles take
    32 MB, where a list of its words and a set of Python ints took about 900 MB.
    """
    lowered = text.lower()
    if "\u2019" in lowered:  # word_tokens reads a curly apostrophe as a straight one
        lowered = lowered.replace("\u2019", "'")
    blocks: list[np.ndarray] = []
    carry = np.zeros(0, dtype=np.uint64)  # the last words of the previous block: their shingles end here
    start = 0
    while start < len(lowered):
        space = _SPACE.search(lowered, min(start + _BLOCK, len(lowered)))
        end = space.start() if space is not None else len(lowered)
        # map() with C functions: no Python frame per word (a generator here cost a third of loading)
        words_found = _WORD.findall(lowered, start, end)
        hashed = np.fromiter(
            map(zlib.crc32, map(str.encode, words_found)), dtype=np.uint64, count=len(words_found)
        )
        words = np.concatenate([carry, hashed])
        if words.size >= _SHINGLE_SIZE:
            count = words.size - _SHINGLE_SIZE + 1
            combined = np.zeros(count, dtype=np.uint64)
            for offset in range(_SHINGLE_SIZE):
                combined += words[offset : offset + count] * _WORD_WEIGHTS[offset]
            blocks.append((combined >> np.uint64(32)).astype(np.uint32))
        carry = words[-(_SHINGLE_SIZE - 1) :]
        start = end
    if not blocks and carry.size:  # fewer words than a shingle: the whole text is one
        combined = np.sum(carry * _WORD_WEIGHTS[: carry.size], dtype=np.uint64)
        blocks.append(np.array([combined >> np.uint64(32)], dtype=np.uint32))
    return _sorted_unique(np.concatenate(blocks)) if blocks else np.zeros(0, dtype=np.uint32)


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    # np.unique hashes (numpy >= 2.3), which is several times slower than sorting on random 64-bit keys.
    values = np.sort(values)
    keep = np.empty(values.size, dtype=bool)
    keep[:1] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def _signatures(shingles: list[np.ndarray]) -> np.ndarray:
    """One-permutation MinHash signatures (uint64, one row of _PERMUTATIONS per document).

    Each shingle is hashed once (multiply-shift, 32 bits) and falls in one of _PERMUTATIONS bins by its
    hash; a bin keeps its smallest hash. Two documents agree in a bin with probability about their
    Jaccard similarity, as with _PERMUTATIONS independent hash functions, at 1/_PERMUTATIONS of the cost
    (Li, Owen & Zhang 2012). An empty bin (a short document) borrows the value of the next non-empty bin
    to its right, circularly, plus a constant times the distance (rotation densification, Shrivastava &
    Li 2014), so equal sets always have equal signatures and short documents still band.
    """
    bins = _PERMUTATIONS
    empty_value = np.iinfo(np.uint64).max
    signatures = np.full((len(shingles), bins), empty_value, dtype=np.uint64)
    # a block of documents at a time: the hashes of every shingle of 20,000 articles at once took
    # several arrays of 14 million 64-bit entries
    start = 0
    while start < len(shingles):
        stop, held = start, 0
        while stop < len(shingles) and (held < _BLOCK or stop == start):
            held += shingles[stop].size
            stop += 1
        _fill_bins(signatures[start:stop], shingles[start:stop])
        start = stop
    # densify: walk right (circularly) from each empty bin to the first filled one
    filled = signatures != empty_value
    has_any = filled.any(axis=1)
    column = np.arange(bins)
    distance = np.zeros(signatures.shape, dtype=np.int64)
    source = np.where(filled, column, -1)
    for step in range(1, bins):
        todo = (source < 0) & has_any[:, None]
        if not todo.any():
            break
        shifted = np.roll(filled, -step, axis=1)
        found = todo & shifted
        source[found] = ((column + step) % bins)[np.nonzero(found)[1]]
        distance[found] = step
    rows = np.nonzero(has_any)[0]
    dense = signatures[rows[:, None], source[rows]] + distance[rows].astype(np.uint64) * _DENSIFY_STEP
    signatures[rows] = dense
    return signatures


def _fill_bins(signatures: np.ndarray, shingles: list[np.ndarray]) -> None:
    """Each document's smallest shingle hash per bin, into ``signatures`` (rows = documents)."""
    bins = signatures.shape[1]
    sizes = np.fromiter((s.size for s in shingles), dtype=np.int64, count=len(shingles))
    if not sizes.sum():
        return
    owner = np.repeat(np.arange(len(shingles), dtype=np.int64), sizes)
    values = np.concatenate(shingles).astype(np.uint64)
    hashed = ((values * _MULTIPLIERS[0] + _INCREMENTS[0]) >> np.uint64(32)) & np.uint64(0xFFFFFFFF)
    bin_of = (hashed * np.uint64(bins)) >> np.uint64(32)  # the top bits choose the bin
    np.minimum.at(signatures.reshape(-1), owner * bins + bin_of.astype(np.int64), hashed)


def _band_rows(threshold: float) -> int:
    """Rows per LSH band: the most (fewest false candidates) that still make a pair at exactly
    ``threshold`` a candidate with probability >= 0.995 (0.5 -> 3 rows x 42 bands)."""
    for rows in range(8, 1, -1):
        bands = _PERMUTATIONS // rows
        if 1 - (1 - threshold**rows) ** bands >= 0.995:
            return rows
    return 1


def _candidate_pairs(shingles: list[np.ndarray], threshold: float) -> set[tuple[int, int]]:
    """Pairs of documents (i < j) whose MinHash signatures agree on every row of at least one band.

    Cost is linear in the number of documents (a signature each, one dictionary entry per band) plus
    the pairs found. A bucket of more than _MAX_BUCKET documents (mass-duplicated text) pairs its first
    document with each other one: that connects the same group without a quadratic number of pairs.
    """
    rows = _band_rows(threshold)
    bands = _PERMUTATIONS // rows
    signatures = _signatures(shingles)
    candidates: set[tuple[int, int]] = set()
    for band in range(bands):
        buckets: dict[bytes, list[int]] = {}
        keys = np.ascontiguousarray(signatures[:, band * rows : (band + 1) * rows])
        for index, shingle_set in enumerate(shingles):
            if shingle_set.size:
                buckets.setdefault(keys[index].tobytes(), []).append(index)
        for docs in buckets.values():
            if len(docs) > _MAX_BUCKET:
                candidates.update((docs[0], other) for other in docs[1:])
            elif len(docs) > 1:
                candidates.update((a, b) for i, a in enumerate(docs) for b in docs[i + 1 :])
    return candidates


def find_duplicates(documents: pd.DataFrame, *, threshold: float = 0.5) -> pd.Series:
    """Mark exact and near-duplicate documents (syndicated wire copy, republished with small edits).

    Documents are compared by the Jaccard similarity of their word 5-gram shingles; pairs at or above
    ``threshold`` are linked and each connected group keeps one original: the earliest dated, then one
    from a wire service or news agency (an ``outlet_type`` naming "wire" or "agency": syndication flows
    from them), then the one most similar to the others (each republisher edits in its own way), then
    the first id.

    Candidate pairs come from MinHash signatures banded for locality-sensitive hashing (near-linear in
    the number of documents; a pair at exactly ``threshold`` is found with probability >= 0.995, a
    more similar pair almost surely); every candidate is confirmed by its exact Jaccard similarity, so
    no pair below the threshold is ever linked.

    Returns:
        A Series aligned with ``documents``: the ``doc_id`` of the original for each copy, else None.

    >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "text": ["one two three four five six"] * 2,
    ...                      "date": [pd.Timestamp("2024-03-22"), pd.Timestamp("2024-03-23")]})
    >>> find_duplicates(docs).tolist()
    [None, 'a']
    """
    shingles = [_shingles(t) for t in documents["text"]]
    candidates = _candidate_pairs(shingles, threshold)
    similarity: dict[tuple[int, int], float] = {}
    for a, b in candidates:
        shared = np.intersect1d(shingles[a], shingles[b], assume_unique=True).size
        union = shingles[a].size + shingles[b].size - shared
        score = shared / union if union else 0.0
        if score >= threshold:
            similarity[(a, b)] = score
    parent = list(range(len(shingles)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in similarity:
        parent[find(a)] = find(b)
    groups: dict[int, list[int]] = {}
    for index in range(len(shingles)):
        groups.setdefault(find(index), []).append(index)
    result: list[str | None] = [None] * len(shingles)
    ids = documents["doc_id"].tolist()
    dates = documents["date"].tolist()
    types = documents["outlet_type"] if "outlet_type" in documents else pd.Series("", index=documents.index)
    is_agency = types.fillna("").astype(str).str.contains(r"\bwire\b|agency", case=False).tolist()
    for members in groups.values():
        if len(members) < 2:
            continue

        def rank(i: int, members: list[int] = members) -> tuple[Any, bool, float, str]:
            mean_similarity = sum(similarity.get((min(i, j), max(i, j)), 0.0) for j in members if j != i)
            date = dates[i] if not pd.isna(dates[i]) else pd.Timestamp.max
            return (date, not is_agency[i], -mean_similarity, ids[i])

        original = min(members, key=rank)
        for member in members:
            if member != original:
                result[member] = ids[original]
    return pd.Series(result, index=documents.index, dtype="object", name="duplicate_of")
