"""Suggested actors: capitalised names, acronyms and demonyms grouped into a corpus.toml snippet."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import framing
from framing.actors import actors_from_table, actors_toml, suggest_actors
from framing.cli import app
from tests.conftest import CROCUS, write_jsonl

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

TEXTS = [
    "Russian President Vladimir Putin said the attack was planned in Kyiv. Officials in Moscow agreed.",
    "The Islamic State claimed responsibility. Putin did not mention IS in his address on Saturday.",
    "Ukrainian officials denied any role. Kyiv called it absurd; ISIS repeated the Islamic State claim.",
    "After the attack, Putin blamed Ukraine. The Federal Bureau of Investigation (FBI) had warned in March.",
    "The FBI said the warning was shared. Officials said the Islamic State was behind it.",
    "Reuters reported that Ukrainians were angry. Daily Blast said Putin lied.",
]


def _by_actor(table: pd.DataFrame) -> dict[str, list[str]]:
    return actors_from_table(table)


def test_names_acronyms_and_demonyms_are_grouped() -> None:
    docs = pd.DataFrame({"outlet": ["Daily Blast"] * len(TEXTS), "text": TEXTS})
    table = suggest_actors(docs)
    actors = _by_actor(table)
    assert actors["Vladimir Putin"] == ["Vladimir Putin", "Putin"]  # title stripped, surname grouped
    assert actors["Islamic State"] == ["Islamic State", "IS", "ISIS"]  # acronym and its extension
    assert actors["Ukraine"] == ["Ukraine", "Kyiv", "Ukrainian", "Ukrainians"]  # capital, demonyms
    assert actors["Russia"] == ["Russia", "Moscow", "Russian"]
    assert actors["Federal Bureau of Investigation"] == ["Federal Bureau of Investigation", "FBI"]
    # sentence-initial common words, days, months and the outlet itself are not actors
    for word in ("Officials", "After", "The", "Saturday", "March", "Daily Blast", "President"):
        assert word not in actors
    row = table.set_index("actor").loc["Vladimir Putin"]
    assert (row["mentions"], row["documents"]) == (4, 4)
    assert table["mentions"].is_monotonic_decreasing


def test_a_word_capitalised_only_at_sentence_starts_is_not_a_name() -> None:
    texts = ["Witnesses ran. The witnesses were shaken.", "Witnesses said so. Two witnesses left."]
    assert suggest_actors(texts, min_mentions=1).empty


def test_the_snippet_is_valid_corpus_toml(tmp_path: Path) -> None:
    table = suggest_actors(TEXTS, n=3)
    snippet = actors_toml(table, source="t.jsonl")
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "corpus.toml").write_text(snippet, encoding="utf-8")
    (folder / "a.txt").write_text("outlet: x\n\nPutin blamed Kyiv.", encoding="utf-8")
    corpus = framing.load_corpus(folder)
    assert corpus.actors == actors_from_table(table)
    assert tomllib.loads(snippet)["actors"]["Vladimir Putin"]["aliases"] == ["Vladimir Putin", "Putin"]
    assert "# 4 mentions in 4 documents" in snippet


def test_bad_options_are_refused() -> None:
    with pytest.raises(framing.OptionError, match="n must be"):
        suggest_actors(TEXTS, n=0)
    with pytest.raises(framing.OptionError, match="not one string"):
        suggest_actors("Putin")


def test_crocus_suggestions_include_islamic_state_and_ukraine() -> None:
    corpus = framing.load_corpus(CROCUS)
    actors = _by_actor(suggest_actors(corpus, n=10))
    assert {"Islamic State", "Ukraine", "Russia", "Vladimir Putin"} <= set(actors)
    assert {"ISIS"} <= set(actors["Islamic State"])
    assert {"Kyiv", "Ukrainian"} <= set(actors["Ukraine"])
    assert "Global Wire" not in actors  # an outlet's display name from corpus.toml


def test_cli_prints_a_snippet_and_refuses_bad_n() -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["actors", "suggest", str(CROCUS), "-n", "5"])
    assert result.exit_code == 0, result.output
    parsed = tomllib.loads(result.stdout)["actors"]
    assert len(parsed) == 5
    assert "Islamic State" in parsed
    bad = runner.invoke(app, ["actors", "suggest", str(CROCUS), "-n", "0"])
    assert bad.exit_code == 2
    assert "-n must be 1 or more" in bad.stderr


def test_report_falls_back_to_suggested_actors(tmp_path: Path) -> None:
    records = [{"id": f"a{i}", "outlet": "a" if i % 2 else "b", "text": t} for i, t in enumerate(TEXTS * 2)]
    path = write_jsonl(tmp_path / "noactors.jsonl", records)
    out = tmp_path / "report"
    args = ["report", str(path), "-o", str(out), "--resamples", "20", "--permutations", "20", "-q"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    suggested = pd.read_csv(out / "tables" / "suggested_actors.csv")
    assert "Vladimir Putin" in set(suggested["actor"])
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "No actors are defined for this corpus, so whom each group blames is analysed with the" in page
    blamed = set(pd.read_csv(out / "tables" / "blame_attributions.csv")["blamed"])
    assert "Ukraine" in blamed


def test_max_documents_reads_an_even_sample_and_says_how_many() -> None:
    texts = [f"Vladimir Putin spoke on day {i}." for i in range(10)] + [
        f"Angela Merkel spoke on day {i}." for i in range(10)
    ]
    every = suggest_actors(texts, n=5)
    sampled = suggest_actors(texts, n=5, max_documents=4)  # documents 0, 5, 10, 15: two of each name
    assert dict(zip(every["actor"], every["mentions"], strict=True)) == {
        "Vladimir Putin": 10,
        "Angela Merkel": 10,
    }
    assert dict(zip(sampled["actor"], sampled["mentions"], strict=True)) == {
        "Vladimir Putin": 2,
        "Angela Merkel": 2,
    }
    assert sampled.attrs == {"documents_read": 4, "documents_total": 20}
    assert every.attrs == {"documents_read": 20, "documents_total": 20}
    with pytest.raises(framing.OptionError, match="max_documents"):
        suggest_actors(texts, max_documents=0)


def test_the_report_says_when_suggestions_were_counted_in_a_sample() -> None:
    from framing.report.furniture import suggested_actors_sentence

    texts = [f"Vladimir Putin spoke on day {i}." for i in range(30)]
    sentence = suggested_actors_sentence(suggest_actors(texts, n=1, max_documents=10))
    assert (
        "Vladimir Putin (10 mentions) (mentions counted in 10 of the 30 documents, evenly spaced)" in sentence
    )
    assert "counted in" not in suggested_actors_sentence(suggest_actors(texts, n=1))


def test_suggestions_counted_in_worker_processes_are_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    import framing.parallel

    corpus = framing.load_corpus(CROCUS)
    serial = suggest_actors(corpus, n=15)
    monkeypatch.setattr(framing.parallel, "MIN_PARALLEL_DOCUMENTS", 1)  # the demo is below the default
    in_workers = suggest_actors(corpus, n=15, jobs=2)
    pd.testing.assert_frame_equal(serial, in_workers)
    assert serial.attrs == in_workers.attrs
    # grouping reads the document sets merged from every part (an acronym joins its expansion by them)
    assert "ISIS" in actors_from_table(in_workers)["Islamic State"]
    with pytest.raises(framing.OptionError, match="jobs"):
        suggest_actors(TEXTS, jobs=0)


def test_a_spooled_corpus_gets_the_same_suggestions_reading_only_the_sampled_texts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from framing.spool import TextSpool

    corpus = framing.load_corpus(CROCUS)
    spooled = corpus.spooled()
    read: list[int] = []
    original = TextSpool.read

    def counting(self: TextSpool, positions):  # type: ignore[no-untyped-def]
        read.extend(int(p) for p in positions)
        return original(self, positions)

    monkeypatch.setattr(TextSpool, "read", counting)
    for options in ({"n": 15}, {"n": 10, "max_documents": 9}):
        expected = suggest_actors(corpus, **options)
        got = suggest_actors(spooled, **options)
        pd.testing.assert_frame_equal(expected, got)
        assert expected.attrs == got.attrs
    # the sampled run read 9 texts, evenly spaced: positions 0, 6, 13, ...
    assert read[len(corpus) :] == [int(i * len(corpus) / 9) for i in range(9)]
