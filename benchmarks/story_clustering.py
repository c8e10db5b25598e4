"""How well same-story clustering recovers BASIL's coded events (adjusted Rand index).

BASIL (``../shared/data/basil/articles.jsonl``) has 54 events, each covered by Fox News, The New York
Times and HuffPost (162 articles, 2010-2019). The events are split in two halves by the first byte of the
SHA-1 of the event id (even -> A, odd -> B, as in ``validation_halves.py``); the defaults of
:func:`framing.stories.cluster_stories` were chosen on half A only, half B was only ever scored. Each half
is clustered on its own.

    .venv/bin/python benchmarks/story_clustering.py [--grid] [--allsides]

Prints the ARI (sklearn's ``adjusted_rand_score`` of story ids vs event ids; 1 = the events exactly, about
0 = chance) per half with the default date window, and with dates ignored (``window_days=None``: the text
alone must separate the events, a harder test since most BASIL events are years apart). ``--grid`` also
prints half A's ARI over the thresholds and title weights that were tried; ``--allsides`` times the
clustering of the 4,000 AllSides articles (``allsides/dev.jsonl``). ``FRAMING_SHARED_DATA`` reads
the data from elsewhere (a git worktree has no ``../shared`` beside it).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import sys
import time
from pathlib import Path

import pandas as pd
from sklearn.metrics import adjusted_rand_score

from framing.stories import DEFAULT_THRESHOLD, DEFAULT_TITLE_WEIGHT, DEFAULT_WINDOW_DAYS, cluster_stories

SHARED = Path(os.environ.get("FRAMING_SHARED_DATA") or Path(__file__).resolve().parents[2] / "shared/data")
BASIL = SHARED / "basil" / "articles.jsonl"


def half_of(event: str) -> str:
    """``A`` (the inspected half) or ``B`` (the unseen half) for an event id."""
    return "A" if hashlib.sha1(str(event).encode()).digest()[0] % 2 == 0 else "B"


def basil_documents(path: Path = BASIL) -> pd.DataFrame:
    """BASIL's articles as a document table (doc_id, outlet, date, title, text, event, half)."""
    raw = pd.read_json(path, lines=True, dtype={"date": str})
    documents = raw.rename(columns={"id": "doc_id"})[["doc_id", "outlet", "date", "title", "text", "event"]]
    return documents.assign(half=documents["event"].map(half_of))


def ari(documents: pd.DataFrame, **options: object) -> float:
    """Adjusted Rand index of :func:`cluster_stories` on ``documents`` against their ``event``."""
    stories = cluster_stories(documents, **options)  # type: ignore[arg-type]
    return float(adjusted_rand_score(documents["event"], stories["story_id"]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grid", action="store_true", help="also print half A's ARI over the grid tried")
    parser.add_argument(
        "--allsides", action="store_true", help="also time the clustering of the 4,000 AllSides articles"
    )
    arguments = parser.parse_args()
    if not BASIL.exists():
        print(f"BASIL not found at {BASIL} (set FRAMING_SHARED_DATA)", file=sys.stderr)
        return 1
    documents = basil_documents()
    halves = {half: documents[documents["half"] == half] for half in "AB"}
    print(f"BASIL: {len(documents)} articles, {documents['event'].nunique()} events; "
          + ", ".join(f"half {h}: {d['event'].nunique()} events" for h, d in halves.items()))  # fmt: skip
    print(f"defaults: threshold {DEFAULT_THRESHOLD}, title_weight {DEFAULT_TITLE_WEIGHT}, "
          f"window_days {DEFAULT_WINDOW_DAYS}, average linkage")  # fmt: skip
    for label, options in [
        (f"window {DEFAULT_WINDOW_DAYS} days", {}),
        ("dates ignored", {"window_days": None}),
        ("dates ignored, single linkage", {"window_days": None, "linkage": "single"}),
    ]:
        scores = {h: ari(d, **options) for h, d in halves.items()}
        print(f"ARI {label:32s} A (inspected) {scores['A']:.3f}   B (unseen) {scores['B']:.3f}   "
              f"all {ari(documents, **options):.3f}")  # fmt: skip
    if arguments.grid:
        print("half A, dates ignored, average linkage: ARI by threshold (rows) and title_weight (columns)")
        weights = [0.0, 0.5, 1.0]
        print("threshold " + " ".join(f"{w:>6}" for w in weights))
        for threshold in [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5]:
            row = [ari(halves["A"], window_days=None, threshold=threshold, title_weight=w) for w in weights]
            print(f"{threshold:>9} " + " ".join(f"{v:6.3f}" for v in row))
    if arguments.allsides:
        allsides = pd.read_json(SHARED / "allsides" / "dev.jsonl", lines=True, dtype={"date": str})
        allsides = allsides.rename(columns={"id": "doc_id"})
        start = time.perf_counter()
        stories = cluster_stories(allsides)
        seconds = time.perf_counter() - start
        shared = stories.loc[stories["n_outlets"] >= 2, "story_id"].nunique()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6
        print(f"AllSides: {len(allsides)} articles -> {stories.attrs['stories']} stories, {shared} covered "
              f"by 2+ outlets; {seconds:.1f} s, peak RSS {peak:.0f} MB (whole process)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
