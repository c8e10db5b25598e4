"""The scikit-learn face of the toolkit: :class:`FramingCues`, raw texts in, cue features out.

Kept apart from :mod:`framing.features` so that the command line and the library do not import
scikit-learn unless a transformer is used.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

from framing.errors import OptionError
from framing.features import LexiconSpec, build_matcher, extract, feature_columns

__all__ = ["FramingCues"]


class FramingCues(TransformerMixin, BaseEstimator):
    """A scikit-learn transformer: raw texts in, one row of cue features per text out.

    Parameters are stored as given (scikit-learn convention); lexicons are read and compiled in
    :meth:`fit`.

    Args:
        lexicons: extra lexicon files or :class:`Lexicon` objects (None: the built-in lexicons only).
        replace_lexicons: use only ``lexicons`` (plus built-in negators).
        measure: ``"rate"`` (per 1,000 tokens), ``"count"`` or ``"present"``.
        subcategories: include the subcategory columns.
        negation_window: tokens before a match searched for a negator.

    >>> from sklearn.pipeline import make_pipeline                               # doctest: +SKIP
    >>> from sklearn.linear_model import LogisticRegression                      # doctest: +SKIP
    >>> model = make_pipeline(FramingCues(), LogisticRegression()).fit(texts, labels)  # doctest: +SKIP
    """

    def __init__(
        self,
        lexicons: Sequence[LexiconSpec] | None = None,
        *,
        replace_lexicons: bool = False,
        measure: Literal["rate", "count", "present"] = "rate",
        subcategories: bool = True,
        negation_window: int = 4,
    ) -> None:
        self.lexicons = lexicons
        self.replace_lexicons = replace_lexicons
        self.measure = measure
        self.subcategories = subcategories
        self.negation_window = negation_window

    def fit(self, X: Iterable[str], y: Any = None) -> FramingCues:
        """Compile the lexicons; the texts are not needed (the features are not learned)."""
        if self.measure not in ("rate", "count", "present"):
            raise OptionError(f"measure must be 'rate', 'count' or 'present', not {self.measure!r}")
        self.matcher_ = build_matcher(
            self.lexicons, replace=self.replace_lexicons, negation_window=self.negation_window
        )
        suffix = "_" + self.measure
        columns = [c for c in feature_columns(self.matcher_) if c.endswith(suffix)]
        if not self.subcategories:
            columns = [c for c in columns if c.removesuffix(suffix) in self.matcher_.families]
        self.feature_names_out_ = np.asarray(columns, dtype=object)
        self.n_features_in_ = 1
        return self

    def transform(self, X: Iterable[str]) -> np.ndarray:
        """Cue features of each text, as a float array of shape (n_texts, n_features)."""
        if not hasattr(self, "matcher_"):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError("FramingCues is not fitted yet; call fit first")
        texts = X.tolist() if isinstance(X, (pd.Series, np.ndarray)) else list(X)
        table = extract(texts, matcher=self.matcher_)
        return table[list(self.feature_names_out_)].to_numpy(dtype=float)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Names of the output columns, e.g. ``hedging_rate``, ``emotive_fear_rate``."""
        if not hasattr(self, "feature_names_out_"):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError("FramingCues is not fitted yet; call fit first")
        return self.feature_names_out_.copy()
