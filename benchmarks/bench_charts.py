"""CPU seconds and bytes of each chart of the report: building the figure, its PNG and its SVG.

    python benchmarks/bench_charts.py corpus.jsonl [--analysis analysis.pkl] [--repeats 3] [--out DIR]

The analysis (``framing.report.analyse`` with ``jobs=2``, about a minute on 20,000 articles) is built
once and, with ``--analysis``, pickled to that file (and read from it when it exists), so the charts
can be timed again without it. Each chart is drawn as :func:`framing.report.render.draw_charts` draws
it (same tables, groups and colours); the CPU time (``time.process_time``: user + system of this
process) of the fastest of ``--repeats`` runs is printed per step, in seconds, with the file sizes.
"""

from __future__ import annotations

import argparse
import pickle
import tempfile
import time
from pathlib import Path

import matplotlib

from framing.report import charts
from framing.report.analysis import Analysis
from framing.report.render import _CHARTS, _chart_calls, chart_groups
from framing.report.tables import as_report_tables


def _analysis(corpus: str, cache: Path | None) -> Analysis:
    if cache is not None and cache.is_file():
        with cache.open("rb") as stream:
            return pickle.load(stream)  # a file this script wrote
    import framing
    from framing.report import analyse

    analysis = analyse(framing.load_corpus(corpus, jobs=2), jobs=2)
    if cache is not None:
        with cache.open("wb") as stream:
            pickle.dump(analysis, stream)
    return analysis


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("--analysis", type=Path, help="analysis pickle (read if present, else written)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, help="folder for the files (default: a temporary folder)")
    args = parser.parse_args()
    analysis = _analysis(args.corpus, args.analysis)
    order, rated = chart_groups(analysis)
    calls = _chart_calls(analysis.by, as_report_tables(analysis.tables), analysis.cues, order, rated)
    out = args.out or Path(tempfile.mkdtemp(prefix="bench_charts_"))
    print(f"{'chart':24s} {'build':>6s} {'png':>6s} {'svg':>6s} {'total':>6s} {'PNG KB':>7s} {'SVG KB':>7s}")
    totals = [0.0] * 4
    for name, _, _ in _CHARTS:
        if name == "blame_matrix" and not analysis.corpus.actors:
            continue
        function, table, options = calls[name]
        best: tuple[float, ...] | None = None
        for _ in range(args.repeats):
            start = time.process_time()
            figure = getattr(charts, function)(table, **options)
            built = time.process_time()
            charts.save_figure(figure, out / name, formats=("png",))
            png = time.process_time()
            # the SVG as save_figure writes it after the PNG: drawn with the PNG's layout
            with matplotlib.rc_context(charts._STYLE), charts._layout_kept(figure):
                figure.savefig(out / f"{name}.svg", format="svg", dpi=150, metadata={"Date": None})
            svg = time.process_time()
            row = (built - start, png - built, svg - png, svg - start)
            best = row if best is None or row[3] < best[3] else best
        assert best is not None
        totals = [t + b for t, b in zip(totals, best, strict=True)]
        sizes = [(out / f"{name}.{fmt}").stat().st_size / 1024 for fmt in ("png", "svg")]
        print(f"{name:24s} " + " ".join(f"{v:6.2f}" for v in best) + f" {sizes[0]:7.0f} {sizes[1]:7.0f}")
    print(f"{'total':24s} " + " ".join(f"{v:6.2f}" for v in totals))


if __name__ == "__main__":
    main()
