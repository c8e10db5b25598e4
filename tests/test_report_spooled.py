"""A report on a corpus whose texts stay on disk (framing.spool) is the report of the in-memory corpus."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from conftest import CROCUS
from typer.testing import CliRunner

from framing.cli import app

QUICK = {"n_resamples": 50, "n_permutations": 50}


def _same_analysis(expected, got) -> None:  # type: ignore[no-untyped-def]
    assert expected.tables.keys() == got.tables.keys()
    for name, table in expected.tables.items():
        pd.testing.assert_frame_equal(table, got.tables[name], obj=name)
    assert expected.findings == got.findings
    assert expected.examples == got.examples and expected.evidence == got.evidence
    assert expected.metadata == got.metadata


@pytest.mark.parametrize("jobs", [1, 2])
def test_every_table_finding_and_example_is_the_same_with_the_texts_on_disk(
    jobs: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import framing.parallel
    import framing.report.analysis
    from framing import spool
    from framing.report import analyse

    corpus = framing.load_corpus(CROCUS)
    expected = analyse(corpus, **QUICK)
    # the demo is small: lowered, every worker path and several blocks of texts are exercised
    monkeypatch.setattr(framing.parallel, "MIN_PARALLEL_DOCUMENTS", 1)
    monkeypatch.setattr(framing.report.analysis, "BACKGROUND_MIN_DOCUMENTS", 1)
    monkeypatch.setattr(spool, "BLOCK", 7)
    spooled = corpus.spooled()
    assert "text" not in spooled.documents.columns
    _same_analysis(expected, analyse(spooled, jobs=jobs, **QUICK))


def test_report_command_texts_on_disk_writes_the_same_files(tmp_path: Path) -> None:
    quick = ["--resamples", "50", "--permutations", "50", "--quiet"]
    for texts in ("memory", "disk"):
        result = CliRunner().invoke(
            app, ["report", str(CROCUS), "-o", str(tmp_path / texts), "--texts", texts, *quick]
        )
        assert result.exit_code == 0, result.output
    written = sorted(p.relative_to(tmp_path / "memory") for p in (tmp_path / "memory").rglob("*.csv"))
    assert len(written) > 20
    for name in [*written, Path("report.md"), Path("index.html")]:
        memory = (tmp_path / "memory" / name).read_bytes()
        assert (tmp_path / "disk" / name).read_bytes() == memory, name


def test_texts_auto_goes_to_disk_above_the_size_and_a_bad_choice_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import framing.cli
    import framing.corpus

    chosen: list[object] = []
    load = framing.corpus.load_corpus

    def recording(*args, **kwargs):  # type: ignore[no-untyped-def]
        chosen.append(kwargs.get("spool"))
        return load(*args, **kwargs)

    monkeypatch.setattr(framing.cli, "load_corpus", recording)
    quick = ["--resamples", "20", "--permutations", "20", "--quiet", "--force"]
    out = ["-o", str(tmp_path / "r")]
    assert CliRunner().invoke(app, ["report", str(CROCUS), *out, *quick]).exit_code == 0
    monkeypatch.setattr(framing.cli, "SPOOL_ABOVE_BYTES", 1000)  # the demo's files are larger than that
    assert CliRunner().invoke(app, ["report", str(CROCUS), *out, *quick]).exit_code == 0
    assert chosen == [False, True]
    refused = CliRunner().invoke(app, ["report", str(CROCUS), *out, "--texts", "ram", *quick])
    assert refused.exit_code == 2 and "--texts must be memory, disk or auto" in refused.output


def test_a_spooled_corpus_without_actors_keeps_its_texts_on_disk_with_the_suggested_ones(
    tmp_path: Path,
) -> None:
    # regression: the copy that holds the suggested actors was made without the spool, so the report of
    # a spooled corpus without [actors] failed with "the table has no 'text' column"
    from conftest import write_jsonl

    from framing.actors import with_suggested_actors
    from framing.corpus import load_corpus
    from framing.report import analyse

    names = ["Ukraine", "the Islamic State", "Moscow officials"]
    records = [
        {
            "id": f"{outlet}-{i}",
            "outlet": outlet,
            "date": f"2024-03-{23 + i % 5}",
            "text": f"Officials in {names[i % 3]} blamed {names[(i + 1) % 3]} for the attack. The "
            f"{['chilling', 'calm', 'harrowing'][i % 3]} report was likely incomplete. Story {i}, {outlet}.",
        }
        for outlet in ("north", "south", "east")
        for i in range(6)
    ]
    corpus = load_corpus(write_jsonl(tmp_path / "articles.jsonl", records))
    spooled = corpus.spooled()
    suggested, table = with_suggested_actors(spooled)
    assert len(table) and suggested.actors and suggested.spool is spooled.spool
    _same_analysis(analyse(corpus, **QUICK), analyse(spooled, **QUICK))
