"""The matcher's output on a fixed sample of real news text is unchanged (digests, no text, in the repo).

``tests/golden/shared_matches.json`` holds, for 300 records of each file of ``../shared/data`` (chosen by
the SHA-256 of their id), a digest of the matcher's tokens, sentences and matches. A faster engine must
reproduce them exactly; regenerate with ``tests/golden/shared_matches.py`` only for an intended change.
"""

from __future__ import annotations

import json

import pytest

from tests.golden.shared_matches import DATA, GOLDEN, compute

pytestmark = pytest.mark.skipif(
    not DATA.is_dir(), reason=f"shared data not found at {DATA} (../shared/data next to the repository)"
)


def test_matcher_output_on_the_shared_data_is_unchanged() -> None:
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    current = compute()
    assert sorted(current) == sorted(expected), "the set of shared data files changed"
    for name, digests in expected.items():
        assert sorted(current[name]) == sorted(digests), f"{name}: the sampled record ids changed"
        changed = [rid for rid, value in digests.items() if current[name][rid] != value]
        assert not changed, f"{name}: matcher output changed for {len(changed)} records, e.g. {changed[:5]}"
