"""Time the comparison statistics of :mod:`framing.compare` on a real corpus.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_compare.py [--source ../shared/data/allsides/dev.jsonl] [--repeat 1]

The features of the AllSides development set (4,000 articles) are extracted once (not timed); then
``outlet_summary``, ``omnibus_tests``, ``pairwise_contrasts``, ``group_vs_rest``, ``term_counts`` and
``distinctive_terms`` are timed (wall seconds, best of ``--repeat``) on every outlet with at least
``--min-documents`` documents, with the report's defaults (2,000 resamples / permutations, seed 0).
A checksum of each result is printed, and ``--save DIR`` writes each result as CSV, so that two
versions of the code can be compared for identical numbers. ``--cache FILE`` keeps the extracted
features in a pickle (written on the first run) so that repeated runs skip the extraction.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path

import pandas as pd

import framing
from framing import compare

DEFAULT_SOURCE = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "allsides" / "dev.jsonl"


def _digest(table: pd.DataFrame) -> str:
    text = table.to_csv(index=False, lineterminator="\n", float_format="%.12g")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--min-documents", type=int, default=2)
    parser.add_argument("--only", nargs="*", default=None, help="Time only these steps.")
    parser.add_argument(
        "--cache", type=Path, default=None, help="Pickle of the documents and features (written if absent)."
    )
    parser.add_argument("--save", type=Path, default=None, help="Write every result as CSV into this folder.")
    args = parser.parse_args()
    if args.cache is not None and args.cache.exists():
        documents, features = pd.read_pickle(args.cache)
    else:
        if not args.source.exists():
            sys.exit(f"{args.source} is absent: this benchmark needs the shared AllSides development set")
        documents = framing.load_corpus(args.source).documents
        sizes = documents["outlet"].value_counts()
        documents = documents[documents["outlet"].isin(sizes[sizes >= args.min_documents].index)]
        documents = documents.reset_index(drop=True)
        features = framing.extract(documents)
        if args.cache is not None:
            pd.to_pickle((documents, features), args.cache)
    groups = sorted(documents["outlet"].unique())
    cues = ["blame", "certainty", "emotive", "hedging"]
    cues = [c for c in cues if f"{c}_rate" in features.columns]
    options = {"cues": cues, "order": groups, "seed": 0}
    print(f"{len(documents)} documents, {len(groups)} outlets with >= {args.min_documents} documents")
    counts_holder: dict[str, pd.DataFrame] = {}

    def term_counts() -> pd.DataFrame:
        counts_holder["counts"] = compare.term_counts(documents["text"], documents["outlet"])
        return counts_holder["counts"]

    steps = {
        "outlet_summary": lambda: compare.outlet_summary(features, n_resamples=2000, **options),
        "omnibus_tests": lambda: compare.omnibus_tests(features, cues=cues, order=groups),
        "pairwise_contrasts": lambda: compare.pairwise_contrasts(features, n_permutations=2000, **options),
        "group_vs_rest": lambda: compare.group_vs_rest(features, n_permutations=2000, **options),
        "term_counts": term_counts,
        "distinctive_terms": lambda: compare.distinctive_terms(counts_holder["counts"], top_n=10),
    }
    for name, step in steps.items():
        if (
            args.only
            and name not in args.only
            and not (name == "term_counts" and "distinctive_terms" in args.only)
        ):
            continue
        best = float("inf")
        for _ in range(args.repeat):
            start = time.perf_counter()
            result = step()
            best = min(best, time.perf_counter() - start)
        print(f"{name:<20} {best:8.2f} s  rows {len(result):>8}  sha {_digest(result)}", flush=True)
        if args.save is not None:
            args.save.mkdir(parents=True, exist_ok=True)
            result.to_csv(args.save / f"{name}.csv", index=False, lineterminator="\n")


if __name__ == "__main__":
    main()
