"""Pseudo-replication on real news: document-level against outlet-clustered tests, AllSides by leaning.

    .venv/bin/python benchmarks/clustered_allsides.py [--permutations 2000] [--controls topic]

Reads ``allsides/dev.jsonl`` of the shared data folder (``FRAMING_SHARED_DATA`` points elsewhere), whose
articles come from outlets nested in three leanings, and prints, per cue: the Kruskal-Wallis omnibus
q-value with documents as the unit and with whole outlets permuted, the pairwise and group-vs-rest
q-values both ways with the number of outlets on each side, and the rate model's incidence-rate ratios
(negative binomial, log-tokens offset, SEs clustered by outlet). Nothing is written.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import pandas as pd

import framing
from framing import compare
from framing.features import grouped_features

SHARED = Path(os.environ.get("FRAMING_SHARED_DATA") or Path(__file__).resolve().parents[2] / "shared/data")
CUES = ["blame", "denial", "emotive", "hedging", "certainty"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--permutations", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--controls", nargs="*", default=["topic"])
    args = parser.parse_args()
    path = SHARED / "allsides" / "dev.jsonl"
    if not path.exists():
        print(f"{path} not found: set FRAMING_SHARED_DATA to the shared data folder", file=sys.stderr)
        return 1
    start = time.perf_counter()
    corpus = framing.load_corpus(path)
    features = grouped_features(corpus.documents, "leaning")
    for name in args.controls:
        features[name] = corpus.documents[name].fillna("unknown").to_numpy()
    print(f"{len(features)} documents, {features['outlet'].nunique()} outlets; matched in "
          f"{time.perf_counter() - start:.0f} s")  # fmt: skip
    options = {"by": "leaning", "cues": CUES, "seed": args.seed}
    permutations = {"n_permutations": args.permutations}
    pd.set_option("display.width", 160)
    pd.set_option("display.max_columns", 20)

    naive = compare.omnibus_tests(features, by="leaning", cues=CUES)
    clustered = compare.omnibus_tests(features, cluster="outlet", **options, **permutations)
    print("\nOmnibus Kruskal-Wallis per cue: q with documents as the unit vs whole outlets permuted")
    print(
        pd.DataFrame(
            {
                "cue": naive["cue"],
                "H": naive["h_statistic"].round(2),
                "q_documents": naive["q_value"],
                "q_outlets": clustered["q_value"],
                "outlets": clustered["n_clusters"],
                "min_outlets_per_group": clustered["min_clusters"],
            }
        ).to_string(index=False)
    )
    for name, function in (
        ("Pairwise", compare.pairwise_contrasts),
        ("Group vs rest", compare.group_vs_rest),
    ):
        before = function(features, **options, **permutations)
        after = function(features, cluster="outlet", **options, **permutations)
        table = after[
            ["cue", "group_a", "group_b", "n_clusters_a", "n_clusters_b", "mean_difference"]
        ].assign(
            q_documents=before["q_value"],
            q_outlets=after["q_value"],
            exact=after["exact"],
            note=after["note"],
        )
        print(f"\n{name}: BH q-values with documents as the unit vs whole outlets permuted")
        print(table.round({"mean_difference": 3}).to_string(index=False))
    summary = compare.outlet_summary(features, by="leaning", cues=CUES, seed=args.seed)
    outlets = compare.outlet_summary(features, cluster="outlet", **options)
    print("\nMean rate per 1,000 tokens, 95% CI: documents resampled vs whole outlets resampled")
    print(
        summary[["leaning", "cue", "mean_rate", "ci_low", "ci_high"]]
        .assign(cluster_low=outlets["ci_low"], cluster_high=outlets["ci_high"], outlets=outlets["n_clusters"])
        .round(3)
        .to_string(index=False)
    )
    model = compare.rate_model(features, by="leaning", cues=CUES, controls=args.controls)
    print(
        f"\nRate model (controls: {', '.join(args.controls) or 'none'}); "
        f"reference {model['reference'].iloc[0]}"
    )
    print(
        model[["cue", "group", "n_clusters", "irr", "ci_low", "ci_high", "q_value", "model", "dispersion"]]
        .round(3)
        .to_string(index=False)
    )
    print(f"\ntotal {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
