"""Distinctive wording: term counts per group, log-odds ratios with a Dirichlet prior, collocations."""

from __future__ import annotations

import itertools
import logging
import math
import re
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence, Sized
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from framing._memory import heap_for_temporaries, return_freed_memory
from framing.compare._checks import (
    check_jobs,
    check_positive,
    finish,
    input_error,
    integral,
    require_columns,
    sorted_groups,
)
from framing.compare.resampling import CHUNK_CELLS
from framing.errors import OptionError
from framing.parallel import batches, submitted_in_order
from framing.text import _findall_words, first_seen_numbers, fold_yo, word_tokens

__all__ = [
    "WordTokens",
    "WordingCounts",
    "collocations",
    "distinctive_terms",
    "term_counts",
    "word_tokens_of",
    "wording_counts",
]

logger = logging.getLogger("framing.compare")
# a term must hold a letter: runs of underscores, dashes or digits are page furniture or numbers
_LETTER = re.compile(r"[^\W\d_]")

_TOKEN_BLOCK = 1 << 20  # tokens counted at once in term_counts and collocations
# key spaces up to this size are counted in one dense array (32 MB): 12 outlets x 300,000 words fit
_DENSE_KEYS = 1 << 22


def _listed(texts: Iterable[Any], tokens: WordTokens | None) -> Sequence[Any]:
    """``texts`` as a list; with ``tokens`` a sized collection (a Series) is only counted, not copied.

    A pandas string column turns every text into a new Python string when listed: the size of the
    corpus again, for texts that are already tokenised.
    """
    if tokens is not None and isinstance(texts, Sized) and not isinstance(texts, str):
        return range(len(texts))
    return list(texts)


def _check_lengths(texts: Sequence[Any], groups: list[Any]) -> None:
    if len(texts) != len(groups):
        raise OptionError(
            f"texts and groups differ in length ({len(texts)} vs {len(groups)}); pass one group per text"
        )


def term_counts(
    texts: Iterable[str],
    groups: Iterable[Hashable],
    *,
    vocabulary: Iterable[str] | None = None,
    tokens: WordTokens | None = None,
) -> pd.DataFrame:
    """Tidy term counts per group (``group``, ``term``, ``count``) from raw texts.

    Texts are split with :func:`framing.text.word_tokens` (lower-cased word tokens). Without
    ``vocabulary`` every word token with a letter is a term (``___``, ``--`` or ``2019`` are page
    furniture or numbers, not wording). With ``vocabulary`` only those terms are counted; a
    multi-word term (``"held responsible"``) is counted as the n-gram of its word tokens, every start
    position counts (so ``"blame"`` and ``"to blame"`` may both count the same token), and terms are
    reported in their normalised form (word tokens joined by one space). Only non-zero counts appear;
    rows are sorted by group and term. Missing texts count as empty; documents whose group is missing
    are skipped with a logged warning. The counting is vectorised: every token is coded once
    (``pandas.factorize``, a few texts at a time) and the (group, term) pairs are counted as integer
    keys, a block of tokens at a time. ``tokens`` (from :func:`word_tokens_of` on the same ``texts``) reuses a
    tokenisation another function already did; it cannot be combined with ``vocabulary``.

    >>> term_counts(["They blamed Kyiv", "Kyiv denied it"], ["A", "B"], vocabulary=["Kyiv"])
      group  term  count
    0     A  kyiv      1
    1     B  kyiv      1
    """
    texts = _listed(texts, tokens)
    groups = list(groups)
    _check_lengths(texts, groups)
    analyzer = _word_tokens  # without a vocabulary, tokens without a letter are dropped below
    if tokens is not None and vocabulary is not None:
        raise OptionError("give either vocabulary or tokens, not both")
    if vocabulary is not None:
        if isinstance(vocabulary, str):
            raise OptionError(
                f"vocabulary must be a collection of terms, not a single string ({vocabulary!r})"
            )
        grams: dict[int, dict[tuple[str, ...], str]] = defaultdict(dict)
        for term in vocabulary:
            term_tokens = tuple(word_tokens(str(term)))
            if not term_tokens:
                raise OptionError(f"vocabulary term {term!r} contains no word tokens; remove it")
            grams[len(term_tokens)][term_tokens] = " ".join(term_tokens)

        def analyzer(text: str) -> list[str]:
            # every n-gram of the wanted lengths that is a vocabulary term, at every start position
            words = _word_tokens(text)
            found = []
            for n, wanted in grams.items():
                found.extend(
                    wanted[g] for g in zip(*(words[i:] for i in range(n)), strict=False) if g in wanted
                )
            return found

    missing_group = np.array([_is_missing(g) for g in groups], dtype=bool)
    skipped = int(missing_group.sum())
    if skipped:
        logger.warning("%d text(s) without a group were skipped", skipped)
    kept_groups = [g for g, gone in zip(groups, missing_group, strict=True) if not gone]
    columns = ["group", "term", "count"]
    if not kept_groups:
        return pd.DataFrame({c: pd.Series(dtype=object if c != "count" else np.int64) for c in columns})
    # every token of every kept text, coded a few texts at a time (the token strings of 20,000 articles
    # held at once took over a gigabyte); group codes by text
    if tokens is not None:
        coded = _kept(_check_tokens(tokens, len(texts)), ~missing_group)
    else:
        kept_texts = (
            "" if _is_missing(text) else str(text)
            for text, gone in zip(texts, missing_group, strict=True)
            if not gone
        )
        coded = _code_tokens(kept_texts, analyzer)
    lengths = coded.lengths
    if not lengths.sum():
        return pd.DataFrame({c: pd.Series(dtype=object if c != "count" else np.int64) for c in columns})
    terms = np.array(coded.vocabulary, dtype=object)
    by_term = np.argsort(terms, kind="stable")  # Python string order, as sorted()
    rank = np.empty_like(by_term)
    rank[by_term] = np.arange(len(by_term))
    order = sorted_groups(set(kept_groups))
    position = {g: i for i, g in enumerate(order)}
    text_group = np.array([position[g] for g in kept_groups], dtype=np.int64)
    if vocabulary is None:  # the same words whether the texts were tokenised here or by word_tokens_of
        has_letter = np.fromiter((bool(_LETTER.search(t)) for t in terms), dtype=bool, count=len(terms))
    # (group, term) pairs as one integer key each, counted a block of whole texts at a time: arrays
    # over every token (18 million at 20,000 articles) held hundreds of megabytes
    n_terms = len(terms)
    pairs = _KeyCounts(len(order) * n_terms)
    for term_codes, _, group_of in _token_blocks(coded, text_group):
        if vocabulary is None:
            worded = has_letter[term_codes]
            term_codes, group_of = term_codes[worded], group_of[worded]
        group_of *= n_terms
        group_of += rank[term_codes]
        pairs.add(group_of)
    distinct, counted = pairs.keys, pairs.counts
    rows, cols = np.divmod(distinct, n_terms)  # ordered by group, then term
    out = pd.DataFrame(
        {
            "group": np.array(order, dtype=object)[rows],
            "term": terms[by_term][cols],
            "count": counted,
        }
    )
    return out


@dataclass
class WordTokens:
    """The word tokens of many texts as integer codes: ``vocabulary[codes[i]]`` is token ``i``.

    Made by :func:`word_tokens_of`; :func:`term_counts` and :func:`collocations` accept it so that a
    corpus is tokenised once for both (the report's distinctive words and phrases).
    """

    codes: np.ndarray  # every token of every text, texts one after the other (int32: half the memory)
    lengths: np.ndarray  # tokens per text (int64)
    vocabulary: list[str]  # code -> word, in order of first appearance
    index: dict[str, int]  # word -> code


_CodedTokens = WordTokens

_TEXT_BLOCK = 512  # texts tokenised at once: only their token strings are alive together


def word_tokens_of(texts: Iterable[Any], *, jobs: int = 1) -> WordTokens:
    """The lower-cased word tokens (:func:`framing.text.word_tokens`) of ``texts``, coded as integers.

    Missing texts (None, NaN) have no tokens. Pass the result as ``tokens=`` to :func:`term_counts` and
    :func:`collocations` with the same texts. ``jobs > 1`` tokenises blocks of texts in that many worker
    processes; the result is identical to ``jobs=1`` (codes in order of first appearance).
    """
    check_jobs(jobs)
    texts = ("" if _is_missing(t) else str(t) for t in texts)
    if jobs == 1:
        return _code_tokens(texts, _word_tokens)
    return _code_tokens_in_workers(texts, int(jobs))


def _word_tokens(text: str) -> list[str]:
    """:func:`framing.text.word_tokens` of ``text``, the same list, without a replace per token.

    The curly apostrophe is read as a straight one before the search instead of in every token: both
    are joiners of the word pattern and neither is a word character, so the matches are the same.
    ``ʼ`` (a word character) is still replaced in the tokens, only in the rare texts that have it.
    """
    lowered = text.lower()
    if "\u2019" in lowered:
        lowered = lowered.replace("\u2019", "'")
    tokens = _findall_words(fold_yo(lowered))
    if "\u02bc" in lowered:
        tokens = [t.replace("\u02bc", "'") for t in tokens]
    return tokens


def _check_tokens(tokens: WordTokens, n_texts: int) -> WordTokens:
    if not isinstance(tokens, WordTokens):
        raise OptionError(f"tokens must come from word_tokens_of(), not {type(tokens).__name__}")
    if len(tokens.lengths) != n_texts:
        raise OptionError(f"tokens are of {len(tokens.lengths)} texts, but {n_texts} texts were given")
    return tokens


def _kept(tokens: WordTokens, keep: np.ndarray) -> WordTokens:
    """The tokens of the texts where ``keep`` is True (same vocabulary and codes)."""
    if keep.all():
        return tokens
    return WordTokens(
        codes=tokens.codes[np.repeat(keep, tokens.lengths)],
        lengths=tokens.lengths[keep],
        vocabulary=tokens.vocabulary,
        index=tokens.index,
    )


def _code_block(
    texts: list[str], tokenise: Callable[[str], list[str]], index: defaultdict[str, int]
) -> tuple[np.ndarray, list[int]]:
    """The token codes of ``texts`` (int32, texts one after the other) and their token counts.

    ``index`` comes from :func:`first_seen_numbers`: new words get the next codes in order of first
    appearance as they are looked up, so every token is coded by one lookup through ``map`` (at C speed).
    Finding the block's new words with ``dict.fromkeys`` first and then looking every token up again made
    :func:`_count_block` take 1.4-2.3 s on the 4,000 AllSides development texts in blocks of 512 (ten
    runs), against 1.0-1.2 s this way; tokenising is 0.5-0.7 s of either.
    """
    tokenised = [tokenise(text) for text in texts]
    lengths = [len(tokens) for tokens in tokenised]
    codes = np.fromiter(
        map(index.__getitem__, itertools.chain.from_iterable(tokenised)), dtype=np.int32, count=sum(lengths)
    )
    return codes, lengths


def _code_tokens(
    texts: Iterable[str], tokenise: Callable[[str], list[str]], chunk: int = _TEXT_BLOCK
) -> _CodedTokens:
    """Tokenise ``texts`` and code the tokens, ``chunk`` texts at a time.

    Only one chunk's token strings are alive at once: 20,000 articles hold about 18 million tokens,
    over a gigabyte as Python strings, but 75 MB as codes.
    """
    index = first_seen_numbers()
    codes: list[np.ndarray] = []
    lengths: list[int] = []
    for block in batches(texts, chunk):
        block_codes, block_lengths = _code_block(block, tokenise, index)
        codes.append(block_codes)
        lengths.extend(block_lengths)
    return _coded(codes, lengths, index)


def _coded(codes: list[np.ndarray], lengths: list[int], index: defaultdict[str, int]) -> _CodedTokens:
    index.default_factory = None  # a word not in the vocabulary raises KeyError again
    return _CodedTokens(
        codes=np.concatenate(codes) if codes else np.zeros(0, dtype=np.int32),
        lengths=np.array(lengths, dtype=np.int64),
        vocabulary=list(index),
        index=index,
    )


def _code_in_worker(texts: list[str]) -> tuple[np.ndarray, list[int], list[str]]:
    """One block coded in a worker process: codes local to the block, token counts, the block's words."""
    index = first_seen_numbers()
    codes, lengths = _code_block(texts, _word_tokens, index)
    return codes, lengths, list(index)


def _code_tokens_in_workers(texts: Iterable[str], jobs: int) -> _CodedTokens:
    """:func:`_code_tokens` with the blocks tokenised in ``jobs`` worker processes, merged in input order.

    A worker codes its block with its own vocabulary (in order of first appearance within the block);
    merging the blocks in order renumbers the words in order of first appearance in the corpus, so
    the codes equal a single-process pass. At most ``2 * jobs`` blocks are in flight (bounded memory).
    """
    index = first_seen_numbers()
    codes: list[np.ndarray] = []
    lengths: list[int] = []

    def merge(part: tuple[np.ndarray, list[int], list[str]]) -> None:
        local, block_lengths, words = part
        # the block's words are distinct and in order of first appearance: the new ones get the next codes
        renumber = np.fromiter(map(index.__getitem__, words), dtype=np.int32, count=len(words))
        codes.append(renumber[local] if len(local) else local)
        lengths.extend(block_lengths)

    calls = ((None, (block,)) for block in batches(texts, _TEXT_BLOCK))
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for _, part in submitted_in_order(pool, _code_in_worker, calls, ahead=2 * jobs):
            merge(part)
    return _coded(codes, lengths, index)


class _KeyCounts:
    """Counts of integer keys in ``range(size)`` summed block by block.

    A small key space (at most :data:`_DENSE_KEYS` keys) is counted in one dense array
    (``np.bincount``, no sorting); a larger one keeps only the distinct keys seen so far, sorted.
    ``keys`` and ``counts`` are the keys with a positive count in increasing order and their counts.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.dense = np.zeros(size, dtype=np.int64) if size <= _DENSE_KEYS else None
        self._keys = np.zeros(0, dtype=np.int64)
        self._counts = np.zeros(0, dtype=np.int64)

    @classmethod
    def counted(cls, size: int, keys: np.ndarray, counts: np.ndarray) -> _KeyCounts:
        """The counter that holds ``counts`` of the distinct ``keys`` (increasing, every count positive)."""
        table = cls(size)
        if table.dense is not None:
            table.dense[keys] = counts
        else:
            table._keys, table._counts = keys, counts
        return table

    def add(self, keys: np.ndarray) -> None:
        if self.dense is not None:
            self.dense += np.bincount(keys, minlength=self.size)
            return
        distinct, counted = np.unique(keys, return_counts=True)
        merged = np.concatenate([self._keys, distinct])
        order = np.argsort(merged, kind="stable")  # two sorted runs: a merge
        merged = merged[order]
        counts = np.concatenate([self._counts, counted.astype(np.int64)])[order]
        starts = np.flatnonzero(np.r_[True, merged[1:] != merged[:-1]]) if merged.size else np.zeros(0, int)
        self._keys = merged[starts]
        self._counts = np.add.reduceat(counts, starts) if merged.size else counts

    @property
    def keys(self) -> np.ndarray:
        return np.flatnonzero(self.dense) if self.dense is not None else self._keys

    @property
    def counts(self) -> np.ndarray:
        return self.dense[self.dense > 0] if self.dense is not None else self._counts

    def totals(self, n: int) -> np.ndarray:
        """Counts summed over ``key // n``: for keys ``group * n + word``, each word's count (int64)."""
        if n == 0:
            return np.zeros(0, dtype=np.int64)
        if self.dense is not None:
            return self.dense.reshape(-1, n).sum(axis=0)
        return np.bincount(self._keys % n, weights=self._counts, minlength=n).astype(np.int64)

    def get(self, keys: np.ndarray) -> np.ndarray:
        """The counts of ``keys`` (0 for a key never added)."""
        if self.dense is not None:
            return self.dense[keys]
        if not len(self._keys):
            return np.zeros(len(keys), dtype=np.int64)
        at = np.minimum(np.searchsorted(self._keys, keys), len(self._keys) - 1)
        return np.where(self._keys[at] == keys, self._counts[at], 0)


def _is_missing(value: Any) -> bool:
    """True for a missing text or group (None, NaN, NA), never for a string."""
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def distinctive_terms(
    term_counts: pd.DataFrame,
    *,
    prior_scale: float | None = None,
    min_count: int = 1,
    top_n: int | None = None,
) -> pd.DataFrame:
    """Words that distinguish each group from the rest: log-odds ratios with an informative Dirichlet prior.

    Monroe, Colaresi & Quinn (2008), "Fightin' Words", eq. 16–22. For group ``i`` against the rest of
    the corpus ``j`` and term ``w``, with counts ``y``, totals ``n`` (sum of all term counts of the
    group / of the rest) and prior counts ``a_w`` summing to ``a0``::

        delta = log((y_iw + a_w) / (n_i + a0 - y_iw - a_w)) - log((y_jw + a_w) / (n_j + a0 - y_jw - a_w))
        variance = 1 / (y_iw + a_w) + 1 / (y_jw + a_w)
        z = delta / sqrt(variance)

    The prior is the background frequency of each term in the whole corpus, scaled to a total of
    ``a0``: ``a_w = a0 * corpus_count_w / corpus_total``. By default ``a0`` is the **mean group total**
    (the prior weighs as much as one typical group's evidence, which shrinks rare-term estimates
    without swamping them); ``prior_scale`` sets ``a0`` explicitly (``prior_scale = corpus total`` makes
    the prior the raw corpus counts).

    Input: a tidy table ``group, term, count`` (e.g. from :func:`term_counts`; duplicate rows are summed,
    absent pairs count 0). Output: one row per (group, term) for every term of the corpus with
    ``group``, ``term``, ``count_group``, ``count_rest``, ``total_group``, ``total_rest``,
    ``prior_count`` (``a_w``), ``prior_total`` (``a0``), ``log_odds_ratio`` (delta), ``variance`` and
    ``z_score``, sorted by group then ``z_score`` descending (then term). ``min_count`` hides terms whose
    corpus count is lower (they still count in the totals); ``top_n`` keeps the ``top_n`` highest z-scores
    per group. ``a0`` is also in ``df.attrs["prior_total"]``.

    >>> tc = pd.DataFrame({"group": ["A", "A", "B", "B"], "term": ["x", "y", "x", "y"],
    ...                    "count": [8, 2, 2, 8]})
    >>> distinctive_terms(tc)[["group", "term", "z_score"]].round(3)  # doctest: +SKIP
    """
    require_columns(term_counts, ["group", "term", "count"], "term count")
    if prior_scale is not None and (
        isinstance(prior_scale, bool)
        or not isinstance(prior_scale, (int, float, np.number))
        or not prior_scale > 0
    ):
        raise OptionError(f"prior_scale must be a positive number or None, got {prior_scale!r}")
    check_positive(top_n, "top_n", allow_none=True)
    if isinstance(min_count, bool) or not isinstance(min_count, (int, np.integer)) or min_count < 0:
        raise OptionError(f"min_count must be a non-negative integer, got {min_count!r}")
    table = term_counts[["group", "term", "count"]]
    if table["group"].isna().any() or table["term"].isna().any():
        raise input_error("term count table", "missing values in 'group' or 'term'", "drop those rows first")
    count = pd.to_numeric(table["count"], errors="coerce")
    if count.isna().any() or (count < 0).any():
        raise input_error("term count table", "'count' must be non-negative numbers")

    groups = sorted_groups(pd.unique(table["group"]).tolist())
    terms = sorted(pd.unique(table["term"]).tolist(), key=str)
    g_codes = pd.Categorical(table["group"], categories=groups).codes
    t_codes = pd.Categorical(table["term"], categories=terms).codes
    # group x term counts; duplicate (group, term) rows are summed, absent pairs are 0
    y_all = sparse.csr_matrix(
        (count.to_numpy(dtype=float), (g_codes, t_codes)), shape=(len(groups), len(terms))
    )
    y_all.sum_duplicates()
    corpus = np.asarray(y_all.sum(axis=0)).ravel()
    used = corpus > 0
    meta: dict[str, Any] = {"min_count": min_count, "groups": list(groups)}
    if len(groups) < 2 or used.sum() < 2:
        # log-odds against "the rest" need a rest, and a prior over at least two terms
        note = (
            f"needs at least 2 groups, found {len(groups)}"
            if len(groups) < 2
            else f"needs at least 2 terms with a positive count, found {int(used.sum())}"
        )
        logger.info("distinctive_terms: no table (%s)", note)
        return finish(_empty_distinctive(), meta, prior_total=math.nan, note=note)
    y_used = y_all[:, np.flatnonzero(used)]
    corpus = corpus[used]
    terms = [t for t, u in zip(terms, used, strict=True) if u]
    total = corpus.sum()
    n_i = np.asarray(y_used.sum(axis=1)).ravel()
    a0 = float(prior_scale) if prior_scale is not None else float(n_i.mean())
    a = a0 * corpus / total
    n_j = total - n_i
    shown = np.flatnonzero(corpus >= min_count)  # hidden terms still count in the totals
    t_count = len(terms)
    parts = []
    block = max(1, CHUNK_CELLS // t_count)
    for start in range(0, len(groups), block):
        stop = min(start + block, len(groups))
        y = y_used[start:stop].toarray()
        y_j = corpus - y
        n_i_b, n_j_b = n_i[start:stop, None], n_j[start:stop, None]
        delta = np.log((y + a) / (n_i_b + a0 - y - a)) - np.log((y_j + a) / (n_j_b + a0 - y_j - a))
        variance = 1 / (y + a) + 1 / (y_j + a)
        z = delta / np.sqrt(variance)
        z_shown = z[:, shown]
        ranking = _ranking(-z_shown, top_n)
        cols = shown[ranking]
        rows = np.repeat(np.arange(stop - start), cols.shape[1])
        cols = cols.ravel()
        parts.append(
            pd.DataFrame(
                {
                    "group": np.repeat(np.array(groups[start:stop], dtype=object), ranking.shape[1]),
                    "term": np.array(terms, dtype=object)[cols],
                    "count_group": y[rows, cols],
                    "count_rest": y_j[rows, cols],
                    "total_group": n_i[start:stop][rows],
                    "total_rest": n_j[start:stop][rows],
                    "prior_count": a[cols],
                    "prior_total": a0,
                    "log_odds_ratio": delta[rows, cols],
                    "variance": variance[rows, cols],
                    "z_score": z[rows, cols],
                }
            )
        )
    out = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    out = integral(out, ["count_group", "count_rest", "total_group", "total_rest"])
    return finish(out, meta, prior_total=a0, note="")


def _ranking(keys: np.ndarray, top_n: int | None) -> np.ndarray:
    """Column indices of each row of ``keys`` in increasing key order, ties in column order; top_n first.

    With ``top_n`` smaller than the row, only the candidates at or below each row's ``top_n``-th
    smallest key (``np.partition``, ties at the boundary included) are sorted: the same indices as a
    full stable sort cut to ``top_n``, without sorting the whole vocabulary.
    """
    width = keys.shape[1]
    if top_n is None or top_n >= width:
        return np.argsort(keys, axis=1, kind="stable")
    boundary = np.partition(keys, top_n - 1, axis=1)[:, top_n - 1 : top_n]
    rows, cols = np.nonzero(keys <= boundary)  # every row has top_n or more candidates
    order = np.lexsort((cols, keys[rows, cols], rows))  # by row, then key, then column
    rows, cols = rows[order], cols[order]
    first = np.searchsorted(rows, np.arange(keys.shape[0]))
    rank = np.arange(len(rows)) - first[rows]
    return cols[rank < top_n].reshape(keys.shape[0], top_n)


_DISTINCTIVE_COLUMNS = [
    "group",
    "term",
    "count_group",
    "count_rest",
    "total_group",
    "total_rest",
    "prior_count",
    "prior_total",
    "log_odds_ratio",
    "variance",
    "z_score",
]


def _empty_distinctive() -> pd.DataFrame:
    kinds = {"group": object, "term": object}
    return pd.DataFrame({c: pd.Series(dtype=kinds.get(c, float)) for c in _DISTINCTIVE_COLUMNS})


def collocations(
    texts: Iterable[str],
    groups: Iterable[Hashable],
    *,
    top_n: int = 10,
    min_count: int = 3,
    common_words: int = 30,
    min_ratio: float = 2.0,
    tokens: WordTokens | None = None,
) -> pd.DataFrame:
    """Each group's characteristic two-word phrases ("Kyiv regime", "claimed responsibility").

    Bigrams of word tokens (lower-cased, never across documents) are scored within each group by
    Dunning's log-likelihood ratio (NLTK's ``BigramCollocationFinder``): how much more often the two
    words occur together than their separate frequencies predict. Bigrams seen fewer than ``min_count``
    times in the group, or containing one of the corpus's ``common_words`` most frequent words (its
    function words, found from the data so no stop-word list is needed), are left out, and so are
    phrases the group does not use at least ``min_ratio`` times as often as the rest (per bigram, with
    half a count added to the rest so that phrases absent elsewhere get a finite ratio): shared
    phrases such as the event's name are collocations everywhere and characterise nobody. A bigram of
    one word repeated that makes up most of a group's tokens ("no no" in "no no no") has no likelihood
    ratio (its contingency table would have a negative cell) and is left out too.

    Returns one row per (group, phrase): ``group``, ``phrase``, ``count_group`` (occurrences in the
    group), ``count_rest`` (in all other groups), ``ratio_vs_rest`` (the over-representation above),
    ``likelihood_ratio`` and ``rank`` (1 = strongest), the ``top_n`` best per group. ``tokens`` (from
    :func:`word_tokens_of` on the same ``texts``) reuses an earlier tokenisation.
    """
    texts, groups = _listed(texts, tokens), list(groups)
    _check_lengths(texts, groups)
    _check_collocation_options(top_n, min_count, common_words)
    kept = [not _is_missing(g) for g in groups]
    kept_groups = [g for g, keep in zip(groups, kept, strict=True) if keep]
    order = sorted_groups(set(kept_groups))
    position = {g: i for i, g in enumerate(order)}
    if tokens is not None:
        coded = _kept(_check_tokens(tokens, len(texts)), np.asarray(kept, dtype=bool))
    else:
        coded = _code_tokens(
            ("" if _is_missing(t) else str(t) for t, keep in zip(texts, kept, strict=True) if keep),
            _word_tokens,
        )
    n_groups, n_words = len(order), len(coded.vocabulary)
    # The counts BigramCollocationFinder.from_documents builds (every token of a group's documents;
    # bigrams within a document), as integer codes counted with numpy: building NLTK's FreqDists per
    # group cost minutes at 20,000 articles, and only the bigrams left after the filters need a score.
    # Words and bigrams are coded with their group as one integer key and counted a block of whole
    # texts at a time: arrays over all 18 million tokens of 20,000 articles held hundreds of megabytes.
    if n_groups * n_words * n_words >= 2**63:
        raise OptionError(f"too many distinct words ({n_words:,}) to code bigrams per group in 64 bits")
    text_group = np.array([position[g] for g in kept_groups], dtype=np.int64)
    lengths_all = coded.lengths
    per_group_tokens = np.bincount(text_group, weights=lengths_all, minlength=n_groups).astype(np.int64)
    # bigrams within each text: one fewer than its tokens
    bigrams = np.maximum(lengths_all - 1, 0)
    in_group_all = np.bincount(text_group, weights=bigrams, minlength=n_groups).astype(np.int64)
    vocabulary = coded.vocabulary
    word_counts = _KeyCounts(n_groups * n_words)
    for codes, _, group_of in _token_blocks(coded, text_group):
        group_of *= n_words
        group_of += codes
        word_counts.add(group_of)
    common_mask = np.zeros(n_words, dtype=bool)
    common_mask[_most_frequent(word_counts.totals(n_words), vocabulary, common_words)] = True
    # a bigram with one of the common words is never a candidate, so it is not counted at all (no
    # statistic of a candidate holds its count; the bigram totals above come from the text lengths)
    pair_counts = _KeyCounts(n_groups * n_words * n_words)
    for codes, lengths, group_of in _token_blocks(coded, text_group):
        rare = ~common_mask[codes]
        within = rare[:-1] & rare[1:]  # a token and the next of the same text, neither of them common
        text_ends = np.cumsum(lengths)[:-1]
        within[text_ends[(text_ends > 0) & (text_ends < len(codes))] - 1] = False
        where = np.flatnonzero(within)
        del rare, within
        pairs = group_of[where]
        pairs *= n_words
        pairs += codes[where]
        pairs *= n_words
        where += 1
        pairs += codes[where]
        del where, codes, group_of
        pair_counts.add(pairs)
        del pairs
    pair_key, own_counts = pair_counts.keys, pair_counts.counts  # ordered by group, then bigram
    del pair_counts
    counts = _PhraseCounts(
        order, vocabulary, word_counts, per_group_tokens, in_group_all, pair_key, own_counts
    )
    return _scored_collocations(counts, top_n=top_n, min_count=min_count, min_ratio=min_ratio)


def _check_collocation_options(top_n: int, min_count: int, common_words: int) -> None:
    check_positive(top_n, "top_n")
    check_positive(min_count, "min_count")
    if isinstance(common_words, bool) or not isinstance(common_words, (int, np.integer)) or common_words < 0:
        raise OptionError(f"common_words must be a non-negative integer, got {common_words!r}")


@dataclass
class _PhraseCounts:
    """What :func:`_scored_collocations` reads: the counts ``BigramCollocationFinder`` builds, per group.

    Words are coded ``0 .. len(vocabulary) - 1``; ``words`` counts the keys ``group * n_words + word``
    and ``pair_keys`` are ``(group * n_words + first) * n_words + second``, increasing, each with its
    count in ``pair_counts`` (the bigrams with a common word may be left out: they are never scored).
    """

    groups: list[Any]  # group code -> group
    vocabulary: list[str]
    words: _KeyCounts
    group_tokens: np.ndarray  # tokens per group (int64)
    group_bigrams: np.ndarray  # bigrams within texts per group (int64)
    pair_keys: np.ndarray
    pair_counts: np.ndarray


def _scored_collocations(
    counts: _PhraseCounts,
    *,
    top_n: int,
    min_count: int,
    min_ratio: float,
    common: np.ndarray | None = None,
) -> pd.DataFrame:
    """The table of :func:`collocations` from the counts of a corpus's words and bigrams per group.

    ``common`` (by word code) marks the common words when the counts hold their bigrams too. The
    (group, bigram) keys are scored :data:`_CANDIDATES_AT_ONCE` at a time, and each slice keeps only
    each group's ``top_n`` phrases: the ``top_n`` of all the slices' are the ``top_n`` of all the
    phrases (the ranking is a total order), and no array spans every candidate (every bigram of a
    corpus of repeated articles is seen three times).
    """
    order, vocabulary = counts.groups, counts.vocabulary
    n_words = len(vocabulary)
    span = n_words * n_words  # the key of a bigram of group g is g * span + bigram
    bigrams, bigram_totals = _bigram_totals(counts.pair_keys, counts.pair_counts, span)
    word_rank = _string_ranks(vocabulary)
    parts = [
        _scored_slice(
            counts, start, start + _CANDIDATES_AT_ONCE, (bigrams, bigram_totals), word_rank,
            top_n=top_n, min_count=min_count, min_ratio=min_ratio, common=common,
        )
        for start in range(0, len(counts.pair_keys), _CANDIDATES_AT_ONCE)
    ]  # fmt: skip
    del bigrams, bigram_totals
    if parts:
        scored = [np.concatenate(field) for field in zip(*parts, strict=True)]
    else:
        scored = [np.zeros(0, dtype=np.int64)] * 5 + [np.zeros(0, dtype=np.float64)] * 2
    group_of, w1, w2, own, rest, ratio, score = scored
    ranked, place = _ranked(group_of, w1, w2, own, rest, ratio, score, word_rank)
    top = ranked[place < top_n]
    rows = [
        (order[g], f"{vocabulary[a]} {vocabulary[b]}", n_ii, rest_count, r, s, int(rank))
        for g, a, b, n_ii, rest_count, r, s, rank in zip(
            group_of[top].tolist(),
            w1[top].tolist(),
            w2[top].tolist(),
            own[top].tolist(),
            rest[top].tolist(),
            ratio[top].tolist(),
            score[top].tolist(),
            (place[place < top_n] + 1).tolist(),
            strict=True,
        )
    ]
    columns = ["group", "phrase", "count_group", "count_rest", "ratio_vs_rest", "likelihood_ratio", "rank"]
    return pd.DataFrame(rows, columns=columns)


_CANDIDATES_AT_ONCE = 1 << 18  # (group, bigram) keys scored at once


def _bigram_totals(
    pair_keys: np.ndarray, pair_counts: np.ndarray, span: int
) -> tuple[np.ndarray, np.ndarray]:
    """Every bigram's count in all groups: the distinct bigrams (increasing) and their totals.

    The keys (``group * span + bigram``) are summed a slice at a time into :class:`_MergedCounts`: sorting
    all of them by bigram at once made arrays of about 80 bytes per key (100 MB at 20,000 articles).
    """
    totals = _MergedCounts()
    for start in range(0, len(pair_keys), _CANDIDATES_AT_ONCE):
        stop = start + _CANDIDATES_AT_ONCE
        bigram = pair_keys[start:stop] % span
        totals.add(*_summed(bigram, pair_counts[start:stop], np.argsort(bigram)))
    totals.merge()
    return totals.keys, totals.counts


def _scored_slice(
    counts: _PhraseCounts,
    start: int,
    stop: int,
    totals: tuple[np.ndarray, np.ndarray],
    word_rank: np.ndarray,
    *,
    top_n: int,
    min_count: int,
    min_ratio: float,
    common: np.ndarray | None,
) -> list[np.ndarray]:
    """The phrases of keys ``start`` to ``stop``: group, words, counts, ratio and score, top_n per group."""
    n_words = len(counts.vocabulary)
    span = n_words * n_words
    per_group_tokens, in_group_all = counts.group_tokens, counts.group_bigrams
    all_bigrams = int(in_group_all.sum())
    own_counts = counts.pair_counts[start:stop]
    candidate = np.flatnonzero(own_counts >= min_count)
    group_of_candidate, pair = np.divmod(counts.pair_keys[start:stop][candidate], span)
    w1, w2 = np.divmod(pair, n_words)
    if common is not None:  # a bigram with a common word is never a candidate
        rare = np.flatnonzero(~(common[w1] | common[w2]))
        candidate, group_of_candidate, pair = candidate[rare], group_of_candidate[rare], pair[rare]
        w1, w2 = w1[rare], w2[rare]
    own = own_counts[candidate]
    bigrams, bigram_totals = totals
    rest = bigram_totals[np.searchsorted(bigrams, pair)] - own  # every candidate is among the bigrams
    del candidate, pair
    in_group = in_group_all[group_of_candidate]
    in_rest = np.maximum(all_bigrams - in_group, 1)
    # the same float operations as (own / in_group) / ((rest + 0.5) / in_rest) on Python numbers
    ratio = (own / in_group.astype(np.float64)) / ((rest + 0.5) / in_rest.astype(np.float64))
    keep = np.flatnonzero(ratio >= min_ratio)
    own, rest, ratio, group_of_candidate = own[keep], rest[keep], ratio[keep], group_of_candidate[keep]
    w1, w2 = w1[keep], w2[keep]
    first_counts = counts.words.get(group_of_candidate * n_words + w1)
    second_counts = counts.words.get(group_of_candidate * n_words + w2)
    # A bigram of one word repeated ("no no") that makes up most of a group's tokens gives a 2 x 2 table
    # with a negative cell (the word's two margins overlap): no likelihood ratio exists, so the phrase
    # is left out (NLTK raises a math domain error there).
    defined = np.flatnonzero(per_group_tokens[group_of_candidate] - first_counts - second_counts + own >= 0)
    if len(defined) < len(own):
        own, rest, ratio, group_of_candidate = (
            own[defined],
            rest[defined],
            ratio[defined],
            group_of_candidate[defined],
        )
        w1, w2, first_counts, second_counts = (
            w1[defined],
            w2[defined],
            first_counts[defined],
            second_counts[defined],
        )
    group_tokens = per_group_tokens[group_of_candidate]
    # Only a phrase that may be among its group's top_n needs NLTK's exact score (Python floats, one
    # phrase at a time: 0.43 of the 0.84 s of the 20,000-article report's phrase table, cProfile); the
    # others are left out on a bound of it (see _contenders): the same top_n with the same scores.
    kept = _contenders(own, first_counts, second_counts, group_tokens, group_of_candidate, top_n)
    if len(kept) < len(own):
        own, rest, ratio, group_of_candidate, group_tokens = (
            a[kept] for a in (own, rest, ratio, group_of_candidate, group_tokens)
        )
        w1, w2, first_counts, second_counts = (a[kept] for a in (w1, w2, first_counts, second_counts))
    # exactly BigramCollocationFinder.score_ngram (window size 2: the count over 1.0)
    score = _likelihood_ratios(own.astype(np.float64), first_counts, second_counts, group_tokens)
    ranked, place = _ranked(group_of_candidate, w1, w2, own, rest, ratio, score, word_rank)
    top = ranked[place < top_n]
    return [a[top] for a in (group_of_candidate, w1, w2, own, rest, ratio, score)]


#: relative bound on the difference between :func:`_likelihood_ratios` and its NumPy estimate in
#: :func:`_contenders`, per unit of the sum of the absolute terms: far above the few units in the last
#: place that a different logarithm and order of addition can make
_SCORE_TOLERANCE = 1e-9


def _contenders(
    n_ii: np.ndarray, n_ix: np.ndarray, n_xi: np.ndarray, n_xx: np.ndarray, group_of: np.ndarray, top_n: int
) -> np.ndarray:
    """Positions of the bigrams that may be among their group's ``top_n`` by likelihood ratio.

    The ratio is estimated with NumPy (same contingency tables, NumPy's logarithm and sum) within a
    bound ``b`` (:data:`_SCORE_TOLERANCE` times the sum of the absolute terms). With ``L`` the
    ``top_n``-th highest ``estimate - b`` of a group, a bigram whose ``estimate + b`` is below ``L`` scores
    lower than ``top_n`` others of its group, so it is in no top ``top_n`` whatever the tie-breaking; a
    bigram whose estimate is not finite is kept (and lowers no ``L``).
    """
    if top_n < 1 or len(n_ii) <= top_n:
        return np.arange(len(n_ii))
    estimate = np.zeros(len(n_ii))
    size = np.zeros(len(n_ii))
    with np.errstate(all="ignore"):  # a non-finite estimate keeps its bigram
        for cell, argument in _table_cells(n_ii, n_ix, n_xi, n_xx):
            term = cell * np.log(argument)
            estimate += term
            size += np.abs(term)
        bound = 2 * _SCORE_TOLERANCE * size + 1e-300
        estimate *= 2
        finite = np.isfinite(estimate) & np.isfinite(bound)
        lower = np.where(finite, estimate - bound, -np.inf)
        upper = np.where(finite, estimate + bound, np.inf)
    order = np.lexsort((-lower, group_of))
    sorted_group = group_of[order]
    place = np.arange(len(order)) - np.searchsorted(sorted_group, sorted_group)
    at_limit = place == top_n - 1
    limit = np.full(int(group_of.max()) + 1, -np.inf)
    limit[sorted_group[at_limit]] = lower[order][at_limit]
    return np.flatnonzero(upper >= limit[group_of])


def _ranked(
    group_of: np.ndarray,
    w1: np.ndarray,
    w2: np.ndarray,
    own: np.ndarray,
    rest: np.ndarray,
    ratio: np.ndarray,
    score: np.ndarray,
    word_rank: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The phrases in table order and each one's place in its group (0 = best).

    By group, then score (highest first), then phrase (word by word, in string order), as sorting the
    tuples (-score, (word 1, word 2), count, rest, ratio) would.
    """
    ranked = np.lexsort((ratio, rest, own, word_rank[w2], word_rank[w1], -score, group_of))
    ranked_group = group_of[ranked]
    return ranked, np.arange(len(ranked)) - np.searchsorted(ranked_group, ranked_group)


_SMALL = 1e-20  # nltk.metrics.association._SMALL
_SCORED_AT_ONCE = 1 << 16  # bigrams scored at once


def _most_frequent(frequency: np.ndarray, vocabulary: list[str], n: int) -> list[int]:
    """Codes of the ``n`` most frequent words (``frequency`` by code; ties: the word first in string order).

    Words that do not occur are never among them. Only the words at least as frequent as the ``n``-th
    are sorted (``np.partition``), not the whole vocabulary.
    """
    if n == 0 or not len(frequency):
        return []
    if n < len(frequency):
        boundary = np.partition(frequency, len(frequency) - n)[len(frequency) - n]
        contenders = np.flatnonzero(frequency >= boundary)
    else:
        contenders = np.arange(len(frequency))
    ranked = sorted(contenders.tolist(), key=lambda c: (-int(frequency[c]), vocabulary[c]))
    return [c for c in ranked[:n] if frequency[c] > 0]


def _likelihood_ratios(n_ii: np.ndarray, n_ix: np.ndarray, n_xi: np.ndarray, n_xx: np.ndarray) -> np.ndarray:
    """``nltk.metrics.BigramAssocMeasures.likelihood_ratio(n_ii, (n_ix, n_xi), n_xx)`` of many bigrams.

    Dunning's log-likelihood ratio of a bigram seen ``n_ii`` times whose words are seen ``n_ix`` and
    ``n_xi`` times among ``n_xx`` tokens (Manning and Schütze 5.3.4): the same floats as NLTK, without
    importing NLTK (over half a second). NLTK's operations in NLTK's order: the contingency tables,
    expected values and log arguments are numpy operations (+, -, *, / are the same IEEE operations
    on arrays as on Python floats); the logarithm is ``math.log`` (numpy's may differ in the last bit)
    and the four terms are added by Python's ``sum``, as NLTK does.
    """
    if len(n_ii) > _SCORED_AT_ONCE:  # the Python floats of the terms are few at a time
        return np.concatenate(
            [
                _likelihood_ratios(*(a[at : at + _SCORED_AT_ONCE] for a in (n_ii, n_ix, n_xi, n_xx)))
                for at in range(0, len(n_ii), _SCORED_AT_ONCE)
            ]
        )
    if not len(n_ii):
        return np.zeros(0, dtype=np.float64)
    terms = []
    for cell, argument in _table_cells(n_ii, n_ix, n_xi, n_xx):
        logs = np.fromiter(map(math.log, argument.tolist()), dtype=np.float64, count=len(argument))
        terms.append((cell * logs).tolist())
    return np.array([2 * sum(four) for four in zip(*terms, strict=True)], dtype=np.float64)


def _table_cells(
    n_ii: np.ndarray, n_ix: np.ndarray, n_xi: np.ndarray, n_xx: np.ndarray
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The four cells of each bigram's 2 x 2 contingency table, each with the argument of its logarithm
    in the likelihood ratio (observed over expected), as NLTK computes them, in NLTK's order."""
    n_ii = np.asarray(n_ii, dtype=np.float64)
    n_ix, n_xi, n_xx = (np.asarray(a, dtype=np.int64) for a in (n_ix, n_xi, n_xx))
    n_oi = n_xi - n_ii
    n_io = n_ix - n_ii
    cont = (n_ii, n_oi, n_io, n_xx - n_ii - n_oi - n_io)
    # sum(cont) of integral floats: exact in any order
    total = cont[0] + cont[1] + cont[2] + cont[3]
    cells = []
    for i in range(4):
        expected = (cont[i] + cont[i ^ 1]) * (cont[i] + cont[i ^ 2]) / total
        cells.append((cont[i], cont[i] / (expected + _SMALL) + _SMALL))
    return cells


def _string_ranks(words: list[str]) -> np.ndarray:
    """Each word's position in Python string order (``rank[code]``)."""
    order = np.argsort(np.array(words, dtype=object), kind="stable")
    rank = np.empty(len(words), dtype=np.int64)
    rank[order] = np.arange(len(words))
    return rank


def _token_blocks(
    coded: WordTokens, text_group: np.ndarray
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Blocks of whole texts of about :data:`_TOKEN_BLOCK` tokens: (codes, tokens per text, group per token).

    Codes and groups are new int64 arrays the caller may change; ``text_group`` gives each text's group.
    """
    ends = np.cumsum(coded.lengths)
    first = 0
    while first < len(text_group):
        start = int(ends[first - 1]) if first else 0
        last = max(int(np.searchsorted(ends, start + _TOKEN_BLOCK, side="right")), first + 1)
        lengths = coded.lengths[first:last]
        codes = coded.codes[start : int(ends[last - 1])].astype(np.int64)
        yield codes, lengths, np.repeat(text_group[first:last], lengths)
        first = last


# Distinctive wording in flat memory (issue 8): the texts are read a block at a time and only counts per
# group are kept. word_tokens_of holds a code per token (73 MB at 20,000 articles, 730 MB at 200,000).

_MERGE_AT = 1 << 18  # keys waiting before a merge, at least
_FIRST_WIDTH = 1 << 16  # code space of the words before the vocabulary outgrows it
_RECODED_AT_ONCE = 1 << 16  # keys recoded at once when the code space widens


@dataclass
class WordingCounts:
    """A corpus's word and bigram counts per group: everything :func:`term_counts` and :func:`collocations`
    read of its texts, and nothing per document or per token.

    Made by :func:`wording_counts`. Words are the lower-cased word tokens of
    :func:`framing.text.word_tokens`, coded in order of first appearance; a bigram is two consecutive
    tokens of one text. Its size grows with the vocabulary and the number of groups, not with the number
    of texts. :meth:`term_counts` and :meth:`collocations` give the tables of :func:`term_counts` and
    :func:`collocations` on the same texts and groups, identical (rows, order, values, dtypes).
    """

    groups: list[Any]  # the groups in table order (group code -> group)
    vocabulary: list[str]  # word code -> word
    word_keys: np.ndarray  # every (group, word) seen, as group * len(vocabulary) + word, increasing (int64)
    word_counts: np.ndarray  # its occurrences (int64)
    pair_keys: np.ndarray  # every (group, bigram) seen, as (group * n + first) * n + second, increasing
    pair_counts: np.ndarray  # its occurrences (int64)
    group_tokens: np.ndarray  # tokens per group (int64)
    group_bigrams: np.ndarray  # bigrams per group: a text of n > 0 tokens has n - 1 (int64)
    texts: int  # texts counted (those with a group)

    def term_counts(self) -> pd.DataFrame:
        """Tidy term counts per group (``group``, ``term``, ``count``): ``term_counts(texts, groups)``.

        Every word token with a letter is a term; only non-zero counts; sorted by group, then term.
        """
        columns = ["group", "term", "count"]
        if not self.texts or not int(self.group_tokens.sum()):
            return pd.DataFrame({c: pd.Series(dtype=object if c != "count" else np.int64) for c in columns})
        terms = np.array(self.vocabulary, dtype=object)
        n_terms = len(terms)
        rank = _string_ranks(self.vocabulary)
        has_letter = np.fromiter((bool(_LETTER.search(t)) for t in terms), dtype=bool, count=n_terms)
        group_of, word = np.divmod(self.word_keys, n_terms)
        worded = has_letter[word]
        group_of, word, counted = group_of[worded], word[worded], self.word_counts[worded]
        by_term = np.argsort(group_of * n_terms + rank[word])  # by group, then term in string order
        return pd.DataFrame(
            {
                "group": np.array(self.groups, dtype=object)[group_of[by_term]],
                "term": terms[word[by_term]],
                "count": counted[by_term],
            }
        )

    def collocations(
        self, *, top_n: int = 10, min_count: int = 3, common_words: int = 30, min_ratio: float = 2.0
    ) -> pd.DataFrame:
        """Each group's characteristic two-word phrases: ``collocations(texts, groups, ...)``.

        The options and the table are those of :func:`collocations`. The bigrams with one of the
        ``common_words`` were counted too (the common words are known only once every text is read);
        they are never candidates, and no statistic of a candidate reads their counts.
        """
        _check_collocation_options(top_n, min_count, common_words)
        n_words = len(self.vocabulary)
        words = _KeyCounts.counted(len(self.groups) * n_words, self.word_keys, self.word_counts)
        common = np.zeros(n_words, dtype=bool)
        common[_most_frequent(words.totals(n_words), self.vocabulary, common_words)] = True
        counts = _PhraseCounts(
            self.groups,
            self.vocabulary,
            words,
            self.group_tokens,
            self.group_bigrams,
            self.pair_keys,
            self.pair_counts,
        )
        return _scored_collocations(
            counts, top_n=top_n, min_count=min_count, min_ratio=min_ratio, common=common
        )


def wording_counts(
    texts: Iterable[Any], groups: Iterable[Hashable], *, jobs: int = 1, block: int = _TEXT_BLOCK
) -> WordingCounts:
    """Count the words and bigrams of ``texts`` per group, ``block`` texts at a time.

    ``texts`` is any iterable of strings: a list, a pandas column, or a
    :class:`framing.spool.DocumentTexts` (a spooled corpus's texts, read from disk a block at a time);
    ``groups`` gives the group of each text. Missing texts count as empty; texts whose group is missing
    are skipped (a logged warning), as :func:`term_counts` does. Only the counts are kept
    (:class:`WordingCounts`): memory grows with the vocabulary and the groups, not with the texts.
    ``jobs > 1`` tokenises and counts the blocks in that many worker processes.

    Each block is tokenised and its (group, word) and (group, bigram) pairs counted on their own; the
    counts are added to the totals, the block's words renumbered in order of first appearance in the
    corpus. Counts are sums and no bigram crosses a text, so none crosses a block: the totals, and the
    tables made from them, are those of counting every token at once, whatever ``block`` and ``jobs``.

    >>> counts = wording_counts(["They blamed Kyiv", "Kyiv denied it"], ["A", "B"])
    >>> counts.term_counts()["count"].tolist()
    [1, 1, 1, 1, 1, 1]
    """
    check_jobs(jobs)
    check_positive(block, "block")
    group_list = list(groups)
    if isinstance(texts, Sized) and not isinstance(texts, str) and len(texts) != len(group_list):
        raise OptionError(
            f"texts and groups differ in length ({len(texts)} vs {len(group_list)}); pass one group per text"
        )
    missing = [_is_missing(g) for g in group_list]
    skipped = sum(missing)
    if skipped:
        logger.warning("%d text(s) without a group were skipped", skipped)
    order = sorted_groups({g for g, gone in zip(group_list, missing, strict=True) if not gone})
    position = {g: i for i, g in enumerate(order)}
    group_codes = np.array(
        [-1 if gone else position[g] for g, gone in zip(group_list, missing, strict=True)], dtype=np.int64
    )
    del group_list, missing
    tally = _Tally(len(order))
    blocks = _grouped_blocks(texts, group_codes, int(block))
    # The command's mapping rule (framing._memory) gave each of the hundreds of arrays of a few MB that
    # the blocks' counts and merges make and free a mapping of its own, paged in afresh: 640,000 to
    # 800,000 page faults in this process at 20,000 articles (1.1 s of system time). Here they come from
    # the heap, which keeps the freed pages for the next block and hands them back at the end (the
    # workers, forked inside, keep the heap's pages for their whole life: their memory is a block's).
    with heap_for_temporaries() as kept:
        # Without the rule, each block's freed pages are given back before the next: glibc's moving
        # mmap threshold serves the next blocks' arrays from the heap, between live objects, and at
        # 20,000 articles the resident set rose by 46 MB over 25 blocks without the trims, flat with
        # them (a trim takes well under a millisecond)
        if jobs == 1:
            for text_block, block_groups in blocks:
                tally.add(block_groups, _count_block(text_block, block_groups))
                if not kept:
                    return_freed_memory()
        else:
            calls = ((block_groups, (text_block, block_groups)) for text_block, block_groups in blocks)
            with ProcessPoolExecutor(max_workers=int(jobs)) as pool:
                for block_groups, part in submitted_in_order(pool, _count_block, calls, ahead=2 * int(jobs)):
                    tally.add(block_groups, part)
                    if not kept:
                        return_freed_memory()
        return tally.finish(order)


def _grouped_blocks(
    texts: Iterable[Any], group_codes: np.ndarray, size: int
) -> Iterator[tuple[list[str], np.ndarray]]:
    """``size`` texts at a time with their group codes; texts of group -1 (missing) are left out."""
    n_groups = len(group_codes)
    block: list[str] = []
    block_groups: list[int] = []
    read = 0
    for text in texts:
        if read == n_groups:
            raise OptionError(
                f"texts and groups differ in length (more than {n_groups} texts); pass one group per text"
            )
        group = int(group_codes[read])
        read += 1
        if group < 0:
            continue
        block.append("" if _is_missing(text) else str(text))
        block_groups.append(group)
        if len(block) == size:
            yield block, np.array(block_groups, dtype=np.int64)
            block, block_groups = [], []
    if read != n_groups:
        raise OptionError(
            f"texts and groups differ in length ({read} vs {n_groups}); pass one group per text"
        )
    if block:
        yield block, np.array(block_groups, dtype=np.int64)


_BlockCounts = tuple[list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _count_block(texts: list[str], groups: np.ndarray) -> _BlockCounts:
    """One block's counts, with codes local to the block (run in a worker process when ``jobs > 1``).

    Returns the block's words (local code -> word, in order of first appearance), each text's number
    of tokens, and the distinct keys ``group * n + word`` and ``(group * n + first) * n + second``
    (``n`` words in the block) with their counts.
    """
    index = first_seen_numbers()
    block_codes, block_lengths = _code_block(texts, _word_tokens, index)
    codes = block_codes.astype(np.int64)
    lengths = np.array(block_lengths, dtype=np.int64)
    del block_codes, block_lengths
    n_words = len(index)
    if len(groups) and (int(groups.max()) + 1) * n_words * n_words >= 2**63:
        raise OptionError(f"too many distinct words ({n_words:,}) to code bigrams per group in 64 bits")
    group_of = np.repeat(groups, lengths)
    word_keys, word_counts = _distinct(
        group_of * n_words + codes, (int(groups.max()) + 1 if len(groups) else 0) * n_words
    )
    follows = np.ones(max(len(codes) - 1, 0), dtype=bool)  # token i and token i + 1 are of one text
    text_ends = np.cumsum(lengths)[:-1]
    follows[text_ends[(text_ends > 0) & (text_ends < len(codes))] - 1] = False
    where = np.flatnonzero(follows)
    pairs = group_of[where]
    pairs *= n_words
    pairs += codes[where]
    pairs *= n_words
    pairs += codes[where + 1]
    del group_of, follows, where, codes
    pair_keys, pair_counts = np.unique(pairs, return_counts=True)
    return list(index), lengths, word_keys, word_counts, pair_keys, pair_counts.astype(np.int64, copy=False)


def _distinct(keys: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct ``keys`` (in ``range(size)``), increasing, and their counts (int64).

    A small key space is counted in a dense array (``np.bincount``: no sorting).
    """
    if size > _DENSE_KEYS:
        distinct, counts = np.unique(keys, return_counts=True)
        return distinct, counts.astype(np.int64, copy=False)
    counts = np.bincount(keys, minlength=size)
    distinct = np.flatnonzero(counts)
    return distinct, counts[distinct].astype(np.int64, copy=False)


class _MergedCounts:
    """Counts of int64 keys added a part at a time: ``keys`` (distinct, increasing) and their ``counts``.

    Parts wait until they hold a quarter as many keys as the merged counts (at least
    :data:`_MERGE_AT`); then they are sorted and summed, their counts of keys already held are added
    in place and their new keys inserted (one copy of the merged arrays): a merge needs about twice
    the merged counts' memory, not the several sorted copies of sorting everything again.
    """

    def __init__(self) -> None:
        self.keys = np.zeros(0, dtype=np.int64)
        self.counts = np.zeros(0, dtype=np.int64)
        self._parts: list[tuple[np.ndarray, np.ndarray]] = []
        self._waiting = 0

    def add(self, keys: np.ndarray, counts: np.ndarray) -> None:
        self._parts.append((keys, counts))
        self._waiting += len(keys)
        if self._waiting >= max(len(self.keys) // 4, _MERGE_AT):
            self.merge()

    def merge(self) -> None:
        if not self._parts:
            return
        keys = np.concatenate([k for k, _ in self._parts])
        counts = np.concatenate([c for _, c in self._parts])
        self._parts, self._waiting = [], 0
        keys, counts = _summed(keys, counts, np.argsort(keys))
        at = np.searchsorted(self.keys, keys)
        held = np.flatnonzero(at < len(self.keys))
        held = held[self.keys[at[held]] == keys[held]]
        self.counts[at[held]] += counts[held]  # keys are distinct: no index repeats
        new = np.ones(len(keys), dtype=bool)
        new[held] = False
        self.keys = np.insert(self.keys, at[new], keys[new])
        self.counts = np.insert(self.counts, at[new], counts[new])

    def rekey(self, recode: Callable[[np.ndarray], np.ndarray]) -> None:
        """Apply ``recode`` (increasing) to every key, merged or waiting, in place a slice at a time.

        Recoding all keys at once made several temporary arrays as large as the counts.
        """
        for keys in [self.keys, *(k for k, _ in self._parts)]:
            for start in range(0, len(keys), _RECODED_AT_ONCE):
                stop = start + _RECODED_AT_ONCE
                keys[start:stop] = recode(keys[start:stop])


def _summed(keys: np.ndarray, counts: np.ndarray, order: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct ``keys`` in ``order`` (which sorts them) and their summed ``counts``."""
    keys, counts = keys[order], counts[order]
    if not len(keys):
        return keys, counts
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    return keys[starts], np.add.reduceat(counts, starts)


class _Tally:
    """The running totals of :func:`wording_counts`: the vocabulary and the merged counts per group.

    Keys are coded with a word space ``width`` at least as large as the vocabulary; when the vocabulary
    outgrows it, it is widened (at least doubled) and every key recoded, which keeps their order.
    """

    def __init__(self, n_groups: int) -> None:
        self.n_groups = n_groups
        self.index = first_seen_numbers()
        # the widest word space whose bigram keys fit in 64 bits: n_groups * width**2 < 2**63
        self.limit = math.isqrt((2**63 - 1) // max(n_groups, 1))
        self.width = min(_FIRST_WIDTH, self.limit)
        self.words = _MergedCounts()
        self.pairs = _MergedCounts()
        self.tokens = np.zeros(n_groups, dtype=np.int64)
        self.bigrams = np.zeros(n_groups, dtype=np.int64)
        self.texts = 0

    def add(self, groups: np.ndarray, part: _BlockCounts) -> None:
        words, lengths, word_keys, word_counts, pair_keys, pair_counts = part
        self.texts += len(lengths)
        np.add.at(self.tokens, groups, lengths)
        np.add.at(self.bigrams, groups, np.maximum(lengths - 1, 0))
        if not words:
            return
        index = self.index
        # the block's words are distinct and in order of first appearance: the new ones get the next codes
        renumber = np.fromiter(map(index.__getitem__, words), dtype=np.int64, count=len(words))
        self._widen(len(index))
        n_local, width = len(words), self.width
        group_of, word = np.divmod(word_keys, n_local)
        self.words.add(group_of * width + renumber[word], word_counts)
        group_of, pair = np.divmod(pair_keys, n_local * n_local)
        first, second = np.divmod(pair, n_local)
        del pair
        keys = group_of * width
        keys += renumber[first]
        keys *= width
        keys += renumber[second]
        del group_of, first, second
        self.pairs.add(keys, pair_counts)

    def _widen(self, n_words: int) -> None:
        if n_words <= self.width:
            return
        if n_words > self.limit:
            raise OptionError(f"too many distinct words ({n_words:,}) to code bigrams per group in 64 bits")
        self._recode(min(max(2 * self.width, n_words), self.limit))

    def _recode(self, width: int) -> None:
        old = self.width

        def words(keys: np.ndarray) -> np.ndarray:
            group_of, word = np.divmod(keys, old)
            return group_of * width + word

        def pairs(keys: np.ndarray) -> np.ndarray:
            group_of, pair = np.divmod(keys, old * old)
            first, second = np.divmod(pair, old)
            return (group_of * width + first) * width + second

        self.words.rekey(words)
        self.pairs.rekey(pairs)
        self.width = width

    def finish(self, groups: list[Any]) -> WordingCounts:
        self.index.default_factory = None
        self.words.merge()
        self.pairs.merge()
        if self.index and self.width != len(self.index):
            self._recode(len(self.index))  # keys in the vocabulary's own code space, as collocations() has
        return WordingCounts(
            groups=groups,
            vocabulary=list(self.index),
            word_keys=self.words.keys,
            word_counts=self.words.counts,
            pair_keys=self.pairs.keys,
            pair_counts=self.pairs.counts,
            group_tokens=self.tokens,
            group_bigrams=self.bigrams,
            texts=self.texts,
        )
