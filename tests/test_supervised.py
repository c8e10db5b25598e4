"""Supervised measures (framing.supervised, `framing train`, `features --model`)."""

from __future__ import annotations

import json
import pickle
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import CALM, LOUD
from conftest import coded_sentences as _coded
from typer.testing import CliRunner

from framing.cli import app
from framing.coding import read_sheet
from framing.corpus import load_corpus
from framing.errors import InputError, OptionError
from framing.supervised import (
    _folds,
    add_probabilities,
    baseline_settings,
    cross_validate,
    load_model,
    read_gold,
    save_model,
    train,
)

runner = CliRunner()
REPO = Path(__file__).resolve().parents[1]


def test_folds_never_split_an_article() -> None:
    labels = np.array([True, False] * 10)
    groups = np.array([f"g{i // 4}" for i in range(20)])
    folds = _folds(labels, groups, 5, seed=0)
    for train_index, test_index in folds:
        assert not set(groups[train_index]) & set(groups[test_index])
    assert sorted(np.concatenate([test for _, test in folds]).tolist()) == list(range(20))


def test_cross_validation_needs_two_groups() -> None:
    with pytest.raises(OptionError, match="at least 2 groups"):
        cross_validate(LOUD + CALM, [True] * 6 + [False] * 6, groups=["one"] * 12)


def test_train_learns_the_label_and_writes_a_card() -> None:
    texts, labels, groups = _coded()
    model = train(texts, labels, label="emotive", groups=groups, n_folds=3, seed=0)
    card = model.card
    assert card["units"] == 12 and card["positives"] == 6 and card["groups"] == 4
    assert card["cv"]["grouped_by"] == "article" and card["cv"]["folds"] == 3
    assert 0.5 < card["cv"]["roc_auc"] <= 1.0
    assert len(card["training_data_sha256"]) == 64 and card["lexicon_versions"]
    probabilities = model.predict_proba(
        ["A horrific, barbaric massacre.", "The budget was approved on Tuesday."]
    )
    assert probabilities[0] > 0.5 > probabilities[1]
    # the cue features are part of the model, next to the n-grams
    assert any(name.startswith("cue:emotive") for name in model.vectoriser.feature_names())
    assert baseline_settings().cues is False


def test_model_round_trip_and_same_model_with_two_jobs(tmp_path: Path) -> None:
    texts, labels, groups = _coded()
    model = train(texts, labels, label="emotive", groups=groups, n_folds=3, seed=0)
    parallel = train(texts, labels, label="emotive", groups=groups, n_folds=3, seed=0, jobs=2)
    np.testing.assert_array_equal(model.coef, parallel.coef)
    assert model.card["cv"] == parallel.card["cv"]
    save_model(model, tmp_path / "model")
    assert sorted(p.name for p in (tmp_path / "model").iterdir()) == ["arrays.npz", "model.json"]
    loaded = load_model(tmp_path / "model")
    new = ["Brutal, horrific scenes.", "The talks resumed on Friday.", ""]
    np.testing.assert_allclose(loaded.predict_proba(new), model.predict_proba(new), rtol=1e-12)
    table = add_probabilities(pd.DataFrame({"text": new}), tmp_path / "model")
    assert table.columns.tolist() == ["text", "emotive_probability", "emotive_predicted"]


def test_tampered_model_files_are_refused_not_executed(tmp_path: Path) -> None:
    texts, labels, groups = _coded()
    folder = save_model(train(texts, labels, label="emotive", groups=groups, n_folds=3), tmp_path / "model")
    marker = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self):  # unpickling this would create the marker file
            return (Path.touch, (marker,))

    arrays = folder / "arrays.npz"
    original = arrays.read_bytes()
    # a pickle in place of the arrays, with the hash in model.json updated to match
    arrays.write_bytes(pickle.dumps(Exploit()))
    document = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    import hashlib

    document["arrays_sha256"] = hashlib.sha256(arrays.read_bytes()).hexdigest()
    (folder / "model.json").write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(InputError, match="not a plain numeric array file"):
        load_model(folder)
    assert not marker.exists()
    # an object array inside a real .npz is refused too (np.load with allow_pickle=False)
    with arrays.open("wb") as handle:
        np.savez(handle, coef=np.array([Exploit()], dtype=object))
    document["arrays_sha256"] = hashlib.sha256(arrays.read_bytes()).hexdigest()
    (folder / "model.json").write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(InputError):
        load_model(folder)
    assert not marker.exists()
    # arrays changed behind model.json's back
    arrays.write_bytes(original[:-10] + b"0" * 10)
    with pytest.raises(InputError, match="modified"):
        load_model(folder)
    (folder / "model.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="not a framing model file"):
        load_model(folder)


def test_other_lexicon_version_warns_naming_both(tmp_path: Path) -> None:
    texts, labels, groups = _coded()
    folder = save_model(train(texts, labels, label="emotive", groups=groups, n_folds=3), tmp_path / "model")
    document = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    name, installed = next(iter(document["card"]["lexicon_versions"].items()))
    document["card"]["lexicon_versions"][name] = "0.0.1"
    (folder / "model.json").write_text(json.dumps(document), encoding="utf-8")
    with pytest.warns(UserWarning, match=rf"{name} 0\.0\.1 \(model\) vs {installed} \(installed\)"):
        load_model(folder)


def test_read_gold_groups_and_skips_unlabelled(tmp_path: Path) -> None:
    path = tmp_path / "gold.jsonl"
    records = [
        {"id": "1", "article_id": "A", "text": "x", "flag": True},
        {"id": "2", "article_id": "A", "text": "y", "flag": None},
        {"id": "3", "article_id": "B", "text": "z", "flag": False},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    texts, labels, groups = read_gold(path, label="flag")
    assert texts == ["x", "z"] and labels.tolist() == [True, False] and groups.tolist() == ["A", "B"]
    with pytest.raises(InputError, match="no column 'missing'"):
        read_gold(path, label="missing")


def _run(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def test_sample_code_agree_train_score_end_to_end(tmp_path: Path) -> None:
    """sample -> sheet filled by two coders -> agreement -> train -> features --model."""
    corpus = tmp_path / "articles.jsonl"
    records = [
        {"id": f"{outlet}{i}", "outlet": outlet, "text": f"{LOUD[i]} {CALM[i]}"}
        for outlet in ("left", "right")
        for i in range(6)
    ]
    corpus.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    sheet = tmp_path / "sheet.csv"
    result = _run("sample", corpus, "--unit", "sentence", "--n", "24", "--labels", "emotive",
                  "--coders", "a,b", "--seed", "0", "-o", sheet)  # fmt: skip
    assert result.exit_code == 0, result.output
    # the coders fill the sheet: both mark the loaded sentences; coder b misses one
    lines = sheet.read_text(encoding="utf-8").splitlines(keepends=True)
    header = [line for line in lines if line.startswith("#")]
    table = read_sheet(sheet)
    assert len(table) == 24
    loud = table["text"].isin(LOUD)
    table["emotive__a"] = np.where(loud, "1", "0")
    table["emotive__b"] = np.where(loud, "1", "0")
    table.loc[table.index[loud][0], "emotive__b"] = "0"
    sheet.write_text("".join(header) + table.to_csv(index=False), encoding="utf-8")
    agreement = _run("agreement", sheet, "--label", "emotive", "--resamples", "100")
    assert agreement.exit_code == 0, agreement.output
    assert "vs majority" in agreement.output
    model = tmp_path / "model"
    trained = _run("train", sheet, "--label", "emotive__a", "--unit", "sentence", "--group-col", "doc_id",
                   "--folds", "3", "--validate", sheet, "-o", model)  # fmt: skip
    assert trained.exit_code == 0, trained.output
    assert "grouped by article" in trained.output and "validation on" in trained.output
    card = json.loads((model / "model.json").read_text(encoding="utf-8"))["card"]
    assert card["units"] == 24 and card["groups"] == 12 and card["validation"]["roc_auc"] > 0.9
    features = tmp_path / "features.csv"
    scored = _run("features", corpus, "--unit", "sentence", "--model", model, "-o", features)
    assert scored.exit_code == 0, scored.output
    table = pd.read_csv(features)
    assert len(table) == 24 and "emotive__a_probability" in table.columns
    # the probability column equals scoring the sentence texts directly
    texts = pd.DataFrame(records).set_index("id")["text"]
    direct = add_probabilities(
        [texts[d][s:e] for d, s, e in zip(table.doc_id, table.start, table.end, strict=True)], model
    )
    np.testing.assert_allclose(table["emotive__a_probability"], direct["emotive__a_probability"], atol=1e-6)
    # the same table in chunks scored by two worker processes
    parallel = tmp_path / "parallel.csv"
    again = _run("features", corpus, "--unit", "sentence", "--model", model, "-o", parallel,
                 "--jobs", "2", "--chunk-size", "3")  # fmt: skip
    assert again.exit_code == 0, again.output
    assert parallel.read_bytes() == features.read_bytes()
    # the majority of the coders can be the training label too (ties left out)
    majority = _run("train", sheet, "--label", "emotive", "--folds", "3", "-o", tmp_path / "m2")
    assert majority.exit_code == 0, majority.output
    assert "23 units" in majority.output  # the one tie (a=1, b=0) is not a label


def test_train_refuses_bad_input(tmp_path: Path) -> None:
    result = _run("train", tmp_path / "none.jsonl", "--label", "x", "-o", tmp_path / "m")
    assert result.exit_code == 2 and "no such file" in result.output
    refused = _run("features", REPO / "corpora" / "crocus", "-o", tmp_path / "f.csv", "--model", tmp_path)
    assert refused.exit_code == 2 and "model.json" in refused.output


def test_crocus_demo_sheet_runs_agreement_train_and_report_with_the_model(tmp_path: Path) -> None:
    sheet = REPO / "corpora" / "coding" / "crocus_emotive.csv"
    texts, labels, groups = read_gold(sheet, label="emotive", group_col="doc_id")
    assert len(texts) == 36 and labels.sum() == 13 and groups is not None
    agreement = _run("agreement", sheet, "--label", "emotive", "--cue", "emotive", "-o", tmp_path / "agree")
    assert agreement.exit_code == 0, agreement.output
    assert (tmp_path / "agree" / "agreement_instrument.csv").is_file()
    trained = _run(
        "train", sheet, "--label", "emotive", "--unit", "sentence", "--group-col", "doc_id", "--folds", "3",
        "-o", tmp_path / "model",
    )  # fmt: skip
    assert trained.exit_code == 0, trained.output
    report = _run(
        "report", REPO / "corpora" / "crocus", "-o", tmp_path / "report", "--model", tmp_path / "model",
        "--resamples", "200", "--permutations", "200",
    )  # fmt: skip
    assert report.exit_code == 0, report.output
    prevalence = pd.read_csv(tmp_path / "report" / "tables" / "model_prevalence.csv")
    outlets = load_corpus(REPO / "corpora" / "crocus").documents["outlet"].nunique()
    assert len(prevalence) == outlets and prevalence["prevalence"].between(0, 1).all()


def test_prevalence_by_group_is_the_mean_probability_with_a_bootstrap_interval() -> None:
    table = pd.DataFrame(
        {
            "outlet": ["a", "a", "a", "b", "b"],
            "emotive_probability": [0.2, 0.4, 0.9, 0.1, 0.1],
            "emotive_predicted": [False, False, True, False, False],
            "w": [1.0, 1.0, 2.0, 1.0, 1.0],
        }
    )
    from framing.supervised import prevalence_by_group

    result = prevalence_by_group(table, "emotive", n_resamples=500, seed=0).set_index("outlet")
    assert result.loc["a", "prevalence"] == pytest.approx(0.5)
    assert result.loc["a", "ci_low"] >= 0.2 and result.loc["a", "ci_high"] <= 0.9
    assert result.loc["b", ["prevalence", "ci_low", "ci_high"]].tolist() == pytest.approx([0.1, 0.1, 0.1])
    assert result.loc["a", "predicted_share"] == pytest.approx(1 / 3)
    weighted = prevalence_by_group(table, "emotive", weight="w", n_resamples=50).set_index("outlet")
    assert weighted.loc["a", "prevalence"] == pytest.approx((0.2 + 0.4 + 1.8) / 4)
    with pytest.raises(OptionError, match="hedging_probability"):
        prevalence_by_group(table, "hedging")


def test_model_card_markdown_names_data_versions_and_figures() -> None:
    from framing.supervised import model_card_markdown

    texts, labels, groups = _coded()
    model = train(texts, labels, label="emotive", groups=groups, n_folds=3, source="coded.csv")
    text = model_card_markdown(model)
    assert "coded.csv" in text and model.card["training_data_sha256"][:16] in text
    assert "12 units, 6 positive" in text and "ROC AUC" in text and "emotive" in text


def test_saving_a_model_never_replaces_a_folder_of_other_files(tmp_path: Path) -> None:
    # regression: `framing train -o DIR` replaced DIR whatever it held
    texts, labels, groups = _coded()
    model = train(texts, labels, label="emotive", groups=groups, n_folds=3)
    precious = tmp_path / "thesis"
    precious.mkdir()
    (precious / "chapter1.tex").write_text("keep me", encoding="utf-8")
    with pytest.raises(OptionError, match="not an empty folder or a framing model"):
        save_model(model, precious)
    assert (precious / "chapter1.tex").read_text(encoding="utf-8") == "keep me"
    save_model(model, tmp_path / "model")
    save_model(model, tmp_path / "model")  # an earlier model is replaced
    assert (tmp_path / "model" / "model.json").is_file()


def test_compare_with_a_model_prints_the_prevalence_per_outlet(tmp_path: Path) -> None:
    from conftest import CROCUS

    texts, labels, groups = _coded()
    folder = save_model(train(texts, labels, label="emotive", groups=groups, n_folds=3), tmp_path / "model")
    result = CliRunner().invoke(app, ["compare", str(CROCUS), "--model", str(folder), "--resamples", "200"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith(("vestnik:", "the-chronicle:"))]
    assert len(lines) == 2
    for line in lines:
        prevalence, low, high = (float(x) for x in re.findall(r"\d\.\d{3}", line)[:3])
        assert 0 <= low <= prevalence <= high <= 1
