"""CPU time and peak extra memory of near-duplicate detection (:func:`framing.dedup.find_duplicates`).

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_dedup.py [CORPUS.jsonl] [--jobs 1 2] [--repeat 3] [--reference OLD.py]

CORPUS defaults to ``benchmarks/data/allsides-dev_x1.jsonl`` (4,000 AllSides articles; ``bench_features.py``
writes it and ``allsides-dev_x5.jsonl``, where every text appears 5 times). The texts are read from the
file as they are (the loader cleans them first, so its marks can differ slightly). Each ``--jobs`` value
runs in a child process ``--repeat`` times; the table gives the smallest CPU seconds of the call (the
process and its worker processes, user + system), its smallest wall seconds, the peak RSS it added over
the table already loaded (MB, first run; Linux: the peak is reset through /proc/self/clear_refs; worker
processes not counted) and the number of documents marked as copies.

``--reference OLD.py`` also times the ``find_duplicates`` of another copy of the module (e.g.
``git show main~5:framing/dedup.py > /tmp/old_dedup.py``, run with ``jobs`` 1) and checks that every run
marks the same documents.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import importlib.util
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "benchmarks" / "data" / "allsides-dev_x1.jsonl"


def _status(field: str) -> int:
    """A field of /proc/self/status, in kB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def _reset_peak() -> int:
    """Reset the peak RSS (VmHWM) to the current RSS (Linux: /proc/self/clear_refs) and return it, in kB."""
    Path("/proc/self/clear_refs").write_text("5")
    return _status("VmHWM")


def _child(path: Path, jobs: int, reference: Path | None) -> None:
    sys.path.insert(0, str(ROOT))  # this checkout's package, not the one installed in the virtualenv
    import pandas as pd

    from framing.dedup import find_duplicates

    if reference is not None:
        spec = importlib.util.spec_from_file_location("reference_dedup", reference)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        find_duplicates = module.find_duplicates

    with path.open(encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    documents = pd.DataFrame(
        {
            "doc_id": [str(r.get("id", i)) for i, r in enumerate(records)],
            "text": [r.get("text") or "" for r in records],
            "date": pd.to_datetime([r.get("date") for r in records], errors="coerce", utc=True),
        }
    )
    del records
    gc.collect()
    before = _reset_peak()
    cpu = time.process_time()
    wall = time.perf_counter()
    marks = find_duplicates(documents, **({"jobs": jobs} if jobs > 1 else {}))
    wall = time.perf_counter() - wall
    cpu = time.process_time() - cpu
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu += children.ru_utime + children.ru_stime
    extra = (_status("VmHWM") - before) * 1024 / 1e6
    copies = int(marks.notna().sum())
    digest = hashlib.sha256(json.dumps(marks.tolist()).encode()).hexdigest()
    print(json.dumps({"cpu": cpu, "wall": wall, "extra_mb": extra, "copies": copies, "marks": digest}))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reference", type=Path, help="another dedup.py to time and compare with")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        _child(args.corpus, args.child, args.reference)
        return
    if not args.corpus.exists():
        sys.exit(f"{args.corpus} not found: run benchmarks/bench_features.py first, or name a JSONL corpus")
    print(args.corpus.name)
    print(f"{'code':>9} {'jobs':>4} {'CPU s':>7} {'wall s':>7} {'extra MB':>9} {'copies':>7}")
    marks = set()
    for code in ["reference", "this"] if args.reference else ["this"]:
        for jobs in [1] if code == "reference" else args.jobs:
            runs = []
            for _ in range(args.repeat):
                command = [sys.executable, __file__, str(args.corpus), "--child", str(jobs)]
                if code == "reference":
                    command += ["--reference", str(args.reference.resolve())]
                output = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT).stdout
                runs.append(json.loads(output.splitlines()[-1]))
            marks.update(run["marks"] for run in runs)
            best = min(runs, key=lambda run: run["cpu"])
            print(
                f"{code:>9} {jobs:>4} {best['cpu']:>7.2f} {min(r['wall'] for r in runs):>7.2f} "
                f"{runs[0]['extra_mb']:>9.0f} {best['copies']:>7}"
            )
    print("marks: the same in every run" if len(marks) == 1 else "marks DIFFER between runs")


if __name__ == "__main__":
    main()
