"""Per-token matching time of Russian and Ukrainian documents next to English ones (issue 12: goal <= 2x).

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_languages.py [--tokens 200000] [--repeat 5] [--corpus corpora/crocus]

Each language gets a corpus of about ``--tokens`` word tokens: the Crocus demo corpus's documents of
that language when it has some (``corpora/crocus``), else hand-written news sentences below (written
for this benchmark), shuffled into documents of about 480 words (the Crocus articles' mean). The
measured step is :func:`framing.extract` on the documents table (tokenising, sentence splitting,
language lookup, matching every lexicon, counting), after one warm-up run; the matcher is compiled
once beforehand and its build time, which includes generating the inflected forms of the Russian and
Ukrainian entries, is printed apart.

Printed: median seconds per run, microseconds per word token, matches per 1,000 tokens, and the ratio
of each language's per-token time to English's.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import framing  # noqa: E402
from framing.features import build_matcher, extract  # noqa: E402
from framing.text import count_words  # noqa: E402

SENTENCES = {
    "ru": [
        "Вечером 22 марта вооруженные люди открыли огонь в концертном зале в Подмосковье.",
        "По данным следствия, погибли более ста сорока человек, сотни получили ранения.",
        "Ответственность за нападение взяла на себя группировка Исламское государство.",
        "Кремль тем не менее обвинил Украину в причастности к теракту, не представив доказательств.",
        "Киев отверг обвинения и назвал их абсурдными и заранее спланированной провокацией.",
        "Президент заявил, что за терактом якобы стоят те, кто воюет с Россией руками киевского режима.",
        "Задержанные, по-видимому, пытались выехать в сторону границы, сообщили в ФСБ.",
        "Эксперты считают, что версия об украинском следе остается неподтвержденной.",
        "Это было зверское, кровавое преступление, настоящая бойня, заявили очевидцы.",
        "Вероятно, нападавшие готовились несколько недель, однако мотивы пока не установлены.",
        "Родственники погибших несли цветы к мемориалу, в городе объявлен траур.",
        "Независимые журналисты напомнили, что американские власти предупреждали о возможной угрозе.",
        "Несомненно, расследование займет месяцы, а его выводы будут оспаривать.",
        "Так называемые эксперты на государственном телевидении повторяли версию о западном заговоре.",
        "Суд арестовал четырех обвиняемых, их доставили в зал с явными следами побоев.",
    ],
    "uk": [
        "Увечері 22 березня озброєні люди відкрили вогонь у концертній залі під Москвою.",
        "Відповідальність за напад взяла на себе угруповання Ісламська держава.",
        "Кремль нібито звинуватив Україну, не надавши жодних доказів.",
        "Київ відкинув звинувачення і назвав їх брехнею та провокацією.",
        "За даними розвідки, напад готувався кілька тижнів.",
        "Це кривава трагедія, заявили свідки, і жахливе злочинне вбивство.",
        "Ймовірно, російська влада використає теракт для нової мобілізації.",
        "Безсумнівно, розслідування триватиме місяці.",
    ],
}


def texts_of(language: str, tokens: int, seed: int, crocus: Path) -> list[str]:
    """About ``tokens`` word tokens of ``language`` as a list of documents."""
    base: list[str] = []
    if crocus.exists():
        documents = framing.load_corpus(crocus).documents
        base = documents.loc[documents["language"] == language, "text"].tolist()
    if not base and language in SENTENCES:
        rng = random.Random(seed)
        pool = SENTENCES[language]
        base = []
        for _ in range(40):
            picked = [rng.choice(pool) for _ in range(40)]  # about the length of a Crocus article
            base.append(" ".join(picked))
    if not base:
        raise SystemExit(f"no {language} text to benchmark")
    out: list[str] = []
    total = 0
    while total < tokens:
        for text in base:
            out.append(text)
            total += count_words(text)
            if total >= tokens:
                break
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tokens", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpora" / "crocus", help="corpus folder")
    args = parser.parse_args()

    started = time.perf_counter()
    matcher = build_matcher()
    build = time.perf_counter() - started
    print(
        f"matcher build (all lexicons, inflected forms generated): {build:.2f} s, "
        f"{len(matcher.entries)} entries"
    )
    rows = []
    for language in ("en", "ru", "uk"):
        texts = texts_of(language, args.tokens, args.seed, args.corpus)
        documents = pd.DataFrame(
            {"doc_id": [str(i) for i in range(len(texts))], "text": texts, "language": language}
        )
        extract(documents.head(50), matcher=matcher)  # warm-up: caches, lazy imports
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            table = extract(documents, matcher=matcher)
            times.append(time.perf_counter() - started)
        tokens = int(table["tokens"].sum())
        matches = int(sum(table[f"{f}_count"].sum() + table[f"{f}_negated"].sum() for f in matcher.families))
        median = statistics.median(times)
        rows.append((language, len(texts), tokens, median, 1e6 * median / tokens, 1000 * matches / tokens))
    english = rows[0][4]
    print(
        f"{'language':<9}{'documents':>10}{'tokens':>9}{'median s':>10}{'us/token':>10}"
        f"{'matches/1k':>11}{'vs en':>7}"
    )
    for language, documents, tokens, median, per_token, rate in rows:
        print(
            f"{language:<9}{documents:>10}{tokens:>9}{median:>10.3f}{per_token:>10.2f}{rate:>11.1f}"
            f"{per_token / english:>7.2f}"
        )


if __name__ == "__main__":
    main()
