"""Charts legible at scale, dates the time series can show, a page title and a short terminal digest."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
from conftest import CROCUS, write_jsonl
from typer.testing import CliRunner

from framing.cli import app
from framing.report import charts
from framing.report.dates import corpus_date_range

LOUD = "Officials blamed the brutal, horrific attack on extremists. It may have been a shocking massacre."
CALM = "The committee clearly confirmed the budget on Monday. Ministers said the figures were approved."


def _records() -> list[dict]:
    records = []
    for outlet, text in (("Alpha Daily Chronicle of Current Affairs", LOUD), ("Beta", CALM)):
        for day in range(1, 7):
            records.append({"id": f"{outlet[:4]}-{day}", "outlet": outlet, "text": f"{text} Day {day}.",
                            "date": f"2020-03-{day:02d}"})  # fmt: skip
    records[0]["date"] = "2050-01-01"  # a typo that stretched the time axis over thirty empty years
    records[7]["date"] = ""  # and an undated document
    return records


def test_report_title_digest_and_dates_outside_the_corpus_range(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "c.jsonl", _records())
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["report", str(source), "-o", str(out), "--resamples", "200", "--permutations", "200",
              "--title", "Coverage <of> the attack"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(out / "index.html")
    # a digest of a few lines on stderr, not every paragraph of the summary
    digest = [line for line in result.stderr.splitlines() if line.startswith("  ")]
    assert 3 <= len(digest) <= 4
    assert "self-contained" in digest[0] and "12 documents from 2 outlets compared" in digest[1]
    assert "The comparison covers" not in result.stderr

    page = (out / "index.html").read_text(encoding="utf-8")
    assert "<h1>Coverage &lt;of&gt; the attack</h1>" in page
    assert (out / "report.md").read_text(encoding="utf-8").startswith("# Coverage &lt;of&gt; the attack\n")
    assert json.loads((out / "metadata.json").read_text(encoding="utf-8"))["output"]["title"] == (
        "Coverage <of> the attack"
    )

    # regression: the 2050 date was drawn; now it is left out of the time series and named on the page
    periods = pd.read_csv(out / "tables" / "rates_over_time.csv")["period"].astype(str)
    assert not periods.str.startswith("2050").any() and periods.str.startswith("2020-03").all()
    text = html.unescape(page)
    assert "1 document dated outside the corpus's range (2019-03-03 to 2021-03-06" in text
    assert "is left out of the rates over time (2050-01-01)" in text
    assert "1 document has no usable date: it is in every table but the rates over time" in text
    # still counted everywhere else
    assert pd.read_csv(out / "tables" / "groups.csv")["documents"].sum() == 12


def test_the_corpus_date_range_keeps_a_spread_out_corpus_whole() -> None:
    spread = pd.Series(["2012-01-01", "2014-06-01", "2016-01-01", "2018-01-01", "2020-07-01"])
    low, high = corpus_date_range(spread)
    assert low <= pd.Timestamp("2012-01-01") and high >= pd.Timestamp("2020-07-01")
    assert corpus_date_range(pd.Series(["not a date", None])) is None


def test_sixteen_groups_get_sixteen_colours() -> None:
    names = [f"outlet {i:02d}" for i in range(16)]
    colours = charts.group_colors(names)
    assert len(set(colours.values())) == 16
    assert [colours[n] for n in names[:8]] == list(charts.OKABE_ITO)  # the first eight as before
    assert charts.group_colors([f"o{i:02d}" for i in range(17)])["o16"] == charts.PALETTE[0]


def test_long_group_names_are_wrapped_not_cut() -> None:
    name = "The Washington Post - Opinion and Editorials"
    features = pd.DataFrame({"doc_id": ["a", "b", "c", "d"], "outlet": [name, name, "B", "B"],
                             "tokens": 100, "hedging_rate": [1.0, 2.0, 3.0, 4.0]})  # fmt: skip
    figure = charts.distributions_chart(features, "hedging")
    [label] = [t.get_text() for t in figure.axes[0].get_yticklabels() if t.get_text() != "B (n=2)"]
    assert " ".join(label.split()) == f"{name} (n=2)" and "\n" in label  # full name, on two lines
    assert "…" not in label


def test_distributions_draw_quantile_dots_and_the_mean_at_scale() -> None:
    rates = np.arange(1000, dtype=float)
    features = pd.DataFrame({"doc_id": [f"d{i:04d}" for i in range(1000)], "outlet": "a", "tokens": 100,
                             "hedging_rate": rates[::-1]})  # fmt: skip
    figure = charts.distributions_chart(features, "hedging", max_dots=11)
    ax = figure.axes[0]
    [dots] = ax.collections
    assert sorted(dots.get_offsets()[:, 0]) == [float(q) for q in np.linspace(0, 999, 11)]
    means = [line for line in ax.lines if line.get_marker() == "D"]
    assert len(means) == 1 and means[0].get_xdata()[0] == rates.mean()
    # the title is wrapped to the figure width: compare its words
    assert "at most 11 dots per outlet, at evenly spaced quantiles" in " ".join(figure.get_suptitle().split())


def test_the_digest_compares_outlets_only_within_the_clearest_tests_language(tmp_path: Path) -> None:
    # regression: with outlets in three languages the digest named an English outlet highest and a
    # Russian one lowest, comparing rates from different lexicons
    from framing.report import build_report
    from framing.report.digest import digest

    report = build_report(CROCUS, tmp_path / "r", n_resamples=50, n_permutations=50)
    lines = digest(report)
    clearest = next(line for line in lines if "clearest:" in line)
    language = re.search(r"clearest: \w+ in (\w+) ", clearest).group(1)
    named = re.findall(r"(?:highest|lowest) in ([\w-]+) \(", clearest)
    outlets = report.analysis.corpus.documents.groupby("outlet")["language"].first()
    assert len(named) == 2 and {outlets[name] for name in named} == {language}
    assert "tests (one per cue and language)" in lines[2]
