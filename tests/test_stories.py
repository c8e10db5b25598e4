"""Same-story clustering (framing.stories) and within-story comparison (framing.compare.within)."""

from __future__ import annotations

import gc
import importlib.util
import tempfile
import weakref
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from typer.testing import CliRunner

import framing.stories as stories_module
from framing.cli import app
from framing.compare import story_fixed_effects, within_story
from framing.errors import InputError, OptionError
from framing.stories import cluster_stories, story_table
from tests.conftest import OTHER_STORY, REPO, SHARED_DATA, WIRE_COPY, WIRE_STORY, write_jsonl

ATTACK = [
    ("Gunmen attack Crocus concert hall near Moscow",
     "Gunmen opened fire at the Crocus City Hall concert venue in Krasnogorsk near Moscow on Friday, "
     "killing dozens of concertgoers before setting the building on fire."),
    ("Dozens killed at Crocus City Hall concert",
     "Dozens of people were killed when gunmen stormed the Crocus City Hall concert venue in Krasnogorsk, "
     "opening fire on the audience and setting the hall ablaze."),
    ("Massacre at Krasnogorsk concert venue",
     "Attackers with rifles killed dozens at the Crocus City Hall concert in Krasnogorsk and the fire "
     "spread through the venue as the audience fled."),
]  # fmt: skip
BUDGET = [
    ("Parliament passes budget after long night",
     "Lawmakers approved the national budget early on Tuesday after an all-night session, with the finance "
     "minister defending pension cuts and a new fuel tax."),
    ("Budget approved with pension cuts",
     "The national budget passed parliament on Tuesday; the finance minister said the pension cuts and the "
     "fuel tax were needed to close the deficit."),
    ("Fuel tax in new budget angers drivers",
     "Drivers protested the fuel tax in the national budget approved by parliament on Tuesday, as the "
     "finance minister promised to review the pension cuts."),
]  # fmt: skip
OUTLETS = ["A", "B", "C"]


def two_stories(**dates: str) -> pd.DataFrame:
    """Six documents: an attack story and a budget story, each covered by outlets A, B and C."""
    rows = []
    for prefix, story, day in (("attack", ATTACK, "2024-03-22"), ("budget", BUDGET, "2024-03-23")):
        for outlet, (title, text) in zip(OUTLETS, story, strict=True):
            doc_id = f"{prefix}-{outlet}"
            rows.append({"doc_id": doc_id, "outlet": outlet, "date": dates.get(doc_id.replace("-", "_"), day),
                         "title": title, "text": text})  # fmt: skip
    return pd.DataFrame(rows)


def story_of(result: pd.DataFrame) -> dict[str, int]:
    return dict(zip(result["doc_id"], result["story_id"], strict=True))


def test_two_stories_of_three_outlets_are_found() -> None:
    result = cluster_stories(two_stories())
    assert list(result.columns) == ["doc_id", "story_id", "story_size", "n_outlets", "story_title"]
    stories = story_of(result)
    assert stories == {
        "attack-A": "S1",
        "attack-B": "S1",
        "attack-C": "S1",
        "budget-A": "S2",
        "budget-B": "S2",
        "budget-C": "S2",
    }
    assert result["story_size"].tolist() == [3] * 6
    assert result["n_outlets"].tolist() == [3] * 6
    assert set(result.loc[result["story_id"] == "S1", "story_title"]) <= {title for title, _ in ATTACK}
    assert result.attrs["stories"] == 2


def test_the_date_window_is_respected() -> None:
    late = two_stories(attack_C="2024-05-01")  # the same wording six weeks later: not the same story
    assert story_of(cluster_stories(late))["attack-C"] not in {"S1", "S2"}
    assert (
        story_of(cluster_stories(late, window_days=None))["attack-C"]
        == story_of(cluster_stories(late, window_days=None))["attack-A"]
    )
    # the later story is numbered after the earlier ones
    assert story_of(cluster_stories(late))["attack-C"] == "S3"


def test_an_undated_document_is_compared_with_every_document() -> None:
    docs = two_stories()
    docs.loc[docs["doc_id"] == "budget-B", "date"] = None
    stories = story_of(cluster_stories(docs))
    assert stories["budget-B"] == stories["budget-A"] == stories["budget-C"]


def test_a_syndicated_copy_joins_its_original_even_beyond_the_window() -> None:
    docs = pd.DataFrame(
        {
            "doc_id": ["wire", "copy", "other"],
            "outlet": ["W", "P", "Q"],
            "date": ["2024-03-23", "2024-04-30", "2024-03-24"],
            "title": [None, None, None],
            "text": [WIRE_STORY, WIRE_COPY, OTHER_STORY],
            "duplicate_of": [None, "wire", None],
        }
    )
    stories = story_of(cluster_stories(docs))
    assert stories["copy"] == stories["wire"]
    # without the duplicate mark the copy is six weeks out of the window: a story of its own
    alone = story_of(cluster_stories(docs.drop(columns="duplicate_of")))
    assert alone["copy"] != alone["wire"]


def test_a_title_is_taken_from_the_text_when_there_is_none() -> None:
    docs = two_stories().drop(columns="title")
    result = cluster_stories(docs)
    assert result["story_title"].iloc[0].startswith(("Gunmen opened", "Dozens of people", "Attackers with"))


def test_row_order_and_block_size_do_not_change_the_stories(monkeypatch: pytest.MonkeyPatch) -> None:
    docs = two_stories(attack_C="2024-03-25", budget_A="2024-03-30")
    expected = story_of(cluster_stories(docs))
    shuffled = docs.sample(frac=1.0, random_state=3).reset_index(drop=True)
    result = cluster_stories(shuffled)
    assert result["doc_id"].tolist() == shuffled["doc_id"].tolist()
    assert story_of(result) == expected
    monkeypatch.setattr(stories_module, "_BLOCK_CELLS", 2)  # one row per similarity block
    assert story_of(cluster_stories(docs)) == expected


def test_single_linkage_chains_where_average_linkage_does_not() -> None:
    # A~B and B~C, but A and C share no word: average linkage keeps C out, components chain it in
    docs = pd.DataFrame(
        {
            "doc_id": ["a", "b", "c"],
            "text": [
                "volcano eruption lava ash evacuation",
                "volcano eruption lava ash evacuation harbour ferry strike dockworkers wages",
                "harbour ferry strike dockworkers wages",
            ],
        }
    )
    average = story_of(cluster_stories(docs, threshold=0.5))
    single = story_of(cluster_stories(docs, threshold=0.5, linkage="single"))
    assert len(set(single.values())) == 1
    assert len(set(average.values())) == 2


def test_story_table_lists_outlets_and_dates() -> None:
    docs = two_stories()
    table = story_table(cluster_stories(docs), docs, min_outlets=3)
    assert table["story_id"].tolist() == ["S1", "S2"]
    assert table["outlets"].tolist() == ["A; B; C", "A; B; C"]
    assert table["first_date"].tolist() == ["2024-03-22", "2024-03-23"]
    assert table["doc_ids"].iloc[0] == "attack-A; attack-B; attack-C"
    assert story_table(cluster_stories(docs), docs, min_outlets=4).empty


def test_story_table_dates_outlets_and_order_with_gaps() -> None:
    # a story whose first document is undated, an unknown outlet, an outlet given as a number, an
    # undated story: dates come from the dated documents only, outlets from the known ones
    stories = pd.DataFrame(
        {
            "doc_id": ["d1", "d2", "d3", "d4", "d5", "d6"],
            "story_id": ["S2", "S1", "S2", "S1", "S3", "S2"],
            "story_title": ["Budget", "Attack", "Budget", "Attack", "Quiet", "Budget"],
        }
    )
    docs = pd.DataFrame(
        {
            "doc_id": ["d1", "d2", "d3", "d4", "d5", "d6"],
            "outlet": ["B", None, "A", 7, None, "B"],
            "date": [None, "2024-03-22", "2024-03-25", "2024-03-21", "not a date", "2024-03-23"],
        }
    )
    table = story_table(stories, docs, min_outlets=0)
    assert table.fillna("").to_dict("records") == [
        {"story_id": "S1", "documents": 2, "n_outlets": 1, "outlets": "7", "first_date": "2024-03-21",
         "last_date": "2024-03-22", "story_title": "Attack", "doc_ids": "d4; d2"},
        {"story_id": "S2", "documents": 3, "n_outlets": 2, "outlets": "A; B", "first_date": "2024-03-23",
         "last_date": "2024-03-25", "story_title": "Budget", "doc_ids": "d6; d3; d1"},
        {"story_id": "S3", "documents": 1, "n_outlets": 0, "outlets": "", "first_date": "",
         "last_date": "", "story_title": "Quiet", "doc_ids": "d5"},
    ]  # fmt: skip
    assert story_table(stories, docs)["story_id"].tolist() == ["S1", "S2"]
    assert story_table(stories, docs, min_outlets=2)["story_id"].tolist() == ["S2"]
    assert story_table(stories, docs.drop(columns=["date", "outlet"]))["first_date"].isna().all()
    assert story_table(stories.iloc[:0], docs).columns.tolist() == stories_module.STORY_TABLE_COLUMNS


@pytest.mark.parametrize("chunk", [1, 2, 10_000])
def test_story_table_made_in_chunks_is_the_table_of_all_rows_at_once(monkeypatch, chunk) -> None:
    # issue 8: the rows are made a chunk of stories at a time; a chunk whose stories are all undated has
    # no date string, and its column must still join the others' as one string column
    stories = pd.DataFrame(
        {"doc_id": ["d1", "d2", "d3", "d4", "d5"], "story_id": [1, 1, 2, 3, 3], "story_title": list("AABCC")}
    )
    docs = pd.DataFrame(
        {
            "doc_id": ["d1", "d2", "d3", "d4", "d5"],
            "outlet": ["x", "y", "x", "y", "y"],
            "date": [None, None, "2024-03-22", "2024-03-24", "2024-03-23"],
        }
    )
    monkeypatch.setattr(stories_module, "_STORY_ROWS", chunk)
    table = story_table(stories, docs)
    assert table["first_date"].tolist()[1:] == ["2024-03-22", "2024-03-23"]
    assert pd.isna(table["first_date"].iloc[0])
    assert table["doc_ids"].tolist() == ["d1; d2", "d3", "d5; d4"]
    assert table["n_outlets"].tolist() == [2, 1, 1]
    assert table["first_date"].dtype == table["outlets"].dtype == "str"
    assert table.index.tolist() == [0, 1, 2]
    assert table["documents"].dtype == np.int64
    assert story_table(stories, docs, min_outlets=2)["story_id"].tolist() == [1]
    undated = story_table(stories, docs.drop(columns=["date"]))
    assert undated["first_date"].dtype == object and undated["first_date"].isna().all()


def test_only_stop_words_and_empty_input_give_well_formed_results() -> None:
    docs = pd.DataFrame({"doc_id": ["a", "b"], "text": ["the and of", ""]})
    assert cluster_stories(docs)["story_id"].tolist() == ["S1", "S2"]
    assert cluster_stories(docs.iloc[:0]).empty


# texts that test the tokens (Unicode word characters, digits, underscores, one-letter words, case
# changes that change the length: "İ" lower-cases to "i" + a combining dot), empty texts, texts of stop words
# only, words first met late and in a later chunk
VECTORISED_TEXTS = [
    "Gunmen attacked the Crocus concert hall; 137 people died, the_suspects fled.",
    "",
    "the and of to a",
    "ΣΟΦΟΣ ΟΔΥΣΣΕΥΣ σοφός: Έλληνες, İstanbul İİ DİYARBAKIR straße STRASSE ﬁle Ǆemal",
    "Москва: теракт в «Крокус Сити Холл», 22.03.2024 — погибли 145 человек",
    "x y z 1 2 _ __ a_b 3d 2024 ２０２４ ½ ² café cafe\u0301 naïve 北京 東京 𝐀𝐁 😀😀 e\u0301e",
    "\t\n  Concert   HALL  hall Hall\r\nconcert-hall concert_hall",
    "   ",
    "Zebra apples; apples zebra. Mango kiwi kiwi kiwi! banana",
    "it's won't l'été O'Brien's don\u2019t 3.14 1,000,000 e-mail",
    "the",
    "a new word at the end: zzyzx aardvark Concert",
]


def _same_sparse(new, old) -> None:
    assert new.shape == old.shape
    for attribute in ("data", "indices", "indptr"):
        mine, theirs = getattr(new, attribute), getattr(old, attribute)
        assert mine.dtype == theirs.dtype, attribute
        assert np.array_equal(mine, theirs), attribute


@pytest.mark.parametrize("chunk", [1000, 2])
def test_term_counts_and_tfidf_are_scikit_learns_bit_for_bit(
    chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # _tfidf counts the terms itself (scikit-learn's counting loop is Python) and must give the matrix
    # TfidfVectorizer gives, entry order in each row included (float32 sums over a row depend on it)
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

    monkeypatch.setattr(stories_module, "_COUNT_CHUNK", chunk)
    texts = VECTORISED_TEXTS + [VECTORISED_TEXTS[i] for i in (4, 0, 3)] + ["Kiwi " * 40, "unique" + "x" * 50]
    counted = stories_module._term_counts(texts)
    _same_sparse(counted, CountVectorizer(stop_words="english", dtype=np.float32).fit_transform(texts))
    assert not counted.has_sorted_indices  # first-met order, not column order, as scikit-learn's
    reference = TfidfVectorizer(stop_words="english", sublinear_tf=True, dtype=np.float32)
    _same_sparse(stories_module._tfidf(pd.Series(texts)), reference.fit_transform(texts).tocsr())
    for only_stop_words in (["the and of", "", "a"], [], ["x 1 _"]):
        assert stories_module._term_counts(only_stop_words) is None
        assert stories_module._tfidf(pd.Series(only_stop_words, dtype=object)) is None


def _reference_edges(vectors, days, window_days, floor, neighbours):
    """The similarity graph from one product of all documents with all (what the blocks must give)."""
    full = (vectors @ vectors.T).tocoo()
    i, j, s = full.row.astype(np.int64), full.col.astype(np.int64), full.data
    gap = np.abs(days[i] - days[j]) if window_days is not None else np.zeros(len(i))
    keep = (i != j) & (s >= floor) & ~(gap > (window_days if window_days is not None else 0))
    i, j, s = i[keep], j[keep], s[keep]
    order = np.lexsort((j, -s, i))
    i, j, s = i[order], j[order], s[order]
    top = (np.arange(i.size) - np.searchsorted(i, i)) < neighbours
    edges = {}
    for a, b, c in zip(i[top], j[top], s[top], strict=True):
        edges.setdefault((min(a, b), max(a, b)), c)  # the lower row's own cosine first
    return edges


@pytest.mark.parametrize("window_days", [1, 7, None])
@pytest.mark.parametrize(("block_cells", "part_rows"), [(2, 1), (50, 3), (2_000_000, 1_000), (50, 1_000)])
def test_blocked_edges_are_the_cosines_of_one_product(
    window_days, block_cells, part_rows, monkeypatch
) -> None:
    # the blocks (and the candidates in parts of days, each transposed once for all blocks) must give the
    # very cosines (float32, bit for bit) and neighbours of one product of every document with every other
    monkeypatch.setattr(stories_module, "_BLOCK_CELLS", block_cells)
    monkeypatch.setattr(stories_module, "_PART_ROWS", part_rows)
    texts = [f"{title} {text}" for title, text in ATTACK + BUDGET] + VECTORISED_TEXTS
    texts += [WIRE_STORY, WIRE_COPY, OTHER_STORY] * 2
    days = np.array([0, 0, 1, 2, 3, 3, 5, 6, 9, 9, 9, 12, 15, 15, 16, 30, 31, 31] + [np.nan] * 6, dtype=float)
    vectors = stories_module._tfidf(pd.Series(texts))
    assert vectors is not None and len(days) == vectors.shape[0]
    for neighbours in (1, 3, 30):
        i, j, s = stories_module._edges(vectors, days, window_days, 0.05, neighbours)
        found = dict(zip(zip(i.tolist(), j.tolist(), strict=True), s.tolist(), strict=True))
        expected = _reference_edges(vectors, days, window_days, 0.05, neighbours)
        assert found == {pair: float(c) for pair, c in expected.items()}
        assert len(found) > neighbours


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"threshold": 0}, "threshold"),
        ({"threshold": 1.5}, "threshold"),
        ({"window_days": -1}, "window_days"),
        ({"neighbours": 0}, "neighbours"),
        ({"linkage": "complete"}, "linkage"),
    ],
)
def test_bad_options_are_refused(options: dict, message: str) -> None:
    with pytest.raises(OptionError, match=message):
        cluster_stories(two_stories(), **options)


def test_bad_tables_are_refused() -> None:
    with pytest.raises(InputError, match="text"):
        cluster_stories(pd.DataFrame({"doc_id": ["a"]}))
    with pytest.raises(InputError, match="more than once"):
        cluster_stories(pd.DataFrame({"doc_id": ["a", "a"], "text": ["x", "y"]}))


# ---- within-story comparison -------------------------------------------------------------------------


def features_of(rows: list[tuple[str, str, int, float]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(doc_id, outlet, story_id, emotive_rate) rows -> a feature table (100 tokens each) and stories."""
    features = pd.DataFrame(
        {
            "doc_id": [r[0] for r in rows],
            "outlet": [r[1] for r in rows],
            "tokens": 100,
            "emotive_count": [int(r[3] / 10) for r in rows],
            "emotive_rate": [r[3] for r in rows],
        }
    )
    stories = pd.DataFrame({"doc_id": [r[0] for r in rows], "story_id": [r[2] for r in rows]})
    return features, stories


def test_story_mix_is_separated_from_framing() -> None:
    # A covers the violent story three times, B once: overall A looks more emotive, within stories it is not
    features, stories = features_of(
        [("a1", "A", 1, 40.0), ("a2", "A", 1, 40.0), ("a3", "A", 1, 40.0), ("a4", "A", 2, 0.0),
         ("b1", "B", 1, 40.0), ("b2", "B", 2, 0.0), ("b3", "B", 2, 0.0), ("b4", "B", 2, 0.0)]
    )  # fmt: skip
    row = within_story(features, stories, n_resamples=1000).iloc[0]
    assert (row["group_a"], row["group_b"], row["stories"]) == ("A", "B", 2)
    assert row["overall_difference"] == pytest.approx(20.0)
    assert row["difference"] == pytest.approx(0.0)
    assert row["p_value"] == pytest.approx(1.0)
    assert (row["documents_a"], row["documents_b"]) == (4, 4)
    effects = story_fixed_effects(features, stories, n_resamples=1000)
    assert effects["effect"].tolist() == pytest.approx([0.0, 0.0])
    assert effects["mean_rate"].tolist() == pytest.approx([30.0, 10.0])


def test_paired_differences_and_the_exact_sign_flip_test() -> None:
    features, stories = features_of(
        [("a1", "A", 1, 30.0), ("b1", "B", 1, 10.0), ("a2", "A", 2, 20.0), ("b2", "B", 2, 10.0),
         ("a3", "A", 3, 50.0), ("b3", "B", 3, 20.0), ("c1", "C", 4, 90.0)]
    )  # fmt: skip
    table = within_story(features, stories, n_resamples=1000, seed=7)
    ab = table.iloc[0]
    assert ab["difference"] == pytest.approx((20 + 10 + 30) / 3)
    assert ab["mean_rate_a"] == pytest.approx(100 / 3)
    # 8 sign patterns; only all-plus and all-minus reach |mean| = 20
    assert ab["p_value"] == pytest.approx(2 / 8)
    assert ab["ci_low"] >= 10.0 and ab["ci_high"] <= 30.0
    # C shares no story: its pairs have no statistics
    assert table.loc[table["group_b"] == "C", "stories"].tolist() == [0, 0]
    assert table.loc[table["group_b"] == "C", "difference"].isna().all()
    assert table.attrs["stories_with_two_groups"] == 3
    again = within_story(features.sample(frac=1.0, random_state=1), stories, n_resamples=1000, seed=7)
    pd.testing.assert_frame_equal(table, again)
    effects = story_fixed_effects(features, stories, n_resamples=1000).set_index("outlet")
    assert effects.loc["A", "effect"] == pytest.approx(10.0)
    assert effects.loc["B", "effect"] == pytest.approx(-10.0)
    assert effects.loc["C", "stories"] == 0 and np.isnan(effects.loc["C", "effect"])


def test_documents_without_a_story_are_counted_and_bad_tables_refused() -> None:
    features, stories = features_of([("a1", "A", 1, 30.0), ("b1", "B", 1, 10.0), ("b2", "B", 2, 10.0)])
    table = within_story(features, stories[stories["doc_id"] != "b2"], n_resamples=1000)
    assert table.attrs["documents_without_story"] == 1
    assert table["stories"].tolist() == [1]
    # b2 counts in B's overall rate (10), not in the story comparison
    assert table["overall_difference"].tolist() == [20.0]
    # a group none of whose documents is in the story table: no story, but an overall rate (was a KeyError)
    alone = within_story(features, stories[stories["doc_id"] == "a1"], n_resamples=1000)
    assert alone["stories"].tolist() == [0]
    assert alone["overall_difference"].tolist() == [20.0]
    effects = story_fixed_effects(features, stories[stories["doc_id"] == "a1"], n_resamples=1000)
    assert effects["mean_rate"].tolist() == [30.0, 10.0]
    with pytest.raises(InputError, match="story_id"):
        within_story(features, stories.drop(columns="story_id"))
    with pytest.raises(OptionError, match="unknown cue"):
        within_story(features, stories, cue="hedging")


# ---- command line and report -------------------------------------------------------------------------


def test_cli_lists_stories_and_writes_tables(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "docs.jsonl", two_stories().to_dict("records"))
    out, per_document = tmp_path / "stories.csv", tmp_path / "documents.csv"
    result = CliRunner().invoke(
        app, ["stories", str(source), "-o", str(out), "--documents", str(per_document), "--quiet"]
    )
    assert result.exit_code == 0, result.output
    assert "6 documents, 2 stories, 2 covered by 2+ outlets" in result.output
    table = pd.read_csv(out)
    assert table["n_outlets"].tolist() == [3, 3]
    assert pd.read_csv(per_document)["story_id"].tolist() == ["S1"] * 3 + ["S2"] * 3
    bad = CliRunner().invoke(app, ["stories", str(source), "--threshold", "2"])
    assert bad.exit_code == 2
    assert "threshold" in bad.output and "Traceback" not in bad.output


def test_crocus_splits_its_one_event_into_sub_stories() -> None:
    from framing.corpus import load_corpus

    corpus = load_corpus(REPO / "corpora" / "crocus")
    stories = cluster_stories(corpus)
    table = story_table(stories, corpus, min_outlets=2)
    # the attack day, the arrests, the court hearing, the FSB accusations, migrants, the memorial
    assert len(table) >= 4
    # 21 stories: ids are zero-padded labels that sort in story order
    assert stories["story_id"].str.fullmatch(r"S\d\d").all()
    assert sorted(stories["story_id"].unique())[:2] == ["S01", "S02"]
    assert table["story_title"].iloc[0].startswith("Dozens killed in attack on Moscow concert hall")
    # the wire story and its two republications are one story
    copies = corpus.documents.loc[corpus.documents["duplicate_of"].notna(), ["doc_id", "duplicate_of"]]
    story = story_of(stories)
    assert len(copies) and all(story[d] == story[o] for d, o in copies.itertuples(index=False))


BASIL = SHARED_DATA / "basil" / "articles.jsonl"


@pytest.mark.skipif(
    not BASIL.exists(), reason=f"BASIL not found at {BASIL} (../shared/data next to the repo)"
)
def test_basil_events_are_recovered() -> None:
    # benchmarks/story_clustering.py: ARI 1.000 on the inspected half A, 0.940 on the unseen half B with the
    # defaults; single linkage gave 0.75 on B. A floor of 0.9 on the unseen half leaves room for small
    # changes of scikit-learn's tokens or stop words and still fails a fall back to chaining.
    spec = importlib.util.spec_from_file_location(
        "story_clustering", REPO / "benchmarks" / "story_clustering.py"
    )
    assert spec is not None and spec.loader is not None
    benchmark = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(benchmark)
    documents = benchmark.basil_documents(BASIL)
    unseen = documents[documents["half"] == "B"]
    assert benchmark.ari(unseen) >= 0.9
    assert benchmark.ari(documents) >= 0.9


def test_the_report_has_a_within_story_section(tmp_path: Path) -> None:
    from framing.corpus import load_corpus
    from framing.report import build_report

    source = write_jsonl(tmp_path / "docs.jsonl", two_stories().to_dict("records"))
    report = build_report(load_corpus(source), tmp_path / "out", n_resamples=1000, n_permutations=1000)
    stories = pd.read_csv(tmp_path / "out" / "tables" / "stories.csv")
    assert stories["n_outlets"].tolist() == [3, 3]
    within = pd.read_csv(tmp_path / "out" / "tables" / "within_story.csv")
    # three pairs of outlets x the report's cues, each pair sharing both stories
    assert set(within["stories"]) == {2}
    assert len(within) == 3 * len(report.analysis.cues)
    assert (tmp_path / "out" / "tables" / "story_effects.csv").is_file()
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert 'id="within-story" open><summary><h2>Within-story comparison</h2>' in page
    assert "Gunmen attack Crocus concert hall" in page or "Dozens killed at Crocus City Hall" in page
    markdown = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert "## Within-story comparison" in markdown
    assert "2 stories, 2 of them covered by two or more outlets" in markdown


def test_within_story_pairs_never_cross_languages() -> None:
    # regression: the Ukrainian outlet was compared with English ones within stories, although rates from
    # different lexicons are compared only within a language
    from framing.corpus import load_corpus
    from framing.report import analyse

    analysis = analyse(load_corpus(REPO / "corpora" / "crocus"), n_resamples=50, n_permutations=50)
    language = analysis.corpus.documents.groupby("outlet")["language"].first()
    within = analysis.tables["within_story"]
    assert set(within["language"]) == {"en", "ru"}  # one Ukrainian outlet: nothing to compare within uk
    for row in within.itertuples():
        assert language[row.group_a] == language[row.group_b] == row.language
    assert analysis.tables["stories"]["story_id"].str.match(r"^(en|ru)-S\d+$").all()


# ---- spooled corpora (texts on disk, framing.spool) -------------------------------------------------------


def _old_average_linkage(n: int, edges: dict[tuple[int, int], float], threshold: float) -> np.ndarray:
    """Average linkage over the whole graph at once, as cluster_stories did before it merged each
    component of the strong edges on its own (the reference the per-component merging must match)."""
    import heapq

    links: list[dict[int, float]] = [{} for _ in range(n)]
    for (a, b), s in edges.items():
        links[a][b] = s
        links[b][a] = s
    size, parent = [1] * n, list(range(n))
    heap = [(-s, a, b) for (a, b), s in edges.items() if s >= threshold]
    heapq.heapify(heap)
    while heap:
        negative, a, b = heapq.heappop(heap)
        if parent[a] != a or parent[b] != b or b not in links[a]:
            continue
        if links[a][b] / (size[a] * size[b]) != -negative:
            continue
        keep, gone = (a, b) if size[a] >= size[b] else (b, a)
        for other, total in links[gone].items():
            if other == keep:
                continue
            merged = links[keep].get(other, 0.0) + total
            links[keep][other] = merged
            links[other][keep] = merged
            del links[other][gone]
        del links[keep][gone]
        links[gone] = {}
        size[keep] += size[gone]
        parent[gone] = keep
        for other, total in links[keep].items():
            average = total / (size[keep] * size[other])
            if average >= threshold:
                heapq.heappush(heap, (-average, min(keep, other), max(keep, other)))
    return np.array([stories_module._root(parent, i) for i in range(n)])


@pytest.mark.parametrize("seed", range(6))
def test_average_linkage_by_component_is_the_linkage_of_the_whole_graph(seed: int) -> None:
    # random sparse graphs with cosines around the threshold, ties included: the same clusters and the
    # same root for each (the per-component pass keeps only one component's dictionaries in memory)
    rng = np.random.default_rng(seed)
    n = 300
    pairs = rng.integers(0, n, size=(1500, 2))
    pairs = np.unique(np.sort(pairs[pairs[:, 0] != pairs[:, 1]], axis=1), axis=0)
    cosine = rng.choice([0.1, 0.15, 0.2, 0.25, 0.5, 1.0], size=len(pairs)) * rng.choice(
        [1.0, 0.9], len(pairs)
    )
    a, b = pairs[:, 0], pairs[:, 1]
    edges = dict(zip(zip(a.tolist(), b.tolist(), strict=True), cosine.tolist(), strict=True))
    for threshold in (0.2, 0.3):
        new = stories_module._average_linkage(n, a, b, cosine, threshold)
        assert new.tolist() == _old_average_linkage(n, edges, threshold).tolist()
        assert len(set(new.tolist())) < n  # some merges happened


def test_term_counts_read_once_from_a_stream_are_those_of_the_list() -> None:
    texts = VECTORISED_TEXTS * 3
    streamed = stories_module._term_counts(iter(texts), len(texts))
    _same_sparse(streamed, stories_module._term_counts(texts))
    with pytest.raises(ValueError, match="texts for"):
        stories_module._term_counts(iter(texts), len(texts) + 1)


def test_candidate_parts_close_at_a_change_of_day() -> None:
    days = np.array([0, 0, 0, 1, 2, 2, 2, 2, 5, 9], dtype=float)
    assert stories_module._part_starts(days, 1).tolist() == [0, 3, 4, 8, 9, 10]
    assert stories_module._part_starts(days, 4).tolist() == [0, 4, 8, 10]  # a day is never split
    assert stories_module._part_starts(days, 100).tolist() == [0, 10]
    assert stories_module._part_starts(days[:0], 4).tolist() == [0]


def test_neighbours_need_documents_sorted_by_date_undated_last() -> None:
    vectors = stories_module._tfidf(pd.Series(["concert hall attack", "concert hall fire", "budget vote"]))
    for days in ([2.0, 1.0, 3.0], [np.nan, 1.0, 2.0]):
        with pytest.raises(ValueError, match="sorted by date"):
            stories_module._edges(vectors, np.array(days), 7, 0.05, 3)
    i, _, _ = stories_module._edges(vectors, np.array([np.nan, 1.0, 2.0]), None, 0.05, 3)  # dates ignored
    assert i.size


@pytest.mark.parametrize("window_days", [7, None])
def test_undated_rows_compared_in_candidate_chunks_give_the_same_edges(window_days, monkeypatch) -> None:
    # undated documents meet every document a chunk of candidates at a time: the same cosines and
    # neighbours as one product, whatever the chunk
    texts = [f"{title} {text}" for title, text in ATTACK + BUDGET] + VECTORISED_TEXTS
    texts += [WIRE_STORY, WIRE_COPY, OTHER_STORY] * 2
    days = np.array([0, 0, 1, 2, 3, 3, 5, 6, 9, 9, 9, 12, 15, 15, 16, 30, 31, 31] + [np.nan] * 6, dtype=float)
    vectors = stories_module._tfidf(pd.Series(texts))
    expected = _reference_edges(vectors, days, window_days, 0.05, 3)
    for candidates, cells in ((1, 2), (5, 20), (7, 7000)):
        monkeypatch.setattr(stories_module, "_CANDIDATES", candidates)
        monkeypatch.setattr(stories_module, "_BLOCK_CELLS", cells)
        i, j, s = stories_module._edges(vectors, days, window_days, 0.05, 3)
        found = dict(zip(zip(i.tolist(), j.tolist(), strict=True), s.tolist(), strict=True))
        assert found == {pair: float(c) for pair, c in expected.items()}


def _untitled(documents: pd.DataFrame) -> pd.DataFrame:
    """Half the titles blanked: those stories are titled from their texts (read from the spool)."""
    return documents.assign(title=[t if k % 2 else None for k, t in enumerate(documents["title"])])


@pytest.mark.parametrize(
    "options", [{}, {"linkage": "single"}, {"window_days": None}, {"title_weight": 0.0, "threshold": 0.3}]
)
def test_a_spooled_table_gives_the_stories_of_the_texts_in_memory(options: dict) -> None:
    from framing.corpus import as_corpus

    documents = _untitled(two_stories(attack_C="2024-05-01", budget_B=""))
    corpus = as_corpus(documents)
    spooled = corpus.spooled()
    assert "text" not in spooled.documents.columns
    expected = cluster_stories(documents, **options)
    for result in (cluster_stories(spooled, **options),
                   cluster_stories(spooled.documents, spool=spooled.spool, **options)):  # fmt: skip
        pd.testing.assert_frame_equal(result, expected)
        assert result.attrs == expected.attrs
    # some stories are titled from the start of a text, read from the spool
    assert options or any(title.endswith("…") for title in expected["story_title"])


def test_crocus_spooled_gives_the_same_stories_story_tables_and_worker_results() -> None:
    from framing.corpus import load_corpus
    from framing.features import extract
    from framing.report.stories import BackgroundStories, story_tables

    corpus = load_corpus(REPO / "corpora" / "crocus")
    spooled = corpus.spooled()
    expected = cluster_stories(corpus)
    pd.testing.assert_frame_equal(cluster_stories(spooled), expected)
    untitled = _untitled(corpus.documents)
    pd.testing.assert_frame_equal(
        cluster_stories(_untitled(spooled.documents), spool=spooled.spool), cluster_stories(untitled)
    )
    features = extract(corpus)
    options = {"by": "outlet", "groups": sorted(features["outlet"].unique()), "cues": ["emotive", "hedging"],
               "seed": 3, "n_resamples": 200, "n_permutations": 200}  # fmt: skip
    in_memory = story_tables(corpus.documents, features, **options)
    on_disk = story_tables(spooled.documents, features, spool=spooled.spool, **options)
    assert in_memory.keys() == on_disk.keys()
    for name, table in in_memory.items():
        pd.testing.assert_frame_equal(on_disk[name], table)
    # the report's worker process reads the spool file itself, forked or sent the table and spool
    with BackgroundStories({"all": spooled.documents}, spooled.spool) as background:
        pd.testing.assert_frame_equal(background.get("all"), expected)
        result = weakref.ref(background.get("all"))
    assert spooled.spool.path.exists()  # the worker's copy of the spool never deletes the file
    gc.collect()
    assert result() is None  # regression (issue 8): closed, it held a row per document to the end
    assert background.get("all") is None
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("multiprocessing.get_start_method", lambda allow_none=False: "spawn")
        with BackgroundStories({"all": spooled.documents}, spooled.spool) as background:
            pd.testing.assert_frame_equal(background.get("all"), expected)
    assert spooled.spool.path.exists()


def test_background_stories_wait_in_a_file_until_asked_for(tmp_path, monkeypatch) -> None:
    # regression (issue 8): the worker's result was unpickled in the report's process as soon as it was
    # done and held through every stage before the same-story section
    from framing.corpus import load_corpus
    from framing.report.stories import BackgroundStories

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", None)  # TMPDIR is read again
    spooled = load_corpus(REPO / "corpora" / "crocus").spooled()
    expected = cluster_stories(spooled)
    with BackgroundStories({"all": spooled.documents}, spooled.spool) as background:
        background._call._future.result()  # the worker is done: its result is on disk, not here
        (stored,) = tmp_path.glob("framing-stories-*.pickle")
        assert stored.stat().st_size > 0
        pd.testing.assert_frame_equal(background.get("all"), expected)
        assert not stored.exists()  # read once, then removed
        pd.testing.assert_frame_equal(background.get("all"), expected)
    with BackgroundStories({"all": spooled.documents}, spooled.spool):
        pass  # closed without being asked: its file goes too
    assert not list(tmp_path.glob("framing-stories-*"))


def test_a_spooled_table_without_its_spool_is_refused() -> None:
    from framing.corpus import as_corpus

    spooled = as_corpus(two_stories()).spooled()
    with pytest.raises(InputError, match="spool"):
        cluster_stories(spooled.documents)


@pytest.mark.parametrize("chunk", [2, 5, 1000])
@pytest.mark.parametrize("with_titles", [True, False])
def test_vectors_weighed_chunk_by_chunk_are_those_of_the_whole_matrices(
    chunk, with_titles, monkeypatch
) -> None:
    # the body is weighed, put beside the titles and normalised a chunk of rows at a time: the same matrix,
    # bit for bit, as scikit-learn's vectorisers on all documents, stacked and normalised whole
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    monkeypatch.setattr(stories_module, "_COUNT_CHUNK", chunk)
    texts = VECTORISED_TEXTS + [text for _, text in ATTACK + BUDGET]
    titles = [f"{text[:30]} {k}" if k % 3 else None for k, text in enumerate(texts)]
    documents = pd.DataFrame({"doc_id": range(len(texts)), "title": titles})
    if not with_titles:
        documents = documents.drop(columns="title")
    stored = stories_module._vectors(documents, iter(texts), 0.5)
    vectors = stored.read(0, len(texts))

    def tfidf(values: list) -> sp.csr_matrix:
        vectoriser = TfidfVectorizer(stop_words="english", sublinear_tf=True, dtype=np.float32)
        return vectoriser.fit_transform(["" if v is None else v for v in values]).tocsr()

    parts = [tfidf(texts)] + ([tfidf(titles) * np.float32(0.5)] if with_titles else [])
    expected = normalize(sp.hstack(parts, format="csr"), copy=False)
    assert vectors.shape == expected.shape
    for attribute in ("data", "indices", "indptr"):
        assert np.array_equal(getattr(vectors, attribute), getattr(expected, attribute)), attribute
    assert vectors.data.dtype == np.float32
    # any range of rows read back from the files is that slice of the matrix
    for start, stop in ((0, 1), (3, 9), (len(texts) - 2, len(texts)), (4, 4)):
        part = stored.read(start, stop)
        _same_sparse(part, expected[start:stop])


@pytest.mark.parametrize("shape", [(40, 300, 25), (1, 5, 1), (0, 10, 3), (7, 0, 4), (30, 200, 0)])
def test_the_neighbour_search_product_is_scipys_entry_for_entry(shape: tuple[int, int, int]) -> None:
    # _product skips scipy's counting pass: same entries, same order within each row, same dtype
    from framing.stories import _product

    rows, terms, columns = shape
    rng = np.random.default_rng(7)
    left = sp.random(rows, terms, density=0.05, format="csr", dtype=np.float32, random_state=rng)
    right = sp.random(terms, columns, density=0.05, format="csr", dtype=np.float32, random_state=rng)
    ours, theirs = _product(left, right), left @ right
    assert ours.shape == theirs.shape and ours.dtype == theirs.dtype == np.float32
    assert np.array_equal(ours.indptr, theirs.indptr)
    assert np.array_equal(ours.indices, theirs.indices)
    assert np.array_equal(ours.data, theirs.data)  # bit for bit: the cosines are compared with a floor
    if shape == (40, 300, 25):
        assert ours.nnz > 100  # the comparison is not of empty matrices


def test_a_product_too_large_for_cell_sized_arrays_is_left_to_scipy(monkeypatch: pytest.MonkeyPatch) -> None:
    import framing.stories
    from framing.stories import _product

    monkeypatch.setattr(framing.stories, "_PRODUCT_CELLS", 100)  # fewer than the 40 x 25 cells below
    rng = np.random.default_rng(3)
    left = sp.random(40, 300, density=0.05, format="csr", dtype=np.float32, random_state=rng)
    right = sp.random(300, 25, density=0.05, format="csr", dtype=np.float32, random_state=rng)
    ours, theirs = _product(left, right), left @ right
    assert ours.nnz > 0 and np.array_equal(ours.toarray(), theirs.toarray())
