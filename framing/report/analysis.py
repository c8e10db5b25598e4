"""The report's analysis: every comparison of the report run on one corpus, as tidy tables.

:func:`analyse` only orchestrates library calls (:mod:`framing.features` for the one matching pass,
:mod:`framing.compare` for the statistics) and states the findings in words; it writes nothing.
"""

from __future__ import annotations

import platform
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from concurrent.futures import Executor
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from framing import compare
from framing._memory import return_freed_memory
from framing.actors import actors_from_table, with_suggested_actors
from framing.boilerplate import boilerplate_table
from framing.corpus import Corpus, as_corpus
from framing.coverage import language_coverage
from framing.dedup import is_syndicated_copy
from framing.errors import OptionError
from framing.features import MatchPass, build_matcher, match_documents, require_column
from framing.language import LANGUAGE_NAMES
from framing.lexicon import CUE_FAMILIES
from framing.matcher import CueMatcher
from framing.parallel import BackgroundCall
from framing.report.dates import corpus_date_range
from framing.report.examples import (
    TermFrequencies,
    examples_table,
    first_per_cell,
    term_frequencies,
    typical_examples,
)
from framing.report.findings import ALPHA, Example, Finding, clustered_finding, plural, state_findings
from framing.report.furniture import suggested_actors_sentence
from framing.report.interactive import evidence_cap
from framing.report.languages import LanguagePlan, by_language, plan_languages
from framing.report.model import as_model, json_safe, model_prevalence
from framing.report.stories import CLUSTER_COLUMNS, BackgroundStories, story_tables
from framing.report.tables import ReportTables, SpilledFrame
from framing.report.timing import timed_stages
from framing.spool import DocumentTexts, TextSpool
from framing.supervised import TextModel

if TYPE_CHECKING:  # the renderer imports this module
    from framing.report.render import ChartsAhead

__all__ = ["FREQUENCY_NAMES", "REPORT_STEPS", "Analysis", "Progress", "analyse"]

#: The labelled steps reported to a ``progress`` callback, in order.
REPORT_STEPS = (
    "measuring cues",
    "rates and bootstrap intervals",
    "permutation tests",
    "blame attribution",
    "distinctive wording",
    "separability",
    "same-story comparison",
    "example sentences",
    "charts",
    "writing",
)

Progress = Callable[[str], None]


@dataclass
class Analysis:
    """Everything the report shows: ``tables`` (name -> tidy DataFrame), ``findings`` and ``metadata``.

    ``tables`` is a :class:`~framing.report.tables.ReportTables`: indexed by name it gives DataFrames, and
    the per-row evidence tables of a large corpus are read from disk only then.
    """

    corpus: Corpus
    by: str
    groups: list[Hashable]
    cues: list[str]
    tables: ReportTables
    findings: list[Finding]
    examples: list[Example]
    metadata: dict[str, Any]
    #: the page's evidence explorer: up to interactive.evidence_cap sentences per group and cue
    evidence: list[Example] = field(default_factory=list)
    #: the charts drawn in worker processes while the analysis ran (``analyse(chart_pool=...)``)
    charts_ahead: ChartsAhead | None = field(default=None, repr=False, compare=False)


def _select_groups(
    documents: pd.DataFrame, by: str, min_documents: int, max_groups: int | None
) -> tuple[list[Hashable], list[Hashable], dict[str, Any]]:
    """The groups to compare: at least ``min_documents`` documents each, the ``max_groups`` largest.

    Returns the compared groups and the rated groups (every group with ``min_documents`` documents,
    shown in the per-group rate tables even when beyond the ``max_groups`` largest), both in sorted
    order, and a record of what was left out (for the summary and metadata).
    """
    require_column(documents, by)
    if min_documents < 1 or (max_groups is not None and max_groups < 2):
        raise OptionError("min_documents must be >= 1 and max_groups >= 2")
    # a document without words has no rate: it cannot make a group comparable
    groups = documents[by]
    worded = groups[documents["tokens"] > 0] if "tokens" in documents.columns else groups  # not the texts
    sizes = groups.dropna().value_counts()
    usable = worded.dropna().value_counts().reindex(sizes.index, fill_value=0)
    ranked = sorted(sizes.items(), key=lambda item: (-item[1], str(item[0])))
    kept = [group for group, _ in ranked if usable[group] >= min_documents]
    small = [group for group, _ in ranked if usable[group] < min_documents]
    beyond = kept[max_groups:] if max_groups is not None else []
    kept = kept[:max_groups] if max_groups is not None else kept
    if len(kept) < 2:
        raise OptionError(
            f"fewer than two {by} groups have {min_documents} or more documents with words; nothing to "
            f"compare (groups: {len(sizes)}; lower min_documents or compare by another column)"
        )
    # beyond the largest but with enough documents ("rates only"): not compared, yet in the per-group
    # rate tables
    counts = _left_out(documents[by], [str(g) for g in [*small, *beyond]], [str(g) for g in beyond])
    record = {
        "groups_compared": len(kept),
        **counts,
        "min_documents": min_documents,
        "max_groups": max_groups,
    }
    return compare.sorted_groups(kept), compare.sorted_groups([*kept, *beyond]), record


def _left_out(groups: pd.Series, left_out: list[str], rates_only: list[str]) -> dict[str, Any]:
    """The part of :func:`_select_groups`'s record that counts what was left out, for the documents
    whose groups are ``groups``: which of the groups ``left_out`` (and of those, ``rates_only``) they
    hold, in that order, and how many of the documents those groups and the group-less ones hold."""
    named = groups.dropna().astype(str)
    present = set(named)
    without_group = int(groups.isna().sum())
    return {
        "groups_left_out": [g for g in left_out if g in present],
        "groups_rates_only": [g for g in rates_only if g in present],
        "documents_rates_only": int(named.isin(rates_only).sum()),
        "documents_left_out": int(named.isin(left_out).sum()) + without_group,
        "documents_without_group": without_group,
    }


def _left_out_by_language(
    documents: pd.DataFrame, by: str, selection: Mapping[str, Any]
) -> dict[str, dict[str, Any]]:
    """:func:`_left_out` per language: a language's summary names the groups left out that have
    documents in it, with its own documents, not every language's."""
    left_out, rates_only = selection["groups_left_out"], selection["groups_rates_only"]
    return {
        str(language): _left_out(rows[by], left_out, rates_only)
        for language, rows in documents.groupby("language", sort=True)
    }


def analyse(
    corpus: Corpus | pd.DataFrame,
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
    model: TextModel | str | Path | None = None,
    jobs: int = 1,
    across_languages: bool = False,
    matcher: CueMatcher | None = None,
    actors: Mapping[str, Sequence[str]] | None = None,
    chart_pool: Executor | None = None,
) -> Analysis:
    """Run every comparison of the report on ``corpus`` and state the main differences in words.

    Rates are per 1,000 word tokens; bootstrap intervals resample documents within a group
    (``n_resamples``); permutation tests shuffle documents (``n_permutations``); q-values are
    Benjamini-Hochberg within each table; ``seed`` fixes every random stream. ``by`` is any document
    column (``outlet``, ``outlet_type``, ``outlet_country``). With ``drop_duplicates`` syndicated copies
    (non-empty ``duplicate_of``) are left out of every table. Groups with fewer than ``min_documents``
    documents are left out; of the others, only the ``max_groups`` largest (``None``: no limit) are
    compared, and the rest appear in the rate tables only (``groups``, ``cue_rates``,
    ``subcategory_rates``); the summary and ``metadata.json`` (``groups_left_out``,
    ``groups_rates_only``) say which.

    Tables (keys of ``Analysis.tables``): ``groups``, ``documents`` (per-document cue counts and rates),
    ``cue_rates``, ``subcategory_rates``, ``omnibus``, ``pairwise``, ``vs_rest``, ``subcategory_vs_rest``,
    ``blame_attributions``, ``blame_matrix``, ``blamer_blamed``, ``blame_association``,
    ``distinctive_terms``, ``distinctive_cue_terms``, ``phrases``, ``rates_over_time``, ``separability``,
    ``separability_features``, ``separability_folds``, ``examples``, ``boilerplate`` (the boilerplate
    patterns removed while loading, :func:`framing.boilerplate.boilerplate_table`), and the same-story
    comparison (:mod:`framing.report.stories`): ``stories``, ``within_story``, ``story_effects``. When
    the corpus defines no actors, the blame analysis uses the most mentioned suggested actors
    (:func:`framing.actors.suggest_actors`), listed in ``suggested_actors`` and said so in the summary.

    With ``model`` (a :class:`framing.supervised.TextModel` or a folder from ``framing train``) also
    ``model_prevalence``: each group's estimated prevalence of the model's label (mean calibrated
    probability of its documents, 0-1) with a bootstrap interval (``seed``, ``n_resamples``); the model
    card goes to ``metadata["model"]``.

    ``jobs > 1`` matches the cues and tokenises the texts for the distinctive words and phrases in that
    many worker processes, and (from 2,000 documents) clusters the stories and runs the pairwise tests
    in workers of their own beside the other work; the tables are identical to ``jobs=1``.

    Documents in several languages are tested within each language (the test tables get a ``language``
    column; ``languages`` gives each language's documents, tokens, matches and lexicons);
    ``across_languages=True`` pools them, with a note that the lexicons differ by language. Documents
    in a language without any cue lexicon are left out of every comparison, and the summary says so
    (:mod:`framing.report.languages`).

    ``corpus`` may be a documents DataFrame with a ``text`` column (:func:`framing.corpus.as_corpus`).
    ``matcher`` (:func:`framing.build_matcher`, e.g. with the user's lexicons) replaces the built-in
    lexicons: every family it has is compared, the toolkit's own first. ``actors`` (name -> aliases)
    replaces the corpus's ``[actors]``.

    ``chart_pool`` (:func:`framing.report.chart_workers`, started before the corpus is loaded): the
    report's charts (all but the per-document dot plot, drawn by the writer) are drawn in its workers
    while the analysis's last steps run (``Analysis.charts_ahead``); :func:`write_report` writes them,
    the same files it would draw. The caller shuts the pool down after writing the report.
    """
    corpus = as_corpus(corpus) if actors is None else as_corpus(corpus).with_actors(actors)
    trained = as_model(model) if model is not None else None  # a bad model folder fails before the work
    with timed_stages(progress) as step, ExitStack() as resources:
        return _analyse(
            corpus,
            step,
            resources,
            trained=trained,
            jobs=jobs,
            by=by,
            seed=seed,
            n_resamples=n_resamples,
            n_permutations=n_permutations,
            drop_duplicates=drop_duplicates,
            examples_per_cue=examples_per_cue,
            top_terms=top_terms,
            min_documents=min_documents,
            max_groups=max_groups,
            across_languages=across_languages,
            matcher=matcher or build_matcher(),
            chart_pool=chart_pool,
        )


def _analyse(
    corpus: Corpus,
    step: Progress,
    resources: ExitStack,
    *,
    by: str,
    seed: int,
    n_resamples: int,
    n_permutations: int,
    drop_duplicates: bool,
    examples_per_cue: int,
    top_terms: int,
    min_documents: int,
    max_groups: int | None,
    trained: TextModel | None,
    matcher: CueMatcher,
    jobs: int = 1,
    across_languages: bool = False,
    chart_pool: Executor | None = None,
) -> Analysis:
    # no [actors] in the corpus: the blame analysis runs on the most mentioned suggestions (h-boiler)
    with timed_stages() as timing:  # a pass over the texts before the report's steps: logged, no progress
        if not corpus.actors:
            timing("suggesting actors")
        corpus, suggested = with_suggested_actors(corpus, jobs=jobs)
    documents = corpus.documents
    dropped = 0
    dropped_by_language: dict[str, int] = {}  # each language's summary counts its own copies
    if drop_duplicates and "duplicate_of" in documents.columns:
        keep = ~is_syndicated_copy(documents["duplicate_of"])
        dropped = int((~keep).sum())
        if "language" in documents.columns:
            dropped_by_language = documents.loc[~keep, "language"].astype(str).value_counts().to_dict()
        documents = documents[keep].reset_index(drop=True)
    # issue 12: languages without lexicons are left out; several languages are compared within each
    documents, plan = plan_languages(documents, matcher, across_languages)
    groups, rated, selection = _select_groups(documents, by, min_documents, max_groups)
    left_out_by_language = _left_out_by_language(documents, by, selection) if plan.within else {}
    if selection["documents_left_out"]:
        documents = documents[documents[by].isin(rated)].reset_index(drop=True)
    cues = [c for c in CUE_FAMILIES if c in matcher.families]
    cues += [c for c in matcher.families if c not in cues]  # families of the user's lexicons
    stats = {"by": by, "order": groups}
    gaps: list[str] = []  # what could not be computed on this corpus, and why: said in the page
    tables = ReportTables()

    step(REPORT_STEPS[0])
    # the groups beyond the largest have rates (below) but take part in no comparison
    compared = documents[by].isin(groups).to_numpy() if len(rated) > len(groups) else None
    # The same-story clustering reads only the texts: with a spare core it runs beside the matching and
    # the statistics. It starts before the matching, while this process is small: a forked worker's
    # resident memory counts the pages it shares with this one.
    background = _cluster_in_background(documents, compared, plan, groups, by, jobs, corpus.spool)
    if background is not None:
        resources.enter_context(background)  # stopped on any error before its section
    content_hash = None
    if background is not None:
        # The metadata's corpus hash reads every text (0.4 to 0.6 s of CPU at 20,000 articles): computed
        # now, while the same-story worker has a core to itself, not in the report's last steps, where
        # this process is the bottleneck. (The tests' libraries, imported here too, were another 0.9 s,
        # but held ~50 MB through the matching: the 200,000-article peak went from 722 to 775 MB.)
        content_hash = corpus.content_hash()
    # one matcher pass gives the feature table, the matches behind the examples and the blame rows
    matched = match_documents(
        documents,
        by=by,
        actors=corpus.actors,
        matcher=matcher,
        profile=True,
        jobs=jobs,
        spool=corpus.spool,
    )
    rated_features = matched.features
    matched.drop_features()  # the report's examples read the match rows, not this table
    subcategories = [c for c in _subcategory_cues(rated_features) if c not in cues]
    tables["groups"] = _groups_table(documents, rated_features, by, rated)
    tables["boilerplate"] = boilerplate_table(corpus)  # what loading removed, per outlet (h-boiler)
    coverage = language_coverage(rated_features, matcher) if plan.multilingual or plan.unsupported else None
    # issue 8: the whole feature table of the compared groups waits on disk for the writer, the charts and
    # the summary; the statistics read a copy of the columns they test (at 200,000 AllSides articles, 128
    # of the table's 171 MB; the subcategories' columns go after their test, below)
    tables["documents"] = SpilledFrame(rated_features, rows=compared)  # in TMPDIR, as the pass's files
    clustering = {"cluster": "outlet"} if by != "outlet" and "outlet" in rated_features.columns else {}
    rated_features = _statistics_columns(rated_features, by, [*cues, *subcategories])
    return_freed_memory()
    permutation = {"n_permutations": n_permutations, "seed": seed, **clustering}
    # with many groups compared the pairs are tested in ``jobs`` processes (rates.PARALLEL_MIN_PAIRS)
    pairwise = _Computation(compare.pairwise_contrasts, {"cues": cues, "by": by, **permutation, "jobs": jobs})
    fit_rate_model = len(groups) <= RATE_MODEL_MAX_GROUPS
    cluster = "outlet" if clustering else None  # within each language: lexicons differ by language
    rate_model = _Computation(compare.rate_model, {"cues": cues, "by": by, "cluster": cluster})
    tests_worker = None
    if _in_background(jobs, len(rated_features), compared):
        # The pairwise tests and the rate model run in a worker from here on, beside the rates (one
        # core), the other tests, the blame step and the wording; each test is seeded on its own, so the
        # tables are those of any order. The worker makes its own copy of the compared rows. (With the
        # pairwise tests alone, 2.7 s of CPU at 20,000 articles, the worker was done a second before this
        # process, which then ran the rate model with the other core idle.)
        in_worker = {"pairwise": pairwise, **({"rate_model": rate_model} if fit_rate_model else {})}
        tests_worker = resources.enter_context(
            BackgroundCall(
                _compared_by_language,
                rated_features,
                compared,
                plan,
                by,
                groups,
                in_worker,
                min_documents,
                cues,
            )
        )

    step(REPORT_STEPS[1])
    # issue 10: groups made of several outlets (leaning, country) resample and permute whole outlets
    rating = {"by": by, "order": rated, "n_resamples": n_resamples, "seed": seed, **clustering}
    # The heap pages each resampling freed are handed back before the next step: kept, they were reused
    # only in part (at 200,000 articles the rates step held 97 MB of freed pages after the cue rates and
    # peaked 67 MB above them in the subcategory rates)
    cue_rates = compare.outlet_summary(rated_features, cues=cues, **rating)
    return_freed_memory()
    subcategory_rates = compare.outlet_summary(rated_features, cues=subcategories, **rating)
    return_freed_memory()
    # The groups left out of the comparisons are in no later table: their feature rows are let go (a
    # 200,000-article feature table of 124 outlets, 135 MB, was held to the end of the report). The
    # compared rows (documents and features) are copied only now, after the rates' resampling, not
    # beside it nor beside the matching.
    if compared is not None:
        # only the document columns the later steps read: the metadata the feature table carries to
        # documents.csv (on disk, above) is not copied again (at 200,000 AllSides articles, 126,750 rows
        # compared: 39.1 MB instead of 54.4 MB, held from here to the end of the report)
        kept = [c for c in documents.columns if c == by or c in _DOCUMENT_COLUMNS_AFTER_MATCHING]
        documents = documents.loc[compared, kept].reset_index(drop=True)
        features = rated_features[compared].reset_index(drop=True)
        matched = _only_groups(matched, by, groups, compared, documents)
    else:
        features = rated_features
    del rated_features
    return_freed_memory()
    tables["cue_rates"] = cue_rates
    tables["subcategory_rates"] = subcategory_rates
    # dates a chart cannot place (year 9999 as "unknown", typos) stay out of the time series, said so
    dated, implausible = _plausible_dates(features)
    freq = _time_frequency(dated)
    tables["rates_over_time"] = compare.rates_over_time(dated, cues=cues, freq=freq, **stats)
    del dated  # a copy of the whole feature table when a date was blanked
    selection["implausible_dates"] = implausible

    step(REPORT_STEPS[2])
    omnibus_options = permutation if clustering else {}  # outlets permuted only when clustering
    lone: list[str] = []  # languages with fewer than two groups: nothing to test within them

    def within(table: pd.DataFrame, compute: Callable[..., pd.DataFrame]) -> pd.DataFrame:
        return by_language(plan, table, by, groups, compute, min_documents=min_documents, skipped=lone)

    subcategory_vs_rest = within(
        features, lambda f, o: compare.group_vs_rest(f, cues=subcategories, by=by, order=o, **permutation)
    )
    # no later step reads the subcategories' columns (at 200,000 articles, 61 of the 82 MB of this copy)
    features = _statistics_columns(features, by, cues)
    return_freed_memory()
    tables["omnibus"] = within(
        features, lambda f, o: compare.omnibus_tests(f, cues=cues, by=by, order=o, **omnibus_options)
    )
    if tests_worker is None:
        tables["pairwise"] = within(features, pairwise)
    tables["vs_rest"] = within(
        features, lambda f, o: compare.group_vs_rest(f, cues=cues, by=by, order=o, **permutation)
    )
    tables["subcategory_vs_rest"] = subcategory_vs_rest
    del subcategory_vs_rest
    if not fit_rate_model:  # one dense column per group: the fit grows with the square of the groups
        tables["rate_model"] = pd.DataFrame(columns=compare.RATE_MODEL_COLUMNS)
        gaps.append(
            f"rate model: more than {RATE_MODEL_MAX_GROUPS} {plural(by)} (fit it for a selection with "
            "framing.compare.rate_model)"
        )
    elif tests_worker is None:
        tables["rate_model"] = within(features, rate_model)

    step(REPORT_STEPS[3])
    # the blame statistics read a few columns of the blame rows; the rows themselves (with their
    # sentences: most of the table's size) stay in the pass's files until the writer copies them
    tables["blame_attributions"] = _BlameRows(matched, "attributions")
    attributions = matched.attribution_columns(list(dict.fromkeys([by, *_BLAME_STATISTICS_COLUMNS])))
    # a group without any blame or denial cue has no row to tabulate: the blame tables show the others
    blaming = {"by": by, "order": _present(groups, attributions[by])}
    silent = [str(g) for g in groups if g not in blaming["order"]]
    if silent:
        gaps.append(f"blame tables for {', '.join(silent)}: no blame or denial cue in the documents")
    tables["blame_matrix"] = compare.blame_matrix(attributions, **blaming)
    tables["blamer_blamed"] = compare.blamer_blamed(attributions, **blaming)
    association = {"n_permutations": n_permutations, "seed": seed}
    if plan.within:  # issue 12: one test per language, as for the rates (each stated under its language)
        language_of = dict(zip(documents["doc_id"].astype(str), documents["language"], strict=True))
        voiced = attributions.assign(language=attributions["doc_id"].astype(str).map(language_of))
        tables["blame_association"] = within(
            voiced,
            lambda a, o: compare.blame_association(
                a.drop(columns="language"), by=by, order=_present(o, a[by]), **association
            ),
        )
        del language_of, voiced
    else:
        tables["blame_association"] = compare.blame_association(attributions, **association, **blaming)
    del attributions
    if corpus.actors:  # issue 9: who each group's articles blame (framing.blame_profile)
        from framing.blame_profile import blamed_by_group_in_blocks

        # the pass is over the compared documents only (``_only_groups``): so are its profile rows
        profile = _BlameRows(matched, "profile")
        tables["blame_profile"] = profile
        group_of = dict(zip(documents["doc_id"].astype(str), documents[by], strict=True))
        # counted a block of documents at a time: the whole profile with each row's group, and the
        # grouping's copies of it, were ~80 MB at 200,000 articles
        blocks = (
            block.assign(**{by: block["doc_id"].map(group_of)})
            for block in profile.batches(["doc_id", "actor", "blamed"])
        )
        sizes = documents[by].value_counts()
        tables["blamed_by_article"] = blamed_by_group_in_blocks(blocks, sizes, by=by, order=groups)
        # a dictionary entry and a string per document (~18 MB at 200,000 articles): not kept to the end
        del profile, blocks, group_of

    step(REPORT_STEPS[4])
    # The charts are drawn from the moment their tables are complete, while this process goes on with
    # the phrases and the cue terms (0.6-0.7 s at 20,000 articles, the chart workers beside it); the cue
    # terms' chart follows them. Submitted earlier, beside the tests and the wording (both cores busy),
    # they only slowed those: at 20,000 articles the steps from the rates on took 43 and 37 s with the
    # rate charts submitted after the rates, 43 and 39 s at the blame step, 39 and 38 s after the cue
    # terms, 47 and 41 s drawn by the writer (two alternating rounds, before the rate model went to the
    # tests' worker).
    ahead = _charts_ahead(chart_pool, by, groups, cues, tables, resources)

    def draw_all_but_the_cue_terms_chart() -> None:
        if ahead is not None:
            ahead.submit(bool(corpus.actors), waiting={"distinctive_cue_terms"})

    # issue 8: the texts are read a block at a time (from the spool of a spooled corpus) and only the
    # word and bigram counts per group are kept, for both tables; no token of the corpus is held
    if plan.within:
        counted: dict[tuple[str, ...], compare.WordingCounts] = {}  # each language's texts read once

        def wording(d: pd.DataFrame, o: list[Hashable]) -> compare.WordingCounts:
            rows = d[d[by].isin(o)]
            key = tuple(rows["doc_id"].astype(str))
            if key not in counted:
                counted[key] = compare.wording_counts(DocumentTexts(rows, corpus.spool), rows[by], jobs=jobs)
            return counted[key]

        def terms(d: pd.DataFrame, o: list[Hashable]) -> pd.DataFrame:
            return compare.distinctive_terms(wording(d, o).term_counts(), top_n=top_terms)

        def phrases(d: pd.DataFrame, o: list[Hashable]) -> pd.DataFrame:
            return wording(d, o).collocations(top_n=top_terms)

        tables["distinctive_terms"] = within(documents, terms)
        draw_all_but_the_cue_terms_chart()
        tables["phrases"] = within(documents, phrases)
        counted.clear()
    else:
        counts = compare.wording_counts(DocumentTexts(documents, corpus.spool), documents[by], jobs=jobs)
        tables["distinctive_terms"] = compare.distinctive_terms(counts.term_counts(), top_n=top_terms)
        draw_all_but_the_cue_terms_chart()
        tables["phrases"] = counts.collocations(top_n=top_terms)
        del counts
    per_cue = []
    # issue 8: one pass over the match rows, a block of documents at a time, counts the terms of every
    # cue family; the example sentences are scored with the same counts
    frequencies = term_frequencies(matched, by)
    for cue in cues:
        if plan.within:  # the words of one language are distinctive against the same language only
            cue_counts = _cue_term_counts_by_language(frequencies, cue, plan.languages)
        else:
            cue_counts = frequencies.cue_term_counts(cue)
        if plan.within:
            table = _distinctive_by_language(cue_counts, top_terms)
            if len(table):
                per_cue.append(table.assign(cue=cue)[["cue", *table.columns]])
            else:
                gaps.append(f"distinctive {cue} words: fewer than two {plural(by)} of one language use any")
        elif cue_counts["group"].nunique() >= 2:
            table = compare.distinctive_terms(cue_counts, top_n=top_terms)
            per_cue.append(table.assign(cue=cue)[["cue", *table.columns]])
        else:
            gaps.append(f"distinctive {cue} words: fewer than two {plural(by)} use any {cue} term")
    tables["distinctive_cue_terms"] = (
        pd.concat(per_cue, ignore_index=True)
        if per_cue
        else pd.DataFrame(columns=["cue", *tables["distinctive_terms"].columns])
    )
    if ahead is not None:
        ahead.submit(bool(corpus.actors))  # the distinctive cue terms' chart
    if tests_worker is not None:  # the findings read them
        tables.update(tests_worker.result())

    step(REPORT_STEPS[5])
    # cross-validation needs two groups with at least two documents that have words
    worded = features.loc[features["tokens"] > 0, by].value_counts()
    if plan.within:
        tables.update(_separability_by_language(features, plan, by, groups, cues, seed, min_documents, jobs))
    elif int((worded >= 2).sum()) >= 2:
        separable = compare.separability(features, cues=cues, seed=seed, **stats, **clustering, jobs=jobs)
        tables["separability"] = separable.summary
        tables["separability_features"] = separable.features
        tables["separability_folds"] = separable.folds
    else:
        tables.update(_no_separability(features, groups, cues, seed))
        gaps.append(f"separability: fewer than two {plural(by)} have two or more documents with words")

    step("same-story comparison")  # issue 10: compare the groups within the stories they share
    story_options = {"by": by, "cues": cues, "seed": seed, "n_resamples": n_resamples,
                     "n_permutations": n_permutations, "spool": corpus.spool}  # fmt: skip
    if plan.within:  # issue 12: rates from different lexicons are compared only within a language
        tables.update(_stories_by_language(documents, features, plan, groups, story_options, background))
    else:
        clustered = background.get(None) if background is not None else None
        tables.update(story_tables(documents, features, groups=groups, stories=clustered, **story_options))
        del clustered
    if background is not None:
        # its worker's copy of the texts is freed now, and its results (a row per document), not at the
        # end of the report
        background.close()

    del features  # the statistics' columns: the example sentences and the findings do not read them

    step("example sentences")
    # one ranking for both: the quoted examples are the first examples_per_cue of the explorer's sentences
    cap = evidence_cap(len(groups), len(cues), at_least=examples_per_cue)
    evidence = typical_examples(matched, by, groups, cues, cap, frequencies=frequencies)
    examples = first_per_cell(evidence, examples_per_cue)
    tables["examples"] = examples_table(examples, by)
    return_freed_memory()  # the ranking's pages, before the summary reads the blame rows

    if lone:
        gaps.append(f"tests within {', '.join(lone)}: fewer than two {plural(by)} in that language")
    if coverage is not None:
        tables["languages"] = coverage
    selection["not_computed"] = gaps
    if plan.within:
        grouping = tables.columns("documents", [by, "language"])
        findings = _findings_by_language(
            tables, grouping, plan, by, groups, cues, corpus, dropped, dropped_by_language,
            selection, left_out_by_language,
        )  # fmt: skip
    else:
        findings = state_findings(tables, by, groups, cues, corpus, dropped, selection)
    findings[1:1] = [Finding("languages", note) for note in plan.notes(by)]
    if len(suggested):  # said on the page, right after the corpus description
        tables["suggested_actors"] = suggested.assign(aliases=suggested["aliases"].map("; ".join))
        findings.insert(min(1, len(findings)), Finding("actors", suggested_actors_sentence(suggested)))
    if "n_clusters_a" in tables["pairwise"].columns:  # issue 10: say what the unit of evidence is
        findings.append(clustered_finding(tables, by))
    if trained is not None:  # issue 11: the supervised measure, beside (not among) the lexicon findings
        tables["model_prevalence"] = model_prevalence(
            tables["documents"],
            documents,
            trained,
            by=by,
            groups=groups,
            seed=seed,
            n_resamples=n_resamples,
            spool=corpus.spool,
        )
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
        content_hash=content_hash if content_hash is not None else corpus.content_hash(),
    )
    metadata["languages"] = plan.metadata()
    if trained is not None:
        metadata["model"] = json_safe(trained.card)
    if len(suggested):
        metadata["suggested_actors"] = actors_from_table(suggested)
    return Analysis(corpus, by, groups, cues, tables, findings, examples, metadata, evidence, ahead)


def _compared_by_language(
    features: pd.DataFrame,
    compared: np.ndarray | None,
    plan: LanguagePlan,
    by: str,
    groups: list[Hashable],
    computations: dict[str, Callable[[pd.DataFrame, list[Hashable]], pd.DataFrame]],
    min_documents: int,
    cues: Sequence[str],
) -> dict[str, pd.DataFrame]:
    """``by_language(compute)`` on the ``compared`` rows of ``features`` (all when None), for each
    computation: its table by name. The computations read the columns of ``cues`` only: the copy made
    here has no others (at 200,000 AllSides articles the subcategories' columns were 61 MB of the
    worker's 82 MB copy, and with the rate model fitted in it the worker was the report's largest
    process, 749 MB)."""
    features = _statistics_columns(features, by, cues)
    if compared is not None:
        features = features[compared].reset_index(drop=True)
    return {
        name: by_language(plan, features, by, groups, compute, min_documents=min_documents)
        for name, compute in computations.items()
    }


def _charts_ahead(
    pool: Executor | None,
    by: str,
    groups: list[Hashable],
    cues: list[str],
    tables: ReportTables,
    resources: ExitStack,
) -> ChartsAhead | None:
    """The charts to draw in ``pool`` while the analysis goes on (None without a pool); cancelled
    if the analysis fails."""
    if pool is None:
        return None
    from framing.report.render import ChartsAhead  # the renderer imports this module

    ahead = ChartsAhead(pool, by, list(groups), cues, tables)
    resources.push(lambda failed, *_: ahead.cancel() if failed is not None else None)
    return ahead


def _stories_by_language(
    documents: pd.DataFrame,
    features: pd.DataFrame,
    plan: LanguagePlan,
    groups: list[Hashable],
    options: dict[str, Any],
    background: BackgroundStories | None = None,
) -> dict[str, pd.DataFrame]:
    """The same-story tables computed within each language (a ``language`` column; story ids prefixed)."""
    by = options["by"]
    parts: dict[str, list[pd.DataFrame]] = {}
    for language, rows, order in _story_languages(documents, plan, groups, by):
        found = story_tables(
            documents[rows].reset_index(drop=True),
            features[rows].reset_index(drop=True),
            groups=order,
            stories=background.get(language) if background is not None else None,
            **options,
        )
        for name, table in found.items():
            if "story_id" in table.columns:
                table = table.assign(story_id=f"{language}-" + table["story_id"].astype(str))
            parts.setdefault(name, []).append(table.assign(language=language)[["language", *table.columns]])
    return {name: pd.concat(tables, ignore_index=True) for name, tables in parts.items()}


def _story_languages(
    documents: pd.DataFrame, plan: LanguagePlan, groups: list[Hashable], by: str
) -> list[tuple[str, np.ndarray, list[Hashable]]]:
    """(language, its rows, its groups in order) for each language with two or more compared groups."""
    found = []
    for language in plan.languages:
        rows = (documents["language"] == language).to_numpy()
        present = set(documents.loc[rows, by])
        order = [g for g in groups if g in present]
        if len(order) >= 2:
            found.append((language, rows, order))
    return found


@dataclass(frozen=True)
class _Computation:
    """``function(frame, order=order, **options)``: a comparison that can be sent to a worker process."""

    function: Callable[..., pd.DataFrame]
    options: dict[str, Any]

    def __call__(self, frame: pd.DataFrame, order: list[Hashable]) -> pd.DataFrame:
        return self.function(frame, order=order, **self.options)


def _import_shared_libraries() -> None:
    """Import scipy.stats and scikit-learn's preprocessing here, before the report's workers fork.

    This process imports them anyway (the omnibus tests, the separability). The same-story worker
    (scikit-learn: the stop words of ``sklearn.feature_extraction.text`` and ``normalize``) and the
    tests' worker (statsmodels, which imports scipy.stats) imported them again each: scipy.stats alone
    takes 0.49 s of CPU and 37 MB, sklearn.preprocessing after it 0.11 s and 17 MB (measured after the
    report's own modules). Forked after the import, the workers share this process's copy. At 20,000
    articles (two runs each) the same-story worker went from 4.10-4.29 to 3.47-3.79 s of CPU and the
    tests' worker from 3.48-3.84 to 3.05-3.44 s, with the same files.
    This process holds the libraries through the matching: its peak rose from 434 to 456-457 MB at
    20,000 articles; at 200,000 it was 659 MB (1.45x the 20,000-article run's; 1.44x with scipy.stats
    alone imported before the tests' worker only, which kept 623 MB: one run each).
    """
    import scipy.stats  # noqa: F401
    import sklearn.feature_extraction.text
    import sklearn.preprocessing  # noqa: F401


def _cluster_in_background(
    documents: pd.DataFrame,
    compared: np.ndarray | None,
    plan: LanguagePlan,
    groups: list[Hashable],
    by: str,
    jobs: int,
    spool: TextSpool | None = None,
) -> BackgroundStories | None:
    """With a spare core (``jobs > 1``) and enough documents to be worth a process, the same-story
    clustering starts now in a worker, on the documents the same-story section will read (those where
    ``compared``, all when None; a spooled table's texts read from ``spool`` by the worker). The copy of
    the compared rows made for the worker is let go once it has started."""
    if not _in_background(jobs, len(documents), compared):
        return None
    # the tests' worker starts under the same condition (_in_background), after this one: both inherit
    # the libraries
    _import_shared_libraries()
    if compared is not None:
        documents = documents[compared].reset_index(drop=True)
    if plan.within:
        tables: dict[Hashable, pd.DataFrame] = {
            language: documents[rows].reset_index(drop=True)
            for language, rows, _ in _story_languages(documents, plan, groups, by)
        }
    else:
        tables = {None: documents}
    return BackgroundStories(tables, spool)


#: Below this many documents the report does not start workers for the same-story clustering and the
#: pairwise tests (a worker's start costs more than it saves).
BACKGROUND_MIN_DOCUMENTS = 2000


def _in_background(jobs: int, rows: int, compared: np.ndarray | None) -> bool:
    """Whether the same-story clustering and the tests run in workers of their own: a spare core and at
    least :data:`BACKGROUND_MIN_DOCUMENTS` compared documents (of ``rows``; all when ``compared`` is None)."""
    n_compared = rows if compared is None else int(compared.sum())
    return jobs > 1 and n_compared >= BACKGROUND_MIN_DOCUMENTS


FREQUENCY_NAMES = {"D": "day", "W": "week", "M": "month"}

#: Above this many compared groups the report leaves the rate model out (minutes per cue at 379 outlets).
RATE_MODEL_MAX_GROUPS = 40


#: Documents whose blame or profile rows the writer reads at a time (about 40,000 rows, 15 MB).
BLAME_BLOCK_DOCUMENTS = 20_000

#: The blame row columns the blame statistics (:mod:`framing.compare.blame`) read, beside the group.
_BLAME_STATISTICS_COLUMNS = ["doc_id", "blamer", "blamed", "kind", "negated"]


class _BlameRows:
    """The blame or profile rows of a matching pass as a :class:`~framing.report.tables.StoredTable`:
    read from the pass's files a block of documents at a time (:meth:`MatchPass.blame_blocks`)."""

    def __init__(self, matched: MatchPass, table: Literal["attributions", "profile"]) -> None:
        self.matched, self.table = matched, table
        self.columns = matched.blame_columns(table)
        self._rows = matched.blame_row_count(table)

    def __len__(self) -> int:
        return self._rows

    def read(self, columns: Sequence[str] | None = None) -> pd.DataFrame:
        if self.table == "attributions":
            return self.matched.attribution_columns(columns)
        found = self.matched.profile_columns(columns)
        assert found is not None
        return found

    def batches(self, columns: Sequence[str] | None = None) -> Iterator[pd.DataFrame]:
        return self.matched.blame_blocks(self.table, columns, documents_per_block=BLAME_BLOCK_DOCUMENTS)

    def take(self, rows: Sequence[int] | np.ndarray, columns: Sequence[str] | None = None) -> pd.DataFrame:
        return self.matched.blame_rows(self.table, rows, columns)


def _only_groups(
    matched: MatchPass, by: str, groups: list[Hashable], compared: np.ndarray, documents: pd.DataFrame
) -> MatchPass:
    """``matched`` with the matches and blame rows of ``groups`` only, over ``documents``: the rows of
    ``matched.documents`` where ``compared`` (the documents of ``groups``) is true, in order (the match
    rows' ``doc`` numbers them).

    Nothing is copied (:meth:`MatchPass.select`): the selection reads the rows of its documents from the
    pass's files when asked. The documents of the other groups are let go: keeping them (their texts) for
    the match rows' numbers held a second copy of most texts of a corpus with many small outlets. The
    pass's feature table was let go before (the report keeps its own, on disk): the selection has none.
    """
    return matched.select(compared, documents=documents)


def _findings_by_language(
    tables: dict[str, pd.DataFrame],
    features: pd.DataFrame,
    plan: LanguagePlan,
    by: str,
    groups: list[Hashable],
    cues: list[str],
    corpus: Corpus,
    dropped: int,
    dropped_by_language: Mapping[str, int],
    selection: dict[str, Any],
    left_out_by_language: Mapping[str, Mapping[str, Any]],
) -> list[Finding]:
    """The summary stated language by language: each from the tables' rows of that language only, with
    the syndicated copies (``dropped_by_language``; ``dropped``: all of them) and the groups left out
    (``left_out_by_language``, see :func:`_left_out_by_language`) of that language."""
    findings: list[Finding] = []
    for language in plan.languages:
        sizes = features.loc[features["language"] == language, by].value_counts()
        order = [g for g in groups if sizes.get(g, 0) >= 1]
        if len(order) < 2 or language not in set(tables["omnibus"].get("language", [])):
            continue
        view = {
            name: (
                table[table["language"] == language].drop(columns="language").reset_index(drop=True)
                if "language" in table.columns and name != "languages"
                else table
            )
            for name, table in tables.items()
        }
        copies = dropped_by_language.get(language, 0)
        own = {**selection, **left_out_by_language.get(language, {}), "not_computed": []}
        stated = state_findings(view, by, order, cues, corpus, copies, own)
        name = LANGUAGE_NAMES.get(language, language)
        findings.extend(replace(f, text=f"{name}: {f.text}") for f in stated)
    if selection.get("not_computed"):
        text = "Not computed on this corpus: " + "; ".join(selection["not_computed"]) + "."
        findings.append(Finding("not computed", text))
    return findings or state_findings(tables, by, groups, cues, corpus, dropped, selection)


def _cue_term_counts_by_language(
    frequencies: TermFrequencies, cue: str, languages: list[str]
) -> pd.DataFrame:
    """:meth:`TermFrequencies.cue_term_counts` with a ``language`` column (that of each match's document)."""
    parts = [frequencies.cue_term_counts(cue, language=code).assign(language=code) for code in languages]
    return pd.concat(parts, ignore_index=True) if parts else frequencies.cue_term_counts(cue)


def _distinctive_by_language(counts: pd.DataFrame, top_terms: int) -> pd.DataFrame:
    parts = []
    for language, rows in counts.groupby("language", sort=True):
        if rows["group"].nunique() >= 2:
            table = compare.distinctive_terms(rows.drop(columns="language"), top_n=top_terms)
            parts.append(table.assign(language=language)[["language", *table.columns]])
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _separability_by_language(
    features: pd.DataFrame,
    plan: LanguagePlan,
    by: str,
    groups: list[Hashable],
    cues: list[str],
    seed: int,
    min_documents: int,
    jobs: int = 1,
) -> dict[str, pd.DataFrame]:
    """The separability tables computed within each language (a ``language`` column), concatenated."""
    found: dict[str, list[pd.DataFrame]] = {"separability": [], "separability_features": [], "folds": []}
    for language in plan.languages:
        rows = features[(features["language"] == language) & (features["tokens"] > 0)]
        sizes = rows[by].value_counts()
        order = [g for g in groups if sizes.get(g, 0) >= max(2, min_documents)]
        if len(order) < 2:
            continue
        subset = rows[rows[by].isin(order)].reset_index(drop=True)
        separable = compare.separability(subset, cues=cues, seed=seed, by=by, order=order, jobs=jobs)
        for key, table in (
            ("separability", separable.summary),
            ("separability_features", separable.features),
            ("folds", separable.folds),
        ):
            found[key].append(table.assign(language=language)[["language", *table.columns]])
    if not found["separability"]:
        empty = _no_separability(features, groups, cues, seed)
        return {k: v.assign(language=None)[["language", *v.columns]] for k, v in empty.items()}
    return {
        "separability": pd.concat(found["separability"], ignore_index=True),
        "separability_features": pd.concat(found["separability_features"], ignore_index=True),
        "separability_folds": pd.concat(found["folds"], ignore_index=True),
    }


def _no_separability(
    features: pd.DataFrame, groups: list[Hashable], cues: list[str], seed: int
) -> dict[str, pd.DataFrame]:
    """The separability tables when no classifier can be cross-validated: NaN scores, empty folds."""
    summary = pd.DataFrame(
        [{"macro_f1": np.nan, "macro_f1_sd": np.nan, "baseline_macro_f1": np.nan,
          "stratified_macro_f1": np.nan, "uniform_macro_f1": np.nan, "accuracy": np.nan,
          "baseline_accuracy": np.nan, "n_splits": 0, "documents": len(features), "groups": len(groups),
          "cues": len(cues), "dropped_groups": len(groups), "seed": seed}]
    )  # fmt: skip
    return {
        "separability": summary,
        "separability_features": pd.DataFrame(columns=["group", "feature", "coefficient", "rank"]),
        "separability_folds": pd.DataFrame(
            columns=[
                "fold",
                "test_documents",
                "macro_f1",
                "baseline_macro_f1",
                "stratified_macro_f1",
                "uniform_macro_f1",
                "accuracy",
                "baseline_accuracy",
            ]
        ),
    }


#: Dates outside these years are taken for placeholders or typos and left out of the time series.
PLAUSIBLE_YEARS = (1800, 2200)


def _plausible_dates(features: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
    """``features`` with dates outside :data:`PLAUSIBLE_YEARS` or the corpus's range blanked, and a record.

    The record counts and names the documents dated outside the plausible years (``documents``,
    ``examples``) and outside :func:`~framing.report.dates.corpus_date_range` (``outside_range``), and
    counts the documents without a usable date (``undated``): none of them are in the rates over time.
    """
    if "date" not in features.columns:
        return features, {"documents": 0, "examples": [], "undated": len(features)}
    dates = pd.to_datetime(features["date"], errors="coerce")
    years = dates.dt.year
    outside = dates.notna() & ((years < PLAUSIBLE_YEARS[0]) | (years > PLAUSIBLE_YEARS[1]))
    record: dict[str, Any] = {
        "documents": int(outside.sum()),
        "examples": sorted({str(d)[:10] for d in features.loc[outside, "date"]})[:3],
        "undated": int(dates.isna().sum()),
    }
    # issue 10: one article dated 2050 in coverage of 2020 stretched the time axis over thirty empty years
    bounds = corpus_date_range(dates[~outside])
    if bounds is not None:
        stray = dates.notna() & ~outside & ((dates < bounds[0]) | (dates > bounds[1]))
        record["outside_range"] = {
            "documents": int(stray.sum()),
            "examples": sorted({str(d)[:10] for d in features.loc[stray, "date"]})[:3],
            "range": [str(bound.date()) for bound in bounds],
        }
        outside |= stray
    if not outside.any():
        return features, record
    return features.assign(date=features["date"].where(~outside)), record


def _time_frequency(documents: pd.DataFrame) -> str:
    """Days for coverage of up to three months, weeks up to two years, months beyond."""
    dates = pd.to_datetime(documents.get("date", pd.Series(dtype=str)), errors="coerce").dropna()
    if dates.empty:
        return "D"
    span = (dates.max() - dates.min()).days
    return "D" if span <= 92 else "W" if span <= 730 else "M"


#: The columns of each cue family (and subcategory) that the statistics read; the feature table's others
#: (negated, present and weighted counts) are in the documents table on disk only.
_TESTED_SUFFIXES = ("_count", "_rate")

#: Document columns read after the matching pass: the same-story clustering's (ids, texts, titles, dates,
#: outlets, syndication marks: also what the examples, blame rows, wording, model and metadata read) and
#: the languages; the other metadata columns are in the feature table, which the report keeps on disk.
_DOCUMENT_COLUMNS_AFTER_MATCHING = frozenset({*CLUSTER_COLUMNS, "language", "language_supported", "tokens"})

#: Document columns the statistics read besides the grouping column: the unit of resampling (``outlet``
#: when grouping several outlets), the dates (rates over time), the language (tests within a language).
_TESTED_DOCUMENT_COLUMNS = (
    "doc_id", "outlet", "date", "language", "language_supported", "tokens", "sentences",
)  # fmt: skip


def _statistics_columns(features: pd.DataFrame, by: str, families: Sequence[str]) -> pd.DataFrame:
    """The columns of ``features`` that the report's statistics read (grouping, identity, dates, tokens,
    each family's count and rate), in the table's order: a copy of 128 of the 171 MB of the feature table
    of 200,000 AllSides articles with the subcategories, 21 of 110 MB of the compared rows without."""
    wanted = {by, *_TESTED_DOCUMENT_COLUMNS, *(f"{f}{s}" for f in families for s in _TESTED_SUFFIXES)}
    return features[[c for c in features.columns if c in wanted]]


def _subcategory_cues(features: pd.DataFrame) -> list[str]:
    stems = [c[: -len("_rate")] for c in features.columns if c.endswith("_rate")]
    return [s for s in stems if f"{s}_count" in features.columns]


def _groups_table(
    documents: pd.DataFrame, features: pd.DataFrame, by: str, groups: list[Hashable]
) -> pd.DataFrame:
    """One row per group: documents, tokens, first and last date, syndicated copies."""
    # only the columns counted here: a selection of rows would otherwise copy every text of the group
    data = documents[[c for c in (by, "date", "duplicate_of") if c in documents.columns]].assign(
        _tokens=features["tokens"].to_numpy()
    )
    # row positions per group in one pass: a mask per group is groups x documents (379 x 20,000)
    positions = data.groupby(by, sort=False, observed=True, dropna=True).indices
    rows = []
    for group in groups:
        subset = data.iloc[positions.get(group, np.array([], dtype=np.intp))]
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


def _present(groups: list[Hashable], column: pd.Series) -> list[Hashable]:
    """The ``groups`` that occur in ``column``, in their order.

    The column's values are collected once (a set made in a comprehension's condition is made per group:
    0.3 s of the 20,000-article report's blame step, 12 groups).
    """
    present = set(column.unique())
    return [g for g in groups if g in present]


def _metadata(
    corpus: Corpus,
    documents: pd.DataFrame,
    *,
    matcher: CueMatcher,
    tables: ReportTables,
    content_hash: str,
    **parameters: Any,
) -> dict[str, Any]:
    from importlib.metadata import version

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
            # its distribution's version: this process need not import it (the chart workers draw)
            "matplotlib": version("matplotlib"),
        },
        "corpus": {
            "name": corpus.name,
            "source": str(corpus.source) if corpus.source is not None else None,
            "content_hash": content_hash,
            "documents_loaded": len(corpus.documents),
            "documents_analysed": len(documents),
            "duplicates_dropped": parameters["dropped"],
            "groups_left_out": parameters["selection"]["groups_left_out"],
            "documents_left_out": parameters["selection"]["documents_left_out"],
            "groups_rates_only": parameters["selection"]["groups_rates_only"],
            "implausible_dates": parameters["selection"]["implausible_dates"],
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
            "cluster": "outlet" if "n_clusters_a" in tables["pairwise"].columns else None,
            "negation_window": matcher.negation_window,
        },
        "tables": {name: {"rows": tables.rows(name)} for name in sorted(tables)},
        "not_computed": parameters["selection"]["not_computed"],
    }
