"""Hedging: wording that marks a claim as possible, approximate, uncertain, or only reported.

Subcategories: ``epistemic_modal`` (may, might, could), ``probability`` (likely, possibly, potentially),
``speculative_verb`` (suggest, appear, seem), ``approximator`` (about/around + number), ``uncertainty``
(unclear whether, unconfirmed) and, kept apart, ``attribution``: distancing attribution (reportedly,
allegedly, so-called, insinuations, unnamed sources). Rates are per 1,000 word tokens.
"""

from framing.cues.base import CueFamily

HEDGING = CueFamily(
    name="hedging",
    lexicon="hedging",
    description="claims marked as possible, approximate, uncertain or merely reported",
    score="hedging_count",
)
