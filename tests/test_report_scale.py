"""The report on many groups and its opt-in stage timing log (behaviour only: timings are not asserted)."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from conftest import CROCUS, write_jsonl
from typer.testing import CliRunner

import framing
import framing.report.render
from framing import compare
from framing import report as report_module
from framing.cli import app
from framing.errors import OptionError
from framing.report import REPORT_STEPS, charts
from framing.report.render import chart_groups, draw_charts, drawing_charts
from framing.report.timing import timed_stages

TEXTS = (
    "Officials said the horrific attack may be linked to extremists.",
    "Kyiv was blamed for the brutal attack, reportedly, and clearly so.",
    "The ministers confirmed the budget on Monday.",
)


def _many_outlets(path: Path, outlets: int, documents: int = 2) -> Path:
    records = [
        {
            "id": f"o{o}-{d}",
            "outlet": f"outlet {o:02d}",
            "date": f"2024-03-{10 + d:02d}",
            "text": f"{TEXTS[(o + d) % 3]} {'Utterly shocking. ' * (o % 4)}{TEXTS[d % 3]}",
        }
        for o in range(outlets)
        for d in range(documents + (o % 3))
    ]
    return write_jsonl(path, records)


def test_timed_stages_log_one_line_per_stage_and_call_progress(caplog: pytest.LogCaptureFixture) -> None:
    seen: list[str] = []
    with caplog.at_level(logging.INFO, logger="framing.report.timing"), timed_stages(seen.append) as stage:
        stage("first")
        stage("second")
    assert seen == ["first", "second"]
    lines = [r.getMessage() for r in caplog.records if r.name == "framing.report.timing"]
    assert [line.split()[1] for line in lines] == ["first", "second"]
    assert all(re.search(r"s wall .* s CPU .*peak RSS +\d+ MB +RSS +\d+ MB", line) for line in lines)


def test_timed_stages_are_silent_unless_asked(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING), timed_stages() as stage:
        stage("quiet")
    assert not [r for r in caplog.records if r.name == "framing.report.timing"]


def test_cli_report_timings_name_every_stage(tmp_path: Path) -> None:
    corpus = _many_outlets(tmp_path / "articles.jsonl", outlets=3)
    args = ["report", str(corpus), "-o", str(tmp_path / "out"), "--quiet", "--timings"]
    result = CliRunner().invoke(app, [*args, "--resamples", "1000", "--permutations", "1000"])
    assert result.exit_code == 0, result.output
    stages = re.findall(r"INFO: stage (.+?)\s{2,}[\d.]+ s wall", result.output)
    # without actors of its own the corpus's actors are suggested first (a pass over its texts)
    assert stages == ["loading", "suggesting actors", *REPORT_STEPS]
    actors = tmp_path / "actors.csv"
    actors.write_text("actor,alias\nKyiv,Kyiv\n", encoding="utf-8")
    args = ["report", str(corpus), "-o", str(tmp_path / "named"), "--quiet", "--timings", "--actors", actors]
    result = CliRunner().invoke(app, [*map(str, args), "--resamples", "50", "--permutations", "50"])
    assert result.exit_code == 0, result.output
    stages = re.findall(r"INFO: stage (.+?)\s{2,}[\d.]+ s wall", result.output)
    assert stages == ["loading", *REPORT_STEPS]  # actors named: none to suggest


def test_timings_of_one_report_do_not_leak_into_the_next(tmp_path: Path) -> None:
    # regression: --timings left the stage logger at INFO, so a later quiet report in the same process
    # printed "INFO: stage loading"
    corpus = _many_outlets(tmp_path / "articles.jsonl", outlets=3)
    quick = ["--resamples", "50", "--permutations", "50", "--quiet"]
    first = CliRunner().invoke(app, ["report", str(corpus), "-o", str(tmp_path / "a"), "--timings", *quick])
    assert first.exit_code == 0 and "INFO: stage loading" in first.output
    second = CliRunner().invoke(app, ["report", str(corpus), "-o", str(tmp_path / "b"), *quick])
    assert second.exit_code == 0, second.output
    assert "INFO" not in second.output


@pytest.fixture(scope="module")
def many_outlets(tmp_path_factory: pytest.TempPathFactory) -> report_module.Analysis:
    path = _many_outlets(tmp_path_factory.mktemp("many") / "articles.jsonl", outlets=45)
    corpus = framing.load_corpus(path)
    return report_module.analyse(corpus, n_resamples=1000, n_permutations=1000, max_groups=12)


def test_rate_tables_cover_every_group_with_enough_documents(many_outlets: report_module.Analysis) -> None:
    tables = many_outlets.tables
    assert len(many_outlets.groups) == 12
    everyone = {f"outlet {o:02d}" for o in range(45)}
    assert set(tables["cue_rates"]["outlet"]) == everyone
    assert set(tables["subcategory_rates"]["outlet"]) == everyone
    assert set(tables["groups"]["outlet"]) == everyone
    # outlets with 4 documents are the largest (o % 3 == 2): 15 of them, the 12 first by name compared
    assert many_outlets.groups == [f"outlet {o:02d}" for o in range(2, 36, 3)]
    compared = set(many_outlets.groups)
    assert set(tables["pairwise"]["group_a"]) | set(tables["pairwise"]["group_b"]) == compared
    assert set(tables["documents"]["outlet"]) == compared
    assert set(tables["omnibus"]["groups"]) == {12}
    # a rate does not depend on which other groups are compared
    rates = tables["cue_rates"].set_index(["outlet", "cue"])
    alone = compare.outlet_summary(
        framing.extract(many_outlets.corpus), cues=["emotive"], n_resamples=1000, seed=0
    ).set_index(["outlet", "cue"])
    assert (
        rates.loc[("outlet 40", "emotive"), "mean_rate"] == alone.loc[("outlet 40", "emotive"), "mean_rate"]
    )
    assert rates.loc[("outlet 40", "emotive"), "ci_low"] == alone.loc[("outlet 40", "emotive"), "ci_low"]


def test_documents_table_is_every_feature_column_of_the_compared_groups_and_tests_read_them(
    many_outlets: report_module.Analysis,
) -> None:
    # issue 8: the statistics read a copy of the columns they test while the whole table waits on disk;
    # the written table must still be the feature table of the compared documents, every column of it
    whole = framing.extract(many_outlets.corpus)
    compared = whole[whole["outlet"].isin(many_outlets.groups)].reset_index(drop=True)
    documents = many_outlets.tables["documents"]
    pd.testing.assert_frame_equal(documents, compared, check_exact=True)
    assert {"blame_negated", "blame_present", "emotive_weighted"} <= set(documents.columns)
    vs_rest = compare.group_vs_rest(
        compared, cues=many_outlets.cues, by="outlet", order=many_outlets.groups, n_permutations=1000, seed=0
    )
    pd.testing.assert_frame_equal(many_outlets.tables["vs_rest"], vs_rest, check_exact=True)


def test_groups_beyond_the_largest_are_named_as_rated_but_not_compared(
    many_outlets: report_module.Analysis,
) -> None:
    corpus = many_outlets.metadata["corpus"]
    assert len(corpus["groups_rates_only"]) == 33 and "outlet 00" in corpus["groups_rates_only"]
    assert corpus["groups_left_out"] == corpus["groups_rates_only"]
    summary = many_outlets.findings[0].text
    assert "covers 48 documents from 12 outlets" in summary
    assert "33 outlets beyond the 12 largest are not compared" in summary
    assert "their cue rates are in the rate tables" in summary
    assert "fewer than 2 documents" not in summary


def test_charts_show_at_most_40_groups_and_say_so(
    many_outlets: report_module.Analysis, tmp_path: Path
) -> None:
    compared, rated = chart_groups(many_outlets)
    assert compared == many_outlets.groups
    assert len(rated) == 40 and set(compared) <= set(rated)
    assert rated == sorted(rated)
    captions = draw_charts(many_outlets, tmp_path)
    assert captions["cue_rates"].endswith(
        "(the 40 largest of 45 outlets; every outlet is in tables/cue_rates.csv)"
    )
    assert "largest" not in captions["distributions"]
    assert (tmp_path / "cue_rates.png").exists()


def test_charts_drawn_in_worker_processes_are_the_same_files(
    many_outlets: report_module.Analysis, tmp_path: Path
) -> None:
    serial = draw_charts(many_outlets, tmp_path / "1")
    parallel = draw_charts(many_outlets, tmp_path / "2", jobs=2)
    # the captions in the page's order, whatever order the workers draw in
    assert list(parallel.items()) == list(serial.items())
    names = sorted(p.name for p in (tmp_path / "1").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "2").iterdir())
    assert len(names) == 2 * len(serial) and "rates_over_time.svg" in names
    for name in names:
        assert (tmp_path / "1" / name).read_bytes() == (tmp_path / "2" / name).read_bytes(), name


def _no_late_pool(*args: object, **kwargs: object) -> None:
    raise AssertionError("a chart pool was started when the charts were due")


def test_charts_drawn_in_workers_started_beforehand_are_the_same_files_and_the_pool_stays_open(
    many_outlets: report_module.Analysis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial = draw_charts(many_outlets, tmp_path / "1")
    with report_module.chart_workers(2) as pool:
        monkeypatch.setattr(framing.report.render, "ProcessPoolExecutor", _no_late_pool)
        (tmp_path / "3").mkdir()
        failed = pytest.raises(RuntimeError, match="table failed")
        with failed, drawing_charts(many_outlets, tmp_path / "3", jobs=2, pool=pool):
            raise RuntimeError("table failed")
        # the error cancelled this report's charts, not the owner's pool: it still takes work
        assert pool.submit(sum, [1, 2]).result() == 3
        report = report_module.write_report(many_outlets, tmp_path / "report", jobs=2, chart_pool=pool)
    drawn = sorted(p.name for p in (tmp_path / "1").iterdir())
    assert drawn == sorted(p.name for p in (report.path / "figures").iterdir())
    assert len(drawn) == 2 * len(serial)
    for name in drawn:
        assert (report.path / "figures" / name).read_bytes() == (tmp_path / "1" / name).read_bytes(), name
    assert all(figure.suffix in {".png", ".svg"} for figure in (tmp_path / "3").iterdir())
    assert report_module.chart_workers(1) is None  # one job: the charts are drawn in this process


def test_an_error_while_the_charts_are_drawn_stops_them_and_is_raised(
    many_outlets: report_module.Analysis, tmp_path: Path
) -> None:
    with pytest.raises(RuntimeError, match="table failed"), drawing_charts(many_outlets, tmp_path, jobs=2):
        raise RuntimeError("table failed")
    # the workers have stopped: what they wrote is whole figures, not temporary files being written
    assert all(figure.suffix in {".png", ".svg"} for figure in tmp_path.iterdir())


def test_write_report_refuses_fewer_than_one_job(
    many_outlets: report_module.Analysis, tmp_path: Path
) -> None:
    with pytest.raises(OptionError, match="jobs must be at least 1"):
        report_module.write_report(many_outlets, tmp_path / "out", jobs=0)
    assert not (tmp_path / "out").exists()


def test_distributions_chart_thins_dots_but_counts_every_document() -> None:
    features = pd.DataFrame(
        {
            "doc_id": [f"d{i:02d}" for i in range(30)],
            "outlet": ["a"] * 20 + ["b"] * 10,
            "tokens": 100,
            "hedging_rate": np.arange(30, dtype=float),
        }
    )
    figure = charts.distributions_chart(features, "hedging", max_dots=8)
    ax = figure.axes[0]
    dots = sorted(len(c.get_offsets()) for c in ax.collections)
    assert dots == [8, 8]
    assert "at most 8 dots per outlet" in " ".join(figure.get_suptitle().split())  # wrapped title
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a (n=20)", "b (n=10)"]
    everything = charts.distributions_chart(features, "hedging")
    assert sorted(len(c.get_offsets()) for c in everything.axes[0].collections) == [10, 20]


def test_collocations_score_exactly_as_nltk_finder() -> None:
    from nltk.collocations import BigramCollocationFinder
    from nltk.metrics import BigramAssocMeasures

    from framing.text import word_tokens

    texts = [
        "",
        "Kyiv regime forces. The Kyiv regime said. Kyiv regime again",
        "regime change now; Kyiv regime",
        "Islamic State claimed responsibility. Islamic State claimed it. Islamic State claimed",
        "the the the Kyiv",
        "",
    ]
    groups = ["a", "a", "b", "b", None, "a"]
    table = compare.collocations(texts, groups, min_count=2, common_words=0, min_ratio=1.0)
    for group in ("a", "b"):
        documents = [word_tokens(t) for t, g in zip(texts, groups, strict=True) if g == group]
        finder = BigramCollocationFinder.from_documents(documents)
        finder.apply_freq_filter(2)
        expected = dict(finder.score_ngrams(BigramAssocMeasures.likelihood_ratio))
        rows = table[table["group"] == group]
        got = {tuple(p.split()): s for p, s in zip(rows["phrase"], rows["likelihood_ratio"], strict=True)}
        assert got and set(got) <= set(expected)
        assert all(got[pair] == expected[pair] for pair in got)  # bit for bit
    a = table[table["group"] == "a"].set_index("phrase")
    assert a.loc["kyiv regime", "count_group"] == 3 and a.loc["kyiv regime", "count_rest"] == 1


def _every_parallel_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Below these sizes the work stays in the main process: lowered, every parallel path is exercised."""
    import framing.parallel
    import framing.report.analysis

    monkeypatch.setattr(framing.parallel, "MIN_PARALLEL_DOCUMENTS", 1)
    monkeypatch.setattr(framing.report.analysis, "BACKGROUND_MIN_DOCUMENTS", 1)


def _serial_and_parallel(
    path: Path,
    monkeypatch: pytest.MonkeyPatch,
    outlets: int,
    options: dict[str, Any],
    patch: Callable[[], None] | None = None,
) -> tuple[report_module.Analysis, report_module.Analysis]:
    """The analysis of ``outlets`` outlets in one process, then with two jobs on every parallel path
    (``patch`` applied in between, e.g. to lower another threshold)."""
    corpus = framing.load_corpus(_many_outlets(path, outlets=outlets))
    serial = report_module.analyse(corpus, **options)
    _every_parallel_path(monkeypatch)
    if patch is not None:
        patch()
    return serial, report_module.analyse(corpus, jobs=2, **options)


def test_cli_report_with_worker_processes_writes_the_same_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _every_parallel_path(monkeypatch)
    corpus = _many_outlets(tmp_path / "articles.jsonl", outlets=3)
    quick = ["--resamples", "50", "--permutations", "50", "--quiet"]
    # the charts are drawn by the workers started before the corpus was read, not by a pool started
    # when the charts are due (its workers would carry a copy of the analysis's memory)
    monkeypatch.setattr(framing.report.render, "ProcessPoolExecutor", _no_late_pool)
    for jobs in ("1", "2"):
        result = CliRunner().invoke(
            app, ["report", str(corpus), "-o", str(tmp_path / jobs), "-j", jobs, *quick]
        )
        assert result.exit_code == 0, result.output
    tables = sorted(p.name for p in (tmp_path / "1" / "tables").glob("*.csv"))
    assert {"cue_rates.csv", "blame_attributions.csv", "stories.csv", "within_story.csv"} <= set(tables)
    for name in tables:
        serial = (tmp_path / "1" / "tables" / name).read_text(encoding="utf-8")
        assert (tmp_path / "2" / "tables" / name).read_text(encoding="utf-8") == serial, name
    figures = sorted(p.name for p in (tmp_path / "1" / "figures").iterdir())
    assert "cue_rates.png" in figures
    assert figures == sorted(p.name for p in (tmp_path / "2" / "figures").iterdir())
    for name in figures:
        serial_figure = (tmp_path / "1" / "figures" / name).read_bytes()
        assert (tmp_path / "2" / "figures" / name).read_bytes() == serial_figure, name
    refused = CliRunner().invoke(app, ["report", str(corpus), "-o", str(tmp_path / "0"), "--jobs", "0", "-q"])
    assert refused.exit_code == 2 and "--jobs" in refused.output


def test_crocus_report_in_several_languages_is_the_same_with_worker_processes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from framing.report import analyse

    options = {"n_resamples": 50, "n_permutations": 50}
    serial = analyse(CROCUS, **options)
    _every_parallel_path(monkeypatch)
    parallel = analyse(CROCUS, jobs=2, **options)
    assert set(serial.tables["within_story"]["language"]) == {"en", "ru"}  # stories within each language
    assert serial.tables.keys() == parallel.tables.keys()
    for name, table in serial.tables.items():
        pd.testing.assert_frame_equal(table, parallel.tables[name], obj=name)
    # with workers the corpus hash is computed early, beside the same-story worker
    expected = framing.load_corpus(CROCUS).content_hash()
    assert serial.metadata["corpus"]["content_hash"] == expected
    assert parallel.metadata["corpus"]["content_hash"] == expected


def test_the_rate_model_is_fitted_in_the_tests_worker_with_the_same_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # with workers the rate model runs beside the wording, in the pairwise tests' worker: this process
    # never fits it (it once did, with the other core idle, after the worker was done)
    import os

    here, fit = os.getpid(), compare.rate_model

    def only_in_a_worker(*args: Any, **kwargs: Any) -> pd.DataFrame:
        assert os.getpid() != here, "the rate model was fitted in the main process"
        return fit(*args, **kwargs)

    options = {"n_resamples": 20, "n_permutations": 20}
    serial, parallel = _serial_and_parallel(
        tmp_path / "articles.jsonl",
        monkeypatch,
        4,
        options,
        lambda: monkeypatch.setattr(compare, "rate_model", only_in_a_worker),
    )
    assert len(serial.tables["rate_model"]) == 5 * 3  # five cue families, three outlets against the first
    pd.testing.assert_frame_equal(serial.tables["rate_model"], parallel.tables["rate_model"])
    pd.testing.assert_frame_equal(serial.tables["pairwise"], parallel.tables["pairwise"])


def test_the_corpus_hash_of_a_spooled_corpus_is_the_same_when_computed_beside_the_story_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from framing.report import analyse

    corpus = framing.load_corpus(_many_outlets(tmp_path / "articles.jsonl", outlets=4), spool=True)
    _every_parallel_path(monkeypatch)
    analysis = analyse(corpus, jobs=2, n_resamples=20, n_permutations=20)
    assert analysis.metadata["corpus"]["content_hash"] == corpus.content_hash()
    assert corpus.spool is not None  # the texts were read from disk


def test_pairwise_tests_in_a_worker_cover_only_the_compared_groups_when_more_are_rated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the pairwise worker starts before the rates, from the table of every rated group, and makes its
    # own copy of the compared rows: the same table as the tests run in this process
    options = {"max_groups": 2, "min_documents": 2, "n_resamples": 20, "n_permutations": 50}
    serial, parallel = _serial_and_parallel(tmp_path / "articles.jsonl", monkeypatch, 6, options)
    pairwise = parallel.tables["pairwise"]
    assert len(serial.tables["cue_rates"]["outlet"].unique()) == 6
    assert set(pairwise["group_a"]) | set(pairwise["group_b"]) == set(parallel.groups)
    assert len(pairwise) > 0
    pd.testing.assert_frame_equal(serial.tables["pairwise"], pairwise)
    # the documents of the groups rated only are not the test's "excluded documents"
    assert pairwise.attrs == serial.tables["pairwise"].attrs
    assert pairwise.attrs["excluded_documents"] == 0


def test_many_groups_test_their_pairs_and_fit_their_folds_in_worker_processes_with_the_same_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # from 200 pairs (21 groups) the pairwise tests run in a pool inside the tests worker, and the
    # separability folds in a pool of the main process: lowered, six outlets take both paths
    import importlib

    from framing.compare import rates

    def lowered() -> None:
        monkeypatch.setattr(rates, "PARALLEL_MIN_PAIRS", 2)
        monkeypatch.setattr(importlib.import_module("framing.compare.separability"), "PARALLEL_MIN_GROUPS", 2)

    options = {"n_resamples": 20, "n_permutations": 50}
    serial, parallel = _serial_and_parallel(tmp_path / "articles.jsonl", monkeypatch, 6, options, lowered)
    assert len(parallel.tables["pairwise"]) == 5 * 15  # five cue families, every pair of six outlets
    for name in ("pairwise", "separability", "separability_features", "separability_folds"):
        pd.testing.assert_frame_equal(serial.tables[name], parallel.tables[name], obj=name)


def test_examples_of_the_compared_groups_quote_their_own_documents_when_others_are_rated_only(
    tmp_path: Path,
) -> None:
    from framing.report import analyse

    path = _many_outlets(tmp_path / "articles.jsonl", outlets=6)
    corpus = framing.load_corpus(path)
    analysis = analyse(corpus, max_groups=2, min_documents=2, n_resamples=20, n_permutations=20)
    assert len(analysis.groups) == 2 and len(analysis.tables["cue_rates"]["outlet"].unique()) == 6
    texts = dict(zip(corpus.documents["doc_id"], corpus.documents["text"], strict=True))
    outlets = dict(zip(corpus.documents["doc_id"], corpus.documents["outlet"], strict=True))
    examples = analysis.tables["examples"]
    assert len(examples) > 0
    for row in examples.itertuples():
        assert row.sentence in texts[row.doc_id]  # cut from its own document, not another's
        assert outlets[row.doc_id] == row.outlet and row.outlet in analysis.groups


def test_a_report_with_chart_workers_never_imports_matplotlib_in_the_process_that_builds_it(
    tmp_path: Path,
) -> None:
    # issue 8: only the chart workers draw (they import matplotlib as they start); the building process
    # was 35 MB smaller without it at 20,000 articles, and no longer imported it before loading
    import subprocess
    import sys

    code = (
        "import sys, framing.report as r\n"
        f"report = r.build_report('corpora/crocus', {str(tmp_path / 'report')!r}, jobs=2)\n"
        "print('matplotlib' in sys.modules)\n"
    )
    root = Path(__file__).resolve().parent.parent
    command = [sys.executable, "-c", code]
    result = subprocess.run(command, capture_output=True, text=True, check=True, cwd=root)
    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr[-2000:]
    figures = sorted(p.name for p in (tmp_path / "report" / "figures").iterdir())
    assert "cue_rates.png" in figures and "cue_rates.svg" in figures
    metadata = json.loads((tmp_path / "report" / "metadata.json").read_text(encoding="utf-8"))
    import matplotlib

    assert metadata["environment"]["matplotlib"] == matplotlib.__version__
