"""Precision and recall of the Russian (or Ukrainian) cue lexicons on the project's hand-labelled sentences.

    .venv/bin/python benchmarks/validation_ru.py [--gold corpora/coding/ru_sentences.csv] [--language ru]
                                                 [--resamples 1000] [--errors]

Every sentence of the set is scored as one record by :func:`framing.validate.validate` (with its language
given, so no detection is involved), and "the family matched at least once" (``<family>_count > 0``) is
compared with the label: hedging with ``hedged``, emotive with ``emotive``, blame with ``blame`` and denial
with ``denial``. Printed per family: sentences, labelled positives, flagged, precision, recall, F1 with a
bootstrap 95% interval, and ROC AUC of the count. ``--errors`` lists the false positives and negatives
with the labeller's notes.

This is a smoke test, not a validation: the sentences were written by the framing project and labelled by
one of its developers, who knew the lexicons were being written (see corpora/coding/README.md). A family
for which this version of framing has no lexicon in the language is skipped, with the reason printed,
never scored as zero.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from framing import build_matcher
from framing.cues import FAMILIES as CUE_FAMILIES
from framing.matcher import CueMatcher
from framing.validate import validate, validation_half

REPO = Path(__file__).resolve().parents[1]
CODING = REPO / "corpora" / "coding"
GOLD = {"ru": CODING / "ru_sentences.csv", "uk": CODING / "uk_sentences.csv"}
#: cue family -> label column of the sentence sets
LABELS = {"hedging": "hedged", "emotive": "emotive", "blame": "blame", "denial": "denial"}


@dataclass
class Outcome:
    """``summary``: one row per scored family; ``skipped``: family -> reason; ``errors``: the misses."""

    summary: pd.DataFrame
    skipped: dict[str, str] = field(default_factory=dict)
    errors: pd.DataFrame = field(default_factory=pd.DataFrame)


def unsupported(matcher: CueMatcher, family: str, language: str) -> str | None:
    """Why ``family`` cannot be measured in ``language`` with ``matcher`` (None: it can)."""
    lexicons_for = getattr(matcher, "lexicons_for", None)
    if lexicons_for is None:
        return (
            "this version of framing applies every lexicon to every text and has no lexicons by language "
            "(Russian and Ukrainian support: issue 12)"
        )
    lexicon = CUE_FAMILIES[family].lexicon
    applied = lexicons_for(language)
    if not any(name == lexicon or name.startswith(f"{lexicon}_") for name in applied):
        return f"no {lexicon} lexicon for language {language!r} (applied: {', '.join(applied) or 'none'})"
    return None


def read_set(path: Path) -> pd.DataFrame:
    """The labelled sentences, labels as 0/1 integers."""
    table = pd.read_csv(path, dtype={"sentence_id": str, "text": str, "notes": str}, keep_default_na=False)
    for label in LABELS.values():
        if label in table.columns:
            table[label] = table[label].astype(int)
    return table


def run(
    gold: Path | None = None,
    *,
    language: str = "ru",
    n_resamples: int = 1000,
    seed: int = 0,
    matcher: CueMatcher | None = None,
    half: str | None = None,
) -> Outcome:
    """Score every family that has a lexicon in ``language`` against the labels of ``gold``; ``half``
    ("A" or "B", :func:`framing.validate.validation_half` of the sentence id) scores that half only."""
    table = read_set(gold or GOLD[language])
    if half is not None:
        table = table[[validation_half(i) == half for i in table["sentence_id"]]].reset_index(drop=True)
    matcher = matcher or build_matcher()
    records = table.assign(doc_id=table["sentence_id"], language=language)
    rows, skipped, errors = [], {}, []
    for family, label in LABELS.items():
        if label not in table.columns:
            skipped[family] = f"the set has no {label!r} column"
            continue
        reason = unsupported(matcher, family, language)
        if reason is not None:
            skipped[family] = reason
            continue
        result = validate(
            records, cue=family, label=label, matcher=matcher, n_resamples=n_resamples, seed=seed
        )
        rows.append(result.summary.assign(family=family))
        scores = result.scores.set_index("doc_id")
        flagged = scores.iloc[:, 0] > 0
        wrong = flagged != scores["label"]
        missed = table.set_index("sentence_id").loc[wrong[wrong].index]
        errors.append(
            pd.DataFrame(
                {
                    "family": family,
                    "sentence_id": missed.index,
                    "error": ["false positive" if f else "false negative" for f in flagged[wrong]],
                    "text": missed["text"].to_numpy(),
                    "notes": missed["notes"].to_numpy(),
                }
            )
        )
    summary = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
    return Outcome(summary, skipped, pd.concat(errors, ignore_index=True) if errors else pd.DataFrame())


def report(outcome: Outcome, *, show_errors: bool = False) -> str:
    """The figures as printed by the command."""
    lines = []
    if not outcome.summary.empty:
        lines.append(
            f"{'family':<9} {'n':>4} {'pos':>4} {'flag':>4} {'prec':>5} {'rec':>5} {'F1':>5} "
            f"{'F1 95% CI':>11} {'AUC':>5}"
        )
        for row in outcome.summary.itertuples(index=False):
            lines.append(
                f"{row.family:<9} {row.records:>4} {row.positives:>4} {row.flagged:>4} "
                f"{row.precision:>5.2f} {row.recall:>5.2f} {row.f1:>5.2f} "
                f"{row.f1_ci_low:>5.2f}-{row.f1_ci_high:<5.2f} {row.roc_auc:>5.2f}"
            )
    for family, reason in outcome.skipped.items():
        lines.append(f"{family}: skipped, {reason}")
    if show_errors and not outcome.errors.empty:
        for error in outcome.errors.itertuples(index=False):
            lines.append(f"{error.family} {error.error} {error.sentence_id}: {error.text}  [{error.notes}]")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, help="labelled sentences (default: the set of --language)")
    parser.add_argument("--language", default="ru", help="language of the sentences (default ru)")
    parser.add_argument("--resamples", type=int, default=1000, help="bootstrap resamples for the F1 interval")
    parser.add_argument("--errors", action="store_true", help="list false positives and false negatives")
    parser.add_argument("--half", choices=["A", "B"], help="score one half of the set (by sentence id)")
    args = parser.parse_args(argv)
    gold = args.gold or GOLD.get(args.language)
    if gold is None or not gold.is_file():
        parser.error(f"no labelled sentences at {gold}; give --gold")
    outcome = run(gold, language=args.language, n_resamples=args.resamples, half=args.half)
    print(f"{gold} ({args.language}): the project's own sentences and labels, a smoke test, not validation")
    print(report(outcome, show_errors=args.errors))
    return 0


if __name__ == "__main__":
    sys.exit(main())
