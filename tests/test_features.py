"""Feature tables, evidence and the scikit-learn transformer (framing.features)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import CROCUS
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from framing import FramingCues
from framing.corpus import load_corpus
from framing.errors import InputError, OptionError
from framing.features import build_matcher, evidence, extract, feature_columns
from framing.lexicon import CUE_FAMILIES

TEXTS = [
    "The bridge may close on Friday. Engineers were clearly worried.",
    "Officials reportedly blamed the contractor for the brutal delay.",
    "The museum reopened on Monday.",
]


@pytest.fixture(scope="module")
def crocus():
    return load_corpus(CROCUS)


# ----------------------------------------------------------------------------------------------------
# extract(): inputs, identity columns, documented columns
# ----------------------------------------------------------------------------------------------------


def test_extract_list_of_strings() -> None:
    table = extract(TEXTS)
    assert table["doc_id"].tolist() == ["0", "1", "2"]
    assert table["tokens"].tolist() == [10, 9, 5]
    assert table["sentences"].tolist() == [2, 1, 1]
    assert table["hedging_count"].tolist() == [1, 1, 0]
    assert table["certainty_count"].tolist() == [1, 0, 0]
    assert table["blame_count"].tolist() == [0, 1, 0]
    assert table["emotive_weighted"].tolist() == [0.0, 2.0, 0.0]  # 'brutal' weighs 2
    assert table.attrs == {"cue_families": list(CUE_FAMILIES), "unit": "document"}


def test_documented_columns_in_order() -> None:
    matcher = build_matcher()
    table = extract(TEXTS, matcher=matcher)
    cue_columns = feature_columns(matcher)
    assert list(table.columns) == [
        "doc_id",
        "language",
        "language_supported",
        "tokens",
        "sentences",
        *cue_columns,
    ]
    for family in CUE_FAMILIES:
        block = [f"{family}_count", f"{family}_negated", f"{family}_present", f"{family}_rate"]
        start = cue_columns.index(block[0])
        assert cue_columns[start : start + 4] == block
    # only the weighted family (emotive) has a _weighted column
    assert [c for c in cue_columns if c.endswith("_weighted")] == ["emotive_weighted"]
    subs = [c for c in cue_columns if c.startswith("hedging_") and c.count("_") >= 2]
    assert subs[:2] == ["hedging_epistemic_modal_count", "hedging_epistemic_modal_rate"]
    assert table["hedging_count"].dtype == np.int64 and table["hedging_rate"].dtype == np.float64


def test_extract_dataframe_keeps_ids_and_identity_columns() -> None:
    frame = pd.DataFrame(
        {
            "doc_id": ["z-9", "a-1", "m/5"],
            "outlet": ["wire", "paper", "wire"],
            "date": pd.to_datetime(["2024-03-23", "2024-03-22", "2024-03-24"]),
            "text": TEXTS,
            "notes": ["x", "y", "z"],
        },
        index=[10, 4, 7],
    )
    table = extract(frame)
    assert table["doc_id"].tolist() == ["z-9", "a-1", "m/5"]  # unchanged and in input order
    assert table["outlet"].tolist() == ["wire", "paper", "wire"]
    assert table["date"].tolist() == frame["date"].tolist()
    # the documents' own columns flow into the feature table (issue 10); the text does not
    assert table["notes"].tolist() == ["x", "y", "z"] and "text" not in table.columns
    assert table.columns[:8].tolist() == [
        "doc_id", "outlet", "date", "language", "language_supported", "notes", "tokens", "sentences"
    ]  # fmt: skip
    assert table["hedging_count"].tolist() == [1, 1, 0]


def test_extract_dataframe_numeric_ids_and_default_ids() -> None:
    numeric = extract(pd.DataFrame({"doc_id": [101, 7], "text": TEXTS[:2]}))
    assert numeric["doc_id"].tolist() == [101, 7]
    positional = extract(pd.DataFrame({"text": TEXTS[:2]}, index=[5, 9]))
    assert positional["doc_id"].tolist() == ["0", "1"]


def test_extract_rejects_bad_inputs() -> None:
    with pytest.raises(OptionError, match="no 'text' column"):
        extract(pd.DataFrame({"body": ["x"]}))
    with pytest.raises(OptionError, match="not a single string"):
        extract("It may rain.")  # type: ignore[arg-type]
    with pytest.raises(OptionError, match="unit must be"):
        extract(TEXTS, unit="paragraph")  # type: ignore[arg-type]
    with pytest.raises(OptionError, match="jobs must be at least 1"):
        extract(TEXTS, jobs=0)


def test_extract_corpus_keeps_ids_and_metadata(crocus) -> None:
    table = extract(crocus)
    documents = crocus.documents
    assert table["doc_id"].tolist() == documents["doc_id"].tolist()
    assert table["outlet"].tolist() == documents["outlet"].tolist()
    assert {"outlet_name", "outlet_country", "outlet_type", "duplicate_of"} <= set(table.columns)
    assert table.columns[:3].tolist() == ["doc_id", "outlet", "date"]
    assert table["tokens"].tolist() == documents["tokens"].tolist()  # one token definition everywhere
    # every English outlet hedges (Russian and Ukrainian ones need the lexicons of their language)
    english = table["outlet_language"] == "en"
    assert (table[english].groupby("outlet")["hedging_count"].sum() > 0).all()


def test_sentence_unit_offsets_index_the_text() -> None:
    table = extract(TEXTS, unit="sentence")
    assert table.columns[:7].tolist() == [
        "doc_id", "sentence_id", "language", "language_supported", "start", "end", "tokens",
    ]  # fmt: skip
    assert [TEXTS[int(r.doc_id)][r.start : r.end] for r in table.itertuples()] == [
        "The bridge may close on Friday.",
        "Engineers were clearly worried.",
        TEXTS[1],
        TEXTS[2],
    ]
    assert table["sentence_id"].tolist() == [0, 1, 0, 0]
    assert table.attrs["unit"] == "sentence"


def test_parallel_output_identical_to_serial(crocus) -> None:
    for unit in ("document", "sentence"):
        serial = extract(crocus, unit=unit)
        parallel = extract(crocus, unit=unit, jobs=2, chunk_size=4)  # 10 chunks over 2 processes
        pd.testing.assert_frame_equal(parallel, serial)
    chunked = extract(crocus, chunk_size=1)
    pd.testing.assert_frame_equal(chunked, extract(crocus))


def test_one_matching_pass_in_workers_equals_the_serial_pass(crocus) -> None:
    from framing.features import match_documents

    serial = match_documents(crocus, by="outlet", profile=True)
    parallel = match_documents(crocus, by="outlet", jobs=2, profile=True)
    assert len(serial.matches) > 100 and len(serial.attributions) > 10  # the comparison has content
    pd.testing.assert_frame_equal(parallel.features, serial.features)
    pd.testing.assert_frame_equal(parallel.matches, serial.matches)
    pd.testing.assert_frame_equal(parallel.attributions, serial.attributions)
    assert serial.profile is not None and serial.profile["blamed"].any()
    pd.testing.assert_frame_equal(parallel.profile, serial.profile)
    with pytest.raises(OptionError, match="jobs"):
        match_documents(crocus, jobs=0)


def test_the_workers_last_chunks_are_smaller_and_every_document_is_in_one_chunk() -> None:
    from framing.features import _chunk_bounds

    bounds = _chunk_bounds(20_000, 1_000, 2)
    assert [stop - start for start, stop in bounds] == [1_000] * 16 + [250] * 16
    for n in range(40):
        for size in range(1, 6):
            chunks = _chunk_bounds(n, size, 2)
            assert [i for start, stop in chunks for i in range(start, stop)] == list(range(n))


def test_user_lexicon_objects_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "spin.tsv"
    path.write_text("# name: spin\nterm\tcategory\nwhitewash\tspin\n", encoding="utf-8")
    table = extract(["A whitewash, and another whitewash."], lexicons=[path])
    assert table.loc[0, "spin_count"] == 2 and table.loc[0, "spin_rate"] == pytest.approx(2 / 5 * 1000)
    assert table.attrs["cue_families"] == [*CUE_FAMILIES, "spin"]


# ----------------------------------------------------------------------------------------------------
# evidence()
# ----------------------------------------------------------------------------------------------------

EVIDENCE_COLUMNS = [
    "doc_id",
    "outlet",
    "date",
    "sentence_id",
    "start",
    "end",
    "matched_text",
    "term",
    "cue",
    "subcategory",
    "weight",
    "negated",
    "lexicon",
    "left",
    "right",
    "sentence",
]


def test_evidence_rows_are_consistent_with_the_text() -> None:
    frame = pd.DataFrame({"doc_id": ["d1", "d2"], "outlet": ["a", "b"], "text": TEXTS[:2]})
    table = evidence(frame, window=15)
    assert list(table.columns) == EVIDENCE_COLUMNS
    assert table[["doc_id", "matched_text", "cue"]].values.tolist() == [
        ["d1", "may", "hedging"],
        ["d1", "clearly", "certainty"],
        ["d2", "reportedly", "hedging"],
        ["d2", "blamed", "blame"],
        ["d2", "brutal", "emotive"],
    ]
    texts = dict(zip(frame["doc_id"], frame["text"], strict=True))
    for row in table.itertuples():
        text = texts[row.doc_id]
        assert text[row.start : row.end] == row.matched_text
        assert text[max(0, row.start - 15) : row.start].strip() == row.left
        assert text[row.end : row.end + 15].strip() == row.right
        assert row.sentence in text and row.matched_text in row.sentence
    clearly = table.iloc[1]
    assert (clearly["sentence_id"], clearly["sentence"]) == (1, "Engineers were clearly worried.")
    assert (clearly["left"], clearly["right"]) == ("Engineers were", "worried.")


def test_evidence_filters() -> None:
    frame = pd.DataFrame(
        {
            "doc_id": ["d1", "d2"],
            "outlet": ["a", "b"],
            "text": ["It may rain. It is not likely.", "It may snow. Reportedly it did."],
        }
    )
    hedges = evidence(frame, cue="hedging")
    assert hedges["matched_text"].tolist() == ["may", "likely", "may", "Reportedly"]
    assert hedges["negated"].tolist() == [False, True, False, False]
    assert evidence(frame, cue="hedging", include_negated=False)["matched_text"].tolist() == [
        "may",
        "may",
        "Reportedly",
    ]
    assert evidence(frame, cue="hedging", outlet="b")["doc_id"].tolist() == ["d2", "d2"]
    assert evidence(frame, subcategory="attribution")["matched_text"].tolist() == ["Reportedly"]
    with pytest.raises(OptionError, match="unknown cue 'hedges'"):
        evidence(frame, cue="hedges")
    with pytest.raises(OptionError, match="unknown outlet 'c'; outlets: a, b"):
        evidence(frame, outlet="c")


def test_evidence_counts_match_feature_counts(crocus) -> None:
    table = evidence(crocus, cue="emotive")
    features = extract(crocus)
    counted = table[~table["negated"]].groupby("doc_id").size()
    expected = features.set_index("doc_id")["emotive_count"]
    assert counted.reindex(expected.index, fill_value=0).tolist() == expected.tolist()
    weights = table[~table["negated"]].groupby("doc_id")["weight"].sum()
    assert weights.reindex(expected.index, fill_value=0).tolist() == pytest.approx(
        features["emotive_weighted"].tolist()
    )


# ----------------------------------------------------------------------------------------------------
# FramingCues, the scikit-learn transformer
# ----------------------------------------------------------------------------------------------------


def test_init_only_stores_parameters(tmp_path: Path) -> None:
    lexicons = [tmp_path / "not-there-yet.tsv"]
    model = FramingCues(lexicons, measure="bogus", negation_window=2)  # type: ignore[arg-type]
    # nothing is validated or read before fit (scikit-learn's contract)
    assert model.lexicons is lexicons and model.measure == "bogus" and model.negation_window == 2
    assert not [name for name in vars(model) if name.endswith("_")]
    with pytest.raises(OptionError, match="measure must be"):
        model.fit(TEXTS)
    model.set_params(measure="count")
    with pytest.raises(InputError, match="no such lexicon file") as caught:
        model.fit(TEXTS)
    assert caught.value.source == str(lexicons[0])


def test_clone_and_params() -> None:
    model = FramingCues(measure="count", subcategories=False)
    copy = clone(model)
    assert copy is not model and copy.get_params() == model.get_params()
    assert copy.get_params() == {
        "lexicons": None,
        "replace_lexicons": False,
        "measure": "count",
        "subcategories": False,
        "negation_window": 4,
    }
    with pytest.raises(NotFittedError):
        copy.transform(TEXTS)
    with pytest.raises(NotFittedError):
        copy.get_feature_names_out()


def test_fit_transform_values_and_feature_names() -> None:
    model = FramingCues(measure="count", subcategories=False).fit(TEXTS)
    names = model.get_feature_names_out().tolist()
    assert names == [f"{f}_count" for f in CUE_FAMILIES]
    values = model.transform(TEXTS)
    assert values.shape == (3, 5) and values.dtype == np.float64
    table = extract(TEXTS)
    np.testing.assert_array_equal(values, table[names].to_numpy(dtype=float))
    rates = FramingCues().fit(TEXTS)
    rate_names = rates.get_feature_names_out().tolist()
    assert all(n.endswith("_rate") for n in rate_names) and "hedging_attribution_rate" in rate_names
    np.testing.assert_allclose(rates.transform(pd.Series(TEXTS)), table[rate_names].to_numpy())
    present = FramingCues(measure="present", subcategories=False).fit_transform(np.array(TEXTS))
    np.testing.assert_array_equal(present[:, names.index("hedging_count")], [1, 1, 0])


def test_set_output_pandas() -> None:
    model = FramingCues(measure="count").set_output(transform="pandas")
    out = model.fit_transform(TEXTS)
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == model.get_feature_names_out().tolist()
    assert out["blame_count"].tolist() == [0, 1, 0]


def test_user_lexicon_replaces_features(tmp_path: Path) -> None:
    path = tmp_path / "spin.tsv"
    path.write_text("# name: spin\nterm\tcategory\tsubcategory\nwhitewash\tspin\tcover\n", encoding="utf-8")
    model = FramingCues([path], replace_lexicons=True, measure="count").fit([])
    assert model.get_feature_names_out().tolist() == ["spin_count", "spin_cover_count"]
    assert model.transform(["A whitewash.", "It may be."]).tolist() == [[1.0, 1.0], [0.0, 0.0]]


def test_pipeline_with_logistic_regression() -> None:
    hedged = [
        "The bridge may close soon.",
        "Rain is likely tomorrow.",
        "The minister reportedly resigned.",
        "Perhaps the shop will reopen.",
        "The figures suggest a slowdown.",
        "It might snow tonight.",
    ]
    plain = [
        "The bridge closed at noon.",
        "Rain fell on Tuesday.",
        "The minister resigned.",
        "The shop reopened in June.",
        "The figures show a slowdown.",
        "It snowed last night.",
    ]
    pipeline = Pipeline([("cues", FramingCues(subcategories=False)), ("model", LogisticRegression())])
    pipeline.fit(hedged + plain, [1] * 6 + [0] * 6)
    assert pipeline.predict(["The road could flood.", "The road flooded."]).tolist() == [1, 0]
    coefficients = dict(
        zip(pipeline["cues"].get_feature_names_out(), pipeline["model"].coef_[0], strict=True)
    )
    assert coefficients["hedging_rate"] > 0
    assert clone(pipeline).get_params()["cues__subcategories"] is False


# regression: an empty input gave different columns from a non-empty one
@pytest.mark.parametrize("unit", ["document", "sentence"])
def test_empty_input_has_the_same_columns_as_a_non_empty_one(unit: str) -> None:
    with_rows = pd.DataFrame(
        {"doc_id": ["x"], "outlet": ["o"], "date": ["2024-03-22"], "text": ["It may rain."]}
    )
    for empty, full in ((with_rows.iloc[:0], with_rows), ([], ["It may rain."])):
        assert list(extract(empty, unit=unit).columns) == list(extract(full, unit=unit).columns)
        assert extract(empty, unit=unit).empty


# ---------------------------------------------------------------------------- the one matching pass


def test_one_pass_gives_the_feature_table_the_matches_and_the_blame_rows() -> None:
    from framing.cues import blame_attributions
    from framing.features import MATCH_COLUMNS, match_documents

    corpus = load_corpus(CROCUS)
    matched = match_documents(corpus, by="outlet_type")
    pd.testing.assert_frame_equal(matched.features, extract(corpus))  # outlet_type is a corpus column
    assert matched.features["outlet_type"].tolist() == corpus.documents["outlet_type"].tolist()
    pd.testing.assert_frame_equal(
        matched.attributions.drop(columns="outlet_type"), blame_attributions(corpus)
    )
    matches = matched.matches
    assert list(matches.columns) == [*MATCH_COLUMNS, "outlet_type"]
    for column in ("doc_id", "cue", "subcategory", "term", "lexicon", "outlet_type"):
        assert isinstance(matches[column].dtype, pd.CategoricalDtype), column
    assert {str(matches[c].dtype) for c in ("start", "end", "sentence_start", "sentence_end")} == {"int32"}
    # every non-negated match is counted once in the feature table
    positive = matches[~matches["negated"]]
    for cue in ("blame", "hedging", "emotive"):
        per_doc = positive[positive["cue"] == cue].groupby("doc").size()
        counts = matched.features[f"{cue}_count"]
        assert per_doc.reindex(range(len(counts)), fill_value=0).tolist() == counts.tolist()


def test_sentences_and_matched_text_are_recovered_from_offsets() -> None:
    from framing.features import match_documents

    matched = match_documents(["No link. Kyiv was blamed for the attack, officials said."], attribute=False)
    rows = matched.matches[matched.matches["cue"] == "blame"]
    assert matched.matched_text(rows) == ["blamed"]
    assert matched.sentences(rows) == ["Kyiv was blamed for the attack, officials said."]
    assert matched.attributions.empty


def test_evidence_is_the_match_table_with_context() -> None:
    corpus = load_corpus(CROCUS)
    table = evidence(corpus, cue="hedging", window=20)
    first = table.iloc[0]
    text = corpus.documents.set_index("doc_id").loc[first["doc_id"], "text"]
    assert text[first["start"] : first["end"]] == first["matched_text"]
    assert first["sentence"] in text and first["matched_text"] in first["sentence"]
    assert len(first["left"]) <= 20 and len(first["right"]) <= 20
    assert len(table) == int(extract(corpus)[["hedging_count", "hedging_negated"]].to_numpy().sum())


def test_evidence_refuses_a_negative_window() -> None:
    with pytest.raises(OptionError, match="window"):
        evidence(["It may be."], window=-5)


def test_the_old_transformer_path_still_works_with_a_deprecation_warning() -> None:
    import framing.features

    with pytest.warns(DeprecationWarning, match="import it from framing"):
        assert framing.features.FramingCues is FramingCues


def test_features_does_not_import_the_transformer_or_scikit_learn() -> None:
    import subprocess
    import sys

    code = "import sys, framing.features, framing.report; print('sklearn' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_sentences_and_matched_text_of_rows_in_any_order_read_a_block_of_documents_at_a_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import framing.features
    from framing.features import match_documents

    matched = match_documents(load_corpus(CROCUS), attribute=False)
    rows = matched.matches.sample(frac=1.0, random_state=0)  # documents out of order, repeated
    texts = matched.documents["text"].tolist()
    expected = [texts[d][s:e] for d, s, e in zip(rows["doc"], rows["start"], rows["end"], strict=True)]
    expected_sentences = [
        texts[d][s:e]
        for d, s, e in zip(rows["doc"], rows["sentence_start"], rows["sentence_end"], strict=True)
    ]
    monkeypatch.setattr(framing.features, "_RECORD_BLOCK", 3)  # many blocks on the demo corpus
    assert matched.matched_text(rows) == expected
    assert matched.sentences(rows) == expected_sentences
    assert matched.matched_text(rows.iloc[:0]) == []
    assert len(set(rows["doc"])) > 3 * 3 and all(expected)


# ------------------------------------------------------------------- a spooled corpus (texts on disk)


def _assert_same_pass(spooled, in_memory) -> None:
    """Every table and every text a MatchPass gives, spooled or not."""
    pd.testing.assert_frame_equal(spooled.features, in_memory.features)
    pd.testing.assert_frame_equal(spooled.matches, in_memory.matches)
    pd.testing.assert_frame_equal(spooled.attributions, in_memory.attributions)
    pd.testing.assert_frame_equal(spooled.profile, in_memory.profile)
    rows = in_memory.matches.sample(frac=1.0, random_state=1)  # documents out of order
    assert spooled.sentences(rows) == in_memory.sentences(rows)
    assert spooled.matched_text(rows) == in_memory.matched_text(rows)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_spooled_corpus_gives_the_same_match_pass_as_in_memory(crocus, jobs: int) -> None:
    from framing.features import match_documents

    spooled = crocus.spooled()
    found = match_documents(spooled, by="outlet", profile=True, jobs=jobs)
    expected = match_documents(crocus, by="outlet", profile=True, jobs=jobs)
    assert found.texts.spooled and not expected.texts.spooled
    assert "text" not in found.documents.columns and "text_ref" not in found.features.columns
    assert len(expected.matches) > 1000 and len(expected.attributions) > 100  # the comparison has content
    _assert_same_pass(found, expected)
    # the documents table and its spool given apart: the same
    apart = match_documents(
        spooled.documents, spool=spooled.spool, by="outlet", actors=crocus.actors, jobs=jobs
    )
    pd.testing.assert_frame_equal(apart.attributions, expected.attributions)
    assert apart.sentences(expected.matches) == expected.sentences(expected.matches)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_spooled_table_whose_rows_are_not_in_spool_order_reads_each_row_its_own_text(
    crocus, jobs: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import framing.features
    from framing.features import match_documents

    monkeypatch.setattr(framing.features, "_RECORD_BLOCK", 7)  # many blocks, each across the spool
    order = np.random.default_rng(3).permutation(len(crocus))
    spooled = crocus.spooled()
    shuffled = spooled.documents.iloc[order].reset_index(drop=True)
    in_memory = crocus.documents.iloc[order].reset_index(drop=True)
    found = match_documents(
        shuffled, spool=spooled.spool, by="outlet", actors=crocus.actors, profile=True, jobs=jobs
    )
    expected = match_documents(in_memory, by="outlet", actors=crocus.actors, profile=True, jobs=jobs)
    assert found.documents["doc_id"].tolist() == in_memory["doc_id"].tolist()
    _assert_same_pass(found, expected)


def test_a_spooled_table_without_its_spool_is_refused(crocus) -> None:
    from framing.features import match_documents

    with pytest.raises(OptionError, match="no 'text' column"):
        match_documents(crocus.spooled().documents)


def test_evidence_and_extract_of_a_spooled_corpus_equal_those_in_memory(crocus) -> None:
    spooled = crocus.spooled()
    pd.testing.assert_frame_equal(evidence(spooled, window=25), evidence(crocus, window=25))
    pd.testing.assert_frame_equal(
        evidence(spooled, cue="blame", outlet="daily-blast"),
        evidence(crocus, cue="blame", outlet="daily-blast"),
    )
    for unit in ("document", "sentence"):
        pd.testing.assert_frame_equal(extract(spooled, unit=unit, chunk_size=9), extract(crocus, unit=unit))


def test_a_spooled_table_without_languages_detects_them_from_the_spool(crocus) -> None:
    from framing.features import as_documents

    spooled = crocus.spooled()
    unknown = spooled.documents.assign(language=None)
    unknown.loc[2, "language"] = "ru"  # a given language is kept
    in_memory = crocus.documents.assign(language=None)
    in_memory.loc[2, "language"] = "ru"
    found = as_documents(unknown, spool=spooled.spool)["language"].tolist()
    assert found == as_documents(in_memory)["language"].tolist()
    assert found[2] == "ru" and None not in found and {"en", "ru"} <= set(found)


def test_the_report_subset_of_a_spooled_match_pass_cuts_sentences_from_its_own_documents(crocus) -> None:
    from framing.features import match_documents
    from framing.report.analysis import _only_groups

    groups = ["vestnik", "daily-blast", "kyiv-courier"]
    passes = []
    for corpus in (crocus, crocus.spooled()):
        found = match_documents(corpus, by="outlet", profile=True)
        compared = found.documents["outlet"].isin(groups).to_numpy()
        documents = found.documents[compared].reset_index(drop=True)
        passes.append(_only_groups(found, "outlet", groups, compared, documents))
    in_memory, spooled = passes
    assert spooled.texts.spooled and len(spooled.texts) == len(spooled.documents) < len(crocus)
    pd.testing.assert_frame_equal(spooled.matches, in_memory.matches)
    texts = dict(zip(crocus.documents["doc_id"], crocus.documents["text"], strict=True))
    sentences = spooled.sentences(spooled.matches)
    assert sentences == in_memory.sentences(in_memory.matches) and len(sentences) > 100
    for doc_id, sentence in zip(spooled.matches["doc_id"].astype(str), sentences, strict=True):
        assert sentence in texts[doc_id]


@pytest.mark.parametrize("jobs", [1, 2])
def test_blocks_without_matches_or_blame_rows_join_to_the_one_block_pass(
    jobs: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import framing.features
    from framing.features import match_documents

    texts = [
        "The museum reopened on Monday.",
        "Kyiv was blamed for the brutal attack, officials said.",
        "The budget passed.",
        "It may well be true that Moscow denied any role.",
        "Nothing here.",
    ]
    options = {"actors": {"Kyiv": ["Kyiv"], "Moscow": ["Moscow"]}, "profile": True, "jobs": jobs}
    whole = match_documents(texts, **options)
    monkeypatch.setattr(framing.features, "_RECORD_BLOCK", 1)  # one document per block, most with nothing
    blocks = match_documents(texts, **options)
    assert len(whole.matches) > 3 and len(whole.attributions) >= 1
    for name in ("features", "matches", "attributions", "profile"):
        pd.testing.assert_frame_equal(getattr(blocks, name), getattr(whole, name), obj=name)
    nothing = match_documents(["The museum reopened.", "The budget passed."], **options)
    monkeypatch.setattr(framing.features, "_RECORD_BLOCK", 1000)
    again = match_documents(["The museum reopened.", "The budget passed."], **options)
    assert nothing.matches.empty and nothing.attributions.empty
    for name in ("features", "matches", "attributions", "profile"):
        pd.testing.assert_frame_equal(getattr(nothing, name), getattr(again, name), obj=name)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_pass_without_profile_rows_gives_the_empty_profile_table(jobs: int) -> None:
    # regression (block-wise joining): no profile row made doc_id float64, no document made no table
    from framing.blame_profile import blame_profile
    from framing.features import match_documents

    actors = {"Kyiv": ["Kyiv"]}
    texts = ["The museum reopened.", "The budget passed."]
    found = match_documents(texts, actors=actors, profile=True, jobs=jobs).profile
    pd.testing.assert_frame_equal(found, blame_profile(texts, actors=actors))
    assert found.empty and found["doc_id"].dtype == object
    empty = match_documents([], actors=actors, profile=True, jobs=jobs).profile
    pd.testing.assert_frame_equal(empty, blame_profile([], actors=actors))
    assert match_documents(texts, actors=actors, profile=True, attribute=False).profile is None


def _blocks_of_a_feature_table(seed: int = 0) -> list[pd.DataFrame]:
    """Blocks as a matching pass makes them: strings, dates with gaps, categoricals whose categories
    differ by block, an object column, booleans and many count and rate columns."""
    rng = np.random.default_rng(seed)
    blocks = []
    for k in range(12):
        rows = 50 + k
        block = pd.DataFrame(
            {
                "doc_id": pd.Series([f"d{k}-{i}" for i in range(rows)], dtype="str"),
                "outlet": pd.Categorical(rng.choice(["A", "B", "C"][: 1 + k % 3], rows)),
                "date": pd.to_datetime(rng.integers(0, 10**9, rows), unit="s").where(rng.random(rows) > 0.2),
                "duplicate_of": pd.Series([None if i % 3 else f"d{i}" for i in range(rows)], dtype=object),
                "language_supported": rng.random(rows) > 0.5,
                "tokens": rng.integers(0, 1000, rows),
            }
        )
        for cue in ("blame", "emotive", "hedging"):
            block[f"{cue}_count"] = rng.integers(0, 5, rows)
            block[f"{cue}_rate"] = rng.random(rows)
        blocks.append(block)
    return blocks


def test_concat_releasing_gives_the_table_pd_concat_gives_and_lets_the_blocks_go() -> None:
    from framing.features import concat_releasing

    expected = pd.concat(_blocks_of_a_feature_table(), ignore_index=True)
    blocks = _blocks_of_a_feature_table()
    joined = concat_releasing(blocks)
    pd.testing.assert_frame_equal(joined, expected, check_exact=True)
    assert list(joined.dtypes) == list(expected.dtypes)
    assert blocks == []  # emptied: the caller's list holds no block either


def test_concat_releasing_leaves_mixed_dtypes_and_differing_columns_to_pd_concat() -> None:
    from framing.features import concat_releasing

    def mixed() -> list[pd.DataFrame]:
        blocks = _blocks_of_a_feature_table(1)
        blocks[3]["tokens"] = blocks[3]["tokens"].astype(float)  # one block of floats: the column is float
        blocks[5] = blocks[5].drop(columns="duplicate_of")  # a block without a column: NaN there
        return blocks

    pd.testing.assert_frame_equal(concat_releasing(mixed()), pd.concat(mixed(), ignore_index=True))
    same_columns = _blocks_of_a_feature_table(2)
    same_columns[4]["blame_count"] = same_columns[4]["blame_count"].astype(float)
    expected = pd.concat([block.copy() for block in same_columns], ignore_index=True)
    joined = concat_releasing(same_columns)
    assert joined["blame_count"].dtype == np.float64
    pd.testing.assert_frame_equal(joined, expected, check_exact=True)
