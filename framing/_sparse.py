"""scipy's compiled sparse-matrix kernels, for products made on arrays the caller already has.

``csr_matrix @ ...`` checks and copies its operands and allocates its result on every call; the
neighbour search of :mod:`framing.stories` and the permutation tests of
:mod:`framing.compare.resampling` call the kernel behind it on arrays they size or reuse themselves.
The kernels live in scipy's private ``scipy.sparse._sparsetools``: where it is missing (another scipy
layout), :func:`sparse_kernel` says so and the callers use the ``@`` operator, which gives the same
numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

try:
    from scipy.sparse import _sparsetools
except ImportError:  # pragma: no cover - a scipy without the module
    _sparsetools = None

__all__ = ["sparse_kernel"]


def sparse_kernel(name: str) -> Callable[..., Any] | None:
    """scipy's compiled sparse kernel ``name`` (``"csr_matvecs"``, ``"csr_matmat"``), or None where this
    scipy has no such kernel."""
    return getattr(_sparsetools, name, None) if _sparsetools is not None else None
