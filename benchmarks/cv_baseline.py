"""Baseline for the features benchmark: scikit-learn's CountVectorizer counting the lexicon terms.

Run as its own process, so that its wall time and peak memory can be measured like those of
``framing features``::

    python benchmarks/cv_baseline.py corpus.jsonl counts.npz [--chunk-size 1000] [--ngram-max N]

It streams the JSONL file (``text`` field of each line), counts every term of the built-in lexicons
with ``CountVectorizer(vocabulary=terms, ngram_range=(1, longest term), lowercase=True)`` one chunk of
documents at a time, and writes the document x term count matrix (SciPy sparse ``.npz``) plus a JSON
sidecar (``counts.npz.json``) with the vocabulary size, documents, total matches and the terms that
the default token pattern can never produce (e.g. ``didn't``, which it splits into ``didn``).

This is what a researcher would write first with scikit-learn: no text cleaning, no sentence
splitting, no negation, no context rules, no overlap resolution. It is a yardstick of speed only.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Iterator
from pathlib import Path

import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer

from framing.lexicon import builtin_lexicons

# CountVectorizer's default; kept explicit so the report can say which terms it cannot reach.
TOKEN_PATTERN = r"(?u)\b\w\w+\b"


def lexicon_terms() -> list[str]:
    """Every distinct term of the built-in lexicons (negators included), lower-cased, one space apart."""
    entries = [entry for lexicon in builtin_lexicons() for entry in lexicon.entries]
    return sorted({" ".join(token.lower().rstrip("*") for token in entry.tokens) for entry in entries})


def iter_texts(path: Path) -> Iterator[str]:
    """The ``text`` field of every line of a JSONL file, read one line at a time."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line).get("text") or ""


def chunked(texts: Iterator[str], size: int) -> Iterator[list[str]]:
    batch: list[str] = []
    for text in texts:
        batch.append(text)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="JSONL file with a 'text' field per line")
    parser.add_argument("output", type=Path, help="where to write the count matrix (.npz)")
    parser.add_argument("--chunk-size", type=int, default=1000, help="documents per transform call")
    parser.add_argument(
        "--ngram-max",
        type=int,
        default=None,
        help="longest n-gram counted (default: the longest term; a shorter one misses longer terms)",
    )
    args = parser.parse_args(argv)

    terms = lexicon_terms()
    longest = max(len(term.split()) for term in terms)
    ngram_max = args.ngram_max or longest
    vectorizer = CountVectorizer(
        vocabulary=terms, ngram_range=(1, ngram_max), lowercase=True, token_pattern=TOKEN_PATTERN
    )
    token = re.compile(TOKEN_PATTERN)
    unreachable = [t for t in terms if " ".join(token.findall(t)) != t]
    parts = [vectorizer.transform(batch) for batch in chunked(iter_texts(args.corpus), args.chunk_size)]
    counts = sp.vstack(parts, format="csr") if parts else sp.csr_matrix((0, len(terms)))
    sp.save_npz(args.output, counts)
    summary = {
        "documents": counts.shape[0],
        "vocabulary": len(terms),
        "longest_term_tokens": longest,
        "ngram_range": [1, ngram_max],
        "total_matches": int(counts.sum()),
        "unreachable_terms": unreachable,
    }
    Path(str(args.output) + ".json").write_text(json.dumps(summary, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
