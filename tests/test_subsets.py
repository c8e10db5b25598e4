"""Metadata that flows, subsets and groups (issue 10): Python API and command line."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import pandas as pd
import pytest
from conftest import CROCUS, write_jsonl
from typer.testing import CliRunner

import framing
from framing import compare
from framing.cli import app
from framing.coding import draw_sample
from framing.corpus import DocumentStream, as_corpus
from framing.errors import InputError, OptionError
from framing.features import cue_families, match_documents
from framing.report import build_report
from framing.subsets import read_actors, read_group_map

FAMILIES = ["blame", "denial", "emotive", "hedging", "certainty"]
SENTENCES = [
    "Officials blamed the rebels for the brutal massacre.",
    "The report may possibly be wrong, sources said.",
    "It is clearly true and the police confirmed it.",
    "Critics denied any involvement in the horrific attack.",
    "The council met on Tuesday to discuss the new budget.",
]
OUTLETS = {  # outlet -> leaning; two outlets appear under two spellings each
    "Newsmax": "right",
    "Newsmax - News": "right",
    "Fox News": "right",
    "Fox Online News": "right",
    "CNN": "left",
    "NPR": "left",
}


def _records() -> list[dict]:
    records = []
    for number, (outlet, leaning) in enumerate(OUTLETS.items()):
        for day in range(4):
            text = " ".join(SENTENCES[(number + day + k) % 5] for k in range(3)) + f" Story {number}-{day}."
            records.append(
                {
                    "id": f"{outlet[:3].lower()}-{number}-{day}",
                    "outlet": outlet,
                    # one undated document per outlet: date windows must count it apart
                    "date": f"2024-03-{20 + day}" if day < 3 else "",
                    "leaning": leaning,
                    "wire": day == 0,
                    "text": text,
                }
            )
    return records


@pytest.fixture
def news(tmp_path: Path) -> Path:
    """24 articles from six outlet names (four outlets), with leaning, a wire flag, undated ones."""
    return write_jsonl(tmp_path / "news.jsonl", _records())


@pytest.fixture
def quiet_logs() -> None:
    logging.getLogger("framing").setLevel(logging.ERROR)
    yield
    logging.getLogger("framing").setLevel(logging.NOTSET)


# ------------------------------------------------------------------------------- metadata that flows


def test_extract_keeps_the_documents_own_columns_and_outlet_summary_groups_by_them(news: Path) -> None:
    corpus = framing.load_corpus(news)
    features = framing.extract(corpus)
    assert features.columns[:8].tolist() == [
        "doc_id", "outlet", "date", "language", "language_supported", "leaning", "wire", "duplicate_of"
    ]  # fmt: skip
    assert "text" not in features and "title" not in features
    assert features["leaning"].tolist() == corpus.documents["leaning"].tolist()
    summary = compare.outlet_summary(features, by="leaning", n_resamples=1000, seed=0)
    assert sorted(set(summary["leaning"])) == ["left", "right"]
    assert summary.groupby("leaning")["documents"].first().to_dict() == {"left": 8, "right": 16}
    # sentence tables carry the same columns, one row per sentence, joined by doc_id
    sentences = framing.extract(corpus, unit="sentence")
    assert sentences.columns[:10].tolist() == [
        "doc_id", "sentence_id", "outlet", "date", "language", "language_supported", "leaning", "wire",
        "duplicate_of", "start",
    ]  # fmt: skip
    by_doc = sentences.groupby("doc_id")["leaning"].first()
    assert by_doc.to_dict() == corpus.documents.set_index("doc_id")["leaning"].to_dict()


def test_list_columns_are_not_copied_into_feature_tables() -> None:
    frame = pd.DataFrame(
        {"text": ["It may rain.", "It will rain."], "spans": [[[0, 2, "x"]], []], "topic": ["a", "b"]}
    )
    for unit in ("document", "sentence"):
        table = framing.extract(frame, unit=unit)  # type: ignore[arg-type]
        assert "spans" not in table.columns and table["topic"].tolist() == ["a", "b"]


def test_a_document_column_named_like_a_measured_one_is_replaced_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    frame = pd.DataFrame({"text": ["It may rain.", "It will rain."], "hedging_count": [99, 99]})
    with caplog.at_level(logging.WARNING, logger="framing"):
        table = framing.extract(frame)
    assert table["hedging_count"].tolist() == [1, 0]
    assert "hedging_count" in caplog.text and "replaced" in caplog.text


def test_cue_families_are_read_from_the_column_names() -> None:
    table = framing.extract(["It may rain.", "They blamed him."])
    assert cue_families(table.columns) == FAMILIES
    assert cue_families(["hedging_count", "hedging_rate"]) == []  # no _negated/_present: not a family
    assert cue_families(table.drop(columns=["denial_present"]).columns) == [
        "blame", "emotive", "hedging", "certainty"
    ]  # fmt: skip


def test_crocus_significant_pairs_are_the_same_after_a_merge_and_a_csv_round_trip() -> None:
    """Regression (issue 10): attrs were lost by merge / CSV, the default cues became all 32 count/rate
    pairs (subcategories included) and the BH correction changed: 30 significant pairs became 27."""
    # the six English outlets (the demo's Russian and Ukrainian ones are compared within their language)
    features = framing.extract(framing.load_corpus(CROCUS)).query("language == 'en'").reset_index(drop=True)
    merged = features.merge(pd.DataFrame({"doc_id": features["doc_id"], "coder": "a"}), on="doc_id")
    assert merged.attrs == {}  # the hidden state is gone: the columns must carry the cue list
    buffer = io.StringIO()
    features.to_csv(buffer, index=False)
    reread = pd.read_csv(io.StringIO(buffer.getvalue()))
    counts = []
    for table in (features, merged, reread):
        pairs = compare.pairwise_contrasts(table, seed=0, n_permutations=1000)
        assert pairs.attrs["cues"] == FAMILIES
        assert len(pairs) == 15 * 5  # 6 outlets -> 15 pairs, five families
        counts.append(int((pairs["q_value"] < 0.05).sum()))
    assert counts[0] == counts[1] == counts[2]
    assert counts[0] == 30
    omnibus = compare.omnibus_tests(reread)
    assert omnibus["cue"].tolist() == FAMILIES


# -------------------------------------------------------------------------- DataFrames as corpora


def test_as_corpus_turns_a_documents_table_into_a_corpus(news: Path) -> None:
    frame = pd.DataFrame(_records()).drop(columns=["id"])
    frame.loc[0, "outlet"] = None
    corpus = as_corpus(frame)
    assert len(corpus) == 24
    assert corpus.documents["doc_id"].tolist()[:2] == ["0", "1"]  # row positions, as framing.extract
    assert corpus.documents.loc[0, "outlet"] == "unknown" and corpus.summary.unknown_outlet == 1
    assert str(corpus.documents.loc[1, "date"].date()) == "2024-03-21"
    assert pd.isna(corpus.documents.loc[3, "date"])
    assert corpus.documents["tokens"].gt(0).all() and "duplicate_of" in corpus.documents
    assert corpus.documents["leaning"].tolist() == frame["leaning"].tolist()
    assert as_corpus(corpus) is corpus and framing.as_corpus is as_corpus
    with pytest.raises(OptionError, match="no 'text' column"):
        as_corpus(frame.drop(columns=["text"]))
    with pytest.raises(OptionError, match="unique"):
        as_corpus(frame.assign(doc_id="same"))


def test_every_verb_accepts_a_dataframe_of_documents(tmp_path: Path, quiet_logs: None) -> None:
    """Regression (issue 10): build_report(DataFrame) raised a TypeError although the README says
    DataFrames work wherever a corpus does."""
    frame = pd.DataFrame(_records()).rename(columns={"id": "doc_id"})
    report = build_report(frame, tmp_path / "report", by="leaning", n_resamples=1000, n_permutations=1000)
    assert (report.path / "index.html").is_file()
    rates = pd.read_csv(report.path / "tables" / "cue_rates.csv")
    assert set(rates["leaning"]) == {"left", "right"}
    assert report.analysis.corpus.name == "table" and report.analysis.groups == ["left", "right"]
    assert len(framing.extract(frame)) == 24
    assert set(framing.evidence(frame, cue="hedging")["outlet"]) == set(OUTLETS)
    assert len(framing.blame_attributions(frame)) > 0
    assert len(match_documents(frame).features) == 24
    sample = draw_sample(frame, unit="document", n=6, per_group="leaning", seed=0)
    assert len(sample) == 6


# ------------------------------------------------------------------------------------------ subsets


def test_subset_by_query_dates_and_function_counts_what_it_drops(news: Path) -> None:
    corpus = framing.load_corpus(news)
    kept = corpus.subset(where="not wire and outlet != 'NPR'", start="2024-03-21", end="2024-03-22")
    assert len(kept) == 10 and kept.summary.documents == 10
    assert set(kept.documents["date"].dt.day) == {21, 22}
    (record,) = kept.summary.subsets
    assert record == {
        "documents_before": 24, "where": "not wire and outlet != 'NPR'", "dropped_by_where": 9,
        "start": "2024-03-21", "end": "2024-03-22", "undated_dropped": 5, "dropped_by_dates": 5,
        "kept": 10, "dropped": 14,
    }  # fmt: skip
    assert "kept 10 of 24 documents, dropped 14" in kept.summary.lines()[-1]
    assert "5 of them undated" in kept.summary.lines()[-1]
    assert corpus.summary.subsets == [] and len(corpus) == 24  # the original is unchanged
    by_function = corpus.subset(lambda d: d["leaning"] == "left")
    assert set(by_function.documents["outlet"]) == {"CNN", "NPR"}
    assert len(corpus.subset(where="leaning.str.startswith('ri')")) == 16
    assert "subsets" in corpus.info()["summary"]


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("outlet ==", "cannot be evaluated: invalid syntax"),
        ("colour == 'red'", "name 'colour' is not defined.*columns: doc_id, outlet"),
        ("tokens + 1", "must be a condition"),
        ("@secret > 1", "cannot be evaluated"),
        ("", "pandas query string or a function"),
    ],
)
def test_a_bad_query_is_an_option_error_naming_the_problem(news: Path, where: str, message: str) -> None:
    corpus = framing.load_corpus(news)
    with pytest.raises(OptionError, match=message):
        corpus.subset(where=where)


def test_date_bounds_are_checked(news: Path) -> None:
    corpus = framing.load_corpus(news)
    with pytest.raises(OptionError, match="must be a date"):
        corpus.subset(start="March")
    with pytest.raises(OptionError, match="the date window is empty"):
        corpus.subset(start="2024-03-22", end="2024-03-21")
    assert len(corpus.subset(start="2024-03-22")) == 6


# ------------------------------------------------------------------------------------------- groups


def test_regroup_merges_name_variants_and_defines_collections(
    news: Path, caplog: pytest.LogCaptureFixture
) -> None:
    corpus = framing.load_corpus(news)
    merged = corpus.regroup({"Newsmax - News": "Newsmax", "Fox Online News": "Fox News"})
    assert merged.documents["outlet"].value_counts().to_dict() == {
        "Fox News": 8, "Newsmax": 8, "CNN": 4, "NPR": 4
    }  # fmt: skip
    assert merged.summary.regroupings[0]["documents_changed"] == 8
    assert merged.summary.regroupings[0]["groups"] == 4
    with caplog.at_level(logging.WARNING, logger="framing"):
        media = merged.regroup({"Newsmax": "cable", "Fox News": "cable", "BBC": "public"}, into="media")
    assert media.documents["media"].value_counts().to_dict() == {"cable": 16}
    assert media.documents["media"].isna().sum() == 8
    record = media.summary.regroupings[-1]
    assert (record["documents_unmapped"], record["unused"]) == (8, ["BBC"])
    assert "BBC" in caplog.text
    assert "8 without a group" in media.summary.lines()[-1]
    # the new column is a group like any other: documents without one are left out and counted
    features = framing.extract(media)
    summary = compare.outlet_summary(features, by="media", n_resamples=1000, seed=0)
    assert set(summary["media"]) == {"cable"} and summary.attrs["ungrouped_documents"] == 8
    with pytest.raises(OptionError, match="already have it"):
        corpus.regroup({"CNN": "x"}, into="leaning")
    with pytest.raises(OptionError, match="no such column"):
        corpus.regroup({"CNN": "x"}, column="owner")


def test_groups_in_corpus_toml_apply_on_loading(tmp_path: Path) -> None:
    root = tmp_path / "c"
    write_jsonl(root / "docs" / "news.jsonl", _records())
    (root / "corpus.toml").write_text(
        '[groups.outlet]\n"Newsmax - News" = "Newsmax"\n"Fox Online News" = "Fox News"\n'
        '[groups.media]\nNewsmax = "cable"\n"Fox News" = "cable"\nCNN = "cable"\nNPR = "public"\n',
        encoding="utf-8",
    )
    corpus = framing.load_corpus(root)
    assert corpus.documents["outlet"].nunique() == 4  # outlet is mapped first, media names the merged
    assert corpus.documents["media"].value_counts().to_dict() == {"cable": 20, "public": 4}
    assert [r["into"] for r in corpus.summary.regroupings] == ["outlet", "media"]
    streamed = pd.concat(DocumentStream(root, chunk_size=5), ignore_index=True)  # the same, chunk by chunk
    assert streamed["media"].tolist() == corpus.documents["media"].tolist()
    (root / "corpus.toml").write_text("[groups.media]\nCNN = 3\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"groups\.media\.CNN must be a non-empty string"):
        framing.load_corpus(root)


def test_group_map_files_csv_and_toml(tmp_path: Path) -> None:
    csv = tmp_path / "map.csv"
    csv.write_text("from,to,column\nNewsmax - News,Newsmax,\nCNN,cable,media\n", encoding="utf-8")
    assert read_group_map(csv) == {"outlet": {"Newsmax - News": "Newsmax"}, "media": {"CNN": "cable"}}
    toml = tmp_path / "map.toml"
    toml.write_text('[groups.media]\nCNN = "cable"\n', encoding="utf-8")
    assert read_group_map(toml) == {"media": {"CNN": "cable"}}
    bad = tmp_path / "bad.csv"
    bad.write_text("from,to\nCNN,a\nCNN,b\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.csv:3: 'CNN' is mapped to both 'a' and 'b'"):
        read_group_map(bad)
    (tmp_path / "no.csv").write_text("old,new\nCNN,a\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing column"):
        read_group_map(tmp_path / "no.csv")


def test_actor_files_toml_and_csv(tmp_path: Path) -> None:
    toml = tmp_path / "actors.toml"
    toml.write_text('[actors.rebels]\naliases = ["the rebels", "insurgents"]\n', encoding="utf-8")
    assert read_actors(toml) == {"rebels": ["rebels", "the rebels", "insurgents"]}
    csv = tmp_path / "actors.csv"
    csv.write_text("actor,alias\nrebels,insurgents\npolice,\n", encoding="utf-8")
    assert read_actors(csv) == {"rebels": ["rebels", "insurgents"], "police": ["police"]}
    (tmp_path / "bad.toml").write_text("[actors.rebels]\naliases = 3\n", encoding="utf-8")
    with pytest.raises(InputError, match="must be a list of strings"):
        read_actors(tmp_path / "bad.toml")


# ------------------------------------------------------------------------------------- command line


def test_cli_corpus_info_reports_subset_and_group_counts(news: Path, tmp_path: Path) -> None:
    group_map = tmp_path / "map.csv"
    group_map.write_text("from,to\nNewsmax - News,Newsmax\nFox Online News,Fox News\n", encoding="utf-8")
    options = [
        "--where",
        "not wire",
        "--from",
        "2024-03-21",
        "--to",
        "2024-03-22",
        "--group-map",
        str(group_map),
    ]
    result = CliRunner().invoke(app, ["corpus", "info", str(news), "--json", *options])
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)
    assert info["documents"] == 12 and sorted(info["outlets"]) == ["CNN", "Fox News", "NPR", "Newsmax"]
    (subset,) = info["summary"]["subsets"]
    assert (subset["kept"], subset["dropped"], subset["undated_dropped"]) == (12, 12, 6)
    assert info["summary"]["regroupings"][0]["documents_changed"] == 8
    text = CliRunner().invoke(app, ["corpus", "info", str(news), *options])
    assert "kept 12 of 24 documents, dropped 12" in text.output
    assert "group map outlet: 2 names renamed, 8 documents changed" in text.output


def test_cli_bad_where_is_one_line_and_status_2(news: Path) -> None:
    for command in (["compare"], ["corpus", "info"], ["report"], ["evidence", "--cue", "hedging"]):
        result = CliRunner().invoke(app, [*command, str(news), "--where", "outlet =="])
        assert result.exit_code == 2, (command, result.output)
        # the last line (an earlier test may leave the report's timing logger at INFO before it)
        errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
        assert errors == [result.stderr.strip().splitlines()[-1]]
        assert errors[0].startswith("error: where filter 'outlet ==' cannot be evaluated")
        assert "Traceback" not in result.output
    result = CliRunner().invoke(app, ["compare", str(news), "--from", "yesterday"])
    assert result.exit_code == 2 and "must be a date" in result.stderr


def test_cli_compare_by_a_collection_from_a_group_map(news: Path, tmp_path: Path) -> None:
    group_map = tmp_path / "map.toml"
    group_map.write_text(
        '[groups.media]\nNewsmax = "cable"\n"Fox News" = "cable"\nNPR = "public"\nBBC = "public"\n'
    )
    args = ["compare", str(news), "--group-map", str(group_map), "--by", "media", "--resamples", "1000"]
    result = CliRunner().invoke(app, [*args, "-o", str(tmp_path / "rates.csv")])
    assert result.exit_code == 0, result.output
    rates = pd.read_csv(tmp_path / "rates.csv")
    assert rates.groupby("media")["documents"].first().to_dict() == {"cable": 8, "public": 4}
    assert "group map media (from outlet): 12 documents in 2 groups, 12 without a group" in result.stderr
    assert "names found in no document: BBC" in result.stderr  # a misspelt or absent name is named


def test_cli_compare_takes_a_lexicon(news: Path, tmp_path: Path) -> None:
    lexicon = tmp_path / "budget.tsv"
    lexicon.write_text("term\tcategory\tsubcategory\nbudget\tfiscal\tspending\n", encoding="utf-8")
    args = ["compare", str(news), "--resamples", "1000", "-o", str(tmp_path / "r.csv")]
    result = CliRunner().invoke(app, [*args, "--lexicon", str(lexicon)])
    assert result.exit_code == 0, result.output
    assert "fiscal" in set(pd.read_csv(tmp_path / "r.csv")["cue"])
    only = CliRunner().invoke(app, [*args, "--lexicon", str(lexicon), "--replace-lexicons"])
    assert only.exit_code == 0, only.output
    assert set(pd.read_csv(tmp_path / "r.csv")["cue"]) == {"fiscal"}
    refused = CliRunner().invoke(app, [*args, "--replace-lexicons"])
    assert refused.exit_code == 2 and "needs at least one --lexicon" in refused.stderr


def test_cli_report_takes_lexicon_actors_and_where(news: Path, tmp_path: Path) -> None:
    lexicon = tmp_path / "budget.tsv"
    lexicon.write_text("term\tcategory\tsubcategory\nbudget\tfiscal\tspending\n", encoding="utf-8")
    actors = tmp_path / "actors.csv"
    actors.write_text("actor,alias\nrebels,the rebels\n", encoding="utf-8")
    out = tmp_path / "report"
    args = [
        "report",
        str(news),
        "-o",
        str(out),
        "--by",
        "leaning",
        "--resamples",
        "1000",
        "--permutations",
        "1000",
    ]
    extra = ["--lexicon", str(lexicon), "--actors", str(actors), "--where", "outlet != 'NPR'"]
    result = CliRunner().invoke(app, [*args, *extra, "-q"])
    assert result.exit_code == 0, result.output
    metadata = json.loads((out / "metadata.json").read_text())
    assert metadata["corpus"]["documents_per_group"] == {"left": 4, "right": 16}  # NPR left out
    assert metadata["corpus"]["load_summary"]["subsets"][0]["dropped"] == 4
    summary = (out / "report.md").read_text().split("## Summary")[1]
    assert "Subset where" in summary and "kept 20 of 24 documents, dropped 4" in summary  # said in words
    assert "fiscal" in set(pd.read_csv(out / "tables" / "cue_rates.csv")["cue"])
    blamed = pd.read_csv(out / "tables" / "blame_attributions.csv")["blamed"]
    assert "rebels" in set(blamed)


def test_cli_blame_takes_an_actors_file(news: Path, tmp_path: Path) -> None:
    actors = tmp_path / "actors.toml"
    actors.write_text('[actors.rebels]\naliases = ["the rebels"]\n', encoding="utf-8")
    args = ["blame", str(news), "--where", "outlet == 'CNN'", "-o", str(tmp_path / "b.csv")]
    result = CliRunner().invoke(app, [*args, "--actors", str(actors)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(tmp_path / "b.csv")
    assert set(table["outlet"]) == {"CNN"} and "rebels" in set(table["blamed"])
    missing = CliRunner().invoke(app, [*args, "--actors", str(tmp_path / "none.toml")])
    assert missing.exit_code == 2 and "no such actors file" in missing.stderr


def test_cli_features_streams_a_subset_with_the_documents_columns(news: Path, tmp_path: Path) -> None:
    out = tmp_path / "f.csv"
    args = ["features", str(news), "-o", str(out), "--chunk-size", "5", "--where", "leaning == 'left'"]
    result = CliRunner().invoke(app, [*args, "--to", "2024-03-21"])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert table.columns[:7].tolist() == [
        "doc_id", "outlet", "date", "language", "language_supported", "leaning", "wire"
    ]  # fmt: skip
    assert len(table) == 4 and set(table["leaning"]) == {"left"}
    assert "kept 4 of 24 documents, dropped 20" in result.stderr  # the chunks add up to one record


def test_cli_features_on_a_folder_keeps_outlet_metadata(tiny_corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "f.csv"
    result = CliRunner().invoke(
        app, ["features", str(tiny_corpus), "-o", str(out), "--where", "outlet != 'wire'"]
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert set(table["outlet"]) == {"paper", "tabloid"}
    assert {"outlet_country", "outlet_type", "duplicate_of"} <= set(table.columns)


def test_cli_where_on_a_store_is_its_duckdb_filter(news: Path, tmp_path: Path) -> None:
    pytest.importorskip("duckdb")
    store = tmp_path / "store"
    assert CliRunner().invoke(app, ["ingest", str(news), "--store", str(store), "-q"]).exit_code == 0
    result = CliRunner().invoke(app, ["corpus", "info", str(store), "--json", "--where", "outlet = 'CNN'"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)
    assert list(info["outlets"]) == ["CNN"] and info["summary"]["subsets"][0]["dropped_by_where"] == 20
    bad = CliRunner().invoke(app, ["corpus", "info", str(store), "--where", "drop table x"])
    assert bad.exit_code == 2 and bad.stderr.startswith("error:")
    out = tmp_path / "f.csv"
    args = ["features", str(store), "-o", str(out), "--where", "leaning = 'left'", "--from", "2024-03-21"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert len(table) == 4 and set(table["outlet"]) == {"CNN", "NPR"}
    assert "kept 4 of 24 documents" in result.stderr
    sentences = CliRunner().invoke(app, [*args, "--unit", "sentence"])  # loaded whole, filtered by DuckDB
    assert sentences.exit_code == 0, sentences.output
    assert set(pd.read_csv(out)["doc_id"]) == set(table["doc_id"])


@pytest.mark.parametrize(
    "command",
    [["corpus", "info"], ["features"], ["evidence"], ["blame"], ["report"], ["compare"], ["sample"]],
)
def test_every_command_that_reads_a_corpus_has_the_subset_options(command: list[str]) -> None:
    result = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for option in ("--where", "--from", "--to", "--group-map"):
        assert option in result.output, (command, option)
