"""Time the corpus store: ingest, a second ingest of new documents, incremental features, Dask vs in-process.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_store.py [--repeat 3] [--workers 2]

Input: the AllSides development set (``../shared/data/allsides/dev.jsonl``, 4,000 news articles), split
in file order into a first 90% (``base``) and the last 10% (``new``), written to ``benchmarks/data/``.
Every step runs as a whole process (interpreter start-up, imports, reading and writing included), on a
fresh store in each repetition; the table shows medians over the repetitions:

1. ``framing ingest base --store S``: load, clean, find syndicated copies, write Parquet;
2. ``framing features S -o f.csv``: every document measured (empty feature cache);
3. ``framing ingest new --store S``: append 10% new documents (syndication recomputed over all);
4. ``framing features S -o f.csv``: only the new documents measured, the rest read from the cache;
5. ``framing features S -o f.csv`` again: everything from the cache;
6. ``CorpusStore.features(cache=False)`` in process (``--jobs 1`` and ``--jobs N``) and with
   ``engine="dask"`` on a LocalCluster of N single-threaded worker processes started by the call:
   every document measured (the LocalCluster start is inside the timed process); the three tables
   must be equal (checked).

Measured per run: wall time (s); peak RSS (MB) of the largest single process (``getrusage`` of the
reaped child); RSS sum (MB) of the process tree (Dask's scheduler and worker processes included),
sampled every 0.1 s. Results are printed as a table and written as JSON to ``benchmarks/results/``.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from bench_features import DATA, RESULTS, ROOT, SOURCE, run_process

LAUNCH = [sys.executable, "-c", "import sys; from framing.cli import app; sys.argv[0] = 'framing'; app()"]
MEASURE = """
import sys
from framing.store import open_store
store, engine, jobs, output = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
if engine == "dask":
    from distributed import LocalCluster
    with LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None) as c:
        table = open_store(store).features(engine="dask", scheduler=c.scheduler_address, cache=False)
else:
    table = open_store(store).features(jobs=jobs, cache=False)
table.to_parquet(output)
"""
# In a child process: this script stays small (a forked child's peak RSS counts its parent's pages).
COMPARE = """
import sys
import pandas as pd
reference = pd.read_parquet(sys.argv[1])
for other in sys.argv[2:]:
    pd.testing.assert_frame_equal(pd.read_parquet(other), reference)
"""


def split_source(source: Path, share_new: float = 0.1) -> tuple[Path, Path, int, int]:
    """The first (1 - share_new) of the records into ``base``, the rest into ``new`` (file order)."""
    lines = [line for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    cut = round(len(lines) * (1 - share_new))
    DATA.mkdir(parents=True, exist_ok=True)
    base, new = DATA / "allsides-base.jsonl", DATA / "allsides-new.jsonl"
    base.write_text("\n".join(lines[:cut]) + "\n", encoding="utf-8")
    new.write_text("\n".join(lines[cut:]) + "\n", encoding="utf-8")
    return base, new, cut, len(lines) - cut


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="worker processes (--jobs and Dask workers)")
    parser.add_argument("--source", type=Path, default=SOURCE, help="JSONL articles (default: AllSides dev)")
    arguments = parser.parse_args()
    if not arguments.source.exists():
        sys.exit(f"error: {arguments.source} is missing (the AllSides file of ../shared/data)")
    base, new, n_base, n_new = split_source(arguments.source)
    n = arguments.workers
    steps = [
        ("ingest base (90%)", n_base),
        ("features, empty cache", n_base),
        ("ingest new (10%)", n_new),
        ("features, incremental", n_new),
        ("features, all cached", 0),
        ("in process --jobs 1, no cache", n_base + n_new),
        (f"in process --jobs {n}, no cache", n_base + n_new),
        (f"dask, LocalCluster {n} workers, no cache", n_base + n_new),
    ]
    runs: dict[str, list] = {name: [] for name, _ in steps}
    for repetition in range(arguments.repeat):
        with tempfile.TemporaryDirectory(prefix="bench-store-") as folder:
            work = Path(folder)
            store = work / "store"
            out = work / "features.csv"
            commands = [
                [*LAUNCH, "ingest", str(base), "--store", str(store), "--quiet"],
                [*LAUNCH, "features", str(store), "-o", str(out), "--quiet"],
                [*LAUNCH, "ingest", str(new), "--store", str(store), "--quiet"],
                [*LAUNCH, "features", str(store), "-o", str(out), "--quiet"],
                [*LAUNCH, "features", str(store), "-o", str(out), "--quiet"],
            ]
            for (name, _), command in zip(steps[:5], commands, strict=True):
                runs[name].append(run_process(command, out))
            engines = [("local", 1), ("local", n), ("dask", n)]
            for (name, _), (engine, jobs) in zip(steps[5:], engines, strict=True):
                table = work / f"{engine}-{jobs}.parquet"
                command = [sys.executable, "-c", MEASURE, str(store), engine, str(jobs), str(table)]
                runs[name].append(run_process(command, table))
            tables = [str(work / f"{engine}-{jobs}.parquet") for engine, jobs in engines]
            subprocess.run([sys.executable, "-c", COMPARE, *tables], check=True, cwd=ROOT)
            shutil.rmtree(store, ignore_errors=True)
        print(f"repetition {repetition + 1}/{arguments.repeat} done", file=sys.stderr)

    rows = []
    for name, documents in steps:
        wall = statistics.median(r.wall_s for r in runs[name])
        rows.append(
            {
                "step": name,
                "documents measured or written": documents,
                "median s": round(wall, 2),
                "docs/s": round(documents / wall) if documents else None,
                "peak RSS MB": round(statistics.median(r.peak_rss_mb for r in runs[name])),
                "RSS sum MB": round(statistics.median(r.peak_rss_sum_mb for r in runs[name])),
            }
        )
    header = list(rows[0])
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join("" if row[h] is None else str(row[h]) for h in header) + " |")
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    result = {
        "benchmark": "bench_store",
        "time": stamp,
        "repeat": arguments.repeat,
        "workers": n,
        "machine": {"platform": platform.platform(), "python": platform.python_version()},
        "source": str(arguments.source),
        "rows": rows,
        "runs": {name: [r.__dict__ for r in values] for name, values in runs.items()},
    }
    (RESULTS / f"bench_store-{stamp}.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(f"(repository: {ROOT})", file=sys.stderr)


if __name__ == "__main__":
    main()
