"""Who is blamed, per article, against human coding: the blamed set of :func:`framing.blame_profile`.

Two gold formats are read (``kind="auto"`` tells them apart by their columns):

* ``narrative_frames``: records with ``villains``, ``heroes``, ``victims`` (lists of ``{"entity": ...}``);
  the gold blamed set is the villains;
* ``basil``: article records with ``spans`` and parallel ``span_details`` (``target``, ``polarity``,
  ``speaker``) and ``main_entities``; the gold blamed set is the targets of negative-polarity spans.

One actor list is built from the gold entity strings of all the articles scored (as a researcher lists the
actors of a corpus), the same for the profile and the baselines (narrative_frames: every villain, hero and
victim string; BASIL: every span target, every named speaker and the main entities), deterministically:

1. normalise each string: underscores to spaces, a possessive ``'s`` and surrounding punctuation removed,
   whitespace collapsed; pronouns (he, they, it, ...) and strings shorter than 2 characters are dropped;
2. its head is its last word (lowercased); strings sharing a head form one actor, named by its most
   frequent string (ties: the longest, then alphabetical); its aliases are its strings, plus the head
   itself when the head is a capitalised word of 3+ letters ("Michael Steele" -> also "Steele");
3. an actor is a gold blamed actor when one of its strings is a villain (a negative target).

An article is scored when at least one gold blamed actor is named in its text (gold actors never named
are left out of the scoring and counted in ``gold_not_in_text``). Per article: precision, recall and F1
of the predicted blamed set against the gold set; **micro** figures pool true/false positives and false
negatives over articles; **macro** figures average the per-article F1 (an empty prediction scores 0).
``coverage`` is the share of scored articles with at least one predicted blamed actor. The two baselines
use the same actor list: ``every mentioned actor`` and ``the most-mentioned actor`` (ties: first named).
Bootstrap 95% intervals resample the scored articles (seeded).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from framing.blame_profile import BLAMED_MIN_SCORE, BLAMED_RATIO, blame_profile
from framing.errors import InputError, OptionError
from framing.io.readers import read_table
from framing.validate import validation_half

__all__ = ["BlameValidation", "format_summary", "gold_actor_list", "read_blame_gold", "validate_blame"]

Kind = Literal["auto", "narrative_frames", "basil"]
_PRONOUNS = frozenset(
    {
        "he", "she", "it", "they", "them", "him", "her", "his", "hers", "its", "their", "theirs", "we", "us",
        "our", "you", "i", "me", "who", "whom", "this", "that", "these", "those",
    }
)  # fmt: skip
_EDGE = re.compile(r"^[\W_]+|[\W_]+$")
METHODS = ("profile", "every mentioned actor", "most-mentioned actor")


def _normalise(text: str) -> str:
    text = " ".join(str(text).replace("_", " ").split())
    text = re.sub(r"['’]s?$", "", text)
    return _EDGE.sub("", text).strip()


def gold_actor_list(strings: Sequence[str], blamed: Sequence[str]) -> tuple[dict[str, list[str]], set[str]]:
    """(actor name -> aliases, gold blamed actor names) from an article's entity strings (see module doc)."""
    clusters: dict[str, Counter[str]] = {}
    for raw in strings:
        text = _normalise(raw)
        if len(text) < 2 or text.lower() in _PRONOUNS:
            continue
        clusters.setdefault(text.split()[-1].lower(), Counter())[text] += 1
    actors: dict[str, list[str]] = {}
    name_of: dict[str, str] = {}
    for head, counted in sorted(clusters.items()):
        members = list(counted)
        name = sorted(members, key=lambda s: (-counted[s], -len(s), s))[0]
        aliases = sorted(members)
        heads = {m.split()[-1] for m in members}
        proper = sorted(h for h in heads if h[:1].isupper() and len(h) >= 3 and h.lower() not in _PRONOUNS)
        for h in proper[:1]:
            if h not in aliases:
                aliases.append(h)
        actors[name] = aliases
        name_of[head] = name
    gold = set()
    for raw in blamed:
        text = _normalise(raw)
        if len(text) >= 2 and text.lower() not in _PRONOUNS:
            gold.add(name_of[text.split()[-1].lower()])
    return actors, gold


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, str):
        value = json.loads(value) if value.strip().startswith("[") else [value]
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    return list(value)


def _entities(value: Any) -> list[str]:
    out = []
    for item in _as_list(value):
        entity = item.get("entity") if isinstance(item, Mapping) else item
        if entity:
            out.append(str(entity))
    return out


def read_blame_gold(gold: str | Path | pd.DataFrame, kind: Kind = "auto") -> tuple[pd.DataFrame, str]:
    """The gold articles as a table ``doc_id, text, title, strings, villains`` and the detected kind."""
    if isinstance(gold, pd.DataFrame):
        frame = gold.reset_index(drop=True)
    else:
        path = Path(gold)
        if not path.exists():
            raise InputError(path, "no such file")
        frame = read_table(path)
    if "text" not in frame.columns:
        raise OptionError(
            f"the gold table has no 'text' column (columns: {', '.join(map(str, frame.columns))})"
        )
    if kind == "auto":
        if "villains" in frame.columns:
            kind = "narrative_frames"
        elif "span_details" in frame.columns:
            kind = "basil"
        else:
            raise OptionError(
                "cannot tell the gold format: expected a 'villains' column (narrative_frames) or "
                "'spans' with 'span_details' (BASIL articles)"
            )
    key = "id" if "id" in frame.columns else "doc_id"
    if key not in frame.columns:
        raise OptionError("the gold table needs an 'id' (or 'doc_id') column")
    rows = []
    for record in frame.to_dict("records"):
        if kind == "narrative_frames":
            villains = _entities(record.get("villains"))
            strings = villains + _entities(record.get("heroes")) + _entities(record.get("victims"))
        elif kind == "basil":
            details = [d for d in _as_list(record.get("span_details")) if isinstance(d, Mapping)]
            villains = [d["target"] for d in details if d.get("polarity") == "neg" and d.get("target")]
            strings = [d["target"] for d in details if d.get("target")]
            strings += [
                d["speaker"]
                for d in details
                if d.get("speaker") and not str(d["speaker"]).startswith("other")
            ]
            strings += [str(e) for e in _as_list(record.get("main_entities"))]
        else:
            raise OptionError(f"unknown gold kind {kind!r}; use auto, narrative_frames or basil")
        title = record.get("title")
        rows.append(
            {
                "doc_id": str(record[key]),
                "text": "" if record.get("text") is None else str(record["text"]),
                "title": title if isinstance(title, str) else None,
                "strings": strings,
                "villains": villains,
            }
        )
    return pd.DataFrame(rows, columns=["doc_id", "text", "title", "strings", "villains"]), kind


@dataclass
class BlameValidation:
    """``summary``: one row per method (figures and CIs); ``articles``: one row per article and method."""

    summary: pd.DataFrame
    articles: pd.DataFrame


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _figures(counts: np.ndarray) -> dict[str, float]:
    """counts: articles x (tp, fp, fn, predicted>0)."""
    tp, fp, fn = (int(v) for v in counts[:, :3].sum(axis=0))
    p, r, f = _prf(tp, fp, fn)
    per_article = np.array([_prf(*map(int, row[:3])) for row in counts]) if len(counts) else np.zeros((0, 3))
    return {
        "micro_precision": p,
        "micro_recall": r,
        "micro_f1": f,
        "macro_precision": float(per_article[:, 0].mean()) if len(counts) else float("nan"),
        "macro_recall": float(per_article[:, 1].mean()) if len(counts) else float("nan"),
        "macro_f1": float(per_article[:, 2].mean()) if len(counts) else float("nan"),
        "coverage": float((counts[:, 3] > 0).mean()) if len(counts) else float("nan"),
    }


def validate_blame(
    gold: str | Path | pd.DataFrame,
    *,
    kind: Kind = "auto",
    half: Literal["A", "B"] | None = None,
    n_resamples: int = 1000,
    seed: int = 0,
    min_score: float = BLAMED_MIN_SCORE,
    ratio: float = BLAMED_RATIO,
) -> BlameValidation:
    """Score the profile's blamed set and the two baselines against the gold blamed entities.

    ``half`` keeps only the articles of that fixed half (:func:`framing.validate.validation_half` of the
    article id). Returns figures per method: ``articles`` scored, micro and macro precision, recall and
    F1, ``coverage``, and bootstrap intervals ``micro_f1_ci_low/high``, ``macro_f1_ci_low/high``.
    """
    if n_resamples < 1:
        raise OptionError(f"n_resamples must be 1 or more, not {n_resamples}")
    table, kind = read_blame_gold(gold, kind)
    if half is not None:
        if half not in ("A", "B"):
            raise OptionError(f"half must be A or B, not {half!r}")
        table = table[[validation_half(d) == half for d in table["doc_id"]]].reset_index(drop=True)
    if table["doc_id"].duplicated().any():
        raise OptionError("gold article ids are not unique")
    strings = [s for row in table["strings"] for s in row]
    actors, _ = gold_actor_list(strings, [])
    golds = {row.doc_id: gold_actor_list(strings, row.villains)[1] for row in table.itertuples(index=False)}
    profile = blame_profile(
        table[["doc_id", "text", "title"]], actors=actors, min_score=min_score, ratio=ratio
    )
    by_doc = {doc: group for doc, group in profile.groupby("doc_id", sort=False)}
    records = []
    not_in_text = 0
    for doc_id in table["doc_id"]:
        rows = by_doc.get(doc_id)
        mentioned = [] if rows is None else list(rows.loc[rows["mentions"] > 0, "actor"])
        gold_set = golds[doc_id] & set(mentioned)
        not_in_text += len(golds[doc_id] - gold_set)
        if not gold_set:
            continue
        if rows is None:
            predicted: dict[str, set[str]] = {m: set() for m in METHODS}
        else:
            named = rows[rows["mentions"] > 0]
            top = named.sort_values(["mentions", "first_sentence", "actor"], ascending=[False, True, True])
            predicted = {
                "profile": set(rows.loc[rows["blamed"], "actor"]),
                "every mentioned actor": set(mentioned),
                "most-mentioned actor": set(top["actor"].head(1)),
            }
        for method in METHODS:
            guess = predicted[method]
            records.append(
                {
                    "doc_id": doc_id,
                    "method": method,
                    "gold": "; ".join(sorted(gold_set)),
                    "predicted": "; ".join(sorted(guess)),
                    "tp": len(guess & gold_set),
                    "fp": len(guess - gold_set),
                    "fn": len(gold_set - guess),
                    "n_predicted": len(guess),
                }
            )
    articles = pd.DataFrame(
        records, columns=["doc_id", "method", "gold", "predicted", "tp", "fp", "fn", "n_predicted"]
    )
    rng = np.random.default_rng(seed)
    n_articles = articles["doc_id"].nunique()
    draws = [rng.integers(0, n_articles, n_articles) for _ in range(n_resamples)] if n_articles else []
    summary = []
    for method in METHODS:
        counts = articles.loc[articles["method"] == method, ["tp", "fp", "fn", "n_predicted"]].to_numpy()
        figures = _figures(counts)
        micro, macro = [], []
        for index in draws:
            sample = _figures(counts[index])
            micro.append(sample["micro_f1"])
            macro.append(sample["macro_f1"])
        ci = (
            np.percentile(micro, [2.5, 97.5]).tolist() + np.percentile(macro, [2.5, 97.5]).tolist()
            if draws
            else [float("nan")] * 4
        )
        summary.append(
            {
                "gold": kind,
                "half": half or "all",
                "method": method,
                "articles": len(counts),
                **figures,
                "micro_f1_ci_low": ci[0],
                "micro_f1_ci_high": ci[1],
                "macro_f1_ci_low": ci[2],
                "macro_f1_ci_high": ci[3],
                "gold_not_in_text": not_in_text,
                "articles_in_file": len(table),
                "n_resamples": n_resamples,
                "seed": seed,
            }
        )
    return BlameValidation(pd.DataFrame(summary), articles)


def format_summary(summary: pd.DataFrame) -> str:
    """The summary as a fixed-width table: one line per (gold, half, method)."""
    lines = [
        f"{'gold':17} {'half':4} {'method':22} {'articles':>8} {'micro P':>7} {'micro R':>7} "
        f"{'micro F1':>8} {'95% CI':>15} {'macro F1':>8} {'95% CI':>15} {'coverage':>8}"
    ]
    for row in summary.itertuples(index=False):
        lines.append(
            f"{row.gold:17} {row.half:4} {row.method:22} {row.articles:>8} {row.micro_precision:>7.3f} "
            f"{row.micro_recall:>7.3f} {row.micro_f1:>8.3f} [{row.micro_f1_ci_low:.3f}, "
            f"{row.micro_f1_ci_high:.3f}] {row.macro_f1:>8.3f} [{row.macro_f1_ci_low:.3f}, "
            f"{row.macro_f1_ci_high:.3f}] {row.coverage:>8.1%}"
        )
    return "\n".join(lines)
