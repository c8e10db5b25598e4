"""Who is blamed, per article: the blame profile against coders on both fixed halves of both dev files.

narrative_frames (gold: the villains) and BASIL articles (gold: targets of negative-polarity spans), each
split by :func:`framing.validate.validation_half` of the article id as for the emotive rows of
``validation_halves.py``: half A was inspected to set the decision rule, half B was only scored. Next to
the profile: the two baselines from the same actor list (every mentioned actor; the most-mentioned one).

    .venv/bin/python benchmarks/validation_blame.py [--resamples 1000]

``FRAMING_SHARED_DATA=/path/to/shared/data`` reads the data from elsewhere (a git worktree has no
``../shared`` beside it).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import pandas as pd

from framing.validate_blame import format_summary, validate_blame

SHARED = Path(os.environ.get("FRAMING_SHARED_DATA") or Path(__file__).resolve().parents[2] / "shared/data")
FILES = ("narrative_frames/dev.jsonl", "basil/articles.jsonl")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resamples", type=int, default=1000, help="bootstrap resamples per figure")
    args = parser.parse_args()
    if not SHARED.is_dir():
        print(f"annotated data not found at {SHARED}; nothing to validate", file=sys.stderr)
        return 2
    tables = [
        validate_blame(SHARED / file, half=half, n_resamples=args.resamples, seed=0).summary
        for file in FILES
        for half in ("A", "B")
    ]
    print(format_summary(pd.concat(tables, ignore_index=True)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
