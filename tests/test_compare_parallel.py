"""Pairwise contrasts of many groups tested in worker processes (issue 8, many groups): the same table."""

from __future__ import annotations

import importlib

import numpy as np
import pandas as pd
import pytest

from framing import compare
from framing.compare import rates
from framing.errors import OptionError


def many_groups(n_groups: int = 14, *, seed: int = 5) -> pd.DataFrame:
    """Outlets of 2 to 40 documents in three leanings, two cues, rates with zeros and ties."""
    rng = np.random.default_rng(seed)
    rows = []
    for g in range(n_groups):
        for i in range(int(rng.integers(2, 41))):
            tokens = int(rng.integers(100, 900))
            blame, hedging = (int(c) for c in rng.poisson([tokens / 400, tokens / 900]))
            rows.append(
                {
                    "doc_id": f"o{g:02d}-{i:02d}",
                    "outlet": f"outlet {g:02d}",
                    "leaning": ("left", "centre", "right")[g % 3],
                    "tokens": tokens,
                    "blame_count": blame,
                    "blame_rate": blame / tokens * 1000,
                    "hedging_count": hedging,
                    "hedging_rate": hedging / tokens * 1000,
                }
            )
    return pd.DataFrame(rows).sample(frac=1.0, random_state=2)


@pytest.mark.parametrize("cluster", [None, "outlet"])
def test_pairs_tested_in_workers_give_the_table_of_one_process(monkeypatch, cluster) -> None:
    monkeypatch.setattr(rates, "PARALLEL_MIN_PAIRS", 2)  # 91 pairs of outlets (3 of leanings) go to workers
    by = "leaning" if cluster else "outlet"
    features = many_groups()
    options = {"by": by, "n_permutations": 300, "seed": 4, "cluster": cluster}
    one = compare.pairwise_contrasts(features, **options)
    two = compare.pairwise_contrasts(features, jobs=2, **options)
    three = compare.pairwise_contrasts(features, jobs=3, **options)
    pd.testing.assert_frame_equal(one, two)
    pd.testing.assert_frame_equal(one, three)
    groups = features[by].nunique()
    assert len(one) == 2 * groups * (groups - 1) // 2  # two cues, every pair once
    assert one["p_value"].between(0, 1).all() and one["p_value"].nunique() > 1


def test_pair_chunks_cover_every_pair_once_in_order_with_even_work() -> None:
    features = many_groups(30, seed=9)
    prepared = rates.prepare_documents(features, cues=None, by="outlet", order=None, drop_duplicates=False)
    data, cue_list, groups, _, column = prepared
    docs = rates._Documents.of(data, column, cue_list, len(groups))
    pairs = [(i, j) for i in range(len(groups)) for j in range(i + 1, len(groups))]
    chunks = list(rates._pair_chunks(pairs, docs, 16))
    assert 8 <= len(chunks) <= 16
    assert [start for start, _ in chunks] == sorted({start for start, _ in chunks})
    assert [pair for _, (_, chunk) in chunks for pair in chunk] == pairs
    sizes = np.diff(docs.bounds)
    work = [sum(sizes[i] + sizes[j] + 100 for i, j in chunk) for _, (_, chunk) in chunks]
    assert max(work) <= 2.5 * sum(work) / len(work)  # no chunk much larger than an even share


def test_few_pairs_stay_in_this_process(monkeypatch) -> None:
    def refused(*args, **kwargs):
        raise AssertionError("a pool was started for 6 pairs")

    monkeypatch.setattr(rates, "task_pool", refused)
    table = compare.pairwise_contrasts(many_groups(4), jobs=2, n_permutations=200)
    assert len(table) == 2 * 6


@pytest.mark.parametrize("jobs", [0, -1, 1.5, True, "2"])
def test_pairwise_jobs_must_be_a_positive_integer(jobs) -> None:
    with pytest.raises(OptionError, match="jobs must be a positive integer"):
        compare.pairwise_contrasts(many_groups(4), jobs=jobs)


@pytest.mark.parametrize(
    ("n", "size"),
    [
        (2, 1),  # one pick of two
        (9, 4),  # picks often clash: resolved step by step
        (60, 30),  # half the population
        (500, 12),
        (10_000, 64),  # the largest sample drawn in one go, the largest population of Floyd's algorithm
        (20_000, 64),  # a sample under 1/20 of a larger population: still Floyd's algorithm
        (3_000, 65),  # beyond FLOYD_BATCH_MAX: drawn by choice itself
        (20_000, 1_500),  # choice's tail shuffle
    ],
)
def test_successive_choices_are_the_draws_of_choice_bit_for_bit(n, size) -> None:
    from framing.compare import resampling

    count = 257
    expected_rng, rng = np.random.default_rng([3, n, size]), np.random.default_rng([3, n, size])
    expected = np.concatenate(
        [expected_rng.choice(n, size=size, replace=False, shuffle=False) for _ in range(count)]
    )
    out = np.empty(count * size, dtype=np.int64)
    resampling._successive_choices(rng, n, size, count, out)
    np.testing.assert_array_equal(out, expected)
    assert rng.bit_generator.state == expected_rng.bit_generator.state  # the stream goes on alike
    ordered = np.sort(out.reshape(count, size), axis=1)
    assert (ordered[:, 1:] != ordered[:, :-1]).all()  # each sample without repeats


@pytest.mark.parametrize("cluster", [None, "outlet"])
def test_separability_folds_fitted_in_workers_give_the_tables_of_one_process(monkeypatch, cluster) -> None:
    separability_module = importlib.import_module("framing.compare.separability")  # the name is the function

    monkeypatch.setattr(separability_module, "PARALLEL_MIN_GROUPS", 2)
    features = many_groups(24, seed=8)
    options = {"by": "leaning" if cluster else "outlet", "seed": 2, "cluster": cluster}
    one = compare.separability(features, **options)
    two = compare.separability(features, jobs=2, **options)
    for name in ("summary", "features", "folds"):
        pd.testing.assert_frame_equal(getattr(one, name), getattr(two, name))
    assert len(one.folds) == one.summary["n_splits"].iloc[0] >= 2
    assert one.features["coefficient"].abs().sum() > 0


def test_separability_of_few_groups_stays_in_this_process(monkeypatch) -> None:
    separability_module = importlib.import_module("framing.compare.separability")  # the name is the function

    def refused(*args, **kwargs):
        raise AssertionError("a pool was started for 4 groups")

    monkeypatch.setattr(separability_module, "task_pool", refused)
    result = compare.separability(many_groups(4), jobs=2)
    assert result.summary["groups"].iloc[0] == 4


def test_separability_is_the_same_whatever_the_blas_threads() -> None:
    """Regression: the model on all documents was fitted with the BLAS library's own threads, so its
    coefficients depended on the machine's cores (here: two threads against one)."""
    from threadpoolctl import threadpool_limits

    rng = np.random.default_rng(0)
    n, cues = 8000, ["blame", "denial", "emotive", "hedging", "certainty"]
    features = pd.DataFrame({"doc_id": [f"d{i:05d}" for i in range(n)], "tokens": 1000})
    features["outlet"] = [f"outlet {g:02d}" for g in rng.integers(0, 60, size=n)]
    for cue in cues:  # five rates: with fewer, BLAS gave the same bits on one thread or two
        features[f"{cue}_count"] = rng.poisson(3.0, size=n)
        features[f"{cue}_rate"] = features[f"{cue}_count"] * rng.gamma(1.0, 1.0, size=n)
    with threadpool_limits(limits=2, user_api="blas"):
        two_threads = compare.separability(features, cues=cues, seed=1)
    with threadpool_limits(limits=1, user_api="blas"):
        one_thread = compare.separability(features, cues=cues, seed=1)
    pd.testing.assert_frame_equal(two_threads.features, one_thread.features, check_exact=True)
    pd.testing.assert_frame_equal(two_threads.summary, one_thread.summary, check_exact=True)
