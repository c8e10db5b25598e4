"""load_corpus(..., spool=True): the streaming load gives the in-memory load's table, summary and texts."""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd
import pytest

from framing import parallel
from framing.boilerplate import Tally, learn_boilerplate, normalise_line, remove_boilerplate, strip_to_spool
from framing.corpus import Corpus, load_corpus
from framing.dedup import find_duplicates
from framing.errors import OptionError
from framing.spool import TEXT_REF, SpoolWriter
from framing.text import count_words
from tests.conftest import CROCUS, OTHER_STORY, WIRE_COPY, WIRE_STORY, write_jsonl

NOTE = "Editor's note: this story was updated on 12 May with comment from the ministry."
WORDS = (WIRE_STORY + " " + OTHER_STORY).replace(".", "").replace(",", "").split()


def prose(seed: int, words: int = 60) -> str:
    """A made-up paragraph of news words, different for every seed (no two are near-duplicates)."""
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) for _ in range(words)) + "."


def assert_same(path: Path | str, **options: object) -> tuple[Corpus, Corpus]:
    """Load ``path`` in memory and spooled; assert every column but the text, the summary and the
    texts are identical, and return both."""
    memory = load_corpus(path, **options)  # type: ignore[arg-type]
    spooled = load_corpus(path, spool=True, **options)  # type: ignore[arg-type]
    assert "text" not in spooled.documents.columns
    assert spooled.spool is not None and memory.spool is None
    columns = list(memory.documents.columns)
    assert list(spooled.documents.columns) == [TEXT_REF if c == "text" else c for c in columns]
    pd.testing.assert_frame_equal(
        spooled.documents.drop(columns=TEXT_REF), memory.documents.drop(columns="text"), check_exact=True
    )
    assert spooled.summary == memory.summary
    assert list(spooled.texts) == memory.documents["text"].tolist()
    assert spooled.name == memory.name and spooled.settings == memory.settings
    return memory, spooled


@pytest.mark.parametrize(
    "options",
    [{}, {"keep_boilerplate": True}, {"drop_duplicates": True}, {"duplicate_threshold": 0.9}],
    ids=["default", "keep-boilerplate", "drop-duplicates", "threshold"],
)
def test_the_crocus_folder_loads_the_same_spooled(options):
    _, spooled = assert_same(CROCUS, **options)
    assert len(spooled) > 50
    if not options.get("drop_duplicates"):
        assert spooled.summary.duplicates > 0  # the marks were compared, not absent on both sides
    if not options:
        assert spooled.summary.boilerplate and spooled.summary.boilerplate_lines_removed > 0


def test_the_tiny_folder_of_three_formats_with_groups_loads_the_same(tiny_corpus):
    config = tiny_corpus / "corpus.toml"
    config.write_text(
        config.read_text(encoding="utf-8") + '[groups.media]\nwire = "agencies"\npaper = "press"\n',
        encoding="utf-8",
    )
    _, spooled = assert_same(tiny_corpus)
    assert set(spooled.documents["media"].dropna()) == {"agencies", "press"}
    assert spooled.summary.duplicates == 1 and spooled.summary.regroupings


def test_a_csv_with_bad_rows_counts_the_same_skips(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "id,outlet,date,text\n"
        'a1,paper,2024-03-22,"First story.\nSecond line."\n'
        "a2,paper,not a date,\n"  # empty text: skipped
        "a3,,2024-03-23,No outlet here.\n"
        'a4,paper,2024-03-24,"An ""unclosed quote\n'
        "a5,tv,2024-03-25,   \n",  # blank text: skipped
        encoding="utf-8",
    )
    _, spooled = assert_same(path)
    assert len(spooled.summary.skipped) >= 2
    assert spooled.summary.unknown_outlet == 1


def test_a_jsonl_with_near_copies_and_boilerplate_marks_and_removes_the_same(tmp_path):
    records = [
        {
            "id": f"p{i}",
            "outlet": "paper",
            "date": f"2024-03-{10 + i}",
            "text": f"{prose(i)}\n{NOTE}",
        }
        for i in range(5)
    ]
    records += [
        {"id": "w1", "outlet": "wire", "date": "2024-03-22", "text": WIRE_STORY},
        {"id": "p9", "outlet": "paper", "date": "2024-03-23", "text": WIRE_COPY + "\n" + NOTE},
        {"id": "t1", "outlet": "tv", "date": "2024-03-24", "text": WIRE_STORY},  # an exact copy
        {"id": "t2", "outlet": "tv", "date": "2024-03-25", "text": OTHER_STORY + "\nAdvertisement"},
        {"id": "t3", "outlet": "tv", "date": "2024-03-26", "text": 42},  # not a string: skipped
        {"id": "t4", "outlet": "tv", "date": "2024-03-27", "text": OTHER_STORY.replace("Sunday", "Monday")},
    ]
    path = write_jsonl(tmp_path / "news.jsonl", records)
    _, spooled = assert_same(path)
    marks = dict(zip(spooled.documents["doc_id"], spooled.documents["duplicate_of"], strict=True))
    assert marks["p9"] == "w1" and marks["t1"] == "w1" and marks["t4"] == "t2"
    learned = [p for p in spooled.summary.boilerplate if p.source == "learned"]
    assert [(p.outlet, p.documents) for p in learned] == [("paper", 6)]
    assert NOTE not in "".join(spooled.texts)
    assert [s.reason for s in spooled.summary.skipped] == ["text is a number (42), not a string"]


def test_records_with_varying_fields_make_the_same_columns_and_dtypes(tmp_path):
    records = [
        {"id": "a", "outlet": "paper", "text": prose(1)},
        {"id": "b", "outlet": "paper", "text": prose(2), "views": 3, "leaning": "left"},
        {"id": "c", "outlet": "tv", "text": prose(3), "views": None, "score": "high", "tags": ["x", "y"]},
        {"id": "d", "outlet": "tv", "text": prose(4), "score": 2.5, "leaning": "left", "flag": True},
    ]
    memory, spooled = assert_same(write_jsonl(tmp_path / "mixed.jsonl", records))
    assert {"views", "leaning", "score", "tags", "flag"} <= set(spooled.documents.columns)
    assert spooled.documents["views"].dtype == memory.documents["views"].dtype


def test_a_single_txt_tsv_and_parquet_file_load_the_same(tmp_path):
    txt = tmp_path / "one.txt"
    txt.write_text("outlet: paper\ndate: 2024-03-22\n\nA lone story.\nShare this article\n", encoding="utf-8")
    assert_same(txt)
    tsv = tmp_path / "stories.tsv"
    tsv.write_text("id\toutlet\ttext\nx1\tpaper\tOne story.\nx2\tpaper\tAnother story.\n", encoding="utf-8")
    assert_same(tsv)
    parquet = tmp_path / "stories.parquet"
    frame = pd.DataFrame(
        {"id": ["q1", "q2", "q3"], "outlet": ["a", "b", None], "text": [WIRE_STORY, WIRE_COPY, "Short."]}
    )
    frame["views"] = [1, None, 3]
    frame.to_parquet(parquet)
    memory, spooled = assert_same(parquet)
    assert spooled.documents["views"].dtype == memory.documents["views"].dtype


def test_two_jobs_spooled_give_the_one_process_load(tmp_path, monkeypatch):
    # a small corpus takes the worker-process paths (cleaning, languages, stripping) when the
    # threshold for starting processes is lowered
    monkeypatch.setattr(parallel, "MIN_PARALLEL_DOCUMENTS", 40)
    records = []
    for i in range(120):
        outlet = ["wire", "paper", "tv"][i % 3]
        body = WIRE_STORY if i % 10 == 0 else prose(i)
        records.append(
            {"id": f"d{i}", "outlet": outlet, "date": f"2024-03-{1 + i % 28:02d}", "text": body + "\n" + NOTE}
        )
    records.append({"id": "bad", "outlet": "tv", "text": ["a", "list"]})
    path = write_jsonl(tmp_path / "many.jsonl", records)
    memory = load_corpus(path)
    for jobs in (1, 2):
        spooled = load_corpus(path, spool=True, jobs=jobs)
        pd.testing.assert_frame_equal(
            spooled.documents.drop(columns=TEXT_REF), memory.documents.drop(columns="text"), check_exact=True
        )
        assert spooled.summary == memory.summary
        assert list(spooled.texts) == memory.documents["text"].tolist()
    assert memory.summary.duplicates == 11 and memory.summary.boilerplate


def test_the_spool_file_goes_to_the_folder_given_and_is_deleted_with_the_corpus(tmp_path):
    folder = tmp_path / "spools"
    folder.mkdir()
    corpus = load_corpus(CROCUS, spool=folder)
    files = list(folder.iterdir())
    assert files == [corpus.spool.path]  # the first spool is gone once the final one is written
    del corpus
    assert not list(folder.iterdir())
    with pytest.raises(OptionError, match="does not exist"):
        load_corpus(CROCUS, spool=tmp_path / "missing")
    with pytest.raises(OptionError, match="spool must be"):
        load_corpus(CROCUS, spool=3)  # type: ignore[arg-type]


def test_a_store_loads_spooled_with_the_same_table_and_texts(tmp_path, tiny_corpus):
    pytest.importorskip("duckdb")
    from framing.store import ingest, load_store, open_store

    store = tmp_path / "store"
    ingest([CROCUS, tiny_corpus], store)
    memory = load_corpus(store)
    for spooled in (load_corpus(store, spool=True), load_store(store, spool=tmp_path)):
        pd.testing.assert_frame_equal(
            spooled.documents.drop(columns=TEXT_REF), memory.documents.drop(columns="text"), check_exact=True
        )
        assert list(spooled.documents.columns).index(TEXT_REF) == list(memory.documents.columns).index("text")
        assert spooled.summary == memory.summary
        assert list(spooled.texts) == memory.documents["text"].tolist()
    where = "outlet in ('wire', 'paper')"
    chosen = open_store(store).load(where=where, spool=True)
    assert len(chosen) == 4
    assert list(chosen.texts) == open_store(store).load(where=where).documents["text"].tolist()


def test_stripping_into_a_spool_gives_remove_boilerplates_texts_and_tokens(tmp_path):
    texts = [f"{prose(i)}\n{NOTE}\nShare this article" for i in range(6)] + [NOTE, prose(9)]
    documents = pd.DataFrame({"outlet": ["paper"] * 7 + ["tv"], "text": texts})
    documents["tokens"] = documents["text"].map(lambda t: len(t.split()))  # replaced where text changes
    learned = learn_boilerplate(documents)
    assert learned == {"paper": frozenset({normalise_line(NOTE), "share this article"})}
    tally_memory, tally_spool = Tally(), Tally()
    expected = remove_boilerplate(documents, learned=learned, tally=tally_memory)
    spooled = Corpus(documents, name="t").spooled(tmp_path)
    writer = SpoolWriter(tmp_path)
    tokens = strip_to_spool(
        documents["outlet"].tolist(), spooled.texts, writer, learned=learned, tally=tally_spool
    )
    spool = writer.finish()
    assert spool.read(range(len(spool))) == expected["text"].tolist()
    assert tokens.tolist() == [count_words(text) for text in expected["text"]]
    assert tokens.tolist()[:6] == expected["tokens"].tolist()[:6]  # the recounted ones
    assert tally_spool.counts == tally_memory.counts and tally_spool.counts
    assert (
        (tally_spool.lines_removed, tally_spool.boilerplate_only)
        == (
            tally_memory.lines_removed,
            tally_memory.boilerplate_only,
        )
        == (12, 1)
    )


def test_find_duplicates_reads_spooled_texts_and_a_mass_copied_text_keeps_its_earliest(tmp_path):
    # 260 copies of one text make a bucket larger than the 200 documents whose pairs are all made
    texts = [WIRE_STORY] * 260 + [WIRE_COPY, OTHER_STORY, OTHER_STORY]
    dates = [pd.Timestamp("2024-03-22") + pd.Timedelta(days=(i * 7) % 11) for i in range(len(texts))]
    documents = pd.DataFrame(
        {"doc_id": [f"d{i:03d}" for i in range(len(texts))], "text": texts, "date": dates}
    )
    marks = find_duplicates(documents)
    assert marks.iloc[0] is None  # the first copy is among the earliest and has the lowest id
    assert (marks.iloc[1:260] == "d000").all() and marks.iloc[260] == "d000"
    assert marks.iloc[261] is None and marks.iloc[262] == "d261"
    spooled = Corpus(documents, name="t").spooled(tmp_path)
    assert find_duplicates(spooled.documents, texts=spooled.texts).tolist() == marks.tolist()
    assert find_duplicates(documents, jobs=2).tolist() == marks.tolist()


def test_near_copies_tie_on_date_and_the_most_similar_becomes_the_original():
    # three versions of a story on one day: the middle one shares most with both others
    base = WIRE_STORY.split()
    first = " ".join(base[:-12])
    middle = " ".join(base)
    last = " ".join(base[12:])
    documents = pd.DataFrame(
        {
            "doc_id": ["c", "a", "b", "a2"],
            "text": [first, middle, last, middle],
            "date": [pd.Timestamp("2024-03-22")] * 4,
        }
    )
    marks = find_duplicates(documents, threshold=0.5)
    assert marks.tolist() == ["a", None, "a", "a"]


def test_signatures_made_in_two_processes_give_the_same_marks(tmp_path):
    # about 2.5 million characters of distinct texts: several chunks go to the worker processes
    texts = [prose(seed, words=1200) for seed in range(300)]
    texts += [texts[7], texts[8][:-400], texts[7]]
    documents = pd.DataFrame(
        {
            "doc_id": [f"d{i:03d}" for i in range(len(texts))],
            "text": texts,
            "date": [pd.Timestamp("2024-03-22")] * len(texts),
        }
    )
    marks = find_duplicates(documents)
    assert marks.iloc[-3:].tolist() == ["d007", "d008", "d007"] and marks.iloc[:300].isna().all()
    spooled = Corpus(documents, name="t").spooled(tmp_path)
    assert find_duplicates(spooled.documents, texts=spooled.texts, jobs=2).tolist() == marks.tolist()
