"""Peak memory and time of loading one very large document, and of loading a large corpus.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_loading.py large-document [--megabytes 60] [--format txt]
    .venv/bin/python benchmarks/bench_loading.py corpus [--copies 5]

``large-document`` writes one generated news-like document of about ``--megabytes`` MB (a fixed seed;
curly quotes and dashes make it non-ASCII, so Python holds it at 2 bytes a character) to
``benchmarks/data/`` as .txt or .jsonl, then loads it with :func:`framing.load_corpus` in a child
process and prints the child's wall time and peak RSS (``getrusage``), and that peak as a multiple of
the file size. ``corpus`` does the same with ``../shared/data/allsides/dev.jsonl`` repeated
``--copies`` times (copy k of a record gets the id ``<id>~k``).

A child process that only imports the package peaks at about 110 MB; that floor is printed too.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data"
SOURCE = ROOT.parent / "shared" / "data" / "allsides" / "dev.jsonl"
WORDS = [
    *["the", "Kremlin", "blamed", "Ukraine", "for", "attack", "officials", "said"],
    "\u201cquoted\u201d",
    "\u2014",
    *["investigators", "may", "have", "found", "Advertisement", "suspects", "near", "border"],
]


def _large_document(megabytes: int, fmt: str) -> Path:
    path = DATA / f"large-document-{megabytes}mb.{fmt}"
    if path.exists():
        return path
    rng = random.Random(0)
    lines, size = [], 0
    while size < megabytes * 1_000_000:
        line = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 40))) + ".\n"
        lines.append(line)
        size += len(line)
    text = "".join(lines)
    DATA.mkdir(parents=True, exist_ok=True)
    if fmt == "txt":
        path.write_text(f"outlet: wire\ndate: 2024-03-22\n\n{text}", encoding="utf-8")
    else:
        record = {"id": "1", "outlet": "wire", "text": text}
        path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _repeated_corpus(copies: int, source_path: Path) -> Path:
    if not source_path.exists():
        sys.exit(f"{source_path} is absent: the corpus benchmark needs the shared AllSides data (--source)")
    path = DATA / f"allsides-dev_x{copies}.jsonl"
    if path.exists():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    with source_path.open(encoding="utf-8") as source, path.open("w", encoding="utf-8") as out:
        lines = source.readlines()
        for copy in range(copies):
            for line in lines:
                record = json.loads(line)
                if copy:
                    record["id"] = f"{record['id']}~{copy}"
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def _run(code: str) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of a child Python running ``code`` from the repository root."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
    wall = time.perf_counter() - started
    return wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024 / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = parser.add_subparsers(dest="what", required=True)
    large = sub.add_parser("large-document")
    large.add_argument("--megabytes", type=int, default=60)
    large.add_argument("--format", choices=["txt", "jsonl"], default="txt")
    corpus = sub.add_parser("corpus")
    corpus.add_argument("--copies", type=int, default=5)
    corpus.add_argument("--source", type=Path, default=SOURCE, help="the JSONL corpus to repeat")
    args = parser.parse_args()
    target = (
        DATA / f"large-document-{args.megabytes}mb.{args.format}"
        if args.what == "large-document"
        else DATA / f"allsides-dev_x{args.copies}.jsonl"
    )
    generated = not target.exists()
    path = (
        _large_document(args.megabytes, args.format)
        if args.what == "large-document"
        else _repeated_corpus(args.copies, args.source)
    )
    if generated:
        # Linux counts this process's own memory in a forked child's peak: measure from a fresh one.
        os.execv(sys.executable, [sys.executable, *sys.argv])
    _, floor = _run("import framing.corpus")
    wall, peak = _run(
        f"from framing import load_corpus; c = load_corpus({str(path)!r}); print(len(c), 'documents,', "
        "int(c.documents['tokens'].sum()), 'tokens')"
    )
    size = path.stat().st_size / 1e6
    print(
        f"{path.name}: {size:.0f} MB; load {wall:.1f} s; peak RSS {peak:.0f} MB ({peak / size:.1f}x the file)"
    )
    print(f"import-only floor: {floor:.0f} MB")


if __name__ == "__main__":
    main()
