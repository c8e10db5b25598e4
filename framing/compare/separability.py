"""Separability: can a classifier tell the groups apart from their cue rates alone?"""

from __future__ import annotations

import logging
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from framing.compare._checks import check_jobs, check_seed, finish, prepare_features
from framing.compare._linalg import one_blas_thread
from framing.compare.clustered import cluster_codes
from framing.errors import OptionError
from framing.parallel import call_task, task_pool

__all__ = ["Separability", "separability"]

logger = logging.getLogger("framing.compare")


@dataclass
class Separability:
    """How well the cue rates tell the groups apart (result of :func:`separability`).

    ``summary``: one row with cross-validated ``macro_f1`` (mean over folds), ``macro_f1_sd`` (sample SD
    over folds), ``baseline_macro_f1`` (majority-class classifier, same folds), ``stratified_macro_f1``
    and ``uniform_macro_f1`` (chance: guessing in proportion to the training groups' sizes, or uniformly,
    same folds), ``accuracy``,
    ``baseline_accuracy``, ``n_splits``, ``documents``, ``groups``, ``cues``, ``dropped_groups`` and
    ``seed``. ``folds``: one row per fold with the same scores and ``test_documents``.
    ``features``: ``group``, ``feature`` (cue whose rate per 1,000 tokens is used), ``coefficient`` (of the
    logistic regression refit on all documents, per standard deviation of the rate) and ``rank``
    (1 = strongest evidence *for* the group). ``dropped_groups``: groups with fewer than 2 documents,
    left out.
    """

    summary: pd.DataFrame
    features: pd.DataFrame
    folds: pd.DataFrame
    dropped_groups: list[Hashable] = field(default_factory=list)


def separability(
    features: pd.DataFrame,
    *,
    cues: Sequence[str] | None = None,
    by: str = "outlet",
    order: Sequence[Hashable] | None = None,
    n_splits: int = 5,
    seed: int = 0,
    top_n: int | None = None,
    drop_duplicates: bool = False,
    cluster: str | None = None,
    jobs: int = 1,
) -> Separability:
    """Can a classifier tell the groups apart from the cue rates alone? Cross-validated macro-F1.

    Model: ``StandardScaler`` then multinomial ``LogisticRegression`` (L2, C = 1) on the ``<cue>_rate``
    columns (per 1,000 tokens). Evaluation: ``StratifiedKFold(n_splits=min(n_splits, smallest group
    size), shuffle=True, random_state=seed)``; the baselines are ``DummyClassifier`` s on the same folds:
    majority class (``baseline_*``), ``stratified`` and ``uniform`` random guesses (``random_state=seed``),
    which give the chance level a macro-F1 should beat (the majority class alone scores a low macro-F1
    with many groups, so beating it says little). Macro-F1 (unweighted mean of per-group F1, 0 to 1) is
    computed per fold and averaged.

    Groups with fewer than 2 documents cannot be cross-validated: they are **dropped** with a logged
    warning and listed in ``result.dropped_groups`` (and the summary's ``dropped_groups``); fewer than 2
    remaining groups raise :class:`~framing.errors.OptionError`. ``top_n`` keeps the ``top_n`` highest
    coefficients per group in ``result.features`` (default: all). With two groups the model has one
    coefficient vector, reported for the second group, and its negation for the first.

    ``cluster`` (e.g. ``"outlet"`` when ``by="leaning"``): when groups hold several outlets, the folds
    keep each outlet whole (``StratifiedGroupKFold``, ``n_splits`` at most the fewest outlets of a
    group), so the classifier is scored on outlets it never saw and cannot score by recognising an
    outlet's house style. The summary then gains ``cluster`` and ``n_clusters``. With fewer than 2
    outlets in a group, documents are split as above (logged).

    Every fit uses one BLAS thread, so the tables are the same on any number of cores. ``jobs > 1``: with
    :data:`PARALLEL_MIN_GROUPS` groups or more, the folds are fitted in that many worker processes while
    this one fits the model on all documents; the tables are those of ``jobs=1``.

    >>> result = separability(features, seed=0)  # doctest: +SKIP
    >>> result.summary[["macro_f1", "baseline_macro_f1"]]  # doctest: +SKIP
    """
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

    check_seed(seed)
    check_jobs(jobs)
    if isinstance(n_splits, bool) or not isinstance(n_splits, (int, np.integer)) or n_splits < 2:
        raise OptionError(f"n_splits must be an integer >= 2, got {n_splits!r}")
    data, cue_list, groups, meta = prepare_features(
        features, cues=cues, by=by, order=order, drop_duplicates=drop_duplicates,
        keep=() if cluster is None else (cluster,),
    )  # fmt: skip
    sizes = data.groupby("_group_pos").size()
    dropped = [groups[i] for i in range(len(groups)) if sizes.get(i, 0) < 2]
    if dropped:
        logger.warning("separability: group(s) with fewer than 2 documents left out: %s", dropped)
        keep_pos = [i for i, g in enumerate(groups) if g not in dropped]
        data = data[data["_group_pos"].isin(keep_pos)]
        groups = [g for g in groups if g not in dropped]
        meta["groups"] = list(groups)
    if len(groups) < 2:
        raise OptionError(
            f"separability needs at least 2 groups with 2+ documents in {by!r}, found {len(groups)}; "
            "compare by another column or add documents"
        )
    X = data[[f"{c}_rate" for c in cue_list]].to_numpy(dtype=float)
    y = data["_group_pos"].to_numpy()
    labels = np.arange(len(groups))
    splits = int(min(n_splits, data.groupby("_group_pos").size().min()))
    folds: Any = StratifiedKFold(n_splits=splits, shuffle=True, random_state=seed)
    codes = cluster_codes(data.assign(_group_pos=y), by, cluster)
    whole: dict[str, Any] = {}
    if codes is not None:
        fewest = int(min(np.unique(codes[y == g]).size for g in np.unique(y)))
        if fewest >= 2:
            splits = min(splits, fewest)
            folds = StratifiedGroupKFold(n_splits=splits, shuffle=True, random_state=seed)
            whole = {"cluster": cluster, "n_clusters": int(np.unique(codes).size)}
        else:
            logger.warning("separability: a group has one %s only; folds split documents", cluster)

    task = _Folds(X, y, labels, seed)
    numbered = list(enumerate(folds.split(X, y, groups=codes), start=1))
    if jobs > 1 and len(groups) >= PARALLEL_MIN_GROUPS:
        with task_pool(task, int(jobs)) as pool:
            pending = [pool.submit(call_task, "row", number, *split) for number, split in numbered]
            fitted = task.fit_all()
            fold_rows = [future.result() for future in pending]
    else:
        fold_rows = [task.row(number, train, test) for number, (train, test) in numbered]
        fitted = task.fit_all()
    fold_table = pd.DataFrame(fold_rows)
    summary = pd.DataFrame(
        [
            {
                "macro_f1": fold_table["macro_f1"].mean(),
                "macro_f1_sd": fold_table["macro_f1"].std(ddof=1),
                "baseline_macro_f1": fold_table["baseline_macro_f1"].mean(),
                "stratified_macro_f1": fold_table["stratified_macro_f1"].mean(),
                "uniform_macro_f1": fold_table["uniform_macro_f1"].mean(),
                "accuracy": fold_table["accuracy"].mean(),
                "baseline_accuracy": fold_table["baseline_accuracy"].mean(),
                "n_splits": splits,
                "documents": len(data),
                "groups": len(groups),
                "cues": len(cue_list),
                "dropped_groups": len(dropped),
                "seed": seed,
                **whole,
            }
        ]
    )
    coef = fitted[-1].coef_
    if coef.shape[0] == 1:  # binary: one vector, for the second class
        coef = np.vstack([-coef[0], coef[0]])
    class_names = [groups[int(c)] for c in fitted[-1].classes_]
    feature_rows = []
    for name, row in zip(class_names, coef, strict=True):
        ranking = np.argsort(-row, kind="mergesort")
        for rank, k in enumerate(ranking, start=1):
            if top_n is not None and rank > top_n:
                break
            feature_rows.append({"group": name, "feature": cue_list[k], "coefficient": row[k], "rank": rank})
    feature_table = pd.DataFrame(feature_rows, columns=["group", "feature", "coefficient", "rank"])
    extra = {"seed": seed, "n_splits": splits, "dropped_groups": list(dropped)}
    return Separability(
        summary=finish(summary, meta, **extra),
        features=finish(feature_table, meta, **extra),
        folds=finish(fold_table, meta, **extra),
        dropped_groups=list(dropped),
    )


#: Groups from which :func:`separability` with ``jobs > 1`` fits its folds in worker processes. With the
#: 12 outlets a report compares by default the step took about 0.75 s of CPU at 20,000 AllSides articles;
#: with all 124 outlets of two or more articles, 15-17 s in the report's last steps, where the other core
#: had little to do.
PARALLEL_MIN_GROUPS = 21


def _model() -> Any:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=5000))


@dataclass(frozen=True)
class _Folds:
    """The rates (``X``), group positions (``y``) and labels every fold of :func:`separability` reads."""

    X: np.ndarray
    y: np.ndarray
    labels: np.ndarray
    seed: int

    def fit_all(self) -> Any:
        """The model fitted on every document, with one BLAS thread like the folds' fits: with the BLAS
        library's own threads its coefficients depended on the machine's cores (on the 20,000 AllSides
        articles with 124 outlets, two threads gave other last bits than one, and took 8.8 s of CPU
        against 2.6 s)."""
        with one_blas_thread():
            return _model().fit(self.X, self.y)

    def row(self, number: int, train: np.ndarray, test: np.ndarray) -> dict[str, Any]:
        """The scores of fold ``number``: the model and the chance baselines fitted on ``train``."""
        from sklearn.dummy import DummyClassifier
        from sklearn.metrics import accuracy_score, f1_score

        X, y, labels, seed = self.X, self.y, self.labels, self.seed
        with one_blas_thread():  # the same fit on any number of cores (framing.compare._linalg)
            predicted = _model().fit(X[train], y[train]).predict(X[test])
        dummy = DummyClassifier(strategy="most_frequent").fit(X[train], y[train]).predict(X[test])
        chance = {
            f"{strategy}_macro_f1": f1_score(
                y[test],
                DummyClassifier(strategy=strategy, random_state=seed)
                .fit(X[train], y[train])
                .predict(X[test]),
                labels=labels,
                average="macro",
                zero_division=0,
            )
            for strategy in ("stratified", "uniform")
        }
        return {
            "fold": number,
            "test_documents": len(test),
            "macro_f1": f1_score(y[test], predicted, labels=labels, average="macro", zero_division=0),
            "baseline_macro_f1": f1_score(y[test], dummy, labels=labels, average="macro", zero_division=0),
            **chance,
            "accuracy": accuracy_score(y[test], predicted),
            "baseline_accuracy": accuracy_score(y[test], dummy),
        }
