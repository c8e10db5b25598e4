"""The bundled corpus's report tables and feature tables are identical to the golden files.

A refactoring must not change a number. When a change of output is intended (a fixed bug, a revised
lexicon), run ``tests/golden/regenerate.py`` and name the change in the commit message.

Every cell must be the same text, except numbers, which may differ in the last bits of a double: NumPy's
OpenBLAS picks its kernels by CPU, and the same fits and classifiers give, say, 0.02403014555832119 on an
Intel machine (AVX-512 kernels, which wrote these files) and 0.024030145558321142 on an AMD one.
"""

from __future__ import annotations

import csv
import difflib
import io
import math
from pathlib import Path

import pytest

from tests.golden.regenerate import golden_outputs

GOLDEN = Path(__file__).resolve().parent / "golden" / "crocus"


@pytest.fixture(scope="module")
def current(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("golden")
    golden_outputs(folder)
    return folder


def _names(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*.csv"))


def test_the_same_files_are_written(current: Path) -> None:
    assert _names(current) == _names(GOLDEN)


def _same_cell(expected: str, produced: str) -> bool:
    """The same text, or two numbers within 1e-9 of each other (relative; 1e-12 absolute near 0)."""
    if expected == produced:
        return True
    try:
        return math.isclose(float(expected), float(produced), rel_tol=1e-9, abs_tol=1e-12)
    except ValueError:
        return False


def _same_table(expected: str, produced: str) -> bool:
    rows = [list(csv.reader(io.StringIO(text))) for text in (expected, produced)]
    return len(rows[0]) == len(rows[1]) and all(
        len(a) == len(b) and all(_same_cell(x, y) for x, y in zip(a, b, strict=True))
        for a, b in zip(*rows, strict=True)
    )


def test_cells_compare_numbers_to_the_last_bits_only() -> None:
    assert _same_table("a,b\nx,0.02403014555832119\n", "a,b\nx,0.024030145558321142\n")
    assert not _same_table("a,b\nx,0.0240301455\n", "a,b\nx,0.0240301456\n")
    assert not _same_table("a\ndid not converge\n", "a\nat its boundary 0\n")
    assert not _same_table("a\n1\n", "a\n1\n2\n") and not _same_table("a,b\n1,2\n", "a\n1\n")


@pytest.mark.parametrize("name", _names(GOLDEN))
def test_output_is_identical_to_the_golden_file(current: Path, name: str) -> None:
    expected = (GOLDEN / name).read_text(encoding="utf-8")
    produced = (current / name).read_text(encoding="utf-8")
    if not _same_table(expected, produced):
        diff = difflib.unified_diff(
            expected.splitlines(), produced.splitlines(), "golden/" + name, "now/" + name, lineterm="", n=1
        )
        pytest.fail("\n".join(list(diff)[:40]))
