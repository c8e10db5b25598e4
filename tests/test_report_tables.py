"""The report's tables: stored tables read on demand, written to CSV a batch at a time, same bytes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from framing.corpus import load_corpus
from framing.report import analyse
from framing.report.findings import state_findings
from framing.report.tables import FrameTable, ReportTables, SpilledFrame, write_csv


def _evidence() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": ["a", "a", "b", "c", "d"],
            "kind": pd.Categorical(["accusation", "denial", "accusation", "accusation", "denial"]),
            "score": [0.5, np.nan, 1.0 / 3.0, 2.0, -0.0],
            "sentence": [
                "=SUM(A1) said X.",
                "He denied it.",
                "+1 for Y",
                "Plain, with a comma.",
                'A "quote"',
            ],
        }
    )


@pytest.mark.parametrize("escape", [True, False])
@pytest.mark.parametrize("batch_rows", [1, 2, 100])
def test_a_stored_table_is_written_a_batch_at_a_time_with_the_bytes_of_the_whole_table(
    tmp_path, escape: bool, batch_rows: int
) -> None:
    table = _evidence()
    write_csv(table, tmp_path / "whole.csv", escape=escape)
    write_csv(FrameTable(table, batch_rows=batch_rows), tmp_path / "batches.csv", escape=escape)
    whole = (tmp_path / "whole.csv").read_bytes()
    assert (tmp_path / "batches.csv").read_bytes() == whole
    assert whole.count(b"\n") == len(table) + 1
    assert (b"'=SUM(A1)" in whole) is escape  # the formula is defused only when asked


@pytest.mark.parametrize("escape", [True, False])
def test_a_long_dataframe_is_written_a_batch_at_a_time_with_the_bytes_of_the_whole_table(
    tmp_path, monkeypatch, escape: bool
) -> None:
    import framing.report.tables as tables_module
    from framing.io.escape import spreadsheet_safe

    table = _evidence()
    whole = (spreadsheet_safe(table) if escape else table).to_csv(index=False, lineterminator="\n")
    monkeypatch.setattr(tables_module, "CSV_BATCH_ROWS", 2)  # 5 rows: batches of 2, 2 and 1
    write_csv(table, tmp_path / "batches.csv", escape=escape)
    assert (tmp_path / "batches.csv").read_text(encoding="utf-8") == whole
    assert table["sentence"].iloc[0] == "=SUM(A1) said X."  # the caller's table is not escaped in place


def test_the_heap_is_given_back_after_each_batch_written(tmp_path, monkeypatch) -> None:
    # issue 8: each batch's escaped copy was freed into the heap and the next made elsewhere in it
    import framing.report.tables as tables_module

    returned = []
    monkeypatch.setattr(tables_module, "return_freed_memory", lambda: returned.append(True))
    write_csv(FrameTable(_evidence(), batch_rows=2), tmp_path / "batches.csv", escape=True)
    assert len(returned) == 3  # batches of 2, 2 and 1 rows


def test_an_empty_stored_table_is_written_as_its_header(tmp_path) -> None:
    write_csv(FrameTable(_evidence().iloc[:0], batch_rows=2), tmp_path / "empty.csv", escape=True)
    assert (tmp_path / "empty.csv").read_text() == "doc_id,kind,score,sentence\n"


def test_report_tables_give_dataframes_by_name_and_read_columns_and_rows_of_a_stored_table() -> None:
    small = pd.DataFrame({"group": ["x", "y"]})
    tables = ReportTables({"groups": small})
    tables["evidence"] = FrameTable(_evidence(), batch_rows=2)
    assert list(tables) == ["groups", "evidence"] and len(tables) == 2 and "evidence" in tables
    assert tables["groups"] is small
    pd.testing.assert_frame_equal(tables["evidence"], _evidence())
    assert tables.rows("evidence") == 5
    kinds = tables.columns("evidence", ["doc_id", "kind"])
    assert list(kinds.columns) == ["doc_id", "kind"]
    denials = kinds[kinds["kind"] == "denial"]
    # the labels of a selection are row positions: the other columns of those rows can be fetched
    assert tables.take("evidence", denials.index, ["sentence"])["sentence"].tolist() == [
        "He denied it.",
        'A "quote"',
    ]
    del tables["groups"]
    assert list(tables) == ["evidence"]


EVIDENCE = {"blame_attributions", "blame_profile"}


def test_the_summary_reads_the_same_from_stored_evidence_tables_as_from_dataframes() -> None:
    analysis = analyse(
        load_corpus("corpora/crocus"), n_resamples=200, n_permutations=200, across_languages=True
    )
    assert isinstance(analysis.tables, ReportTables)
    as_dict = {name: analysis.tables[name] for name in analysis.tables}
    stored = ReportTables(
        {
            name: FrameTable(table, batch_rows=3)
            if name in {"blame_attributions", "blame_profile"}
            else table
            for name, table in as_dict.items()
        }
    )
    assert len(as_dict["blame_attributions"]) > 3  # several batches
    options = (analysis.by, analysis.groups, analysis.cues, analysis.corpus, 0)
    selection = {**analysis.metadata["corpus"], "min_documents": 2, "max_groups": 12, "not_computed": []}
    selection["documents_without_group"] = 0
    from_dict = state_findings(as_dict, *options, selection)
    from_stored = state_findings(stored, *options, selection)
    assert from_stored == from_dict
    quoted = [e for f in from_dict if f.topic == "blame" for e in f.examples]
    assert quoted
    # each quoted sentence is the one of an attribution row of that document and sentence
    rows = as_dict["blame_attributions"]
    sentences = set(zip(rows["doc_id"], rows["sentence_id"], rows["sentence"], strict=True))
    assert all((e.doc_id, e.sentence_id, e.sentence) in sentences for e in quoted)


def test_blame_blocks_and_rows_of_a_pass_equal_its_whole_tables() -> None:
    from framing.features import match_documents

    corpus = load_corpus("corpora/crocus")
    matched = match_documents(corpus, by="outlet", profile=True)
    for name, whole in (("attributions", matched.attributions), ("profile", matched.profile)):
        assert whole is not None and len(whole) > 5
        assert matched.blame_columns(name) == list(whole.columns)
        assert matched.blame_row_count(name) == len(whole)
        blocks = list(matched.blame_blocks(name, documents_per_block=2))
        assert len(blocks) > 2  # several blocks, each of whole documents
        pd.testing.assert_frame_equal(pd.concat(blocks), whole)
        rows = [len(whole) - 1, 0, 3]
        pd.testing.assert_frame_equal(
            matched.blame_rows(name, rows, ["doc_id"]), whole[["doc_id"]].iloc[rows]
        )
    # a selection of documents reads the rows of those documents only, numbered in the selection
    chosen = (corpus.documents["outlet"] == corpus.documents["outlet"].iloc[0]).to_numpy()
    subset = matched.select(chosen)
    ids = set(corpus.documents.loc[chosen, "doc_id"].astype(str))
    expected = matched.attributions[matched.attributions["doc_id"].astype(str).isin(ids)].reset_index(
        drop=True
    )
    got = pd.concat(list(subset.blame_blocks("attributions", documents_per_block=1)))
    pd.testing.assert_frame_equal(got, expected)
    assert subset.blame_row_count("attributions") == len(expected)


def test_the_report_keeps_its_blame_rows_on_disk_and_writes_the_same_csv(tmp_path, monkeypatch) -> None:
    from framing.features import MatchPass
    from framing.report import analysis as analysis_module
    from framing.report import write_report

    corpus = load_corpus("corpora/crocus")
    whole = analyse(corpus, n_resamples=200, n_permutations=200)
    reference = {name: whole.tables[name] for name in EVIDENCE}
    monkeypatch.setattr(analysis_module, "BLAME_BLOCK_DOCUMENTS", 2)  # several batches per table
    written = write_report(whole, tmp_path / "report")
    for name in EVIDENCE:
        stored = whole.tables.stored(name)
        assert not isinstance(stored, FrameTable) and isinstance(stored.matched, MatchPass)
        assert len(list(stored.batches())) > 2
        in_memory = tmp_path / f"{name}.csv"
        write_csv(reference[name], in_memory, escape=True)
        assert (written.path / "tables" / f"{name}.csv").read_bytes() == in_memory.read_bytes()


def _mixed_dtypes(rows: int) -> pd.DataFrame:
    """A table with every kind of column the feature table has: str, object with None, categorical,
    datetime with NaT, integers, floats with NaN, booleans."""
    positions = np.arange(rows)
    return pd.DataFrame(
        {
            "doc_id": pd.array([f"d{i}" for i in positions], dtype="str"),
            "title": [None if i % 3 == 0 else f"title {i}" for i in positions],
            "outlet": pd.Categorical([("A", "B", "C")[i % 3] for i in positions], categories=["C", "B", "A"]),
            "date": pd.to_datetime(["2024-03-22" if i % 4 else None for i in positions]).as_unit("us"),
            "tokens": (positions * 7).astype(np.int64),
            "blame_rate": np.where(positions % 5 == 0, np.nan, positions / 3.0),
            "long": positions % 2 == 0,
        }
    )


@pytest.mark.parametrize("batch_rows", [1, 4, 1000])
def test_a_spilled_frame_reads_back_the_very_table_it_was_given(tmp_path, batch_rows: int) -> None:
    table = _mixed_dtypes(10)
    spilled = SpilledFrame(table, tmp_path, batch_rows=batch_rows)
    assert len(spilled) == 10 and spilled.columns == list(table.columns)
    pd.testing.assert_frame_equal(spilled.read(), table, check_index_type=True)
    pd.testing.assert_frame_equal(spilled.read(["tokens", "outlet"]), table[["tokens", "outlet"]])
    pd.testing.assert_frame_equal(pd.concat(list(spilled.batches())), table)
    assert [len(b) for b in spilled.batches()] == [len(b) for b in FrameTable(table, batch_rows).batches()]
    rows = [7, 0, 7, 3]
    taken = spilled.take(rows, ["doc_id", "date"])
    pd.testing.assert_frame_equal(taken, table.iloc[rows][["doc_id", "date"]])
    with pytest.raises(IndexError, match=r"rows outside 0 \.\. 9"):
        spilled.take([10])
    write_csv(table, tmp_path / "whole.csv", escape=True)
    write_csv(spilled, tmp_path / "spilled.csv", escape=True)
    assert (tmp_path / "spilled.csv").read_bytes() == (tmp_path / "whole.csv").read_bytes()


@pytest.mark.parametrize("batch_rows", [1, 3, 1000])
def test_a_spilled_frame_of_some_rows_is_those_rows_renumbered(tmp_path, batch_rows: int) -> None:
    table = _mixed_dtypes(10)
    keep = np.array([True, False, False, True, True, False, True, False, False, True])
    spilled = SpilledFrame(table, tmp_path, batch_rows=batch_rows, rows=keep)
    assert len(spilled) == 5
    pd.testing.assert_frame_equal(spilled.read(), table[keep].reset_index(drop=True), check_index_type=True)
    pd.testing.assert_frame_equal(spilled.take([4, 0], ["doc_id"]), table[keep].iloc[[4, 0]][["doc_id"]]
                                  .set_axis([4, 0]))  # fmt: skip
    with pytest.raises(ValueError, match="a mask of 3 values for 10 rows"):
        SpilledFrame(table, tmp_path, rows=keep[:3])


def test_an_empty_spilled_frame_keeps_its_columns_and_dtypes(tmp_path) -> None:
    table = _mixed_dtypes(0)
    spilled = SpilledFrame(table, tmp_path)
    pd.testing.assert_frame_equal(spilled.read(), table)
    write_csv(spilled, tmp_path / "empty.csv", escape=False)
    assert (tmp_path / "empty.csv").read_text() == ",".join(table.columns) + "\n"


def test_a_spilled_frame_deletes_its_file_when_let_go(tmp_path) -> None:
    spilled = SpilledFrame(_mixed_dtypes(5), tmp_path, batch_rows=2)
    path = spilled.path
    assert path.exists() and path.parent == tmp_path
    del spilled
    assert not path.exists()


def test_the_report_keeps_its_feature_table_on_disk_after_the_statistics(tmp_path) -> None:
    from framing.features import extract

    corpus = load_corpus("corpora/crocus")
    analysis = analyse(corpus, n_resamples=50, n_permutations=50)
    stored = analysis.tables.stored("documents")
    assert isinstance(stored, SpilledFrame) and stored.path.exists()
    documents = analysis.tables["documents"]
    expected = extract(corpus.documents, unit="document").reset_index(drop=True)
    assert list(documents["doc_id"]) == list(expected["doc_id"])
    pd.testing.assert_series_equal(documents["blame_rate"], expected["blame_rate"])
    from framing.report import write_report

    written = write_report(analysis, tmp_path / "report")
    write_csv(documents, tmp_path / "documents.csv", escape=True)
    written_bytes = (written.path / "tables" / "documents.csv").read_bytes()
    assert written_bytes == (tmp_path / "documents.csv").read_bytes()


def test_a_pass_that_let_go_of_its_features_still_reads_its_rows() -> None:
    from framing.features import match_documents

    corpus = load_corpus("corpora/crocus")
    matched = match_documents(corpus, by="outlet", actors=corpus.actors)
    subset = matched.select(np.arange(0, len(corpus.documents), 2))
    matches, attributions = subset.matches, subset.attributions
    assert len(matches) and len(attributions)
    subset.drop_features()
    with pytest.raises(ValueError, match="feature table was let go"):
        _ = subset.features
    pd.testing.assert_frame_equal(subset.matches, matches)
    pd.testing.assert_frame_equal(subset.attributions, attributions)
    assert len(matched.features) == len(corpus.documents)  # the pass it was selected from keeps its own
