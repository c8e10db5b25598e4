"""Each cue family on hand-written sentences: what it counts, what it leaves alone, what it negates.

Examples use clearly general lexicon terms, and each assertion checks the family, the subcategory
and (emotive) the intensity weight the lexicon declares.
"""

from __future__ import annotations

import pandas as pd
import pytest

from framing.cues import BLAME, CERTAINTY, DENIAL, EMOTIVE, FAMILIES, HEDGING, CueFamily
from framing.features import build_matcher, extract
from framing.matcher import CueMatcher

NEUTRAL = "The ministry published its annual budget on Tuesday and the museum reopened."


@pytest.fixture(scope="module")
def matcher() -> CueMatcher:
    return build_matcher()


def cues(matcher: CueMatcher, text: str, family: str) -> list[tuple[str, str, float, bool]]:
    """(matched text, subcategory, weight, negated) of the family's matches in ``text``."""
    return [
        (m.text, m.entry.subcategory, m.entry.weight, m.negated)
        for m in matcher.match(text).matches
        if m.entry.category == family
    ]


# ----------------------------------------------------------------------------------------------------
# the family declarations
# ----------------------------------------------------------------------------------------------------


def test_families_declare_lexicon_and_score() -> None:
    assert FAMILIES == {
        "blame": BLAME,
        "denial": DENIAL,
        "emotive": EMOTIVE,
        "hedging": HEDGING,
        "certainty": CERTAINTY,
    }
    assert [(f.lexicon, f.score) for f in FAMILIES.values()] == [
        ("blame", "blame_count"),
        ("blame", "denial_count"),
        ("emotive", "emotive_weighted"),
        ("hedging", "hedging_count"),
        ("certainty", "certainty_count"),
    ]
    assert HEDGING.columns(["attribution"]) == [
        "hedging_count",
        "hedging_negated",
        "hedging_present",
        "hedging_rate",
        "hedging_attribution_count",
        "hedging_attribution_rate",
    ]


def test_declared_columns_and_scores_are_produced(matcher: CueMatcher) -> None:
    table = extract([NEUTRAL], matcher=matcher)
    for family in FAMILIES.values():
        assert isinstance(family, CueFamily)
        assert set(family.columns(matcher.subcategories[family.name])) <= set(table.columns)
        assert family.score in table.columns


@pytest.mark.parametrize("family", ["blame", "denial", "emotive", "hedging", "certainty"])
def test_neutral_sentence_has_no_cue(matcher: CueMatcher, family: str) -> None:
    assert cues(matcher, NEUTRAL, family) == []
    assert cues(matcher, "The prices rose by 3 percent in the third quarter.", family) == []


# ----------------------------------------------------------------------------------------------------
# hedging
# ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It may be too late to repair the bridge.", [("may", "epistemic_modal")]),
        ("The bridge will probably close.", [("probably", "probability")]),
        ("The figures suggest a slowdown.", [("suggest", "speculative_verb")]),
        ("Roughly half of the staff left.", [("Roughly", "approximator")]),
        ("The cause of the fire remains unclear.", [("unclear", "uncertainty")]),
        ("The minister reportedly resigned.", [("reportedly", "attribution")]),
        ("The driver allegedly fled.", [("allegedly", "attribution")]),
        (
            "According to unnamed sources, the deal is done.",
            [("According to unnamed sources", "attribution")],
        ),
        ("Her so-called plan was dropped.", [("so-called", "attribution")]),
    ],
)
def test_hedging_positive(matcher: CueMatcher, text: str, expected: list[tuple[str, str]]) -> None:
    assert [(t, s) for t, s, _, _ in cues(matcher, text, "hedging")] == expected
    assert all(not negated for *_, negated in cues(matcher, text, "hedging"))


def test_hedging_negated_and_negative(matcher: CueMatcher) -> None:
    assert cues(matcher, "A delay is not likely.", "hedging") == [("likely", "probability", 1.0, True)]
    assert cues(matcher, "The bridge closed at noon.", "hedging") == []
    # a named source is neutral attribution, not a hedge
    assert cues(matcher, "According to the mayor, the bridge closed.", "hedging") == []


# ----------------------------------------------------------------------------------------------------
# certainty
# ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The plan clearly failed.", [("clearly", "booster_adverb")]),
        ("The result was undoubtedly correct.", [("undoubtedly", "booster_adverb")]),
        ("There is no doubt that the plan failed.", [("There is no doubt", "no_doubt")]),
        ("The lab confirmed the result.", [("confirmed", "factive")]),
        ("He insisted the figures were right.", [("insisted", "assertive")]),
    ],
)
def test_certainty_positive(matcher: CueMatcher, text: str, expected: list[tuple[str, str]]) -> None:
    found = cues(matcher, text, "certainty")
    assert [(t, s) for t, s, _, _ in found] == expected
    assert not any(negated for *_, negated in found)


def test_certainty_negated_and_hedge_forms(matcher: CueMatcher) -> None:
    assert cues(matcher, "The lab never confirmed the result.", "certainty") == [
        ("confirmed", "factive", 1.0, True)
    ]
    # "not sure" and "make sure" are not certainty claims
    assert cues(matcher, "He is not sure. Make sure to vote.", "certainty") == []
    assert cues(matcher, "He is not sure.", "hedging") == [("not sure", "uncertainty", 1.0, False)]


# ----------------------------------------------------------------------------------------------------
# emotive: subcategories and weights
# ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Residents live in fear.", [("fear", "fear", 1.0)]),
        ("The crowd was terrified.", [("terrified", "fear", 2.0)]),
        ("The crowd was furious.", [("furious", "anger_outrage", 2.0)]),
        ("The verdict caused outrage.", [("outrage", "anger_outrage", 2.0)]),
        ("The town is in mourning.", [("mourning", "grief", 1.0)]),
        ("It was a heartbreaking loss.", [("heartbreaking", "grief", 3.0)]),
        ("It was a brutal massacre.", [("brutal", "violence_gore", 2.0), ("massacre", "violence_gore", 3.0)]),
        (
            "It was an evil and cowardly act.",
            [("evil", "moral_condemnation", 3.0), ("cowardly", "moral_condemnation", 2.0)],
        ),
        ("The plan was utterly wrong.", [("utterly", "intensifier", 2.0)]),
        ("It was a deeply sad day.", [("deeply", "intensifier", 1.0)]),
    ],
)
def test_emotive_subcategories_and_weights(
    matcher: CueMatcher, text: str, expected: list[tuple[str, str, float]]
) -> None:
    assert [(t, s, w) for t, s, w, _ in cues(matcher, text, "emotive")] == expected


def test_emotive_neutral_naming_words_and_negation(matcher: CueMatcher) -> None:
    # naming the event is not loaded language
    assert cues(matcher, "Police said the terror attack killed six people.", "emotive") == []
    assert cues(matcher, "Nobody was terrified.", "emotive") == [("terrified", "fear", 2.0, True)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Masked thugs beat the marchers.", [("thugs", "name_calling", 2.0)]),
        ("He called the mayor a clown and a liar.", [("clown", "name_calling", 2.0)]),
        (
            "The senator's cronies and lackeys cheered.",
            [("cronies", "name_calling", 2.0), ("lackeys", "name_calling", 2.0)],
        ),
        ("Critics say the regime jailed its opponents.", [("regime", "name_calling", 1.0)]),
        ("The warmongers in the capital want more.", [("warmongers", "name_calling", 2.0)]),
        ("She dismissed them as idiots.", [("idiots", "name_calling", 3.0)]),
    ],
)
def test_emotive_name_calling(matcher: CueMatcher, text: str, expected: list[tuple[str, str, float]]) -> None:
    """Derogatory labels for people and groups are their own subcategory ('liar' stays a denial cue)."""
    assert [(t, s, w) for t, s, w, _ in cues(matcher, text, "emotive")] == expected


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("The envoy was belligerent.", "belligerent"),
        ("The envoy spoke belligerently.", "belligerently"),
        ("The envoy's belligerence was noted.", "belligerence"),
        ("It was an outrageous demand.", "outrageous"),
        ("They were outrageously late.", "outrageously"),
        ("Such hypocrisy is common.", "hypocrisy"),
        ("A hypocritical speech.", "hypocritical"),
        ("Voters punished their arrogance.", "arrogance"),
    ],
)
def test_emotive_derived_forms_match_by_stem(matcher: CueMatcher, text: str, term: str) -> None:
    """Adjective, adverb and noun of one loaded stem are all matched, by a '*' entry rather than by hand."""
    found = cues(matcher, text, "emotive")
    assert [t for t, *_ in found] == [term]
    entry = next(m.entry for m in matcher.match(text).matches if m.entry.category == "emotive")
    assert entry.term.endswith("*")


@pytest.mark.parametrize(
    ("text", "loaded"),
    [
        ("The regime crushed the protest.", ["regime"]),
        ("Washington pursued regime change in Libya.", []),  # the name of a policy
        ("The new sanctions regime starts in May.", []),  # a system of rules
        ("He was held in contempt of court.", []),  # a legal finding
        ("She spoke of them with open contempt.", ["contempt"]),
        ("Prices went through the roof.", ["through the roof"]),
        ("The war on coal goes on.", ["war on"]),
        ("The war on the border goes on.", []),
        ("A local butcher sells lamb.", []),
        ("They are butchers and murderers.", ["butchers", "murderers"]),
        ("Swine flu spread in the spring.", []),
        ("Pigs and rats.", ["pigs", "rats"]),
        ("Lab rats were tested.", []),
        # a '*' stem never reaches an unrelated word: smug is not smuggling, a shill is not a shilling
        ("Smugglers were caught smuggling fuel.", []),
        ("The Kenyan shilling fell.", []),
        ("He is a shill for the industry.", ["shill"]),
    ],
)
def test_emotive_word_sense_rules(matcher: CueMatcher, text: str, loaded: list[str]) -> None:
    """Where a frequent sense is neutral (a policy, a legal term, a trade, a disease), the rule drops it."""
    assert [t.lower() for t, *_ in cues(matcher, text, "emotive")] == loaded


def test_emotive_praise_and_dishonesty_labels(matcher: CueMatcher) -> None:
    """Glorifying praise is loaded too (the hero side of a hero/villain frame); mild praise is not."""
    assert cues(matcher, "The courageous heroes were hailed as martyrs.", "emotive") == [
        ("courageous", "praise", 2.0, False),
        ("heroes", "praise", 2.0, False),
        ("martyrs", "praise", 2.0, False),
    ]
    assert cues(matcher, "It was a good and successful year for the company.", "emotive") == []
    assert [
        t for t, *_ in cues(matcher, "They called the vote rigged and the inquiry a whitewash.", "emotive")
    ] == [
        "rigged",
        "whitewash",
    ]
    # 'rigged with explosives' is literal
    assert cues(matcher, "The car was rigged with explosives.", "emotive") == []


def test_emotive_weighted_sums_the_weights_of_counted_matches(matcher: CueMatcher) -> None:
    text = "It was a brutal massacre. The crowd was not furious. The town is in mourning."
    row = extract([text], matcher=matcher).iloc[0]
    assert row["emotive_count"] == 3 and row["emotive_negated"] == 1
    assert row["emotive_weighted"] == 2.0 + 3.0 + 1.0  # the negated 'furious' adds nothing
    assert (row["emotive_violence_gore_count"], row["emotive_grief_count"]) == (2, 1)
    assert row["emotive_anger_outrage_count"] == 0


# ----------------------------------------------------------------------------------------------------
# blame and denial
# ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "family", "expected"),
    [
        ("The union blamed the owners.", "blame", [("blamed", "accusation")]),
        ("Critics accused the mayor of lying.", "blame", [("accused", "accusation")]),
        ("The regulator held the bank responsible.", "blame", [("responsible", "responsibility")]),
        (
            "The group claimed responsibility for the fire.",
            "blame",
            [("claimed responsibility", "claim_of_responsibility")],
        ),
        ("A rival gang was behind the fire.", "blame", [("was behind", "causation")]),
        ("Police said the suspect had links to the gang.", "blame", [("links to", "implication")]),
        ("The company denied any involvement.", "denial", [("denied any involvement", "denial")]),
        ("The owners called the claims baseless.", "denial", [("baseless", "discrediting")]),
    ],
)
def test_blame_and_denial_positive(
    matcher: CueMatcher, text: str, family: str, expected: list[tuple[str, str]]
) -> None:
    assert [(t, s) for t, s, _, negated in cues(matcher, text, family) if not negated] == expected


def test_blame_negated_and_behind_bars(matcher: CueMatcher) -> None:
    assert cues(matcher, "The union did not blame the owners.", "blame") == [
        ("blame", "accusation", 1.0, True)
    ]
    assert cues(matcher, "There is no evidence linking the gang to the fire.", "blame") == [
        ("linking", "implication", 1.0, True)
    ]
    assert cues(matcher, "The suspect is behind bars.", "blame") == []  # not_next=bars
    # the denial phrase wins over the blame word it contains ('involvement')
    assert cues(matcher, "The company denied any involvement.", "blame") == []


# ----------------------------------------------------------------------------------------------------
# counts, rates and units in extract()
# ----------------------------------------------------------------------------------------------------

DOCS = [
    "The bridge may close. It was clearly a brutal storm, and the mayor did not blame anyone.",
    "Officials reportedly blamed the contractor. The repairs will probably take a week.\n\n"
    "Residents were not terrified.",
    NEUTRAL,
]


def test_rates_are_counts_per_thousand_tokens(matcher: CueMatcher) -> None:
    table = extract(DOCS, matcher=matcher)
    assert table["tokens"].tolist() == [17, 16, 12]
    assert table["hedging_count"].tolist() == [1, 2, 0]
    assert table["blame_count"].tolist() == [0, 1, 0]
    assert table["blame_negated"].tolist() == [1, 0, 0]
    assert table["emotive_negated"].tolist() == [0, 1, 0]
    for family in FAMILIES:
        expected = table[f"{family}_count"] / table["tokens"] * 1000
        assert table[f"{family}_rate"].tolist() == pytest.approx(expected.tolist())
        assert table[f"{family}_present"].tolist() == (table[f"{family}_count"] > 0).astype(int).tolist()
        for sub in matcher.subcategories[family]:
            rate = table[f"{family}_{sub}_count"] / table["tokens"] * 1000
            assert table[f"{family}_{sub}_rate"].tolist() == pytest.approx(rate.tolist())
    assert table.loc[0, "hedging_rate"] == pytest.approx(1 / 17 * 1000)
    assert table.loc[1, "hedging_attribution_count"] == 1 and table.loc[1, "hedging_probability_count"] == 1


def test_subcategory_counts_add_up_to_the_family_count(matcher: CueMatcher) -> None:
    table = extract(DOCS, matcher=matcher)
    for family, subs in matcher.subcategories.items():
        total = sum(table[f"{family}_{s}_count"] for s in subs)
        assert total.tolist() == table[f"{family}_count"].tolist()


def test_sentence_rows_sum_to_document_counts(matcher: CueMatcher) -> None:
    documents = extract(DOCS, matcher=matcher)
    sentences = extract(DOCS, unit="sentence", matcher=matcher)
    assert sentences.groupby("doc_id").size().tolist() == documents["sentences"].tolist() == [2, 3, 1]
    assert sentences["sentence_id"].tolist() == [0, 1, 0, 1, 2, 0]
    count_columns = [c for c in documents.columns if c.endswith(("_count", "_negated", "_weighted"))]
    summed = sentences.groupby("doc_id", sort=False)[["tokens", *count_columns]].sum().reset_index()
    pd.testing.assert_frame_equal(summed, documents[["doc_id", "tokens", *count_columns]], check_dtype=False)
    # sentence rates use the sentence's own token count
    second = sentences.iloc[1]
    assert second["tokens"] == 13 and second["certainty_rate"] == pytest.approx(1000 / 13)
    for row in sentences.itertuples():
        assert row.start < row.end


def test_negated_matches_counted_apart(matcher: CueMatcher) -> None:
    row = extract(["The mayor did not blame anyone, but the union blamed the owners."], matcher=matcher).iloc[
        0
    ]
    assert (row["blame_count"], row["blame_negated"], row["blame_present"]) == (1, 1, 1)
    assert row["blame_accusation_count"] == 1  # subcategories count only what is not negated
    only_negated = extract(["Nobody blamed the owners."], matcher=matcher).iloc[0]
    assert (only_negated["blame_count"], only_negated["blame_negated"], only_negated["blame_present"]) == (
        0,
        1,
        0,
    )
    assert only_negated["blame_rate"] == 0.0
