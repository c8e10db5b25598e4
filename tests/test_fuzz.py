"""Fuzzing: random files and texts through load_corpus, extract and build_report.

Whatever the input, the toolkit either works or raises one of its own errors (FramingError, with a
one-line message); never a foreign exception, never a hang. Each case is small and bounded, so a
super-linear regular expression or an endless loop shows up as a failure of the whole run's time,
not as a timing assertion.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import framing
from framing.cli import app
from framing.errors import FramingError
from framing.report import build_report

# Random Unicode with the awkward parts over-represented: lone surrogates, control and format
# characters, quotes and separators, punctuation runs, very long tokens.
awkward_chars = st.sampled_from(
    ["\ud800", "\udfff", "\x00", "\x1b[31m", "\u200b", "\u202e", "\ufeff", "\r", "\r\n", "\n", "\t", '"',
     "'", ",", ";", "=", "<!--", "<b>", "&amp;", "...", "—", "«", "»", "ё", "Україна", "может", "May",
     "blamed", "chilling", "reportedly", "not"]
)  # fmt: skip
texts = st.one_of(
    st.text(max_size=200),
    st.lists(st.one_of(awkward_chars, st.text(max_size=8)), max_size=60).map("".join),
    st.builds(lambda c, n: c * n, st.sampled_from([".", "!", "-", " ", "<!--", "a", "Mr. "]),
              st.integers(0, 1500)),
)  # fmt: skip
values = st.one_of(texts, st.none(), st.integers(), st.floats(allow_nan=True), st.booleans(),
                   st.lists(st.integers(), max_size=3))  # fmt: skip
FIELDS = ["id", "text", "outlet", "date", "title", "url"]
records = st.lists(
    st.fixed_dictionaries({}, optional={name: values for name in FIELDS}), min_size=0, max_size=8
)
SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _jsonl(rows: list[dict]) -> bytes:
    # json.dumps escapes lone surrogates as \ud800, which is what real exports contain.
    return "".join(json.dumps(row) + "\n" for row in rows).encode("utf-8")


def _delimited(rows: list[dict], delimiter: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(FIELDS)
    for row in rows:
        writer.writerow(["" if row.get(f) is None else str(row.get(f)) for f in FIELDS])
    return buffer.getvalue().encode("utf-8", errors="surrogatepass")


def _load_or_own_error(path: Path) -> framing.Corpus | None:
    try:
        return framing.load_corpus(path)
    except FramingError as error:
        assert "\n" not in str(error).strip(), f"multi-line error: {error}"
        return None


@SETTINGS
@given(rows=records, kind=st.sampled_from(["jsonl", "csv", "tsv"]))
def test_random_files_load_or_fail_with_the_projects_own_error(
    tmp_path_factory: pytest.TempPathFactory, rows: list[dict], kind: str
) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / f"input.{kind}"
    data = _jsonl(rows) if kind == "jsonl" else _delimited(rows, "," if kind == "csv" else "\t")
    path.write_bytes(data)
    corpus = _load_or_own_error(path)
    if corpus is None:
        return
    summary = corpus.summary
    assert len(corpus.documents) <= max(len(rows), 0) or kind != "jsonl"
    features = framing.extract(corpus)
    assert len(features) == len(corpus.documents)
    assert (features["tokens"] >= 0).all()
    assert summary is not None


@SETTINGS
@given(raw=st.binary(max_size=400), suffix=st.sampled_from([".txt", ".csv", ".tsv", ".jsonl"]))
def test_random_bytes_load_or_fail_with_the_projects_own_error(
    tmp_path_factory: pytest.TempPathFactory, raw: bytes, suffix: str
) -> None:
    folder = tmp_path_factory.mktemp("bytes")
    (folder / "corpus.toml").write_text('title = "fuzz"\n', encoding="utf-8")
    (folder / f"doc{suffix}").write_bytes(raw)
    _load_or_own_error(folder)


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(texts, min_size=1, max_size=5))
def test_random_texts_extract_with_consistent_counts(texts: list[str]) -> None:
    features = framing.extract(texts)
    sentences = framing.extract(texts, unit="sentence")
    assert len(features) == len(texts)
    for cue in ("hedging", "emotive", "blame"):
        assert (features[f"{cue}_count"] >= 0).all()
        per_doc = sentences.groupby("doc_id", sort=False)[f"{cue}_count"].sum()
        assert per_doc.reindex(features["doc_id"], fill_value=0).tolist() == features[f"{cue}_count"].tolist()


@pytest.mark.slow
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    bodies=st.lists(texts, min_size=2, max_size=6),
    outlets=st.lists(st.sampled_from(["a", "b", "c", "=cmd", "\x1b[2J", "x\u200by"]), min_size=2, max_size=6),
    dates=st.lists(st.sampled_from(["2024-03-22", "9999-01-01", "-1", "", "2024-13-45", "0001-01-01"]),
                   min_size=2, max_size=6),
)  # fmt: skip
def test_random_corpora_give_a_report_or_the_projects_own_error(
    tmp_path_factory: pytest.TempPathFactory, bodies: list[str], outlets: list[str], dates: list[str]
) -> None:
    folder = tmp_path_factory.mktemp("report")
    rows = [
        {"id": f"d{i}", "text": body, "outlet": outlets[i % len(outlets)], "date": dates[i % len(dates)]}
        for i, body in enumerate(bodies)
    ]
    source = folder / "corpus.jsonl"
    source.write_bytes(_jsonl(rows))
    corpus = _load_or_own_error(source)
    if corpus is None:
        return
    try:
        report = build_report(corpus, folder / "out", seed=0, n_resamples=50, n_permutations=50)
    except FramingError:
        return
    page = (report.path / "index.html").read_text(encoding="utf-8")
    assert "\x1b" not in page


def test_cli_never_prints_a_traceback_on_a_fuzzed_file(tmp_path: Path) -> None:
    source = tmp_path / "bad.csv"
    source.write_bytes(b'id,text,text\n1,"unbalanced,\n2,\xff\xfe\x00\x00,x\n')
    result = CliRunner().invoke(app, ["features", str(source), "-o", str(tmp_path / "f.csv")])
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 2)


def test_lone_surrogates_in_a_list_of_texts_are_replaced_not_a_crash() -> None:
    # regression (found by the fuzz test): a text "\ud800" crashed extract() in pandas' string storage
    features = framing.extract(["\ud800 It may rain."])
    assert features.loc[0, "hedging_count"] == 1
