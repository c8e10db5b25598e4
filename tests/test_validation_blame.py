"""Who is blamed, per article, against coders on ``../shared/data`` (issue 9): the done-when of the issue.

On both fixed halves (:func:`framing.validate.validation_half`) of narrative_frames (villains) and BASIL
articles (targets of negative spans), the profile's micro- and macro-F1 beat both baselines built from the
same actor list (every mentioned actor; the most-mentioned one), and at least 70% of the scored articles
get a blamed actor. Every test skips, naming the path, when the data is absent.
"""

from __future__ import annotations

from functools import cache

import pandas as pd
import pytest
from conftest import SHARED_DATA

from framing.validate_blame import validate_blame

pytestmark = [
    pytest.mark.skipif(
        not SHARED_DATA.is_dir(),
        reason=f"annotated validation data not found at {SHARED_DATA} (../shared/data beside the repository)",
    ),
    pytest.mark.slow,
]

FILES = ["narrative_frames/dev.jsonl", "basil/articles.jsonl"]


@cache
def _summary(file: str, half: str) -> pd.DataFrame:
    path = SHARED_DATA / file
    if not path.exists():
        pytest.skip(f"{path} not found")
    return validate_blame(path, half=half, n_resamples=20).summary.set_index("method")  # type: ignore[arg-type]


@pytest.mark.parametrize("half", ["A", "B"])
@pytest.mark.parametrize("file", FILES)
def test_profile_beats_both_baselines_on_both_halves(file: str, half: str) -> None:
    summary = _summary(file, half)
    profile = summary.loc["profile"]
    assert profile["articles"] >= 50
    for baseline in ("every mentioned actor", "most-mentioned actor"):
        assert profile["micro_f1"] > summary.loc[baseline, "micro_f1"], baseline
        assert profile["macro_f1"] > summary.loc[baseline, "macro_f1"], baseline
    assert profile["coverage"] >= 0.70
