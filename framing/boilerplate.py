"""Page furniture removed before measuring: lines an outlet repeats in many of its articles, and a
shipped list of caption, credit, sharing and advertisement lines.

Outlets repeat their own furniture (an editor's note, "Story Continued Below", a copyright line) in
every article; left in, it is counted as if it were each article's wording (one repeated editor's note
can make an outlet the "most emotive"). Two sources of patterns are removed, always whole lines:

* **learned** per outlet: a line (normalised: lower case, digits as ``0``, white space collapsed)
  found in at least ``min_documents`` (3) of the outlet's documents and in at least ``min_share`` (10%)
  of them. Learning is within an outlet, so a wire story that several outlets republish does not make
  its own lines boilerplate; documents marked as syndicated copies (``duplicate_of``) are not counted,
  so an outlet that carries the same story three times does not either; and a line that is the whole
  of a document is not counted (nothing would remain of it). A reworded copy of a long learned line
  (at least 8 words, the same first 4 words, word-set Jaccard similarity >= 0.6: an editor's note
  revised over a campaign) is removed too and counted under that line.
* **shipped**: ``framing/data/boilerplate.tsv`` (captions, credits, sharing bars, ad markers, embedded
  video playlists), and the navigation lines that :func:`framing.clean.clean_text` removes while cleaning.

Every pattern removed is listed with its outlet, source and the number of documents it was removed
from (:attr:`framing.LoadSummary.boilerplate`, :func:`boilerplate_table`). The ``text`` column of the
loaded corpus is the text after removal: every character offset of a match or of evidence refers to
that text. ``load_corpus(..., keep_boilerplate=True)`` (``--keep-boilerplate``) turns removal off.
"""

from __future__ import annotations

import math
import re
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from itertools import repeat
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from framing.errors import OptionError

if TYPE_CHECKING:
    from framing.corpus import Corpus, LoadSummary
    from framing.spool import DocumentTexts, SpoolWriter

__all__ = [
    "MIN_DOCUMENTS",
    "MIN_SHARE",
    "BoilerplatePattern",
    "boilerplate_table",
    "learn_boilerplate",
    "normalise_line",
    "remove_boilerplate",
    "shipped_patterns",
]

#: A line is learned as an outlet's boilerplate when at least this many of its documents hold it ...
MIN_DOCUMENTS = 3
#: ... and at least this share of them (an outlet with fewer than 3 documents learns nothing).
MIN_SHARE = 0.1

Source = Literal["learned", "shipped"]
BOILERPLATE_COLUMNS = ["pattern", "outlet", "documents", "outlet_documents", "source"]


@dataclass(frozen=True)
class BoilerplatePattern:
    """A pattern removed from the documents of one outlet.

    ``pattern`` is the normalised line (learned) or the shipped pattern; ``documents`` the number of the
    outlet's documents it was removed from; ``source`` is ``learned`` or ``shipped``.
    """

    pattern: str
    outlet: str
    documents: int
    source: str


_DIGIT = re.compile(r"\d")
# ASCII white space other than space and newline.
_ASCII_ODD_SPACE = "\t\r\x0b\x0c\x1c\x1d\x1e\x1f"
# One bytes.translate of a text's UTF-8 bytes lower-cases its ASCII letters, makes its ASCII digits 0
# and turns its other ASCII white space into spaces (str.split treats them all as white space, so no
# line compares differently); bytes of multi-byte characters (0x80 and above) are left as they are.
_ASCII_NORMAL = bytes.maketrans(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZ123456789" + _ASCII_ODD_SPACE.encode("ascii"),
    b"abcdefghijklmnopqrstuvwxyz000000000" + b" " * len(_ASCII_ODD_SPACE),
)
_ASCII_BYTES = bytes(range(128))


def normalise_line(line: str) -> str:
    """The form in which lines are compared: lower case, every digit ``0``, white space collapsed.

    >>> normalise_line("  Copyright (c) 2019  The Washington Times ")
    'copyright (c) 0000 the washington times'
    """
    return _DIGIT.sub("0", " ".join(line.split()).lower())


def _normalised_lines(text: str) -> list[str]:
    """``[normalise_line(line) for line in text.split("\n")]``, with the lower-casing and digit
    replacement done once for the whole text (C calls) instead of once per line.

    The costly steps (str.lower over every character, a regex over every character for the digits,
    splitting every line at its white space) are only taken when the characters beyond ASCII call for
    them: those characters alone are the UTF-8 bytes of the text without its ASCII bytes, a short
    string to look at.
    """
    data = text.encode("utf-8", "surrogatepass")
    beyond = ""
    if not text.isascii():
        beyond = _beyond_ascii(data)
        # str.lower() maps characters one by one (a final sigma is a capital that changes too), so when
        # no character beyond ASCII changes, it does nothing that the translation below does not do
        if beyond.lower() != beyond:
            data = text.lower().encode("utf-8", "surrogatepass")
            beyond = _beyond_ascii(data)
    normal = data.translate(_ASCII_NORMAL).decode("utf-8", "surrogatepass")
    if _DIGIT.search(beyond):
        normal = _DIGIT.sub("0", normal)
    # Without white space beyond ASCII and double spaces, the only white space is single spaces (and
    # the newlines): " ".join(line.split()) is line.strip().
    if "  " in normal or any(char.isspace() for char in beyond):
        return [" ".join(line.split()) for line in normal.split("\n")]
    return list(map(str.strip, normal.split("\n")))


def _beyond_ascii(data: bytes) -> str:
    """The characters beyond ASCII of UTF-8 ``data`` (multi-byte characters have no ASCII bytes)."""
    return data.translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass")


@dataclass(frozen=True)
class _Shipped:
    lines: frozenset[str]
    prefixes: tuple[str, ...]
    suffixes: tuple[str, ...]
    contains: tuple[str, ...]

    def match(self, line: str) -> str | None:
        """The shipped pattern a normalised line matches, or None."""
        if line in self.lines:
            return line
        if line.startswith(self.prefixes):  # one C call rules out most lines; the loop names the pattern
            for prefix in self.prefixes:
                if line.startswith(prefix):
                    return prefix
        if line.endswith(self.suffixes):
            for suffix in self.suffixes:
                if line.endswith(suffix):
                    return suffix.strip()
        for phrase in self.contains:
            if phrase in line:
                return phrase
        return None

    def contained_in(self, text: str) -> tuple[str, ...]:
        """The ``contains`` phrases found in ``text`` (none holds a newline: those of its lines)."""
        return tuple(phrase for phrase in self.contains if phrase in text)


@cache
def _shipped() -> _Shipped:
    text = resources.files("framing").joinpath("data/boilerplate.tsv").read_text(encoding="utf-8")
    kinds: dict[str, list[str]] = {"line": [], "prefix": [], "suffix": [], "contains": []}
    rows = [row for row in text.splitlines() if row.strip() and not row.startswith("#")]
    for row in rows[1:]:  # the first is the header
        pattern, match = row.split("\t")[:2]
        # a suffix keeps its leading space (" read more" must not match "spread more")
        kinds[match].append(pattern.lower() if match == "suffix" else normalise_line(pattern))
    return _Shipped(
        frozenset(kinds["line"]), tuple(kinds["prefix"]), tuple(kinds["suffix"]), tuple(kinds["contains"])
    )


def shipped_patterns() -> pd.DataFrame:
    """The shipped boilerplate patterns: ``pattern``, ``match`` (line, prefix, suffix, contains), ``kind``."""
    text = resources.files("framing").joinpath("data/boilerplate.tsv").read_text(encoding="utf-8")
    rows = [row.split("\t") for row in text.splitlines() if row.strip() and not row.startswith("#")]
    return pd.DataFrame(rows[1:], columns=rows[0])


def _distinct_lines(text: str) -> set[str]:
    lines = set(_normalised_lines(text))
    lines.discard("")
    return lines


def learn_boilerplate(
    documents: pd.DataFrame,
    *,
    min_documents: int = MIN_DOCUMENTS,
    min_share: float = MIN_SHARE,
    texts: DocumentTexts | None = None,
) -> dict[str, frozenset[str]]:
    """Each outlet's recurring lines: normalised lines held by at least ``min_documents`` of its
    documents and by at least ``min_share`` (0-1) of them.

    ``documents`` needs ``outlet`` and ``text`` (or ``texts``: a :class:`framing.spool.DocumentTexts`
    of its rows, read a block at a time); rows with a non-empty ``duplicate_of`` (syndicated copies)
    are not counted, nor are documents of a single line.

    >>> docs = pd.DataFrame({"outlet": ["a"] * 3, "text": [f"Story {w}.\\nEditor's note." for w in "xyz"]})
    >>> learn_boilerplate(docs)
    {'a': frozenset({"editor's note."})}
    """
    if isinstance(min_documents, bool) or not isinstance(min_documents, int) or min_documents < 1:
        raise OptionError(f"min_documents must be a positive number of documents, got {min_documents!r}")
    if not 0 <= min_share <= 1:
        raise OptionError(f"min_share must be a share between 0 and 1, got {min_share!r}")
    from framing.dedup import is_syndicated_copy
    from framing.spool import DocumentTexts

    if texts is None:
        texts = DocumentTexts(documents)
    if "duplicate_of" in documents.columns:
        originals = np.flatnonzero(~is_syndicated_copy(documents["duplicate_of"]).to_numpy(dtype=bool))
        documents = documents.iloc[originals]
        texts = texts.subset(originals)
    return _learn_lines(documents["outlet"].tolist(), texts, min_documents, min_share)


def _learn_lines(
    outlets: list[str], texts: DocumentTexts, min_documents: int, min_share: float
) -> dict[str, frozenset[str]]:
    """:func:`learn_boilerplate` of the documents ``texts`` with ``outlets``, in memory that holds 12
    bytes per distinct line of a document instead of the lines themselves.

    A first pass keeps, for each distinct normalised line of each document of two lines or more, its
    outlet and the 64-bit hash of the line (two flat arrays); sorting them counts the documents of
    each outlet holding each hash. A line held by enough documents has a hash counted at least that
    often (lines with the same hash add up), so only the hashes that reach their outlet's threshold
    can be learned lines: a second pass over the documents of those outlets counts the lines with
    those hashes exactly, as strings, in the order in which the documents and their lines were first
    met, so the learned sets are those of counting every line (:func:`_learned`).
    """
    totals: Counter[str] = Counter(outlets)
    codes: dict[str, int] = {}
    owners = array("i")  # outlet code of each (document, distinct line)
    hashes = array("q")  # hash of the line
    counted: list[int] = []  # the documents of two lines or more
    for position, (outlet, text) in enumerate(zip(outlets, texts, strict=True)):
        lines = _distinct_lines(text)
        if len(lines) >= 2:  # a line that is the whole document is its content, not furniture
            hashes.extend(map(hash, lines))
            owners.extend(repeat(codes.setdefault(outlet, len(codes)), len(lines)))
            counted.append(position)
    if not counted:
        return {}
    owner = np.frombuffer(owners, dtype=np.int32)
    value = np.frombuffer(hashes, dtype=np.int64)
    order = np.lexsort((value, owner))
    owner, value = owner[order], value[order]
    del order
    starts = np.flatnonzero(np.concatenate([[True], (owner[1:] != owner[:-1]) | (value[1:] != value[:-1])]))
    repeats = np.diff(np.append(starts, owner.size))
    names = list(codes)
    needed = np.array(
        [max(min_documents, math.ceil(min_share * totals[name])) for name in names], dtype=np.int64
    )
    frequent = starts[repeats >= needed[owner[starts]]]
    wanted: dict[str, set[int]] = {}
    for code, line_hash in zip(owner[frequent].tolist(), value[frequent].tolist(), strict=True):
        wanted.setdefault(names[code], set()).add(line_hash)
    del owner, value, owners, hashes
    rows = [position for position in counted if outlets[position] in wanted]
    counters: dict[str, Counter[str]] = {}
    for position, text in zip(rows, texts.subset(rows), strict=True):
        outlet = outlets[position]
        hashed = wanted[outlet]
        counters.setdefault(outlet, Counter()).update(
            line for line in _distinct_lines(text) if hash(line) in hashed
        )
    return _learned(counters, totals, min_documents, min_share)


def _learned(
    counters: Mapping[str, Counter[str]], totals: Mapping[str, int], min_documents: int, min_share: float
) -> dict[str, frozenset[str]]:
    learned = {}
    for outlet in sorted(counters, key=str):
        threshold = max(min_documents, math.ceil(min_share * totals[outlet]))
        lines = frozenset(line for line, n in counters[outlet].items() if n >= threshold)
        if lines:
            learned[outlet] = lines
    return learned


class LineLearner:
    """Learns recurring lines from documents seen one at a time (for streams that cannot hold a corpus).

    Without syndication marks, only exact repeats of a document's text are left out of the counts.
    """

    def __init__(self, *, min_documents: int = MIN_DOCUMENTS, min_share: float = MIN_SHARE) -> None:
        self.min_documents = min_documents
        self.min_share = min_share
        self._counters: dict[str, Counter[str]] = {}
        self._totals: Counter[str] = Counter()
        self._seen: set[int] = set()

    def add(self, outlet: str, text: str) -> None:
        key = hash((outlet, text))
        if key in self._seen:
            return
        self._seen.add(key)
        self._totals[outlet] += 1
        lines = _distinct_lines(text)
        if len(lines) >= 2:
            self._counters.setdefault(outlet, Counter()).update(lines)

    def learned(self) -> dict[str, frozenset[str]]:
        return _learned(self._counters, self._totals, self.min_documents, self.min_share)


_MANY_NEWLINES = re.compile(r"\n\n\n+")  # a literal start: found by a substring scan (see framing.clean)


#: A line of at least this many words that starts with the same words as a long learned line and shares
#: most of its words (Jaccard >= NEAR_COPY_JACCARD) is a variant of it (an editor's note reworded in
#: a few articles), removed and counted under that pattern.
NEAR_COPY_WORDS = 8
NEAR_COPY_PREFIX = 4
NEAR_COPY_JACCARD = 0.6


class _NearCopies:
    """The long learned lines of one outlet, indexed by their first words."""

    def __init__(self, learned: frozenset[str]) -> None:
        self.by_prefix: dict[tuple[str, ...], list[tuple[str, set[str]]]] = {}
        for line in learned:
            words = line.split()
            if len(words) >= NEAR_COPY_WORDS:
                self.by_prefix.setdefault(tuple(words[:NEAR_COPY_PREFIX]), []).append((line, set(words)))
        # A normalised line is its words joined by single spaces: one that match() can accept (at least
        # NEAR_COPY_WORDS words, the first ones those of a pattern) starts with them and a space.
        self.starts = tuple(f"{' '.join(prefix)} " for prefix in self.by_prefix)

    def match(self, line: str) -> str | None:
        if not self.by_prefix:
            return None
        words = line.split()
        if len(words) < NEAR_COPY_WORDS:
            return None
        vocabulary = set(words)
        for pattern, pattern_words in self.by_prefix.get(tuple(words[:NEAR_COPY_PREFIX]), []):
            overlap = len(vocabulary & pattern_words) / len(vocabulary | pattern_words)
            if overlap >= NEAR_COPY_JACCARD:
                return pattern
        return None


def strip_lines(
    text: str, learned: frozenset[str] = frozenset(), near: _NearCopies | None = None
) -> tuple[str, list[tuple[str, str]]]:
    """``text`` without its boilerplate lines, and the ``(pattern, source)`` of each line removed.

    ``near`` (the outlet's long learned lines) also removes near-copies of them.
    """
    normalised_lines = _normalised_lines(text)
    shipped = _shipped()
    near_starts = near.starts if near is not None else ()
    # Most documents hold no pattern at all, which C calls over the whole document show first: a set
    # lookup, a startswith and an endswith per line, a substring scan per "contains" phrase; the loop
    # below, which tries every pattern on every line, is then not needed. Where it is, it tries only
    # the phrases the document contains (the same matches: an absent phrase matches no line).
    contains = shipped.contained_in("\n".join(normalised_lines))
    if (
        not contains
        and learned.isdisjoint(normalised_lines)
        and shipped.lines.isdisjoint(normalised_lines)
        and not any(map(str.startswith, normalised_lines, repeat(shipped.prefixes + near_starts)))
        and not any(map(str.endswith, normalised_lines, repeat(shipped.suffixes)))
    ):
        return text, []
    shipped = replace(shipped, contains=contains)
    kept: list[str] = []
    hits: list[tuple[str, str]] = []
    for line, normalised in zip(text.split("\n"), normalised_lines, strict=True):
        if normalised:
            if normalised in learned:
                hits.append((normalised, "learned"))
                continue
            variant_of = (
                near.match(normalised) if near is not None and normalised.startswith(near_starts) else None
            )
            if variant_of is not None:
                hits.append((variant_of, "learned"))
                continue
            pattern = shipped.match(normalised)
            if pattern is not None:
                hits.append((pattern, "shipped"))
                continue
        kept.append(line)
    if not hits:
        return text, hits
    joined = "\n".join(kept)
    if "\n\n\n" in joined:
        joined = _MANY_NEWLINES.sub("\n\n", joined)
    return joined.strip(), hits


class Tally:
    """Documents affected per (pattern, outlet, source), gathered while documents are cleaned; also the
    lines removed after cleaning and the documents kept whole because they were boilerplate only."""

    def __init__(self) -> None:
        self.counts: Counter[tuple[str, str, str]] = Counter()
        self.lines_removed = 0
        self.boilerplate_only = 0

    def add(self, outlet: str, hits: Iterable[tuple[str, str]]) -> None:
        for pattern, source in set(hits):
            self.counts[(pattern, outlet, source)] += 1

    def patterns(self) -> list[BoilerplatePattern]:
        rows = [BoilerplatePattern(p, o, n, s) for (p, o, s), n in self.counts.items()]
        return sorted(rows, key=lambda r: (-r.documents, str(r.outlet), r.source, r.pattern))

    def report(self, summary: LoadSummary) -> None:
        """Write what was removed into ``summary`` (patterns replaced, counts added once)."""
        summary.boilerplate = self.patterns()
        summary.boilerplate_lines_removed += self.lines_removed
        summary.boilerplate_only += self.boilerplate_only
        self.lines_removed = self.boilerplate_only = 0


_LEARNED: dict[str, tuple[frozenset[str], _NearCopies]] = {}
_COUNT_TOKENS: list[bool] = [True]  # whether _strip_document counts the tokens of a stripped text
_STRIP_BLOCK = 4000  # documents stripped at a time
_SPOOL_BLOCK = 2000  # documents of a spooled corpus stripped at a time (framing.spool.BLOCK)


def _set_learned(learned: Mapping[str, frozenset[str]], count_tokens: bool = True) -> None:
    _LEARNED.clear()
    _LEARNED.update({outlet: (lines, _NearCopies(lines)) for outlet, lines in learned.items()})
    _COUNT_TOKENS[0] = count_tokens


def _strip_document(outlet: str, text: str) -> tuple[str | None, list[tuple[str, str]], int]:
    """:func:`strip_lines` with the outlet's learned lines (set by :func:`_set_learned`), and the word
    tokens of what remains (0 when not counted); the text only when it changed (fewer bytes back from a
    worker process)."""
    from framing.text import count_words

    lines, near = _LEARNED.get(outlet, (frozenset(), None))
    stripped, hits = strip_lines(text, lines, near)
    if hits and stripped:
        return stripped, hits, count_words(stripped) if _COUNT_TOKENS[0] else 0
    return None, hits, 0


def remove_boilerplate(
    documents: pd.DataFrame,
    *,
    learned: Mapping[str, frozenset[str]] | None = None,
    tally: Tally | None = None,
    jobs: int = 1,
) -> pd.DataFrame:
    """``documents`` with boilerplate lines removed from ``text`` (learned per outlet unless given).

    Returns a copy; ``tokens`` is recounted where the text changed. A document that holds nothing but
    boilerplate lines is kept unchanged (removing them would leave an empty document) and counted in
    ``tally.boilerplate_only``. ``jobs > 1`` strips the documents in that many processes (same result).
    """
    from framing.parallel import map_documents

    if learned is None:
        learned = learn_boilerplate(documents)
    tally = tally if tally is not None else Tally()
    outlets = documents["outlet"].tolist()
    text_column = documents["text"]
    # A block of texts at a time: the Python strings of a whole corpus (and their stripped copies) would
    # double the memory the loaded corpus takes.
    blocks: list[pd.Series] = []
    changed: list[int] = []
    counts: list[int] = []
    for start in range(0, len(documents), _STRIP_BLOCK):
        texts = text_column.iloc[start : start + _STRIP_BLOCK].tolist()
        results = map_documents(
            _strip_document,
            list(zip(outlets[start : start + _STRIP_BLOCK], texts, strict=True)),
            jobs=jobs,
            star=True,
            initializer=_set_learned,
            # a table without tokens (a streamed chunk) needs no recount of the stripped texts
            initargs=(dict(learned), "tokens" in documents.columns),
        )
        for offset, (stripped, hits, tokens) in enumerate(results):
            i = start + offset
            if stripped is not None:
                tally.add(outlets[i], hits)
                tally.lines_removed += len(hits)
                texts[offset] = stripped
                changed.append(i)
                counts.append(tokens)
            elif hits:
                tally.boilerplate_only += 1
        blocks.append(pd.Series(texts, dtype=text_column.dtype))
        del texts, results
    _LEARNED.clear()
    result = documents.copy()
    if changed:
        result["text"] = pd.concat(blocks, ignore_index=True).set_axis(result.index)
        if "tokens" in result.columns:
            result.loc[result.index[changed], "tokens"] = counts
    return result


def _final_document(outlet: str, text: str) -> tuple[str | None, list[tuple[str, str]], int]:
    """:func:`_strip_document`, and the word tokens of the text that is kept either way."""
    from framing.text import count_words

    stripped, hits, tokens = _strip_document(outlet, text)
    return stripped, hits, tokens if stripped is not None else count_words(text)


def _final_block(
    outlets: list[str], texts: list[str] | DocumentTexts, strip: bool
) -> tuple[list[str | None], list[list[tuple[str, str]]], list[int]]:
    """:func:`_final_document` of each document of a block (``strip`` False: tokens only); ``texts``
    may be a :class:`framing.spool.DocumentTexts` (a worker process then reads them itself)."""
    from framing.text import count_words

    if not isinstance(texts, list):
        texts = list(texts)
    if not strip:
        return [None] * len(texts), [[] for _ in texts], [count_words(text) for text in texts]
    results = [_final_document(outlet, text) for outlet, text in zip(outlets, texts, strict=True)]
    return [r[0] for r in results], [r[1] for r in results], [r[2] for r in results]


def strip_to_spool(
    outlets: list[str],
    texts: DocumentTexts,
    writer: SpoolWriter | None,
    *,
    learned: Mapping[str, frozenset[str]] | None,
    tally: Tally,
    jobs: int = 1,
) -> np.ndarray:
    """The second pass of a spooled load: each text without its boilerplate lines into ``writer``.

    Reads ``texts`` (one per row, ``outlets`` their outlets) a block at a time, removes the lines of
    ``learned`` and the shipped patterns as :func:`remove_boilerplate` does (same texts, same
    ``tally``), writes each final text to ``writer`` in row order and returns the word tokens of each
    final text (int64). A text that does not change keeps the tokens :func:`remove_boilerplate` left
    it (those counted before removal), since the text is the same. With ``learned`` None nothing is
    removed (``keep_boilerplate``) and ``writer`` may be None: only the tokens are counted.

    ``jobs > 1`` strips the blocks in that many processes (same result), at most two blocks per worker
    waiting. A worker is sent the block's place in the spool, not its texts, and reads them itself;
    only the changed texts come back, and the unchanged ones of a block are read here when the block
    is written: this process holds one block of texts at a time.
    """
    from concurrent.futures import ProcessPoolExecutor

    from framing.parallel import MIN_PARALLEL_DOCUMENTS, submitted_in_order

    strip = learned is not None
    tokens = np.zeros(len(outlets), dtype=np.int64)
    starts = range(0, len(outlets), _SPOOL_BLOCK)
    pool = None
    if jobs <= 1 or len(outlets) < MIN_PARALLEL_DOCUMENTS:
        _set_learned(dict(learned or {}))
        # the block's texts stay here for the writing: they are not read twice
        results: Iterator[Any] = (
            ((start, block), _final_block(outlets[start : start + _SPOOL_BLOCK], block, strip))
            for start, block in zip(starts, texts.blocks(_SPOOL_BLOCK), strict=True)
        )
    else:
        shared = (dict(learned or {}),)
        pool = ProcessPoolExecutor(max_workers=jobs, initializer=_set_learned, initargs=shared)
        calls = (
            (
                (start, None),
                (outlets[start : start + _SPOOL_BLOCK], texts.subset(range(start, start + size)), strip),
            )
            for start, size in ((s, min(_SPOOL_BLOCK, len(outlets) - s)) for s in starts)
        )
        results = submitted_in_order(pool, _final_block, calls, ahead=2 * jobs)
    try:
        for (start, block), (stripped, hits, counts) in results:
            tokens[start : start + len(counts)] = counts
            if writer is None:
                continue
            if block is None:
                unchanged = [start + i for i, text in enumerate(stripped) if text is None]
                block = dict(zip(unchanged, texts.take(unchanged), strict=True))
            else:
                block = dict(enumerate(block, start))
            for row, (text, found) in enumerate(zip(stripped, hits, strict=True), start):
                if text is not None:
                    tally.add(outlets[row], found)
                    tally.lines_removed += len(found)
                elif found:
                    tally.boilerplate_only += 1
                writer.append(text if text is not None else block[row])
            del block
    finally:
        if pool is not None:
            pool.shutdown()
        _LEARNED.clear()
    return tokens


def boilerplate_table(data: Corpus | LoadSummary) -> pd.DataFrame:
    """One row per boilerplate pattern and outlet: ``pattern``, ``outlet``, ``documents`` (of the outlet's
    documents it was removed from), ``outlet_documents`` (the outlet's documents loaded; empty for a
    summary alone) and ``source`` (learned, shipped), most documents first."""
    from framing.corpus import Corpus

    summary = data.summary if isinstance(data, Corpus) else data
    rows: list[Any] = [
        (p.pattern, p.outlet, p.documents, p.source)
        for p in summary.boilerplate  # type: ignore[union-attr]
    ]
    table = pd.DataFrame(rows, columns=["pattern", "outlet", "documents", "source"])
    sizes = data.documents["outlet"].value_counts() if isinstance(data, Corpus) else pd.Series(dtype="int64")
    table.insert(3, "outlet_documents", table["outlet"].map(sizes).astype("Int64"))
    return table[BOILERPLATE_COLUMNS]
