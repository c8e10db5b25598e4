"""The Parquet corpus store: ingest, append, filters, feature cache, atomicity, CLI (framing.store)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from conftest import CROCUS, OTHER_STORY, WIRE_COPY, WIRE_STORY, write_jsonl
from typer.testing import CliRunner

import framing
from framing import features as features_module
from framing import store as store_module
from framing.cli import app
from framing.errors import InputError, OptionError
from framing.store import MANIFEST, feature_key, ingest, is_store, open_store, validate_where

runner = CliRunner()
# corpora/crocus: its articles in all languages, and the syndicated copies among them
CROCUS_DOCUMENTS = 62
CROCUS_COPIES = 3


def _records(*rows: tuple[str, str, str, str]) -> list[dict[str, str]]:
    return [{"id": i, "outlet": o, "date": d, "text": t} for i, o, d, t in rows]


@pytest.fixture
def crocus_store(tmp_path: Path) -> Path:
    ingest([CROCUS], tmp_path / "store")
    return tmp_path / "store"


@pytest.fixture
def counted_extract(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Number of documents passed to framing.extract on each call."""
    calls: list[int] = []
    original = features_module.extract

    def counting(data, **kwargs):
        calls.append(len(features_module.as_documents(data)))
        return original(data, **kwargs)

    monkeypatch.setattr(features_module, "extract", counting)
    return calls


# ----------------------------------------------------------------------------------- a store is a corpus


@pytest.mark.parametrize("source", ["tiny", "crocus"])
def test_store_loads_as_the_source_corpus(source: str, tiny_corpus: Path, tmp_path: Path) -> None:
    path = tiny_corpus if source == "tiny" else CROCUS
    ingest([path], tmp_path / "store")
    expected = framing.load_corpus(path)
    loaded = framing.load_corpus(tmp_path / "store")
    pd.testing.assert_frame_equal(loaded.documents, expected.documents)
    assert loaded.settings == expected.settings
    assert loaded.actors == expected.actors
    assert loaded.summary.documents == expected.summary.documents
    assert loaded.summary.duplicates == expected.summary.duplicates
    assert loaded.summary.boilerplate_lines_removed == expected.summary.boilerplate_lines_removed
    assert loaded.content_hash() == expected.content_hash()


def test_store_layout_is_partitioned_by_outlet(crocus_store: Path) -> None:
    manifest = json.loads((crocus_store / MANIFEST).read_text(encoding="utf-8"))
    folder = crocus_store / manifest["generation_folder"]
    outlets = sorted(p.name for p in folder.iterdir())
    assert outlets == sorted(framing.load_corpus(CROCUS).documents["outlet"].unique())
    # each file holds one outlet's rows, with every column
    vestnik = pd.read_parquet(folder / "vestnik" / "part-00000.parquet")
    assert set(vestnik["outlet"]) == {"vestnik"} and "text" in vestnik.columns


def test_drop_duplicates_on_a_store(crocus_store: Path) -> None:
    corpus = framing.load_corpus(crocus_store, drop_duplicates=True)
    expected = framing.load_corpus(CROCUS, drop_duplicates=True)
    assert corpus.documents["doc_id"].tolist() == expected.documents["doc_id"].tolist()
    assert corpus.summary.dropped_duplicates == CROCUS_COPIES


def test_not_a_store(tmp_path: Path) -> None:
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("x", encoding="utf-8")
    assert not is_store(tmp_path / "other")
    with pytest.raises(InputError, match="not a corpus store"):
        open_store(tmp_path / "other")
    with pytest.raises(InputError, match="exists and is not a corpus store"):
        ingest([CROCUS], tmp_path / "other")
    with pytest.raises(InputError, match="no such store"):
        open_store(tmp_path / "missing")


def test_broken_manifest_is_an_input_error(crocus_store: Path) -> None:
    (crocus_store / MANIFEST).write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match=r"framing-store.json:1: store manifest is not valid JSON"):
        framing.load_corpus(crocus_store)


# ----------------------------------------------------------------------------------- appending


def test_second_ingest_appends_and_deduplicates(tmp_path: Path) -> None:
    first = write_jsonl(
        tmp_path / "first.jsonl",
        _records(("a1", "alpha", "2024-03-23", WIRE_STORY), ("a2", "alpha", "2024-03-24", OTHER_STORY)),
    )
    second = write_jsonl(
        tmp_path / "second.jsonl",
        _records(
            ("a1", "alpha", "2024-03-23", "A different text under an id the store already holds."),
            ("b9", "beta", "2024-03-25", OTHER_STORY),  # same text as a2 under a new id
            ("b1", "beta", "2024-03-26", "Officials said the suspects may have been paid."),
            ("b2", "beta", "2024-03-27", ""),  # empty: skipped while loading
        ),
    )
    store = tmp_path / "store"
    ingest([first], store)
    record = ingest([second], store)
    assert (record.records, record.added) == (4, 1)
    assert (record.already_stored_id, record.already_stored_text) == (1, 1)
    reasons = sorted(s["reason"] for s in record.skipped)
    assert reasons[0] == "already in the store: b9 has the same text as a2"
    assert reasons[1] == "already in the store: id a1"
    assert "empty" in reasons[2]
    documents = framing.load_corpus(store).documents
    assert documents["doc_id"].tolist() == ["a1", "a2", "b1"]
    assert documents.loc[0, "text"] == WIRE_STORY  # the stored document is kept, never overwritten
    summary = framing.load_corpus(store).summary
    assert summary.records == 6 and summary.documents == 3 and len(summary.skipped) == 3


def test_manifest_records_every_ingest(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "a.jsonl", _records(("x1", "alpha", "2024-03-23", WIRE_STORY)))
    ingest([source], tmp_path / "store")
    ingest([source], tmp_path / "store")
    manifest = json.loads((tmp_path / "store" / MANIFEST).read_text(encoding="utf-8"))
    assert [i["added"] for i in manifest["ingests"]] == [1, 0]
    assert manifest["ingests"][1]["sources"] == [str(source)]
    assert manifest["ingests"][1]["skipped"] == [
        {"source": str(source), "reason": "already in the store: id x1"}
    ]
    assert manifest["ingests"][0]["time"].endswith("+00:00")
    # nothing added: the same files, only the ingest recorded
    assert manifest["documents"] == 1 and manifest["generation"] == 1
    assert [p.name for p in (tmp_path / "store").glob("documents-*")] == ["documents-000001"]


def test_old_generations_are_removed(tmp_path: Path) -> None:
    store = tmp_path / "store"
    for number in range(3):
        text = f"Officials said on day {number} that the suspects may have been paid."
        ingest(
            [write_jsonl(tmp_path / f"{number}.jsonl", _records((f"x{number}", "a", "2024-03-23", text)))],
            store,
        )
    # the previous generation is kept for readers that opened the store before the last ingest
    assert sorted(p.name for p in store.glob("documents-*")) == ["documents-000002", "documents-000003"]
    assert framing.load_corpus(store).documents["doc_id"].tolist() == ["x0", "x1", "x2"]


def test_one_ingest_at_a_time(crocus_store: Path, tiny_corpus: Path) -> None:
    fcntl = pytest.importorskip("fcntl", reason="advisory locks are POSIX-only")
    with open(crocus_store / ".ingest.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(InputError, match="another ingest into this store is running"):
            ingest([tiny_corpus], crocus_store)
    assert len(framing.load_corpus(crocus_store)) == CROCUS_DOCUMENTS
    ingest([tiny_corpus], crocus_store)  # the lock is released with its file
    assert len(framing.load_corpus(crocus_store)) == CROCUS_DOCUMENTS + 5


def test_syndication_is_recomputed_across_ingests(tmp_path: Path) -> None:
    copy = write_jsonl(tmp_path / "copy.jsonl", _records(("p1", "paper", "2024-03-24", WIRE_COPY)))
    original = write_jsonl(tmp_path / "wire.jsonl", _records(("w1", "wire", "2024-03-23", WIRE_STORY)))
    store = tmp_path / "store"
    ingest([copy], store)
    assert framing.load_corpus(store).documents["duplicate_of"].tolist() == [None]
    record = ingest([original], store)
    # the earlier-dated wire story arrived later: the stored paper copy is now marked as its copy
    documents = framing.load_corpus(store).documents
    assert dict(zip(documents["doc_id"], documents["duplicate_of"], strict=True)) == {"p1": "w1", "w1": None}
    assert record.duplicates_after == 1


def test_outlet_metadata_reaches_documents_of_later_sources(tiny_corpus: Path, tmp_path: Path) -> None:
    later = write_jsonl(
        tmp_path / "later.jsonl", _records(("w9", "wire", "2024-03-28", "Officials may have known."))
    )
    ingest([tiny_corpus], tmp_path / "store")
    ingest([later], tmp_path / "store")
    documents = framing.load_corpus(tmp_path / "store").documents.set_index("doc_id")
    assert documents.loc["w9", "outlet_type"] == "wire service"


# ----------------------------------------------------------------------------------- atomic writing


def test_failed_ingest_leaves_the_store_as_it_was(
    crocus_store: Path, tiny_corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = framing.load_corpus(crocus_store).documents

    def killed(*args, **kwargs):
        raise KeyboardInterrupt  # a kill while the new generation's files are written

    import pyarrow.parquet

    monkeypatch.setattr(pyarrow.parquet, "write_table", killed)
    with pytest.raises(KeyboardInterrupt):
        ingest([tiny_corpus], crocus_store)
    monkeypatch.undo()
    pd.testing.assert_frame_equal(framing.load_corpus(crocus_store).documents, before)


def test_kill_before_the_manifest_is_replaced(
    crocus_store: Path, tiny_corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = framing.load_corpus(crocus_store).documents

    def killed(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(store_module, "open_atomic", killed)
    with pytest.raises(KeyboardInterrupt):
        ingest([tiny_corpus], crocus_store)
    monkeypatch.undo()
    # the new generation is on disk but the manifest still names the old one
    assert len(list(crocus_store.glob("documents-*"))) == 2
    pd.testing.assert_frame_equal(framing.load_corpus(crocus_store).documents, before)
    ingest([tiny_corpus], crocus_store)  # the next ingest replaces the orphan
    assert sorted(p.name for p in crocus_store.glob("documents-*")) == [
        "documents-000001",
        "documents-000002",
    ]
    assert len(framing.load_corpus(crocus_store)) == len(before) + 5


# ----------------------------------------------------------------------------------- filters


def test_where_selects_documents(crocus_store: Path) -> None:
    store = open_store(crocus_store)
    selected = store.load(where="outlet in ('vestnik', 'daily-blast') and date >= '2024-03-26'").documents
    everything = framing.load_corpus(CROCUS).documents
    expected = everything[
        everything["outlet"].isin(["vestnik", "daily-blast"]) & (everything["date"] >= "2024-03-26")
    ].reset_index(drop=True)
    assert len(expected) == 5
    pd.testing.assert_frame_equal(selected, expected)
    assert store.load(where="outlet = 'vestnik'").summary.documents == 6
    mourning = store.load(where="lower(title) like '%mourning%' or tokens > 10000").documents
    assert mourning["doc_id"].tolist() == ["vestnik/2024-03-24-day-of-mourning"]


@pytest.mark.parametrize(
    ("where", "problem"),
    [
        ("outlet = 'a'; DROP TABLE x", "';' at character 13 is not allowed"),
        ("outlet in (select outlet from documents)", "'select' is not allowed"),
        ("outlet = 'a' -- comment", "comments are not allowed"),
        ("author = 'x'", "unknown column 'author'"),
        ('"no such" = 1', 'unknown column "no such"'),
        ("read_csv('x') is null", "function 'read_csv' is not allowed"),
        ("(outlet = 'a'", "unbalanced parentheses"),
        ("", "the filter is empty"),
    ],
)
def test_where_rejects_anything_but_one_expression(crocus_store: Path, where: str, problem: str) -> None:
    with pytest.raises(OptionError, match=problem.replace("(", r"\(")):
        open_store(crocus_store).load(where=where)


def test_where_that_duckdb_cannot_evaluate(crocus_store: Path) -> None:
    with pytest.raises(OptionError, match="cannot be evaluated"):
        open_store(crocus_store).load(where="tokens > 'many'")


def test_validate_where_keeps_strings_intact() -> None:
    # a ';' or 'select' inside a string literal is data, not SQL
    where = "title = 'Select; drop -- it' and outlet <> 'it''s'"
    assert validate_where(where, ["title", "outlet"]) == where


# ----------------------------------------------------------------------------------- feature cache


def test_features_equal_extract(crocus_store: Path) -> None:
    store = open_store(crocus_store)
    expected = framing.extract(framing.load_corpus(CROCUS))
    pd.testing.assert_frame_equal(store.features(), expected)
    pd.testing.assert_frame_equal(store.features(), expected)  # from the cache
    where = "outlet = 'meridian'"
    pd.testing.assert_frame_equal(store.features(where=where), framing.extract(store.load(where=where)))
    nobody = "outlet = 'nobody'"
    pd.testing.assert_frame_equal(store.features(where=nobody), framing.extract(store.load(where=nobody)))


def test_features_are_computed_only_for_new_documents(
    tmp_path: Path, tiny_corpus: Path, counted_extract: list[int]
) -> None:
    store_path = tmp_path / "store"
    ingest([CROCUS], store_path)
    open_store(store_path).features()
    assert counted_extract == [CROCUS_DOCUMENTS]
    ingest([tiny_corpus], store_path)
    table = open_store(store_path).features()
    assert counted_extract == [CROCUS_DOCUMENTS, 5]
    open_store(store_path).features()
    assert counted_extract == [CROCUS_DOCUMENTS, 5]  # nothing new: everything from the cache
    counted_extract.clear()
    pd.testing.assert_frame_equal(table, framing.extract(framing.load_corpus(store_path)))


def test_cache_is_keyed_by_the_lexicon_set(crocus_store: Path, counted_extract: list[int]) -> None:
    store = open_store(crocus_store)
    default = framing.build_matcher()
    narrow = framing.build_matcher(negation_window=2)
    assert feature_key(default) == feature_key(framing.build_matcher())
    assert feature_key(default) != feature_key(narrow)
    store.features(default)
    store.features(narrow)
    store.features(narrow, where="outlet = 'vestnik'")
    assert counted_extract == [CROCUS_DOCUMENTS, CROCUS_DOCUMENTS]
    assert len(list((crocus_store / "features").iterdir())) == 2
    pd.testing.assert_frame_equal(
        store.features(narrow), framing.extract(framing.load_corpus(CROCUS), matcher=narrow)
    )


def test_cache_key_changes_with_an_entry(tmp_path: Path) -> None:
    lexicon = tmp_path / "mine.tsv"
    lexicon.write_text(
        "# name: mine\n# version: 0.1.0\n"
        "term\tcategory\tsubcategory\tweight\trules\nscapegoat\tblame\tx\t1\t\n",
        encoding="utf-8",
    )
    first = feature_key(framing.build_matcher([lexicon]))
    lexicon.write_text(
        lexicon.read_text(encoding="utf-8").replace("scapegoat", "scapegoats"), encoding="utf-8"
    )
    assert feature_key(framing.build_matcher([lexicon])) != first


# ----------------------------------------------------------------------------------- command line


def test_cli_ingest_and_features(tmp_path: Path, tiny_corpus: Path) -> None:
    store = tmp_path / "store"
    result = runner.invoke(app, ["ingest", str(CROCUS), "--store", str(store)])
    assert result.exit_code == 0, result.output
    n, copies = CROCUS_DOCUMENTS, CROCUS_COPIES
    added = f"{n} documents added, {n} in the store ({copies} marked as syndicated duplicates)"
    assert added in result.stderr
    result = runner.invoke(app, ["ingest", str(CROCUS), str(tiny_corpus), "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert f"{n + 5} records read from 2 source(s): 5 documents added, {n + 5} in the store" in result.stderr
    assert f"{n} documents skipped: id already in the store" in result.stderr
    info = runner.invoke(app, ["corpus", "info", str(store), "--json"])
    assert info.exit_code == 0 and json.loads(info.stdout)["documents"] == n + 5


def test_cli_features_of_a_store_equal_those_of_the_folder(crocus_store: Path, tmp_path: Path) -> None:
    from_store, from_folder = tmp_path / "store.csv", tmp_path / "folder.csv"
    assert runner.invoke(app, ["features", str(crocus_store), "-o", str(from_store)]).exit_code == 0
    assert runner.invoke(app, ["features", str(CROCUS), "-o", str(from_folder)]).exit_code == 0
    assert from_store.read_bytes() == from_folder.read_bytes()
    sentences = tmp_path / "sentences.csv"
    result = runner.invoke(app, ["features", str(crocus_store), "-o", str(sentences), "--unit", "sentence"])
    assert result.exit_code == 0
    assert pd.read_csv(sentences)["doc_id"].nunique() == CROCUS_DOCUMENTS


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["ingest", "missing.jsonl", "--store", "{tmp}/s"], "missing.jsonl: no such file or folder"),
        (["ingest", str(CROCUS), "--store", "{tmp}/s", "--duplicate-threshold", "0"], "duplicate-threshold"),
        (["features", str(CROCUS), "-o", "{tmp}/f.csv", "--engine", "dask"], "runs on a corpus store"),
        (["features", str(CROCUS), "-o", "{tmp}/f.csv", "--engine", "spark"], "--engine must be"),
        (
            ["features", str(CROCUS), "-o", "{tmp}/f.csv", "--scheduler", "tcp://x:1"],
            "only with --engine dask",
        ),
    ],
)
def test_cli_errors_are_one_line(tmp_path: Path, arguments: list[str], message: str) -> None:
    result = runner.invoke(app, [a.replace("{tmp}", str(tmp_path)) for a in arguments])
    assert result.exit_code == 2, result.output
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
