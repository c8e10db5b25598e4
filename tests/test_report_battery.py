"""The report succeeds on every loadable corpus, however small or odd, and says what it could not compute.

Each case is a tiny hand-made corpus (a JSONL file) of a kind that used to end in a traceback: an outlet
with no blame or denial words, a cue family with one distinct term, no cue matches at all (e.g. a
Russian corpus), a document dated 9999, two outlets only, one document per outlet, no dates, every
document a duplicate.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import write_jsonl
from typer.testing import CliRunner

from framing.cli import app
from framing.corpus import load_corpus
from framing.report import build_report

RESAMPLES = 50

_BLAME = "Officials blamed Ukraine for the attack, and the ministry accused Kyiv of lying."
_HEDGE = "The suspects may have crossed the border, and it is possibly linked to the group."
_EMOTIVE = "It was a horrific, brutal massacre and the city is in shock and grief."
_PLAIN = "The hall reopened on Monday and the trains ran on time to the station."
_RUSSIAN = "Власти заявили, что концертный зал будет восстановлен к осени следующего года."


def _docs(outlets: dict[str, list[str]], dates: list[str | None] | None = None) -> list[dict]:
    records, index = [], 0
    for outlet, texts in outlets.items():
        for text in texts:
            date = "2024-03-2" + str(index % 9 + 1) if dates is None else dates[index % len(dates)]
            record = {"id": f"d{index}", "outlet": outlet, "text": text}
            if date is not None:
                record["date"] = date
            records.append(record)
            index += 1
    return records


CASES = {
    "outlet without blame or denial": _docs(
        {"a": [_BLAME, _BLAME + " " + _HEDGE], "b": [_HEDGE, _EMOTIVE], "c": [_EMOTIVE, _BLAME]}
    ),
    "one distinct term per cue": _docs(
        {"a": ["They blamed Kyiv.", "They blamed Kyiv again."], "b": ["It was horrific.", "So horrific."]}
    ),
    "no cue matches at all": _docs({"a": [_PLAIN, _PLAIN + " Yes."], "b": [_PLAIN + " No.", _PLAIN]}),
    "russian corpus": _docs({"ria": [_RUSSIAN, _RUSSIAN + " Да."], "tass": [_RUSSIAN + " Нет.", _RUSSIAN]}),
    "a document dated 9999": _docs(
        {"a": [_BLAME, _HEDGE], "b": [_EMOTIVE, _BLAME]}, ["2024-03-22", "9999-12-31", "2024-03-23"]
    ),
    "a document dated 2250": _docs(
        {"a": [_BLAME, _HEDGE], "b": [_EMOTIVE, _BLAME]}, ["2024-03-22", "2250-06-01", "2024-03-23"]
    ),
    "two outlets only": _docs({"a": [_BLAME, _HEDGE, _EMOTIVE], "b": [_HEDGE, _PLAIN, _BLAME]}),
    "one document per outlet": _docs({"a": [_BLAME], "b": [_HEDGE], "c": [_EMOTIVE]}),
    "no dates at all": _docs({"a": [_BLAME, _HEDGE], "b": [_EMOTIVE, _BLAME]}, [None]),
    "every document a duplicate": _docs(
        {"a": [_BLAME + " " + _HEDGE + " " + _EMOTIVE] * 2, "b": [_BLAME + " " + _HEDGE + " " + _EMOTIVE] * 2}
    ),
    "a wordless document": _docs({"a": [_BLAME, "...", _HEDGE], "b": [_EMOTIVE, _PLAIN]}),
}
#: Loadable corpora with fewer than two groups to compare: a one-line error, exit status 2.
NOTHING_TO_COMPARE = {
    "one outlet only": _docs({"a": [_BLAME, _HEDGE, _EMOTIVE]}),
    "one outlet with words": _docs({"a": [_BLAME, "."], "b": [".", "..."]}),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_report_succeeds_on_small_and_odd_corpora(tmp_path: Path, name: str) -> None:
    source = write_jsonl(tmp_path / "corpus.jsonl", CASES[name])
    load_corpus(source)  # every case is a loadable corpus
    result = CliRunner().invoke(
        app,
        ["report", str(source), "-o", str(tmp_path / "out"), "--resamples", str(RESAMPLES),
         "--permutations", str(RESAMPLES), "--min-documents", "1", "-q"],
    )  # fmt: skip
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 0, result.output
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "Framing comparison" in page
    assert (tmp_path / "out" / "tables" / "cue_rates.csv").is_file()


@pytest.mark.parametrize("name", sorted(NOTHING_TO_COMPARE))
def test_a_corpus_with_one_comparable_group_is_refused_in_one_line(tmp_path: Path, name: str) -> None:
    source = write_jsonl(tmp_path / "corpus.jsonl", NOTHING_TO_COMPARE[name])
    result = CliRunner().invoke(
        app, ["report", str(source), "-o", str(tmp_path / "out"), "--min-documents", "1", "-q"]
    )
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "fewer than two outlet groups" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_the_page_says_what_could_not_be_computed(tmp_path: Path) -> None:
    report = build_report(
        load_corpus(write_jsonl(tmp_path / "c.jsonl", CASES["one document per outlet"])),
        tmp_path / "out", n_resamples=RESAMPLES, n_permutations=RESAMPLES, min_documents=1,
    )  # fmt: skip
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "Separability not computed" in page
    assert report.tables["separability_folds"].empty
    # c (emotive words only) has no blame or denial cue ("linked to" in b's text is one); only c is emotive
    assert "Not computed on this corpus: blame tables for c: no blame or denial cue" in page
    assert "distinctive emotive words: fewer than two outlets use any emotive term" in page
    assert set(report.tables["blame_matrix"]["outlet"]) == {"a", "b"}
    assert (
        report.analysis.metadata["not_computed"][0]
        == "blame tables for c: no blame or denial cue in the documents"
    )


def test_implausible_dates_are_left_out_of_the_time_series_and_named(tmp_path: Path) -> None:
    report = build_report(
        load_corpus(write_jsonl(tmp_path / "c.jsonl", CASES["a document dated 2250"])),
        tmp_path / "out", n_resamples=RESAMPLES, n_permutations=RESAMPLES, min_documents=1,
    )  # fmt: skip
    # (the loader already turns 9999 into a missing date, counted in the load summary; 2250 is a
    # representable date that the report itself must leave out of the time series)
    assert "2250" not in "".join(report.tables["rates_over_time"]["period"])
    assert "1 document dated before 1800 or after 2200 (2250-06-01) is left out" in report.findings[0].text
    assert report.analysis.metadata["corpus"]["implausible_dates"]["documents"] == 1
