"""framing: compare how news outlets frame the same events.

Load coverage grouped by outlet, measure framing cues (blame, emotive wording, hedging, certainty) in
every document and sentence with the evidence behind each count, compare outlets with sound statistics,
and write a report with charts and quoted evidence.
"""

from framing.corpus import Corpus, LoadSummary, load_corpus
from framing.errors import FramingError, InputError, OptionError

__version__ = "0.1.0"

__all__ = ["Corpus", "FramingError", "InputError", "LoadSummary", "OptionError", "__version__", "load_corpus"]
