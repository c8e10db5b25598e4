"""`framing features / evidence / blame / validate` through typer's CliRunner."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest
from conftest import write_jsonl
from typer.testing import CliRunner

from framing.cli import app
from framing.features import extract

runner = CliRunner()

RECORDS = [
    {
        "id": "w-1",
        "outlet": "wire",
        "date": "2024-03-23",
        "text": "The Kremlin blamed Ukraine for the attack. Kyiv denied any involvement.",
    },
    {
        "id": "w-2",
        "outlet": "wire",
        "date": "2024-03-24",
        "text": "Islamic State claimed responsibility. The toll may rise.",
    },
    {
        "id": "p-1",
        "outlet": "paper",
        "date": "2024-03-24",
        "text": "It may be true. It might be false. Perhaps it is likely. Reportedly it is possible. "
        "Officials could not be reached. It is not likely.",
    },
]


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    """A corpus folder with two outlets and three actors."""
    root = tmp_path / "mini"
    (root / "docs").mkdir(parents=True)
    (root / "corpus.toml").write_text(
        'title = "Mini"\n[outlets.wire]\ntype = "wire service"\n[outlets.paper]\ntype = "broadsheet"\n'
        '[actors."Islamic State"]\naliases = ["ISIS"]\n'
        '[actors.Ukraine]\naliases = ["Kyiv"]\n[actors.Russia]\naliases = ["Kremlin"]\n',
        encoding="utf-8",
    )
    write_jsonl(root / "docs" / "all.jsonl", RECORDS)
    return root


@pytest.fixture
def plain_jsonl(tmp_path: Path) -> Path:
    """A single JSONL file with only id and text fields."""
    return write_jsonl(
        tmp_path / "plain.jsonl",
        [
            {"id": "b-9", "text": "It may rain. It is clearly cold."},
            {"id": "a-3", "text": "Nobody blamed him."},
        ],
    )


def run(*args: str | Path):
    return runner.invoke(app, [str(a) for a in args])


def assert_one_line_error(result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


# ----------------------------------------------------------------------------------------------------
# features
# ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".jsonl"])
def test_features_output_formats(plain_jsonl: Path, tmp_path: Path, suffix: str) -> None:
    output = tmp_path / f"out{suffix}"
    result = run("features", plain_jsonl, "-o", output)
    assert result.exit_code == 0, result.output
    assert f"wrote 2 document rows to {output}" in result.stderr
    if suffix == ".jsonl":
        table = pd.read_json(output, lines=True, dtype={"doc_id": str})
    else:
        table = pd.read_csv(output, sep="\t" if suffix == ".tsv" else ",", dtype={"doc_id": str})
    assert table["doc_id"].tolist() == ["b-9", "a-3"]  # the input's own ids, in input order
    assert table["tokens"].tolist() == [7, 3]
    assert table["hedging_count"].tolist() == [1, 0]
    assert table["certainty_count"].tolist() == [1, 0]
    assert table["blame_count"].tolist() == [0, 0] and table["blame_negated"].tolist() == [0, 1]
    assert table["hedging_rate"].tolist() == pytest.approx([1000 / 7, 0.0], rel=1e-5)
    expected = extract(
        pd.DataFrame(
            {"doc_id": ["b-9", "a-3"], "text": ["It may rain. It is clearly cold.", "Nobody blamed him."]}
        )
    )
    assert [c for c in table.columns if c not in ("outlet", "date")] == list(expected.columns)


def test_features_csv_is_plain_rfc4180(plain_jsonl: Path, tmp_path: Path) -> None:
    output = tmp_path / "out.csv"
    assert run("features", plain_jsonl, "-o", output, "--quiet").exit_code == 0
    with output.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:7] == [
        "doc_id",
        "outlet",
        "date",
        "language",
        "language_supported",
        "tokens",
        "sentences",
    ]
    assert [r[0] for r in rows[1:]] == ["b-9", "a-3"]
    assert all(len(r) == len(rows[0]) for r in rows)


def test_features_sentence_unit(plain_jsonl: Path, tmp_path: Path) -> None:
    output = tmp_path / "sentences.jsonl"
    result = run("features", plain_jsonl, "-o", output, "--unit", "sentence")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert [(r["doc_id"], r["sentence_id"], r["start"], r["end"]) for r in rows] == [
        ("b-9", 0, 0, 12),
        ("b-9", 1, 13, 32),
        ("a-3", 0, 0, 18),
    ]
    assert [r["hedging_count"] for r in rows] == [1, 0, 0]
    assert [r["certainty_count"] for r in rows] == [0, 1, 0]
    assert "wrote 3 sentence rows" in result.stderr


def test_features_corpus_folder_with_jobs(corpus_dir: Path, tmp_path: Path) -> None:
    serial, parallel = tmp_path / "serial.csv", tmp_path / "parallel.csv"
    assert run("features", corpus_dir, "-o", serial, "-q").exit_code == 0
    result = run("features", corpus_dir, "-o", parallel, "--jobs", "2", "--chunk-size", "1", "-q")
    assert result.exit_code == 0, result.output
    assert parallel.read_bytes() == serial.read_bytes()
    table = pd.read_csv(serial)
    assert table["doc_id"].tolist() == ["w-1", "w-2", "p-1"]
    assert table["outlet"].tolist() == ["wire", "wire", "paper"]
    assert "duplicate_of" in table.columns
    assert table["hedging_count"].tolist() == [0, 1, 6]
    assert table["hedging_negated"].tolist() == [0, 0, 1]


def test_features_user_lexicon_added_or_replacing(plain_jsonl: Path, tmp_path: Path) -> None:
    lexicon = tmp_path / "weather.tsv"
    lexicon.write_text("# name: weather\nterm\tcategory\nrain\tweather\ncold\tweather\n", encoding="utf-8")
    added, replaced = tmp_path / "added.csv", tmp_path / "replaced.csv"
    assert run("features", plain_jsonl, "-o", added, "--lexicon", lexicon, "-q").exit_code == 0
    result = run("features", plain_jsonl, "-o", replaced, "-l", lexicon, "--replace-lexicons", "-q")
    assert result.exit_code == 0, result.output
    with_builtins, alone = pd.read_csv(added), pd.read_csv(replaced)
    assert with_builtins["weather_count"].tolist() == alone["weather_count"].tolist() == [2, 0]
    assert "hedging_count" in with_builtins.columns and "hedging_count" not in alone.columns
    assert [c for c in alone.columns if c.endswith("_count")] == ["weather_count", "weather_weather_count"]


def test_features_bad_inputs_exit_2_naming_the_file(plain_jsonl: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    missing = tmp_path / "absent.jsonl"
    assert_one_line_error(run("features", missing, "-o", out), str(missing), "no such file")
    bad = tmp_path / "bad.tsv"
    bad.write_text("term\tcategory\nsmoke\tNot Snake\n", encoding="utf-8")
    assert_one_line_error(
        run("features", plain_jsonl, "-o", out, "-l", bad), f"{bad}:2:", "bad term or category"
    )
    absent_lexicon = tmp_path / "absent.tsv"
    assert_one_line_error(
        run("features", plain_jsonl, "-o", out, "-l", absent_lexicon),
        str(absent_lexicon),
        "no such lexicon file",
    )
    broken_dic = tmp_path / "broken.dic"
    broken_dic.write_text("%\n1 worry\n%\nfret 9\n", encoding="utf-8")
    assert_one_line_error(run("features", plain_jsonl, "-o", out, "-l", broken_dic), f"{broken_dic}:4:")
    assert_one_line_error(
        run("features", plain_jsonl, "-o", tmp_path / "out.xlsx"), "out.xlsx", ".csv, .tsv or .jsonl"
    )
    assert_one_line_error(run("features", plain_jsonl, "-o", out, "--unit", "paragraph"), "--unit")
    malformed = tmp_path / "malformed.jsonl"
    malformed.write_text('{"id": "x", "text": "fine"}\n{"id": \n', encoding="utf-8")
    assert_one_line_error(run("features", malformed, "-o", out), f"{malformed}:2")
    assert not out.exists()  # nothing half-written


# ----------------------------------------------------------------------------------------------------
# evidence
# ----------------------------------------------------------------------------------------------------


def test_evidence_outlet_and_limit(corpus_dir: Path, tmp_path: Path) -> None:
    result = run("evidence", corpus_dir, "--cue", "hedging", "--outlet", "paper", "-n", "5")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 5
    assert all(line.startswith("p-1:") for line in lines)
    assert [line.split("[")[1].split("]")[0] for line in lines] == [
        "may",
        "might",
        "Perhaps",
        "likely",
        "Reportedly",
    ]
    assert lines[0].startswith("p-1:3 ") and lines[0].endswith("epistemic_modal")
    assert result.stderr.strip().endswith("5 of 7 hedging matches")
    output = tmp_path / "hedges.csv"
    everything = run("evidence", corpus_dir, "--cue", "hedging", "-n", "0", "-o", output)
    assert everything.exit_code == 0
    assert "[likely]" in everything.stdout and "[negated]" in everything.stdout
    table = pd.read_csv(output)
    assert len(table) == 8 and set(table["outlet"]) == {"wire", "paper"}
    assert "sentence" not in table.columns and {"left", "right", "start", "end"} <= set(table.columns)


def test_evidence_bad_options(corpus_dir: Path) -> None:
    assert_one_line_error(run("evidence", corpus_dir, "--cue", "hedges"), "unknown cue 'hedges'", "hedging")
    assert_one_line_error(
        run("evidence", corpus_dir, "--cue", "hedging", "--outlet", "tabloid"), "unknown outlet"
    )


# ----------------------------------------------------------------------------------------------------
# blame
# ----------------------------------------------------------------------------------------------------


def test_blame_table_and_output(corpus_dir: Path, tmp_path: Path) -> None:
    output = tmp_path / "blame.csv"
    result = run("blame", corpus_dir, "-o", output)
    assert result.exit_code == 0, result.output
    table = pd.read_csv(output)
    assert table[["doc_id", "blamer", "blamed", "kind", "rule"]].values.tolist() == [
        ["w-1", "Russia", "Ukraine", "accusation", "active"],
        ["w-1", "unspecified", "Ukraine", "denial", "denial"],
        ["w-2", "Islamic State", "Islamic State", "self_attribution", "self_attribution"],
    ]
    assert table["negated"].tolist() == [False, True, False]
    summary = result.stdout.split("attributions per outlet and blamed actor (negated ones excluded):\n")[1]
    # the negated denial row is not counted: Ukraine once (accused), Islamic State once (its own claim)
    assert [line.split()[-2:] for line in summary.splitlines()[1:]] == [["State", "1"], ["Ukraine", "1"]]


def test_blame_without_actors_warns(plain_jsonl: Path) -> None:
    result = run("blame", plain_jsonl)
    assert result.exit_code == 0, result.output
    assert "no [actors] in corpus.toml" in result.stderr
    assert "undetermined" in result.stdout


# ----------------------------------------------------------------------------------------------------
# validate
# ----------------------------------------------------------------------------------------------------


@pytest.fixture
def gold(tmp_path: Path) -> Path:
    """Five labelled records and one unlabelled; hedging flags g1, g2 (right) and g5 (wrong), misses g3."""
    return write_jsonl(
        tmp_path / "gold.jsonl",
        [
            {"id": "g1", "text": "It may rain.", "hedge": True},
            {"id": "g2", "text": "Reportedly it rained.", "hedge": "yes"},
            {"id": "g3", "text": "It rained.", "hedge": True},
            {"id": "g4", "text": "It is clearly cold.", "hedge": False},
            {"id": "g5", "text": "Perhaps it snowed.", "hedge": "no"},
            {"id": "g6", "text": "Snow fell.", "hedge": None},
        ],
    )


def test_validate_figures_by_hand(gold: Path) -> None:
    result = run("validate", gold, "--cue", "hedging", "--label", "hedge", "--json", "--resamples", "50")
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert (figures["records"], figures["positives"], figures["flagged"]) == (5, 3, 3)
    assert figures["skipped_unlabelled"] == 1 and figures["score"] == "hedging_count"
    # TP = 2 (g1, g2), FP = 1 (g5), FN = 1 (g3)
    assert figures["precision"] == pytest.approx(2 / 3)
    assert figures["recall"] == pytest.approx(2 / 3)
    assert figures["f1"] == pytest.approx(2 / 3)
    # scores: positives 1, 1, 0; negatives 0, 1 -> 3.5 of 6 pairs ordered correctly
    assert figures["roc_auc"] == pytest.approx(3.5 / 6)
    assert figures["f1_flag_all"] == pytest.approx(2 * 0.6 / 1.6)
    assert 0 <= figures["f1_ci_low"] <= figures["f1"] <= figures["f1_ci_high"] <= 1
    assert (figures["n_resamples"], figures["seed"]) == (50, 0)
    again = run("validate", gold, "--cue", "hedging", "--label", "hedge", "--json", "--resamples", "50")
    assert json.loads(again.stdout) == figures  # seeded


def test_validate_text_summary(gold: Path) -> None:
    result = run("validate", gold, "--cue", "hedging", "--label", "hedge", "--resamples", "20")
    assert result.exit_code == 0, result.output
    assert "(5 documents, 3 positive, 1 unlabelled skipped; score = hedging_count)" in result.stdout
    assert "precision 0.667  recall 0.667  F1 0.667" in result.stdout


def test_validate_bad_inputs(gold: Path, tmp_path: Path) -> None:
    assert_one_line_error(
        run("validate", gold, "--cue", "hedging", "--label", "nope"), "no label column 'nope'", str(gold)
    )
    assert_one_line_error(
        run("validate", gold, "--cue", "hedges", "--label", "hedge"), "unknown cue 'hedges'"
    )
    missing = tmp_path / "absent.jsonl"
    assert_one_line_error(run("validate", missing, "--cue", "hedging", "--label", "hedge"), str(missing))
