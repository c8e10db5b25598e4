"""A count model per cue: incidence-rate ratios between groups, adjusted and with outlet-clustered SEs.

:func:`rate_model` fits, for every cue, a negative-binomial (NB2) regression of the documents' match
counts on the groups with ``log(tokens)`` as offset, so ``exp(coefficient)`` is the **incidence-rate
ratio** (IRR) of a group against the reference group: the factor by which its matches per token differ,
holding the controls fixed. Unlike the pooled ``rate_ratio`` of :func:`~framing.compare.pairwise_contrasts`
it can adjust for controls (weeks since an event, topic or story) and its standard errors can be
clustered by outlet, so 1,300 articles of 13 outlets are not taken for 1,300 independent draws.
"""

from __future__ import annotations

import gc
import logging
import math
import warnings
from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from framing.compare._checks import check_group_column, finish, input_error, parse_dates, prepare_features
from framing.compare._linalg import one_blas_thread
from framing.compare.clustered import MIN_CLUSTERS, cluster_codes
from framing.compare.resampling import benjamini_hochberg
from framing.errors import OptionError

__all__ = ["RATE_MODEL_COLUMNS", "rate_model"]

logger = logging.getLogger("framing.compare")

#: Columns of :func:`rate_model`'s table, in order.
RATE_MODEL_COLUMNS = [
    "cue",
    "group",
    "reference",
    "documents",
    "matches",
    "tokens",
    "n_clusters",
    "irr",
    "ci_low",
    "ci_high",
    "p_value",
    "q_value",
    "model",
    "dispersion",
    "standard_errors",
    "controls",
    "note",
]

NEGATIVE_BINOMIAL = "negative binomial"
QUASI_POISSON = "quasi-Poisson"
#: Below this the NB dispersion sits on its boundary (no extra-Poisson variation, NB is Poisson).
MIN_DISPERSION = 1e-6


def rate_model(
    features: pd.DataFrame,
    *,
    by: str = "outlet",
    cluster: str | None = "outlet",
    controls: Sequence[str] = (),
    event_date: str | None = None,
    cues: Sequence[str] | None = None,
    reference: Hashable | None = None,
    order: Sequence[Hashable] | None = None,
    drop_duplicates: bool = False,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Incidence-rate ratio of every group against a reference group, per cue (a count regression).

    Model, per cue: ``count ~ NegativeBinomial(mu, alpha)`` with ``log(mu) = log(tokens) + b0 +
    b_group + controls`` (statsmodels ``NegativeBinomial``, NB2, dispersion ``alpha`` estimated). When it
    fails, does not converge, or puts ``alpha`` on its boundary 0 (below ``1e-6``: no extra-Poisson
    variation, where a quasi-Poisson scale also captures under-dispersion), a quasi-Poisson model
    (Poisson GLM, scale = Pearson X2 / df) is fitted instead and the ``model`` column says why.

    * ``by``: the group column; ``reference``: the group the others are compared with (default: the
      first group in sorted order or in ``order``).
    * ``controls``: further columns of ``features``; numeric ones enter linearly, others (topic, story
      cluster) as fixed effects (one indicator per value but the first). ``event_date`` (``YYYY-MM-DD``)
      adds ``weeks_since_event`` = (document date − event date) in weeks; documents without a date are
      then left out and counted in ``attrs["undated_documents"]``.
    * ``cluster``: standard errors are cluster-robust by this column (``"outlet"``) when groups hold
      several outlets (small-sample corrected, t with ``clusters − 1`` degrees of freedom). When each
      group is one outlet (``by="outlet"``) a cluster-robust SE of a group effect does not exist, so the
      model's own SEs are used; ``standard_errors`` says which. A group (or the reference) with fewer
      than :data:`~framing.compare.clustered.MIN_CLUSTERS` outlets gets its IRR but no interval and no
      p-value (``note``).

    Returns one row per (cue, non-reference group): ``cue``, ``group``, ``reference``, ``documents``,
    ``matches``, ``tokens`` (of the group), ``n_clusters`` (outlets of the group; NaN without
    clustering), ``irr`` (unitless ratio of rates per token), ``ci_low``/``ci_high`` (``confidence``
    interval of the IRR), ``p_value`` (Wald test of IRR = 1), ``q_value`` (Benjamini–Hochberg over the
    table), ``model``, ``dispersion`` (NB ``alpha``, or the quasi-Poisson scale), ``standard_errors``,
    ``controls`` and ``note``. A group with no match of a cue has no finite IRR: its row is NaN with a
    note and its documents are left out of that cue's fit.

    >>> table = rate_model(features, by="leaning", controls=["topic"])  # doctest: +SKIP
    >>> table[["cue", "group", "n_clusters", "irr", "ci_low", "ci_high", "q_value"]]  # doctest: +SKIP
    """
    _count_models()  # fails here, not mid-loop, when statsmodels is missing

    check_group_column(by)
    if isinstance(controls, str):
        controls = [controls]
    controls = list(controls)
    if not 0 < confidence < 1:
        raise OptionError(f"confidence must be strictly between 0 and 1, got {confidence!r}")
    for name in controls:
        if name not in features.columns:
            raise OptionError(
                f"control {name!r} is not a column of the feature table "
                f"(columns: {', '.join(map(str, features.columns))})"
            )
        if name in (by, cluster):
            raise OptionError(f"control {name!r} is also the group or cluster column")
    keep = [c for c in (cluster, *controls) if c is not None]
    data, cue_list, groups, meta = prepare_features(
        features, cues=cues, by=by, order=order, drop_duplicates=drop_duplicates, keep=keep
    )
    if len(groups) < 2:
        raise OptionError(f"rate_model needs at least 2 groups in {by!r}, found {len(groups)}")
    if reference is None:
        reference = groups[0]
    elif reference not in groups:
        raise OptionError(f"reference {reference!r} is not a group of {by!r} (groups: {groups})")
    design_controls = _controls(data, controls, event_date)
    dated = design_controls["weeks_since_event"].notna() if event_date else pd.Series(True, data.index)
    undated = int((~dated).sum())
    if undated:
        logger.warning("rate_model: %d document(s) without a date left out (event_date given)", undated)
        data = data[dated].reset_index(drop=True)
        design_controls = design_controls[dated].reset_index(drop=True)
    codes = cluster_codes(data, by, cluster)
    others = [g for g in groups if g != reference]
    clusters_of = _clusters_per_group(data, codes, groups)
    control_label = ", ".join([*controls, *(["weeks_since_event"] if event_date else [])]) or "none"
    rows: list[dict[str, Any]] = []
    for cue in cue_list:
        rows += _fit_cue(
            data, cue, by, reference, others, design_controls, (cluster, codes), clusters_of, confidence,
            control_label,
        )  # fmt: skip
        # a fitted statsmodels model and its results refer to each other: only the cycle collector frees
        # them, with their copies of the design matrix, and it runs by object counts, not bytes: without
        # this the fits piled up (five cues at 126,750 documents: tracemalloc peak 151 MB, 72 MB with it)
        gc.collect()
    out = pd.DataFrame(rows, columns=RATE_MODEL_COLUMNS)
    out["q_value"] = benjamini_hochberg(out["p_value"].to_numpy(dtype=float))
    meta.update(undated_documents=undated, reference=reference, cluster=None if codes is None else cluster)
    return finish(out, meta, confidence=confidence)


def _controls(data: pd.DataFrame, controls: list[str], event_date: str | None) -> pd.DataFrame:
    """The control columns as a numeric design block (fixed-effect indicators for text columns)."""
    blocks = []
    for name in controls:
        column = data[name]
        if column.isna().any():
            raise input_error(
                "feature table",
                f"control {name!r} is missing for {int(column.isna().sum())} document(s)",
                "fill it (e.g. 'unknown') or leave the control out",
            )
        if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
            blocks.append(column.astype(float).rename(name).to_frame())
        else:
            dummies = pd.get_dummies(column.astype(str), prefix=name, prefix_sep="=", dtype=float)
            blocks.append(dummies.iloc[:, 1:])  # the first value is the baseline
    if event_date is not None:
        try:
            event = pd.Timestamp(event_date)
        except (ValueError, TypeError) as exc:
            raise OptionError(f"event_date must be a date YYYY-MM-DD, got {event_date!r}") from exc
        if "date" not in data.columns:
            raise input_error("feature table", "event_date needs a 'date' column", "load dated documents")
        dates = parse_dates(data["date"])
        blocks.append(((dates - event).dt.days / 7).rename("weeks_since_event").to_frame())
    if not blocks:
        return pd.DataFrame(index=data.index)
    return pd.concat(blocks, axis=1)


def _clusters_per_group(data: pd.DataFrame, codes: np.ndarray | None, groups: list[Hashable]) -> dict:
    if codes is None:
        return {}
    positions = data["_group_pos"].to_numpy()
    return {g: int(np.unique(codes[positions == i]).size) for i, g in enumerate(groups)}


def _fit_cue(
    data: pd.DataFrame,
    cue: str,
    by: str,
    reference: Hashable,
    others: list[Hashable],
    design_controls: pd.DataFrame,
    clustering: tuple[str | None, np.ndarray | None],
    clusters_of: dict,
    confidence: float,
    control_label: str,
) -> list[dict[str, Any]]:
    cluster, codes = clustering
    counts = data[f"{cue}_count"].to_numpy(dtype=float)
    group_values = data[by]
    matches = pd.Series(counts).groupby(group_values.to_numpy()).sum()
    silent = [g for g in [reference, *others] if matches.get(g, 0) == 0]
    rows = {
        g: {
            "cue": cue,
            "group": g,
            "reference": reference,
            "documents": int((group_values == g).sum()),
            "matches": int(matches.get(g, 0)),
            "tokens": int(data.loc[group_values == g, "tokens"].sum()),
            "n_clusters": clusters_of.get(g, np.nan),
            "irr": np.nan,
            "ci_low": np.nan,
            "ci_high": np.nan,
            "p_value": np.nan,
            "model": "",
            "dispersion": np.nan,
            "standard_errors": "",
            "controls": control_label,
            "note": "",
        }
        for g in others
    }
    if reference in silent:
        for row in rows.values():
            row["note"] = f"not estimable: the reference {reference} has no {cue} match"
        return list(rows.values())
    fitted = [g for g in others if g not in silent]
    for g in silent:
        rows[g]["note"] = f"not estimable: no {cue} match in {g} (rate ratio 0)"
    keep = group_values.isin([reference, *fitted]).to_numpy()
    X = pd.concat(
        [
            pd.DataFrame({"const": 1.0}, index=data.index),
            pd.DataFrame({f"g={g}": (group_values == g).astype(float) for g in fitted}, index=data.index),
            design_controls,
        ],
        axis=1,
    )[keep]
    X = X.loc[:, (X != 0).any(axis=0)]  # a control value seen only in left-out documents
    y, offset = counts[keep], np.log(data["tokens"].to_numpy(dtype=float)[keep])
    groups_arg = None if codes is None else codes[keep]
    try:
        result, model, dispersion = _fit(y, X, offset, groups_arg)
    except _fit_errors() as exc:
        # e.g. identical documents: no variation, Pearson X2 = 0, the quasi-Poisson scale is undefined
        logger.warning("rate_model: %s could not be fitted: %s", cue, exc)
        for g in fitted:
            rows[g]["note"] = f"not estimable: the count model could not be fitted ({str(exc)[:80]})"
        return list(rows.values())
    if codes is None:
        se_label = "model-based"
    else:
        se_label = f"cluster-robust by {cluster} ({int(np.unique(groups_arg).size)} clusters)"
    alpha = 1 - confidence
    intervals = np.asarray(result.conf_int(alpha=alpha))
    names = list(X.columns)
    params, pvalues = np.asarray(result.params), np.asarray(result.pvalues)
    for g in fitted:
        k = names.index(f"g={g}")
        row = rows[g]
        row.update(model=model, dispersion=dispersion, standard_errors=se_label, irr=math.exp(params[k]))
        few = [
            name for name in (g, reference) if codes is not None and clusters_of.get(name, 0) < MIN_CLUSTERS
        ]
        if few:
            row["note"] = (
                f"no interval or p-value: fewer than {MIN_CLUSTERS} clusters in {', '.join(map(str, few))}"
            )
            continue
        row.update(
            ci_low=math.exp(intervals[k, 0]), ci_high=math.exp(intervals[k, 1]), p_value=float(pvalues[k])
        )
    return list(rows.values())


def _count_models() -> tuple[type[Any], type[Any], type[Any]]:
    """statsmodels' ``NegativeBinomial``, ``GLM`` and ``Poisson`` family, from their own modules.

    ``statsmodels.api`` would import the whole package (time series, formulas, plotting): 0.92 s of CPU
    against 0.57-0.62 s for these three, in a process that has imported the report's modules.
    """
    from statsmodels.discrete.discrete_model import NegativeBinomial
    from statsmodels.genmod.families import Poisson
    from statsmodels.genmod.generalized_linear_model import GLM

    return NegativeBinomial, GLM, Poisson


def _fit_errors() -> tuple[type[BaseException], ...]:
    """What statsmodels raises on data a count model cannot fit (no variation, separation, singularity)."""
    from statsmodels.tools.sm_exceptions import PerfectSeparationError

    return (ValueError, ArithmeticError, np.linalg.LinAlgError, PerfectSeparationError)


def _fit(
    y: np.ndarray, X: pd.DataFrame, offset: np.ndarray, clusters: np.ndarray | None
) -> tuple[Any, str, float]:
    """Negative binomial with a fallback to quasi-Poisson: (result, model label, dispersion)."""
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, HessianInversionWarning

    negative_binomial, glm, poisson = _count_models()

    robust: dict[str, Any] = (
        {"cov_type": "nonrobust"}
        if clusters is None
        else {"cov_type": "cluster", "cov_kwds": {"groups": clusters}, "use_t": True}
    )
    # one BLAS thread: the same estimates on any number of cores (framing.compare._linalg)
    with warnings.catch_warnings(), one_blas_thread():
        warnings.simplefilter("ignore", (ConvergenceWarning, HessianInversionWarning, RuntimeWarning))
        why = "negative binomial did not converge"
        try:
            nb = negative_binomial(y, X, offset=offset, loglike_method="nb2")
            result = nb.fit(disp=0, maxiter=200, **robust)
            alpha = float(result.params.iloc[-1])
            converged = bool(result.mle_retvals.get("converged", False))
            if np.isfinite(alpha) and alpha < MIN_DISPERSION:
                # On the boundary the likelihood flattens as alpha goes to 0, and whether the optimiser
                # then says "converged" depends on the last bits of its arithmetic: on the bundled
                # corpus the same fit (alpha ~1e-8) converged with one CPU's BLAS kernels and not with
                # another's. Either way the data show no extra-Poisson variation.
                why = "negative binomial dispersion at its boundary 0"
            elif converged and np.all(np.isfinite(result.bse)) and np.isfinite(alpha):
                return result, NEGATIVE_BINOMIAL, alpha
        except _fit_errors():
            pass
        result = glm(y, X, family=poisson(), offset=offset).fit(scale="X2", **robust)
    return result, f"{QUASI_POISSON} ({why})", float(result.scale)
