"""Writing the report folder, atomically, and only where it is safe to write.

:func:`write_report` builds the whole folder beside the target and swaps it in with
:func:`framing.io.atomic.replace_folder` (a failed run leaves the previous report intact; leftovers of a
killed run are removed). A report replaces only a folder that is missing, empty, or a report written by
this toolkit (its ``metadata.json`` names ``framing``); any other folder is refused unless ``force=True``
(and even then a folder that is or contains the working folder or the home folder, or a file system root).
It never writes into its own input: an output folder that is, contains or lies inside the corpus folder
(or is the corpus file) is refused even with ``force``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from framing.corpus import Corpus, as_corpus, load_corpus
from framing.errors import OptionError
from framing.io.atomic import replace_folder
from framing.matcher import CueMatcher
from framing.report.analysis import Analysis, Progress, analyse
from framing.report.findings import Finding
from framing.report.render import chart_workers, drawing_charts, markdown, page
from framing.report.tables import ReportTables, as_report_tables
from framing.report.timing import timed_stages
from framing.supervised import TextModel

__all__ = ["Report", "build_report", "check_output_folder", "is_report_folder", "write_report"]

logger = logging.getLogger(__name__)


@dataclass
class Report:
    """A written report: its folder, the analysis it shows, and the files written (relative paths)."""

    path: Path
    analysis: Analysis
    files: list[str]

    @property
    def tables(self) -> ReportTables:
        return self.analysis.tables

    @property
    def findings(self) -> list[Finding]:
        return self.analysis.findings


def is_report_folder(folder: str | os.PathLike[str]) -> bool:
    """True if ``folder`` holds a report written by this toolkit (``metadata.json`` naming ``framing``)."""
    try:
        metadata = json.loads((Path(folder) / "metadata.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    toolkit = metadata.get("toolkit") if isinstance(metadata, dict) else None
    return isinstance(toolkit, dict) and toolkit.get("name") == "framing"


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_output_folder(
    target: str | os.PathLike[str], *, source: str | os.PathLike[str] | None = None, force: bool = False
) -> None:
    """Raise :class:`OptionError` unless a report may replace ``target`` (see the module docstring).

    ``source`` is the corpus folder or file the report is made from. With ``force`` a non-empty folder
    that is not a report is replaced, with a warning; writing into the input is refused even then.
    """
    target = Path(target)
    resolved = target.resolve()
    if source is not None:
        origin = Path(source).resolve()
        if _within(resolved, origin) or _within(origin, resolved):
            raise OptionError(
                f"{target}: the output folder would overwrite the input {source}; choose a folder outside it"
            )
    if not target.exists():
        return
    if not target.is_dir():
        raise OptionError(f"{target}: exists and is not a folder; choose another output folder")
    if is_report_folder(target) or not any(target.iterdir()):
        return
    if not force:
        raise OptionError(
            f"{target}: folder is not empty and holds no framing report; refusing to replace it "
            "(choose a new or empty folder, or pass --force to delete its contents)"
        )
    # even --force may not delete the folder the user works in, their home, or a file system root
    if resolved == Path(resolved.anchor) or any(
        _within(folder, resolved) for folder in (Path.cwd().resolve(), Path.home().resolve())
    ):
        raise OptionError(
            f"{target}: is or contains the working folder, the home folder or a file system root; "
            "--force will not delete it (choose a folder of its own for the report)"
        )
    logger.warning(
        "--force: replacing %s, which is not a framing report; everything in it is deleted", target
    )


def write_report(
    analysis: Analysis,
    out_dir: str | Path,
    *,
    force: bool = False,
    spreadsheet_escape: bool = True,
    progress: Progress | None = None,
    title: str | None = None,
    jobs: int = 1,
    chart_pool: Executor | None = None,
) -> Report:
    """Write ``analysis`` to ``out_dir`` atomically; return the :class:`Report`.

    Files: ``index.html``, ``report.md``, ``tables/*.csv``, ``figures/*.png|svg``, ``metadata.json``.
    With ``spreadsheet_escape`` (the default) text cells of the CSV tables that a spreadsheet would run as
    a formula (starting with ``= + - @``, tab or CR) get a leading ``'``; numbers are never changed.
    ``force``: replace a non-empty folder that is not a framing report (see :func:`check_output_folder`).
    ``title``: the heading of the page and of report.md (default: "Framing comparison: <corpus title>").
    ``jobs``: worker processes drawing the charts (the files are the same as with 1); with more than
    one, the tables, ``metadata.json`` and ``report.md`` are written while the charts are drawn (the
    progress steps: "charts" covers them, "writing" is the page). ``chart_pool``: the workers to draw
    them in with ``jobs > 1``, best started before the analysis (:func:`framing.report.chart_workers`:
    workers forked later carry a copy of its memory); it stays open. Default: workers started here.
    """
    if jobs < 1:
        raise OptionError(f"jobs must be at least 1, not {jobs}")
    with timed_stages(progress) as step:
        return _write_report(
            analysis, Path(out_dir), step, force=force, spreadsheet_escape=spreadsheet_escape, title=title,
            jobs=jobs, chart_pool=chart_pool,
        )  # fmt: skip


def _write_report(
    analysis: Analysis,
    target: Path,
    step: Progress,
    *,
    force: bool,
    spreadsheet_escape: bool,
    title: str | None = None,
    jobs: int = 1,
    chart_pool: Executor | None = None,
) -> Report:
    check_output_folder(target, source=analysis.corpus.source, force=force)
    files: list[str] = []

    def build(staging: Path) -> None:
        step("charts")
        (staging / "tables").mkdir()
        (staging / "figures").mkdir()
        # with workers drawing the charts, this process writes the tables, the metadata and report.md
        # meanwhile (the page inlines the figures: it waits for them)
        with drawing_charts(analysis, staging / "figures", jobs=jobs, pool=chart_pool) as captions:
            tables = as_report_tables(analysis.tables)
            for name in sorted(tables):  # a table kept on disk is copied a batch at a time
                tables.write_csv(name, staging / "tables" / f"{name}.csv", escape=spreadsheet_escape)
            # how the files were written belongs with them: a reader of a CSV must know about the ' prefix
            output = {"spreadsheet_escape": spreadsheet_escape, **({"title": title} if title else {})}
            metadata = {**analysis.metadata, "output": output}
            (staging / "metadata.json").write_text(
                json.dumps(metadata, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8"
            )
            (staging / "report.md").write_text(markdown(analysis, captions, title), encoding="utf-8")
        step("writing")
        the_page = page(analysis, captions, staging / "figures", title)
        (staging / "index.html").write_text(the_page, encoding="utf-8")
        files.extend(sorted(str(p.relative_to(staging)) for p in staging.rglob("*") if p.is_file()))

    try:
        replace_folder(target, build)
    except OSError as error:
        # the temporary folder is an implementation detail: name the folder the user asked for
        raise OSError(error.errno, error.strerror or str(error), str(target)) from error
    return Report(target, analysis, files)


def build_report(
    source: Corpus | pd.DataFrame | str | Path,
    out_dir: str | Path | None = None,
    *,
    by: str = "outlet",
    seed: int = 0,
    n_resamples: int = 2000,
    n_permutations: int = 2000,
    drop_duplicates: bool = False,
    min_documents: int = 2,
    max_groups: int | None = 12,
    force: bool = False,
    spreadsheet_escape: bool = True,
    progress: Progress | None = None,
    model: TextModel | str | Path | None = None,
    jobs: int = 1,
    title: str | None = None,
    across_languages: bool = False,
    matcher: CueMatcher | None = None,
    actors: Mapping[str, Sequence[str]] | None = None,
) -> Report:
    """Load (if given a path), analyse and write the report; ``out_dir`` defaults to ``reports/<name>``.

    Options as in :func:`framing.report.analyse` (``model``: the supervised measure's prevalence per
    group; ``jobs``: worker processes for loading a path, matching, the distinctive wording, the
    same-story clustering, the pairwise tests and the charts, with the same tables; ``matcher``: other
    lexicons; ``actors``: other actors) and :func:`write_report` (``title``: the page's heading).
    ``source`` may be a documents DataFrame with a ``text`` column.

    >>> build_report("corpora/crocus", seed=1)   # doctest: +SKIP
    """
    # the chart workers are started first, while this process is small (see chart_workers)
    with chart_workers(jobs) or contextlib.nullcontext() as chart_pool:
        path = isinstance(source, (str, os.PathLike))
        corpus = load_corpus(source, jobs=jobs) if path else as_corpus(source)
        folder = Path(out_dir) if out_dir is not None else Path("reports") / (corpus.name or "corpus")
        check_output_folder(folder, source=corpus.source, force=force)
        analysis = analyse(
            corpus,
            by=by,
            seed=seed,
            n_resamples=n_resamples,
            n_permutations=n_permutations,
            drop_duplicates=drop_duplicates,
            min_documents=min_documents,
            max_groups=max_groups,
            progress=progress,
            model=model,
            jobs=jobs,
            across_languages=across_languages,
            matcher=matcher,
            actors=actors,
            chart_pool=chart_pool,  # the charts are drawn while the analysis goes on
        )
        return write_report(
            analysis, folder, force=force, spreadsheet_escape=spreadsheet_escape, progress=progress,
            title=title, jobs=jobs, chart_pool=chart_pool,
        )  # fmt: skip
