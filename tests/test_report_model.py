"""The report's supervised measure (`framing report --model`, issue 11): prevalence per group from a model."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import CROCUS, coded_sentences
from typer.testing import CliRunner

from framing.cli import app
from framing.coding import read_sheet
from framing.corpus import load_corpus
from framing.features import extract
from framing.report import analyse, build_report
from framing.supervised import save_model, train

runner = CliRunner()

FAST = {"n_resamples": 200, "n_permutations": 200}


def _model(source: str = "coded.csv"):
    texts, labels, groups = coded_sentences()
    return train(texts, labels, label="emotive", groups=groups, n_folds=3, seed=0, source=source)


@pytest.fixture(scope="module")
def crocus_report(tmp_path_factory: pytest.TempPathFactory):
    # a training file name with markup: the page must show it as text
    model = _model(source="<script>alert(1)</script>.csv")
    return build_report(CROCUS, tmp_path_factory.mktemp("r") / "report", model=model, **FAST), model


def test_report_with_a_model_has_the_prevalence_per_group(crocus_report) -> None:
    report, _ = crocus_report
    table = report.tables["model_prevalence"]
    assert list(table["outlet"]) == report.analysis.groups
    assert list(table.columns) == ["outlet", "units", "prevalence", "ci_low", "ci_high",
                                   "predicted_share", "label", "seed", "n_resamples"]  # fmt: skip
    for column in ("prevalence", "ci_low", "ci_high", "predicted_share"):
        assert table[column].between(0, 1).all(), column
    assert (table["ci_low"] <= table["prevalence"]).all() and (table["prevalence"] <= table["ci_high"]).all()
    assert (table["ci_low"] < table["ci_high"]).all()
    assert set(table["label"]) == {"emotive"} and set(table["seed"]) == {0}
    assert set(table["n_resamples"]) == {200}
    # units are the analysed documents of each group
    counts = report.tables["documents"]["outlet"].value_counts()
    assert dict(zip(table["outlet"], table["units"], strict=True)) == counts.to_dict()
    written = pd.read_csv(report.path / "tables" / "model_prevalence.csv")
    np.testing.assert_allclose(written["prevalence"], table["prevalence"])


def test_report_metadata_holds_the_model_card(crocus_report) -> None:
    report, model = crocus_report
    metadata = json.loads((report.path / "metadata.json").read_text(encoding="utf-8"))
    assert metadata["model"]["label"] == "emotive"
    assert metadata["model"]["training_data_sha256"] == model.card["training_data_sha256"]
    assert metadata["model"]["cv"]["roc_auc"] == pytest.approx(model.card["cv"]["roc_auc"])
    assert metadata["tables"]["model_prevalence"]["rows"] == len(report.analysis.groups)
    json.dumps(report.analysis.metadata["model"])  # JSON-safe without a default


def test_report_page_and_markdown_show_the_model_section_escaped(crocus_report) -> None:
    report, _ = crocus_report
    page = (report.path / "index.html").read_text(encoding="utf-8")
    assert '<details class="section" id="supervised" open><summary><h2>Supervised measure</h2>' in page
    assert "not from the lexicons" in page
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;.csv" in page
    assert "Supervised measure `emotive`" in page  # the card itself, verbatim text
    assert 'href="tables/model_prevalence.csv"' in page
    text = (report.path / "report.md").read_text(encoding="utf-8")
    assert "## Supervised measure" in text and "not from the lexicons" in text
    assert "<script>" not in text and "**Supervised measure `emotive`**" in text
    assert text.index("## Supervised measure") < text.index("## Example sentences")


def test_model_prevalence_drops_syndicated_copies_with_drop_duplicates(tmp_path: Path) -> None:
    corpus = load_corpus(CROCUS)
    folder = save_model(_model(), tmp_path / "model")  # a model folder works as well as a TextModel
    kept = analyse(corpus, model=folder, drop_duplicates=True, **FAST)
    units = dict(zip(kept.tables["model_prevalence"]["outlet"], kept.tables["model_prevalence"]["units"],
                     strict=True))  # fmt: skip
    assert units == kept.tables["documents"]["outlet"].value_counts().to_dict()
    assert sum(units.values()) == kept.metadata["corpus"]["documents_analysed"]
    assert kept.metadata["corpus"]["duplicates_dropped"] > 0  # the demo corpus has syndicated copies


def test_report_without_a_model_has_no_model_section(tmp_path: Path) -> None:
    analysis = analyse(load_corpus(CROCUS), **FAST)
    assert "model_prevalence" not in analysis.tables and "model" not in analysis.metadata


def test_cli_report_refuses_a_folder_that_is_no_model(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", str(CROCUS), "-o", str(out), "--model", str(tmp_path / "empty")])
    assert result.exit_code == 2
    assert "Traceback" not in result.output and not out.exists()


def test_sample_code_agree_train_report_end_to_end(tmp_path: Path) -> None:
    """sample -> coder column filled from the emotive score -> agreement -> train -> report --model.

    Also the CLI test of `framing report --model` (one report run keeps the suite fast).
    """
    sheet = tmp_path / "sheet.csv"
    options = ["--unit", "document", "--n", "30", "--labels", "emotive", "--coders", "a,b", "--seed", "0"]
    result = runner.invoke(app, ["sample", str(CROCUS), *options, "-o", str(sheet)])
    assert result.exit_code == 0, result.output
    lines = sheet.read_text(encoding="utf-8").splitlines(keepends=True)
    header = [line for line in lines if line.startswith("#")]
    table = read_sheet(sheet)
    # the coders mark a document emotive when its emotive rate is above the sample's median
    scores = _emotive_rates(table["text"].tolist())
    loud = scores > np.median(scores)
    assert 0 < loud.sum() < len(table)
    table["emotive__a"] = np.where(loud, "1", "0")
    table["emotive__b"] = np.where(loud, "1", "0")
    table.loc[table.index[0], "emotive__b"] = "0" if loud[0] else "1"
    sheet.write_text("".join(header) + table.to_csv(index=False), encoding="utf-8")
    agreement = runner.invoke(app, ["agreement", str(sheet), "--label", "emotive", "--resamples", "50"])
    assert agreement.exit_code == 0, agreement.output
    model = tmp_path / "model"
    trained = runner.invoke(
        app,
        [
            "train",
            str(sheet),
            "--label",
            "emotive__a",
            "--unit",
            "document",
            "--folds",
            "3",
            "-o",
            str(model),
        ],
    )
    assert trained.exit_code == 0, trained.output
    out = tmp_path / "report"
    report = runner.invoke(app, ["report", str(CROCUS), "-o", str(out), "--model", str(model),
                                 "--resamples", "50", "--permutations", "50", "--quiet"])  # fmt: skip
    assert report.exit_code == 0, report.output
    prevalence = pd.read_csv(out / "tables" / "model_prevalence.csv")
    assert set(prevalence["label"]) == {"emotive__a"} and len(prevalence) >= 2
    assert prevalence[["prevalence", "ci_low", "ci_high"]].stack().between(0, 1).all()
    assert (prevalence["ci_low"] <= prevalence["prevalence"]).all()
    assert "Supervised measure" in (out / "index.html").read_text(encoding="utf-8")


def _emotive_rates(texts: list[str]) -> np.ndarray:
    from framing import extract

    features = extract(pd.DataFrame({"doc_id": [str(i) for i in range(len(texts))], "text": texts}))
    return features["emotive_rate"].to_numpy(dtype=float)


def test_prevalence_of_a_spooled_corpus_is_the_same_read_a_block_at_a_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from framing import spool
    from framing.report.model import model_prevalence

    corpus = load_corpus(CROCUS)
    spooled = corpus.spooled()
    features = extract(corpus)
    model = _model()
    options = {"by": "outlet", "groups": sorted(corpus.documents["outlet"].unique()), "seed": 3,
               "n_resamples": 100}  # fmt: skip
    expected = model_prevalence(features, corpus.documents, model, **options)
    monkeypatch.setattr(spool, "BLOCK", 5)  # several blocks on the demo
    calls = []
    predict = type(model).predict_proba
    monkeypatch.setattr(
        type(model), "predict_proba", lambda self, texts: calls.append(len(texts)) or predict(self, texts)
    )
    got = model_prevalence(features, spooled.documents, model, spool=spooled.spool, **options)
    assert calls == [5] * (len(corpus) // 5) + [len(corpus) % 5]
    pd.testing.assert_frame_equal(expected, got)
    assert expected["prevalence"].nunique() > 1
