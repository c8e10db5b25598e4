"""Memory of the report's example sentences and distinctive cue words over a matching pass.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_examples.py benchmarks/data/allsides-dev_x5d61.jsonl [--jobs 2]
        [--save OUT.pkl]

The corpus is loaded with its texts in a spool file, matched once as the report matches it (grouped by
outlet, the report's 12 largest outlets kept; no actors: the attributions play no part here), and the
freed heap returned to the system. Then the two steps that read every match row run as the report runs
them: the cue-term counts of each cue family (distinctive cue words) and
:func:`framing.report.examples.typical_examples` with the report's number of sentences per cell.

Measured (MB, 2**20 bytes), sampled every 0.01 s from this process: the resident set before the two
steps and its peak during them (the rise is what they add). ``--documents-per-block``: the documents
whose match rows are read together (default :data:`framing.report.examples.DOCUMENTS_PER_BLOCK`).

Seen (2 cores, shared machine; the 12 largest outlets): at 20,000 articles (282,535 match rows) +42 MB
with blocks of 5,000 documents, +21 MB with 1,000, +88 MB with 20,000 (one block; the whole-table
ranking before issue 8 added +85 MB); at 200,000 articles (2,825,350 match rows) +56 MB in 4.9 s,
against +716 MB in 7.8 s for the whole-table ranking, the same examples and counts.

``--save`` pickles the outputs (the count tables and the examples) so that two versions of the code
can be compared.

Nothing is asserted: the figures are printed, one per line.
"""

from __future__ import annotations

import argparse
import pickle
import threading
import time

import psutil

from framing._memory import return_freed_memory
from framing.corpus import load_corpus
from framing.features import match_documents
from framing.lexicon import CUE_FAMILIES
from framing.report import analysis, examples
from framing.report.interactive import evidence_cap


def _megabytes(n: int) -> float:
    return n / 2**20


class _Peak:
    """The largest resident set of this process seen while the block runs."""

    def __init__(self) -> None:
        self.process = psutil.Process()
        self.peak = 0
        self._stop = threading.Event()

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.process.memory_info().rss)
            time.sleep(0.01)

    def __enter__(self) -> _Peak:
        self.before = self.process.memory_info().rss
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.process.memory_info().rss)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--save", default=None)
    parser.add_argument("--documents-per-block", type=int, default=examples.DOCUMENTS_PER_BLOCK)
    options = parser.parse_args()
    corpus = load_corpus(options.corpus, spool=True, jobs=options.jobs)
    groups, _, _ = analysis._select_groups(corpus.documents, "outlet", 2, 12)
    documents = corpus.documents[corpus.documents["outlet"].isin(groups)].reset_index(drop=True)
    matched = match_documents(documents, by="outlet", attribute=False, jobs=options.jobs, spool=corpus.spool)
    return_freed_memory()
    cues = [c for c in CUE_FAMILIES if c in set(matched.matches["cue"].cat.categories)]
    cap = evidence_cap(len(groups), len(cues), at_least=3)
    print(f"match rows: {len(matched.matches):,}; groups: {len(groups)}; sentences per cell: {cap}")
    with _Peak() as peak:
        start = time.perf_counter()
        block = options.documents_per_block
        frequencies = examples.term_frequencies(matched, "outlet", documents_per_block=block)
        counts = {cue: frequencies.cue_term_counts(cue) for cue in cues}
        chosen = examples.typical_examples(
            matched, "outlet", groups, cues, cap, frequencies=frequencies, documents_per_block=block
        )
        seconds = time.perf_counter() - start
    print(f"rss before: {_megabytes(peak.before):.0f} MB")
    print(f"rss peak during: {_megabytes(peak.peak):.0f} MB (+{_megabytes(peak.peak - peak.before):.0f} MB)")
    print(f"seconds: {seconds:.1f}; examples: {len(chosen)}")
    if options.save:
        with open(options.save, "wb") as out:
            pickle.dump({"counts": counts, "examples": chosen}, out)


if __name__ == "__main__":
    main()
