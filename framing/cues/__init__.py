"""Cue families: one module each, declaring its lexicon, its columns and the score used to validate it.

The counting itself is done once for all families by :mod:`framing.matcher`; these modules say what each
family means. :mod:`framing.cues.blame` also finds *who blames whom*.
"""

from __future__ import annotations

from typing import Any

from framing.cues.base import CueFamily
from framing.cues.blame import BLAME, DENIAL
from framing.cues.certainty import CERTAINTY
from framing.cues.emotive import EMOTIVE
from framing.cues.hedging import HEDGING
from framing.lexicon import CUE_FAMILIES

_DECLARED = {f.name: f for f in (BLAME, DENIAL, EMOTIVE, HEDGING, CERTAINTY)}
#: The built-in cue families by name, in the order of :data:`framing.lexicon.CUE_FAMILIES`, the one list
#: of family names (the matcher orders its families by it too); a family module missing for a listed
#: name fails here, at import.
FAMILIES: dict[str, CueFamily] = {name: _DECLARED[name] for name in CUE_FAMILIES}

__all__ = [
    "BLAME",
    "CERTAINTY",
    "DENIAL",
    "EMOTIVE",
    "FAMILIES",
    "HEDGING",
    "CueFamily",
    "blame_attributions",
]


def __getattr__(name: str) -> Any:
    # Compatibility: framing.cues.blame_attributions is framing.features.blame_attributions (imported
    # lazily so that this package does not import the features layer built on it).
    if name == "blame_attributions":
        from framing.features import blame_attributions

        return blame_attributions
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
