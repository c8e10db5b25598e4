"""The vectorised statistics (issue 8) give exactly the numbers of their documented plain constructions."""

from __future__ import annotations

import itertools
import zlib
from collections import Counter

import numpy as np
import pandas as pd
import pytest

from framing import compare
from framing.compare import blame as blame_module
from framing.compare import resampling
from framing.text import word_tokens


def uneven_features() -> pd.DataFrame:
    """Three outlets of 5, 3 and 7 documents, two cues, rates with ties and zeros."""
    rng = np.random.default_rng(2024)
    rows = []
    for outlet, size in (("A", 5), ("B", 3), ("C", 7)):
        for i in range(size):
            tokens = int(rng.integers(80, 400))
            rows.append(
                {
                    "doc_id": f"{outlet}{i:02d}",
                    "outlet": outlet,
                    "tokens": tokens,
                    "blame_count": int(rng.integers(0, 4)),
                    "hedging_count": int(rng.integers(0, 2)),
                }
            )
    df = pd.DataFrame(rows)
    for cue in ("blame", "hedging"):
        df[f"{cue}_rate"] = df[f"{cue}_count"] / df["tokens"] * 1000
    return df.sample(frac=1.0, random_state=3)  # row order must not matter


def plain_p_values(a: np.ndarray, b: np.ndarray, seed: list[int], n: int) -> np.ndarray:
    """One permutation at a time: the smaller group's rows drawn without replacement, the rest the other's."""
    values = np.vstack([a, b])
    rng = np.random.default_rng(seed)
    observed = a.mean(axis=0) - b.mean(axis=0)
    scale = np.maximum(np.abs(values).max(axis=0), 1.0)
    extreme = np.zeros(values.shape[1])
    for _ in range(n):
        chosen = np.zeros(len(values), dtype=bool)
        chosen[rng.choice(len(values), size=min(len(a), len(b)), replace=False, shuffle=False)] = True
        mine = chosen if len(a) <= len(b) else ~chosen
        diff = values[mine].mean(axis=0) - values[~mine].mean(axis=0)
        extreme += np.abs(diff) >= np.abs(observed) - 1e-9 * scale
    return (1 + extreme) / (1 + n)


@pytest.mark.parametrize("cells", [resampling.PERMUTATION_CELLS, 40])  # one block, many small blocks
def test_pairwise_and_rest_p_values_equal_the_plain_construction(monkeypatch, cells):
    monkeypatch.setattr(resampling, "PERMUTATION_CELLS", cells)
    df = uneven_features()
    ordered = df.sort_values("doc_id")
    rates = {g: part[["blame_rate", "hedging_rate"]].to_numpy() for g, part in ordered.groupby("outlet")}
    pairs = compare.pairwise_contrasts(df, n_permutations=1000, seed=9)
    for a, b in itertools.combinations("ABC", 2):
        expected = plain_p_values(
            rates[a], rates[b], [9, zlib.crc32(a.encode()), zlib.crc32(b.encode())], 1000
        )
        got = pairs[(pairs["group_a"] == a) & (pairs["group_b"] == b)]["p_value"].to_numpy()
        assert got.tolist() == expected.tolist()
    rest = compare.group_vs_rest(df, n_permutations=1000, seed=9)
    for group in "ABC":
        others = np.vstack([rates[g] for g in "ABC" if g != group])
        expected = plain_p_values(
            rates[group], others, [9, zlib.crc32(group.encode()), zlib.crc32(b"rest")], 1000
        )
        assert rest[rest["group_a"] == group]["p_value"].tolist() == expected.tolist()
    assert rest.loc[rest["group_a"] == "B", "documents_b"].tolist() == [12, 12]


def test_summary_and_contrasts_do_not_depend_on_block_size(monkeypatch):
    df = uneven_features()
    before = compare.pairwise_contrasts(df, n_permutations=500, seed=1)
    monkeypatch.setattr(resampling, "PERMUTATION_CELLS", 7)
    pd.testing.assert_frame_equal(compare.pairwise_contrasts(df, n_permutations=500, seed=1), before)


@pytest.mark.parametrize("draw_cells", [1, 700, 250_000])
def test_bootstrap_means_equal_the_whole_block_construction(monkeypatch, draw_cells):
    # the indices are drawn a few resamples at a time and counted into the product's float operand:
    # the same bits as drawing a block at once and multiplying its integer counts (the former code)
    rng = np.random.default_rng(11)
    values = np.asfortranarray(rng.gamma(1.5, 4.0, size=(523, 6)) * (rng.random((523, 6)) < 0.6))
    expected = np.empty((1500, 6))
    draws = np.random.default_rng(12)
    block = 9
    monkeypatch.setattr(resampling, "CHUNK_CELLS", block * 523)
    for start in range(0, 1500, block):
        rows = min(block, 1500 - start)
        idx = draws.integers(0, 523, size=(rows, 523)) + (np.arange(rows) * 523)[:, None]
        counts = np.bincount(idx.ravel(), minlength=rows * 523).reshape(rows, 523)
        expected[start : start + rows] = counts @ values / 523
    monkeypatch.setattr(resampling, "DRAW_CELLS", draw_cells)
    got = resampling.bootstrap_means(values, 1500, np.random.default_rng(12))
    np.testing.assert_array_equal(got, expected)


def test_bootstrap_means_are_the_same_bits_with_one_or_four_blas_threads():
    # OpenBLAS splits a large product among its threads and the split changes the order of the
    # additions: the bootstrap limits of a report differed in their last digits between a 1-core and
    # a 2-core machine
    threadpoolctl = pytest.importorskip("threadpoolctl")
    values = np.random.default_rng(3).gamma(1.0, 5.0, size=(3000, 5))
    means = {}
    for threads in (1, 4):
        with threadpoolctl.threadpool_limits(limits=threads, user_api="blas"):
            means[threads] = resampling.bootstrap_means(values, 400, np.random.default_rng(0))
    assert np.array_equal(means[1], means[4])


def test_outlet_summary_is_the_same_table_with_one_or_four_blas_threads():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    rng = np.random.default_rng(8)
    n = 4000
    tokens = rng.integers(100, 900, size=n)
    features = pd.DataFrame(
        {
            "doc_id": [f"d{i}" for i in range(n)],
            "outlet": rng.choice(["A", "B", "C"], size=n),
            "tokens": tokens,
            "blame_count": rng.poisson(2.0, size=n),
            "hedging_count": rng.poisson(4.0, size=n),
        }
    )
    for cue in ("blame", "hedging"):
        features[f"{cue}_rate"] = features[f"{cue}_count"] / features["tokens"] * 1000
    tables = {}
    for threads in (1, 4):
        with threadpoolctl.threadpool_limits(limits=threads, user_api="blas"):
            tables[threads] = compare.outlet_summary(features, cues=["blame", "hedging"], n_resamples=500)
    pd.testing.assert_frame_equal(tables[1], tables[4], check_exact=True)


@pytest.mark.parametrize("fractional", [False, True])
def test_group_vs_rest_equals_a_pairwise_contrast_with_the_rest_relabelled(fractional):
    # group_vs_rest copies only the rates of each contrast (the rest's counts are summed in place): every
    # number but the q-value (BH over another table) must be the pairwise contrast of the group against
    # the other documents relabelled "rest", whose doc_ids sort in group order as the rest's rows do
    df = uneven_features()
    if fractional:  # counts that are not whole numbers: the sums depend on the order of the rows
        df["blame_count"] = df["blame_count"] * 0.37 + 0.011
    rest = compare.group_vs_rest(df, n_permutations=700, seed=4)
    for group in "ABC":
        relabelled = df.assign(outlet=df["outlet"].where(df["outlet"] == group, "rest"))
        pair = compare.pairwise_contrasts(relabelled, n_permutations=700, seed=4, order=[group, "rest"])
        mine = rest[rest["group_a"] == group].reset_index(drop=True)
        columns = [c for c in pair.columns if c != "q_value"]
        pd.testing.assert_frame_equal(mine[columns], pair[columns], check_exact=True)


def plain_blame_p(attributions: pd.DataFrame, seed: int, n: int) -> tuple[float, float]:
    """The loop of the former implementation: rng.permutation of document groups, one at a time."""
    data = attributions[~attributions["negated"] & (attributions["blamed"] != "undetermined")]
    data = data.sort_values(["doc_id", "blamed"], kind="mergesort")
    groups = sorted(data["outlet"].unique())
    actors = sorted(data["blamed"].unique())
    group_code = data["outlet"].map({g: i for i, g in enumerate(groups)}).to_numpy()
    actor_code = data["blamed"].map({a: i for i, a in enumerate(actors)}).to_numpy()

    def chi(codes: np.ndarray) -> float:
        table = np.zeros((len(groups), len(actors)))
        np.add.at(table, (codes, actor_code), 1)
        expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / table.sum()
        with np.errstate(invalid="ignore", divide="ignore"):
            return float(np.where(expected > 0, (table - expected) ** 2 / expected, 0.0).sum())

    documents, doc_index = np.unique(data["doc_id"].to_numpy(), return_inverse=True)
    doc_group = np.zeros(len(documents), dtype=np.int64)
    doc_group[doc_index] = group_code
    rng = np.random.default_rng([seed, zlib.crc32(b"blame_association")])
    observed = chi(group_code)
    exceed = sum(chi(rng.permutation(doc_group)[doc_index]) >= observed - 1e-9 for _ in range(n))
    return observed, (1 + exceed) / (1 + n)


@pytest.mark.parametrize("cells", [resampling.PERMUTATION_CELLS, 25])
def test_blame_association_equals_the_permutation_loop(monkeypatch, cells):
    monkeypatch.setattr(blame_module, "PERMUTATION_CELLS", cells)
    rng = np.random.default_rng(5)
    rows = []
    for d in range(24):
        outlet = "ABC"[d % 3]
        for _ in range(int(rng.integers(1, 4))):
            actor = ["Kyiv", "Moscow", "ISIS"][int(rng.integers(0, 3 if outlet != "A" else 2))]
            rows.append((outlet, f"d{d:02d}", actor, bool(rng.random() < 0.1)))
    attributions = pd.DataFrame(rows, columns=["outlet", "doc_id", "blamed", "negated"])
    got = compare.blame_association(attributions, n_permutations=700, seed=4)
    chi, p = plain_blame_p(attributions, 4, 700)
    assert got.loc[0, "chi_square"] == chi
    assert got.loc[0, "p_value"] == p


def plain_term_counts(texts, groups, vocabulary=None) -> dict:
    counts: Counter = Counter()
    grams = {}
    for term in vocabulary or []:
        tokens = tuple(word_tokens(term))
        grams[tokens] = " ".join(tokens)
    for text, group in zip(texts, groups, strict=True):
        if group is None:
            continue
        tokens = word_tokens(text or "")
        if vocabulary is None:
            counts.update((group, t) for t in tokens)
            continue
        for gram, term in grams.items():
            n = len(gram)
            counts[(group, term)] += sum(tuple(tokens[i : i + n]) == gram for i in range(len(tokens) - n + 1))
    return {k: v for k, v in counts.items() if v}


def test_term_counts_equal_plain_counting():
    texts = [
        "Kyiv blamed Moscow; Moscow blamed Kyiv.",
        None,
        "They held Moscow responsible, held responsible again",
        "Nobody was held responsible",
        "ignored text",
        "Kyiv's denial",
    ]
    groups = ["B", "A", "A", "C", None, "B"]
    for vocabulary in (None, ["moscow", "held responsible", "Kyiv", "absent term"]):
        out = compare.term_counts(texts, groups, vocabulary=vocabulary)
        got = {(g, t): n for g, t, n in out.itertuples(index=False)}
        assert got == plain_term_counts(texts, groups, vocabulary)
        # sorted by group, then term
        keys = list(zip(out["group"], out["term"], strict=True))
        assert keys == sorted(keys)
        assert out["count"].dtype == np.int64


def test_distinctive_terms_top_n_and_ties_equal_a_full_sort():
    # x and y have equal counts in every group, so their z-scores tie; ties go by term
    rows = "A x 3, A y 3, A w 1, A v 1, B x 1, B y 1, B v 3, B z 2, C z 3, C w 2, C x 1, C y 1, A v 0"
    tc = pd.DataFrame(
        [(g, t, int(n)) for g, t, n in (r.split() for r in rows.split(", "))],
        columns=["group", "term", "count"],
    )
    full = compare.distinctive_terms(tc)
    assert len(full) == 3 * 5
    a = full[full["group"] == "A"]
    assert a["z_score"].iloc[0] == a["z_score"].iloc[1] and a["term"].iloc[:2].tolist() == ["x", "y"]
    # the plain construction: sort every (group, term) row by group, z descending, then term
    plain = full.sort_values(["group", "z_score", "term"], ascending=[True, False, True], kind="mergesort")
    assert full[["group", "term"]].values.tolist() == plain[["group", "term"]].values.tolist()
    top = compare.distinctive_terms(tc, top_n=2)
    expected = full.groupby("group", sort=False).head(2).reset_index(drop=True)
    pd.testing.assert_frame_equal(top, expected)
    assert row_total(full, "A") == 3 + 3 + 1 + 1  # the two (A, v) rows are summed
    hidden = compare.distinctive_terms(tc, min_count=5)
    assert sorted(hidden["term"].unique()) == ["x", "y", "z"]  # v (4) and w (3) hidden, still in totals
    assert row_total(hidden, "A") == 8


def row_total(table: pd.DataFrame, group: str) -> int:
    return int(table.loc[table["group"] == group, "total_group"].iloc[0])


@pytest.mark.parametrize("top_n", [1, 2, 3, 7, 29, 30, 31])
def test_distinctive_terms_top_n_is_the_head_of_the_full_ranking(top_n):
    # small random counts: many z-scores tie, also at the top_n boundary
    rng = np.random.default_rng(top_n)
    tc = pd.DataFrame(
        [(g, f"t{t:02d}", int(rng.integers(0, 3))) for g in "ABCD" for t in range(30)],
        columns=["group", "term", "count"],
    )
    full = compare.distinctive_terms(tc)
    expected = full.groupby("group", sort=False).head(top_n).reset_index(drop=True)
    pd.testing.assert_frame_equal(compare.distinctive_terms(tc, top_n=top_n), expected)


def test_permutation_sums_are_the_same_bits_without_scipys_compiled_kernel(monkeypatch):
    # the blocks' sums call scipy's csr_matvecs on reused arrays; where scipy has no such module the
    # @ operator of a csr_matrix gives them
    values = np.asfortranarray(np.random.default_rng(4).gamma(1.0, 5.0, size=(700, 3)))
    monkeypatch.setattr(resampling, "PERMUTATION_CELLS", 1000)  # blocks of 3 permutations, the last of 1
    with_kernel = resampling.permutation_diffs(values, 300, 301, np.random.default_rng(8))
    monkeypatch.setattr(resampling, "sparse_kernel", lambda name: None)
    without = resampling.permutation_diffs(values, 300, 301, np.random.default_rng(8))
    for got, expected in zip(without, with_kernel, strict=True):
        np.testing.assert_array_equal(got, expected)
    assert with_kernel[1].max() > 0  # some permutations are as extreme: the sums were filled


def test_scipys_kernels_are_found_and_an_unknown_one_is_none():
    from framing._sparse import sparse_kernel

    assert callable(sparse_kernel("csr_matvecs")) and callable(sparse_kernel("csr_matmat"))
    assert sparse_kernel("no_such_kernel") is None
