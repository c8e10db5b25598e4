"""Where and what the report writes: never over foreign folders or the corpus; nothing that harms a reader."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from conftest import write_jsonl
from typer.testing import CliRunner

from framing import report as report_module
from framing.cli import app
from framing.io.escape import escape_cell, spreadsheet_safe

QUICK = ["--resamples", "30", "--permutations", "30", "--min-documents", "1", "-q"]
_BLAME = "Officials blamed Ukraine for the attack, and the ministry accused Kyiv of lying."
_HEDGE = "The suspects may have crossed the border, and it is possibly linked to the group."
_ATTACK = '=HYPERLINK("http://evil.example","x") officials blamed Kyiv for it.'
_MARKUP = "[click](javascript:alert(1)) <script>alert(2)</script> officials blamed Kyiv again."


def _corpus(folder: Path, *, outlet: str = "=cmd|' /C calc'!A0", texts: tuple[str, ...] = ()) -> Path:
    records = [
        {"id": "a1", "outlet": outlet, "date": "2024-03-22", "text": texts[0] if texts else _BLAME},
        {"id": "a2", "outlet": outlet, "date": "2024-03-23", "text": texts[1] if texts else _HEDGE},
        {"id": "b1", "outlet": "plain", "date": "2024-03-22", "text": _HEDGE + " " + _BLAME},
        {"id": "b2", "outlet": "plain", "date": "2024-03-24", "text": _BLAME},
    ]
    return write_jsonl(folder / "corpus.jsonl", records)


def _report(*args: str) -> object:
    return CliRunner().invoke(app, ["report", *args, *QUICK])


# ------------------------------------------------------------------------------ where it may write


def test_a_folder_with_other_files_is_refused_and_left_alone(tmp_path: Path) -> None:
    source = _corpus(tmp_path / "in")
    out = tmp_path / "thesis"
    out.mkdir()
    (out / "chapter1.docx").write_text("years of work", encoding="utf-8")
    result = _report(str(source), "-o", str(out))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "--force" in result.stderr and str(out) in result.stderr
    assert (out / "chapter1.docx").read_text(encoding="utf-8") == "years of work"


def test_force_replaces_a_foreign_folder_with_a_warning(tmp_path: Path) -> None:
    source = _corpus(tmp_path / "in")
    out = tmp_path / "old"
    out.mkdir()
    (out / "notes.txt").write_text("x", encoding="utf-8")
    result = CliRunner().invoke(app, ["report", str(source), "-o", str(out), "--force", *QUICK[:-1]])
    assert result.exit_code == 0, result.output
    assert not (out / "notes.txt").exists() and (out / "index.html").is_file()
    assert "not a framing report" in result.stderr


def test_force_never_deletes_the_working_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = _corpus(tmp_path / "in")
    work = tmp_path / "work"
    (work / "project").mkdir(parents=True)
    (work / "project" / "analysis.py").write_text("x = 1", encoding="utf-8")
    monkeypatch.chdir(work / "project")
    for target in (work / "project", work):
        result = _report(str(source), "-o", str(target), "--force")
        assert result.exit_code == 2 and "working folder" in result.stderr
    assert (work / "project" / "analysis.py").read_text(encoding="utf-8") == "x = 1"


def test_an_earlier_report_and_an_empty_folder_are_replaced(tmp_path: Path) -> None:
    source = _corpus(tmp_path / "in")
    out = tmp_path / "empty"
    out.mkdir()
    assert _report(str(source), "-o", str(out)).exit_code == 0
    metadata = json.loads((out / "metadata.json").read_text(encoding="utf-8"))
    assert metadata["toolkit"]["name"] == "framing"
    assert report_module.is_report_folder(out)
    (out / "stale.txt").write_text("from an earlier run", encoding="utf-8")
    assert _report(str(source), "-o", str(out)).exit_code == 0
    assert not (out / "stale.txt").exists()


@pytest.mark.parametrize("where", ["the corpus folder", "inside the corpus folder", "the corpus file"])
def test_the_report_never_writes_over_or_into_its_input(tmp_path: Path, where: str) -> None:
    folder = tmp_path / "corpus"
    source = _corpus(folder)
    target = {"the corpus folder": folder, "inside the corpus folder": folder / "report",
              "the corpus file": source}[where]  # fmt: skip
    given = folder if where != "the corpus file" else source
    before = source.read_bytes()
    result = _report(str(given), "-o", str(target), "--force")
    assert result.exit_code == 2
    assert "input" in result.stderr and result.stderr.count("\n") == 1
    assert source.read_bytes() == before
    assert not (folder / "report").exists()


def test_leftovers_of_a_killed_run_are_removed(tmp_path: Path) -> None:
    source = _corpus(tmp_path / "in")
    out = tmp_path / "out"
    (tmp_path / ".out.tmp-deadbeef").mkdir()
    (tmp_path / ".out.tmp-deadbeef" / "index.html").write_text("half", encoding="utf-8")
    (tmp_path / ".out.old-cafebabe").mkdir()
    assert _report(str(source), "-o", str(out)).exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out"]


def test_a_write_error_names_the_requested_folder_not_the_temporary_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _corpus(tmp_path / "in")
    out = tmp_path / "out"

    def full_disk(figure: object, path: Path, **_: object) -> None:
        raise OSError(28, "No space left on device", str(path) + ".png")

    monkeypatch.setattr(report_module.charts, "save_figure", full_disk)
    result = _report(str(source), "-o", str(out))
    assert result.exit_code == 2
    assert str(out) in result.stderr and "No space left on device" in result.stderr
    assert ".tmp-" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]


# ------------------------------------------------------------------------------ what it writes


def test_escape_cell_prefixes_only_text_that_a_spreadsheet_would_run() -> None:
    assert [escape_cell(v) for v in ["=1+1", "+1", "-x", "@SUM(A1)", "\tx", "\rx", "ok", "", 3, -2.5]] == [
        "'=1+1", "'+1", "'-x", "'@SUM(A1)", "'\tx", "'\rx", "ok", "", 3, -2.5,
    ]  # fmt: skip
    table = spreadsheet_safe(
        __import__("pandas").DataFrame({"=name": ["=evil", "fine"], "rate": [-1.5, 2.0], "n": [-3, 4]})
    )
    assert list(table.columns) == ["'=name", "rate", "n"]
    assert table["=name" if "=name" in table else "'=name"].tolist() == ["'=evil", "fine"]
    assert table["rate"].tolist() == [-1.5, 2.0] and table["n"].tolist() == [-3, 4]


def _cells(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [cell for row in csv.reader(handle) for cell in row]


def test_report_tables_cannot_run_as_spreadsheet_formulas(tmp_path: Path) -> None:
    source = _corpus(tmp_path / "in", texts=(_ATTACK, _HEDGE))
    assert _report(str(source), "-o", str(tmp_path / "out")).exit_code == 0
    tables = tmp_path / "out" / "tables"
    cells = [c for name in sorted(tables.glob("*.csv")) for c in _cells(name)]
    assert "'=cmd|' /C calc'!A0" in cells
    assert any(c.startswith("'=HYPERLINK") for c in cells)  # the example sentence
    assert not [c for c in cells if c[:1] in {"=", "+", "@"}]
    assert any(c.startswith("-") and c[1:2].isdigit() for c in cells)  # negative numbers stay numbers
    assert _report(str(source), "-o", str(tmp_path / "raw"), "--no-spreadsheet-escape").exit_code == 0
    raw = _cells(tmp_path / "raw" / "tables" / "groups.csv")
    assert "=cmd|' /C calc'!A0" in raw
    for folder, escaped in (("out", True), ("raw", False)):
        metadata = json.loads((tmp_path / folder / "metadata.json").read_text(encoding="utf-8"))
        assert metadata["output"] == {"spreadsheet_escape": escaped}


def test_features_csv_escapes_text_cells_unless_told_not_to(tmp_path: Path) -> None:
    source = _corpus(tmp_path / "in")
    runner = CliRunner()
    assert runner.invoke(app, ["features", str(source), "-o", str(tmp_path / "f.csv"), "-q"]).exit_code == 0
    assert "'=cmd|' /C calc'!A0" in _cells(tmp_path / "f.csv")
    result = runner.invoke(
        app, ["features", str(source), "-o", str(tmp_path / "g.csv"), "-q", "--no-spreadsheet-escape"]
    )
    assert result.exit_code == 0
    assert "=cmd|' /C calc'!A0" in _cells(tmp_path / "g.csv")


def test_report_markdown_passes_no_html_or_links_from_the_corpus(tmp_path: Path) -> None:
    source = _corpus(tmp_path / "in", outlet="<b>bold</b>", texts=(_MARKUP, _BLAME))
    assert _report(str(source), "-o", str(tmp_path / "out")).exit_code == 0
    text = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert "javascript" in text  # the sentence is quoted ...
    assert "](javascript:" not in text and "<script>" not in text and "<b>" not in text  # ... inert
    assert "\\[click\\]\\(javascript:alert\\(1\\)\\)" in text and "&lt;b&gt;bold&lt;/b&gt;" in text
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "<b>bold" not in page and "&lt;b&gt;bold&lt;/b&gt;" in page


# ------------------------------------------------------------------------------ options


@pytest.mark.parametrize(
    ("command", "option"),
    [
        ("evidence", ["--cue", "blame", "--width", "-5"]),
        ("evidence", ["--cue", "blame", "-n", "-1"]),
        ("features", ["-o", "OUT/f.csv", "--chunk-size", "0"]),
        ("features", ["-o", "OUT/f.csv", "--jobs", "0"]),
        ("report", ["-o", "OUT/r", "--max-groups", "1"]),
        ("report", ["-o", "OUT/r", "--min-documents", "0"]),
    ],
)
def test_bad_options_are_one_line_errors(tmp_path: Path, command: str, option: list[str]) -> None:
    source = _corpus(tmp_path / "in")
    args = [command, str(source), *(o.replace("OUT", str(tmp_path)) for o in option)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
