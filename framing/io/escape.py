"""Escaping corpus text for the files a researcher opens in a spreadsheet.

A CSV cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a formula by
Excel, LibreOffice Calc and Google Sheets (CSV or formula injection): a sentence quoted from an article
could then compute, fetch a URL or run a command on the reader's machine. :func:`spreadsheet_safe`
prefixes such *text* cells with a single quote ``'``, which spreadsheets show as text; numbers are never
changed (``-3.5`` stays a number). Tables written for programs rather than people (JSONL) need no escape.

>>> escape_cell("=HYPERLINK(\\"http://x\\")")
'\\'=HYPERLINK("http://x")'
>>> escape_cell("-5 degrees"), escape_cell("plain")
("'-5 degrees", 'plain')
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

__all__ = [
    "CONTROL_CHARACTERS",
    "FORMULA_TRIGGERS",
    "escape_cell",
    "spreadsheet_safe",
    "unescape_cell",
    "without_controls",
]

#: First characters that make a spreadsheet read a cell as a formula (OWASP CSV injection list).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: Any) -> Any:
    """``value`` with a ``'`` in front if it is a string starting with a formula trigger; else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def unescape_cell(value: Any) -> Any:
    """Undo :func:`escape_cell`: ``'=x`` becomes ``=x`` again (for files this project wrote and reads back).

    >>> unescape_cell("'=1+1"), unescape_cell("'quoted"), unescape_cell(3)
    ('=1+1', "'quoted", 3)
    """
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_TRIGGERS):
        return value[1:]
    return value


def spreadsheet_safe(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``table`` whose text cells cannot run as spreadsheet formulas (numbers untouched).

    Only columns that can hold strings (object, string and categorical columns) are looked at, and in them
    only the cells that are strings; the column names are escaped the same way.
    """
    out = table.copy()
    for column in out.columns:
        series = out[column]
        if isinstance(series.dtype, pd.CategoricalDtype):
            series = series.astype(object)
        elif not (pd.api.types.is_object_dtype(series.dtype) or pd.api.types.is_string_dtype(series.dtype)):
            continue
        starts = series.map(lambda v: isinstance(v, str) and v.startswith(FORMULA_TRIGGERS))
        if starts.any():
            out[column] = series.where(~starts, "'" + series[starts].astype(str))
    out.columns = [escape_cell(c) for c in out.columns]
    return out


#: C0 controls other than tab, newline, form feed and carriage return, DEL and the C1 controls: each is
#: a parse error in an HTML page, and a terminal runs the ESC sequences of a file printed to it.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def _readable(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0x80 <= code <= 0x9F:
        # a C1 control in news text is nearly always a Windows-1252 byte read as Latin-1 ("\x92" for ’):
        # shown as that character, as browsers show the reference &#146;
        try:
            return bytes([code]).decode("cp1252")
        except UnicodeDecodeError:
            pass
    return "\ufffd"


def without_controls(text: str) -> str:
    """``text`` with its control characters (other than tab, newline, form feed and carriage return)
    replaced for a page or a Markdown file: a C1 control by its Windows-1252 character when there is
    one, any other by U+FFFD (the replacement character).

    Corpus text keeps them in the tables (they are data); the report's page and Markdown show them
    this way, since no escape makes them valid HTML.

    >>> without_controls("the president\x92s \x1b[2Jspeech")
    'the president’s \ufffd[2Jspeech'
    """
    return CONTROL_CHARACTERS.sub(_readable, text)
