"""Load news coverage into a :class:`Corpus`: one row per document, grouped by outlet.

A corpus is either a folder with a ``corpus.toml`` (settings, outlet metadata, the actors whose blame
is tracked) and documents under it, or a single CSV / JSONL / Parquet file of articles. Every record
read is accounted for in :class:`LoadSummary`: loaded, skipped (with the reason), repaired, or marked
as a syndicated duplicate. Nothing is dropped silently.

>>> corpus = load_corpus("corpora/crocus")                      # doctest: +SKIP
>>> corpus.by_outlet()[["outlet", "documents", "tokens"]]         # doctest: +SKIP
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import logging
import re
import sys
import unicodedata
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from framing.errors import InputError, OptionError
from framing.text import count_words, word_tokens

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
    "clean_text",
    "find_duplicates",
    "load_corpus",
]

log = logging.getLogger(__name__)

DOCUMENT_COLUMNS = ["doc_id", "outlet", "date", "title", "url", "text"]
TABULAR_SUFFIXES = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
}
TEXT_SUFFIXES = {".txt": "txt"}
UNKNOWN_OUTLET = "unknown"

# Column names recognised without options, in order of preference; Media Cloud's export names included.
_COLUMN_ALIASES = {
    "doc_id": ("id", "doc_id", "stories_id", "article_id", "story_id", "guid"),
    "outlet": ("outlet", "media_name", "source", "publisher", "media", "site", "domain"),
    "date": ("date", "publish_date", "published", "published_at", "pub_date", "datetime", "timestamp"),
    "title": ("title", "headline"),
    "url": ("url", "link", "permalink"),
    "text": ("text", "body", "content", "article", "story", "full_text", "maintext"),
}
_HEADER_KEYS = {"outlet", "date", "title", "url", "id", "author", "authors", "language", "section", "source"}
_HEADER_LINE = re.compile(r"^([A-Za-z][\w-]*):[ \t]*(.*)$")
_BARE_FORMAT = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\b[ \t]*")

# Scraping boilerplate: whole lines that are navigation, ads, sharing prompts or cookie banners.
_BOILERPLATE_LINES = r"""
        advert(?:i[sz]e?ments?|s)?                              # Advertisement, Advertisment, Advert
      | sponsored(?:\s+content)?
      | read\s+(?:more|also|next)(?:\s*:.{0,200}|(?:\s.{0,150}[^.!?"'\s])?)  # link lines, not prose
      | see\s+also:.{0,200}
      | (?:share|tweet|pin|email)\s+(?:this|on|via|the)\b.{0,80}
      | share
      | (?:click|tap)\s+(?:here\s+)?to\s+share.{0,80}
      | (?:follow\s+us|subscribe|sign\s+up)\b.{0,120}"""
# A cookie banner addresses the reader ("we use cookies", "you agree", "your preferences"); prose that
# merely mentions cookies ("Google claims cookies are necessary ...") is kept. Every alternative must
# contain the word "cookie": clean_text only tries these on texts that contain it.
_COOKIE_LINES = r"""
      | .{0,160}\b(?:we|this[ \t]+(?:site|website)|our[ \t]+(?:site|website|partners))[ \t]+
        (?:and[ \t]+our[ \t]+partners[ \t]+)?(?:uses?|store|place)[ \t]+cookies\b.{0,240}
      | .{0,160}\bcookies?\b.{0,160}\b
        (?:you[ \t]+(?:agree|consent|accept)|your[ \t]+(?:consent|preferences|settings|choices))\b.{0,80}
      | .{0,160}\b(?:you[ \t]+(?:agree|consent)|your[ \t]+consent)\b.{0,160}\bcookies?\b.{0,80}
      | (?:[\w']+[ \t]+){0,3}(?:cookie[ \t]+(?:policy|settings|preferences|notice)|manage[ \t]+cookies)
        (?:[ \t]+[\w']+){0,3}
      | (?:accept|reject)[ \t]+(?:all[ \t]+)?cookies.{0,80}"""
# Matched against "\n" + text: each match is a newline and the boilerplate line after it. The literal first
# character lets the regex engine jump from line to line instead of trying every position, and the
# cookie lines (slow: they scan 160 characters for "cookie" on every line) are only tried when the text
# can contain "cookie" at all.
_BOILERPLATE_AFTER_NEWLINE = re.compile(
    rf"\n[ \t]*(?:{_BOILERPLATE_LINES})[ \t]*$", re.IGNORECASE | re.MULTILINE | re.VERBOSE
)
_BOILERPLATE_AFTER_NEWLINE_COOKIES = re.compile(
    rf"\n[ \t]*(?:{_BOILERPLATE_LINES}{_COOKIE_LINES})[ \t]*$",
    re.IGNORECASE | re.MULTILINE | re.VERBOSE,
)
# Characters that match a letter of "cookie" under re.IGNORECASE but do not lower-case to it.
_COOKIE_LOOKALIKES = ("\u0130", "\u0131", "\u212a")
_BLOCK_TAG = re.compile(r"</?(?:p|div|br|li|ul|ol|h[1-6]|blockquote|section|article|tr|table)\b[^>]*>", re.I)
_ANY_TAG = re.compile(
    r"<!--.*?-->|<script\b.*?</script\s*>|<style\b.*?</style\s*>|</?[A-Za-z][^<>]*>", re.I | re.S
)
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]{1,31});")
_PUNCT = {
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u2010": "-",
    "\u2011": "-",
    "\u2212": "-",
    "\u00a0": " ",
    "\u2007": " ",
    "\u202f": " ",
    "\u2009": " ",
    "\u200a": " ",
    "\u3000": " ",
    "\u200b": "",
    "\u200c": "",
    "\u200d": "",
    "\ufeff": "",
    "\u00ad": "",
    "\u2026": "...",
}
_EN_DASH = re.compile("\u2013")
_SPACES = re.compile(r"[ \t\f\v]{2,}|[\t\f\v]")
_LINE_EDGES = re.compile(r" *\n *")  # both edges in one match: " \n " must lose both spaces
_MANY_NEWLINES = re.compile(r"\n{3,}")


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

    def to_dict(self) -> dict[str, Any]:
        """The summary as plain JSON-serialisable data."""
        data = asdict(self)
        data["skipped"] = [{k: v for k, v in asdict(s).items() if v is not None} for s in self.skipped]
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
            (len(self.repaired_encoding), "files not valid UTF-8, decoded as cp1252/latin-1"),
            (self.unknown_outlet, f"documents without an outlet (named '{UNKNOWN_OUTLET}')"),
            (self.dates_unparsed, "documents whose date could not be parsed (left empty)"),
            (self.duplicates, "documents marked as syndicated duplicates (duplicate_of)"),
            (self.dropped_duplicates, "duplicates dropped"),
        ]:
            if count:
                out.append(f"{count} {what}")
        if self.ignored_files:
            out.append(
                f"{len(self.ignored_files)} files ignored (not a document format): "
                + ", ".join(self.ignored_files[:5])
                + (" ..." if len(self.ignored_files) > 5 else "")
            )
        return out


class Corpus:
    """A collection of news documents with its settings.

    Attributes:
        documents: one row per document with columns ``doc_id, outlet, date, title, url, text, tokens,
            duplicate_of`` plus any other metadata (from file headers, table columns, and the outlet
            metadata of ``corpus.toml`` as ``outlet_<key>`` columns).
        name: the corpus name (folder or file stem).
        settings: the parsed ``corpus.toml`` (empty for a single file).
        summary: the :class:`LoadSummary` of the load.
    """

    def __init__(
        self,
        documents: pd.DataFrame,
        *,
        name: str,
        settings: Mapping[str, Any] | None = None,
        summary: LoadSummary | None = None,
        source: str | None = None,
    ) -> None:
        self.documents = documents
        self.name = name
        self.settings = dict(settings or {})
        self.summary = summary or LoadSummary(documents=len(documents), records=len(documents))
        self.source = source

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
                "duplicates": grouped["duplicate_of"].apply(lambda s: int(s.notna().sum())),
            }
        ).reset_index()
        for column in ("first_date", "last_date"):
            table[column] = table[column].map(_iso_or_none)
        meta = pd.DataFrame.from_dict(self.outlets, orient="index")
        if not meta.empty:
            meta.index.name = "outlet"
            table = table.merge(meta.reset_index(), on="outlet", how="left")
        return table

    def drop_duplicates(self) -> Corpus:
        """A copy of the corpus without the documents marked as syndicated duplicates."""
        keep = self.documents["duplicate_of"].isna()
        summary = LoadSummary(**{**self.summary.__dict__})
        summary.dropped_duplicates += int((~keep).sum())
        summary.documents = int(keep.sum())
        return Corpus(
            self.documents[keep].reset_index(drop=True),
            name=self.name,
            settings=self.settings,
            summary=summary,
            source=self.source,
        )

    def content_hash(self) -> str:
        """SHA-256 of the documents' ids, outlets, dates and cleaned texts, in order."""
        digest = hashlib.sha256()
        for row in self.documents[["doc_id", "outlet", "date", "text"]].itertuples(index=False):
            digest.update("\x1f".join(map(str, row)).encode("utf-8"))
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
        summary = self.summary.to_dict()
        return {
            "name": self.name,
            "documents": len(self),
            "outlets": outlets,
            "duplicates": self.summary.duplicates,
            "duplicate_pairs": [
                {"doc_id": d, "duplicate_of": o}
                for d, o in self.documents.loc[
                    self.documents["duplicate_of"].notna(), ["doc_id", "duplicate_of"]
                ].itertuples(index=False)
            ],
            "skipped": summary["skipped"],
            "summary": {k: v for k, v in summary.items() if k != "skipped"},
        }


# --------------------------------------------------------------------------------------------- cleaning


def clean_text(text: str, summary: LoadSummary | None = None) -> str:
    """Remove HTML and scraping boilerplate lines, and normalise Unicode (NFC, quotes, dashes, spaces).

    When ``summary`` is given, the steps that changed the text are counted in it.

    >>> clean_text("It was \u201cchilling\u201d\u2014she said.\\n\\nAdvertisment\\n\\nRead more: other story")
    'It was "chilling" - she said.'
    """
    if "<" in text or "&" in text:
        stripped = _ANY_TAG.sub(" ", _BLOCK_TAG.sub("\n\n", text))
        stripped = _ENTITY.sub(lambda m: html.unescape(m.group(0)), stripped)
        if stripped != text and summary is not None:
            summary.html_cleaned += 1
        text = stripped
    if not text.isascii():
        normalised = text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)
        # One str.replace per character present: each is a C scan (a regex with a Python callback per
        # match, or str.translate with a dict, is several times slower). The replacements contain none
        # of the characters, so the order does not matter.
        for char in _PUNCT:
            if char in normalised:
                normalised = normalised.replace(char, _PUNCT[char])
        if "\u2014" in normalised or "\u2015" in normalised:  # always punctuation, never a range
            normalised = normalised.replace("\u2014", " - ").replace("\u2015", " - ")
        if "\u2013" in normalised:
            normalised = _EN_DASH.sub(_dash, normalised)
        if normalised != text and summary is not None:
            summary.unicode_normalised += 1
        text = normalised
    cookies = "cookie" in text.lower() or any(char in text for char in _COOKIE_LOOKALIKES)
    boilerplate = _BOILERPLATE_AFTER_NEWLINE_COOKIES if cookies else _BOILERPLATE_AFTER_NEWLINE
    text, removed = boilerplate.subn("\n", "\n" + text)
    text = text[1:]
    if summary is not None:
        summary.boilerplate_lines_removed += removed
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Each substitution is skipped when a plain substring test shows it has nothing to do.
    if "\t" in text or "\f" in text or "\v" in text:
        text = _SPACES.sub(" ", text)
    else:
        while "  " in text:  # each pass halves every run of spaces: a C scan, faster than a regex here
            text = text.replace("  ", " ")
    if " \n" in text or "\n " in text:
        text = _LINE_EDGES.sub("\n", text)
    if "\n\n\n" in text:
        text = _MANY_NEWLINES.sub("\n\n", text)
    return text.strip()


def _dash(match: re.Match[str]) -> str:
    """An en dash between digits is a range (1990-2000); any other en dash is punctuation (" - ")."""
    text, start, end = match.string, match.start(), match.end()
    if (
        match.group() == "\u2013"
        and start > 0
        and end < len(text)
        and text[start - 1].isdigit()
        and text[end].isdigit()
    ):
        return "-"
    return " - "


# --------------------------------------------------------------------------------------------- reading


@dataclass
class _ColumnMapping:
    text_col: str | None = None
    outlet_col: str | None = None
    date_col: str | None = None
    id_col: str | None = None
    title_col: str | None = None
    url_col: str | None = None

    def resolve(self, columns: Iterable[str], source: Path) -> dict[str, str]:
        """Map canonical names to the file's columns; raise if the text column is missing."""
        columns = list(columns)
        lowered = {c.lower(): c for c in columns}
        resolved: dict[str, str] = {}
        for canonical, aliases in _COLUMN_ALIASES.items():
            explicit = getattr(self, f"{canonical.removeprefix('doc_')}_col", None)
            if explicit is not None:
                if explicit not in columns:
                    raise InputError(
                        source,
                        f"no column {explicit!r} (given as --{canonical.removeprefix('doc_')}-col)",
                        hint=f"columns are: {', '.join(columns)}",
                    )
                resolved[canonical] = explicit
                continue
            for alias in aliases:
                if alias in lowered:
                    resolved[canonical] = lowered[alias]
                    break
        if "text" not in resolved:
            raise InputError(
                source,
                "no text column",
                hint=f"columns are: {', '.join(columns) or 'none'}; name the text column with --text-col",
            )
        return resolved


def _decode(raw: bytes, source: Path, summary: LoadSummary, strict: bool) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        if strict:
            raise InputError(
                source,
                f"not valid UTF-8 (byte {error.start})",
                line=line,
                hint="re-encode the file as UTF-8, or drop --strict to repair it",
            ) from None
        log.warning("%s:%d: not valid UTF-8; decoded as cp1252/latin-1", source, line)
        summary.repaired_encoding.append(str(source))
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError:
            return raw.decode("latin-1")


def _read_txt(display: str, text: str, default_outlet: str | None) -> dict[str, Any]:
    """Parse one .txt document: a ``key: value`` header block, or the bare ``date YYYY-MM-DD`` format."""
    record: dict[str, Any] = {}
    bare = _BARE_FORMAT.match(text)
    if bare:
        record["date"] = bare.group(1)
        body = text[bare.end() :]
    else:
        head, _, rest = text.lstrip("\n").partition("\n\n")
        matches = [_HEADER_LINE.match(line) for line in head.split("\n")]
        header = {m.group(1).lower(): m.group(2).strip() for m in matches if m} if all(matches) else {}
        if _HEADER_KEYS & header.keys():
            record.update(header)
            body = rest
        else:
            body = text
    record.setdefault("doc_id", record.pop("id", None) or display)
    if not record.get("outlet") and default_outlet:
        record["outlet"] = default_outlet
    record["text"] = body
    return record


def _iter_tabular(
    path: Path, kind: str, mapping: _ColumnMapping, summary: LoadSummary, strict: bool
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line_or_row, record)`` with canonical keys from a CSV/TSV/JSONL/Parquet file."""
    if kind == "parquet":
        try:
            frame = pd.read_parquet(path)
        except ImportError as error:
            raise InputError(
                path, "reading Parquet needs pyarrow", hint="pip install 'framing[parquet]'"
            ) from error
        except Exception as error:  # pyarrow raises several unrelated types for corrupt files
            raise InputError(path, f"unreadable Parquet file: {error}") from None
        rows: Iterable[tuple[int, dict[str, Any]]] = (
            (i + 1, rec) for i, rec in enumerate(frame.to_dict("records"))
        )
        columns = list(frame.columns)
    elif kind == "jsonl":
        yield from _iter_jsonl(path, mapping, summary, strict)
        return
    else:
        raw = path.read_bytes()
        if not raw.strip():
            raise InputError(path, "empty file", hint="remove it or add records")
        content = _decode(raw, path, summary, strict)
        reader = csv.DictReader(io.StringIO(content, newline=""), delimiter="\t" if kind == "tsv" else ",")
        columns = list(reader.fieldnames or [])
        # Rows are numbered by the line they start on (header = line 1), as a spreadsheet shows them.
        rows = ((reader.line_num, row) for row in reader)
    renamed = _renaming(mapping, columns, path)
    for line, row in rows:
        yield line, {renamed.get(k, k): v for k, v in row.items() if k is not None}


def _renaming(mapping: _ColumnMapping, columns: list[str], path: Path) -> dict[str, str]:
    resolved = mapping.resolve(columns, path)
    renamed = {source: canonical for canonical, source in resolved.items()}
    # A column named like a canonical one that another column fills is kept as source_<name>, not lost.
    for column in columns:
        if column not in renamed and column in resolved:
            renamed[column] = f"source_{column}"
    return renamed


def _iter_jsonl(
    path: Path, mapping: _ColumnMapping, summary: LoadSummary, strict: bool
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Stream a JSONL file line by line (memory stays flat however large the file)."""
    renamed: dict[str, str] | None = None
    repaired = False
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as error:
                if strict:
                    raise InputError(
                        path,
                        f"not valid UTF-8 (line byte {error.start})",
                        line=number,
                        hint="re-encode the file as UTF-8, or drop --strict to repair it",
                    ) from None
                if not repaired:
                    log.warning("%s:%d: not valid UTF-8; decoded as cp1252/latin-1", path, number)
                    summary.repaired_encoding.append(str(path))
                    repaired = True
                line = raw.decode("cp1252", errors="strict") if _cp1252_ok(raw) else raw.decode("latin-1")
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise InputError(
                    path,
                    f"malformed JSON: {error.msg} at column {error.colno}",
                    line=number,
                    hint="each line must be one JSON object",
                ) from None
            if not isinstance(record, dict):
                raise InputError(path, f"expected a JSON object, found {type(record).__name__}", line=number)
            if renamed is None:
                renamed = _renaming(mapping, list(record), path)
            yield number, {renamed.get(k, k): v for k, v in record.items()}
    if renamed is None:
        raise InputError(path, "empty file", hint="remove it or add records")


def _cp1252_ok(raw: bytes) -> bool:
    try:
        raw.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def _document_files(root: Path) -> tuple[list[Path], list[str]]:
    """Document files under a corpus folder (sorted) and the other files found there."""
    documents: list[Path] = []
    ignored: list[str] = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        relative = path.relative_to(root)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.suffix.lower() in TEXT_SUFFIXES or path.suffix.lower() in TABULAR_SUFFIXES:
            documents.append(path)
        elif path.name != "corpus.toml" and not path.name.lower().startswith("readme"):
            ignored.append(relative.as_posix())
    return documents, ignored


def _read_settings(root: Path) -> dict[str, Any]:
    config = root / "corpus.toml"
    if not config.exists():
        return {}
    try:
        return tomllib.loads(config.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        line = getattr(error, "lineno", None)
        raise InputError(config, f"invalid TOML: {error}", line=line) from None


def _outlet_from_folder(relative: Path) -> str | None:
    """``docs/<outlet>/<file>.txt`` -> outlet; a file directly in the corpus root or docs/ has none."""
    parents = [p for p in relative.parent.parts if p != "docs"]
    return parents[-1] if parents else None


def _iter_raw_records(
    path: Path, mapping: _ColumnMapping, summary: LoadSummary, strict: bool
) -> Iterator[tuple[str, int | None, dict[str, Any]]]:
    """Yield ``(source, line, record)`` for every input record under ``path`` (file or corpus folder)."""
    if path.is_dir():
        files, ignored = _document_files(path)
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
        files, root = [path], path.parent
    for file in files:
        summary.files += 1
        relative = file.relative_to(root)
        display = str(file)
        suffix = file.suffix.lower()
        if suffix in TEXT_SUFFIXES:
            raw = file.read_bytes()
            if not raw.strip() and not path.is_dir():
                raise InputError(file, "empty file", hint="remove it or add text")
            text = _decode(raw, file, summary, strict)
            doc_id = relative.with_suffix("").as_posix()
            if doc_id.startswith("docs/"):
                doc_id = doc_id[len("docs/") :]
            yield display, None, _read_txt(doc_id, text, _outlet_from_folder(relative))
        else:
            stem = relative.with_suffix("").as_posix()
            for line, record in _iter_tabular(file, TABULAR_SUFFIXES[suffix], mapping, summary, strict):
                if record.get("doc_id") in (None, ""):
                    record["doc_id"] = f"{stem}:{line}"
                yield display, line, record


def _parse_dates(values: pd.Series) -> pd.Series:
    """Parse mixed date strings into timezone-naive dates (time of day dropped)."""
    as_text = values.astype("object").where(values.notna(), None)
    as_text = as_text.map(lambda v: None if v is None or str(v).strip() == "" else str(v).strip())
    parsed = pd.to_datetime(as_text, errors="coerce", format="ISO8601", utc=True)
    missing = parsed.isna() & as_text.notna()
    if missing.any():
        parsed.loc[missing] = pd.to_datetime(
            as_text[missing], errors="coerce", format="mixed", utc=True, dayfirst=True
        )
    return parsed.dt.tz_localize(None).dt.normalize()


def _iter_clean_records(
    path: Path, mapping: _ColumnMapping, summary: LoadSummary, strict: bool, *, hash_ids: bool = False
) -> Iterator[dict[str, Any]]:
    """Cleaned records with an id and an outlet; empty ones skipped and counted, duplicate ids refused.

    With ``hash_ids`` only a hash of each id is remembered, so memory stays small on huge corpora.
    """
    seen_ids: dict[Any, str] = {}
    for source, line, record in _iter_raw_records(path, mapping, summary, strict):
        summary.records += 1
        text = record.get("text")
        text = "" if text is None or (isinstance(text, float) and pd.isna(text)) else str(text)
        cleaned = clean_text(text, summary)
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
                f"duplicate document id {doc_id!r} (first seen at {seen_ids[key]})",
                line=line,
                hint="ids must be unique; choose another column with --id-col",
            )
        seen_ids[key] = source if line is None else f"{source}:{line}"
        record["doc_id"] = doc_id
        outlet = record.get("outlet")
        if outlet is None or (isinstance(outlet, float) and pd.isna(outlet)) or not str(outlet).strip():
            record["outlet"] = UNKNOWN_OUTLET
            summary.unknown_outlet += 1
        else:
            record["outlet"] = str(outlet).strip()
        yield record


class DocumentStream:
    """Documents of a corpus folder or file in chunks of cleaned rows, for corpora too large to hold.

    Iterating yields DataFrames with the document columns (no ``tokens``, no syndication marks: those
    need the whole corpus). ``summary`` fills in as the stream is read.
    """

    def __init__(
        self, path: str | Path, *, chunk_size: int = 1000, strict: bool = False, **columns: str | None
    ) -> None:
        self.path = Path(path)
        if not self.path.exists():
            raise InputError(self.path, "no such file or folder")
        self.chunk_size = chunk_size
        self.strict = strict
        self.mapping = _ColumnMapping(**columns)
        self.summary = LoadSummary()
        self.settings = _read_settings(self.path) if self.path.is_dir() else {}

    def __iter__(self) -> Iterator[pd.DataFrame]:
        batch: list[dict[str, Any]] = []
        for record in _iter_clean_records(self.path, self.mapping, self.summary, self.strict, hash_ids=True):
            batch.append(record)
            if len(batch) >= self.chunk_size:
                yield self._frame(batch)
                batch = []
        if batch:
            yield self._frame(batch)

    def _frame(self, batch: list[dict[str, Any]]) -> pd.DataFrame:
        self.summary.documents += len(batch)
        frame = _to_frame(batch, self.summary, tokens=False)
        _attach_outlet_metadata(frame, self.settings)
        return frame


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

    Raises:
        InputError: for a missing path, unknown format, malformed record, missing text column, empty
            file, or duplicate document ids; the message names the file and line.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(path, "no such file or folder")
    if (path / "framing-store.json").is_file():  # a corpus store (framing.store): dispatch, h-store
        from framing.store import load_store

        return load_store(path, drop_duplicates=drop_duplicates, name=name)
    if not 0 < duplicate_threshold <= 1:
        raise OptionError(f"duplicate_threshold must be in (0, 1], got {duplicate_threshold}")
    mapping = _ColumnMapping(text_col, outlet_col, date_col, id_col, title_col, url_col)
    summary = LoadSummary()
    settings = _read_settings(path) if path.is_dir() else {}
    records = list(_iter_clean_records(path, mapping, summary, strict))
    documents = _to_frame(records, summary)
    _attach_outlet_metadata(documents, settings)
    documents["duplicate_of"] = find_duplicates(documents, threshold=duplicate_threshold)
    summary.duplicates = int(documents["duplicate_of"].notna().sum())
    summary.documents = len(documents)
    corpus = Corpus(
        documents,
        name=name or (path.name if path.is_dir() else path.stem),
        settings=settings,
        summary=summary,
        source=str(path),
    )
    return corpus.drop_duplicates() if drop_duplicates else corpus


def _to_frame(records: list[dict[str, Any]], summary: LoadSummary, *, tokens: bool = True) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(records) if records else pd.DataFrame(columns=DOCUMENT_COLUMNS)
    for column in DOCUMENT_COLUMNS:
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
    if tokens:
        frame["tokens"] = frame["text"].map(count_words).astype("int64")
    for column in ("title", "url"):
        frame[column] = frame[column].astype("object").where(frame[column].notna(), None)
    ordered = [*DOCUMENT_COLUMNS, *(["tokens"] if tokens else [])]
    return frame[ordered + [c for c in frame.columns if c not in ordered]].reset_index(drop=True)


def _attach_outlet_metadata(documents: pd.DataFrame, settings: Mapping[str, Any]) -> None:
    outlets = settings.get("outlets", {})
    keys = sorted({key for spec in outlets.values() for key in spec})
    for key in keys:
        documents[f"outlet_{key}"] = documents["outlet"].map(lambda o, k=key: outlets.get(o, {}).get(k))


def _iso_or_none(value: Any) -> str | None:
    return None if pd.isna(value) else pd.Timestamp(value).date().isoformat()


# --------------------------------------------------------------------------------------------- syndication

_SHINGLE_SIZE = 5
_SAMPLE_MODULUS = 4  # index every 4th shingle (by hash) to find candidate pairs cheaply
_MAX_POSTINGS = 200  # shingles shared by more documents are boilerplate, not evidence of copying


def _shingles(text: str) -> set[int]:
    words = word_tokens(text)
    # crc32, not hash(): str hashes are salted per process and the sampling below must be reproducible.
    if len(words) < _SHINGLE_SIZE:
        return {zlib.crc32(" ".join(words).encode())} if words else set()
    return {
        zlib.crc32(" ".join(words[i : i + _SHINGLE_SIZE]).encode())
        for i in range(len(words) - _SHINGLE_SIZE + 1)
    }


def find_duplicates(documents: pd.DataFrame, *, threshold: float = 0.5) -> pd.Series:
    """Mark exact and near-duplicate documents (syndicated wire copy, republished with small edits).

    Documents are compared by the Jaccard similarity of their word 5-gram shingles; pairs at or above
    ``threshold`` are linked and each connected group keeps one original: the earliest dated, then one
    from a wire service or news agency (an ``outlet_type`` naming "wire" or "agency": syndication flows
    from them), then the one most similar to the others (each republisher edits in its own way), then
    the first id.

    Returns:
        A Series aligned with ``documents``: the ``doc_id`` of the original for each copy, else None.
    """
    shingles = [_shingles(t) for t in documents["text"]]
    postings: dict[int, list[int]] = {}
    for index, doc in enumerate(shingles):
        for value in doc:
            if value % _SAMPLE_MODULUS == 0:
                postings.setdefault(value, []).append(index)
    candidates: set[tuple[int, int]] = set()
    for docs in postings.values():
        if 1 < len(docs) <= _MAX_POSTINGS:
            candidates.update((a, b) for i, a in enumerate(docs) for b in docs[i + 1 :])
    similarity: dict[tuple[int, int], float] = {}
    for a, b in candidates:
        union = len(shingles[a] | shingles[b])
        score = len(shingles[a] & shingles[b]) / union if union else 0.0
        if score >= threshold:
            similarity[(a, b)] = score
    parent = list(range(len(shingles)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in similarity:
        parent[find(a)] = find(b)
    groups: dict[int, list[int]] = {}
    for index in range(len(shingles)):
        groups.setdefault(find(index), []).append(index)
    result: list[str | None] = [None] * len(shingles)
    ids = documents["doc_id"].tolist()
    dates = documents["date"].tolist()
    types = documents["outlet_type"] if "outlet_type" in documents else pd.Series("", index=documents.index)
    is_agency = types.fillna("").astype(str).str.contains(r"\bwire\b|agency", case=False).tolist()
    for members in groups.values():
        if len(members) < 2:
            continue

        def rank(i: int, members: list[int] = members) -> tuple[Any, bool, float, str]:
            mean_similarity = sum(similarity.get((min(i, j), max(i, j)), 0.0) for j in members if j != i)
            date = dates[i] if not pd.isna(dates[i]) else pd.Timestamp.max
            return (date, not is_agency[i], -mean_similarity, ids[i])

        original = min(members, key=rank)
        for member in members:
            if member != original:
                result[member] = ids[original]
    return pd.Series(result, index=documents.index, dtype="object", name="duplicate_of")
