"""Digests of the matcher's output on a fixed sample of the shared data (run only for an intended change).

    .venv/bin/python tests/golden/shared_matches.py

For every JSONL file under ``../shared/data`` (``FRAMING_SHARED_DATA`` overrides the folder) the
``SAMPLE`` records whose SHA-256 of the id is smallest are matched with the built-in lexicons, and one
SHA-256 digest per record of everything the matcher returns (document tokens, sentence spans, tokens per
sentence, and each match's offsets, sentence, entry and negation) is written to
``tests/golden/shared_matches.json`` with the record id. The texts are not stored: the data must not be
copied into the repository. ``tests/test_shared_matches.py`` recomputes the digests, so a faster matcher
is checked against the output of the one it replaces on real news text.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path

from framing.lexicon import builtin_lexicons
from framing.matcher import CueMatcher

HERE = Path(__file__).resolve().parent
# ../shared/data next to the repository; FRAMING_SHARED_DATA points elsewhere (e.g. from a git worktree).
DATA = Path(os.environ.get("FRAMING_SHARED_DATA") or HERE.parents[1].parent / "shared" / "data")
GOLDEN = HERE / "shared_matches.json"
SAMPLE = 300


def _id_key(record_id: str) -> str:
    return hashlib.sha256(record_id.encode("utf-8")).hexdigest()


def sample(path: Path, size: int = SAMPLE) -> list[tuple[str, str]]:
    """(id, text) of the ``size`` records of ``path`` with the smallest SHA-256 of their id."""
    records = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                record = json.loads(line)
                records.append((str(record["id"]), record.get("text") or ""))
    records.sort(key=lambda r: _id_key(r[0]))
    return records[:size]


def digest(matcher: CueMatcher, text: str) -> str:
    """SHA-256 of everything :meth:`CueMatcher.match` returns for ``text`` (matched text included)."""
    found = matcher.match(text)
    lowered, sentences, matches = matcher._scan(text)  # the sentence-level path of ``extract``
    payload = {
        "tokens": found.tokens,
        "sentences": found.sentences,
        "sentence_tokens": found.sentence_tokens(),
        "matches": [
            [m.start, m.end, m.sentence_id, m.entry.term, m.entry.category, m.entry.subcategory, m.negated]
            for m in found.matches
        ],
        "texts_ok": all(m.text == text[m.start : m.end] for m in found.matches),
        "scan_equal": lowered == found.lowered and sentences == found.sentences and matches == found.matches,
    }
    return hashlib.sha256(json.dumps(payload, separators=(",", ":")).encode("utf-8")).hexdigest()


def files(data: Path = DATA) -> Iterator[Path]:
    """The JSONL files of the shared data, in a stable order."""
    yield from sorted(data.rglob("*.jsonl"))


def compute(data: Path = DATA, size: int = SAMPLE) -> dict[str, dict[str, str]]:
    """File (relative to ``data``) -> record id -> digest."""
    matcher = CueMatcher(builtin_lexicons())
    return {
        str(path.relative_to(data)): {rid: digest(matcher, text) for rid, text in sample(path, size)}
        for path in files(data)
    }


if __name__ == "__main__":
    from framing.io import open_atomic

    digests = compute()
    with open_atomic(GOLDEN) as handle:
        handle.write(json.dumps(digests, indent=1, sort_keys=True) + "\n")
    print(f"wrote {sum(len(d) for d in digests.values())} digests of {len(digests)} files to {GOLDEN}")
