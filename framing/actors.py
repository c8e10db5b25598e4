"""Candidate actors suggested from a corpus, for corpora that arrive without ``[actors]`` in corpus.toml.

Rules and counts, no trained model and no downloaded data (``framing actors suggest``):

* **Names**: runs of capitalised words (``Islamic State``, ``Vladimir Putin``, ``Investigative
  Committee``), joined across ``of``/``for``/``and``/``the`` inside a name (``Ministry of Defence``).
  A word at the start of a sentence is capitalised by position, not because it is a name: it is dropped
  from a run when the corpus also uses it in lower case (``Officials said``, ``After the attack``).
  Leading titles (``President``, ``Mr``) and single days, months and titles are not names
  (``framing/data/not_actors.tsv``); a possessive ``'s`` and a lower-case hyphen suffix
  (``Kremlin-backed``) are cut; a single word that the corpus uses in lower case more often than
  capitalised is not a name.
* **Acronyms**: words of 2-6 capitals (``FSB``, ``ISIS``, ``IS-K``, ``U.S.``), counted anywhere.
* **Demonyms and capitals** are mapped to their country (``Ukrainian``, ``Ukrainians``, ``Kyiv`` ->
  ``Ukraine``) by the shipped table ``framing/data/demonyms.tsv``; a name that starts with a demonym
  (``Russian President Vladimir Putin``) counts the demonym and the rest separately.
* **Aliases** are grouped: a one-word name into the most frequent longer name it ends
  (``Putin`` -> ``Vladimir Putin``); an acronym into the name whose initials it spells (``US`` ->
  ``United States``, ``FBI`` -> ``Federal Bureau of Investigation``) or starts with (``ISIS``,
  ``IS-K`` -> ``Islamic State``), when that name appears in the corpus.

Outlet names of the corpus are never suggested (they are sources, not actors). ``mentions`` counts the
occurrences the rules found (sentence-initial ambiguous words are not counted), ``documents`` the
documents with at least one.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import pandas as pd

from framing.errors import OptionError

if TYPE_CHECKING:
    from framing.corpus import Corpus

__all__ = ["REPORT_ACTORS", "actors_from_table", "actors_toml", "suggest_actors", "with_suggested_actors"]

#: Actors a report uses when the corpus defines none: the most mentioned suggestions.
REPORT_ACTORS = 10

SUGGESTED_COLUMNS = ["actor", "aliases", "mentions", "documents"]

# a word as it is written: letters, inner apostrophes, hyphens and dots (U.S., ISIS-K, O'Neill)
_WORD = re.compile(r"[^\W\d_](?:[\w'’.-]*[\w])?")
# words that join the capitalised words of one name (Ministry of Defence), and that initials skip
_JOINERS = {"of", "for", "de", "al", "bin", "von", "van", "la", "du"}
_CONNECTORS = _JOINERS | {"and", "the"}
_ACRONYM = re.compile(r"^[A-Z](?:\.[A-Z]){1,5}\.?$|^[A-Z][A-Z&]{1,5}(?:-[A-Z0-9]{1,3})?$")
_DOTTED = re.compile(r"^[A-Z](?:\.[A-Z])+$")
# the end of a sentence before a word: . ! ? (closing quotes, brackets) and white space, or a newline
_SENTENCE_END = re.compile(r"(?:[.!?][\"')\]]*\s+|\n\s*|^\s*|[:;\"“(]\s*)$")


@dataclass(frozen=True)
class _Tables:
    demonym_to_country: dict[str, str]
    capital_to_country: dict[str, str]
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
    for country, forms, capital in (row + [""] * (3 - len(row)) for row in _rows("demonyms.tsv")):
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
        frozenset(word for word, _ in words),
        frozenset(word for word, kind in words if kind == "title"),
    )


def _initials(name: str) -> str:
    return "".join(word[0] for word in name.split() if word.lower() not in _CONNECTORS and word[0].isupper())


def _letters(acronym: str) -> str:
    return acronym.replace(".", "").replace("-", "").replace("&", "")


def _clean_word(word: str) -> str:
    word = re.sub(r"['’]s$", "", word)
    if _DOTTED.match(word):  # the word pattern leaves out the last dot of U.S.
        return word + "."
    head, _, tail = word.partition("-")
    if tail and tail[:1].islower():  # Kremlin-backed -> Kremlin
        word = head
    return word


def _texts(data: Any) -> tuple[list[str], set[str]]:
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
        return [str(t) for t in data], set()
    if "text" not in documents.columns:
        raise OptionError("the documents table has no 'text' column")
    outlets = set(documents["outlet"].astype(str)) if "outlet" in documents.columns else set()
    if isinstance(data, Corpus):  # the outlets' display names of corpus.toml too
        outlets |= {str(spec.get("name")) for spec in data.outlets.values() if isinstance(spec, Mapping)}
    return [t for t in documents["text"] if isinstance(t, str)], outlets


def _runs(text: str) -> Iterable[tuple[list[str], bool]]:
    """Runs of capitalised words (connectors inside), and whether each starts a sentence."""
    words = list(_WORD.finditer(text))
    i = 0
    while i < len(words):
        if not words[i].group()[0].isupper():
            i += 1
            continue
        run = [words[i]]
        j = i + 1
        while j < len(words):
            gap = text[run[-1].end() : words[j].start()]
            if gap.strip() not in ("", "-"):  # punctuation ends a name
                break
            word = words[j].group()
            joined = word in _JOINERS and j + 1 < len(words) and words[j + 1].group()[0].isupper()
            if not (word[0].isupper() or joined):
                break
            run.append(words[j])
            j += 1
        while run and run[-1].group() in _CONNECTORS:
            run.pop()
        initial = _SENTENCE_END.search(text[max(0, run[0].start() - 4) : run[0].start()]) is not None
        yield [w.group() for w in run], initial
        i = j


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


def suggest_actors(data: Any, *, n: int = 30, min_mentions: int = 2) -> pd.DataFrame:
    """Candidate actors of a corpus, most mentioned first: one row per actor with ``actor`` (its name),
    ``aliases`` (list of strings, the name first), ``mentions`` (occurrences found by the rules) and
    ``documents`` (documents mentioning it).

    Args:
        data: a :class:`framing.Corpus`, a documents DataFrame (``text``; ``outlet`` names are never
            suggested) or an iterable of texts.
        n: how many actors to return (the most mentioned).
        min_mentions: fewest mentions of a suggested actor.

    >>> texts = ["The Islamic State (IS) claimed it.", "Officials blamed Ukraine.",
    ...          "Ukrainian officials denied it. Islamic State said so.", "IS fighters."]
    >>> suggest_actors(texts, n=2)[["actor", "mentions"]].values.tolist()
    [['Islamic State', 4], ['Ukraine', 2]]
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise OptionError(f"n must be a positive number of actors, got {n!r}")
    if isinstance(min_mentions, bool) or not isinstance(min_mentions, int) or min_mentions < 1:
        raise OptionError(f"min_mentions must be 1 or more, got {min_mentions!r}")
    texts, outlets = _texts(data)
    tables = _tables()
    lower: Counter[str] = Counter()
    for text in texts:
        lower.update(w for w in _WORD.findall(text) if w.islower())
    mentions: Counter[str] = Counter()
    documents: dict[str, set[int]] = defaultdict(set)
    capitalised: Counter[str] = Counter()
    for index, text in enumerate(texts):
        for words, initial in _runs(text):
            if not initial and len(words) == 1:
                capitalised[words[0].lower()] += 1
            for name in _candidates(words, initial, lower, tables):
                mentions[name] += 1
                documents[name].add(index)
    return _group(mentions, documents, capitalised, lower, outlets, tables, n, min_mentions)


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
    target: dict[str, str] = {}  # alias -> the actor it belongs to
    for name in names:
        country = tables.demonym_to_country.get(name) or tables.capital_to_country.get(name)
        if country is not None and country != name:
            target[name] = country
    longer = sorted((m for m in names if " " in m), key=lambda m: (-mentions[m], m))
    by_initials: dict[str, list[str]] = defaultdict(list)
    for name in longer:
        if len(_initials(name)) >= 2:
            by_initials[_initials(name)].append(name)
    for name in names:
        if name in target:
            continue
        if _ACRONYM.match(name):
            letters = _letters(name)
            exact = by_initials.get(letters)
            if exact:
                target[name] = exact[0]
                continue
            # ISIS, ISIL, IS-K -> Islamic State: the name's initials begin the acronym
            prefixes = [i for i in by_initials if letters.startswith(i) and len(letters) - len(i) <= 3]
            if prefixes:
                target[name] = by_initials[max(prefixes, key=len)][0]
        elif " " not in name:
            # Putin -> Vladimir Putin: the most mentioned longer name that ends with the word
            heads = [m for m in longer if m.split()[-1] == name and m.split()[0] not in _CONNECTORS]
            if heads:
                target[name] = heads[0]
    groups: dict[str, list[str]] = defaultdict(list)
    for name in names:
        actor = target.get(name, name)
        actor = target.get(actor, actor)  # Moscow -> Russia; an alias of an alias
        groups[actor].append(name)
    rows = []
    for actor, aliases in groups.items():
        count = sum(mentions[a] for a in aliases)
        docs = set().union(*(documents[a] for a in aliases))
        ordered = [actor, *sorted((a for a in aliases if a != actor), key=lambda a: (-mentions[a], a))]
        rows.append((actor, ordered, count, len(docs)))
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


def with_suggested_actors(corpus: Corpus, *, n: int = REPORT_ACTORS) -> tuple[Corpus, pd.DataFrame]:
    """``corpus`` itself when it defines actors; otherwise a copy whose settings hold the ``n`` most
    mentioned suggested actors (:func:`suggest_actors`), and the suggestions (empty when it has actors).
    """
    from framing.corpus import Corpus

    if corpus.actors:
        return corpus, pd.DataFrame(columns=SUGGESTED_COLUMNS)
    table = suggest_actors(corpus, n=n)
    settings = {
        **corpus.settings,
        "actors": {a: {"aliases": aliases} for a, aliases in actors_from_table(table).items()},
    }
    copy = Corpus(
        corpus.documents, name=corpus.name, settings=settings, summary=corpus.summary, source=corpus.source
    )
    return copy, table
