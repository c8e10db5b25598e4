"""The outlet-comparison report: every statistic, chart and quoted sentence in one folder.

:func:`analyse` runs the whole analysis on a corpus and returns its tables (tidy DataFrames, the same
ones the report writes as CSV) and the findings stated in words; :func:`write_report` writes them as

* ``index.html`` - one self-contained page that works offline on its own (charts inlined, its own few
  KB of JavaScript, a Content-Security-Policy that forbids any request): summary in words, charts,
  sortable and filterable tables, an evidence explorer (click a group x cue cell for its sentences with
  the matched terms marked; a search box over them; at most 10 per cell, fewer with many groups, as the
  page says) and for each outlet and cue the most typical sentences. Every piece of corpus text is
  HTML-escaped (and ``</script>``-safe in the embedded JSON); numbers are formatted per column kind
  (:mod:`~framing.report.numbers`), the CSV tables keep full precision;
* ``report.md`` - the same summary and the main tables (corpus text Markdown- and HTML-escaped);
* ``tables/*.csv`` - every table the charts and the summary are drawn from (text cells that a
  spreadsheet would run as a formula start with ``'``; ``spreadsheet_escape=False`` turns that off);
* ``figures/*.png`` and ``figures/*.svg``;
* ``metadata.json`` - toolkit and lexicon versions, parameters, seed, corpus content hash and counts.

The folder is written atomically: everything goes to a temporary folder beside the target, which then
replaces the previous report in two renames, so a failed run leaves the previous report intact. Only a
missing or empty folder, or an earlier framing report, is replaced (``force=True`` for any other folder);
the corpus itself never is. Same corpus, same parameters, same seed: byte-identical tables and metadata.

Modules: :mod:`~framing.report.analysis` (what is computed), :mod:`~framing.report.findings` (the
summary in words), :mod:`~framing.report.examples` (quoted sentences), :mod:`~framing.report.render`
(HTML and Markdown), :mod:`~framing.report.charts`, :mod:`~framing.report.writing` and
:mod:`~framing.report.timing` (the opt-in stage timing log of ``framing report --timings``).

The rate tables (``groups``, ``cue_rates``, ``subcategory_rates``) cover every group with at least
``min_documents`` documents; the comparisons (tests, contrasts, blame, wording, separability,
examples) the ``max_groups`` largest of them. Charts draw at most 40 groups (the largest; the caption
says so when some are not drawn).

>>> import framing.report
>>> report = framing.report.build_report("corpora/crocus", "reports/crocus")   # doctest: +SKIP
>>> report.tables["cue_rates"].head()                                          # doctest: +SKIP
"""

from typing import Any

from framing.features import grouped_features
from framing.report.analysis import REPORT_STEPS, Analysis, analyse
from framing.report.findings import ALPHA, Example, Finding
from framing.report.render import chart_workers
from framing.report.writing import Report, build_report, check_output_folder, is_report_folder, write_report

__all__ = [
    "ALPHA",
    "REPORT_STEPS",
    "Analysis",
    "Example",
    "Finding",
    "Report",
    "analyse",
    "build_report",
    "chart_workers",
    "charts",
    "check_output_folder",
    "grouped_features",
    "is_report_folder",
    "write_report",
]


def __getattr__(name: str) -> Any:
    # framing.report.charts imports matplotlib: only on first use (the chart workers draw a report's
    # charts; the process that builds it need not import it)
    if name == "charts":
        import importlib

        return importlib.import_module("framing.report.charts")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
