"""framing.compare refuses bad options and data with one-line OptionError / InputError (issue 7),
and every function returns a well-formed table on a corpus where no cue ever matches."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from framing import compare
from framing.errors import FramingError, InputError, OptionError


def features_table(counts: dict[str, list[int]], cue: str = "blame") -> pd.DataFrame:
    """One row per document: outlet -> list of cue counts; 200 tokens each."""
    rows = [
        {"doc_id": f"{outlet}{i}", "outlet": outlet, "date": f"2024-01-0{i + 1}", "tokens": 200}
        | {f"{cue}_count": n, f"{cue}_rate": n / 200 * 1000}
        for outlet, values in counts.items()
        for i, n in enumerate(values)
    ]
    return pd.DataFrame(rows)


@pytest.fixture
def features() -> pd.DataFrame:
    return features_table({"A": [1, 2, 3], "B": [0, 1, 0], "C": [4, 4, 5]})


@pytest.fixture
def silent() -> pd.DataFrame:
    """Two cues that never match anywhere: every count and rate is 0."""
    table = features_table({"A": [0, 0, 0], "B": [0, 0, 0]})
    table["hedging_count"] = 0
    table["hedging_rate"] = 0.0
    return table


def attributions_table(rows: list[tuple[str, str, str, bool]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["outlet", "doc_id", "blamed", "negated"])


STAT_CALLS = {
    "outlet_summary": lambda f, **kw: compare.outlet_summary(f, n_resamples=1000, **kw),
    "pairwise_contrasts": lambda f, **kw: compare.pairwise_contrasts(f, n_permutations=1000, **kw),
    "group_vs_rest": lambda f, **kw: compare.group_vs_rest(f, n_permutations=1000, **kw),
}


def one_line(error: BaseException) -> str:
    text = str(error)
    assert "\n" not in text
    return text


# ----------------------------------------------------------------------------------------------------
# seeds and resampling sizes
# ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [-1, 2**32, 1.5, "0", True, None])
@pytest.mark.parametrize("name", sorted(STAT_CALLS))
def test_bad_seeds_are_option_errors(features, name, seed):
    with pytest.raises(OptionError, match=r"seed must be an integer from 0 to 4294967295") as caught:
        STAT_CALLS[name](features, seed=seed)
    one_line(caught.value)


def test_largest_seed_is_accepted(features):
    out = compare.outlet_summary(features, n_resamples=1000, seed=2**32 - 1)
    assert out["seed"].unique().tolist() == [2**32 - 1]
    assert compare.blame_association(attributions_table([]), seed=0, n_permutations=1000)["seed"][0] == 0
    with pytest.raises(OptionError, match="seed"):
        compare.blame_association(attributions_table([]), seed=-1)
    with pytest.raises(OptionError, match="seed"):
        compare.separability(features, seed=2**32)


@pytest.mark.parametrize("value", [0, -5, 2.5, True])
def test_resamples_and_permutations_must_be_positive_integers(features, value):
    with pytest.raises(OptionError, match="n_resamples must be a positive integer"):
        compare.outlet_summary(features, n_resamples=value)
    with pytest.raises(OptionError, match="n_permutations must be a positive integer"):
        compare.pairwise_contrasts(features, n_permutations=value)
    with pytest.raises(OptionError, match="n_permutations must be a positive integer"):
        compare.blame_association(attributions_table([]), n_permutations=value)
    with pytest.raises(OptionError, match="n_resamples"):
        compare.bootstrap_ci([1.0, 2.0], n_resamples=value)


def test_confidence_and_other_options(features):
    with pytest.raises(OptionError, match="confidence must be strictly between 0 and 1"):
        compare.outlet_summary(features, confidence=1.0)
    with pytest.raises(OptionError, match="freq must be one of"):
        compare.rates_over_time(features, freq="H")
    with pytest.raises(OptionError, match="n_splits"):
        compare.separability(features, n_splits=1)
    with pytest.raises(OptionError, match="unknown cue"):
        compare.outlet_summary(features, cues=["fear"])
    with pytest.raises(OptionError, match="single string"):
        compare.outlet_summary(features, order="A")
    with pytest.raises(OptionError, match="more than once"):
        compare.outlet_summary(features, order=["A", "A"])
    with pytest.raises(OptionError, match="between 0 and 1"):
        compare.benjamini_hochberg([0.5, 2.0])


# ----------------------------------------------------------------------------------------------------
# grouping columns
# ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("by", "reason"),
    [
        ("doc_id", "identifies single documents"),
        ("tokens", "is a count"),
        ("blame_count", "is a cue feature column"),
        ("blame_rate", "is a cue feature column"),
    ],
)
def test_id_count_and_feature_columns_cannot_group(features, by, reason):
    for call in (
        lambda: compare.outlet_summary(features, by=by, n_resamples=1000),
        lambda: compare.omnibus_tests(features, by=by),
        lambda: compare.pairwise_contrasts(features, by=by, n_permutations=1000),
        lambda: compare.rates_over_time(features, by=by),
        lambda: compare.separability(features, by=by),
    ):
        with pytest.raises(OptionError, match=f"cannot compare by '{by}': it {reason}") as caught:
            call()
        one_line(caught.value)
    with pytest.raises(OptionError, match=f"cannot compare by '{by}'"):
        compare.blame_matrix(attributions_table([("A", "A0", "Kyiv", False)]), by=by)


def test_missing_column_is_an_input_error_naming_the_table(features):
    with pytest.raises(InputError, match=r"^feature table: missing column\(s\) 'country'") as caught:
        compare.outlet_summary(features, by="country")
    assert "it has: doc_id, outlet" in one_line(caught.value)
    with pytest.raises(InputError, match="attribution table"):
        compare.blame_matrix(attributions_table([]).drop(columns=["negated"]))
    with pytest.raises(InputError, match="term count table"):
        compare.distinctive_terms(pd.DataFrame({"group": ["A"], "term": ["x"]}))


def test_bad_values_are_input_errors(features):
    broken = features.assign(blame_count=features["blame_count"].astype(object))
    broken.loc[0, "blame_count"] = "many"
    with pytest.raises(InputError, match="'blame_count' has 1 missing or non-numeric"):
        compare.outlet_summary(broken, n_resamples=1000)
    with pytest.raises(InputError, match="not ISO dates"):
        compare.rates_over_time(features.assign(date="soon"))
    with pytest.raises(InputError, match="must be boolean"):
        compare.blame_matrix(attributions_table([("A", "A0", "Kyiv", "maybe")]))
    with pytest.raises(InputError, match="no document has tokens > 0"):
        compare.outlet_summary(features.assign(tokens=0), n_resamples=1000)
    with pytest.raises(OptionError, match="at least 2 groups with documents in 'outlet', found 1"):
        compare.pairwise_contrasts(features[features["outlet"] == "A"], n_permutations=1000)


def test_every_error_is_a_framing_error_and_a_value_error(features):
    with pytest.raises(FramingError):
        compare.outlet_summary(features, seed=-1)
    with pytest.raises(ValueError):  # callers that catch ValueError keep working
        compare.outlet_summary(features, seed=-1)


# ----------------------------------------------------------------------------------------------------
# groups named in `order` with no rows
# ----------------------------------------------------------------------------------------------------


def test_order_group_without_attributions_is_kept_not_an_error():
    # regression: "order names group(s) with no rows" crashed the report when an outlet never blames
    attributions = attributions_table(
        [("A", "A0", "Kyiv", False), ("A", "A1", "Moscow", False), ("B", "B0", "Kyiv", True)]
    )
    matrix = compare.blame_matrix(attributions, order=["A", "B", "C"])
    assert matrix["outlet"].tolist() == ["A", "A", "B"]
    assert matrix.attrs["groups"] == ["A", "B", "C"]
    assert matrix.attrs["groups_without_attributions"] == ["C"]
    pairs = compare.blamer_blamed(attributions.assign(blamer="x"), order=["C", "A", "B"])
    assert pairs["outlet"].tolist() == ["A", "A", "B"]
    association = compare.blame_association(attributions, order=["A", "B", "C"], n_permutations=1000)
    assert association.loc[0, "groups"] == 1  # only A names an actor without negation
    assert math.isnan(association.loc[0, "p_value"])


def test_order_group_not_in_the_features_is_an_option_error(features):
    with pytest.raises(OptionError, match=r"do not occur in column 'outlet': \['D'\] \(check the spelling\)"):
        compare.outlet_summary(features, order=["A", "D"], n_resamples=1000)


def test_order_group_whose_documents_were_all_left_out_is_dropped_and_listed(features):
    features.loc[features["outlet"] == "C", "tokens"] = 0  # C has documents, none with tokens
    out = compare.outlet_summary(features, order=["A", "B", "C"], n_resamples=1000)
    assert out["outlet"].unique().tolist() == ["A", "B"]
    assert out.attrs["groups_without_documents"] == ["C"]
    assert out.attrs["empty_documents"] == 3


# ----------------------------------------------------------------------------------------------------
# distinctive_terms with too little to compare
# ----------------------------------------------------------------------------------------------------


DISTINCTIVE_COLUMNS = [
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


@pytest.mark.parametrize(
    ("rows", "note"),
    [
        ([("A", "blame", 3), ("B", "blame", 1)], "needs at least 2 terms with a positive count, found 1"),
        ([("A", "blame", 3), ("A", "accuse", 1)], "needs at least 2 groups, found 1"),
        ([], "needs at least 2 groups, found 0"),
        ([("A", "blame", 0), ("B", "accuse", 0)], "needs at least 2 terms with a positive count, found 0"),
    ],
)
def test_distinctive_terms_with_too_little_returns_an_empty_table(rows, note):
    # regression: a cue family with one distinct term raised instead of giving an empty table
    out = compare.distinctive_terms(pd.DataFrame(rows, columns=["group", "term", "count"]), top_n=5)
    assert out.columns.tolist() == DISTINCTIVE_COLUMNS
    assert out.empty
    assert out.attrs["note"] == note
    assert math.isnan(out.attrs["prior_total"])


def test_distinctive_terms_option_errors():
    tc = pd.DataFrame({"group": ["A", "B"], "term": ["x", "y"], "count": [1, 2]})
    with pytest.raises(OptionError, match="top_n"):
        compare.distinctive_terms(tc, top_n=0)
    with pytest.raises(OptionError, match="prior_scale"):
        compare.distinctive_terms(tc, prior_scale=-1.0)
    with pytest.raises(OptionError, match="min_count"):
        compare.distinctive_terms(tc, min_count=-1)
    with pytest.raises(InputError, match="non-negative"):
        compare.distinctive_terms(tc.assign(count=[-1, 2]))
    with pytest.raises(OptionError, match="one group per text"):
        compare.term_counts(["a b"], ["A", "B"])
    with pytest.raises(OptionError, match="single string"):
        compare.term_counts(["a b"], ["A"], vocabulary="blame")
    with pytest.raises(OptionError, match="top_n"):
        compare.collocations(["a b"], ["A"], top_n=0)


# ----------------------------------------------------------------------------------------------------
# a corpus where no cue ever matches
# ----------------------------------------------------------------------------------------------------


def test_no_cue_matches_summary_and_tests(silent):
    summary = compare.outlet_summary(silent, n_resamples=1000)
    assert summary["matches"].tolist() == [0, 0, 0, 0]
    assert summary[["pooled_rate", "mean_rate", "ci_low", "ci_high", "share_with_cue"]].eq(0).all().all()
    omnibus = compare.omnibus_tests(silent)
    assert omnibus["h_statistic"].tolist() == [0.0, 0.0]
    assert omnibus["p_value"].tolist() == [1.0, 1.0]
    assert omnibus.attrs["constant_cues"] == ["blame", "hedging"]
    assert "test is undefined" in omnibus.attrs["note"]
    for table in (
        compare.pairwise_contrasts(silent, n_permutations=1000),
        compare.group_vs_rest(silent, n_permutations=1000),
    ):
        assert table["rate_ratio"].isna().all()  # 0 / 0
        assert table["p_value"].eq(1.0).all() and table["cliffs_delta"].eq(0.0).all()
        assert table["matches_a"].eq(0).all()
    over_time = compare.rates_over_time(silent, freq="D")
    assert len(over_time) == 3 * 2 * 2 and over_time["pooled_rate"].eq(0).all()
    separable = compare.separability(silent)
    assert separable.summary.loc[0, "documents"] == 6


def test_no_cue_matches_words_and_blame():
    texts, groups = ["", "   "], ["A", "B"]
    counts = compare.term_counts(texts, groups)
    assert counts.columns.tolist() == ["group", "term", "count"] and counts.empty
    assert compare.term_counts(["Kyiv said"], ["A"], vocabulary=["blame"]).empty
    assert compare.distinctive_terms(counts).empty
    phrases = compare.collocations(texts, groups)
    assert phrases.empty and "likelihood_ratio" in phrases.columns
    none = attributions_table([])
    assert compare.blame_matrix(none, order=["A", "B"]).empty
    association = compare.blame_association(none, order=["A", "B"], n_permutations=1000)
    assert association.loc[0, "attributions"] == 0 and np.isnan(association.loc[0, "chi_square"])


def test_report_tables_when_an_outlet_never_blames(tmp_path):
    # regression: analyse() passes every outlet as `order`; an outlet without blame words crashed
    # blame_matrix with "order names group(s) with no rows"
    from conftest import write_jsonl

    import framing
    from framing.report import analyse

    records = [
        {"id": "w-1", "outlet": "wire", "text": "The Kremlin blamed Ukraine for the attack. It may rain."},
        {"id": "w-2", "outlet": "wire", "text": "Kyiv denied it. Officials blamed Moscow."},
        {"id": "p-1", "outlet": "paper", "text": "It might be true. Perhaps it is likely."},
        {"id": "p-2", "outlet": "paper", "text": "A concert hall was attacked on Friday."},
    ]
    corpus = framing.load_corpus(write_jsonl(tmp_path / "news.jsonl", records))
    tables = analyse(corpus, n_resamples=1000, n_permutations=1000).tables
    assert set(tables["blame_matrix"]["outlet"]) == {"wire"}
    # the report leaves the outlet without blame cues out of the blame tables before calling compare
    # (compare's own handling of such an `order` is tested above)
    assert tables["blame_association"].loc[0, "groups"] <= 1
