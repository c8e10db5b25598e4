"""The statistics' memory-lean paths (issue 8) give the tables of the plain computations, bit for bit."""

from __future__ import annotations

import numpy as np
import pandas as pd

from framing import compare


def dated_features() -> pd.DataFrame:
    """Three outlets over three weeks, some documents undated, two cues, rows shuffled."""
    rng = np.random.default_rng(11)
    rows = []
    for outlet, size in (("A", 9), ("B", 6), ("C", 12)):
        for i in range(size):
            tokens = int(rng.integers(50, 500))
            day = int(rng.integers(1, 22))
            rows.append(
                {
                    "doc_id": f"{outlet}{i:02d}",
                    "outlet": outlet,
                    "date": "" if i % 4 == 3 else f"2024-03-{day:02d}",
                    "tokens": tokens,
                    "blame_count": int(rng.integers(0, 5)),
                    "hedging_count": int(rng.integers(0, 3)),
                }
            )
    df = pd.DataFrame(rows)
    for cue in ("blame", "hedging"):
        df[f"{cue}_rate"] = df[f"{cue}_count"] / df["tokens"] * 1000
    return df.sample(frac=1.0, random_state=5)


def test_rates_over_time_with_undated_documents_equals_the_dated_documents_alone():
    # the undated documents stay in the prepared table (no copy of the dated rows): they must count in
    # no period, exactly as when they are not given at all
    df = dated_features()
    got = compare.rates_over_time(df, freq="W")
    dated = compare.rates_over_time(df[df["date"] != ""], freq="W")
    pd.testing.assert_frame_equal(got, dated, check_exact=True)
    assert got.attrs["undated_documents"] == int((df["date"] == "").sum()) == 6
    assert dated.attrs["undated_documents"] == 0
    week = got[(got["outlet"] == "A") & (got["cue"] == "blame")]
    assert week["documents"].sum() == 9 - 2  # A's two undated documents are in no week


def test_the_statistics_leave_the_callers_table_unchanged():
    # the rate functions take the cue columns out of their prepared copy as they make their arrays
    df = dated_features()
    before = df.copy()
    compare.outlet_summary(df, n_resamples=1000)
    compare.group_vs_rest(df, n_permutations=200)
    compare.pairwise_contrasts(df, n_permutations=200)
    compare.rates_over_time(df, freq="D")
    pd.testing.assert_frame_equal(df, before, check_exact=True)


def test_the_prepared_arrays_have_the_tables_layout_and_values():
    # bootstrap products read the rates: their values and column-major layout are those of
    # DataFrame.to_numpy on the prepared table (the layout decides how BLAS sums); the counts are kept
    # as sums only, each the sum of a copy of those rows of the count matrix
    from framing.compare._checks import prepare_documents, prepare_features
    from framing.compare.rates import _Documents

    df = dated_features()
    df["blame_count"] = df["blame_count"] * 0.37 + 0.011  # not whole numbers: the order of a sum shows
    data, cues, groups, _ = prepare_features(df, cues=None, by="outlet", order=None, drop_duplicates=False)
    rates = data[[f"{c}_rate" for c in cues]].to_numpy(dtype=float)
    counts = data[[f"{c}_count" for c in cues]].to_numpy(dtype=float)
    lean, _, _, _, column = prepare_documents(df, cues=None, by="outlet", order=None, drop_duplicates=False)
    docs = _Documents.of(lean, column, cues, len(groups), rest=True)
    assert np.array_equal(docs.rates, rates)
    assert docs.rates.flags.f_contiguous == rates.flags.f_contiguous
    assert docs.rest_matches is not None
    for g in range(len(groups)):
        mine = docs.rows(g)
        rest = np.concatenate([counts[: mine.start], counts[mine.stop :]])
        for c in range(len(cues)):
            assert docs.matches[g, c] == counts[mine][:, c].sum()
            assert docs.with_cue[g, c] == (counts[mine][:, c] > 0).sum()
            assert docs.rest_matches[g, c] == rest[:, c].sum()
    # the lean table is the full one without the cue columns (read through column() instead)
    pd.testing.assert_frame_equal(lean, data.drop(columns=[c for c in data.columns if c not in lean.columns]))
    assert not any(c.endswith(("_rate", "_count")) for c in lean.columns)
