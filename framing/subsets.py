"""Select documents and regroup them: subsets by a filter or a date window, group maps, actor files.

A researcher rarely compares a whole collection as it was scraped: wire copies are left out, a date
window is drawn around an event, outlet name variants ("Newsmax" and "Newsmax - News") are merged and
outlets are grouped into collections (state vs independent media). Everything here returns a new
:class:`~framing.corpus.Corpus` (or documents table) and records what it did in the load summary
(``LoadSummary.subsets`` and ``LoadSummary.regroupings``): how many documents a filter kept and dropped,
how many documents a group map changed, which of its names matched nothing.

>>> corpus.subset(where="outlet != 'global-wire'", start="2024-03-22", end="2024-03-31")  # doctest: +SKIP
>>> corpus.regroup({"vestnik": "state", "meridian": "independent"}, into="media")           # doctest: +SKIP
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from framing.errors import InputError, OptionError
from framing.io.readers import decode, read_regular_file, read_table

if TYPE_CHECKING:
    from framing.corpus import Corpus, LoadSummary

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

__all__ = [
    "Where",
    "apply_groups",
    "check_groups",
    "parse_day",
    "read_actors",
    "read_group_map",
    "regroup_documents",
    "subset_documents",
]

log = logging.getLogger(__name__)

#: A filter: a pandas query string over the document columns, or a function of the documents table
#: returning one boolean per row.
Where = str | Callable[[pd.DataFrame], Any]

#: Group maps: target column -> {value: new value}. See :func:`apply_groups`.
Groups = Mapping[str, Mapping[str, str]]


def parse_day(value: Any, name: str) -> pd.Timestamp | None:
    """A date bound (ISO text such as ``"2024-03-22"``, a date or a timestamp) as a day; None stays None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        # ISO only: pandas would read "March" as March of the current year
        day = pd.to_datetime(value, format="ISO8601") if isinstance(value, str) else pd.Timestamp(value)
    except (ValueError, TypeError) as error:
        raise OptionError(f"{name} must be a date such as 2024-03-22, got {value!r} ({error})") from None
    if day is pd.NaT:
        raise OptionError(f"{name} must be a date such as 2024-03-22, got {value!r}")
    return (day.tz_localize(None) if day.tzinfo is not None else day).normalize()


def _where_mask(documents: pd.DataFrame, where: Where) -> pd.Series:
    """One boolean per document: True where ``where`` holds (a missing value counts as False)."""
    known = ", ".join(str(c) for c in documents.columns if c != "text")
    if callable(where):
        try:
            result = where(documents)
        except Exception as error:  # the user's function: any failure is a bad option, named
            raise OptionError(f"where function failed: {type(error).__name__}: {error}") from None
        label = getattr(where, "__name__", "function")
    elif isinstance(where, str) and where.strip():
        try:
            # the python engine evaluates string methods (title.str.contains(...)) that numexpr cannot;
            # empty dictionaries keep the caller's variables out of the expression (no @name lookups)
            result = documents.eval(where, engine="python", local_dict={}, global_dict={})
        except Exception as error:  # pandas raises many kinds (SyntaxError, NameError, TypeError, ...)
            problem = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise OptionError(
                f"where filter {where!r} cannot be evaluated: {problem} (columns: {known}; a pandas query "
                "such as outlet != 'wire' and leaning == 'left')"
            ) from None
        label = where
    else:
        raise OptionError(f"where must be a pandas query string or a function, got {where!r}")
    if isinstance(result, pd.Series) and len(result) == len(documents):
        values = result.to_numpy()
    elif hasattr(result, "__len__") and not isinstance(result, str) and len(result) == len(documents):
        values = pd.Series(list(result)).to_numpy()
    else:
        raise OptionError(
            f"where filter {label!r} must give one true/false value per document, got {result!r}"
        )
    mask = pd.Series(values, index=documents.index, dtype="object")
    conditions = mask.map(lambda v: v is None or v is pd.NA or isinstance(v, (bool, np.bool_)) or v != v)
    if not conditions.all():
        example = mask[~conditions].iloc[0]
        raise OptionError(
            f"where filter {label!r} must be a condition (true/false per document), not a value such as "
            f"{example!r}"
        )
    return mask.fillna(False).astype(bool)


def subset_documents(
    documents: pd.DataFrame,
    *,
    where: Where | None = None,
    start: Any = None,
    end: Any = None,
    summary: LoadSummary | None = None,
) -> pd.DataFrame:
    """The documents for which ``where`` holds and whose date lies within ``start`` .. ``end``.

    Args:
        documents: a documents table (``Corpus.documents``).
        where: a pandas query over the document columns (``"outlet != 'global-wire'"``,
            ``"leaning in ['left', 'right']"``, ``"not title.str.contains('AP', na=False)"``) or a function
            of the table returning one boolean per row. A row where the condition is missing is dropped.
        start, end: the first and last day kept (inclusive, ``"2024-03-22"``). With either bound, documents
            without a date are dropped too (counted apart as ``undated``).
        summary: the load summary to record the counts in (``summary.subsets``, ``summary.documents``).

    Raises:
        OptionError: for a query that cannot be evaluated (naming the problem and the columns), a result
            that is not one condition per document, a bound that is not a date, or ``start`` after ``end``.
    """
    first, last = parse_day(start, "start (--from)"), parse_day(end, "end (--to)")
    if first is not None and last is not None and first > last:
        raise OptionError(f"the date window is empty: start {first.date()} is after end {last.date()}")
    keep = pd.Series(True, index=documents.index)
    record: dict[str, Any] = {"documents_before": len(documents)}
    if where is not None:
        keep &= _where_mask(documents, where)
        record["where"] = where if isinstance(where, str) else getattr(where, "__name__", "function")
        record["dropped_by_where"] = int((~keep).sum())
    if first is not None or last is not None:
        if "date" not in documents.columns:
            raise OptionError("a date window needs a 'date' column (--date-col names it)")
        dates = pd.to_datetime(documents["date"], errors="coerce")
        inside = dates.notna()
        if first is not None:
            inside &= dates >= first
            record["start"] = first.date().isoformat()
        if last is not None:
            inside &= dates <= last
            record["end"] = last.date().isoformat()
        record["undated_dropped"] = int((keep & dates.isna()).sum())
        record["dropped_by_dates"] = int((keep & ~inside).sum())
        keep &= inside
    record["kept"] = int(keep.sum())
    record["dropped"] = len(documents) - record["kept"]
    if where is None and first is None and last is None:
        return documents
    if summary is not None:
        summary.subsets.append(record)
        summary.documents -= record["dropped"]
    return documents[keep.to_numpy()].reset_index(drop=True)


def subset_line(record: Mapping[str, Any]) -> str:
    """One line describing a subset record (for the CLI and the load summary)."""
    parts = []
    if "where" in record:
        parts.append(f"where {record['where']!r} (dropped {record['dropped_by_where']})")
    if "start" in record or "end" in record:
        window = f"{record.get('start', '...')} to {record.get('end', '...')}"
        undated = record.get("undated_dropped", 0)
        extra = f", {undated} of them undated" if undated else ""
        parts.append(f"dates {window} (dropped {record['dropped_by_dates']}{extra})")
    return (
        f"subset {' and '.join(parts)}: kept {record['kept']} of {record['documents_before']} documents, "
        f"dropped {record['dropped']}"
    )


def regroup_documents(
    documents: pd.DataFrame,
    mapping: Mapping[Any, Any],
    *,
    column: str = "outlet",
    into: str | None = None,
    summary: LoadSummary | None = None,
) -> pd.DataFrame:
    """Map the values of ``column`` to new names, in place or into a new column.

    ``into=None`` (or ``column``) renames values in place: the way to merge name variants
    (``{"Newsmax - News": "Newsmax"}``); values not in ``mapping`` are kept. ``into="media"`` defines a
    new column from ``column`` (collections: ``{"vestnik": "state", "meridian": "independent"}``);
    documents whose value is not in ``mapping`` have no value there, and are counted
    (``documents_unmapped``): comparisons by that column leave them out and say so. Values are matched
    as text. Names in ``mapping`` that occur in no document are warned about (a misspelling) and listed
    in the record (``unused``).
    """
    if column not in documents.columns:
        known = ", ".join(str(c) for c in documents.columns if c != "text")
        raise OptionError(f"cannot regroup {column!r}: no such column (columns: {known})")
    target = into or column
    if target != column and target in documents.columns:
        raise OptionError(
            f"cannot define column {target!r}: the documents already have it (regroup it in place with "
            f"column={target!r})"
        )
    if not isinstance(mapping, Mapping) or not mapping:
        raise OptionError(f"a group map must be a non-empty mapping of old -> new names, got {mapping!r}")
    table = {str(old): str(new) for old, new in mapping.items()}
    source = documents[column]
    text = source.map(lambda v: None if v is None or (isinstance(v, float) and v != v) else str(v))
    mapped = text.map(table)
    found = mapped.notna()
    if target == column:
        values = source.astype("object").where(~found, mapped)
        changed = found & (text != mapped)
        unmapped = 0
    else:
        values = mapped.astype("object").where(found, None)
        changed = found
        unmapped = int((~found).sum())
    present = set(text.dropna())
    unused = [old for old in table if old not in present]
    if unused:
        log.warning("group map for %r: name(s) found in no document: %s", target, unused)
    if unmapped:
        log.warning(
            "group map %r: %d document(s) whose %s is not in the map have no %s",
            target,
            unmapped,
            column,
            target,
        )
    record = {
        "column": column,
        "into": target,
        "names_mapped": len(table) - len(unused),
        "documents_changed": int(changed.sum()),
        "documents_unmapped": unmapped,
        "unused": unused,
        "groups": len(set(values.dropna().astype(str))),
    }
    if summary is not None:
        _add_regrouping(summary, record)
    out = documents.copy()
    out[target] = values.to_numpy()
    return out


def _add_regrouping(summary: LoadSummary, record: dict[str, Any]) -> None:
    """Record a regrouping; the chunks of a streamed corpus add up into one record per map."""
    for old in summary.regroupings:
        if (old["column"], old["into"]) == (record["column"], record["into"]):
            for key in ("documents_changed", "documents_unmapped"):
                old[key] += record[key]
            # a name is unused only if no chunk used it
            old["unused"] = [n for n in old["unused"] if n in record["unused"]]
            old["groups"] = max(old["groups"], record["groups"])
            return
    summary.regroupings.append(record)


def regroup_line(record: Mapping[str, Any]) -> str:
    """One line describing a regrouping record (for the CLI and the load summary)."""
    if record["into"] == record["column"]:
        line = (
            f"group map {record['column']}: {record['names_mapped']} names renamed, "
            f"{record['documents_changed']} documents changed, {record['groups']} groups now"
        )
    else:
        line = (
            f"group map {record['into']} (from {record['column']}): {record['documents_changed']} documents "
            f"in {record['groups']} groups, {record['documents_unmapped']} without a group"
        )
    if record["unused"]:
        line += f"; names found in no document: {', '.join(map(str, record['unused']))}"
    return line


def check_groups(groups: Any, source: str | Path) -> dict[str, dict[str, str]]:
    """Validate group maps (``[groups.COLUMN]`` tables of old = new names) read from ``source``."""
    if not isinstance(groups, Mapping):
        raise InputError(
            source, f"groups must be a table of [groups.COLUMN] tables, not {type(groups).__name__}"
        )
    checked: dict[str, dict[str, str]] = {}
    for target, table in groups.items():
        if not isinstance(table, Mapping):
            raise InputError(
                source,
                f"groups.{target} must be a table of old = new names, not {type(table).__name__}",
                hint=f'write [groups.{target}] then "old name" = "new name"',
            )
        for old, new in table.items():
            if not isinstance(new, str) or not new.strip():
                raise InputError(
                    source,
                    f"groups.{target}.{old} must be a non-empty string (the new name), not {new!r}",
                    hint="quote it",
                )
        checked[str(target)] = {str(old): new.strip() for old, new in table.items()}
    return checked


def apply_groups(documents: pd.DataFrame, groups: Groups, summary: LoadSummary | None = None) -> pd.DataFrame:
    """Apply group maps ``{target: {old: new}}`` (a ``[groups]`` table or a ``--group-map`` file).

    A target naming an existing column maps that column's values in place (``[groups.outlet]`` merges
    outlet name variants; ``[groups.leaning]`` merges spellings of a leaning); any other target is a new
    column defined from ``outlet`` (``[groups.media]``: collections of outlets). ``outlet`` is mapped
    first, so collections may name the merged outlets; the others follow in the order given.
    """
    ordered = sorted(groups.items(), key=lambda item: item[0] != "outlet")
    for target, mapping in ordered:
        if target in documents.columns:
            documents = regroup_documents(documents, mapping, column=target, summary=summary)
        else:
            documents = regroup_documents(documents, mapping, column="outlet", into=target, summary=summary)
    return documents


def read_group_map(path: str | Path) -> dict[str, dict[str, str]]:
    """Read a group map file: TOML (``[groups.COLUMN]`` tables, or ``[COLUMN]`` tables, of
    ``"old" = "new"``) or CSV/TSV with columns ``from``, ``to`` and optionally ``column`` (the target;
    default ``outlet``). See :func:`apply_groups` for what a target means.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "no such group map file")
    if path.suffix.lower() == ".toml":
        try:
            data = tomllib.loads(decode(read_regular_file(path), path, None, strict=True))
        except tomllib.TOMLDecodeError as error:
            raise InputError(path, f"invalid TOML: {error}", line=getattr(error, "lineno", None)) from None
        groups = check_groups(data.get("groups", data), path)
    elif path.suffix.lower() in (".csv", ".tsv"):
        table = read_table(path, strict=True)
        missing = [c for c in ("from", "to") if c not in table.columns]
        if missing:
            raise InputError(
                path,
                f"missing column(s) {', '.join(missing)} (columns: {', '.join(map(str, table.columns))})",
                line=1,
                hint="write a header line: from,to or column,from,to",
            )
        groups = {}
        for position, row in enumerate(table.to_dict("records")):
            line = position + 2
            target = str(row.get("column") or "outlet").strip() or "outlet"
            old, new = str(row["from"]).strip(), str(row["to"]).strip()
            if not old or not new:
                raise InputError(path, "empty 'from' or 'to' name", line=line)
            seen = groups.setdefault(target, {})
            if seen.get(old, new) != new:
                raise InputError(
                    path,
                    f"{old!r} is mapped to both {seen[old]!r} and {new!r} in column {target!r}",
                    line=line,
                )
            seen[old] = new
    else:
        raise InputError(path, f"unknown group map format {path.suffix!r}", hint="use .toml, .csv or .tsv")
    if not groups:
        raise InputError(path, "the group map is empty")
    return groups


def read_actors(path: str | Path) -> dict[str, list[str]]:
    """Read the actors whose blame is tracked: TOML as in ``corpus.toml`` (``[actors.NAME]`` with
    ``aliases = [...]``; also ``NAME = [...]`` tables at the top level) or CSV/TSV with columns
    ``actor`` and ``alias`` (one row per alias). Returns name -> aliases, the name itself first."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "no such actors file")
    raw: dict[str, Sequence[str]] = {}
    if path.suffix.lower() == ".toml":
        from framing.corpus import _check_settings

        try:
            data = tomllib.loads(decode(read_regular_file(path), path, None, strict=True))
        except tomllib.TOMLDecodeError as error:
            raise InputError(path, f"invalid TOML: {error}", line=getattr(error, "lineno", None)) from None
        actors = data.get("actors", data)
        _check_settings({"actors": actors}, path, None)
        for name, spec in actors.items():
            raw[name] = spec if isinstance(spec, list) else spec.get("aliases", [])
    elif path.suffix.lower() in (".csv", ".tsv"):
        table = read_table(path, strict=True)
        if "actor" not in table.columns:
            raise InputError(path, "missing column 'actor'", line=1, hint="write a header line: actor,alias")
        for position, row in enumerate(table.to_dict("records")):
            name = str(row["actor"]).strip()
            alias = str(row.get("alias") or "").strip()
            if not name:
                raise InputError(path, "empty actor name", line=position + 2)
            aliases = raw.setdefault(name, [])
            if alias:
                aliases.append(alias)  # type: ignore[attr-defined]
    else:
        raise InputError(path, f"unknown actors file format {path.suffix!r}", hint="use .toml, .csv or .tsv")
    if not raw:
        raise InputError(path, "no actors in the file")
    return {name: [name, *[a for a in aliases if a != name]] for name, aliases in raw.items()}


@dataclass(frozen=True)
class Selection:
    """The subset and group options of a command (``--where``, ``--from``, ``--to``, ``--group-map``)."""

    where: str | None = None
    start: str | None = None
    end: str | None = None
    group_map: Path | None = None

    def __bool__(self) -> bool:
        return any(v is not None for v in (self.where, self.start, self.end, self.group_map))

    def groups(self) -> dict[str, dict[str, str]] | None:
        return read_group_map(self.group_map) if self.group_map is not None else None

    def apply(self, corpus: Corpus, *, where: bool = True) -> Corpus:
        """The corpus regrouped by the group map, then subset (``where=False``: already filtered)."""
        groups = self.groups()
        if groups:
            corpus = corpus.apply_groups(groups)
        return corpus.subset(where=self.where if where else None, start=self.start, end=self.end)

    def apply_frame(
        self, documents: pd.DataFrame, summary: LoadSummary, groups: Groups | None
    ) -> pd.DataFrame:
        """The same on one chunk of a streamed corpus (counts add up in ``summary``)."""
        if groups:
            documents = apply_groups(documents, groups, summary)
        return _subset_chunk(documents, self, summary)


def _subset_chunk(documents: pd.DataFrame, selection: Selection, summary: LoadSummary) -> pd.DataFrame:
    before = len(summary.subsets)
    kept = subset_documents(
        documents, where=selection.where, start=selection.start, end=selection.end, summary=summary
    )
    if len(summary.subsets) > before and before:
        new = summary.subsets.pop()
        total = summary.subsets[-1]
        for key, value in new.items():
            if isinstance(value, int):
                total[key] = total.get(key, 0) + value
    return kept
