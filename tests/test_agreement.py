"""Coder agreement (framing.agreement, `framing agreement`): Krippendorff's alpha and the instrument."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from framing.agreement import alpha, coder_agreement, majority_codes, reading
from framing.cli import app
from framing.errors import OptionError

runner = CliRunner()
nan = np.nan

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 coders, 12 units,
# missing codings; the paper gives alpha = 0.743 (nominal) and 0.849 (interval).
PAPER = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
    [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
]


def test_alpha_equals_the_published_values_with_missing_codings() -> None:
    assert alpha(PAPER, level="nominal") == pytest.approx(0.743, abs=5e-4)
    assert alpha(PAPER, level="interval") == pytest.approx(0.849, abs=5e-4)
    # the ordinal value of the same data as computed by the krippendorff package (0.8153875...)
    assert alpha(PAPER, level="ordinal") == pytest.approx(0.8153875, abs=1e-6)


def test_alpha_agrees_with_the_krippendorff_package_on_random_data() -> None:
    krippendorff = pytest.importorskip("krippendorff", reason="krippendorff (dev extra) not installed")
    rng = np.random.default_rng(7)
    for _ in range(5):
        data = rng.integers(0, 4, (3, 25)).astype(float)
        data[rng.random(data.shape) < 0.25] = nan
        for level in ("nominal", "ordinal", "interval"):
            expected = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
            assert alpha(data, level=level) == pytest.approx(expected, abs=1e-9)


def test_alpha_edge_cases() -> None:
    assert alpha([[1, 0, 1, 0], [1, 0, 1, 0]]) == pytest.approx(1.0)
    assert np.isnan(alpha([[1, 1, 1], [1, 1, 1]]))  # no variation: undefined, not perfect
    assert np.isnan(alpha([[1, nan], [nan, 0]]))  # nothing pairable
    with pytest.raises(OptionError):
        alpha(PAPER, level="ratio")  # type: ignore[arg-type]
    assert [reading(v) for v in (0.85, 0.7, 0.5, nan)] == ["reliable", "tentative", "unreliable", "undefined"]


def test_majority_codes_leave_ties_and_blanks_missing() -> None:
    codes = pd.DataFrame(
        {"x__a": ["1", "1", "0", ""], "x__b": ["1", "0", "0", ""], "x__c": ["0", "", "1", ""]}
    )
    assert majority_codes(codes) == [1.0, None, 0.0, None]


def _sheet() -> pd.DataFrame:
    texts = [
        "A barbaric and horrific massacre.",
        "The committee met on Tuesday.",
        "Chilling, brutal scenes of terror.",
        "The budget was approved.",
        "An outrageous, disgraceful attack.",
        "Prices rose slightly in March.",
    ]
    return pd.DataFrame(
        {
            "unit_id": [f"u{i}" for i in range(6)],
            "text": texts,
            "emotive__a": ["1", "0", "1", "0", "1", "0"],
            "emotive__b": ["1", "0", "1", "0", "0", ""],
            "emotive__c": ["1", "0", "1", "1", "1", "0"],
        }
    )


def test_coder_agreement_tables() -> None:
    result = coder_agreement(_sheet(), label="emotive", n_resamples=200, seed=0)
    reliability = result.reliability.iloc[0]
    matrix = np.array([[1, 0, 1, 0, 1, 0], [1, 0, 1, 0, 0, nan], [1, 0, 1, 1, 1, 0]], dtype=float)
    assert reliability["alpha"] == pytest.approx(alpha(matrix))
    assert reliability["ci_low"] <= reliability["alpha"] <= reliability["ci_high"]
    assert reliability["level"] == "nominal" and len(result.reliability) == 1  # binary codes: nominal only
    coders = result.coders.set_index("coder")
    assert coders.loc["a", "agreement_with_majority"] == pytest.approx(1.0)
    assert coders.loc["b", "agreement_with_majority"] == pytest.approx(4 / 5)
    instrument = result.instrument.set_index("against")
    # the emotive cue flags exactly the three loaded sentences, which is coder a's coding
    assert instrument.loc["coder a", "f1"] == pytest.approx(1.0)
    assert instrument.loc["coder a", "roc_auc"] == pytest.approx(1.0)
    assert instrument.loc["majority", "precision"] == pytest.approx(1.0)
    assert instrument.loc["coder c", "recall"] == pytest.approx(3 / 4)


def test_ordinal_codes_add_ordinal_and_interval_alpha() -> None:
    sheet = pd.DataFrame(
        {"text": ["x"] * 5, "tone__a": ["0", "1", "2", "2", "0"], "tone__b": ["0", "2", "2", "1", "0"]}
    )
    result = coder_agreement(sheet, label="tone", n_resamples=50)
    assert result.reliability["level"].tolist() == ["nominal", "ordinal", "interval"]
    assert result.instrument.empty  # 'tone' is not a cue family and no --cue was given


def test_agreement_command(tmp_path: Path) -> None:
    path = tmp_path / "sheet.csv"
    path.write_text("# instructions\n" + _sheet().to_csv(index=False), encoding="utf-8")
    result = runner.invoke(
        app, ["agreement", str(path), "--label", "emotive", "--coders", "a,c", "--resamples", "100"]
    )
    assert result.exit_code == 0, result.output
    assert "nominal  alpha" in result.output and "vs coder a" in result.output
    assert "coder b" not in result.output
    missing = runner.invoke(app, ["agreement", str(path), "--label", "emotive", "--coders", "zed"])
    assert missing.exit_code == 2 and "emotive__zed" in missing.output
    bad = path.with_name("bad.csv")
    bad.write_text("text,emotive__a,emotive__b\nx,maybe,1\n", encoding="utf-8")
    refused = runner.invoke(app, ["agreement", str(bad), "--label", "emotive"])
    assert refused.exit_code == 2 and "maybe" in refused.output
