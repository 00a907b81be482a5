"""Up-front validation of engine inputs (shared by every measure)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from proxisante.errors import InputError

__all__ = ["as_csr", "check_vector"]


def check_vector(values, *, name: str, length: int, unit: str) -> np.ndarray:
    """A finite, non-negative float vector of the expected length."""
    v = np.asarray(values, dtype=float)
    if v.ndim != 1 or len(v) != length:
        msg = (
            f"{name} has shape {v.shape}; expected {length} values aligned with the travel "
            "matrix ids"
        )
        raise InputError(msg)
    bad = ~np.isfinite(v) | (v < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        msg = (
            f"{name}[{i}] is {float(v[i])}; expected finite {unit} ≥ 0 "
            f"({int(bad.sum())} bad value(s))"
        )
        raise InputError(msg)
    return v


def as_csr(matrix, *, name: str = "minutes") -> sp.csr_array:
    """A CSR array with finite, non-negative stored values (structure is kept as is)."""
    if not sp.issparse(matrix):
        msg = f"{name} must be a scipy.sparse matrix (origins × destinations); got {type(matrix)}"
        raise InputError(msg)
    m = sp.csr_array(matrix)
    if m.nnz:
        bad = ~np.isfinite(m.data) | (m.data < 0)
        if bad.any():
            msg = (
                f"{name} holds {int(bad.sum())} negative or non-finite value(s), "
                f"e.g. {float(m.data[bad][0])}"
            )
            raise InputError(msg)
    return m
