"""Validation figures on two fixed halves of each annotated dev file (the guard against overfitting).

Each file of ``../shared/data`` is split by the first byte of the SHA-1 of a group key (the article for
sentence files, so no article falls on both sides; the record id otherwise): even -> half A, odd -> B.
Lexicon errors were inspected on half A only; half B was only ever scored. If the lexicons had been
fitted to the inspected sentences, half B would lag behind half A.

    .venv/bin/python benchmarks/validation_halves.py [--resamples 1000]

Prints ROC AUC and F1 (score > 0) per half. ``FRAMING_SHARED_DATA=/path/to/shared/data`` reads the data from
elsewhere (a git worktree has no ``../shared`` beside it). The halves are written to a temporary folder,
never to the repository.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

import pandas as pd

from framing.validate import validate, validation_half

# the shared data folder next to the repository; FRAMING_SHARED_DATA points elsewhere (e.g. from a worktree)
SHARED = Path(os.environ.get("FRAMING_SHARED_DATA") or Path(__file__).resolve().parents[2] / "shared/data")
# name: (file, group key, cue, label)
ROWS = {
    "szeged uncertain": ("szeged_wiki/dev.jsonl", "title", "hedging", "uncertain"),
    "ptc loaded_language": ("ptc/sentences.jsonl", "article_id", "emotive", "loaded_language"),
    "ptc name_calling": ("ptc/sentences.jsonl", "article_id", "emotive", "name_calling"),
    "basil lexical_bias": ("basil/sentences.jsonl", "article_id", "emotive", "lexical_bias"),
    "narrative_frames emotive": ("narrative_frames/dev.jsonl", "id", "emotive", "emotive"),
    "babe biased": ("babe/dev.jsonl", "id", "emotive", "biased"),
    "mbic biased": ("mbic/dev.jsonl", "id", "emotive", "biased"),
}


def split(source: Path, key: str, folder: Path) -> dict[str, Path]:
    """Write the A and B halves of ``source`` into ``folder``; return their paths."""
    paths = {half: folder / f"{source.parent.name}-{source.stem}.{half}.jsonl" for half in "AB"}
    if all(p.exists() for p in paths.values()):
        return paths
    handles = {half: path.open("w", encoding="utf-8") for half, path in paths.items()}
    with source.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            half = validation_half(record[key])
            handles[half].write(line)
    for handle in handles.values():
        handle.close()
    return paths


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resamples", type=int, default=1000, help="bootstrap resamples per figure")
    args = parser.parse_args()
    if not SHARED.is_dir():
        print(f"annotated data not found at {SHARED}; nothing to validate", file=sys.stderr)
        return 2
    print(f"{'row':26} {'half':4} {'records':>8} {'AUC':>6} {'AUC 95% CI':>16} {'F1':>6}")
    with tempfile.TemporaryDirectory() as temporary:
        for name, (file, key, cue, label) in ROWS.items():
            halves = split(SHARED / file, key, Path(temporary))
            for half, path in halves.items():
                result = validate(path, cue=cue, label=label, n_resamples=args.resamples, seed=0)
                print(f"{name:26} {half:4} {_fmt(result.summary.iloc[0])}")
    return 0


def _fmt(row: pd.Series) -> str:
    return (
        f"{int(row['records']):>8} {row['roc_auc']:>6.3f} "
        f"[{row['auc_ci_low']:.3f}, {row['auc_ci_high']:.3f}] {row['f1']:>6.3f}"
    )


if __name__ == "__main__":
    sys.exit(main())
