"""`framing compare`: bad options are one line on stderr and exit status 2, never a traceback (issue 7)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from conftest import write_jsonl
from typer.testing import CliRunner

from framing.cli import app

runner = CliRunner()

RECORDS = [
    {"id": "w-1", "outlet": "wire", "date": "2024-03-23", "text": "The Kremlin blamed Ukraine. It may rain."},
    {"id": "w-2", "outlet": "wire", "date": "2024-03-24", "text": "Kyiv denied it. Officials clearly lied."},
    {"id": "p-1", "outlet": "paper", "date": "2024-03-24", "text": "It might be true. Perhaps it is likely."},
    {"id": "p-2", "outlet": "paper", "date": "2024-03-25", "text": "A concert hall was attacked on Friday."},
]
# Weather reports: no blame, denial, emotive, hedging or certainty word anywhere.
SILENT = [
    {
        "id": f"{o}-{i}",
        "outlet": o,
        "date": "2024-03-2" + str(i),
        "text": "Sun in the north and rain in the south.",
    }
    for o in ("wire", "paper")
    for i in range(3)
]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "news.jsonl", RECORDS)


def run(*args: str | Path):
    return runner.invoke(app, [str(a) for a in args])


def assert_one_line_error(result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


@pytest.mark.parametrize("seed", ["-1", str(2**32)])
def test_compare_refuses_seeds_outside_32_bits(corpus: Path, seed: str) -> None:
    # regression: --seed -1 was a ValueError traceback and 2**32 was accepted
    result = run("compare", corpus, "--seed", seed, "-q")
    assert_one_line_error(result, "seed must be an integer from 0 to 4294967295", seed)


@pytest.mark.parametrize(
    ("by", "reason"),
    [
        ("doc_id", "identifies single documents"),
        ("tokens", "is a count"),
        ("blame_count", "is a cue feature column"),
        ("hedging_rate", "is a cue feature column"),
    ],
)
def test_compare_refuses_id_count_and_feature_columns(corpus: Path, by: str, reason: str) -> None:
    # regression: --by doc_id printed one "group" per document; --by tokens was a traceback
    result = run("compare", corpus, "--by", by, "-q")
    assert_one_line_error(result, f"cannot compare by '{by}': it {reason}", "outlet_type")


def test_compare_unknown_column_and_single_group(corpus: Path, tmp_path: Path) -> None:
    assert_one_line_error(run("compare", corpus, "--by", "country", "-q"), "cannot compare by 'country'")
    one_outlet = write_jsonl(tmp_path / "one.jsonl", [r | {"outlet": "wire"} for r in RECORDS])
    assert_one_line_error(
        run("compare", one_outlet, "-q", "--resamples", "1000"), "at least 2 groups", "found 1"
    )


def test_compare_refuses_zero_resamples(corpus: Path) -> None:
    result = run("compare", corpus, "--resamples", "0", "-q")
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_compare_prints_rates_and_tests(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "summary.csv"
    result = run("compare", corpus, "--resamples", "1000", "--seed", str(2**32 - 1), "-q", "-o", out)
    assert result.exit_code == 0, result.output
    assert f"seed {2**32 - 1}, 1000 resamples" in result.stdout
    assert "hedging: Kruskal-Wallis H = " in result.stdout
    table = pd.read_csv(out)
    assert sorted(table["outlet"].unique()) == ["paper", "wire"]
    assert table["seed"].eq(2**32 - 1).all() and table["n_resamples"].eq(1000).all()


def test_compare_on_a_corpus_without_any_cue_match(tmp_path: Path) -> None:
    corpus = write_jsonl(tmp_path / "weather.jsonl", SILENT)
    out = tmp_path / "summary.csv"
    result = run("compare", corpus, "--resamples", "1000", "-q", "-o", out)
    assert result.exit_code == 0, result.output
    assert "blame: Kruskal-Wallis H = 0.00, p = 1.000" in result.stdout
    table = pd.read_csv(out)
    assert table["matches"].eq(0).all() and table["mean_rate"].eq(0).all()
    assert table.groupby("outlet")["documents"].first().to_dict() == {"paper": 3, "wire": 3}


@pytest.mark.parametrize(
    ("options", "message"),
    [(["--seed", "-1"], "seed must be an integer"), (["--by", "doc_id"], "identifies single documents")],
)
def test_report_refuses_bad_seed_and_id_grouping_before_loading(
    tmp_path: Path, options: list[str], message: str
) -> None:
    # regression: --seed -1 was refused only after every document was matched, and --by doc_id gave
    # a confusing "fewer than two groups" message
    from conftest import CROCUS

    result = CliRunner().invoke(app, ["report", str(CROCUS), "-o", str(tmp_path / "r"), *options])
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
    assert "measuring cues" not in result.output
