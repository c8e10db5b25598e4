"""Agreement of a cue detector with human coding.

Each gold record (a sentence or an article) gets a cue score from the toolkit (the family's score column,
e.g. ``hedging_count`` or ``emotive_weighted``) and a human label. The agreement is reported as

* precision, recall and F1 of "the cue is present" (score > 0) against the label;
* ROC AUC of the score (threshold-free), and the best F1 over all thresholds (optimistic, the figure the
  baselines in ``../shared/data/README.md`` are given in);
* bootstrap 95% confidence intervals (resampling records, seeded) for F1 and AUC.

Records whose label is missing (annotators did not agree) are skipped and counted.

Gold files in a tabular format (JSONL, CSV, TSV, Parquet) are read as they are, without the corpus loader's
cleaning: gold span offsets index the annotated text, and cleaning (dash and quote normalisation,
boilerplate-line removal) would shift them or drop annotated records.

>>> result = validate("../shared/data/szeged_wiki/dev.jsonl",
...                   cue="hedging", label="uncertain")               # doctest: +SKIP
>>> result.summary[["f1", "roc_auc", "best_f1"]]                     # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from sklearn.metrics import f1_score, precision_recall_curve, precision_score, recall_score, roc_auc_score

from framing.corpus import load_corpus
from framing.cues import FAMILIES
from framing.errors import InputError, OptionError
from framing.features import build_matcher, extract
from framing.io.readers import read_table
from framing.matcher import CueMatcher

__all__ = ["ValidationResult", "agreement", "validate", "validation_half"]

_TRUE = {"true", "yes", "1", "y", "t"}
_FALSE = {"false", "no", "0", "n", "f"}


def validation_half(key: Any) -> Literal["A", "B"]:
    """The fixed half of a dev record: "A" (inspected) when the first byte of SHA-1(str(key)) is even.

    ``key`` is the article id (for sentence files the article the sentence belongs to), so an article
    never falls on both sides. Errors are read on half A only; half B is only ever scored.
    """
    return "A" if hashlib.sha1(str(key).encode()).digest()[0] % 2 == 0 else "B"


@dataclass
class ValidationResult:
    """``summary``: one row of agreement figures; ``scores``: one row per scored unit (id, score, label)."""

    summary: pd.DataFrame
    scores: pd.DataFrame


def _as_label(value: Any) -> bool | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer, float)):
        return bool(value)
    if isinstance(value, (list, tuple)):
        return len(value) > 0
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None


def _best_f1(labels: np.ndarray, scores: np.ndarray) -> tuple[float, float]:
    precision, recall, thresholds = precision_recall_curve(labels, scores)
    with np.errstate(divide="ignore", invalid="ignore"):
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)
    best = int(np.argmax(f1[:-1])) if len(thresholds) else 0
    return float(f1[best]), float(thresholds[best]) if len(thresholds) else float("nan")


def agreement(
    labels: np.ndarray,
    scores: np.ndarray,
    *,
    n_resamples: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> dict[str, float]:
    """Agreement figures of ``scores`` (higher = more cue) with boolean ``labels``.

    Returns precision, recall and F1 of ``score > 0``, ROC AUC, the best F1 over thresholds, the F1 of
    flagging every record, and percentile bootstrap intervals (records resampled) for F1 and AUC.
    """
    labels = np.asarray(labels, dtype=bool)
    scores = np.asarray(scores, dtype=float)
    predicted = scores > 0
    both_classes = 0 < labels.sum() < len(labels)
    figures = {
        "records": len(labels),
        "positives": int(labels.sum()),
        "flagged": int(predicted.sum()),
        "precision": float(precision_score(labels, predicted, zero_division=0)),
        "recall": float(recall_score(labels, predicted, zero_division=0)),
        "f1": float(f1_score(labels, predicted, zero_division=0)),
        "roc_auc": float(roc_auc_score(labels, scores)) if both_classes else float("nan"),
        "f1_flag_all": float(2 * labels.mean() / (1 + labels.mean())) if len(labels) else float("nan"),
    }
    figures["best_f1"], figures["best_threshold"] = (
        _best_f1(labels, scores) if both_classes else (np.nan, np.nan)
    )
    rng = np.random.default_rng(seed)
    f1s, aucs = [], []
    for _ in range(n_resamples):
        index = rng.integers(0, len(labels), len(labels))
        sample_labels, sample_scores = labels[index], scores[index]
        f1s.append(f1_score(sample_labels, sample_scores > 0, zero_division=0))
        if 0 < sample_labels.sum() < len(sample_labels):
            aucs.append(roc_auc_score(sample_labels, sample_scores))
    tail = (1 - confidence) / 2 * 100
    figures["f1_ci_low"], figures["f1_ci_high"] = (float(v) for v in np.percentile(f1s, [tail, 100 - tail]))
    if aucs:
        figures["auc_ci_low"], figures["auc_ci_high"] = (
            float(v) for v in np.percentile(aucs, [tail, 100 - tail])
        )
    else:
        figures["auc_ci_low"] = figures["auc_ci_high"] = float("nan")
    return figures


_TABULAR = {".jsonl", ".ndjson", ".csv", ".tsv", ".parquet"}


def _read_gold(path: Path) -> pd.DataFrame:
    """The gold records exactly as annotated, with a unique ``doc_id`` (from ``id``, else ``doc_id``).

    Folders and other formats go through :func:`framing.corpus.load_corpus` (and its cleaning).
    """
    suffix = path.suffix.lower()
    if path.is_dir() or suffix not in _TABULAR:
        return load_corpus(path).documents
    if not path.exists():
        raise InputError(path, "no such file")
    frame = read_table(path)
    if "text" not in frame.columns:
        raise InputError(path, "no 'text' column", hint=f"columns: {', '.join(map(str, frame.columns))}")
    frame["text"] = frame["text"].map(
        lambda t: "" if t is None or (isinstance(t, float) and np.isnan(t)) else str(t)
    )
    key = "id" if "id" in frame.columns else "doc_id" if "doc_id" in frame.columns else None
    ids = frame[key].astype(str) if key else pd.Series([str(i) for i in range(len(frame))])
    return frame.assign(doc_id=ids.to_numpy())


def _sentence_units(documents: pd.DataFrame, table: pd.DataFrame, span_label: str | None) -> pd.Series:
    """Label each sentence True when a gold span overlaps it."""
    spans_by_doc = {}
    for row in documents[["doc_id", "spans"]].itertuples(index=False):
        spans = row.spans if isinstance(row.spans, list) else json.loads(row.spans or "[]")
        spans_by_doc[row.doc_id] = [(s[0], s[1]) for s in spans if span_label is None or s[2] == span_label]
    return pd.Series(
        [
            any(a < end and start < b for a, b in spans_by_doc.get(doc, []))
            for doc, start, end in table[["doc_id", "start", "end"]].itertuples(index=False)
        ],
        index=table.index,
    )


def validate(
    gold: str | Path | pd.DataFrame,
    *,
    cue: str,
    label: str,
    unit: Literal["document", "sentence"] = "document",
    score: str | None = None,
    span_label: str | None = None,
    matcher: CueMatcher | None = None,
    n_resamples: int = 1000,
    seed: int = 0,
) -> ValidationResult:
    """Score every gold record (or sentence) for ``cue`` and measure agreement with the human ``label``.

    Args:
        gold: a JSONL, CSV, TSV or Parquet file (read without cleaning, ids from ``id`` or ``doc_id``),
            another format or folder the corpus loader reads, or a DataFrame with ``text`` and the label
            column (ids from ``doc_id``, else ``id``). Ids must be unique.
        cue: the cue family (``hedging``, ``emotive``, ``blame``, ``certainty``, ``denial`` or a user one).
        label: the gold column holding the human judgement (true/false/null).
        unit: ``document`` scores each record; ``sentence`` splits records into sentences and labels a
            sentence positive when a gold span (``spans`` column, optionally only ``span_label``) overlaps it.
        score: the feature column to use as score (default: the family's, e.g. ``emotive_weighted``).
    """
    matcher = matcher or build_matcher()
    if cue not in matcher.families:
        raise OptionError(f"unknown cue {cue!r}; known cues: {', '.join(matcher.families)}")
    if isinstance(gold, pd.DataFrame):
        documents = gold.reset_index(drop=True)
        if "doc_id" not in documents.columns:
            documents = documents.assign(
                doc_id=documents.get("id", pd.Series(range(len(documents)))).astype(str)
            )
    else:
        documents = _read_gold(Path(gold))
    duplicated = documents["doc_id"].duplicated()
    if duplicated.any():
        raise OptionError(
            f"gold record ids are not unique (e.g. {documents.loc[duplicated, 'doc_id'].iloc[0]!r}); "
            "give each record its own 'id'"
        )
    if unit == "document" and label not in documents.columns:
        raise OptionError(
            f"no label column {label!r} in {gold if not isinstance(gold, pd.DataFrame) else 'table'}; "
            f"columns: {', '.join(map(str, documents.columns))}"
        )
    if unit == "sentence" and "spans" not in documents.columns:
        raise OptionError("unit='sentence' needs a 'spans' column of [start, end, label] gold spans")
    family = FAMILIES.get(cue)
    score = score or (family.score if family else f"{cue}_count")
    table = extract(documents, unit=unit, matcher=matcher)
    if score not in table.columns:
        raise OptionError(f"no score column {score!r}; choose one of the {cue}_* columns")
    if unit == "document":
        labels = documents.set_index("doc_id").loc[table["doc_id"], label].map(_as_label).to_numpy()
    else:
        labels = _sentence_units(documents, table, span_label).to_numpy()
    keep = np.array([v is not None for v in labels], dtype=bool)
    if unit == "document" and not keep.any():
        raise OptionError(
            f"label column {label!r} holds no true/false values (e.g. true, false, 1, 0, yes, no); "
            "choose the column with the human judgement"
        )
    scores = table.loc[keep, score].to_numpy(dtype=float)
    figures = agreement(labels[keep].astype(bool), scores, n_resamples=n_resamples, seed=seed)
    summary = pd.DataFrame(
        [
            {
                "gold": str(gold) if not isinstance(gold, pd.DataFrame) else "table",
                "cue": cue,
                "label": label,
                "unit": unit,
                "score": score,
                "skipped_unlabelled": int((~keep).sum()),
                **figures,
                "n_resamples": n_resamples,
                "seed": seed,
            }
        ]
    )
    scores_table = table.loc[
        keep, ["doc_id", *(["sentence_id"] if unit == "sentence" else []), score]
    ].assign(label=labels[keep].astype(bool))
    return ValidationResult(summary=summary, scores=scores_table.reset_index(drop=True))
