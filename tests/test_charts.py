"""Charts: units on the axes, stable group colours and order, literal corpus text, deterministic files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from framing import charts, compare

FEATURES = pd.DataFrame(
    {
        "doc_id": [f"d{i}" for i in range(8)],
        "outlet": ["B$x$", "B$x$", "A", "A", "C", "C", "A", "C"],
        "date": ["2024-03-22", "2024-03-23"] * 4,
        "tokens": [100, 200, 100, 300, 150, 150, 120, 90],
        "hedging_count": [1, 4, 0, 3, 6, 3, 2, 1],
        "hedging_rate": [10.0, 20.0, 0.0, 10.0, 40.0, 20.0, 1000 * 2 / 120, 1000 / 90],
        "emotive_count": [0, 2, 5, 6, 0, 0, 1, 0],
        "emotive_rate": [0.0, 10.0, 50.0, 20.0, 0.0, 0.0, 1000 / 120, 0.0],
    }
)


def _texts(figure) -> list[str]:
    return [t.get_text() for t in figure.findobj(match=lambda o: hasattr(o, "get_text"))]


def test_group_colors_are_okabe_ito_in_sorted_or_given_order() -> None:
    assert charts.group_colors(["b", "a"]) == {"a": charts.OKABE_ITO[0], "b": charts.OKABE_ITO[1]}
    assert charts.group_colors(["b", "a"], order=["b", "a"])["b"] == charts.OKABE_ITO[0]


def test_rates_by_outlet_labels_units_and_keeps_dollar_signs_literal() -> None:
    summary = compare.outlet_summary(FEATURES, n_resamples=1000)
    figure = charts.rates_by_outlet(summary)
    labels = [ax.get_xlabel() for ax in figure.axes]
    assert all("per 1,000 tokens" in label for label in labels if label)
    ticks = [t.get_text() for ax in figure.axes for t in ax.get_yticklabels()]
    assert any(t.startswith("B$x$") for t in ticks)  # drawn literally, not as mathtext
    # groups top to bottom in sorted order, the same in every panel
    first = [t.get_text().split(" (n=")[0] for t in figure.axes[0].get_yticklabels()]
    assert first == ["A", "B$x$", "C"]


@pytest.mark.parametrize(
    "draw",
    [
        lambda: charts.cue_heatmap(compare.outlet_summary(FEATURES, n_resamples=1000)),
        lambda: charts.distributions_chart(FEATURES, ["hedging", "emotive"]),
        lambda: charts.rates_over_time_chart(compare.rates_over_time(FEATURES), ["hedging"]),
        lambda: charts.distinctive_terms_chart(
            compare.distinctive_terms(compare.term_counts(["war war peace", "peace talks"], ["A", "B"]))
        ),
        lambda: charts.blame_matrix_chart(
            pd.DataFrame(
                {
                    "outlet": ["A", "A", "B"],
                    "blamed": ["Ukraine", "Islamic State", "Islamic State"],
                    "attributions": [3, 1, 2],
                    "share": [0.75, 0.25, 1.0],
                    "group_attributions": [4, 4, 2],
                    "negated": [0, 0, 1],
                    "documents": [2, 1, 2],
                }
            )
        ),
    ],
)
def test_every_chart_draws_and_saves_deterministically(draw, tmp_path: Path) -> None:
    first = charts.save_figure(draw(), tmp_path / "a" / "chart")
    second = charts.save_figure(draw(), tmp_path / "b" / "chart")
    assert [p.suffix for p in first] == [".png", ".svg"]
    for one, two in zip(first, second, strict=True):
        assert one.stat().st_size > 1000
        assert one.read_bytes() == two.read_bytes()
    assert {p.name for p in (tmp_path / "a").iterdir()} == {
        "chart.png",
        "chart.svg",
    }  # no temporary file left


def test_save_figure_leaves_the_figure_as_it_was(tmp_path: Path) -> None:
    summary = pd.DataFrame(
        {
            "outlet": ["A", "B", "A", "B"],
            "cue": ["hedging", "hedging", "emotive", "emotive"],
            "mean_rate": [1.0, 2.0, 3.0, 0.5],
            "ci_low": [0.5, 1.5, 2.0, 0.1],
            "ci_high": [1.5, 2.5, 4.0, 0.9],
            "documents": [3, 4, 3, 4],
        }
    )
    figure = charts.cue_heatmap(summary)
    canvas, dpi, engine = figure.canvas, figure.dpi, figure.get_layout_engine()
    written = charts.save_figure(figure, tmp_path / "a" / "chart")
    # the PNG is drawn at the saving dpi on a canvas of its own; the SVG keeps the PNG's layout
    assert figure.canvas is canvas and figure.dpi == dpi and figure.get_layout_engine() is engine
    assert written[0].read_bytes().startswith(b"\x89PNG") and figure.patch.get_facecolor() == (1, 1, 1, 1)
    svg_only = charts.save_figure(charts.cue_heatmap(summary), tmp_path / "c" / "chart", formats=("svg",))
    assert [p.name for p in svg_only] == ["chart.svg"] and svg_only[0].read_bytes().startswith(b"<?xml")


def test_rate_dots_draw_the_pixels_of_one_errorbar_per_group() -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from framing.report.charts import PALETTE, _dots_with_whiskers

    # (x, y, whisker left, whisker right, colour); colours repeat, as past 16 groups
    points = [(1.0 + i, 2.0 * i, 0.5, 0.25 * i, PALETTE[i % 3]) for i in range(6)]
    pixels, limits = [], []
    for batched in (False, True):
        figure = Figure(figsize=(3, 3), dpi=100)
        ax = figure.add_subplot()
        if batched:
            _dots_with_whiskers(ax, points)
        else:
            style = {"fmt": "o", "elinewidth": 1.6, "capsize": 3, "markersize": 5, "markeredgewidth": 0.5}
            for x, y, left, right, colour in points:
                ax.errorbar(x, y, xerr=[[left], [right]], color=colour, ecolor=colour, mec="black", **style)
        canvas = FigureCanvasAgg(figure)
        canvas.draw()
        pixels.append(np.asarray(canvas.buffer_rgba()).copy())
        limits.append((ax.get_xlim(), ax.get_ylim()))
    assert limits[0] == limits[1]
    assert (pixels[0] != 255).any() and np.array_equal(pixels[0], pixels[1])


def test_blame_matrix_cells_show_share_and_count() -> None:
    matrix = pd.DataFrame(
        {
            "outlet": ["A", "A"],
            "blamed": ["Ukraine", "Islamic State"],
            "attributions": [3, 1],
            "share": [0.75, 0.25],
            "group_attributions": [4, 4],
            "negated": [0, 0],
            "documents": [2, 1],
        }
    )
    texts = _texts(charts.blame_matrix_chart(matrix))
    assert "75%\n(3)" in texts and "25%\n(1)" in texts


def _many_groups_summary(n: int = 14) -> pd.DataFrame:
    """Rates of ``n`` groups with long names (labels wrapped on three lines) for two cues."""
    rows = []
    for i in range(n):
        name = f"Outlet number {i} with a rather long name (Opinion and Analysis section)"
        for j, cue in enumerate(["hedging", "emotive"]):
            mean = 1.0 + i + 3 * j
            rows.append({"outlet": name, "cue": cue, "mean_rate": mean, "ci_low": mean - 0.5,
                         "ci_high": mean + 0.7, "documents": 10 + i, "confidence": 0.95})  # fmt: skip
    return pd.DataFrame(rows)


@pytest.mark.parametrize(
    "draw",
    [
        lambda: charts.rates_by_outlet(_many_groups_summary()),
        lambda: charts.cue_heatmap(_many_groups_summary()),
        lambda: charts.distributions_chart(FEATURES, ["hedging", "emotive"]),
        lambda: charts.distinctive_terms_chart(
            compare.distinctive_terms(
                compare.term_counts(["war war peace", "peace talks"], ["A very long outlet name " * 3, "B"])
            )
        ),
        lambda: charts.rates_by_outlet(_many_groups_summary().iloc[:0]),  # "no data"
        lambda: charts.rates_over_time_chart(compare.rates_over_time(FEATURES)),
    ],
)
def test_titles_are_where_the_automatic_placement_puts_them(draw, tmp_path: Path, monkeypatch) -> None:
    # charts._title fixes the title height instead of letting matplotlib search for it at every draw
    fast = charts.save_figure(draw(), tmp_path / "fast" / "chart")
    from framing.report import charts as chart_module

    monkeypatch.setattr(chart_module, "_title", lambda ax, text: ax.set_title(text))
    automatic = charts.save_figure(draw(), tmp_path / "automatic" / "chart")
    assert fast[0].read_bytes() == automatic[0].read_bytes()  # the PNG, pixel for pixel


@pytest.mark.parametrize("chart", ["cue_heatmap", "blame_matrix_chart"])
def test_cell_numbers_left_out_of_the_layout_do_not_move_it(chart: str, tmp_path: Path) -> None:
    # the numbers in the cells are drawn with in_layout=False: laid out or not, the PNG is the same
    matrix = pd.DataFrame(
        {
            "outlet": ["A long outlet name", "A long outlet name", "B"],
            "blamed": ["Ukraine", "Islamic State", "Islamic State"],
            "attributions": [3, 1, 2000],
            "share": [0.75, 0.25, 1.0],
        }
    )
    table = _many_groups_summary(5) if chart == "cue_heatmap" else matrix
    fast = charts.save_figure(getattr(charts, chart)(table), tmp_path / "fast" / "chart")
    figure = getattr(charts, chart)(table)
    cells = [t for t in figure.axes[0].texts if not t.get_in_layout()]
    assert len(cells) == (10 if chart == "cue_heatmap" else 4)
    for text in cells:
        text.set_in_layout(True)
    laid_out = charts.save_figure(figure, tmp_path / "laid_out" / "chart")
    assert fast[0].read_bytes() == laid_out[0].read_bytes()


@pytest.mark.parametrize("highest", [0.004, 0.5, 7.0, 999.0])
def test_time_chart_rates_are_labelled_as_the_default_formatter_labels_them(highest: float) -> None:
    # the time chart's y axis is set to plain numbers without offset text (so the title cannot move);
    # for rates per 1,000 tokens, in [0, 1000], that is what the default formatter writes too
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.ticker import ScalarFormatter

    table = compare.rates_over_time(FEATURES)
    table["pooled_rate"] = np.linspace(0, highest, len(table))
    labels = []
    for default in (False, True):
        figure = charts.rates_over_time_chart(table, ["hedging"])
        ax = figure.axes[0]
        if default:
            ax.yaxis.set_major_formatter(ScalarFormatter())
        FigureCanvasAgg(figure).draw()
        labels.append(([t.get_text() for t in ax.get_yticklabels()], ax.yaxis.get_offset_text().get_text()))
    assert labels[0] == labels[1] and labels[0][1] == ""


def test_dot_plot_means_are_one_line_of_markers_per_panel_with_the_pixels_of_one_per_group(
    tmp_path: Path,
) -> None:
    figure = charts.distributions_chart(FEATURES, ["hedging", "emotive"])
    fast = charts.save_figure(figure, tmp_path / "fast" / "chart")
    for ax, cue in zip(figure.axes[:2], ["hedging", "emotive"], strict=True):
        [means] = [line for line in ax.lines if line.get_marker() == "D"]
        expected = FEATURES.groupby("outlet")[f"{cue}_rate"].mean()  # groups A, B$x$, C from the top
        assert np.allclose(means.get_xdata(), expected.to_numpy()) and list(means.get_ydata()) == [2, 1, 0]
        means.remove()
        for x, y in zip(means.get_xdata(), means.get_ydata(), strict=True):
            ax.plot([x], [y], marker="D", markersize=5, color="white", markeredgecolor="black",
                    markeredgewidth=0.8, linestyle="none", zorder=4)  # fmt: skip
    one_per_group = charts.save_figure(figure, tmp_path / "one_per_group" / "chart")
    assert fast[0].read_bytes() == one_per_group[0].read_bytes()


@pytest.mark.parametrize(
    "draw",
    [
        lambda: charts.rates_by_outlet(_many_groups_summary(3), "hedging"),
        lambda: charts.distributions_chart(FEATURES, "hedging"),
        lambda: charts.distributions_chart(FEATURES, ["hedging", "emotive", "hedging"]),
        lambda: charts.rates_over_time_chart(compare.rates_over_time(FEATURES), ["hedging"]),
        lambda: charts.distinctive_terms_chart(
            compare.distinctive_terms(compare.term_counts(["war war peace", "peace talks"], ["A", "B"])),
            order=["A"],
        ),
    ],
)
def test_the_figure_title_is_wrapped_to_fit_the_figure(draw) -> None:
    # regression: the dot plot's title was cut off at both edges at 3 panels, most titles at one panel
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    figure = draw()
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    title = figure.get_suptitle()
    [text] = [t for t in figure.texts if t.get_text() == title]
    extent = text.get_window_extent(canvas.get_renderer())
    assert "per 1,000 tokens" in title or "distinctive" in title
    assert extent.x0 >= 0 and extent.x1 <= figure.bbox.width
