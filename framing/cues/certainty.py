"""Certainty (boosters): wording that presents a claim as beyond doubt.

Subcategories include booster adverbs (clearly, undoubtedly), factives (confirmed, proven), "no doubt"
expressions and assertives. A negated booster ("not clear") is counted apart in ``certainty_negated``.
Rates are per 1,000 word tokens.
"""

from framing.cues.base import CueFamily

CERTAINTY = CueFamily(
    name="certainty",
    lexicon="certainty",
    description="claims presented as certain, proven or beyond doubt",
    score="certainty_count",
)
