"""The ``framing`` command: a thin typer layer over the library.

Every command loads its input with :func:`framing.load_corpus` and calls one library function; errors
about the input are printed as one line and exit with status 2.
"""

from __future__ import annotations

import functools
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from framing.corpus import Corpus, load_corpus
from framing.errors import FramingError

app = typer.Typer(
    help="Compare how news outlets frame the same events.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
corpus_app = typer.Typer(help="Load and inspect corpora.", no_args_is_help=True)
app.add_typer(corpus_app, name="corpus")

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


def main() -> None:  # pragma: no cover - console entry point
    app()
