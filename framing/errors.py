"""Errors raised for problems with the user's input or options.

Every error is one line that names the input (file, and line or row where there is one), says what is
wrong, and where possible how to fix it. The CLI prints it and exits with status 2, without a traceback.
"""

from __future__ import annotations

from os import PathLike

__all__ = ["FramingError", "InputError", "OptionError"]


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
