"""The matching pass's per-row tables on disk (framing.spill): read back equal to the tables of one pass in
memory, whole, a block of documents at a time, some columns only, or for a subset of the documents."""

from __future__ import annotations

import gc
import pickle

import numpy as np
import pandas as pd
import pytest
from conftest import CROCUS

import framing.features as features_module
from framing.blame_profile import profile_table
from framing.corpus import load_corpus
from framing.cues.blame import ATTRIBUTION_COLUMNS, ActorFinder
from framing.errors import OptionError
from framing.features import MATCH_COLUMNS, MatchPass, as_documents, build_matcher, match_documents
from framing.spool import DocumentTexts

ACTORS = {"Kyiv": ["Kyiv", "Ukraine"], "Moscow": ["Moscow", "the Kremlin"], "police": ["police"]}
TEXTS = [
    "Officials in Kyiv blamed Moscow for the attack. The Kremlin denied any role, and it may be false.",
    "Nothing to see here.",
    "Moscow accused Kyiv of lying. This is clearly outrageous and shameful.",
    "",
    "The police were blamed for the chaos. Perhaps the police will deny it.",
    "It is certainly a disgrace, the Kremlin said. Kyiv was blamed.",
    "Ukraine denied the claim. Critics may well blame Moscow.",
]
OUTLETS = ["a", "b", "a", "c", "b", "a", "c"]

MATCH_DTYPES = {
    "doc": "int32", "sentence_id": "int32", "start": "int32", "end": "int32", "sentence_start": "int32",
    "sentence_end": "int32", "negated": "bool", "weight": "float64",
}  # fmt: skip


def one_pass_in_memory(documents: pd.DataFrame, actors: dict, by: str) -> dict[str, pd.DataFrame]:
    """The three per-row tables of a single matching pass over every document at once, made in memory
    (no blocks, no files): what the spilled tables must equal."""
    documents = as_documents(documents).reset_index(drop=True)
    records = features_module._records_of(documents, DocumentTexts(documents))
    collected = features_module._match_pass(
        records, build_matcher(), collect_matches=True, finder=ActorFinder(actors), profile=True
    )
    assert collected.columns is not None
    columns = {
        name: np.asarray(values, dtype=MATCH_DTYPES[name]) if name in MATCH_DTYPES else pd.Categorical(values)
        for name, values in collected.columns.items()
    }
    matches = pd.DataFrame(columns, columns=MATCH_COLUMNS)
    matches[by] = pd.Categorical(documents[by].to_numpy()[matches["doc"].to_numpy()])
    attributions = pd.DataFrame(collected.attributions, columns=ATTRIBUTION_COLUMNS)
    if by not in attributions.columns:
        attributions[by] = documents[by].to_numpy()[collected.attributed]
    outlet = "outlet" in documents.columns
    return {
        "matches": matches,
        "attributions": attributions,
        "profile": profile_table(collected.profile or [], outlet=outlet),
    }


@pytest.fixture
def documents() -> pd.DataFrame:
    return pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(TEXTS))], "outlet": OUTLETS, "text": TEXTS})


@pytest.fixture
def tiny_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    # two documents per block: the files get several record batches
    monkeypatch.setattr(features_module, "_RECORD_BLOCK", 2)


def assert_tables_equal(found: features_module.MatchPass, expected: dict[str, pd.DataFrame]) -> None:
    for name, table in expected.items():
        pd.testing.assert_frame_equal(getattr(found, name), table, check_categorical=True, check_exact=True)


@pytest.mark.parametrize("jobs", [1, 2])
def test_spilled_tables_equal_one_pass_in_memory(documents, tiny_blocks, jobs) -> None:
    found = match_documents(documents, by="outlet", actors=ACTORS, profile=True, jobs=jobs)
    expected = one_pass_in_memory(documents, ACTORS, "outlet")
    assert (
        len(expected["matches"]) > 15 and len(expected["attributions"]) > 3 and len(expected["profile"]) > 3
    )
    assert found._store.matches.batches[1:] and found.spilled_bytes() > 0  # several blocks, on disk
    assert_tables_equal(found, expected)
    # what the report relies on: codes compare, categories sorted, doc numbers the documents
    assert list(found.matches["term"].cat.categories) == sorted(set(found.matches["term"].astype(str)))
    assert found.matches["doc_id"].astype(str).tolist() == [f"d{d}" for d in found.matches["doc"].tolist()]


def test_spilled_tables_of_the_crocus_corpus_equal_one_pass_in_memory(tiny_blocks) -> None:
    corpus = load_corpus(CROCUS)
    found = match_documents(corpus, by="outlet_type", profile=True)
    assert_tables_equal(found, one_pass_in_memory(corpus.documents, corpus.actors, "outlet_type"))
    spooled = corpus.spooled()
    pd.testing.assert_frame_equal(match_documents(spooled, by="outlet_type", jobs=2).matches, found.matches)


def test_match_blocks_are_the_match_table_a_block_of_whole_documents_at_a_time(documents) -> None:
    found = match_documents(documents, by="outlet", actors=ACTORS)
    whole = found.matches
    in_memory = MatchPass(found.documents, found.features, whole, found.attributions)  # made by hand
    for size in (1, 2, 3, 100):
        blocks = list(found.match_blocks(documents_per_block=size))
        # blocks of documents without a match (document 3 is empty) are not given
        has_matches = {d // size for d in whole["doc"]}
        assert len(blocks) == len(has_matches)
        for block in blocks:  # whole documents of one block's range, in order
            assert len(block) and len({d // size for d in block["doc"]}) == 1
            for column in ("cue", "term", "doc_id", "outlet"):
                assert block[column].cat.categories.equals(whole[column].cat.categories), column
        joined = pd.concat(blocks)  # the index: the rows' positions in the whole table
        pd.testing.assert_frame_equal(joined, whole, check_categorical=True)
        for block, held in zip(blocks, in_memory.match_blocks(documents_per_block=size), strict=True):
            pd.testing.assert_frame_equal(block, held, check_categorical=True)
    some = pd.concat(found.match_blocks(["term", "doc", "outlet"], documents_per_block=2), ignore_index=True)
    pd.testing.assert_frame_equal(some, whole[["term", "doc", "outlet"]])
    with pytest.raises(OptionError, match="no match column"):
        next(found.match_blocks(["nonsense"]))
    for size in (0, -1, True):
        with pytest.raises(OptionError, match="documents_per_block"):
            next(found.match_blocks(documents_per_block=size))


def test_some_columns_of_the_blame_and_profile_rows(documents, tiny_blocks) -> None:
    found = match_documents(documents, by="outlet", actors=ACTORS, profile=True)
    without = [c for c in found.attributions.columns if c != "sentence"]
    pd.testing.assert_frame_equal(found.attribution_columns(without), found.attributions[without])
    pd.testing.assert_frame_equal(
        found.attribution_columns(["outlet", "blamed"]), found.attributions[["outlet", "blamed"]]
    )
    assert found.profile is not None
    pd.testing.assert_frame_equal(
        found.profile_columns(["doc_id", "actor", "blamed"]), found.profile[["doc_id", "actor", "blamed"]]
    )
    with pytest.raises(OptionError, match="no attribution column"):
        found.attribution_columns(["nonsense"])


@pytest.mark.parametrize("by", ["outlet", "group"])
def test_select_reads_the_rows_of_a_subset_of_documents(documents, tiny_blocks, by) -> None:
    documents = documents.assign(group=[f"g{o}" for o in OUTLETS])  # a group column not in the blame rows
    found = match_documents(documents, by=by, actors=ACTORS, profile=True)
    keep = documents[by].isin({"a" if by == "outlet" else "ga", "c" if by == "outlet" else "gc"}).to_numpy()
    chosen = found.select(keep)
    # the same as filtering the whole tables: rows of the chosen documents, ``doc`` renumbered, the
    # group's unused categories dropped
    matches = found.matches
    expected = matches[keep[matches["doc"].to_numpy()]].reset_index(drop=True)
    expected["doc"] = (np.cumsum(keep) - 1)[expected["doc"].to_numpy()].astype("int32")
    expected[by] = expected[by].cat.remove_unused_categories()
    pd.testing.assert_frame_equal(chosen.matches, expected, check_categorical=True)
    blocks = list(chosen.match_blocks(documents_per_block=2))
    pd.testing.assert_frame_equal(pd.concat(blocks, ignore_index=True), expected, check_categorical=True)
    kept_ids = set(documents.loc[keep, "doc_id"])
    blame = found.attributions
    pd.testing.assert_frame_equal(
        chosen.attributions, blame[blame["doc_id"].isin(kept_ids)].reset_index(drop=True)
    )
    assert found.profile is not None and chosen.profile is not None
    pd.testing.assert_frame_equal(
        chosen.profile, found.profile[found.profile["doc_id"].isin(kept_ids)].reset_index(drop=True)
    )
    pd.testing.assert_frame_equal(chosen.features, found.features[keep].reset_index(drop=True))
    assert chosen.documents["doc_id"].tolist() == documents.loc[keep, "doc_id"].tolist()
    # the renumbered rows cut the same words from the chosen documents' texts
    assert chosen.matched_text(chosen.matches) == found.matched_text(matches[keep[matches["doc"].to_numpy()]])
    # a selection of a selection: the first and last chosen documents
    again = chosen.select([0, len(chosen.documents) - 1])
    ends = [int(np.flatnonzero(keep)[0]), int(np.flatnonzero(keep)[-1])]
    twice = found.select(ends)
    pd.testing.assert_frame_equal(again.matches, twice.matches, check_categorical=True)
    pd.testing.assert_frame_equal(again.attributions, twice.attributions)
    pd.testing.assert_frame_equal(again.features, twice.features)
    with pytest.raises(ValueError, match="increasing"):
        found.select([3, 1])
    # a MatchPass made by hand from the tables selects the same rows
    by_hand = MatchPass(documents, found.features, found.matches, found.attributions, found.profile)
    chosen_by_hand = by_hand.select(keep)
    pd.testing.assert_frame_equal(chosen_by_hand.matches, chosen.matches, check_categorical=True)
    pd.testing.assert_frame_equal(chosen_by_hand.attributions, chosen.attributions)
    pd.testing.assert_frame_equal(chosen_by_hand.profile, chosen.profile)
    pd.testing.assert_frame_equal(chosen_by_hand.features, chosen.features)


def test_a_pass_without_rows(documents) -> None:
    quiet = match_documents(["Nothing here.", "Nor here."], by=None, profile=True)
    assert quiet.matches.empty and list(quiet.matches.columns) == MATCH_COLUMNS
    assert quiet.attributions.empty and list(quiet.attributions.columns) == ATTRIBUTION_COLUMNS
    assert quiet.profile is not None and quiet.profile.empty
    assert list(quiet.match_blocks(documents_per_block=1)) == []
    none = match_documents(documents.iloc[:0], by="outlet", profile=True)
    assert none.matches.empty and list(none.match_blocks()) == []
    unattributed = match_documents(documents, attribute=False, profile=True)
    assert unattributed.attributions.empty and unattributed.profile is None


def test_the_files_are_deleted_with_the_pass_and_not_by_a_copy(documents) -> None:
    found = match_documents(documents, by="outlet", actors=ACTORS)
    folder = found.spill_folder
    assert folder.is_dir() and any(folder.iterdir())
    chosen = found.select([0, 2])
    copy = pickle.loads(pickle.dumps(found))  # as a worker process would get it
    expected = found.matches
    del copy
    gc.collect()
    assert folder.is_dir()
    pd.testing.assert_frame_equal(pickle.loads(pickle.dumps(found)).matches, expected)
    del found
    gc.collect()
    assert folder.is_dir()  # the selection still reads the files
    assert len(chosen.matches) > 0
    del chosen
    gc.collect()
    assert not folder.exists()


def test_the_report_keeps_the_rows_of_the_compared_groups_as_filtering_the_whole_tables(tiny_blocks) -> None:
    from framing.report.analysis import _only_groups

    groups = ["vestnik", "daily-blast", "kyiv-courier"]
    found = match_documents(load_corpus(CROCUS), by="outlet", profile=True)
    compared = found.documents["outlet"].isin(groups).to_numpy()
    documents = found.documents[compared].reset_index(drop=True)
    found.drop_features()  # as the report does: its own feature table waits on disk
    chosen = _only_groups(found, "outlet", groups, compared, documents)
    with pytest.raises(ValueError, match="let go"):
        chosen.features  # noqa: B018 - the selection keeps no feature table either

    def keep(table: pd.DataFrame) -> pd.DataFrame:  # what the report did with the tables in memory
        kept = table[table["outlet"].isin(groups)].reset_index(drop=True)
        if isinstance(kept["outlet"].dtype, pd.CategoricalDtype):
            kept["outlet"] = kept["outlet"].cat.remove_unused_categories()
        return kept

    matches = keep(found.matches)
    matches["doc"] = (np.cumsum(compared) - 1)[matches["doc"].to_numpy()].astype("int32")
    assert 0 < len(matches) < len(found.matches)
    pd.testing.assert_frame_equal(chosen.matches, matches, check_categorical=True)
    pd.testing.assert_frame_equal(chosen.attributions, keep(found.attributions))
    assert chosen.documents is documents
    assert chosen.sentences(chosen.matches) == found.sentences(found.matches[compared[found.matches["doc"]]])


def test_a_selection_given_its_features_lets_the_whole_feature_table_go() -> None:
    import weakref

    found = match_documents(load_corpus(CROCUS), by="outlet", profile=True)
    whole = weakref.ref(found.features)
    compared = found.documents["outlet"].isin(["vestnik", "daily-blast"]).to_numpy()
    expected = found.features[compared].reset_index(drop=True)
    chosen = found.select(compared, features=expected.copy())
    kept = found.select(compared)  # not given: cut from the whole table when asked
    pd.testing.assert_frame_equal(kept.features, expected)
    del found, kept
    gc.collect()
    assert whole() is None  # regression (issue 8): the selection held the whole table to the end
    pd.testing.assert_frame_equal(chosen.features, expected)
    # a selection of that selection cuts its rows from the features it was given
    first = np.flatnonzero(chosen.documents["outlet"] == "vestnik")
    pd.testing.assert_frame_equal(chosen.select(first).features, expected.iloc[first].reset_index(drop=True))
    with pytest.raises(ValueError, match="feature rows"):
        chosen.select(first, features=expected)


def test_a_finished_table_keeps_its_values_but_not_the_lookup_that_encoded_them(tmp_path) -> None:
    # issue 8: the value -> code lookups (one entry per document id) were held to the end of a report
    from framing.spill import CATEGORY, OBJECT, SpilledTable

    table = SpilledTable(tmp_path / "t.arrow", {"doc": "int64", "doc_id": CATEGORY, "who": OBJECT}, doc="doc")
    table.append({"doc": [0, 1], "doc_id": pd.Categorical(["b", "a"]), "who": ["x", 1]}, 0, 2)
    table.append({"doc": [2], "doc_id": pd.Categorical(["b"]), "who": [1.0]}, 2, 3)
    table.finish()
    assert all(not dictionary.codes for dictionary in table._dictionaries.values())
    data, docs = table.read(["doc_id", "who"])
    assert list(data["doc_id"]) == ["b", "a", "b"] and list(data["doc_id"].categories) == ["a", "b"]
    assert data["who"] == ["x", 1, 1.0] and [type(v) for v in data["who"]] == [str, int, float]
    assert docs.tolist() == [0, 1, 2]


def test_the_heap_is_given_back_between_the_blocks_read(documents, tiny_blocks, monkeypatch) -> None:
    # issue 8: a reader's temporaries of one block, freed into the heap, and the next block's elsewhere in
    # it made the resident set grow block after block (~210 MB over a 200,000-article report's examples)
    returned = []
    monkeypatch.setattr(features_module, "return_freed_memory", lambda: returned.append(True))
    matched = match_documents(documents, by="outlet", actors=ACTORS, profile=True)
    returned.clear()
    blocks = list(matched.match_blocks(["doc"], documents_per_block=2))
    assert len(blocks) >= 3 and len(returned) == len(blocks)
    returned.clear()
    blame = list(matched.blame_blocks("attributions", ["doc_id"], documents_per_block=2))
    assert len(blame) >= 2 and len(returned) == len(blame)


def test_a_table_is_opened_once_per_process_and_set_of_columns(tmp_path, monkeypatch) -> None:
    # issue 8: every read opened the file again and parsed its footer, which lists every record batch (at
    # 20,000 articles the same-story worker spent 1.2 s of CPU in 667 opens)
    import multiprocessing

    import pyarrow as pa

    from framing.spill import SpilledTable

    table = SpilledTable(tmp_path / "t.arrow", {"doc": "int64", "value": "float64"}, doc="doc")
    for first in range(0, 6, 2):
        table.append({"doc": [first, first + 1], "value": [first * 1.5, first + 0.5]}, first, first + 2)
    table.finish()
    opened = []
    open_file = pa.ipc.open_file
    monkeypatch.setattr(pa.ipc, "open_file", lambda *a, **k: opened.append(True) or open_file(*a, **k))
    reads = [table.read(["value"], first, first + 2) for first in (4, 0, 2, 4)]
    assert len(opened) == 1
    assert [data["value"].tolist() for data, _ in reads] == [[6.0, 4.5], [0.0, 0.5], [3.0, 2.5], [6.0, 4.5]]
    assert [docs.tolist() for _, docs in reads] == [[4, 5], [0, 1], [2, 3], [4, 5]]
    assert table.read(["doc"], 1, 3)[1].tolist() == [1, 2] and len(opened) == 2  # other fields: a reader more
    # a forked process reads through a reader of its own
    context = multiprocessing.get_context("fork")
    results = context.SimpleQueue()

    def read_in_child() -> None:
        values = table.read(["value"], 2, 4)[0]["value"].tolist()
        results.put((len(opened), values))

    child = context.Process(target=read_in_child)
    child.start()
    got = results.get()
    child.join()
    assert got == (3, [3.0, 2.5]) and child.exitcode == 0
    copy = pickle.loads(pickle.dumps(table))  # as a worker process would get it: no open reader
    assert copy._readers == {} and copy.read(["value"], 0, 1)[0]["value"].tolist() == [0.0]
