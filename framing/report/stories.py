"""The report's section "Within-story comparison": the stories found and the groups compared within them.

:func:`story_tables` clusters the analysed documents into stories (:func:`framing.stories.cluster_stories`,
default threshold and date window) and compares the compared groups within the stories they share
(:func:`framing.compare.within_story`, :func:`framing.compare.story_fixed_effects`). The section shows the
stories covered by two or more outlets and the within-story differences with the lowest q-values; every
row is in ``tables/stories.csv``, ``tables/within_story.csv`` and ``tables/story_effects.csv``.
"""

from __future__ import annotations

import copy
import html
import os
import pickle
import tempfile
import weakref
from collections.abc import Callable, Hashable
from pathlib import Path

import pandas as pd

from framing.compare import story_fixed_effects, within_story
from framing.spool import TEXT_REF, TextSpool
from framing.stories import DEFAULT_THRESHOLD, DEFAULT_WINDOW_DAYS, cluster_stories, story_table

__all__ = [
    "CLUSTER_COLUMNS",
    "STORY_TABLES",
    "BackgroundStories",
    "story_note",
    "story_section_html",
    "story_section_markdown",
    "story_tables",
]

#: The tables this section adds to ``Analysis.tables``.
STORY_TABLES = ("stories", "within_story", "story_effects")
#: Rows shown in the page and report.md (all rows are in the CSV files).
SHOWN_ROWS = 15
_STORY_COLUMNS = ["story_id", "documents", "n_outlets", "first_date", "outlets", "story_title"]
_WITHIN_COLUMNS = ["cue", "group_a", "group_b", "stories", "mean_rate_a", "mean_rate_b", "difference",
                   "ci_low", "ci_high", "q_value", "overall_difference"]  # fmt: skip


def story_tables(
    documents: pd.DataFrame,
    features: pd.DataFrame,
    *,
    by: str,
    groups: list[Hashable],
    cues: list[str],
    seed: int,
    n_resamples: int,
    n_permutations: int,
    stories: pd.DataFrame | None = None,
    spool: TextSpool | None = None,
) -> dict[str, pd.DataFrame]:
    """``stories`` (one row per story), ``within_story`` and ``story_effects`` for the compared groups.

    ``stories`` is :func:`framing.stories.cluster_stories` of ``documents`` when already computed; a
    spooled ``documents`` table (``text_ref``) has its texts read from ``spool``.
    """
    stories = cluster_stories(documents, spool=spool) if stories is None else stories
    options = {"cue": cues, "by": by, "order": groups, "seed": seed, "n_resamples": n_resamples}
    within = within_story(features, stories, n_permutations=n_permutations, **options)
    return {
        "stories": story_table(stories, documents),
        "within_story": within,
        "story_effects": story_fixed_effects(features, stories, **options),
    }


#: The document columns story clustering reads (the rest stays out of the worker process).
CLUSTER_COLUMNS = ("doc_id", "text", TEXT_REF, "title", "date", "outlet", "duplicate_of")


def _cluster_tables(tables: dict[Hashable, pd.DataFrame], spool: TextSpool | None, path: Path) -> None:
    """The stories of each table, pickled to ``path`` (read back by :meth:`BackgroundStories.get` once
    this call has returned: a worker that fails gives its error, not a partial file)."""
    found = {key: cluster_stories(table, spool=spool) for key, table in tables.items()}
    with open(path, "wb") as out:
        pickle.dump(found, out, protocol=pickle.HIGHEST_PROTOCOL)


class BackgroundStories:
    """:func:`framing.stories.cluster_stories` of some document tables, computed in one worker process
    while the report goes on with its other stages (``get`` waits for the results).

    Clustering reads only the texts, so on a machine with a core to spare its cost overlaps the
    statistics that run before the same-story section. Where processes start by forking (Linux) the
    worker reads the tables from memory it shares with this process
    (:class:`framing.parallel.BackgroundCall`); elsewhere they are pickled to it. Spooled tables
    (``text_ref``) have their texts read from ``spool`` by the worker, a block at a time. ``close``
    stops the worker.
    """

    def __init__(self, tables: dict[Hashable, pd.DataFrame], spool: TextSpool | None = None) -> None:
        from framing.parallel import BackgroundCall

        inputs = {key: table[[c for c in CLUSTER_COLUMNS if c in table]] for key, table in tables.items()}
        # the worker's own copy of the spool (its path and offsets): only this process's object deletes
        # the file when collected, never an object of the worker's
        spool = None if spool is None else copy.copy(spool)
        # The results wait in a file, not in this process: a result returned by the worker is unpickled
        # here as soon as it is done, and was held through the stages before the same-story section (a
        # row per document: ~17 MB at 200,000 articles)
        handle, name = tempfile.mkstemp(prefix="framing-stories-", suffix=".pickle")
        os.close(handle)
        self._path = Path(name)
        # deleted when read, when closed, or (as framing.report.tables.SpilledFrame) when collected
        self._remove = weakref.finalize(self, self._path.unlink, missing_ok=True)
        self._call = BackgroundCall(_cluster_tables, inputs, spool, self._path)
        self._results: dict[Hashable, pd.DataFrame] | None = None

    def get(self, key: Hashable) -> pd.DataFrame | None:
        """The stories of the table ``key`` (None when it was not submitted)."""
        if self._results is None:
            self._call.result()  # the worker's exception, if any, is raised here
            with open(self._path, "rb") as stored:
                self._results = pickle.load(stored)
            self._remove()
        return self._results.get(key)

    def close(self) -> None:
        """Stop the worker and let its results go (``get`` answers None after this)."""
        self._call.close()
        self._results = {}
        self._remove()

    def __enter__(self) -> BackgroundStories:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def story_note(tables: dict[str, pd.DataFrame], by: str) -> str:
    """The section's explanation: method, coverage, and how to read ``difference`` against the overall one."""
    stories = tables["stories"]
    within = tables["within_story"]
    shared = int((stories["n_outlets"] >= 2).sum())
    pairs = within.drop_duplicates(["group_a", "group_b"])
    compared = int((pairs["stories"] > 0).sum())
    groups = by.replace("_", " ")
    return (
        f"Articles about the same story were grouped by the similarity of their wording (TF-IDF cosine, "
        f"average linkage at {DEFAULT_THRESHOLD}, documents at most {DEFAULT_WINDOW_DAYS} days apart): "
        f"{len(stories)} stories, {shared} of them covered by two or more outlets. Within the stories two "
        f"{groups}s both covered, 'difference' is the mean over those stories of the difference of their "
        f"mean cue rates (per 1,000 tokens), with a 95% bootstrap interval over stories and a sign-flip "
        f"test (with fewer than six shared stories no p-value can fall below 0.05: the smallest is 2 / 2^n); "
        f"'overall difference' ignores the stories. A difference that shrinks within stories came "
        f"from the choice of stories, not from how they were told. {compared} of {len(pairs)} pairs of "
        f"{groups}s share at least one story; {groups}s whose wording differs most from the others may "
        f"share none and are then not compared here."
    )


def _shown_stories(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    stories = tables["stories"]
    shown = stories[stories["n_outlets"] >= 2].sort_values(["n_outlets", "documents", "story_id"],
                                                           ascending=[False, False, True])  # fmt: skip
    return shown[_STORY_COLUMNS].head(SHOWN_ROWS)


def _shown_within(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    within = tables["within_story"]
    shown = within[within["stories"] >= 2].sort_values(["q_value", "p_value", "cue"], kind="mergesort")
    return shown[_WITHIN_COLUMNS].head(SHOWN_ROWS)


def story_section_markdown(
    tables: dict[str, pd.DataFrame], by: str, markdown_table: Callable[[pd.DataFrame], str], escape: Callable
) -> str:
    """The report.md section "Within-story comparison"."""
    return "\n".join(
        [
            "## Within-story comparison",
            "",
            escape(story_note(tables, by)),
            "",
            f"### Stories covered by two or more outlets (at most {SHOWN_ROWS}; all in tables/stories.csv)",
            "",
            markdown_table(_shown_stories(tables)),
            "",
            f"### Within-story differences, lowest q-values first (pairs sharing 2+ stories; at most "
            f"{SHOWN_ROWS}; all in tables/within_story.csv)",
            "",
            markdown_table(_shown_within(tables)),
            "",
        ]
    )


def story_section_html(
    tables: dict[str, pd.DataFrame], by: str, html_table: Callable[[pd.DataFrame], str]
) -> str:
    """The page's section "Within-story comparison" (closes the section before it, as the model's does)."""
    return (
        '</details><details class="section" id="within-story" open>'
        "<summary><h2>Within-story comparison</h2></summary>"
        f'<p class="note">{html.escape(story_note(tables, by))}</p>'
        f"<h3>Stories covered by two or more outlets</h3>{html_table(_shown_stories(tables))}"
        '<p><a href="tables/stories.csv">stories.csv</a> (every story, with its documents)</p>'
        "<h3>Within-story differences, lowest q-values first</h3>"
        f"{html_table(_shown_within(tables))}"
        '<p><a href="tables/within_story.csv">within_story.csv</a>; story-demeaned rates per '
        f'{html.escape(by.replace("_", " "))}: <a href="tables/story_effects.csv">story_effects.csv</a></p>'
    )
