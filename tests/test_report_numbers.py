"""One number format per column kind on the page and in report.md; JSON that cannot escape its script."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from framing.report import render
from framing.report.interactive import evidence_cap, evidence_json, script_json
from framing.report.numbers import column_kind, format_cell, format_p


@pytest.mark.parametrize(
    ("column", "value", "shown"),
    [
        ("q_value", 0.0, "< 0.001"),  # never "0.000" or "0.0e+00"
        ("p_value", 0.00049, "< 0.001"),
        ("q_value", 0.0123456, "0.012"),
        ("p_value", 1.0, "1.000"),
        ("documents", 12345, "12,345"),
        ("tokens_a", np.int64(2_000_000), "2,000,000"),
        ("mean_rate", 2.345, "2.35"),
        ("ci_low", 0.1, "0.10"),
        ("rate_a", 12.0, "12.00"),
        ("rate_ratio", 1.23456, "1.23"),
        ("cliffs_delta", -0.333, "-0.33"),
        ("share_with_cue", 0.5, "0.50"),
        ("h_statistic", 1234.567, "1,234.57"),
        ("epsilon_squared", 0.0004, "4.0e-04"),
        ("seed", 12345, "12345"),
        ("sentence_id", 7, "7"),
        ("mean_rate", float("nan"), ""),
        ("outlet", "Fox News", "Fox News"),
    ],
)
def test_each_column_kind_has_one_format(column: str, value: object, shown: str) -> None:
    assert format_cell(value, column) == shown


def test_kinds_are_read_from_the_column_names_of_the_report_tables() -> None:
    kinds = {
        c: column_kind(c) for c in ("q_value", "documents_a", "pooled_rate", "rate_ratio", "rank", "z_score")
    }
    assert kinds == {
        "q_value": "p",
        "documents_a": "count",
        "pooled_rate": "rate",
        "rate_ratio": "number",
        "rank": "index",
        "z_score": "number",
    }
    assert format_p(None) == "n/a"


def test_tables_on_the_page_and_in_markdown_format_alike() -> None:
    # regression: a q-value of 0 was shown as "0.000" and small rates in scientific notation
    table = pd.DataFrame({"cue": ["emotive"], "documents": [1500], "mean_rate": [0.0004], "q_value": [0.0]})
    page = render._html_table(table)
    markdown = render._markdown_table(table)
    for shown in ("1,500", "< 0.001"):
        assert shown in markdown
    assert ">1,500<" in page and "&lt; 0.001" in page and ">0.00<" in page
    assert "| 0.00 |" in markdown
    # the exact value travels in data-v, so sorting is numeric and loses nothing
    assert 'data-v="0.0004"' in page and 'data-v="1500.0"' in page


def test_script_json_cannot_close_or_comment_out_its_script_element() -> None:
    hostile = "</script><script>alert(1)</script> <!-- & \u2028 \u2029"
    text = script_json({"s": hostile})
    for forbidden in ("</", "<!--", "<", ">", "&", "\u2028", "\u2029"):
        assert forbidden not in text
    assert json.loads(text) == {"s": hostile}


def test_evidence_json_caps_each_cell_and_gives_utf16_offsets() -> None:
    from framing.report import Example

    sentence = "🙂 a brutal attack"  # the emoji is one code point but two UTF-16 units
    start = sentence.index("brutal")
    examples = [Example("a", "emotive", f"d{i}", i, sentence, [(start, start + 6)]) for i in range(5)]
    data = json.loads(evidence_json(examples, ["a", "b"], ["emotive"], cap=3))
    assert data["cap"] == 3 and data["groups"] == ["a", "b"]
    [[group, cue, sentences]] = data["cells"]
    assert (group, cue, len(sentences)) == (0, 0, 3)
    begin, end = sentences[0][3][0]
    assert sentence.encode("utf-16-le")[2 * begin : 2 * end].decode("utf-16-le") == "brutal"


def test_the_evidence_cap_shrinks_with_many_cells_but_not_below_the_quoted_examples() -> None:
    assert evidence_cap(6, 5) == 10
    assert evidence_cap(379, 5) == 3
    assert evidence_cap(379, 5, at_least=5) == 5


def test_counts_in_words_agree_in_number() -> None:
    # Regression: "1 documents dated before 1800", "it carries 1 denials", "1 of them are syndicated copies"
    from framing.report.numbers import are, counted

    assert [counted(n, "document") for n in (0, 1, 2, 1442)] == [
        "0 documents",
        "1 document",
        "2 documents",
        "1,442 documents",
    ]
    assert counted(1, "story_id") == "1 story id" and counted(3, "story_id") == "3 story ids"
    assert counted(2, "news") == "2 news" and counted(2, "country", "countries") == "2 countries"
    assert [are(n) for n in (0, 1, 2)] == ["are", "is", "are"]
