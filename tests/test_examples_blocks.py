"""The example sentences and distinctive cue words read the match rows a block of documents at a time
(issue 8): every block size gives what one block of all documents gives."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import CROCUS

import framing
from framing.errors import OptionError
from framing.features import MatchPass, match_documents
from framing.lexicon import CUE_FAMILIES
from framing.report import analysis as report_analysis
from framing.report import examples as report_examples
from framing.report.examples import term_frequencies, typical_examples

BLAME = "Officials blamed the rebels."  # one blame term: every sentence like it scores the same
#: doc ids out of string order ("d10" sorts before "d2"): ties go to the id's order, not the position
TIED = {
    "d2": ("x", "en", f"{BLAME} {BLAME}"),
    "d10": ("x", "en", f"{BLAME} It was tragic."),
    "d7": ("y", "en", f"The minister denied any role. {BLAME}"),
    "d1": ("x", "en", "They did not blame the rebels. It was a tragic, tragic day."),
    "d12": ("y", "en", f"{BLAME} Clearly the rebels were responsible, officials blamed them."),
    "d3": ("x", "en", f"Reportedly {BLAME.lower()}"),
    "d30": ("y", "en", f"{BLAME}"),
    "r5": ("x", "ru", "Москва обвинила Киев в трагическом нападении. Министр отрицал свою роль."),
    "r11": ("y", "ru", "Москва обвинила Киев. Москва обвинила Киев в трагическом нападении."),
    "r2": ("x", "ru", "Министр отрицал свою роль. Москва обвинила Киев."),
    "r40": ("y", "ru", "Москва обвинила Киев."),
    "d5": ("x", "en", "Officials blamed the rebels, " + "and the long report went on " * 20 + "for pages."),
}


@pytest.fixture(scope="module")
def tied() -> MatchPass:
    """Two outlets in two languages whose sentences tie on score and length across documents."""
    documents = pd.DataFrame(
        {
            "doc_id": list(TIED),
            "outlet": [v[0] for v in TIED.values()],
            "language": [v[1] for v in TIED.values()],
            "text": [v[2] for v in TIED.values()],
        }
    )
    return match_documents(documents, by="outlet")


@pytest.fixture(scope="module")
def crocus() -> MatchPass:
    return match_documents(framing.load_corpus(CROCUS), by="outlet")


def _cues(matched: MatchPass) -> list[str]:
    present = set(matched.matches["cue"].cat.categories)
    return [c for c in CUE_FAMILIES if c in present]


def _groups(matched: MatchPass) -> list[str]:
    return sorted(matched.matches["outlet"].dropna().unique())


def _counted_from_rows(matched: MatchPass, cue: str, language: str | None = None) -> pd.DataFrame:
    """The (group, term, count) table counted from all match rows at once."""
    matches = matched.matches
    rows = (matches["cue"] == cue) & ~matches["negated"]
    if language is not None:
        rows &= matched.documents["language"].to_numpy()[matches["doc"].to_numpy()] == language
    subset = matches.loc[rows, ["outlet", "term"]].astype(object)
    counts = subset.groupby(["outlet", "term"], sort=True).size().rename("count").reset_index()
    return counts.rename(columns={"outlet": "group"})


@pytest.mark.parametrize("size", [1, 2, 5, 1000])
def test_match_blocks_give_every_match_row_once_in_blocks_of_whole_documents(
    tied: MatchPass, crocus: MatchPass, size: int
) -> None:
    for matched in (tied, crocus):
        blocks = list(matched.match_blocks(["doc", "term", "outlet"], documents_per_block=size))
        assert all(len(block) for block in blocks)
        docs = [set(block["doc"]) for block in blocks]
        assert all(max(d) // size == min(d) // size for d in docs)  # documents of one block's range
        assert len(set().union(*docs)) == sum(len(d) for d in docs)  # no document in two blocks
        joined = pd.concat(blocks)
        pd.testing.assert_frame_equal(joined, matched.matches[["doc", "term", "outlet"]])
        assert joined["term"].dtype == matched.matches["term"].dtype  # the same categories


def test_match_blocks_of_a_table_out_of_document_order(tied: MatchPass) -> None:
    shuffled = tied.matches.iloc[::-1]
    matched = MatchPass(tied.documents, tied.features, shuffled, tied.attributions)
    blocks = list(matched.match_blocks(documents_per_block=4))
    assert [sorted(set(b["doc"]) - set(range(4 * i, 4 * i + 4))) for i, b in enumerate(blocks)] == [[]] * 3
    assert [list(b.index) for b in blocks] == [
        list(shuffled.index[shuffled["doc"] // 4 == i]) for i in range(3)
    ]


@pytest.mark.parametrize("size", [0, -3, True])
def test_match_blocks_need_a_whole_number_of_documents(tied: MatchPass, size: int) -> None:
    with pytest.raises(OptionError, match="documents_per_block"):
        next(tied.match_blocks(documents_per_block=size))


def test_term_frequencies_count_the_non_negated_match_rows_per_language(tied: MatchPass) -> None:
    for size in (1, 3, 100):
        frequencies = term_frequencies(tied, "outlet", documents_per_block=size)
        for cue in _cues(tied):
            pd.testing.assert_frame_equal(frequencies.cue_term_counts(cue), _counted_from_rows(tied, cue))
            for language in ("en", "ru"):
                pd.testing.assert_frame_equal(
                    frequencies.cue_term_counts(cue, language), _counted_from_rows(tied, cue, language)
                )
    blame = term_frequencies(tied, "outlet", documents_per_block=2).cue_term_counts("blame", "en")
    counted = {(g, t): c for g, t, c in blame.itertuples(index=False)}
    # x: d2 twice, d10, d3 and d5 once ("did not blame" in d1 is negated); y: d7, d12 twice, d30
    assert counted == {("x", "blamed"): 5, ("y", "blamed"): 4, ("y", "responsible"): 1}


def test_term_frequencies_of_the_demo_corpus_whatever_the_block_size(crocus: MatchPass) -> None:
    whole = term_frequencies(crocus, "outlet", documents_per_block=len(crocus.documents))
    for size in (1, 7):
        frequencies = term_frequencies(crocus, "outlet", documents_per_block=size)
        for cue in _cues(crocus):
            expected = _counted_from_rows(crocus, cue)
            assert len(expected) > 0
            pd.testing.assert_frame_equal(frequencies.cue_term_counts(cue), expected)
            for language in ("en", "ru", "uk"):
                pd.testing.assert_frame_equal(
                    frequencies.cue_term_counts(cue, language), whole.cue_term_counts(cue, language)
                )


@pytest.mark.parametrize("per_cue", [1, 10])
def test_typical_examples_block_wise_choose_what_one_block_chooses(
    tied: MatchPass, crocus: MatchPass, per_cue: int
) -> None:
    for matched, sizes in ((tied, (1, 2, 5)), (crocus, (1, 5))):
        groups, cues = _groups(matched), _cues(matched)
        whole = typical_examples(matched, "outlet", groups, cues, per_cue, documents_per_block=10_000)
        assert len({(e.group, e.cue) for e in whole}) > 1
        for size in sizes:
            assert (
                typical_examples(matched, "outlet", groups, cues, per_cue, documents_per_block=size) == whole
            )
        frequencies = term_frequencies(matched, "outlet", documents_per_block=3)  # counted once, shared
        shared = typical_examples(
            matched, "outlet", groups, cues, per_cue, frequencies=frequencies, documents_per_block=3
        )
        assert shared == whole


def test_typical_examples_break_ties_by_document_id_then_sentence(tied: MatchPass) -> None:
    for size in (1, 2, 100):
        chosen = typical_examples(tied, "outlet", ["x", "y"], ["blame"], 3, documents_per_block=size)
        # x: each sentence with "blamed" scores 5 (x's count of it), "обвинила" 2; d5's is long (last);
        # d2 and d10 tie on score and length: "d10" sorts first though d2 comes first in the table,
        # and d2's two equal sentences go to the first. y: d12's second sentence scores 4 + 1; d7 and
        # d30 tie: "d30" < "d7"
        picked = [(e.group, e.doc_id, e.sentence_id, e.note) for e in chosen]
        assert picked == [
            ("x", "d10", 0, "blamed"),
            ("x", "d2", 0, "blamed"),
            ("x", "d3", 0, "blamed"),
            ("y", "d12", 1, "responsible, blamed"),
            ("y", "d30", 0, "blamed"),
            ("y", "d7", 1, "blamed"),
        ]
        assert chosen[3].sentence == "Clearly the rebels were responsible, officials blamed them."
        assert chosen[3].spans == [(24, 35), (47, 53)]


def test_typical_examples_of_no_positive_match(tied: MatchPass) -> None:
    assert typical_examples(tied, "outlet", ["nobody", "none"], ["blame"], 3, documents_per_block=1) == []


def test_report_tables_do_not_depend_on_the_block_size(
    tied: MatchPass, monkeypatch: pytest.MonkeyPatch
) -> None:
    documents = tied.documents
    options = {"n_resamples": 20, "n_permutations": 20, "min_documents": 1}
    one = report_analysis.analyse(documents, **options)
    monkeypatch.setattr(report_examples, "DOCUMENTS_PER_BLOCK", 2)
    blocks = report_analysis.analyse(documents, **options)
    assert len(one.tables["distinctive_cue_terms"]) > 0
    assert "language" in one.tables["distinctive_cue_terms"].columns  # compared within each language
    for name in ("examples", "distinctive_cue_terms"):
        pd.testing.assert_frame_equal(blocks.tables[name], one.tables[name])
    assert blocks.evidence == one.evidence
    assert blocks.examples == one.examples


def test_term_frequencies_of_documents_without_a_language(tied: MatchPass) -> None:
    unknown = tied.documents.assign(language=[None] * 3 + list(tied.documents["language"][3:]))
    for documents in (unknown, tied.documents.drop(columns="language")):
        matched = MatchPass(documents, tied.features, tied.matches, tied.attributions)
        frequencies = term_frequencies(matched, "outlet", documents_per_block=2)
        pd.testing.assert_frame_equal(frequencies.cue_term_counts("blame"), _counted_from_rows(tied, "blame"))
        if "language" in documents.columns:  # d2, d10 and d7 have no language: left out of English's
            english = frequencies.cue_term_counts("blame", "en")
            assert english.set_index(["group", "term"])["count"].to_dict() == {
                ("x", "blamed"): 2,
                ("y", "blamed"): 3,
                ("y", "responsible"): 1,
            }
        else:
            assert frequencies.counts["language"].isna().all()
