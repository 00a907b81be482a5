"""Travel times made consistent with the official APL: what real doctors cannot reach.

The offline travel model (:mod:`proxisante.model.travel`) places every commune pair from a
straight line, one detour factor and a mean speed. Where it puts a commune ``i`` closer to
real doctors than the official APL allows, the official figure wins. In the DREES APL
(``APL_i = Σ_j f(t_ij) S_j / D_j``, every term ≥ 0), the doctors a commune ``j`` certainly
holds give ``i`` at least ``Σ_j f(t_ij) L_j / D_j``, where ``L_j`` is the least supply
of ``j`` (the known staff held there and the lower end of its libéral GPs' bound,
:func:`proxisante.model.calibrate.gp_bounds`). If that exceeds the official ``APL_i``,
DREES's road times (INSEE Metric distancier) cannot be as short as the model's for some of
those pairs. The rule:

- a commune whose official APL is 0 reaches no commune holding doctors within 20 minutes:
  every such pair leaves its catchment (the commune's own supply stays: 0 minutes);
- otherwise its farthest pair to a commune holding doctors moves one DREES step farther
  (< 10 → 10–15 → 15–20 → beyond 20 minutes), one pair per commune and round, until the
  least supply no longer exceeds the official APL.

Each change is made to both directions of a pair (a road is as long both ways), and the
catchment demands ``D`` are recomputed every round. Without it, a closure of a site whose
staff is published could remove more APL from a commune than DREES counts there: the APL
after would be floored at 0 and part of the closure would not be seen. With it, closing any
set of known-staff sites keeps every official APL + ΔAPL ≥ 0 (tested on the national model).

Only communes whose official APL is fitted are checked (``fitted``): a held-out commune's
APL is never read.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from proxisante.access._checks import as_csr, check_vector
from proxisante.access.decay import DREES_APL_STEP
from proxisante.access.fca import site_demand, supply_ratio

__all__ = ["ReachAdjustment", "official_reach"]

#: Slack of the check (APL units): the least supply may exceed the official APL by this.
REACH_TOLERANCE = 1e-9
#: Safety cap on the rounds (each moves at least one pair one step; never reached on the
#: national APL 2023 model, which settles in a few tens of rounds).
MAX_ROUNDS = 500


@dataclass(frozen=True)
class ReachAdjustment:
    """What :func:`official_reach` changed.

    Attributes
    ----------
    rounds
        Rounds run.
    communes
        Communes whose catchment was changed (their least supply exceeded the official APL).
    pairs_farther
        Commune pairs (each direction counted) moved to a farther DREES step but still within
        20 minutes.
    pairs_removed
        Commune pairs (each direction counted) moved beyond 20 minutes.
    communes_left
        Communes still inconsistent: their own least supply alone exceeds the official APL
        (no other pair left to move).
    """

    rounds: int
    communes: int
    pairs_farther: int
    pairs_removed: int
    communes_left: int

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def official_reach(minutes, demand, apl, least_supply, *, fitted=None):
    """Travel minutes whose catchments the official APL can hold (module docstring).

    Parameters
    ----------
    minutes
        Square sparse minutes over the communes (CSR; origins × destinations; pairs beyond
        20 minutes not stored), e.g. :meth:`proxisante.model.travel.CommunePairs.minutes`.
    demand
        DREES standardised population of each commune.
    apl
        Official APL of each commune.
    least_supply
        Least GP consultations per year each commune holds (known staff + lower bound).
    fitted
        Communes whose official APL may be read (default: all).

    Returns
    -------
    (minutes, ReachAdjustment)
        The adjusted minutes (same shape; removed pairs no longer stored) and what changed.

    >>> m = sp.csr_array((np.array([0.0, 5.0, 5.0, 0.0]), ([0, 0, 1, 1], [0, 1, 0, 1])))
    >>> out, adj = official_reach(m, np.array([100.0, 100.0]), np.array([0.0, 9.0]),
    ...                           np.array([0.0, 900.0]))
    >>> out.toarray().tolist(), adj.pairs_removed
    ([[0.0, 0.0], [0.0, 0.0]], 2)
    """
    m = as_csr(minutes)
    n = m.shape[0]
    p = check_vector(demand, name="demand", length=n, unit="inhabitants")
    y = check_vector(apl, name="apl", length=n, unit="APL")
    floor = check_vector(least_supply, name="least_supply", length=n, unit="consultations")
    check = np.ones(n, dtype=bool) if fitted is None else np.asarray(fitted, dtype=bool).copy()
    coo = m.tocoo()
    rows, cols, t = coo.row.astype(np.int64), coo.col.astype(np.int64), coo.data.astype(float)
    twin = _twins(rows, cols, n)
    edges = np.asarray(DREES_APL_STEP.uppers, dtype=float)
    beyond = edges[-1] + 1.0
    movable = (rows != cols) & (floor[cols] > 0)
    touched = np.zeros(n, dtype=bool)
    rounds = 0
    for rounds in range(1, MAX_ROUNDS + 1):  # noqa: B007 - the count is reported
        bad = _inconsistent(rows, cols, t, n, p, y, floor, check)
        if not bad.any():
            break
        cand = bad[rows] & movable & (t <= edges[-1])
        stuck = bad & (np.bincount(rows[cand], minlength=n) == 0)
        check &= ~stuck  # only their own supply is left: reported, not moved
        touched |= bad & ~stuck
        zero = y <= REACH_TOLERANCE
        out_all = np.flatnonzero(cand & zero[rows])
        _move(t, twin, out_all, np.full(len(out_all), beyond))
        pick = _farthest_per_row(np.flatnonzero(cand & ~zero[rows]), rows, t)
        step = np.searchsorted(edges, t[pick], side="right")
        new = np.where(step < len(edges) - 1, edges[np.minimum(step, len(edges) - 1)], beyond)
        _move(t, twin, pick, new)
    before = coo.data.astype(float)
    gone = t > edges[-1]
    keep = ~gone
    out = sp.csr_array((t[keep], (rows[keep], cols[keep])), shape=m.shape)
    out.sort_indices()
    asked = np.ones(n, dtype=bool) if fitted is None else np.asarray(fitted, dtype=bool)
    left = _inconsistent(rows[keep], cols[keep], t[keep], n, p, y, floor, asked)
    return out, ReachAdjustment(
        rounds=rounds,
        communes=int(touched.sum()),
        pairs_farther=int(np.sum(keep & (t != before))),
        pairs_removed=int(gone.sum()),
        communes_left=int(left.sum()),
    )


def _inconsistent(rows, cols, t, n, demand, apl, floor, check) -> np.ndarray:
    """Communes (among ``check``) whose least supply within reach exceeds the official APL."""
    w = sp.csr_array((DREES_APL_STEP(t), (rows, cols)), shape=(n, n))
    contribution = w @ supply_ratio(floor, site_demand(w, demand))
    return check & (contribution > apl + REACH_TOLERANCE)


def _twins(rows, cols, n) -> np.ndarray:
    """Index of the entry ``(j, i)`` of each stored ``(i, j)`` (−1 if not stored)."""
    key = rows * n + cols
    order = np.argsort(key)
    want = cols * n + rows
    pos = np.minimum(np.searchsorted(key[order], want), len(key) - 1)
    found = key[order][pos] == want
    return np.where(found, order[pos], -1)


def _farthest_per_row(entries, rows, t) -> np.ndarray:
    """Of ``entries``, the one with the longest time in each row."""
    if not len(entries):
        return entries
    order = entries[np.lexsort((t[entries], rows[entries]))]
    last = np.r_[rows[order][1:] != rows[order][:-1], True]
    return order[last]


def _move(t, twin, entries, value) -> None:
    """Set the time of ``entries`` and of their twins to at least ``value`` (per entry)."""
    if not len(entries):
        return
    t[entries] = np.maximum(t[entries], value)
    tw = twin[entries]
    ok = tw >= 0
    t[tw[ok]] = np.maximum(t[tw[ok]], value[ok])
