"""CPU time of the same-story clustering (:func:`framing.stories.cluster_stories` and :func:`story_table`).

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_stories.py [CORPUS.jsonl] [--repeat 3] [--reference OLD.py]

CORPUS defaults to ``benchmarks/data/allsides-dev_x1.jsonl`` (4,000 AllSides articles; ``bench_features.py``
writes it and ``allsides-dev_x5.jsonl``, 20,000). The corpus is loaded once as the report loads it
(``framing.corpus.load_corpus``: cleaned texts, syndicated copies marked); then each code's
``cluster_stories`` and ``story_table`` run ``--repeat`` times, the codes taking turns, and the table gives
the smallest and the median CPU seconds (``time.process_time``: this process, user + system) of each.

``--reference OLD.py`` also times another copy of the module (e.g.
``git show main~5:framing/stories.py > /tmp/old_stories.py``) and checks that both give the same stories
and the same story table.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "benchmarks" / "data" / "allsides-dev_x1.jsonl"


def _module(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("reference_stories", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reference", type=Path, help="another stories.py to time and compare with")
    args = parser.parse_args()
    if not args.corpus.exists():
        sys.exit(f"{args.corpus} not found: run benchmarks/bench_features.py first, or name a JSONL corpus")
    sys.path.insert(0, str(ROOT))  # this checkout's package, not the one installed in the virtualenv
    for name in ("sklearn.feature_extraction.text", "sklearn.preprocessing"):  # imported before the timings
        importlib.import_module(name)

    import framing.stories
    from framing.corpus import load_corpus

    documents = load_corpus(args.corpus).documents
    codes = {"this": framing.stories}
    if args.reference:
        codes = {"reference": _module(args.reference.resolve()), **codes}
    seconds: dict[str, dict[str, list[float]]] = {code: {"cluster": [], "table": []} for code in codes}
    results = {}
    for _ in range(args.repeat):
        for code, module in codes.items():
            start = time.process_time()
            stories = module.cluster_stories(documents)
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


if __name__ == "__main__":
    main()
