"""Boilerplate learned per outlet and shipped furniture lines, removed before measuring."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import framing
from framing.boilerplate import boilerplate_table, learn_boilerplate, normalise_line
from framing.cli import app
from framing.compare import term_counts
from tests.conftest import SHARED_DATA, WIRE_STORY, write_jsonl

NOTE = (
    "Editor's note: the candidate is a serial liar and a rampant xenophobe who has pledged outrageous, "
    "horrifying bans."
)
STORIES = [
    "The senator spoke to voters in Ohio on Monday about trade.",
    "The council approved the budget for 2024 after a long debate.",
    "Officials said the bridge would reopen in the spring.",
    "The court heard arguments about the zoning rules on Tuesday.",
    "Farmers in the county reported a better harvest than last year.",
]


def _records() -> list[dict]:
    records = []
    for i, story in enumerate(STORIES):  # the note in 4 of 5 documents of "post"
        text = f"{story}\n\n{NOTE}" if i < 4 else story
        records.append({"id": f"post-{i}", "outlet": "post", "text": text})
    for i, story in enumerate(STORIES[:3]):  # a second outlet that never prints the note
        records.append({"id": f"daily-{i}", "outlet": "daily", "text": f"{story} Daily report number {i}."})
    return records


@pytest.fixture
def noted(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "noted.jsonl", _records())


def test_a_repeated_editors_note_is_learned_and_removed(noted: Path) -> None:
    corpus = framing.load_corpus(noted)
    texts = dict(zip(corpus.documents["doc_id"], corpus.documents["text"], strict=True))
    assert texts["post-0"] == STORIES[0]
    assert "Editor's note" not in " ".join(texts.values())
    assert corpus.documents.set_index("doc_id").loc["post-0", "tokens"] == 11
    table = boilerplate_table(corpus)
    assert table.to_dict("records") == [
        {
            "pattern": normalise_line(NOTE),
            "outlet": "post",
            "documents": 4,
            "outlet_documents": 5,
            "source": "learned",
        }
    ]
    assert corpus.summary.boilerplate_lines_removed == 4
    assert any("1 boilerplate pattern removed (1 learned" in line for line in corpus.summary.lines())
    # the note is emotive: it no longer counts
    features = framing.extract(corpus)
    assert features.loc[features["outlet"] == "post", "emotive_count"].sum() == 0


def test_a_reworded_copy_of_a_learned_note_is_removed_too(tmp_path: Path) -> None:
    reworded = NOTE.replace("a serial liar and a rampant xenophobe", "a rampant xenophobe and a serial liar")
    unrelated = "Editor's note: the candidate is due to speak in Ohio on Monday at the county fairground."
    records = [
        *_records(),
        {"id": "post-x", "outlet": "post", "text": f"The mayor resigned.\n{reworded}"},
        {"id": "post-y", "outlet": "post", "text": f"The mayor stayed.\n{unrelated}"},
    ]
    corpus = framing.load_corpus(write_jsonl(tmp_path / "r.jsonl", records))
    texts = corpus.documents.set_index("doc_id")["text"]
    assert texts["post-x"] == "The mayor resigned."
    assert texts["post-y"] == f"The mayor stayed.\n{unrelated}"  # same first words, other content
    assert boilerplate_table(corpus)["documents"].tolist() == [5]


def test_keep_boilerplate_keeps_the_note(noted: Path) -> None:
    corpus = framing.load_corpus(noted, keep_boilerplate=True)
    assert corpus.documents["text"].str.contains("Editor's note").sum() == 4
    assert corpus.summary.boilerplate == []
    assert framing.extract(corpus)["emotive_count"].sum() > 0


def test_evidence_offsets_refer_to_the_text_after_removal(tmp_path: Path) -> None:
    records = [
        {"id": f"d{i}", "outlet": "post", "text": f"Advertisement:\n{NOTE}\n{story} It was a chilling day."}
        for i, story in enumerate(STORIES)
    ]
    corpus = framing.load_corpus(write_jsonl(tmp_path / "a.jsonl", records))
    rows = framing.evidence(corpus, cue="emotive")
    assert list(rows["matched_text"]) == ["chilling"] * 5
    texts = corpus.documents.set_index("doc_id")["text"]
    for row in rows.itertuples():
        assert texts[row.doc_id][row.start : row.end] == "chilling"
    sources = set(boilerplate_table(corpus)["source"])
    assert sources == {"learned"}  # "Advertisement:" recurs in every document, so it is learned first


def test_a_line_in_a_third_of_a_small_outlet_is_not_enough(tmp_path: Path) -> None:
    # 2 of 5 documents: below the minimum of 3 documents
    texts = [f"{s}\n\n{NOTE}" if i < 2 else s for i, s in enumerate(STORIES)]
    records = [{"id": f"d{i}", "outlet": "post", "text": t} for i, t in enumerate(texts)]
    corpus = framing.load_corpus(write_jsonl(tmp_path / "b.jsonl", records))
    assert corpus.documents["text"].str.contains("Editor's note").sum() == 2
    assert corpus.summary.boilerplate == []


def test_syndicated_copies_do_not_make_a_story_boilerplate(tmp_path: Path) -> None:
    # one wire story carried by three outlets, and three times by one of them: its text stays
    paragraphs = WIRE_STORY.replace(". ", ".\n", 3)
    records = [{"id": f"{o}-wire", "outlet": o, "text": paragraphs} for o in ("a", "b", "c")]
    records += [{"id": f"a-copy{i}", "outlet": "a", "text": paragraphs} for i in range(3)]
    records += [{"id": f"a-own{i}", "outlet": "a", "text": s} for i, s in enumerate(STORIES)]
    corpus = framing.load_corpus(write_jsonl(tmp_path / "w.jsonl", records))
    assert corpus.summary.boilerplate == []
    assert (corpus.documents["text"] == paragraphs).sum() == 6


def test_a_line_that_is_the_whole_document_is_not_learned() -> None:
    docs = pd.DataFrame({"outlet": ["a"] * 4, "text": ["Breaking news."] * 3 + ["Story.\nBreaking news."]})
    assert learn_boilerplate(docs) == {}


def test_shipped_caption_and_credit_lines_are_removed(tmp_path: Path) -> None:
    records = [
        {
            "id": "npr",
            "outlet": "npr",
            "text": "Enlarge this image toggle caption Jane Doe/AP Jane Doe/AP\nThe vote was close.",
        },
        {
            "id": "bbc",
            "outlet": "bbc",
            "text": "Image copyright Reuters Image caption A man at a rally\nThe vote was close, he said.",
        },
        {
            "id": "gdn",
            "outlet": "gdn",
            "text": "Facebook Twitter Pinterest The senator. Photograph: AP\nThe count went on late.",
        },
        {"id": "pol", "outlet": "pol", "text": "The count went on.\nStory Continued Below\nIt ended at 2am."},
        {
            # an embedded video playlist: one line per video, each with its own title, never learned
            "id": "cnn",
            "outlet": "cnn",
            "text": "The count went on.\nJUST WATCHED Torture claims probed Replay More Videos ... "
            "MUST WATCH Torture claims probed 02:14\nIt ended at 2am.",
        },
    ]
    corpus = framing.load_corpus(write_jsonl(tmp_path / "s.jsonl", records))
    texts = dict(zip(corpus.documents["doc_id"], corpus.documents["text"], strict=True))
    assert texts == {
        "npr": "The vote was close.",
        "bbc": "The vote was close, he said.",
        "gdn": "The count went on late.",
        "pol": "The count went on.\nIt ended at 2am.",
        "cnn": "The count went on.\nIt ended at 2am.",
    }
    table = boilerplate_table(corpus)
    assert set(zip(table["outlet"], table["pattern"], table["source"], strict=True)) == {
        ("npr", "enlarge this image", "shipped"),
        ("bbc", "image copyright", "shipped"),
        ("gdn", "facebook twitter pinterest", "shipped"),
        ("pol", "story continued below", "shipped"),
        ("cnn", "replay more videos", "shipped"),
    }


def test_a_document_of_boilerplate_only_is_kept_and_counted(tmp_path: Path) -> None:
    records = [{"id": "x", "outlet": "o", "text": "Story Continued Below\nhide caption"}]
    corpus = framing.load_corpus(write_jsonl(tmp_path / "x.jsonl", records))
    assert len(corpus) == 1
    assert corpus.summary.boilerplate_only == 1
    assert "1 documents of boilerplate lines only, kept whole" in corpus.summary.lines()


def test_the_cli_lists_patterns_and_keep_boilerplate_turns_removal_off(noted: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["corpus", "info", str(noted), "--json"])
    assert result.exit_code == 0, result.output
    patterns = json.loads(result.stdout)["summary"]["boilerplate"]
    assert patterns == [
        {"pattern": normalise_line(NOTE), "outlet": "post", "documents": 4, "source": "learned"}
    ]
    kept = runner.invoke(app, ["corpus", "info", str(noted), "--json", "--keep-boilerplate"])
    assert json.loads(kept.stdout)["summary"]["boilerplate"] == []
    for args in (["--unit", "document"], ["--unit", "document", "--chunk-size", "2"]):
        out = tmp_path / "f.csv"
        result = runner.invoke(app, ["features", str(noted), "-o", str(out), *args])
        assert result.exit_code == 0, result.output
        streamed = pd.read_csv(out)
        assert streamed.loc[streamed["doc_id"] == "post-0", "tokens"].item() == 11
        assert "1 boilerplate pattern removed" in result.stderr
    result = runner.invoke(app, ["features", str(noted), "-o", str(out), "--keep-boilerplate"])
    assert pd.read_csv(out).loc[lambda f: f["doc_id"] == "post-0", "tokens"].item() > 11


def test_distinctive_words_need_a_letter() -> None:
    counts = term_counts(["___ ___ 2019 blamed", "-- 77 denied"], ["a", "b"])
    assert sorted(counts["term"]) == ["blamed", "denied"]


@pytest.mark.skipif(
    not (SHARED_DATA / "allsides" / "dev.jsonl").is_file(),
    reason=f"AllSides file not found at {SHARED_DATA / 'allsides' / 'dev.jsonl'}",
)
def test_allsides_furniture_is_removed() -> None:
    corpus = framing.load_corpus(SHARED_DATA / "allsides" / "dev.jsonl")
    table = boilerplate_table(corpus)
    found = set(zip(table["outlet"], table["pattern"], strict=True))
    assert ("Salon", "advertisement:") in found
    assert ("Politico", "story continued below") in found
    assert ("NPR Online News", "toggle caption") in found
    salon = corpus.documents.loc[corpus.documents["outlet"] == "Salon", "text"]
    assert not salon.str.contains(r"(?m)^Advertisement:$").any()
    assert not corpus.documents["text"].str.contains("(?i)toggle caption|hide caption").any()
    # CNN's embedded video playlist: a line per video, each with its own title (so none is learned)
    assert ("CNN (Web News)", "replay more videos") in found
    assert not corpus.documents["text"].str.contains("(?i)replay more videos").any()


@pytest.mark.skipif(
    not (SHARED_DATA / "polnear" / "dev.jsonl").is_file(),
    reason=f"PolNeAR file not found at {SHARED_DATA / 'polnear' / 'dev.jsonl'}",
)
def test_polnear_huffpost_editors_note_is_removed() -> None:
    corpus = framing.load_corpus(SHARED_DATA / "polnear" / "dev.jsonl")
    table = boilerplate_table(corpus)
    notes = table[(table["outlet"] == "HuffPost") & table["pattern"].str.startswith("editor's note")]
    assert notes["documents"].sum() >= 20  # 16 exact copies, 4 reworded ones
    assert ("New York Times", "abstract.") in set(zip(table["outlet"], table["pattern"], strict=True))


def test_the_report_lists_the_removed_patterns(noted: Path, tmp_path: Path) -> None:
    out = tmp_path / "report"
    args = ["report", str(noted), "-o", str(out), "--resamples", "20", "--permutations", "20", "-q"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "tables" / "boilerplate.csv")
    assert table[["outlet", "documents", "outlet_documents", "source"]].values.tolist() == [
        ["post", 4, 5, "learned"]
    ]
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "Boilerplate removed" in page
    assert "1 boilerplate pattern was removed before measuring: 1 learned" in page
    assert "## Boilerplate removed" in (out / "report.md").read_text(encoding="utf-8")


def test_ingest_removes_boilerplate_unless_kept(noted: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    for flags, notes in (([], 0), (["--keep-boilerplate"], 4)):
        store = tmp_path / f"store{len(flags)}"
        result = runner.invoke(app, ["ingest", str(noted), "--store", str(store), "-q", *flags])
        assert result.exit_code == 0, result.output
        texts = framing.load_corpus(store).documents["text"]
        assert texts.str.contains("Editor's note").sum() == notes
    result = runner.invoke(app, ["corpus", "info", str(tmp_path / "store0"), "--keep-boilerplate"])
    assert result.exit_code == 2
    assert "ingest the sources into a new store with --keep-boilerplate" in result.stderr
