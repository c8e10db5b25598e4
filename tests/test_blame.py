"""Who blames whom: the role heuristics of framing.cues.blame on hand-written sentences and on Crocus."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from conftest import CROCUS

from framing.corpus import load_corpus
from framing.cues.blame import ATTRIBUTION_COLUMNS, ActorFinder, blame_attributions

ACTORS = {
    "Islamic State": ["Islamic State", "ISIS", "IS-K", "IS", "Daesh"],
    "Ukraine": ["Ukraine", "Kyiv", "Zelensky"],
    "Russia": ["Russia", "Kremlin", "Putin", "FSB", "Moscow"],
    "United States": ["United States", "US", "Washington"],
}


def roles(text: str, actors: dict[str, list[str]] | None = None) -> list[tuple]:
    """(blamer, blamed, kind, negated, rule) of every attribution row of ``text``."""
    table = blame_attributions([text], actors=ACTORS if actors is None else actors)
    return [(r.blamer, r.blamed, r.kind, bool(r.negated), r.rule) for r in table.itertuples()]


# ----------------------------------------------------------------------------------------------------
# actors
# ----------------------------------------------------------------------------------------------------


def test_actor_finder_whole_words_case_and_longest_alias() -> None:
    finder = ActorFinder(ACTORS)
    text = "It is clear that IS and Islamic State's rivals, not US allies, worry us in Kyiv-based offices."
    found = [(text[m.start : m.end], m.actor) for m in finder.find(text)]
    # 'is' and 'us' are not the capitalised short aliases; 'Kyiv-based' is one word
    assert found == [("IS", "Islamic State"), ("Islamic State's", "Islamic State"), ("US", "United States")]


def test_actor_name_itself_is_an_alias() -> None:
    finder = ActorFinder({"Belarus": ["Minsk"]})
    assert [m.actor for m in finder.find("Belarus and Minsk")] == ["Belarus", "Belarus"]


# ----------------------------------------------------------------------------------------------------
# the rules, one clear sentence each
# ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # active
        (
            "The Kremlin blamed Ukraine for the attack.",
            [("Russia", "Ukraine", "accusation", False, "active")],
        ),
        ("Putin accused Kyiv of helping the gunmen.", [("Russia", "Ukraine", "accusation", False, "active")]),
        # passive, with and without an agent
        (
            "Ukraine was blamed by the Kremlin for the attack.",
            [("Russia", "Ukraine", "accusation", False, "passive")],
        ),
        ("Ukraine was blamed for the attack.", [("unspecified", "Ukraine", "accusation", False, "passive")]),
        # self-attribution
        (
            "Islamic State claimed responsibility for the attack.",
            [("Islamic State", "Islamic State", "self_attribution", False, "self_attribution")],
        ),
        (
            "Daesh took responsibility for the bombing.",
            [("Islamic State", "Islamic State", "self_attribution", False, "self_attribution")],
        ),
        # subject: "Y is behind", in the outlet's voice or reported
        ("Ukraine is behind the attack.", [("unspecified", "Ukraine", "accusation", False, "subject")]),
        (
            "The FSB said Ukraine is behind the attack.",
            [("Russia", "Ukraine", "accusation", False, "subject")],
        ),
        (
            "Washington said Daesh was responsible for the attack.",
            [("United States", "Islamic State", "accusation", False, "subject")],
        ),
        ("Russia held Ukraine responsible.", [("Russia", "Ukraine", "accusation", False, "active")]),
        # object, negated
        (
            "There is no evidence linking Ukraine to the attack.",
            [("unspecified", "Ukraine", "accusation", True, "object")],
        ),
        (
            "The FSB said the gunmen had links to Ukraine.",
            [("Russia", "Ukraine", "accusation", False, "object")],
        ),
        # negated accusation verb
        ("Putin did not blame Islamic State.", [("Russia", "Islamic State", "accusation", True, "active")]),
        # denial
        ("Kyiv denied any involvement.", [("unspecified", "Ukraine", "denial", True, "denial")]),
        (
            "Zelensky rejected the Kremlin's accusations.",
            [
                ("Russia", "Ukraine", "denial", True, "denial"),
                ("Russia", "undetermined", "accusation", False, "active"),
            ],
        ),
        # undetermined: a blame cue with no actor in the role
        (
            "Officials blamed the organisers.",
            [("unspecified", "undetermined", "accusation", False, "active")],
        ),
    ],
)
def test_roles_on_clear_sentences(text: str, expected: list[tuple]) -> None:
    assert roles(text) == expected


def test_several_blamed_actors_give_one_row_each() -> None:
    assert roles("The Kremlin accused Ukraine and the United States of planning the attack.") == [
        ("Russia", "Ukraine", "accusation", False, "active"),
        ("Russia", "United States", "accusation", False, "active"),
    ]


def test_no_actors_keeps_rows_undetermined() -> None:
    assert roles("The Kremlin blamed Ukraine.", actors={}) == [
        ("unspecified", "undetermined", "accusation", False, "active")
    ]


# ----------------------------------------------------------------------------------------------------
# regressions: wrong answers on clear sentences, fixed in framing/cues/blame.py
# ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "carried out by Y": the agent is inside the cue (was: blamer unspecified, blamed = the reporter)
        (
            "Putin said the attack was carried out by Islamic State.",
            [("Russia", "Islamic State", "accusation", False, "passive")],
        ),
        # a reporting clause after the claim (was: blamer unspecified)
        (
            "Ukraine was behind the attack, Putin said.",
            [("Russia", "Ukraine", "accusation", False, "subject")],
        ),
        (
            "Ukraine was behind the attack, said Putin.",
            [("Russia", "Ukraine", "accusation", False, "subject")],
        ),
        (
            "Ukraine was behind the attack, according to the FSB.",
            [("Russia", "Ukraine", "accusation", False, "subject")],
        ),
        # ... whose actor is not a blamed one (was: Washington blamed too)
        (
            "The attack was orchestrated by ISIS, Washington said.",
            [("United States", "Islamic State", "accusation", False, "passive")],
        ),
        (
            "Russia blamed Washington, Kyiv said.",
            [("Russia", "United States", "accusation", False, "active")],
        ),
        # a denier is not its own accuser (was: Ukraine -> Ukraine)
        (
            "Kyiv denied any involvement, and Zelensky called the claims absurd.",
            [
                ("unspecified", "Ukraine", "denial", True, "denial"),
                ("unspecified", "Ukraine", "denial", True, "denial"),
            ],
        ),
        # reduced passive: the accused stand before the participle (was: ISIS -> Moscow)
        (
            "The four ISIS fighters accused of the attack appeared in a Moscow court.",
            [("unspecified", "Islamic State", "accusation", False, "passive")],
        ),
        (
            "Moscow courts detained several men accused of helping the gunmen.",
            [("unspecified", "undetermined", "accusation", False, "passive")],
        ),
        # "X ... accused X" is a misparse, not self-blame (was: United States -> United States)
        (
            "Putin called the US warnings a bluff and accused the United States of meddling.",
            [("unspecified", "United States", "accusation", False, "active")],
        ),
    ],
)
def test_fixed_role_errors(text: str, expected: list[tuple]) -> None:
    assert roles(text) == expected


def test_new_clause_after_a_denial_is_not_a_reporting_clause() -> None:
    # "..., and X said that ..." starts a new claim: X is neither the accuser in the denial (was: United
    # States -> Ukraine) nor a blamed actor; it is the reporter of its own claim
    assert roles("Kyiv denied any involvement, and Washington said that Daesh was responsible.") == [
        ("unspecified", "Ukraine", "denial", True, "denial"),
        ("United States", "Islamic State", "accusation", False, "subject"),
    ]


# ----------------------------------------------------------------------------------------------------
# the table
# ----------------------------------------------------------------------------------------------------


def test_table_columns_offsets_and_identity() -> None:
    documents = pd.DataFrame(
        {
            "doc_id": ["x-7", "y-9"],
            "outlet": ["paper", "wire"],
            "date": ["2024-03-25", "2024-03-26"],
            "text": [
                "The hall reopened. Ukraine was blamed by the Kremlin.",
                "Nothing here concerns anyone.",
            ],
        }
    )
    table = blame_attributions(documents, actors=ACTORS)
    assert list(table.columns) == ATTRIBUTION_COLUMNS
    assert len(table) == 1
    row = table.iloc[0]
    assert (row["doc_id"], row["outlet"], row["date"], row["sentence_id"]) == (
        "x-7",
        "paper",
        "2024-03-25",
        1,
    )
    assert documents.loc[0, "text"][row["start"] : row["end"]] == row["cue"] == "blamed"
    assert row["sentence"] == "Ukraine was blamed by the Kremlin."
    assert row["cue_subcategory"] == "accusation"


def test_empty_result_has_the_columns() -> None:
    table = blame_attributions(["The hall reopened on Monday."], actors=ACTORS)
    assert table.empty and list(table.columns) == ATTRIBUTION_COLUMNS


def test_corpus_actors_come_from_corpus_toml(tiny_corpus: Path) -> None:
    corpus = load_corpus(tiny_corpus)
    table = blame_attributions(corpus)
    claims = table[table["kind"] == "self_attribution"]
    assert set(claims["blamer"]) == {"Islamic State"} and set(claims["blamed"]) == {"Islamic State"}
    assert set(claims["doc_id"]) >= {"w1", "w2"}
    # passing actors overrides the corpus's own
    assert set(blame_attributions(corpus, actors={})["blamed"]) == {"undetermined"}


# ----------------------------------------------------------------------------------------------------
# the bundled demo corpus
# ----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def crocus_blame() -> pd.DataFrame:
    return blame_attributions(load_corpus(CROCUS))


def test_crocus_islamic_state_claims_responsibility(crocus_blame: pd.DataFrame) -> None:
    claims = crocus_blame[
        (crocus_blame["kind"] == "self_attribution")
        & (crocus_blame["blamer"] == "Islamic State")
        & (crocus_blame["blamed"] == "Islamic State")
    ]
    assert len(claims) >= 1
    assert all(c in s for c, s in zip(claims["cue"], claims["sentence"], strict=True))
    assert claims["cue"].str.lower().str.contains("claim").any()


def test_crocus_russian_actors_accuse_ukraine(crocus_blame: pd.DataFrame) -> None:
    accusations = crocus_blame[
        (crocus_blame["kind"] == "accusation")
        & (crocus_blame["blamer"] == "Russia")
        & (crocus_blame["blamed"] == "Ukraine")
        & ~crocus_blame["negated"]
    ]
    assert len(accusations) >= 1
    assert "vestnik" in set(accusations["outlet"])  # the state outlet relays the accusation
    # and Kyiv's denials are recorded as denials by Ukraine, never as blame of itself
    denials = crocus_blame[(crocus_blame["kind"] == "denial") & (crocus_blame["blamed"] == "Ukraine")]
    assert len(denials) >= 1 and bool(denials["negated"].all())
    assert "Ukraine" not in set(denials["blamer"])


# ----------------------------------------------------------------------------------------------------
# issue 9: rules where the sentence rules were silent
# ----------------------------------------------------------------------------------------------------

PERSONS = {**ACTORS, "Russia": [*ACTORS["Russia"], "Vladimir Putin"]}


def test_list_of_blamed_actors_in_the_passive() -> None:
    assert roles("Ukraine and the United States were blamed for the attack.") == [
        ("unspecified", "Ukraine", "accusation", False, "passive"),
        ("unspecified", "United States", "accusation", False, "passive"),
    ]


def test_nominal_responsibility_of_an_actor() -> None:
    assert roles("Russia's responsibility for the massacre is clear.") == [
        ("unspecified", "Russia", "accusation", False, "subject")
    ]


def test_nominal_actor_backed_attack() -> None:
    assert roles("It was a Ukraine-backed attack, Putin said.") == [
        ("Russia", "Ukraine", "accusation", False, "nominal")
    ]
    assert roles("The Kremlin denounced the US-sponsored coup.") == [
        ("unspecified", "United States", "accusation", False, "nominal")
    ]


def test_nominal_rule_reads_every_sentence_that_has_one_and_only_those() -> None:
    text = (
        "Markets were calm. It was a Ukraine-BACKED attack, Putin said. Nothing else happened.\n"
        "-backed groups were named. The Kremlin denounced the US-sponsored coup."
    )
    found = [(r.blamed, r.sentence_id, r.cue) for r in blame_attributions([text], actors=ACTORS).itertuples()]
    assert found == [("Ukraine", 1, "Ukraine-BACKED"), ("United States", 3, "US-sponsored")]


def test_nominal_rule_negated_and_not_fired_by_other_compounds() -> None:
    assert roles("There was no Ukraine-backed plot, the report found.") == [
        ("unspecified", "Ukraine", "accusation", True, "nominal")
    ]
    assert roles("Kyiv-based reporters and US-made cars filled the street.") == []


def test_accuser_named_in_a_following_clause() -> None:
    assert roles("The accusations against Ukraine came from the Kremlin.") == [
        ("Russia", "Ukraine", "accusation", False, "accuser_after")
    ]
    assert roles("The accusations against Kyiv were made by Moscow on Friday.") == [
        ("Russia", "Ukraine", "accusation", False, "accuser_after")
    ]


def test_blamer_is_a_pronoun_for_the_previous_sentence() -> None:
    text = "Vladimir Putin spoke on Sunday. He accused Kyiv of organising the attack."
    assert roles(text, PERSONS) == [("Russia", "Ukraine", "accusation", False, "previous_sentence")]
    # "He" needs a person-like actor: a country is no antecedent, the blamer stays unspecified
    assert roles("Russia spoke on Sunday. He accused Kyiv of organising the attack.") == [
        ("unspecified", "Ukraine", "accusation", False, "active")
    ]


def test_definite_description_claims_responsibility() -> None:
    text = "Islamic State fighters opened fire. The group later claimed responsibility."
    assert ("Islamic State", "Islamic State", "self_attribution", False, "previous_sentence") in roles(text)


def test_blamed_pronoun_in_the_passive() -> None:
    text = "Ukraine mobilised troops. It was blamed for the attack by Moscow."
    assert roles(text) == [("Russia", "Ukraine", "accusation", False, "previous_sentence")]


def test_accusation_taken_up_in_the_next_sentence() -> None:
    assert roles("Ukraine was blamed. The accusation came from Moscow.") == [
        ("unspecified", "Ukraine", "accusation", False, "passive"),
        ("Russia", "Ukraine", "accusation", False, "previous_sentence"),
    ]


def test_no_antecedent_keeps_undetermined() -> None:
    assert roles("The weather was calm. They were blamed for the attack.") == [
        ("unspecified", "undetermined", "accusation", False, "passive")
    ]


def test_pronoun_denier_resolved_but_not_the_subject_of_a_discrediting_cue() -> None:
    assert roles("Kyiv issued a statement. It denied any involvement.") == [
        ("unspecified", "Ukraine", "denial", True, "previous_sentence")
    ]
    assert roles("Vladimir Putin blamed Kyiv. He provided no evidence.", PERSONS)[-1] == (
        "unspecified",
        "undetermined",
        "denial",
        True,
        "denial",
    )


def test_find_each_equals_find_on_every_sentence() -> None:
    from framing.text import sentence_spans

    finder = ActorFinder(
        {"Ukraine": ["Kyiv", "Украина"], "Islamic State": ["IS", "ISIS"], "United States": ["US", "U.S."]}
    )
    texts = [
        "Officials in Kyiv denied it. The US said IS was behind it.\n\nNobody named ISIS. Us too.",
        "Москва обвинила Украину. В Киеве это отрицают. Украины там не было.",
        "İstanbul said nothing. The U.S. agreed with Kyiv.",  # İ lower-cases to two characters
        "ΣΟΦΙΑ wrote from Kyiv. Then Kyiv replied.",  # final sigma: lower-casing depends on context
        "No actor at all here. None here either.",
    ]
    for text in texts:
        spans = sentence_spans(text)
        assert finder.find_each(text, spans) == [finder.find(text[s:e]) for s, e in spans]
    assert [len(m) for m in finder.find_each(texts[0], sentence_spans(texts[0]))] == [1, 2, 1, 0]


def test_attributions_from_the_actors_found_for_the_profile_are_the_same() -> None:
    from framing.cues.blame import document_attributions
    from framing.features import build_matcher

    corpus = load_corpus(CROCUS)
    matcher, finder = build_matcher(), ActorFinder(corpus.actors)
    rows = 0
    for record in corpus.documents.to_dict("records"):
        found = matcher.match(record["text"], record["language"])
        shared = finder.find_each(record["text"], found.sentences)
        alone = document_attributions(record, found, finder)
        assert document_attributions(record, found, finder, mentions=shared) == alone
        rows += len(alone)
    assert rows > 20
