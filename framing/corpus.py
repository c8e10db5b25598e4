"""Load news coverage into a :class:`Corpus`: one row per document, grouped by outlet.

A corpus is either a folder with a ``corpus.toml`` (settings, outlet metadata, the actors whose blame
is tracked) and documents under it, or a single CSV / JSONL / Parquet file of articles. Every record
read is accounted for in :class:`LoadSummary`: loaded, skipped (with the reason), repaired, or marked
as a syndicated duplicate. Nothing is dropped silently.

>>> corpus = load_corpus("corpora/crocus")                      # doctest: +SKIP
>>> corpus.by_outlet()[["outlet", "documents", "tokens"]]         # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import re
import stat
import sys
import tempfile
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field, fields
from itertools import chain, islice
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from framing import parallel
from framing._memory import return_freed_memory
from framing.boilerplate import BoilerplatePattern, LineLearner, Tally, normalise_line, remove_boilerplate
from framing.clean import clean_text, normalise_metadata
from framing.dedup import find_duplicates, is_syndicated_copy
from framing.errors import InputError, OptionError
from framing.io.readers import (
    TABULAR_SUFFIXES,
    TEXT_SUFFIXES,
    ColumnMapping,
    check_regular_file,
    decode,
    iter_tabular,
    read_regular_file,
    read_txt,
)
from framing.spool import TEXT_REF, DocumentTexts, SpoolWriter, TextSpool, spool_texts
from framing.text import count_words

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

__all__ = [
    "DOCUMENT_COLUMNS",
    "Corpus",
    "DocumentStream",
    "LoadSummary",
    "SkippedRecord",
    "as_corpus",
    "clean_text",
    "find_duplicates",
    "load_corpus",
]

log = logging.getLogger(__name__)

DOCUMENT_COLUMNS = ["doc_id", "outlet", "date", "title", "url", "text"]
#: What :meth:`Corpus.without_columns` keeps whatever it is asked: the documents' ids, groups and texts.
_UNDROPPABLE_COLUMNS = frozenset({"doc_id", "outlet", "text", TEXT_REF})
UNKNOWN_OUTLET = "unknown"


@dataclass(frozen=True)
class SkippedRecord:
    """An input record that was read but not loaded, and why."""

    source: str
    reason: str
    line: int | None = None


@dataclass
class LoadSummary:
    """What happened to every input record while loading (the load report).

    ``records`` = ``documents`` + ``len(skipped)``; ``duplicates`` counts documents marked as syndicated
    copies (``duplicate_of`` set), of which ``dropped_duplicates`` were removed on request.
    ``encodings`` maps each file not read as UTF-8 to the encoding used (``utf-16-le``, ``cp1251``, ...);
    ``skipped_paths`` names every path under a corpus folder that was not read (hidden, unreadable,
    dangling link, FIFO) and why; ``metadata_normalised`` counts metadata strings changed by
    :func:`normalise_metadata`; ``surrogates_replaced`` counts strings whose lone surrogates became
    U+FFFD; ``warnings`` holds one line per repaired CSV quote or unknown ``corpus.toml`` key.
    ``boilerplate`` lists every boilerplate pattern removed (pattern, outlet, documents it was removed
    from, source ``learned`` or ``shipped``; see :mod:`framing.boilerplate`); ``boilerplate_only`` counts
    documents kept whole because they held nothing but boilerplate lines.
    """

    files: int = 0
    records: int = 0
    documents: int = 0
    skipped: list[SkippedRecord] = field(default_factory=list)
    ignored_files: list[str] = field(default_factory=list)
    repaired_encoding: list[str] = field(default_factory=list)
    unknown_outlet: int = 0
    boilerplate_lines_removed: int = 0
    html_cleaned: int = 0
    unicode_normalised: int = 0
    dates_unparsed: int = 0
    duplicates: int = 0
    dropped_duplicates: int = 0
    encodings: dict[str, str] = field(default_factory=dict)
    skipped_paths: list[SkippedRecord] = field(default_factory=list)
    metadata_normalised: int = 0
    surrogates_replaced: int = 0
    warnings: list[str] = field(default_factory=list)
    boilerplate: list[BoilerplatePattern] = field(default_factory=list)
    boilerplate_only: int = 0
    languages: dict[str, int] = field(default_factory=dict)
    subsets: list[dict[str, Any]] = field(default_factory=list)  # issue 10: --where/--from/--to counts
    regroupings: list[dict[str, Any]] = field(default_factory=list)  # issue 10: group map counts

    def add_counts(self, other: LoadSummary) -> None:
        """Add the counts (the whole-number fields) of ``other``, a summary of part of the same load."""
        for name in _COUNT_FIELDS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def to_dict(self) -> dict[str, Any]:
        """The summary as plain JSON-serialisable data."""
        data = asdict(self)
        data["skipped"] = [{k: v for k, v in asdict(s).items() if v is not None} for s in self.skipped]
        data["skipped_paths"] = [{"path": s.source, "reason": s.reason} for s in self.skipped_paths]
        return data

    def lines(self) -> list[str]:
        """The summary as short human-readable lines (for the CLI and the report)."""
        out = [f"{self.records} records read from {self.files} files: {self.documents} documents loaded"]
        if self.skipped:
            out.append(f"{len(self.skipped)} records skipped:")
            out += [f"  {s.source}{'' if s.line is None else f':{s.line}'}: {s.reason}" for s in self.skipped]
        for count, what in [
            (self.boilerplate_lines_removed, "boilerplate lines removed"),
            (self.html_cleaned, "documents cleaned of HTML tags or entities"),
            (self.unicode_normalised, "documents with quotes, dashes or spaces normalised"),
            (len(self.repaired_encoding), "files not valid UTF-8, decoded as cp1251/cp1252/latin-1"),
            (self.unknown_outlet, f"documents without an outlet (named '{UNKNOWN_OUTLET}')"),
            (self.dates_unparsed, "documents whose date could not be parsed (left empty)"),
            (self.duplicates, "documents marked as syndicated duplicates (duplicate_of)"),
            (self.dropped_duplicates, "duplicates dropped"),
            (self.metadata_normalised, "metadata values normalised (Unicode, invisible characters, spaces)"),
            (self.surrogates_replaced, "values with lone surrogates replaced by U+FFFD"),
            (self.boilerplate_only, "documents of boilerplate lines only, kept whole"),
        ]:
            if count:
                out.append(f"{count} {what}")
        if self.encodings:
            out.append(
                "encodings other than UTF-8: "
                + ", ".join(f"{source} ({encoding})" for source, encoding in self.encodings.items())
            )
        if self.skipped_paths:
            out.append(f"{len(self.skipped_paths)} paths not read:")
            out += [f"  {s.source}: {s.reason}" for s in self.skipped_paths]
        if self.languages and set(self.languages) != {"en"}:
            out.append(
                "languages: "
                + ", ".join(f"{lang} {count} documents" for lang, count in self.languages.items())
            )
        out += self.warnings
        out += self._boilerplate_lines()
        if self.subsets or self.regroupings:
            from framing.subsets import regroup_line, subset_line

            out += [regroup_line(r) for r in self.regroupings] + [subset_line(r) for r in self.subsets]
        if self.ignored_files:
            out.append(
                f"{len(self.ignored_files)} files ignored (not a document format): "
                + ", ".join(self.ignored_files[:5])
                + (" ..." if len(self.ignored_files) > 5 else "")
            )
        return out

    def _boilerplate_lines(self, shown: int = 10) -> list[str]:
        if not self.boilerplate:
            return []
        learned = sum(p.source == "learned" for p in self.boilerplate)
        out = [
            f"{len(self.boilerplate)} boilerplate pattern{'' if len(self.boilerplate) == 1 else 's'} removed "
            f"({learned} learned per outlet, "
            f"{len(self.boilerplate) - learned} shipped); the most frequent:"
        ]
        for p in self.boilerplate[:shown]:
            text = p.pattern if len(p.pattern) <= 70 else p.pattern[:67] + "..."
            out.append(f"  {p.outlet}: {text!r} ({p.source}, {p.documents} documents)")
        if len(self.boilerplate) > shown:
            more = len(self.boilerplate) - shown
            out.append(f"  ... {more} more (corpus info --json; boilerplate.csv in a report)")
        return out


# the whole-number fields of a summary: what the parts of one load add up (LoadSummary.add_counts)
_COUNT_FIELDS = [f.name for f in fields(LoadSummary) if f.type == "int"]


class Corpus:
    """A collection of news documents with its settings.

    Attributes:
        documents: one row per document with columns ``doc_id, outlet, date, title, url, text, tokens,
            duplicate_of`` plus any other metadata (from file headers, table columns, and the outlet
            metadata of ``corpus.toml`` as ``outlet_<key>`` columns).
        name: the corpus name (folder or file stem).
        settings: the parsed ``corpus.toml`` (empty for a single file).
        summary: the :class:`LoadSummary` of the load.
        spool: for a spooled corpus (``load_corpus(..., spool=True)``, :meth:`spooled`), the
            :class:`framing.spool.TextSpool` holding the texts on disk; ``documents`` then has an integer
            ``text_ref`` column instead of ``text``. Read the texts with :attr:`texts` either way.

    :meth:`subset` selects documents (a pandas query, a date window), :meth:`regroup` and
    :meth:`apply_groups` merge name variants and define collections; each returns a new corpus whose
    summary counts what was kept, dropped and renamed.
    """

    def __init__(
        self,
        documents: pd.DataFrame,
        *,
        name: str,
        settings: Mapping[str, Any] | None = None,
        summary: LoadSummary | None = None,
        source: str | None = None,
        spool: TextSpool | None = None,
    ) -> None:
        self.documents = documents
        self.name = name
        self.settings = dict(settings or {})
        self.summary = summary or LoadSummary(documents=len(documents), records=len(documents))
        self.source = source
        self.spool = spool

    @property
    def texts(self) -> DocumentTexts:
        """The documents' texts in row order, read a block at a time (from disk for a spooled corpus)."""
        return DocumentTexts(self.documents, self.spool)

    def spooled(self, directory: str | os.PathLike[str] | None = None) -> Corpus:
        """The same corpus with its texts moved to a spool file on disk (``TMPDIR`` or ``directory``).

        The documents table loses its ``text`` column and gains ``text_ref``; every analysis gives the
        same results, with only a block of texts in memory at a time (see :mod:`framing.spool`).
        """
        if self.spool is not None:
            return self
        spool = spool_texts(self.texts, directory)
        documents = self.documents.drop(columns="text")
        documents.insert(list(self.documents.columns).index("text"), TEXT_REF, np.arange(len(documents)))
        return Corpus(
            documents,
            name=self.name,
            settings=self.settings,
            summary=self.summary,
            source=self.source,
            spool=spool,
        )

    def __len__(self) -> int:
        return len(self.documents)

    def __repr__(self) -> str:
        return f"Corpus({self.name!r}, documents={len(self)}, outlets={self.documents['outlet'].nunique()})"

    @property
    def title(self) -> str:
        return str(self.settings.get("title", self.name))

    @property
    def outlets(self) -> dict[str, dict[str, Any]]:
        """Outlet metadata from ``corpus.toml`` (``[outlets.NAME]`` tables)."""
        return dict(self.settings.get("outlets", {}))

    @property
    def actors(self) -> dict[str, list[str]]:
        """Actor name -> aliases (the name itself included) from ``corpus.toml`` ``[actors.NAME]``."""
        actors: dict[str, list[str]] = {}
        for name, spec in self.settings.get("actors", {}).items():
            aliases = list(spec.get("aliases", [])) if isinstance(spec, Mapping) else list(spec)
            actors[name] = [name, *[a for a in aliases if a != name]]
        return actors

    def by_outlet(self) -> pd.DataFrame:
        """One row per outlet: ``documents``, ``tokens`` (word tokens), ``first_date``, ``last_date``
        (ISO dates), ``duplicates`` (syndicated copies among them), and the outlet's metadata."""
        docs = self.documents
        grouped = docs.groupby("outlet", sort=True)
        table = pd.DataFrame(
            {
                "documents": grouped.size(),
                "tokens": grouped["tokens"].sum(),
                "first_date": grouped["date"].min(),
                "last_date": grouped["date"].max(),
                "duplicates": grouped["duplicate_of"].apply(lambda s: int(is_syndicated_copy(s).sum())),
            }
        ).reset_index()
        for column in ("first_date", "last_date"):
            table[column] = table[column].map(_iso_or_none)
        meta = pd.DataFrame.from_dict(self.outlets, orient="index")
        if not meta.empty:
            meta.index.name = "outlet"
            table = table.merge(meta.reset_index(), on="outlet", how="left")
        return table

    def subset(self, where: Any = None, *, start: Any = None, end: Any = None) -> Corpus:
        """The documents for which ``where`` holds, dated ``start`` to ``end`` (inclusive days).

        ``where`` is a pandas query over the document columns (``"outlet != 'global-wire'"``,
        ``"leaning in ['left', 'right']"``) or a function of :attr:`documents` giving one boolean per
        row; with a date bound, undated documents are dropped too. How many documents the filter kept
        and dropped is recorded in the summary (``summary.subsets``). See
        :func:`framing.subsets.subset_documents`.
        """
        from framing.subsets import subset_documents

        summary = self._summary_copy()
        documents = subset_documents(self.documents, where=where, start=start, end=end, summary=summary)
        if documents.empty and len(self.documents):
            log.warning("the subset is empty: no document is left of %d", len(self.documents))
        return self._replace(documents, summary)

    def regroup(
        self, mapping: Mapping[Any, Any], column: str = "outlet", *, into: str | None = None
    ) -> Corpus:
        """Rename values of ``column`` (merge name variants: ``{"Newsmax - News": "Newsmax"}``), or, with
        ``into``, define a new column from it (collections: ``{"vestnik": "state"}``, ``into="media"``).

        Counts go to ``summary.regroupings``; see :func:`framing.subsets.regroup_documents`.
        """
        from framing.subsets import regroup_documents

        summary = self._summary_copy()
        documents = regroup_documents(self.documents, mapping, column=column, into=into, summary=summary)
        return self._replace(documents, summary)

    def apply_groups(self, groups: Mapping[str, Mapping[str, str]]) -> Corpus:
        """Apply group maps ``{target: {old: new}}`` as in ``[groups]`` of ``corpus.toml`` (a target that
        is a column is renamed in place, any other is a new column from ``outlet``)."""
        from framing.subsets import apply_groups

        summary = self._summary_copy()
        return self._replace(apply_groups(self.documents, groups, summary), summary)

    def with_actors(self, actors: Mapping[str, Sequence[str]]) -> Corpus:
        """The corpus with ``actors`` (name -> aliases) in place of its ``[actors]`` (e.g. read with
        :func:`framing.subsets.read_actors` from ``--actors FILE``)."""
        tables = {str(name): {"aliases": [str(a) for a in aliases]} for name, aliases in actors.items()}
        corpus = self._replace(self.documents, self.summary)
        corpus.settings["actors"] = tables
        return corpus

    def without_columns(self, columns: Iterable[str]) -> Corpus:
        """The corpus without the metadata ``columns`` (``["url"]``): for a long run that never reads them,
        their memory (a string per document) is freed with the original. The ids, outlets and texts stay:
        asking to drop one of them, or a column the corpus does not have, is an error."""
        names = list(dict.fromkeys(columns))
        kept = [c for c in names if c in _UNDROPPABLE_COLUMNS]
        if kept:
            raise OptionError(f"column(s) {', '.join(map(repr, kept))} cannot be dropped from a corpus")
        missing = [c for c in names if c not in self.documents.columns]
        if missing:
            raise OptionError(
                f"no column {', '.join(map(repr, missing))} in the corpus "
                f"(columns: {', '.join(map(str, self.documents.columns))})"
            )
        return self._replace(self.documents.drop(columns=names), self._summary_copy())

    def _summary_copy(self) -> LoadSummary:
        summary = LoadSummary(**{**self.summary.__dict__})
        summary.subsets = [dict(r) for r in self.summary.subsets]
        summary.regroupings = [dict(r) for r in self.summary.regroupings]
        return summary

    def _replace(self, documents: pd.DataFrame, summary: LoadSummary) -> Corpus:
        return Corpus(
            documents,
            name=self.name,
            settings=self.settings,
            summary=summary,
            source=self.source,
            spool=self.spool,
        )

    def drop_duplicates(self) -> Corpus:
        """A copy of the corpus without the documents marked as syndicated duplicates."""
        keep = ~is_syndicated_copy(self.documents["duplicate_of"])
        summary = LoadSummary(**{**self.summary.__dict__})
        summary.dropped_duplicates += int((~keep).sum())
        summary.documents = int(keep.sum())
        return self._replace(self.documents[keep].reset_index(drop=True), summary)

    def content_hash(self) -> str:
        """SHA-256 of the documents' ids, outlets, dates and cleaned texts, in order."""
        digest = hashlib.sha256()
        rows = self.documents[["doc_id", "outlet", "date"]].itertuples(index=False)
        for row, text in zip(rows, self.texts, strict=True):
            digest.update("\x1f".join(map(str, (*row, text))).encode("utf-8"))
            digest.update(b"\x1e")
        return digest.hexdigest()

    def info(self) -> dict[str, Any]:
        """The corpus description used by ``framing corpus info --json``."""
        outlets = {
            row["outlet"]: {
                "documents": int(row["documents"]),
                "tokens": int(row["tokens"]),
                "first_date": row["first_date"],
                "last_date": row["last_date"],
                "duplicates": int(row["duplicates"]),
            }
            for _, row in self.by_outlet().iterrows()
        }
        if "language" in self.documents.columns:
            for (outlet, language), count in self.documents.groupby(["outlet", "language"]).size().items():
                outlets[outlet].setdefault("languages", {})[str(language)] = int(count)
        summary = self.summary.to_dict()
        return {
            "name": self.name,
            "documents": len(self),
            "outlets": outlets,
            "duplicates": self.summary.duplicates,
            "duplicate_pairs": [
                {"doc_id": d, "duplicate_of": o}
                for d, o in self.documents.loc[
                    is_syndicated_copy(self.documents["duplicate_of"]), ["doc_id", "duplicate_of"]
                ].itertuples(index=False)
            ],
            "skipped": summary["skipped"],
            "summary": {k: v for k, v in summary.items() if k != "skipped"},
        }


def _document_files(root: Path, summary: LoadSummary) -> tuple[list[Path], list[str]]:
    """Document files under a corpus folder (sorted) and the other files found there.

    Hidden files and folders, unreadable folders, dangling or folder symlinks (not followed, so no loop)
    and non-regular files (FIFOs, sockets) are not read; each is named in ``summary.skipped_paths``.
    """
    documents: list[Path] = []
    ignored: list[str] = []

    def skip(path: Path, reason: str) -> None:
        summary.skipped_paths.append(SkippedRecord(str(path), reason))
        log.warning("skipped %s: %s", path, reason)

    def unreadable(error: OSError) -> None:
        skip(Path(error.filename or root), f"unreadable folder ({error.strerror or error})")

    for folder, subfolders, names in os.walk(root, onerror=unreadable):
        base = Path(folder)
        for name in sorted(subfolders):
            if name.startswith("."):
                skip(base / name, "hidden folder")
            elif (base / name).is_symlink():
                skip(base / name, "symbolic link to a folder (not followed)")
        subfolders[:] = sorted(n for n in subfolders if not n.startswith(".") and not (base / n).is_symlink())
        for name in sorted(names):
            path = base / name
            if name.startswith("."):
                skip(path, "hidden file")
                continue
            try:
                mode = path.stat().st_mode
            except OSError as error:
                reason = "dangling symbolic link" if path.is_symlink() else f"unreadable ({error.strerror})"
                skip(path, reason)
                continue
            if not stat.S_ISREG(mode):
                skip(path, "not a regular file (a FIFO, socket or device)")
            elif path.suffix.lower() in TEXT_SUFFIXES or path.suffix.lower() in TABULAR_SUFFIXES:
                if not os.access(path, os.R_OK):
                    skip(path, "unreadable file (permission denied)")
                else:
                    documents.append(path)
            elif name != "corpus.toml" and not name.lower().startswith("readme"):
                ignored.append(path.relative_to(root).as_posix())
    return sorted(documents), sorted(ignored)


# corpus.toml: the keys the toolkit reads, and the type each value must have.
_SETTINGS_KEYS: dict[str, type | tuple[type, ...]] = {
    "title": str,
    "description": str,
    "language": str,
    "outlets": dict,
    "actors": dict,
    "files": dict,  # [files."<doc_id>"] language = "ru" (framing.language)
    "groups": dict,  # issue 10: [groups.COLUMN] old = new (framing.subsets.apply_groups)
}
_ACTOR_KEYS = {"aliases"}


def _read_settings(root: Path, summary: LoadSummary | None = None) -> dict[str, Any]:
    """Parse and check ``corpus.toml``: wrong value types are errors naming the key; unknown keys are
    warned about (logging and ``summary.warnings``), since a misspelt key is otherwise silently unused."""
    config = root / "corpus.toml"
    if not config.exists():
        return {}
    try:
        text = decode(read_regular_file(config), config, None, strict=True)
        settings = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = getattr(error, "lineno", None)
        raise InputError(config, f"invalid TOML: {error}", line=line) from None
    _check_settings(settings, config, summary)
    return settings


def _check_settings(settings: dict[str, Any], config: Path, summary: LoadSummary | None) -> None:
    def warn(key: str, known: Iterable[str]) -> None:
        message = f"{config}: unknown key {key!r} (known: {', '.join(sorted(known))})"
        log.warning("%s", message)
        if summary is not None:
            summary.warnings.append(message)

    for key, value in settings.items():
        expected = _SETTINGS_KEYS.get(key)
        if expected is None:
            warn(key, _SETTINGS_KEYS)
        elif not isinstance(value, expected):
            kind = "a table" if expected is dict else "a string"
            raise InputError(config, f"{key!r} must be {kind}, not {_toml_type(value)}")
    for name, spec in settings.get("outlets", {}).items():
        if not isinstance(spec, dict):
            raise InputError(
                config, f"outlets.{name} must be a table ([outlets.{name}]), not {_toml_type(spec)}"
            )
        for key, value in spec.items():
            if isinstance(value, (dict, list)):
                raise InputError(
                    config, f"outlets.{name}.{key} must be a string or number, not {_toml_type(value)}"
                )
    if "groups" in settings:
        from framing.subsets import check_groups

        settings["groups"] = check_groups(settings["groups"], config)
    for name, spec in settings.get("actors", {}).items():
        where = f"actors.{_toml_key(name)}"
        if isinstance(spec, list):
            aliases = spec
        elif isinstance(spec, dict):
            for key in spec:
                if key not in _ACTOR_KEYS:
                    warn(f"{where}.{key}", _ACTOR_KEYS)
            aliases = spec.get("aliases", [])
            where += ".aliases"
        else:
            raise InputError(
                config,
                f"{where} must be a table with aliases = [...], not {_toml_type(spec)}",
                hint=f'write [{where}] then aliases = ["..."]',
            )
        if not isinstance(aliases, list):
            raise InputError(
                config,
                f"{where} must be a list of strings, not {_toml_type(aliases)}",
                hint=f"write aliases = [{json.dumps(aliases) if isinstance(aliases, str) else '...'}]",
            )
        for alias in aliases:
            if not isinstance(alias, str) or not alias.strip():
                raise InputError(
                    config,
                    f"{where} holds {alias!r} ({_toml_type(alias)}); every alias must be a non-empty string",
                    hint="quote it",
                )


def _toml_type(value: Any) -> str:
    names = {bool: "a boolean", int: "an integer", float: "a number", str: "a string", list: "a list"}
    if isinstance(value, dict):
        return "a table"
    return names.get(type(value), type(value).__name__)


def _toml_key(name: str) -> str:
    return name if name.replace("-", "").replace("_", "").isalnum() and name.isascii() else json.dumps(name)


def _outlet_from_folder(relative: Path) -> str | None:
    """``docs/<outlet>/<file>.txt`` -> outlet; a file directly in the corpus root or docs/ has none."""
    parents = [p for p in relative.parent.parts if p != "docs"]
    return parents[-1] if parents else None


def _iter_raw_records(
    path: Path, mapping: ColumnMapping, summary: LoadSummary, strict: bool
) -> Iterator[tuple[str, int | None, dict[str, Any]]]:
    """Yield ``(source, line, record)`` for every input record under ``path`` (file or corpus folder)."""
    if path.is_dir():
        files, ignored = _document_files(path, summary)
        summary.ignored_files.extend(ignored)
        if not files:
            raise InputError(path, "no documents found", hint="expected .txt, .csv, .jsonl or .parquet files")
        root = path
    else:
        kind = TABULAR_SUFFIXES.get(path.suffix.lower()) or TEXT_SUFFIXES.get(path.suffix.lower())
        if kind is None:
            raise InputError(
                path,
                f"unknown format {path.suffix or '(no extension)'!r}",
                hint="use a corpus folder, or a .txt, .csv, .tsv, .jsonl or .parquet file",
            )
        check_regular_file(path)
        files, root = [path], path.parent
    for file in files:
        summary.files += 1
        relative = file.relative_to(root)
        display = str(file)
        suffix = file.suffix.lower()
        if suffix in TEXT_SUFFIXES:
            raw = read_regular_file(file)
            if not raw.strip() and not path.is_dir():
                raise InputError(file, "empty file", hint="remove it or add text")
            text = decode(raw, file, summary, strict)
            del raw
            doc_id = relative.with_suffix("").as_posix()
            if doc_id.startswith("docs/"):
                doc_id = doc_id[len("docs/") :]
            record = read_txt(doc_id, text, _outlet_from_folder(relative))
            del text  # the body in the record is a copy; the whole file need not stay alive
            yield display, None, record
        else:
            stem = relative.with_suffix("").as_posix()
            for line, record in iter_tabular(file, TABULAR_SUFFIXES[suffix], mapping, summary, strict):
                if "doc_id" not in record:
                    record["doc_id"] = f"{stem}:{line}"
                elif _is_missing(record["doc_id"]):
                    raise InputError(file, "missing document id", line=line, hint="give every record an id")
                else:
                    record["doc_id"] = str(record["doc_id"])
                yield display, line, record


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float):
        return value != value
    return isinstance(value, str) and not value.strip()


# An ISO timestamp's UTC offset: dropped before parsing so the local calendar day is kept.
_ISO_OFFSET = re.compile(
    r"^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)[ ]?(?:Z|[+-]\d{2}(?::?\d{2})?)$"
)


def _parse_dates(values: pd.Series) -> pd.Series:
    """Parse mixed date strings into the local calendar day (time of day and UTC offset dropped).

    "2024-03-22T23:30:00-04:00" is 22 March (the day where it was published), not the UTC day. Values
    that are not dates or lie outside years 1677-2262 ("-1", "9999-01-01") become NaT.
    """
    as_text = values.astype("object").where(values.notna(), None)
    as_text = as_text.map(lambda v: None if v is None or str(v).strip() == "" else str(v).strip())
    # Series.map turns a None result into NaN: test for strings, not for None.
    local = as_text.map(lambda v: _ISO_OFFSET.sub(r"\1", v) if isinstance(v, str) else None)
    parsed = pd.to_datetime(local, errors="coerce", format="ISO8601")
    missing = parsed.isna() & as_text.notna()
    if missing.any():
        others = as_text[missing]
        days = {value: _parse_one_date(value) for value in others.unique()}
        parsed = parsed.astype("object")
        parsed[missing] = others.map(days)
        parsed = pd.to_datetime(parsed)
    # pandas reads years 0-9999 and negative ones at microsecond resolution, but "9999-01-01" and
    # "-1" are placeholders, not dates: outside pandas' nanosecond range (1677-2262) a date is missing.
    parsed = parsed.where((parsed >= pd.Timestamp.min) & (parsed <= pd.Timestamp.max))
    return parsed.dt.normalize()


def _parse_one_date(value: str) -> pd.Timestamp | None:
    """One date in any format pandas' mixed parser reads (day first when ambiguous), else None."""
    try:
        stamp = pd.to_datetime(value, format="mixed", dayfirst=True)
    except (ValueError, TypeError, OverflowError, NotImplementedError):
        # pandas raises OutOfBoundsDatetime (a ValueError) for years past 2262 and NotImplementedError
        # for negative years ("-1", a common missing-date marker).
        return None
    if stamp is pd.NaT or stamp is None:
        return None
    return stamp.tz_localize(None) if stamp.tzinfo is not None else stamp


def _iter_clean_records(
    path: Path,
    mapping: ColumnMapping,
    summary: LoadSummary,
    strict: bool,
    *,
    hash_ids: bool = False,
    keep_boilerplate: bool = False,
    tally: Tally | None = None,
    jobs: int = 1,
) -> Iterator[dict[str, Any]]:
    """Cleaned records with an id and an outlet; empty ones skipped and counted, duplicate ids refused.

    With ``hash_ids`` only a hash of each id is remembered, so memory stays small on huge corpora.
    The boilerplate lines removed while cleaning are counted per outlet in ``tally``. With ``jobs > 1``
    the texts are cleaned in that many worker processes while this one reads on (same records).
    """
    # where each id was first seen: (file, line), the file's string shared (a "file:line" string per
    # record took about 110 bytes)
    seen_ids: dict[Any, tuple[str, int | None]] = {}
    raw = _iter_raw_records(path, mapping, summary, strict)
    for source, line, record, cleaned, removed in _cleaned(raw, summary, keep_boilerplate, jobs):
        if cleaned is None:
            continue  # its text was not a string: skipped and counted
        if not cleaned:
            summary.skipped.append(SkippedRecord(source, "empty text", line))
            log.warning("skipped %s%s: empty text", source, "" if line is None else f":{line}")
            continue
        record["text"] = cleaned
        doc_id = str(record["doc_id"])
        key: Any = hash(doc_id) if hash_ids else doc_id
        if key in seen_ids:
            raise InputError(
                source,
                f"duplicate document id {doc_id!r} (first seen at {_place(*seen_ids[key])})",
                line=line,
                hint="ids must be unique; choose another column with --id-col",
            )
        seen_ids[key] = (source, line)
        record["doc_id"] = doc_id
        for column, value in record.items():
            if column not in _VERBATIM_COLUMNS and isinstance(value, str):
                normalised = normalise_metadata(value)
                if normalised != value.strip():
                    summary.metadata_normalised += 1
                record[column] = normalised
        outlet = record.get("outlet")
        if _is_missing(outlet):
            record["outlet"] = UNKNOWN_OUTLET
            summary.unknown_outlet += 1
        else:
            record["outlet"] = str(outlet).strip()
        if removed and tally is not None:
            tally.add(record["outlet"], [(normalise_line(line), "shipped") for line in removed])
        yield record


def _place(source: str, line: int | None) -> str:
    return source if line is None else f"{source}:{line}"


_Raw = tuple[str, "int | None", dict[str, Any]]
_CLEAN_BLOCK = 500  # records whose texts go to a cleaning worker at a time


def _cleaned(
    raw: Iterable[_Raw], summary: LoadSummary, keep_boilerplate: bool, jobs: int
) -> Iterator[tuple[str, int | None, dict[str, Any], str | None, list[str]]]:
    """``(source, line, record, cleaned text, boilerplate lines removed)`` for each raw record, in order.

    The text is popped from the record (the raw text is freed as soon as its cleaned copy exists). A
    text that is not a string is skipped and counted here (cleaned text ``None``); a missing one is
    ``""``. With ``jobs > 1`` and at least :data:`framing.parallel.MIN_PARALLEL_DOCUMENTS` records,
    blocks of texts are cleaned in worker processes while this process reads on (:class:`_ReadAhead`
    keeps the summary as one process makes it).
    """
    if jobs <= 1:
        for source, line, record in raw:
            yield (source, line, record, *_clean_one(source, line, record, summary, keep_boilerplate))
        return
    ahead = _ReadAhead(iter(raw), summary)
    items = iter(ahead)
    first = list(islice(items, parallel.MIN_PARALLEL_DOCUMENTS))
    if len(first) < parallel.MIN_PARALLEL_DOCUMENTS:
        for (source, line, record), skipped_before in first:
            summary.skipped.extend(skipped_before)
            yield (source, line, record, *_clean_one(source, line, record, summary, keep_boilerplate))
    else:
        rest = chain(first, items)
        del first
        calls = (
            (block, ([_text_of(record) for (_, _, record), _ in block], keep_boilerplate))
            for block in parallel.batches(rest, _CLEAN_BLOCK)
        )
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for block, (results, counted) in parallel.submitted_in_order(
                pool, _clean_block, calls, ahead=2 * jobs
            ):
                summary.add_counts(counted)
                for ((source, line, record), skipped_before), (cleaned, removed) in zip(
                    block, results, strict=True
                ):
                    summary.skipped.extend(skipped_before)
                    summary.records += 1
                    text = record.pop("text", None)
                    if cleaned is None:
                        _skip_text(source, line, text, summary)
                    yield source, line, record, cleaned, removed
    summary.skipped.extend(ahead.skipped_after)
    if ahead.error is not None:
        raise ahead.error


def _clean_one(
    source: str, line: int | None, record: dict[str, Any], summary: LoadSummary, keep_boilerplate: bool
) -> tuple[str | None, list[str]]:
    text = _popped_text(source, line, record, summary)
    if text is None:
        return None, []
    removed: list[str] = []
    return clean_text(text, summary, boilerplate=not keep_boilerplate, removed=removed), removed


class _ReadAhead:
    """Iterating gives ``((source, line, record), skipped before it)`` for each of ``records``, which
    may be read ahead of their use.

    Reading appends the lines it skips to ``summary.skipped``; read ahead, they would come before the
    records that cleaning skips later. Each is taken out and handed over with the record it came
    before (those after the last record in ``skipped_after``), and a reading error is kept in
    ``error`` to be raised once the records before it are used: the summary, the records and the
    error are those of reading and cleaning one record at a time.
    """

    def __init__(self, records: Iterator[_Raw], summary: LoadSummary) -> None:
        self._records, self._summary = records, summary
        self.skipped_after: list[SkippedRecord] = []
        self.error: Exception | None = None

    def __iter__(self) -> Iterator[tuple[_Raw, list[SkippedRecord]]]:
        skipped = self._summary.skipped
        while True:
            mark = len(skipped)
            try:
                item = next(self._records)
            except StopIteration:
                break
            except Exception as error:  # raised later, where one record at a time would have raised it
                self.error = error
                break
            before = skipped[mark:]
            del skipped[mark:]
            yield item, before
        self.skipped_after = skipped[mark:]
        del skipped[mark:]


def _text_of(record: dict[str, Any]) -> str | None:
    """The record's text: ``""`` when missing, ``None`` when it is not a string."""
    text = record.get("text")
    if isinstance(text, str):
        return text
    return "" if _is_missing(text) else None


def _popped_text(source: str, line: int | None, record: dict[str, Any], summary: LoadSummary) -> str | None:
    """:func:`_text_of`, popped from the record; a text that is not a string is skipped and counted."""
    summary.records += 1
    text = _text_of(record)
    if text is None:
        _skip_text(source, line, record.get("text"), summary)
    record.pop("text", None)
    return text


def _skip_text(source: str, line: int | None, text: Any, summary: LoadSummary) -> None:
    reason = f"text is {_kind(text)}, not a string"
    summary.skipped.append(SkippedRecord(source, reason, line))
    log.warning("skipped %s%s: %s", source, "" if line is None else f":{line}", reason)


def _clean_block(
    texts: list[str | None], keep_boilerplate: bool
) -> tuple[list[tuple[str | None, list[str]]], LoadSummary]:
    """:func:`clean_text` of each text (``None`` stays ``None``), in a worker: the cleaned texts with the
    boilerplate lines removed from each, and the changes counted in a summary of their own."""
    counted = LoadSummary()
    out: list[tuple[str | None, list[str]]] = []
    for text in texts:
        removed: list[str] = []
        if text is not None:
            text = clean_text(text, counted, boilerplate=not keep_boilerplate, removed=removed)
        out.append((text, removed))
    return out, counted


# Kept exactly as read: the text is cleaned on its own; ids and URLs are identifiers.
_VERBATIM_COLUMNS = {"text", "doc_id", "url"}


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return f"a {type(value).__name__}"


class DocumentStream:
    """Documents of a corpus folder or file in chunks of cleaned rows, for corpora too large to hold.

    Iterating yields DataFrames with the document columns (no ``tokens``, no syndication marks: those
    need the whole corpus). ``summary`` fills in as the stream is read. Unless ``keep_boilerplate``, a
    first pass reads and cleans every record, learns each outlet's recurring lines
    (:mod:`framing.boilerplate`; without syndication marks, only exact repeats of a text are left out of
    that count) and spools the cleaned records to an anonymous temporary file; the documents are then
    yielded from that file without those lines (the input is parsed and cleaned once, and memory stays
    that of one chunk).
    """

    def __init__(
        self,
        path: str | Path,
        *,
        chunk_size: int = 1000,
        strict: bool = False,
        keep_boilerplate: bool = False,
        **columns: str | None,
    ) -> None:
        self.path = Path(path)
        if not self.path.exists():
            raise InputError(self.path, "no such file or folder")
        self.chunk_size = chunk_size
        self.strict = strict
        self.mapping = ColumnMapping(**columns)
        self.keep_boilerplate = keep_boilerplate
        self.summary = LoadSummary()
        self._tally = Tally()
        self._learned: dict[str, frozenset[str]] = {}
        if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
            raise OptionError(f"chunk_size must be a positive number of documents, got {chunk_size!r}")
        self.settings = _read_settings(self.path, self.summary) if self.path.is_dir() else {}

    def __iter__(self) -> Iterator[pd.DataFrame]:
        records = _iter_clean_records(
            self.path,
            self.mapping,
            self.summary,
            self.strict,
            hash_ids=True,
            keep_boilerplate=self.keep_boilerplate,
            tally=self._tally,
        )
        if self.keep_boilerplate:
            yield from self._chunks(records)
            return
        with tempfile.TemporaryFile(prefix="framing-stream-", buffering=1 << 20) as spool:
            learner = LineLearner()
            batch: list[dict[str, Any]] = []
            for record in records:
                learner.add(record["outlet"], record["text"])
                batch.append(record)
                if len(batch) >= self.chunk_size:  # one pickle per chunk: per record it costs more
                    pickle.dump(batch, spool, protocol=pickle.HIGHEST_PROTOCOL)
                    batch = []
            if batch:
                pickle.dump(batch, spool, protocol=pickle.HIGHEST_PROTOCOL)
            del batch
            self._learned = learner.learned()
            spool.seek(0)
            yield from self._chunks(_unspool(spool))

    def _chunks(self, records: Iterator[dict[str, Any]]) -> Iterator[pd.DataFrame]:
        batch: list[dict[str, Any]] = []
        for record in records:
            batch.append(record)
            if len(batch) >= self.chunk_size:
                yield self._frame(batch)
                batch = []
        if batch:
            yield self._frame(batch)

    def _frame(self, batch: list[dict[str, Any]]) -> pd.DataFrame:
        self.summary.documents += len(batch)
        frame = _to_frame(batch, self.summary, tokens=False)
        if not self.keep_boilerplate:
            frame = remove_boilerplate(frame, learned=self._learned, tally=self._tally)
        self._tally.report(self.summary)
        _attach_outlet_metadata(frame, self.settings)
        _attach_languages(frame, self.settings, self.summary)
        if self.settings.get("groups"):  # issue 10: [groups] of corpus.toml
            from framing.subsets import apply_groups

            frame = apply_groups(frame, self.settings["groups"], self.summary)
        return frame


def _unspool(spool: Any) -> Iterator[dict[str, Any]]:
    """The records :class:`DocumentStream` pickled into ``spool`` (a list per chunk), in order."""
    load = pickle.load
    while True:
        try:
            yield from load(spool)
        except EOFError:
            return


def load_corpus(
    path: str | Path,
    *,
    text_col: str | None = None,
    outlet_col: str | None = None,
    date_col: str | None = None,
    id_col: str | None = None,
    title_col: str | None = None,
    url_col: str | None = None,
    drop_duplicates: bool = False,
    duplicate_threshold: float = 0.5,
    strict: bool = False,
    name: str | None = None,
    keep_boilerplate: bool = False,
    jobs: int = 1,
    spool: bool | str | os.PathLike[str] = False,
) -> Corpus:
    """Load a corpus folder or a single CSV / TSV / JSONL / Parquet / .txt file.

    Args:
        path: a folder with ``corpus.toml`` and documents under it, or one file.
        text_col, outlet_col, date_col, id_col, title_col, url_col: column names in tabular files when
            they are not among the recognised names (``text``, ``outlet``, ``date``, ``id``, ``title``,
            ``url``, and Media Cloud's ``media_name``, ``publish_date``, ``stories_id``).
        drop_duplicates: drop syndicated copies (they are always detected and marked in ``duplicate_of``).
        duplicate_threshold: Jaccard similarity of word 5-gram shingles above which two documents are
            near-duplicates (0 to 1).
        strict: fail on bytes that are not UTF-8 instead of decoding them as cp1252/latin-1.
        name: corpus name (default: folder or file stem).
        keep_boilerplate: keep page furniture. By default the lines each outlet repeats in many of its
            documents, and shipped caption, credit, sharing and advertisement lines, are removed before
            anything is measured, and listed in ``summary.boilerplate`` (see :mod:`framing.boilerplate`);
            the ``text`` column, to which all match offsets refer, is the text after removal.
        jobs: worker processes for the per-document steps (cleaning, token counts, language
            detection, boilerplate removal); the corpus is the same for any number.
        spool: False: the texts are held in memory (a ``text`` column). True, or a folder: a streaming
            load that writes the texts to a spool file (in ``TMPDIR``, or that folder) and keeps only
            their positions (a ``text_ref`` column; :attr:`Corpus.spool`, read with
            :attr:`Corpus.texts`), so memory does not grow with the texts. Every other column, the
            summary and the texts are the same as those of the in-memory load (see :func:`_load_spooled`).

    Raises:
        InputError: for a missing path, unknown format, malformed record, missing text column, empty
            file, or duplicate document ids; the message names the file and line.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(path, "no such file or folder")
    if (path / "framing-store.json").is_file():  # a corpus store (framing.store): dispatch, h-store
        from framing.store import load_store

        if keep_boilerplate:  # its texts were cleaned at ingest: the removed lines are not stored
            raise OptionError(
                f"{path} is a corpus store, whose documents had their boilerplate removed at ingest; "
                "to keep it, ingest the sources into a new store with --keep-boilerplate"
            )

        return _with_groups(load_store(path, drop_duplicates=drop_duplicates, name=name, spool=spool))
    if not 0 < duplicate_threshold <= 1:
        raise OptionError(f"duplicate_threshold must be in (0, 1], got {duplicate_threshold}")
    mapping = ColumnMapping(text_col, outlet_col, date_col, id_col, title_col, url_col)
    summary = LoadSummary()
    settings = _read_settings(path, summary) if path.is_dir() else {}
    tally = Tally()
    name = name or (path.name if path.is_dir() else path.stem)
    if spool is not False:
        directory = _spool_directory(spool)
        corpus = _load_spooled(
            path,
            mapping,
            summary,
            settings,
            strict=strict,
            keep_boilerplate=keep_boilerplate,
            tally=tally,
            jobs=jobs,
            threshold=duplicate_threshold,
            directory=directory,
            name=name,
        )
        return corpus.drop_duplicates() if drop_duplicates else corpus
    records = list(
        _iter_clean_records(
            path, mapping, summary, strict, keep_boilerplate=keep_boilerplate, tally=tally, jobs=jobs
        )
    )
    documents = _to_frame(records, summary, jobs=jobs)
    del records
    return_freed_memory()
    _attach_outlet_metadata(documents, settings)
    _attach_languages(documents, settings, summary, jobs=jobs)
    if settings.get("groups"):  # issue 10: [groups] of corpus.toml
        from framing.subsets import apply_groups

        documents = apply_groups(documents, settings["groups"], summary)
    documents["duplicate_of"] = find_duplicates(documents, threshold=duplicate_threshold)
    if not keep_boilerplate:  # learned from originals only: the syndication marks come first
        documents = remove_boilerplate(documents, tally=tally, jobs=jobs)
    tally.report(summary)
    summary.duplicates = int(is_syndicated_copy(documents["duplicate_of"]).sum())
    summary.documents = len(documents)
    corpus = Corpus(documents, name=name, settings=settings, summary=summary, source=str(path))
    return corpus.drop_duplicates() if drop_duplicates else corpus


class _Rows:
    """The records of a spooled load without their texts, held compactly until they become a table.

    The records are kept by column (:class:`_Column`): a list slot per record, a string repeated in
    a column (outlet, author, topic, leaning) shared with its first occurrence, and the other strings
    (ids, titles, URLs) as UTF-8 bytes in one buffer per column. A dict and its strings per record
    took about 900 bytes at 200,000 articles, and the strings that stay in the table (titles and
    URLs), made one by one among the reader's short-lived objects, kept most of the memory those used
    from being returned; made together from the buffers when the table is built, they do not.
    :meth:`frame` is ``pd.DataFrame.from_records`` of the records as dicts: the same columns (in the
    order they first appear), a missing value NaN, the same type inference.
    """

    def __init__(self) -> None:
        self.columns: dict[str, _Column] = {}
        self.count = 0

    def __len__(self) -> int:
        return self.count

    def append(self, record: dict[str, Any]) -> None:
        columns = self.columns
        for key, value in record.items():
            column = columns.get(key)
            if column is None:
                column = columns[key] = _Column(key, self.count)
            column.add(value)
        self.count += 1
        if len(record) < len(columns):
            for column in columns.values():
                if len(column.values) < self.count:
                    column.values.append(np.nan)  # as from_records fills a missing key

    def frame(self) -> pd.DataFrame:
        """The records as a table, made a column at a time.

        ``from_records`` infers each column's dtype from that column's values alone, so converting
        the columns one by one gives the same table; each column's values are released once it is
        converted.
        """
        parts = []
        for name, column in list(self.columns.items()):
            values = column.take()
            parts.append(pd.DataFrame.from_records([(value,) for value in values], columns=[name]))
            del values
            del self.columns[name]
        self.count = 0
        return pd.concat(parts, axis=1)


class _Column:
    """One column of :class:`_Rows`: its values in order, strings shared or in a UTF-8 buffer."""

    _UNSHARED = frozenset({"doc_id", "title", "url"})

    def __init__(self, name: str, missing: int) -> None:
        self.values: list[Any] = [np.nan] * missing
        self.shared: dict[str, str] | None = None if name in self._UNSHARED else {}
        self.buffer = bytearray()
        self.ends = array("q")

    def add(self, value: Any) -> None:
        if isinstance(value, str):
            shared = self.shared
            if shared is not None:
                found = shared.get(value)
                if found is not None:
                    self.values.append(found)
                    return
                if len(shared) < _SHARED_VALUES:
                    shared[value] = value
                    self.values.append(value)
                    return
            self.buffer += value.encode("utf-8", "surrogatepass")
            self.ends.append(len(self.buffer))
            value = _BUFFERED
        self.values.append(value)

    def take(self) -> list[Any]:
        """The column's values (the buffered strings made again), releasing what it held."""
        values, self.values, self.shared = self.values, [], None
        if self.ends:
            data = memoryview(self.buffer)
            start = 0
            strings = []
            for end in self.ends:
                strings.append(str(data[start:end], "utf-8", "surrogatepass"))
                start = end
            data.release()
            self.buffer, self.ends = bytearray(), array("q")
            made = iter(strings)
            values = [next(made) if value is _BUFFERED else value for value in values]
        return values


_BUFFERED = object()  # a value of _Column held in its buffer
_SHARED_VALUES = 1 << 16  # distinct strings per column that _Column shares; beyond, they are buffered


def _spool_directory(spool: bool | str | os.PathLike[str]) -> Path | None:
    """The folder for a spool file: None (``TMPDIR``) for ``spool=True``, else the existing folder given."""
    if spool is True:
        return None
    if isinstance(spool, bool) or not isinstance(spool, (str, os.PathLike)):
        raise OptionError(f"spool must be False, True or a folder, got {spool!r}")
    directory = Path(spool)
    if not directory.is_dir():
        raise OptionError(f"spool folder {directory} does not exist (give an existing folder, or True)")
    return directory


def _load_spooled(
    path: Path,
    mapping: ColumnMapping,
    summary: LoadSummary,
    settings: dict[str, Any],
    *,
    strict: bool,
    keep_boilerplate: bool,
    tally: Tally,
    jobs: int,
    threshold: float,
    directory: Path | None,
    name: str,
) -> Corpus:
    """:func:`load_corpus` with the texts on disk: the same steps, in the same order, on the same texts.

    1. One pass reads and cleans every record (as the in-memory load does, with ``jobs`` workers) and
       writes each cleaned text to a first spool; only the record's other fields are kept (the
       documents table, ``text_ref`` in place of ``text``).
    2. Languages are detected from the first spool, a block of texts at a time.
    3. Syndicated copies are marked (:func:`framing.dedup.find_duplicates` reads the texts a block at a
       time and keeps one MinHash signature per distinct text).
    4. Boilerplate lines are learned from the originals (read a block at a time), then a second pass
       over the first spool removes them, counts each final text's word tokens and writes the final
       spool in row order (:func:`framing.boilerplate.strip_to_spool`); the first spool is deleted.

    Every step sees the texts the in-memory load's step sees (the cleaned texts up to step 4), so the
    columns, marks, counts and texts are the same. The in-memory load counts tokens before removing
    boilerplate and recounts the documents that changed; counting the final texts gives the same
    numbers. With ``keep_boilerplate`` the first spool is the final one (its tokens are counted from it).

    Memory holds the documents table without texts (the records until then by column, see
    :class:`_Rows`), one MinHash signature per distinct text, 12 bytes per distinct line of each
    original while boilerplate is learned, and a few blocks of texts (2,000 each) at a time.
    """
    from framing.boilerplate import learn_boilerplate, strip_to_spool

    writer = SpoolWriter(directory)
    records = _Rows()
    for record in _iter_clean_records(
        path, mapping, summary, strict, keep_boilerplate=keep_boilerplate, tally=tally, jobs=jobs
    ):
        writer.append(record.pop("text"))  # the text of record i is text i of the spool
        records.append(record)
    first = writer.finish()
    del writer  # and its list of offsets
    documents = _to_frame(records, summary, tokens=False, spooled=True)
    del records
    return_freed_memory()
    _attach_outlet_metadata(documents, settings)
    texts = DocumentTexts(documents, first)
    _attach_languages(documents, settings, summary, jobs=jobs, texts=texts)
    if settings.get("groups"):  # issue 10: [groups] of corpus.toml
        from framing.subsets import apply_groups

        documents = apply_groups(documents, settings["groups"], summary)
        texts = DocumentTexts(documents, first)
    return_freed_memory()  # the blocks of texts read are freed: the heap need not keep their pages
    documents["duplicate_of"] = find_duplicates(documents, threshold=threshold, jobs=jobs, texts=texts)
    return_freed_memory()
    outlets = documents["outlet"].tolist()
    if keep_boilerplate:
        final = first
        documents["tokens"] = strip_to_spool(outlets, texts, None, learned=None, tally=tally, jobs=jobs)
    else:
        learned = learn_boilerplate(documents, texts=texts)
        return_freed_memory()
        writer = SpoolWriter(directory)
        documents["tokens"] = strip_to_spool(outlets, texts, writer, learned=learned, tally=tally, jobs=jobs)
        final = writer.finish()
        documents[TEXT_REF] = np.arange(len(documents), dtype=np.int64)
        del texts, first, learned
    del outlets
    tally.report(summary)
    summary.duplicates = int(is_syndicated_copy(documents["duplicate_of"]).sum())
    summary.documents = len(documents)
    return_freed_memory()
    return Corpus(documents, name=name, settings=settings, summary=summary, source=str(path), spool=final)


def as_corpus(
    data: Corpus | pd.DataFrame | str | os.PathLike[str] | Iterable[str], *, name: str | None = None
) -> Corpus:
    """A :class:`Corpus` from a corpus, a path (:func:`load_corpus`), a documents DataFrame or texts.

    A DataFrame needs a ``text`` column; ``doc_id`` defaults to the row position (as in
    :func:`framing.extract`), a missing ``outlet`` is ``unknown`` (counted), dates are parsed as on loading
    (unparsed ones counted), ``tokens`` are counted and syndicated copies marked in ``duplicate_of``
    unless the table has that column. Every other column is kept. The texts are used as given (not
    cleaned). Document ids must be unique.
    """
    if isinstance(data, Corpus):
        return data
    if isinstance(data, (str, os.PathLike)):
        return load_corpus(data, name=name)
    if isinstance(data, pd.DataFrame):
        if "text" not in data.columns:
            raise OptionError(
                f"the table has no 'text' column (columns: {', '.join(map(str, data.columns))})"
            )
        frame = data.reset_index(drop=True).copy()
    else:
        frame = pd.DataFrame({"text": list(data)})
    summary = LoadSummary(records=len(frame), documents=len(frame))
    frame["text"] = frame["text"].map(lambda t: "" if _is_missing(t) else str(t))
    if "doc_id" not in frame.columns:
        frame.insert(0, "doc_id", [str(i) for i in range(len(frame))])
    frame["doc_id"] = frame["doc_id"].astype(str)
    repeated = frame["doc_id"][frame["doc_id"].duplicated()]
    if len(repeated):
        raise OptionError(f"document ids must be unique; {repeated.iloc[0]!r} occurs more than once")
    outlets = (
        frame["outlet"] if "outlet" in frame.columns else pd.Series(None, index=frame.index, dtype=object)
    )
    unknown = outlets.map(_is_missing)
    summary.unknown_outlet = int(unknown.sum())
    frame["outlet"] = outlets.astype(object).where(~unknown, UNKNOWN_OUTLET).map(str)
    frame = _to_frame(frame.to_dict("records"), summary)
    if "duplicate_of" not in frame.columns:
        frame["duplicate_of"] = find_duplicates(frame)
    summary.duplicates = int(is_syndicated_copy(frame["duplicate_of"]).sum())
    return Corpus(frame, name=name or "table", summary=summary)


def _with_groups(corpus: Corpus) -> Corpus:
    groups = corpus.settings.get("groups")
    return corpus.apply_groups(groups) if groups else corpus


_FRAME_BLOCK = 5000  # records whose texts are converted to the text column at a time


def _to_frame(
    records: list[dict[str, Any]] | _Rows,
    summary: LoadSummary,
    *,
    tokens: bool = True,
    jobs: int = 1,
    spooled: bool = False,
) -> pd.DataFrame:
    """The documents table of ``records`` (their ``text`` is moved out of them into the table).

    ``spooled``: the records have no text; record i's text is text i of a spool. The table has a
    ``text_ref`` column (0, 1, ...) in the place of ``text``, and an int64 ``tokens`` column of zeros
    to be filled in when the texts are final."""
    columns = [TEXT_REF if spooled and c == "text" else c for c in DOCUMENT_COLUMNS]
    if isinstance(records, _Rows):
        frame = records.frame() if len(records) else pd.DataFrame(columns=columns)
    elif records and all("text" in record for record in records):
        # The texts become one string column a block at a time, each block's Python strings freed as
        # it is converted: a table built from all the records at once held every text twice.
        blocks = []
        for start in range(0, len(records), _FRAME_BLOCK):
            block = records[start : start + _FRAME_BLOCK]
            blocks.append(pd.Series([record.pop("text") for record in block]))
        frame = pd.DataFrame.from_records(records)
        frame["text"] = pd.concat(blocks, ignore_index=True) if len(blocks) > 1 else blocks[0]
        del blocks
    else:
        frame = pd.DataFrame.from_records(records) if records else pd.DataFrame(columns=columns)
    for column in columns:
        if column not in frame.columns:
            frame[column] = None
    raw_dates = frame["date"]
    frame["date"] = _parse_dates(raw_dates)
    unparsed = (
        frame["date"].isna() & raw_dates.notna() & (raw_dates.astype("object").astype(str).str.strip() != "")
    )
    summary.dates_unparsed += int(unparsed.sum())
    for row in frame.loc[unparsed, ["doc_id"]].itertuples(index=False):
        log.warning("document %s: date could not be parsed", row.doc_id)
    if spooled:
        frame[TEXT_REF] = np.arange(len(frame), dtype=np.int64)
        frame["tokens"] = np.zeros(len(frame), dtype=np.int64)
    elif tokens:
        counts = parallel.map_documents(count_words, frame["text"].tolist(), jobs=jobs)
        frame["tokens"] = pd.Series(counts, index=frame.index, dtype="int64")
    for column in ("title", "url"):
        frame[column] = frame[column].astype("object").where(frame[column].notna(), None)
    ordered = [*columns, *(["tokens"] if tokens or spooled else [])]
    return frame[ordered + [c for c in frame.columns if c not in ordered]].reset_index(drop=True)


def _attach_outlet_metadata(documents: pd.DataFrame, settings: Mapping[str, Any]) -> None:
    outlets = settings.get("outlets", {})
    keys = sorted({key for spec in outlets.values() for key in spec})
    for key in keys:
        documents[f"outlet_{key}"] = documents["outlet"].map(lambda o, k=key: outlets.get(o, {}).get(k))


def _attach_languages(
    documents: pd.DataFrame,
    settings: Mapping[str, Any],
    summary: LoadSummary,
    *,
    jobs: int = 1,
    texts: DocumentTexts | None = None,
) -> None:
    """The ``language`` column (:func:`framing.language.assign_languages`), counted in the summary."""
    from framing.language import assign_languages

    for warning in assign_languages(documents, settings, jobs=jobs, texts=texts):
        if warning not in summary.warnings:
            summary.warnings.append(warning)
    for language, count in documents["language"].value_counts().sort_index().items():
        summary.languages[str(language)] = summary.languages.get(str(language), 0) + int(count)


def _iso_or_none(value: Any) -> str | None:
    return None if pd.isna(value) else pd.Timestamp(value).date().isoformat()
