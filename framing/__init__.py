"""framing: compare how news outlets frame the same events.

Load coverage grouped by outlet, measure framing cues (blame, emotive wording, hedging, certainty) in
every document and sentence with the evidence behind each count, compare outlets with sound statistics,
and write a report with charts and quoted evidence.

>>> import framing
>>> corpus = framing.load_corpus("corpora/crocus")                 # doctest: +SKIP
>>> features = framing.extract(corpus)                              # one row per document
>>> framing.evidence(corpus, cue="hedging", outlet="vestnik")       # the matches behind the counts
>>> framing.blame_attributions(corpus)                              # who blames whom, per sentence
>>> framing.blame_profile(corpus)                                   # who each article blames
"""

from framing.actors import suggest_actors
from framing.blame_profile import blame_profile
from framing.corpus import Corpus, LoadSummary, as_corpus, load_corpus
from framing.errors import FramingError, InputError, OptionError
from framing.features import blame_attributions, build_matcher, evidence, extract
from framing.language import detect_language
from framing.lexicon import Lexicon, builtin_lexicons, load_lexicon

__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    # scikit-learn is imported only when the transformer is asked for (it costs ~0.7 s and ~70 MB).
    if name == "FramingCues":
        from framing.transformer import FramingCues

        return FramingCues
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Corpus",
    "FramingCues",
    "FramingError",
    "InputError",
    "Lexicon",
    "LoadSummary",
    "OptionError",
    "__version__",
    "as_corpus",
    "blame_attributions",
    "blame_profile",
    "build_matcher",
    "builtin_lexicons",
    "detect_language",
    "evidence",
    "extract",
    "load_corpus",
    "load_lexicon",
    "suggest_actors",
]
