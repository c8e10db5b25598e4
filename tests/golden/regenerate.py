"""Rewrite the golden outputs of the bundled corpus (run only when a change of output is intended).

    .venv/bin/python tests/golden/regenerate.py

The golden files pin every table of the Crocus report and the document- and sentence-level feature
tables, so a refactoring that changes a number shows up as a failing ``tests/test_golden.py``. A
commit that regenerates them must name the bug it fixes or the change it makes.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import framing
from framing.report import build_report

HERE = Path(__file__).resolve().parent
CROCUS = HERE.parents[1] / "corpora" / "crocus"


def golden_outputs(folder: Path) -> None:
    """Write the report tables and the feature tables of the Crocus corpus into ``folder``."""
    corpus = framing.load_corpus(CROCUS)
    with tempfile.TemporaryDirectory() as scratch:
        report = build_report(corpus, Path(scratch) / "report", seed=0)
        shutil.copytree(report.path / "tables", folder / "tables")
    framing.extract(corpus).to_csv(folder / "features_document.csv", index=False, lineterminator="\n")
    framing.extract(corpus, unit="sentence").to_csv(
        folder / "features_sentence.csv", index=False, lineterminator="\n"
    )


if __name__ == "__main__":
    target = HERE / "crocus"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir()
    golden_outputs(target)
    print(f"wrote {sum(1 for _ in target.rglob('*.csv'))} files under {target}")
