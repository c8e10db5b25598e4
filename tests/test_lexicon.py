"""Lexicons: the shipped files, the TSV and LIWC .dic readers, user lexicons, and `framing lexicon`."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from framing.cli import app
from framing.errors import InputError, OptionError
from framing.features import build_matcher, extract
from framing.lexicon import (
    CUE_FAMILIES,
    Rules,
    builtin_lexicon,
    builtin_lexicons,
    load_lexicon,
    read_dic,
    read_tsv,
)

runner = CliRunner()

HEADER = (
    "# framing lexicon\n# name: spin\n# version: 0.3.1\n# scope: test prose\n"
    "# sources: written for this test\n# licence: CC0\n"
)
COLUMNS = "term\tcategory\tsubcategory\tweight\trules\n"


def write_lexicon(folder: Path, body: str, *, name: str = "spin.tsv", header: str = HEADER) -> Path:
    path = folder / name
    path.write_text(header + body, encoding="utf-8")
    return path


# ----------------------------------------------------------------------------------------------------
# built-in lexicons
# ----------------------------------------------------------------------------------------------------


def test_builtin_lexicons_have_header_metadata_and_valid_entries() -> None:
    lexicons = builtin_lexicons()
    families = ["blame", "certainty", "emotive", "hedging", "negators"]
    assert [lex.name for lex in lexicons] == sorted(f + s for f in families for s in ("", "_ru", "_uk"))
    assert {lex.name: lex.language for lex in lexicons}["hedging_uk"] == "uk"
    for lex in lexicons:
        assert lex.version != "unversioned" and lex.version[0].isdigit(), lex.name
        for key in ("scope", "sources", "licence", "description"):
            assert len(lex.metadata.get(key, "")) > 10, (lex.name, key)
        assert lex.path == f"framing/lexicons/{lex.name}.tsv"
        assert len(lex.entries) > (40 if lex.language == "en" else 8), lex.name
        for entry in lex.entries:
            assert entry.term and entry.tokens and entry.category and entry.subcategory
            assert entry.weight > 0
            assert entry.lexicon == lex.name
    by_name = {lex.name: lex for lex in lexicons}
    assert set(by_name["blame"].categories) == {"blame", "denial"}
    assert by_name["negators"].categories == ["negator"]
    shipped = {c for lex in lexicons for c in lex.categories} - {"negator"}
    assert shipped == set(CUE_FAMILIES)


def test_builtin_subcategories_and_emotive_weights() -> None:
    emotive = builtin_lexicon("emotive")
    assert set(emotive.summary()["categories"]["emotive"]) >= {
        "fear",
        "anger_outrage",
        "grief",
        "violence_gore",
        "moral_condemnation",
        "intensifier",
    }
    assert {e.weight for e in emotive.entries} == {1.0, 2.0, 3.0}
    hedging = builtin_lexicon("hedging").summary()["categories"]["hedging"]
    assert {"epistemic_modal", "probability", "attribution", "uncertainty"} <= set(hedging)
    # every non-emotive family is unweighted: its weight column would be meaningless
    for name in ("hedging", "certainty", "blame"):
        assert {e.weight for e in builtin_lexicon(name).entries} == {1.0}


def test_builtin_lexicon_unknown_name() -> None:
    with pytest.raises(OptionError, match=r"no built-in lexicon 'hedges'.*hedging"):
        builtin_lexicon("hedges")


def test_summary_counts_entries_per_subcategory() -> None:
    hedging = builtin_lexicon("hedging")
    summary = hedging.summary()
    assert summary["name"] == "hedging" and summary["entries"] == len(hedging.entries)
    assert sum(summary["categories"]["hedging"].values()) == len(hedging.entries)
    assert summary["licence"] == hedging.metadata["licence"]


def test_indented_comment_continues_a_header_field() -> None:
    lex = read_tsv(
        "x.tsv",
        text="# name: x\n# rules: first part;\n#   second part\n# licence: CC0\n" + COLUMNS + "a\tb\n",
    )
    assert lex.metadata["rules"] == "first part; second part"
    assert lex.metadata["licence"] == "CC0"


# ----------------------------------------------------------------------------------------------------
# the TSV format and its errors
# ----------------------------------------------------------------------------------------------------


def test_read_tsv_entries_weights_defaults_and_metadata(tmp_path: Path) -> None:
    path = write_lexicon(
        tmp_path,
        COLUMNS + "smoke screen\tspin\tmetaphor\t2.5\t\nwhitewash\tspin\t\t\tlower_mid\nspin doctor\tspin\n",
    )
    lex = load_lexicon(path)
    assert (lex.name, lex.version, lex.path) == ("spin", "0.3.1", str(path))
    assert lex.metadata["scope"] == "test prose" and lex.metadata["licence"] == "CC0"
    assert [(e.term, e.tokens, e.subcategory, e.weight) for e in lex.entries] == [
        ("smoke screen", ("smoke", "screen"), "metaphor", 2.5),
        ("whitewash", ("whitewash",), "spin", 1.0),  # empty subcategory = the category
        ("spin doctor", ("spin", "doctor"), "spin", 1.0),
    ]
    assert lex.entries[1].rules == Rules(lower_mid=True)
    assert not lex.entries[0].rules
    assert lex.categories == ["spin"]


def test_name_defaults_to_file_stem(tmp_path: Path) -> None:
    lex = load_lexicon(write_lexicon(tmp_path, COLUMNS + "x\ty\n", name="my_words.tsv", header=""))
    assert lex.name == "my_words" and lex.version == "unversioned"


def test_context_rules_are_parsed() -> None:
    lex = read_tsv(
        "r.tsv",
        text=COLUMNS + "may\thedging\tmodal\t\tlower_mid; not_next=#num|be reached; not_prev=in|#cap\n"
        "about\thedging\tapprox\t\tonly_next=#num|a dozen\nUS\tactor\t\t\tcase\n",
    )
    may, about, us = lex.entries
    assert may.rules == Rules(
        lower_mid=True, not_next=(("#num",), ("be", "reached")), not_prev=(("in",), ("#cap",))
    )
    assert about.rules == Rules(only_next=(("#num",), ("a", "dozen")))
    assert us.rules.case and us.tokens == ("US",)  # case-sensitive terms keep their case


@pytest.mark.parametrize(
    ("body", "line", "problem"),
    [
        ("smoke\tspin\n", 7, "missing column header"),
        (COLUMNS + "smoke\tspin\tx\theavy\n", 8, "weight 'heavy' is not a number"),
        (COLUMNS + "smoke\tSpin Doctor\n", 8, "bad term or category 'Spin Doctor'"),
        (COLUMNS + "smoke\tspin\nSmoke\tspin\n", 9, "duplicate entry 'Smoke' in 'spin'"),
        (COLUMNS + "smoke\tspin\t\t\tnot_after=x\n", 8, "unknown rule 'not_after=x'"),
        (COLUMNS + "smoke\tspin\t\t\tnot_next=a||b\n", 8, "empty alternative"),
        (COLUMNS + "smoke\tspin\ta\t1\t\textra\n", 8, "expected 2 to 5 tab-separated columns, found 6"),
        (COLUMNS + "smoke\n", 8, "expected 2 to 5 tab-separated columns, found 1"),
    ],
)
def test_malformed_tsv_names_file_and_line(tmp_path: Path, body: str, line: int, problem: str) -> None:
    path = write_lexicon(tmp_path, body)
    with pytest.raises(InputError) as caught:
        load_lexicon(path)
    assert caught.value.source == str(path) and caught.value.line == line
    assert str(caught.value).startswith(f"{path}:{line}: {problem}")


def test_empty_tsv_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no column header and no entries"):
        load_lexicon(write_lexicon(tmp_path, "", header="# just a comment\n"))
    with pytest.raises(InputError, match="no such lexicon file") as caught:
        load_lexicon(tmp_path / "absent.tsv")
    assert caught.value.source == str(tmp_path / "absent.tsv")


# ----------------------------------------------------------------------------------------------------
# LIWC-style .dic dictionaries
# ----------------------------------------------------------------------------------------------------

DIC_TAB = "%\n1\tworry\n2\tsocial talk\n%\nabandon*\t1\nkind of\t2\nfret\t1\t2\n"
DIC_SPACE = "%\n1 worry\n2 social talk\n%\nabandon* 1\nkind of 2\nfret 1 2\n"
DIC_NAMED = "abandon* worry\nkind of social_talk\nfret\tworry\n"


@pytest.mark.parametrize("text", [DIC_TAB, DIC_SPACE], ids=["tab", "space"])
def test_dic_numeric_categories_tab_or_space(text: str) -> None:
    lex = read_dic("feelings.dic", text=text)
    assert lex.name == "feelings"
    assert [(e.term, e.tokens, e.category) for e in lex.entries] == [
        ("abandon*", ("abandon*",), "worry"),
        ("kind of", ("kind", "of"), "social_talk"),  # a multi-word category name becomes snake_case
        ("fret", ("fret",), "worry"),
        ("fret", ("fret",), "social_talk"),
    ]
    assert all(e.subcategory == e.category for e in lex.entries)


def test_dic_named_categories_without_percent_section() -> None:
    lex = read_dic("named.dic", text=DIC_NAMED)
    assert [(e.term, e.category) for e in lex.entries] == [
        ("abandon*", "worry"),
        ("kind of", "social_talk"),
        ("fret", "worry"),
    ]


def test_dic_skips_bracketed_codes_and_bom(tmp_path: Path) -> None:
    path = tmp_path / "old.dic"
    path.write_text("\ufeff%\n1 worry\n%\nfret 1\nlike 1 <2>\n", encoding="utf-8")
    lex = load_lexicon(path)
    assert [(e.term, e.category) for e in lex.entries] == [("fret", "worry"), ("like", "worry")]


def test_dic_wildcard_is_a_prefix_match_and_multiword_terms_match() -> None:
    matcher = build_matcher([read_dic("feelings.dic", text=DIC_TAB)], replace=True)
    text = "They abandoned the plan and its abandonment, kind of. Abandon ship! A bandon."
    found = [(m.text, m.entry.category) for m in matcher.match(text).matches]
    assert found == [
        ("abandoned", "worry"),
        ("abandonment", "worry"),
        ("kind of", "social_talk"),
        ("Abandon", "worry"),
    ]
    assert matcher.families == ["worry", "social_talk"]


def test_dic_categories_become_feature_columns() -> None:
    lex = read_dic("feelings.dic", text=DIC_TAB)
    table = extract(["They abandoned it, kind of, and fret."], lexicons=[lex])
    row = table.iloc[0]
    assert (row["worry_count"], row["social_talk_count"], row["tokens"]) == (2, 2, 7)
    assert row["worry_rate"] == pytest.approx(2 / 7 * 1000)
    assert "hedging_count" in table.columns  # added to the built-in lexicons, not replacing them


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("%\n1 worry\n%\nabandon* 7\n", 4, "unknown category id '7'"),
        ("%\n1 worry\n%\nabandon*\n", 4, "entry 'abandon*' has no category"),
        ("%\n1\n%\nfret 1\n", 2, "category line needs an id and a name"),
        ("%\n1 worry\nfret 1\n", 1, "the % category section is not closed"),
    ],
)
def test_broken_dic_names_file_and_line(tmp_path: Path, text: str, line: int, problem: str) -> None:
    path = tmp_path / "broken.dic"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_lexicon(path)
    assert str(caught.value).startswith(f"{path}:{line}: {problem}")


def test_dic_without_entries() -> None:
    with pytest.raises(InputError, match=r"^empty\.dic: no entries found"):
        read_dic("empty.dic", text="%\n1 worry\n%\n")


# ----------------------------------------------------------------------------------------------------
# user lexicons: added to or replacing the built-in ones
# ----------------------------------------------------------------------------------------------------

SPIN = COLUMNS + "smoke screen\tspin\tmetaphor\t2\t\nwhitewash\tspin\tmetaphor\t\t\n"
TEXT = "The report is a smoke screen and a whitewash. It may be clearly wrong."


def test_user_lexicon_added_to_builtins(tmp_path: Path) -> None:
    path = write_lexicon(tmp_path, SPIN)
    matcher = build_matcher([path])
    # user families come after the toolkit's own
    assert matcher.families == [*CUE_FAMILIES, "spin"]
    row = extract([TEXT], lexicons=[path]).iloc[0]
    assert (row["spin_count"], row["spin_metaphor_count"], row["spin_weighted"]) == (2, 2, 3.0)
    assert (row["hedging_count"], row["certainty_count"]) == (1, 1)


def test_user_lexicon_replaces_builtins(tmp_path: Path) -> None:
    path = write_lexicon(tmp_path, SPIN)
    matcher = build_matcher([path], replace=True)
    assert matcher.families == ["spin"]
    # the built-in negators are kept, so user cues are negated too
    found = matcher.match("It is not a whitewash.").matches
    assert [(m.text, m.negated) for m in found] == [("whitewash", True)]
    table = extract([TEXT], matcher=matcher)
    assert not any(c.startswith(("hedging", "certainty")) for c in table.columns)


def test_user_lexicon_with_a_builtin_name_replaces_that_one(tmp_path: Path) -> None:
    header = HEADER.replace("name: spin", "name: hedging")
    path = write_lexicon(tmp_path, COLUMNS + "whitewash\thedging\tcover\t\t\n", header=header)
    matcher = build_matcher([path])
    assert matcher.subcategories["hedging"] == ["cover"]
    assert "certainty" in matcher.families
    assert [m.text for m in matcher.match(TEXT).matches if m.entry.category == "hedging"] == ["whitewash"]


def test_user_negators_replace_builtin_negators(tmp_path: Path) -> None:
    body = COLUMNS + "whitewash\tspin\t\t\t\nhardly ever\tnegator\tnegation\t\t\n"
    matcher = build_matcher([write_lexicon(tmp_path, body)], replace=True)
    assert [m.negated for m in matcher.match("It is not a whitewash.").matches] == [False]
    assert [m.negated for m in matcher.match("It is hardly ever a whitewash.").matches] == [True]


# ----------------------------------------------------------------------------------------------------
# `framing lexicon list / show`
# ----------------------------------------------------------------------------------------------------


def test_cli_lexicon_list() -> None:
    result = runner.invoke(app, ["lexicon", "list"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    names = [line.split()[0] for line in lines]
    assert names == [lex.name for lex in builtin_lexicons()]
    hedging = builtin_lexicon("hedging")
    line = lines[names.index("hedging")]
    assert f"v{hedging.version}" in line and f"{len(hedging.entries)} entries" in line
    assert "families: blame, denial" in lines[0]


def test_cli_lexicon_show_builtin_with_subcategory() -> None:
    result = runner.invoke(app, ["lexicon", "show", "hedging", "--subcategory", "attribution"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("hedging v") and "licence: CC BY 4.0" in out and "sources: " in out
    entries = [line.split("\t") for line in out.splitlines() if line.count("\t") == 3]
    assert entries and {e[2] for e in entries} == {"attribution"}
    assert ["reportedly", "hedging", "attribution", "1"] in entries
    may = runner.invoke(app, ["lexicon", "show", "hedging", "--subcategory", "epistemic_modal"]).stdout
    assert "may\thedging\tepistemic_modal\t1 rules" in may


def test_cli_lexicon_show_user_file_and_errors(tmp_path: Path) -> None:
    path = write_lexicon(tmp_path, SPIN)
    result = runner.invoke(app, ["lexicon", "show", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("spin v0.3.1 (2 entries)")
    assert "smoke screen\tspin\tmetaphor\t2" in result.stdout
    unknown = runner.invoke(app, ["lexicon", "show", "hedges"])
    assert unknown.exit_code == 2 and unknown.stderr.startswith("error: no built-in lexicon 'hedges'")
    bad = write_lexicon(tmp_path, COLUMNS + "x\tBad\n", name="bad.tsv")
    broken = runner.invoke(app, ["lexicon", "show", str(bad)])
    assert broken.exit_code == 2
    assert (
        broken.stderr == f"error: {bad}:8: bad term or category 'Bad' (category must be lower_snake_case)\n"
    )
