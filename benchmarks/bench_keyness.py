"""Time the report's "distinctive wording" stage (framing.compare.keyness) as the report calls it.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_keyness.py benchmarks/data/allsides-dev_x1.jsonl \
        --cache /tmp/keyness_x1.pkl [--jobs 2] [--tokens] [--spooled] [--save /tmp/keyness_tables.pkl]

The corpus is loaded with :func:`framing.load_corpus` once (in ``--jobs`` processes) and the documents
of the compared groups (``--by``, at least 2 documents, the 12 largest: the report's defaults) are
pickled to ``--cache``; later runs read the pickle. Then the stage runs as
:func:`framing.report.analysis.analyse` calls it
(one language, top 10): ``wording_counts`` (the texts read a block at a time; ``--spooled`` first moves
them to a spool file, as a spooled corpus holds them), then ``term_counts()``, ``distinctive_terms``
and ``collocations()``; with ``--tokens`` the way the report did it before issue 8:
``word_tokens_of``, ``term_counts(tokens=)``, ``distinctive_terms``, ``collocations(tokens=)``. Each
call is timed in CPU seconds (``time.process_time``: the machine is shared, wall times are noisy).
The stage's extra memory is the largest resident set (sampled from ``/proc`` every 10 ms) of this
process during the stage minus its resident set before it (after ``malloc_trim``), and the largest
worker process's resident set (``--jobs 2``; a forked worker counts the pages it shares with this one).
A checksum of each table is printed; ``--save`` pickles the tables, ``--compare`` checks them against
an earlier ``--save`` (identical frames, dtypes included).
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import os
import resource
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd

from framing import compare
from framing._memory import return_freed_memory
from framing.compare.keyness import word_tokens_of
from framing.spool import TEXT_REF, DocumentTexts, spool_texts


def _digest(table: pd.DataFrame) -> str:
    text = table.to_csv(index=False, lineterminator="\n", float_format="%.17g")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def _statm_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/statm") as statm:
            return int(statm.read().split()[1]) * resource.getpagesize() / 2**20
    except (FileNotFoundError, ProcessLookupError):
        return 0.0


def _children(pid: int) -> list[int]:
    found = []
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/children") as children:
                found += [int(c) for c in children.read().split()]
        except FileNotFoundError:
            continue
    return found


class _Sampler(threading.Thread):
    """The largest resident sets of this process and of any of its children, every 10 ms (MB)."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.own = self.worker = 0.0
        self.stop = threading.Event()

    def run(self) -> None:
        pid = os.getpid()
        while not self.stop.wait(0.01):
            self.own = max(self.own, _statm_mb(pid))
            for child in _children(pid):
                self.worker = max(self.worker, _statm_mb(child))


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _documents(source: Path, cache: Path | None, by: str, jobs: int) -> pd.DataFrame:
    if cache is not None and cache.exists():
        return pd.read_pickle(cache)
    import framing
    from framing.report.analysis import _select_groups

    documents = framing.load_corpus(source, jobs=jobs).documents
    groups, _, _ = _select_groups(documents, by, 2, 12)
    documents = documents[documents[by].isin(groups)].reset_index(drop=True)[["doc_id", by, "text"]]
    if cache is not None:
        pd.to_pickle(documents, cache)
    return documents


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("--cache", type=Path, default=None, help="Pickle of the compared documents.")
    parser.add_argument("--by", default="outlet")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--tokens", action="store_true", help="The stage as before issue 8.")
    parser.add_argument("--spooled", action="store_true", help="Read the texts from a spool file.")
    parser.add_argument("--save", type=Path, default=None, help="Pickle the tables here.")
    parser.add_argument("--compare", type=Path, default=None, help="Check the tables against this pickle.")
    args = parser.parse_args()
    documents = _documents(args.source, args.cache, args.by, args.jobs)
    groups = documents[args.by]
    if args.spooled:
        spool = spool_texts(documents["text"])
        documents = documents.drop(columns="text").assign(**{TEXT_REF: np.arange(len(documents))})
    else:
        spool = None
    texts = DocumentTexts(documents, spool)
    gc.collect()
    return_freed_memory()
    extra: dict[str, int] = {"jobs": args.jobs} if args.jobs != 1 else {}
    rss_before = _rss_mb()
    times: dict[str, float] = {}
    sampler = _Sampler()
    sampler.start()
    children = _children_cpu()
    wall = time.perf_counter()

    def timed(name: str, call, *a, **k):  # type: ignore[no-untyped-def]
        clock = time.process_time()
        result = call(*a, **k)
        times[name] = time.process_time() - clock
        return result

    if args.tokens:
        column = documents["text"]
        tokens = timed("word_tokens_of", word_tokens_of, column, **extra)
        counts = timed("term_counts", compare.term_counts, column, groups, tokens=tokens)
        terms = timed("distinctive_terms", compare.distinctive_terms, counts, top_n=10)
        phrases = timed("collocations", compare.collocations, column, groups, top_n=10, tokens=tokens)
        del tokens
    else:
        counted = timed("wording_counts", compare.wording_counts, texts, groups, **extra)
        counts = timed("term_counts", counted.term_counts)
        terms = timed("distinctive_terms", compare.distinctive_terms, counts, top_n=10)
        phrases = timed("collocations", counted.collocations, top_n=10)
        sizes = [counted.word_keys, counted.word_counts, counted.pair_keys, counted.pair_counts]
        print(
            f"WordingCounts: {len(counted.vocabulary):,} words, {len(counted.word_keys):,} (group, word), "
            f"{len(counted.pair_keys):,} (group, bigram): {sum(a.nbytes for a in sizes) / 2**20:.0f} MB"
        )
        del counted
    wall = time.perf_counter() - wall
    children = _children_cpu() - children
    sampler.stop.set()
    sampler.join()
    mode = "word_tokens_of (before issue 8)" if args.tokens else "wording_counts"
    print(f"{len(documents):,} documents, {groups.nunique()} groups, {len(counts):,} term counts; {mode}")
    print(f"texts {'spooled' if spool is not None else 'in memory'}, jobs={args.jobs}")
    for name, seconds in times.items():
        print(f"{name:>18}: {seconds:7.2f} s CPU (this process)")
    print(
        f"{'stage':>18}: {sum(times.values()) + children:7.2f} s CPU ({children:.2f} s in worker processes), "
        f"{wall:.2f} s wall"
    )
    print(
        f"RSS before {rss_before:.0f} MB, largest during the stage {sampler.own:.0f} MB: "
        f"extra {sampler.own - rss_before:.0f} MB; largest worker {sampler.worker:.0f} MB"
    )
    tables = {"term_counts": counts, "distinctive_terms": terms, "phrases": phrases}
    for name, table in tables.items():
        print(f"{name:>18}: {len(table):>8,} rows, digest {_digest(table)}")
    if args.save is not None:
        pd.to_pickle(tables, args.save)
    if args.compare is not None:
        earlier = pd.read_pickle(args.compare)
        for name, table in tables.items():
            pd.testing.assert_frame_equal(table, earlier[name], check_exact=True)
            if table.attrs != earlier[name].attrs:
                sys.exit(f"{name}: attrs differ")
        print("identical to", args.compare)


if __name__ == "__main__":
    main()
