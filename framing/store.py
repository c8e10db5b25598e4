"""A corpus store: the cleaned corpus as a Parquet dataset, grown by repeated ingests, with a feature cache.

``framing ingest SOURCE... --store DIR`` (:func:`ingest`) loads each source with
:func:`framing.load_corpus` and writes the cleaned documents, partitioned by outlet, into ``DIR``. Later
ingests add only documents the store does not hold yet (same ``doc_id``, or the same cleaned text, are
skipped and counted), and the syndication marks (``duplicate_of``) are recomputed over old and new
documents together. Every ingest is recorded in the store's manifest (``framing-store.json``: source,
time, counts, skipped records with their reasons).

A store is a corpus: ``load_corpus(DIR)`` returns the same :class:`~framing.corpus.Corpus` as loading
the sources would, so every command that takes a corpus path takes a store. :meth:`CorpusStore.load`
selects documents with a SQL ``where`` expression evaluated by DuckDB over the Parquet files, without
reading the rest; :meth:`CorpusStore.features` returns the document feature table of
:func:`framing.extract`, computing only documents that are not yet in the store's feature cache for the
lexicon set in use, in process or with Dask (``engine="dask"``).

Layout of ``DIR``::

    framing-store.json                  manifest (written last, atomically: it names the live generation)
    documents-000002/<outlet>/part-00000.parquet (every file has all columns)
    features/<lexicon key>/lexicons.json, part-*.parquet

An ingest writes a new ``documents-<generation>`` folder, then replaces the manifest in one rename, then
removes the previous generation: a killed ingest leaves the previous store readable and unchanged.

>>> store = ingest(["corpora/crocus"], "stores/crocus")          # doctest: +SKIP
>>> open_store("stores/crocus").load(where="outlet = 'vestnik'")  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
import re
import secrets
import shutil
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

import numpy as np
import pandas as pd

from framing.corpus import Corpus, LoadSummary, SkippedRecord, _spool_directory, find_duplicates, load_corpus
from framing.errors import InputError, OptionError
from framing.io.atomic import atomic_path, open_atomic, remove_leftovers, replace_folder
from framing.spool import TEXT_REF, SpoolWriter, TextSpool

__all__ = [
    "MANIFEST",
    "CorpusStore",
    "IngestRecord",
    "feature_key",
    "ingest",
    "is_store",
    "load_store",
    "open_store",
    "validate_where",
]

log = logging.getLogger(__name__)

#: Name of the manifest file that makes a folder a store.
MANIFEST = "framing-store.json"
_FORMAT = "framing-store"
_FORMAT_VERSION = 1
_POSITION = "_position"  # ingest order: load() returns documents in the order they were loaded
_TEXT_HASH = "_text_hash"  # SHA-256 of the cleaned text: content deduplication and cache validity
_INTERNAL = (_POSITION, _TEXT_HASH)
_ROWS_PER_FILE = 2000  # bounds the size of one Parquet file and of one Dask partition
_TEXT_BATCH = 1000  # texts read from a Parquet file at a time by a spooled load
_GENERATION = re.compile(r"^documents-(\d{6})$")
_LOCK = ".ingest.lock"

Engine = Literal["local", "dask"]


# --------------------------------------------------------------------------------------------- manifest


@dataclass
class IngestRecord:
    """What one ingest did: sources, time, counts and every record it did not add, with the reason.

    ``records`` = ``added`` + ``len(skipped)``: records skipped while loading (empty text, ...) and
    documents the store already held (same id or same cleaned text) are both listed in ``skipped``.
    """

    sources: list[str]
    time: str
    records: int = 0
    added: int = 0
    already_stored_id: int = 0
    already_stored_text: int = 0
    documents_after: int = 0
    duplicates_after: int = 0
    skipped: list[dict[str, Any]] = field(default_factory=list)
    load_summary: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The record as plain JSON-serialisable data (as stored in the manifest)."""
        return asdict(self)

    def lines(self) -> list[str]:
        """The record as short human-readable lines (for the CLI)."""
        out = [
            f"{self.records} records read from {len(self.sources)} source(s): {self.added} documents added, "
            f"{self.documents_after} in the store ({self.duplicates_after} marked as syndicated duplicates)"
        ]
        if self.already_stored_id:
            out.append(f"{self.already_stored_id} documents skipped: id already in the store")
        if self.already_stored_text:
            out.append(f"{self.already_stored_text} documents skipped: same text already in the store")
        loading = [s for s in self.skipped if not s["reason"].startswith("already in the store")]
        if loading:
            out.append(f"{len(loading)} records skipped while loading:")
            for skipped in loading:
                line = skipped.get("line")
                out.append(f"  {skipped['source']}{'' if line is None else f':{line}'}: {skipped['reason']}")
        return out


def is_store(path: str | os.PathLike[str]) -> bool:
    """True if ``path`` is a folder holding a store manifest."""
    path = Path(path)
    return path.is_dir() and (path / MANIFEST).is_file()


def _read_manifest(path: Path) -> dict[str, Any]:
    manifest_path = path / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise InputError(
            manifest_path, f"store manifest is not valid JSON: {error.msg}", line=error.lineno
        ) from None
    if not isinstance(manifest, dict) or manifest.get("format") != _FORMAT:
        raise InputError(manifest_path, "not a framing store manifest")
    if manifest.get("format_version", 0) > _FORMAT_VERSION:
        raise InputError(
            manifest_path,
            f"store format version {manifest['format_version']} is newer than this framing reads",
            hint="upgrade framing",
        )
    return manifest


def _require_pyarrow() -> Any:
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError as error:  # pragma: no cover - pyarrow is a dependency
        raise OptionError("the corpus store needs pyarrow: pip install pyarrow") from error
    return pyarrow


def _require_duckdb() -> Any:
    try:
        import duckdb
    except ImportError as error:  # pragma: no cover - duckdb is a dependency
        raise OptionError("filtering a corpus store needs duckdb: pip install duckdb") from error
    return duckdb


# --------------------------------------------------------------------------------------------- filters

_TOKEN = re.compile(
    r"""\s+
    | (?P<string>'(?:[^']|'')*')
    | (?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
    | (?P<quoted>"(?:[^"]|"")+")
    | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<comment>--|/\*|\*/)
    | (?P<op><=|>=|<>|!=|\|\||[=<>(),+\-*/%])
    """,
    re.VERBOSE,
)
_KEYWORDS = {"and", "or", "not", "in", "is", "null", "between", "like", "ilike", "true", "false", "escape"}
_FUNCTIONS = {
    "lower",
    "upper",
    "length",
    "year",
    "month",
    "day",
    "coalesce",
    "contains",
    "starts_with",
    "ends_with",
    "regexp_matches",
}
_STATEMENT_WORDS = {
    "select",
    "from",
    "with",
    "union",
    "insert",
    "update",
    "delete",
    "drop",
    "create",
    "alter",
    "attach",
    "detach",
    "copy",
    "pragma",
    "install",
    "load",
    "call",
    "set",
    "exists",
}


def validate_where(where: str, columns: Sequence[str]) -> str:
    """Check that ``where`` is one SQL WHERE expression over ``columns`` and return it unchanged.

    Allowed: column names (plain or double-quoted), string and number literals, comparisons, ``and`` /
    ``or`` / ``not``, ``in (...)``, ``between``, ``like``/``ilike``, ``is [not] null``, arithmetic and a
    few functions (``lower``, ``upper``, ``length``, ``year``, ``month``, ``day``, ``coalesce``,
    ``contains``, ``starts_with``, ``ends_with``, ``regexp_matches``). Statements, subqueries, ``;`` and
    comments are rejected.

    Raises:
        OptionError: naming the first thing that is not allowed, and the known columns.

    >>> validate_where("outlet in ('A', 'B') and date >= '2024-03-22'", ["outlet", "date"])
    "outlet in ('A', 'B') and date >= '2024-03-22'"
    """
    if not isinstance(where, str) or not where.strip():
        raise OptionError("the filter is empty; give a WHERE expression such as \"outlet = 'vestnik'\"")
    known = {c.lower() for c in columns}
    listing = ", ".join(columns)
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(where):
        match = _TOKEN.match(where, position)
        if match is None:
            raise OptionError(
                f"filter {where!r}: {where[position]!r} at character {position + 1} is not allowed "
                "(only one WHERE expression: no ';', no statements)"
            )
        position = match.end()
        kind = match.lastgroup
        if kind is not None:
            tokens.append((kind, match.group()))
    depth = 0
    for index, (kind, text) in enumerate(tokens):
        following = tokens[index + 1][1] if index + 1 < len(tokens) else ""
        if kind == "comment":
            raise OptionError(f"filter {where!r}: SQL comments are not allowed")
        if kind == "op" and text == "(":
            depth += 1
        elif kind == "op" and text == ")":
            depth -= 1
            if depth < 0:
                raise OptionError(f"filter {where!r}: unbalanced parentheses")
        elif kind == "name":
            word = text.lower()
            if word in _STATEMENT_WORDS:
                raise OptionError(
                    f"filter {where!r}: {text!r} is not allowed: a filter is one WHERE expression over "
                    f"the document columns (no statements or subqueries); columns: {listing}"
                )
            if following == "(" and word not in known and word not in _KEYWORDS:
                if word not in _FUNCTIONS:
                    raise OptionError(
                        f"filter {where!r}: function {text!r} is not allowed; "
                        f"allowed functions: {', '.join(sorted(_FUNCTIONS))}"
                    )
            elif word not in _KEYWORDS and word not in known:
                raise OptionError(f"filter {where!r}: unknown column {text!r}; columns: {listing}")
        elif kind == "quoted" and text[1:-1].replace('""', '"').lower() not in known:
            raise OptionError(f"filter {where!r}: unknown column {text}; columns: {listing}")
    if depth != 0:
        raise OptionError(f"filter {where!r}: unbalanced parentheses")
    return where


# --------------------------------------------------------------------------------------------- the store


def _text_hash(text: Any) -> str:
    return hashlib.sha256(("" if text is None else str(text)).encode("utf-8")).hexdigest()


def _restore_dtypes(frame: pd.DataFrame, dtypes: Mapping[str, str]) -> pd.DataFrame:
    """Give columns read back from Parquet the dtypes they had when written (None stays None)."""
    for column, dtype in dtypes.items():
        if column not in frame.columns:
            continue
        values = frame[column]
        if dtype == "object":
            if values.dtype != object or values.isna().any():
                frame[column] = values.astype(object).where(values.notna(), None)
        elif str(values.dtype) != dtype:
            frame[column] = values.astype(dtype)
    return frame


class CorpusStore:
    """An opened store (see the module docstring); build one with :func:`open_store`.

    Attributes:
        path: the store folder.
        manifest: the parsed manifest: ``name``, ``settings`` (the merged ``corpus.toml`` settings of the
            sources), ``columns`` and ``dtypes`` of the documents, ``documents`` (count), ``ingests``.
    """

    def __init__(self, path: str | os.PathLike[str], manifest: Mapping[str, Any]) -> None:
        self.path = Path(path)
        self.manifest = dict(manifest)

    def __len__(self) -> int:
        return int(self.manifest.get("documents", 0))

    def __repr__(self) -> str:
        return f"CorpusStore({str(self.path)!r}, documents={len(self)}, ingests={len(self.ingests)})"

    @property
    def name(self) -> str:
        return str(self.manifest.get("name") or self.path.name)

    @property
    def settings(self) -> dict[str, Any]:
        return dict(self.manifest.get("settings") or {})

    @property
    def columns(self) -> list[str]:
        """The document columns, in the order :meth:`load` returns them."""
        return [c for c in self.manifest.get("columns", []) if c not in _INTERNAL]

    @property
    def ingests(self) -> list[dict[str, Any]]:
        """One :class:`IngestRecord` (as a dict) per ingest, oldest first."""
        return list(self.manifest.get("ingests", []))

    def files(self) -> list[Path]:
        """The Parquet files of the current documents, sorted by outlet folder then part."""
        generation = self.manifest.get("generation_folder")
        if not generation:
            return []
        return sorted((self.path / generation).glob("*/part-*.parquet"))

    # ------------------------------------------------------------------------------------- reading

    def _select(
        self,
        where: str | None = None,
        columns: Sequence[str] | None = None,
        positions: Sequence[int] | None = None,
    ) -> pd.DataFrame:
        """Documents (with the internal columns) in ingest order, selected with DuckDB by ``where``
        (validated) or by their ``positions`` (internal), reading only ``columns``."""
        every = list(self.manifest.get("columns", []))
        wanted = every if columns is None else [c for c in every if c in set(columns) | set(_INTERNAL)]
        if where is not None:
            validate_where(where, self.columns)
        files = self.files()
        if not files:
            empty = pd.DataFrame(
                {c: pd.Series(dtype=self.manifest["dtypes"].get(c, "object")) for c in wanted}
            )
            return _restore_dtypes(empty, self.manifest.get("dtypes", {}))
        duckdb = _require_duckdb()
        select = ", ".join('"' + c.replace('"', '""') + '"' for c in wanted)
        sql = (
            f"SELECT {select} FROM read_parquet(?, hive_partitioning = false, union_by_name = true)"
            + ("" if where is None else f" WHERE ({where})")
            + ("" if positions is None else f" WHERE {_POSITION} IN (SELECT unnest(?::BIGINT[]))")
            + f" ORDER BY {_POSITION}"
        )
        params: list[Any] = [[str(f) for f in files]]
        if positions is not None:
            if where is not None:
                raise ValueError("select by where or by positions, not both")
            params.append([int(p) for p in positions])
        connection = duckdb.connect()
        try:
            table = connection.sql(sql, params=params).to_arrow_table()
        except duckdb.Error as error:
            problem = str(error).strip().splitlines()[0]
            raise OptionError(f"filter {where!r} cannot be evaluated: {problem}") from None
        finally:
            connection.close()
        frame = table.to_pandas()
        return _restore_dtypes(frame, self.manifest.get("dtypes", {}))

    def load(
        self,
        *,
        where: str | None = None,
        drop_duplicates: bool = False,
        spool: bool | str | os.PathLike[str] = False,
    ) -> Corpus:
        """The stored corpus (or the documents matching ``where``) as a :class:`Corpus`.

        Args:
            where: a SQL WHERE expression over the document columns, evaluated by DuckDB over the
                Parquet files so unselected documents are never read into memory, e.g.
                ``"outlet in ('A', 'B') and date >= '2024-03-22'"``; see :func:`validate_where`.
            drop_duplicates: leave out syndicated copies. ``duplicate_of`` is computed over the whole
                store, so a selected copy may name an original that the filter left out.
            spool: False: the texts in memory (a ``text`` column). True, or a folder: a spooled corpus
                (see :func:`framing.load_corpus`): the other columns are read with DuckDB, the texts
                are streamed from the Parquet files a batch at a time (:meth:`_spool_texts`) into a
                spool file in ``TMPDIR`` or that folder; same table otherwise, same texts.

        The load summary adds up every ingest: records read, records skipped (with the reasons, including
        documents the store already held), cleaning counts; ``documents`` is the number returned.
        """
        text_spool = None
        if spool is False:
            documents = self._select(where)
        else:
            directory = _spool_directory(spool)
            documents = self._select(where, columns=[c for c in self.columns if c != "text"])
            refs, text_spool = self._spool_texts(documents[_POSITION].to_numpy(dtype=np.int64), directory)
            at = self.columns.index("text") if "text" in self.columns else len(documents.columns)
            documents.insert(min(at, len(documents.columns)), TEXT_REF, refs)
        documents = documents.drop(columns=list(_INTERNAL)).reset_index(drop=True)
        summary = self._summary(documents)
        corpus = Corpus(
            documents,
            name=self.name,
            settings=self.settings,
            summary=summary,
            source=str(self.path),
            spool=text_spool,
        )
        return corpus.drop_duplicates() if drop_duplicates else corpus

    def _spool_texts(self, positions: np.ndarray, directory: Path | None) -> tuple[np.ndarray, TextSpool]:
        """The texts of the documents at ``positions`` (the store's ingest positions) written to a spool
        file, and where each went (``text_ref``, aligned with ``positions``).

        Each Parquet file's ``text`` column is read a record batch at a time (pyarrow ``iter_batches``),
        so only a batch of texts is in memory; the texts are written in the order of the files (by
        outlet), which :class:`framing.spool.TextSpool` reads back in any order.
        """
        pyarrow = _require_pyarrow()
        wanted = np.sort(positions)
        refs_sorted = np.full(wanted.size, -1, dtype=np.int64)
        writer = SpoolWriter(directory)
        for file in self.files():
            parquet = pyarrow.parquet.ParquetFile(file)
            for batch in parquet.iter_batches(batch_size=_TEXT_BATCH, columns=[_POSITION, "text"]):
                found = batch.column(0).to_numpy(zero_copy_only=False).astype(np.int64)
                at = np.searchsorted(wanted, found).clip(max=max(wanted.size - 1, 0))
                selected = np.flatnonzero(wanted[at] == found) if wanted.size else at[:0]
                if not selected.size:
                    continue
                texts = batch.column(1).take(pyarrow.array(selected)).to_pylist()
                for index, text in zip(selected.tolist(), texts, strict=True):
                    # the store holds cleaned texts, never null (empty texts are skipped when loading)
                    refs_sorted[at[index]] = writer.append(text)
                del texts
        text_spool = writer.finish()
        if (refs_sorted < 0).any():
            raise InputError(self.path, "the store's Parquet files lack the text of a selected document")
        return refs_sorted[np.searchsorted(wanted, positions)], text_spool

    def _summary(self, documents: pd.DataFrame) -> LoadSummary:
        summary = LoadSummary()
        for record in self.ingests:
            loaded = record.get("load_summary", {})
            for name in (
                "files",
                "unknown_outlet",
                "boilerplate_lines_removed",
                "html_cleaned",
                "unicode_normalised",
                "dates_unparsed",
            ):
                setattr(summary, name, getattr(summary, name) + int(loaded.get(name, 0)))
            summary.ignored_files += loaded.get("ignored_files", [])
            summary.repaired_encoding += loaded.get("repaired_encoding", [])
            summary.records += int(record.get("records", 0))
            summary.skipped += [
                SkippedRecord(source=s["source"], reason=s["reason"], line=s.get("line"))
                for s in record.get("skipped", [])
            ]
        summary.documents = len(documents)
        summary.duplicates = int(documents["duplicate_of"].notna().sum()) if len(documents) else 0
        return summary

    # ------------------------------------------------------------------------------------- features

    def features(
        self,
        matcher: Any = None,
        *,
        where: str | None = None,
        engine: Engine = "local",
        scheduler: str | None = None,
        jobs: int = 1,
        cache: bool = True,
    ) -> pd.DataFrame:
        """The document feature table of :func:`framing.extract` for the stored (or selected) documents.

        Feature rows are cached in the store under the lexicon set's key (:func:`feature_key`); only
        documents without a cached row for that key (or whose text changed) are measured, and their rows
        are appended to the cache. The result is identical to ``framing.extract(store.load(where=...),
        matcher=matcher)``: same columns, dtypes, values and row order.

        Args:
            matcher: a compiled :class:`~framing.matcher.CueMatcher` (default: the built-in lexicons).
            where: a filter, as in :meth:`load`.
            engine: ``"local"`` (in this process, ``jobs`` worker processes) or ``"dask"``
                (``dask.dataframe.map_partitions`` over the store's Parquet files; needs ``framing[dask]``).
            scheduler: with ``engine="dask"``, the address of a running Dask scheduler
                (``tcp://host:8786``); by default a LocalCluster is started for the call.
            cache: read and extend the feature cache (``False``: measure every selected document).
        """
        from framing.features import build_matcher

        if engine not in ("local", "dask"):
            raise OptionError(f"engine must be 'local' or 'dask', not {engine!r}")
        if scheduler is not None and engine != "dask":
            raise OptionError("a scheduler address is used only with engine='dask'")
        matcher = matcher or build_matcher()
        # Texts are read only for the documents that must be measured.
        documents = self._select(where, columns=[c for c in self.columns if c != "text"])
        key = feature_key(matcher)
        cached = self._read_cache(key) if cache else None
        if cached is not None and len(cached):
            have = pd.MultiIndex.from_frame(cached[["doc_id", _TEXT_HASH]])
            wanted = pd.MultiIndex.from_frame(documents[["doc_id", _TEXT_HASH]])
            missing = documents[~wanted.isin(have)]
        else:
            missing = documents
        computed = None
        if len(missing):
            log.info("measuring %d of %d documents (%s engine)", len(missing), len(documents), engine)
            if engine == "dask":
                computed = self._measure_dask(missing, matcher, scheduler)
            else:
                texts = self._select(columns=["doc_id", "text"], positions=missing[_POSITION].tolist())
                computed = _measure_local(texts, matcher, jobs)
            if cache:
                self._write_cache(key, matcher, computed)
        parts = [p for p in (cached, computed) if p is not None and len(p)]
        values = (
            pd.concat(parts, ignore_index=True).drop_duplicates(["doc_id", _TEXT_HASH], keep="last")
            if parts
            else None
        )
        return _assemble(documents.drop(columns=list(_INTERNAL)), documents[_TEXT_HASH], values, matcher)

    def _cache_folder(self, key: str) -> Path:
        return self.path / "features" / key

    def _read_cache(self, key: str) -> pd.DataFrame | None:
        pyarrow = _require_pyarrow()
        folder = self._cache_folder(key)
        parts = sorted(folder.glob("part-*.parquet")) if folder.is_dir() else []
        if not parts:
            return None
        return pyarrow.concat_tables([pyarrow.parquet.read_table(p) for p in parts]).to_pandas()

    def _write_cache(self, key: str, matcher: Any, rows: pd.DataFrame) -> None:
        pyarrow = _require_pyarrow()
        folder = self._cache_folder(key)
        folder.mkdir(parents=True, exist_ok=True)
        description = folder / "lexicons.json"
        if not description.exists():
            with open_atomic(description) as handle:
                json.dump(_lexicon_description(matcher, key), handle, indent=2)
        # Named by time then a random suffix: parts sort in the order they were written.
        name = f"part-{dt.datetime.now(dt.timezone.utc):%Y%m%dT%H%M%S%f}-{secrets.token_hex(4)}.parquet"
        table = pyarrow.Table.from_pandas(rows.reset_index(drop=True), preserve_index=False)
        with atomic_path(folder / name) as temporary:
            pyarrow.parquet.write_table(table, temporary)

    def _measure_dask(self, missing: pd.DataFrame, matcher: Any, scheduler: str | None) -> pd.DataFrame:
        from framing.distributed import measure_parquet

        positions = missing[_POSITION].tolist()
        table = measure_parquet(self.files(), positions, matcher, scheduler=scheduler)
        table = table.set_index(_POSITION).loc[positions].reset_index(drop=True)
        head = missing[["doc_id", _TEXT_HASH]].reset_index(drop=True)
        return pd.concat([head, table], axis=1)


def _measure_local(documents: pd.DataFrame, matcher: Any, jobs: int) -> pd.DataFrame:
    """Cacheable feature rows (doc_id, text hash, tokens, sentences, cue columns) measured in process."""
    from framing import features

    table = features.extract(documents[["doc_id", "text"]].reset_index(drop=True), matcher=matcher, jobs=jobs)
    # the language columns come from the store's documents (_assemble), as in the dask engine's rows
    cues = [c for c in table.columns if c not in ("doc_id", "language", "language_supported")]
    head = documents[["doc_id", _TEXT_HASH]].reset_index(drop=True)
    return pd.concat([head, table[cues].reset_index(drop=True)], axis=1)


def _assemble(
    documents: pd.DataFrame, hashes: pd.Series, values: pd.DataFrame | None, matcher: Any
) -> pd.DataFrame:
    """The table framing.extract returns for ``documents``, from cached feature rows."""
    from framing.features import extract, feature_columns, metadata_columns

    if documents.empty:
        return extract(documents.assign(text=pd.Series(dtype="str")), matcher=matcher)
    keep = metadata_columns(documents, matcher)  # the same columns as framing.extract keeps
    identity = [c for c in ["doc_id", "outlet", "date", *keep] if c in documents.columns]
    measured = ["tokens", "sentences", *feature_columns(matcher)]
    assert values is not None
    lookup = values.set_index(["doc_id", _TEXT_HASH])
    index = pd.MultiIndex.from_arrays([documents["doc_id"].to_numpy(), hashes.to_numpy()])
    rows = lookup.loc[index, measured].reset_index(drop=True)
    table = pd.concat([documents[identity].reset_index(drop=True), rows], axis=1)
    if "language" in table.columns:  # issue 12: as framing.extract marks rows whose language has no lexicon
        supported = [int(bool(matcher.lexicons_for(language))) for language in table["language"]]
        table.insert(table.columns.get_loc("language") + 1, "language_supported", supported)
    table.attrs["cue_families"] = list(matcher.families)
    table.attrs["unit"] = "document"
    return table


# --------------------------------------------------------------------------------------------- cache key


def feature_key(matcher: Any) -> str:
    """Key of the feature cache for a lexicon set: SHA-256 (first 20 hex digits) of the framing version,
    every lexicon's name, version and entries (terms, categories, subcategories, weights, rules), and the
    negation window. Any change to an entry, a rule or the window gives a new key."""
    from framing import __version__

    digest = hashlib.sha256()
    digest.update(f"framing {__version__}; negation window {matcher.negation_window}\n".encode())
    for lexicon in matcher.lexicons:
        digest.update(f"lexicon {lexicon.name} {lexicon.version}\n".encode())
        for entry in lexicon.entries:
            fields = [entry.term, entry.tokens, entry.category, entry.subcategory, entry.weight, entry.rules]
            digest.update((repr(fields) + "\n").encode())
    return digest.hexdigest()[:20]


def _lexicon_description(matcher: Any, key: str) -> dict[str, Any]:
    from framing import __version__

    return {
        "key": key,
        "framing": __version__,
        "negation_window": matcher.negation_window,
        "lexicons": [
            {"name": lex.name, "version": lex.version, "entries": len(lex.entries), "path": lex.path}
            for lex in matcher.lexicons
        ],
    }


# --------------------------------------------------------------------------------------------- ingest


def open_store(path: str | os.PathLike[str]) -> CorpusStore:
    """Open an existing store folder.

    Raises:
        InputError: when ``path`` does not exist or holds no store manifest.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(path, "no such store")
    if not is_store(path):
        raise InputError(path, f"not a corpus store (no {MANIFEST})", hint="create one with framing ingest")
    return CorpusStore(path, _read_manifest(path))


def load_store(
    path: str | os.PathLike[str],
    *,
    drop_duplicates: bool = False,
    name: str | None = None,
    spool: bool | str | os.PathLike[str] = False,
) -> Corpus:
    """The corpus held by a store (what :func:`framing.load_corpus` returns for a store folder);
    ``spool`` as in :meth:`CorpusStore.load`."""
    corpus = open_store(path).load(drop_duplicates=drop_duplicates, spool=spool)
    if name:
        corpus.name = name
    return corpus


def _merge_settings(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """Settings of the store: earlier values win; outlet and actor tables are merged entry by entry."""
    merged = dict(old)
    for key, value in new.items():
        if key in ("outlets", "actors") and isinstance(value, Mapping):
            table = dict(merged.get(key) or {})
            for name, spec in value.items():
                table.setdefault(name, spec)
            merged[key] = table
        else:
            merged.setdefault(key, value)
    return merged


def _attach_outlet_metadata(documents: pd.DataFrame, settings: Mapping[str, Any]) -> None:
    # The same columns as load_corpus gives a folder with corpus.toml, so that documents of a later
    # source without the toml get their outlet's metadata too.
    outlets = settings.get("outlets", {})
    for key in sorted({key for spec in outlets.values() for key in spec}):
        documents[f"outlet_{key}"] = documents["outlet"].map(lambda o, k=key: outlets.get(o, {}).get(k))


def _json_safe(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def ingest(
    sources: Sequence[str | os.PathLike[str]] | str | os.PathLike[str],
    store: str | os.PathLike[str],
    *,
    duplicate_threshold: float = 0.5,
    strict: bool = False,
    **columns: str | None,
) -> IngestRecord:
    """Add the documents of ``sources`` (corpus folders or files) to the store at ``store``.

    Each source is loaded and cleaned with :func:`framing.load_corpus` (``columns``: ``text_col``,
    ``outlet_col``, ``date_col``, ``id_col``, ``title_col``, ``url_col``, and ``keep_boilerplate``: the
    boilerplate lines of each source are learned from that source and removed before storing). A
    document is added unless the store (or an earlier source of the same call) already holds its
    ``doc_id`` or its cleaned text; those are skipped and listed in the record. ``duplicate_of`` is
    then recomputed over all documents with ``duplicate_threshold`` (as
    :func:`framing.corpus.find_duplicates`). The new documents are written as
    a new generation of Parquet files and the manifest is replaced in one rename, so a killed ingest
    leaves the store as it was.

    Returns:
        The :class:`IngestRecord` appended to the manifest.

    Raises:
        InputError: for a bad source (as load_corpus) or a non-empty folder that is not a store.
    """
    if isinstance(sources, (str, os.PathLike)):
        sources = [sources]
    if not sources:
        raise OptionError("give at least one source to ingest")
    store = Path(store)
    if (
        store.exists()
        and not is_store(store)
        and (not store.is_dir() or any(p.name != _LOCK for p in store.iterdir()))
    ):
        raise InputError(
            store, f"exists and is not a corpus store (no {MANIFEST})", hint="choose a new or empty folder"
        )
    store.mkdir(parents=True, exist_ok=True)
    with _ingest_lock(store):
        return _ingest(sources, store, duplicate_threshold=duplicate_threshold, strict=strict, **columns)


@contextlib.contextmanager
def _ingest_lock(store: Path) -> Iterator[None]:
    """One ingest at a time per store (a second one fails at once instead of interleaving)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no advisory locks, ingests must not overlap
        yield
        return
    with open(store / _LOCK, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise InputError(store, "another ingest into this store is running", hint="wait for it") from None
        # The lock is the open file's: the operating system releases it when a killed ingest exits.
        yield


def _ingest(
    sources: Sequence[str | os.PathLike[str]],
    store: Path,
    *,
    duplicate_threshold: float,
    strict: bool,
    **columns: str | None,
) -> IngestRecord:
    pyarrow = _require_pyarrow()
    manifest = _read_manifest(store) if is_store(store) else None
    current = CorpusStore(store, manifest) if manifest else None
    old = current._select() if current else None
    settings: dict[str, Any] = dict(manifest["settings"]) if manifest else {}
    seen_ids = set(old["doc_id"]) if old is not None else set()
    seen_texts = dict(zip(old[_TEXT_HASH], old["doc_id"], strict=True)) if old is not None else {}
    next_position = int(old[_POSITION].max()) + 1 if old is not None and len(old) else 0

    record = IngestRecord(
        sources=[str(s) for s in sources], time=dt.datetime.now(dt.timezone.utc).isoformat()
    )
    summaries: list[LoadSummary] = []
    new_frames: list[pd.DataFrame] = []
    for source in sources:
        corpus = load_corpus(source, duplicate_threshold=duplicate_threshold, strict=strict, **columns)
        summaries.append(corpus.summary)
        settings = _merge_settings(settings, corpus.settings)
        record.records += corpus.summary.records
        record.skipped += [
            {k: v for k, v in asdict(s).items() if v is not None} for s in corpus.summary.skipped
        ]
        documents = corpus.documents.copy()
        documents[_TEXT_HASH] = documents["text"].map(_text_hash)
        keep = []
        for doc_id, text_hash in zip(documents["doc_id"], documents[_TEXT_HASH], strict=True):
            if doc_id in seen_ids:
                record.already_stored_id += 1
                record.skipped.append({"source": str(source), "reason": f"already in the store: id {doc_id}"})
                keep.append(False)
            elif text_hash in seen_texts:
                record.already_stored_text += 1
                record.skipped.append(
                    {
                        "source": str(source),
                        "reason": f"already in the store: {doc_id} has the same text as "
                        f"{seen_texts[text_hash]}",
                    }
                )
                keep.append(False)
            else:
                keep.append(True)
        added = documents[keep].reset_index(drop=True)
        seen_ids.update(added["doc_id"])
        # Within one source, exact copies are kept and marked as syndicated, as load_corpus does.
        for doc_id, text_hash in zip(added["doc_id"], added[_TEXT_HASH], strict=True):
            seen_texts.setdefault(text_hash, doc_id)
        added[_POSITION] = range(next_position, next_position + len(added))
        next_position += len(added)
        record.added += len(added)
        new_frames.append(added)
    record.load_summary = _sum_summaries(summaries)

    frames = ([old] if old is not None else []) + new_frames
    combined = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].copy()
    if settings.get("outlets"):
        _attach_outlet_metadata(combined, settings)
    # Syndication marks need every document; load_corpus has already marked a lone first source, and
    # an ingest that adds nothing (with the same outlet metadata) changes no mark.
    unchanged = record.added == 0 and settings == (manifest or {}).get("settings")
    if not ((old is None and len(new_frames) == 1) or unchanged):
        combined["duplicate_of"] = find_duplicates(
            combined.drop(columns=list(_INTERNAL)), threshold=duplicate_threshold
        )
    order = [c for c in combined.columns if c not in ("duplicate_of", *_INTERNAL)]
    combined = combined[[*order, "duplicate_of", *_INTERNAL]]
    record.documents_after = len(combined)
    record.duplicates_after = int(combined["duplicate_of"].notna().sum())

    if manifest is not None and unchanged:
        # Nothing added: the documents stay as they are and only the ingest is recorded.
        with open_atomic(store / MANIFEST) as handle:
            ingests = [*manifest.get("ingests", []), _json_safe(record.to_dict())]
            json.dump({**manifest, "ingests": ingests}, handle, indent=2, ensure_ascii=False)
        return record

    generation = int((manifest or {}).get("generation", 0)) + 1
    folder_name = f"documents-{generation:06d}"
    try:
        schema = pyarrow.Table.from_pandas(combined, preserve_index=False).schema
    except (pyarrow.ArrowInvalid, pyarrow.ArrowTypeError) as error:
        raise InputError(
            ", ".join(record.sources),
            f"a metadata column cannot be stored in Parquet: {error}",
            hint="give the column one type (all text or all numbers)",
        ) from None

    def build(staging: Path) -> None:
        for outlet, rows in combined.groupby("outlet", sort=True):
            # Folder per outlet, not hive-style "outlet=NAME": every file holds the outlet column, and
            # hive folders would make readers (pandas, pyarrow, dask) add a clashing partition column.
            partition = staging / quote(str(outlet), safe="")
            partition.mkdir()
            for part, start in enumerate(range(0, len(rows), _ROWS_PER_FILE)):
                chunk = rows.iloc[start : start + _ROWS_PER_FILE]
                table = pyarrow.Table.from_pandas(chunk, schema=schema, preserve_index=False)
                pyarrow.parquet.write_table(table, partition / f"part-{part:05d}.parquet")

    replace_folder(store / folder_name, build)
    new_manifest = {
        "format": _FORMAT,
        "format_version": _FORMAT_VERSION,
        "name": (manifest or {}).get("name") or store.name,
        "generation": generation,
        "generation_folder": folder_name,
        "documents": len(combined),
        "duplicate_threshold": duplicate_threshold,
        "columns": list(combined.columns),
        "dtypes": {c: str(t) for c, t in combined.dtypes.items()},
        "settings": _json_safe(settings),
        "ingests": [*(manifest or {}).get("ingests", []), _json_safe(record.to_dict())],
    }
    with open_atomic(store / MANIFEST) as handle:
        json.dump(new_manifest, handle, indent=2, ensure_ascii=False)
    _remove_old_generations(store, folder_name, (manifest or {}).get("generation_folder"))
    return record


def _sum_summaries(summaries: Sequence[LoadSummary]) -> dict[str, Any]:
    total: dict[str, Any] = {}
    for summary in summaries:
        for key, value in summary.to_dict().items():
            if key == "skipped":
                continue
            if isinstance(value, list):
                total[key] = total.get(key, []) + value
            elif isinstance(value, dict):
                total[key] = {**total.get(key, {}), **value}
            else:
                total[key] = total.get(key, 0) + value
    return total


def _remove_old_generations(store: Path, live: str, previous: str | None) -> None:
    """Delete document generations other than ``live`` and ``previous`` (older ones, or one a killed run
    left). The previous generation is kept so that a reader that opened the store before this ingest
    can finish reading it."""
    for folder in store.iterdir():
        if _GENERATION.match(folder.name) and folder.name not in (live, previous) and folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)
    remove_leftovers(store / MANIFEST)
    remove_leftovers(store / live)
