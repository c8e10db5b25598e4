"""Input and output options of the commands (issue 7, item 6): chunk sizes, output = input."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import write_jsonl
from typer.testing import CliRunner

from framing.cli import app

runner = CliRunner()


@pytest.mark.parametrize("size", ["0", "-3"])
def test_features_refuses_chunk_size_below_one(tiny_corpus: Path, tmp_path: Path, size: str) -> None:
    for source in (tiny_corpus, write_jsonl(tmp_path / "a.jsonl", [{"id": "1", "text": "Words."}])):
        output = tmp_path / "out.csv"
        result = runner.invoke(app, ["features", str(source), "-o", str(output), "--chunk-size", size])
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output and "chunk-size" in result.output
        assert not output.exists()


def test_features_refuses_to_overwrite_its_input(tmp_path: Path) -> None:
    source = tmp_path / "x.csv"
    source.write_text("id,text\n1,The Kremlin blamed Ukraine.\n", encoding="utf-8")
    result = runner.invoke(app, ["features", str(source), "-o", str(source)])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"error: output {source} is the input {source}; writing it would overwrite the input "
        "(choose another --output)"
    )
    assert source.read_text(encoding="utf-8") == "id,text\n1,The Kremlin blamed Ukraine.\n"


def test_features_refuses_output_inside_the_input_folder(tiny_corpus: Path) -> None:
    output = tiny_corpus / "features.csv"
    result = runner.invoke(app, ["features", str(tiny_corpus), "-o", str(output)])
    assert result.exit_code == 2 and "inside the input folder" in result.stderr
    assert not output.exists()


def test_the_console_entry_point_keeps_the_commands_exit_codes_and_messages(tmp_path: Path) -> None:
    # main() freezes the objects left at exit (the interpreter's last collections walked them all): the
    # command's output, error messages and exit codes must come through unchanged
    import subprocess
    import sys

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "framing.cli", *args]
        return subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, timeout=120)

    listed = run("lexicon", "list")
    assert listed.returncode == 0 and "hedging" in listed.stdout
    missing = run("corpus", "info", str(tmp_path / "absent.jsonl"))
    in_process = CliRunner().invoke(app, ["corpus", "info", str(tmp_path / "absent.jsonl")])
    assert missing.returncode == in_process.exit_code != 0
    assert "absent.jsonl" in missing.stderr and "Traceback" not in missing.stderr
