"""Errors raised for problems with the user's input or options.

Every error is one line that names the input (file, and line or row where there is one), says what is
wrong, and where possible how to fix it. The CLI prints it and exits with status 2, without a traceback.
"""

from __future__ import annotations

import re
from os import PathLike

__all__ = ["FramingError", "InputError", "OptionError", "printable"]

# C0 and C1 controls (ESC starts ANSI sequences), DEL, and the bidirectional overrides and isolates that
# reorder what a terminal shows.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str, *, keep_newlines: bool = False) -> str:
    r"""``text`` safe to print on a terminal: control characters shown as escapes (``\x1b``).

    File names and outlet names come from the input; printed raw, an ANSI escape sequence in one could
    recolour or rewrite the terminal, and a newline would split a one-line error.

    >>> printable("evil\x1b[31mred")
    'evil\\x1b[31mred'
    """

    def escape(match: re.Match[str]) -> str:
        char = match.group()
        if keep_newlines and char in "\n\t":
            return char
        code = ord(char)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _CONTROL.sub(escape, text)


class FramingError(Exception):
    """Base class of every error about the user's input or options (CLI exit status 2).

    :class:`InputError` and :class:`OptionError` are also ValueError subclasses, so callers that catch
    ``ValueError`` keep working.
    """


class InputError(FramingError, ValueError):
    """A problem with an input file: ``source[:line]: problem (hint)``.

    >>> str(InputError("a.jsonl", "malformed JSON: Expecting value", line=3, hint="fix or remove the line"))
    'a.jsonl:3: malformed JSON: Expecting value (fix or remove the line)'
    """

    def __init__(
        self,
        source: str | PathLike[str],
        problem: str,
        *,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        self.source = str(source)
        self.line = line
        self.problem = problem
        self.hint = hint
        where = self.source if line is None else f"{self.source}:{line}"
        message = f"{where}: {problem}"
        if hint:
            message += f" ({hint})"
        super().__init__(message)


class OptionError(FramingError, ValueError):
    """An option or argument that cannot be used as given (unknown cue, bad unit, ...)."""
