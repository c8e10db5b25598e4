"""Agreement among human coders, and between the coders and the toolkit's instrument.

Reliability is Krippendorff's alpha (Krippendorff 2011, *Computing Krippendorff's Alpha-Reliability*),
computed here from the coincidence matrix of pairable values: units coded by fewer than two coders do
not count, and missing codings are allowed. ``nominal`` treats codes as categories; ``ordinal`` (offered
when the codes are ordered numbers with more than two values) weighs disagreements by the ranks between
them; ``interval`` by squared differences. The conventional reading: alpha >= 0.80 reliable,
>= 0.667 tentative conclusions only, below that unreliable.

:func:`coder_agreement` reads a coding sheet (``<label>__<coder>`` columns, see :mod:`framing.coding`)
and returns three tables:

* ``reliability``: alpha among the coders with a percentile bootstrap interval (units resampled, seeded);
* ``coders``: each coder against the majority of the coders (share agreeing, alpha);
* ``instrument``: the lexicon cue against each coder and against the majority: alpha of its presence
  decision (score > 0), precision, recall and F1 of that decision, and ROC AUC of its score.

>>> alpha([[1, 2, 3, 3], [1, 2, 3, 4]], level="nominal")                   # doctest: +SKIP
>>> result = coder_agreement("sheet.csv", label="emotive", seed=0)        # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from framing.errors import InputError, OptionError

__all__ = ["AgreementResult", "alpha", "coder_agreement", "majority_codes", "reading"]

Level = Literal["nominal", "ordinal", "interval"]


def reading(value: float) -> str:
    """The conventional reading of an alpha: reliable (>= .80), tentative (>= .667) or unreliable."""
    if value != value:
        return "undefined"
    if value >= 0.80:
        return "reliable"
    if value >= 0.667:
        return "tentative"
    return "unreliable"


def _coincidences(data: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Krippendorff's coincidence matrix o[c, k] of the pairable values (coders x units, NaN = missing)."""
    index = {v: i for i, v in enumerate(values)}
    matrix = np.zeros((len(values), len(values)))
    for column in data.T:
        present = column[~np.isnan(column)]
        m = len(present)
        if m < 2:
            continue
        counts = np.zeros(len(values))
        for value in present:
            counts[index[value]] += 1
        matrix += (np.outer(counts, counts) - np.diag(counts)) / (m - 1)
    return matrix


def _distance(values: np.ndarray, marginals: np.ndarray, level: Level) -> np.ndarray:
    if level == "nominal":
        return 1.0 - np.eye(len(values))
    if level == "interval":
        return (values[:, None] - values[None, :]) ** 2
    # ordinal: (sum of the marginals from c to k, minus half of those of c and k) squared
    cumulative = np.concatenate([[0.0], np.cumsum(marginals)])
    low = np.minimum.outer(np.arange(len(values)), np.arange(len(values)))
    high = np.maximum.outer(np.arange(len(values)), np.arange(len(values)))
    between = cumulative[high + 1] - cumulative[low]
    return (between - (marginals[:, None] + marginals[None, :]) / 2) ** 2


def alpha(data: Sequence[Sequence[float]] | np.ndarray, *, level: Level = "nominal") -> float:
    """Krippendorff's alpha of reliability data: one row per coder, one column per unit, NaN = missing.

    Codes are numbers (categories for ``nominal``). Returns NaN when fewer than two values are pairable
    or when every pairable value is the same (no variation: agreement cannot be told from chance).
    """
    if level not in ("nominal", "ordinal", "interval"):
        raise OptionError(f"level must be 'nominal', 'ordinal' or 'interval', not {level!r}")
    matrix = np.asarray(data, dtype=float)
    if matrix.ndim != 2:
        raise OptionError("reliability data must be a coders x units table")
    values = np.unique(matrix[~np.isnan(matrix)])
    if len(values) < 2:
        return float("nan")
    observed = _coincidences(matrix, values)
    marginals = observed.sum(axis=1)
    total = marginals.sum()
    if total <= 1:
        return float("nan")
    delta = _distance(values, marginals, level)
    disagreement_observed = (observed * delta).sum()
    expected = (np.outer(marginals, marginals) - np.diag(marginals)) / (total - 1)
    disagreement_expected = (expected * delta).sum()
    if disagreement_expected == 0:
        return float("nan")
    return float(1.0 - disagreement_observed / disagreement_expected)


def _bootstrap_alpha(
    matrix: np.ndarray, level: Level, n_resamples: int, seed: int, confidence: float
) -> tuple[float, float]:
    rng = np.random.default_rng(seed)
    draws = []
    for _ in range(n_resamples):
        value = alpha(matrix[:, rng.integers(0, matrix.shape[1], matrix.shape[1])], level=level)
        if value == value:
            draws.append(value)
    if not draws:
        return float("nan"), float("nan")
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(draws, [tail, 100 - tail])
    return float(low), float(high)


@dataclass
class AgreementResult:
    """``reliability``, ``coders`` and ``instrument`` tables (see the module docstring); ``codes``: the
    coded units (one column per coder, plus ``majority`` and the instrument's ``score``)."""

    reliability: pd.DataFrame
    coders: pd.DataFrame
    instrument: pd.DataFrame
    codes: pd.DataFrame


def _code(value: str) -> float:
    text = str(value).strip().lower()
    if text in {"", "nan", "na", "none", "null", "?"}:
        return float("nan")
    if text in {"true", "yes", "y", "t"}:
        return 1.0
    if text in {"false", "no", "n", "f"}:
        return 0.0
    try:
        return float(text)
    except ValueError:
        raise OptionError(f"cannot read the code {value!r}; use numbers (0, 1, 2, ...) or yes/no") from None


def _majority(matrix: np.ndarray) -> np.ndarray:
    """The most frequent code of each unit among its coders; NaN where none or tied."""
    result = np.full(matrix.shape[1], np.nan)
    for j, column in enumerate(matrix.T):
        present = column[~np.isnan(column)]
        if not len(present):
            continue
        values, counts = np.unique(present, return_counts=True)
        if (counts == counts.max()).sum() == 1:
            result[j] = values[np.argmax(counts)]
    return result


def _instrument_row(target: str, codes: np.ndarray, scores: np.ndarray) -> dict[str, object]:
    from sklearn.metrics import f1_score, precision_score, recall_score, roc_auc_score

    keep = ~np.isnan(codes)
    truth = codes[keep] > 0
    score = scores[keep]
    decision = score > 0
    both = 0 < truth.sum() < len(truth)
    value = alpha(np.vstack([truth.astype(float), decision.astype(float)]), level="nominal")
    return {
        "against": target,
        "units": int(keep.sum()),
        "positives": int(truth.sum()),
        "flagged": int(decision.sum()),
        "alpha": value,
        "reading": reading(value),
        "precision": float(precision_score(truth, decision, zero_division=0)),
        "recall": float(recall_score(truth, decision, zero_division=0)),
        "f1": float(f1_score(truth, decision, zero_division=0)),
        "roc_auc": float(roc_auc_score(truth, score)) if both else float("nan"),
    }


def coder_agreement(
    sheet: str | Path | pd.DataFrame,
    *,
    label: str,
    coders: Sequence[str] | None = None,
    cue: str | None = None,
    n_resamples: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> AgreementResult:
    """Agreement among the coders of ``label`` in a coding sheet, and of the instrument with them.

    Args:
        sheet: a coding sheet file (:func:`framing.coding.read_sheet`) or table with ``text`` and
            ``<label>__<coder>`` columns; empty cells are missing codings.
        label: the coded label.
        coders: the coders to compare (default: every ``<label>__*`` column).
        cue: the cue family whose score is the instrument (default: ``label`` when it is a cue family;
            None and no such family: no instrument table).
        n_resamples, seed, confidence: the bootstrap interval of alpha (units resampled).
    """
    from framing.coding import read_sheet

    frame = read_sheet(sheet) if not isinstance(sheet, pd.DataFrame) else sheet
    prefix = f"{label}__"
    available = [c.removeprefix(prefix) for c in frame.columns if str(c).startswith(prefix)]
    coders = list(coders) if coders else available
    missing = [c for c in coders if c not in available]
    if missing or not coders:
        raise OptionError(
            f"no column {prefix}{missing[0] if missing else '<coder>'} in the sheet; "
            f"coders of {label!r}: {', '.join(available) or 'none'}"
        )
    matrix = np.array([[_code(v) for v in frame[prefix + c]] for c in coders], dtype=float)
    coded = ~np.isnan(matrix).all(axis=0)
    values = np.unique(matrix[~np.isnan(matrix)])
    levels: list[Level] = ["nominal"]
    if len(values) > 2:
        levels += ["ordinal", "interval"]
    rows = []
    for level in levels:
        value = alpha(matrix, level=level) if len(coders) > 1 else float("nan")
        low, high = (
            _bootstrap_alpha(matrix[:, coded], level, n_resamples, seed, confidence)
            if len(coders) > 1
            else (float("nan"), float("nan"))
        )
        pairable = int((np.sum(~np.isnan(matrix), axis=0) >= 2).sum())
        rows.append(
            {
                "label": label,
                "level": level,
                "coders": len(coders),
                "units": int(coded.sum()),
                "pairable_units": pairable,
                "alpha": value,
                "ci_low": low,
                "ci_high": high,
                "reading": reading(value),
                "n_resamples": n_resamples,
                "seed": seed,
            }
        )
    reliability = pd.DataFrame(rows)
    majority = _majority(matrix)
    coder_rows = []
    for i, coder in enumerate(coders):
        both = ~np.isnan(matrix[i]) & ~np.isnan(majority)
        value = alpha(np.vstack([matrix[i], majority]), level="nominal")
        coder_rows.append(
            {
                "coder": coder,
                "units_coded": int((~np.isnan(matrix[i])).sum()),
                "agreement_with_majority": float((matrix[i][both] == majority[both]).mean())
                if both.any()
                else float("nan"),
                "alpha_with_majority": value,
                "reading": reading(value),
            }
        )
    codes = frame[[c for c in ("unit_id", "text") if c in frame.columns]].copy()
    for i, coder in enumerate(coders):
        codes[coder] = matrix[i]
    codes["majority"] = majority
    instrument = pd.DataFrame()
    if cue is None:
        from framing.features import build_matcher

        cue = label if label in build_matcher().families else None
    if cue is not None:
        if "text" not in frame.columns:
            raise InputError(str(sheet), "no 'text' column to score with the instrument")
        scores = _cue_scores(frame["text"].tolist(), cue)
        codes["score"] = scores
        targets = [(f"coder {c}", matrix[i]) for i, c in enumerate(coders)]
        if len(coders) > 1:
            targets.append(("majority", majority))
        instrument = pd.DataFrame([_instrument_row(name, target, scores) for name, target in targets])
        instrument.insert(0, "cue", cue)
    return AgreementResult(reliability, pd.DataFrame(coder_rows), instrument, codes)


def _cue_scores(texts: list[str], cue: str) -> np.ndarray:
    from framing.features import extract

    table = extract(texts)
    for column in (f"{cue}_weighted", f"{cue}_count"):
        if column in table.columns:
            return table[column].to_numpy(dtype=float)
    raise OptionError(f"unknown cue {cue!r}")


def majority_codes(codes: pd.DataFrame) -> list[float | None]:
    """The majority code of each row of a table of coder columns; None where uncoded or tied."""
    matrix = np.array([[_code(v) for v in codes[c]] for c in codes.columns], dtype=float)
    return [None if v != v else float(v) for v in _majority(matrix)]
