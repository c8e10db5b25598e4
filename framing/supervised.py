"""Supervised measures: a classifier trained on human coding that also knows the lexicon cues.

Where a dictionary falls short of the human coding, :func:`train` fits a classifier on the coded units:

* **features**: word 1-2-gram and character 3-5-gram TF-IDF (sublinear term frequency, L2-normalised
  rows) next to the toolkit's cue features of every text (per family: count, negated count, rate per
  1,000 tokens, weighted score; per subcategory: count and rate; token count), each ``log1p``-compressed
  and standardised;
* **classifier**: L2-regularised logistic regression with balanced class weights; the regularisation
  strength is chosen by cross-validation **grouped by article** (sentences of one article never straddle
  folds), and the out-of-fold scores give a Platt (sigmoid) probability calibration, the decision
  threshold maximising F1, a calibration table and the reported cross-validated AUC and F1.

A model is *data*, not code: :func:`save_model` writes ``model.json`` (the model card, vocabularies and
settings) and ``arrays.npz`` (idf weights, coefficients, scaling), and :func:`load_model` rebuilds the
scorer from them; nothing is ever unpickled, so a tampered file is refused with an
:class:`~framing.errors.InputError` instead of running code.

>>> model = train(texts, labels, label="emotive", groups=article_ids, seed=0)     # doctest: +SKIP
>>> model.card["cv"]["roc_auc"]                                                  # doctest: +SKIP
>>> save_model(model, "model/"); model = load_model("model/")                     # doctest: +SKIP
>>> add_probabilities(["A barbaric, chilling massacre."], model)                 # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import hashlib
import json
import math
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from framing.compare.resampling import stream_key
from framing.errors import InputError, OptionError
from framing.spool import DocumentTexts

__all__ = [
    "FORMAT",
    "TextModel",
    "add_probabilities",
    "baseline_settings",
    "cross_validate",
    "iter_with_probabilities",
    "lexicon_versions",
    "load_model",
    "model_card_markdown",
    "prevalence_by_group",
    "read_gold",
    "save_model",
    "train",
    "validate_model",
]

FORMAT = "framing-text-model/1"
_MODEL_JSON = "model.json"
_ARRAYS = "arrays.npz"

#: Values of the regularisation strength C tried by the grouped cross-validation.
C_GRID = (0.5, 2.0, 8.0)
#: Weight of the (standardised) cue block beside the L2-normalised TF-IDF blocks.
CUE_WEIGHT = 0.25
#: Cue-block weights tried by the grouped cross-validation (with each C).
CUE_WEIGHTS = (0.1, 0.3, 1.0)


@dataclass(frozen=True)
class Settings:
    """Which feature blocks a model uses (the plain baseline is ``cues=False``)."""

    word: bool = True
    char: bool = True
    cues: bool = True
    min_df: int = 2
    cue_weight: float = CUE_WEIGHT


def baseline_settings() -> Settings:
    """The plain classifier the supervised layer is compared with: TF-IDF n-grams only, no cue features."""
    return Settings(cues=False)


_WORD = {"analyzer": "word", "ngram_range": (1, 2), "lowercase": True, "token_pattern": r"(?u)\b\w+\b"}
_CHAR = {"analyzer": "char_wb", "ngram_range": (3, 5), "lowercase": True}


def _cue_table(texts: Sequence[str]) -> pd.DataFrame:
    """The toolkit's cue features of each text (counts, negated counts, rates, subcategories, tokens)."""
    from framing.features import extract

    table = extract(list(texts))
    columns = [
        c for c in table.columns if c == "tokens" or c.endswith(("_count", "_negated", "_rate", "_weighted"))
    ]
    return table[columns].astype(float)


def _tfidf(texts: Sequence[str], vocabulary: dict[str, int], idf: np.ndarray, params: dict[str, Any]):
    """Sublinear TF-IDF with L2-normalised rows, exactly as ``TfidfVectorizer(sublinear_tf=True)``."""
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.preprocessing import normalize

    counts = CountVectorizer(vocabulary=vocabulary, **params).transform(texts).astype(float)
    counts.data = 1.0 + np.log(counts.data)
    return normalize(counts @ sp.diags(idf), norm="l2", copy=False).tocsr()


@dataclass
class _Vectoriser:
    """The learned feature state: vocabularies, idf weights and cue scaling (all plain data)."""

    settings: Settings
    word_vocabulary: list[str] = field(default_factory=list)
    word_idf: np.ndarray = field(default_factory=lambda: np.zeros(0))
    char_vocabulary: list[str] = field(default_factory=list)
    char_idf: np.ndarray = field(default_factory=lambda: np.zeros(0))
    cue_columns: list[str] = field(default_factory=list)
    cue_mean: np.ndarray = field(default_factory=lambda: np.zeros(0))
    cue_scale: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @classmethod
    def fit(
        cls, texts: Sequence[str], cues: pd.DataFrame | None, settings: Settings
    ) -> tuple[_Vectoriser, sp.csr_matrix]:
        """The learned state and the training matrix (the same as ``state.transform(texts, cues)``)."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        state = cls(settings)
        blocks = []
        for block, params in (("word", _WORD), ("char", _CHAR)):
            if not getattr(settings, block):
                continue
            vectoriser = TfidfVectorizer(min_df=settings.min_df, sublinear_tf=True, **params)
            blocks.append(vectoriser.fit_transform(texts).astype(float))
            # TfidfVectorizer sorts its vocabulary, so the index of a term is its rank
            vocabulary = vectoriser.get_feature_names_out().tolist()
            setattr(state, f"{block}_vocabulary", vocabulary)
            setattr(state, f"{block}_idf", vectoriser.idf_.astype(float))
        if settings.cues and cues is not None:
            values = np.log1p(cues.to_numpy(dtype=float))
            state.cue_columns = list(cues.columns)
            state.cue_mean = values.mean(axis=0)
            scale = values.std(axis=0)
            state.cue_scale = np.where(scale > 0, scale, 1.0)
            blocks.append(state._cue_block(cues))
        return state, sp.hstack(blocks, format="csr")

    def _cue_block(self, cues: pd.DataFrame) -> sp.csr_matrix:
        values = np.log1p(cues[self.cue_columns].to_numpy(dtype=float))
        return sp.csr_matrix((values - self.cue_mean) / self.cue_scale * self.settings.cue_weight)

    def feature_names(self) -> list[str]:
        return [
            *(f"word:{t}" for t in self.word_vocabulary),
            *(f"char:{t}" for t in self.char_vocabulary),
            *(f"cue:{c}" for c in self.cue_columns),
        ]

    def transform(self, texts: Sequence[str], cues: pd.DataFrame | None) -> sp.csr_matrix:
        blocks = []
        for block, params in (("word", _WORD), ("char", _CHAR)):
            vocabulary = getattr(self, f"{block}_vocabulary")
            if vocabulary:
                index = {term: i for i, term in enumerate(vocabulary)}
                blocks.append(_tfidf(texts, index, getattr(self, f"{block}_idf"), params))
        if self.cue_columns:
            if cues is None:
                cues = _cue_table(texts)
            blocks.append(self._cue_block(cues))
        return sp.hstack(blocks, format="csr")


@dataclass
class TextModel:
    """A trained classifier as plain data: feature state, coefficients, calibration and its model card.

    ``predict_proba(texts)`` gives the calibrated probability that each text carries the label.
    """

    label: str
    vectoriser: _Vectoriser
    coef: np.ndarray
    intercept: float
    calibration: tuple[float, float]
    threshold: float
    card: dict[str, Any]

    def decision_function(self, texts: Sequence[str], cues: pd.DataFrame | None = None) -> np.ndarray:
        """The classifier's linear score (log-odds before calibration) of each text."""
        matrix = self.vectoriser.transform(list(texts), cues)
        return np.asarray(matrix @ self.coef + self.intercept, dtype=float).ravel()

    def predict_proba(self, texts: Sequence[str], cues: pd.DataFrame | None = None) -> np.ndarray:
        """Calibrated probability (0-1) that each text carries the label."""
        return _sigmoid(self.decision_function(texts, cues), self.calibration)

    def top_features(self, n: int = 20) -> pd.DataFrame:
        """The ``n`` features with the largest positive and the ``n`` with the largest negative weight."""
        names = np.asarray(self.vectoriser.feature_names(), dtype=object)
        order = np.argsort(-self.coef, kind="stable")
        rows = [*order[:n], *order[::-1][:n]]
        return pd.DataFrame(
            {
                "feature": names[rows],
                "weight": self.coef[rows],
                "direction": ["positive"] * min(n, len(order)) + ["negative"] * min(n, len(order)),
            }
        )


def _sigmoid(scores: np.ndarray, calibration: tuple[float, float]) -> np.ndarray:
    slope, offset = calibration
    return 1.0 / (1.0 + np.exp(-(slope * scores + offset)))


def _fit_classifier(
    matrix: sp.csr_matrix, labels: np.ndarray, c: float, seed: int
) -> tuple[np.ndarray, float]:
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    model = LogisticRegression(C=c, class_weight="balanced", solver="lbfgs", max_iter=3000)
    # one BLAS/OpenMP thread: on a shared machine more threads than cores slow the fit tenfold, and
    # the folds are parallelised with processes (--jobs) instead
    with threadpool_limits(limits=1):
        model.fit(matrix, labels)
    return model.coef_.ravel().astype(float), float(model.intercept_[0])


def _fold_scores(
    texts: list[str],
    cues: pd.DataFrame | None,
    labels: np.ndarray,
    train_index: np.ndarray,
    test_index: np.ndarray,
    settings: Settings,
    grid: Sequence[float],
    seed: int,
) -> list[np.ndarray]:
    """Out-of-fold decision scores of one fold, one array per value of C."""
    train_texts = [texts[i] for i in train_index]
    test_texts = [texts[i] for i in test_index]
    train_cues = cues.iloc[train_index] if cues is not None else None
    test_cues = cues.iloc[test_index] if cues is not None else None
    state, train_matrix = _Vectoriser.fit(train_texts, train_cues, settings)
    test_matrix = state.transform(test_texts, test_cues)
    n_cues = len(state.cue_columns)
    scores = []
    for c, weight in grid:
        # the cue block was built with settings.cue_weight; rescale it to this grid point's weight
        factor = np.ones(train_matrix.shape[1])
        if n_cues:
            factor[-n_cues:] = weight / settings.cue_weight
        scale = sp.diags(factor)
        coef, intercept = _fit_classifier(train_matrix @ scale, labels[train_index], c, seed)
        scores.append(np.asarray((test_matrix @ scale) @ coef + intercept).ravel())
    return scores


def _folds(labels: np.ndarray, groups: np.ndarray, n_folds: int, seed: int) -> list[tuple[np.ndarray, ...]]:
    from sklearn.model_selection import StratifiedGroupKFold

    distinct = len(np.unique(groups))
    n_splits = min(n_folds, distinct, int(labels.sum()), int((~labels).sum()))
    if n_splits < 2:
        raise OptionError(
            "cross-validation needs at least 2 groups (articles) and 2 units of each class; "
            f"got {distinct} groups, {int(labels.sum())} positive and {int((~labels).sum())} negative units"
        )
    splitter = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    return list(splitter.split(np.zeros(len(labels)), labels, groups))


@dataclass
class CrossValidation:
    """Grouped cross-validation: ``table`` (one row per C), the chosen ``c``, out-of-fold ``scores``."""

    table: pd.DataFrame
    c: float
    cue_weight: float
    scores: np.ndarray
    folds: int


def cross_validate(
    texts: Sequence[str],
    labels: Sequence[bool] | np.ndarray,
    *,
    groups: Sequence[Any] | None = None,
    settings: Settings | None = None,
    grid: Sequence[float] = C_GRID,
    cue_weights: Sequence[float] = CUE_WEIGHTS,
    n_folds: int = 5,
    seed: int = 0,
    jobs: int = 1,
    cues: pd.DataFrame | None = None,
) -> CrossValidation:
    """ROC AUC of out-of-fold scores for each C, folds grouped by ``groups`` (article ids).

    Units of one group are always in the same fold; the folds are stratified by label and seeded. Each
    fold's vocabularies, idf weights and cue scaling are learned on its training part only.
    """
    from joblib import Parallel, delayed
    from sklearn.metrics import roc_auc_score

    settings = settings or Settings()
    texts = list(texts)
    labels = np.asarray(labels, dtype=bool)
    points = [(c, w) for c in grid for w in (cue_weights if settings.cues else (settings.cue_weight,))]
    groups_array = np.asarray([str(g) for g in (groups if groups is not None else range(len(texts)))])
    if settings.cues and cues is None:
        cues = _cue_table(texts)
    folds = _folds(labels, groups_array, n_folds, seed)
    results = Parallel(n_jobs=jobs)(
        delayed(_fold_scores)(texts, cues if settings.cues else None, labels, tr, te, settings, points, seed)
        for tr, te in folds
    )
    oof = np.zeros((len(points), len(texts)))
    for (_, test_index), fold_scores in zip(folds, results, strict=True):
        for k, scores in enumerate(fold_scores):
            oof[k, test_index] = scores
    aucs = [float(roc_auc_score(labels, oof[k])) for k in range(len(points))]
    best = int(np.argmax(aucs))
    table = pd.DataFrame(
        {
            "C": [c for c, _ in points],
            "cue_weight": [w if settings.cues else 0.0 for _, w in points],
            "roc_auc": aucs,
            "chosen": [k == best for k in range(len(points))],
        }
    )
    return CrossValidation(
        table=table, c=points[best][0], cue_weight=points[best][1], scores=oof[best], folds=len(folds)
    )


def _platt(scores: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=1e6, solver="lbfgs", max_iter=1000).fit(scores.reshape(-1, 1), labels)
    return float(model.coef_[0, 0]), float(model.intercept_[0])


def _calibration_table(probabilities: np.ndarray, labels: np.ndarray, bins: int = 10) -> pd.DataFrame:
    edges = np.linspace(0, 1, bins + 1)
    index = np.clip(np.digitize(probabilities, edges[1:-1]), 0, bins - 1)
    rows = []
    for b in range(bins):
        inside = index == b
        if inside.any():
            rows.append(
                {
                    "bin_low": float(edges[b]),
                    "bin_high": float(edges[b + 1]),
                    "units": int(inside.sum()),
                    "mean_predicted": float(probabilities[inside].mean()),
                    "observed_rate": float(labels[inside].mean()),
                }
            )
    return pd.DataFrame(rows)


def _best_threshold(probabilities: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    from sklearn.metrics import precision_recall_curve

    precision, recall, thresholds = precision_recall_curve(labels, probabilities)
    with np.errstate(divide="ignore", invalid="ignore"):
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)[:-1]
    best = int(np.argmax(f1))
    return float(thresholds[best]), float(f1[best])


def _data_hash(texts: Sequence[str], labels: np.ndarray, groups: np.ndarray) -> str:
    digest = hashlib.sha256()
    for text, label, group in zip(texts, labels, groups, strict=True):
        digest.update(json.dumps([text, bool(label), str(group)]).encode("utf-8"))
    return digest.hexdigest()


def lexicon_versions() -> dict[str, str]:
    """Name and version of each built-in lexicon (stored in the model card)."""
    from framing.lexicon import builtin_lexicons

    return {lexicon.name: str(lexicon.version) for lexicon in builtin_lexicons()}


def train(
    texts: Sequence[str],
    labels: Sequence[bool] | np.ndarray,
    *,
    label: str,
    groups: Sequence[Any] | None = None,
    unit: str = "document",
    settings: Settings | None = None,
    grid: Sequence[float] = C_GRID,
    cue_weights: Sequence[float] = CUE_WEIGHTS,
    n_folds: int = 5,
    seed: int = 0,
    jobs: int = 1,
    source: str | None = None,
) -> TextModel:
    """Train the supervised measure of ``label`` on coded ``texts`` and describe it in a model card.

    C is chosen by :func:`cross_validate` (grouped by ``groups``, e.g. article ids; each unit its own
    group when None); the final model is refitted on every unit. The card records the training data's
    SHA-256, units, positives, cross-validated AUC, F1 at the chosen threshold, the calibration table,
    the date, toolkit and lexicon versions, and the most influential features. ``jobs`` runs folds in
    parallel; the model is the same for any ``jobs``.
    """
    import framing

    settings = settings or Settings()
    texts = ["" if t is None else str(t) for t in texts]
    labels = np.asarray(labels, dtype=bool)
    if len(texts) != len(labels):
        raise OptionError(f"{len(texts)} texts but {len(labels)} labels")
    groups_array = np.asarray([str(g) for g in (groups if groups is not None else range(len(texts)))])
    cues = _cue_table(texts) if settings.cues else None
    cv = cross_validate(
        texts,
        labels,
        groups=groups_array,
        settings=settings,
        grid=grid,
        cue_weights=cue_weights,
        n_folds=n_folds,
        seed=seed,
        jobs=jobs,
        cues=cues,
    )
    if settings.cues:
        settings = dataclasses.replace(settings, cue_weight=cv.cue_weight)
    calibration = _platt(cv.scores, labels)
    oof_probabilities = _sigmoid(cv.scores, calibration)
    threshold, f1 = _best_threshold(oof_probabilities, labels)
    state, matrix = _Vectoriser.fit(texts, cues, settings)
    coef, intercept = _fit_classifier(matrix, labels, cv.c, seed)
    card: dict[str, Any] = {
        "format": FORMAT,
        "label": label,
        "unit": unit,
        "source": source,
        "training_data_sha256": _data_hash(texts, labels, groups_array),
        "units": len(texts),
        "positives": int(labels.sum()),
        "groups": len(np.unique(groups_array)),
        "created": _dt.datetime.now(_dt.timezone.utc).date().isoformat(),
        "toolkit_version": framing.__version__,
        "lexicon_versions": lexicon_versions() if settings.cues else {},
        "seed": seed,
        "settings": {
            "word_ngrams": [1, 2] if settings.word else None,
            "char_ngrams": [3, 5] if settings.char else None,
            "cue_features": settings.cues,
            "min_df": settings.min_df,
            "cue_weight": settings.cue_weight,
            "classifier": "logistic regression, L2, class_weight=balanced, lbfgs",
            "calibration": "Platt sigmoid on out-of-fold scores",
        },
        "cv": {
            "folds": cv.folds,
            "grouped_by": "article" if groups is not None else "unit",
            "C_grid": cv.table.to_dict(orient="records"),
            "C": cv.c,
            "roc_auc": float(cv.table.loc[cv.table["chosen"], "roc_auc"].iloc[0]),
            "threshold": threshold,
            "f1_at_threshold": f1,
            "calibration_table": _calibration_table(oof_probabilities, labels).to_dict(orient="records"),
        },
    }
    model = TextModel(label, state, coef, intercept, calibration, threshold, card)
    card["top_features"] = model.top_features(15).to_dict(orient="records")
    return model


# --- saving and loading: plain data only --------------------------------------------------------------


def save_model(model: TextModel, folder: str | Path) -> Path:
    """Write ``model.json`` and ``arrays.npz`` into ``folder`` (replaced atomically); return the folder."""
    from framing.io import replace_folder

    state = model.vectoriser
    arrays = {
        "word_idf": state.word_idf,
        "char_idf": state.char_idf,
        "cue_mean": np.asarray(state.cue_mean, dtype=float),
        "cue_scale": np.asarray(state.cue_scale, dtype=float),
        "coef": model.coef,
    }
    document = {
        "card": model.card,
        "model": {
            "label": model.label,
            "intercept": model.intercept,
            "calibration": list(model.calibration),
            "threshold": model.threshold,
            "settings": {
                "word": state.settings.word,
                "char": state.settings.char,
                "cues": state.settings.cues,
                "min_df": state.settings.min_df,
                "cue_weight": state.settings.cue_weight,
            },
            "word_vocabulary": state.word_vocabulary,
            "char_vocabulary": state.char_vocabulary,
            "cue_columns": state.cue_columns,
        },
    }
    folder = Path(folder)
    # Replace only a model folder (or an empty one): `-o` pointing at a folder of other files must
    # not delete them.
    if folder.exists() and (
        not folder.is_dir() or (any(folder.iterdir()) and not (folder / _MODEL_JSON).is_file())
    ):
        raise OptionError(
            f"{folder}: exists and is not an empty folder or a framing model; choose another output folder"
        )

    def build(staging: Path) -> None:
        with (staging / _ARRAYS).open("wb") as handle:
            np.savez(handle, **{k: np.asarray(v, dtype=float) for k, v in arrays.items()})
        document["arrays_sha256"] = hashlib.sha256((staging / _ARRAYS).read_bytes()).hexdigest()
        text = json.dumps(document, indent=1, ensure_ascii=False)
        (staging / _MODEL_JSON).write_text(text, encoding="utf-8")

    replace_folder(folder, build)
    return folder


def _refuse(path: Path, problem: str) -> InputError:
    return InputError(path, problem, hint="train the model again with `framing train`")


def load_model(folder: str | Path) -> TextModel:
    """Rebuild a model saved by :func:`save_model`, checking every field; never unpickles anything.

    Raises :class:`InputError` for a missing, malformed or modified file, and warns (naming both
    versions) when the model was trained with other lexicon versions than the installed ones.
    """
    folder = Path(folder)
    json_path, arrays_path = folder / _MODEL_JSON, folder / _ARRAYS
    for path in (json_path, arrays_path):
        if not path.is_file():
            raise InputError(path, "no such model file", hint="give the folder written by `framing train`")
    try:
        document = json.loads(json_path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise _refuse(json_path, f"not a framing model file: {exc}") from exc
    if not isinstance(document, dict) or document.get("card", {}).get("format") != FORMAT:
        raise _refuse(json_path, f"not a framing model file (expected format {FORMAT!r})")
    raw = arrays_path.read_bytes()
    if hashlib.sha256(raw).hexdigest() != document.get("arrays_sha256"):
        raise _refuse(arrays_path, "the arrays do not match model.json (the file was modified)")
    try:
        with np.load(arrays_path, allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
    except (ValueError, OSError) as exc:
        raise _refuse(arrays_path, f"not a plain numeric array file: {exc}") from exc
    try:
        spec = document["model"]
        settings = Settings(
            **{k: spec["settings"][k] for k in ("word", "char", "cues", "min_df", "cue_weight")}
        )
        state = _Vectoriser(
            settings,
            word_vocabulary=[str(t) for t in spec["word_vocabulary"]],
            word_idf=arrays["word_idf"].astype(float),
            char_vocabulary=[str(t) for t in spec["char_vocabulary"]],
            char_idf=arrays["char_idf"].astype(float),
            cue_columns=[str(c) for c in spec["cue_columns"]],
            cue_mean=arrays["cue_mean"].astype(float),
            cue_scale=arrays["cue_scale"].astype(float),
        )
        coef = arrays["coef"].astype(float)
        calibration = (float(spec["calibration"][0]), float(spec["calibration"][1]))
        model = TextModel(
            str(spec["label"]),
            state,
            coef,
            float(spec["intercept"]),
            calibration,
            float(spec["threshold"]),
            document["card"],
        )
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise _refuse(json_path, f"malformed model file: {exc!r}") from exc
    sizes = (len(state.word_vocabulary), len(state.char_vocabulary), len(state.cue_columns))
    if (
        len(state.word_idf) != sizes[0]
        or len(state.char_idf) != sizes[1]
        or len(state.cue_mean) != sizes[2]
        or len(state.cue_scale) != sizes[2]
        or coef.shape != (sum(sizes),)
        or not all(math.isfinite(v) for v in (model.intercept, *calibration))
    ):
        raise _refuse(json_path, "the array sizes do not match the vocabularies")
    if settings.cues:
        trained, installed = model.card.get("lexicon_versions", {}), lexicon_versions()
        changed = {
            name: (version, installed.get(name, "absent"))
            for name, version in trained.items()
            if installed.get(name) != version
        }
        if changed:
            described = ", ".join(
                f"{n} {old} (model) vs {new} (installed)" for n, (old, new) in changed.items()
            )
            warnings.warn(
                f"{folder}: model trained with other lexicon versions: {described}; "
                "its cue features may have shifted, retrain for exact scores",
                UserWarning,
                stacklevel=2,
            )
    return model


# --- scoring tables -------------------------------------------------------------------------------------


def _unit_texts(units: pd.DataFrame, documents: pd.DataFrame | None) -> list[str]:
    if "text" in units.columns:
        return ["" if not isinstance(t, str) else t for t in units["text"]]
    if documents is None or "text" not in documents.columns or "doc_id" not in units.columns:
        raise OptionError(
            "add_probabilities needs a 'text' column, or a feature table with doc_id and the documents "
            "(doc_id, text) it was measured on"
        )
    by_id = dict(zip(documents["doc_id"].astype(str), documents["text"], strict=True))
    ids = units["doc_id"].astype(str)
    missing = sorted(set(ids) - set(by_id))
    if missing:
        raise OptionError(f"no document text for doc_id {missing[0]!r} ({len(missing)} ids missing)")
    if {"start", "end"} <= set(units.columns):
        return [by_id[d][int(s) : int(e)] for d, s, e in zip(ids, units["start"], units["end"], strict=True)]
    return [by_id[d] for d in ids]


def add_probabilities(
    units: pd.DataFrame | Iterable[str],
    model: TextModel | str | Path,
    *,
    documents: pd.DataFrame | None = None,
    texts: DocumentTexts | None = None,
) -> pd.DataFrame:
    """Add ``<label>_probability`` (calibrated, 0-1) and ``<label>_predicted`` (at the model's threshold).

    ``units`` is a list of texts, a DataFrame with ``text``, or a feature table from
    :func:`framing.extract` (``doc_id``; with ``start``/``end`` for sentences) together with the
    ``documents`` (``doc_id``, ``text``) it was measured on. ``texts`` (the units' texts row for row,
    e.g. ``corpus.texts`` of a spooled corpus with its document features) are scored a block at a time:
    the model scores each text alone, so the probabilities are those of one call on all of them. The
    mean of ``<label>_probability`` over a group's units estimates the share of units carrying the label
    (the group's prevalence).
    """
    if not isinstance(model, TextModel):
        model = load_model(model)
    table = units.copy() if isinstance(units, pd.DataFrame) else pd.DataFrame({"text": list(units)})
    if texts is not None:
        if len(texts) != len(table):
            raise OptionError(f"texts has {len(texts)} rows, the units {len(table)}")
        probabilities = np.concatenate([[], *(model.predict_proba(block) for block in texts.blocks())])
    else:
        probabilities = model.predict_proba(_unit_texts(table, documents))
    table[f"{model.label}_probability"] = probabilities
    table[f"{model.label}_predicted"] = probabilities >= model.threshold
    return table


# --- reading coded data ---------------------------------------------------------------------------------

_ARTICLE_COLUMNS = ("article_id", "doc_id")


def _as_label(value: Any) -> bool | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (bool, np.bool_, int, np.integer, float, np.floating)):
        return bool(value)
    text = str(value).strip().lower()
    if text in {"true", "yes", "1", "y", "t"}:
        return True
    if text in {"false", "no", "0", "n", "f"}:
        return False
    if text in {"", "nan", "null", "none"}:
        return None
    try:
        return float(text) > 0
    except ValueError:
        return None


def read_gold(
    path: str | Path | pd.DataFrame,
    *,
    label: str,
    text_col: str = "text",
    group_col: str | None = "auto",
) -> tuple[list[str], np.ndarray, np.ndarray | None]:
    """Texts, boolean labels and article ids of a coded file (JSONL, CSV, TSV, Parquet) or table.

    Units whose label is missing (``null``, empty: the coders did not agree or did not code) are left
    out. ``group_col="auto"`` takes ``article_id``, else a ``doc_id`` shared by several records; None
    makes every unit its own group. Numeric codes count as positive when above 0.
    """
    if isinstance(path, pd.DataFrame):
        frame, source = path, "table"
    else:
        source = str(path)
        frame = _read_table(Path(path))
    coder_columns = [c for c in frame.columns if str(c).startswith(f"{label}__")]
    if label not in frame.columns and coder_columns:
        # a coding sheet: the label is the majority code of the coders (ties and blanks: missing)
        from framing.agreement import majority_codes

        frame = frame.assign(**{label: majority_codes(frame[coder_columns])})
    for column in (text_col, label):
        if column not in frame.columns:
            raise InputError(
                source, f"no column {column!r}", hint=f"columns: {', '.join(map(str, frame.columns))}"
            )
    labels = [_as_label(v) for v in frame[label]]
    keep = np.array([v is not None for v in labels])
    if group_col == "auto":
        group_col = next(
            (c for c in _ARTICLE_COLUMNS if c in frame.columns and frame[c].astype(str).duplicated().any()),
            None,
        )
    elif group_col is not None and group_col not in frame.columns:
        raise InputError(source, f"no group column {group_col!r}")
    texts = ["" if not isinstance(t, str) else t for t in frame.loc[keep, text_col]]
    values = np.array([v for v in labels if v is not None], dtype=bool)
    groups = None
    if group_col is not None:
        column = frame.loc[keep, group_col]
        # a unit without an article id is its own group
        groups = np.array(
            [str(g) if isinstance(g, str) and g else f"__unit_{i}" for i, g in enumerate(column)],
            dtype=object,
        )
    return texts, values, groups


def _read_table(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise InputError(path, "no such file")
    suffix = path.suffix.lower()
    try:
        if suffix in {".jsonl", ".ndjson"}:
            return pd.read_json(path, lines=True, dtype=False)
        if suffix == ".parquet":
            return pd.read_parquet(path)
        if suffix in {".csv", ".tsv"}:
            from framing.coding import read_sheet

            return read_sheet(path)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(path, f"cannot read the coded records: {exc}") from exc
    raise InputError(path, f"unsupported file type {suffix!r}", hint="use JSONL, CSV, TSV or Parquet")


def validate_model(
    model: TextModel, texts: Sequence[str], labels: Sequence[bool] | np.ndarray
) -> dict[str, Any]:
    """ROC AUC, and precision, recall and F1 at the model's threshold, on coded units it did not see."""
    from sklearn.metrics import f1_score, precision_score, recall_score, roc_auc_score

    labels = np.asarray(labels, dtype=bool)
    probabilities = model.predict_proba(list(texts))
    predicted = probabilities >= model.threshold
    both = 0 < labels.sum() < len(labels)
    return {
        "units": len(labels),
        "positives": int(labels.sum()),
        "roc_auc": float(roc_auc_score(labels, probabilities)) if both else float("nan"),
        "precision": float(precision_score(labels, predicted, zero_division=0)),
        "recall": float(recall_score(labels, predicted, zero_division=0)),
        "f1": float(f1_score(labels, predicted, zero_division=0)),
    }


def iter_with_probabilities(
    chunks: Iterable[pd.DataFrame], model: TextModel, **options: Any
) -> Iterable[pd.DataFrame]:
    """:func:`framing.features.iter_features` tables of document chunks, each with ``<label>_probability``.

    ``options`` are those of ``iter_features`` (``matcher``, ``unit``, ``jobs``, ``keep``). Only the
    texts of the chunks in flight are kept, so memory stays bounded.
    """
    from framing.features import iter_features

    texts: dict[str, str] = {}

    def remember(stream: Iterable[pd.DataFrame]) -> Iterable[pd.DataFrame]:
        for chunk in stream:
            texts.update(zip(chunk["doc_id"].astype(str), chunk["text"].fillna(""), strict=True))
            yield chunk

    for table in iter_features(remember(chunks), **options):
        ids = list(dict.fromkeys(table["doc_id"].astype(str)))
        documents = pd.DataFrame({"doc_id": ids, "text": [texts[i] for i in ids]})
        yield add_probabilities(table, model, documents=documents)
        for i in ids:
            texts.pop(i, None)


def prevalence_by_group(
    table: pd.DataFrame,
    label: str,
    *,
    by: str = "outlet",
    weight: str | None = None,
    n_resamples: int = 2000,
    seed: int = 0,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Estimated prevalence of ``label`` per group: the mean ``<label>_probability`` of its units.

    One row per group: ``units``, ``prevalence`` (mean calibrated probability, 0-1; weighted by the
    ``weight`` column when given, e.g. sampling weights), a percentile bootstrap interval resampling
    units within the group (seeded), and ``predicted_share`` (share at the model's threshold).
    """
    column = f"{label}_probability"
    for needed in (column, by):
        if needed not in table.columns:
            raise OptionError(f"no column {needed!r}; add it with add_probabilities (model of {label!r})")
    tail = (1 - confidence) / 2 * 100
    rows = []
    for group, part in table.groupby(by, sort=True):
        # one random stream per group (as in framing.compare): adding a group changes no other interval
        rng = np.random.default_rng([seed, stream_key(group)])
        values = part[column].to_numpy(dtype=float)
        weights = part[weight].to_numpy(dtype=float) if weight else np.ones(len(values))
        means = np.empty(n_resamples)
        step = max(1, 2_000_000 // max(len(values), 1))  # bounded memory for large groups
        for start in range(0, n_resamples, step):
            draws = rng.integers(0, len(values), (min(step, n_resamples - start), len(values)))
            means[start : start + len(draws)] = (values[draws] * weights[draws]).sum(axis=1) / weights[
                draws
            ].sum(axis=1)
        low, high = np.percentile(means, [tail, 100 - tail])
        predicted = part.get(f"{label}_predicted")
        rows.append(
            {
                by: group,
                "label": label,
                "units": len(values),
                "prevalence": float((values * weights).sum() / weights.sum()),
                "ci_low": float(low),
                "ci_high": float(high),
                "predicted_share": float(predicted.mean()) if predicted is not None else float("nan"),
                "n_resamples": n_resamples,
                "seed": seed,
            }
        )
    return pd.DataFrame(rows)


def model_card_markdown(model: TextModel, *, top: int = 10) -> str:
    """The model card as Markdown (for the report): data, size, CV figures, versions, top features."""
    card, cv = model.card, model.card["cv"]
    lines = [
        f"**Supervised measure `{card['label']}`** ({card['unit']} units), trained {card['created']} "
        f"with framing {card['toolkit_version']}; lexicons "
        + ", ".join(f"{n} {v}" for n, v in card.get("lexicon_versions", {}).items()),
        "",
        f"* training data: {card.get('source') or 'table'}, SHA-256 `{card['training_data_sha256'][:16]}…`, "
        f"{card['units']} units, {card['positives']} positive, {card['groups']} groups",
        f"* {cv['folds']}-fold cross-validation grouped by {cv['grouped_by']}: ROC AUC {cv['roc_auc']:.3f}, "
        f"F1 {cv['f1_at_threshold']:.3f} at probability >= {cv['threshold']:.3f}",
        "* most influential features: "
        + ", ".join(f"`{f['feature']}` ({f['weight']:+.2f})" for f in card["top_features"][:top]),
    ]
    if "validation" in card:
        v = card["validation"]
        lines.append(f"* validation on {v['file']}: ROC AUC {v['roc_auc']:.3f}, F1 {v['f1']:.3f}")
    return "\n".join(lines) + "\n"
