r"""Maximal covering location (Church & ReVelle 1974) with HiGHS: open ``p`` centres among
candidates to cover the most demand within a service time.

.. math::

    \max \sum_i w_i y_i \quad \text{s.t.} \quad y_i \le \sum_{k \in N_i} x_k,\;
    \sum_k x_k = p,\; x_k, y_i \in \{0, 1\}

with :math:`N_i` the candidates within the service time of demand point :math:`i`.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from proxisante.errors import InputError
from proxisante.plan._solver import new_highs

__all__ = ["max_coverage"]


def max_coverage(covers, weights, *, p: int, time_limit_s: float = 60.0, solver=None):
    """Solve the MCLP; ``covers`` is a sparse demand × candidates 0/1 matrix.

    Returns
    -------
    (selected, covered_weight, gap)
        Indexes of the opened candidates, the demand covered and HiGHS's proven gap.
    """
    # deferred: highspy takes 0.1 s to import; only solving needs it
    import highspy

    c = sp.csr_array(covers, dtype=float)
    w = np.asarray(weights, dtype=float)
    n, k = c.shape
    if len(w) != n or (w < 0).any() or not np.isfinite(w).all():
        msg = f"weights must be {n} finite values ≥ 0"
        raise InputError(msg)
    if not 1 <= p <= k:
        msg = f"p was {p}; expected 1..{k} (number of candidates)"
        raise InputError(msg)
    # variables: x (k) then y (n); rows: y_i - sum_k c_ik x_k <= 0, sum x = p
    rows = sp.vstack([
        sp.hstack([-c, sp.identity(n, format="csr")]),
        sp.hstack([sp.csr_array(np.ones((1, k))), sp.csr_array((1, n))]),
    ], format="csc")  # fmt: skip
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = k + n, n + 1
    lp.col_cost_ = np.concatenate([np.zeros(k), -w])
    lp.col_lower_ = np.zeros(k + n)
    lp.col_upper_ = np.ones(k + n)
    lp.row_lower_ = np.concatenate([np.full(n, -np.inf), [p]])
    lp.row_upper_ = np.concatenate([np.zeros(n), [p]])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = rows.indptr
    lp.a_matrix_.index_ = rows.indices
    lp.a_matrix_.value_ = rows.data
    lp.integrality_ = [highspy.HighsVarType.kInteger] * k + [highspy.HighsVarType.kContinuous] * n
    h = solver or new_highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(time_limit_s))
    h.passModel(lp)
    h.run()
    x = np.asarray(h.getSolution().col_value)
    selected = np.flatnonzero(x[:k] > 0.5)
    covered = (c[:, selected].sum(axis=1) > 0) if len(selected) else np.zeros(n, dtype=bool)
    info = h.getInfo()
    gap = float(info.mip_gap) if np.isfinite(info.mip_gap) else 0.0
    return selected, float(w[np.asarray(covered).ravel()].sum()), max(gap, 0.0)
