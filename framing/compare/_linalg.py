"""Matrix products of the comparison statistics, with the same bits on any number of cores.

OpenBLAS (numpy's and scipy's BLAS) splits a large product among as many threads as the machine has
cores, and the split changes the order of the additions: on 20,000 AllSides articles, 31 of the 620
rows of ``cue_rates.csv`` had bootstrap limits that differed in their last digits between one BLAS
thread and two. The products of the resampling and permutation tests run with one BLAS thread, so the
same input and seed give the same tables whatever the machine's cores or ``OPENBLAS_NUM_THREADS``
(a report's parallelism is its worker processes, not BLAS threads).
"""

from __future__ import annotations

import functools
from contextlib import AbstractContextManager
from typing import Any

__all__ = ["one_blas_thread"]


def one_blas_thread() -> AbstractContextManager[Any]:
    """A ``with`` block in which every loaded BLAS library (OpenBLAS, MKL, BLIS) uses one thread."""
    return _blas_libraries().limit(limits=1, user_api="blas")


@functools.cache
def _blas_libraries() -> Any:
    """The BLAS libraries of this process, listed once (a listing takes ~5 ms; a limit ~30 us)."""
    # scipy ships a BLAS of its own (statsmodels and scikit-learn call it): loaded before the listing
    import scipy.linalg  # noqa: F401
    from threadpoolctl import ThreadpoolController  # scikit-learn's own dependency

    return ThreadpoolController()
