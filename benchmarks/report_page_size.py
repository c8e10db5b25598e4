"""Size of the self-contained report page and of the report folder (goal: page under 5 MB at 4,000 articles).

Usage (from the repository root)::

    .venv/bin/python benchmarks/report_page_size.py [FILE] [--max-groups 12]

FILE defaults to the AllSides development set (``../shared/data/allsides/dev.jsonl``, 4,000 articles).
The report is written by this checkout (``python -m framing.cli report``) to a temporary folder; printed:
the bytes of ``index.html`` (charts inlined, evidence JSON, script), of each chart's PNG and SVG, of
``tables/`` and of the whole folder, and the number of sentences the evidence explorer embeds.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "data" / "allsides" / "dev.jsonl"
LIMIT = 5_000_000


def _bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--max-groups", type=int, default=12)
    options = parser.parse_args()
    if not options.file.is_file():
        print(f"{options.file}: not found (the AllSides development set lives in ../shared/data)")
        return 2
    with tempfile.TemporaryDirectory() as temporary:
        out = Path(temporary) / "report"
        command = [sys.executable, "-m", "framing.cli", "report", str(options.file), "-o", str(out),
                   "--quiet", "--max-groups", str(options.max_groups)]  # fmt: skip
        subprocess.run(command, cwd=ROOT, check=True)
        page = out / "index.html"
        text = page.read_text(encoding="utf-8")
        data = re.search(r'<script type="application/json" id="evidence-data">(.*?)</script>', text, re.S)
        sentences = sum(len(cell[2]) for cell in json.loads(data.group(1))["cells"]) if data else 0
        print(f"{options.file} (--max-groups {options.max_groups})")
        print(f"index.html      {page.stat().st_size:>12,} bytes  (limit {LIMIT:,})")
        embedded = len(data.group(1).encode()) if data else 0
        print(f"  evidence JSON {embedded:>12,} bytes, {sentences:,} sentences")
        for figure in sorted((out / "figures").iterdir()):
            print(f"  {figure.name:<28} {figure.stat().st_size:>12,} bytes")
        print(f"tables/         {_bytes(out / 'tables'):>12,} bytes")
        print(f"folder          {_bytes(out):>12,} bytes")
        return 0 if page.stat().st_size < LIMIT else 1


if __name__ == "__main__":
    raise SystemExit(main())
