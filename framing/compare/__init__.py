"""Comparison statistics: how do outlets (or any other document groups) differ in their framing cues?

Every function takes the tables produced by the rest of the toolkit and returns a **tidy** pandas
``DataFrame`` (one row per group and cue, per pair of groups and cue, ...) in which every statistic sits
beside the counts and denominators it was computed from, so a reader can check any number by hand.

Modules (one per family of statistics; every public name is importable from ``framing.compare``)
-------------------------------------------------------------------------------------------------
* :mod:`~framing.compare.resampling`: seeded streams, bootstrap intervals, permutation tests,
  Benjamini–Hochberg q-values, Cliff's delta.
* :mod:`~framing.compare.rates`: :func:`outlet_summary`, :func:`omnibus_tests`,
  :func:`pairwise_contrasts`, :func:`group_vs_rest`.
* :mod:`~framing.compare.time`: :func:`rates_over_time`.
* :mod:`~framing.compare.keyness`: :func:`term_counts`, :func:`distinctive_terms`, :func:`collocations`,
  :func:`wording_counts` (both tables' counts, texts read a block at a time).
* :mod:`~framing.compare.blame`: :func:`blame_matrix`, :func:`blamer_blamed`, :func:`blame_association`.
* :mod:`~framing.compare.separability`: :func:`separability` and its :class:`Separability` result.
* :mod:`~framing.compare.within`: :func:`within_story`, :func:`story_fixed_effects` (comparisons within
  the same stories, from :func:`framing.stories.cluster_stories`).
* :mod:`~framing.compare.clustered`: outlet-clustered bootstrap and permutation (``cluster=`` of
  :func:`outlet_summary`, :func:`omnibus_tests`, :func:`pairwise_contrasts`, :func:`group_vs_rest`).
* :mod:`~framing.compare.rate_model`: :func:`rate_model` (negative-binomial incidence-rate ratios).
* ``_checks``: the input validation shared by all of them.

Conventions shared by all functions
-----------------------------------
* **Rates** are per 1,000 word tokens. A *pooled rate* is ``sum(matches) / sum(tokens) * 1000`` over the
  documents of a group; a *mean rate* is the unweighted mean of the documents' own ``<cue>_rate``
  columns (every document counts once, whatever its length).
* **Groups** are the distinct non-missing values of the column named by ``by`` (``"outlet"`` by default;
  any metadata column such as ``outlet_type`` or ``country`` works). They are listed in sorted order,
  unless ``order=`` gives them explicitly; documents of groups left out of ``order`` are excluded (and
  counted in ``df.attrs["excluded_documents"]``). Documents whose group is missing are excluded too
  (``df.attrs["ungrouped_documents"]``), as are documents with no tokens (``df.attrs["empty_documents"]``),
  which have no rate. Each exclusion is logged.
* **Cues** default to the cue families of the table, read from its columns
  (:func:`framing.features.cue_families`: ``X_count``, ``X_negated``, ``X_present`` and ``X_rate`` all
  present), so a merged table or one read back from CSV gives the same cues; then to
  ``features.attrs["cue_families"]``; then, for a table with only count and rate columns, to every name
  ``X`` with both ``X_count`` and ``X_rate``, in sorted order.
* ``drop_duplicates=True`` drops syndicated copies: rows whose ``duplicate_of`` is not null (nor an empty
  string), when that column exists. The number dropped is in ``df.attrs["duplicates_dropped"]``.
* **Randomness** is seeded and reproducible: random streams are ``numpy.random.default_rng([seed, k...])``
  where the ``k`` are ``zlib.crc32`` keys of the group (and cue) names (see :func:`stream_key`), so a
  stream belongs to its group (or pair of groups) and adding or removing another group or cue never
  changes a result. The seed is written in a ``seed`` column and in ``df.attrs["seed"]``.
* **Clusters**: with ``cluster="outlet"`` and groups that hold several outlets (``by="leaning"``),
  intervals resample and tests permute whole outlets, tables gain ``n_clusters`` columns and a ``note``,
  and tests with fewer than :data:`MIN_CLUSTERS` outlets on a side are refused (no p-value); when every
  group is one outlet the tables are unchanged (see :mod:`~framing.compare.clustered`).
* Rows are sorted deterministically (group order, then cue order) and documents are put in ``doc_id``
  order before resampling, so results do not depend on the row order of the input.
* **Errors** are one line: a bad option (seed outside ``0 <= seed < 2**32``, a non-positive number of
  resamples, an unknown cue, grouping ``by`` an id, count or feature column such as ``doc_id``,
  ``tokens`` or ``blame_count``, a misspelt group in ``order``) raises
  :class:`~framing.errors.OptionError`; a table that cannot be used (missing column, non-numeric
  counts, dates that are not ISO dates) raises :class:`~framing.errors.InputError` naming the table.
  Both are ``ValueError`` subclasses. Data with nothing to test (no cue match anywhere, one term)
  gives well-formed tables; :func:`omnibus_tests` and :func:`distinctive_terms` say in
  ``attrs["note"]`` why a statistic is undefined.
* **Speed**: statistics are computed on per-document numpy arrays; the resamples and permutations of
  a group or pair are drawn as matrices in cache-sized blocks (same numbers as one single draw).

>>> import pandas as pd
>>> features = pd.DataFrame({
...     "doc_id": ["a1", "a2", "b1"], "outlet": ["A", "A", "B"], "tokens": [100, 300, 200],
...     "blame_count": [1, 0, 4], "blame_rate": [10.0, 0.0, 20.0]})
>>> outlet_summary(features, n_resamples=1000)[["outlet", "cue", "matches", "tokens", "pooled_rate"]]
  outlet    cue  matches  tokens  pooled_rate
0      A  blame        1     400          2.5
1      B  blame        4     200         20.0
"""

from __future__ import annotations

from framing.compare._checks import (
    MIN_RESAMPLES,
    check_by,
    check_confidence,
    check_group_column,
    check_resamples,
    check_seed,
    finish,
    group_order,
    integral,
    is_null_like,
    prepare_features,
    present_groups,
    require_columns,
    resolve_cues,
    sorted_groups,
)
from framing.compare.blame import blame_association, blame_matrix, blamer_blamed
from framing.compare.clustered import MIN_CLUSTERS
from framing.compare.keyness import (
    WordingCounts,
    WordTokens,
    collocations,
    distinctive_terms,
    term_counts,
    word_tokens_of,
    wording_counts,
)
from framing.compare.rate_model import RATE_MODEL_COLUMNS, rate_model
from framing.compare.rates import REST, group_vs_rest, omnibus_tests, outlet_summary, pairwise_contrasts
from framing.compare.resampling import (
    CHUNK_CELLS,
    benjamini_hochberg,
    bootstrap_ci,
    bootstrap_means,
    cliffs_delta,
    permutation_diffs,
    stream_key,
)
from framing.compare.separability import Separability, separability
from framing.compare.time import Freq, rates_over_time
from framing.compare.within import story_fixed_effects, within_story

__all__ = [
    "MIN_CLUSTERS",
    "MIN_RESAMPLES",
    "RATE_MODEL_COLUMNS",
    "REST",
    "Freq",
    "Separability",
    "WordTokens",
    "WordingCounts",
    "benjamini_hochberg",
    "blame_association",
    "blame_matrix",
    "blamer_blamed",
    "bootstrap_ci",
    "check_group_column",
    "check_seed",
    "cliffs_delta",
    "collocations",
    "distinctive_terms",
    "group_vs_rest",
    "omnibus_tests",
    "outlet_summary",
    "pairwise_contrasts",
    "rate_model",
    "rates_over_time",
    "separability",
    "sorted_groups",
    "story_fixed_effects",
    "stream_key",
    "term_counts",
    "within_story",
    "word_tokens_of",
    "wording_counts",
]

# The private names of the former single module framing/compare.py, kept importable for code that still
# uses them (framing.report calls compare._sorted_groups).
_sorted_groups = sorted_groups
_present_groups = present_groups
_group_order = group_order
_is_null_like = is_null_like
_prepare_features = prepare_features
_require_columns = require_columns
_resolve_cues = resolve_cues
_finish = finish
_check_by = check_by
_check_resamples = check_resamples
_check_seed = check_seed
_check_confidence = check_confidence
_integral = integral
_bootstrap_means = bootstrap_means
_permutation_diffs = permutation_diffs
_CHUNK_CELLS = CHUNK_CELLS
