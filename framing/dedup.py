"""Syndicated copies: near-duplicate detection and the one rule for "is a syndicated copy".

A document is a syndicated copy when its ``duplicate_of`` holds the id of its original; an original or
a unique document has it empty (None, NaN, or an empty string once written to CSV and read back).
:func:`is_syndicated_copy` is that rule; every module that drops or counts copies calls it.
"""

from __future__ import annotations

import functools
import itertools
import re
import zlib
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np
import pandas as pd

from framing.errors import OptionError
from framing.parallel import submitted_in_order
from framing.spool import DocumentTexts
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
_BLOCK = 1 << 20  # characters: a longer text is read in blocks of about this size
# characters of texts (or shingles) whose words are read (or bins filled) together: large enough that numpy
# calls are few, small enough that their temporary arrays stay a few megabytes
_BATCH = 1 << 18
_LONG_WORD = 64  # bytes; longer words (rare: URLs, runs of digits) are hashed one by one with zlib


def _crc32_table() -> np.ndarray:
    """The byte table of zlib's crc32 (reflected polynomial 0xEDB88320): the register after one byte."""
    table = np.arange(256, dtype=np.uint32)
    for _ in range(8):
        table = np.where(table & 1, (table >> np.uint32(1)) ^ np.uint32(0xEDB88320), table >> np.uint32(1))
    return table.astype(np.uint32)


_CRC_TABLE = _crc32_table()


def _crc32_pair_table() -> np.ndarray:
    """The register after two zero bytes from each 16-bit register x: two bytes b (little-endian) take
    register c to table[(c ^ b) & 0xFFFF] ^ (c >> 16), as two steps of the byte table would."""
    pair = np.arange(1 << 16, dtype=np.uint32)
    once = _CRC_TABLE[pair & np.uint32(0xFF)] ^ (pair >> np.uint32(8))
    return _CRC_TABLE[once & np.uint32(0xFF)] ^ (once >> np.uint32(8))


_CRC_PAIR_TABLE = _crc32_pair_table()
# Byte classes of the ASCII range: 1 a word character (\w), 2 a joiner inside a word (- and '), 3 a full
# stop, 0 anything else (a boundary no word crosses); bytes >= 0x80 (4) belong to a non-ASCII character,
# classified from its code point.
_ASCII_CLASSES = bytes(
    [1 if re.match(r"\w", chr(b)) else 2 if chr(b) in "-'" else 3 if chr(b) == "." else 0 for b in range(128)]
    + [4] * 128
)


@functools.cache
def _word_code_points() -> np.ndarray:
    """True at each code point of the Basic Multilingual Plane that ``\\w`` matches (str.isalnum() or the
    underscore)."""
    table = np.fromiter(map(str.isalnum, map(chr, range(0x10000))), dtype=bool, count=0x10000)
    table[ord("_")] = True
    return table


def _normalise(text: str) -> str:
    lowered = text.lower()
    if "\u2019" in lowered:  # word_tokens reads a curly apostrophe as a straight one
        lowered = lowered.replace("\u2019", "'")
    return lowered


def _word_hashes(pieces: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The crc32 of the UTF-8 bytes of every word of ``pieces`` (lowered texts), in order, as uint64, and
    the number of words in each piece.

    Equal to ``crc32(word.encode())`` for each word of ``_WORD.findall(piece)``, computed for all
    pieces at once with numpy: the pieces are joined by a line break and encoded; each byte gets the
    class of its character; a word is a run of word characters joined by single hyphens or apostrophes.
    The rare stretches where a full stop stands between two letters (``u.s``, ``3.5``), which the word
    pattern may read as one word, are read with the regex itself. The crc32 runs over all words at
    once, two bytes a step (see :func:`_crc32_many`); the values are zlib's, so the shingle hashes, and
    with them the candidate pairs, are those of hashing each word with ``zlib.crc32``.
    """
    encoded = [piece.encode("utf-8", "surrogatepass") for piece in pieces]
    lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
    piece_starts = np.zeros(len(encoded), dtype=np.int64)
    np.cumsum(lengths[:-1] + 1, out=piece_starts[1:])
    buffer = b"\n".join(encoded)
    data = np.frombuffer(buffer + b"\0\0\0", dtype=np.uint8)  # padded: reading ahead never overruns
    size = len(buffer)
    classes = np.frombuffer(buffer.translate(_ASCII_CLASSES) + b"\0\0\0", dtype=np.uint8)
    is_word = classes == 1
    if size and not buffer.isascii():
        # The code point of each multi-byte character, from its lead byte and continuation bytes.
        lead = np.flatnonzero(data >= 0xC0)
        first = data[lead].astype(np.int64)
        follow = [data[lead + k].astype(np.int64) & 0x3F for k in (1, 2, 3)]
        two, three = first < 0xE0, first < 0xF0
        point = np.where(
            two,
            (first & 0x1F) << 6 | follow[0],
            np.where(
                three,
                (first & 0x0F) << 12 | follow[0] << 6 | follow[1],
                (first & 0x07) << 18 | follow[0] << 12 | follow[1] << 6 | follow[2],
            ),
        )
        word_char = _word_code_points()[np.minimum(point, 0xFFFF)]
        for index in np.flatnonzero(point > 0xFFFF).tolist():  # emoji, historic scripts: rare
            word_char[index] = chr(point[index]).isalnum()
        is_word[lead] = word_char
        is_word[lead + 1] = word_char
        is_word[(lead + 2)[~two]] = word_char[~two]
        is_word[(lead + 3)[~three]] = word_char[~three]
    is_word = is_word[: size + 2]
    # A joiner with a word character on either side belongs to the word. inside[1 + i] is byte i, with
    # False before and after: a word starts and ends where it changes.
    inside = np.zeros(size + 2, dtype=bool)
    inside[1 : size + 1] = is_word[:size]
    if size > 2:
        inside[2:size] |= (classes[1 : size - 1] == 2) & is_word[: size - 2] & is_word[2:size]
    # Stretches between boundary characters where a full stop stands between two letters or digits
    # (not underscores) go to the regex: its first branch reads "u.s" as one word.
    letter = is_word & (data[: size + 2] != ord("_"))
    dotted = np.flatnonzero(letter[:size] & (data[1 : size + 1] == ord(".")) & letter[2 : size + 2])
    extra_positions: list[int] = []
    extra_hashes: list[int] = []
    if dotted.size:
        # non-ASCII characters that are not word characters are boundaries too; -1 and size close the ends
        boundary = np.flatnonzero((classes[:size] == 0) | ((classes[:size] == 4) & ~is_word[:size]))
        boundary = np.concatenate([[-1], boundary, [size]])
        after = np.searchsorted(boundary, dotted)
        stretch_start, stretch_end = boundary[after - 1] + 1, boundary[after]
        for start, end in sorted(set(zip(stretch_start.tolist(), stretch_end.tolist(), strict=True))):
            inside[start + 1 : end + 1] = False
            for offset, word in enumerate(_WORD.findall(buffer[start:end].decode("utf-8", "surrogatepass"))):
                extra_positions.append(start + offset)
                extra_hashes.append(zlib.crc32(word.encode("utf-8", "surrogatepass")))
    edges = np.flatnonzero(inside[1:] != inside[:-1])
    starts, ends = edges[0::2], edges[1::2]
    hashes = _crc32_many(data, starts, ends - starts, buffer)
    positions = starts
    if extra_positions:  # into their places among the other words (no word starts inside a stretch)
        at = np.searchsorted(starts, extra_positions)
        positions = np.insert(starts, at, extra_positions)
        hashes = np.insert(hashes, at, np.array(extra_hashes, dtype=np.uint32))
    counts = np.diff(np.searchsorted(positions, piece_starts), append=positions.size)
    return hashes.astype(np.uint64), counts


def _crc32_many(data: np.ndarray, starts: np.ndarray, lengths: np.ndarray, buffer: bytes) -> np.ndarray:
    """zlib.crc32 of ``buffer[start:start + length]`` for each word, as uint32.

    All words advance together, two bytes a step through a 65,536-entry table (one byte for the last
    byte of an odd length); the words are sorted longest first so that those still being read are a
    prefix of the array. Words longer than _LONG_WORD bytes are hashed one by one.
    """
    result = np.empty(starts.size, dtype=np.uint32)
    if not starts.size:
        return result
    long_words = np.flatnonzero(lengths > _LONG_WORD)
    for index in long_words.tolist():
        start = int(starts[index])
        result[index] = zlib.crc32(buffer[start : start + int(lengths[index])])
    # longest first: the words still being read at byte k are always a prefix
    # (a stable sort of 8-bit keys is a radix sort)
    order = np.argsort((_LONG_WORD + 1 - np.minimum(lengths, _LONG_WORD + 1)).astype(np.uint8), kind="stable")
    order = order[lengths[order] <= _LONG_WORD]
    sorted_lengths = lengths[order]
    position = starts[order]
    crc = np.full(order.size, 0xFFFFFFFF, dtype=np.uint32)
    longest = int(sorted_lengths[0]) if order.size else 0
    # words longer than k bytes at each k, and the two bytes from each position (little-endian)
    longer = np.searchsorted(-sorted_lengths, -np.arange(longest + 1), side="left").tolist()
    pairs = data[:-1].astype(np.uint16) | data[1:].astype(np.uint16) << np.uint16(8)
    for k in range(0, longest, 2):
        both, one = longer[k + 1], longer[k]  # words with 2 more bytes to read, and with 1
        head = crc[:both]
        word = pairs[position[:both] + k]
        crc[:both] = _CRC_PAIR_TABLE[(head ^ word) & np.uint32(0xFFFF)] ^ (head >> np.uint32(16))
        if one > both:
            tail = crc[both:one]
            byte = data[position[both:one] + k]
            crc[both:one] = _CRC_TABLE[(tail ^ byte) & np.uint32(0xFF)] ^ (tail >> np.uint32(8))
    result[order] = crc ^ np.uint32(0xFFFFFFFF)
    return result


def _shingles(text: str) -> np.ndarray:
    """The distinct 32-bit hashes of the word 5-grams of ``text`` (the words of :func:`word_tokens`), as
    a sorted uint32 array (see :func:`_shingle_sets`)."""
    return _sorted_unique(_shingle_sets([text])[0])


def _shingle_sets(texts: Iterable[str]) -> list[np.ndarray]:
    """The 32-bit hashes of the word 5-grams of each text, uint32, in text order (repeats kept: sort and
    drop them with :func:`_sorted_unique` for the set; MinHash does not need it).

    Each word is hashed once (crc32 of its UTF-8 bytes) and the five word hashes of a shingle are combined
    (a fixed random linear combination modulo 2**64, its top 32 bits kept); a text of fewer than five
    words is one shingle of its words. Texts are read together, about 260,000 characters at a time, so
    that numpy does each step for many short texts at once. A text longer than a million characters is
    read alone in blocks of that size cut at white space (no word spans two): a 60 MB document's 8
    million shingles take 32 MB, where a list of its words and a set of Python ints took about 900 MB.
    """
    result: list[np.ndarray] = []
    batch: list[str] = []
    held = 0
    for text in texts:
        lowered = _normalise(text)
        if len(lowered) > _BLOCK:
            result.extend(_batch_shingles(batch))
            batch, held = [], 0
            result.append(_long_text_shingles(lowered))
            continue
        batch.append(lowered)
        held += len(lowered)
        if held >= _BATCH:
            result.extend(_batch_shingles(batch))
            batch, held = [], 0
    result.extend(_batch_shingles(batch))
    return result


def _combine(words: np.ndarray) -> np.ndarray:
    """The uint32 hash of each run of _SHINGLE_SIZE consecutive word hashes (uint64) in ``words``."""
    count = words.size - _SHINGLE_SIZE + 1
    if count <= 0:
        return np.zeros(0, dtype=np.uint32)
    combined = np.zeros(count, dtype=np.uint64)
    for offset in range(_SHINGLE_SIZE):
        combined += words[offset : offset + count] * _WORD_WEIGHTS[offset]
    return (combined >> np.uint64(32)).astype(np.uint32)


def _short_shingle(words: np.ndarray) -> np.ndarray:
    """The one shingle of a text of 1 to _SHINGLE_SIZE - 1 words."""
    combined = np.sum(words * _WORD_WEIGHTS[: words.size], dtype=np.uint64)
    return np.array([combined >> np.uint64(32)], dtype=np.uint32)


def _batch_shingles(pieces: list[str]) -> list[np.ndarray]:
    """The shingles of ``pieces`` (lowered texts of at most _BLOCK characters), computed together."""
    if not pieces:
        return []
    words, counts = _word_hashes(pieces)
    owner = np.repeat(np.arange(len(pieces), dtype=np.int64), counts)
    combined = _combine(words)
    # a shingle belongs to a text when its first and last word do
    owner_of = owner[: combined.size]
    keep = owner_of == owner[_SHINGLE_SIZE - 1 :]
    values = combined[keep]
    bounds = np.searchsorted(owner_of[keep], np.arange(len(pieces) + 1)).tolist()
    ends = np.cumsum(counts).tolist()
    result = []
    for index, count in enumerate(counts.tolist()):
        if 0 < count < _SHINGLE_SIZE:
            result.append(_short_shingle(words[ends[index] - count : ends[index]]))
        else:
            result.append(values[bounds[index] : bounds[index + 1]])
    return result


def _long_text_shingles(lowered: str) -> np.ndarray:
    """The shingles of one text longer than _BLOCK characters, read in blocks cut at white space."""
    blocks: list[np.ndarray] = []
    carry = np.zeros(0, dtype=np.uint64)  # the last words of the previous block: their shingles end here
    start = 0
    while start < len(lowered):
        space = _SPACE.search(lowered, min(start + _BLOCK, len(lowered)))
        end = space.start() if space is not None else len(lowered)
        words = np.concatenate([carry, _word_hashes([lowered[start:end]])[0]])
        if words.size >= _SHINGLE_SIZE:
            blocks.append(_combine(words))
        carry = words[-(_SHINGLE_SIZE - 1) :]
        start = end
    if not blocks and carry.size:  # fewer words than a shingle: the whole text is one
        blocks.append(_short_shingle(carry))
    # the set, not the sequence: a long text's repeats would otherwise hold memory
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
        while stop < len(shingles) and (held < _BATCH or stop == start):
            held += shingles[stop].size
            stop += 1
        _fill_bins(signatures[start:stop], shingles[start:stop])
        start = stop
    # densify: walk right (circularly) from each empty bin to the first filled one, in the rows that have
    # both (most articles fill every bin)
    filled = signatures != empty_value
    rows = np.flatnonzero(filled.any(axis=1) & ~filled.all(axis=1))
    filled = filled[rows]
    column = np.arange(bins, dtype=np.int16)
    distance = np.zeros(filled.shape, dtype=np.int16)
    source = np.where(filled, column, np.int16(-1))
    for step in range(1, bins):
        todo = source < 0
        if not todo.any():
            break
        found = todo & np.roll(filled, -step, axis=1)
        source[found] = ((column + step) % bins)[np.nonzero(found)[1]]
        distance[found] = step
    dense = signatures[rows[:, None], source] + distance.astype(np.uint64) * _DENSIFY_STEP
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


def _slot_candidates(
    signatures: np.ndarray, filled: np.ndarray, counts: np.ndarray, threshold: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The candidate pairs of LSH banding, described per distinct text (*slot*) instead of per document.

    Documents with the same text have the same signature, so they share every bucket. Banding the
    documents (a stable sort per band, buckets in document order) pairs, in each bucket of at most
    _MAX_BUCKET documents, every two of its documents, and in a larger bucket (mass-duplicated text)
    its first document with each other one. Here the slots are banded (slot numbers follow the first
    row of each text, so the first slot of a bucket holds its first document) with their document
    counts, which gives the same document pairs as four kinds of slot-level facts:

    * ``full``: slot pairs (s, t), s < t, that share a small bucket: every document of s with every
      document of t;
    * ``star``: slot pairs (c, o), c < o, not in ``full``, that share a large bucket whose first slot is
      c: the first document of c with every document of o;
    * ``intra_full``: slots in a small bucket: every two of their documents;
    * ``intra_star``: first slots of a large bucket: their first document with each other one.

    The 200,000 copies of a text repeated 50 times are then 4,000 slots, where banding the documents
    made 1,225 pairs per text and band (200 million pairs).
    """
    rows = _band_rows(threshold)
    bands = _PERMUTATIONS // rows
    count = len(counts)
    present = np.flatnonzero(filled)
    intra_full = np.zeros(count, dtype=bool)
    intra_star = np.zeros(count, dtype=bool)
    full: list[np.ndarray] = []
    star: list[np.ndarray] = []
    for band in range(bands):
        keys = signatures[present, band * rows : (band + 1) * rows]
        # a stable sort on the band's rows: equal keys together, each bucket in slot (= document) order
        order = np.lexsort(keys.T[::-1])
        members = present[order]
        keys = keys[order]
        changes = np.flatnonzero(np.any(keys[1:] != keys[:-1], axis=1)) + 1
        starts = np.concatenate([[0], changes]).astype(np.int64)
        sizes = np.diff(np.concatenate([starts, [members.size]]))
        if not members.size:
            break
        documents = np.add.reduceat(counts[members], starts)
        small = documents <= _MAX_BUCKET
        intra_full[members[np.repeat(small, sizes)]] = True
        intra_star[members[starts[~small]]] = True
        for size in np.unique(sizes[sizes > 1]).tolist():
            for is_small, out in ((True, full), (False, star)):
                first = starts[(sizes == size) & (small == is_small)]
                if not first.size:
                    continue
                if is_small:
                    i, j = np.triu_indices(size, 1)
                    left = members[(first[:, None] + i).ravel()]
                    right = members[(first[:, None] + j).ravel()]
                else:
                    left = np.repeat(members[first], size - 1)
                    right = members[(first[:, None] + np.arange(1, size)).ravel()]
                out.append(left.astype(np.int64) * count + right)
    full_codes = _sorted_unique(np.concatenate(full)) if full else np.zeros(0, dtype=np.int64)
    star_codes = _sorted_unique(np.concatenate(star)) if star else np.zeros(0, dtype=np.int64)
    star_codes = star_codes[~np.isin(star_codes, full_codes)]
    return full_codes, star_codes, intra_full, intra_star


def _signature_block(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """MinHash signatures of ``texts`` and whether each text has any shingle (a worker's job)."""
    shingles = _shingle_sets(texts)
    filled = np.fromiter((s.size > 0 for s in shingles), dtype=bool, count=len(shingles))
    return _signatures(shingles), filled


def _distinct_signatures(texts: Any, firsts: list[int], jobs: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_signature_block` of the text of each row of ``firsts``, read a block at a time.

    Only the signatures (126 numbers per distinct text) are kept: the shingles of a chunk of about a
    million characters are dropped once its signatures are made, so the shingles of the whole corpus
    are never held at once. With ``jobs > 1`` chunks are signed in worker processes, at most two per
    worker waiting; the signatures are those of one process.
    """
    signatures = np.empty((len(firsts), _PERMUTATIONS), dtype=np.uint64)
    filled = np.zeros(len(firsts), dtype=bool)
    chunks = _chunks(_rows(texts, firsts), 4 * _BATCH)
    head = list(itertools.islice(chunks, 2))
    at = 0

    def put(block: tuple[np.ndarray, np.ndarray]) -> None:
        nonlocal at
        size = len(block[1])
        signatures[at : at + size], filled[at : at + size] = block
        at += size

    if jobs == 1 or len(head) < 2:  # one chunk is not worth starting processes
        for chunk in itertools.chain(head, chunks):
            put(_signature_block(chunk))
        return signatures, filled
    calls = ((None, (chunk,)) for chunk in itertools.chain(head, chunks))
    del head
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for _, block in submitted_in_order(pool, _signature_block, calls, ahead=2 * jobs + 1):
            put(block)
    return signatures, filled


def find_duplicates(
    documents: pd.DataFrame, *, threshold: float = 0.5, jobs: int = 1, texts: DocumentTexts | None = None
) -> pd.Series:
    """Mark exact and near-duplicate documents (syndicated wire copy, republished with small edits).

    Documents are compared by the Jaccard similarity of their word 5-gram shingles; pairs at or above
    ``threshold`` are linked and each connected group keeps one original: the earliest dated, then one
    from a wire service or news agency (an ``outlet_type`` naming "wire" or "agency": syndication flows
    from them), then the one most similar to the others (each republisher edits in its own way), then
    the first id.

    Candidate pairs come from MinHash signatures banded for locality-sensitive hashing (near-linear in
    the number of documents; a pair at exactly ``threshold`` is found with probability >= 0.995, a
    more similar pair almost surely); every candidate is confirmed by its exact Jaccard similarity, so
    no pair below the threshold is ever linked. Texts that occur more than once are signed once, and
    the candidates are worked out per distinct text (:func:`_slot_candidates`), so a text repeated
    many times makes no pairs of documents; memory holds one signature per distinct text and the
    shingle sets of the texts in candidate pairs only, never every text or every shingle set.

    Args:
        documents: a table with ``doc_id``, ``text`` (or, with ``texts``, without it) and ``date`` (and
            optionally ``outlet_type``).
        threshold: the Jaccard similarity (0 to 1) at or above which two documents are near-duplicates.
        jobs: worker processes that compute the signatures (1: in this process); the marks are the same.
        texts: the documents' texts (:class:`framing.spool.DocumentTexts`, e.g. ``corpus.texts`` of a
            spooled corpus), read a block at a time; default: the ``text`` column.

    Returns:
        A Series aligned with ``documents``: the ``doc_id`` of the original for each copy, else None.

    >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "text": ["one two three four five six"] * 2,
    ...                      "date": [pd.Timestamp("2024-03-22"), pd.Timestamp("2024-03-23")]})
    >>> find_duplicates(docs).tolist()
    [None, 'a']
    """
    if jobs < 1:
        raise OptionError(f"jobs must be at least 1, not {jobs}")
    if texts is None:
        texts = DocumentTexts(documents)
    slots, firsts = _distinct_texts(texts)
    slot_count = len(firsts)
    counts = np.bincount(slots, minlength=slot_count)
    signatures, filled = _distinct_signatures(texts, firsts, jobs)
    full, star, intra_full, intra_star = _slot_candidates(signatures, filled, counts, threshold)
    del signatures
    # the exact Jaccard similarity of each candidate pair of distinct texts
    pairs = np.concatenate([full, star])
    involved = np.unique(np.concatenate([pairs // max(slot_count, 1), pairs % max(slot_count, 1)]))
    sets: dict[int, np.ndarray] = {}
    wanted = involved.tolist()
    for slot, text in zip(wanted, _rows(texts, [firsts[s] for s in wanted]), strict=True):
        sets[slot] = _shingles(text)
    scores: dict[tuple[int, int], float] = {}
    is_full: dict[tuple[int, int], bool] = {}
    kinds = itertools.chain(
        zip(full.tolist(), itertools.repeat(True)), zip(star.tolist(), itertools.repeat(False))
    )
    for code, kind in kinds:
        a, b = divmod(code, slot_count)
        first, second = sets[a], sets[b]
        if first.size > second.size:
            first, second = second, first
        at = np.searchsorted(second, first).clip(max=second.size - 1)
        shared = int(np.count_nonzero(second[at] == first))
        union = first.size + second.size - shared
        score = shared / union if union else 0.0
        if score >= threshold:
            scores[(a, b)] = score
            is_full[(a, b)] = kind
    del sets
    return _mark_originals(documents, slots, firsts, counts, scores, is_full, intra_full, intra_star)


def _mark_originals(
    documents: pd.DataFrame,
    slots: np.ndarray,
    firsts: list[int],
    counts: np.ndarray,
    scores: dict[tuple[int, int], float],
    is_full: dict[tuple[int, int], bool],
    intra_full: np.ndarray,
    intra_star: np.ndarray,
) -> pd.Series:
    """The ``duplicate_of`` column from the confirmed pairs of distinct texts (see :func:`find_duplicates`).

    Two documents are linked when they are a candidate pair (:func:`_slot_candidates`) whose texts are
    the same or similar enough (``scores``). Every document of a text that is linked at all is linked to
    the others of that text, so groups are unions of texts. Each document's summed similarity to the
    documents it is linked with (a tie-break of the original) is added in the order of the other
    document's row, as summing over document pairs in sorted order did, so the sums are equal to the
    last bit.
    """
    count = len(firsts)
    intra = (intra_full | intra_star) & (counts >= 2)
    parent = list(range(count))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    linked = intra.copy()
    partners: dict[int, list[tuple[int, float, bool, bool]]] = {}  # slot -> (other, score, full, is first)
    for (a, b), score in scores.items():
        parent[find(a)] = find(b)
        linked[a] = linked[b] = True
        partners.setdefault(a, []).append((b, score, is_full[(a, b)], True))
        partners.setdefault(b, []).append((a, score, is_full[(a, b)], False))
    groups: dict[int, list[int]] = {}
    for slot in np.flatnonzero(linked).tolist():
        groups.setdefault(find(slot), []).append(slot)
    order = np.argsort(slots, kind="stable")
    bounds = np.searchsorted(slots[order], np.arange(count + 1))

    def rows_of(slot: int) -> np.ndarray:
        return order[bounds[slot] : bounds[slot + 1]]

    result: list[str | None] = [None] * len(slots)
    ids = documents["doc_id"].tolist()
    dates = documents["date"].tolist()
    types = documents["outlet_type"] if "outlet_type" in documents else pd.Series("", index=documents.index)
    is_agency = types.fillna("").astype(str).str.contains(r"\bwire\b|agency", case=False).tolist()
    for members in groups.values():
        rows = np.concatenate([rows_of(slot) for slot in members])
        if rows.size < 2:
            continue
        summed: dict[int, float] = {}
        for slot in members:
            own = rows_of(slot)
            head = int(own[0])
            for row in own.tolist():
                other_rows: list[np.ndarray] = []
                other_scores: list[np.ndarray] = []
                if intra[slot] and (intra_full[slot] or row == head):
                    mates = own[own != row]
                elif intra[slot]:  # only the star of the text's first document
                    mates = own[:1]
                else:
                    mates = own[:0]
                other_rows.append(mates)
                other_scores.append(np.ones(mates.size))
                for other, score, full, is_first in partners.get(slot, []):
                    theirs = rows_of(other)
                    if not full:  # a star: the first document of the lower slot with each of the other
                        theirs = (theirs if row == head else theirs[:0]) if is_first else theirs[:1]
                    other_rows.append(theirs)
                    other_scores.append(np.full(theirs.size, score))
                joined_rows = np.concatenate(other_rows)
                joined_scores = np.concatenate(other_scores)[np.argsort(joined_rows, kind="stable")]
                summed[row] = float(np.cumsum(joined_scores)[-1]) if joined_scores.size else 0.0

        def rank(i: int, summed: dict[int, float] = summed) -> tuple[Any, bool, float, str]:
            date = dates[i] if not pd.isna(dates[i]) else pd.Timestamp.max
            return (date, not is_agency[i], -summed[i], ids[i])

        ordered = np.sort(rows).tolist()
        original = min(ordered, key=rank)
        for member in ordered:
            if member != original:
                result[member] = ids[original]
    return pd.Series(result, index=documents.index, dtype="object", name="duplicate_of")


def _distinct_texts(texts: DocumentTexts) -> tuple[np.ndarray, list[int]]:
    """The position of each text among the distinct texts (``slots``) and the first row of each of those.

    Rows are grouped by the hash of their text and a row whose hash was seen is compared with the first
    text of that hash, so only hashes and numbers are held, not the texts (read a block at a time).
    """
    first_of: dict[int, int] = {}  # hash -> slot
    firsts: list[int] = []
    slots: list[int] = []
    repeats: list[int] = []
    collided = False
    for row, text in enumerate(texts):
        slot = first_of.setdefault(hash(text), len(firsts))
        if slot == len(firsts):
            firsts.append(row)
        else:
            repeats.append(row)
        slots.append(slot)
    for start in range(0, len(repeats), 1000):
        rows = repeats[start : start + 1000]
        originals = texts.take([firsts[slots[row]] for row in rows])
        for row, text, original in zip(rows, texts.take(rows), originals, strict=True):
            if text != original:  # a hash collision: a text of its own
                slots[row] = len(firsts)
                firsts.append(row)
                collided = True
    slot_array = np.array(slots, dtype=np.int64)
    if collided:  # number the slots in the order of their first rows again (_slot_candidates needs it)
        by_first = np.argsort(firsts, kind="stable")
        renumber = np.empty(len(firsts), dtype=np.int64)
        renumber[by_first] = np.arange(len(firsts))
        slot_array = renumber[slot_array]
        firsts = sorted(firsts)
    return slot_array, firsts


def _rows(texts: DocumentTexts, rows: list[int]) -> Iterator[str]:
    """The texts at positions ``rows``, read a thousand at a time."""
    for start in range(0, len(rows), 1000):
        yield from texts.take(rows[start : start + 1000])


def _chunks(texts: Iterable[str], size: int) -> Iterator[list[str]]:
    """``texts`` in lists of about ``size`` characters."""
    chunk: list[str] = []
    held = 0
    for text in texts:
        chunk.append(text)
        held += len(text)
        if held >= size:
            yield chunk
            chunk, held = [], 0
    if chunk:
        yield chunk
