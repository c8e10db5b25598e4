"""The report's supervised measure: each compared group's estimated prevalence of a trained model's label.

Given a model from ``framing train`` (:mod:`framing.supervised`), :func:`model_prevalence` scores every
analysed document and estimates, per group, the share of documents carrying the model's label (the mean
calibrated probability, 0-1) with a percentile bootstrap interval; the report shows it in a section of
its own, marked as coming from the model and not from the lexicons, with the model card beside it.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Hashable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from framing.spool import DocumentTexts, TextSpool
from framing.supervised import (
    TextModel,
    add_probabilities,
    load_model,
    model_card_markdown,
    prevalence_by_group,
)

__all__ = [
    "as_model",
    "card_markdown",
    "json_safe",
    "model_prevalence",
    "model_section_html",
    "model_section_markdown",
]

logger = logging.getLogger(__name__)

#: Columns of the ``model_prevalence`` table after the group column.
PREVALENCE_COLUMNS = ["units", "prevalence", "ci_low", "ci_high", "predicted_share", "label", "seed",
                      "n_resamples"]  # fmt: skip


def as_model(model: TextModel | str | Path) -> TextModel:
    """``model`` itself, or the model saved in the folder ``model`` (refused with InputError if invalid)."""
    return model if isinstance(model, TextModel) else load_model(model)


def json_safe(value: Any) -> Any:
    """``value`` with numpy scalars and arrays, tuples and paths turned into plain JSON types."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, np.ndarray):
        return [json_safe(v) for v in value.tolist()]
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def model_prevalence(
    features: pd.DataFrame,
    documents: pd.DataFrame,
    model: TextModel,
    *,
    by: str,
    groups: list[Hashable],
    seed: int,
    n_resamples: int,
    spool: TextSpool | None = None,
) -> pd.DataFrame:
    """One row per compared group: the model's estimated prevalence of its label among the documents.

    ``features`` is the report's per-document table (already without syndicated copies when the report
    drops them) and ``documents`` the documents it was measured on, row for row (a spooled table's texts
    are read from ``spool`` a block at a time: the model scores each document on its own, so the
    probabilities are those of one call on all texts). Columns: ``by``, ``units`` (documents),
    ``prevalence`` (mean calibrated probability, 0-1), ``ci_low``/``ci_high`` (95% percentile bootstrap
    over documents, one seeded stream per group), ``predicted_share`` (share at the model's threshold,
    0-1), ``label``, ``seed``, ``n_resamples``.
    """
    if model.card.get("unit") != "document":
        logger.warning(
            "the model was trained on %s units and is applied to whole documents here", model.card.get("unit")
        )
    spooled = spool is not None and "text" not in documents.columns
    texts = DocumentTexts(documents, spool) if spooled else None
    scored = add_probabilities(features, model, documents=None if spooled else documents, texts=texts)
    table = prevalence_by_group(scored, model.label, by=by, n_resamples=n_resamples, seed=seed)
    table = table[table[by].isin(groups)]
    return table[[by, *PREVALENCE_COLUMNS]].reset_index(drop=True)


_NOTE = (
    "These figures come from a supervised model trained on hand-coded examples, not from the lexicons: "
    "prevalence is the mean calibrated probability (0-1) that a document of the {by} carries the label "
    "{label}, with a 95% bootstrap interval over documents; predicted share counts documents at or "
    "above the model's threshold."
)


def model_section_markdown(card_markdown: str, table: pd.DataFrame, by: str, markdown_table: Any) -> str:
    """The report.md section "Supervised measure": the note, the model card and the prevalence table.

    ``markdown_table`` renders a DataFrame as an escaped Markdown table (the report's own renderer).
    """
    label = str(table["label"].iloc[0]) if len(table) else ""
    note = _NOTE.format(by=by.replace("_", " "), label=f"`{label.replace('`', '')}`")
    # the card is Markdown written by framing, but the training file's name and the feature names come
    # from users' data: raw HTML in them is made inert, as everywhere in report.md
    card = html.escape(card_markdown, quote=False)
    return "\n".join(["## Supervised measure", "", note, "", card, markdown_table(table), ""])


def model_section_html(card_markdown: str, table: pd.DataFrame, by: str, html_table: Any) -> str:
    """The page's section "Supervised measure"; the card (Markdown text) is shown escaped, verbatim."""
    label = str(table["label"].iloc[0]) if len(table) else ""
    note = html.escape(_NOTE.format(by=by.replace("_", " "), label=f"“{label}”"))
    return (
        '</details><details class="section" id="supervised" open>'
        "<summary><h2>Supervised measure</h2></summary>"
        f'<p class="note">{note}</p><pre class="model-card">{html.escape(card_markdown)}</pre>'
        f"<h3>Estimated prevalence per {html.escape(by.replace('_', ' '))}</h3>{html_table(table)}"
        '<p><a href="tables/model_prevalence.csv">model_prevalence.csv</a></p>'
    )


def card_markdown(card: dict[str, Any]) -> str:
    """:func:`framing.supervised.model_card_markdown` of a model card kept in the report's metadata."""
    return model_card_markdown(_CardOnly(card))  # type: ignore[arg-type]


class _CardOnly:
    """model_card_markdown reads only ``.card``: the report keeps the card, not the model's weights."""

    def __init__(self, card: dict[str, Any]) -> None:
        self.card = card
