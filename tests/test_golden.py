"""The bundled corpus's report tables and feature tables are byte-identical to the golden files.

A refactoring must not change a number. When a change of output is intended (a fixed bug, a revised
lexicon), run ``tests/golden/regenerate.py`` and name the change in the commit message.
"""

from __future__ import annotations

import difflib
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


@pytest.mark.parametrize("name", _names(GOLDEN))
def test_output_is_byte_identical_to_the_golden_file(current: Path, name: str) -> None:
    expected = (GOLDEN / name).read_text(encoding="utf-8")
    produced = (current / name).read_text(encoding="utf-8")
    if produced != expected:
        diff = difflib.unified_diff(
            expected.splitlines(), produced.splitlines(), "golden/" + name, "now/" + name, lineterm="", n=1
        )
        pytest.fail("\n".join(list(diff)[:40]))
