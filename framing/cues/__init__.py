"""Cue families: one module each, declaring its lexicon, its columns and the score used to validate it.

The counting itself is done once for all families by :mod:`framing.matcher`; these modules say what each
family means. :mod:`framing.cues.blame` also finds *who blames whom*.
"""

from __future__ import annotations

from framing.cues.base import CueFamily
from framing.cues.blame import BLAME, DENIAL, blame_attributions
from framing.cues.certainty import CERTAINTY
from framing.cues.emotive import EMOTIVE
from framing.cues.hedging import HEDGING

#: The built-in cue families by name.
FAMILIES: dict[str, CueFamily] = {f.name: f for f in (BLAME, DENIAL, EMOTIVE, HEDGING, CERTAINTY)}

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
