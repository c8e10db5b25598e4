"""Atomic writing: a reader (or a crash) never sees half a file or half a folder.

Files are written to a hidden temporary file beside the target and renamed into place; folders are
built beside the target and swapped in with two renames. Temporary names carry the target's name and
a marker (``.NAME.tmp-*`` / ``.NAME.old-*``), so leftovers of a killed run are recognised and removed
by the next run (:func:`remove_leftovers`), and errors always name the requested path, never the
temporary one.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

__all__ = ["atomic_path", "open_atomic", "remove_leftovers", "replace_folder", "write_atomic"]

_TEMPORARY = "tmp"
_RETIRED = "old"


def _sibling(target: Path, kind: str) -> Path:
    return target.parent / f".{target.name}.{kind}-{secrets.token_hex(4)}"


def remove_leftovers(target: Path) -> list[Path]:
    """Delete the temporary files and folders that a killed run left beside ``target``; return them."""
    removed = []
    if not target.parent.is_dir():
        return removed
    for kind in (_TEMPORARY, _RETIRED):
        for leftover in target.parent.glob(f".{target.name}.{kind}-*"):
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)
            removed.append(leftover)
    return removed


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it is renamed to ``target``.

    On any exception the temporary file is removed and ``target`` is left as it was.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(target)
    temporary = _sibling(target, _TEMPORARY)
    try:
        yield temporary
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def open_atomic(
    target: str | os.PathLike[str],
    mode: str = "w",
    *,
    encoding: str | None = "utf-8",
    newline: str | None = None,
) -> Iterator[IO]:
    """Open a temporary file beside ``target`` for writing; it replaces ``target`` when the block ends."""
    binary = "b" in mode
    with (
        atomic_path(target) as temporary,
        open(
            temporary, mode, encoding=None if binary else encoding, newline=None if binary else newline
        ) as handle,
    ):
        yield handle


def write_atomic(target: str | os.PathLike[str], write: Callable[[Path], None]) -> None:
    """Call ``write(temporary_path)`` and rename the result to ``target``."""
    with atomic_path(target) as temporary:
        write(temporary)


def replace_folder(target: str | os.PathLike[str], build: Callable[[Path], None]) -> None:
    """Build a folder with ``build(staging)`` beside ``target`` and swap it in with two renames.

    The previous ``target`` (if any) is removed only after the new folder is in place, so a failed run
    leaves it intact. The caller decides whether ``target`` may be replaced at all.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(target)
    staging = _sibling(target, _TEMPORARY)
    staging.mkdir()
    try:
        build(staging)
        retired = _sibling(target, _RETIRED)
        if target.exists():
            os.replace(target, retired)
        try:
            os.replace(staging, target)
        except BaseException:
            if retired.exists():
                os.replace(retired, target)
            raise
        shutil.rmtree(retired, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
