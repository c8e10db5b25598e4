"""Readers of the input formats: decoding, plain-text articles (.txt), CSV / TSV, JSONL and Parquet.

Each reader yields ``(line, record)`` pairs: the line (or row) where the record starts in its file, and
the record as a dict with the file's own keys renamed to the canonical document columns.
"""

from __future__ import annotations

import codecs
import csv
import json
import logging
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from framing.errors import InputError, OptionError

if TYPE_CHECKING:
    from framing.corpus import LoadSummary

__all__ = [
    "TABULAR_SUFFIXES",
    "TEXT_SUFFIXES",
    "ColumnMapping",
    "check_not_binary",
    "check_regular_file",
    "decode",
    "iter_delimited",
    "iter_rows",
    "iter_tabular",
    "legacy_encoding",
    "read_table",
    "read_txt",
]

log = logging.getLogger(__name__)

TABULAR_SUFFIXES = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
}
TEXT_SUFFIXES = {".txt": "txt"}

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
_HEADER_LINE = re.compile(r"([A-Za-z][\w-]*):[ \t]*(.*)")
_BARE_FORMAT = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\b[ \t]*")


@dataclass
class ColumnMapping:
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


# ------------------------------------------------------------------------------------------ decoding

# Byte order marks, longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# C0 control bytes other than tab, newline, vertical tab, form feed and carriage return.
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13))
_BINARY_SAMPLE = 65536
_BINARY_CONTROL_SHARE = 0.05
_WORD = re.compile(r"[^\W\d_]+")
_SURROGATE = re.compile("[\ud800-\udfff]")
_READ_BUFFER = 1 << 16


def bom_encoding(raw: bytes) -> str | None:
    """The encoding announced by a byte order mark at the start of ``raw`` (UTF-8/16/32), else None."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return encoding
    return None


def check_not_binary(raw: bytes, source: str | os.PathLike[str]) -> None:
    """Refuse content that is not text: NUL bytes, or more than 5% control bytes in the first 64 KiB."""
    sample = raw[:_BINARY_SAMPLE]
    if b"\x00" in sample:
        raise InputError(source, "binary content (NUL bytes), not text", hint="is this really a text file?")
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if sample and controls / len(sample) > _BINARY_CONTROL_SHARE:
        raise InputError(
            source,
            f"binary content ({controls / len(sample):.0%} control bytes), not text",
            hint="is this really a text file?",
        )


def _cyrillic_plausible(text: str) -> bool:
    """Text decoded as cp1251 is Russian (or another Cyrillic language) when its non-ASCII letters form
    whole Cyrillic words; Western text decoded as cp1251 gives words that mix Latin and Cyrillic letters
    (``cafй``)."""
    pure = mixed = 0
    for word in _WORD.findall(text):
        if word.isascii():
            continue
        cyrillic = sum("\u0400" <= char <= "\u04ff" for char in word)
        if cyrillic == len(word):
            pure += len(word)
        elif cyrillic:
            mixed += len(word)
    return pure > 0 and pure >= 4 * mixed


def legacy_encoding(raw: bytes) -> str:
    """The 8-bit encoding of bytes that are not UTF-8: cp1251 when it gives whole Cyrillic words, else
    cp1252, else latin-1 (which decodes any byte)."""
    try:
        if _cyrillic_plausible(raw.decode("cp1251")):
            return "cp1251"
    except UnicodeDecodeError:
        pass
    try:
        raw.decode("cp1252")
    except UnicodeDecodeError:
        return "latin-1"
    return "cp1252"


def decode(raw: bytes, source: str | os.PathLike[str], summary: LoadSummary | None, strict: bool) -> str:
    """Decode a whole text file: UTF-16/32 by byte order mark, else UTF-8, else (unless ``strict``)
    cp1251 / cp1252 / latin-1 chosen by the letters they produce (:func:`legacy_encoding`).

    Binary content is refused. Line endings are normalised to ``\\n`` (CRLF and CR-only files). The
    encoding used for a file that is not UTF-8 is recorded in ``summary.encodings``.
    """
    encoding = bom_encoding(raw)
    if encoding is None or encoding == "utf-8-sig":
        check_not_binary(raw, source)
    if encoding is not None:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as error:
            raise InputError(
                source, f"not valid {encoding} after its byte order mark (byte {error.start})"
            ) from None
        text = text.removeprefix("\ufeff")
        if encoding.startswith("utf-8"):
            encoding = None
        else:
            check_not_binary(text.encode("utf-8", "surrogatepass"), source)
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            line = raw.count(b"\n", 0, error.start) + 1
            if strict:
                raise InputError(
                    source,
                    f"not valid UTF-8 (byte {error.start})",
                    line=line,
                    hint="re-encode the file as UTF-8, or drop --strict to repair it",
                ) from None
            encoding = legacy_encoding(raw)
            log.warning("%s:%d: not valid UTF-8; decoded as %s", source, line, encoding)
            text = raw.decode(encoding)
            if summary is not None:
                summary.repaired_encoding.append(str(source))
    if encoding is not None and summary is not None:
        summary.encodings[str(source)] = encoding
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def replace_surrogates(value: str, summary: LoadSummary | None) -> str:
    """Lone UTF-16 surrogates (from JSON ``\\ud800`` escapes) cannot be written as UTF-8: U+FFFD each."""
    if value.isascii():
        return value
    try:  # a C scan that stops at the first lone surrogate, cheaper than the regex on long texts
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        pass
    if summary is not None:
        summary.surrogates_replaced += 1
    return _SURROGATE.sub("\ufffd", value)


def read_regular_file(path: Path) -> bytes:
    """The bytes of a regular file; a FIFO, socket or device is refused (reading one may block forever)."""
    check_regular_file(path)
    return path.read_bytes()


def check_regular_file(path: Path) -> None:
    """Raise :class:`InputError` unless ``path`` is a regular file (symlinks followed)."""
    try:
        mode = path.stat().st_mode
    except OSError as error:
        raise InputError(path, f"cannot read: {error.strerror or error}") from None
    if not stat.S_ISREG(mode):
        raise InputError(
            path, "not a regular file (a FIFO, socket or device)", hint="give a file or a folder"
        )


# ------------------------------------------------------------------------------------------ .txt


def read_txt(display: str, text: str, default_outlet: str | None) -> dict[str, Any]:
    """Parse one .txt document: a ``key: value`` header block, or the bare ``date YYYY-MM-DD`` format.

    ``text`` must have ``\\n`` line endings (:func:`decode` normalises them). Only the header lines are
    scanned, so a large body without a header costs no copies beyond the body itself.
    """
    record: dict[str, Any] = {}
    bare = _BARE_FORMAT.match(text)
    if bare:
        record["date"] = bare.group(1)
        body = text[bare.end() :]
    else:
        start = 0
        while start < len(text) and text[start] == "\n":
            start += 1
        blank = text.find("\n\n", start)
        head_end = len(text) if blank < 0 else blank
        header: dict[str, str] = {}
        position = start
        while position < head_end:
            newline = text.find("\n", position, head_end)
            line_end = head_end if newline < 0 else newline
            match = _HEADER_LINE.fullmatch(text, position, line_end)
            if match is None:
                header = {}
                break
            header[match.group(1).lower()] = match.group(2).strip()
            position = line_end + 1
        if _HEADER_KEYS & header.keys():
            record.update(header)
            body = text[head_end + 2 :] if blank >= 0 else ""
        else:
            body = text
    record.setdefault("doc_id", record.pop("id", None) or display)
    if not record.get("outlet") and default_outlet:
        record["outlet"] = default_outlet
    record["text"] = body
    return record


# ------------------------------------------------------------------------------------------ tables


def _check_columns(columns: list[str], path: Path, line: int | None = 1) -> None:
    seen: set[str] = set()
    repeated = [c for c in columns if c in seen or seen.add(c)]  # type: ignore[func-returns-value]
    if repeated:
        raise InputError(
            path,
            f"duplicate column names: {', '.join(repr(c) for c in dict.fromkeys(repeated))}",
            line=line,
            hint="rename the columns so each appears once",
        )


def _raise_field_size_limit(size: int) -> None:
    """The csv module refuses fields over 131,072 characters by default; no field can exceed the file."""
    wanted = min(size + 1, 2**31 - 1)
    if csv.field_size_limit() < wanted:
        csv.field_size_limit(wanted)


def _literal_fields(line: str, delimiter: str) -> list[str]:
    return next(csv.reader([line], delimiter=delimiter, quoting=csv.QUOTE_NONE), [])


def iter_delimited(
    text: str, path: Path, *, delimiter: str, summary: LoadSummary | None
) -> Iterator[tuple[int, list[str], dict[str, str]]]:
    """Parse CSV/TSV text; yield ``(line, columns, row)`` per record, checking every record's shape.

    A row with more or fewer fields than the header (an unquoted delimiter in a text, a missing field)
    is skipped and counted with its line. A quoted field that runs over several lines, each of which
    holds exactly the header's number of fields when read literally, is an unbalanced quote that merged
    records: those lines are read as records of their own (quotes kept) and the repair is reported.
    """
    _raise_field_size_limit(len(text))
    # Split at "\n" only (decode() normalised CR and CRLF): str.splitlines would also split at U+2028,
    # form feeds and other characters that are text inside a field, and shift every line number.
    lines = text.split("\n")
    last = lines.pop()
    for index in range(len(lines)):
        lines[index] += "\n"
    if last:
        lines.append(last)
    reader = csv.reader(lines, delimiter=delimiter)
    columns: list[str] | None = None
    previous_end = 0
    for row in reader:
        start, end = previous_end + 1, reader.line_num
        previous_end = end
        if not row:
            continue
        if columns is None:
            columns = row
            _check_columns(columns, path)
            continue
        if end > start and len(columns) > 1:
            literal = [_literal_fields(lines[i], delimiter) for i in range(start - 1, end)]
            if all(len(fields) == len(columns) for fields in literal):
                message = (
                    f"{path}:{start}: an unbalanced quote ran over lines {start}-{end}; "
                    f"read as {end - start + 1} records with the quote kept"
                )
                log.warning("%s", message)
                if summary is not None:
                    summary.warnings.append(message)
                for offset, fields in enumerate(literal):
                    fields[-1] = fields[-1].rstrip("\n")
                    yield start + offset, columns, dict(zip(columns, fields, strict=True))
                continue
            if end == len(lines) and sum(lines[i].count('"') for i in range(start - 1, end)) % 2:
                # Not separable into records, but never silent: the rest of the file is one field.
                message = (
                    f"{path}:{start}: a quote opened here is never closed; lines {start}-{end} "
                    "were read as one record"
                )
                log.warning("%s", message)
                if summary is not None:
                    summary.warnings.append(message)
        if len(row) != len(columns):
            reason = (
                f"{len(row)} fields where the header has {len(columns)} "
                f"({'an unquoted delimiter in a field?' if len(row) > len(columns) else 'missing fields?'})"
            )
            log.warning("skipped %s:%d: %s", path, start, reason)
            if summary is not None:
                summary.records += 1
                summary.skipped.append(_skipped(str(path), reason, start))
            continue
        yield start, columns, dict(zip(columns, row, strict=True))
    if columns is None:
        raise InputError(path, "empty file", hint="remove it or add records")


def _skipped(source: str, reason: str, line: int | None) -> Any:
    from framing.corpus import SkippedRecord

    return SkippedRecord(source, reason, line)


def _iter_jsonl_rows(
    path: Path, summary: LoadSummary | None, strict: bool
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Stream a JSONL file line by line (memory stays flat however large the file)."""
    check_regular_file(path)
    # Articles make lines of several KB: the default 8 KB buffer would be refilled for nearly every one.
    with path.open("rb", buffering=_READ_BUFFER) as handle:
        head = handle.read(4)
        handle.seek(0)
        encoding = bom_encoding(head)
        if encoding is not None and not encoding.startswith("utf-8"):
            lines: Iterable[bytes | str] = (line.rstrip("\r\n") for line in _text_lines(handle, encoding))
            if summary is not None:
                summary.encodings[str(path)] = encoding
        else:
            lines = handle
        legacy: str | None = None
        seen = False
        for number, raw in enumerate(lines, start=1):
            if isinstance(raw, bytes):
                if not raw or raw.isspace():  # not raw.strip(), which copies every line
                    continue
                if b"\x00" in raw:
                    raise InputError(path, "binary content (NUL bytes), not text", line=number)
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
                    if legacy is None:
                        legacy = legacy_encoding(raw)
                        log.warning("%s:%d: not valid UTF-8; decoded as %s", path, number, legacy)
                        if summary is not None:
                            summary.repaired_encoding.append(str(path))
                            summary.encodings[str(path)] = legacy
                    line = raw.decode(legacy if _decodes(raw, legacy) else "latin-1")
            else:
                line = raw.lstrip("\ufeff") if number == 1 else raw
                if not line or line.isspace():
                    continue
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
            seen = True
            # A decoded line holds no surrogate: only a JSON escape (\ud800) can make one in a value.
            escapes = "\\u" in line
            del raw, line  # only the parsed record stays alive while the caller cleans it
            if escapes:
                for key, value in record.items():
                    if isinstance(value, str):
                        record[key] = replace_surrogates(value, summary)
            yield number, record
    if not seen:
        raise InputError(path, "empty file", hint="remove it or add records")


def _text_lines(handle: Any, encoding: str) -> Iterator[str]:
    import io

    return iter(io.TextIOWrapper(handle, encoding=encoding, newline=None))


def _decodes(raw: bytes, encoding: str) -> bool:
    try:
        raw.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _read_parquet(path: Path) -> pd.DataFrame:
    check_regular_file(path)
    try:
        # Nullable dtypes keep integer ids with a null as integers (10, not 10.0).
        return pd.read_parquet(path, dtype_backend="numpy_nullable")
    except ImportError as error:
        raise InputError(
            path, "reading Parquet needs pyarrow", hint="pip install 'framing[parquet]'"
        ) from error
    except Exception as error:  # pyarrow raises several unrelated types for corrupt files
        raise InputError(path, f"unreadable Parquet file: {error}") from None


def _parquet_value(value: Any) -> Any:
    return None if value is pd.NA or value is pd.NaT else value


def iter_rows(
    path: Path, kind: str, summary: LoadSummary | None, strict: bool
) -> Iterator[tuple[int, list[str] | None, dict[str, Any]]]:
    """Yield ``(line_or_row, columns, record)`` with the file's own keys from a CSV/TSV/JSONL/Parquet
    file; ``columns`` is the header (None for JSONL, whose records carry their own keys)."""
    if kind == "parquet":
        frame = _read_parquet(path)
        columns = [str(c) for c in frame.columns]
        _check_columns(columns, path, line=None)
        for index, record in enumerate(frame.to_dict("records"), start=1):
            yield index, columns, {str(k): _parquet_value(v) for k, v in record.items()}
    elif kind == "jsonl":
        for line, record in _iter_jsonl_rows(path, summary, strict):
            yield line, None, record
    elif kind in ("csv", "tsv"):
        raw = read_regular_file(path)
        if not raw.strip():
            raise InputError(path, "empty file", hint="remove it or add records")
        content = decode(raw, path, summary, strict)
        del raw
        yield from iter_delimited(content, path, delimiter="\t" if kind == "tsv" else ",", summary=summary)
    else:
        raise OptionError(f"{path}: unknown table format {kind!r}")


def iter_tabular(
    path: Path, kind: str, mapping: ColumnMapping, summary: LoadSummary, strict: bool
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line_or_row, record)`` with canonical keys from a CSV/TSV/JSONL/Parquet file."""
    renamed: dict[str, str] | None = None
    for line, columns, record in iter_rows(path, kind, summary, strict):
        if renamed is None:
            renamed = _renaming(mapping, columns if columns is not None else list(record), path)
        canonical = {renamed.get(k, k): v for k, v in record.items()}
        del record  # the caller pops the text from ``canonical``: no second reference may keep it alive
        yield line, canonical


def read_table(path: str | os.PathLike[str], *, strict: bool = False) -> pd.DataFrame:
    """Read a CSV / TSV / JSONL / Parquet file as it is: the file's columns, no renaming or cleaning.

    CSV and TSV cells are strings (empty cells are empty strings); rows whose shape does not match the
    header raise :class:`InputError` naming the line, since a table read whole must not lose rows.
    """
    from framing.corpus import LoadSummary

    path = Path(path)
    kind = TABULAR_SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise InputError(path, f"not a table format: {path.suffix or '(no extension)'!r}")
    if not path.exists():
        raise InputError(path, "no such file")
    summary = LoadSummary()
    records = []
    columns: list[str] | None = None
    for _line, header, record in iter_rows(path, kind, summary, strict):
        columns = columns or header
        records.append(record)
    if summary.skipped:
        first = summary.skipped[0]
        raise InputError(path, first.reason, line=first.line, hint=f"{len(summary.skipped)} malformed rows")
    return pd.DataFrame.from_records(records, columns=columns)


def _renaming(mapping: ColumnMapping, columns: list[str], path: Path) -> dict[str, str]:
    resolved = mapping.resolve(columns, path)
    renamed = {source: canonical for canonical, source in resolved.items()}
    # A column named like a canonical one that another column fills is kept as source_<name>, not lost.
    for column in columns:
        if column not in renamed and column in resolved:
            renamed[column] = f"source_{column}"
    return renamed
