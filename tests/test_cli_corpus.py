"""`framing corpus info` through typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import CROCUS, write_jsonl
from typer.testing import CliRunner

from framing.cli import app

runner = CliRunner()


def test_info_json(tiny_corpus: Path) -> None:
    result = runner.invoke(app, ["corpus", "info", str(tiny_corpus), "--json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)
    assert info["documents"] == 5
    assert info["outlets"]["wire"] == {
        "documents": 2,
        "tokens": info["outlets"]["wire"]["tokens"],
        "first_date": "2024-03-23",
        "last_date": "2024-03-24",
        "duplicates": 0,
        "languages": {"en": 2},
    }
    assert info["duplicates"] == 1
    assert info["duplicate_pairs"] == [{"doc_id": "paper/copy", "duplicate_of": "w1"}]
    assert info["skipped"] == []


def test_info_table(tiny_corpus: Path) -> None:
    result = runner.invoke(app, ["corpus", "info", str(tiny_corpus)])
    assert result.exit_code == 0
    assert "wire service" in result.stdout and "boilerplate lines removed" in result.stdout


def test_info_drop_duplicates(tiny_corpus: Path) -> None:
    result = runner.invoke(app, ["corpus", "info", str(tiny_corpus), "--json", "--drop-duplicates"])
    info = json.loads(result.stdout)
    assert info["documents"] == 4 and info["summary"]["dropped_duplicates"] == 1


def test_info_column_mapping_and_skipped(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "x.jsonl",
        [{"key": "a", "src": "o", "body": "Words here."}, {"key": "b", "src": "o", "body": ""}],
    )
    result = runner.invoke(
        app, ["corpus", "info", str(path), "--json", "--id-col", "key", "--outlet-col", "src"]
    )
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)
    assert info["outlets"]["o"]["documents"] == 1
    assert info["skipped"] == [{"source": str(path), "line": 2, "reason": "empty text"}]


def test_bad_input_exit_2_one_line_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1, "text": "x"}\nnot json\n', encoding="utf-8")
    result = runner.invoke(app, ["corpus", "info", str(bad)])
    assert result.exit_code == 2
    assert (
        result.stderr.strip() == f"error: {bad}:2: malformed JSON: Expecting value at column 1 "
        "(each line must be one JSON object)"
    )
    assert "Traceback" not in result.output


def test_missing_path_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["corpus", "info", str(tmp_path / "missing")])
    assert result.exit_code == 2 and "no such file or folder" in result.stderr


def test_strict_non_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("id,text\n1,caf\xe9\n".encode("latin-1"))
    ok = runner.invoke(app, ["corpus", "info", str(path), "--json"])
    assert ok.exit_code == 0 and json.loads(ok.stdout)["summary"]["repaired_encoding"] == [str(path)]
    strict = runner.invoke(app, ["corpus", "info", str(path), "--strict"])
    assert strict.exit_code == 2 and "latin.csv:2: not valid UTF-8" in strict.stderr


def test_crocus_info() -> None:
    result = runner.invoke(app, ["corpus", "info", str(CROCUS), "--json"])
    info = json.loads(result.stdout)
    assert len(info["outlets"]) >= 10 and info["documents"] >= 60 and info["duplicates"] == 3


def test_info_escapes_control_characters_in_outlets_and_errors(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "x.jsonl", [{"id": "1", "outlet": "evil\x1b[2Jnews", "text": "Words here."}]
    )
    result = runner.invoke(app, ["corpus", "info", str(path)])
    assert result.exit_code == 0, result.output
    # the loader removes control characters from outlet names (counted), so none reach the terminal
    assert "\x1b" not in result.stdout and "evil[2Jnews" in result.stdout
    bad = tmp_path / "bad\x1b[31m.jsonl"
    bad.write_text("not json\n", encoding="utf-8")
    result = runner.invoke(app, ["corpus", "info", str(bad)])
    assert result.exit_code == 2 and "\x1b" not in result.stderr and "bad\\x1b[31m.jsonl:1" in result.stderr


def test_info_reports_encodings_skipped_paths_and_toml_warnings(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    (folder / "docs" / "o").mkdir(parents=True)
    (folder / "docs" / "o" / "ru.txt").write_bytes("Москва: следствие продолжается.".encode("cp1251"))
    (folder / "docs" / "o" / ".notes.txt").write_text("hidden", encoding="utf-8")
    (folder / "corpus.toml").write_text('titel = "x"\n', encoding="utf-8")
    result = runner.invoke(app, ["corpus", "info", str(folder), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)["summary"]
    assert summary["encodings"] == {str(folder / "docs" / "o" / "ru.txt"): "cp1251"}
    assert summary["skipped_paths"] == [
        {"path": str(folder / "docs" / "o" / ".notes.txt"), "reason": "hidden file"}
    ]
    assert len(summary["warnings"]) == 1 and "unknown key 'titel'" in summary["warnings"][0]


def test_info_bad_corpus_toml_type_exit_2(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    (folder / "docs").mkdir(parents=True)
    (folder / "docs" / "a.txt").write_text("Text.", encoding="utf-8")
    (folder / "corpus.toml").write_text('[actors.Russia]\naliases = "Moscow"\n', encoding="utf-8")
    result = runner.invoke(app, ["corpus", "info", str(folder)])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and "actors.Russia.aliases must be a list" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
