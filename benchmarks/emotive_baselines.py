"""Emotive scores against a general emotion word list, on the two fixed halves of each annotated dev file.

For every emotive row of ``validation_halves.py`` (same files, labels and A/B split by a hash of the
article id) this prints ROC AUC, F1 of "score > 0" and the best F1 over thresholds of

* the emotive family's candidate scores: ``weighted`` (sum of intensity weights, the validation default),
  ``count`` (matches), ``rate`` (matches per 1,000 tokens) and ``wrate`` (weights per 1,000 tokens), and
  the diagnostic ``wlen`` (weights plus tokens / 10,000: equal scores ranked by length; not a cue measure,
  and its F1 at score > 0 is that of flagging every record);
* the NRC-style baseline of ``../shared/data/README.md``: the number of word tokens (lowercased, not
  lemmatised) carrying one of NRC EmoLex's 8 emotions. It is computed only when the research-licensed
  ``nrclex`` package (4.1.0) is importable; the lexicon is never copied into the repository.

    .venv/bin/python benchmarks/emotive_baselines.py [--lexicon emotive.tsv] [--half A|B] [--terms]

``--lexicon`` scores a candidate emotive lexicon in place of the built-in one (same ``# name: emotive``).
``--terms`` prints, on half A only (the inspected half), each emotive term's matches and the share of them
in positive records of PTC loaded language / name calling and BASIL lexical bias: the evidence used to
reject a candidate group. Half B is only ever scored.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd

from framing.features import build_matcher, extract
from framing.validate import _as_label, agreement

# the shared data folder next to the repository; FRAMING_SHARED_DATA points elsewhere (e.g. from a worktree)
SHARED = Path(os.environ.get("FRAMING_SHARED_DATA") or Path(__file__).resolve().parents[2] / "shared/data")
# name: (file, group key, label)
ROWS = {
    "ptc loaded_language": ("ptc/sentences.jsonl", "article_id", "loaded_language"),
    "ptc name_calling": ("ptc/sentences.jsonl", "article_id", "name_calling"),
    "basil lexical_bias": ("basil/sentences.jsonl", "article_id", "lexical_bias"),
    "narrative_frames emotive": ("narrative_frames/dev.jsonl", "id", "emotive"),
    "babe biased": ("babe/dev.jsonl", "id", "biased"),
    "mbic biased": ("mbic/dev.jsonl", "id", "biased"),
}
SCORES = ("weighted", "count", "rate", "wrate", "wlen")
_WORD = re.compile(r"[a-z]+(?:['-][a-z]+)*")


def half_of(key: object) -> str:
    """``A`` (inspected) or ``B`` (unseen): the parity of the first byte of the key's SHA-1."""
    return "A" if hashlib.sha1(str(key).encode()).digest()[0] % 2 == 0 else "B"


def nrc_counter():
    """A function counting NRC emotion tokens in a text, or None when nrclex is not installed."""
    try:
        from nrclex.core import _load_bundled_lexicon
    except ImportError:
        return None
    emotions = {"fear", "anger", "anticipation", "trust", "surprise", "sadness", "disgust", "joy"}
    lexicon = {w for w, affects in _load_bundled_lexicon().items() if emotions & set(affects)}
    return lambda text: sum(t in lexicon for t in _WORD.findall(text.lower()))


def scored(file: str, key: str, matcher) -> pd.DataFrame:
    """One row per record: its half, every candidate score, the NRC count, and the gold columns."""
    documents = pd.read_json(SHARED / file, lines=True, dtype=False)
    documents["doc_id"] = documents["id"].astype(str)
    table = extract(documents[["doc_id", "text"]], matcher=matcher).set_index("doc_id")
    per_thousand = np.where(table["tokens"] > 0, 1000.0 / table["tokens"].clip(lower=1), 0.0)
    frame = documents.set_index("doc_id")
    frame["half"] = frame[key].map(half_of)
    frame["weighted"] = table["emotive_weighted"]
    frame["count"] = table["emotive_count"]
    frame["rate"] = table["emotive_rate"]
    frame["wrate"] = table["emotive_weighted"] * per_thousand
    # diagnostic only: ties (mostly score 0) broken by length; shows how much of a baseline's AUC is length
    frame["wlen"] = table["emotive_weighted"] + table["tokens"] / 10_000
    counter = nrc_counter()
    if counter is not None:
        frame["nrc"] = frame["text"].map(counter)
    return frame


def term_report(frame: pd.DataFrame, labels: list[str], matcher) -> None:
    """Per emotive term on half A: matches, and the share of matching records that are positive."""
    half = frame[frame["half"] == "A"]
    stats: dict[str, list[int]] = defaultdict(lambda: [0] * (1 + len(labels)))
    gold = {lab: half[lab].map(_as_label).to_numpy() for lab in labels}
    for position, text in enumerate(half["text"]):
        for match in matcher.match(text).matches:
            if match.entry.category != "emotive" or match.negated:
                continue
            row = stats[match.entry.term]
            row[0] += 1
            for i, lab in enumerate(labels):
                row[1 + i] += bool(gold[lab][position])
    base = "  ".join(f"{lab}={np.nanmean([v for v in gold[lab] if v is not None]):.3f}" for lab in labels)
    print(f"# half A base rates: {base}")
    for term, row in sorted(stats.items(), key=lambda kv: -kv[1][0]):
        shares = " ".join(f"{r / row[0]:.2f}" for r in row[1:])
        print(f"{term:30} {row[0]:5} {shares}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lexicon", type=Path, help="a candidate emotive lexicon replacing the built-in one")
    parser.add_argument("--half", choices=["A", "B"], help="only this half")
    parser.add_argument("--rows", nargs="*", help="only these rows (prefix match)")
    parser.add_argument("--terms", action="store_true", help="per-term evidence on half A (inspected)")
    args = parser.parse_args()
    if not SHARED.is_dir():
        print(f"annotated data not found at {SHARED}; nothing to measure", file=sys.stderr)
        return 2
    matcher = build_matcher([args.lexicon] if args.lexicon else None)
    has_nrc = nrc_counter() is not None
    if not has_nrc:
        print("# nrclex is not installed: the NRC baseline is not computed (pip install nrclex==4.1.0)")
    columns = [*SCORES, *(["nrc"] if has_nrc else [])]
    print(f"{'row':26} {'half':4} {'n':>6} " + " ".join(f"{c + ' AUC/F1/bestF1':>22}" for c in columns))
    frames: dict[str, pd.DataFrame] = {}
    for name, (file, key, label) in ROWS.items():
        if args.rows and not any(name.startswith(r) for r in args.rows):
            continue
        if file not in frames:
            frames[file] = scored(file, key, matcher)
        frame = frames[file]
        for half in [args.half] if args.half else ["A", "B"]:
            part = frame[frame["half"] == half]
            labels = part[label].map(_as_label)
            keep = labels.notna().to_numpy()
            gold = labels[keep].astype(bool).to_numpy()
            cells = []
            for column in columns:
                figures = agreement(gold, part.loc[keep, column].to_numpy(float), n_resamples=1)
                cells.append(f"{figures['roc_auc']:.3f}/{figures['f1']:.3f}/{figures['best_f1']:.3f}")
            print(f"{name:26} {half:4} {int(keep.sum()):>6} " + " ".join(f"{c:>22}" for c in cells))
    if args.terms:
        for file, labels in [
            ("ptc/sentences.jsonl", ["loaded_language", "name_calling"]),
            ("basil/sentences.jsonl", ["lexical_bias"]),
        ]:
            print(f"\n# {file}")
            frame = frames[file] if file in frames else scored(file, "article_id", matcher)
            term_report(frame, labels, matcher)
    return 0


if __name__ == "__main__":
    sys.exit(main())
