"""Inflected forms of Russian and Ukrainian lexicon terms and actor aliases.

Russian and Ukrainian inflect heavily (Украина / Украины / Украину / Украиной; обвинил / обвинила /
обвинили), so a lexicon written in dictionary forms would miss most occurrences. The toolkit does not
lemmatise the texts; it **generates the inflected forms of the entries once**, when a matcher is
compiled, and matches them as literal tokens. Why:

* the matching stays the one pass of :mod:`framing.matcher` at C speed, so a Russian token costs what
  an English one does (lemmatising every token at run time costs a dictionary look-up per word type
  and breaks the character offsets every match row and example sentence depends on);
* the forms come from a dictionary (``pymorphy3`` with the OpenCorpora Russian dictionary and the
  Ukrainian dictionary, packaged data, no download), so they are exact: a stem pattern such as
  ``обвин*`` would also match the noun ``обвинение`` and unrelated words sharing a short stem.

Rules of generation (:func:`expand_term`), each word type parsed once and cached:

* one word: every form of its lexeme (the dictionary's first analysis), if the word inflects;
* several words with a verb (``возложить ответственность``, ``стоять за``): the verb's forms, the
  other words as written (their case is governed by the verb);
* several words starting with a preposition and without a verb (``по данным``, ``по словам``): as
  written (fixed phrases);
* other phrases (``киевский режим``, ``абсурдные обвинения``): the declinable words together in each
  case and number, so adjective and noun agree;
* a word with ``*``, digits or Latin letters, and entries with the rule ``exact``: as written.

Without ``pymorphy3`` and the language's dictionary (``pip install 'framing[ru]'``, ``'framing[uk]'``;
the Ukrainian dictionary is a separate extra because its data is GPLv3) a fallback warns once and turns
each inflecting word of four letters or more into a stem pattern (NLTK's Snowball stemmer for Russian,
a list of Ukrainian endings for Ukrainian): more matches, some wrong, never silently none.
"""

from __future__ import annotations

import itertools
import logging
import re
import warnings
from functools import lru_cache
from typing import Any

__all__ = ["MORPHOLOGY_LANGUAGES", "alias_forms", "backend", "expand_term", "word_forms"]

log = logging.getLogger(__name__)

#: Languages whose lexicon entries and actor aliases are expanded to their inflected forms.
MORPHOLOGY_LANGUAGES = ("ru", "uk")
_CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")
_NUMBERS = ("sing", "plur")
_INFLECTING = {"NOUN", "ADJF", "ADJS", "COMP", "VERB", "INFN", "PRTF", "PRTS", "GRND", "NUMR", "NPRO"}
_DECLINABLE = {"NOUN", "ADJF", "PRTF", "NUMR"}
_VERBAL = {"VERB", "INFN"}
_CYRILLIC_WORD = re.compile(r"^[\u0400-\u04ff'-]+$")
_MAX_PHRASE_FORMS = 400
_UK_ENDING_TEXT = "ами ями ові еві ого ому ими ій ої ою ею ів їв ах ях ам ям ом ем им ий ая яя ти ть ла ли ло"
_UK_ENDINGS = sorted(
    [*_UK_ENDING_TEXT.split(" "), "в", "а", "я", "о", "е", "и", "і", "у", "ю", "ь"], key=len, reverse=True
)
_warned = False


@lru_cache(maxsize=4)
def _analyzer(language: str) -> Any:
    """The pymorphy3 analyser of a language, or None when it (or its dictionary) is not installed."""
    try:
        import pymorphy3
    except ImportError:
        return None
    try:
        return pymorphy3.MorphAnalyzer(lang=language)
    except (ValueError, OSError, KeyError):  # the dictionary package of that language is missing
        return None


def backend(language: str) -> str:
    """``"pymorphy3"`` when the dictionary of ``language`` is installed, else ``"stem"`` (the fallback)."""
    return "pymorphy3" if _analyzer(language) is not None else "stem"


def _warn_fallback(language: str) -> None:
    global _warned
    if not _warned:
        _warned = True
        message = (
            f"pymorphy3 or its {language!r} dictionary is not installed: Russian/Ukrainian lexicon entries "
            "and actor aliases are matched by stem patterns (more approximate); install it with "
            f"pip install 'framing[{'uk' if language == 'uk' else 'ru'}]'"
        )
        warnings.warn(message, RuntimeWarning, stacklevel=3)
        log.warning(message)


@lru_cache(maxsize=1)
def _snowball() -> Any:
    from nltk.stem.snowball import SnowballStemmer

    return SnowballStemmer("russian")


def _stem(word: str, language: str) -> str:
    if language == "ru":
        return _snowball().stem(word)
    for ending in _UK_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


def _fold(word: str) -> str:
    return word.lower().replace("ё", "е").replace("’", "'").replace("ʼ", "'")


def _inflects(token: str) -> bool:
    return not token.endswith("*") and bool(_CYRILLIC_WORD.match(token))


@lru_cache(maxsize=50_000)
def _parse(word: str, language: str) -> Any:
    """The analysis of a lexicon word: entries are written in dictionary form, so the most likely parse
    whose lemma is the word itself and that inflects (*данные* the noun, not a participle of *дать*),
    else the most likely parse."""
    analyzer = _analyzer(language)
    if analyzer is None:
        return None
    parses = analyzer.parse(word)
    for parse in parses:
        if _fold(parse.normal_form) == word and parse.tag.POS in _INFLECTING:
            return parse
    return parses[0]


@lru_cache(maxsize=50_000)
def word_forms(word: str, language: str) -> tuple[str, ...]:
    """Every inflected form of ``word`` (lower-cased, ё folded to е), the word itself first.

    With the stem fallback: the word and its stem pattern (``"обвин*"``). A word that does not inflect
    (prepositions, particles, unknown parts of speech) gives only itself.
    """
    folded = _fold(word)
    if not _inflects(folded):
        return (folded,)
    parse = _parse(folded, language)
    if parse is None:
        _warn_fallback(language)
        if len(folded) < 4:
            return (folded,)
        stem = _stem(folded, language)
        return (folded,) if stem == folded or len(stem) < 3 else (folded, stem + "*")
    if parse.tag.POS not in _INFLECTING:
        return (folded,)
    forms = [folded] + [_fold(form.word) for form in parse.lexeme]
    return tuple(dict.fromkeys(f for f in forms if len(f) >= 2))


def _declined(word: str, language: str) -> dict[tuple[str, str], str]:
    """(case, number) -> form of a declinable word; empty when the word does not decline."""
    parse = _parse(word, language)
    if parse is None or parse.tag.POS not in _DECLINABLE:
        return {}
    out: dict[tuple[str, str], str] = {}
    for case, number in itertools.product(_CASES, _NUMBERS):
        try:
            form = parse.inflect({case, number}) or (parse.inflect({case}) if number == "sing" else None)
        except ValueError:  # a grammeme this dictionary's tag set lacks
            form = None
        if form is not None:
            out[(case, number)] = _fold(form.word)
    return out


@lru_cache(maxsize=20_000)
def expand_term(tokens: tuple[str, ...], language: str) -> tuple[tuple[str, ...], ...]:
    """The token sequences that stand for the term ``tokens`` in ``language`` (module docstring rules).

    The term as written comes first. Languages other than ``ru`` and ``uk`` are returned unchanged.
    """
    tokens = tuple(_fold(t) if not t.endswith("*") else t for t in tokens)
    if language not in MORPHOLOGY_LANGUAGES or not any(_inflects(t) for t in tokens):
        return (tokens,)
    if len(tokens) == 1:
        return tuple((form,) for form in word_forms(tokens[0], language))
    if _analyzer(language) is None:
        # The fallback: each inflecting word of the phrase by its stem pattern (prepositions kept).
        return tuple(dict.fromkeys([tokens, tuple(word_forms(t, language)[-1] for t in tokens)]))
    parses = [_parse(t, language) if _inflects(t) else None for t in tokens]
    kinds = [p.tag.POS if p is not None else None for p in parses]
    if kinds[0] == "PREP" and not any(kind in _VERBAL for kind in kinds):
        return (tokens,)
    found: list[tuple[str, ...]] = [tokens]
    if any(kind in _VERBAL for kind in kinds):
        choices = [
            word_forms(t, language) if kind in _VERBAL else (t,)
            for t, kind in zip(tokens, kinds, strict=True)
        ]
        for combination in itertools.product(*choices):
            found.append(combination)
            if len(found) >= _MAX_PHRASE_FORMS:
                break
    else:
        declined = [
            _declined(t, language) if kind in _DECLINABLE else {}
            for t, kind in zip(tokens, kinds, strict=True)
        ]
        for key in itertools.product(_CASES, _NUMBERS):
            if any(d and key not in d for d in declined):
                continue
            found.append(tuple(d[key] if d else t for t, d in zip(tokens, declined, strict=True)))
    return tuple(dict.fromkeys(found))


@lru_cache(maxsize=10_000)
def alias_forms(alias: str) -> tuple[str, ...]:
    """Lower-cased forms of a Cyrillic actor alias in Russian and Ukrainian (``Украина`` -> ``украины``,
    ``украину``, ...; ``Исламское государство`` -> ``исламского государства``, ...), the alias first.

    An alias may be written in either language, so the forms of both dictionaries are pooled; stem
    patterns (the fallback without pymorphy3) are not used for aliases, which then match as written.
    Forms of fewer than three letters are left out (they would match common words).
    """
    tokens = tuple(_fold(t) for t in alias.split())
    forms: list[str] = [" ".join(tokens)]
    # The dictionaries that know every word of the alias; else the one its letters point to (unknown
    # names are then inflected by the dictionary's guesser, as a noun of that shape would be).
    available = [language for language in MORPHOLOGY_LANGUAGES if _analyzer(language) is not None]
    languages = [
        language
        for language in available
        if all(_analyzer(language).word_is_known(t) for t in tokens if _inflects(t))
    ]
    if not languages:
        guess = "uk" if re.search("[іїєґ]", alias.lower()) else "ru"
        languages = [guess] if guess in available else []
    for language in languages:
        for variant in expand_term(tokens, language):
            if not any(t.endswith("*") for t in variant) and len("".join(variant)) >= 3:
                forms.append(" ".join(variant))
    return tuple(dict.fromkeys(forms))
