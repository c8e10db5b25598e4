"""Memory of the report's matching pass (``framing.features.match_documents``) on a spooled corpus.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_matchpass.py benchmarks/data/allsides-dev_x5d61.jsonl [--jobs 2]
        [--in-memory]

The corpus is loaded with its texts in a spool file (``load_corpus(..., spool=True)``; ``--in-memory``:
a ``text`` column) in ``--jobs`` processes and the freed heap returned to the system, so the pass starts
from a process that holds the documents table without its texts. The pass then runs as the
report runs it: grouped by outlet, a fixed list of actors (US politics, so that the blame rules fire on
the AllSides articles), the blame profile, ``--jobs`` worker processes.

Measured (MB, 2**20 bytes), sampled every 0.05 s from this process:

* the resident set of this process before the pass, after it, and its peak during it (the rise over
  "before" is what the pass adds);
* the largest resident set of one worker process and the sum over the workers (forked workers count the
  pages they share with this process in each);
* the size of the files the pass wrote its per-row tables to (match, blame and profile rows: on disk,
  not in this process, :mod:`framing.spill`);
* the size of each table of the result (``memory_usage(deep=True)``), read back from disk one at a time,
  and the peak of this process while the match rows are read a block of 20,000 documents at a time
  (``MatchPass.match_blocks``).

Nothing is asserted: the figures are printed, one per line.
"""

from __future__ import annotations

import argparse
import threading
import time

import psutil

from framing._memory import return_freed_memory
from framing.corpus import load_corpus
from framing.features import match_documents

ACTORS = {
    "Trump": ["Donald Trump", "Trump"],
    "Biden": ["Joe Biden", "Biden"],
    "Democrats": ["Democrats"],
    "Republicans": ["Republicans", "GOP"],
    "Russia": ["Russia", "Kremlin"],
    "China": ["China", "Beijing"],
    "Obama": ["Barack Obama", "Obama"],
    "Clinton": ["Hillary Clinton", "Clinton"],
    "Pelosi": ["Pelosi"],
    "FBI": ["FBI"],
    "Congress": ["Congress"],
    "Putin": ["Putin"],
}

MB = 2**20


class Sampler:
    """Peak resident sets of this process and of its worker processes, sampled in a thread."""

    def __init__(self) -> None:
        self.process = psutil.Process()
        self.parent = self.process.memory_info().rss / MB
        self.worker = 0.0
        self.workers = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                sizes = [child.memory_info().rss / MB for child in self.process.children(recursive=True)]
            except psutil.Error:  # a worker exited between the listing and the reading
                sizes = []
            self.parent = max(self.parent, self.process.memory_info().rss / MB)
            self.worker = max([self.worker, *sizes])
            self.workers = max(self.workers, sum(sizes))
            time.sleep(0.05)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--in-memory", action="store_true", help="keep the texts in memory (no spool)")
    args = parser.parse_args()
    process = psutil.Process()
    started = time.perf_counter()
    corpus = load_corpus(args.corpus, jobs=args.jobs, spool=not args.in_memory)
    print(f"loaded {len(corpus)} documents in {time.perf_counter() - started:.0f} s", flush=True)
    documents, spool = corpus.documents, corpus.spool
    del corpus
    return_freed_memory()
    before = process.memory_info().rss / MB
    print(f"documents table {documents.memory_usage(deep=True).sum() / MB:.0f} MB", flush=True)
    started = time.perf_counter()
    with Sampler() as sampled:
        found = match_documents(
            documents, spool=spool, by="outlet", actors=ACTORS, profile=True, jobs=args.jobs
        )
    elapsed = time.perf_counter() - started
    after = process.memory_info().rss / MB
    print(f"pass: {elapsed:.0f} s wall, jobs={args.jobs}, {'in memory' if args.in_memory else 'spooled'}")
    print(
        f"this process: before {before:.0f} MB, after {after:.0f} MB, peak {sampled.parent:.0f} MB "
        f"(+{sampled.parent - before:.0f} MB)"
    )
    print(f"workers: largest {sampled.worker:.0f} MB, sum {sampled.workers:.0f} MB")
    print(f"spilled to disk: {found.spilled_bytes() / MB:.1f} MB")
    held = process.memory_info().rss / MB
    with Sampler() as sampled:
        rows = sum(len(block) for block in found.match_blocks())
    print(f"match_blocks: {rows} rows, peak {sampled.parent:.0f} MB (+{sampled.parent - held:.0f} MB)")
    for name in ("features", "matches", "attributions", "profile"):
        table = getattr(found, name)
        print(f"{name}: {len(table)} rows, {table.memory_usage(deep=True).sum() / MB:.1f} MB")
        del table


if __name__ == "__main__":
    main()
