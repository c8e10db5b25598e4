"""Streamed table output: DataFrame chunks written to one CSV, TSV or JSONL file, atomically.

Dates (datetime columns) are written as ISO days (``YYYY-MM-DD``), floats with 6 significant digits. The
file appears only when every chunk is written (:func:`framing.io.atomic.open_atomic`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from framing.errors import OptionError
from framing.io.atomic import open_atomic
from framing.io.escape import spreadsheet_safe

__all__ = ["TABLE_SUFFIXES", "check_output_is_not_input", "write_table"]

TABLE_SUFFIXES = (".csv", ".tsv", ".jsonl")


def write_table(
    chunks: Iterable[pd.DataFrame], path: str | os.PathLike[str], *, spreadsheet_escape: bool = True
) -> int:
    """Stream DataFrame chunks to CSV, TSV or JSONL (chosen by the suffix); return the rows written.

    CSV and TSV files are opened in spreadsheets, so with ``spreadsheet_escape`` (the default) their text
    cells that would run as formulas get a leading ``'`` (:func:`framing.io.escape.spreadsheet_safe`);
    JSONL is written as it is.

    >>> write_table([pd.DataFrame({"a": [1]})], "out.csv")       # doctest: +SKIP
    1
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise OptionError(f"{path}: output must end in .csv, .tsv or .jsonl")
    rows = 0
    with open_atomic(path, "w", encoding="utf-8", newline="") as handle:
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
                if spreadsheet_escape:
                    chunk = spreadsheet_safe(chunk)
                chunk.to_csv(
                    handle,
                    index=False,
                    header=index == 0,
                    sep="\t" if suffix == ".tsv" else ",",
                    float_format="%.6g",
                )
            rows += len(chunk)
    return rows


def check_output_is_not_input(
    output: str | os.PathLike[str], inputs: Iterable[str | os.PathLike[str]]
) -> None:
    """Refuse an output path that is one of the inputs or lies inside an input folder.

    Paths are compared after resolving symlinks and ``..``, so ``./x.csv`` and a link to it count as the
    input ``x.csv``. Raises :class:`OptionError` naming both paths.

    >>> check_output_is_not_input("corpus/out.csv", ["corpus"])   # doctest: +SKIP
    Traceback (most recent call last):
    framing.errors.OptionError: output corpus/out.csv lies inside the input folder corpus; ...
    """
    target = Path(output).resolve()
    for given in inputs:
        source = Path(given).resolve()
        if target == source:
            raise OptionError(
                f"output {output} is the input {given}; writing it would overwrite the input "
                "(choose another --output)"
            )
        if source.is_dir() and target.is_relative_to(source):
            raise OptionError(
                f"output {output} lies inside the input folder {given}; it would be read as input next "
                "time (choose an --output outside it)"
            )
