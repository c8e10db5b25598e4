"""CPU time and memory of the same-story clustering (:func:`framing.stories.cluster_stories`, story_table).

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_stories.py [CORPUS.jsonl] [--repeat 3] [--reference OLD.py]
    .venv/bin/python benchmarks/bench_stories.py CORPUS.jsonl --spooled [--memory] [--repeat 1]

CORPUS defaults to ``benchmarks/data/allsides-dev_x1.jsonl`` (4,000 AllSides articles; ``bench_features.py``
writes it and ``allsides-dev_x5.jsonl``, 20,000). The corpus is loaded once as the report loads it
(``framing.corpus.load_corpus``: cleaned texts, syndicated copies marked); then each code's
``cluster_stories`` and ``story_table`` run ``--repeat`` times, the codes taking turns, and the table gives
the smallest and the median CPU seconds (``time.process_time``: this process, user + system) of each.

``--reference OLD.py`` also times another copy of the module (e.g.
``git show main~5:framing/stories.py > /tmp/old_stories.py``) and checks that both give the same stories
and the same story table.

``--spooled`` clusters the corpus with its texts on disk (``Corpus.spooled()``: a ``text_ref`` column and a
spool file, read a block at a time), and checks once that the stories are those of the texts in memory.
``--memory`` runs each clustering in a fresh process of its own (started by ``spawn``: it holds only the
documents table, and the spool's path for ``--spooled``) and prints its peak resident set (``ru_maxrss``,
MB; the interpreter with pandas and scikit-learn imported is about 180 MB of it), as the report's worker
would need beside the process that started it. The in-memory corpus is freed before the spooled one
is clustered (the 200,000-article file takes a few GB to load).
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import resource
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "benchmarks" / "data" / "allsides-dev_x1.jsonl"


def _module(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("reference_stories", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _cluster_alone(root: str, documents: Any, spool: Any) -> tuple[Any, float, float]:
    """In a fresh process: the stories, the CPU seconds and this process's peak resident set (MB)."""
    sys.path.insert(0, root)
    for name in ("sklearn.feature_extraction.text", "sklearn.preprocessing"):
        importlib.import_module(name)
    from framing.stories import cluster_stories

    start = time.process_time()
    stories = cluster_stories(documents, spool=spool)
    seconds = time.process_time() - start
    return stories, seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reference", type=Path, help="another stories.py to time and compare with")
    parser.add_argument("--spooled", action="store_true", help="cluster the corpus with its texts on disk")
    parser.add_argument("--memory", action="store_true", help="each run in a process of its own: peak RSS")
    args = parser.parse_args()
    if not args.corpus.exists():
        sys.exit(f"{args.corpus} not found: run benchmarks/bench_features.py first, or name a JSONL corpus")
    sys.path.insert(0, str(ROOT))  # this checkout's package, not the one installed in the virtualenv
    for name in ("sklearn.feature_extraction.text", "sklearn.preprocessing"):  # imported before the timings
        importlib.import_module(name)

    import framing.stories
    from framing._memory import return_freed_memory
    from framing.corpus import load_corpus

    corpus = load_corpus(args.corpus, jobs=2)
    spool = None
    if args.spooled:
        expected = None if args.memory else framing.stories.cluster_stories(corpus)
        spooled = corpus.spooled()
        del corpus
        gc.collect()
        return_freed_memory()
        corpus = spooled
        spool = corpus.spool
    documents = corpus.documents
    if args.memory:
        _memory_runs(args, documents, spool)
        return
    if args.spooled:
        same = framing.stories.cluster_stories(documents, spool=spool).equals(expected)
        print("spooled stories: the same as in memory" if same else "spooled stories DIFFER")
    codes = {"this": framing.stories}
    if args.reference:
        codes = {"reference": _module(args.reference.resolve()), **codes}
    seconds: dict[str, dict[str, list[float]]] = {code: {"cluster": [], "table": []} for code in codes}
    results = {}
    for _ in range(args.repeat):
        for code, module in codes.items():
            start = time.process_time()
            stories = (
                module.cluster_stories(documents, spool=spool) if spool else module.cluster_stories(documents)
            )
            middle = time.process_time()
            table = module.story_table(stories, documents)
            seconds[code]["cluster"].append(middle - start)
            seconds[code]["table"].append(time.process_time() - middle)
            results[code] = (stories, table)
    print(f"{args.corpus.name}: {len(documents)} documents, {results['this'][0].attrs['stories']} stories")
    print(f"{'code':>9} {'step':>8} {'min CPU s':>10} {'median':>8}")
    for code, steps in seconds.items():
        for step, runs in steps.items():
            print(f"{code:>9} {step:>8} {min(runs):>10.2f} {statistics.median(runs):>8.2f}")
    if args.reference:
        same = all(results["reference"][k].equals(results["this"][k]) for k in (0, 1))
        print("stories and story table: the same" if same else "stories or story table DIFFER")


def _memory_runs(args: argparse.Namespace, documents: Any, spool: Any) -> None:
    """Each clustering in a fresh process: its CPU seconds and peak resident set."""
    peaks, seconds = [], []
    for _ in range(args.repeat):
        with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
            stories, cpu, peak = pool.submit(_cluster_alone, str(ROOT), documents, spool).result()
        peaks.append(peak)
        seconds.append(cpu)
    kind = "spooled" if spool is not None else "in memory"
    print(
        f"{args.corpus.name} ({kind}): {len(documents)} documents, {stories.attrs['stories']} stories, "
        f"{stories.attrs['edges']} edges"
    )
    print(
        f"cluster_stories in its own process: peak RSS {min(peaks):.0f}-{max(peaks):.0f} MB, "
        f"CPU {min(seconds):.1f}-{max(seconds):.1f} s ({len(peaks)} runs)"
    )


if __name__ == "__main__":
    main()
