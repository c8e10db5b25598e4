"""Time the report's example-sentence step on a large corpus: the vectorised selection against the loop.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_report_examples.py [--copies 5] [--repeat 3]

The input is the AllSides development set (``../shared/data/allsides/dev.jsonl``, 4,000 articles)
repeated ``--copies`` times (5: 20,000 articles; copies get unique ids), grouped by outlet. The corpus
is matched once (:func:`framing.features.match_documents`, not timed); then the example step of the
report is timed, as medians over ``--repeat`` runs:

* ``loop``: the selection as the report did it before (one pandas groupby per group and cue, a Python
  loop over every sentence), over a match table with a column holding every sentence;
* ``vectorised``: :func:`framing.report.examples.typical_examples` over the compact match table.

The two must choose the same sentences with the same spans and terms; the script checks it and exits
with status 1 if they differ.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Hashable
from pathlib import Path

import pandas as pd

from framing.features import build_matcher, match_documents
from framing.lexicon import CUE_FAMILIES
from framing.report.examples import typical_examples
from framing.report.findings import Example

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT.parent / "shared" / "data" / "allsides" / "dev.jsonl"
_LONG_SENTENCE = 400


def loop_examples(
    matches: pd.DataFrame, by: str, groups: list[Hashable], cues: list[str], per_cue: int
) -> list[Example]:
    """The selection before the vectorised rewrite (framing 0.1.0 report._typical_examples), for reference."""
    examples: list[Example] = []
    positive = matches[~matches["negated"]]
    for group in groups:
        for cue in cues:
            subset = positive[(positive[by] == group) & (positive["cue"] == cue)]
            if subset.empty:
                continue
            share = subset["term"].value_counts(normalize=True)
            scored = []
            for (doc_id, sentence_id), rows in subset.groupby(["doc_id", "sentence_id"], sort=True):
                sentence = rows["sentence"].iloc[0]
                score = float(share[rows["term"].unique()].sum())
                scored.append(
                    (len(sentence) > _LONG_SENTENCE, -score, len(sentence), doc_id, sentence_id, rows)
                )
            scored.sort(key=lambda item: item[:5])
            used: set[str] = set()
            for *_, doc_id, sentence_id, rows in scored:
                if doc_id in used:
                    continue
                used.add(doc_id)
                offset = int(rows["sentence_start"].iloc[0])
                spans = sorted(
                    (int(s) - offset, int(e) - offset)
                    for s, e in zip(rows["start"], rows["end"], strict=True)
                )
                terms = ", ".join(dict.fromkeys(rows["term"]))
                examples.append(
                    Example(group, cue, doc_id, int(sentence_id), rows["sentence"].iloc[0], spans, terms)
                )
                if len(used) >= per_cue:
                    break
    return examples


def _corpus(source: Path, copies: int) -> pd.DataFrame:
    records = [json.loads(line) for line in source.open(encoding="utf-8")]
    rows = []
    for copy in range(copies):
        for record in records:
            rows.append(
                {"doc_id": record["id"] + (f"~{copy}" if copy else ""), "outlet": record.get("outlet") or
                 record.get("source") or "unknown", "text": record["text"]}
            )  # fmt: skip
    return pd.DataFrame(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--max-groups", type=int, default=12)
    parser.add_argument("--source", type=Path, default=SOURCE, help="JSONL corpus to repeat")
    options = parser.parse_args()
    if not options.source.is_file():
        print(f"{options.source} is absent: nothing to measure", file=sys.stderr)
        return 2
    documents = _corpus(options.source, options.copies)
    sizes = documents["outlet"].value_counts()
    groups = sorted(sizes.index[: options.max_groups])
    documents = documents[documents["outlet"].isin(groups)].reset_index(drop=True)
    matcher = build_matcher()
    cues = [c for c in CUE_FAMILIES if c in matcher.families]
    start = time.perf_counter()
    matched = match_documents(documents, by="outlet", matcher=matcher, attribute=False)
    matching = time.perf_counter() - start
    wide = matched.matches.assign(
        doc_id=matched.matches["doc_id"].astype(str),
        outlet=matched.matches["outlet"].astype(object),
        cue=matched.matches["cue"].astype(str),
        term=matched.matches["term"].astype(str),
        sentence=matched.sentences(matched.matches),
    )
    timings: dict[str, list[float]] = {"loop": [], "vectorised": []}
    results = {}
    for _ in range(options.repeat):
        for name, run in (
            ("loop", lambda: loop_examples(wide, "outlet", groups, cues, 3)),
            ("vectorised", lambda: typical_examples(matched, "outlet", groups, cues, 3)),
        ):
            start = time.perf_counter()
            results[name] = run()
            timings[name].append(time.perf_counter() - start)
    print(
        f"{len(documents)} documents, {len(groups)} outlets, {len(matched.matches)} matches "
        f"(matching {matching:.1f} s, not timed below)"
    )
    for name, values in timings.items():
        print(f"{name:>10}: median {statistics.median(values):.2f} s over {len(values)} runs")
    same = results["loop"] == results["vectorised"]
    print("same examples:", same, f"({len(results['vectorised'])} sentences)")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
