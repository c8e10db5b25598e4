"""Time the report's "distinctive wording" stage (framing.compare.keyness) as the report calls it.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_keyness.py benchmarks/data/allsides-dev_x1.jsonl \
        --cache /tmp/keyness_x1.pkl [--jobs 2] [--save /tmp/keyness_tables.pkl]

The corpus is loaded with :func:`framing.load_corpus` once and the documents of the compared groups
(``--by``, at least 2 documents, the 12 largest: the report's defaults) are pickled to ``--cache``;
later runs read the pickle. Then ``word_tokens_of``, ``term_counts``, ``distinctive_terms`` and
``collocations`` run as :func:`framing.report.analysis.analyse` calls them (one language, top 10),
each timed in CPU seconds (``time.process_time``: the machine is shared, wall times are noisy). The
stage's extra peak memory is the process's peak RSS after the stage minus its RSS before it (MB).
A checksum of each table is printed; ``--save`` pickles the tables, ``--compare`` checks them against
an earlier ``--save`` (identical frames, dtypes included).
"""

from __future__ import annotations

import argparse
import hashlib
import resource
import sys
import time
from pathlib import Path

import pandas as pd

from framing import compare
from framing.compare.keyness import word_tokens_of


def _digest(table: pd.DataFrame) -> str:
    text = table.to_csv(index=False, lineterminator="\n", float_format="%.17g")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _documents(source: Path, cache: Path | None, by: str) -> pd.DataFrame:
    if cache is not None and cache.exists():
        return pd.read_pickle(cache)
    import framing
    from framing.report.analysis import _select_groups

    documents = framing.load_corpus(source).documents
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
    parser.add_argument("--save", type=Path, default=None, help="Pickle the tables here.")
    parser.add_argument("--compare", type=Path, default=None, help="Check the tables against this pickle.")
    args = parser.parse_args()
    documents = _documents(args.source, args.cache, args.by)
    texts, groups = documents["text"], documents[args.by]
    extra: dict[str, int] = {"jobs": args.jobs} if args.jobs != 1 else {}
    rss_before, peak_before = _rss_mb(), _peak_mb()
    times: dict[str, float] = {}
    peaks: dict[str, float] = {}
    children = _children_cpu()
    clock = time.process_time()
    wall = time.perf_counter()
    tokens = word_tokens_of(texts, **extra)
    times["word_tokens_of"] = time.process_time() - clock
    peaks["word_tokens_of"] = _peak_mb()
    clock = time.process_time()
    counts = compare.term_counts(texts, groups, tokens=tokens)
    times["term_counts"] = time.process_time() - clock
    peaks["term_counts"] = _peak_mb()
    clock = time.process_time()
    terms = compare.distinctive_terms(counts, top_n=10)
    times["distinctive_terms"] = time.process_time() - clock
    peaks["distinctive_terms"] = _peak_mb()
    clock = time.process_time()
    phrases = compare.collocations(texts, groups, top_n=10, tokens=tokens)
    times["collocations"] = time.process_time() - clock
    peaks["collocations"] = _peak_mb()
    wall = time.perf_counter() - wall
    children = _children_cpu() - children
    del tokens
    peak = _peak_mb()
    print(f"{len(documents):,} documents, {groups.nunique()} groups, {len(counts):,} term counts")
    for name, seconds in times.items():
        print(f"{name:>18}: {seconds:7.2f} s CPU (this process), peak RSS so far {peaks[name]:.0f} MB")
    print(
        f"{'stage':>18}: {sum(times.values()) + children:7.2f} s CPU ({children:.2f} s in worker processes), "
        f"{wall:.2f} s wall"
    )
    print(
        f"RSS before {rss_before:.0f} MB (peak {peak_before:.0f}), peak after {peak:.0f} MB: "
        f"extra {peak - rss_before:.0f} MB"
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
