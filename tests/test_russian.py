"""Russian and Ukrainian (issue 12): language per document, tokens, inflected forms, lexicons, blame rules
and honest coverage, on hand-written sentences."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import framing
from framing.cli import app
from framing.coverage import language_coverage
from framing.features import build_matcher, extract, match_documents
from framing.language import detect_language
from framing.lexicon import load_lexicon
from framing.text import sentence_spans, word_tokens

pytest.importorskip("pymorphy3", reason="Russian/Ukrainian morphology needs framing[ru] (pymorphy3)")

runner = CliRunner()
MATCHER = build_matcher()
ACTORS = {
    "Ukraine": ["Ukraine", "Kyiv", "Украина", "Киев", "Україна", "Київ"],
    "Russia": ["Russia", "Kremlin", "Россия", "Кремль", "Москва", "Росія"],
    "Islamic State": ["Islamic State", "ISIS", "ИГИЛ", "Исламское государство", "Ісламська держава"],
    "Putin": ["Putin", "Путин", "Путін"],
}


def cues(text: str, language: str) -> list[tuple[str, str, str, bool]]:
    found = MATCHER.match(text, language).matches
    return [(m.text, m.entry.category, m.entry.subcategory, m.negated) for m in found]


def blame_rows(text: str) -> list[tuple[str, str, str, str]]:
    table = framing.blame_attributions([text], actors=ACTORS)
    return [(r.blamer, r.blamed, r.kind, r.rule) for r in table.itertuples()]


# ------------------------------------------------------------------------------------ language detection


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Власти заявили, что это был теракт, и начали расследование.", "ru"),
        ("Влада заявила, що це був теракт, і почала розслідування.", "uk"),
        ("The authorities said it was a terrorist attack.", "en"),
        ("Київ", "uk"),  # one word: the letter ї
        ("Съезд", "ru"),  # one word: the letter ъ
        ("Путин", "ru"),  # no distinctive letter or word: the main Cyrillic language
        ("Der Anschlag wurde von der Polizei nicht bestätigt.", "de"),
        ("Le Pen said the attack was a failure of intelligence.", "en"),  # a foreign name is not French
        ("El Chapo", "en"),
        ("12:30 — 14:00", "und"),
        ("", "und"),
        # mixed: a Russian article quoting English is Russian, and the reverse
        ("Это заявление, как сообщил он, было «a clear message» для всех, кто его слышал.", "ru"),
        ("The Kremlin spokesman called it «провокация» and said nothing more about the attack.", "en"),
    ],
)
def test_detect_language(text: str, language: str) -> None:
    assert detect_language(text) == language


def write_corpus(root: Path, settings: str, files: dict[str, str]) -> Path:
    root.mkdir()
    (root / "corpus.toml").write_text(settings, encoding="utf-8")
    for name, text in files.items():
        path = root / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_corpus_language_overrides_in_their_order(tmp_path: Path) -> None:
    root = write_corpus(
        tmp_path / "c",
        'language = "en"\n[outlets.tass]\nlanguage = "ru"\n[files."tass/2"]\nlanguage = "uk"\n',
        {
            "tass/1.txt": "Короткий текст без признаков.",  # the outlet says ru
            "tass/2.txt": "Короткий текст.",  # the file says uk
            "tass/3.txt": "title: x\nlanguage: en\n\nТекст с явным языком в заголовке.",  # the header wins
            "wire/1.txt": "A short English text about the attack.",
            "wire/2.txt": "Киев отверг обвинения и заявил, что это провокация.",  # not in the "en" script
        },
    )
    corpus = framing.load_corpus(root)
    languages = dict(zip(corpus.documents["doc_id"], corpus.documents["language"], strict=True))
    assert languages == {"tass/1": "ru", "tass/2": "uk", "tass/3": "en", "wire/1": "en", "wire/2": "ru"}
    assert corpus.summary.languages == {"en": 2, "ru": 2, "uk": 1}
    assert any("not in the script of the corpus language 'en'" in w for w in corpus.summary.warnings)
    assert "languages: en 2 documents, ru 2 documents, uk 1 documents" in corpus.summary.lines()


def test_corpus_info_json_gives_languages_per_outlet(tmp_path: Path) -> None:
    root = write_corpus(
        tmp_path / "c",
        'title = "t"\n',
        {
            "tass/1.txt": "Кремль обвинил Украину в теракте.",
            "tass/2.txt": "Кремль обвинил Украину в теракте ещё раз, это ясно.",
            "suspilne/1.txt": "Київ відкинув звинувачення, це провокація.",
            "wire/1.txt": "The Kremlin blamed Ukraine for the attack.",
        },
    )
    result = runner.invoke(app, ["corpus", "info", str(root), "--json"])
    assert result.exit_code == 0, result.output
    outlets = json.loads(result.stdout)["outlets"]
    assert {name: spec["languages"] for name, spec in outlets.items()} == {
        "suspilne": {"uk": 1},
        "tass": {"ru": 2},
        "wire": {"en": 1},
    }


# ------------------------------------------------------------------------------------ tokens and sentences


def test_cyrillic_tokens_apostrophes_hyphens_and_yo() -> None:
    assert word_tokens("Кто-то по-видимому ушёл; м'ята, м’ята и мʼята.") == [
        "кто-то", "по-видимому", "ушел", "м'ята", "м'ята", "и", "м'ята",
    ]  # fmt: skip


def test_russian_abbreviations_do_not_end_sentences_and_quotes_start_them() -> None:
    text = (
        "Взрыв произошел в г. Красногорске, т. е. в Подмосковье. «Это теракт», — заявил он. "
        "По ул. Ленина и просп. Мира прошли люди, т.е. многие. Кто-то ушёл! Почему? Потому."
    )
    assert [text[a:b] for a, b in sentence_spans(text)] == [
        "Взрыв произошел в г. Красногорске, т. е. в Подмосковье.",
        "«Это теракт», — заявил он.",
        "По ул. Ленина и просп. Мира прошли люди, т.е. многие.",
        "Кто-то ушёл!",
        "Почему?",
        "Потому.",
    ]


def test_yo_and_ye_match_each_other() -> None:
    assert [c[0] for c in cues("Киев отверг обвинения.", "ru")] == ["отверг обвинения"]
    assert [c[0] for c in cues("Его обвинённый сосед и обвиненный брат.", "ru")] == [
        "обвинённый",
        "обвиненный",
    ]


# ------------------------------------------------------------------------------- inflected forms, families


@pytest.mark.parametrize("form", ["обвинил", "обвинила", "обвинили", "обвиняют", "обвинит", "обвинявший"])
def test_blame_verb_matches_inflected_forms(form: str) -> None:
    assert cues(f"Москва {form} соседей.", "ru") == [(form, "blame", "accusation", False)]


@pytest.mark.parametrize("form", ["Украина", "Украины", "Украину", "Украиной", "Украине"])
def test_actor_alias_matches_inflected_forms(form: str) -> None:
    rows = blame_rows(f"Кремль обвинил {form} в теракте.") if form != "Украина" else []
    if form == "Украина":
        rows = blame_rows("Кремль заявил, что Украина стоит за терактом.")
    assert rows and rows[0][1] == "Ukraine"


def test_each_russian_family_on_hand_written_sentences() -> None:
    found = cues(
        "Нападение якобы готовилось месяц, по данным ФСБ; по-видимому, так называемого заказчика ищут. "
        "Это несомненно доказано. Зверское, кровавое преступление — настоящая бойня.",
        "ru",
    )
    by_family: dict[str, list[str]] = {}
    for text, family, _, _ in found:
        by_family.setdefault(family, []).append(text.lower())
    assert by_family["hedging"] == ["якобы", "по данным", "по-видимому", "так называемого"]
    assert by_family["certainty"] == ["несомненно", "доказано"]
    assert by_family["emotive"] == ["зверское", "кровавое", "бойня"]
    assert by_family["blame"] == ["заказчика"]


def test_emotive_weights_follow_the_lexicon() -> None:
    table = extract(["Зверский и кровавый теракт вызвал страх."])
    # зверский 3 + кровавый 2 + страх 1
    assert table.loc[0, "emotive_count"] == 3 and table.loc[0, "emotive_weighted"] == 6.0


def test_ukrainian_families() -> None:
    text = "Кремль нібито звинуватив Київ, але за даними розвідки це брехня. Безсумнівно, це кривава бійня."
    found = {(matched.lower(), family) for matched, family, _, _ in cues(text, "uk")}
    assert found == {
        ("нібито", "hedging"), ("звинуватив", "blame"), ("за даними", "hedging"), ("брехня", "denial"),
        ("безсумнівно", "certainty"), ("кривава", "emotive"), ("бійня", "emotive"),
    }  # fmt: skip


def test_negation_window_in_russian_and_ukrainian() -> None:
    assert cues("Украина не стоит за терактом.", "ru") == [("стоит за", "blame", "causation", True)]
    assert cues("Москва никого не обвиняла.", "ru") == [("обвиняла", "blame", "accusation", True)]
    assert cues("Киев не причастен к нападению.", "ru") == [("причастен", "blame", "implication", True)]
    assert cues("Росія не звинуватила Київ.", "uk") == [("звинуватила", "blame", "accusation", True)]
    # a negator beyond the clause does not count; entries holding a negator are not negated by it
    assert cues("Не сказав ничего, Кремль обвинил Киев.", "ru")[0][3] is False
    assert cues("Не исключено, что это так.", "ru") == [("Не исключено", "hedging", "probability", False)]


def test_lexicons_apply_only_to_their_language() -> None:
    # "фейк" is in the Russian and the Ukrainian lexicon, each counted once, as its own document's
    assert {m.entry.lexicon for m in MATCHER.match("Это фейк.", "ru").matches} == {"blame_ru"}
    assert {m.entry.lexicon for m in MATCHER.match("Це фейк.", "uk").matches} == {"blame_uk"}
    assert MATCHER.match("Russia blamed Ukraine.", "ru").matches == []
    assert [m.text for m in MATCHER.match("Russia blamed Ukraine.", "en").matches] == ["blamed"]


# ------------------------------------------------------------------------------------------- blame rules


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Кремль обвинил Украину в организации теракта.", ("Russia", "Ukraine", "accusation", "active")),
        (
            "Украину обвиняют в подготовке нападения.",
            ("unspecified", "Ukraine", "accusation", "object_first"),
        ),
        ("Украину обвинил Кремль.", ("Russia", "Ukraine", "accusation", "active")),
        (
            "Ответственность за теракт взяло на себя Исламское государство.",
            ("Islamic State", "Islamic State", "self_attribution", "self_attribution"),
        ),
        (
            "Исламское государство взяло на себя ответственность за нападение.",
            ("Islamic State", "Islamic State", "self_attribution", "self_attribution"),
        ),
        ("Путин заявил, что Украина стоит за терактом.", ("Putin", "Ukraine", "accusation", "subject")),
        ("Путин заявил, что за терактом стоит Украина.", ("Putin", "Ukraine", "accusation", "subject")),
        ("Кремль намекнул на причастность Украины.", ("Russia", "Ukraine", "accusation", "object")),
        ("Киев отрицает причастность к теракту.", ("unspecified", "Ukraine", "denial", "denial")),
        ("Киев отверг обвинения Москвы.", ("Russia", "Ukraine", "denial", "denial")),
        ("Росія звинуватила Україну в теракті.", ("Russia", "Ukraine", "accusation", "active")),
        (
            "Відповідальність за напад взяла на себе Ісламська держава.",
            ("Islamic State", "Islamic State", "self_attribution", "self_attribution"),
        ),
        ("Україна відкинула звинувачення Росії.", ("Russia", "Ukraine", "denial", "denial")),
    ],
)
def test_blame_rules_for_russian_and_ukrainian_word_order(
    sentence: str, expected: tuple[str, str, str, str]
) -> None:
    assert blame_rows(sentence) == [expected]


def test_aliases_may_mix_languages_in_one_corpus() -> None:
    table = framing.blame_attributions(
        ["The Kremlin blamed Ukraine.", "Кремль обвинил Украину.", "Росія звинуватила Україну."],
        actors=ACTORS,
    )
    assert table[["blamer", "blamed"]].drop_duplicates().values.tolist() == [["Russia", "Ukraine"]]
    assert len(table) == 3


# ------------------------------------------------------------------------------------ honest coverage


def test_unsupported_language_is_marked_and_warned(tmp_path: Path) -> None:
    texts = [
        "Der Kreml beschuldigte die Ukraine und die Polizei.",
        "Кремль обвинил Украину.",
        "It is likely.",
    ]
    table = extract(texts)
    assert table["language"].tolist() == ["de", "ru", "en"]
    assert table["language_supported"].tolist() == [0, 1, 1]
    coverage = language_coverage(table, MATCHER).set_index("language")
    assert coverage.loc["de", "supported"] == False  # noqa: E712 - a numpy bool
    assert coverage.loc["ru", "lexicons"] == "blame_ru;certainty_ru;emotive_ru;hedging_ru"
    assert coverage.loc["ru", "matches"] == 1 and coverage.loc["en", "matches"] == 1
    source = tmp_path / "docs.jsonl"
    source.write_text(
        "\n".join(json.dumps({"id": str(i), "outlet": "x", "text": t}) for i, t in enumerate(texts)),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["features", str(source), "-o", str(tmp_path / "f.csv"), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "warning: language de (German): 1 documents, no cue lexicon" in result.stderr
    written = pd.read_csv(tmp_path / "f.csv")
    assert written["language"].tolist() == ["de", "ru", "en"]


def test_language_column_is_kept_and_sentence_rows_carry_it() -> None:
    documents = pd.DataFrame({"doc_id": ["a", "b"], "text": ["Кремль обвинил Киев. Это ложь.", "Text."]})
    documents["language"] = ["ru", "ru"]  # a column wins over detection ("Text." is then not English)
    table = extract(documents, unit="sentence")
    assert table["language"].tolist() == ["ru", "ru", "ru"]
    assert table["blame_count"].tolist() == [1, 0, 0] and table["denial_count"].tolist() == [0, 1, 0]
    found = match_documents(documents, actors=ACTORS)
    assert found.attributions["blamed"].tolist() == ["Ukraine", "undetermined"]


# ---------------------------------------------------------------------------- user lexicons in Cyrillic


def test_user_tsv_and_dic_lexicons_in_cyrillic(tmp_path: Path) -> None:
    tsv = tmp_path / "spin.tsv"
    tsv.write_text(
        "# name: spin_ru\n# language: ru\nterm\tcategory\tsubcategory\tweight\trules\n"
        "пропаганда\tspin\t\t\t\n",
        encoding="utf-8",
    )
    matcher = build_matcher([tsv])
    # the entry's inflected forms match in Russian documents only
    assert [m.text for m in matcher.match("Это пропагандой не назовёшь.", "ru").matches] == ["пропагандой"]
    assert matcher.match("Це пропагандою.", "uk").matches == []
    dic = tmp_path / "ru.dic"
    dic.write_bytes("%\n1\tГнев\n2\tСтрах\n%\nярость\t1\nужас*\t2\n".encode("cp1251"))
    lexicon = load_lexicon(dic)
    assert {e.term: e.category for e in lexicon.entries} == {"ярость": "gnev", "ужас*": "strakh"}
    matcher = build_matcher([dic], replace=True)
    found = matcher.match("Ярость и ужасающие сцены.")
    assert [(m.text, m.entry.category) for m in found.matches] == [
        ("Ярость", "gnev"),
        ("ужасающие", "strakh"),
    ]


def test_stem_fallback_without_pymorphy3_warns_and_still_matches(monkeypatch: pytest.MonkeyPatch) -> None:
    from framing import features as features_module
    from framing import matcher as matcher_module
    from framing import morphology

    def clear() -> None:
        for cached in (
            features_module._builtin_matcher,  # the built-in lexicons' matcher, kept per process
            morphology.word_forms,
            morphology.expand_term,
            morphology._parse,
            morphology.alias_forms,
            matcher_module._inflected,  # the forms generated per lexicon, kept per process
        ):
            cached.cache_clear()

    clear()
    monkeypatch.setattr(morphology, "_analyzer", lambda language: None)
    monkeypatch.setattr(morphology, "_warned", False)
    try:
        with pytest.warns(RuntimeWarning, match="framing\\[ru\\]"):
            matcher = build_matcher()
        assert [m.text for m in matcher.match("Москва обвинила соседей.", "ru").matches] == ["обвинила"]
    finally:
        monkeypatch.undo()
        clear()


# ------------------------------------------------------------------------------- the report by language

MULTILINGUAL = {
    "tass": [
        "Кремль обвинил Украину в организации кровавого теракта. Это зверское преступление.",
        "Следствие установило, что за терактом стоит Киев. Это несомненно.",
        "Путин заявил, что Украина стоит за терактом и якобы готовила бегство.",
    ],
    "meduza": [
        "Ответственность за теракт взяло на себя Исламское государство. Кремль, по-видимому, молчит.",
        "По данным источников, ИГИЛ причастно к нападению. Обвинения в адрес Украины голословны.",
        "Киев отверг обвинения Москвы, назвав их абсурдными.",
    ],
    "wire": [
        "Islamic State claimed responsibility for the attack.",
        "The Kremlin blamed Ukraine without evidence.",
        "Kyiv denied any involvement in the attack.",
    ],
    "daily": [
        "A horrific massacre shocked Moscow. Brutal killers struck.",
        "Putin blamed Ukraine for the bloodbath.",
        "Terror and fear gripped the city.",
    ],
    "spiegel": [
        "Der Kreml beschuldigte die Ukraine ohne Beweise und nannte keine Quelle.",
        "Die Polizei hat nicht bestätigt, dass es ein Anschlag war.",
    ],
}


@pytest.fixture
def multilingual(tmp_path: Path) -> Path:
    files = {f"{o}/{i}.txt": t for o, texts in MULTILINGUAL.items() for i, t in enumerate(texts)}
    actors = (
        '[actors.Ukraine]\naliases = ["Украина", "Киев", "Kyiv"]\n'
        '[actors.Russia]\naliases = ["Кремль", "Kremlin"]\n'
    )
    return write_corpus(tmp_path / "multi", 'title = "m"\n' + actors, files)


def test_report_compares_within_each_language_and_leaves_unsupported_out(multilingual: Path) -> None:
    from framing.report import analyse

    corpus = framing.load_corpus(multilingual)
    analysis = analyse(corpus, n_resamples=200, n_permutations=200)
    omnibus = analysis.tables["omnibus"]
    assert sorted(set(omnibus["language"])) == ["en", "ru"]
    pairs = analysis.tables["pairwise"][["language", "group_a", "group_b"]].drop_duplicates()
    assert pairs.values.tolist() == [["en", "daily", "wire"], ["ru", "meduza", "tass"]]
    assert analysis.tables["separability"]["language"].tolist() == ["en", "ru"]
    languages = analysis.tables["languages"].set_index("language")
    assert languages.loc["ru", "documents"] == 6 and "de" not in languages.index  # left out before
    assert "spiegel" not in set(analysis.tables["documents"]["outlet"])
    notes = [f.text for f in analysis.findings if f.topic == "languages"]
    assert notes[0].startswith("Warning: 2 documents in German (de) are left out of every comparison")
    assert "tested against each other within each language" in notes[1]
    assert analysis.metadata["languages"]["unsupported_documents"] == {"de": 2}
    assert any(f.text.startswith("Russian: ") for f in analysis.findings)


def test_each_language_names_its_own_groups_left_out(tmp_path: Path) -> None:
    # Regression: each language's summary named the groups left out of every language ("2 outlets with
    # fewer than 2 documents are left out (blog, ria; 2 documents)" in English and in Russian)
    from framing.report import analyse

    small = {
        "blog": ["A horrific attack, the blogger wrote, and officials blamed Kyiv."],
        "ria": ["Кремль обвинил Киев в теракте, это ужасное преступление."],
    }
    texts = {**{o: t for o, t in MULTILINGUAL.items() if o != "spiegel"}, **small}
    files = {f"{o}/{i}.txt": t for o, texts in texts.items() for i, t in enumerate(texts)}
    corpus = framing.load_corpus(write_corpus(tmp_path / "m", 'title = "m"\n', files))
    analysis = analyse(corpus, n_resamples=200, n_permutations=200, min_documents=2)
    covers = {f.text.split(":")[0]: f.text for f in analysis.findings if "The comparison covers" in f.text}
    assert "1 outlet with fewer than 2 documents is left out (blog; 1 document)." in covers["English"]
    assert "1 outlet with fewer than 2 documents is left out (ria; 1 document)." in covers["Russian"]
    assert analysis.metadata["corpus"]["groups_left_out"] == ["blog", "ria"]  # the record stays whole


def test_report_across_languages_on_request(multilingual: Path, tmp_path: Path) -> None:
    from framing.report import analyse

    analysis = analyse(
        framing.load_corpus(multilingual), n_resamples=200, n_permutations=200, across_languages=True
    )
    assert "language" not in analysis.tables["omnibus"].columns
    assert analysis.tables["omnibus"]["groups"].iloc[0] == 4  # the four outlets pooled
    assert any("compared across languages on request" in f.text for f in analysis.findings)
    output = tmp_path / "report"
    options = ["--resamples", "200", "--permutations", "200", "--quiet", "-o", str(output)]
    result = runner.invoke(app, ["report", str(multilingual), *options])
    assert result.exit_code == 0, result.output
    assert "Warning: 2 documents in German (de) are left out" in result.stderr
    assert (output / "tables" / "languages.csv").exists()
