"""Candidate actors suggested from a corpus, for corpora that arrive without ``[actors]`` in corpus.toml.

Rules and counts, no trained model and no downloaded data (``framing actors suggest``):

* **Names**: runs of capitalised words (``Islamic State``, ``Vladimir Putin``, ``Investigative
  Committee``), joined across ``of``, ``for``, ``de``, ``al``, ``bin``, ``von``, ``van``, ``la``,
  ``du`` inside a name (``Ministry of Defence``); a line break or punctuation ends a name.
  A word at the start of a sentence is capitalised by position, not because it is a name: it is dropped
  from a run when the corpus also uses it in lower case (``Officials said``, ``After the attack``).
  Leading titles (``President``, ``Mr``) and single days, months and titles are not names
  (``framing/data/not_actors.tsv``); a possessive ``'s`` and a lower-case hyphen suffix
  (``Kremlin-backed``) are cut; a single word that the corpus uses in lower case at least as often
  as capitalised inside sentences is not a name (so a word seen only at sentence starts is none).
* **Acronyms**: words of 2-6 capitals (``FSB``, ``ISIS``, ``IS-K``, ``U.S.``), counted anywhere.
* **Demonyms and capitals** are mapped to their country (``Ukrainian``, ``Ukrainians``, ``Kyiv`` ->
  ``Ukraine``) by the shipped table ``framing/data/demonyms.tsv``; a name that starts with a demonym
  (``Russian President Vladimir Putin``) counts the demonym and the rest separately.
* **Aliases** are grouped: a one-word name into the most mentioned name of 2-3 words that it ends
  (``Putin`` -> ``Vladimir Putin``) unless the word is also a common word (``House`` is not ``White
  House``) or the longer name is rare beside it; an acronym into the name whose initials it spells
  (``FBI`` -> ``Federal Bureau of Investigation``) or begins with (``ISIS``, ``IS-K`` -> ``Islamic
  State``), when that name appears in at least half of the acronym's documents; country
  abbreviations (``US``, ``UK``) by the shipped table.

Outlet names of the corpus are never suggested (they are sources, not actors). ``mentions`` counts the
occurrences the rules found (sentence-initial ambiguous words are not counted), ``documents`` the
documents with at least one.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import pandas as pd

from framing import parallel
from framing.errors import OptionError

if TYPE_CHECKING:
    from framing.corpus import Corpus

__all__ = ["REPORT_ACTORS", "actors_from_table", "actors_toml", "suggest_actors", "with_suggested_actors"]

#: Actors a report uses when the corpus defines none: the most mentioned suggestions.
REPORT_ACTORS = 10
#: ... suggested from at most this many documents, evenly spaced (the ten most mentioned names of a
#: corpus are the same in a sample this large; reading every document of 200,000 takes minutes).
REPORT_SUGGESTION_DOCUMENTS = 5000

SUGGESTED_COLUMNS = ["actor", "aliases", "mentions", "documents"]

# words that join the capitalised words of one name (Ministry of Defence), and that initials skip
_JOINERS = {"of", "for", "de", "al", "bin", "von", "van", "la", "du"}
_CONNECTORS = _JOINERS | {"and", "the"}
_ACRONYM = re.compile(r"^[A-Z](?:\.[A-Z]){1,5}\.?$|^[A-Z][A-Z&]{1,5}(?:-[A-Z0-9]{1,3})?$")
_DOTTED = re.compile(r"^[A-Z](?:\.[A-Z])+$")
_CAPITAL_WORD = r"[A-ZÀ-ÖØ-ÞА-ЯЁЄІЇҐ](?:[\w'’.-]*\w)?"
# capitalised words separated by spaces or tabs (a line break or punctuation ends a name), joiners inside
_RUN = re.compile(
    rf"(?<![\w'’.-]){_CAPITAL_WORD}(?:[ \t]+(?:(?:{'|'.join(sorted(_JOINERS))})[ \t]+)*{_CAPITAL_WORD})*"
)
_LOWER_WORD = re.compile(r"(?<![\w'’.-])[a-zß-öø-ÿа-яёєіїґ](?:[\w'’.-]*\w)?")
# the end of a sentence before a word: . ! ? (closing quotes, brackets) and white space, or a newline
_RUN_CACHE_LIMIT = 500_000  # distinct runs remembered by suggest_actors (memory stays bounded)
_SENTENCE_END = re.compile(r"(?:[.!?][\"')\]]*\s+|\n\s*|^\s*|[:;\"“(]\s*)$")


@dataclass(frozen=True)
class _Tables:
    demonym_to_country: dict[str, str]
    capital_to_country: dict[str, str]
    abbreviation_to_country: dict[str, str]
    not_actors: frozenset[str]
    titles: frozenset[str]


def _rows(name: str) -> list[list[str]]:
    text = resources.files("framing").joinpath(f"data/{name}").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return rows[1:]  # the first is the header


@cache
def _tables() -> _Tables:
    demonyms: dict[str, str] = {}
    capitals: dict[str, str] = {}
    abbreviations: dict[str, str] = {}
    for country, forms, capital, short in (row + [""] * (4 - len(row)) for row in _rows("demonyms.tsv")):
        for form in filter(None, (f.strip() for f in short.split(","))):
            abbreviations[form] = country
        for form in filter(None, (f.strip() for f in forms.split(","))):
            demonyms[form] = country
            if form.endswith(("an", "i")):  # Ukrainians, Iraqis
                demonyms.setdefault(form + "s", country)
        if capital.strip():
            capitals[capital.strip()] = country
    words = _rows("not_actors.tsv")
    return _Tables(
        demonyms,
        capitals,
        abbreviations,
        frozenset(word for word, _ in words),
        frozenset(word for word, kind in words if kind == "title"),
    )


def _initials(name: str) -> str:
    return "".join(word[0] for word in name.split() if word.lower() not in _CONNECTORS and word[0].isupper())


def _letters(acronym: str) -> str:
    return acronym.replace(".", "").replace("-", "").replace("&", "")


_POSSESSIVE = re.compile(r"['’]s$")


def _clean_word(word: str) -> str:
    word = _POSSESSIVE.sub("", word)
    if _DOTTED.match(word):  # the word pattern leaves out the last dot of U.S.
        return word + "."
    head, _, tail = word.partition("-")
    if tail and tail[:1].islower():  # Kremlin-backed -> Kremlin
        word = head
    return word


def _texts(data: Any, max_documents: int | None) -> tuple[list[str], int, set[str]]:
    """The texts to read (at most ``max_documents``, evenly spaced), how many there are in all, and the
    outlet names (never suggested).

    A spooled corpus (:mod:`framing.spool`) reads only the texts it samples from disk.
    """
    from framing.corpus import Corpus

    if isinstance(data, Corpus):
        documents = data.documents
    elif isinstance(data, pd.DataFrame):
        documents = data
    elif isinstance(data, str):
        raise OptionError(
            "suggest_actors takes a corpus, a documents table or a list of texts, not one string"
        )
    else:
        texts = [str(t) for t in data]
        return _sample(texts, max_documents), len(texts), set()
    outlets = set(documents["outlet"].astype(str)) if "outlet" in documents.columns else set()
    if isinstance(data, Corpus):  # the outlets' display names of corpus.toml too
        outlets |= {str(spec.get("name")) for spec in data.outlets.values() if isinstance(spec, Mapping)}
    if isinstance(data, Corpus) and data.spool is not None:
        # a spooled corpus's texts are all strings (the loader writes every text it keeps)
        rows = _sample(list(range(len(documents))), max_documents)
        return data.texts.take(rows), len(documents), outlets
    if "text" not in documents.columns:
        raise OptionError("the documents table has no 'text' column")
    texts = [t for t in documents["text"] if isinstance(t, str)]
    return _sample(texts, max_documents), len(texts), outlets


def _sample(items: list[Any], max_documents: int | None) -> list[Any]:
    """At most ``max_documents`` of ``items``, evenly spaced (every k-th one), in order."""
    if max_documents is None or len(items) <= max_documents:
        return items
    step = len(items) / max_documents
    return [items[int(i * step)] for i in range(max_documents)]


def _runs(text: str) -> Iterable[tuple[str, bool]]:
    """Runs of capitalised words (joiners inside), and whether each starts a sentence."""
    for match in _RUN.finditer(text):
        start = match.start()
        yield match.group(), _SENTENCE_END.search(text[max(0, start - 4) : start]) is not None


def _candidates(words: list[str], initial: bool, lower: Counter[str], tables: _Tables) -> list[str]:
    """The names of one run: sentence-initial common words and titles dropped, demonyms split off."""
    words = [_clean_word(w) for w in words]
    if initial:
        while words and (words[0].lower() in lower or words[0].lower() in tables.not_actors):
            if _ACRONYM.match(words[0]):
                break
            words = words[1:]
    names: list[str] = []
    while words and (words[0] in tables.demonym_to_country or words[0].lower() in tables.titles):
        if words[0] in tables.demonym_to_country:
            names.append(words[0])
        words = words[1:]
    while words and words[0].lower() in _CONNECTORS:
        words = words[1:]
    if words:
        names.append(" ".join(words))
    return names


def suggest_actors(
    data: Any, *, n: int = 30, min_mentions: int = 2, max_documents: int | None = None, jobs: int = 1
) -> pd.DataFrame:
    """Candidate actors of a corpus, most mentioned first: one row per actor with ``actor`` (its name),
    ``aliases`` (list of strings, the name first), ``mentions`` (occurrences found by the rules) and
    ``documents`` (documents mentioning it).

    Args:
        data: a :class:`framing.Corpus`, a documents DataFrame (``text``; ``outlet`` names are never
            suggested) or an iterable of texts.
        n: how many actors to return (the most mentioned).
        min_mentions: fewest mentions of a suggested actor.
        max_documents: read at most this many documents, evenly spaced over the corpus (every k-th
            one; the counts are then those of the documents read). ``None`` reads all.
        jobs: worker processes that count (the table is the same for every number).

    >>> texts = ["The Islamic State (IS) claimed it.", "Officials blamed Ukraine.",
    ...          "Ukrainian officials denied it. Islamic State said so.", "IS fighters."]
    >>> suggest_actors(texts, n=2)[["actor", "mentions"]].values.tolist()
    [['Islamic State', 4], ['Ukraine', 2]]
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise OptionError(f"n must be a positive number of actors, got {n!r}")
    if isinstance(min_mentions, bool) or not isinstance(min_mentions, int) or min_mentions < 1:
        raise OptionError(f"min_mentions must be 1 or more, got {min_mentions!r}")
    if max_documents is not None and (
        isinstance(max_documents, bool) or not isinstance(max_documents, int) or max_documents < 1
    ):
        raise OptionError(f"max_documents must be a positive number of documents, got {max_documents!r}")
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise OptionError(f"jobs must be a whole number of at least 1, not {jobs!r}")
    texts, total, outlets = _texts(data, max_documents)
    if jobs > 1 and len(texts) >= parallel.MIN_PARALLEL_DOCUMENTS:
        lower, (mentions, documents, capitalised) = _count_in_workers(texts, jobs)
    else:
        lower = _lower_words(texts)
        mentions, documents, capitalised = _name_counts(texts, 0, lower)
    table = _group(mentions, documents, capitalised, lower, outlets, _tables(), n, min_mentions)
    table.attrs.update(documents_read=len(texts), documents_total=total)
    return table


_NameCounts = tuple[Counter[str], dict[str, set[int]], Counter[str]]


def _lower_words(texts: Iterable[str]) -> Counter[str]:
    """How often each lower-case word occurs in ``texts``."""
    lower: Counter[str] = Counter()
    for text in texts:
        lower.update(_LOWER_WORD.findall(text))
    return lower


def _name_counts(texts: Sequence[str], first: int, lower: Counter[str]) -> _NameCounts:
    """``(mentions, documents, capitalised)`` of the names in ``texts``, numbered from ``first``.

    ``lower`` holds the lower-case word counts of the whole corpus read (sentence-initial words are
    judged by them).
    """
    tables = _tables()
    mentions: Counter[str] = Counter()
    documents: dict[str, set[int]] = defaultdict(set)
    capitalised: Counter[str] = Counter()
    # The same names recur in thousands of runs: each (run, sentence-initial) is worked out once.
    names_of: dict[tuple[str, bool], list[str]] = {}
    for index, text in enumerate(texts, start=first):
        for run, initial in _runs(text):
            names = names_of.get((run, initial))
            if names is None:
                names = _candidates(run.split(), initial, lower, tables)
                if len(names_of) < _RUN_CACHE_LIMIT:
                    names_of[(run, initial)] = names
            if not initial and " " not in run and "\t" not in run:
                capitalised[run.lower()] += 1
            for name in names:
                mentions[name] += 1
                documents[name].add(index)
    return mentions, documents, capitalised


def _count_in_workers(texts: list[str], jobs: int) -> tuple[Counter[str], _NameCounts]:
    """:func:`_lower_words` and :func:`_name_counts` of ``texts`` in ``jobs`` worker processes.

    Each pass reads contiguous parts of ``texts`` and the parts' counts are added up in text order, so
    every counter has the keys in the order one process would have seen them: the same tables. Four
    parts per worker, not two: at 20,000 articles the last half-second of each pass used 1.3-1.5 of the
    two cores while one worker finished its last part.
    """
    size = -(-len(texts) // (4 * jobs))
    parts = [(start, texts[start : start + size]) for start in range(0, len(texts), size)]
    lower: Counter[str] = Counter()
    mentions: Counter[str] = Counter()
    documents: dict[str, set[int]] = defaultdict(set)
    capitalised: Counter[str] = Counter()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        calls = ((start, (part,)) for start, part in parts)
        for _, words in parallel.submitted_in_order(pool, _lower_words, calls, ahead=len(parts)):
            lower.update(words)
        calls = ((start, (part, start, lower)) for start, part in parts)
        for _, (named, found_in, capitals) in parallel.submitted_in_order(
            pool, _name_counts, calls, ahead=len(parts)
        ):
            mentions.update(named)
            capitalised.update(capitals)
            for name, indices in found_in.items():
                documents[name] |= indices
    return lower, (mentions, documents, capitalised)


#: Share of an acronym's documents that must name an expansion with exactly its initials (FBI) ...
ACRONYM_SHARED_EXACT = 0.5
#: ... or with initials that begin it (ISIS -> Islamic State), for the acronym to join that actor.
ACRONYM_SHARED_PREFIX = 0.5
#: A word joins the longer name it ends (Putin -> Vladimir Putin) if that name has this share of its
#: mentions, and if the word is not also a common word (House -> White House: "house" is written in
#: lower case more than COMMON_SHARE times per capitalised mention).
HEAD_SHARE = 0.1
COMMON_SHARE = 0.05


def _prefix_sizes(letters: str) -> list[tuple[int, float]]:
    """Initials lengths that may begin an acronym, longest first: at least 2, at most 2 letters short."""
    return [
        (size, ACRONYM_SHARED_PREFIX) for size in range(len(letters) - 1, 1, -1) if len(letters) - size <= 2
    ]


def _group(
    mentions: Counter[str],
    documents: Mapping[str, set[int]],
    capitalised: Counter[str],
    lower: Counter[str],
    outlets: set[str],
    tables: _Tables,
    n: int,
    min_mentions: int,
) -> pd.DataFrame:
    outlet_names = {o.lower() for o in outlets}

    def keep(name: str) -> bool:
        key = name.lower()
        if key in outlet_names or key in tables.not_actors:
            return False
        if " " not in name and not _ACRONYM.match(name) and name not in tables.demonym_to_country:
            # a single word used in lower case more often than capitalised mid-sentence is a common word
            return lower[key] < capitalised[key]
        return True

    names = [name for name in mentions if keep(name)]
    countries = set(tables.demonym_to_country.values()) | set(tables.capital_to_country.values())
    target: dict[str, str] = {}  # alias -> the actor it belongs to
    for name in names:
        country = (
            tables.demonym_to_country.get(name)
            or tables.capital_to_country.get(name)
            or tables.abbreviation_to_country.get(name)
        )
        if country is not None and country != name:
            target[name] = country
    longer = sorted((m for m in names if " " in m), key=lambda m: (-mentions[m], m))
    by_initials: dict[str, list[str]] = defaultdict(list)
    by_last_word: dict[str, list[str]] = defaultdict(list)
    for name in longer:
        if len(_initials(name)) >= 2:
            by_initials[_initials(name)].append(name)
        by_last_word[name.split()[-1]].append(name)

    def shared(acronym: str, name: str) -> float:
        return len(documents[acronym] & documents[name]) / len(documents[acronym])

    for name in names:
        if name in target or name in countries:
            continue
        if _ACRONYM.match(name):
            letters = _letters(name)
            # exact initials (FBI, US), else initials that begin the acronym (ISIS, ISIL, IS-K -> IS):
            # the expansion must appear in a share of the acronym's documents (BOE is not Barack Obama)
            for size, wanted in ((len(letters), ACRONYM_SHARED_EXACT), *_prefix_sizes(letters)):
                expansions = [
                    m
                    for m in by_initials.get(letters[:size], [])
                    if m not in countries and shared(name, m) >= wanted
                ]
                if expansions:
                    target[name] = expansions[0]
                    break
        elif " " not in name:
            # Putin -> Vladimir Putin: the most mentioned 2-3 word name ending with the word, when that
            # name is frequent beside the word and its first word is not itself a more frequent name
            # (Democrats is not House Democrats: "House" is named on its own more often)
            for longer_name in by_last_word.get(name, []):
                words = longer_name.split()
                if (
                    len(words) <= 3
                    and words[0] not in _CONNECTORS
                    and mentions[longer_name] >= HEAD_SHARE * mentions[name]
                    and mentions.get(words[0], 0) < mentions[longer_name]
                    and lower[name.lower()] <= COMMON_SHARE * mentions[name]
                ):
                    target[name] = longer_name
                    break
    groups: dict[str, list[str]] = defaultdict(list)
    for name in names:
        actor = target.get(name, name)
        actor = target.get(actor, actor)  # Moscow -> Russia; an alias of an alias
        groups[actor].append(name)
    totals = {actor: sum(mentions[a] for a in aliases) for actor, aliases in groups.items()}
    ranked = sorted((a for a in groups if totals[a] >= min_mentions), key=lambda a: (-totals[a], a))
    rows = []
    for actor in ranked[: n + 50]:  # the document counts only break ties near the cut
        aliases = groups[actor]
        docs = set().union(*(documents[a] for a in aliases))
        ordered = [actor, *sorted((a for a in aliases if a != actor), key=lambda a: (-mentions[a], a))]
        rows.append((actor, ordered, totals[actor], len(docs)))
    table = pd.DataFrame(rows, columns=SUGGESTED_COLUMNS)
    table = table[table["mentions"] >= min_mentions]
    table = table.sort_values(
        ["mentions", "documents", "actor"], ascending=[False, False, True], kind="stable"
    )
    return table.head(n).reset_index(drop=True)


def actors_from_table(table: pd.DataFrame) -> dict[str, list[str]]:
    """Actor name -> aliases (the form :attr:`framing.Corpus.actors` has) from :func:`suggest_actors`."""
    return {str(row.actor): list(row.aliases) for row in table.itertuples(index=False)}


def actors_toml(table: pd.DataFrame, *, source: str | None = None) -> str:
    """The suggestions as a ``corpus.toml`` ``[actors]`` snippet, with mention counts as comments."""
    lines = [
        "# Actors suggested by `framing actors suggest`"
        + (f" from {source}" if source else "")
        + " (rules and counts: capitalised names, acronyms, demonyms).",
        "# Check every alias before use: merge, rename or delete entries; mentions are counts in the corpus.",
    ]
    for row in table.itertuples(index=False):
        aliases = ", ".join(json.dumps(a, ensure_ascii=False) for a in row.aliases)
        lines += [
            "",
            f"[actors.{json.dumps(str(row.actor), ensure_ascii=False)}]  "
            f"# {row.mentions} mentions in {row.documents} documents",
            f"aliases = [{aliases}]",
        ]
    return "\n".join(lines) + "\n"


def with_suggested_actors(
    corpus: Corpus,
    *,
    n: int = REPORT_ACTORS,
    max_documents: int | None = REPORT_SUGGESTION_DOCUMENTS,
    jobs: int = 1,
) -> tuple[Corpus, pd.DataFrame]:
    """``corpus`` itself when it defines actors; otherwise a copy whose settings hold the ``n`` most
    mentioned suggested actors (:func:`suggest_actors`, read from at most ``max_documents`` documents
    spread evenly over the corpus, counted in ``jobs`` processes), and the suggestions (empty when it
    has actors).
    """
    if corpus.actors:
        return corpus, pd.DataFrame(columns=SUGGESTED_COLUMNS)
    table = suggest_actors(corpus, n=n, max_documents=max_documents, jobs=jobs)
    # with_actors keeps everything else of the corpus, its spool of texts on disk included
    return corpus.with_actors(actors_from_table(table)), table
