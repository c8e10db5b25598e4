"""Tests of framing.compare against values worked out by hand or by independent plain code."""

from __future__ import annotations

import itertools
import logging
import math
import zlib

import numpy as np
import pandas as pd
import pytest

from framing.compare import (
    Separability,
    benjamini_hochberg,
    blame_association,
    blame_matrix,
    blamer_blamed,
    bootstrap_ci,
    cliffs_delta,
    collocations,
    distinctive_terms,
    group_vs_rest,
    omnibus_tests,
    outlet_summary,
    pairwise_contrasts,
    rates_over_time,
    separability,
    term_counts,
)

# ----------------------------------------------------------------------------------------------------
# fixtures
# ----------------------------------------------------------------------------------------------------


def make_features(rows: list[dict], cues: tuple[str, ...] = ("blame",)) -> pd.DataFrame:
    """Feature table with <cue>_rate = <cue>_count / tokens * 1000 for every cue."""
    df = pd.DataFrame(rows)
    for cue in cues:
        df[f"{cue}_rate"] = df[f"{cue}_count"] / df["tokens"] * 1000
    return df


@pytest.fixture
def five_docs() -> pd.DataFrame:
    """Two outlets, five documents; b2 is a syndicated copy of a2; b2 has no date."""
    rows = [
        # doc, outlet, country, date, tokens, blame, hedging, hedging_attribution, duplicate_of
        ("a1", "A", "X", "2024-01-01", 100, 2, 1, 1, None),
        ("a2", "A", "Y", "2024-01-01", 200, 0, 0, 0, None),
        ("a3", "A", "X", "2024-01-07", 300, 3, 3, 0, None),
        ("b1", "B", "Y", "2024-01-02", 400, 4, 0, 0, None),
        ("b2", "B", "X", None, 100, 0, 2, 2, "a2"),
    ]
    df = make_features(
        [
            dict(
                doc_id=d,
                outlet=o,
                country=c,
                date=t,
                tokens=n,
                blame_count=b,
                hedging_count=h,
                hedging_attribution_count=ha,
                duplicate_of=dup,
                blame_negated=1,
            )
            for d, o, c, t, n, b, h, ha, dup in rows
        ],
        cues=("blame", "hedging", "hedging_attribution"),
    )
    return df


def row(df: pd.DataFrame, **where) -> pd.Series:
    mask = np.ones(len(df), dtype=bool)
    for col, value in where.items():
        mask &= (df[col] == value).to_numpy()
    assert mask.sum() == 1, f"expected one row for {where}, found {mask.sum()}"
    return df[mask].iloc[0]


# ----------------------------------------------------------------------------------------------------
# building blocks
# ----------------------------------------------------------------------------------------------------


def test_benjamini_hochberg_by_hand():
    # sorted: 0.01 (k=1), 0.03 (k=2), 0.04 (k=3), 0.20 (k=4); p*m/k = 0.04, 0.06, 0.0533.., 0.20;
    # running minimum from the top: 0.04, 0.0533.., 0.0533.., 0.20
    q = benjamini_hochberg([0.01, 0.04, 0.03, 0.20])
    assert q == pytest.approx([0.04, 0.16 / 3, 0.16 / 3, 0.20])


def test_benjamini_hochberg_nan_cap_and_errors():
    q = benjamini_hochberg([0.5, np.nan, 0.9])  # m = 2: 0.5*2/1 = 1.0, 0.9*2/2 = 0.9 -> min 0.9
    assert q[0] == pytest.approx(0.9)
    assert np.isnan(q[1])
    assert q[2] == pytest.approx(0.9)
    assert benjamini_hochberg([0.8, 0.9])[0] <= 1.0
    assert benjamini_hochberg([]).size == 0
    with pytest.raises(ValueError, match="between 0 and 1"):
        benjamini_hochberg([0.1, 1.5])


def test_cliffs_delta_by_hand():
    # a=2 and a=3 each beat the three 1s (6 pairs), a=1 ties three times: (6 - 0) / 9
    assert cliffs_delta([1, 2, 3], [1, 1, 1]) == pytest.approx(6 / 9)
    # a=1: below 2,2,4 (-3); a=2: ties 2,2, below 4 (-1); a=3: above 2,2, below 4 (+1): -3/9
    assert cliffs_delta([1, 2, 3], [2, 2, 4]) == pytest.approx(-3 / 9)
    assert cliffs_delta([5, 6], [1, 2]) == 1.0
    assert cliffs_delta([1, 2], [5, 6]) == -1.0
    assert cliffs_delta([1, np.nan], [1]) == 0.0
    assert np.isnan(cliffs_delta([], [1, 2]))


def test_cliffs_delta_matches_brute_force():
    rng = np.random.default_rng(7)
    a, b = rng.integers(0, 5, 40).tolist(), rng.integers(0, 5, 30).tolist()
    brute = sum((x > y) - (x < y) for x in a for y in b) / (len(a) * len(b))
    assert cliffs_delta(a, b) == pytest.approx(brute)


def test_bootstrap_ci_independent_numpy_and_determinism():
    values = np.array([3.0, 7.5, 1.0, 4.0, 12.0, 0.0, 5.5])
    low, high = bootstrap_ci(values, n_resamples=1000, confidence=0.9, seed=42)
    rng = np.random.default_rng(42)
    idx = rng.integers(0, len(values), size=(1000, len(values)))
    expected = np.quantile(values[idx].mean(axis=1), [0.05, 0.95])
    assert (low, high) == pytest.approx(tuple(expected), abs=1e-12)
    assert bootstrap_ci(values, n_resamples=1000, confidence=0.9, seed=42) == (low, high)
    assert bootstrap_ci(values, n_resamples=1000, confidence=0.9, seed=43) != (low, high)
    # another statistic, applied along axis=1
    med = bootstrap_ci(values, statistic=np.median, n_resamples=1000, seed=3)
    idx = np.random.default_rng(3).integers(0, len(values), size=(1000, len(values)))
    assert med == pytest.approx(tuple(np.quantile(np.median(values[idx], axis=1), [0.025, 0.975])))
    assert np.isnan(bootstrap_ci([], n_resamples=1000)[0])
    with pytest.raises(ValueError, match="confidence"):
        bootstrap_ci(values, confidence=1.5)


def test_bootstrap_ci_warns_below_1000(caplog):
    with caplog.at_level(logging.WARNING, logger="framing.compare"):
        bootstrap_ci([1.0, 2.0], n_resamples=50)
    assert "n_resamples=50" in caplog.text


# ----------------------------------------------------------------------------------------------------
# outlet_summary
# ----------------------------------------------------------------------------------------------------


def test_outlet_summary_exact_values(five_docs):
    out = outlet_summary(five_docs, cues=["blame"], n_resamples=1000)
    assert list(out.columns) == [
        "outlet",
        "cue",
        "documents",
        "tokens",
        "matches",
        "pooled_rate",
        "mean_rate",
        "ci_low",
        "ci_high",
        "documents_with_cue",
        "share_with_cue",
        "confidence",
        "n_resamples",
        "seed",
    ]
    assert out["outlet"].tolist() == ["A", "B"]
    a, b = out.iloc[0], out.iloc[1]
    # A: tokens 100+200+300, matches 2+0+3, rates 20, 0, 10
    assert (a["documents"], a["tokens"], a["matches"]) == (3, 600, 5)
    assert a["pooled_rate"] == pytest.approx(5 / 600 * 1000)
    assert a["mean_rate"] == pytest.approx(10.0)
    assert a["share_with_cue"] == pytest.approx(2 / 3)
    assert a["documents_with_cue"] == 2
    # B: tokens 400+100, matches 4+0, rates 10, 0
    assert (b["documents"], b["tokens"], b["matches"]) == (2, 500, 4)
    assert b["pooled_rate"] == pytest.approx(8.0)
    assert b["mean_rate"] == pytest.approx(5.0)
    assert b["share_with_cue"] == pytest.approx(0.5)
    assert (out["n_resamples"] == 1000).all() and (out["seed"] == 0).all()
    assert out.attrs["seed"] == 0
    assert (out["ci_low"] <= out["mean_rate"]).all() and (out["mean_rate"] <= out["ci_high"]).all()


def test_outlet_summary_interval_reproduced_with_plain_numpy(five_docs):
    out = outlet_summary(five_docs, cues=["blame"], n_resamples=1000, seed=5)
    # documented construction: rng = default_rng([seed, crc32(group)]), documents in doc_id order
    rng = np.random.default_rng([5, zlib.crc32(b"A")])
    rates = np.array([20.0, 0.0, 10.0])  # a1, a2, a3
    means = rates[rng.integers(0, 3, size=(1000, 3))].mean(axis=1)
    expected = np.quantile(means, [0.025, 0.975])
    got = row(out, outlet="A")
    assert (got["ci_low"], got["ci_high"]) == pytest.approx(tuple(expected), abs=1e-12)


def test_outlet_summary_stable_when_cues_added_and_rows_shuffled(five_docs):
    one = outlet_summary(five_docs, cues=["blame"], n_resamples=1000, seed=1)
    shuffled = five_docs.sample(frac=1, random_state=3)
    every = outlet_summary(shuffled, cues=["hedging", "blame"], n_resamples=1000, seed=1)
    blame = every[every["cue"] == "blame"].reset_index(drop=True)
    pd.testing.assert_frame_equal(one, blame[one.columns], check_like=False)
    rng = np.random.default_rng(0)
    many = make_features(
        [
            dict(doc_id=i, outlet="AB"[i % 2], tokens=500, blame_count=int(rng.integers(0, 20)))
            for i in range(40)
        ]
    )
    seed1 = outlet_summary(many, n_resamples=1000, seed=1)
    seed2 = outlet_summary(many, n_resamples=1000, seed=2)
    assert not np.allclose(seed1[["ci_low", "ci_high"]], seed2[["ci_low", "ci_high"]])
    pd.testing.assert_frame_equal(seed1, outlet_summary(many, n_resamples=1000, seed=1))


def test_default_cues_and_cue_families(five_docs):
    out = outlet_summary(five_docs, n_resamples=1000)
    assert out["cue"].unique().tolist() == ["blame", "hedging", "hedging_attribution"]
    tagged = five_docs.copy()
    tagged.attrs["cue_families"] = ["hedging", "blame"]
    assert outlet_summary(tagged, n_resamples=1000)["cue"].unique().tolist() == ["hedging", "blame"]


def test_drop_duplicates_and_by_other_column(five_docs):
    out = outlet_summary(five_docs, cues=["blame"], drop_duplicates=True, n_resamples=1000)
    b = row(out, outlet="B")
    assert (b["documents"], b["tokens"], b["matches"]) == (1, 400, 4)
    assert b["pooled_rate"] == pytest.approx(10.0) and b["share_with_cue"] == 1.0
    assert out.attrs["duplicates_dropped"] == 1

    by_country = outlet_summary(five_docs, cues=["blame"], by="country", n_resamples=1000)
    assert by_country.columns[0] == "country"
    x, y = row(by_country, country="X"), row(by_country, country="Y")
    # X: a1, a3, b2 -> tokens 500, matches 5, rates 20, 10, 0; Y: a2, b1 -> tokens 600, matches 4
    assert (x["documents"], x["tokens"], x["matches"]) == (3, 500, 5)
    assert x["pooled_rate"] == pytest.approx(10.0) and x["mean_rate"] == pytest.approx(10.0)
    assert (y["documents"], y["tokens"], y["matches"]) == (2, 600, 4)
    assert y["pooled_rate"] == pytest.approx(4 / 600 * 1000) and y["mean_rate"] == pytest.approx(5.0)


def test_order_and_validation_errors(five_docs):
    out = outlet_summary(five_docs, cues=["blame"], order=["B", "A"], n_resamples=1000)
    assert out["outlet"].tolist() == ["B", "A"]
    with pytest.raises(ValueError, match="'nope'"):
        outlet_summary(five_docs, by="nope")
    with pytest.raises(ValueError, match="fear_rate"):
        outlet_summary(five_docs, cues=["fear"])
    with pytest.raises(ValueError, match="'C'"):
        outlet_summary(five_docs, order=["A", "C"])
    with pytest.raises(ValueError, match="tokens"):
        outlet_summary(five_docs.drop(columns=["tokens"]))


def test_empty_documents_are_excluded_and_counted(five_docs):
    df = pd.concat([five_docs, five_docs.iloc[[0]].assign(doc_id="a0", tokens=0, blame_rate=np.nan)])
    out = outlet_summary(df, cues=["blame"], n_resamples=1000)
    assert row(out, outlet="A")["documents"] == 3
    assert out.attrs["empty_documents"] == 1


# ----------------------------------------------------------------------------------------------------
# tests of differences
# ----------------------------------------------------------------------------------------------------


def two_groups(a: list[float], b: list[float]) -> pd.DataFrame:
    """Documents of 1,000 tokens each, so the rate per 1,000 tokens equals the count."""
    rows = [dict(doc_id=f"a{i}", outlet="A", tokens=1000, blame_count=v) for i, v in enumerate(a)]
    rows += [dict(doc_id=f"b{i}", outlet="B", tokens=1000, blame_count=v) for i, v in enumerate(b)]
    return make_features(rows)


def exact_permutation_p(a: list[float], b: list[float]) -> float:
    pooled = a + b
    observed = abs(np.mean(a) - np.mean(b))
    hits = total = 0
    for chosen in itertools.combinations(range(len(pooled)), len(a)):
        rest = [pooled[i] for i in range(len(pooled)) if i not in chosen]
        diff = abs(np.mean([pooled[i] for i in chosen]) - np.mean(rest))
        hits += diff >= observed - 1e-12
        total += 1
    return hits / total


@pytest.mark.parametrize(
    ("a", "b"),
    [([10, 11, 12], [1, 2, 3]), ([1, 4, 6, 9], [2, 3, 5])],
)
def test_permutation_p_close_to_exact_enumeration(a, b):
    out = pairwise_contrasts(two_groups(a, b), n_permutations=4000, seed=11)
    assert len(out) == 1
    exact = exact_permutation_p(a, b)  # 2/20 = 0.1 for the separated pair
    assert out.loc[0, "p_value"] == pytest.approx(exact, abs=0.03)


def test_pairwise_contrast_values_by_hand():
    out = pairwise_contrasts(two_groups([10, 11, 12], [1, 2, 3]), n_permutations=1000, seed=0)
    r = out.iloc[0]
    assert (r["group_a"], r["group_b"]) == ("A", "B")
    assert (r["documents_a"], r["documents_b"], r["tokens_a"], r["tokens_b"]) == (3, 3, 3000, 3000)
    assert (r["matches_a"], r["matches_b"]) == (33, 6)
    assert r["rate_a"] == pytest.approx(11.0) and r["rate_b"] == pytest.approx(2.0)
    assert r["rate_ratio"] == pytest.approx(5.5)
    assert r["mean_difference"] == pytest.approx(9.0)
    assert r["cliffs_delta"] == 1.0
    assert r["n_permutations"] == 1000 and r["seed"] == 0
    # deterministic
    again = pairwise_contrasts(two_groups([10, 11, 12], [1, 2, 3]), n_permutations=1000, seed=0)
    pd.testing.assert_frame_equal(out, again)


def test_contrast_tables_have_no_stray_collocations_column():
    # regression: a stray "collocations" entry in the contrast columns wrote an always-empty column
    df = two_groups([10, 11, 12], [1, 2, 3])
    expected = [
        "cue", "group_a", "group_b", "documents_a", "documents_b", "tokens_a", "tokens_b", "matches_a",
        "matches_b", "rate_a", "rate_b", "rate_ratio", "mean_rate_a", "mean_rate_b", "mean_difference",
        "cliffs_delta", "p_value", "q_value", "n_permutations", "seed",
    ]  # fmt: skip
    assert pairwise_contrasts(df, n_permutations=1000).columns.tolist() == expected
    assert group_vs_rest(df, n_permutations=1000).columns.tolist() == expected


def test_identical_groups_give_p_one_and_ratio_edge_cases():
    df = two_groups([1, 2, 3], [1, 2, 3])
    df["never_count"] = 0
    df["never_rate"] = 0.0
    df["only_a_count"] = [1, 1, 1, 0, 0, 0]
    df["only_a_rate"] = df["only_a_count"] / 1000 * 1000
    out = pairwise_contrasts(df, n_permutations=1000)
    assert row(out, cue="blame")["p_value"] == 1.0
    assert row(out, cue="blame")["cliffs_delta"] == 0.0
    assert row(out, cue="never")["p_value"] == 1.0
    assert np.isnan(row(out, cue="never")["rate_ratio"])
    assert row(out, cue="only_a")["rate_ratio"] == math.inf


def test_pairwise_order_and_q_values():
    rows = []
    for outlet, values in {"A": [1, 2, 3, 4], "B": [5, 6, 7, 8], "C": [1, 3, 5, 7]}.items():
        rows += [
            dict(doc_id=f"{outlet}{i}", outlet=outlet, tokens=500, blame_count=v, emotive_count=i)
            for i, v in enumerate(values)
        ]
    df = make_features(rows, cues=("blame", "emotive"))
    out = pairwise_contrasts(df, n_permutations=1000)
    pairs = list(zip(out["group_a"], out["group_b"], strict=True))
    assert pairs == [("A", "B"), ("A", "C"), ("B", "C")] * 2
    assert out["cue"].tolist() == ["blame"] * 3 + ["emotive"] * 3
    assert out["q_value"].to_numpy() == pytest.approx(benjamini_hochberg(out["p_value"]))
    ordered = pairwise_contrasts(df, order=["C", "A", "B"], n_permutations=1000)
    assert list(zip(ordered["group_a"], ordered["group_b"], strict=True))[:3] == [
        ("C", "A"),
        ("C", "B"),
        ("A", "B"),
    ]

    rest = group_vs_rest(df, n_permutations=1000)
    assert rest["group_b"].unique().tolist() == ["rest"]
    a = row(rest, cue="blame", group_a="A")
    assert (a["documents_a"], a["documents_b"]) == (4, 8)
    assert (a["matches_a"], a["matches_b"]) == (10, 26 + 16)
    assert a["rate_b"] == pytest.approx(42 / 4000 * 1000)
    assert rest["q_value"].to_numpy() == pytest.approx(benjamini_hochberg(rest["p_value"]))


def test_omnibus_kruskal_by_hand():
    df = two_groups([1, 2, 3], [4, 5, 6])
    out = omnibus_tests(df)
    r = out.iloc[0]
    # ranks: A 1+2+3 = 6, B 4+5+6 = 15; H = 12/(6*7) * (6²/3 + 15²/3) - 3*7 = 27/7
    h = 12 / 42 * (36 / 3 + 225 / 3) - 21
    assert r["h_statistic"] == pytest.approx(h)
    assert r["df"] == 1
    assert r["p_value"] == pytest.approx(math.erfc(math.sqrt(h / 2)))  # chi-square(1) upper tail
    assert r["epsilon_squared"] == pytest.approx(h / 5)
    assert (r["groups"], r["documents"]) == (2, 6)
    same = omnibus_tests(two_groups([2, 2, 2], [2, 2, 2]))
    assert same.loc[0, "p_value"] == 1.0 and same.loc[0, "h_statistic"] == 0.0
    with pytest.raises(ValueError, match="at least 2 groups"):
        omnibus_tests(two_groups([1, 2], []))


# ----------------------------------------------------------------------------------------------------
# distinctive wording
# ----------------------------------------------------------------------------------------------------

COUNTS = {"A": {"x": 8, "y": 2}, "B": {"x": 2, "y": 6, "z": 4}, "C": {"x": 1, "z": 1}}


def fightin_words_by_hand(counts: dict, a0: float | None) -> dict:
    """Monroe et al. (2008) eq. 16-22 transcribed with plain floats; group vs rest of the corpus."""
    terms = sorted({t for c in counts.values() for t in c})
    corpus = {t: sum(c.get(t, 0) for c in counts.values()) for t in terms}
    total = sum(corpus.values())
    sizes = {g: sum(c.values()) for g, c in counts.items()}
    if a0 is None:
        a0 = sum(sizes.values()) / len(sizes)  # mean group total
    result = {}
    for g, c in counts.items():
        n_i, n_j = sizes[g], total - sizes[g]
        for t in terms:
            a_w = a0 * corpus[t] / total
            y_i = c.get(t, 0)
            y_j = corpus[t] - y_i
            delta = math.log((y_i + a_w) / (n_i + a0 - y_i - a_w)) - math.log(
                (y_j + a_w) / (n_j + a0 - y_j - a_w)
            )
            var = 1 / (y_i + a_w) + 1 / (y_j + a_w)
            result[(g, t)] = (delta, var, delta / math.sqrt(var))
    return result


@pytest.mark.parametrize("prior_scale", [None, 24.0, 1000.0])
def test_distinctive_terms_against_plain_formula(prior_scale):
    tc = pd.DataFrame(
        [(g, t, n) for g, c in COUNTS.items() for t, n in c.items()], columns=["group", "term", "count"]
    )
    out = distinctive_terms(tc, prior_scale=prior_scale)
    expected = fightin_words_by_hand(COUNTS, prior_scale)
    assert len(out) == 9
    for r in out.itertuples():
        delta, var, z = expected[(r.group, r.term)]
        assert r.log_odds_ratio == pytest.approx(delta)
        assert r.variance == pytest.approx(var)
        assert r.z_score == pytest.approx(z)
    a = row(out, group="A", term="z")
    assert (a["count_group"], a["count_rest"], a["total_group"], a["total_rest"]) == (0, 5, 10, 14)
    assert a["prior_total"] == pytest.approx(prior_scale or 8.0)
    assert a["prior_count"] == pytest.approx((prior_scale or 8.0) * 5 / 24)
    # sorted by group, then z descending
    assert out["group"].tolist() == ["A"] * 3 + ["B"] * 3 + ["C"] * 3
    for _, part in out.groupby("group"):
        assert part["z_score"].is_monotonic_decreasing
    assert row(out, group="A", term="x")["z_score"] > 0 > row(out, group="A", term="z")["z_score"]


def test_distinctive_terms_filters():
    tc = pd.DataFrame(
        [(g, t, n) for g, c in COUNTS.items() for t, n in c.items()], columns=["group", "term", "count"]
    )
    top = distinctive_terms(tc, top_n=1)
    assert top["group"].tolist() == ["A", "B", "C"]
    assert row(top, group="A")["term"] == "x"
    rare = distinctive_terms(tc, min_count=6)  # corpus counts: x 11, y 8, z 5
    assert sorted(rare["term"].unique()) == ["x", "y"]
    assert row(rare, group="A", term="x")["total_group"] == 10  # z still counts in the totals
    with pytest.raises(ValueError, match="'count'"):
        distinctive_terms(tc.drop(columns=["count"]))


def test_term_counts_unigrams_and_ngrams():
    texts = [
        "Kyiv blamed Moscow. Moscow denied it.",
        "They held Moscow responsible",
        "Held responsible, Kyiv said",
    ]
    groups = ["A", "A", "B"]
    vocab = term_counts(texts, groups, vocabulary=["Moscow", "held responsible", "kyiv"])
    assert list(vocab.columns) == ["group", "term", "count"]
    got = {(g, t): n for g, t, n in vocab.itertuples(index=False)}
    assert got == {("A", "moscow"): 3, ("A", "kyiv"): 1, ("B", "held responsible"): 1, ("B", "kyiv"): 1}
    words = term_counts(texts, groups)
    words_got = {(g, t): n for g, t, n in words.itertuples(index=False)}
    assert words_got[("A", "moscow")] == 3 and words_got[("A", "it")] == 1 and words_got[("B", "said")] == 1
    assert words["count"].sum() == 6 + 4 + 4  # word tokens of the three texts
    with pytest.raises(ValueError, match="length"):
        term_counts(texts, ["A"])


# ----------------------------------------------------------------------------------------------------
# blame attributions
# ----------------------------------------------------------------------------------------------------


@pytest.fixture
def attributions() -> pd.DataFrame:
    rows = [
        ("d1", 1, "A", "state", "Kyiv", "Moscow", False),
        ("d1", 4, "A", "state", "Kyiv", "Moscow", False),
        ("d2", 2, "A", "state", "unspecified", "NATO", False),
        ("d2", 3, "A", "state", "Kyiv", "NATO", True),
        ("d3", 1, "B", "private", "Moscow", "Kyiv", False),
        ("d4", 2, "B", "private", "unspecified", "undetermined", True),
    ]
    df = pd.DataFrame(
        rows, columns=["doc_id", "sentence_id", "outlet", "outlet_type", "blamer", "blamed", "negated"]
    )
    df["cue"] = "blamed"
    df["sentence"] = "..."
    return df


def test_blame_matrix_shares_and_negated(attributions):
    out = blame_matrix(attributions)
    assert list(out.columns) == [
        "outlet",
        "blamed",
        "attributions",
        "share",
        "group_attributions",
        "negated",
        "documents",
    ]
    assert list(zip(out["outlet"], out["blamed"], strict=True)) == [
        ("A", "Moscow"),
        ("A", "NATO"),
        ("B", "Kyiv"),
        ("B", "undetermined"),
    ]
    assert out["attributions"].tolist() == [2, 1, 1, 0]
    assert out["share"].to_numpy() == pytest.approx([2 / 3, 1 / 3, 1.0, 0.0])
    assert out["group_attributions"].tolist() == [3, 3, 1, 1]
    assert out["negated"].tolist() == [0, 1, 0, 1]
    assert out["documents"].tolist() == [1, 1, 1, 0]

    both = blame_matrix(attributions, include_negated=True)
    assert both["attributions"].tolist() == [2, 2, 1, 1]
    assert both["share"].to_numpy() == pytest.approx([0.5, 0.5, 0.5, 0.5])
    assert both["negated"].tolist() == [0, 1, 0, 1]

    # negated given as text, grouped by another column
    text = attributions.assign(negated=attributions["negated"].map({True: "true", False: "false"}))
    by_type = blame_matrix(text, by="outlet_type")
    assert by_type["outlet_type"].tolist() == ["private", "private", "state", "state"]
    assert by_type["attributions"].tolist() == [1, 0, 2, 1]


def test_blamer_blamed(attributions):
    out = blamer_blamed(attributions)
    assert list(zip(out["outlet"], out["blamer"], out["blamed"], strict=True)) == [
        ("A", "Kyiv", "Moscow"),
        ("A", "unspecified", "NATO"),
        ("A", "Kyiv", "NATO"),
        ("B", "Moscow", "Kyiv"),
        ("B", "unspecified", "undetermined"),
    ]
    assert out["attributions"].tolist() == [2, 1, 0, 1, 0]
    assert out["negated"].tolist() == [0, 0, 1, 0, 1]
    with pytest.raises(ValueError, match="'blamer'"):
        blamer_blamed(attributions.drop(columns=["blamer"]))


# ----------------------------------------------------------------------------------------------------
# time series
# ----------------------------------------------------------------------------------------------------


def test_rates_over_time_with_undated_document(five_docs):
    daily = rates_over_time(five_docs, cues=["blame"])
    assert list(daily.columns) == ["outlet", "period", "cue", "documents", "tokens", "matches", "pooled_rate"]
    got = {
        (o, p): (d, t, m)
        for o, p, d, t, m in daily[["outlet", "period", "documents", "tokens", "matches"]].itertuples(
            index=False
        )
    }
    assert got == {
        ("A", "2024-01-01"): (2, 300, 2),
        ("A", "2024-01-07"): (1, 300, 3),
        ("B", "2024-01-02"): (1, 400, 4),
    }
    assert row(daily, outlet="A", period="2024-01-01")["pooled_rate"] == pytest.approx(2 / 300 * 1000)
    assert daily.attrs["undated_documents"] == 1
    assert daily.attrs["undated_by_group"] == {"A": 0, "B": 1}

    weekly = rates_over_time(five_docs, cues=["blame"], freq="W")  # 2024-01-01 is a Monday
    a = row(weekly, outlet="A")
    assert (a["period"], a["documents"], a["tokens"], a["matches"]) == ("2024-01-01", 3, 600, 5)
    assert rates_over_time(five_docs, cues=["blame"], drop_duplicates=True).attrs["undated_documents"] == 0
    bad = five_docs.assign(date=["2024-01-01", "soon", None, None, None])
    with pytest.raises(ValueError, match="soon"):
        rates_over_time(bad, cues=["blame"])


# ----------------------------------------------------------------------------------------------------
# separability
# ----------------------------------------------------------------------------------------------------


def synthetic(means: dict[str, float], n: int, spread: float, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for outlet, mean in means.items():
        for i in range(n):
            rows.append(
                dict(
                    doc_id=f"{outlet}{i}",
                    outlet=outlet,
                    tokens=1000,
                    blame_count=max(0, round(mean + spread * rng.normal())),
                    emotive_count=max(0, round(20 + 5 * rng.normal())),
                )
            )
    return make_features(rows, cues=("blame", "emotive"))


def test_separability_separable_groups():
    df = synthetic({"A": 5, "B": 50, "C": 100}, n=10, spread=1.0, seed=1)
    result = separability(df, seed=0)
    assert isinstance(result, Separability)
    s = result.summary.iloc[0]
    assert s["macro_f1"] == pytest.approx(1.0)
    assert s["accuracy"] == pytest.approx(1.0)
    assert s["baseline_macro_f1"] < 0.5 < s["macro_f1"]
    assert (s["n_splits"], s["documents"], s["groups"], s["seed"]) == (5, 30, 3, 0)
    assert len(result.folds) == 5
    top = result.features[result.features["rank"] == 1]
    assert dict(zip(top["group"], top["feature"], strict=True))["C"] == "blame"
    assert set(result.features.columns) == {"group", "feature", "coefficient", "rank"}


def test_separability_noise_near_baseline_and_small_groups():
    df = synthetic({"A": 20, "B": 20, "C": 20}, n=30, spread=5.0, seed=2)
    first = separability(df, seed=3)
    s = first.summary.iloc[0]
    assert abs(s["accuracy"] - s["baseline_accuracy"]) < 0.2
    assert s["macro_f1"] < 0.55
    pd.testing.assert_frame_equal(first.summary, separability(df, seed=3).summary)

    # a group of one document is dropped and recorded; n_splits shrinks to the smallest group
    small = pd.concat([df[df["outlet"] != "C"].iloc[:6].assign(outlet=["A"] * 3 + ["B"] * 3), df.iloc[[70]]])
    result = separability(small, seed=0)
    assert result.dropped_groups == ["C"]
    assert result.summary.loc[0, "n_splits"] == 3
    assert result.summary.loc[0, "groups"] == 2
    with pytest.raises(ValueError, match="at least 2 groups"):
        separability(df[df["outlet"] == "A"])


def test_blame_association_by_hand():
    # Group A blames Ukraine in three articles, B blames IS in three: a perfect association, n = 6.
    rows = [("A", f"a{i}", "Ukraine", False) for i in range(3)] + [
        ("B", f"b{i}", "IS", False) for i in range(3)
    ]
    # negated and undetermined attributions are left out of the table
    rows += [("A", "a0", "IS", True), ("B", "b0", "undetermined", False)]
    table = pd.DataFrame(rows, columns=["outlet", "doc_id", "blamed", "negated"])
    result = blame_association(table, n_permutations=4000, seed=1).iloc[0]
    assert result["attributions"] == 6 and result["documents"] == 6
    assert result["chi_square"] == pytest.approx(6.0)  # chi2 of a perfect 2x2 association = n
    assert result["cramers_v"] == pytest.approx(1.0)
    # exact permutation p: 2 of the C(6, 3) = 20 relabelings are as extreme
    assert result["p_value"] == pytest.approx(0.1, abs=0.02)
    again = blame_association(table, n_permutations=4000, seed=1)
    assert again.equals(blame_association(table, n_permutations=4000, seed=1))


def test_collocations_characteristic_phrases():
    texts = [
        "the kyiv regime acted and the concert hall burned",
        "officials blamed the kyiv regime near the concert hall",
        "the kyiv regime denied it at the concert hall",
        "the concert hall was full when gunmen came",
        "a concert hall in the city was attacked by gunmen",
        "the concert hall fire spread fast",
    ]
    groups = ["A", "A", "A", "B", "B", "B"]
    table = collocations(texts, groups, min_count=3, common_words=1)
    a = table[table["group"] == "A"].set_index("phrase")
    # 'kyiv regime': 3 times in A, never in B; 'concert hall' is shared equally, so it characterises nobody
    assert a.loc["kyiv regime", "count_group"] == 3 and a.loc["kyiv regime", "count_rest"] == 0
    assert "concert hall" not in table["phrase"].tolist()
    assert a.loc["kyiv regime", "rank"] == 1 and a.loc["kyiv regime", "likelihood_ratio"] > 0
    # 'the' is the corpus's most frequent word (common_words=1), so 'the kyiv' is never a phrase
    assert not table["phrase"].str.contains(r"\bthe\b").any()
    assert (table["group"] == "B").sum() == 0


def test_one_tokenisation_serves_term_counts_and_collocations():
    from framing.compare import word_tokens_of
    from framing.errors import OptionError

    texts = [
        "The Kyiv regime acted, officials said.",
        None,
        "Officials blamed the Kyiv regime again.",
        "No group for this one.",
        "The Kyiv regime denied it. The Kyiv regime!",
    ]
    groups = ["A", "B", "A", None, "B"]  # a missing text and a missing group are skipped alike
    tokens = word_tokens_of(texts)
    assert tokens.lengths.tolist() == [6, 0, 6, 5, 8]
    assert term_counts(texts, groups, tokens=tokens).equals(term_counts(texts, groups))
    reused = collocations(texts, groups, min_count=1, common_words=0, min_ratio=0, tokens=tokens)
    assert len(reused) > 0 and reused.equals(
        collocations(texts, groups, min_count=1, common_words=0, min_ratio=0)
    )
    with pytest.raises(OptionError, match="4 texts"):
        term_counts(texts[:4], groups[:4], tokens=tokens)
    with pytest.raises(OptionError, match="not both"):
        term_counts(texts, groups, tokens=tokens, vocabulary=["kyiv"])


def test_package_reexports_public_and_former_private_names():
    import framing.compare as compare
    from framing.compare import blame, keyness, rates, resampling, time

    assert (
        callable(compare.separability) and compare.separability.__module__ == "framing.compare.separability"
    )
    for name in compare.__all__:
        assert hasattr(compare, name), name
    assert compare.outlet_summary is rates.outlet_summary and compare.rates_over_time is time.rates_over_time
    assert compare.blame_matrix is blame.blame_matrix and compare.term_counts is keyness.term_counts
    assert compare.stream_key is resampling.stream_key
    # framing.report still calls compare._sorted_groups
    assert compare._sorted_groups(["b", "a", 1]) == compare.sorted_groups(["b", "a", 1]) == [1, "a", "b"]
