"""Within-story comparison: do groups frame *the same stories* differently?

An outlet can have a higher emotive rate only because it covered more violent stories. Given the stories
of :func:`framing.stories.cluster_stories` (a ``doc_id`` -> ``story_id`` table), these functions compare
groups on the stories they both covered, so the story mix drops out:

* :func:`within_story`: for each pair of groups and cue, the paired difference per shared story (the mean
  rate of group A's documents in the story minus group B's), averaged over the shared stories, with a
  bootstrap interval over stories and a sign-flip permutation test (each story's difference keeps its
  size and flips its sign at random; exact over all flips up to 12 stories).
* :func:`story_fixed_effects`: each group's mean deviation from the story's own level (the group's mean
  rate in a story minus the mean over the groups covering that story, stories covered by at least two
  groups only): a story-demeaned (fixed-effects) rate per group, with a bootstrap interval over its
  stories.

Rates are per 1,000 word tokens, as everywhere in :mod:`framing.compare`; a document counts once whatever
its length. Documents missing from the story table, and stories covered by one group only, take no part
(counted in ``attrs``). The random streams follow the package's convention: ``default_rng([seed,
stream_key(a), stream_key(b)])`` per pair (resampling), the same with ``stream_key("sign-flip")`` appended
for the permutation test, ``default_rng([seed, stream_key(group)])`` per group.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Hashable, Sequence

import numpy as np
import pandas as pd

from framing.compare._checks import (
    check_by,
    check_confidence,
    check_resamples,
    check_seed,
    finish,
    input_error,
    prepare_features,
    require_columns,
)
from framing.compare._linalg import one_blas_thread
from framing.compare.resampling import benjamini_hochberg, bootstrap_means, stream_key

__all__ = ["EXACT_SIGN_FLIP_STORIES", "story_fixed_effects", "within_story"]

log = logging.getLogger(__name__)

#: Up to this many shared stories the sign-flip test enumerates all 2**n flips (exact p-value).
EXACT_SIGN_FLIP_STORIES = 12


def _story_cells(
    features: pd.DataFrame,
    stories: pd.DataFrame,
    *,
    cue: str | Sequence[str] | None,
    by: str,
    order: Sequence[Hashable] | None,
    drop_duplicates: bool,
) -> tuple[pd.DataFrame, pd.DataFrame, list[str], list[Hashable], dict]:
    """Per-document rates with their story (NaN when the story table lacks the document), and per
    (story, group) mean rates and document counts of the documents that have a story."""
    require_columns(features, ["doc_id"], "feature")
    if not isinstance(stories, pd.DataFrame):
        raise input_error("story table", f"expected a DataFrame, not {type(stories).__name__}")
    require_columns(stories, ["doc_id", "story_id"], "story")
    if stories["doc_id"].duplicated().any():
        raise input_error(
            "story table",
            "a doc_id occurs more than once",
            "pass the output of framing.stories.cluster_stories",
        )
    check_by(by, ["story_id"])
    data, cues, groups, meta = prepare_features(
        features, cues=cue, by=by, order=order, drop_duplicates=drop_duplicates
    )
    story_of = stories.set_index(stories["doc_id"].astype(str))["story_id"]
    data["story_id"] = data["doc_id"].astype(str).map(story_of)
    meta["documents_without_story"] = int(data["story_id"].isna().sum())
    if meta["documents_without_story"]:
        # left out of the story comparisons; they still count in the overall rates (overall_difference)
        log.warning(
            "%d document(s) are not in the story table and are left out", meta["documents_without_story"]
        )
    rates = [f"{c}_rate" for c in cues]
    grouped = data[data["story_id"].notna()].groupby(["story_id", "_group_pos"], sort=True)
    cells = grouped[rates].mean()
    cells["documents"] = grouped.size()
    return data, cells.reset_index(), cues, groups, meta


def _sign_flip_p(differences: np.ndarray, n_flips: int, rng: np.random.Generator) -> np.ndarray:
    """Two-sided p-values of mean differences (stories x cues) under random sign flips per story."""
    n = differences.shape[0]
    observed = np.abs(differences.mean(axis=0))
    exact = n <= EXACT_SIGN_FLIP_STORIES
    if exact:  # every one of the 2**n flips
        signs = 1 - 2 * ((np.arange(2**n)[:, None] >> np.arange(n)) & 1)
    else:
        signs = rng.choice(np.array([-1.0, 1.0]), size=(n_flips, n))
    with one_blas_thread():  # the same bits on any number of cores (framing.compare._linalg)
        flipped = np.abs(signs @ differences / n)
    # a tolerance so that a flip giving the observed value exactly is counted despite rounding
    extreme = (flipped >= observed - 1e-12 * np.maximum(1.0, observed)).sum(axis=0)
    return extreme / len(signs) if exact else (1 + extreme) / (1 + n_flips)


def within_story(
    features: pd.DataFrame,
    stories: pd.DataFrame,
    *,
    cue: str | Sequence[str] | None = None,
    by: str = "outlet",
    order: Sequence[Hashable] | None = None,
    n_resamples: int = 2000,
    n_permutations: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
    drop_duplicates: bool = False,
) -> pd.DataFrame:
    """Paired within-story differences of cue rates between every pair of groups.

    ``features`` is a per-document feature table (``doc_id``, ``by``, ``tokens``, ``<cue>_count`` and
    ``<cue>_rate``, as from :func:`framing.extract`); ``stories`` maps ``doc_id`` to ``story_id`` (the
    output of :func:`framing.stories.cluster_stories`).

    Returns:
        One row per pair of groups (in group order) and cue: ``group_a``, ``group_b``, ``cue``,
        ``stories`` (covered by both), ``documents_a``/``documents_b`` (their documents in those stories),
        ``mean_rate_a``/``mean_rate_b`` (mean over the shared stories of each group's mean rate in the
        story, per 1,000 tokens), ``difference`` (A minus B, the mean of the per-story differences),
        ``ci_low``/``ci_high`` (percentile bootstrap over shared stories), ``p_value`` (sign-flip test,
        two-sided), ``q_value`` (Benjamini-Hochberg over the table), ``overall_difference`` (the
        difference of the groups' mean rates over all their documents, stories ignored: compare it
        with ``difference`` to see how much the story mix explains), ``seed``, ``n_resamples``.
        Pairs without a shared story have ``stories`` 0 and NaN statistics.

    >>> features = pd.DataFrame({"doc_id": ["a1", "a2", "b1", "b2"], "outlet": ["A", "A", "B", "B"],
    ...     "tokens": [100] * 4, "emotive_count": [4, 1, 2, 0], "emotive_rate": [40.0, 10.0, 20.0, 0.0]})
    >>> stories = pd.DataFrame({"doc_id": ["a1", "b1", "a2", "b2"], "story_id": [1, 1, 2, 2]})
    >>> within_story(features, stories, n_resamples=1000)[["group_a", "group_b", "stories", "difference"]]
      group_a group_b  stories  difference
    0       A       B        2        15.0
    """
    check_resamples(n_resamples, "n_resamples")
    check_resamples(n_permutations, "n_permutations")
    check_confidence(confidence)
    check_seed(seed)
    data, cells, cues, groups, meta = _story_cells(
        features, stories, cue=cue, by=by, order=order, drop_duplicates=drop_duplicates
    )
    rates = [f"{c}_rate" for c in cues]
    tail = (1 - confidence) / 2 * 100
    overall = data.groupby("_group_pos")[rates].mean()
    wide = {pos: table.set_index("story_id") for pos, table in cells.groupby("_group_pos")}
    rows = []
    for (pa, a), (pb, b) in itertools.combinations(enumerate(groups), 2):
        left, right = wide.get(pa), wide.get(pb)
        shared = left.index.intersection(right.index) if left is not None and right is not None else []
        n = len(shared)
        stats = {c: dict.fromkeys(("mean_rate_a", "mean_rate_b", "difference", "ci_low", "ci_high",
                                   "p_value"), np.nan) for c in cues}  # fmt: skip
        if n:
            values_a = left.loc[shared, rates].to_numpy(dtype=float)
            values_b = right.loc[shared, rates].to_numpy(dtype=float)
            differences = values_a - values_b
            rng = np.random.default_rng([seed, stream_key(a), stream_key(b)])
            means = bootstrap_means(differences, n_resamples, rng)
            low, high = np.percentile(means, [tail, 100 - tail], axis=0)
            flips = np.random.default_rng([seed, stream_key(a), stream_key(b), stream_key("sign-flip")])
            p_values = _sign_flip_p(differences, n_permutations, flips)
            for k, c in enumerate(cues):
                stats[c] = {
                    "mean_rate_a": values_a[:, k].mean(),
                    "mean_rate_b": values_b[:, k].mean(),
                    "difference": differences[:, k].mean(),
                    "ci_low": low[k] if n > 1 else np.nan,
                    "ci_high": high[k] if n > 1 else np.nan,
                    "p_value": p_values[k],
                }
        for k, c in enumerate(cues):
            rows.append(
                {
                    "group_a": a,
                    "group_b": b,
                    "cue": c,
                    "stories": n,
                    "documents_a": int(left.loc[shared, "documents"].sum()) if n else 0,
                    "documents_b": int(right.loc[shared, "documents"].sum()) if n else 0,
                    **stats[c],
                    "overall_difference": overall.loc[pa, rates[k]] - overall.loc[pb, rates[k]],
                    "seed": seed,
                    "n_resamples": n_resamples,
                }
            )
    columns = ["group_a", "group_b", "cue", "stories", "documents_a", "documents_b", "mean_rate_a",
               "mean_rate_b", "difference", "ci_low", "ci_high", "p_value", "q_value", "overall_difference",
               "seed", "n_resamples"]  # fmt: skip
    table = pd.DataFrame(rows, columns=[c for c in columns if c != "q_value"])
    table.insert(columns.index("q_value"), "q_value", benjamini_hochberg(table["p_value"].to_numpy(float)))
    shared_stories = cells.groupby("story_id")["_group_pos"].nunique()
    return finish(
        table,
        meta,
        seed=seed,
        n_resamples=n_resamples,
        n_permutations=n_permutations,
        confidence=confidence,
        stories=int(shared_stories.size),
        stories_with_two_groups=int((shared_stories >= 2).sum()),
    )


def story_fixed_effects(
    features: pd.DataFrame,
    stories: pd.DataFrame,
    *,
    cue: str | Sequence[str] | None = None,
    by: str = "outlet",
    order: Sequence[Hashable] | None = None,
    n_resamples: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
    drop_duplicates: bool = False,
) -> pd.DataFrame:
    """Each group's cue rate relative to the stories it covered (a story-demeaned, fixed-effects rate).

    In every story covered by at least two groups, the story's level is the mean of the groups' mean
    rates in it (each group counts once, whatever its number of documents); a group's effect in the story
    is its mean rate minus that level. ``effect`` is the mean of those over the group's shared stories.

    Returns:
        One row per group and cue: ``by``, ``cue``, ``stories`` (shared with another group),
        ``documents`` (the group's documents in them), ``mean_rate`` (the group's mean rate over all its
        documents, stories ignored), ``effect`` (per 1,000 tokens; positive = above the stories' level),
        ``ci_low``/``ci_high`` (percentile bootstrap over the group's shared stories), ``seed``,
        ``n_resamples``. Groups without a shared story have ``stories`` 0 and NaN effects.
    """
    check_resamples(n_resamples, "n_resamples")
    check_confidence(confidence)
    check_seed(seed)
    data, cells, cues, groups, meta = _story_cells(
        features, stories, cue=cue, by=by, order=order, drop_duplicates=drop_duplicates
    )
    check_by(by, ["cue", "stories", "documents", "mean_rate", "effect", "ci_low", "ci_high"])
    rates = [f"{c}_rate" for c in cues]
    coverage = cells.groupby("story_id")["_group_pos"].transform("nunique")
    shared = cells[coverage >= 2].copy()
    levels = shared.groupby("story_id")[rates].transform("mean")
    shared[rates] = shared[rates].to_numpy(dtype=float) - levels.to_numpy(dtype=float)
    overall = data.groupby("_group_pos")[rates].mean()
    tail = (1 - confidence) / 2 * 100
    rows = []
    for position, group in enumerate(groups):
        own = shared[shared["_group_pos"] == position]
        effects = own[rates].to_numpy(dtype=float)
        n = effects.shape[0]
        if n > 1:
            means = bootstrap_means(effects, n_resamples, np.random.default_rng([seed, stream_key(group)]))
            low, high = np.percentile(means, [tail, 100 - tail], axis=0)
        else:
            low = high = np.full(len(cues), np.nan)
        for k, c in enumerate(cues):
            rows.append(
                {
                    by: group,
                    "cue": c,
                    "stories": n,
                    "documents": int(own["documents"].sum()),
                    "mean_rate": overall.loc[position, rates[k]] if position in overall.index else np.nan,
                    "effect": effects[:, k].mean() if n else np.nan,
                    "ci_low": low[k],
                    "ci_high": high[k],
                    "seed": seed,
                    "n_resamples": n_resamples,
                }
            )
    return finish(pd.DataFrame(rows), meta, seed=seed, n_resamples=n_resamples, confidence=confidence)
