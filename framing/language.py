"""The language of each document, detected without any model or download, or set by the corpus.

Detection (:func:`detect_language`) reads at most the first 4,000 characters of a text:

1. the **script**: the share of Cyrillic against Latin letters decides between the Cyrillic languages
   (``ru``, ``uk``) and the Latin ones (``en`` and, to report them as unsupported rather than score them
   as English, ``de``, ``fr``, ``es``);
2. within a script, **evidence** for each language: its frequent function words that the other
   languages of the script do not share (ru: что, это, от, как, он ...; uk: що, це, від, та, як ...;
   en: the, and, of ...), plus, for Russian and Ukrainian, the letters only one of them uses
   (ru: ы э ъ ё; uk: і ї є ґ), each occurrence one point.

The language with most points wins; with no evidence at all the script's main language is returned
(``ru`` for Cyrillic, ``en`` for Latin), and a text without letters is ``und`` (undetermined). A Latin
text is taken for German, French or Spanish only with clear evidence (3 points or more, and more than
twice English's), so that a short English sentence with a foreign name keeps the English lexicons.

The corpus may set the language instead (:func:`assign_languages`): a ``language`` column (a table
column or a ``language:`` line in a .txt header) wins, then ``[files."<doc_id>"] language`` in
``corpus.toml``, then ``[outlets.NAME] language``; the corpus-wide ``language = "..."`` applies to the
documents written in that language's script (a Cyrillic article in a corpus declared ``"en"`` keeps its
detected language, and the load summary says how many did).

>>> detect_language("Киев отверг обвинения, заявив, что это абсурд.")
'ru'
>>> detect_language("Київ відкинув звинувачення, заявивши, що це абсурд.")
'uk'
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from itertools import filterfalse
from typing import Any

import pandas as pd

__all__ = [
    "LANGUAGE_NAMES",
    "UNDETERMINED",
    "assign_languages",
    "detect_language",
    "document_languages",
    "language_scores",
    "script_of",
]

UNDETERMINED = "und"
#: Languages the detector knows, with their English names (for tables and warnings).
LANGUAGE_NAMES = {
    "en": "English",
    "ru": "Russian",
    "uk": "Ukrainian",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    UNDETERMINED: "undetermined",
}
_SCRIPT = {"en": "latin", "de": "latin", "fr": "latin", "es": "latin", "ru": "cyrillic", "uk": "cyrillic"}
_SAMPLE = 4000
_MIN_OTHER_LATIN = 3  # function words of German, French or Spanish needed to leave English

# Frequent words of news prose that the other languages of the same script do not share.
_WORDS = {
    "ru": "что это от как из он она они его её ее был была были было также после но все уже или только "
    "который которые которая году заявил заявила если когда где чтобы этого этом эти этой того ещё еще "
    "ли их при этом также же было бы нет",
    "uk": "що це від та як з зі із він вона вони його її був була були було також після але всі вже або "
    "тільки який які яка році заявив заявила якщо коли де щоб цього цьому ці цієї того ще чи їх щодо "
    "і й ж б немає",
    "en": "the and of to is that was for on it with as by said at he from his have be are were has not "
    "this an they which or had but after who its their been would will",
    "de": "der die und das ist nicht mit den von zu ein eine auf sich dem des auch wurde im nach bei",
    "fr": "le les et est une du dans qui pour pas sur au avec ont été ce il elle aux par",
    "es": "el los las y del por una con para es se su fue como al pero más sus le",
}
_PROFILES = {language: frozenset(words.split()) for language, words in _WORDS.items()}
# "и" is Russian only (Ukrainian writes "і"); "в", "не", "на", "за" are shared and count for neither.
_PROFILES["ru"] = _PROFILES["ru"] | {"и"}
_LETTERS = {"ru": "ыэъё", "uk": "іїєґ"}
_WORD_RE = re.compile(r"[^\W\d_]+(?:['’ʼ-][^\W\d_]+)*")
# The same words in an ASCII sample, found with C calls on its bytes (the regex costs ~50 ns a character):
# every byte but letters and the joiners ' and - becomes a space, so splitting gives runs of letters and
# joiners. A run of letters alone is a word of _WORD_RE; in a run with joiners, the words of _WORD_RE are
# the pieces between runs of two or more joiners (a single joiner between letters joins them), once the
# joiners at either end are removed.
_ASCII_WORD_BYTES = bytes(
    byte if byte < 128 and (chr(byte).isalpha() or chr(byte) in "'-") else ord(" ") for byte in range(256)
)
_ASCII_JOINERS = b"'-"
_ASCII_JOINER_RUN = re.compile(rb"['-]{2,}")
_ASCII_PROFILES = {
    language: frozenset(word.encode("ascii") for word in words if word.isascii())
    for language, words in _PROFILES.items()
}
_ASCII_PROFILE_WORDS = frozenset().union(*_ASCII_PROFILES.values())
_ASCII_LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_CYRILLIC_LEADS = (b"\xd0", b"\xd1", b"\xd2", b"\xd3")
_LATIN_LEADS = (b"\xc3", b"\xc4", b"\xc5", b"\xc6", b"\xc7", b"\xc8")
_LATIN_C9 = re.compile(rb"\xc9[\x80-\x8f]")
# A first look at this many characters decides when one language has at least _QUICK_MIN_POINTS and
# _QUICK_LEAD times the next one's; the whole sample is read otherwise.
_QUICK_SAMPLE = 1000
_QUICK_MIN_POINTS = 12
_QUICK_LEAD = 4
# texts whose samples are taken, and detected, at a time (a whole corpus's texts are not all read at once)
_DETECT_BLOCK = 2000


def script_of(language: str) -> str | None:
    """``"latin"`` or ``"cyrillic"`` for a known language code, else ``None``."""
    return _SCRIPT.get(language)


def _script_counts(sample: str) -> tuple[int, int]:
    """Cyrillic and Latin letters of ``sample``, counted on its UTF-8 bytes (C speed, no regex).

    Cyrillic is U+0400-U+04FF (lead bytes D0-D3); Latin is A-Z, a-z and U+00C0-U+024F (lead bytes C3-C8,
    or C9 with a continuation byte below 0x90).
    """
    data = sample.encode("utf-8")
    latin = len(data) - len(data.translate(None, _ASCII_LETTERS))
    if data.isascii():
        return 0, latin
    cyrillic = sum(map(data.count, _CYRILLIC_LEADS))
    latin += sum(map(data.count, _LATIN_LEADS))
    if b"\xc9" in data:
        latin += len(_LATIN_C9.findall(data))
    return cyrillic, latin


def _scores(sample: str, candidates: list[str]) -> dict[str, int]:
    if sample.isascii():
        counts: Counter[Any] = _ascii_profile_counts(sample)
        profiles = _ASCII_PROFILES
    else:
        sample = sample.replace("’", "'").replace("ʼ", "'")
        counts = Counter(_WORD_RE.findall(sample))
        profiles = _PROFILES
    words = counts.keys()
    scores = {language: sum(map(counts.__getitem__, profiles[language] & words)) for language in candidates}
    for language, letters in _LETTERS.items():
        if language in scores:
            scores[language] += sum(sample.count(letter) for letter in letters)
    return scores


def _ascii_profile_counts(sample: str) -> Counter[bytes]:
    """How often each (ASCII) profile word is a word of ``_WORD_RE`` in the ASCII ``sample``."""
    runs = sample.encode("ascii").translate(_ASCII_WORD_BYTES).split()
    counts = Counter(filter(_ASCII_PROFILE_WORDS.__contains__, runs))  # no profile word has a joiner
    for run in filterfalse(bytes.isalpha, runs):
        for piece in _ASCII_JOINER_RUN.split(run.strip(_ASCII_JOINERS)):
            if piece in _ASCII_PROFILE_WORDS:
                counts[piece] += 1
    return counts


def language_scores(text: str) -> dict[str, int]:
    """Evidence points per candidate language of the text's script (see the module docstring).

    Empty when the text has no letters.
    """
    sample = text[:_SAMPLE].lower()
    cyrillic, latin = _script_counts(sample)
    if not cyrillic and not latin:
        return {}
    script = "cyrillic" if cyrillic > latin else "latin"
    return _scores(sample, [language for language, s in _SCRIPT.items() if s == script])


def _decide(scores: dict[str, int]) -> str:
    default = "ru" if "ru" in scores else "en"
    best = max(scores.values())
    if best == 0:
        return default
    # The script's main language wins ties, then the order of the profiles.
    if scores[default] == best:
        return default
    chosen = next(language for language, score in scores.items() if score == best)
    if default == "en" and best < max(_MIN_OTHER_LATIN, 2 * scores["en"] + 1):
        # A short English text with a foreign name ("Le Pen said ...") must not lose its lexicons: another
        # Latin language needs clear evidence.
        return default
    return chosen


def detect_language(text: str) -> str:
    """The language code of ``text``: ``en``, ``ru``, ``uk``, ``de``, ``fr``, ``es`` or ``und`` (no letters).

    Russian/Ukrainian ties (no distinctive word or letter) give ``ru``, Latin ties ``en``.
    """
    if not isinstance(text, str):
        return UNDETERMINED
    sample = text[:_SAMPLE].lower()
    cyrillic, latin = _script_counts(sample)
    if not cyrillic and not latin:
        return UNDETERMINED
    script = "cyrillic" if cyrillic > latin else "latin"
    candidates = [language for language, s in _SCRIPT.items() if s == script]
    if len(sample) > _QUICK_SAMPLE:
        # Reading words is most of the cost: the first characters usually settle it (one language far
        # ahead of every other); only a close call reads the whole sample.
        quick = _scores(sample[:_QUICK_SAMPLE], candidates)
        ranked = sorted(quick.values(), reverse=True)
        if ranked[0] >= _QUICK_MIN_POINTS and ranked[0] >= _QUICK_LEAD * ranked[1]:
            return _decide(quick)
    return _decide(_scores(sample, candidates))


def _normalise(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return None
    code = str(value).strip().lower()
    return code or None


def document_languages(documents: pd.DataFrame) -> list[str]:
    """The language of every row of a documents table: its ``language`` column, else detected."""
    if "language" in documents.columns:
        given = [_normalise(v) for v in documents["language"].tolist()]
        texts = documents["text"].tolist()
        return [g if g is not None else detect_language(t) for g, t in zip(given, texts, strict=True)]
    return [detect_language(t) for t in documents["text"].tolist()]


def _samples(texts: Any, rows: list[int]) -> Iterator[list[str]]:
    """The first _SAMPLE characters of the texts of ``rows``, a block of texts read at a time."""
    for start in range(0, len(rows), _DETECT_BLOCK):
        yield [
            t[:_SAMPLE] if isinstance(t, str) else t for t in texts.take(rows[start : start + _DETECT_BLOCK])
        ]


def _detect_block(samples: Any) -> list[str]:
    """The language of each sample (a list of texts, or a :class:`framing.spool.DocumentTexts` that a
    worker process reads itself)."""
    if not isinstance(samples, list):
        samples = [t[:_SAMPLE] if isinstance(t, str) else t for t in samples]
    return [detect_language(sample) for sample in samples]


def _detect_all(texts: Any, rows: list[int], jobs: int) -> list[str]:
    """:func:`detect_language` of the texts of ``rows``, in order, in ``jobs`` processes.

    Detection reads the first _SAMPLE characters only: only those go to a worker, and the texts are
    read a block at a time, so only a few blocks of samples are held. The texts of a spooled table are
    read by the workers themselves (each is sent its rows' place in the spool).
    """
    from concurrent.futures import ProcessPoolExecutor

    from framing.parallel import MIN_PARALLEL_DOCUMENTS, submitted_in_order

    if jobs <= 1 or len(rows) < MIN_PARALLEL_DOCUMENTS:
        return [language for block in _samples(texts, rows) for language in _detect_block(block)]
    if texts.spooled:
        blocks: Iterable[Any] = (
            texts.subset(rows[start : start + _DETECT_BLOCK]) for start in range(0, len(rows), _DETECT_BLOCK)
        )
    else:
        blocks = _samples(texts, rows)
    detected: list[str] = []
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        calls = ((None, (block,)) for block in blocks)
        for _, languages in submitted_in_order(pool, _detect_block, calls, ahead=2 * jobs):
            detected += languages
    return detected


def assign_languages(
    documents: pd.DataFrame, settings: Mapping[str, Any], *, jobs: int = 1, texts: Any = None
) -> list[str]:
    """Set ``documents["language"]`` from the column, ``corpus.toml`` and detection (module docstring).

    Returns one warning line per kind of disagreement worth reporting in the load summary (documents
    whose detected script contradicts the corpus-wide ``language``). ``jobs > 1`` detects in that many
    processes (same result). ``texts`` (a :class:`framing.spool.DocumentTexts`, e.g. of a spooled
    table without a ``text`` column) gives the texts, read a block at a time; default: the ``text``
    column. Detection reads each text's first 4,000 characters, so only those of a block are held.
    """
    from framing.spool import DocumentTexts

    files = settings.get("files", {}) if isinstance(settings.get("files"), Mapping) else {}
    outlets = settings.get("outlets", {}) if isinstance(settings.get("outlets"), Mapping) else {}
    corpus_wide = _normalise(settings.get("language"))
    column = documents["language"].tolist() if "language" in documents.columns else [None] * len(documents)
    given_languages: list[str | None] = []
    for given, doc_id, outlet in zip(
        column, documents["doc_id"].tolist(), documents["outlet"].tolist(), strict=True
    ):
        chosen = _normalise(given)
        if chosen is None:
            spec = files.get(str(doc_id))
            chosen = _normalise(spec.get("language")) if isinstance(spec, Mapping) else None
        if chosen is None:
            spec = outlets.get(outlet)
            chosen = _normalise(spec.get("language")) if isinstance(spec, Mapping) else None
        given_languages.append(chosen)
    undecided = [i for i, chosen in enumerate(given_languages) if chosen is None]
    if texts is None:
        texts = DocumentTexts(documents)
    detected = _detect_all(texts, undecided, jobs)
    detected_languages = dict(zip(undecided, detected, strict=True))
    del detected
    languages: list[str] = []
    kept_detected = 0
    for i, chosen in enumerate(given_languages):
        if chosen is None:
            detected = detected_languages[i]
            if corpus_wide is None or corpus_wide == detected:
                chosen = detected
            elif detected == UNDETERMINED or script_of(detected) == script_of(corpus_wide):
                chosen = corpus_wide
            else:
                chosen = detected
                kept_detected += 1
        languages.append(chosen)
    documents["language"] = languages
    warnings = []
    if kept_detected:
        warnings.append(
            f"{kept_detected} documents are not in the script of the corpus language {corpus_wide!r}; "
            "their detected language was kept (set [outlets.NAME] language to override)"
        )
    return warnings
