"""The outlet-comparison report: every statistic, chart and quoted sentence in one folder.

:func:`analyse` runs the whole analysis on a corpus and returns its tables (tidy DataFrames, the same
ones the report writes as CSV) and the findings stated in words; :func:`write_report` writes them as

* ``index.html`` - one self-contained page (images beside it under ``figures/``, no network access):
  summary in words, charts, tables, and for each outlet and cue the most typical sentences with the
  matched terms highlighted. Every piece of corpus text is HTML-escaped;
* ``report.md`` - the same summary and the main tables;
* ``tables/*.csv`` - every table the charts and the summary are drawn from;
* ``figures/*.png`` and ``figures/*.svg``;
* ``metadata.json`` - toolkit and lexicon versions, parameters, seed, corpus content hash and counts.

The folder is written atomically: everything goes to a temporary folder beside the target, which then
replaces the previous report in two renames, so a failed run leaves the previous report intact. Same
corpus, same parameters, same seed: byte-identical tables and metadata.

>>> import framing.report
>>> report = framing.report.build_report("corpora/crocus", "reports/crocus")   # doctest: +SKIP
>>> report.tables["cue_rates"].head()                                          # doctest: +SKIP
"""

from __future__ import annotations

import html
import json
import logging
import math
import os
import platform
import secrets
import shutil
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from framing import charts, compare
from framing.corpus import Corpus, load_corpus
from framing.cues.blame import ATTRIBUTION_COLUMNS, ActorFinder, document_attributions
from framing.dedup import is_syndicated_copy
from framing.errors import OptionError
from framing.features import build_matcher, extract
from framing.lexicon import CUE_FAMILIES
from framing.matcher import CueMatcher

__all__ = [
    "REPORT_STEPS",
    "Analysis",
    "Example",
    "Finding",
    "Report",
    "analyse",
    "build_report",
    "grouped_features",
    "write_report",
]

logger = logging.getLogger(__name__)

#: The labelled steps reported to a ``progress`` callback, in order.
REPORT_STEPS = (
    "measuring cues",
    "rates and bootstrap intervals",
    "permutation tests",
    "blame attribution",
    "distinctive wording",
    "separability",
    "example sentences",
    "charts",
    "writing",
)
#: Findings are called differences only below this Benjamini-Hochberg q-value.
ALPHA = 0.05
#: Example sentences longer than this many characters are passed over when a shorter one is as typical.
_LONG_SENTENCE = 400

Progress = Callable[[str], None]


# ----------------------------------------------------------------------------------------------------
# Results
# ----------------------------------------------------------------------------------------------------


@dataclass
class Example:
    """One quoted sentence: where it comes from and which character spans (within it) to highlight."""

    group: Hashable
    cue: str
    doc_id: str
    sentence_id: int
    sentence: str
    spans: list[tuple[int, int]]
    note: str = ""


@dataclass
class Finding:
    """One statement of the summary, in plain text, with the sentences that show it."""

    topic: str
    text: str
    examples: list[Example] = field(default_factory=list)


@dataclass
class Analysis:
    """Everything the report shows: ``tables`` (name -> tidy DataFrame), ``findings`` and ``metadata``."""

    corpus: Corpus
    by: str
    groups: list[Hashable]
    cues: list[str]
    tables: dict[str, pd.DataFrame]
    findings: list[Finding]
    examples: list[Example]
    metadata: dict[str, Any]


@dataclass
class Report:
    """A written report: its folder, the analysis it shows, and the files written (relative paths)."""

    path: Path
    analysis: Analysis
    files: list[str]

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        return self.analysis.tables

    @property
    def findings(self) -> list[Finding]:
        return self.analysis.findings


# ----------------------------------------------------------------------------------------------------
# Analysis
# ----------------------------------------------------------------------------------------------------


def _fmt(value: float, digits: int = 1) -> str:
    return (
        "n/a" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.{digits}f}"
    )


def _fmt_q(q: float) -> str:
    if q is None or math.isnan(q):
        return "n/a"
    return "< 0.001" if q < 0.001 else f"= {q:.3f}"


def _match_documents(
    documents: pd.DataFrame, by: str, matcher: CueMatcher, actors: Mapping[str, Sequence[str]]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One matcher pass over every document: the match rows (with their sentence) and the blame rows.

    Match rows: ``doc_id, <by>, sentence_id, start, end, cue, subcategory, term, negated,
    sentence_start, sentence`` (negated matches included). Blame rows: as
    :func:`framing.blame_attributions`, with the ``<by>`` column.
    """
    finder = ActorFinder(actors)
    rows: list[tuple[Any, ...]] = []
    attributions: list[dict[str, Any]] = []
    for record in documents.to_dict("records"):
        text, group = record["text"], record[by]
        found = matcher.match(text)
        attributions.extend(dict(row, _group=group) for row in document_attributions(record, found, finder))
        for match in found.matches:
            start, end = found.sentences[match.sentence_id]
            entry = match.entry
            rows.append(
                (str(record["doc_id"]), group, match.sentence_id, match.start, match.end, entry.category,
                 entry.subcategory, entry.term, match.negated, start, text[start:end])
            )  # fmt: skip
    columns = [
        "doc_id", by, "sentence_id", "start", "end", "cue", "subcategory", "term", "negated",
        "sentence_start", "sentence",
    ]  # fmt: skip
    blame = pd.DataFrame(attributions, columns=[*ATTRIBUTION_COLUMNS, "_group"])
    if by in ATTRIBUTION_COLUMNS:
        blame = blame.drop(columns="_group")
    else:
        blame = blame.rename(columns={"_group": by})
    return pd.DataFrame(rows, columns=columns), blame


def _typical_examples(
    matches: pd.DataFrame, by: str, groups: list[Hashable], cues: list[str], per_cue: int
) -> list[Example]:
    """For each group and cue, the sentences that use the group's most frequent terms of that cue.

    A sentence scores the summed share (within the group and cue) of the distinct terms it matches, so
    it is typical when it uses the words the group uses most; ties go to the shorter sentence, then to
    document and sentence order. At most one sentence per document, negated matches left out.
    """
    examples: list[Example] = []
    positive = matches[~matches["negated"]]
    for group in groups:
        for cue in cues:
            subset = positive[(positive[by] == group) & (positive["cue"] == cue)]
            if subset.empty:
                continue
            share = subset["term"].value_counts(normalize=True)
            scored = []
            for (doc_id, sentence_id), rows in subset.groupby(["doc_id", "sentence_id"], sort=True):
                sentence = rows["sentence"].iloc[0]
                score = float(share[rows["term"].unique()].sum())
                long = len(sentence) > _LONG_SENTENCE
                scored.append((long, -score, len(sentence), doc_id, sentence_id, rows))
            scored.sort(key=lambda item: item[:5])
            used: set[str] = set()
            for *_, doc_id, sentence_id, rows in scored:
                if doc_id in used:
                    continue
                used.add(doc_id)
                offset = int(rows["sentence_start"].iloc[0])
                spans = sorted(
                    (int(s) - offset, int(e) - offset)
                    for s, e in zip(rows["start"], rows["end"], strict=True)
                )
                terms = ", ".join(dict.fromkeys(rows["term"]))
                examples.append(
                    Example(group, cue, doc_id, int(sentence_id), rows["sentence"].iloc[0], spans, terms)
                )
                if len(used) >= per_cue:
                    break
    return examples


def _examples_table(examples: list[Example], by: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            by: [e.group for e in examples],
            "cue": [e.cue for e in examples],
            "doc_id": [e.doc_id for e in examples],
            "sentence_id": [e.sentence_id for e in examples],
            "terms": [e.note for e in examples],
            "spans": [";".join(f"{start}-{end}" for start, end in e.spans) for e in examples],
            "sentence": [e.sentence for e in examples],
        }
    )


def _cue_term_counts(matches: pd.DataFrame, by: str, cue: str) -> pd.DataFrame:
    """Tidy (group, term, count) of one cue family's non-negated matches, for distinctive cue wording."""
    subset = matches[(matches["cue"] == cue) & ~matches["negated"]]
    counts = subset.groupby([by, "term"], sort=True).size().rename("count").reset_index()
    return counts.rename(columns={by: "group"})


def _require_group_column(documents: pd.DataFrame, by: str) -> None:
    if by not in documents.columns:
        known = ", ".join(c for c in documents.columns if c not in {"text", "title", "url"})
        raise OptionError(f"cannot compare by {by!r}: no such column (columns: {known})")


def grouped_features(
    documents: pd.DataFrame, by: str = "outlet", *, matcher: CueMatcher | None = None
) -> pd.DataFrame:
    """:func:`framing.extract` per document, with the grouping column ``by`` (checked to exist) attached.

    The feature table carries outlet, date and corpus metadata; any other document column used for
    grouping is copied over, so every function of :mod:`framing.compare` can group by it.
    """
    _require_group_column(documents, by)
    features = extract(documents, matcher=matcher)
    if by not in features.columns:
        features[by] = documents[by].to_numpy()
    return features


def _select_groups(
    documents: pd.DataFrame, by: str, min_documents: int, max_groups: int | None
) -> tuple[list[Hashable], dict[str, Any]]:
    """The groups to compare: at least ``min_documents`` documents each, the ``max_groups`` largest.

    Returns the groups in sorted order and a record of what was left out (for the summary and metadata).
    """
    _require_group_column(documents, by)
    if min_documents < 1 or (max_groups is not None and max_groups < 2):
        raise OptionError("min_documents must be >= 1 and max_groups >= 2")
    sizes = documents[by].dropna().value_counts()
    ranked = sorted(sizes.items(), key=lambda item: (-item[1], str(item[0])))
    kept = [group for group, size in ranked if size >= min_documents]
    small = [group for group, size in ranked if size < min_documents]
    beyond = kept[max_groups:] if max_groups is not None else []
    kept = kept[:max_groups] if max_groups is not None else kept
    if len(kept) < 2:
        raise OptionError(
            f"fewer than two {by} groups have {min_documents} or more documents; nothing to compare "
            f"(groups: {len(sizes)}; lower min_documents or compare by another column)"
        )
    left_out = [*small, *beyond]
    record = {
        "groups_compared": len(kept),
        "groups_left_out": [str(g) for g in left_out],
        "documents_left_out": int(sizes[left_out].sum()) + int(documents[by].isna().sum()),
        "documents_without_group": int(documents[by].isna().sum()),
        "min_documents": min_documents,
        "max_groups": max_groups,
    }
    return compare._sorted_groups(kept), record


def analyse(
    corpus: Corpus,
    *,
    by: str = "outlet",
    seed: int = 0,
    n_resamples: int = 2000,
    n_permutations: int = 2000,
    drop_duplicates: bool = False,
    examples_per_cue: int = 3,
    top_terms: int = 10,
    min_documents: int = 2,
    max_groups: int | None = 12,
    progress: Progress | None = None,
) -> Analysis:
    """Run every comparison of the report on ``corpus`` and state the main differences in words.

    Rates are per 1,000 word tokens; bootstrap intervals resample documents within a group
    (``n_resamples``); permutation tests shuffle documents (``n_permutations``); q-values are
    Benjamini-Hochberg within each table; ``seed`` fixes every random stream. ``by`` is any document
    column (``outlet``, ``outlet_type``, ``outlet_country``). With ``drop_duplicates`` syndicated copies
    (non-empty ``duplicate_of``) are left out of every table. Groups with fewer than ``min_documents``
    documents, and all but the ``max_groups`` largest (``None``: no limit), are left out; the summary and
    ``metadata.json`` say which.

    Tables (keys of ``Analysis.tables``): ``groups``, ``documents`` (per-document cue counts and rates),
    ``cue_rates``, ``subcategory_rates``, ``omnibus``, ``pairwise``, ``vs_rest``, ``subcategory_vs_rest``,
    ``blame_attributions``, ``blame_matrix``, ``blamer_blamed``, ``blame_association``,
    ``distinctive_terms``, ``distinctive_cue_terms``, ``phrases``, ``rates_over_time``, ``separability``,
    ``separability_features``, ``separability_folds``, ``examples``.
    """
    step = progress or (lambda _label: None)
    documents = corpus.documents
    dropped = 0
    if drop_duplicates and "duplicate_of" in documents.columns:
        keep = ~is_syndicated_copy(documents["duplicate_of"])
        dropped = int((~keep).sum())
        documents = documents[keep].reset_index(drop=True)
    groups, selection = _select_groups(documents, by, min_documents, max_groups)
    if selection["documents_left_out"]:
        documents = documents[documents[by].isin(groups)].reset_index(drop=True)
    matcher = build_matcher()
    cues = [c for c in CUE_FAMILIES if c in matcher.families]
    stats = {"by": by, "order": groups}
    tables: dict[str, pd.DataFrame] = {}

    step(REPORT_STEPS[0])
    features = grouped_features(documents, by, matcher=matcher)
    subcategories = [c for c in _subcategory_cues(features) if c not in cues]
    tables["groups"] = _groups_table(documents, features, by, groups)
    tables["documents"] = features

    step(REPORT_STEPS[1])
    tables["cue_rates"] = compare.outlet_summary(
        features, cues=cues, n_resamples=n_resamples, seed=seed, **stats
    )
    tables["subcategory_rates"] = compare.outlet_summary(
        features, cues=subcategories, n_resamples=n_resamples, seed=seed, **stats
    )
    freq = _time_frequency(documents)
    tables["rates_over_time"] = compare.rates_over_time(features, cues=cues, freq=freq, **stats)

    step(REPORT_STEPS[2])
    tables["omnibus"] = compare.omnibus_tests(features, cues=cues, **stats)
    permutation = {"n_permutations": n_permutations, "seed": seed}
    tables["pairwise"] = compare.pairwise_contrasts(features, cues=cues, **permutation, **stats)
    tables["vs_rest"] = compare.group_vs_rest(features, cues=cues, **permutation, **stats)
    tables["subcategory_vs_rest"] = compare.group_vs_rest(
        features, cues=subcategories, **permutation, **stats
    )

    step(REPORT_STEPS[3])
    # one pass of the matcher gives both the blame rows and the matches behind the examples
    matches, attributions = _match_documents(documents, by, matcher, corpus.actors)
    tables["blame_attributions"] = attributions
    tables["blame_matrix"] = compare.blame_matrix(attributions, **stats)
    tables["blamer_blamed"] = compare.blamer_blamed(attributions, **stats)
    tables["blame_association"] = compare.blame_association(attributions, **permutation, **stats)

    step(REPORT_STEPS[4])
    counts = compare.term_counts(documents["text"], documents[by])
    tables["distinctive_terms"] = compare.distinctive_terms(counts, top_n=top_terms)
    tables["phrases"] = compare.collocations(documents["text"], documents[by], top_n=top_terms)
    per_cue = []
    for cue in cues:
        cue_counts = _cue_term_counts(matches, by, cue)
        if cue_counts["group"].nunique() >= 2:
            table = compare.distinctive_terms(cue_counts, top_n=top_terms)
            per_cue.append(table.assign(cue=cue)[["cue", *table.columns]])
    tables["distinctive_cue_terms"] = (
        pd.concat(per_cue, ignore_index=True)
        if per_cue
        else pd.DataFrame(columns=["cue", *tables["distinctive_terms"].columns])
    )

    step(REPORT_STEPS[5])
    separable = compare.separability(features, cues=cues, seed=seed, **stats)
    tables["separability"] = separable.summary
    tables["separability_features"] = separable.features
    tables["separability_folds"] = separable.folds

    step(REPORT_STEPS[6])
    examples = _typical_examples(matches, by, groups, cues, examples_per_cue)
    tables["examples"] = _examples_table(examples, by)

    findings = _findings(tables, by, groups, cues, corpus, dropped, selection)
    metadata = _metadata(
        corpus,
        documents,
        by=by,
        seed=seed,
        n_resamples=n_resamples,
        n_permutations=n_permutations,
        drop_duplicates=drop_duplicates,
        dropped=dropped,
        selection=selection,
        freq=freq,
        matcher=matcher,
        tables=tables,
    )
    return Analysis(corpus, by, groups, cues, tables, findings, examples, metadata)


_FREQUENCY_NAMES = {"D": "day", "W": "week", "M": "month"}


def _time_frequency(documents: pd.DataFrame) -> str:
    """Days for coverage of up to three months, weeks up to two years, months beyond."""
    dates = pd.to_datetime(documents.get("date", pd.Series(dtype=str)), errors="coerce").dropna()
    if dates.empty:
        return "D"
    span = (dates.max() - dates.min()).days
    return "D" if span <= 92 else "W" if span <= 730 else "M"


def _subcategory_cues(features: pd.DataFrame) -> list[str]:
    stems = [c[: -len("_rate")] for c in features.columns if c.endswith("_rate")]
    return [s for s in stems if f"{s}_count" in features.columns]


def _groups_table(
    documents: pd.DataFrame, features: pd.DataFrame, by: str, groups: list[Hashable]
) -> pd.DataFrame:
    """One row per group: documents, tokens, first and last date, syndicated copies."""
    data = documents.assign(_tokens=features["tokens"].to_numpy())
    rows = []
    for group in groups:
        subset = data[data[by] == group]
        dates = subset["date"].dropna().astype(str) if "date" in subset else pd.Series(dtype=str)
        duplicates = is_syndicated_copy(subset["duplicate_of"]).sum() if "duplicate_of" in subset else 0
        rows.append(
            {
                by: group,
                "documents": len(subset),
                "tokens": int(subset["_tokens"].sum()),
                "first_date": dates.min() if len(dates) else None,
                "last_date": dates.max() if len(dates) else None,
                "duplicates": int(duplicates),
            }
        )
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------------------------------
# Findings in words
# ----------------------------------------------------------------------------------------------------


def _sentence_of(attribution: pd.Series, by: str) -> Example:
    sentence = str(attribution["sentence"])
    cue = str(attribution["cue"])
    at = sentence.lower().find(cue.lower())
    spans = [(at, at + len(cue))] if at >= 0 else []
    return Example(
        attribution[by], "blame", str(attribution["doc_id"]), int(attribution["sentence_id"]),
        sentence, spans, f"{attribution['blamer']} → {attribution['blamed']} ({attribution['kind']})",
    )  # fmt: skip


def _findings(
    tables: dict[str, pd.DataFrame],
    by: str,
    groups: list[Hashable],
    cues: list[str],
    corpus: Corpus,
    dropped: int,
    selection: dict[str, Any],
) -> list[Finding]:
    findings: list[Finding] = []
    group_table = tables["groups"]
    documents = int(group_table["documents"].sum())
    dates = pd.concat([group_table["first_date"], group_table["last_date"]]).dropna()
    span = f", dated {dates.min()} to {dates.max()}" if len(dates) else ""
    duplicates = int(group_table["duplicates"].sum())
    syndication = (
        f" {dropped} syndicated copies of another outlet's article were left out."
        if dropped
        else f" {duplicates} of them are syndicated copies of another outlet's article (kept; "
        "use --drop-duplicates to leave them out)."
        if duplicates
        else ""
    )
    left_out = selection["groups_left_out"]
    if left_out:
        names = ", ".join(left_out[:5]) + (f" and {len(left_out) - 5} more" if len(left_out) > 5 else "")
        syndication += (
            f" {len(left_out)} {_plural(by)} with fewer than {selection['min_documents']} documents"
            + (f" or beyond the {selection['max_groups']} largest" if selection["max_groups"] else "")
            + f" are left out ({names}; {selection['documents_left_out']} documents)."
        )
    elif selection["documents_without_group"]:
        syndication += f" {selection['documents_without_group']} documents without a {by} are left out."
    findings.append(
        Finding(
            "corpus",
            f"The comparison covers {documents} documents from {len(groups)} {_plural(by)}{span}."
            f"{syndication} "
            "Rates are cue matches per 1,000 word tokens; intervals are 95% bootstrap intervals over "
            "documents; q-values are Benjamini-Hochberg corrected permutation or Kruskal-Wallis p-values. "
            "The cues are counted with lexicons: they measure wording, not intent.",
        )
    )
    findings.extend(_cue_findings(tables, by, cues))
    findings.extend(_blame_findings(tables, by, groups, corpus.actors))
    findings.extend(_wording_findings(tables, groups))
    findings.extend(_phrase_findings(tables, groups))
    findings.append(_separability_finding(tables, by))
    return findings


def _epsilon_label(epsilon_squared: float) -> str:
    """Conventional reading of Kruskal-Wallis ε² (0.01 small, 0.08 medium, 0.26 large)."""
    if math.isnan(epsilon_squared) or epsilon_squared < 0.01:
        return "negligible"
    return "small" if epsilon_squared < 0.08 else "medium" if epsilon_squared < 0.26 else "large"


def _delta_label(delta: float) -> str:
    """Romano et al. (2006) reading of |Cliff's δ| (0.147 small, 0.33 medium, 0.474 large)."""
    size = abs(delta)
    if math.isnan(size) or size < 0.147:
        return "negligible"
    return "small" if size < 0.33 else "medium" if size < 0.474 else "large"


def _plural(by: str) -> str:
    label = by.replace("_", " ")
    return label if label.endswith("s") else f"{label}s"


def _cue_findings(tables: dict[str, pd.DataFrame], by: str, cues: list[str]) -> list[Finding]:
    findings = []
    omnibus = tables["omnibus"].set_index("cue")
    rates = tables["cue_rates"]
    pairwise = tables["pairwise"]
    for cue in sorted(cues, key=lambda c: (omnibus.loc[c, "q_value"] if c in omnibus.index else 1.0, c)):
        if cue not in omnibus.index:
            continue
        test = omnibus.loc[cue]
        cue_rates = rates[rates["cue"] == cue].sort_values(["mean_rate", by], ascending=[False, True])
        if cue_rates.empty:
            continue
        high, low = cue_rates.iloc[0], cue_rates.iloc[-1]
        stat = (
            f"Kruskal-Wallis H = {test['h_statistic']:.1f}, ε² = {test['epsilon_squared']:.2f} "
            f"({_epsilon_label(test['epsilon_squared'])} effect), q {_fmt_q(test['q_value'])}"
        )
        extremes = (
            f"highest in {high[by]} ({_fmt(high['mean_rate'])} per 1,000 tokens, 95% CI "
            f"{_fmt(high['ci_low'])}-{_fmt(high['ci_high'])}), lowest in {low[by]} "
            f"({_fmt(low['mean_rate'])}, CI {_fmt(low['ci_low'])}-{_fmt(low['ci_high'])})"
        )
        if test["q_value"] < ALPHA:
            pairs = pairwise[(pairwise["cue"] == cue) & (pairwise["q_value"] < ALPHA)]
            text = f"{cue.capitalize()} differs between {_plural(by)} ({stat}): {extremes}."
            if len(pairs):
                top = (
                    pairs.assign(_abs=pairs["cliffs_delta"].abs())
                    .sort_values(
                        ["_abs", "q_value", "group_a", "group_b"], ascending=[False, True, True, True]
                    )
                    .iloc[0]
                )
                first, second = (top["group_a"], top["group_b"])
                ratio = top["rate_ratio"]
                if ratio < 1:
                    first, second, ratio = second, first, 1 / ratio if ratio > 0 else math.inf
                text += (
                    f" {len(pairs)} of {int((pairwise['cue'] == cue).sum())} pairs differ after correction; "
                    f"the clearest: {first} uses {_fmt(ratio, 2)} times the {cue} rate of {second} "
                    f"(Cliff's δ = {abs(top['cliffs_delta']):.2f}, {_delta_label(top['cliffs_delta'])}; "
                    f"q {_fmt_q(top['q_value'])})."
                )
            else:
                text += " No single pair differs after correction for multiple comparisons."
        else:
            text = (
                f"{cue.capitalize()}: no reliable difference between {_plural(by)} ({stat}); "
                f"the observed mean rates are {extremes}, but a difference of this size could be chance "
                "at this sample size."
            )
        findings.append(Finding(cue, text))
    return findings


def _first_example(rows: pd.DataFrame, by: str) -> Example:
    """The attribution to quote: active-voice sentences first ("X blamed Y"), then document order."""
    order = rows.assign(_active=rows["rule"] == "active").sort_values(
        ["_active", "doc_id", "sentence_id"], ascending=[False, True, True], kind="mergesort"
    )
    return _sentence_of(order.iloc[0], by)


def _counts_phrase(counts: pd.Series, limit: int = 3) -> str:
    return ", ".join(f"{name} ({count})" for name, count in list(counts.items())[:limit])


def _ranked(values: pd.Series) -> pd.Series:
    """Value counts, most frequent first and ties in alphabetical order (stable across runs)."""
    counts = values.value_counts()
    return counts.sort_index().sort_values(ascending=False, kind="mergesort")


def _blame_findings(
    tables: dict[str, pd.DataFrame], by: str, groups: list[Hashable], actors: Mapping[str, Any]
) -> list[Finding]:
    """Per group: blame in its own voice, blame it attributes to named actors, claims, and denials.

    "Own voice" means no actor of the corpus is named as the blamer in the sentence: the outlet's
    narration or an unnamed source ("a security source said"). The distinction matters for framing: an
    outlet reporting that officials accuse Ukraine is not the same as one asserting it.
    """
    attributions = tables["blame_attributions"]
    if not actors:
        return [
            Finding(
                "blame",
                "No actors are defined for this corpus, so whom each group blames is not analysed (add "
                "[actors.NAME] aliases = [...] to corpus.toml). The blame and denial rates above still count "
                "the wording.",
            )
        ]
    if attributions.empty:
        return [Finding("blame", "No blame or denial cue names an actor of the corpus; no blame matrix.")]
    findings = []
    positive = attributions[~attributions["negated"].astype(bool)]
    for group in groups:
        own = positive[positive[by] == group]
        accusations = own[(own["kind"] == "accusation") & (own["blamed"] != "undetermined")]
        unattributed = accusations[accusations["blamer"] == "unspecified"]
        attributed = accusations[accusations["blamer"] != "unspecified"]
        claims = own[own["kind"] == "self_attribution"]
        denials = attributions[(attributions[by] == group) & (attributions["kind"] == "denial")]
        parts, examples = [], []
        if len(unattributed):
            counts = _ranked(unattributed["blamed"])
            parts.append(f"in its own voice or from unnamed sources it blames {_counts_phrase(counts)}")
            examples.append(_first_example(unattributed[unattributed["blamed"] == counts.index[0]], by))
        else:
            parts.append("it names no culprit in its own voice")
        if len(attributed):
            pairs = _ranked(attributed["blamer"] + " → " + attributed["blamed"])
            parts.append(f"it reports accusations by named actors: {_counts_phrase(pairs)}")
            blamer, blamed = pairs.index[0].split(" → ")
            top = attributed[(attributed["blamer"] == blamer) & (attributed["blamed"] == blamed)]
            examples.append(_first_example(top, by))
        if len(claims):
            claimant = _ranked(claims["blamed"]).index[0]
            parts.append(f"it reports {claimant}'s own claim of responsibility {len(claims)} times")
            examples.append(_first_example(claims, by))
        if len(denials):
            denied = _ranked(denials[denials["blamed"] != "undetermined"]["blamed"])
            about = f", most about {denied.index[0]} ({denied.iloc[0]})" if len(denied) else ""
            parts.append(f"it carries {len(denials)} denials or rejections of blame{about}")
        findings.append(Finding("blame", f"Blame in {group}: " + "; ".join(parts) + ".", examples))
    association = tables["blame_association"].iloc[0]
    if not math.isnan(association["p_value"]):
        reliable = association["p_value"] < ALPHA
        findings.append(
            Finding(
                "blame",
                f"Whom the {_plural(by)} blame (accusations naming an actor, negations left out): "
                f"Cramér's V = {association['cramers_v']:.2f}, permutation p = {association['p_value']:.3f} "
                f"(document labels shuffled {int(association['n_permutations'])} times). "
                + (
                    "The outlets differ in whom they blame beyond what chance reshuffling of articles gives."
                    if reliable
                    else "At this sample size the differences in whom they blame are not statistically "
                    "reliable; read the counts as descriptive."
                ),
            )
        )
    return findings


def _wording_findings(tables: dict[str, pd.DataFrame], groups: list[Hashable]) -> list[Finding]:
    table = tables["distinctive_cue_terms"]
    parts = []
    for group in groups:
        rows = table[(table["group"] == group) & (table["z_score"] > 1.96)]
        rows = rows.sort_values(["z_score", "term"], ascending=[False, True]).head(3)
        if len(rows):
            terms = ", ".join(f"'{r.term}' ({r.cue}, z = {r.z_score:.1f})" for r in rows.itertuples())
            parts.append(f"{group}: {terms}")
    if not parts:
        return [Finding("wording", "No cue term is used distinctively more by one group (all |z| < 1.96).")]
    return [
        Finding(
            "wording",
            "Cue words used distinctively more than by the rest (log-odds with an informative Dirichlet "
            "prior, z > 1.96): " + "; ".join(parts) + ".",
        )
    ]


def _phrase_findings(tables: dict[str, pd.DataFrame], groups: list[Hashable]) -> list[Finding]:
    table = tables["phrases"]
    parts = []
    for group in groups:
        rows = table[table["group"] == group].sort_values("rank").head(2)
        if len(rows):
            phrases = ", ".join(
                f"'{r.phrase}' ({r.count_group} times, {r.count_rest} elsewhere)" for r in rows.itertuples()
            )
            parts.append(f"{group}: {phrases}")
    if not parts:
        return []
    return [
        Finding(
            "wording",
            "Characteristic phrases (two-word collocations, log-likelihood, used at least twice as often as "
            "by the rest): " + "; ".join(parts) + ". Names and bylines show up here too.",
        )
    ]


def _separability_finding(tables: dict[str, pd.DataFrame], by: str) -> Finding:
    summary = tables["separability"].iloc[0]
    if math.isnan(summary["macro_f1"]):
        return Finding("separability", "Too few documents per group to cross-validate a classifier.")
    text = (
        f"A logistic regression predicting the {by.replace('_', ' ')} from the {int(summary['cues'])} cue "
        f"rates reaches a cross-validated macro-F1 of {summary['macro_f1']:.2f} "
        f"(SD {summary['macro_f1_sd']:.2f} "
        f"over {int(summary['n_splits'])} folds) against {summary['baseline_macro_f1']:.2f} for always "
        "predicting the largest group"
    )
    text += "." if summary["macro_f1"] > summary["baseline_macro_f1"] else ": the cues do not separate them."
    return Finding("separability", text)


# ----------------------------------------------------------------------------------------------------
# Metadata
# ----------------------------------------------------------------------------------------------------


def _metadata(
    corpus: Corpus,
    documents: pd.DataFrame,
    *,
    matcher: CueMatcher,
    tables: dict[str, pd.DataFrame],
    **parameters: Any,
) -> dict[str, Any]:
    import matplotlib
    import sklearn

    import framing

    by = parameters["by"]
    return {
        "toolkit": {"name": "framing", "version": framing.__version__},
        "environment": {
            "python": platform.python_version(),
            "pandas": pd.__version__,
            "numpy": np.__version__,
            "scikit-learn": sklearn.__version__,
            "matplotlib": matplotlib.__version__,
        },
        "corpus": {
            "name": corpus.name,
            "source": str(corpus.source) if corpus.source is not None else None,
            "content_hash": corpus.content_hash(),
            "documents_loaded": len(corpus.documents),
            "documents_analysed": len(documents),
            "duplicates_dropped": parameters["dropped"],
            "groups_left_out": parameters["selection"]["groups_left_out"],
            "documents_left_out": parameters["selection"]["documents_left_out"],
            "documents_per_group": {
                str(k): int(v) for k, v in documents[by].value_counts().sort_index().items()
            },
            "load_summary": corpus.summary.to_dict(),
        },
        "lexicons": [
            {"name": lexicon.name, "version": lexicon.version, "entries": len(lexicon.entries)}
            for lexicon in matcher.lexicons
        ],
        "parameters": {
            "by": by,
            "seed": parameters["seed"],
            "bootstrap_resamples": parameters["n_resamples"],
            "permutations": parameters["n_permutations"],
            "confidence": 0.95,
            "drop_duplicates": parameters["drop_duplicates"],
            "min_documents": parameters["selection"]["min_documents"],
            "max_groups": parameters["selection"]["max_groups"],
            "time_frequency": parameters["freq"],
            "alpha": ALPHA,
            "negation_window": matcher.negation_window,
        },
        "tables": {name: {"rows": len(table)} for name, table in sorted(tables.items())},
    }


# ----------------------------------------------------------------------------------------------------
# Writing
# ----------------------------------------------------------------------------------------------------

_CHARTS = (
    ("cue_rates", "Cue rates by {by} with 95% bootstrap intervals", "cue_rates"),
    ("cue_heatmap", "{By} x cue: mean rate relative to the cue's average", "cue_rates"),
    ("distributions", "Per-document rates by {by}", "documents"),
    ("blame_matrix", "Whom each {by} blames (share of its attributions)", "blame_matrix"),
    (
        "distinctive_cue_terms",
        "Distinctive emotive words per {by} (log-odds z-score)",
        "distinctive_cue_terms",
    ),
    ("distinctive_terms", "Distinctive words per {by} (log-odds z-score)", "distinctive_terms"),
    ("rates_over_time", "Cue rates per {by} per {period}", "rates_over_time"),
)


def _draw_charts(analysis: Analysis, folder: Path) -> dict[str, str]:
    by, order, t = analysis.by, analysis.groups, analysis.tables
    colors = charts.group_colors(order, order=order)
    figures = {
        "cue_rates": lambda: charts.rates_by_outlet(t["cue_rates"], by=by, order=order, colors=colors),
        "cue_heatmap": lambda: charts.cue_heatmap(t["cue_rates"], by=by, order=order),
        "distributions": lambda: charts.distributions_chart(
            t["documents"], analysis.cues, by=by, order=order, colors=colors
        ),
        "blame_matrix": lambda: charts.blame_matrix_chart(t["blame_matrix"], by=by, order=order),
        "distinctive_cue_terms": lambda: charts.distinctive_terms_chart(
            t["distinctive_cue_terms"][t["distinctive_cue_terms"]["cue"] == "emotive"],
            order=order,
            colors=colors,
            by=by,
            title="Distinctive emotive words",
        ),
        "distinctive_terms": lambda: charts.distinctive_terms_chart(
            t["distinctive_terms"], order=order, colors=colors, by=by
        ),
        "rates_over_time": lambda: charts.rates_over_time_chart(
            t["rates_over_time"], analysis.cues, by=by, order=order, colors=colors
        ),
    }
    written = {}
    for name, caption, _table in _CHARTS:
        figure = figures[name]()
        charts.save_figure(figure, folder / name)
        period = _FREQUENCY_NAMES.get(analysis.metadata["parameters"]["time_frequency"], "period")
        label = by.replace("_", " ")
        written[name] = caption.format(by=label, By=label.capitalize(), period=period)
    return written


def _csv(table: pd.DataFrame, path: Path) -> None:
    table.to_csv(path, index=False, lineterminator="\n")


def write_report(analysis: Analysis, out_dir: str | Path, *, progress: Progress | None = None) -> Report:
    """Write ``analysis`` to ``out_dir`` atomically (see the module docstring); return the :class:`Report`."""
    step = progress or (lambda _label: None)
    target = Path(out_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(4)
    staging = target.parent / f".{target.name}.tmp-{token}"
    staging.mkdir()
    try:
        step(REPORT_STEPS[7])
        (staging / "tables").mkdir()
        (staging / "figures").mkdir()
        captions = _draw_charts(analysis, staging / "figures")
        step(REPORT_STEPS[8])
        for name, table in sorted(analysis.tables.items()):
            _csv(table, staging / "tables" / f"{name}.csv")
        (staging / "metadata.json").write_text(
            json.dumps(analysis.metadata, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8"
        )
        (staging / "report.md").write_text(_markdown(analysis, captions), encoding="utf-8")
        (staging / "index.html").write_text(_html(analysis, captions), encoding="utf-8")
        files = sorted(str(p.relative_to(staging)) for p in staging.rglob("*") if p.is_file())
        _swap_into_place(staging, target, token)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Report(target, analysis, files)


def _swap_into_place(staging: Path, target: Path, token: str) -> None:
    """Replace ``target`` by ``staging`` with two renames; the old report is removed only afterwards."""
    if target.exists() and not target.is_dir():
        raise OptionError(f"{target}: exists and is not a folder; choose another output folder")
    retired = target.parent / f".{target.name}.old-{token}"
    if target.exists():
        os.replace(target, retired)
    try:
        os.replace(staging, target)
    except BaseException:
        if retired.exists():
            os.replace(retired, target)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def build_report(
    source: Corpus | str | Path,
    out_dir: str | Path | None = None,
    *,
    by: str = "outlet",
    seed: int = 0,
    n_resamples: int = 2000,
    n_permutations: int = 2000,
    drop_duplicates: bool = False,
    min_documents: int = 2,
    max_groups: int | None = 12,
    progress: Progress | None = None,
) -> Report:
    """Load (if given a path), analyse and write the report; ``out_dir`` defaults to ``reports/<name>``.

    Options as in :func:`analyse`.

    >>> build_report("corpora/crocus", seed=1)   # doctest: +SKIP
    """
    corpus = source if isinstance(source, Corpus) else load_corpus(source)
    folder = Path(out_dir) if out_dir is not None else Path("reports") / (corpus.name or "corpus")
    analysis = analyse(
        corpus,
        by=by,
        seed=seed,
        n_resamples=n_resamples,
        n_permutations=n_permutations,
        drop_duplicates=drop_duplicates,
        min_documents=min_documents,
        max_groups=max_groups,
        progress=progress,
    )
    return write_report(analysis, folder, progress=progress)


# ----------------------------------------------------------------------------------------------------
# Rendering: Markdown and HTML
# ----------------------------------------------------------------------------------------------------

#: (table, title, columns shown in the page; the CSV has all columns)
_SHOWN_TABLES = (
    ("groups", "Documents per {by}", None),
    ("cue_rates", "Cue rates per {by} (per 1,000 tokens)",
     ["{by}", "cue", "documents", "tokens", "matches", "mean_rate", "ci_low", "ci_high", "share_with_cue"]),
    ("omnibus", "Do the {by}s differ? Kruskal-Wallis per cue", None),
    ("pairwise", "Pairwise contrasts with q < 0.05",
     ["cue", "group_a", "group_b", "rate_a", "rate_b", "rate_ratio", "cliffs_delta", "p_value", "q_value"]),
    ("vs_rest", "Each {by} against the rest",
     ["cue", "group_a", "documents_a", "rate_a", "rate_b", "rate_ratio", "cliffs_delta", "q_value"]),
    ("phrases", "Characteristic two-word phrases per {by} (log-likelihood, over-used vs the rest)", None),
    ("blame_matrix", "Whom each {by} blames", None),
    ("blame_association", "Do the {by}s blame different actors?", None),
    ("separability", "Separability of the {by}s from cue rates", None),
)  # fmt: skip


def _shown(analysis: Analysis, name: str, columns: list[str] | None) -> pd.DataFrame:
    table = analysis.tables[name]
    if name == "pairwise":
        table = table[table["q_value"] < ALPHA]
    if columns is not None:
        table = table[
            [c.format(by=analysis.by) for c in columns if c.format(by=analysis.by) in table.columns]
        ]
    return table


def _cell(value: Any) -> str:
    if isinstance(value, (float, np.floating)):
        if math.isnan(value):
            return ""
        if value != 0 and abs(value) < 0.001:
            return f"{value:.1e}"
        return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _markdown_table(table: pd.DataFrame) -> str:
    def clean(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    header = "| " + " | ".join(clean(str(c)) for c in table.columns) + " |"
    rule = "|" + "|".join("---" for _ in table.columns) + "|"
    rows = ["| " + " | ".join(clean(_cell(v)) for v in row) + " |" for row in table.itertuples(index=False)]
    return "\n".join([header, rule, *rows]) if len(table.columns) else "(empty)"


def _markdown(analysis: Analysis, captions: dict[str, str]) -> str:
    name = analysis.corpus.title or analysis.corpus.name or "corpus"
    lines = [f"# Framing comparison: {name}", "", "## Summary", ""]
    for finding in analysis.findings:
        lines.append(f"- {finding.text}")
        for example in finding.examples:
            lines.append(f"  - {example.group}, `{example.doc_id}` sentence {example.sentence_id}: "
                         f"> {_markdown_quote(example)}")  # fmt: skip
    lines.append("")
    for chart, caption in captions.items():
        lines += [f"![{caption}](figures/{chart}.png)", ""]
    for table_name, title, columns in _SHOWN_TABLES:
        lines += [f"## {title.format(by=analysis.by.replace('_', ' '))}", "",
                  _markdown_table(_shown(analysis, table_name, columns)), ""]  # fmt: skip
    lines += ["## Example sentences", ""]
    for example in analysis.examples:
        where = f"`{example.doc_id}` sentence {example.sentence_id}"
        lines.append(f"- **{example.group} / {example.cue}** {where}: "
                     f"{_markdown_quote(example)}")  # fmt: skip
    lines += ["", "Every table is in `tables/` as CSV; parameters, versions and the corpus hash are in "
              "`metadata.json`.", ""]  # fmt: skip
    return "\n".join(lines)


def _markdown_quote(example: Example) -> str:
    pieces, cursor = [], 0
    for start, end in example.spans:
        if start < cursor:
            continue
        pieces += [example.sentence[cursor:start], "**", example.sentence[start:end], "**"]
        cursor = end
    pieces.append(example.sentence[cursor:])
    return "".join(pieces).replace("\n", " ").replace("<", "&lt;").replace(">", "&gt;")


def _highlight(example: Example) -> str:
    """The sentence HTML-escaped, with its matched spans in ``<mark>``."""
    pieces, cursor = [], 0
    for start, end in example.spans:
        if start < cursor or start < 0:
            continue
        pieces.append(html.escape(example.sentence[cursor:start]))
        pieces.append(f"<mark>{html.escape(example.sentence[start:end])}</mark>")
        cursor = end
    pieces.append(html.escape(example.sentence[cursor:]))
    return "".join(pieces)


def _html_table(table: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in table.columns)
    body = []
    for row in table.itertuples(index=False):
        cells = []
        for value in row:
            numeric = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
            cells.append(f'<td class="num">{html.escape(_cell(value))}</td>' if numeric
                         else f"<td>{html.escape(_cell(value))}</td>")  # fmt: skip
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _quote_html(example: Example) -> str:
    source = html.escape(f"{example.doc_id} · sentence {example.sentence_id}")
    note = f' <span class="note">{html.escape(example.note)}</span>' if example.note else ""
    return f"<blockquote>{_highlight(example)}<cite>{source}{note}</cite></blockquote>"


_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:1100px;margin:2em auto;
padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;font-size:.85em;margin:1em 0;display:block;overflow-x:auto}
th,td{border:1px solid #ddd;padding:.25em .5em;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums}th{background:#f4f4f4}
figure{margin:1.5em 0}figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{font-size:.9em;color:#555}mark{background:#ffe08a;padding:0 .1em}
blockquote{margin:.6em 0 .6em 1em;padding-left:.8em;border-left:3px solid #ccc}
cite{display:block;font-size:.8em;color:#666;font-style:normal}.note{color:#888}
.finding{margin:.5em 0}nav a{margin-right:1em}
"""


def _html(analysis: Analysis, captions: dict[str, str]) -> str:
    by = analysis.by.replace("_", " ")
    corpus = analysis.corpus
    title = html.escape(f"Framing comparison: {corpus.title or corpus.name or 'corpus'}")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{title}</h1>",
        '<nav><a href="#summary">Summary</a><a href="#charts">Charts</a><a href="#tables">Tables</a>'
        '<a href="#evidence">Evidence</a><a href="#method">Method</a></nav>',
        '<section id="summary"><h2>Summary</h2>',
    ]
    for finding in analysis.findings:
        parts.append(f'<div class="finding"><p>{html.escape(finding.text)}</p>')
        parts.extend(_quote_html(example) for example in finding.examples)
        parts.append("</div>")
    parts.append('</section><section id="charts"><h2>Charts</h2>')
    sources = {chart: table for chart, _, table in _CHARTS}
    for chart, caption in captions.items():
        alt = html.escape(caption)
        parts.append(
            f'<figure id="figure-{chart}"><img src="figures/{chart}.png" alt="{alt}">'
            f'<figcaption>{alt} (<a href="figures/{chart}.svg">SVG</a>, data: '
            f'<a href="tables/{sources[chart]}.csv">CSV</a>)</figcaption></figure>'
        )
    parts.append('</section><section id="tables"><h2>Tables</h2>')
    for table_name, table_title, columns in _SHOWN_TABLES:
        parts.append(f"<h3>{html.escape(table_title.format(by=by))}</h3>")
        parts.append(_html_table(_shown(analysis, table_name, columns)))
        parts.append(f'<p><a href="tables/{table_name}.csv">{table_name}.csv</a></p>')
    parts.append(
        '</section><section id="evidence"><h2>Evidence: the most typical sentences per '
        f"{html.escape(by)} and cue</h2><p>Sentences that use the {html.escape(by)}'s most frequent terms "
        "of the cue; matched terms are highlighted (negated matches left out). All matches are in "
        '<a href="tables/examples.csv">examples.csv</a>; the blame attributions in '
        '<a href="tables/blame_attributions.csv">blame_attributions.csv</a>.</p>'
    )
    for group in analysis.groups:
        parts.append(f"<h3>{html.escape(str(group))}</h3>")
        for cue in analysis.cues:
            chosen = [e for e in analysis.examples if e.group == group and e.cue == cue]
            if chosen:
                parts.append(f"<h4>{html.escape(cue)}</h4>")
                parts.extend(_quote_html(example) for example in chosen)
    meta = analysis.metadata
    parts.append('</section><section id="method"><h2>Method and reproducibility</h2><ul>')
    items = [
        f"framing {meta['toolkit']['version']}; lexicons: "
        + ", ".join(f"{lex['name']} {lex['version']}" for lex in meta["lexicons"]),
        f"seed {meta['parameters']['seed']}, {meta['parameters']['bootstrap_resamples']} bootstrap "
        f"resamples, {meta['parameters']['permutations']} permutations, α = {ALPHA}",
        f"corpus content hash (SHA-256): {meta['corpus']['content_hash']}",
        "All tables: tables/*.csv; parameters and versions: metadata.json",
    ]
    parts.extend(f"<li>{html.escape(item)}</li>" for item in items)
    parts.append("</ul></section></body></html>")
    return "\n".join(parts) + "\n"
