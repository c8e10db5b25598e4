"""The report on many groups and its opt-in stage timing log (behaviour only: timings are not asserted)."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from conftest import write_jsonl
from typer.testing import CliRunner

from framing.cli import app
from framing.report import REPORT_STEPS
from framing.report.timing import timed_stages

TEXTS = (
    "Officials said the horrific attack may be linked to extremists.",
    "Kyiv was blamed for the brutal attack, reportedly, and clearly so.",
    "The ministers confirmed the budget on Monday.",
)


def _many_outlets(path: Path, outlets: int, documents: int = 2) -> Path:
    records = [
        {
            "id": f"o{o}-{d}",
            "outlet": f"outlet {o:02d}",
            "date": f"2024-03-{10 + d:02d}",
            "text": f"{TEXTS[(o + d) % 3]} {'Utterly shocking. ' * (o % 4)}{TEXTS[d % 3]}",
        }
        for o in range(outlets)
        for d in range(documents + (o % 3))
    ]
    return write_jsonl(path, records)


def test_timed_stages_log_one_line_per_stage_and_call_progress(caplog: pytest.LogCaptureFixture) -> None:
    seen: list[str] = []
    with caplog.at_level(logging.INFO, logger="framing.report.timing"):
        with timed_stages(seen.append) as stage:
            stage("first")
            stage("second")
    assert seen == ["first", "second"]
    lines = [r.getMessage() for r in caplog.records if r.name == "framing.report.timing"]
    assert [line.split()[1] for line in lines] == ["first", "second"]
    assert all(re.search(r"s wall .* s CPU .*peak RSS +\d+ MB", line) for line in lines)


def test_timed_stages_are_silent_unless_asked(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING), timed_stages() as stage:
        stage("quiet")
    assert not [r for r in caplog.records if r.name == "framing.report.timing"]


def test_cli_report_timings_name_every_stage(tmp_path: Path) -> None:
    corpus = _many_outlets(tmp_path / "articles.jsonl", outlets=3)
    args = ["report", str(corpus), "-o", str(tmp_path / "out"), "--quiet", "--timings"]
    result = CliRunner().invoke(app, [*args, "--resamples", "1000", "--permutations", "1000"])
    assert result.exit_code == 0, result.output
    stages = re.findall(r"INFO: stage (.+?)\s{2,}[\d.]+ s wall", result.output)
    assert stages == ["loading", *REPORT_STEPS]
