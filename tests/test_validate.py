"""`framing.validate`: agreement figures, best-threshold F1, and gold files read as annotated."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import write_jsonl

from framing.errors import OptionError
from framing.validate import agreement, validate


def test_agreement_fixed_and_best_threshold_f1() -> None:
    labels = np.array([True, True, False, False])
    scores = np.array([2.0, 0.0, 1.0, 0.0])
    figures = agreement(labels, scores, n_resamples=20)
    # score > 0 flags records 1 and 3: one hit, one false alarm, one miss
    assert (figures["precision"], figures["recall"], figures["f1"]) == pytest.approx((0.5, 0.5, 0.5))
    # pairs (pos, neg): (2,1) (2,0) right, (0,1) wrong, (0,0) tied -> 2.5 of 4
    assert figures["roc_auc"] == pytest.approx(2.5 / 4)
    # thresholds: >= 2 gives P 1, R 0.5 (F1 2/3); >= 1 gives F1 0.5; >= 0 flags all (F1 2/3)
    assert figures["best_f1"] == pytest.approx(2 / 3)
    assert figures["best_threshold"] in (0.0, 2.0)
    assert figures["f1_flag_all"] == pytest.approx(2 / 3)


def test_sentence_spans_index_the_text_as_annotated(tmp_path: Path) -> None:
    """Offsets are into the raw text: the loader's dash normalisation (one char -> three) must not apply."""
    text = "A\u2014b\u2014c\u2014d\u2014e went home. Maybe it rains."
    start = text.index("Maybe")
    gold = write_jsonl(
        tmp_path / "gold.jsonl",
        [
            {"id": "d1", "text": text, "hedge": None, "spans": [[start, start + 5, "cue"]]},
            # a record the corpus loader would drop as scraping boilerplate is still a gold record
            {"id": "d2", "text": "Advertisement", "hedge": None, "spans": []},
        ],
    )
    result = validate(gold, cue="hedging", label="hedge", unit="sentence", n_resamples=10)
    scores = result.scores.set_index(["doc_id", "sentence_id"])
    assert scores["label"].to_dict() == {("d1", 0): False, ("d1", 1): True, ("d2", 0): False}
    assert scores.loc[("d1", 1), "hedging_count"] == 1  # 'Maybe'
    assert result.summary.loc[0, "records"] == 3


def test_document_labels_keep_every_gold_record(tmp_path: Path) -> None:
    gold = write_jsonl(
        tmp_path / "gold.jsonl",
        [
            {"id": "a", "text": "It may rain.", "hedge": True},
            {"id": "b", "text": "Advertisement", "hedge": False},
            {"id": "c", "text": "", "hedge": False},
        ],
    )
    summary = validate(gold, cue="hedging", label="hedge", n_resamples=10).summary.iloc[0]
    assert (summary["records"], summary["positives"], summary["flagged"]) == (3, 1, 1)
    assert summary["roc_auc"] == 1.0


def test_duplicate_gold_ids_are_refused(tmp_path: Path) -> None:
    gold = write_jsonl(
        tmp_path / "gold.jsonl",
        [{"id": "x", "text": "It may rain.", "hedge": True}, {"id": "x", "text": "Snow.", "hedge": False}],
    )
    with pytest.raises(OptionError, match=r"ids are not unique.*'x'"):
        validate(gold, cue="hedging", label="hedge")


def test_a_label_column_without_true_false_values_is_a_clear_error(tmp_path) -> None:
    # regression: `framing validate --label text` ended in a scikit-learn traceback
    from typer.testing import CliRunner

    from framing.cli import app

    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"id": "1", "text": "It may rain.", "ok": true}\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(gold), "--cue", "hedging", "--label", "text"])
    assert result.exit_code == 2
    assert "holds no true/false values" in result.output and "Traceback" not in result.output
