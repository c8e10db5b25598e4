"""The corpus loader: formats, cleaning, syndication, grouping, and bad input."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from conftest import CROCUS, OTHER_STORY, SHARED, WIRE_STORY, write_jsonl, write_txt

from framing import InputError, OptionError, load_corpus
from framing.corpus import clean_text


def test_folder_with_three_formats(tiny_corpus: Path) -> None:
    corpus = load_corpus(tiny_corpus)
    docs = corpus.documents.set_index("doc_id")
    assert sorted(docs.index) == ["paper/copy", "paper/own", "tabloid/scraped", "w1", "w2"]
    assert docs.loc["w1", "outlet"] == "wire"
    assert docs.loc["paper/own", "outlet"] == "paper"  # from the folder: its header has no outlet
    assert docs.loc["tabloid/scraped", "outlet"] == "tabloid"
    assert docs.loc["paper/copy", "date"] == pd.Timestamp("2024-03-23")  # "23 March 2024" parsed
    assert docs.loc["tabloid/scraped", "date"] == pd.Timestamp("2024-03-26")  # bare scraped format
    assert docs.loc["paper/own", "title"] == "Analysis"
    assert docs.loc["w1", "outlet_type"] == "wire service"
    assert corpus.name == "tiny" and corpus.title == "Tiny"
    assert corpus.actors["Ukraine"] == ["Ukraine", "Kyiv"]
    assert corpus.summary.records == 5 and corpus.summary.documents == 5


def test_cleaning_removes_boilerplate_html_and_normalises(tiny_corpus: Path) -> None:
    corpus = load_corpus(tiny_corpus)
    text = corpus.documents.set_index("doc_id").loc["tabloid/scraped", "text"]
    assert text == 'Horror at the concert hall.\n\nThe & sign and "quotes" - dashes.'
    own = corpus.documents.set_index("doc_id").loc["paper/own", "text"]
    assert "Advertisement" not in own and own.endswith("warnings were ignored.")
    assert corpus.summary.boilerplate_lines_removed == 4
    assert corpus.summary.html_cleaned == 1
    assert corpus.summary.unicode_normalised == 1


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Advertisement\nText", "Text"),
        ("ADVERTISMENT\nText", "Text"),
        ("Text\nRead more: Why it matters", "Text"),
        ("Share on Facebook\nText", "Text"),
        ("We use cookies to improve your experience. Accept all cookies\nText", "Text"),
        ("a&nbsp;b &lt;c&gt;", "a b <c>"),
        ("caf\u0065\u0301 \u2018x\u2019", "caf\u00e9 'x'"),
        ("1990\u20132000", "1990-2000"),
        ("Read more about the attack\nText", "Text"),
        ("the \n the", "the\nthe"),  # regression (found by hypothesis): spaces on both sides of a newline
        (
            "Intro\nBy continuing to browse you agree to our use of cookies.\nCookie settings\nText",
            "Intro\n\nText",
        ),
        # regression: prose that mentions cookies is not a cookie banner
        (
            "In response Google claims cookies are necessary to maintain user preferences.",
            "In response Google claims cookies are necessary to maintain user preferences.",
        ),
        # prose that happens to start like a link line is kept
        (
            "Read more of this in the report below, he said.",
            "Read more of this in the report below, he said.",
        ),
    ],
)
def test_clean_text(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


def test_near_duplicate_found_and_distinct_story_kept(tiny_corpus: Path) -> None:
    corpus = load_corpus(tiny_corpus)
    dup = corpus.documents.set_index("doc_id")["duplicate_of"]
    assert dup["paper/copy"] == "w1"  # the trimmed copy points at the wire original
    assert pd.isna(dup["w1"]) and pd.isna(dup["w2"])  # a different story on the same event is not merged
    assert corpus.summary.duplicates == 1
    dropped = load_corpus(tiny_corpus, drop_duplicates=True)
    assert "paper/copy" not in set(dropped.documents["doc_id"])
    assert dropped.summary.dropped_duplicates == 1 and dropped.summary.records == 5


def test_exact_duplicate_marked(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "a.jsonl",
        [
            {"id": "b", "outlet": "y", "date": "2024-03-24", "text": WIRE_STORY},
            {"id": "a", "outlet": "x", "date": "2024-03-23", "text": WIRE_STORY},
            {"id": "c", "outlet": "z", "date": "2024-03-23", "text": OTHER_STORY},
        ],
    )
    dup = load_corpus(path).documents.set_index("doc_id")["duplicate_of"]
    assert dup["b"] == "a"  # the earlier one is the original
    assert pd.isna(dup["a"]) and pd.isna(dup["c"])


def test_by_outlet(tiny_corpus: Path) -> None:
    table = load_corpus(tiny_corpus).by_outlet().set_index("outlet")
    assert list(table.index) == ["paper", "tabloid", "wire"]
    assert table.loc["wire", "documents"] == 2
    assert table.loc["wire", "first_date"] == "2024-03-23" and table.loc["wire", "last_date"] == "2024-03-24"
    assert table.loc["paper", "duplicates"] == 1
    assert table.loc["tabloid", "tokens"] == 10  # Horror at the concert hall . The & sign and quotes dashes
    assert table.loc["wire", "country"] == "International"


def test_csv_with_column_mapping(tmp_path: Path) -> None:
    path = tmp_path / "articles.csv"
    pd.DataFrame(
        {
            "key": ["k1", "k2"],
            "paper": ["A", "B"],
            "when": ["2024-03-22", "2024-03-23"],
            "body": ["First text.", "Second text."],
        }
    ).to_csv(path, index=False)
    corpus = load_corpus(path, id_col="key", outlet_col="paper", date_col="when")
    docs = corpus.documents
    assert list(docs["doc_id"]) == ["k1", "k2"] and list(docs["outlet"]) == ["A", "B"]
    assert list(docs["text"]) == ["First text.", "Second text."]  # "body" is recognised as the text
    assert docs["date"].iloc[1] == pd.Timestamp("2024-03-23")


def test_media_cloud_export_recognised(tmp_path: Path) -> None:
    path = tmp_path / "mc.csv"
    pd.DataFrame(
        {
            "stories_id": [101, 102],
            "media_name": ["Outlet One", "Outlet Two"],
            "publish_date": ["2024-03-23 10:15:00", "2024-03-24 23:59:59"],
            "title": ["t1", "t2"],
            "url": ["https://a.example", "https://b.example"],
            "text": ["One.", "Two."],
        }
    ).to_csv(path, index=False)
    docs = load_corpus(path).documents
    assert list(docs["doc_id"]) == ["101", "102"]
    assert list(docs["outlet"]) == ["Outlet One", "Outlet Two"]
    assert [d.date().isoformat() for d in docs["date"]] == ["2024-03-23", "2024-03-24"]
    assert list(docs["url"]) == ["https://a.example", "https://b.example"]


def test_jsonl_keeps_extra_metadata_and_ids(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "d.jsonl",
        [{"id": "x-1", "text": "Some text.", "leaning": "left"}, {"text": "No id here.", "outlet": "o"}],
    )
    docs = load_corpus(path).documents
    assert list(docs["doc_id"]) == ["x-1", "d:2"]  # records without id are named file:line
    assert docs["leaning"].iloc[0] == "left"


def test_parquet(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    path = tmp_path / "p.parquet"
    pd.DataFrame(
        {"id": ["p1"], "outlet": ["o"], "date": ["2024-04-01"], "text": ["Parquet text."]}
    ).to_parquet(path)
    docs = load_corpus(path).documents
    assert docs.loc[0, "doc_id"] == "p1" and docs.loc[0, "text"] == "Parquet text."


def test_missing_outlet_named_unknown_and_counted(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "d.jsonl", [{"id": "1", "text": "a b"}, {"id": "2", "outlet": "", "text": "c"}]
    )
    corpus = load_corpus(path)
    assert set(corpus.documents["outlet"]) == {"unknown"}
    assert corpus.summary.unknown_outlet == 2


def test_empty_text_skipped_and_counted(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "d.jsonl",
        [{"id": "1", "text": "kept"}, {"id": "2", "text": "  "}, {"id": "3", "text": "Advertisement"}],
    )
    corpus = load_corpus(path)
    assert list(corpus.documents["doc_id"]) == ["1"]
    assert [(s.line, s.reason) for s in corpus.summary.skipped] == [(2, "empty text"), (3, "empty text")]
    assert corpus.summary.records == 3


def test_non_utf8_repaired_and_counted_or_strict(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    write_txt(folder / "docs" / "o", "ok.txt", "Fine text.", date="2024-03-22")
    (folder / "docs" / "o" / "bad.txt").write_bytes(
        "date: 2024-03-23\n\nCaf\xe9 \x93quoted\x94.\n".encode("latin-1")
    )
    corpus = load_corpus(folder)
    text = corpus.documents.set_index("doc_id").loc["o/bad", "text"]
    assert text == 'Caf\u00e9 "quoted".'
    assert len(corpus.summary.repaired_encoding) == 1
    with pytest.raises(InputError, match=r"bad\.txt:3: not valid UTF-8"):
        load_corpus(folder, strict=True)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.jsonl", '{"id": "1", "text": "ok"}\n{"id": 2, "text": \n', r"a\.jsonl:2: malformed JSON"),
        ("b.jsonl", '["not", "an", "object"]\n', r"b\.jsonl:1: expected a JSON object"),
        ("c.csv", "id,title\n1,headline\n", r"c\.csv: no text column .*columns are: id, title"),
        ("d.csv", "", r"d\.csv: empty file"),
        ("e.txt", "   \n", r"e\.txt: empty file"),
        ("f.docx", "x", r"f\.docx: unknown format '\.docx'"),
        (
            "g.jsonl",
            '{"id": "1", "text": "a"}\n{"id": "1", "text": "b"}\n',
            r"g\.jsonl:2: duplicate document id '1' \(first seen at .*g\.jsonl:1\)",
        ),
    ],
)
def test_bad_input_names_file_line_and_problem(tmp_path: Path, name: str, content: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_corpus(path)


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file or folder"):
        load_corpus(tmp_path / "nope")


def test_unknown_column_option(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "d.jsonl", [{"id": "1", "body": "x"}])
    with pytest.raises(InputError, match="no column 'content'"):
        load_corpus(path, text_col="content")


def test_invalid_corpus_toml(tmp_path: Path) -> None:
    write_txt(tmp_path / "c" / "docs" / "o", "a.txt", "Text.")
    (tmp_path / "c" / "corpus.toml").write_text("title = \n", encoding="utf-8")
    with pytest.raises(InputError, match=r"corpus\.toml:.*invalid TOML"):
        load_corpus(tmp_path / "c")


def test_ignored_files_are_listed(tiny_corpus: Path) -> None:
    (tiny_corpus / "notes.md").write_text("not a document", encoding="utf-8")
    assert load_corpus(tiny_corpus).summary.ignored_files == ["notes.md"]


def test_loading_is_deterministic(tiny_corpus: Path) -> None:
    assert load_corpus(tiny_corpus).content_hash() == load_corpus(tiny_corpus).content_hash()


@pytest.mark.skipif(not (SHARED / "seeds").exists(), reason="../shared/seeds is not present")
def test_seed_article() -> None:
    seed = next((SHARED / "seeds").glob("*.txt"))
    doc = load_corpus(seed).documents.iloc[0]
    assert doc["date"] == pd.Timestamp("2024-03-24")
    assert not any(line.strip().lower().startswith("advertis") for line in doc["text"].splitlines())
    assert doc["text"].startswith("In a chilling confirmation")


def test_bundled_crocus_corpus() -> None:
    corpus = load_corpus(CROCUS)
    outlets = corpus.by_outlet().set_index("outlet")
    assert len(outlets) >= 6 and len(corpus) >= 36
    assert (outlets["documents"] >= 6).all()
    assert corpus.documents["date"].between("2024-03-22", "2024-04-10").all()
    words = corpus.documents["tokens"]
    assert words.between(250, 850).all(), corpus.documents.loc[~words.between(250, 850), ["doc_id", "tokens"]]
    copies = corpus.documents.dropna(subset=["duplicate_of"])
    originals = corpus.documents.set_index("doc_id").loc[copies["duplicate_of"], "outlet"]
    # the English wire story is republished by two outlets, the Russian agency story by the business daily
    assert sorted(zip(copies["outlet"], originals, strict=True)) == [
        ("daily-blast", "global-wire"),
        ("delovoy-kurs", "derzhava"),
        ("the-chronicle", "global-wire"),
    ]
    assert corpus.summary.boilerplate_lines_removed > 0
    assert corpus.summary.skipped == [] and corpus.summary.unknown_outlet == 0
    info = json.loads(json.dumps(corpus.info()))
    assert info["duplicates"] == 3


def test_bundled_crocus_corpus_languages() -> None:
    # Issue 12: three Russian outlets (state agency, exile, business) and one Ukrainian, >= 6 articles each,
    # their language set per outlet in corpus.toml; every actor has Russian and Ukrainian aliases.
    corpus = load_corpus(CROCUS)
    documents = corpus.documents
    per_outlet = documents.groupby("outlet")["outlet_language"].agg(["first", "nunique", "size"])
    assert (per_outlet["nunique"] == 1).all()
    languages = per_outlet["first"]
    assert sorted(languages[languages == "ru"].index) == ["delovoy-kurs", "derzhava", "volnaya"]
    assert list(languages[languages == "uk"].index) == ["holos-dnipra"]
    assert (per_outlet.loc[languages != "en", "size"] >= 6).all()
    cyrillic = documents.loc[documents["outlet_language"].isin(["ru", "uk"]), "text"]
    assert cyrillic.str.count(r"[А-Яа-яЁёІіЇїЄєҐґ]").div(cyrillic.str.len()).gt(0.6).all()
    ukrainian = documents.loc[cyrillic.index, "outlet_language"] == "uk"
    assert cyrillic[ukrainian].str.contains("[ІіЇїЄєҐґ]").all()  # letters Russian does not have
    assert not cyrillic[ukrainian].str.contains("[ЫыЭэЪъЁё]").any()  # and the reverse
    assert not cyrillic[~ukrainian].str.contains("[ІіЇїЄєҐґ]").any()
    in_russian_and_ukrainian = {
        "Islamic State": ("Исламское государство", "Ісламська держава"),
        "Ukraine": ("Украина", "Україна"),
        "Russia": ("Россия", "Росія"),
        "United States": ("Соединённые Штаты", "Сполучені Штати"),
        "West": ("Великобритания", "Велика Британія"),
    }
    assert set(corpus.actors) == set(in_russian_and_ukrainian)
    for actor, names in in_russian_and_ukrainian.items():
        assert set(names) <= set(corpus.actors[actor]), actor


def test_id_column_preferred_and_clashing_doc_id_kept(tmp_path: Path) -> None:
    # Regression: a file with both `id` (record) and `doc_id` (parent article) lost one of them.
    path = write_jsonl(
        tmp_path / "s.jsonl",
        [
            {"id": "s1", "doc_id": "article-1", "text": "One."},
            {"id": "s2", "doc_id": "article-1", "text": "Two."},
        ],
    )
    docs = load_corpus(path).documents
    assert list(docs["doc_id"]) == ["s1", "s2"]
    assert list(docs["source_doc_id"]) == ["article-1", "article-1"]


def test_loading_with_worker_processes_gives_the_same_corpus(monkeypatch: pytest.MonkeyPatch) -> None:
    import framing.parallel

    one = load_corpus(CROCUS)
    monkeypatch.setattr(framing.parallel, "MIN_PARALLEL_DOCUMENTS", 1)  # the demo is below the default
    two = load_corpus(CROCUS, jobs=2)
    pd.testing.assert_frame_equal(one.documents, two.documents)
    assert one.summary == two.summary
    assert len(one.summary.boilerplate) > 0 and set(one.documents["language"]) == {"en", "ru", "uk"}


def test_cleaning_in_worker_processes_keeps_every_skip_count_and_error_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import csv

    import framing.corpus
    import framing.parallel

    texts = [
        "<p>Officials blamed Kyiv &amp; others for attack {i}.</p>",
        "",
        "It was \u201cchilling\u201d \u2014 case {i}.\n\nAdvertisement\n\nMore text {i}.",
    ]
    path = tmp_path / "mixed.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "outlet", "text"])
        for i in range(14):
            writer.writerow([f"d{i}", "A" if i % 2 else "B", texts[i % 3].format(i=i)])
            if i % 5 == 2:
                writer.writerow(["x", "y", "z", "too many"])  # a row the reader skips, between records
        writer.writerow(["x", "too few"])  # and one after the last record
    one = load_corpus(path)
    monkeypatch.setattr(framing.parallel, "MIN_PARALLEL_DOCUMENTS", 2)  # below the default: workers clean
    monkeypatch.setattr(framing.corpus, "_CLEAN_BLOCK", 3)
    two = load_corpus(path, jobs=2)
    pd.testing.assert_frame_equal(one.documents, two.documents)
    assert one.summary == two.summary
    lines = [s.line for s in one.summary.skipped]
    assert lines == sorted(lines) and len(lines) == 5 + 3 + 1  # empty texts and bad rows, in file order
    assert one.summary.html_cleaned > 0 and one.summary.boilerplate_lines_removed > 0
    # a duplicate id is reported where it is, though the reader has read on to a malformed line
    records = [json.dumps({"id": f"d{i % 5}", "text": f"Text {i}."}) for i in range(8)]
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join([*records, "{not json"]) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="duplicate document id 'd0'"):
        load_corpus(bad, jobs=2)
    bad.write_text("\n".join([*records[:5], "{not json"]) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="malformed JSON"):
        load_corpus(bad, jobs=2)


def test_the_streamed_corpus_is_the_same_after_its_records_are_spooled(tmp_path: Path) -> None:
    from framing.corpus import DocumentStream

    note = "Editor's note: this story was updated."
    topics = [
        "vote",
        "budget",
        "strike",
        "flood",
        "court",
        "trial",
        "poll",
        "deal",
        "fire",
        "race",
        "storm",
        "summit",
    ]
    rows = [{"id": t, "outlet": "A", "text": f"A story about the {t}.\n{note}"} for t in topics]
    rows.append({"id": "bad", "outlet": "A", "text": 5})
    path = write_jsonl(tmp_path / "c.jsonl", rows)
    stream = DocumentStream(path, chunk_size=5)
    chunks = list(stream)
    assert [len(c) for c in chunks] == [5, 5, 2]
    texts = pd.concat(chunks)["text"].tolist()
    assert texts == [f"A story about the {t}." for t in topics]
    assert stream.summary.records == 13 and len(stream.summary.skipped) == 1
    assert [(p.pattern, p.documents) for p in stream.summary.boilerplate] == [(note.lower(), 12)]
    assert list(stream) and stream.summary.records == 26  # iterating again reads the input again


def test_freed_memory_is_returned_to_the_system_on_linux() -> None:
    import sys

    from framing._memory import return_freed_memory

    assert return_freed_memory() is sys.platform.startswith("linux")


def test_worker_calls_come_back_in_order_and_are_made_only_a_few_ahead() -> None:
    from concurrent.futures import ThreadPoolExecutor

    from framing.parallel import submitted_in_order

    made: list[int] = []

    def calls():
        for i in range(10):
            made.append(i)
            yield i, (i,)

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = submitted_in_order(pool, lambda x: x * x, calls(), ahead=3)
        assert next(results) == (0, 0)
        assert len(made) == 3  # the first result was waited for once three calls were submitted
        assert list(results) == [(i, i * i) for i in range(1, 10)]


def test_batches_are_read_as_needed_and_keep_every_item() -> None:
    from framing.parallel import batches

    read: list[int] = []

    def items() -> Iterator[int]:
        for i in range(7):
            read.append(i)
            yield i

    chunks = batches(items(), 3)
    assert next(chunks) == [0, 1, 2] and read == [0, 1, 2]
    assert list(chunks) == [[3, 4, 5], [6]]
    assert list(batches([], 3)) == []


def test_without_columns_drops_metadata_and_leaves_the_original() -> None:
    corpus = load_corpus(CROCUS)
    lean = corpus.without_columns(["url", "url"])
    assert "url" not in lean.documents.columns
    assert "url" in corpus.documents.columns  # a new corpus: the original keeps its column
    pd.testing.assert_frame_equal(lean.documents, corpus.documents.drop(columns="url"))
    assert list(lean.texts) == list(corpus.texts)
    assert lean.summary.documents == corpus.summary.documents and lean.settings == corpus.settings
    with pytest.raises(OptionError, match=r"column\(s\) 'doc_id', 'text' cannot be dropped"):
        corpus.without_columns(["doc_id", "text", "url"])
    with pytest.raises(OptionError, match=r"no column 'colour' in the corpus \(columns: doc_id, outlet"):
        corpus.without_columns(["colour"])
