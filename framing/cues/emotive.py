"""Emotive wording: loaded and sensational terms, each with an intensity weight (1 mild to 3 extreme).

Subcategories: fear, anger and outrage, grief, violence and gore, moral condemnation, derision, name
calling (derogatory labels: "thugs", "regime" in its pejorative sense), praise (glorifying labels:
"hero", "martyr"), attack verbs, sensational, and intensifiers ("most severe", "utterly").
``emotive_weighted`` sums the intensity weights; ``emotive_rate`` counts matches per 1,000 word tokens.
"""

from framing.cues.base import CueFamily

EMOTIVE = CueFamily(
    name="emotive",
    lexicon="emotive",
    description="emotionally loaded, sensational or morally condemning wording",
    score="emotive_weighted",
)
