"""Reading hostile or unusual input (issue 7): quoting, encodings, line endings, ids, skipped paths,
corpus.toml checks, dates, non-string text, metadata normalisation, surrogates, FIFOs, regex time."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pandas as pd
import pytest
from conftest import write_jsonl, write_txt

from framing.clean import clean_text
from framing.corpus import DocumentStream, load_corpus
from framing.dedup import is_syndicated_copy
from framing.errors import InputError, OptionError, printable
from framing.io import check_output_is_not_input, write_table
from framing.io.readers import read_table

# ------------------------------------------------------------------ 1. CSV / TSV quoting


def test_tsv_with_unbalanced_quote_keeps_every_record(tmp_path: Path) -> None:
    path = tmp_path / "a.tsv"
    path.write_text(
        'id\toutlet\ttext\n1\tA\t"He said it was over.\n2\tB\tSecond story.\n3\tA\tThird.\n4\tB\tFourth.\n',
        encoding="utf-8",
    )
    corpus = load_corpus(path)
    assert corpus.documents["doc_id"].tolist() == ["1", "2", "3", "4"]
    assert corpus.documents["text"].iloc[0] == '"He said it was over.'
    assert corpus.summary.warnings == [
        f"{path}:2: an unbalanced quote ran over lines 2-5; read as 4 records with the quote kept"
    ]


def test_csv_quote_never_closed_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text('id,text\n1,"He said, hi\n2,Second, story\n3,Third\n', encoding="utf-8")
    corpus = load_corpus(path)
    assert corpus.summary.warnings == [
        f"{path}:2: a quote opened here is never closed; lines 2-4 were read as one record"
    ]


def test_csv_multiline_quoted_text_is_one_record(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text('id,text\n1,"First line, still text.\n\nSecond paragraph."\n2,Other.\n', encoding="utf-8")
    corpus = load_corpus(path)
    assert corpus.documents["text"].tolist() == ["First line, still text.\n\nSecond paragraph.", "Other."]
    assert corpus.summary.warnings == []


def test_csv_row_with_unquoted_comma_is_skipped_and_counted(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("id,outlet,text\n1,A,Fine.\n2,B,Cut here, and the rest\n3,A\n", encoding="utf-8")
    corpus = load_corpus(path)
    assert corpus.documents["doc_id"].tolist() == ["1"]
    assert corpus.summary.records == 3
    assert [(s.line, s.reason) for s in corpus.summary.skipped] == [
        (3, "4 fields where the header has 3 (an unquoted delimiter in a field?)"),
        (4, "2 fields where the header has 3 (missing fields?)"),
    ]


def test_line_numbers_ignore_unicode_line_separators_inside_fields(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("id,text\n1,One\u2028two\x0cthree.\n2,Other,extra\n", encoding="utf-8")
    corpus = load_corpus(path)
    assert corpus.documents["doc_id"].tolist() == ["1"]
    assert [s.line for s in corpus.summary.skipped] == [3]


def test_duplicate_column_names_are_an_error(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("id,text,outlet,text\n1,a,A,b\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"a\.csv:1: duplicate column names: 'text'"):
        load_corpus(path)


def test_csv_field_longer_than_the_csv_module_default(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    long_text = "word " * 40_000  # 200,000 characters: over the csv module's 131,072 default
    path.write_text(f'id,text\n1,"{long_text}"\n', encoding="utf-8")
    assert load_corpus(path).documents["tokens"].iloc[0] == 40_000


# ------------------------------------------------------------------ 2. encodings and binary content

RUSSIAN = "Теракт в «Крокус Сити Холле»: следствие назвало подозреваемых."


def test_cp1251_file_decoded_as_cp1251(tmp_path: Path) -> None:
    path = tmp_path / "ru.txt"
    path.write_bytes(f"outlet: vestnik\n\n{RUSSIAN}\n".encode("cp1251"))
    corpus = load_corpus(path)
    assert corpus.documents["text"].iloc[0] == RUSSIAN.replace("«", '"').replace("»", '"')
    assert corpus.summary.encodings == {str(path): "cp1251"}


def test_western_8bit_file_still_cp1252(tmp_path: Path) -> None:
    path = tmp_path / "fr.txt"
    path.write_bytes("Le café où l'été commence à Paris.".encode("cp1252"))
    corpus = load_corpus(path)
    assert corpus.documents["text"].iloc[0] == "Le café où l'été commence à Paris."
    assert corpus.summary.encodings == {str(path): "cp1252"}


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_detected_by_bom(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "a.txt"
    raw = f"outlet: x\n\n{RUSSIAN}".encode(encoding)
    if encoding == "utf-16-be":
        raw = b"\xfe\xff" + raw
    path.write_bytes(raw)
    corpus = load_corpus(path)
    assert corpus.documents["outlet"].iloc[0] == "x"
    assert corpus.documents["text"].iloc[0].startswith("Теракт")
    assert corpus.summary.encodings[str(path)].startswith(encoding[:6])


def test_utf16_jsonl_detected_by_bom(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes('{"id": "1", "text": "Привет, мир."}\r\n'.encode("utf-16"))
    corpus = load_corpus(path)
    assert corpus.documents["text"].tolist() == ["Привет, мир."]


def test_binary_file_refused(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    with pytest.raises(InputError, match=r"image\.txt: binary content \(NUL bytes\)"):
        load_corpus(path)


def test_control_heavy_file_refused(tmp_path: Path) -> None:
    path = tmp_path / "junk.txt"
    path.write_bytes(b"\x01\x02\x03abc\x04\x05" * 100)
    with pytest.raises(InputError, match="binary content"):
        load_corpus(path)


# ------------------------------------------------------------------ 3. line endings


@pytest.mark.parametrize("ending", ["\r\n", "\r"])
def test_txt_header_read_with_crlf_and_cr_endings(tmp_path: Path, ending: str) -> None:
    path = tmp_path / "a.txt"
    lines = ["outlet: wire", "date: 2024-03-22", "title: Hall attack", "", "First paragraph.", "", "Second."]
    path.write_bytes(ending.join(lines).encode("utf-8"))
    row = load_corpus(path).documents.iloc[0]
    assert (row["outlet"], row["title"], row["text"]) == (
        "wire",
        "Hall attack",
        "First paragraph.\n\nSecond.",
    )
    assert row["date"] == pd.Timestamp("2024-03-22")


# ------------------------------------------------------------------ 4. Parquet ids


def test_parquet_integer_ids_with_a_null_stay_integers_and_the_null_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "a.parquet"
    frame = pd.DataFrame({"id": pd.array([10, 20], dtype="Int64"), "text": ["One.", "Two."]})
    frame.to_parquet(path)
    assert load_corpus(path).documents["doc_id"].tolist() == ["10", "20"]
    pd.DataFrame({"id": pd.array([10, None, 30], dtype="Int64"), "text": ["a", "b", "c"]}).to_parquet(path)
    with pytest.raises(InputError, match=r"a\.parquet:2: missing document id"):
        load_corpus(path)


def test_missing_id_in_a_csv_id_column_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("id,text\n1,One.\n,Two.\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"a\.csv:3: missing document id"):
        load_corpus(path)


# ------------------------------------------------------------------ 5. skipped paths


def test_hidden_dangling_and_unreadable_paths_are_named(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    write_txt(folder / "docs" / "o", "a.txt", "Kept text.")
    write_txt(folder / "docs" / "o", ".hidden.txt", "Hidden text.")
    write_txt(folder / "docs" / ".drafts", "b.txt", "Draft text.")
    (folder / "docs" / "o" / "gone.txt").symlink_to(folder / "nowhere.txt")
    locked = folder / "docs" / "locked"
    as_root = os.geteuid() == 0  # root reads any folder: no unreadable folder to test
    if not as_root:
        write_txt(locked, "c.txt", "Locked text.")
        locked.chmod(0)
    try:
        corpus = load_corpus(folder)
    finally:
        if not as_root:
            locked.chmod(0o755)
    reasons = {Path(s.source).name: s.reason for s in corpus.summary.skipped_paths}
    assert reasons[".hidden.txt"] == "hidden file"
    assert reasons[".drafts"] == "hidden folder"
    assert reasons["gone.txt"] == "dangling symbolic link"
    if not as_root:
        assert reasons["locked"].startswith("unreadable folder")
    assert corpus.documents["doc_id"].tolist() == ["o/a"]
    assert any(line.endswith("gone.txt: dangling symbolic link") for line in corpus.summary.lines())


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_fifo_refused_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match=r"pipe\.csv: not a regular file"):
        load_corpus(fifo)
    folder = tmp_path / "c"
    write_txt(folder / "docs" / "o", "a.txt", "Kept text.")
    os.mkfifo(folder / "docs" / "o" / "pipe.txt")
    reasons = {Path(s.source).name: s.reason for s in load_corpus(folder).summary.skipped_paths}
    assert reasons == {"pipe.txt": "not a regular file (a FIFO, socket or device)"}


# ------------------------------------------------------------------ 6. chunk size, output = input


@pytest.mark.parametrize("size", [0, -5])
def test_document_stream_refuses_chunk_size_below_one(tmp_path: Path, size: int) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", [{"id": "1", "text": "x"}])
    with pytest.raises(OptionError, match="chunk_size must be a positive number"):
        DocumentStream(path, chunk_size=size)


def test_output_that_is_an_input_is_refused(tmp_path: Path) -> None:
    table = tmp_path / "x.csv"
    table.write_text("id,text\n1,a\n", encoding="utf-8")
    with pytest.raises(OptionError, match="is the input"):
        check_output_is_not_input(tmp_path / "." / "x.csv", [table])
    with pytest.raises(OptionError, match="inside the input folder"):
        check_output_is_not_input(tmp_path / "sub" / "out.csv", [tmp_path])
    check_output_is_not_input(tmp_path.parent / "elsewhere.csv", [tmp_path])


def test_write_table_streams_chunks(tmp_path: Path) -> None:
    chunks = [pd.DataFrame({"a": [1, 2]}), pd.DataFrame({"a": [3]})]
    assert write_table(chunks, tmp_path / "t.csv") == 3
    assert (tmp_path / "t.csv").read_text(encoding="utf-8") == "a\n1\n2\n3\n"
    with pytest.raises(OptionError, match=r"must end in \.csv"):
        write_table(chunks, tmp_path / "t.xlsx")


# ------------------------------------------------------------------ 7. corpus.toml


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            '[actors.Russia]\naliases = "Moscow"\n',
            r"actors\.Russia\.aliases must be a list of strings, not a string",
        ),
        (
            '[actors.Russia]\naliases = ["Moscow", 1945]\n',
            r"actors\.Russia\.aliases holds 1945 \(an integer\)",
        ),
        ('actors = ["Russia", "Ukraine"]\n', r"'actors' must be a table, not a list"),
        ("title = 3\n", r"'title' must be a string, not an integer"),
        ("[outlets]\nvestnik = 3\n", r"outlets\.vestnik must be a table"),
    ],
)
def test_corpus_toml_wrong_types_name_the_key(tmp_path: Path, toml: str, message: str) -> None:
    write_txt(tmp_path / "c" / "docs" / "o", "a.txt", "Text.")
    (tmp_path / "c" / "corpus.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(InputError, match=r"corpus\.toml: " + message):
        load_corpus(tmp_path / "c")


def test_corpus_toml_misspelt_keys_warned(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    write_txt(tmp_path / "c" / "docs" / "o", "a.txt", "Text.")
    (tmp_path / "c" / "corpus.toml").write_text(
        'titel = "Crocus"\n[actors.Russia]\nalias = ["Moscow"]\n', encoding="utf-8"
    )
    corpus = load_corpus(tmp_path / "c")
    config = tmp_path / "c" / "corpus.toml"
    assert corpus.summary.warnings == [
        f"{config}: unknown key 'titel' "
        "(known: actors, description, files, groups, language, outlets, title)",
        f"{config}: unknown key 'actors.Russia.alias' (known: aliases)",
    ]
    assert "unknown key 'titel'" in caplog.text


# ------------------------------------------------------------------ 8. dates


def test_dates_keep_the_local_day_and_bad_dates_become_missing(tmp_path: Path) -> None:
    dates = [
        "2024-03-22T23:30:00-04:00",
        "2024-03-23T01:30:00+03:00",
        "-1",
        "9999-01-01",
        "not a date",
        "-200",
    ]
    path = write_jsonl(
        tmp_path / "a.jsonl", [{"id": str(i), "text": "x", "date": d} for i, d in enumerate(dates)]
    )
    corpus = load_corpus(path)
    assert corpus.documents["date"].iloc[:2].tolist() == [
        pd.Timestamp("2024-03-22"),
        pd.Timestamp("2024-03-23"),
    ]
    assert corpus.documents["date"].iloc[2:].isna().all()
    assert corpus.summary.dates_unparsed == 4


def test_offset_dates_beside_missing_dates(tmp_path: Path) -> None:
    # Series.map turned the missing dates into NaN, which the offset regex could not take (TypeError).
    records = [
        {"id": "1", "text": "x", "date": "2024-03-22T23:30:00Z"},
        {"id": "2", "text": "y", "date": None},
    ]
    corpus = load_corpus(write_jsonl(tmp_path / "a.jsonl", records))
    assert corpus.documents["date"].iloc[0] == pd.Timestamp("2024-03-22")
    assert pd.isna(corpus.documents["date"].iloc[1]) and corpus.summary.dates_unparsed == 0


# ------------------------------------------------------------------ 9. non-string text


def test_non_string_text_skipped_with_reason_and_csv_numbers_are_text(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "a.jsonl",
        [
            {"id": "1", "text": ["a", "list"]},
            {"id": "2", "text": True},
            {"id": "3", "text": 42},
            {"id": "4", "text": "Real text."},
        ],
    )
    corpus = load_corpus(path)
    assert corpus.documents["doc_id"].tolist() == ["4"]
    assert [s.reason for s in corpus.summary.skipped] == [
        "text is a list, not a string",
        "text is a boolean (true), not a string",
        "text is a number (42), not a string",
    ]
    csv_path = tmp_path / "n.csv"
    csv_path.write_text("id,text\n1,42\n", encoding="utf-8")
    assert load_corpus(csv_path).documents["text"].tolist() == ["42"]


# ------------------------------------------------------------------ 10. metadata normalisation


def test_outlets_differing_by_invisible_characters_are_one_outlet(tmp_path: Path) -> None:
    names = ["Daily Blast", "Daily\u00a0Blast", "Daily\u200b Blast", "\u200fDaily  Blast", "Cafe\u0301 Wire"]
    path = write_jsonl(
        tmp_path / "a.jsonl", [{"id": str(i), "text": "x", "outlet": n} for i, n in enumerate(names)]
    )
    corpus = load_corpus(path)
    assert corpus.documents["outlet"].tolist() == ["Daily Blast"] * 4 + ["Caf\u00e9 Wire"]
    assert corpus.summary.metadata_normalised == 4


def test_control_characters_are_removed_from_outlet_names_and_counted(tmp_path: Path) -> None:
    # regression (found by the fuzz test): an ANSI escape in an outlet name reached the report page
    names = ["\x1b[2Jvestnik", "vest\x00nik", "plain"]
    path = write_jsonl(
        tmp_path / "a.jsonl", [{"id": str(i), "text": "x", "outlet": n} for i, n in enumerate(names)]
    )
    corpus = load_corpus(path)
    assert corpus.documents["outlet"].tolist() == ["[2Jvestnik", "vestnik", "plain"]
    assert corpus.summary.metadata_normalised == 2


# ------------------------------------------------------------------ 11. surrogates, field size, FIFO


def test_lone_surrogate_replaced_and_counted(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text('{"id": "1", "text": "bad \\ud800 char", "title": "t\\udfff"}\n', encoding="utf-8")
    corpus = load_corpus(path)
    assert corpus.documents["text"].iloc[0] == "bad \ufffd char"
    assert corpus.summary.surrogates_replaced == 2
    corpus.content_hash()  # encodes every text as UTF-8: no UnicodeEncodeError


# ------------------------------------------------------------------ 12. linear-time cleaning


@pytest.mark.parametrize(
    "text",
    ["<!--" * 25_000, "<script" * 15_000, "<style x" * 12_500, "<p " * 33_000, "\nread " + " " * 100_000],
)
def test_cleaning_pathological_html_is_fast(text: str) -> None:
    # Quadratic regexes took 4-11 s on these 100,000-character inputs; linear ones take milliseconds.
    started = time.process_time()
    clean_text(text)
    assert time.process_time() - started < 2.0


def test_unclosed_comment_kept_closed_ones_removed() -> None:
    assert clean_text("a <!-- note --> b <script>x()</script> c <!-- open") == "a b c <!-- open"


# ------------------------------------------------------------------ 14. terminal escaping


def test_printable_escapes_control_characters() -> None:
    assert printable("out\x1b[2Jlet\nname") == "out\\x1b[2Jlet\\x0aname"
    assert printable("a\nb", keep_newlines=True) == "a\nb"


# ------------------------------------------------------------------ one reader, one copy rule


def test_read_table_reads_as_is_and_refuses_ragged_rows(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_text("id,text,label\n1,\u201cQuoted\u201d  text,true\n2,x,\n", encoding="utf-8")
    frame = read_table(path)
    assert frame.to_dict("records") == [
        {"id": "1", "text": "\u201cQuoted\u201d  text", "label": "true"},
        {"id": "2", "text": "x", "label": ""},
    ]
    path.write_text("id,text\n1,a,b\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"g\.csv:2: 3 fields where the header has 2"):
        read_table(path)


def test_is_syndicated_copy_is_the_one_rule() -> None:
    values = pd.Series(["w1", None, "", "  ", float("nan"), pd.NA], dtype="object")
    assert is_syndicated_copy(values).tolist() == [True, False, False, False, False, False]


def test_jsonl_lines_are_numbered_in_errors_after_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"id": "1", "text": "a"}) + "\n\n{bad\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"a\.jsonl:3: malformed JSON"):
        load_corpus(path)
