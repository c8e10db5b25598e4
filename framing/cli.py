"""The ``framing`` command: a thin typer layer over the library.

Every command loads its input with :func:`framing.load_corpus` and calls one library function; errors
about the input are printed as one line and exit with status 2.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Annotated, Any, TypeVar

import pandas as pd
import typer

from framing.corpus import Corpus, DocumentStream, load_corpus
from framing.errors import FramingError, OptionError

app = typer.Typer(
    help="Compare how news outlets frame the same events.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
corpus_app = typer.Typer(help="Load and inspect corpora.", no_args_is_help=True)
app.add_typer(corpus_app, name="corpus")
lexicon_app = typer.Typer(help="List and show the cue lexicons.", no_args_is_help=True)
app.add_typer(lexicon_app, name="lexicon")

F = TypeVar("F", bound=Callable[..., Any])

PathArg = Annotated[
    Path, typer.Argument(help="Corpus folder (with corpus.toml) or a CSV/TSV/JSONL/Parquet/.txt file.")
]
TextCol = Annotated[str | None, typer.Option("--text-col", help="Column holding the article text.")]
OutletCol = Annotated[str | None, typer.Option("--outlet-col", help="Column holding the outlet name.")]
DateCol = Annotated[str | None, typer.Option("--date-col", help="Column holding the publication date.")]
IdCol = Annotated[str | None, typer.Option("--id-col", help="Column holding the document id.")]
TitleCol = Annotated[str | None, typer.Option("--title-col", help="Column holding the headline.")]
DropDuplicates = Annotated[
    bool, typer.Option("--drop-duplicates/--keep-duplicates", help="Drop syndicated near-duplicate copies.")
]
Strict = Annotated[bool, typer.Option("--strict", help="Fail on non-UTF-8 bytes instead of repairing them.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print only results and errors.")]
Lexicons = Annotated[
    list[Path] | None,
    typer.Option("--lexicon", "-l", help="Extra lexicon file (TSV or LIWC .dic); repeat for several."),
]
ReplaceLexicons = Annotated[
    bool,
    typer.Option("--replace-lexicons", help="Use only the --lexicon files (plus the built-in negators)."),
]


def _handles_errors(command: F) -> F:
    """Turn input errors into one line on stderr and exit status 2, without a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except FramingError as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(2) from None
        except OSError as error:
            name = getattr(error, "filename", None) or ""
            typer.echo(f"error: {name}{': ' if name else ''}{error.strerror or error}", err=True)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


def _configure_logging(quiet: bool) -> None:
    logging.basicConfig(
        level=logging.ERROR if quiet else logging.WARNING,
        format="%(levelname)s: %(message)s",
        stream=sys.stderr,
        force=True,
    )


def _load(
    path: Path,
    *,
    text_col: str | None = None,
    outlet_col: str | None = None,
    date_col: str | None = None,
    id_col: str | None = None,
    title_col: str | None = None,
    drop_duplicates: bool = False,
    strict: bool = False,
) -> Corpus:
    return load_corpus(
        path,
        text_col=text_col,
        outlet_col=outlet_col,
        date_col=date_col,
        id_col=id_col,
        title_col=title_col,
        drop_duplicates=drop_duplicates,
        strict=strict,
    )


@corpus_app.command("info")
@_handles_errors
def corpus_info(
    path: PathArg,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the outlet table and load summary as JSON.")
    ] = False,
    text_col: TextCol = None,
    outlet_col: OutletCol = None,
    date_col: DateCol = None,
    id_col: IdCol = None,
    title_col: TitleCol = None,
    drop_duplicates: DropDuplicates = False,
    strict: Strict = False,
    quiet: Quiet = False,
) -> None:
    """Print one row per outlet (documents, tokens, first and last date, duplicates) and the load summary."""
    _configure_logging(quiet or as_json)
    corpus = _load(
        path,
        text_col=text_col,
        outlet_col=outlet_col,
        date_col=date_col,
        id_col=id_col,
        title_col=title_col,
        drop_duplicates=drop_duplicates,
        strict=strict,
    )
    if as_json:
        typer.echo(json.dumps(corpus.info(), indent=2, ensure_ascii=False))
        return
    table = corpus.by_outlet()
    typer.echo(f"{corpus.title}\n")
    typer.echo(table.to_string(index=False))
    typer.echo("")
    for line in corpus.summary.lines():
        typer.echo(line)


def _write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    """Write through a temporary file in the same folder, then rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        write(Path(temporary))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _write_tables(chunks: Iterable[pd.DataFrame], path: Path) -> int:
    """Stream DataFrame chunks to CSV, TSV or JSONL (by suffix); return the number of rows written."""
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".tsv", ".jsonl"}:
        raise OptionError(f"{path}: output must end in .csv, .tsv or .jsonl")
    rows = 0

    def write(temporary: Path) -> None:
        nonlocal rows
        with temporary.open("w", encoding="utf-8", newline="") as handle:
            for index, chunk in enumerate(chunks):
                chunk = chunk.assign(
                    **{
                        c: chunk[c].dt.strftime("%Y-%m-%d")
                        for c in chunk.columns
                        if pd.api.types.is_datetime64_any_dtype(chunk[c])
                    }
                )
                if suffix == ".jsonl":
                    chunk.to_json(handle, orient="records", lines=True, force_ascii=False)
                else:
                    chunk.to_csv(
                        handle,
                        index=False,
                        header=index == 0,
                        sep="\t" if suffix == ".tsv" else ",",
                        float_format="%.6g",
                    )
                rows += len(chunk)

    _write_atomic(path, write)
    return rows


def _document_chunks(
    path: Path, chunk_size: int, strict: bool, columns: dict[str, str | None], report: list[Any]
) -> Iterator[pd.DataFrame]:
    """A corpus folder is loaded whole (syndication marks need it); a single file is streamed."""
    if path.is_dir():
        corpus = load_corpus(path, strict=strict, **columns)
        report.append(corpus.summary)
        documents = corpus.documents.drop(columns=["tokens"])
        for start in range(0, len(documents), chunk_size):
            yield documents.iloc[start : start + chunk_size]
        return
    stream = DocumentStream(path, chunk_size=chunk_size, strict=strict, **columns)
    report.append(stream.summary)
    yield from stream


@app.command("features")
@_handles_errors
def features_command(
    path: PathArg,
    output: Annotated[Path, typer.Option("--output", "-o", help="Output table (.csv, .tsv or .jsonl).")],
    unit: Annotated[str, typer.Option(help="document or sentence.")] = "document",
    lexicon: Lexicons = None,
    replace_lexicons: ReplaceLexicons = False,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Worker processes for matching.")] = 1,
    chunk_size: Annotated[int, typer.Option(help="Documents per chunk (bounds memory).")] = 1000,
    text_col: TextCol = None,
    outlet_col: OutletCol = None,
    date_col: DateCol = None,
    id_col: IdCol = None,
    title_col: TitleCol = None,
    strict: Strict = False,
    quiet: Quiet = False,
    # issue 11 (h-supervised): --model adds the supervised measure's <label>_probability per unit
    model: Annotated[
        Path | None,
        typer.Option("--model", help="A model folder from `framing train`: adds <label>_probability."),
    ] = None,
) -> None:
    """Measure every cue family in every document (or sentence) and write one row per unit.

    Columns: doc_id (the input's own id), outlet, date, tokens, and per cue family F: F_count, F_negated,
    F_present, F_rate (per 1,000 tokens), plus F_<subcategory>_count and _rate.
    """
    from framing.features import build_matcher, iter_features

    _configure_logging(quiet)
    if unit not in ("document", "sentence"):
        raise OptionError(f"--unit must be 'document' or 'sentence', not {unit!r}")
    matcher = build_matcher(lexicon, replace=replace_lexicons)
    columns = {
        "text_col": text_col,
        "outlet_col": outlet_col,
        "date_col": date_col,
        "id_col": id_col,
        "title_col": title_col,
    }
    summaries: list[Any] = []
    chunks = _document_chunks(path, chunk_size, strict, columns, summaries)
    keep = ["duplicate_of"] if path.is_dir() else []
    if model is not None:  # issue 11 (h-supervised): the same tables with <label>_probability added
        from framing.supervised import iter_with_probabilities, load_model

        options = {"matcher": matcher, "unit": unit, "jobs": jobs, "keep": keep}
        tables = iter_with_probabilities(chunks, load_model(model), **options)  # type: ignore[arg-type]
    else:
        tables = iter_features(chunks, matcher=matcher, unit=unit, jobs=jobs, keep=keep)  # type: ignore[arg-type]
    rows = _write_tables(tables, output)
    if not quiet:
        summary = summaries[0]
        typer.echo(f"wrote {rows} {unit} rows to {output}", err=True)
        for line in summary.lines():
            typer.echo(line, err=True)


@app.command("evidence")
@_handles_errors
def evidence_command(
    path: PathArg,
    cue: Annotated[str, typer.Option(help="Cue family: blame, denial, emotive, hedging, certainty, ...")],
    outlet: Annotated[str | None, typer.Option(help="Only this outlet.")] = None,
    subcategory: Annotated[str | None, typer.Option(help="Only this subcategory.")] = None,
    n: Annotated[int, typer.Option("-n", help="How many matches to show (0 = all).")] = 20,
    width: Annotated[int, typer.Option(help="Characters of context on each side.")] = 50,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Also write all matches to a CSV.")
    ] = None,
    lexicon: Lexicons = None,
    text_col: TextCol = None,
    outlet_col: OutletCol = None,
    id_col: IdCol = None,
    quiet: Quiet = False,
) -> None:
    """Print a keyword-in-context table of the matches of one cue (the evidence behind the counts)."""
    from framing.features import build_matcher, evidence

    _configure_logging(quiet)
    corpus = _load(path, text_col=text_col, outlet_col=outlet_col, id_col=id_col)
    table = evidence(
        corpus, cue=cue, outlet=outlet, subcategory=subcategory, window=width, matcher=build_matcher(lexicon)
    )
    if output is not None:
        _write_tables([table.drop(columns=["sentence"])], output)
    shown = table if n == 0 else table.head(n)
    for row in shown.itertuples(index=False):
        flag = " [negated]" if row.negated else ""
        typer.echo(
            f"{row.doc_id}:{row.start}  {row.left[-width:]:>{width}} [{row.matched_text}] "
            f"{row.right[:width]:<{width}}  {row.subcategory}{flag}"
        )
    typer.echo(f"{len(shown)} of {len(table)} {cue} matches", err=True)


@app.command("blame")
@_handles_errors
def blame_command(
    path: PathArg,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the table to CSV/TSV/JSONL.")
    ] = None,
    lexicon: Lexicons = None,
    text_col: TextCol = None,
    outlet_col: OutletCol = None,
    id_col: IdCol = None,
    quiet: Quiet = False,
) -> None:
    """Print who blames whom: one row per blame or denial cue and blamed actor, with the sentence."""
    from framing.cues import blame_attributions
    from framing.features import build_matcher

    _configure_logging(quiet)
    corpus = _load(path, text_col=text_col, outlet_col=outlet_col, id_col=id_col)
    if not corpus.actors:
        logging.getLogger("framing").warning("no [actors] in corpus.toml: every blamed actor is undetermined")
    table = blame_attributions(corpus, matcher=build_matcher(lexicon))
    if output is not None:
        _write_tables([table], output)
    columns = ["doc_id", "outlet", "blamer", "blamed", "cue", "kind", "negated", "rule"]
    with pd.option_context("display.width", 200, "display.max_rows", None):
        typer.echo(table[columns].to_string(index=False) if len(table) else "no blame cues found")
    counts = table[~table["negated"]].groupby(["outlet", "blamed"]).size() if len(table) else []
    if len(counts):
        typer.echo("\nattributions per outlet and blamed actor (negated ones excluded):")
        typer.echo(counts.to_string())


Seed = Annotated[int, typer.Option("--seed", help="Seed of every bootstrap and permutation stream.")]
Resamples = Annotated[
    int,
    typer.Option("--resamples", min=1, help="Bootstrap resamples of documents per outlet (>= 1000 advised)."),
]
Permutations = Annotated[
    int, typer.Option("--permutations", min=1, help="Permutations per test (>= 1000 advised).")
]
By = Annotated[
    str,
    typer.Option("--by", help="Compare by this document column: outlet, outlet_type, outlet_country, ..."),
]


@app.command("report")
@_handles_errors
def report_command(
    path: PathArg,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Report folder (default: reports/<corpus name>).")
    ] = None,
    by: By = "outlet",
    seed: Seed = 0,
    resamples: Resamples = 2000,
    permutations: Permutations = 2000,
    drop_duplicates: DropDuplicates = False,
    min_documents: Annotated[
        int, typer.Option("--min-documents", min=1, help="Leave out groups with fewer documents.")
    ] = 2,
    max_groups: Annotated[
        int, typer.Option("--max-groups", min=0, help="Compare only the largest groups (0 = all).")
    ] = 12,
    text_col: TextCol = None,
    outlet_col: OutletCol = None,
    date_col: DateCol = None,
    id_col: IdCol = None,
    title_col: TitleCol = None,
    strict: Strict = False,
    quiet: Quiet = False,
) -> None:
    """Write the comparison report (index.html, report.md, tables/*.csv, figures/, metadata.json)."""
    from framing.report import REPORT_STEPS, analyse, write_report

    _configure_logging(quiet)
    corpus = _load(
        path,
        text_col=text_col,
        outlet_col=outlet_col,
        date_col=date_col,
        id_col=id_col,
        title_col=title_col,
        strict=strict,
    )
    folder = output if output is not None else Path("reports") / (corpus.name or path.stem)
    options = {
        "by": by,
        "seed": seed,
        "n_resamples": resamples,
        "n_permutations": permutations,
        "min_documents": min_documents,
        "max_groups": max_groups or None,
    }
    if quiet:
        report = write_report(analyse(corpus, drop_duplicates=drop_duplicates, **options), folder)
    else:
        with typer.progressbar(length=len(REPORT_STEPS), label="report", file=sys.stderr) as bar:

            def advance(label: str) -> None:
                bar.label = label.ljust(30)
                bar.update(1)

            analysis = analyse(corpus, drop_duplicates=drop_duplicates, progress=advance, **options)
            report = write_report(analysis, folder, progress=advance)
    typer.echo(f"{report.path / 'index.html'}")
    if not quiet:
        for finding in report.findings:
            typer.echo(f"- {finding.text}", err=True)


@app.command("compare")
@_handles_errors
def compare_command(
    path: PathArg,
    by: By = "outlet",
    seed: Seed = 0,
    resamples: Resamples = 2000,
    drop_duplicates: DropDuplicates = False,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Also write the full table (CSV/TSV/JSONL).")
    ] = None,
    text_col: TextCol = None,
    outlet_col: OutletCol = None,
    date_col: DateCol = None,
    id_col: IdCol = None,
    quiet: Quiet = False,
) -> None:
    """Print mean cue rates per outlet (per 1,000 tokens), 95% bootstrap intervals and omnibus tests."""
    from framing.compare import check_group_column, check_seed, omnibus_tests, outlet_summary
    from framing.report import grouped_features

    # refuse bad options before the corpus is read and matched
    check_seed(seed)
    check_group_column(by)
    _configure_logging(quiet)
    corpus = _load(path, text_col=text_col, outlet_col=outlet_col, date_col=date_col, id_col=id_col)
    features = grouped_features(corpus.documents, by)
    options = {"by": by, "drop_duplicates": drop_duplicates}
    summary = outlet_summary(features, n_resamples=resamples, seed=seed, **options)
    tests = omnibus_tests(features, **options)
    if output is not None:
        _write_tables([summary], output)
    cells = summary.assign(
        value=[
            f"{m:.1f} [{lo:.1f}, {hi:.1f}]"
            for m, lo, hi in zip(summary["mean_rate"], summary["ci_low"], summary["ci_high"], strict=True)
        ]
    )
    table = cells.pivot(index=by, columns="cue", values="value")[list(dict.fromkeys(summary["cue"]))]
    table.insert(0, "documents", summary.groupby(by)["documents"].first())
    typer.echo(
        f"Mean rate per 1,000 tokens [95% bootstrap CI over documents; seed {seed}, {resamples} resamples]"
    )
    typer.echo(table.to_string())
    typer.echo("")
    for row in tests.itertuples(index=False):
        typer.echo(
            f"{row.cue}: Kruskal-Wallis H = {row.h_statistic:.2f}, p = {row.p_value:.4f}, "
            f"BH q = {row.q_value:.4f}, epsilon^2 = {row.epsilon_squared:.2f}"
        )


@lexicon_app.command("list")
@_handles_errors
def lexicon_list() -> None:
    """List the built-in lexicons with their version, entry count and families."""
    from framing.lexicon import builtin_lexicons

    for lex in builtin_lexicons():
        typer.echo(
            f"{lex.name:<12} v{lex.version:<8} {len(lex.entries):>5} entries  "
            f"families: {', '.join(lex.categories)}"
        )


@lexicon_app.command("show")
@_handles_errors
def lexicon_show(
    name: Annotated[str, typer.Argument(help="A built-in lexicon name, or a lexicon file.")],
    subcategory: Annotated[str | None, typer.Option(help="Only this subcategory.")] = None,
) -> None:
    """Show a lexicon's header (scope, sources, licence) and its entries."""
    from framing.lexicon import builtin_lexicon, load_lexicon

    lex = load_lexicon(name) if Path(name).suffix in {".tsv", ".dic"} else builtin_lexicon(name)
    info = lex.summary()
    typer.echo(f"{lex.name} v{lex.version} ({len(lex.entries)} entries) {lex.path}")
    for key in ("description", "scope", "sources", "licence"):
        if info.get(key):
            typer.echo(f"  {key}: {info[key]}")
    for category, subs in info["categories"].items():
        typer.echo(f"  {category}: " + ", ".join(f"{s} ({n})" for s, n in subs.items()))
    typer.echo("")
    for entry in lex.entries:
        if subcategory and entry.subcategory != subcategory:
            continue
        rules = " rules" if entry.rules else ""
        typer.echo(f"{entry.term}\t{entry.category}\t{entry.subcategory}\t{entry.weight:g}{rules}")


@app.command("validate")
@_handles_errors
def validate_command(
    gold: Annotated[Path, typer.Argument(help="Human-annotated JSONL/CSV with text and a label column.")],
    cue: Annotated[str, typer.Option(help="Cue family to score.")],
    label: Annotated[str, typer.Option(help="Gold label column (true/false; null = skipped).")],
    unit: Annotated[
        str, typer.Option(help="document, or sentence (labels from overlapping gold spans).")
    ] = "document",
    span_label: Annotated[
        str | None, typer.Option(help="With --unit sentence: only spans with this label.")
    ] = None,
    score: Annotated[
        str | None, typer.Option(help="Feature column used as score (default: the family's).")
    ] = None,
    lexicon: Lexicons = None,
    replace_lexicons: ReplaceLexicons = False,
    resamples: Annotated[int, typer.Option(help="Bootstrap resamples for the intervals.")] = 1000,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
    quiet: Quiet = False,
) -> None:
    """Agreement of a cue with human coding: precision, recall, F1, ROC AUC, with bootstrap CIs."""
    from framing.features import build_matcher
    from framing.validate import validate

    _configure_logging(quiet or as_json)
    if unit not in ("document", "sentence"):
        raise OptionError(f"--unit must be 'document' or 'sentence', not {unit!r}")
    result = validate(
        gold,
        cue=cue,
        label=label,
        unit=unit,
        span_label=span_label,
        score=score,  # type: ignore[arg-type]
        matcher=build_matcher(lexicon, replace=replace_lexicons),
        n_resamples=resamples,
        seed=seed,
    )
    row = result.summary.iloc[0].to_dict()
    if as_json:
        typer.echo(
            json.dumps(
                {k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()},
                indent=2,
                default=str,
            )
        )
        return
    typer.echo(
        f"{cue} vs {label} on {gold} ({row['records']} {unit}s, {row['positives']} positive, "
        f"{row['skipped_unlabelled']} unlabelled skipped; score = {row['score']})"
    )
    typer.echo(
        f"  score > 0:  precision {row['precision']:.3f}  recall {row['recall']:.3f}  "
        f"F1 {row['f1']:.3f}  [{row['f1_ci_low']:.3f}, {row['f1_ci_high']:.3f}]"
    )
    typer.echo(
        f"  ROC AUC {row['roc_auc']:.3f}  [{row['auc_ci_low']:.3f}, {row['auc_ci_high']:.3f}]   "
        f"best F1 {row['best_f1']:.3f} (score >= {row['best_threshold']:g})   "
        f"F1 flagging all {row['f1_flag_all']:.3f}"
    )


# --- coding, agreement and supervised measures (issue 11) ----------------------------------------------


def _split_names(text: str | None) -> list[str]:
    return [name.strip() for name in (text or "").split(",") if name.strip()]


@app.command("sample")
@_handles_errors
def sample_command(
    path: PathArg,
    output: Annotated[Path, typer.Option("--output", "-o", help="The coding sheet to write (.csv).")],
    unit: Annotated[str, typer.Option(help="sentence or document.")] = "sentence",
    n: Annotated[int, typer.Option("--n", min=1, help="Units to sample in all.")] = 400,
    per_group: Annotated[
        str, typer.Option("--per-group", help="Stratify by this column ('none': no group strata).")
    ] = "outlet",
    stratify_by: Annotated[
        str | None, typer.Option("--stratify-by", help="Also stratify by this cue's score bands.")
    ] = None,
    labels: Annotated[str, typer.Option("--labels", help="Labels to code, comma-separated.")] = "",
    coders: Annotated[str, typer.Option("--coders", help="Coder names, comma-separated.")] = "a,b",
    html: Annotated[
        bool, typer.Option("--html", help="Also write <output>.html, an offline page to code unit by unit.")
    ] = False,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the draw.")] = 0,
    text_col: TextCol = None,
    outlet_col: OutletCol = None,
    id_col: IdCol = None,
    quiet: Quiet = False,
) -> None:
    """Draw a seeded coding sample stratified by outlet (and score bands) and write a coding sheet.

    Every row has its sampling weight (corpus units it stands for), so weighted means of the codes
    estimate prevalence without bias; one empty column <label>__<coder> per label and coder.
    """
    from framing.coding import draw_sample, write_coding_page, write_sheet

    _configure_logging(quiet)
    if unit not in ("document", "sentence"):
        raise OptionError(f"--unit must be 'document' or 'sentence', not {unit!r}")
    label_names = _split_names(labels) or ([stratify_by] if stratify_by else ["label"])
    coder_names = _split_names(coders)
    corpus = _load(path, text_col=text_col, outlet_col=outlet_col, id_col=id_col)
    sample = draw_sample(
        corpus,
        unit=unit,  # type: ignore[arg-type]
        n=n,
        per_group=None if per_group == "none" else per_group,
        stratify_by=stratify_by,
        seed=seed,
    )
    write_sheet(sample, output, labels=label_names, coders=coder_names)
    typer.echo(str(output))
    if html:
        page = output.with_suffix(".html")
        write_coding_page(sample, page, labels=label_names, coders=coder_names)
        typer.echo(str(page))
    if not quiet:
        strata = sample.groupby("stratum")[["stratum_units", "stratum_sampled"]].first()
        typer.echo(
            f"sampled {len(sample)} of {sample.attrs['units']} {unit}s in {len(strata)} strata", err=True
        )


@app.command("agreement")
@_handles_errors
def agreement_command(
    sheet: Annotated[Path, typer.Argument(help="A filled coding sheet (CSV with <label>__<coder> columns).")],
    label: Annotated[str, typer.Option(help="The coded label.")],
    coders: Annotated[
        str | None, typer.Option("--coders", help="Coders to compare, comma-separated (default: all).")
    ] = None,
    cue: Annotated[
        str | None, typer.Option(help="Cue family used as instrument (default: the label, if a cue).")
    ] = None,
    resamples: Annotated[int, typer.Option(min=1, help="Bootstrap resamples of units.")] = 1000,
    seed: Annotated[int, typer.Option(help="Seed of the bootstrap.")] = 0,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Also write the three tables (CSV) to this folder.")
    ] = None,
    quiet: Quiet = False,
) -> None:
    """Krippendorff's alpha among coders (bootstrap CI), each coder vs the majority, the instrument vs all."""
    from framing.agreement import coder_agreement

    _configure_logging(quiet)
    result = coder_agreement(
        sheet, label=label, coders=_split_names(coders) or None, cue=cue, n_resamples=resamples, seed=seed
    )
    typer.echo(f"Krippendorff's alpha for {label!r} (95% bootstrap CI over units; seed {seed})")
    for row in result.reliability.itertuples(index=False):
        typer.echo(
            f"  {row.level:<8} alpha {row.alpha:.3f} [{row.ci_low:.3f}, {row.ci_high:.3f}]  {row.reading}  "
            f"({row.coders} coders, {row.pairable_units} of {row.units} units coded by 2+)"
        )
    typer.echo("  reading: >= 0.800 reliable, >= 0.667 tentative, below unreliable")
    typer.echo("coders against the majority:")
    for row in result.coders.itertuples(index=False):
        typer.echo(
            f"  {row.coder:<12} agreement {row.agreement_with_majority:.3f}  "
            f"alpha {row.alpha_with_majority:.3f}  ({row.units_coded} units)"
        )
    if len(result.instrument):
        typer.echo(f"instrument ({result.instrument['cue'].iloc[0]} score; decision = score > 0):")
        for row in result.instrument.itertuples(index=False):
            typer.echo(
                f"  vs {row.against:<12} alpha {row.alpha:.3f} ({row.reading})  "
                f"precision {row.precision:.3f}  recall {row.recall:.3f}  F1 {row.f1:.3f}  "
                f"AUC {row.roc_auc:.3f}  ({row.units} units)"
            )
    if output is not None:
        for name in ("reliability", "coders", "instrument"):
            _write_tables([getattr(result, name)], output / f"agreement_{name}.csv")


@app.command("train")
@_handles_errors
def train_command(
    gold: Annotated[Path, typer.Argument(help="Coded units: JSONL/CSV/TSV/Parquet or a coding sheet.")],
    label: Annotated[
        str, typer.Option(help="Label column (true/false or 0/1; or <label>__<coder> in a sheet).")
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="Model folder to write.")],
    unit: Annotated[
        str, typer.Option(help="What a record is: sentence or document (recorded).")
    ] = "document",
    text_col: Annotated[str, typer.Option("--text-col", help="Column holding the text.")] = "text",
    group_col: Annotated[
        str | None,
        typer.Option("--group-col", help="Article id column for grouped CV (default: article_id or doc_id)."),
    ] = None,
    validate: Annotated[
        Path | None, typer.Option("--validate", help="Also score a second coded file with the model.")
    ] = None,
    folds: Annotated[int, typer.Option(min=2, help="Cross-validation folds.")] = 5,
    seed: Annotated[int, typer.Option(help="Seed of the folds and the classifier.")] = 0,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Folds trained in parallel.")] = 1,
    quiet: Quiet = False,
) -> None:
    """Train a classifier (cue features + word/char n-grams) on coded units; CV grouped by article."""
    from framing.supervised import read_gold, save_model, train, validate_model

    _configure_logging(quiet)
    if unit not in ("document", "sentence"):
        raise OptionError(f"--unit must be 'document' or 'sentence', not {unit!r}")
    texts, labels, groups = read_gold(gold, label=label, text_col=text_col, group_col=group_col or "auto")
    model = train(
        texts,
        labels,
        label=label,
        groups=groups,
        unit=unit,
        n_folds=folds,
        seed=seed,
        jobs=jobs,
        source=gold.name,
    )
    if validate is not None:
        v_texts, v_labels, _ = read_gold(validate, label=label, text_col=text_col, group_col=None)
        model.card["validation"] = {"file": validate.name, **validate_model(model, v_texts, v_labels)}
    save_model(model, output)
    card, cv = model.card, model.card["cv"]
    typer.echo(f"{output}")
    typer.echo(
        f"{label}: {card['units']} units ({card['positives']} positive) in {card['groups']} groups; "
        f"{cv['folds']}-fold CV grouped by {cv['grouped_by']}: ROC AUC {cv['roc_auc']:.3f}, "
        f"F1 {cv['f1_at_threshold']:.3f} at probability >= {cv['threshold']:.3f} (C = {cv['C']:g})"
    )
    typer.echo("calibration (out-of-fold): predicted -> observed (units)")
    for row in cv["calibration_table"]:
        typer.echo(f"  {row['mean_predicted']:.2f} -> {row['observed_rate']:.2f} ({row['units']})")
    typer.echo(
        "most influential features: "
        + ", ".join(f"{f['feature']} ({f['weight']:+.2f})" for f in card["top_features"][:10])
    )
    if "validation" in card:
        v = card["validation"]
        typer.echo(
            f"validation on {validate}: ROC AUC {v['roc_auc']:.3f}, F1 {v['f1']:.3f} at the chosen threshold "
            f"({v['units']} units, {v['positives']} positive)"
        )


def main() -> None:  # pragma: no cover - console entry point
    app()
