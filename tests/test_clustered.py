"""Outlet-clustered inference (issue 10 item 4): groups made of several outlets resample whole outlets."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import write_jsonl

from framing import compare
from framing.compare.clustered import minimum_p
from framing.errors import InputError


def nested_features(
    outlets: dict[str, list[str]],
    *,
    documents: int = 20,
    boost: dict[str, float] | None = None,
    base_rate: float = 5.0,
    seed: int = 7,
) -> pd.DataFrame:
    """Documents of outlets nested in leanings; ``boost`` multiplies one outlet's emotive rate."""
    boost = boost or {}
    rng = np.random.default_rng(seed)
    rows = []
    for leaning, names in outlets.items():
        for outlet in names:
            for i in range(documents):
                tokens = int(rng.integers(300, 900))
                count = int(rng.poisson(tokens / 1000 * base_rate * boost.get(outlet, 1.0)))
                rows.append(
                    {
                        "doc_id": f"{outlet}-{i:02d}",
                        "outlet": outlet,
                        "leaning": leaning,
                        "tokens": tokens,
                        "emotive_count": count,
                        "emotive_rate": count / tokens * 1000,
                    }
                )
    return pd.DataFrame(rows).sample(frac=1.0, random_state=1)  # row order must not matter


SIX_A_SIX = {"left": list("abcdef"), "right": list("ghijkl")}


def test_one_outlet_driving_the_difference_is_not_significant_once_outlets_are_the_unit() -> None:
    features = nested_features(SIX_A_SIX, boost={"a": 3.0})
    naive = compare.pairwise_contrasts(features, by="leaning", seed=3)
    clustered = compare.pairwise_contrasts(features, by="leaning", seed=3, cluster="outlet")
    assert naive["p_value"].iloc[0] < 0.01
    assert clustered["p_value"].iloc[0] > 0.1
    # the statistic is the same difference of mean document rates; only its reference distribution changes
    assert clustered["mean_difference"].iloc[0] == pytest.approx(naive["mean_difference"].iloc[0])
    row = clustered.iloc[0]
    assert (row["n_clusters_a"], row["n_clusters_b"]) == (6, 6)
    assert bool(row["exact"]) and row["n_permutations"] == math.comb(12, 6) and row["note"] == ""
    rest = compare.group_vs_rest(features, by="leaning", seed=3, cluster="outlet")
    assert (rest["p_value"] > 0.1).all() and rest["n_clusters_b"].tolist() == [6, 6]
    omnibus = compare.omnibus_tests(features, by="leaning", seed=3, cluster="outlet")
    assert compare.omnibus_tests(features, by="leaning")["p_value"].iloc[0] < 0.01
    assert omnibus["p_value"].iloc[0] > 0.1 and omnibus["n_clusters"].iloc[0] == 12


def test_two_outlets_against_six_is_refused_with_the_reason() -> None:
    features = nested_features({"state": ["s1", "s2"], "independent": [f"i{k}" for k in range(6)]})
    table = compare.pairwise_contrasts(features, by="leaning", cluster="outlet")
    row = table.iloc[0]
    assert (row["group_a"], row["n_clusters_a"], row["n_clusters_b"]) == ("independent", 6, 2)
    assert math.isnan(row["p_value"]) and math.isnan(row["q_value"])
    assert row["note"].startswith("refused: fewer than 3 outlet clusters (state has 2)")
    summary = compare.outlet_summary(features, by="leaning", cluster="outlet").set_index("leaning")
    assert summary.loc["independent", "ci_low"] < summary.loc["independent", "ci_high"]
    assert math.isnan(summary.loc["state", "ci_low"]) and "state has 2" in summary.loc["state", "note"]
    assert summary["n_clusters"].to_dict() == {"independent": 6, "state": 2}
    omnibus = compare.omnibus_tests(features, by="leaning", cluster="outlet")
    assert math.isnan(omnibus["p_value"].iloc[0]) and omnibus["min_clusters"].iloc[0] == 2


def test_three_outlets_against_three_cannot_reach_significance_and_is_refused() -> None:
    assert minimum_p(3, 3) == pytest.approx(0.1)  # 20 relabellings, each equal to its mirror image
    features = nested_features({"x": ["a", "b", "c"], "y": ["d", "e", "f"]}, boost=dict.fromkeys("abc", 4))
    row = compare.pairwise_contrasts(features, by="leaning", cluster="outlet").iloc[0]
    assert math.isnan(row["p_value"]) and "smallest attainable p-value (0.1)" in row["note"]


def test_an_exact_cluster_test_gives_one_over_the_number_of_relabellings() -> None:
    # three outlets far above five: the observed labelling is the single most extreme of C(8, 3) = 56
    features = nested_features(
        {"high": ["a", "b", "c"], "low": ["d", "e", "f", "g", "h"]}, boost=dict.fromkeys("abc", 5.0)
    )
    row = compare.pairwise_contrasts(features, by="leaning", cluster="outlet").iloc[0]
    assert bool(row["exact"]) and row["n_permutations"] == 56
    assert row["p_value"] == pytest.approx(1 / 56)


def test_cluster_bootstrap_interval_is_wider_than_the_document_one() -> None:
    features = nested_features(SIX_A_SIX, boost={"a": 3.0, "b": 0.3})
    naive = compare.outlet_summary(features, by="leaning").set_index("leaning")
    clustered = compare.outlet_summary(features, by="leaning", cluster="outlet").set_index("leaning")
    width = clustered["ci_high"] - clustered["ci_low"]
    assert width["left"] > 1.5 * (naive["ci_high"] - naive["ci_low"])["left"]
    assert (clustered["mean_rate"] == naive["mean_rate"]).all()


def test_when_the_groups_are_the_outlets_nothing_changes() -> None:
    features = nested_features({"left": list("abc"), "right": list("def")}, documents=8)
    for function, resamples in (
        (compare.pairwise_contrasts, "n_permutations"),
        (compare.group_vs_rest, "n_permutations"),
        (compare.outlet_summary, "n_resamples"),
    ):
        options = {"by": "outlet", "seed": 1, resamples: 200}
        plain = function(features, **options)
        pd.testing.assert_frame_equal(function(features, **options, cluster="outlet"), plain)
        assert "cluster" not in function(features, **options, cluster="outlet").attrs
    # one outlet per group under another name: the groups are the clusters
    features["house"] = features["outlet"].str.upper()
    pd.testing.assert_frame_equal(
        compare.pairwise_contrasts(features, by="house", cluster="outlet", n_permutations=200),
        compare.pairwise_contrasts(features, by="house", n_permutations=200),
    )


def test_monte_carlo_cluster_tests_are_seeded() -> None:
    features = nested_features({"l": [f"l{k}" for k in range(8)], "r": [f"r{k}" for k in range(8)]})
    first = compare.pairwise_contrasts(features, by="leaning", cluster="outlet", seed=5, n_permutations=500)
    again = compare.pairwise_contrasts(features, by="leaning", cluster="outlet", seed=5, n_permutations=500)
    other = compare.pairwise_contrasts(features, by="leaning", cluster="outlet", seed=6, n_permutations=500)
    pd.testing.assert_frame_equal(first, again)
    assert not bool(first["exact"].iloc[0]) and first["n_permutations"].iloc[0] == 500  # C(16, 8) > 500
    assert first["p_value"].iloc[0] != other["p_value"].iloc[0]
    summary = compare.outlet_summary(features, by="leaning", cluster="outlet", seed=5)
    pd.testing.assert_frame_equal(
        summary, compare.outlet_summary(features, by="leaning", cluster="outlet", seed=5)
    )


def test_a_missing_cluster_column_is_an_input_error() -> None:
    features = nested_features(SIX_A_SIX).drop(columns="outlet")
    with pytest.raises(InputError, match="no column 'outlet' to cluster by"):
        compare.pairwise_contrasts(features, by="leaning", cluster="outlet")


def planted_counts(ratio: float, *, seed: int = 11, topic_effect: float = 1.0) -> pd.DataFrame:
    """Negative-binomial counts: 8 outlets per leaning, outlet effects, leaning 'b' at ``ratio`` times 'a'.

    With ``topic_effect`` != 1 the 'war' topic multiplies the rate and leaning 'b' covers it three times
    as often, so a model without the topic confuses topic and leaning.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for leaning, multiplier in (("a", 1.0), ("b", ratio)):
        for k in range(8):
            outlet = f"{leaning}{k}"
            outlet_effect = math.exp(rng.normal(0, 0.15))
            for i in range(40):
                tokens = int(rng.integers(300, 1500))
                war = rng.random() < (0.6 if leaning == "b" else 0.2)
                mean = tokens / 1000 * 6.0 * multiplier * outlet_effect * (topic_effect if war else 1.0)
                count = int(rng.poisson(mean * rng.gamma(1 / 0.3, 0.3)))  # NB2 with alpha 0.3
                rows.append(
                    {
                        "doc_id": f"{outlet}-{i:02d}",
                        "outlet": outlet,
                        "leaning": leaning,
                        "topic": "war" if war else "economy",
                        "date": f"2024-03-{1 + i % 28:02d}",
                        "tokens": tokens,
                        "emotive_count": count,
                        "emotive_rate": count / tokens * 1000,
                    }
                )
    return pd.DataFrame(rows)


def test_rate_model_recovers_a_planted_rate_ratio_within_its_interval() -> None:
    table = compare.rate_model(planted_counts(1.5), by="leaning")
    row = table.iloc[0]
    assert (row["group"], row["reference"], row["n_clusters"]) == ("b", "a", 8)
    assert row["ci_low"] < 1.5 < row["ci_high"] and row["ci_low"] > 1.0
    assert row["irr"] == pytest.approx(1.5, rel=0.15)
    assert row["model"] == "negative binomial" and row["dispersion"] > 0.1
    assert row["standard_errors"] == "cluster-robust by outlet (16 clusters)"
    assert row["q_value"] == row["p_value"] < 0.05
    # same input, same table
    pd.testing.assert_frame_equal(table, compare.rate_model(planted_counts(1.5), by="leaning"))


def test_rate_model_lets_each_fitted_model_go_before_the_next_cue() -> None:
    # regression: statsmodels' model and results refer to each other, so each cue's fit (with its copies
    # of the design matrix) waited for the cycle collector; at 127,000 documents the report's peak rose
    # by ~100 MB as fits piled up. With the collector off, no model may outlive rate_model.
    import gc

    from statsmodels.base.model import Model

    features = planted_counts(1.5)
    features["hedging_count"] = features["emotive_count"]
    features["hedging_rate"] = features["emotive_rate"]
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        table = compare.rate_model(features, by="leaning", cues=["emotive", "hedging"])
        alive = [o for o in gc.get_objects() if isinstance(o, Model)]
    finally:
        if enabled:
            gc.enable()
    assert list(table["cue"]) == ["emotive", "hedging"]
    assert alive == []


def test_rate_model_controls_separate_topic_from_leaning() -> None:
    features = planted_counts(1.0, topic_effect=2.0)
    naive = compare.rate_model(features, by="leaning").iloc[0]
    adjusted = compare.rate_model(features, by="leaning", controls=["topic"], event_date="2024-03-01").iloc[0]
    assert naive["irr"] > 1.2  # 'b' covers the emotive topic more often
    assert adjusted["ci_low"] < 1.0 < adjusted["ci_high"]
    assert adjusted["controls"] == "topic, weeks_since_event"


def test_rate_model_by_outlet_uses_model_based_errors_and_refuses_few_clusters() -> None:
    features = planted_counts(1.5)
    by_outlet = compare.rate_model(features, by="outlet", reference="a0")
    assert len(by_outlet) == 15 and set(by_outlet["standard_errors"]) == {"model-based"}
    assert by_outlet["n_clusters"].isna().all() and by_outlet["p_value"].notna().all()
    features.loc[features["outlet"].isin(["a2", "a3", "a4", "a5", "a6", "a7"]), "leaning"] = "c"
    few = compare.rate_model(features, by="leaning", reference="b").set_index("group")
    assert few.loc["c", "n_clusters"] == 6 and few.loc["c", "p_value"] < 0.05
    assert math.isnan(few.loc["a", "p_value"]) and math.isnan(few.loc["a", "ci_low"])
    assert few.loc["a", "note"] == "no interval or p-value: fewer than 3 clusters in a"
    assert few.loc["a", "irr"] < 1.0  # the estimate is still shown


def test_rate_model_states_a_group_without_matches_and_the_quasi_poisson_fallback() -> None:
    features = planted_counts(1.5)
    silent = features["leaning"] == "b"
    features.loc[silent, ["emotive_count", "emotive_rate"]] = 0
    row = compare.rate_model(features, by="leaning").iloc[0]
    assert math.isnan(row["irr"]) and row["note"] == "not estimable: no emotive match in b (rate ratio 0)"
    # counts exactly proportional to length have no extra-Poisson variation: NB's alpha runs to 0
    even = planted_counts(1.5)
    even["emotive_count"] = (even["tokens"] // 100) * np.where(even["leaning"] == "b", 3, 2)
    even["emotive_rate"] = even["emotive_count"] / even["tokens"] * 1000
    fallback = compare.rate_model(even, by="leaning").iloc[0]
    assert fallback["model"] == "quasi-Poisson (negative binomial dispersion at its boundary 0)"
    assert fallback["dispersion"] < 1 and fallback["irr"] == pytest.approx(1.5, rel=0.02)


def test_rate_model_calls_alpha_run_to_zero_the_boundary_converged_or_not() -> None:
    # Regression: on the bundled corpus the negative binomial fits of blame and denial end with alpha
    # ~1e-8; whether statsmodels then reports convergence depended on the CPU's BLAS kernels (AMD and
    # Intel machines wrote different notes in the report). Both are the boundary case.
    import framing

    corpus = framing.load_corpus(Path(__file__).resolve().parents[1] / "corpora" / "crocus")
    table = compare.rate_model(framing.extract(corpus), by="outlet", cues=["blame", "denial"])
    assert set(table["model"]) == {"quasi-Poisson (negative binomial dispersion at its boundary 0)"}
    assert (table["dispersion"] > 0).all() and table["irr"].notna().all()


def test_separability_is_compared_with_chance_on_the_same_folds() -> None:
    # two groups of 30 and 10 documents whose rates carry no signal: the majority baseline's macro-F1 is
    # about 0.43 (one class always right), chance guesses score near 0.5, and so does the classifier
    rng = np.random.default_rng(4)
    rates = rng.gamma(2.0, 2.0, size=40)
    features = pd.DataFrame(
        {
            "doc_id": [f"d{i:02d}" for i in range(40)],
            "outlet": ["big"] * 30 + ["small"] * 10,
            "tokens": 500,
            "emotive_count": np.round(rates / 2).astype(int),
            "emotive_rate": rates,
        }
    )
    result = compare.separability(features, seed=2)
    summary, folds = result.summary.iloc[0], result.folds
    for name in ("stratified_macro_f1", "uniform_macro_f1"):
        assert summary[name] == pytest.approx(folds[name].mean())
        assert 0.2 < summary[name] < 0.8
    assert summary["uniform_macro_f1"] != summary["stratified_macro_f1"]
    pd.testing.assert_frame_equal(result.folds, compare.separability(features, seed=2).folds)


def test_cli_compare_by_leaning_counts_outlets_refuses_few_and_fits_the_rate_model(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from framing.cli import app

    plain = "The council met on Tuesday and discussed the budget for the coming year in some detail. "
    records = []
    outlets = {"state": ["s1", "s2"], "independent": ["i1", "i2", "i3", "i4"]}
    for leaning, names in outlets.items():
        for n, outlet in enumerate(names):
            for i in range(4):
                scary = "The scene was terrifying and horrific. " * (1 + (n + i) % 3)
                records.append(
                    {"id": f"{outlet}-{i}", "outlet": outlet, "leaning": leaning, "topic": ["a", "b"][i % 2],
                     "date": f"2024-05-0{i + 1}", "text": plain * 6 + scary}
                )  # fmt: skip
    path = write_jsonl(tmp_path / "nested.jsonl", records)
    result = CliRunner().invoke(
        app,
        [
            "compare",
            str(path),
            "--by",
            "leaning",
            "--rate-model",
            "--control",
            "topic",
            "--resamples",
            "1000",
        ],
    )
    assert result.exit_code == 0, result.output
    out = result.output
    assert "over whole outlets (cluster bootstrap" in out
    table = out.split("\n\n")[0].splitlines()
    assert "outlets" in table[1]
    state = next(line for line in table if line.startswith("state"))
    assert state.split()[1:3] == ["8", "2"] and "nan" in state  # 8 documents, 2 outlets: no interval
    assert "(outlet permutation, 6 outlets); refused: fewer than 3 outlet clusters (state has 2)" in out
    assert "Incidence-rate ratio vs independent" in out and "controls: topic" in out
    assert "emotive state: IRR" in out and "no interval or p-value: fewer than 3 clusters in state" in out


def test_report_by_leaning_is_outlet_clustered_and_has_the_rate_model(tmp_path: Path) -> None:
    import framing
    from framing.report.analysis import analyse

    plain = "The council met on Tuesday and discussed the budget for the coming year in some detail. "
    records = []
    for leaning, names in {"left": ["l1", "l2", "l3"], "right": ["r1", "r2", "r3", "r4"]}.items():
        for n, outlet in enumerate(names):
            for i in range(3):
                scary = "The scene was terrifying. " * (1 + (n + i) % 3)
                records.append({"id": f"{outlet}-{i}", "outlet": outlet, "leaning": leaning,
                                "date": f"2024-05-0{i + 1}", "text": plain * 5 + scary})  # fmt: skip
    corpus = framing.load_corpus(write_jsonl(tmp_path / "nested.jsonl", records))
    analysis = analyse(corpus, by="leaning", n_resamples=200, n_permutations=200)
    tables = analysis.tables
    assert tables["pairwise"][["n_clusters_a", "n_clusters_b"]].drop_duplicates().values.tolist() == [[3, 4]]
    assert set(tables["cue_rates"]["n_clusters"]) == {3, 4} and "n_clusters" in tables["omnibus"]
    assert tables["pairwise"]["exact"].all() and (tables["pairwise"]["n_permutations"] == 35).all()
    model = tables["rate_model"]
    assert set(model["group"]) == {"right"} and set(model["reference"]) == {"left"}
    assert model["standard_errors"].str.startswith("cluster-robust by outlet (7 clusters)").any()
    assert analysis.metadata["parameters"]["cluster"] == "outlet"
    finding = next(f for f in analysis.findings if f.topic == "clustering")
    assert "holds several outlets (3 to 4)" in finding.text


def test_cli_compare_cluster_option(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from framing.cli import app

    text = "The council met and the scene was terrifying, officials said. " * 5
    records = [
        {"id": f"{o}-{i}", "outlet": o, "leaning": "l" if o < "m" else "r", "text": text}
        for o in ("a", "b", "c", "x", "y", "z")
        for i in range(2)
    ]
    path = write_jsonl(tmp_path / "small.jsonl", records)
    runner = CliRunner()
    unknown = runner.invoke(app, ["compare", str(path), "--by", "leaning", "--cluster", "desk"])
    assert unknown.exit_code == 2 and "--cluster 'desk': no such document column" in unknown.output
    documents = runner.invoke(app, ["compare", str(path), "--by", "leaning", "--cluster", "none"])
    assert documents.exit_code == 0 and "CI over documents;" in documents.output
    assert "permutation" not in documents.output


def test_separability_with_whole_outlets_in_folds_cannot_score_by_recognising_outlets() -> None:
    # 8 outlets at random points of a 3-cue space, leanings alternating: with documents of every outlet in
    # training, a linear boundary through the outlets' points recognises them (macro-F1 0.88); on outlets
    # it never saw it does no better than chance, which is what the leaning difference really is
    rng = np.random.default_rng(1)
    rows = []
    for k in range(8):
        centre = rng.normal(10, 3, size=3)
        for i in range(20):
            rate = centre + rng.normal(0, 0.3, size=3)
            row = {"doc_id": f"o{k}-{i:02d}", "outlet": f"o{k}", "leaning": "ab"[k % 2], "tokens": 1000}
            for c, cue in enumerate(["emotive", "hedging", "blame"]):
                row[f"{cue}_count"], row[f"{cue}_rate"] = round(rate[c]), rate[c]
            rows.append(row)
    features = pd.DataFrame(rows)
    documents = compare.separability(features, by="leaning", seed=0).summary.iloc[0]
    outlets = compare.separability(features, by="leaning", seed=0, cluster="outlet").summary.iloc[0]
    assert (outlets["cluster"], outlets["n_clusters"], outlets["n_splits"]) == ("outlet", 8, 4)
    assert "cluster" not in documents.index
    assert documents["macro_f1"] > 0.85 > documents["stratified_macro_f1"] + 0.3
    assert outlets["macro_f1"] < outlets["stratified_macro_f1"]


def test_report_leaves_out_the_rate_model_beyond_its_group_limit_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import framing
    from framing.report import analysis as analysis_module

    monkeypatch.setattr(analysis_module, "RATE_MODEL_MAX_GROUPS", 2)
    text = "The council met and the scene was terrifying, officials said. " * 5
    records = [{"id": f"{o}-{i}", "outlet": o, "text": text} for o in ("a", "b", "c") for i in range(2)]
    corpus = framing.load_corpus(write_jsonl(tmp_path / "three.jsonl", records))
    result = analysis_module.analyse(corpus, n_resamples=100, n_permutations=100)
    assert result.tables["rate_model"].empty
    assert list(result.tables["rate_model"].columns) == compare.RATE_MODEL_COLUMNS
    assert any(gap.startswith("rate model: more than 2 outlets") for gap in result.metadata["not_computed"])


def test_rate_model_on_identical_documents_says_it_cannot_fit_instead_of_failing() -> None:
    # regression: every document a copy of one text gave Pearson X2 = 0 and statsmodels raised ValueError
    features = pd.DataFrame(
        {"doc_id": ["a1", "a2", "b1", "b2"], "outlet": ["a", "a", "b", "b"], "tokens": 40,
         "emotive_count": 2, "emotive_rate": 50.0}
    )  # fmt: skip
    row = compare.rate_model(features).iloc[0]
    assert (row["group"], row["reference"]) == ("b", "a") and math.isnan(row["irr"])
    assert row["note"].startswith("not estimable: the count model could not be fitted")
