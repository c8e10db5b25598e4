"""Lexicons: the word lists behind every cue family, read from data files.

A lexicon is a UTF-8 TSV file with a ``#`` comment header (name, version, scope, sources, licence) and
the columns ``term, category, subcategory, weight, rules`` (see ``framing/lexicons/README.md``). LIWC-style
``.dic`` dictionaries are read too. The toolkit's own lexicons ship inside the package; users add or
replace them with files in the same format.

>>> [lex.name for lex in builtin_lexicons()]                      # doctest: +SKIP
['blame', 'certainty', 'emotive', 'hedging', 'negators']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from framing.errors import InputError, OptionError
from framing.text import word_tokens

__all__ = [
    "CUE_FAMILIES",
    "Entry",
    "Lexicon",
    "Rules",
    "builtin_lexicon",
    "builtin_lexicons",
    "load_lexicon",
    "read_dic",
    "read_tsv",
]

#: The toolkit's cue families in display order; user lexicons may add others.
CUE_FAMILIES = ("blame", "denial", "emotive", "hedging", "certainty")
NEGATOR = "negator"
_COLUMNS = ["term", "category", "subcategory", "weight", "rules"]
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_TOKEN_CLASSES = {"#num", "#cap"}


@dataclass(frozen=True)
class Rules:
    """Context rules of an entry; each alternative is a tuple of tokens (``#num``/``#cap`` = classes)."""

    lower_mid: bool = False
    case: bool = False
    not_next: tuple[tuple[str, ...], ...] = ()
    not_prev: tuple[tuple[str, ...], ...] = ()
    only_next: tuple[tuple[str, ...], ...] = ()
    # Russian/Ukrainian: match the term as written, without its inflected forms (framing.morphology).
    # Not a context rule: it does not make the matcher read the context (``__bool__``).
    exact: bool = False

    def __bool__(self) -> bool:
        return self.lower_mid or self.case or bool(self.not_next or self.not_prev or self.only_next)


@dataclass(frozen=True)
class Entry:
    """One lexicon entry: a word or multi-word expression of a cue family and subcategory.

    ``tokens`` is the term split into tokens; a token ending in ``*`` matches any token with that prefix.
    ``weight`` is the intensity (emotive: 1 mildly loaded, 2 clearly loaded, 3 extreme).
    """

    term: str
    tokens: tuple[str, ...]
    category: str
    subcategory: str
    weight: float = 1.0
    rules: Rules = field(default_factory=Rules)
    lexicon: str = ""


@dataclass
class Lexicon:
    """A named, versioned list of entries with the metadata of its file header."""

    name: str
    entries: list[Entry]
    version: str = "unversioned"
    metadata: dict[str, str] = field(default_factory=dict)
    path: str | None = None

    @property
    def language(self) -> str | None:
        """The language the entries are written in (header ``# language: ru``); ``None``: any language.

        A document is matched only against the lexicons of its language and those without one.
        """
        code = self.metadata.get("language", "").strip().lower()
        return code or None

    @property
    def categories(self) -> list[str]:
        """The cue families this lexicon counts toward, in first-seen order."""
        return list(dict.fromkeys(e.category for e in self.entries))

    def summary(self) -> dict[str, Any]:
        """Name, version, source, and entry counts per category and subcategory."""
        counts: dict[str, dict[str, int]] = {}
        for entry in self.entries:
            counts.setdefault(entry.category, {}).setdefault(entry.subcategory, 0)
            counts[entry.category][entry.subcategory] += 1
        return {
            "name": self.name,
            "version": self.version,
            "entries": len(self.entries),
            "path": self.path,
            "categories": counts,
            **{
                k: v
                for k, v in self.metadata.items()
                if k in {"description", "scope", "sources", "licence", "language"}
            },
        }


def _term_tokens(term: str) -> tuple[str, ...]:
    """Split a term into tokens as the matcher sees them (a trailing ``*`` marks a prefix)."""
    tokens = []
    for part in term.split():
        wildcard = part.endswith("*")
        core = part.rstrip("*")
        pieces = word_tokens(core) or [core.lower()]
        tokens.extend(pieces[:-1])
        tokens.append(pieces[-1] + ("*" if wildcard else ""))
    return tuple(tokens)


def _alternatives(value: str, source: str, line: int) -> tuple[tuple[str, ...], ...]:
    alternatives = []
    for option in value.split("|"):
        tokens = tuple(t if t in _TOKEN_CLASSES else t.lower() for t in option.split())
        if not tokens:
            raise InputError(source, f"empty alternative in rule value {value!r}", line=line)
        alternatives.append(tokens)
    return tuple(alternatives)


def _parse_rules(text: str, source: str, line: int) -> Rules:
    options: dict[str, Any] = {}
    for rule in filter(None, (r.strip() for r in text.split(";"))):
        key, _, value = rule.partition("=")
        key = key.strip()
        if key in {"lower_mid", "case", "exact"} and not value:
            options[key] = True
        elif key in {"not_next", "not_prev", "only_next"} and value.strip():
            options[key] = _alternatives(value.strip(), source, line)
        else:
            raise InputError(
                source,
                f"unknown rule {rule!r}",
                line=line,
                hint="rules are lower_mid, case, exact, not_next=..., not_prev=..., only_next=...",
            )
    return Rules(**options)


def read_tsv(path: str | Path, *, text: str | None = None) -> Lexicon:
    """Read a lexicon in the toolkit's TSV format (header comments, then term/category/... columns)."""
    source = str(path)
    content = Path(path).read_text(encoding="utf-8") if text is None else text
    metadata: dict[str, str] = {}
    entries: list[Entry] = []
    header_seen = False
    last_key: str | None = None
    seen: set[tuple[str, str]] = set()
    for number, raw in enumerate(content.splitlines(), start=1):
        if not raw.strip():
            continue
        if raw.startswith("#"):
            comment = raw[1:]
            key, sep, value = comment.strip().partition(":")
            if sep and not comment.startswith("  ") and re.fullmatch(r"[a-z_ ]+", key.strip()):
                last_key = key.strip()
                metadata.setdefault(last_key, value.strip())
            elif comment.startswith("  ") and last_key and last_key in metadata:
                metadata[last_key] += " " + comment.strip()  # an indented line continues the field
            continue
        cells = raw.split("\t")
        if not header_seen:
            if [c.strip().lower() for c in cells[:2]] != ["term", "category"]:
                raise InputError(
                    source,
                    "missing column header",
                    line=number,
                    hint="the first non-comment line must be: " + "\\t".join(_COLUMNS),
                )
            header_seen = True
            continue
        if len(cells) > len(_COLUMNS) or len(cells) < 2:
            raise InputError(
                source, f"expected 2 to 5 tab-separated columns, found {len(cells)}", line=number
            )
        cells += [""] * (len(_COLUMNS) - len(cells))
        term, category, subcategory, weight, rules = (c.strip() for c in cells)
        if not term or not _NAME.match(category):
            raise InputError(
                source,
                f"bad term or category {category!r}",
                line=number,
                hint="category must be lower_snake_case",
            )
        try:
            value = float(weight) if weight else 1.0
        except ValueError:
            raise InputError(source, f"weight {weight!r} is not a number", line=number) from None
        key = (term.lower(), category)
        if key in seen:
            raise InputError(source, f"duplicate entry {term!r} in {category!r}", line=number)
        seen.add(key)
        parsed_rules = _parse_rules(rules, source, number)
        tokens = tuple(term.split()) if parsed_rules.case else _term_tokens(term)
        entries.append(
            Entry(
                term=term,
                tokens=tokens,
                category=category,
                subcategory=subcategory or category,
                weight=value,
                rules=parsed_rules,
                lexicon=metadata.get("name", Path(source).stem),
            )
        )
    if not header_seen:
        raise InputError(source, "no column header and no entries", hint="see framing/lexicons/README.md")
    name = metadata.get("name", Path(source).stem)
    return Lexicon(
        name=name,
        entries=entries,
        version=metadata.get("version", "unversioned"),
        metadata=metadata,
        path=source,
    )


def _read_dic_text(path: Path) -> str:
    """A .dic file as text: UTF-8 (with or without BOM), else a legacy encoding such as cp1251, the usual
    one of Russian dictionaries of the LIWC era (read as UTF-8 with replacement every entry was U+FFFD)."""
    from framing.io.readers import decode  # cp1251 / cp1252 / latin-1 chosen by the letters they give

    return decode(path.read_bytes(), path, None, False)


def read_dic(path: str | Path, *, text: str | None = None) -> Lexicon:
    """Read a LIWC-style ``.dic`` dictionary.

    Tolerates the format's variants: tab- or space-separated columns, the ``%`` section that maps
    category ids to names, wildcard entries (``abandon*``), multi-word entries (``kind of``), category
    names instead of ids in entries, and ``<...>`` bracketed conditional codes (skipped). Each category
    becomes a cue family of its own (``category = subcategory = its name``).
    """
    source = str(path)
    content = _read_dic_text(Path(path)) if text is None else text
    lines = content.splitlines()
    names: dict[str, str] = {}
    entries: list[Entry] = []
    seen: set[tuple[str, str]] = set()
    percent_lines = [i for i, line in enumerate(lines) if line.strip() == "%"]
    if len(percent_lines) == 1:
        raise InputError(
            source,
            "the % category section is not closed",
            line=percent_lines[0] + 1,
            hint="list the categories between two lines holding only %",
        )
    if len(percent_lines) >= 2:
        header_end = percent_lines[1]
        for number in range(percent_lines[0] + 1, header_end):
            parts = lines[number].split()
            if not parts:
                continue
            if len(parts) < 2:
                raise InputError(source, "category line needs an id and a name", line=number + 1)
            names[parts[0]] = _snake(" ".join(parts[1:]))
        body_start = header_end + 1
    else:
        body_start = 0
    name = Path(source).stem.lower()
    for number in range(body_start, len(lines)):
        raw = lines[number].strip()
        if not raw or raw.startswith("#") or raw == "%":
            continue
        raw = re.sub(r"<[^>]*>|\([^)]*\)[^\s\t]*", " ", raw)  # LIWC2007 conditional codes
        if "\t" in raw:  # term<TAB>codes...: the term may contain spaces
            cells = [c.strip() for c in raw.split("\t") if c.strip()]
            term_parts, codes = cells[:1], " ".join(cells[1:]).split()
        else:  # term codes...: the codes are the trailing ids or known category names
            words = raw.split()
            split = len(words)
            while split > 1 and (words[split - 1].isdigit() or words[split - 1] in names.values()):
                split -= 1
            if split == len(words) and not names and len(words) > 1:
                split -= 1  # no % section: the last word names the category
            term_parts, codes = words[:split], words[split:]
        if not codes:
            raise InputError(source, f"entry {raw!r} has no category", line=number + 1)
        parts = [*term_parts, *codes]
        split = len(term_parts)
        term = " ".join(" ".join(parts[:split]).split())
        for code in parts[split:]:
            category = names.get(code) if code.isdigit() and names else _snake(code)
            if category is None:
                raise InputError(
                    source,
                    f"unknown category id {code!r}",
                    line=number + 1,
                    hint="declare it in the % section at the top",
                )
            key = (term.lower(), category)
            if key in seen:
                continue
            seen.add(key)
            entries.append(
                Entry(
                    term=term,
                    tokens=_term_tokens(term),
                    category=category,
                    subcategory=category,
                    lexicon=name,
                )
            )
    if not entries:
        raise InputError(source, "no entries found in the .dic file")
    return Lexicon(
        name=name, entries=entries, version="unversioned", metadata={"format": "LIWC-style .dic"}, path=source
    )


_TRANSLIT = str.maketrans(
    {
        **dict(zip("абвгдезийклмнопрстуфыэ", "abvgdezijklmnoprstufye", strict=True)),
        **{"ё": "e", "ж": "zh", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ь": ""},
        **{"ю": "yu", "я": "ya", "і": "i", "ї": "yi", "є": "ye", "ґ": "g"},
    }
)


def _snake(text: str) -> str:
    # Cyrillic category names (a Russian LIWC-style dictionary) are transliterated, not all "category".
    return re.sub(r"[^a-z0-9]+", "_", text.strip().lower().translate(_TRANSLIT)).strip("_") or "category"


def load_lexicon(path: str | Path) -> Lexicon:
    """Read a lexicon file: ``.dic`` as LIWC-style, anything else as the toolkit's TSV format."""
    path = Path(path)
    if not path.exists():
        raise InputError(path, "no such lexicon file")
    if path.suffix.lower() == ".dic":
        return read_dic(path)
    return read_tsv(path)


def _builtin_dir() -> Any:
    return resources.files("framing") / "lexicons"


def builtin_lexicons() -> list[Lexicon]:
    """The lexicons shipped with the toolkit, sorted by name (negators included)."""
    files = sorted((f for f in _builtin_dir().iterdir() if f.name.endswith(".tsv")), key=lambda f: f.name)
    lexicons = [read_tsv(f"framing/lexicons/{f.name}", text=f.read_text(encoding="utf-8")) for f in files]
    for lexicon in lexicons:
        lexicon.metadata.setdefault("language", "en")  # the files without a language header are English
    return lexicons


def builtin_lexicon(name: str) -> Lexicon:
    """One shipped lexicon by name (``hedging``, ``certainty``, ``emotive``, ``blame``, ``negators``)."""
    for lexicon in builtin_lexicons():
        if lexicon.name == name:
            return lexicon
    known = ", ".join(lex.name for lex in builtin_lexicons())
    raise OptionError(f"no built-in lexicon {name!r}; known lexicons: {known}")
