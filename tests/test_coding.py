"""Coding samples (framing.coding, `framing sample`): strata, sampling weights, sheets, the HTML page."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from framing.cli import app
from framing.coding import _allocate, draw_sample, read_sheet, write_coding_page, write_sheet
from framing.errors import OptionError

runner = CliRunner()


def _documents() -> pd.DataFrame:
    """Two outlets: 'a' has 6 documents (2 emotive), 'b' has 3 (1 emotive)."""
    calm = "Officials met on Tuesday to discuss the budget."
    loud = "A barbaric, horrific massacre shocked the terrified city."
    rows = [("a", calm)] * 4 + [("a", loud)] * 2 + [("b", calm)] * 2 + [("b", loud)]
    return pd.DataFrame(
        {
            "doc_id": [f"d{i}" for i in range(len(rows))],
            "outlet": [outlet for outlet, _ in rows],
            "text": [text for _, text in rows],
        }
    )


def test_allocation_is_equal_and_capped_and_passes_on_the_rest() -> None:
    assert _allocate([10, 10, 10], 6) == [2, 2, 2]
    assert _allocate([1, 10, 10], 9) == [1, 4, 4]
    assert _allocate([2, 3], 100) == [2, 3]


def test_stratified_sample_weights_sum_to_the_stratum_sizes() -> None:
    sample = draw_sample(_documents(), unit="document", n=4, stratify_by="emotive", seed=0)
    strata = sample.groupby("stratum").agg(units=("stratum_units", "first"), taken=("unit_id", "size"))
    # four strata (outlet x none/high; one positive score per outlet falls in the high band), one unit each
    assert sorted(strata.index) == ["a|high", "a|none", "b|high", "b|none"]
    assert strata.loc["a|none", "units"] == 4 and strata.loc["a|high", "units"] == 2
    assert (strata["taken"] == 1).all()
    # each sampled unit stands for stratum_units / stratum_sampled units: the weights add up to the corpus
    assert sample["weight"].sum() == pytest.approx(9)
    assert sample.set_index("stratum").loc["a|none", "weight"] == pytest.approx(4.0)
    # weighted prevalence of the emotive documents equals the corpus share (3 of 9)
    emotive = sample["text"].str.contains("barbaric")
    assert float((sample["weight"] * emotive).sum() / sample["weight"].sum()) == pytest.approx(3 / 9)


def test_same_seed_same_sample_other_seed_other_order() -> None:
    first = draw_sample(_documents(), unit="document", n=5, seed=3)
    again = draw_sample(_documents(), unit="document", n=5, seed=3)
    pd.testing.assert_frame_equal(first, again)
    other = draw_sample(_documents(), unit="document", n=9, seed=4)
    assert sorted(other["unit_id"]) == sorted(_documents()["doc_id"])


def test_sentence_units_carry_their_own_text() -> None:
    documents = pd.DataFrame(
        {"doc_id": ["x"], "outlet": ["o"], "text": ["First sentence here. A horrific second one."]}
    )
    sample = draw_sample(documents, unit="sentence", n=5, seed=0)
    assert sorted(sample["text"]) == ["A horrific second one.", "First sentence here."]
    assert sorted(sample["unit_id"]) == ["x#s0", "x#s1"]


def test_bad_options_are_option_errors() -> None:
    with pytest.raises(OptionError, match="no column 'leaning'"):
        draw_sample(_documents(), unit="document", per_group="leaning")
    with pytest.raises(OptionError, match="cannot stratify by"):
        draw_sample(_documents(), unit="document", stratify_by="nonsense")


def test_sheet_round_trip_with_instructions_and_empty_coder_columns(tmp_path: Path) -> None:
    sample = draw_sample(_documents(), unit="document", n=4, seed=0)
    path = write_sheet(sample, tmp_path / "sheet.csv", labels=["emotive"], coders=["ann", "bo"])
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "# framing coding sheet" and any("ann, bo" in line for line in lines[:5])
    sheet = read_sheet(path)
    assert list(sheet.columns[-2:]) == ["emotive__ann", "emotive__bo"]
    assert (sheet["emotive__ann"] == "").all()
    assert sheet["text"].tolist() == sample["text"].tolist()


def test_coding_page_is_self_contained_and_embeds_every_unit(tmp_path: Path) -> None:
    documents = _documents()
    documents.loc[0, "text"] = "A tricky </script><b>text</b> unit."
    sample = draw_sample(documents, unit="document", n=9, seed=0)
    page = write_coding_page(sample, tmp_path / "sheet.html", labels=["emotive"], coders=["a"])
    html = page.read_text(encoding="utf-8")
    assert not re.search(r"(src|href)=[\"']https?:", html)  # nothing fetched from the network
    payload = re.search(r'<script id="sheet-data" type="application/json">(.*?)</script>', html, re.S)
    assert payload is not None
    data = json.loads(payload.group(1))
    assert len(data["rows"]) == 9 and data["coding"] == ["emotive__a"]
    assert "A tricky </script><b>text</b> unit." in [row["text"] for row in data["rows"]]


def test_sample_command_writes_sheet_and_page(tmp_path: Path) -> None:
    source = tmp_path / "docs.csv"
    _documents().rename(columns={"doc_id": "id"}).to_csv(source, index=False)
    output = tmp_path / "sheet.csv"
    result = runner.invoke(
        app,
        ["sample", str(source), "--unit", "document", "--n", "4", "--stratify-by", "emotive",
         "--coders", "a,b", "--html", "--seed", "1", "-o", str(output)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    sheet = read_sheet(output)
    assert len(sheet) == 4 and {"emotive__a", "emotive__b"} <= set(sheet.columns)
    assert np.isclose(sheet["weight"].astype(float).sum(), 9)
    assert (tmp_path / "sheet.html").is_file()
    again = runner.invoke(
        app,
        ["sample", str(source), "--unit", "document", "--n", "4", "--stratify-by", "emotive",
         "--coders", "a,b", "--seed", "1", "-o", str(tmp_path / "again.csv")],
    )  # fmt: skip
    assert again.exit_code == 0
    assert (tmp_path / "again.csv").read_bytes() == output.read_bytes()
    bad = runner.invoke(app, ["sample", str(source), "--unit", "page", "-o", str(tmp_path / "x.csv")])
    assert bad.exit_code == 2 and "--unit" in bad.output


def test_sheet_text_cannot_run_as_a_spreadsheet_formula_and_reads_back_unchanged(tmp_path: Path) -> None:
    # regression: coders open the sheet in a spreadsheet, where a unit starting with "=" ran as a formula
    units = pd.DataFrame(
        {
            "doc_id": ["d0", "d1"],
            "outlet": ["a", "b"],
            "text": ['=HYPERLINK("http://x")', "-5 dead, officials say"],
        }
    )
    sample = draw_sample(units, unit="document", n=2, seed=0)
    path = write_sheet(sample, tmp_path / "sheet.csv", labels=["emotive"], coders=["ann"])
    raw = path.read_text(encoding="utf-8")
    assert "\"'=HYPERLINK" in raw and "\"'-5 dead" in raw
    assert sorted(read_sheet(path)["text"]) == sorted(units["text"])
