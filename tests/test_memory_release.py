"""framing._memory: freed memory goes back to the operating system (glibc on Linux)."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from framing.cli import app

GLIBC = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"

# Blocks of 4 MB freed between small blocks that stay: glibc keeps the freed pages in its heap unless
# each large block had a mapping of its own. A 16 MB block freed first makes glibc raise its mapping
# threshold (to 16 MB), as the report's stages do once their first large arrays are freed.
_HELD_AFTER_FREEING = """
import sys
import numpy as np
from framing._memory import map_large_blocks

def resident_mb():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 / 1e6

if sys.argv[1] == "map":
    assert map_large_blocks()
block, small_items = int(sys.argv[2]), int(sys.argv[3])
big = np.ones((16 << 20) // 8)
del big
before = resident_mb()
large, small = [], []
for _ in range((200 << 20) // block):
    large.append(np.ones(block // 8))
    small.append(np.ones(small_items))
del large
print(resident_mb() - before)
"""


def _held_mb(mode: str, block: int = 4 << 20, small_items: int = 8192) -> float:
    run = subprocess.run(
        [sys.executable, "-c", _HELD_AFTER_FREEING, mode, str(block), str(small_items)],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(run.stdout)


@pytest.mark.skipif(not GLIBC, reason="glibc's allocator only (mallopt)")
def test_large_blocks_freed_between_small_ones_go_back_only_when_mapped_on_their_own() -> None:
    assert _held_mb("heap") > 150  # 200 MB freed, still resident: what the report's stages suffered
    assert _held_mb("map") < 20


@pytest.mark.skipif(not GLIBC, reason="glibc's allocator only (mallopt)")
def test_blocks_of_half_a_mebibyte_are_mapped_too() -> None:
    # regression: the threshold was 1 MiB, and such blocks (a float column of 65,536 rows) stayed in the
    # heap; the 200,000-article report's rates step peaked at 691-733 MB then, 677-678 MB with 256 KiB.
    # The 8 KB blocks left between them stay resident (400 of them, 3 MB).
    assert _held_mb("heap", 512 << 10, 1024) > 150
    assert _held_mb("map", 512 << 10, 1024) < 20


def test_a_threshold_must_be_positive() -> None:
    from framing._memory import map_large_blocks

    with pytest.raises(ValueError, match="positive number of bytes"):
        map_large_blocks(0)


def test_the_command_maps_large_blocks_before_any_command_runs(monkeypatch) -> None:
    from framing import _memory

    calls: list[int] = []

    def recorded(threshold: int = _memory.LARGE_BLOCK_BYTES) -> bool:
        calls.append(threshold)
        return True

    monkeypatch.setattr(_memory, "map_large_blocks", recorded)
    result = CliRunner().invoke(app, ["lexicon", "list"])
    assert result.exit_code == 0, result.output
    assert calls == [256 << 10]


def test_the_command_collects_cyclic_garbage_less_often(monkeypatch: pytest.MonkeyPatch) -> None:
    # the matching's millions of short-lived containers made the collector run every 700 of them
    import gc

    monkeypatch.setattr(gc, "set_threshold", lambda *levels: calls.append(levels))
    calls: list[tuple[int, ...]] = []
    result = CliRunner().invoke(app, ["lexicon", "list"])
    assert result.exit_code == 0, result.output
    assert calls == [(10_000, 50, 100)]


# 200 blocks of 1,000 rows x 80 counts (~130 MB in all), joined into one table: pd.concat holds the blocks
# and the whole result at once, as the end of a matching pass over 200,000 articles did.
_JOINED_PEAK = """
import sys
import numpy as np
import pandas as pd
from framing._memory import map_large_blocks, return_freed_memory
from framing.features import concat_releasing

def status(key):
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) / 1000 for line in status if line.startswith(key))

map_large_blocks()
rng = np.random.default_rng(0)
blocks = [pd.DataFrame(rng.integers(0, 5, (1000, 80))) for _ in range(200)]
return_freed_memory()
with open("/proc/self/clear_refs", "w") as refs:
    refs.write("5")  # the high-water mark starts again from here
before = status("VmRSS")
joined = pd.concat(blocks, ignore_index=True) if sys.argv[1] == "concat" else concat_releasing(blocks)
print(status("VmHWM") - before)
"""


@pytest.mark.skipif(not GLIBC, reason="glibc's allocator and Linux's /proc/self/clear_refs")
def test_joining_the_blocks_of_a_feature_table_does_not_hold_them_beside_the_result() -> None:
    def peak_mb(mode: str) -> float:
        run = subprocess.run(
            [sys.executable, "-c", _JOINED_PEAK, mode], capture_output=True, text=True, check=True
        )
        return float(run.stdout)

    assert peak_mb("concat") > 100  # the result (128 MB) beside the blocks
    assert peak_mb("releasing") < 40  # each block's pages go back as the result fills up


def test_the_command_has_arrow_allocate_with_malloc() -> None:
    import pyarrow as pa

    before = pa.default_memory_pool()
    try:
        result = CliRunner().invoke(app, ["lexicon", "list"])
        assert result.exit_code == 0, result.output
        assert pa.default_memory_pool().backend_name == "system"
    finally:
        pa.set_memory_pool(before)


# Page faults of one bootstrap and one permutation test on 20,000 documents, in a process that maps
# blocks of 256 KiB or more on their own (as the framing command does). A warm-up call of the same
# shapes comes first, so only what the loops page in each time is counted.
_LOOP_FAULTS = """
import resource
import numpy as np
from framing._memory import map_large_blocks
from framing.compare.resampling import bootstrap_means, permutation_diffs

assert map_large_blocks()
values = np.random.default_rng(0).gamma(1.0, 5.0, size=(20_000, 5))

def faults(call):
    call(1)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    call(2)
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before

print(faults(lambda seed: bootstrap_means(values, 2000, np.random.default_rng(seed))))
print(faults(lambda seed: permutation_diffs(values, 4000, 2000, np.random.default_rng(seed))))
"""


@pytest.mark.skipif(not GLIBC, reason="glibc's allocator (mallopt) and Linux's page-fault counts")
def test_the_resampling_loops_do_not_page_in_new_arrays_for_every_block() -> None:
    # regression: the bootstrap drew 250,000 indices at a time (two fresh 2 MB mappings per draw:
    # 156,691 page faults here) and the permutation test built a sparse matrix for every block of
    # permutations (36,394); now 330 and 970: the draws stay under the mapping threshold and the
    # permutation test refills the same arrays.
    run = subprocess.run([sys.executable, "-c", _LOOP_FAULTS], capture_output=True, text=True, check=True)
    bootstrap, permutation = (int(line) for line in run.stdout.split())
    assert bootstrap < 20_000
    assert permutation < 10_000


# Page faults of a loop that makes and frees a 2 MB array 100 times, in a process that maps blocks of
# 256 KiB or more on their own: as it is, inside heap_for_temporaries, and after it.
_HEAP_SCOPE = """
import resource
import numpy as np
from framing import _memory

def faults():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(100):
        np.ones(1 << 18).sum()  # 2 MB
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before

with _memory.heap_for_temporaries() as kept:
    assert not kept  # no mapping rule here: nothing changes
assert _memory.map_large_blocks()
mapped = faults()
with _memory.heap_for_temporaries() as kept:
    assert kept
    faults()  # the heap grows once
    inside = faults()
after = faults()
print(mapped, inside, after)
"""


@pytest.mark.skipif(not GLIBC, reason="glibc's allocator (mallopt) and Linux's page-fault counts")
def test_heap_for_temporaries_reuses_the_heap_inside_and_restores_the_mapping_rule_after() -> None:
    run = subprocess.run([sys.executable, "-c", _HEAP_SCOPE], capture_output=True, text=True, check=True)
    mapped, inside, after = (int(n) for n in run.stdout.split())
    assert mapped > 100 * 400  # each array's 512 pages faulted in afresh
    assert inside < 1_000  # the same heap pages each time
    assert after > 100 * 400  # mapped one by one again
