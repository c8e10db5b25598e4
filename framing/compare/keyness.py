"""Distinctive wording: term counts per group, log-odds ratios with a Dirichlet prior, collocations."""

from __future__ import annotations

import itertools
import logging
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable

import numpy as np
import pandas as pd

from framing.compare._checks import finish, integral, require_columns, sorted_groups

__all__ = ["collocations", "distinctive_terms", "term_counts"]

logger = logging.getLogger("framing.compare")


def term_counts(
    texts: Iterable[str],
    groups: Iterable[Hashable],
    *,
    vocabulary: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Tidy term counts per group (``group``, ``term``, ``count``) from raw texts.

    Texts are split with :func:`framing.text.word_tokens` (lower-cased word tokens). Without
    ``vocabulary`` every word token is a term. With ``vocabulary`` only those terms are counted; a
    multi-word term (``"held responsible"``) is counted as the n-gram of its word tokens, every start
    position counts (so ``"blame"`` and ``"to blame"`` may both count the same token), and terms are
    reported in their normalised form (word tokens joined by one space). Only non-zero counts appear;
    rows are sorted by group and term. Missing texts count as empty; documents whose group is missing
    are skipped with a logged warning.

    >>> term_counts(["They blamed Kyiv", "Kyiv denied it"], ["A", "B"], vocabulary=["Kyiv"])
      group  term  count
    0     A  kyiv      1
    1     B  kyiv      1
    """
    from framing.text import word_tokens

    texts = list(texts)
    groups = list(groups)
    if len(texts) != len(groups):
        raise ValueError(f"texts and groups differ in length ({len(texts)} vs {len(groups)})")
    grams: dict[int, dict[tuple[str, ...], str]] = defaultdict(dict)
    if vocabulary is not None:
        if isinstance(vocabulary, str):
            raise ValueError("vocabulary must be a collection of terms, not a single string")
        for term in vocabulary:
            tokens = tuple(word_tokens(str(term)))
            if not tokens:
                raise ValueError(f"vocabulary term {term!r} contains no word tokens")
            grams[len(tokens)][tokens] = " ".join(tokens)
    counts: dict[Hashable, Counter[str]] = defaultdict(Counter)
    skipped = 0
    for text, group in zip(texts, groups, strict=True):
        if group is None or (not isinstance(group, str) and pd.isna(group)):
            skipped += 1
            continue
        if text is None or (not isinstance(text, str) and pd.isna(text)):
            text = ""
        tokens = word_tokens(str(text))
        if vocabulary is None:
            counts[group].update(tokens)
            continue
        for n, wanted in grams.items():
            found = Counter(zip(*(tokens[i:] for i in range(n)), strict=False))
            for gram, term in wanted.items():
                if found[gram]:
                    counts[group][term] += found[gram]
    if skipped:
        logger.warning("%d text(s) without a group were skipped", skipped)
    rows = [
        (group, term, count)
        for group in sorted_groups(counts)
        for term, count in sorted(counts[group].items())
        if count > 0
    ]
    out = pd.DataFrame(rows, columns=["group", "term", "count"])
    out["count"] = out["count"].astype(np.int64)
    return out


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
    if prior_scale is not None and not prior_scale > 0:
        raise ValueError(f"prior_scale must be positive, got {prior_scale!r}")
    if top_n is not None and top_n < 1:
        raise ValueError(f"top_n must be a positive integer or None, got {top_n!r}")
    table = term_counts[["group", "term", "count"]].copy()
    if table["group"].isna().any() or table["term"].isna().any():
        raise ValueError("term count table has missing values in 'group' or 'term'")
    table["count"] = pd.to_numeric(table["count"], errors="coerce")
    if table["count"].isna().any() or (table["count"] < 0).any():
        raise ValueError("term count table: 'count' must be non-negative numbers")
    wide = table.pivot_table(index="group", columns="term", values="count", aggfunc="sum", fill_value=0)
    groups = sorted_groups(wide.index.tolist())
    terms = sorted(wide.columns.tolist(), key=str)
    wide = wide.reindex(index=groups, columns=terms, fill_value=0)
    if len(groups) < 2:
        raise ValueError(f"distinctive_terms needs at least 2 groups, found {len(groups)}")
    y = wide.to_numpy(dtype=float)
    corpus = y.sum(axis=0)
    used = corpus > 0
    if used.sum() < 2:
        raise ValueError("distinctive_terms needs at least 2 terms with a positive count")
    y, corpus = y[:, used], corpus[used]
    terms = [t for t, u in zip(terms, used, strict=True) if u]
    total = corpus.sum()
    n_i = y.sum(axis=1)
    a0 = float(prior_scale) if prior_scale is not None else float(n_i.mean())
    a = a0 * corpus / total
    y_j = corpus - y
    n_j = total - n_i
    delta = np.log((y + a) / (n_i[:, None] + a0 - y - a)) - np.log((y_j + a) / (n_j[:, None] + a0 - y_j - a))
    variance = 1 / (y + a) + 1 / (y_j + a)
    z = delta / np.sqrt(variance)
    g_count, t_count = y.shape
    out = pd.DataFrame(
        {
            "group": np.repeat(np.array(groups, dtype=object), t_count),
            "term": np.tile(np.array(terms, dtype=object), g_count),
            "count_group": y.ravel(),
            "count_rest": y_j.ravel(),
            "total_group": np.repeat(n_i, t_count),
            "total_rest": np.repeat(n_j, t_count),
            "prior_count": np.tile(a, g_count),
            "prior_total": a0,
            "log_odds_ratio": delta.ravel(),
            "variance": variance.ravel(),
            "z_score": z.ravel(),
        }
    )
    out = out[out["count_group"] + out["count_rest"] >= min_count]
    out["_g"] = out["group"].map({g: i for i, g in enumerate(groups)})
    out["_t"] = out["term"].astype(str)
    out = out.sort_values(["_g", "z_score", "_t"], ascending=[True, False, True], kind="mergesort")
    if top_n is not None:
        out = out.groupby("_g", sort=False).head(top_n)
    out = out.drop(columns=["_g", "_t"])
    out = integral(out, ["count_group", "count_rest", "total_group", "total_rest"])
    return finish(out, {}, prior_total=a0, min_count=min_count)


def collocations(
    texts: Iterable[str],
    groups: Iterable[Hashable],
    *,
    top_n: int = 10,
    min_count: int = 3,
    common_words: int = 30,
    min_ratio: float = 2.0,
) -> pd.DataFrame:
    """Each group's characteristic two-word phrases ("Kyiv regime", "claimed responsibility").

    Bigrams of word tokens (lower-cased, never across documents) are scored within each group by
    Dunning's log-likelihood ratio (NLTK's ``BigramCollocationFinder``): how much more often the two
    words occur together than their separate frequencies predict. Bigrams seen fewer than ``min_count``
    times in the group, or containing one of the corpus's ``common_words`` most frequent words (its
    function words, found from the data so no stop-word list is needed), are left out, and so are
    phrases the group does not use at least ``min_ratio`` times as often as the rest (per bigram, with
    half a count added to the rest so that phrases absent elsewhere get a finite ratio): shared
    phrases such as the event's name are collocations everywhere and characterise nobody.

    Returns one row per (group, phrase): ``group``, ``phrase``, ``count_group`` (occurrences in the
    group), ``count_rest`` (in all other groups), ``ratio_vs_rest`` (the over-representation above),
    ``likelihood_ratio`` and ``rank`` (1 = strongest), the ``top_n`` best per group.
    """
    from nltk.collocations import BigramCollocationFinder
    from nltk.metrics import BigramAssocMeasures

    from framing.text import word_tokens

    texts, groups = list(texts), list(groups)
    if len(texts) != len(groups):
        raise ValueError(f"texts and groups differ in length ({len(texts)} vs {len(groups)})")
    tokenised: dict[Hashable, list[list[str]]] = defaultdict(list)
    frequency: Counter[str] = Counter()
    bigrams: dict[Hashable, Counter[tuple[str, str]]] = defaultdict(Counter)
    for text, group in zip(texts, groups, strict=True):
        if group is None or (not isinstance(group, str) and pd.isna(group)):
            continue
        tokens = word_tokens("" if text is None or (not isinstance(text, str) and pd.isna(text)) else text)
        tokenised[group].append(tokens)
        frequency.update(tokens)
        bigrams[group].update(itertools.pairwise(tokens))
    common = {word for word, _ in sorted(frequency.items(), key=lambda i: (-i[1], i[0]))[:common_words]}
    total: Counter[tuple[str, str]] = Counter()
    for counts in bigrams.values():
        total.update(counts)
    all_bigrams = sum(total.values())
    rows = []
    for group in sorted_groups(tokenised):
        finder = BigramCollocationFinder.from_documents(tokenised[group])
        finder.apply_freq_filter(min_count)
        finder.apply_word_filter(lambda word: word in common)
        in_group = sum(bigrams[group].values())
        in_rest = max(all_bigrams - in_group, 1)
        scored = []
        for pair, score in finder.score_ngrams(BigramAssocMeasures.likelihood_ratio):
            own = bigrams[group][pair]
            rest = total[pair] - own
            ratio = (own / in_group) / ((rest + 0.5) / in_rest)
            if ratio >= min_ratio:
                scored.append((-float(score), pair, own, rest, ratio))
        scored.sort()
        for rank, (negative_score, pair, own, rest, ratio) in enumerate(scored[:top_n], start=1):
            rows.append((group, " ".join(pair), own, rest, ratio, -negative_score, rank))
    columns = ["group", "phrase", "count_group", "count_rest", "ratio_vs_rest", "likelihood_ratio", "rank"]
    return pd.DataFrame(rows, columns=columns)
