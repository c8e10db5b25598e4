"""The report's findings in words: what differs between the groups, with the sentences that show it.

Each :class:`Finding` is one plain-text statement built from the report's tables (rates per 1,000 word
tokens, Benjamini-Hochberg q-values, effect sizes read with conventional thresholds) and, where it helps,
the :class:`Example` sentences behind it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from framing.corpus import Corpus
from framing.report.numbers import are, counted, p_relation
from framing.report.tables import ReportTables, as_report_tables

__all__ = ["ALPHA", "Example", "Finding", "fmt", "fmt_q", "plural", "state_findings"]

#: Findings are called differences only below this Benjamini-Hochberg q-value.
ALPHA = 0.05


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


def fmt(value: float, digits: int = 2) -> str:
    # two decimals, as the tables beside the summary show rates and ratios (framing.report.numbers)
    return (
        "n/a" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.{digits}f}"
    )


def fmt_q(q: float) -> str:
    """``< 0.001`` or ``= 0.012``: a p- or q-value after its symbol, as the tables show it."""
    return p_relation(q)


#: The blame attribution columns the summary reads; a quoted row's sentence is read for that row only
#: (the sentences of every attribution are most of the table: ~110 MB at 200,000 articles).
_ATTRIBUTION_COLUMNS = ["doc_id", "sentence_id", "blamer", "blamed", "cue", "kind", "negated", "rule"]

#: The sentence of a blame attribution row, by its row position in ``blame_attributions``.
Quote = Callable[[int], str]


def _attributions(tables: Mapping[str, pd.DataFrame], by: str) -> tuple[pd.DataFrame, Quote]:
    """The attribution columns the summary reads (row labels: positions in the table) and a reader of
    the sentence of one row."""
    columns = list(dict.fromkeys([by, *_ATTRIBUTION_COLUMNS]))
    if isinstance(tables, ReportTables):
        rows = tables.columns("blame_attributions", columns)
        return rows, lambda row: str(tables.take("blame_attributions", [row], ["sentence"]).iloc[0, 0])
    table = tables["blame_attributions"].reset_index(drop=True)
    return table[columns], lambda row: str(table["sentence"].iloc[row])


def _sentence_of(attribution: pd.Series, by: str, sentence: str) -> Example:
    cue = str(attribution["cue"])
    at = sentence.lower().find(cue.lower())
    spans = [(at, at + len(cue))] if at >= 0 else []
    return Example(
        attribution[by], "blame", str(attribution["doc_id"]), int(attribution["sentence_id"]),
        sentence, spans, f"{attribution['blamer']} → {attribution['blamed']} ({attribution['kind']})",
    )  # fmt: skip


def state_findings(
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
    group_table = group_table[group_table[by].isin(groups)]  # groups with rates only are not compared
    documents = int(group_table["documents"].sum())
    dates = pd.concat([group_table["first_date"], group_table["last_date"]]).dropna()
    span = f", dated {dates.min()} to {dates.max()}" if len(dates) else ""
    duplicates = int(group_table["duplicates"].sum())
    if dropped:
        copies = counted(dropped, "syndicated copy", "syndicated copies")
        syndication = f" {copies} of another outlet's article {'was' if dropped == 1 else 'were'} left out."
    elif duplicates:
        copies = "is a syndicated copy" if duplicates == 1 else "are syndicated copies"
        syndication = (
            f" {duplicates} of them {copies} of another outlet's article "
            "(kept; use --drop-duplicates to leave them out)."
        )
    else:
        syndication = ""
    rates_only = selection.get("groups_rates_only", [])
    small = [g for g in selection["groups_left_out"] if g not in set(rates_only)]
    if small:
        documents_small = selection["documents_left_out"] - selection.get("documents_rates_only", 0)
        syndication += (
            f" {counted(len(small), by)} with fewer than {selection['min_documents']} documents"
            f" {are(len(small))} left out ({_names(small)}; {counted(documents_small, 'document')})."
        )
    if rates_only:
        syndication += (
            f" {counted(len(rates_only), by)} beyond the {selection['max_groups']} largest"
            f" {are(len(rates_only))} not compared ({_names(rates_only)};"
            f" {counted(selection['documents_rates_only'], 'document')}); their cue rates are in the"
            " rate tables."
        )
    if not small and not rates_only and selection["documents_without_group"]:
        without = selection["documents_without_group"]
        syndication += f" {counted(without, 'document')} without a {by} {are(without)} left out."
    implausible = selection.get("implausible_dates", {}).get("documents", 0)
    if implausible:
        examples = ", ".join(selection["implausible_dates"]["examples"])
        syndication += (
            f" {counted(implausible, 'document')} dated before 1800 or after 2200 ({examples})"
            f" {are(implausible)} left out of the rates over time (the dates look like placeholders or"
            " typos)."
        )
    syndication += dates_note(selection.get("implausible_dates", {}))
    # issue 10: a group map or a subset changes what is compared; the first finding says so
    from framing.subsets import regroup_line, subset_line

    for line in [*map(regroup_line, corpus.summary.regroupings), *map(subset_line, corpus.summary.subsets)]:
        syndication += f" {line[0].upper()}{line[1:]}."
    findings.append(
        Finding(
            "corpus",
            f"The comparison covers {documents:,} documents from {len(groups)} {plural(by)}{span}."
            f"{syndication} "
            "Rates are cue matches per 1,000 word tokens; intervals are 95% bootstrap intervals over "
            "documents; q-values are Benjamini-Hochberg corrected permutation or Kruskal-Wallis p-values. "
            "The cues are counted with lexicons: they measure wording, not intent.",
        )
    )
    findings.extend(_cue_findings(tables, by, cues, groups))
    findings.extend(_blame_findings(tables, by, groups, corpus.actors))
    findings.extend(_profile_findings(tables, by, groups))
    findings.extend(_wording_findings(tables, groups))
    findings.extend(_phrase_findings(tables, groups))
    findings.append(_separability_finding(tables, by))
    if selection.get("not_computed"):
        findings.append(
            Finding(
                "not computed", "Not computed on this corpus: " + "; ".join(selection["not_computed"]) + "."
            )
        )
    return findings


def dates_note(record: Mapping[str, Any]) -> str:
    """What the rates over time leave out besides implausible years: stray dates, undated documents."""
    note = ""
    stray = record.get("outside_range") or {}
    if stray.get("documents"):
        first, last = stray["range"]
        count = stray["documents"]
        note += (
            f" {counted(count, 'document')} dated outside the corpus's range ({first} to {last}: the bulk of"
            f" its dates, widened) {are(count)} left out of the rates over time"
            f" ({', '.join(stray['examples'])})."
        )
    if record.get("undated"):
        count = record["undated"]
        note += (
            f" {count:,} {'document has' if count == 1 else 'documents have'} no usable date: "
            f"{'it is' if count == 1 else 'they are'} in every table but the rates over time."
        )
    return note


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


def plural(by: str) -> str:
    label = by.replace("_", " ")
    return label if label.endswith("s") else f"{label}s"


def _names(names: list[str], shown: int = 5) -> str:
    return ", ".join(names[:shown]) + (f" and {len(names) - shown} more" if len(names) > shown else "")


def _cue_findings(
    tables: dict[str, pd.DataFrame], by: str, cues: list[str], groups: list[Hashable]
) -> list[Finding]:
    findings = []
    omnibus = tables["omnibus"].set_index("cue")
    rates = tables["cue_rates"]
    rates = rates[rates[by].isin(groups)]  # highest and lowest among the groups compared
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
            f"Kruskal-Wallis H = {test['h_statistic']:.2f}, ε² = {test['epsilon_squared']:.2f} "
            f"({_epsilon_label(test['epsilon_squared'])} effect), q {fmt_q(test['q_value'])}"
        )
        extremes = (
            f"highest in {high[by]} ({fmt(high['mean_rate'])} per 1,000 tokens, 95% CI "
            f"{fmt(high['ci_low'])}-{fmt(high['ci_high'])}), lowest in {low[by]} "
            f"({fmt(low['mean_rate'])}, CI {fmt(low['ci_low'])}-{fmt(low['ci_high'])})"
        )
        if test["q_value"] < ALPHA:
            pairs = pairwise[(pairwise["cue"] == cue) & (pairwise["q_value"] < ALPHA)]
            text = f"{cue.capitalize()} differs between {plural(by)} ({stat}): {extremes}."
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
                    f" {len(pairs)} of {int((pairwise['cue'] == cue).sum())} pairs"
                    f" {'differs' if len(pairs) == 1 else 'differ'} after correction; "
                    f"the clearest: {first} uses {fmt(ratio, 2)} times the {cue} rate of {second} "
                    f"(Cliff's δ = {abs(top['cliffs_delta']):.2f}, {_delta_label(top['cliffs_delta'])}; "
                    f"q {fmt_q(top['q_value'])})."
                )
            else:
                text += " No single pair differs after correction for multiple comparisons."
        else:
            text = (
                f"{cue.capitalize()}: no reliable difference between {plural(by)} ({stat}); "
                f"the observed mean rates are {extremes}, but a difference of this size could be chance "
                "at this sample size."
            )
        findings.append(Finding(cue, text))
    return findings


def _first_example(rows: pd.DataFrame, by: str, quote: Quote) -> Example:
    """The attribution to quote: active-voice sentences first ("X blamed Y"), then document order.

    ``rows`` are labelled by their positions in ``blame_attributions``; ``quote`` reads a row's sentence.
    """
    order = rows.assign(_active=rows["rule"] == "active").sort_values(
        ["_active", "doc_id", "sentence_id"], ascending=[False, True, True], kind="mergesort"
    )
    return _sentence_of(order.iloc[0], by, quote(int(order.index[0])))


def _counts_phrase(counts: pd.Series, limit: int = 3) -> str:
    return ", ".join(f"{name} ({count})" for name, count in list(counts.items())[:limit])


def _ranked(values: pd.Series) -> pd.Series:
    """Value counts, most frequent first and ties in alphabetical order (stable across runs)."""
    counts = values.value_counts()
    return counts.sort_index().sort_values(ascending=False, kind="mergesort")


def _claims_phrase(claims: int, claimants: pd.Series) -> str:
    """How many claims of responsibility a group reports (``claims``), and by whom: each named claimant
    with its own count (``claimants``, :func:`_ranked`), and the claims whose claimant is no actor of the
    corpus apart, never credited to the most frequent claimant.

    3 claims, ``Islamic State`` 2: "it reports 3 claims of responsibility: by Islamic State (2), and 1
    with no actor of the corpus named as the claimant".
    """
    unnamed = claims - int(claimants.sum())
    total = f"{counted(claims, 'claim')} of responsibility"
    if not len(claimants):
        return f"it reports {total}, with no actor of the corpus named as the claimant"
    rest = f", and {unnamed} with no actor of the corpus named as the claimant" if unnamed else ""
    return f"it reports {total}: by {_counts_phrase(claimants)}{rest}"


def _blame_findings(
    tables: dict[str, pd.DataFrame], by: str, groups: list[Hashable], actors: Mapping[str, Any]
) -> list[Finding]:
    """Per group: blame in its own voice, blame it attributes to named actors, claims, and denials.

    "Own voice" means no actor of the corpus is named as the blamer in the sentence: the outlet's
    narration or an unnamed source ("a security source said"). The distinction matters for framing: an
    outlet reporting that officials accuse Ukraine is not the same as one asserting it.
    """
    if not actors:
        return [
            Finding(
                "blame",
                "No actors are defined for this corpus, so whom each group blames is not analysed (add "
                "[actors.NAME] aliases = [...] to corpus.toml). The blame and denial rates above still count "
                "the wording.",
            )
        ]
    attributions, quote = _attributions(tables, by)
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
            top = unattributed[unattributed["blamed"] == counts.index[0]]
            examples.append(_first_example(top, by, quote))
        else:
            parts.append("it names no culprit in its own voice")
        if len(attributed):
            pairs = _ranked(attributed["blamer"] + " → " + attributed["blamed"])
            parts.append(f"it reports accusations by named actors: {_counts_phrase(pairs)}")
            blamer, blamed = pairs.index[0].split(" → ")
            top = attributed[(attributed["blamer"] == blamer) & (attributed["blamed"] == blamed)]
            examples.append(_first_example(top, by, quote))
        if len(claims):
            named = claims[claims["blamed"] != "undetermined"]
            claimants = _ranked(named["blamed"])
            parts.append(_claims_phrase(len(claims), claimants))
            # the quoted claim is one of the top claimant's (any claim when none is named)
            top = named[named["blamed"] == claimants.index[0]] if len(claimants) else claims
            examples.append(_first_example(top, by, quote))
        if len(denials):
            denied = _ranked(denials[denials["blamed"] != "undetermined"]["blamed"])
            about = f", most about {denied.index[0]} ({denied.iloc[0]})" if len(denied) else ""
            carried = counted(len(denials), "denial or rejection", "denials or rejections")
            parts.append(f"it carries {carried} of blame{about}")
        findings.append(Finding("blame", f"Blame in {group}: " + "; ".join(parts) + ".", examples))
    # empty when no language had two groups with accusations to compare (tested within each language)
    associations = tables["blame_association"]
    association = associations.iloc[0] if len(associations) else None
    if association is not None and not math.isnan(association["p_value"]):
        reliable = association["p_value"] < ALPHA
        findings.append(
            Finding(
                "blame",
                f"Whom the {plural(by)} blame (accusations naming an actor, negations left out): "
                f"Cramér's V = {association['cramers_v']:.2f}, permutation p {fmt_q(association['p_value'])} "
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


def _columns(tables: Mapping[str, pd.DataFrame], name: str, columns: list[str]) -> pd.DataFrame:
    """Only ``columns`` of the table ``name`` (a stored table of the report reads no others)."""
    return tables.columns(name, columns) if isinstance(tables, ReportTables) else tables[name][columns]


def _blamed_profile_rows(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """The ``doc_id`` and ``actor`` of the profile rows marked ``blamed``: of a stored table only those
    rows of each block are kept, never the whole profile (a row per article and actor named)."""
    blocks = as_report_tables(tables).stored("blame_profile").batches(["doc_id", "actor", "blamed"])
    kept = [block[block["blamed"].to_numpy(dtype=bool)][["doc_id", "actor"]] for block in blocks]
    return pd.concat(kept) if kept else pd.DataFrame(columns=["doc_id", "actor"])


def _profile_findings(tables: dict[str, pd.DataFrame], by: str, groups: list[Hashable]) -> list[Finding]:
    """Per group: the actors its articles blame (framing.blame_profile), with a deciding sentence each.

    The deciding sentence is an accusation naming the actor (not negated) in an article whose profile
    marks it blamed: in the outlet's own voice first, then active-voice, then document order.
    """
    if "blamed_by_article" not in tables or tables["blamed_by_article"].empty:
        return []
    table = tables["blamed_by_article"]
    # issue 8: the accusations are taken before the profile is read, and the profile keeps only its
    # blamed rows: the whole attribution and profile rows held together took ~90 MB at 200,000 articles
    attributions, quote = _attributions(tables, by)
    accusations = attributions[
        ~attributions["negated"].astype(bool) & (attributions["kind"] != "denial")
    ].assign(_own=lambda t: t["blamer"] == "unspecified")
    del attributions
    profile = _blamed_profile_rows(tables)
    # the articles whose profile marks each actor blamed, as sets: ``Series.isin`` of an Arrow string
    # column made a Python object of every value it was given, each time (2.5 s at 20,000 articles)
    blamed_in: defaultdict[Any, set[Any]] = defaultdict(set)
    for actor, doc_id in zip(profile["actor"], profile["doc_id"], strict=True):
        blamed_in[actor].add(doc_id)
    del profile
    findings = []
    for group in groups:
        rows = table[table[by] == group].head(3)
        if rows.empty:
            continue
        parts, examples = [], []
        for row in rows.itertuples(index=False):
            parts.append(
                f"{row.actor} in {row.articles_blaming} of {row.group_articles} articles ({row.share:.0%})"
            )
            candidates = accusations[(accusations[by] == group) & (accusations["blamed"] == row.actor)]
            blamed_docs = blamed_in.get(row.actor, set())
            chosen = np.fromiter((d in blamed_docs for d in candidates["doc_id"]), bool, len(candidates))
            deciding = candidates[chosen]
            if len(deciding):
                own = deciding[deciding["_own"]]
                examples.append(_first_example(own if len(own) else deciding, by, quote))
        findings.append(
            Finding(
                "blame",
                f"Who the articles of {group} blame (per-article blame profile): " + "; ".join(parts) + ".",
                examples,
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
            terms = ", ".join(f"'{r.term}' ({r.cue}, z = {r.z_score:.2f})" for r in rows.itertuples())
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
                f"'{r.phrase}' ({int(r.count_group):,} times, {int(r.count_rest):,} elsewhere)"
                for r in rows.itertuples()
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


def clustered_finding(tables: dict[str, pd.DataFrame], by: str) -> Finding:
    """What outlet-clustered inference means for the tables, and which tests it refused (issue 10)."""
    rates = tables["cue_rates"].drop_duplicates(by)
    counts = rates["n_clusters"].astype(int)
    tests = pd.concat([tables["pairwise"], tables["vs_rest"]], ignore_index=True)
    refused = tests[tests["note"].astype(str).str.startswith("refused")]
    text = (
        f"Each {by.replace('_', ' ')} holds several outlets ({counts.min()} to {counts.max()}), whose "
        "articles are not independent: intervals resample whole outlets and tests permute whole "
        "outlets' labels (n_clusters columns), so the evidence counts outlets, not articles."
    )
    if len(refused):
        text += (
            f" {len(refused)} of {len(tests)} tests {are(len(refused))} refused (no p-value): fewer than 3"
            " outlets on a side, or too few relabellings to reach p < 0.05."
        )
    return Finding("clustering", text)


def _separability_finding(tables: dict[str, pd.DataFrame], by: str) -> Finding:
    # no row: stated for one language of several, where no classifier could be cross-validated
    summary = tables["separability"].iloc[0] if len(tables["separability"]) else {"macro_f1": math.nan}
    if math.isnan(summary["macro_f1"]):
        return Finding(
            "separability",
            "Separability not computed: cross-validating a classifier needs at least two groups with two "
            "or more documents each.",
        )
    text = (
        f"A logistic regression predicting the {by.replace('_', ' ')} from the {int(summary['cues'])} cue "
        f"rates reaches a cross-validated macro-F1 of {summary['macro_f1']:.2f} "
        f"(SD {summary['macro_f1_sd']:.2f} "
        f"over {int(summary['n_splits'])} folds) against {summary['baseline_macro_f1']:.2f} for always "
        "predicting the largest group"
    )
    chance = summary.get("stratified_macro_f1", math.nan)
    if not math.isnan(chance):  # the macro-F1 of guessing in proportion to group sizes, same folds
        text += f" and {chance:.2f} for guessing in proportion to group sizes"
    best = max(summary["baseline_macro_f1"], chance if not math.isnan(chance) else -1.0)
    text += "." if summary["macro_f1"] > best else ": the cues do not separate them."
    return Finding("separability", text)
