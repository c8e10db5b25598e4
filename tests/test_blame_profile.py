"""The per-article blame profile (issue 9): columns, evidence, resolution, decision rule, CLI, report."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pandas as pd
import pytest
from conftest import CROCUS
from typer.testing import CliRunner

import framing
from framing.blame_profile import PROFILE_COLUMNS, blame_profile, blamed_by_group, blamed_by_group_in_blocks
from framing.cli import app
from framing.corpus import load_corpus
from framing.cues.blame import person_like
from framing.errors import OptionError
from framing.validate import validation_half
from framing.validate_blame import gold_actor_list, validate_blame

ACTORS = {
    "Ukraine": ["Ukraine", "Kyiv", "Zelensky"],
    "Russia": ["Russia", "Kremlin", "Putin", "Vladimir Putin"],
    "Islamic State": ["Islamic State", "IS"],
}


def _profile(*texts: str, **options: object) -> pd.DataFrame:
    return blame_profile(pd.DataFrame({"text": list(texts)}), actors=ACTORS, **options)  # type: ignore[arg-type]


def _row(profile: pd.DataFrame, actor: str, doc: str = "0") -> pd.Series:
    return profile[(profile["doc_id"] == doc) & (profile["actor"] == actor)].iloc[0]


def test_the_five_fixed_columns_and_one_row_per_document_and_actor() -> None:
    profile = _profile("Putin blamed Ukraine for the attack.", "Kyiv denied it.")
    assert {"doc_id", "actor", "blame_score", "rank", "blamed"} <= set(profile.columns)
    assert list(profile.columns) == PROFILE_COLUMNS
    assert sorted(zip(profile["doc_id"], profile["actor"], strict=True)) == [
        ("0", "Russia"),
        ("0", "Ukraine"),
        ("1", "Ukraine"),
    ]
    assert profile["blamed"].dtype == bool and profile["rank"].dtype == "int64"


def test_evidence_counts_rule_voice_denial_and_self_attribution() -> None:
    text = (
        "Putin blamed Ukraine for the attack. Ukraine was behind the attack. Kyiv denied any involvement. "
        "The Islamic State claimed responsibility for the attack."
    )
    profile = _profile(text)
    ukraine, russia, islamic_state = (_row(profile, a) for a in ("Ukraine", "Russia", "Islamic State"))
    assert ukraine["rule_active"] == 1 and ukraine["rule_subject"] == 1
    assert ukraine["accused_by_source"] == 1  # Putin's accusation
    assert ukraine["accused_by_outlet"] == 1  # "Ukraine was behind the attack": the outlet's own voice
    assert ukraine["denials"] == 1 and ukraine["mentions"] == 3
    assert islamic_state["self_attributions"] == 1
    assert russia["accusations_made"] == 1 and russia["rule_active"] == 0
    assert ukraine["rank"] == 1 and bool(ukraine["blamed"])
    assert not russia["blamed"]


def test_negated_links_are_counted_apart_and_do_not_make_an_actor_blamed() -> None:
    profile = _profile("There is no evidence linking Ukraine to the attack. Russia mourned the victims.")
    ukraine = _row(profile, "Ukraine")
    assert ukraine["negated_links"] == 1
    assert ukraine[[c for c in profile.columns if c.startswith("rule_")]].sum() == 0


def test_headline_from_the_title_column() -> None:
    documents = pd.DataFrame(
        {"doc_id": ["a"], "title": ["Kremlin points at Kyiv"], "text": ["Russia mourned. Ukraine waited."]}
    )
    profile = blame_profile(documents, actors=ACTORS)
    assert bool(_row(profile, "Ukraine", "a")["headline"]) and bool(_row(profile, "Russia", "a")["headline"])


def test_a_pronoun_resolves_to_the_last_compatible_actor_of_the_previous_sentence() -> None:
    actors = {"Vladimir Putin": ["Vladimir Putin", "Putin"], "Ukraine": ["Ukraine", "Kyiv"]}
    text = "Vladimir Putin spoke about Ukraine on Monday. He said the attack was planned abroad."
    profile = blame_profile(pd.DataFrame({"text": [text]}), actors=actors)
    assert _row(profile, "Vladimir Putin")["resolved_mentions"] == 1  # "He": the person, not Ukraine
    assert _row(profile, "Ukraine")["resolved_mentions"] == 0
    text = "Vladimir Putin spoke about Ukraine on Monday. The government rejected his words."
    profile = blame_profile(pd.DataFrame({"text": [text]}), actors=actors)
    assert _row(profile, "Ukraine")["resolved_mentions"] == 1  # a group description: not the person
    assert person_like(["Vladimir Putin"]) and not person_like(["Islamic State"])


def test_a_named_actor_in_the_opening_words_is_not_a_back_reference() -> None:
    profile = _profile("Putin spoke on Monday. The Islamic State claimed the attack.")
    assert _row(profile, "Russia")["resolved_mentions"] == 0


def test_decision_rule_passing_mentions_blame_no_one_and_is_deterministic() -> None:
    profile = _profile("Grain talks resumed. Ukraine and Russia held talks on exports.")
    assert not profile["blamed"].any()
    text = "Putin blamed Ukraine for the attack. Ukraine was behind it, Russian officials said."
    first, second = _profile(text), _profile(text)
    pd.testing.assert_frame_equal(first, second)


def test_min_score_and_ratio_options_are_checked() -> None:
    with pytest.raises(OptionError):
        _profile("Putin blamed Ukraine.", ratio=1.5)
    everyone = _profile("Putin blamed Ukraine for the attack.", min_score=0, ratio=0)
    assert everyone["blamed"].all()


def test_profile_from_an_attribution_table() -> None:
    attributions = framing.blame_attributions(
        pd.DataFrame({"text": ["Putin blamed Ukraine for the attack. Kyiv denied any involvement."]}),
        actors=ACTORS,
    )
    profile = blame_profile(attributions)
    ukraine = _row(profile, "Ukraine")
    assert ukraine["rule_active"] == 1 and ukraine["denials"] == 1 and ukraine["mentions"] == 0


def test_blamed_by_group_shares_count_articles() -> None:
    profile = _profile("Putin blamed Ukraine for the attack.", "Ukraine was behind the attack.", "Calm day.")
    table = blamed_by_group(profile, {"0": "a", "1": "a", "2": "b"}, by="outlet", order=["a", "b"])
    row = table[(table["outlet"] == "a") & (table["actor"] == "Ukraine")].iloc[0]
    assert row["articles_blaming"] == 2 and row["group_articles"] == 2 and row["share"] == 1.0


def test_blamed_by_group_in_blocks_equals_the_whole_profile() -> None:
    # the report counts the profile a block of documents at a time (issue 8): same table as all at once
    texts = [
        "Putin blamed Ukraine for the attack.",
        "Ukraine was behind the attack, officials said. The Islamic State claimed it.",
        "Calm day.",
        "The Islamic State claimed responsibility for the attack.",
        "Kyiv denied any involvement; Putin blamed Ukraine.",
        "Ukraine was behind the attack.",
    ]
    profile = _profile(*texts)
    groups = {"0": "a", "1": "a", "2": "b", "3": "b", "4": "c", "5": "c"}
    whole = blamed_by_group(profile, groups, by="outlet", order=["c", "a", "b"])
    assert len(whole) >= 4 and whole["outlet"].tolist()[0] == "c"
    rows = profile[["doc_id", "actor", "blamed"]].assign(outlet=profile["doc_id"].map(groups))
    sizes = pd.Series(groups).value_counts()
    for cut in ([2, 4], [1, 3, 5], [5]):
        bounds = [0, *cut, len(texts)]
        blocks = [rows[rows["doc_id"].astype(int).between(a, b - 1)] for a, b in itertools.pairwise(bounds)]
        got = blamed_by_group_in_blocks(blocks, sizes, by="outlet", order=["c", "a", "b"])
        pd.testing.assert_frame_equal(got, whole)
    empty = blamed_by_group_in_blocks([], sizes, by="outlet", order=["a"])
    assert empty.empty and list(empty.columns) == list(whole.columns)


def test_cli_per_article_writes_the_profile(tmp_path: Path) -> None:
    out = tmp_path / "profile.csv"
    result = CliRunner().invoke(app, ["blame", str(CROCUS), "--per-article", "-o", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert {"doc_id", "actor", "blame_score", "rank", "blamed"} <= set(table.columns)
    assert table.groupby("doc_id")["rank"].min().eq(1).all()


# ------------------------------------------------------------------ the Crocus demo still reads right


@pytest.fixture(scope="module")
def crocus_profile() -> pd.DataFrame:
    return blame_profile(framing.load_corpus(CROCUS))


def test_a_spooled_corpus_has_the_same_profile(crocus_profile: pd.DataFrame) -> None:
    spooled = framing.load_corpus(CROCUS).spooled()
    assert "text" not in spooled.documents.columns
    pd.testing.assert_frame_equal(blame_profile(spooled), crocus_profile)


def test_crocus_state_media_blames_ukraine_in_its_own_voice(crocus_profile: pd.DataFrame) -> None:
    vestnik = crocus_profile[crocus_profile["outlet"] == "vestnik"]
    own_voice = vestnik.groupby("actor")["accused_by_outlet"].sum()
    assert own_voice.idxmax() == "Ukraine" and own_voice["Ukraine"] >= 3
    assert vestnik[vestnik["actor"] == "Ukraine"]["blamed"].sum() >= 4


def test_crocus_every_outlet_reports_the_islamic_state_claim(crocus_profile: pd.DataFrame) -> None:
    claims = crocus_profile[crocus_profile["actor"] == "Islamic State"].groupby("outlet")["self_attributions"]
    outlets = load_corpus(CROCUS).documents["outlet"].nunique()  # English, Russian and Ukrainian outlets
    assert claims.sum().gt(0).all() and len(claims.sum()) == outlets == 10


def test_crocus_denials_come_from_kyiv(crocus_profile: pd.DataFrame) -> None:
    denials = crocus_profile.groupby("actor")["denials"].sum()
    assert denials.idxmax() == "Ukraine" and denials["Ukraine"] > 2 * denials.drop("Ukraine").max()


def test_crocus_report_blame_section_uses_the_profile(tmp_path: Path) -> None:
    from framing.report import build_report

    report = build_report(CROCUS, tmp_path / "r", n_resamples=50, n_permutations=50)
    table = pd.read_csv(report.path / "tables" / "blamed_by_article.csv")
    vestnik = table[table["outlet"] == "vestnik"].set_index("actor")
    assert vestnik.loc["Ukraine", "articles_blaming"] >= 4
    # each quoted sentence names, as blamed, an actor its article's profile marks blamed (regression:
    # the articles were picked with a set per actor instead of Series.isin, the same rows)
    profile = pd.read_csv(report.path / "tables" / "blame_profile.csv", dtype={"doc_id": str})
    blamed = profile[profile["blamed"]]
    marked = set(zip(blamed["doc_id"], blamed["actor"], strict=True))
    quoted = [
        (example.doc_id, example.note.split(" → ")[1].rsplit(" (", 1)[0], example.note)
        for finding in report.analysis.findings
        if "Who the articles of" in finding.text
        for example in finding.examples
    ]
    assert len(quoted) >= 3
    assert all((doc_id, actor) in marked for doc_id, actor, _ in quoted), quoted
    assert all("(denial)" not in note for _, _, note in quoted)
    page = (report.path / "index.html").read_text(encoding="utf-8")
    assert "Who the articles of vestnik blame" in page
    assert "<script>" not in page.split("Who the articles of vestnik blame")[1][:3000]


# ------------------------------------------------------------------ the validation scorer, hand-made gold


def test_gold_actor_list_clusters_strings_sharing_a_head() -> None:
    actors, gold = gold_actor_list(
        ["Michael_Steele", "Steele's", "Barack Obama", "they", "Obama"], ["Michael Steele", "they"]
    )
    assert actors == {
        "Barack Obama": ["Barack Obama", "Obama"],
        "Michael Steele": ["Michael Steele", "Steele"],
    }
    assert gold == {"Michael Steele"}


def test_validate_blame_on_hand_made_narrative_frames_records(tmp_path: Path) -> None:
    records = [
        {
            "id": "n1",
            "title": "Coal lobby blamed for delay",
            "text": "Coal lobby blamed for delay. The coal lobby was behind the delay, critics said. "
            "Activists marched. Activists, activists and more activists.",
            "villains": [{"entity": "coal lobby"}],
            "heroes": [{"entity": "activists"}],
            "victims": [],
        },
        {
            "id": "n2",
            "title": "A quiet day",
            "text": "Nothing about anyone.",
            "villains": [{"entity": "coal lobby"}],
            "heroes": [],
            "victims": [],
        },
    ]
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    summary = validate_blame(path, n_resamples=20).summary.set_index("method")
    assert summary.loc["profile", "articles"] == 1  # n2 never names its villain: not scored
    assert summary.loc["profile", "micro_f1"] == 1.0
    assert summary.loc["most-mentioned actor", "micro_f1"] == 0.0  # "activists" is named more often
    assert summary.loc["every mentioned actor", "micro_precision"] == 0.5
    result = CliRunner().invoke(app, ["validate-blame", str(path), "--resamples", "20"])
    assert result.exit_code == 0, result.output
    assert "profile" in result.output and "most-mentioned actor" in result.output
    bad = CliRunner().invoke(app, ["validate-blame", str(path), "--half", "C"])
    assert bad.exit_code == 2


def test_validation_half_is_the_sha1_rule_of_the_benchmarks() -> None:
    import hashlib

    for key in ["nfc-0", "basil-2010-x-nyt", 17]:
        expected = "A" if hashlib.sha1(str(key).encode()).digest()[0] % 2 == 0 else "B"
        assert validation_half(key) == expected


def test_public_import_paths() -> None:
    from framing.blame_profile import blame_profile as from_module

    assert framing.blame_profile is from_module
    assert "blame_profile" in framing.__all__
