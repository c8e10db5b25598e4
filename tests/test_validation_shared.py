"""Agreement of the cue detectors with human coding on the annotated dev sets in ``../shared/data``.

Each case is a row of the baseline table in ``../shared/data/README.md``: the cue score must beat the best
off-the-shelf lexicon baseline on the same file and label. ROC AUC is compared with the baseline's AUC, and
our best-threshold F1 with the baseline's best-threshold F1 (both optimistic, chosen on the data). Where
our fixed-threshold F1 (cue present, score > 0) also beats that figure, it is asserted too.

The data is not part of the repository: every test here skips, naming the missing path, without it.
Few bootstrap resamples keep the file fast; the intervals in the README use 1,000.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from conftest import SHARED_DATA
from typer.testing import CliRunner

from framing.cli import app
from framing.validate import validate

RESAMPLES = 200

pytestmark = pytest.mark.skipif(
    not SHARED_DATA.is_dir(),
    reason=f"annotated validation data not found at {SHARED_DATA} (../shared/data next to the repository)",
)


@dataclass(frozen=True)
class Row:
    """One row of the baseline table: gold file, label, cue, and the best baseline's figures."""

    file: str
    label: str
    cue: str
    baseline_auc: float
    baseline_best_f1: float | None  # None: no baseline beats flagging every record
    fixed_f1_beats: bool  # our score > 0 F1 is expected to beat the baseline's best F1 as well


ROWS = {
    "szeged-uncertain": Row("szeged_wiki/dev.jsonl", "uncertain", "hedging", 0.732, 0.516, True),
    "ptc-loaded_language": Row("ptc/sentences.jsonl", "loaded_language", "emotive", 0.663, 0.276, True),
    "basil-lexical_bias": Row("basil/sentences.jsonl", "lexical_bias", "emotive", 0.562, 0.131, True),
    # Articles: nearly every article has some emotive word, so "score > 0" is close to flagging all.
    "narrative_frames-emotive": Row("narrative_frames/dev.jsonl", "emotive", "emotive", 0.619, 0.446, False),
}


def gold(file: str) -> Path:
    path = SHARED_DATA / file
    if not path.is_file():
        pytest.skip(f"annotated file not found: {path}")
    return path


def labelled_records(path: Path, label: str, value: bool | None = None) -> int:
    """Records whose ``label`` is set (or equals ``value``), counted straight from the file."""
    with path.open(encoding="utf-8") as handle:
        labels = [json.loads(line).get(label) for line in handle if line.strip()]
    return sum(v is not None if value is None else v is value for v in labels)


@cache
def summary_of(file: str, cue: str, label: str, n_resamples: int = RESAMPLES) -> dict:
    """Validation figures of one file and label, computed once per test session."""
    return validate(gold(file), cue=cue, label=label, n_resamples=n_resamples).summary.iloc[0].to_dict()


@pytest.mark.parametrize("row", ROWS.values(), ids=ROWS.keys())
def test_cue_beats_the_best_baseline(row: Row) -> None:
    path = gold(row.file)
    summary = summary_of(row.file, row.cue, row.label)
    # every labelled record is scored, none is dropped on the way
    assert summary["records"] == labelled_records(path, row.label)
    assert summary["positives"] == labelled_records(path, row.label, True)
    assert summary["roc_auc"] > row.baseline_auc, summary
    assert summary["best_f1"] > row.baseline_best_f1, summary
    if row.fixed_f1_beats:
        assert summary["f1"] > row.baseline_best_f1, summary
    assert summary["auc_ci_low"] <= summary["roc_auc"] <= summary["auc_ci_high"]
    assert summary["f1_ci_low"] <= summary["f1"] <= summary["f1_ci_high"]


def test_name_calling_f1_beats_the_baseline() -> None:
    """PTC name calling: our F1 beats NRC's best F1 (0.160); its ROC AUC (0.657) is not beaten.

    NRC's count grows with sentence length, and length alone reaches AUC 0.67 on this label: most
    name-calling spans are context-dependent noun phrases no general lexicon lists.
    """
    summary = summary_of("ptc/sentences.jsonl", "emotive", "name_calling")
    assert summary["f1"] > 0.160 and summary["best_f1"] > 0.160
    assert summary["roc_auc"] > 0.55


@pytest.mark.xfail(strict=True, reason="known shortfall: NRC's length-driven count reaches AUC 0.657")
def test_name_calling_auc_beats_the_baseline() -> None:
    assert summary_of("ptc/sentences.jsonl", "emotive", "name_calling")["roc_auc"] > 0.657


@pytest.mark.parametrize("file", ["babe/dev.jsonl", "mbic/dev.jsonl"])
def test_emotive_scores_rise_with_sentence_bias(file: str) -> None:
    """Sentence-level media bias is mostly not lexical: only check the direction, with its interval."""
    path = gold(file)
    summary = summary_of(file, "emotive", "biased")
    assert summary["records"] == labelled_records(path, "biased")
    assert summary["auc_ci_low"] > 0.5, summary


def test_sentence_unit_labels_follow_the_gold_spans() -> None:
    """PolNeAR articles split into sentences: positive sentences come from exactly the spanned articles."""
    path = gold("polnear/dev.jsonl")
    result = validate(
        path,
        cue="hedging",
        label="cue_unsourced",
        unit="sentence",
        span_label="cue_unsourced",
        n_resamples=10,
    )
    summary = result.summary.iloc[0]
    with path.open(encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle]
    with_span = {r["id"] for r in records if any(s[2] == "cue_unsourced" for s in r["spans"])}
    positives = result.scores[result.scores["label"]]
    assert set(positives["doc_id"]) == with_span
    # a span hits at least one sentence, so there are at least as many positive sentences as spans' records
    assert summary["positives"] >= len(with_span)
    assert summary["roc_auc"] > 0.55


def test_cli_validate_json_on_szeged() -> None:
    path = gold("szeged_wiki/dev.jsonl")
    result = CliRunner().invoke(
        app,
        ["validate", str(path), "--cue", "hedging", "--label", "uncertain", "--resamples", "50", "--json"],
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert figures["cue"] == "hedging" and figures["label"] == "uncertain" and figures["unit"] == "document"
    assert figures["score"] == "hedging_count" and figures["n_resamples"] == 50
    assert figures["records"] == labelled_records(path, "uncertain")
    assert figures["positives"] == labelled_records(path, "uncertain", True)
    assert figures["roc_auc"] > 0.732 and figures["f1"] > 0.516
    assert 0 < figures["precision"] < 1 and 0 < figures["recall"] < 1
    api = validate(path, cue="hedging", label="uncertain", n_resamples=50).summary.iloc[0]
    assert figures["roc_auc"] == pytest.approx(api["roc_auc"]) and figures["f1"] == pytest.approx(api["f1"])
    assert figures["auc_ci_low"] == pytest.approx(api["auc_ci_low"])  # same seed, same intervals
