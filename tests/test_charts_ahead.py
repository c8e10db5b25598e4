"""Charts drawn in worker processes while the analysis goes on (``analyse(chart_pool=...)``)."""

from __future__ import annotations

import dataclasses
from concurrent.futures import Executor, Future
from pathlib import Path
from typing import Any

import pytest
from conftest import CROCUS

import framing
import framing.report.analysis
from framing import report as report_module
from framing.report.tables import ReportTables

QUICK = {"n_resamples": 50, "n_permutations": 50}


class _RecordingPool(Executor):
    """A pool that records the charts the writer draws in it (the name of each one's file)."""

    def __init__(self, pool: Executor) -> None:
        self.pool = pool
        self.drawn: list[str] = []

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.drawn.append(args[1].name)
        return self.pool.submit(fn, *args, **kwargs)


class _HoldingPool(Executor):
    """A pool that starts nothing: its futures stay pending until cancelled."""

    def __init__(self) -> None:
        self.futures: list[Future[Any]] = []

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        self.futures.append(future)
        return future


@pytest.fixture(scope="module")
def crocus() -> framing.Corpus:
    return framing.load_corpus(CROCUS)


@pytest.fixture(scope="module")
def drawn_ahead(crocus: framing.Corpus) -> report_module.Analysis:
    with report_module.chart_workers(2) as pool:
        analysis = report_module.analyse(crocus, chart_pool=pool, **QUICK)
        for name in framing.report.render._CHART_TABLES:  # waited for while the pool is open
            if analysis.charts_ahead is not None and name in analysis.charts_ahead._drawn:
                analysis.charts_ahead.files(name)
    return analysis


def _figures(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_every_chart_but_the_dot_plot_is_drawn_during_the_analysis_and_written_as_drawn(
    drawn_ahead: report_module.Analysis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ahead = drawn_ahead.charts_ahead
    assert ahead is not None
    early = [name for name in framing.report.render._CHART_TABLES if ahead.drew(name, drawn_ahead)]
    # the page's charts, the blame matrix too (the Crocus corpus has actors); the dot plot, a row per
    # document, is the writer's
    assert len(early) == 6 and "blame_matrix" in early and "distributions" not in early
    expected = {f"{name}{suffix}": data for name in early for suffix, data in ahead.files(name).items()}
    assert set(expected) == {f"{name}{suffix}" for name in early for suffix in (".png", ".svg")}
    with report_module.chart_workers(2) as pool:
        recording = _RecordingPool(pool)
        report = report_module.write_report(drawn_ahead, tmp_path / "report", jobs=2, chart_pool=recording)
    assert recording.drawn == ["distributions"]  # in the given pool, while the tables were written
    written = _figures(report.path / "figures")
    assert {name: written[name] for name in expected} == expected
    assert {"distributions.png", "distributions.svg"} <= set(written)
    # with one job too the writer takes the drawn charts: only the dot plot is drawn in this process
    drawn_here: list[str] = []
    draw = framing.report.render._draw
    monkeypatch.setattr(
        framing.report.render, "_draw", lambda call, path: (drawn_here.append(path.name), draw(call, path))
    )
    alone = report_module.write_report(drawn_ahead, tmp_path / "alone")
    assert drawn_here == ["distributions"]
    assert _figures(alone.path / "figures") == written


def test_a_table_replaced_after_the_analysis_is_drawn_again_from_the_new_table(
    drawn_ahead: report_module.Analysis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ahead = drawn_ahead.charts_ahead
    assert ahead is not None
    tables = ReportTables({name: drawn_ahead.tables.held(name) for name in drawn_ahead.tables})
    changed = dataclasses.replace(drawn_ahead, tables=tables)
    doubled = tables["cue_rates"].copy()
    doubled[["mean_rate", "ci_low", "ci_high"]] *= 2
    tables["cue_rates"] = doubled
    assert not ahead.drew("cue_rates", changed) and not ahead.drew("cue_heatmap", changed)
    assert ahead.drew("rates_over_time", changed)
    assert not ahead.drew("rates_over_time", dataclasses.replace(changed, cues=changed.cues[:1]))
    drawn_again: list[str] = []
    draw = framing.report.render._draw

    def recorded(call: Any, path: Path) -> None:
        drawn_again.append(path.name)
        draw(call, path)

    monkeypatch.setattr(framing.report.render, "_draw", recorded)
    report = report_module.write_report(changed, tmp_path / "report")
    assert sorted(drawn_again) == ["cue_heatmap", "cue_rates", "distributions"]
    written = _figures(report.path / "figures")
    assert written["cue_rates.png"] != ahead.files("cue_rates")[".png"]  # the new table's chart
    assert written["rates_over_time.png"] == ahead.files("rates_over_time")[".png"]


def test_a_failed_analysis_cancels_the_charts_not_yet_drawn(
    crocus: framing.Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(*args: object, **kwargs: object) -> None:
        raise RuntimeError("examples failed")

    monkeypatch.setattr(framing.report.analysis, "typical_examples", failing)
    pool = _HoldingPool()
    with pytest.raises(RuntimeError, match="examples failed"):
        report_module.analyse(crocus, chart_pool=pool, **QUICK)
    # the charts were submitted after the distinctive wording, before the examples failed; none is
    # left to run
    assert len(pool.futures) == 6
    assert all(future.cancelled() for future in pool.futures)


def test_the_charts_are_submitted_before_the_cue_terms_are_counted_and_theirs_after(
    crocus: framing.Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the workers draw while this process scores the phrases and counts the cue terms (one core)
    pool = _HoldingPool()
    submitted_by_then: list[int] = []
    count_terms = framing.report.analysis.term_frequencies

    def counted(*args: Any, **kwargs: Any) -> Any:
        submitted_by_then.append(len(pool.futures))
        return count_terms(*args, **kwargs)

    monkeypatch.setattr(framing.report.analysis, "term_frequencies", counted)
    analysis = report_module.analyse(crocus, chart_pool=pool, **QUICK)
    for future in pool.futures:
        future.cancel()
    ahead = analysis.charts_ahead
    assert ahead is not None
    assert submitted_by_then == [5] and len(pool.futures) == 6
    assert "distinctive_cue_terms" in ahead._drawn and len(ahead._drawn) == 6
