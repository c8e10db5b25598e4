"""What a cue family declares about itself."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CueFamily:
    """A cue family: the lexicon it comes from, what it measures, and its validation score.

    Attributes:
        name: the family, also the prefix of its feature columns (``hedging_count``, ``hedging_rate``).
        lexicon: the built-in lexicon file holding its entries (``framing/lexicons/<lexicon>.tsv``).
        description: what a match means, in a researcher's words.
        score: the feature column that scores a text for this family when comparing with human labels
            (e.g. ``emotive_weighted``: intensity-weighted count).
    """

    name: str
    lexicon: str
    description: str
    score: str

    def columns(self, subcategories: list[str]) -> list[str]:
        """The feature columns of this family for the given subcategories."""
        f = self.name
        return [
            f"{f}_count",
            f"{f}_negated",
            f"{f}_present",
            f"{f}_rate",
            *[c for s in subcategories for c in (f"{f}_{s}_count", f"{f}_{s}_rate")],
        ]
